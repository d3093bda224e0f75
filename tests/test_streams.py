"""One random stream per use of a seed (attention/core/streams.py): reproducible, and never shared."""

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from attention.core.streams import KEY_VALUES, UNUSED, Use, rng_for, stream_key

VALUES = {0: [()], 1: [(0,), (1,), (7,), (11,), (9,)], 3: list(itertools.product([0, 1, 7, 9], [1, 7, 11], [0, 1, 9]))}
"""Values tried for each use, by how many it takes: zeros, the old stream tags 7 and 11, positions equal to draws."""


def first_draw(seed: int, use: Use, *values: int) -> int:
    return int(rng_for(seed, use, *values).integers(2**63))


def test_every_use_and_every_value_has_its_own_stream():
    draws = {}
    for seed, use in itertools.product([0, 1, 7], Use):
        for values in VALUES[len(use.names)]:
            draws[(seed, use, values)] = first_draw(seed, use, *values)
    assert len(set(draws.values())) == len(draws)  # no two (seed, use, values) share a first draw
    assert len(draws) == 3 * sum(len(VALUES[len(use.names)]) for use in Use)


def test_the_streams_that_used_to_collide_are_apart():
    for seed, d in itertools.product([0, 3], [0, 1, 9]):
        # Predict's (position = d, window 7, draw 0) was Generate's draw d: [seed, d, 7, 0] == [seed, d, 7]
        assert first_draw(seed, Use.PREDICT_SAMPLE, d, 7, 0) != first_draw(seed, Use.GENERATE, d)
        # window 11 was What if's shuffle of draw d the same way
        assert first_draw(seed, Use.PREDICT_SAMPLE, d, 11, 0) != first_draw(seed, Use.WHAT_IF_SHUFFLE, d)
        # a trailing 0 no longer folds away: draw 0 and the values without it are different keys
        assert first_draw(seed, Use.PREDICT_SAMPLE, d, 7, 0) != first_draw(seed, Use.PREDICT_SAMPLE, d, 7, 1)
    # the blog's embeddings and the model's first weights were both default_rng(seed)
    for seed in range(5):
        assert first_draw(seed, Use.BLOG_EMBEDDINGS) != first_draw(seed, Use.TRAINING)
        assert first_draw(seed, Use.TRAINING) != int(np.random.default_rng(seed).integers(2**63))


def test_a_stream_is_reproducible_and_its_key_has_one_length():
    assert first_draw(5, Use.PREDICT_SAMPLE, 3, 4, 2) == first_draw(5, Use.PREDICT_SAMPLE, 3, 4, 2)
    assert (
        rng_for(5, Use.GENERATE, 2).random()
        == np.random.default_rng([5, Use.GENERATE.code, 2, UNUSED, UNUSED]).random()
    )
    assert {len(stream_key(1, use, *VALUES[len(use.names)][-1])) for use in Use} == {2 + KEY_VALUES}
    assert len({use.code for use in Use}) == len(Use) and UNUSED != 0
    assert max(len(use.names) for use in Use) <= KEY_VALUES


def test_a_stream_asked_for_wrongly_says_how():
    with pytest.raises(ValueError, match="PREDICT_SAMPLE takes 3 values"):
        rng_for(0, Use.PREDICT_SAMPLE, 1, 2)
    with pytest.raises(ValueError, match="whole numbers from 0"):
        rng_for(-1, Use.TRAINING)
    with pytest.raises(ValueError, match="whole numbers from 0"):
        rng_for(0, Use.GENERATE, 2**32)  # it would take two words of the key


def test_every_random_use_of_the_library_and_the_app_takes_its_stream_from_rng_for():
    root = Path(__file__).resolve().parents[1]
    calls = re.compile(r"default_rng\(|np\.random\.(?!Generator\b)[a-z_]+\(|random\.(?:seed|random|choice|shuffle)\(")
    found = [
        f"{path.relative_to(root)}: {line.strip()}"
        for path in sorted([*root.glob("attention/**/*.py"), *root.glob("lab/**/*.py")])
        for line in path.read_text().splitlines()
        if calls.search(line) and not line.lstrip().startswith(("#", "``", "4."))
    ]
    assert found == [
        "attention/blog/post.py: rng = np.random.default_rng() if rng is None else rng",  # the blog's own API:
        "attention/blog/post.py: rng = np.random.default_rng() if rng is None else rng",  # fresh when none is given
        "attention/core/streams.py: return np.random.default_rng(stream_key(seed, use, *values))",
    ]
