"""The views, one module each: a tab's name -> the function that draws it from one ViewContext."""

from __future__ import annotations

from collections.abc import Callable

from ..state import ViewContext
from ..table import VIEW_NAMES
from . import (
    attention_map,
    blog,
    embedding_map,
    generate,
    induction,
    predict,
    step_by_step,
    tokens,
    what_if,
    words,
)
from . import (
    train_panel as train,
)

VIEWS: dict[str, Callable[[ViewContext], None]] = {
    "Predict": predict.render,
    "Train": train.render,
    "Attention on the words": words.render,
    "Attention map": attention_map.render,
    "Step by step": step_by_step.render,
    "Generate": generate.render,
    "What if": what_if.render,
    "Embedding map": embedding_map.render,
    "Tokens": tokens.render,
    "Induction heads": induction.render,
    "The blog's method: a toy": blog.render,
}
assert tuple(VIEWS) == VIEW_NAMES, "every tab has a view, in the order of the tabs"
