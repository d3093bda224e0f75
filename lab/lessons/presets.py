"""The lessons' shared preset: a short story and small one-layer models, trained in about a second each.

One layer, no dropout: shuffling the earlier words then cannot change a prediction without positions (the
last word's attention sees a set), and the models are the same bit for bit on every run of a seed.
"""

from __future__ import annotations

from attention.teaching.examples import SHORT_STORY
from attention.tokens.words import tokenize
from attention.training.settings import TrainingSettings

TEXT = SHORT_STORY
TOKENS = tuple(tokenize(TEXT))
LEARNED = TrainingSettings(context_window=6, dim=16, heads=2, layers=1, dropout=0.0, max_steps=400, patience=400)
"""The lessons' model: learned positions."""
NO_POSITIONS = TrainingSettings(**{**vars(LEARNED), "positions": "none"})
"""The same model without positions (the contrast of "Why positions matter")."""
EXAMPLE_END = TOKENS.index("harbour", TOKENS.index("evening")) - 1
"""The example context ends at '... back up from the' (predicting 'harbour'), in the first paragraph."""


def example_context(window: int) -> list[str]:
    """The `window` words ending at EXAMPLE_END."""
    return list(TOKENS[EXAMPLE_END - window + 1 : EXAMPLE_END + 1])
