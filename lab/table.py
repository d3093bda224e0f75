"""The settings table: one row per setting, its default and range (which links are validated against) and its
widget's kind, label and help (which `controls.widget` draws), so a widget's range never disagrees with its link.

Labels, help texts and option names are English msgids (`N_`): `controls.widget` shows them through `_`, in the
page's language; the values a link carries stay the same in every language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from attention.core.parameters import POSITION_KINDS
from attention.i18n import N_
from attention.teaching import induction
from attention.teaching.examples import DEFAULT_EXAMPLE, EXAMPLES
from attention.training.settings import TOKENIZATIONS, TrainingSettings

from .i18n import LANGUAGES
from .serving import limits
from .serving.links import Setting

VIEW_NAMES = (
    N_("Predict"),
    N_("Train"),
    N_("Attention on the words"),
    N_("Attention map"),
    N_("Step by step"),
    N_("Generate"),
    N_("What if"),
    N_("Embedding map"),
    N_("Tokens"),
    N_("Induction heads"),
    N_("The blog's method: a toy"),
)  # the views, in order; lab/views/__init__.py maps each to its module
TRAINING_SOURCES = {
    "collection": N_("the built-in stories"),
    "upload": N_("a .txt file you upload"),
    "prompt": N_("the prompt itself (it memorises it)"),
}
"""What the model reads -> how the Train view names it. The prompt is what every view inspects."""
STORY_LANGUAGES = {"en": N_("English"), "es": N_("Spanish"), "zh": N_("Chinese")}
"""The built-in collections (attention.teaching.collection.LANGUAGES) -> how the Train view names them."""
EDITS = {"shuffle": N_("shuffle the earlier words"), "remove": N_("remove one word"), "replace": N_("replace one word")}
TRAINING_DEFAULTS = TrainingSettings()
WidgetKind = Literal[
    "slider", "select_slider", "selectbox", "radio", "segmented_control", "toggle", "number_input", "none"
]
"""The Streamlit widget a setting is drawn with; "none" for a value with no widget of its own (Sample again's draw)."""


@dataclass(frozen=True)
class Control:
    """A setting and its widget: `kind` is the Streamlit widget, `setting` the default and range links accept."""

    setting: Setting
    kind: WidgetKind
    label: str = ""
    help: str | None = None
    step: int | float | None = None
    labels: dict = field(default_factory=dict)  # option -> shown text (an N_ msgid), for choices
    own_names: bool = False  # labels shown as they are, not translated (each language's name in its own words)


CONTROLS: dict[str, Control] = {
    "example": Control(
        Setting(DEFAULT_EXAMPLE, choices=tuple(EXAMPLES)), "selectbox", N_("Example prompt"),
        N_("Built-in texts written for this lab. Choosing one replaces the prompt; the named passages are new "
        "to the model trained on their language's stories, the rhymes and patterns are for training on themselves."),
    ),
    "reads": Control(
        Setting("collection", choices=tuple(TRAINING_SOURCES)), "radio", N_("The model reads"),
        N_("What the model learns from. The prompt above is what every view asks it about: with the built-in "
        "stories or your own file, the prompt can be a sentence it has never read."), labels=TRAINING_SOURCES,
    ),
    "lang": Control(
        Setting("en", choices=tuple(LANGUAGES)), "selectbox", N_("Language"),
        N_("The language of the lab's words. The numbers stay the same: a link shows them in any language."),
        labels={code: name for code, (name, _locale) in LANGUAGES.items()}, own_names=True,
    ),
    "stories": Control(
        Setting("en", choices=tuple(STORY_LANGUAGES)), "radio", N_("Stories in"),
        N_("Each language has its own collection of stories, written for the lab, and its own trained model."),
        labels=STORY_LANGUAGES,
    ),
    "present": Control(Setting(False), "toggle", N_("Presentation mode"),
        N_("Large type and wide charts for projecting.")),
    "faithful": Control(
        Setting(False), "toggle", N_("Blog-faithful (with its bugs)"),
        N_("Reproduce the blog post's numbers exactly, double exponential included."),
    ),
    "dim": Control(
        Setting(3, low=2, high=limits.MAX_EMBEDDING_DIM), "slider", N_("Blog embedding size d_e"),
        N_("Length of each word's random vector. The blog uses 3."),
    ),
    "seed": Control(
        Setting(0, low=0, high=2**31 - 1), "number_input", N_("Seed"),
        N_("Fixes the random embeddings, the sampling and the training, so everyone sees the same numbers."), step=1,
    ),
    "temperature": Control(
        Setting(1.0, low=0.1, high=3.0), "slider", N_("Temperature τ"),
        N_("τ divides the scores before the softmax: below 1 sharpens the distribution, above 1 flattens it."),
        step=0.1,
    ),
    "top_k": Control(
        Setting(10, low=3, high=limits.MAX_TOP_K), "slider", N_("Words shown in the chart"),
        N_("How many of the most probable next words to chart."),
    ),
    "position": Control(
        Setting(9, low=1), "slider", N_("Predict the word after token number"),
        N_("The last word the model sees. The token after it is the 'true' next word."),
    ),  # its top is the text's length: clamped by the controls
    "window": Control(Setting(4, low=1), "slider", N_("Context window k (words it may look at)")),  # top: position
    "view": Control(
        Setting(VIEW_NAMES[0], choices=VIEW_NAMES), "segmented_control", N_("View"),
        N_("Each view shows the same prediction from another side."),
    ),
    "draw": Control(Setting(0, low=0, high=10**9), "none"),  # Sample again
    "t_window": Control(
        Setting(TRAINING_DEFAULTS.context_window, low=1, high=limits.MAX_CONTEXT_WINDOW), "slider",
        N_("Model window n_ctx"),
        N_("The longest context the model trains with; a prediction uses at most this many words."),
    ),
    "t_dim": Control(
        Setting(TRAINING_DEFAULTS.dim, choices=(8, 16, 32, 64)), "select_slider", N_("Model dimension d"),
        N_("Length of each word vector."),
    ),
    "t_heads": Control(
        Setting(TRAINING_DEFAULTS.heads, choices=(1, 2, 4)), "select_slider", N_("Heads"),
        N_("Attention heads: each looks at the context in its own way (d is split between them)."),
    ),
    "t_positions": Control(
        Setting(TRAINING_DEFAULTS.positions, choices=POSITION_KINDS), "selectbox", N_("Positions"),
        N_("How the model knows word order: learned vectors, fixed sine waves, or none at all."),
        labels={"learned": N_("learned"), "sinusoidal": N_("sinusoidal"), "none": N_("none")},
    ),
    "t_epochs": Control(
        Setting(TRAINING_DEFAULTS.epochs, low=10, high=limits.MAX_EPOCHS), "slider", N_("Epochs (at most)"),
        N_("Passes over the text; training stops earlier when held-out loss stops improving."), step=10,
    ),
    "t_lr": Control(
        Setting(TRAINING_DEFAULTS.learning_rate, choices=(0.001, 0.003, 0.01, 0.03)), "select_slider",
        N_("Learning rate"), N_("Adam's step size. 0.01 suits these small models."),
    ),
    "t_tied": Control(
        Setting(TRAINING_DEFAULTS.tied), "toggle", N_("Tie output to E"),
        N_("Use the embedding matrix E as the output layer.")
    ),
    "t_tokens": Control(
        Setting(TRAINING_DEFAULTS.tokenization, choices=TOKENIZATIONS), "segmented_control", N_("Tokens"),
        N_("Words: each word and mark is a token, and a word the model never learned reads as <unk>. Subwords: "
        "byte-pair encoding, as GPT models use: frequent words are one token, rare ones a few pieces, any "
        "character at worst its bytes, so no text is unknown."),
        labels={"words": N_("words"), "subwords": N_("subwords (BPE)")},
    ),
    "t_merges": Control(
        Setting(TRAINING_DEFAULTS.merges, choices=(0, 100, 300, 1000, 2000, 4000)), "select_slider",
        N_("BPE merges"), N_("Subwords only: how many pairs BPE glues into new tokens (0: single characters)."),
    ),
    "t_layers": Control(
        Setting(TRAINING_DEFAULTS.layers, low=1, high=limits.MAX_LAYERS), "slider", N_("Layers L"),
        N_("Attention layers stacked on the residual stream; two can build an induction head (see that lesson)."),
    ),
    "t_mlp": Control(
        Setting(TRAINING_DEFAULTS.mlp), "toggle", N_("MLP block"),
        N_("After each attention, every word vector goes through a small network: d -> 4d -> d."),
    ),
    "t_layernorm": Control(
        Setting(TRAINING_DEFAULTS.layernorm), "toggle", N_("LayerNorm"),
        N_("Normalise each word's vector before each block.")
    ),
    "ind_words": Control(
        Setting(40, low=induction.MIN_WORDS, high=induction.MAX_WORDS), "slider",
        N_("Made-up words in the lesson's text"),
        N_("The text's segments draw their words from this many made-up words: fewer means more repeats inside a "
           "segment."),
    ),
    "ind_layers": Control(Setting(2, low=1, high=3), "none"),  # the lesson's model: 2, or 1 for the contrast
    "gen_words": Control(Setting(12, low=1, high=limits.MAX_GENERATED_WORDS), "slider", N_("Words to generate")),
    "gen_top_k": Control(
        Setting(0, low=0, high=limits.MAX_TOP_K), "slider", N_("Sample only from the top N words (0 = all)"),
        N_("Keep the N most probable words, renormalise, then sample. 1 always takes the most probable word."),
    ),
    "edit": Control(Setting("shuffle", choices=tuple(EDITS)), "radio", N_("Change"), labels=EDITS),
}  # fmt: skip
SETTINGS: dict[str, Setting] = {key: control.setting for key, control in CONTROLS.items()}
"""What a link may carry: every setting's default and range, read from the table above."""
