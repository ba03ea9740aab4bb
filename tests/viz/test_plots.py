"""viz.plots: every plot is written, non-empty, and shows what it should."""

import json

import matplotlib
import pytest

matplotlib.use("Agg")

import nn  # noqa: E402
from viz import plots  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def trained():
    X, y = nn.datasets.moons(n=60, noise=0.1, seed=0)  # noqa: N806
    model = nn.MLP(2, [6, 1], activation="tanh", seed=0)
    history = nn.fit(model, X, y, optimizer=nn.Adam(model.parameters(), lr=0.05), epochs=12,
                     validation_split=0.25, progress=False)
    return model, X, y, history


def test_history_plot_marks_the_best_epoch(trained, tmp_path):
    _, _, _, history = trained
    figure = plots.plot_history(history, tmp_path / "history.png")
    assert (tmp_path / "history.png").read_bytes()[:8] == PNG
    loss_ax, acc_ax = figure.axes[:2]
    assert [line.get_label() for line in loss_ax.get_lines()] == ["train", "validation",
                                                                  f"best epoch {history.best_epoch}"]
    assert list(loss_ax.get_lines()[0].get_ydata()) == history.train_loss
    assert len(acc_ax.get_lines()) == 3


def test_history_plot_from_json_marks_best_and_early_stop_epochs(trained, tmp_path):
    _, _, _, history = trained
    document = history.to_dict()
    document.update(stopped_early=True, best_epoch=5)
    path = tmp_path / "history.json"
    path.write_text(json.dumps(document))
    figure = plots.plot_history(path)
    for ax in figure.axes[:2]:
        best, stop = ax.get_lines()[-2:]
        assert (best.get_label(), list(best.get_xdata())) == ("best epoch 5", [5, 5])
        assert (stop.get_label(), list(stop.get_xdata())) == ("early stop at epoch 12", [12, 12])
        assert (best.get_color(), best.get_linestyle()) != (stop.get_color(), stop.get_linestyle())
        assert {"best epoch 5", "early stop at epoch 12"} <= {t.get_text() for t in ax.get_legend().get_texts()}
    with pytest.raises(TypeError, match="needs an nn.History"):
        plots.plot_history([1, 2, 3])


def test_history_plot_of_a_real_early_stop(tmp_path):
    X, y = nn.datasets.xor(n=40, noise=0.0, seed=0)  # noqa: N806
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    history = nn.fit(model, X, y, optimizer=nn.SGD(model.parameters(), lr=1e-6), epochs=30,
                     validation_split=0.25, patience=2, progress=False)
    assert history.stopped_early and history.best_epoch < len(history)
    labels = [line.get_label() for line in plots.plot_history(history).axes[0].get_lines()]
    assert labels[-2:] == [f"best epoch {history.best_epoch}", f"early stop at epoch {len(history)}"]
    with pytest.raises(TypeError, match="needs an nn.History"):
        plots.plot_history([1, 2, 3])


def test_decision_boundary(trained, tmp_path):
    model, X, y, _ = trained  # noqa: N806
    figure = plots.plot_decision_boundary(model, X, y, tmp_path / "boundary.png", resolution=20)
    assert (tmp_path / "boundary.png").stat().st_size > 5000
    ax = figure.axes[0]
    assert [c.get_label() for c in ax.collections if c.get_label().startswith("class")] == ["class 0", "class 1"]
    with pytest.raises(ValueError, match="2-D points"):
        plots.plot_decision_boundary(model, [[1, 2, 3]], [0])
    with pytest.raises(ValueError, match="resolution"):
        plots.plot_decision_boundary(model, X, y, resolution=1)


def test_activations_plot_uses_backpropagated_derivatives(tmp_path):
    figure = plots.plot_activations(tmp_path / "activations.png", points=41)
    assert (tmp_path / "activations.png").read_bytes()[:8] == PNG
    titles = [ax.get_title() for ax in figure.axes]
    assert "leaky ReLU max(0.1x, x)" in titles
    leaky = figure.axes[titles.index("leaky ReLU max(0.1x, x)")]
    function, derivative = leaky.get_lines()[:2]
    assert function.get_ydata()[0] == pytest.approx(-0.4)  # 0.1 · (-4)
    assert set(derivative.get_ydata()) == {0.1, 1.0}


def test_optimizer_paths_reach_the_minimum(tmp_path):
    figure = plots.plot_optimizer_paths(tmp_path / "paths.png", steps=30)
    assert (tmp_path / "paths.png").stat().st_size > 5000
    labels = [line.get_label() for line in figure.axes[0].get_lines()]
    assert labels[-2:] == ["start", "minimum (0, 0)"] and len(labels) == 7
    momentum = next(line for line in figure.axes[0].get_lines() if line.get_label().startswith("momentum"))
    assert len(momentum.get_xdata()) == 31
    final = dict(zip(["SGD", "momentum"], [float(label.split("f = ")[1]) for label in labels[:2]]))
    assert final["momentum"] < final["SGD"]  # the lecture's point: momentum crosses the ravine faster


def test_optimizer_paths_with_a_custom_optimizer():
    figure = plots.plot_optimizer_paths(optimizers={"plain": lambda p: nn.SGD(p, lr=0.5)}, steps=5)
    assert figure.axes[0].get_lines()[0].get_label().startswith("plain")
    with pytest.raises(ValueError, match="steps must be a positive int"):
        plots.plot_optimizer_paths(steps=0)


def test_history_plot_has_whole_epoch_ticks_and_a_log_scale_for_a_diverging_loss():
    short = plots.plot_history({"train_loss": [0.7, 0.6, 0.55]})
    loss_ax = short.axes[0]
    short.canvas.draw()
    ticks = [t for t in loss_ax.get_xticks() if loss_ax.get_xlim()[0] <= t <= loss_ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert loss_ax.get_yscale() == "linear" and loss_ax.get_title() == "loss"
    diverging = plots.plot_history({"train_loss": [0.7, 0.5, 3.0, 80.0, 4e4]}).axes[0]
    assert diverging.get_yscale() == "log" and diverging.get_title() == "loss (log scale)"
    assert diverging.get_ylabel() == "loss (log scale)"


def test_history_plot_names_the_loss_and_the_learning_rate(trained):
    _, _, _, history = trained
    loss_ax = plots.plot_history(history).axes[0]
    assert loss_ax.get_title() == "loss: bce_with_logits, lr 0.05"
    X, y = nn.datasets.circle(n=40, seed=0)  # noqa: N806
    model = nn.MLP(2, [3, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    scheduled = nn.fit(model, X, y, loss="hinge", optimizer=optimizer, epochs=4, progress=False,
                       schedule=nn.StepLR(optimizer, step_size=2, gamma=0.5))
    assert plots.plot_history(scheduled).axes[0].get_title() == "loss: hinge, lr 0.1 → 0.05"


def test_history_plot_marks_a_divergence_and_the_max_loss_it_crossed(tmp_path):
    X, y = nn.datasets.moons(n=200, noise=0.1, seed=0)  # noqa: N806
    model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
    history = nn.fit(model, X, y, optimizer=nn.SGD(model.parameters(), lr=50.0), epochs=100, validation_split=0.25,
                     max_loss=100.0, seed=0, progress=False)
    assert history.stop_reason == "diverged"
    epochs = len(history)
    figure = plots.plot_history(history, tmp_path / "diverged.png")
    for ax in figure.axes[:2]:
        lines = {line.get_label(): line for line in ax.get_lines()}
        diverged = lines[f"diverged at epoch {epochs}"]
        assert list(diverged.get_xdata()) == [epochs, epochs]
        assert f"diverged at epoch {epochs}" in {t.get_text() for t in ax.get_legend().get_texts()}
        assert lines[f"best epoch {history.best_epoch}"].get_color() != diverged.get_color()
    threshold = {line.get_label(): line for line in figure.axes[0].get_lines()}["max_loss 100"]
    assert list(threshold.get_ydata()) == [100.0, 100.0]
    completed = plots.plot_history(history.to_dict() | {"stop_reason": "completed"}).axes[0]
    assert "max_loss 100" not in completed.get_legend_handles_labels()[1]


def test_activations_plot_labels_its_axes():
    figure = plots.plot_activations(points=11)
    axes = figure.axes[:6]
    assert [ax.get_xlabel() for ax in axes[3:]] == ["x"] * 3  # the bottom row; the columns share x
    assert [axes[0].get_ylabel(), axes[3].get_ylabel()] == ["f(x) and f′(x)"] * 2


def test_optimizer_paths_name_the_function_and_mark_its_minimum():
    ax = plots.plot_optimizer_paths(steps=3).axes[0]
    assert ax.get_title() == "Optimizer paths on f(w₁, w₂) = 0.05·w₁² + w₂², 3 steps"
    minimum = {line.get_label(): line for line in ax.get_lines()}["minimum (0, 0)"]
    assert (list(minimum.get_xdata()), list(minimum.get_ydata())) == ([0.0], [0.0])

    def bowl(w1, w2):
        return (w1 - 1) * (w1 - 1) + (w2 + 0.5) * (w2 + 0.5)

    ax = plots.plot_optimizer_paths(loss=bowl, steps=3, extent=(-2, 2, -2, 2)).axes[0]
    assert ax.get_title() == "Optimizer paths on bowl(w₁, w₂), 3 steps"
    [lowest] = [line for line in ax.get_lines() if line.get_label().startswith("lowest point drawn")]
    assert abs(lowest.get_xdata()[0] - 1) < 0.02 and abs(lowest.get_ydata()[0] + 0.5) < 0.02
    ax = plots.plot_optimizer_paths(loss=bowl, steps=3, formula="(w₁ − 1)² + (w₂ + ½)²", minimum=(1, -0.5)).axes[0]
    assert ax.get_title() == "Optimizer paths on f(w₁, w₂) = (w₁ − 1)² + (w₂ + ½)², 3 steps"
    assert "minimum (1, -0.5)" in [line.get_label() for line in ax.get_lines()]


def test_a_history_of_one_epoch_shows_its_points_on_whole_epoch_ticks():
    figure = plots.plot_history({"train_loss": [0.67], "val_loss": [10.7], "epoch": [1], "stop_reason": "diverged",
                                 "max_loss": 0.5})
    loss_ax = figure.axes[0]
    figure.canvas.draw()
    low, high = loss_ax.get_xlim()
    assert [t for t in loss_ax.get_xticks() if low <= t <= high] == [0, 1, 2]
    train, validation = loss_ax.get_lines()[:2]
    assert train.get_marker() == validation.get_marker() == "o"


def every_plot(trained):
    """One figure of each kind viz.plots makes."""
    model, X, y, history = trained
    yield "history", plots.plot_history(history)
    yield "boundary", plots.plot_decision_boundary(model, X, y, resolution=20)
    yield "activations", plots.plot_activations(points=21)
    yield "optimizer paths", plots.plot_optimizer_paths(steps=5)


def test_every_figure_fits_a_notebook_and_every_panel_names_its_axes_and_has_its_own_legend(trained):
    """900 px at 100 dpi (a notebook's width): nothing shrinks or scrolls; no panel without axis
    labels; one legend per panel, not one for the figure."""
    from viz.plots import FIGURE_WIDTH

    assert FIGURE_WIDTH == 9.0
    for name, figure in every_plot(trained):
        assert figure.get_figwidth() <= FIGURE_WIDTH, name
        panels = [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]
        for ax in panels:
            assert ax.get_xlabel() and ax.get_ylabel(), (name, ax.get_title())
            if len(ax.get_legend_handles_labels()[0]) > 1:
                assert ax.get_legend() is not None, (name, ax.get_title())
                assert min(t.get_fontsize() for t in ax.get_legend().get_texts()) >= 9, name
        assert not figure.legends, name


def test_classes_have_tensorflow_playgrounds_colours(trained):
    """Orange for class 0, blue for class 1, as TensorFlow Playground (src/playground.ts) draws
    them, from the one module the playground's pictures use too."""
    from matplotlib.colors import to_hex

    from viz import palette

    assert (palette.ORANGE, palette.NEUTRAL, palette.BLUE) == ("#f59322", "#e8eaeb", "#0877bd")
    assert palette.CLASS_COLOURS == (palette.ORANGE, palette.BLUE)
    model, X, y, _ = trained
    ax = plots.plot_decision_boundary(model, X, y, resolution=20).axes[0]
    colours = {collection.get_label(): to_hex(collection.get_facecolor()[0]) for collection in ax.collections
               if collection.get_label().startswith("class")}
    assert colours == {"class 0": "#f59322", "class 1": "#0877bd"}
    assert (to_hex(plots.PLAYGROUND_CMAP(0.0)), to_hex(plots.PLAYGROUND_CMAP(1.0))) == ("#f59322", "#0877bd")


def test_the_plots_speak_the_language_set():
    from viz.language import using_language

    history = {"train_loss": [0.9, 0.5], "val_loss": [1.0, 0.6], "train_acc": [0.5, 0.8], "val_acc": [0.4, 0.7]}
    with using_language("es"):
        figure = plots.plot_history(history)
    loss_ax, acc_ax = figure.axes[:2]
    assert (loss_ax.get_xlabel(), acc_ax.get_ylabel()) == ("época", "exactitud")
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["entrenamiento", "validación"]
    english = plots.plot_history(history)
    assert english.axes[0].get_xlabel() == "epoch"
