"""What if: remove, replace or shuffle context words and watch the distribution move."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

import attention
from attention import charts
from attention.core.streams import Use, rng_for
from attention.i18n import _, decimal
from attention.teaching import analysis

from ..controls import chosen, widget
from ..models import trained_model
from ..render import export_row, plain, show_chart, show_code
from ..state import ViewContext, value
from ..table import EDITS

EDIT_CODE: dict[str, Callable[..., object]] = {
    "shuffle": analysis.shuffle_earlier_words,
    "remove": analysis.remove_word,
    "replace": analysis.replace_word,
}
"""The edit's own function, for Show the code (the one that made the context shown)."""
NOTHING_MOVED = 1e-4
"""Below this total variation distance the two distributions are the same up to float32 rounding."""


def labels() -> charts.ComparisonLabels:
    """The comparison's two legend entries, in the page's language."""
    return {"before_label": _("before"), "after_label": _("after")}


def render(ctx: ViewContext) -> None:
    model = trained_model(ctx)
    if model is None:
        return
    seen = ctx.context[-model.context_window :]
    st.subheader(_("What if the context were different?"))
    edit = widget("edit")
    edited = edited_context(ctx, model, seen, edit)
    if edited is None:
        return
    before = model.next_word_distribution(seen, temperature=ctx.temperature)
    after = model.next_word_distribution(edited, temperature=ctx.temperature)
    st.markdown(_("**Before** {words}").format(words=attention.as_code_span(" ".join(seen), max_chars=400)))
    st.markdown(_("**After** {words}").format(words=attention.as_code_span(" ".join(edited), max_chars=400)))
    chart = partial(charts.comparison_chart, before, after, top_k=ctx.top_k, **labels())
    show_chart(chart)
    change = analysis.distribution_change(before, after)
    if change.total_variation < NOTHING_MOVED:
        st.markdown(
            _("The prediction did not move: total variation distance **{distance}**.").format(
                distance=f"{change.total_variation:.1e}"
            )
        )
    else:
        st.caption(plain(charts.summarize_comparison(before, after)))
        st.markdown(
            _("Total variation distance: **{distance}** (0 = no change, 1 = completely different).").format(
                distance=decimal(change.total_variation, 3)
            )
        )
    if edit == "shuffle" and model.settings.positions == "none":
        st.info(
            _(
                "This model has no position information, so it cannot tell word order apart: shuffling the earlier "
                "words changes nothing (up to rounding), because the last word's attention only sees which words are "
                "there, not where. That is why transformers add positions to the embeddings."
            )
        )
    frame = charts.comparison_frame(before, after, top_k=ctx.top_k, **labels())
    export_row(chart, frame, "what-if", f"{edit}-after-{ctx.position + 1}",
               title_line=ctx.title_line(_("what if: {edit}").format(edit=_(EDITS[edit]))))  # fmt: skip
    show_code(EDIT_CODE[edit], attention.TrainedModel.next_word_distribution, analysis.distribution_change)


def edited_context(ctx: ViewContext, model: attention.TrainedModel, seen: list[str], edit: str) -> list[str] | None:
    """The context after the chosen edit (its widgets drawn here), or None after saying why it can't be made."""
    if edit == "shuffle":
        return analysis.shuffle_earlier_words(seen, rng_for(ctx.seed, Use.WHAT_IF_SHUFFLE, value("draw")))
    first = ctx.position + 2 - len(seen)
    index = st.selectbox(_("Which word"), range(len(seen)), format_func=lambda i: f"{first + i}: {seen[i]}",
                         key="edit_index", persist_state="session")  # fmt: skip
    index = min(chosen(index, range(len(seen))), len(seen) - 1)
    if edit == "remove":
        if len(seen) == 1:
            st.info(_("The context has one word; removing it would leave nothing to predict from. Widen the window."))
            return None
        return analysis.remove_word(seen, index)
    others = [word for word in model.vocabulary.words if word != seen[index]]  # a replacement that changes it
    replacement = st.selectbox(_("Replace it with"), others, key="edit_word", persist_state="session")
    return analysis.replace_word(seen, index, chosen(replacement, others))
