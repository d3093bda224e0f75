"""Presets: named settings for `train_model`, each a plain dict of `TrainingSettings` fields.

    model = attention.train_model(text, **attention.PRESETS["induction"], seed=0)

Every value was chosen by measurement (bench/induction.py, bench/data_size.py; the README has the tables).
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

PROSE = MappingProxyType(
    {
        "dim": 64,  # d 48 -> 64: model / KN trigram 0.911 -> 0.875 at 200k words (2 heads, lr 0.003, 4,000 steps)
        "heads": 2,  # at d 48: 1 head 0.923 (6,000 steps), 2 heads 0.903 (5,000 steps), lr 0.005
        "context_window": 16,  # 8 -> 16: 1.034 -> 1.013 (defaults, no dropout); 32: 1.8x the time for 0.963 vs 0.954
        "learning_rate": 0.003,  # 0.005 -> 0.003: 0.931 -> 0.911 (d 48, 2 heads); 0.01 was 0.993 (d 32)
        "max_steps": 4000,  # ~35 s on one quiet core at 200k words; the default 3,000 ends while it still learns
        "patience": 3000,  # an epoch of 200k words is ~400 steps: 300 steps of patience stopped it on a noisy point
    }
)
"""A wider model for longer prose (bench/data_size.py, Vim's help, model / Kneser–Ney trigram): 0.97x at 20,000
words and 0.90x at 80,000 (the defaults: 1.00x, 0.93x). At 200,000 words the training work budget
(limits.TRAINING_WORK_BUDGET) stops it at 805 of its 4,000 steps: 1.13–1.15x; with the budget lifted
(--lift-work-budget) it takes its 4,000 steps in 35 s of one core and reaches 0.86x. The comment beside each
value is the run that chose it, on the code of the time (weight decay 0, the cap not yet there)."""

PRESETS: MappingProxyType = MappingProxyType({"induction": INDUCTION, "prose": PROSE})
"""Name -> keyword arguments of `train_model` (read-only; copy with dict(...) to change one)."""
