"""From text to tokens: words (and subword pieces)."""
