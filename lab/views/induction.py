"""Induction heads: one click trains a two-layer model on repeated segments, and the page shows it learn to copy."""

from __future__ import annotations

from functools import partial

import streamlit as st

import attention
from attention import charts
from attention.core.steps import ATTENTION_PATH
from attention.evaluation import head_scores as heads
from attention.i18n import N_, _, count, decimal, ngettext, percent
from attention.teaching import induction
from attention.training.settings import TrainingSettings

from .. import i18n, session
from ..controls import widget
from ..lessons import LESSON_PAGE
from ..models import PROGRESS_EVERY_S, training_jobs
from ..render import plain, show_chart, show_code
from ..state import ViewContext, value

EXPLANATION = N_("""\
The text below is made for one trick. Each segment of made-up words comes **twice in a row**:
*tafo rimu bepe tafo rimu bepe .* The first copy is random, so nothing can predict it. The second copy
can be predicted word for word, but only by a model that **looks back**: find the last time it saw the
current word, and say the word that came **right after** it. A head that does this is an *induction head*.

One layer cannot do it: a word can look for earlier copies of itself, but not for "the word after" one.
Two layers can: a head in layer 1 learns to look one word back (a *previous-token head*) and writes
"my predecessor was *rimu*" into each word; a head in layer 2 then finds the word whose predecessor is the
current word. The two appear together, suddenly: the loss sits on a plateau, then drops.
""")
MAP_TITLES = {
    "induction": N_("layer {layer}, head {head} (induction)"),
    "previous-token": N_("layer {layer}, head {head} (previous-token)"),
}
"""The two attention maps' titles, by the kind of head each shows."""


@st.cache_data(max_entries=8, show_spinner=False)
def lesson_text(words: int, seed: int) -> str:
    return induction.lesson_text(words=words, seed=seed)


def lesson_settings(layers: int, seed: int) -> TrainingSettings:
    """The preset, with the lesson's number of layers (1 for the contrast) and the page's seed."""
    return TrainingSettings(**{**attention.PRESETS["induction"], "layers": layers, "seed": seed})


def choose(layers: int) -> None:
    st.session_state.ind_layers = layers
    session.START_LESSON.set(True)


def render(ctx: ViewContext) -> None:
    st.subheader(_("Induction heads: watch a model learn to copy"))
    st.markdown(_(EXPLANATION))
    st.page_link(LESSON_PAGE, label=_("The same as a lesson a class can follow, step by step: Induction heads"),
                 query_params={"lesson": "induction-heads", "step": "1"}, icon="📚")  # fmt: skip
    words = widget("ind_words")
    text = lesson_text(words, ctx.seed)
    shown = _("The lesson's text (generated with seed {seed}): {text} …").format(seed=ctx.seed, text=text[:160])
    st.caption(plain(shown))
    with st.container(horizontal=True):
        st.button(_("Train the two-layer model"), type="primary", key="ind_train", on_click=choose, args=(2,))
        st.button(_("Contrast: the same with one layer"), key="ind_contrast", on_click=choose, args=(1,))
    layers = value("ind_layers")
    settings = lesson_settings(layers, ctx.seed)
    job = training_jobs().get(text, settings)
    if session.START_LESSON.take():
        job = training_jobs().start(text, settings)
    if job is None:
        press = ngettext(
            "Press **Train** to train the {layers}-layer model on this text (about 15 s), and watch.",
            "Press **Train** to train the {layers}-layer model on this text (about 15 s), and watch.",
            layers,
        )
        st.info(press.format(layers=count(layers)))
        return
    if not job.done:
        live(job, layers)
        return
    if job.error or job.model is None:
        st.warning(_("The model could not be trained: {error}").format(error=job.error))
        return
    results(job.model, text, int(words))


@st.fragment(run_every=PROGRESS_EVERY_S)
def live(job, layers: int) -> None:
    """The loss and the best head's scores, redrawn while the model trains; the page reruns when it ends."""
    i18n.activate()  # a fragment's rerun starts here, not at the top of app.py
    if job.done:
        st.rerun()
    st.button(_("Stop training"), key="ind_stop", on_click=job.stop, help=_("Keep the best weights so far."))
    latest = job.progress[-1] if job.progress else None
    if latest is None:
        starting = ngettext("Training the {layers}-layer model…", "Training the {layers}-layer model…", layers)
        st.progress(0.0, text=starting.format(layers=count(layers)))
        return
    best = latest.heads.best("induction")[2] if latest.heads else 0.0
    text = ngettext(
        "Training the {layers}-layer model: step {step}, loss {loss}, best induction score {best}",
        "Training the {layers}-layer model: step {step}, loss {loss}, best induction score {best}",
        layers,
    ).format(layers=count(layers), step=count(latest.step), loss=decimal(latest.train_loss, 3), best=decimal(best, 2))
    st.progress(min(latest.fraction_done, 1.0), text=text)
    curves(tuple(job.progress))


def curves(points: tuple) -> None:
    loss, scores = st.columns(2)
    with loss:
        show_chart(partial(charts.loss_curve_chart, points))
    with scores:
        show_chart(partial(charts.head_score_curve_chart, points))
        st.caption(plain(charts.summarize_head_score_history(points)))


@st.cache_data(max_entries=16, show_spinner=False)
def held_out_accuracy(text: str, settings: TrainingSettings, _model: attention.TrainedModel) -> float:
    return induction.copy_accuracy(_model, text)


def results(model: attention.TrainedModel, text: str, words: int) -> None:
    curves(model.history)
    accuracy = held_out_accuracy(text, model.settings, model)
    scores = heads.model_scores(model)
    if scores is None:  # not for the lesson's texts: their 20 to 60 words always make a probe
        st.info(_("This text has too few different words to measure what each head does."))
        return
    layer, head, best = scores.best("induction")
    p_layer, p_head, _score = scores.best("previous_token")
    verdict = _("It learned to copy.") if accuracy >= 0.8 and best >= 0.5 else _("It did not learn to copy.")
    said = ngettext(
        "**{verdict}** On {segments} fresh segments it never saw, the {layers}-layer model predicts **{accuracy}** "
        "of the second copies' words (after their first word) correctly; its best induction head (layer {layer}, "
        "head {head}) scores **{best}**.",
        "**{verdict}** On {segments} fresh segments it never saw, the {layers}-layer model predicts **{accuracy}** "
        "of the second copies' words (after their first word) correctly; its best induction head (layer {layer}, "
        "head {head}) scores **{best}**.",
        model.layers,
    )
    st.markdown(said.format(verdict=verdict, segments=count(induction.HELD_OUT_SEGMENTS), layers=count(model.layers),
                            accuracy=percent(accuracy, 0), layer=count(layer + 1), head=count(head + 1),
                            best=decimal(best, 2)))  # fmt: skip
    show_chart(partial(charts.head_grid_chart, scores), width="content")
    st.caption(plain(charts.summarize_head_scores(scores)))
    context = induction.example_context(text, seed=model.settings.seed)
    st.markdown(
        _(
            "On a fresh segment and its repeat: the induction head's map shows the stripe *look one after the last "
            "time you saw this word* (one diagonal step right of the first copy), the previous-token head's the "
            "line just left of the diagonal."
        )
    )
    left, right = st.columns(2)
    maps = ((left, layer, head, "induction"), (right, p_layer, p_head, "previous-token"))
    for where, at_layer, h, kind in maps:
        weights = model.attention_weights(context, layer=at_layer)[h]
        with where:
            title = _(MAP_TITLES[kind]).format(layer=count(at_layer + 1), head=count(h + 1))
            show_chart(partial(charts.attention_heatmap, weights, context, title=title))
            st.caption(plain(charts.summarize_heatmap(weights, context)))
    maps_code = (attention.TrainedModel.attention_weights, *ATTENTION_PATH)  # the two maps' weights
    show_code(heads.induction_scores, induction.copy_accuracy, *maps_code)
