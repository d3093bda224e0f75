"""Self-attention next-word lab: paste text, pick a word and a context window, watch attention predict.

Widgets and layout only; every number comes from the `attention` package.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Callable
from functools import partial
from urllib.parse import urlencode

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from streamlit import dataframe_util  # the Arrow conversion st.vega_lite_chart itself uses

import attention
from attention import analysis, charts, export, formulas, limits, links
from attention.examples import DEFAULT_EXAMPLE, EXAMPLES
from attention.jobs import JobRegistry, TrainingJob
from attention.links import Setting
from attention.model import POSITION_KINDS
from attention.train import TrainingSettings

VIEWS = (
    "Predict",
    "Train",
    "Attention map",
    "Step by step",
    "Blog vs corrected",
    "Generate",
    "What if",
    "Embedding map",
)
METHODS = {"blog": "Random embeddings (the blog)", "trained": "Trained on this text"}
TRAINING_DEFAULTS = TrainingSettings()
EDITS = {"shuffle": "shuffle the earlier words", "remove": "remove one word", "replace": "replace one word"}

SETTINGS: dict[str, Setting] = {
    "example": Setting(DEFAULT_EXAMPLE, choices=tuple(EXAMPLES)),
    "position": Setting(9, low=1),
    "window": Setting(4, low=1),
    "dim": Setting(3, low=2, high=limits.MAX_EMBEDDING_DIM),
    "seed": Setting(0, low=0, high=2**31 - 1),
    "temperature": Setting(1.0, low=0.1, high=3.0),
    "top_k": Setting(10, low=3, high=limits.MAX_TOP_K),
    "faithful": Setting(False),
    "draw": Setting(0, low=0, high=10**9),
    "present": Setting(False),
    "view": Setting(VIEWS[0], choices=VIEWS),
    "method": Setting("blog", choices=tuple(METHODS)),
    "t_window": Setting(TRAINING_DEFAULTS.context_window, low=1, high=limits.MAX_CONTEXT_WINDOW),
    "t_dim": Setting(TRAINING_DEFAULTS.dim, choices=(8, 16, 32, 64)),
    "t_heads": Setting(TRAINING_DEFAULTS.heads, choices=(1, 2, 4)),
    "t_positions": Setting(TRAINING_DEFAULTS.positions, choices=POSITION_KINDS),
    "t_tied": Setting(TRAINING_DEFAULTS.tied),
    "t_epochs": Setting(TRAINING_DEFAULTS.epochs, low=10, high=limits.MAX_EPOCHS),
    "t_lr": Setting(TRAINING_DEFAULTS.learning_rate, choices=(0.001, 0.003, 0.01, 0.03)),
    "gen_words": Setting(12, low=1, high=limits.MAX_GENERATED_WORDS),
    "gen_top_k": Setting(0, low=0, high=limits.MAX_TOP_K),
    "edit": Setting("shuffle", choices=tuple(EDITS)),
}  # every setting a link carries: its default and allowed range; widgets take their defaults from here

PRESENTATION_CSS = """
<style>
  .stApp, .stMarkdown p, .stCaption, label p { font-size: 1.25rem !important; }
  h1 { font-size: 2.6rem !important; }
  .block-container { max-width: 100% !important; padding-left: 2rem; padding-right: 2rem; }
</style>
"""  # presentation mode's larger type; a constant: no user text ever goes into HTML

st.set_page_config(
    page_title="Self-attention next-word lab",
    page_icon="🔎",
    layout="wide",
    initial_sidebar_state="collapsed" if st.query_params.get("present") == "1" else "auto",
)


# ---------------------------------------------------------------- cached computation


@st.cache_data(max_entries=32, show_spinner=False)
def tokenize_text(text: str) -> tuple[list[str], attention.Vocabulary]:
    tokens = attention.tokenize(text)
    return tokens, attention.Vocabulary.from_tokens(tokens)


@st.cache_data(max_entries=32, show_spinner=False)
def blog_embeddings(vocab_size: int, dim: int, seed: int) -> np.ndarray:
    return attention.random_embeddings(vocab_size, dim, np.random.default_rng(seed))


@st.cache_resource(show_spinner=False)
def training_jobs() -> JobRegistry:
    """One registry per server: a class opening the same link trains the model once."""
    return JobRegistry(max_jobs=limits.MAX_CACHED_MODELS)


@st.cache_data(max_entries=32, show_spinner=False)
def words_by_frequency(tokens: tuple[str, ...]) -> list[str]:
    return [word for word, _ in Counter(tokens).most_common()]


# ---------------------------------------------------------------- state and links


def load_state_from_link() -> None:
    """Once per session: every setting from the URL (or its default), and the text."""
    if st.session_state.get("_loaded"):
        return
    query = st.query_params.to_dict()
    values = {key: setting.default for key, setting in SETTINGS.items()}
    values.update(links.decode(query, SETTINGS))
    for key, value in values.items():
        st.session_state[key] = value
    st.session_state.text = query.get("text") or EXAMPLES[values["example"]]
    st.session_state._loaded = True


def save_state_to_link(text: str) -> None:
    """Keep the URL in step with the settings, so a copied link reopens the same numbers."""
    values = {key: st.session_state.get(key, setting.default) for key, setting in SETTINGS.items()}
    query = links.encode(values, SETTINGS)
    if text != EXAMPLES[st.session_state.example] and links.text_fits_in_link(text):
        query["text"] = text
    if dict(st.query_params.to_dict()) != query:
        st.query_params.from_dict(query)


def link_box(text: str) -> None:
    with st.expander("Share this exact view", key="share_open", on_change="rerun") as box:
        if text != EXAMPLES[st.session_state.example] and not links.text_fits_in_link(text):
            st.info(
                f"Your text has {len(text):,} characters, too long for a link (over {limits.MAX_LINK_TEXT_CHARS:,}). "
                "The link keeps every other setting; paste the text again after opening it."
            )
        if box.open:  # the link is built only when asked for
            base = st.context.url or ""
            st.code(f"{base}?{urlencode(st.query_params.to_dict())}", language=None, wrap_lines=True)
            st.caption(
                "Copy it with the button at the right of the box: it reopens the same text, settings and numbers."
            )


def load_example() -> None:
    st.session_state.text = EXAMPLES[st.session_state.example]


def step_position(delta: int, n_tokens: int) -> None:
    st.session_state.position = min(max(st.session_state.position + delta, 1), n_tokens - 1)


def clamp(key: str, low: int, high: int) -> None:
    """Keep a slider's remembered value inside its current range (texts change under it)."""
    st.session_state[key] = min(max(int(st.session_state.get(key, SETTINGS[key].default)), low), high)


# ---------------------------------------------------------------- controls


def sidebar_controls() -> dict:
    with st.sidebar:
        st.selectbox(
            "Example text",
            list(EXAMPLES),
            key="example",
            persist_state="session",
            on_change=load_example,
            help="Built-in texts written for this lab. Choosing one replaces the text box.",
        )
        st.toggle(
            "Presentation mode",
            key="present",
            persist_state="session",
            help="Large type and wide charts for projecting in class.",
        )
        st.header("The blog's method")
        faithful = st.toggle(
            "Blog-faithful (with its bugs)",
            key="faithful",
            persist_state="session",
            help="Reproduce the blog post's numbers exactly, double exponential included.",
        )
        st.caption(
            "On: p = softmax(exp(s)), the blog's double exponential, which distorts the odds. "
            "Off: the corrected p = softmax(s / T)."
        )
        dim = st.slider(
            "Embedding dimension d",
            2,
            limits.MAX_EMBEDDING_DIM,
            key="dim",
            persist_state="session",
            help="Length of each word's random vector. The blog uses 3.",
        )
        seed = st.number_input(
            "Seed",
            0,
            2**31 - 1,
            step=1,
            key="seed",
            persist_state="session",
            help="Fixes the random embeddings, the sampling and the training, so everyone sees the same numbers.",
        )
        st.header("Both methods")
        temperature = st.slider(
            "Temperature T",
            0.1,
            3.0,
            step=0.1,
            key="temperature",
            persist_state="session",
            help="Divides the scores before softmax: below 1 sharpens the distribution, above 1 flattens it.",
        )
        top_k = st.slider(
            "Words shown in the chart",
            3,
            limits.MAX_TOP_K,
            key="top_k",
            persist_state="session",
            help="How many of the most probable next words to chart.",
        )
    return {"faithful": faithful, "dim": dim, "seed": int(seed), "temperature": temperature, "top_k": top_k}


def text_input() -> str:
    text = st.text_area(
        "Your text",
        key="text",
        persist_state="session",
        height=180,
        help="Paste any text. It is split into words and punctuation; the lab predicts each next word.",
    )
    if len(text) > limits.MAX_TEXT_CHARS:
        st.warning(
            f"Your text has {len(text):,} characters; the lab uses the first {limits.MAX_TEXT_CHARS:,}. "
            "Paste a shorter passage to use all of it."
        )
        text = text[: limits.MAX_TEXT_CHARS]
    return text


def position_controls(n_tokens: int) -> tuple[int, int]:
    """Sliders for the word to predict after (1-based) and the context window; returns 0-based position."""
    clamp("position", 1, n_tokens - 1)
    if n_tokens > 2:
        position = st.slider(
            "Predict the word after token number",
            1,
            n_tokens - 1,
            key="position",
            persist_state="session",
            help="The last word the model sees. The token after it is the 'true' next word.",
        )
    else:
        position = st.session_state.position
    with st.container(horizontal=True):
        st.button("◀ Previous", on_click=step_position, args=(-1, n_tokens), disabled=position <= 1)
        st.button("Next ▶", on_click=step_position, args=(1, n_tokens), disabled=position >= n_tokens - 1)
    clamp("window", 1, position)
    if position > 1:
        window = st.slider(
            "Context window k (words it may look at)",
            1,
            position,
            key="window",
            persist_state="session",
            help=f"How many words up to and including token {position} form the context (1 to {position}).",
        )
    else:
        window = st.session_state.window
        st.caption("Context window: 1 word (the first word has nothing before it).")
    return position - 1, window


# ---------------------------------------------------------------- training


def training_controls() -> None:
    """The trained model's settings (each travels in shareable links; read by current_training_settings)."""
    cols = st.columns(4)
    cols[0].slider(
        "Context window T",
        1,
        limits.MAX_CONTEXT_WINDOW,
        key="t_window",
        persist_state="session",
        help="How many words the model sees at once. The prediction uses at most this many.",
    )
    cols[1].select_slider(
        "Model dimension d",
        options=SETTINGS["t_dim"].choices,
        key="t_dim",
        persist_state="session",
        help="Length of each word vector.",
    )
    cols[2].select_slider(
        "Heads",
        options=SETTINGS["t_heads"].choices,
        key="t_heads",
        persist_state="session",
        help="Attention heads: each looks at the context in its own way (d is split between them).",
    )
    cols[3].selectbox(
        "Positions",
        POSITION_KINDS,
        key="t_positions",
        persist_state="session",
        help="How the model knows word order: learned vectors, fixed sine waves, or none at all.",
    )
    cols = st.columns(4)
    cols[0].slider(
        "Epochs (at most)",
        10,
        limits.MAX_EPOCHS,
        step=10,
        key="t_epochs",
        persist_state="session",
        help="Passes over the text; training stops earlier when held-out loss stops improving.",
    )
    cols[1].select_slider(
        "Learning rate",
        options=SETTINGS["t_lr"].choices,
        key="t_lr",
        persist_state="session",
        help="Adam's step size. 0.01 suits these small models.",
    )
    cols[2].toggle(
        "Tie output to E",
        key="t_tied",
        persist_state="session",
        help="Use the embedding matrix E as the output layer too.",
    )


def current_training_settings() -> TrainingSettings:
    ss = st.session_state
    return TrainingSettings(
        context_window=ss.t_window, dim=ss.t_dim, heads=ss.t_heads, positions=ss.t_positions, tied=ss.t_tied,
        epochs=ss.t_epochs, learning_rate=ss.t_lr, seed=ss.seed,
    )  # fmt: skip


def trained_model(text: str, tokens: list[str]) -> attention.TrainedModel | None:
    """The model trained on this text with the current settings, training it now (with live progress) if needed."""
    if len(tokens) < limits.MIN_TRAIN_TOKENS:
        st.info(
            f"Training needs at least {limits.MIN_TRAIN_TOKENS} tokens so some can be held out to check the "
            f"model; this text has {len(tokens)}. Paste a few more sentences, or pick an example."
        )
        return None
    job = training_jobs().start(text, current_training_settings())
    watch(job)
    if job.error:
        st.warning(f"The model could not be trained: {job.error}")
        return None
    return job.model


def watch(job: TrainingJob) -> None:
    """Live progress of a running job, until it ends (a Stop button asks it to end early)."""
    if job.done:
        return
    stop = st.empty()
    stop.button("Stop training", key=f"stop_{id(job)}", on_click=job.stop, help="Keep the best weights so far.")
    bar, curve = st.progress(0.0, text="Training…"), st.empty()
    while not job.wait(0.25):
        if job.progress:
            p = job.progress[-1]
            bar.progress(
                min(p.fraction_done, 1.0),
                text=f"Training: epoch {p.epoch}, step {p.step}, loss {p.train_loss:.3f} "
                f"(held out {p.validation_loss:.3f})",
            )
            show_chart(partial(charts.loss_curve_chart, tuple(job.progress)), where=curve)  # shared by watchers
    for placeholder in (stop, bar, curve):
        placeholder.empty()


def train_view(text: str, tokens: list[str]) -> None:
    st.subheader("Train a tiny self-attention model on this text")
    st.caption(
        "One layer of causal self-attention, trained with Adam on the text itself. The last 10% of the "
        "text is held out to check the model on words it never trained on, and to stop training in time. "
        f"Training stops after at most {limits.TRAIN_TIME_BUDGET_S:g} s, keeping the best weights so far."
    )
    training_controls()
    pressed = st.button("Train", type="primary", key="train", help="Train now (a few seconds on the examples).")
    if not pressed and training_jobs().get(text, current_training_settings()) is None:
        st.info("Press **Train** to train on the text above. Every view that needs the model also trains it.")
        return
    model = trained_model(text, tokens)
    if model is not None:
        training_summary(model)


def training_summary(model: attention.TrainedModel) -> None:
    chart = partial(charts.loss_curve_chart, model.history)
    show_chart(chart)
    st.caption(plain(charts.summarize_loss_curve(model.history)))
    export_row(chart, charts.loss_history_frame(model.history), "loss-curve", "")
    st.markdown(
        f"Trained {model.steps:,} steps in {model.seconds:.1f} s; stopped: {model.stopped_because}; "
        f"kept the weights of step {model.best_step:,} (lowest held-out loss). "
        f"Vocabulary: {len(model.vocabulary):,} words."
    )
    evaluation = model.evaluation
    if evaluation is None:
        st.info("No held-out words to score (the text is too short to hold some out).")
        return
    methods = {
        "self-attention model": evaluation.model,
        "word pairs (bigram)": evaluation.bigram,
        "word frequency (unigram)": evaluation.unigram,
    }
    st.dataframe(
        {
            "method": list(methods),
            "perplexity (lower is better)": [round(m.perplexity, 2) for m in methods.values()],
            "top-1 accuracy": [f"{m.accuracy:.0%}" for m in methods.values()],
        },
        hide_index=True,
    )
    st.caption(
        f"Scored on the {evaluation.n_targets:,} held-out next words ({evaluation.unknown_fraction:.0%} of them "
        "unseen in training). Perplexity: as unsure as a fair die with that many sides."
    )


# ---------------------------------------------------------------- views


def predict_view(
    text: str, tokens: list[str], vocabulary: attention.Vocabulary, position: int, window: int, settings: dict
) -> None:
    st.radio(
        "Predict with", list(METHODS), format_func=METHODS.get, key="method", persist_state="session", horizontal=True,
        help="Switch between the blog's random embeddings and the model trained on this text.",
    )  # fmt: skip
    context = tokens[attention.context_slice(len(tokens), position, window)]
    true_next = tokens[position + 1] if position + 1 < len(tokens) else None
    if st.session_state.method == "trained":
        model = trained_model(text, tokens)
        if model is None:
            return
        distribution = model.next_word_distribution(context, temperature=settings["temperature"])
        score_title, blog = "logit z", None
    else:
        blog = blog_result(vocabulary, context, settings)
        distribution, score_title = blog, "score s"
    rng = np.random.default_rng([settings["seed"], position, window, st.session_state.draw])
    sampled = attention.sample_word(distribution, rng)

    chart_col, side_col = st.columns([3, 2], gap="large")
    with chart_col:
        st.subheader("Which word comes next?")
        chart = partial(
            charts.next_word_chart, distribution, top_k=settings["top_k"], true_next=true_next, score_title=score_title
        )
        show_chart(chart)
        st.caption(plain(charts.summarize_distribution(distribution)))
        frame = charts.next_word_frame(distribution, top_k=settings["top_k"], true_next=true_next)
        export_row(chart, frame, "next-word-probabilities", f"after-{position + 1}-{tokens[position]}")
    with side_col:
        st.metric("Sampled next word", sampled)
        st.button("Sample again", key="sample_again", on_click=sample_again, help="Draw another word.")
        if true_next is not None:
            st.markdown(
                f"In the text the next word is {attention.as_code_span(true_next, max_chars=40)}: "
                f"probability {distribution.probability_of(true_next):.1%}."
            )
        else:
            st.markdown("This is the last token of the text, so there is no true next word to compare with.")
        if blog is not None:
            st.caption(
                "These embeddings are random, as in the blog, so the prediction is noise: the point is to see "
                "the mechanism. Switch to **Trained on this text** for predictions that mean something."
            )
    if blog is not None:
        blog_formulas(window, vocabulary, settings)
        numbers_table(blog, context, settings["top_k"])
        show_code(attention.seed.attention_scores, attention.seed.next_word_probabilities, attention.blog_method)
    else:
        model_attention_row(model, context, position)
        st.markdown("**How the probabilities are computed**")
        st.latex(formulas.MODEL_SUMMARY)
        st.caption(
            f"k = {min(window, model.context_window)} context words (the model sees at most T = "
            f"{model.context_window}), T = {settings['temperature']:g} divides z before the softmax. "
            "See **Step by step** for every number."
        )
        show_code(attention.TrainedModel.next_word_distribution, attention.model.forward)


def blog_result(vocabulary, context, settings) -> attention.BlogMethodResult:
    embeddings = blog_embeddings(len(vocabulary), settings["dim"], settings["seed"])
    return attention.blog_method(
        embeddings, vocabulary, context, temperature=settings["temperature"], faithful=settings["faithful"]
    )


def blog_formulas(window: int, vocabulary: attention.Vocabulary, settings: dict) -> None:
    st.markdown("**How the probabilities are computed**")
    st.latex(attention.QUERY_FORMULA)
    st.latex(attention.PROBABILITY_FORMULAS[settings["faithful"]])
    st.caption(
        f"k = {window} context words, d = {settings['dim']}, T = {settings['temperature']:g}, "
        f"and v runs over all {len(vocabulary)} words of the vocabulary."
    )


def context_positions(model: attention.TrainedModel, context: list[str], position: int) -> tuple[list[str], list[int]]:
    """The words the model actually sees (its window) and their 1-based positions in the text."""
    _, seen = model.context_ids(context)
    first = position + 2 - len(seen)
    return list(seen), list(range(first, position + 2))


def model_attention_row(model: attention.TrainedModel, context: list[str], position: int) -> None:
    words, positions = context_positions(model, context, position)
    weights = model.attention_weights(context)  # [h, n, n]
    st.markdown("**Where the last word looks**: its attention weights over the context, per head")
    cols = st.columns(max(len(weights), 2))
    for h, col in zip(range(len(weights)), cols, strict=False):
        with col:
            show_chart(partial(charts.attention_row_chart, weights[h, -1], words, positions, title=f"head {h + 1}"))
            st.caption(plain(charts.summarize_attention_row(weights[h, -1], words, positions)))


def sample_again() -> None:
    st.session_state.draw += 1


def numbers_table(result: attention.BlogMethodResult, context: list[str], top_k: int) -> None:
    with st.expander("The numbers behind the chart", key="numbers_open", on_change="rerun") as box:
        if not box.open:
            return
        st.markdown(
            "The query q is the mean of the context words' embeddings: "
            + ", ".join(attention.as_code_span(w, max_chars=40) for w in context[:12])
            + (" …" if len(context) > 12 else "")
        )
        st.dataframe({"q": np.round(result.query, 4)}, width="content")
        shown = result.top_k(top_k)
        st.dataframe(
            {
                "word": [result.words[i] for i in shown],
                "E[v]·q": np.round(result.dot_products[shown], 4),
                "s = E[v]·q / √d": np.round(result.scores[shown], 4),
                "p(v)": np.round(result.probabilities[shown], 4),
            },
            hide_index=True,
        )


def attention_map_view(text, tokens, context, position) -> None:
    model = trained_model(text, tokens)
    if model is None:
        return
    words, positions = context_positions(model, context, position)
    weights = model.attention_weights(context)
    st.subheader("Attention map: who looks at whom")
    st.caption(
        "Row i shows how much word i attends to each earlier word j (rows sum to 100%). Grey cells are the "
        "future, masked so no word can peek ahead; a weight of 0 is dark purple, never grey."
    )
    heatmap_grid(weights, words, positions)
    chart = charts.attention_heatmaps(weights, words, positions=positions)  # all heads in one picture
    frames = [charts.attention_frame(weights[h], words, positions).assign(head=h + 1) for h in range(len(weights))]
    export_row(chart, pd.concat(frames), "attention-map", f"after-{position + 1}-{tokens[position]}")
    model_attention_row(model, context, position)
    show_code(attention.scaled_dot_product_attention)


def step_by_step_view(text, tokens, context, position, settings) -> None:
    model = trained_model(text, tokens)
    if model is None:
        return
    steps = model.forward_steps(context)
    words, positions = context_positions(model, context, position)
    rows = [f"{p}: {w}" for p, w in zip(positions, words, strict=True)]
    h = 0
    if len(steps.Q) > 1:
        h = st.radio(
            "Head",
            range(len(steps.Q)),
            format_func=lambda i: f"head {i + 1}",
            horizontal=True,
            key="head",
            persist_state="session",
        )
    d_k = steps.Q.shape[-1]
    st.subheader(f"Every number for predicting the word after token {position + 1}")
    st.caption(f"d = {steps.X.shape[1]}, d_k = {d_k}, {len(steps.Q)} head(s); values rounded to 3 decimals.")
    keys = [f"{p}: {w}" for p, w in zip(positions, words, strict=True)]
    tables = {
        "X": (steps.X, rows, None),
        "Q": (steps.Q[h], rows, None),
        "K": (steps.K[h], rows, None),
        "V": (steps.V[h], rows, None),
        "scores": (steps.scores[h], rows, keys),
        "scaled_scores": (steps.scaled_scores[h], rows, keys),
        "mask": (np.where(steps.mask, 0.0, -np.inf), rows, keys),
        "weights": (steps.weights[h], rows, keys),
        "head_outputs": (steps.head_outputs[h], rows, None),
        "projected": (steps.projected, rows, None),
        "residual": (steps.residual, rows, None),
    }
    for name, (matrix, row_labels, col_labels) in tables.items():
        latex, why = formulas.MODEL_STEPS[name]
        st.markdown(f"**{name.replace('_', ' ')}**: {why}")
        st.latex(latex)
        st.dataframe(matrix_frame(matrix, row_labels, col_labels), key=f"step_{name}")
    output = attention.NextWordDistribution(
        words=model.vocabulary.words,
        scores=steps.logits,
        probabilities=attention.softmax(steps.logits, temperature=settings["temperature"]),
    )
    top = output.top_k(settings["top_k"])
    for name in ("logits", "probabilities"):
        latex, why = formulas.MODEL_STEPS[name]
        st.markdown(f"**{name}**: {why} (top {len(top)} shown)")
        st.latex(latex)
    st.dataframe(
        {
            "word": [output.words[i] for i in top],
            "logit z": np.round(output.scores[top], 3),
            "p": np.round(output.probabilities[top], 4),
        },
        hide_index=True,
        key="step_output",
    )
    show_code(attention.model.forward_steps, attention.scaled_dot_product_attention)


def heatmap_grid(weights: np.ndarray, words: list[str], positions: list[int] | None = None) -> None:
    """One heatmap per head, two per row (one per row on a phone), each fitted to its column."""
    columns = st.columns(min(len(weights), 2))
    for h, head in enumerate(weights):
        with columns[h % len(columns)]:
            show_chart(partial(charts.attention_heatmap, head, words, positions=positions, title=f"head {h + 1}"))
            st.caption(plain(f"Head {h + 1}: " + charts.summarize_heatmap(head, words, positions)))


def matrix_frame(matrix: np.ndarray, rows: list[str], columns: list[str] | None) -> pd.DataFrame:
    columns = columns or [f"{j + 1}" for j in range(matrix.shape[1])]
    return pd.DataFrame(np.round(matrix, 3), index=rows, columns=columns)


def blog_vs_corrected_view(vocabulary, context, settings) -> None:
    embeddings = blog_embeddings(len(vocabulary), settings["dim"], settings["seed"])
    comparison = analysis.blog_vs_corrected(embeddings, vocabulary, context, settings["temperature"])
    st.subheader("The blog's method as written vs corrected")
    st.caption(plain(comparison.description))
    chart = charts.comparison_chart(
        comparison.blog, comparison.corrected, top_k=settings["top_k"],
        before_label="as in the blog", after_label="corrected",
    )  # fmt: skip
    show_chart(chart, width="stretch")
    frame = charts.comparison_frame(
        comparison.blog, comparison.corrected, top_k=settings["top_k"],
        before_label="as in the blog", after_label="corrected",
    )  # fmt: skip
    export_row(chart, frame, "blog-vs-corrected", "-".join(context[-3:]))
    left, right = st.columns(2)
    left.markdown("**As in the blog** (double exponential)")
    left.latex(attention.PROBABILITY_FORMULAS[True])
    right.markdown("**Corrected**")
    right.latex(attention.PROBABILITY_FORMULAS[False])
    show_code(analysis.blog_vs_corrected, attention.seed.next_word_probabilities)


def generate_view(text, tokens, context, settings) -> None:
    model = trained_model(text, tokens)
    if model is None:
        return
    st.subheader("Continue the text")
    left, right = st.columns(2)
    left.slider("Words to generate", 1, limits.MAX_GENERATED_WORDS, key="gen_words", persist_state="session")
    right.slider(
        "Sample only from the top k words (0 = all)", 0, limits.MAX_TOP_K, key="gen_top_k", persist_state="session",
        help="Keep the k most probable words, renormalise, then sample. 1 always takes the most probable word.",
    )  # fmt: skip
    steps = analysis.generate(
        model.next_word_distribution, context, st.session_state.gen_words,
        rng=np.random.default_rng([settings["seed"], st.session_state.draw, 7]),
        temperature=settings["temperature"], top_k=st.session_state.gen_top_k or None,
        context_window=model.context_window,
    )  # fmt: skip
    generated = [step.word for step in steps]
    st.markdown("**Context** " + attention.as_code_span(" ".join(context[-model.context_window :]), max_chars=400))
    st.markdown("**Generated** " + attention.as_code_span(" ".join(generated), max_chars=800))
    st.caption(f"Seed {settings['seed']}, temperature {settings['temperature']:g}; Sample again draws anew.")
    st.button("Sample again", key="generate_again", on_click=sample_again)
    chosen = st.selectbox(
        "Look at one generated word", range(len(steps)),
        format_func=lambda i: f"{i + 1}: {generated[i]}", key="gen_pick", persist_state="session",
    )  # fmt: skip
    step = steps[min(chosen or 0, len(steps) - 1)]
    show_chart(
        charts.next_word_chart(step.distribution, top_k=settings["top_k"], true_next=step.word,
                               score_title="logit z", highlight_label="the word it chose"), width="stretch",
    )  # fmt: skip
    st.caption(plain(charts.summarize_distribution(step.distribution)))
    weights = model.attention_weights(list(step.context))
    _, words = model.context_ids(step.context)
    st.markdown("**Attention while predicting it**")
    heatmap_grid(weights, words)
    show_code(analysis.generate, analysis.top_k_filter)


def what_if_view(text, tokens, context, position, settings) -> None:
    model = trained_model(text, tokens)
    if model is None:
        return
    seen = context[-model.context_window :]
    st.subheader("What if the context were different?")
    edit = st.radio(
        "Change", list(EDITS), key="edit", persist_state="session", horizontal=True, format_func=EDITS.get,
    )  # fmt: skip
    rng = np.random.default_rng([settings["seed"], st.session_state.draw, 11])
    if edit == "shuffle":
        edited = analysis.shuffle_earlier_words(seen, rng)
    else:
        first = position + 2 - len(seen)
        index = st.selectbox(
            "Which word",
            range(len(seen)),
            format_func=lambda i: f"{first + i}: {seen[i]}",
            key="edit_index",
            persist_state="session",
        )
        index = min(index or 0, len(seen) - 1)
        if edit == "remove":
            if len(seen) == 1:
                st.info("The context has one word; removing it would leave nothing to predict from. Widen the window.")
                return
            edited = analysis.remove_word(seen, index)
        else:
            replacement = st.selectbox(
                "Replace it with", model.vocabulary.words, key="edit_word", persist_state="session"
            )
            edited = analysis.replace_word(seen, index, replacement)
    before = model.next_word_distribution(seen, temperature=settings["temperature"])
    after = model.next_word_distribution(edited, temperature=settings["temperature"])
    st.markdown("**Before** " + attention.as_code_span(" ".join(seen), max_chars=400))
    st.markdown("**After** " + attention.as_code_span(" ".join(edited), max_chars=400))
    chart = charts.comparison_chart(before, after, top_k=settings["top_k"], before_label="before", after_label="after")
    show_chart(chart, width="stretch")
    change = analysis.distribution_change(before, after)
    st.caption(plain(charts.summarize_comparison(before, after)))
    st.markdown(
        f"Total variation distance: **{change.total_variation:.3f}** (0 = no change, 1 = completely different)."
    )
    if edit == "shuffle" and model.settings.positions == "none":
        st.info(
            "This model has no position information, so it cannot tell word order apart: shuffling the earlier "
            "words changes nothing (up to rounding), because the last word's attention only sees which words are "
            "there, not where. That is why transformers add positions to the embeddings."
        )
    frame = charts.comparison_frame(before, after, top_k=settings["top_k"], before_label="before", after_label="after")
    export_row(chart, frame, "what-if", f"{edit}-after-{position + 1}")
    show_code(analysis.shuffle_earlier_words, analysis.distribution_change)


def embedding_map_view(text, tokens, vocabulary, context, settings) -> None:
    st.subheader("Embedding map: words as points")
    st.caption("Each word's vector, flattened to 2-D by principal component analysis; context words in orange.")
    frequent = words_by_frequency(tuple(tokens))
    left, right = st.columns(2)
    with left:
        embeddings = blog_embeddings(len(vocabulary), settings["dim"], settings["seed"])
        order = [vocabulary.id_of(w) for w in frequent]
        projection = analysis.pca_2d(embeddings[order])
        show_chart(
            charts.embedding_map_chart(projection.points, frequent, highlight=context, title="random (the blog)"),
            width="stretch",
        )
        st.caption(plain(charts.summarize_embedding_map(projection.points, frequent, highlight=context)))
    with right:
        model = trained_model(text, tokens)
        if model is not None:
            known = [w for w in frequent if w in model.vocabulary]
            trained = np.asarray(model.parameters["E"])[[model.vocabulary.id_of(w) for w in known]]
            projection = analysis.pca_2d(trained)
            show_chart(
                charts.embedding_map_chart(projection.points, known, highlight=context, title="trained on this text"),
                width="stretch",
            )
            st.caption(plain(charts.summarize_embedding_map(projection.points, known, highlight=context)))
    show_code(analysis.pca_2d)


# ---------------------------------------------------------------- small shared pieces


def show_chart(chart: alt.TopLevelMixin | partial, *, width: str = "stretch", where=st) -> None:
    """Draw an Altair chart; given as partial(charts.builder, ...) its spec is built once per input.

    Building and validating an Altair chart costs 10-20 ms, most of a rerun; a class stepping
    through the same text asks for the same charts again and again, so they are cached.
    """
    if isinstance(chart, partial):
        spec = chart_spec(chart.func.__name__, chart.args, chart.keywords)
    else:
        spec = vega_lite_spec(chart)
    where.vega_lite_chart(spec, width=width)


@st.cache_data(max_entries=256, show_spinner=False)
def chart_spec(builder: str, args: tuple, kwargs: dict) -> dict:
    return vega_lite_spec(getattr(charts, builder)(*args, **kwargs))


@st.cache_data(max_entries=256, show_spinner=False)
def token_strip_spec(text: str, position: int, window: int) -> dict:
    tokens, _ = tokenize_text(text)
    strip = charts.token_strip_chart(
        tokens, position, window, span=limits.TOKEN_STRIP_SPAN, chars_per_row=limits.TOKEN_STRIP_ROW_CHARS
    )
    return vega_lite_spec(strip)


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict:
    """The spec as st.altair_chart would send it, made once: not re-validated (tests/test_charts*.py
    validate every builder), without the default theme's view size, and with each dataset already
    in Arrow (st.vega_lite_chart passes bytes through instead of converting rows on every call)."""
    spec = chart.to_dict(validate=False)
    spec.get("config", {}).pop("view", None)
    datasets = spec.pop("datasets", {})
    if len(datasets) == 1 and spec.get("data") == {"name": next(iter(datasets))}:
        # One dataset under a fixed name rather than Altair's content hash: when only the numbers
        # change, the spec is unchanged and the browser updates the drawn chart instead of rebuilding it.
        datasets = {"table": next(iter(datasets.values()))}
        spec["data"] = {"name": "table"}
    spec["datasets"] = {name: dataframe_util.convert_anything_to_arrow_bytes(rows) for name, rows in datasets.items()}
    return spec


def plain(text: str) -> str:
    """Markdown that shows `text` as written (summaries quote the user's words)."""
    return attention.escape_markdown(text)


def show_code(*functions: Callable) -> None:
    with st.expander("Show the code", key="code_" + "_".join(f.__name__ for f in functions), on_change="rerun") as box:
        for function in functions if box.open else ():
            st.code(inspect.getsource(function), language="python")


def export_row(chart: alt.TopLevelMixin | partial, frame: pd.DataFrame, kind: str, what: str) -> None:
    """PNG, SVG, CSV and JSON downloads; files (and a partial's chart) are made only when clicked."""
    make_chart = chart if isinstance(chart, partial) else lambda: chart
    temperature = st.session_state.temperature
    files = {
        "png": (lambda: export.chart_to_png(make_chart()), "image/png"),
        "svg": (lambda: export.chart_to_svg(make_chart()), "image/svg+xml"),
        "csv": (lambda: export.frame_to_csv(frame), "text/csv"),
        "json": (lambda: export.frame_to_json(frame), "application/json"),
    }
    with st.container(horizontal=True):
        for ext, (make, mime) in files.items():
            st.download_button(
                ext.upper(), make, file_name=export.export_filename(kind, what, ext, temperature=temperature),
                mime=mime, on_click="ignore", key=f"download_{kind}_{ext}", help=f"Download this as {ext.upper()}",
            )  # fmt: skip


# ---------------------------------------------------------------- page


def usable_tokens(text: str) -> tuple[list[str], attention.Vocabulary] | None:
    """The text's tokens, or None after telling the user, kindly, why there is nothing to predict."""
    tokens, vocabulary = tokenize_text(text)
    if not text.strip():
        st.info("The text box is empty. Paste a few sentences, or pick an example in the sidebar.")
    elif not any(attention.is_word(token) for token in tokens):
        st.info("This text has only punctuation. Add some words so there is something to predict.")
    elif len(tokens) < limits.MIN_TOKENS:
        st.info(
            "Predicting the next word needs at least two tokens: one to look at and one after it. Add a few more words."
        )
    else:
        return tokens, vocabulary
    return None


def main() -> None:
    load_state_from_link()
    st.title("Self-attention next-word lab")
    st.caption(
        "Pick a word in the text, choose how many words before it the model may look at, "
        "and see which word it predicts next."
    )
    settings = sidebar_controls()
    if st.session_state.present:
        st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)
    text = text_input()
    usable = usable_tokens(text)
    if usable is not None:
        tokens, vocabulary = usable
        controls, strip = st.columns([2, 3], gap="medium")
        with controls:
            position, window = position_controls(len(tokens))
        with strip:
            st.vega_lite_chart(token_strip_spec(text, position, window), width="content")
        views = st.tabs(list(VIEWS), key="view", on_change="rerun")
        context = tokens[attention.context_slice(len(tokens), position, window)]
        renderers = {
            "Predict": lambda: predict_view(text, tokens, vocabulary, position, window, settings),
            "Train": lambda: train_view(text, tokens),
            "Attention map": lambda: attention_map_view(text, tokens, context, position),
            "Step by step": lambda: step_by_step_view(text, tokens, context, position, settings),
            "Blog vs corrected": lambda: blog_vs_corrected_view(vocabulary, context, settings),
            "Generate": lambda: generate_view(text, tokens, context, settings),
            "What if": lambda: what_if_view(text, tokens, context, position, settings),
            "Embedding map": lambda: embedding_map_view(text, tokens, vocabulary, context, settings),
        }
        for name, tab in zip(VIEWS, views, strict=True):
            if tab.open:
                with tab:
                    renderers[name]()
    save_state_to_link(text)
    link_box(text)


main()
