"""fit(): the lecture's problems learned to the accuracies the issue asks for, early
stopping, Ctrl-C, errors naming the epoch and step, the progress bar, callbacks, history."""

import contextlib
import json
import re
import sys
import time
import traceback
from pathlib import Path

import pytest

import nn


def test_xor_reaches_full_training_accuracy_with_binary_cross_entropy():
    X, y = nn.datasets.xor(n=40, seed=0)
    model = nn.MLP(2, [8, 1], activation="tanh", output_activation="sigmoid", seed=0)
    with pytest.warns(UserWarning, match="fit: training on the scalar graph, not compiled: the binary_cross_entropy "
                                         "loss branches on .data"):
        history = nn.fit(model, X, y, loss="binary_cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.05),
                         epochs=60, progress=False)
    loss, accuracy = nn.evaluate(model, X, y, loss="binary_cross_entropy")
    assert accuracy == 1.0
    assert loss < history.train_loss[0] / 5


def test_moons_reach_97_percent_validation_accuracy():
    X, y = nn.datasets.moons(n=100, noise=0.1, seed=0)
    X_train, X_val, y_train, y_val = nn.train_test_split(X, y, test_size=0.25, seed=0)
    model = nn.MLP(2, [16, 16, 1], init="he", seed=0)
    history = nn.fit(model, X_train, y_train, validation_data=(X_val, y_val), loss="bce_with_logits",
                     optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=20, batch_size=10, progress=False)
    assert history.val_acc[-1] >= 0.97
    assert nn.evaluate(model, X_val, y_val)[1] == history.val_acc[-1]


def test_spiral_reaches_90_percent_validation_accuracy():
    X, y = nn.datasets.spiral(n=120, noise=0.1, seed=0)
    X_train, X_val, y_train, y_val = nn.train_test_split(X, y, test_size=0.25, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="tanh", init="xavier", seed=0)
    history = nn.fit(model, X_train, y_train, validation_data=(X_val, y_val),
                     optimizer=nn.Adam(model.parameters(), lr=0.03), epochs=40, batch_size=10, progress=False)
    assert history.val_acc[-1] >= 0.90


def test_three_class_spiral_with_cross_entropy_learns():
    X, y = nn.datasets.spiral(n=60, classes=3, turns=0.5, seed=0)
    model = nn.MLP(2, [16, 3], activation="tanh", init="xavier", seed=0)
    history = nn.fit(model, X, y, loss="cross_entropy", optimizer=nn.Adam(model.parameters(), lr=0.05),
                     epochs=30, batch_size=10, progress=False)
    assert history.train_loss[-1] < history.train_loss[0] / 2
    assert nn.evaluate(model, X, y, loss="cross_entropy")[1] >= 0.9


def test_hinge_takes_0_1_labels_and_mse_has_no_accuracy():
    X, y = nn.datasets.gaussian(n=40, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, X, y, loss="hinge", optimizer=nn.SGD(model.parameters(), lr=0.1), epochs=30,
                     progress=False)
    assert history.train_acc[-1] >= 0.95
    history = nn.fit(nn.MLP(1, [4, 1], seed=0), [[0.1 * i] for i in range(10)], [0.2 * i for i in range(10)],
                     loss="mse", epochs=3, progress=False)
    assert history.train_acc == [None] * 3


def test_batch_norm_and_dropout_train_through_fit():
    X, y = nn.datasets.moons(n=60, seed=1)
    model = nn.MLP(2, [8, 1], batch_norm=True, dropout=0.1, seed=0)
    history = nn.fit(model, X, y, optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=15, batch_size=10,
                     validation_split=0.25, progress=False)
    assert history.train_loss[-1] < history.train_loss[0]
    assert model.layers[0].norm.running_mean != [0.0] * 8
    assert model.training  # fit leaves the model in training mode; evaluation did not change that


def opposite_labels_problem():
    """Validation labels are the opposite of the training labels: the better the model fits
    the training data, the worse its validation loss, so the best epoch comes early."""
    X, y = nn.datasets.gaussian(n=40, seed=0)
    return X, y, [1 - t for t in y]


def test_early_stopping_stops_and_restores_the_best_epoch():
    X, y, y_opposite = opposite_labels_problem()
    model = nn.MLP(2, [4, 1], seed=0)
    snapshots = []
    history = nn.fit(model, X, y, validation_data=(X, y_opposite), optimizer=nn.SGD(model.parameters(), lr=0.05),
                     epochs=50, patience=3, callbacks=[lambda h: snapshots.append(model.state_dict())],
                     progress=False)
    assert history.stopped_early and history.stop_reason == "early_stopping"
    assert len(history) == history.best_epoch + 3 < 50
    assert history.best_value == min(history.val_loss)
    assert history.restored_best
    assert model.state_dict() == snapshots[history.best_epoch - 1]
    assert model.state_dict() != snapshots[-1]


def test_with_patience_and_validation_the_best_weights_are_restored_even_without_stopping_early():
    X, y, y_opposite = opposite_labels_problem()
    snapshots = []
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, X, y, validation_data=(X, y_opposite), optimizer=nn.SGD(model.parameters(), lr=0.05),
                     epochs=8, patience=20, callbacks=[lambda h: snapshots.append(model.state_dict())],
                     progress=False)
    assert history.stop_reason == "completed" and len(history) == 8 and history.best_epoch < 8
    assert history.restored_best and history.to_dict()["restored_best"] is True
    assert model.state_dict() == snapshots[history.best_epoch - 1] != snapshots[-1]
    assert nn.evaluate(model, X, y_opposite)[0] == pytest.approx(history.best.val_loss, rel=1e-12)


def test_the_docs_first_example_saves_the_best_epochs_model(tmp_path, monkeypatch):
    section = (Path(__file__).resolve().parents[2] / "docs" / "nn.md").read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1).replace("patience=5", "patience=5, progress=False")
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(snippet, namespace)
    history = namespace["history"]
    assert history.restored_best and history.best_epoch <= len(history)
    saved = nn.MLP(2, [16, 16, 1], activation="relu", init="he", seed=1).load(tmp_path / "moons.json")
    val_loss = nn.evaluate(saved, namespace["X_val"], namespace["y_val"])[0]
    assert val_loss == pytest.approx(history.best.val_loss, rel=1e-12) == min(history.val_loss)


def test_restore_best_false_keeps_the_last_weights():
    X, y, y_opposite = opposite_labels_problem()
    snapshots = []
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, X, y, validation_data=(X, y_opposite), optimizer=nn.SGD(model.parameters(), lr=0.05),
                     epochs=8, patience=3, restore_best=False,
                     callbacks=[lambda h: snapshots.append(model.state_dict())], progress=False)
    assert history.stopped_early and not history.restored_best
    assert model.state_dict() == snapshots[-1] != snapshots[history.best_epoch - 1]
    with pytest.raises(TypeError, match="restore_best"):
        nn.fit(model, X, y, restore_best="yes", progress=False)


def test_without_patience_a_completed_run_keeps_the_last_weights():
    X, y, y_opposite = opposite_labels_problem()
    snapshots = []
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, X, y, validation_data=(X, y_opposite), optimizer=nn.SGD(model.parameters(), lr=0.05),
                     epochs=5, callbacks=[lambda h: snapshots.append(model.state_dict())], progress=False)
    assert history.best_epoch < 5 and not history.restored_best
    assert model.state_dict() == snapshots[-1]


def test_min_delta_counts_small_improvements_as_none():
    X, y = nn.datasets.gaussian(n=40, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, X, y, optimizer=nn.SGD(model.parameters(), lr=0.001), epochs=30, patience=2,
                     min_delta=10.0, progress=False)
    assert history.best_epoch == 1 and len(history) == 3


def test_ctrl_c_stops_cleanly_with_history_and_best_weights():
    X, y, y_opposite = opposite_labels_problem()
    model = nn.MLP(2, [4, 1], seed=0)
    snapshots = []

    def interrupt_at_epoch_6(history):
        snapshots.append(model.state_dict())
        if len(history) == 6:
            raise KeyboardInterrupt

    history = nn.fit(model, X, y, validation_data=(X, y_opposite), optimizer=nn.SGD(model.parameters(), lr=0.05),
                     epochs=50, callbacks=[interrupt_at_epoch_6], progress=False)
    assert history.interrupted and len(history) == 6
    assert model.state_dict() == snapshots[history.best_epoch - 1]


def test_a_callback_can_stop_training():
    X, y = nn.datasets.xor(n=20, seed=0)
    history = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=20, callbacks=[lambda h: len(h) == 4],
                     progress=False)
    assert len(history) == 4 and history.stop_reason == "callback"


def test_a_loss_that_blows_up_names_the_epoch_and_step():
    X = [[float(i), 1.0] for i in range(20)]
    y = [1e6 * i for i in range(20)]
    model = nn.MLP(2, [4, 1], seed=0)
    with pytest.raises((OverflowError, FloatingPointError), match=r"fit: epoch \d+, step \d+"):
        nn.fit(model, X, y, loss="mse", optimizer=nn.SGD(model.parameters(), lr=1e3), epochs=50, batch_size=5,
               progress=False)


def diverging_run(snapshots=None, model=None, **settings):
    X, y = nn.datasets.moons(n=40, seed=0)
    model = model or nn.MLP(2, [4, 1], activation="relu", seed=0)
    history = nn.fit(model, X, y, loss="hinge", optimizer=nn.SGD(model.parameters(), lr=30.0, momentum=0.9),
                     epochs=6, progress=False, callbacks=[lambda h: snapshots.append(model.state_dict())]
                     if snapshots is not None else (), **settings)
    if snapshots is not None:
        snapshots.append(model.state_dict())
    return history


def test_a_finite_but_huge_loss_stops_training_only_with_max_loss():
    unguarded = diverging_run()
    assert len(unguarded) == 6 and unguarded.stop_reason == "completed" and max(unguarded.train_loss) > 100
    snapshots = []
    guarded = diverging_run(snapshots, max_loss=100.0)
    first_above = next(i for i, loss in enumerate(unguarded.train_loss, 1) if loss > 100)
    assert guarded.stop_reason == "diverged" and len(guarded) == first_above < 6
    assert len(snapshots) == first_above + 1 and guarded.restored_best
    assert snapshots[-1] == snapshots[guarded.best_epoch - 1] != snapshots[first_above - 1]
    assert guarded.train_loss == unguarded.train_loss[:first_above]
    with pytest.raises(ValueError, match=r"max_loss"):
        diverging_run(max_loss=float("nan"))


def moons_at_lr_50(model, **settings):
    """``valuegraph train --dataset moons --optimizer sgd --lr 50 --max-loss 100``: epoch 4's training
    loss is 117, while its validation loss happens to be the lowest of the run."""
    X, y = nn.datasets.moons(n=200, noise=0.1, seed=0)
    return nn.fit(model, X, y, optimizer=nn.SGD(model.parameters(), lr=50.0), epochs=100, validation_split=0.25,
                  max_loss=100.0, seed=0, progress=False, **settings)


@pytest.mark.parametrize("patience", [None, 3])
def test_a_diverged_epoch_is_never_the_best_even_when_its_validation_loss_is_the_lowest(patience):
    model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
    snapshots = []
    history = moons_at_lr_50(model, patience=patience, callbacks=[lambda h: snapshots.append(model.state_dict())])
    assert history.stop_reason == "diverged" and history.train_loss[-1] > 100
    assert min(history.val_loss) == history.val_loss[-1]  # the trap the diverged epoch sets
    assert history.best_epoch < len(history) and history.best.train_loss <= 100
    assert history.best_value == min(history.val_loss[:-1]) == history.best.val_loss
    assert history.restored_best and model.state_dict() == snapshots[history.best_epoch - 1]
    assert history.to_dict()["best"]["epoch"] == history.best_epoch


def test_when_the_first_epoch_diverges_there_is_no_best_epoch_and_the_model_goes_back_to_its_start():
    model = nn.MLP(2, [4, 1], activation="relu", seed=0)
    start = model.state_dict()
    history = diverging_run(max_loss=1e-9, model=model)
    assert history.stop_reason == "diverged" and len(history) == 1
    assert history.best_epoch is None and history.best is None and history.best_value is None
    assert not history.restored_best and model.state_dict() == start
    kept = nn.MLP(2, [4, 1], activation="relu", seed=0)
    diverging_run(max_loss=1e-9, model=kept, restore_best=False)
    assert kept.state_dict() != start  # restore_best=False keeps the last (diverged) weights


def test_a_callback_stopping_on_the_diverged_epoch_does_not_hide_the_divergence():
    model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
    history = moons_at_lr_50(model, callbacks=[lambda h: h[-1].train_loss > 100])
    assert history.stop_reason == "diverged" and history.restored_best and history.best_epoch < len(history)


def test_progress_bar_shows_and_can_be_turned_off(capsys):
    X, y = nn.datasets.xor(n=10, seed=0)
    nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=True)
    assert "2/2" in capsys.readouterr().err
    nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=False)
    assert capsys.readouterr().err == ""


def test_progress_bar_shows_each_epochs_own_metrics_and_one_final_line(capsys):
    X, y = nn.datasets.xor(n=10, seed=0)
    slow = lambda history: time.sleep(0.12)  # noqa: E731  (longer than tqdm's 0.1 s between redraws)
    history = nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=3, callbacks=[slow], progress=True)
    renders = [part for part in re.split(r"[\r\n]", capsys.readouterr().err) if "/3 " in part]
    shown = [(int(re.search(r"(\d)/3 ", part).group(1)), re.search(r"loss=([^,\]]+)", part))
             for part in renders]
    assert [epoch for epoch, loss in shown].count(3) == 1, renders
    for epoch, loss in shown:
        if epoch:
            assert loss.group(1) == f"{history.train_loss[epoch - 1]:.4g}", renders


def test_progress_bar_after_early_stopping_ends_on_the_last_epoch_trained(capsys):
    X, y, y_opposite = opposite_labels_problem()
    history = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, validation_data=(X, y_opposite), epochs=50, patience=2,
                     callbacks=[lambda history: time.sleep(0.12)], progress=True)
    renders = [part for part in re.split(r"[\r\n]", capsys.readouterr().err) if "/50 " in part]
    shown = [(int(re.search(r"(\d+)/50 ", part).group(1)), part) for part in renders]
    assert [epoch for epoch, part in shown].count(len(history)) == 1, renders
    for epoch, part in shown:
        if epoch:
            assert f"val_loss={history.val_loss[epoch - 1]:.4g}," in part, renders


@pytest.mark.parametrize("settings", [{"validation_data": "one sample"}, {"validation_split": 0.1}])
def test_a_tiny_validation_set_is_warned_about(settings):
    X, y = nn.datasets.xor(n=40, seed=0)
    if settings.get("validation_data"):
        settings = {"validation_data": (X[:1], y[:1])}
    with pytest.warns(UserWarning, match=r"validation set has only \d sample.*at least 10"):
        nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=1, progress=False, **settings)


def test_a_validation_set_of_ten_samples_or_none_is_not_warned_about(recwarn):
    X, y = nn.datasets.xor(n=40, seed=0)
    nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, validation_data=(X[:nn.training.MIN_VALIDATION_SAMPLES], y[:10]),
           epochs=1, progress=False)
    nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=1, progress=False)
    assert nn.training.MIN_VALIDATION_SAMPLES == 10 and not [w for w in recwarn if w.category is UserWarning]


@pytest.mark.parametrize("validation_data, message", [
    (([], []), "no samples"), (([[0.0, 0.0]] * 3, [0, 1]), "3 samples but 2 labels"),
    (([[0.0, 0.0]] * 9 + [[0.0, 0.0, 0.0]], [0] * 10), "sample 9 has 3 inputs but the training samples have 2")])
def test_an_empty_or_mismatched_validation_set_is_refused_before_training(validation_data, message):
    X, y = nn.datasets.xor(n=20, seed=0)
    model = nn.MLP(2, [2, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        nn.fit(model, X, y, validation_data=validation_data, epochs=1, progress=False)
    assert model.state_dict() == before


def test_history_records_every_epoch_and_serialises():
    X, y = nn.datasets.circle(n=40, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    history = nn.fit(model, X, y, optimizer=optimizer, schedule=nn.StepLR(optimizer, step_size=2, gamma=0.5),
                     validation_split=0.25, epochs=4, progress=False)
    assert history.lr == [0.1, 0.1, 0.05, 0.05]
    assert [r.epoch for r in history] == [1, 2, 3, 4]
    data = json.loads(json.dumps(history.to_dict()))
    assert data["train_loss"] == history.train_loss and len(data["val_acc"]) == 4
    assert data["stopped_early"] is False and data["best_epoch"] == history.best_epoch
    assert all(0.0 <= a <= 1.0 for a in history.val_acc)


def test_history_names_its_loss_and_max_loss():
    X, y = nn.datasets.xor(n=20, seed=0)
    named = nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss="hinge", epochs=1, max_loss=1e6, progress=False)
    assert (named.loss, named.max_loss) == ("hinge", 1e6)
    assert (named.to_dict()["loss"], named.to_dict()["max_loss"]) == ("hinge", 1e6)
    with pytest.warns(UserWarning, match=SCALAR_FALLBACK):  # a function of the user's: maybe not compilable
        assert nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss=nn.mse, epochs=1, progress=False).loss == "mse"
    with pytest.warns(UserWarning, match=SCALAR_FALLBACK):
        anonymous = nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss=lambda out, t: nn.mse(out, t), epochs=1,
                           progress=False)
    assert anonymous.loss is None and anonymous.max_loss is None


def test_training_is_reproducible():
    X, y = nn.datasets.moons(n=40, seed=0)
    runs = [nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=3, batch_size=8, seed=3, progress=False).train_loss
            for _ in range(2)]
    assert runs[0] == runs[1]


def test_bad_arguments_are_named():
    X, y = nn.datasets.xor(n=10, seed=0)
    model = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match="unknown loss 'l2'"):
        nn.fit(model, X, y, loss="l2")
    with pytest.raises(ValueError, match="10 samples but y has 9"):
        nn.fit(model, X, y[:-1])
    with pytest.raises(ValueError, match="epochs"):
        nn.fit(model, X, y, epochs=0)
    with pytest.raises(ValueError, match="patience"):
        nn.fit(model, X, y, patience=0)


@pytest.mark.parametrize("settings, error, message", [
    (dict(validation_split=5), ValueError, r"fit\(validation_split\) must be a fraction in \[0, 1\), got 5"),
    (dict(validation_split=1.0), ValueError, r"fit\(validation_split\) must be a fraction in \[0, 1\), got 1.0"),
    (dict(validation_data=([[0.0, 1.0]] * 10,)), TypeError, r"fit\(validation_data\) must be a pair \(X_val, y_val\)"),
    (dict(callbacks=print), TypeError, r"fit\(callbacks\) must be a list of functions.*callbacks=\[f\]"),
    (dict(schedule="step"), TypeError, r"fit\(schedule\) must be an nn schedule"),
    (dict(progress="no"), TypeError, r"fit\(progress\) must be a bool, got str: 'no'"),
    (dict(shuffle=0), TypeError, r"fit\(shuffle\) must be a bool, got int: 0"),
    (dict(seed=1.5), TypeError, r"fit\(seed\) must be an int or None, got float: 1.5"),
])
def test_bad_arguments_are_refused_before_any_training(settings, error, message):
    X, y = nn.datasets.xor(n=20, seed=0)
    model = nn.MLP(2, [2, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error, match=message):
        nn.fit(model, X, y, epochs=2, **settings)
    assert model.state_dict() == before


def test_a_schedule_for_another_optimizer_is_refused():
    X, y = nn.datasets.xor(n=20, seed=0)
    model = nn.MLP(2, [2, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    schedule = nn.StepLR(optimizer, step_size=1)
    with pytest.raises(ValueError, match="another optimizer than the one fit uses"):
        nn.fit(model, X, y, schedule=schedule, epochs=2, progress=False)  # fit would make its own SGD
    nn.fit(model, X, y, optimizer=optimizer, schedule=schedule, epochs=2, progress=False)
    assert optimizer.lr == pytest.approx(0.001)


def test_predict_and_accuracy():
    model = nn.MLP(2, [3, 2], seed=0)
    outputs = nn.predict(model, [[1.0, 2.0], [0.0, 1.0]])
    assert len(outputs) == 2 and len(outputs[0]) == 2 and isinstance(outputs[0][0], float)
    assert nn.accuracy([[0.1, 0.9], [2.0, 1.0]], [1, 1], loss="cross_entropy") == 0.5
    assert nn.accuracy([0.7, 0.2], [1, 1], loss="binary_cross_entropy") == 0.5


SCALAR_FALLBACK = "fit: training on the scalar graph, not compiled: the loss is a function of yours"


def recording_loss(sizes):
    def loss(outputs, targets):
        sizes.append(len(targets))
        return nn.bce_with_logits(outputs, targets)
    return loss


def test_batch_norm_with_a_last_minibatch_of_one_sample_joins_it_to_the_previous_one():
    # 151 samples in batches of 50 leave one sample over, which batch norm cannot normalise:
    # this used to fail in the 4th step of the first epoch, after 3 steps had changed the weights.
    X, y = nn.datasets.moons(n=151, seed=0)
    model = nn.MLP(2, [4, 1], batch_norm=True, seed=0)
    sizes = []
    with pytest.warns(UserWarning, match=SCALAR_FALLBACK):  # the loss records its calls: it runs on Values
        history = nn.fit(model, X, y, loss=recording_loss(sizes), epochs=2, batch_size=50, progress=False)
    assert len(history) == 2 and sizes == [50, 50, 51] * 2
    sizes.clear()
    with pytest.warns(UserWarning, match=SCALAR_FALLBACK):
        nn.fit(model, X, y, loss=recording_loss(sizes), epochs=1, batch_size=50, drop_last=True, progress=False)
    assert sizes == [50, 50, 50]
    sizes.clear()  # without batch norm the short batch stays as it is (PyTorch's DataLoader)
    with pytest.warns(UserWarning, match=SCALAR_FALLBACK):
        nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, loss=recording_loss(sizes), epochs=1, batch_size=50, progress=False)
    assert sizes == [50, 50, 50, 1]


@pytest.mark.parametrize("n, settings", [(10, dict(batch_size=1)), (1, dict()), (10, dict(batch_size=1, drop_last=True))])
def test_batch_norm_that_would_only_see_one_sample_is_refused_before_training(n, settings):
    X, y = nn.datasets.moons(n=10, seed=0)
    model = nn.MLP(2, [4, 1], batch_norm=True, seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match="batch norm, which needs minibatches of at least 2 samples"):
        nn.fit(model, X[:n], y[:n], epochs=1, progress=False, **settings)
    assert model.state_dict() == before


def test_drop_last_with_too_few_samples_is_refused():
    X, y = nn.datasets.moons(n=10, seed=0)
    with pytest.raises(ValueError, match=r"fit\(drop_last=True\): batch_size=20 is more than the 10"):
        nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, batch_size=20, drop_last=True, progress=False)


@pytest.mark.parametrize("error", [
    UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    json.JSONDecodeError("Expecting value", "{x", 1),
    ZeroDivisionError("division by zero"),
], ids=["UnicodeDecodeError", "JSONDecodeError", "ZeroDivisionError"])
def test_an_error_in_a_step_is_raised_itself_with_the_epoch_and_step(error):
    # fit used to re-raise type(error)(message), which itself fails for classes that need
    # more constructor arguments (a TypeError instead of the real error)
    calls = []

    def failing_loss(outputs, targets):
        calls.append(1)
        if len(calls) == 3:
            raise error
        return nn.bce_with_logits(outputs, targets)

    X, y = nn.datasets.xor(n=20, seed=0)
    with pytest.raises(type(error)) as raised, pytest.warns(UserWarning, match=SCALAR_FALLBACK):
        nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss=failing_loss, epochs=2, batch_size=10, progress=False)
    if sys.version_info >= (3, 11):  # the error itself, with a note shown under its traceback
        assert raised.value is error and raised.value.__notes__ == ["fit: epoch 2, step 1"]
        assert "fit: epoch 2, step 1" in "".join(traceback.format_exception(raised.value))


def test_predict_and_evaluate_restore_every_modules_own_mode_even_after_an_error():
    model = nn.MLP(2, [4, 1], dropout=0.5, seed=0)
    model.layers[0].dropout.eval()  # training, but with this dropout switched off by hand
    modes = [m.training for m in model.modules()]
    X, y = nn.datasets.xor(n=6, seed=0)
    first = nn.predict(model, X)
    assert nn.predict(model, X) == first  # evaluation mode inside: no dropout
    nn.evaluate(model, X, y)
    assert [m.training for m in model.modules()] == modes
    with pytest.raises(ValueError, match="6 outputs but 5 targets"):
        nn.evaluate(model, X, y[:5], loss="mse")
    assert [m.training for m in model.modules()] == modes


def test_after_early_stopping_history_best_describes_the_restored_weights():
    X, y, y_opposite = opposite_labels_problem()
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, X, y, validation_data=(X, y_opposite), optimizer=nn.SGD(model.parameters(), lr=0.05),
                     epochs=50, patience=3, progress=False)
    assert history.restored_best and history.best is history[history.best_epoch - 1]
    assert history.best.val_loss == history.best_value == min(history.val_loss)
    restored_val_loss = nn.evaluate(model, X, y_opposite)[0]
    # the validation loss of epoch t is measured after its training steps, on the weights saved then
    assert restored_val_loss == pytest.approx(history.best.val_loss, rel=1e-12)
    assert history.val_loss[-1] > history.best.val_loss  # the last epoch trained is not what the model holds
    assert history.to_dict()["best"]["epoch"] == history.best_epoch
    assert nn.History("val_loss").best is None


def test_the_docs_name_every_public_nn_function_and_class():
    section = (Path(__file__).resolve().parents[2] / "docs" / "nn.md").read_text(encoding="utf-8")
    internal = {"RowModule", "MaxoutUnit", "Optimizer", "LRSchedule", "EpochRecord", "LOSSES", "parameters_to_vector"}
    assert [name for name in nn.__all__ if name not in internal and not re.search(rf"\b{name}\b", section)] == []
    assert [name for name in nn.datasets.DATASETS if not re.search(rf"`(nn\.datasets\.)?{name}`", section)] == []


def test_an_error_in_validation_names_the_epoch():
    X, y = nn.datasets.xor(n=20, seed=0)
    X_val = [[float("nan"), 0.0]] + X[1:]  # a NaN input, met only when the model reads it
    with pytest.raises(ValueError, match="must be a finite number, got nan") as caught:
        nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, validation_data=(X_val, y), epochs=3, progress=False)
    if sys.version_info >= (3, 11):
        assert caught.value.__notes__ == ["fit: epoch 1, validation"]
    else:  # Python 3.10 has no notes: the message starts with it
        assert str(caught.value).startswith("fit: epoch 1, validation: ")


# -- nothing silently wrong: every target checked first, no infinite weight ----------------------

@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("loss, labels, bad, words", [
    ("mse", "y", float("nan"), "fit(validation_data): mse: targets[3] must be a finite number, got nan"),
    ("bce_with_logits", "y", "1", "fit(validation_data): bce_with_logits: targets[3] must be a number, got str"),
    ("bce_with_logits", "y", 2.0, "fit(validation_data): bce_with_logits: targets[3] = 2.0 must be in [0, 1]"),
    ("hinge", "y", 0.5, "fit(validation_data): hinge: targets[3] = 0.5 must be -1 or +1"),
    ("cross_entropy", "classes", 3, "fit(validation_data): cross_entropy: targets[3] = 3 must be a class index in 0..2"),
    ("cross_entropy", "classes", None, "fit(validation_data): cross_entropy: targets[3] = None must be a class index"),
])
def test_a_bad_validation_target_is_found_before_any_weight_changes(loss, labels, bad, words, compiled):
    X, y = nn.datasets.spiral(n=30, classes=3, seed=0) if labels == "classes" else nn.datasets.xor(n=30, seed=0)
    model = nn.MLP(2, [4, 3 if labels == "classes" else 1], seed=0)
    before = model.state_dict()
    if loss == "hinge":
        y = [2 * t - 1 for t in y]  # 0/1 labels are turned into ±1 only when all of them are 0 or 1
    y_val = list(y)
    y_val[3] = bad
    with pytest.raises((TypeError, ValueError)) as raised:
        nn.fit(model, X, y, loss=loss, validation_data=(X, y_val), epochs=2, batch_size=10, progress=False,
               compiled=compiled)
    assert words in str(raised.value), str(raised.value)
    assert model.state_dict() == before  # found before epoch 1 changed anything


@pytest.mark.parametrize("compiled", [True, False])
def test_a_bad_training_target_is_named_before_any_weight_changes(compiled):
    X, y = nn.datasets.xor(n=30, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    y = list(y)
    y[25] = float("nan")
    with pytest.raises(ValueError, match=r"fit\(y\): mse: targets\[25\] must be a finite number, got nan"):
        nn.fit(model, X, y, loss="mse", epochs=1, batch_size=10, progress=False, compiled=compiled)
    assert model.state_dict() == before


@pytest.mark.parametrize("compiled", [True, False])
def test_a_learning_rate_far_too_large_raises_and_leaves_no_weight_infinite(compiled):
    import math

    X, y = nn.datasets.xor(n=40, seed=0)
    model = nn.MLP(2, [8, 8, 1], seed=0)
    with pytest.raises((FloatingPointError, OverflowError)) as raised:
        nn.fit(model, X, y, loss="mse", optimizer=nn.SGD(model.parameters(), lr=1e307), epochs=5, batch_size=10,
               progress=False, compiled=compiled)
    assert all(math.isfinite(value) for value in model.state_dict().values()), raised.value
    if sys.version_info >= (3, 11):
        assert re.fullmatch(r"fit: epoch \d+, step \d+", raised.value.__notes__[0])


# -- the loop's pieces (nn.callbacks) ------------------------------------------------------------

def test_a_callback_object_sees_the_run_begin_every_epoch_and_the_end_in_order():
    from nn import callbacks

    seen = []

    class Spy(callbacks.Callback):
        def on_train_begin(self, run):
            seen.append(("begin", len(run.history)))

        def on_epoch_end(self, run, record):
            seen.append(("epoch", record.epoch, run.history[-1] is record, list(run.stopping)))
            return record.epoch == 3

        def on_train_end(self, run, error):
            seen.append(("end", run.history.stop_reason, error, run.history.restored_best))

    X, y = nn.datasets.xor(n=20, seed=0)
    history = nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, validation_data=(X, y), epochs=5, patience=1,
                     min_delta=10.0, callbacks=[Spy()], progress=False)
    # patience 1 with a min_delta no epoch beats: early stopping asks at epoch 2, before Spy runs
    assert seen == [("begin", 0), ("epoch", 1, True, []), ("epoch", 2, True, ["early_stopping"]),
                    ("end", "early_stopping", None, True)]
    assert history.best_epoch == 1 and len(history) == 2
    with pytest.raises(TypeError, match=r"fit\(callbacks\[0\]\) must be a function or an nn.callbacks.Callback"):
        nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=1, callbacks=[3], progress=False)


def test_fit_keeps_its_signature():
    import inspect

    assert list(inspect.signature(nn.fit).parameters) == [
        "model", "X", "y", "loss", "optimizer", "epochs", "batch_size", "validation_data", "validation_split",
        "l1", "l2", "patience", "min_delta", "restore_best", "max_loss", "schedule", "callbacks", "shuffle",
        "drop_last", "seed", "progress", "compiled"]


def test_early_stopping_counts_epochs_since_the_best_one():
    from nn.callbacks import EarlyStopping, FitRun

    history = nn.History("val_loss")
    run = FitRun(None, history, epochs=10)
    stopping = EarlyStopping(patience=2)
    record = lambda epoch: nn.EpochRecord(epoch, 1.0, None, 1.0, None, 0.1, 0.0)  # noqa: E731
    history.best_epoch = 3
    assert [stopping.on_epoch_end(run, record(epoch)) for epoch in (3, 4, 5, 6)] == [False, False, True, True]
    history.best_epoch = None  # every epoch so far diverged
    assert stopping.on_epoch_end(run, record(2)) is True


@pytest.mark.parametrize("where", ["a step", "validation", "a callback"])
def test_the_progress_bar_is_closed_and_the_model_left_as_is_on_an_error(where, monkeypatch):
    from nn import callbacks

    closed = []
    original = callbacks.ProgressBar.on_train_end
    monkeypatch.setattr(callbacks.ProgressBar, "on_train_end",
                        lambda self, run, error: closed.append(type(error).__name__) or original(self, run, error))
    X, y = nn.datasets.xor(n=20, seed=0)
    X_val = [[float("nan"), 0.0]] + X[1:] if where == "validation" else X

    def failing(history):
        raise RuntimeError("a callback failed")

    model = nn.MLP(2, [2, 1], seed=0)
    loss = (lambda out, t: nn.mse(out, t) * float("nan")) if where == "a step" else "mse"
    with pytest.raises((ValueError, RuntimeError)):
        with pytest.warns(UserWarning, match=SCALAR_FALLBACK) if where == "a step" else contextlib.nullcontext():
            nn.fit(model, X, y, loss=loss, validation_data=(X_val, y), epochs=3, patience=1, progress=False,
                   callbacks=[failing] if where == "a callback" else [])
    assert closed == [{"a step": "ValueError", "validation": "ValueError", "a callback": "RuntimeError"}[where]]


def test_each_distinct_target_is_checked_and_the_first_bad_one_named():
    X, y = nn.datasets.xor(n=30, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    y = [1, 0] * 15
    y[7], y[12], y[20] = True, 5.0, 5.0  # True looks like 1 to a dict, but a bool is not a number here
    with pytest.raises(TypeError, match=r"fit\(y\): bce_with_logits: targets\[7\] must be a number, got bool"):
        nn.fit(model, X, y, epochs=1, progress=False)
    y[7] = 1
    with pytest.raises(ValueError, match=r"fit\(y\): bce_with_logits: targets\[12\] = 5.0 must be in \[0, 1\]"):
        nn.fit(model, X, y, epochs=1, progress=False)
