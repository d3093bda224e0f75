"""Self-attention next-word lab: paste text, pick a word and a context window, watch attention predict.

Widgets and layout only; every number comes from the `attention` package.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import attention
from attention import charts, limits
from attention.examples import DEFAULT_EXAMPLE, EXAMPLES

st.set_page_config(page_title="Self-attention next-word lab", page_icon="🔎", layout="wide")


@st.cache_data(max_entries=32, show_spinner=False)
def tokenize_text(text: str) -> tuple[list[str], attention.Vocabulary]:
    tokens = attention.tokenize(text)
    return tokens, attention.Vocabulary.from_tokens(tokens)


@st.cache_data(max_entries=32, show_spinner=False)
def blog_embeddings(vocab_size: int, dim: int, seed: int) -> np.ndarray:
    return attention.random_embeddings(vocab_size, dim, np.random.default_rng(seed))


def load_example() -> None:
    st.session_state.text = EXAMPLES[st.session_state.example]


def sidebar_controls() -> dict:
    with st.sidebar:
        st.selectbox(
            "Example text",
            list(EXAMPLES),
            key="example",
            on_change=load_example,
            help="Built-in texts written for this lab. Choosing one replaces the text box.",
        )
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
            3,
            key="dim",
            help="Length of each word's random vector. The blog uses 3.",
        )
        seed = st.number_input(
            "Seed",
            0,
            2**31 - 1,
            0,
            step=1,
            key="seed",
            help="Fixes the random embeddings and the sampling, so everyone sees the same numbers.",
        )
        temperature = st.slider(
            "Temperature T",
            0.1,
            3.0,
            1.0,
            0.1,
            key="temperature",
            help="Divides the scores before softmax: below 1 sharpens the distribution, above 1 flattens it.",
        )
        top_k = st.slider(
            "Words shown in the chart",
            3,
            limits.MAX_TOP_K,
            10,
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
    clamp("position", 1, n_tokens - 1, default=min(9, n_tokens - 1))
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
    clamp("window", 1, position, default=min(4, position))
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


def clamp(key: str, low: int, high: int, *, default: int) -> None:
    """Keep a slider's remembered value inside its current range (texts change under it)."""
    value = st.session_state.get(key, default)
    st.session_state[key] = min(max(int(value), low), high)


def prediction_view(
    tokens: list[str], vocabulary: attention.Vocabulary, position: int, window: int, settings: dict
) -> None:
    context = tokens[attention.context_slice(len(tokens), position, window)]
    true_next = tokens[position + 1] if position + 1 < len(tokens) else None
    embeddings = blog_embeddings(len(vocabulary), settings["dim"], settings["seed"])
    result = attention.blog_method(
        embeddings, vocabulary, context, temperature=settings["temperature"], faithful=settings["faithful"]
    )
    st.session_state.setdefault("draw", 0)
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
        if st.button("Sample again", help="Draw another word from the same probabilities."):
            st.session_state.draw += 1
            st.rerun()
        if true_next is not None:
            st.markdown(
                f"In the text the next word is {attention.as_code_span(true_next)}: "
                f"probability {result.probability_of(true_next):.1%}."
            )
        else:
            st.markdown("This is the last token of the text, so there is no true next word to compare with.")
    st.markdown("**How the probabilities are computed**")
    st.latex(attention.QUERY_FORMULA)
    st.latex(attention.PROBABILITY_FORMULAS[settings["faithful"]])
    st.caption(
        f"k = {window} context words, d = {settings['dim']}, T = {settings['temperature']:g}, "
        f"and v runs over all {len(vocabulary)} words of the vocabulary."
    )
    numbers_table(result, context, settings["top_k"])


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


def main() -> None:
    st.title("Self-attention next-word lab")
    st.caption(
        "Pick a word in the text, choose how many words before it the model may look at, "
        "and see which word it predicts next."
    )
    st.session_state.setdefault("example", DEFAULT_EXAMPLE)
    st.session_state.setdefault("text", EXAMPLES[DEFAULT_EXAMPLE])
    settings = sidebar_controls()
    text = text_input()

    tokens, vocabulary = tokenize_text(text)
    if not text.strip():
        st.info("The text box is empty. Paste a few sentences, or pick an example in the sidebar.")
        return
    if not any(attention.is_word(token) for token in tokens):
        st.info("This text has only punctuation. Add some words so there is something to predict.")
        return
    if len(tokens) < limits.MIN_TOKENS:
        st.info(
            "Predicting the next word needs at least two tokens: one to look at and one after it. Add a few more words."
        )
        return

    position, window = position_controls(len(tokens))
    st.altair_chart(charts.token_strip_chart(tokens, position, window, span=limits.TOKEN_STRIP_SPAN), width="content")
    prediction_view(tokens, vocabulary, position, window, settings)


main()
