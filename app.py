"""Self-attention next-word lab: paste text, pick a word and a context window, watch attention predict.

Widgets and layout only; every number comes from the `attention` package.
"""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import streamlit as st

import attention
from attention import charts, limits, links
from attention.examples import DEFAULT_EXAMPLE, EXAMPLES
from attention.links import Setting

VIEWS = ("Predict",)

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
}
"""Every setting a link carries: its default and allowed range. Widgets take their defaults from here."""

PRESENTATION_CSS = """
<style>
  .stApp, .stMarkdown p, .stCaption, label p { font-size: 1.25rem !important; }
  h1 { font-size: 2.6rem !important; }
  .block-container { max-width: 100% !important; padding-left: 2rem; padding-right: 2rem; }
</style>
"""
"""Presentation mode's larger type. A constant: no user text ever goes into HTML."""

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
    query = links.encode({key: st.session_state[key] for key in SETTINGS}, SETTINGS)
    if text != EXAMPLES[st.session_state.example] and links.text_fits_in_link(text):
        query["text"] = text
    if dict(st.query_params.to_dict()) != query:
        st.query_params.from_dict(query)


def link_box(text: str) -> None:
    with st.expander("Share this exact view"):
        base = st.context.url or ""
        st.code(f"{base}?{urlencode(st.query_params.to_dict())}", language=None, wrap_lines=True)
        st.caption(
            "Copy the link with the button at the right of the box; it reopens the same text, settings and numbers."
        )
        if text != EXAMPLES[st.session_state.example] and not links.text_fits_in_link(text):
            st.info(
                f"Your text has {len(text):,} characters, too long for a link (over {limits.MAX_LINK_TEXT_CHARS:,}). "
                "The link keeps every other setting; paste the text again after opening it."
            )


def load_example() -> None:
    st.session_state.text = EXAMPLES[st.session_state.example]


def step_position(delta: int, n_tokens: int) -> None:
    st.session_state.position = min(max(st.session_state.position + delta, 1), n_tokens - 1)


def clamp(key: str, low: int, high: int) -> None:
    """Keep a slider's remembered value inside its current range (texts change under it)."""
    st.session_state[key] = min(max(int(st.session_state[key]), low), high)


# ---------------------------------------------------------------- controls


def sidebar_controls() -> dict:
    with st.sidebar:
        st.selectbox(
            "Example text",
            list(EXAMPLES),
            key="example",
            on_change=load_example,
            help="Built-in texts written for this lab. Choosing one replaces the text box.",
        )
        st.toggle("Presentation mode", key="present", help="Large type and wide charts for projecting in class.")
        st.header("Method")
        faithful = st.toggle(
            "Blog-faithful (with its bugs)",
            key="faithful",
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
            help="Length of each word's random vector. The blog uses 3.",
        )
        seed = st.number_input(
            "Seed",
            0,
            2**31 - 1,
            step=1,
            key="seed",
            help="Fixes the random embeddings and the sampling, so everyone sees the same numbers.",
        )
        temperature = st.slider(
            "Temperature T",
            0.1,
            3.0,
            step=0.1,
            key="temperature",
            help="Divides the scores before softmax: below 1 sharpens the distribution, above 1 flattens it.",
        )
        top_k = st.slider(
            "Words shown in the chart",
            3,
            limits.MAX_TOP_K,
            key="top_k",
            help="How many of the most probable next words to chart.",
        )
    return {"faithful": faithful, "dim": dim, "seed": int(seed), "temperature": temperature, "top_k": top_k}


def text_input() -> str:
    text = st.text_area(
        "Your text",
        key="text",
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
    left, right = st.columns(2)
    with left:
        if n_tokens > 2:
            position = st.slider(
                "Predict the word after token number",
                1,
                n_tokens - 1,
                key="position",
                help="The last word the model sees. The token after it is the 'true' next word.",
            )
        else:
            position = st.session_state.position
        back, forward, _ = st.columns([1, 1, 3])
        back.button("◀ Previous", on_click=step_position, args=(-1, n_tokens), disabled=position <= 1)
        forward.button("Next ▶", on_click=step_position, args=(1, n_tokens), disabled=position >= n_tokens - 1)
    clamp("window", 1, position)
    with right:
        if position > 1:
            window = st.slider(
                "Context window k (words the query averages)",
                1,
                position,
                key="window",
                help=f"How many words up to and including token {position} form the context (1 to {position}).",
            )
        else:
            window = st.session_state.window
            st.caption("Context window: 1 word (the first word has nothing before it).")
    return position - 1, window


# ---------------------------------------------------------------- views


def predict_view(tokens: list[str], vocabulary: attention.Vocabulary, position: int, window: int, settings: dict):
    context = tokens[attention.context_slice(len(tokens), position, window)]
    true_next = tokens[position + 1] if position + 1 < len(tokens) else None
    embeddings = blog_embeddings(len(vocabulary), settings["dim"], settings["seed"])
    result = attention.blog_method(
        embeddings, vocabulary, context, temperature=settings["temperature"], faithful=settings["faithful"]
    )
    rng = np.random.default_rng([settings["seed"], position, window, st.session_state.draw])
    sampled = attention.sample_word(result, rng)

    chart_col, side_col = st.columns([3, 2], gap="large")
    with chart_col:
        st.subheader("Which word comes next?")
        st.altair_chart(
            charts.next_word_chart(result, top_k=settings["top_k"], true_next=true_next, score_title="score s"),
            width="stretch",
        )
    with side_col:
        st.metric("Sampled next word", sampled)
        st.button(
            "Sample again",
            key="sample_again",
            on_click=sample_again,
            help="Draw another word from the same probabilities.",
        )
        if true_next is not None:
            st.markdown(
                f"In the text the next word is {attention.as_code_span(true_next)}: "
                f"probability {result.probability_of(true_next):.1%}."
            )
        else:
            st.markdown("This is the last token of the text, so there is no true next word to compare with.")
        st.caption(
            "These embeddings are random, as in the blog, so the prediction is noise: the point is to see "
            "the mechanism. Train the model on the text to get predictions that mean something."
        )
    st.markdown("**How the probabilities are computed**")
    st.latex(attention.QUERY_FORMULA)
    st.latex(attention.PROBABILITY_FORMULAS[settings["faithful"]])
    st.caption(
        f"k = {window} context words, d = {settings['dim']}, T = {settings['temperature']:g}, "
        f"and v runs over all {len(vocabulary)} words of the vocabulary."
    )
    numbers_table(result, context, settings["top_k"])


def sample_again() -> None:
    st.session_state.draw += 1


def numbers_table(result: attention.BlogMethodResult, context: list[str], top_k: int) -> None:
    with st.expander("The numbers behind the chart"):
        st.markdown(
            "The query q is the mean of the context words' embeddings: "
            + ", ".join(attention.as_code_span(w) for w in context[:12])
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
        position, window = position_controls(len(tokens))
        st.altair_chart(
            charts.token_strip_chart(tokens, position, window, span=limits.TOKEN_STRIP_SPAN), width="content"
        )
        predict_view(tokens, vocabulary, position, window, settings)
    save_state_to_link(text)
    link_box(text)


main()
