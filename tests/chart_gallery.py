"""Every chart builder once, with small made-up inputs: shared by the spec and browser tests of charts."""

import numpy as np

from attention import NextWordDistribution, causal_mask, charts, softmax

WORDS = "once upon a time , there was a little girl who lived in a village near the forest .".split()


def causal(h, n, seed=0):
    return softmax(np.where(causal_mask(n), 2 * np.random.default_rng(seed).normal(size=(h, n, n)), -np.inf))


def gallery(present: bool = False) -> dict:
    """{name: chart} for every builder, including the windows where labels crowd (32 words)."""
    long = (WORDS * 2)[:32]
    d = NextWordDistribution(words=tuple(WORDS[:6]), scores=np.arange(6.0), probabilities=softmax(np.arange(6.0)))
    e = NextWordDistribution(words=d.words, scores=-d.scores, probabilities=softmax(-d.scores))
    history = [{"step": s, "train_loss": 5 - s / 50, "validation_loss": 5.2 - s / 60} for s in range(0, 200, 10)]
    w5, w32 = causal(2, 5), causal(4, 32)
    return {
        "next word": charts.next_word_chart(d, true_next="a"),
        "attention row": charts.attention_row_chart(w5[0, -1], WORDS[:5]),
        "comparison": charts.comparison_chart(d, e),
        "heatmap": charts.attention_heatmap(w5[0], WORDS[:5], present=present),
        "heatmap 32": charts.attention_heatmap(w32[0], long, present=present),
        "heatmaps": charts.attention_heatmaps(w5, WORDS[:5], present=present),
        "heatmaps 32": charts.attention_heatmaps(w32, long, present=present),
        "head view": charts.attention_on_words_chart(w5, WORDS[:5], present=present),
        "head view 32": charts.attention_on_words_chart(w32, long, present=present),
        "token strip": charts.token_strip_chart(WORDS, 8, 4, span=24, chars_per_row=34, present=present),
        "token strip shaded": charts.token_strip_chart(
            WORDS, 8, 4, span=24, chars_per_row=34, attention=w5[0, -1, 1:] / w5[0, -1, 1:].sum(), present=present
        ),
        "matrix": charts.matrix_chart(np.random.default_rng(0).normal(size=(4, 32)), WORDS[:4], present=present),
        "matrix weights": charts.matrix_chart(w5[0], WORDS[:5], column_labels=WORDS[:5], present=present),
        "value bars": charts.value_bars_chart(
            ("colour copy", "few stories", "all stories"),
            (-0.58, 0.37, -0.03),
            value_title="log₂ ratio",
            present=present,
        ),
        "embedding map": charts.embedding_map_chart(
            np.random.default_rng(1).normal(size=(12, 2)), WORDS[:12], highlight=["little", "girl"]
        ),
        "loss curve": charts.loss_curve_chart(history),
    }
