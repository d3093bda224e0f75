"""Presets: named settings for `train_model`, each a plain dict of `TrainingSettings` fields.

    model = attention.train_model(text, **attention.PRESETS["induction"], seed=0)

Every value was chosen by measurement (bench/induction.py; the README has the table).
"""

from __future__ import annotations

from types import MappingProxyType

INDUCTION = MappingProxyType(
    {
        "layers": 2,  # the fewest that can build an induction head (one layer cannot: see the contrast)
        "heads": 2,
        "dim": 32,
        "context_window": 24,  # a segment of up to 12 words and its repeat fit in the window
        "positions": "sinusoidal",  # fixed positions: the previous-token head forms ~2x sooner than with learned
        "dropout": 0.0,  # dropout on the attention weights slows the phase change
        "weight_decay": 0.0,
        "learning_rate": 0.01,
        "batch_size": 32,
        "max_steps": 3000,  # the phase change comes at ~500-1,000 steps; the rest sharpens the copy
        "patience": 3000,  # never stop early on the plateau before the drop
        "epochs": 1000,
        "validation_fraction": 0.05,  # ~1,700 tokens of the lesson's ~34,000: enough to pick the kept weights
        "test_fraction": 0.05,  # the lesson is scored on fresh segments (induction.copy_accuracy) anyway
    }
)
"""Two attention layers that learn to copy repeated segments (the "Induction heads" lesson)."""

PRESETS: MappingProxyType = MappingProxyType({"induction": INDUCTION})
"""Name -> keyword arguments of `train_model` (read-only; copy with dict(...) to change one)."""
