"""train_test_split and the minibatch iterator."""

import random

import pytest

import nn


def test_train_test_split_partitions_reproducibly():
    X = [[float(i)] for i in range(20)]
    y = list(range(20))
    X_train, X_test, y_train, y_test = nn.train_test_split(X, y, test_size=0.25, seed=1)
    assert len(X_test) == 5 and len(X_train) == 15
    assert sorted(y_train + y_test) == y
    assert all(x == [float(t)] for x, t in zip(X_train + X_test, y_train + y_test))
    assert nn.train_test_split(X, y, test_size=0.25, seed=1) == (X_train, X_test, y_train, y_test)
    assert nn.train_test_split(X, y, test_size=3, shuffle=False)[3] == [0, 1, 2]
    with pytest.raises(ValueError, match="test_size"):
        nn.train_test_split(X, y, test_size=1.5)


def test_batches_cover_the_data_once_in_shuffled_minibatches():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    chunks = list(nn.batches(X, y, batch_size=4, seed=0))
    assert [len(b[1]) for b in chunks] == [4, 4, 2]
    assert sorted(t for _, ys in chunks for t in ys) == y
    assert [t for _, ys in chunks for t in ys] != y
    assert [len(b[1]) for b in nn.batches(X, y, 4, drop_last=True, seed=0)] == [4, 4]
    assert list(nn.batches(X, y, shuffle=False)) == [(X, y)]
    with pytest.raises(ValueError, match="batch_size"):
        list(nn.batches(X, y, batch_size=0))


def test_split_and_batches_take_a_random_random_instead_of_a_seed():
    X = [[float(i)] for i in range(20)]
    y = list(range(20))
    assert nn.train_test_split(X, y, rng=random.Random(4)) == nn.train_test_split(X, y, seed=4)
    with pytest.raises(ValueError, match="give either train_test_split\\(seed\\) or rng"):
        nn.train_test_split(X, y, seed=4, rng=random.Random(4))
    assert list(nn.batches(X, y, 5, rng=random.Random(2))) == list(nn.batches(X, y, 5, seed=2))
    with pytest.raises(TypeError, match="batches\\(seed\\) must be an int"):
        list(nn.batches(X, y, 5, seed=2.5))
