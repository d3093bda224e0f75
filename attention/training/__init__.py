"""Training the tiny model: its settings, the loop, the optimizer, the parts of a text, presets."""
