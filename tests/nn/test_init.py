"""Where random numbers come from: seed, rng, or micrograd's global random."""

import random

import pytest

from nn.init import make_rng, sample_weights


def test_make_rng_sources():
    assert make_rng() is random
    rng = random.Random(1)
    assert make_rng(rng=rng) is rng
    assert make_rng(3).random() == random.Random(3).random()
    with pytest.raises(ValueError, match="not both"):
        make_rng(1, rng)
    with pytest.raises(TypeError, match="rng must be a random.Random"):
        make_rng(rng=42)


def test_uniform_is_micrograds_draw():
    random.seed(11)
    expected = [random.uniform(-1, 1) for _ in range(5)]
    random.seed(11)
    assert sample_weights("uniform", 5, 1, random) == expected


def test_unknown_init():
    with pytest.raises(ValueError, match="must be one of 'uniform', 'xavier'"):
        sample_weights("zeros", 2, 1, random)
