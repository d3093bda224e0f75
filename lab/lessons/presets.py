"""The lessons' presets: a short story and small one-layer models, trained in about a second each; repeated
segments and two small two-layer models (a few seconds each); the built-in stories and a prompt they lack.

One layer, no dropout: shuffling the earlier words then cannot change a prediction without positions (the
last word's attention sees a set), and the models are the same bit for bit on every run of a seed.
"""

from __future__ import annotations

from attention.teaching import collection, copying, induction
from attention.teaching.examples import SHORT_STORY
from attention.tokens.words import tokenize
from attention.training.presets import PRESETS
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


INDUCTION_TEXT = induction.lesson_text(words=40, seed=0)
"""Repeated segments of 40 made-up words (the Induction heads view's default family), ~34,000 tokens."""
INDUCTION_STEPS = 900
"""The phase change comes at ~550-700 steps with 40 words (bench/induction.py); 900 steps train in ~3 s and
copy 84-90% of fresh segments for seeds 0-9 (the preset's 3,000 steps only sharpen the copy)."""
TWO_LAYERS = TrainingSettings(**{**PRESETS["induction"], "max_steps": INDUCTION_STEPS, "patience": INDUCTION_STEPS})
"""Two layers that learn to copy: the lessons "Heads specialise" and "Induction heads" share this model."""
ONE_LAYER = TrainingSettings(**{**vars(TWO_LAYERS), "layers": 1})
"""The same with one layer: the contrast, which cannot build an induction head."""


def induction_context(seed: int) -> list[str]:
    """'.', a fresh segment of 6 of the text's words and its repeat: where the heads show their stripes (13
    rows of a heatmap fit a step's picture at 1280x720)."""
    return induction.example_context(INDUCTION_TEXT, length=6, seed=seed)


HEATMAP_CAP = 360
"""Pixels of heatmap cells in a lesson's step: 13 rows of 27 px, their labels, the title and Previous/Next
fit a 1280x720 projector beside the step's text."""


STORIES = collection.collection("en")
"""What the Lab's default model reads: the built-in English stories."""
STORIES_PROMPT = collection.prompts("en")[0]
"""A passage no story contains (the beekeeper's garden): some of its words the stories never use."""


COPY_TEXT = copying.colour_copy_text()
"""'the red ball is red . ...': 800 sentences where the word after 'is' repeats the colour three words back."""
COPY = TrainingSettings(context_window=8)
"""The Lab's defaults at window 8: copies the colour for 9 or 10 seeds of 10 (bench/colour_copy.py), in ~1 s."""
FEW_STORIES = collection.collection("en", stories=2)
"""The first two built-in stories, ~2,500 words: too little text for the model, enough for counting."""
DEFAULTS = TrainingSettings()
"""The Lab's default model: on all the stories, it is the one every server trains at its start."""
