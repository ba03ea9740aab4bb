"""The toy datasets: sizes, labels, geometry without noise, reproducibility."""

import math
import random

import pytest

from nn import datasets


@pytest.mark.parametrize("name", sorted(datasets.DATASETS))
def test_shape_labels_and_reproducibility(name):
    make = datasets.DATASETS[name]
    X, y = make(n=51, noise=0.1, seed=4)
    assert len(X) == len(y) == 51
    assert all(len(x) == 2 and all(isinstance(c, float) and math.isfinite(c) for c in x) for x in X)
    assert set(y) == {0, 1}
    assert abs(y.count(0) - y.count(1)) <= 1 or name == "xor"
    assert make(n=51, noise=0.1, seed=4) == (X, y)
    assert make(n=51, noise=0.1, seed=5)[0] != X


@pytest.mark.parametrize("name", sorted(datasets.DATASETS))
def test_bad_arguments(name):
    make = datasets.DATASETS[name]
    with pytest.raises(ValueError, match=f"{name}\\(n\\) must be at least 2"):
        make(n=1)
    with pytest.raises(ValueError, match=f"{name}\\(noise\\) must be >= 0"):
        make(n=10, noise=-1)
    with pytest.raises(TypeError, match=f"{name}\\(n\\) must be an int"):
        make(n=10.5)


def test_circle_without_noise_separates_by_radius():
    X, y = datasets.circle(n=200, seed=0)
    for (a, b), label in zip(X, y):
        assert (math.hypot(a, b) < 2.5) == (label == 1)


def test_xor_without_noise_labels_by_quadrant():
    X, y = datasets.xor(n=200, seed=0)
    for (a, b), label in zip(X, y):
        assert (a * b > 0) == (label == 1)
        assert min(abs(a), abs(b)) >= 0.3


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = datasets.moons(n=100, noise=0.0)
    for (a, b), label in zip(X, y):
        centre = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert math.hypot(a - centre[0], b - centre[1]) == pytest.approx(1.0)


def test_gaussian_clouds_are_centred_on_their_class():
    X, y = datasets.gaussian(n=400, seed=0)
    for label, centre in ((1, 2.0), (0, -2.0)):
        points = [x for x, t in zip(X, y) if t == label]
        assert sum(p[0] for p in points) / len(points) == pytest.approx(centre, abs=0.2)


def test_spiral_radius_grows_along_each_arm_and_takes_more_classes():
    X, y = datasets.spiral(n=100, seed=0)
    radii = [math.hypot(*x) for x, t in zip(X, y) if t == 0]
    assert radii == sorted(radii) and radii[-1] < 5
    X, y = datasets.spiral(n=90, classes=3, seed=0)
    assert [y.count(c) for c in range(3)] == [30, 30, 30]


@pytest.mark.parametrize("name", sorted(datasets.DATASETS))
def test_a_random_random_can_replace_the_default_seed(name):
    make = datasets.DATASETS[name]
    assert make(n=20, noise=0.1, rng=random.Random(3)) == make(n=20, noise=0.1, seed=3)
    with pytest.raises(ValueError, match=f"give either {name}\\(seed\\) or rng"):
        make(n=20, seed=3, rng=random.Random(3))
    with pytest.raises(TypeError, match=f"{name}\\(seed\\) must be an int or None, got str"):
        make(n=20, seed="3")
