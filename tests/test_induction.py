"""The induction lesson: its texts, its held-out score, and the acceptance for one seed (all: bench/induction.py)."""

import numpy as np
import pytest

import attention
from attention.evaluation import head_scores as heads
from attention.teaching import induction
from attention.training.settings import TrainingSettings


def test_lesson_texts_are_segments_each_followed_by_its_exact_repeat():
    tokens = attention.tokenize(induction.lesson_text(words=20, segments=50, seed=3))
    segments, current = [], []
    for token in tokens:
        if token == ".":
            segments.append(current)
            current = []
        else:
            current.append(token)
    assert len(segments) == 50 and not current
    for segment in segments:
        half = len(segment) // 2
        assert segment[:half] == segment[half:] and 4 <= half <= 12
    assert len({t for t in tokens if t != "."}) <= 20
    assert induction.lesson_text(words=20, segments=50, seed=3) == induction.lesson_text(words=20, segments=50, seed=3)


def test_copy_targets_are_the_second_copy_after_its_first_word():
    segments = [("a", "b", "c"), ("d", "e", "f", "g")]
    tokens = induction.segments_tokens(segments)
    assert " ".join(tokens) == "a b c a b c . d e f g d e f g ."
    assert [tokens[i] for i in induction.copy_targets(segments)] == ["b", "c", "e", "f", "g"]


def test_held_out_segments_are_fresh_and_scored_with_a_full_window():
    text = induction.lesson_text(words=20, segments=200, seed=0)
    tokens = attention.tokenize(text)
    seen, words = induction.text_segments(tokens)
    vocabulary = attention.Vocabulary((*words, ".", attention.UNKNOWN_TOKEN))
    ids, targets = induction.held_out_stream(tokens, vocabulary, context_window=24, segments=40, seed=0)
    assert targets.min() >= 24 and (ids != vocabulary.id_of(attention.UNKNOWN_TOKEN)).all()
    stream = [vocabulary.words[i] for i in ids]
    fresh, _ = induction.text_segments(stream)
    assert len(fresh) >= 40 and not (fresh & seen)  # never a segment the model trained on


def test_the_preset_is_a_dict_of_training_settings():
    preset = attention.PRESETS["induction"]
    assert TrainingSettings(**preset).layers == 2
    with pytest.raises(TypeError):
        attention.PRESETS["induction"]["layers"] = 1  # read-only: copy it to change it


def test_the_preset_learns_to_copy_fresh_segments_and_one_layer_does_not():
    """Acceptance for one seed (the hardest family member: 20 words, the most repeats inside a segment)."""
    text = induction.lesson_text(words=20, seed=0)
    two = attention.train_model(text, **attention.PRESETS["induction"], seed=0)
    assert induction.copy_accuracy(two, text) >= 0.8
    assert heads.model_scores(two).best("induction")[2] >= 0.5
    one = attention.train_model(text, **{**attention.PRESETS["induction"], "layers": 1}, seed=0)
    assert induction.copy_accuracy(one, text) <= 0.3
    assert np.isfinite([p.train_loss for p in two.history]).all()
