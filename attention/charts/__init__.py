"""Altair chart builders: arrays in, `alt.Chart` out. Never imports streamlit, so they work in notebooks.

Colours come from the Okabe–Ito palette, which stays distinguishable with the common kinds of
colour blindness; every chart also says what matters in text (labels or tooltips), not by colour alone.

One module per job: `frames` (the numbers), `bars`, `heatmaps`, `strip`, `maps` (the pictures),
`summaries` (one sentence each), `style` (shared colours and sizes).
"""

from .bars import attention_row_chart, comparison_chart, next_word_chart
from .frames import (
    attention_frame,
    attention_row_frame,
    comparison_frame,
    embedding_map_frame,
    loss_history_frame,
    next_word_frame,
    position_labels,
    token_strip_frame,
)
from .heads import (
    head_grid_chart,
    head_score_curve_chart,
    head_score_history_frame,
    head_scores_frame,
    summarize_head_score_history,
    summarize_head_scores,
)
from .heatmaps import attention_heatmap, attention_heatmaps
from .maps import embedding_map_chart, loss_curve_chart
from .strip import token_strip_chart
from .style import (
    BAR_HEIGHT,
    BLACK,
    BLUE,
    CONTEXT_WORD,
    FIT_WIDTH,
    GREY,
    HEATMAP_SCHEME,
    MASKED,
    MASKED_GREY,
    MASKED_NOTE,
    NATURAL_SIZE,
    ORANGE,
    OTHER,
    OTHER_WORD,
    SKY,
    STRIP_ROLES,
    TRAIN,
    TRUE_NEXT,
    VALIDATION,
    VERMILLION,
    VISIBLE,
)
from .summaries import (
    summarize_attention_row,
    summarize_comparison,
    summarize_distribution,
    summarize_embedding_map,
    summarize_heatmap,
    summarize_loss_curve,
)

__all__ = [
    "BAR_HEIGHT",
    "BLACK",
    "BLUE",
    "CONTEXT_WORD",
    "FIT_WIDTH",
    "GREY",
    "HEATMAP_SCHEME",
    "MASKED",
    "MASKED_GREY",
    "MASKED_NOTE",
    "NATURAL_SIZE",
    "ORANGE",
    "OTHER",
    "OTHER_WORD",
    "SKY",
    "STRIP_ROLES",
    "TRAIN",
    "TRUE_NEXT",
    "VALIDATION",
    "VERMILLION",
    "VISIBLE",
    "attention_frame",
    "attention_heatmap",
    "attention_heatmaps",
    "attention_row_chart",
    "attention_row_frame",
    "comparison_chart",
    "comparison_frame",
    "embedding_map_chart",
    "embedding_map_frame",
    "head_grid_chart",
    "head_score_curve_chart",
    "head_score_history_frame",
    "head_scores_frame",
    "loss_curve_chart",
    "loss_history_frame",
    "next_word_chart",
    "next_word_frame",
    "position_labels",
    "summarize_attention_row",
    "summarize_comparison",
    "summarize_distribution",
    "summarize_embedding_map",
    "summarize_head_score_history",
    "summarize_head_scores",
    "summarize_heatmap",
    "summarize_loss_curve",
    "token_strip_chart",
    "token_strip_frame",
]
