"""The settings of a :class:`viz.Playground`: each described once (:data:`SETTINGS`), checked once
(:func:`check_settings`), and written as one line of text (:func:`settings_text`,
:func:`parse_settings`), as TensorFlow Playground's address carries its state.

Kept apart from :mod:`viz.playground` so that the widget reads what a control may offer from
here, without the playground and its widget importing each other.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import Any, Callable, Mapping, Sequence

import numpy as np

import nn

from .language import LANGUAGES, Catalog, language

__all__ = ["Setting", "SETTINGS", "DEFAULTS", "FEATURES", "PROBLEMS", "DATASETS", "ACTIVATIONS", "LOSSES",
           "OPTIMIZERS", "TRAINING_SETTINGS", "VIEW_SETTINGS", "MAX_LAYERS", "MAX_NEURONS", "SPIRAL_TURNS",
           "check_settings", "parse_settings", "settings_text", "feature_row", "REFUSALS", "refused", "shown"]

REFUSALS = Catalog({
    "choice": {"en": "{what} must be one of {choices}, got {value}", "es": "{what} debe ser uno de {choices}, no {value}"},
    "bool": {"en": "{what} must be a bool, got {kind}: {value}", "es": "{what} debe ser True o False, no {kind}: {value}"},
    "list": {"en": "{what} must be a list, got {kind}: {value} ({example})",
             "es": "{what} debe ser una lista, no {kind}: {value} ({example})"},
    "features example": {"en": "features=['x1'] for one feature", "es": "features=['x1'] para una sola entrada"},
    "layers example": {"en": "hidden=[] for no hidden layer", "es": "hidden=[] para ninguna capa oculta"},
    "names example": {"en": "hide=['noise'] to hide one control", "es": "hide=['noise'] para ocultar un control"},
    "layers": {"en": "{what} may have 0 to {most} layers, got {count}: {value}",
               "es": "{what} puede tener de 0 a {most} capas, no {count}: {value}"},
    "features once": {"en": "{what} must name at least one feature, each once, got {value}",
                      "es": "{what} debe nombrar al menos una entrada, cada una una vez, no {value}"},
    "power": {"en": "{what}: write {fixed}, not {value}: '^' is not a power in Python",
              "es": "{what}: escribe {fixed}, no {value}: '^' no es una potencia en Python"},
    "names once": {"en": "{what} must name each once, got {value}", "es": "{what} debe nombrar cada uno una vez, no {value}"},
    "int": {"en": "{what} must be an int, got {kind}: {value}", "es": "{what} debe ser un entero, no {kind}: {value}"},
    "number": {"en": "{what} must be a number, got {kind}: {value}", "es": "{what} debe ser un número, no {kind}: {value}"},
    "finite": {"en": "{what} must be a finite number, got {value}", "es": "{what} debe ser un número finito, no {value}"},
    "range": {"en": "{what} must be {accepted}, got {value}", "es": "{what} debe {accepted}, no {value}"},
    "between": {"en": "in {interval}", "es": "estar en {interval}"},
    "above": {"en": "greater than {low}", "es": "ser mayor que {low}"},
    "at least": {"en": "at least {low}", "es": "ser al menos {low}"},
    "any number": {"en": "a number", "es": "ser un número"},
    "or none": {"en": "{accepted} (or None: {means})", "es": "{accepted} (o None: {means})"},
    "plain SGD": {"en": "plain SGD", "es": "SGD simple"},
    "no early stopping": {"en": "no early stopping", "es": "sin parada temprana"},
    "unknown": {"en": "Playground: unknown setting {names} (the settings are {settings})",
                "es": "Playground: ajuste desconocido {names} (los ajustes son {settings})"},
    "unknowns": {"en": "Playground: unknown settings {names} (the settings are {settings})",
                 "es": "Playground: ajustes desconocidos {names} (los ajustes son {settings})"},
    "momentum optimizer": {"en": "Playground(momentum) is a setting of optimizer 'sgd' or 'nesterov', not {optimizer}: "
                                 "leave it None",
                           "es": "Playground(momentum) es un ajuste del optimizador 'sgd' o 'nesterov', no de "
                                 "{optimizer}: déjalo en None"},
    "nesterov momentum": {"en": "Playground(momentum) must be above 0 with optimizer='nesterov' (Nesterov's look-ahead "
                                "needs momentum), got 0; use optimizer='sgd' for plain SGD",
                          "es": "Playground(momentum) debe ser mayor que 0 con optimizer='nesterov' (la anticipación de "
                                "Nesterov necesita momento), no 0; usa optimizer='sgd' para SGD simple"},
    "batch norm batch": {"en": "Playground(batch_size) must be at least 2 with batch_norm=True (batch norm normalises "
                               "over the minibatch), got {size}",
                         "es": "Playground(batch_size) debe ser al menos 2 con batch_norm=True (batch norm normaliza "
                               "sobre el minibatch), no {size}"},
    "batch norm points": {"en": "Playground(batch_norm=True) needs at least 2 training points, but n={n} and "
                                "train_ratio={ratio} give {points}",
                          "es": "Playground(batch_norm=True) necesita al menos 2 puntos de entrenamiento, pero n={n} y "
                                "train_ratio={ratio} dan {points}"},
    "text type": {"en": "Playground.from_settings: expected the settings text (a str), got {kind}",
                  "es": "Playground.from_settings: se esperaba el texto de ajustes (un str), no {kind}"},
    "cannot read": {"en": "Playground.from_settings: cannot read {part}: expected setting=value with a setting of "
                          "{settings}",
                    "es": "Playground.from_settings: no se puede leer {part}: se esperaba ajuste=valor con un ajuste "
                          "de {settings}"},
    "twice": {"en": "Playground.from_settings: {name} is given twice", "es": "Playground.from_settings: {name} aparece dos veces"},
    "true or false": {"en": "Playground.from_settings: {part}: {name} is true or false",
                      "es": "Playground.from_settings: {part}: {name} es true o false"},
    "text int": {"en": "Playground.from_settings: {part}: {name} must be an int",
                 "es": "Playground.from_settings: {part}: {name} debe ser un entero"},
    "text number": {"en": "Playground.from_settings: {part}: {name} must be a number",
                    "es": "Playground.from_settings: {part}: {name} debe ser un número"},
    "diverged": {"en": "Playground: epoch {epoch} diverged ({error}); the network is back at epoch {back}: try a lower "
                       "learning rate",
                 "es": "Playground: la época {epoch} divergió ({error}); la red vuelve a la época {back}: prueba una "
                       "tasa de aprendizaje menor"},
})
"""What a playground says when it refuses a setting (or a settings text, or an epoch that
diverged), in English and Spanish. The exception raised says it in English, for programmers;
the widget shows a student the same words in her language (:func:`shown`)."""


def _words(key: str, code: str, fields: Mapping[str, Any]) -> str:
    """Entry ``key`` of :data:`REFUSALS` in language ``code``; a field given as ``{language: text}``
    is filled in that language."""
    filled = {name: value[code] if isinstance(value, dict) else value for name, value in fields.items()}
    return REFUSALS.entries[key][code].format(**filled)


def _in_every_language(key: str, /, **fields: Any) -> dict[str, str]:
    return {code: _words(key, code, fields) for code in LANGUAGES}


def refused(error_type: type[Exception], key: str, /, **fields: Any) -> Exception:
    """An ``error_type`` saying entry ``key`` of :data:`REFUSALS` in English (its ``texts``
    holds it in every language: see :func:`shown`)."""
    texts = _in_every_language(key, **fields)
    error = error_type(texts["en"])
    error.texts = texts
    return error


def shown(error: BaseException) -> str:
    """What a refusal says in the language in use (:func:`viz.set_language`); an error that is no
    refusal of this module (an engine's, a file's) as it is."""
    texts = getattr(error, "texts", None)
    return texts[language()] if isinstance(texts, dict) and language() in texts else str(error)


def _sin(a: Any) -> Any:
    return np.sin(a) if isinstance(a, np.ndarray) else math.sin(a)


FEATURES: dict[str, Callable[[Any, Any], Any]] = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1**2": lambda a, b: a * a,
    "x2**2": lambda a, b: b * b,
    "x1*x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: _sin(a),
    "sin(x2)": lambda a, b: _sin(b),
}
"""The input features TensorFlow Playground offers, each a function of a point (x1, x2) (of
floats, or of numpy arrays of them). Written as Python writes them, as everywhere in valuegraph:
powers with ``**`` (``^`` is Python's exclusive or); spaces do not matter (``"x1 ** 2"``)."""

PROBLEMS = ("classification", "regression")
DATASETS = {"classification": ("circle", "xor", "gaussian", "spiral", "moons"),
            "regression": ("plane", "multi_gaussian")}
"""The datasets of each problem: TensorFlow Playground's (its spiral has 1.75 turns), and moons."""
ACTIVATIONS = tuple(nn.ACTIVATIONS)
"""``linear`` and the lecture's six: relu, leaky_relu (max(0.1x, x)), sigmoid, tanh, elu, softplus."""
LOSSES = {"classification": ("bce_with_logits", "mse", "hinge"), "regression": ("mse",)}
"""The losses of each problem (for classification the labels are 0/1; ``hinge`` reads them as -1/+1)."""
OPTIMIZERS = ("sgd", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
"""``sgd`` is the lecture's momentum (z = βz + ∇f(w), w = w − αz, β = ``momentum``, plain SGD
without it); ``nesterov`` the same with Nesterov's look-ahead (β 0.9 unless given)."""

SPIRAL_TURNS = 1.75
"""TensorFlow Playground's spiral: t = 1.75 · i/n · 2π."""
MAX_LAYERS = 6
MAX_NEURONS = 8


@dataclasses.dataclass(frozen=True)
class Setting:
    """One setting of a playground: its default and what it accepts, which the constructor
    checks and the widget's controls offer (so a control can show every accepted value)."""

    name: str
    default: Any
    kind: str
    """``"choice"``, ``"int"``, ``"float"``, ``"flag"``, ``"features"``, ``"layers"`` or ``"names"``."""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    optional: bool = False
    """``None`` is accepted too (no momentum given, no early stopping)."""
    none_means: str = ""

    @property
    def accepted(self) -> str:
        """What the setting accepts, in words (for messages)."""
        return self.accepted_in()["en"]

    def accepted_in(self) -> dict[str, str]:
        """What the setting accepts, in words, in every language."""
        if self.low is not None and self.high is not None:
            interval = f"{'(' if self.low_open else '['}{self.low:g}, {self.high:g}{')' if self.high_open else ']'}"
            texts = _in_every_language("between", interval=interval)
        elif self.low is not None:
            texts = _in_every_language("above" if self.low_open else "at least", low=f"{self.low:g}")
        else:
            texts = _in_every_language("any number")
        if self.optional:
            texts = _in_every_language("or none", accepted=texts, means=_in_every_language(self.none_means))
        return texts

    def check(self, value: Any, choices: Sequence[str] = ()) -> Any:
        """``value`` checked and normalised (lists become tuples, ints of float settings floats)."""
        what = f"Playground({self.name})"
        if value is None and self.optional:
            return None
        if self.kind == "choice":
            if not isinstance(value, str) or value not in choices:
                raise refused(ValueError, "choice", what=what, choices=", ".join(map(repr, choices)), value=repr(value))
            return value
        if self.kind == "flag":
            if not isinstance(value, bool):
                raise refused(TypeError, "bool", what=what, kind=type(value).__name__, value=repr(value))
            return value
        if self.kind in ("int", "float"):
            return self.number(what, value)
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise refused(TypeError, "list", what=what, kind=type(value).__name__, value=repr(value),
                          example=_in_every_language(f"{self.kind} example"))
        if self.kind == "layers":
            if len(value) > MAX_LAYERS:
                raise refused(ValueError, "layers", what=what, most=MAX_LAYERS, count=len(value), value=repr(list(value)))
            size = Setting(f"{self.name}", 1, "int", 1, MAX_NEURONS)
            return tuple(size.number(f"Playground({self.name}[{i}])", n) for i, n in enumerate(value))
        names = [_feature_name(what, v) if self.kind == "features" else v for v in value]
        for name in names:
            if not isinstance(name, str) or name not in choices:
                raise refused(ValueError, "choice", what=what, choices=", ".join(map(repr, choices)), value=repr(name))
        if len(set(names)) != len(names) or (self.kind == "features" and not names):
            raise refused(ValueError, "features once" if self.kind == "features" else "names once", what=what,
                          value=repr(list(value)))
        return tuple(name for name in choices if name in names)  # the drawing's order

    def number(self, what: str, value: Any) -> Any:
        integer = self.kind == "int"
        if isinstance(value, bool) or not isinstance(value, numbers.Integral if integer else numbers.Real):
            raise refused(TypeError, "int" if integer else "number", what=what, kind=type(value).__name__,
                          value=repr(value))
        converted = int(value) if integer else float(value)
        if not integer and not math.isfinite(converted):
            raise refused(ValueError, "finite", what=what, value=repr(value))
        low, high = self.low, self.high
        if ((low is not None and (converted < low or (self.low_open and converted == low)))
                or (high is not None and (converted > high or (self.high_open and converted == high)))):
            raise refused(ValueError, "range", what=what, accepted=self.accepted_in(), value=repr(value))
        return converted


def _feature_name(what: str, text: Any) -> Any:
    """A feature's name with its spaces removed. ``^`` is refused with the spelling to use, as
    valuegraph's command refuses it: Python reads ``^`` as exclusive or, not as a power."""
    if not isinstance(text, str):
        return text
    name = "".join(text.split())
    if "^" in name:
        raise refused(ValueError, "power", what=what, fixed=repr(name.replace("^", "**")), value=repr(text))
    return name


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("problem", "classification", "choice"),
    Setting("dataset", "circle", "choice"),
    Setting("n", 500, "int", 10, 5000),
    Setting("noise", 0.0, "float", 0, 1),
    Setting("train_ratio", 0.5, "float", 0.1, 0.9),
    Setting("seed", 0, "int", 0, 2**32 - 1),
    Setting("features", ("x1", "x2"), "features"),
    Setting("hidden", (4, 2), "layers"),
    Setting("activation", "tanh", "choice"),
    Setting("init", "xavier", "choice"),
    Setting("loss", "bce_with_logits", "choice"),
    Setting("optimizer", "sgd", "choice"),
    Setting("lr", 0.03, "float", 0, 10, low_open=True),
    Setting("momentum", None, "float", 0, 1, high_open=True, optional=True, none_means="plain SGD"),
    Setting("l1", 0.0, "float", 0, 10),
    Setting("l2", 0.0, "float", 0, 10),
    Setting("dropout", 0.0, "float", 0, 1, high_open=True),
    Setting("batch_norm", False, "flag"),
    Setting("batch_size", 10, "int", 1, 5000),
    Setting("patience", None, "int", 1, optional=True, none_means="no early stopping"),
    Setting("show_test", False, "flag"),
    Setting("discretize", False, "flag"),
    Setting("hide", (), "names"),
)}
"""Every setting, in the order the settings text lists them."""

DEFAULTS: dict[str, Any] = {name: s.default for name, s in SETTINGS.items()}
"""Every setting and its default (TensorFlow Playground's where it has one)."""

TRAINING_SETTINGS = ("optimizer", "lr", "momentum", "l1", "l2", "batch_size", "patience")
"""Settings the running network takes as it is: changing one keeps the weights and the epoch, and
training goes on. Changing any other setting but :data:`VIEW_SETTINGS` (the data, the features,
the network, the loss) starts again at epoch 0."""
VIEW_SETTINGS = ("show_test", "discretize", "hide")
"""Settings of the picture and the widget only."""

PROBLEM_DEFAULTS = {"classification": {"dataset": "circle", "loss": "bce_with_logits"},
                    "regression": {"dataset": "plane", "loss": "mse"}}

def _choices(name: str, s: Mapping[str, Any]) -> Sequence[str]:
    return {"problem": PROBLEMS, "dataset": DATASETS.get(s.get("problem"), ()), "features": tuple(FEATURES),
            "activation": ACTIVATIONS, "init": tuple(nn.init.INITS), "loss": LOSSES.get(s.get("problem"), ()),
            "optimizer": OPTIMIZERS, "hide": tuple(n for n in SETTINGS if n != "hide")}.get(name, ())


def _training_points(n: int, train_ratio: float) -> int:
    return len(nn.train_test_split(list(range(n)), [0] * n, test_size=1.0 - train_ratio)[0])


def check_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting checked and normalised; the one place they are checked. Settings that
    could never train together are refused here, before anything is built."""
    unknown = [key for key in settings if key not in SETTINGS]
    if unknown:
        raise refused(TypeError, "unknowns" if len(unknown) > 1 else "unknown", names=", ".join(map(repr, unknown)),
                      settings=", ".join(SETTINGS))
    s = {**DEFAULTS, **settings}
    s["problem"] = SETTINGS["problem"].check(s["problem"], PROBLEMS)
    for key in ("dataset", "loss"):  # the problem's own when not given
        if key not in settings:
            s[key] = PROBLEM_DEFAULTS[s["problem"]][key]
    for name, setting in SETTINGS.items():
        s[name] = setting.check(s[name], _choices(name, s))
    if s["momentum"] is not None:
        if s["optimizer"] not in ("sgd", "nesterov"):
            raise refused(ValueError, "momentum optimizer", optimizer=repr(s["optimizer"]))
        if s["optimizer"] == "nesterov" and s["momentum"] == 0:
            raise refused(ValueError, "nesterov momentum")
    if s["batch_norm"]:
        if s["batch_size"] < 2:
            raise refused(ValueError, "batch norm batch", size=s["batch_size"])
        points = _training_points(s["n"], s["train_ratio"])
        if points < 2:
            raise refused(ValueError, "batch norm points", n=s["n"], ratio=f"{s['train_ratio']:g}", points=points)
    return s


def _dependent_changes(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a change takes with it when they are not given: a new problem its dataset and
    loss, an optimizer without momentum no momentum."""
    follow: dict[str, Any] = {}
    problem = changes.get("problem", current["problem"])
    if problem != current["problem"]:
        follow.update({k: v for k, v in PROBLEM_DEFAULTS[problem].items() if k not in changes})
    if changes.get("optimizer", current["optimizer"]) not in ("sgd", "nesterov") and "momentum" not in changes:
        follow["momentum"] = None
    return follow


def feature_row(point: Sequence[float], features: Sequence[str]) -> list[float]:
    """The network's inputs for one point (x1, x2): the chosen features, in order."""
    a, b = point
    return [FEATURES[name](a, b) for name in features]


def parse_settings(text: str) -> dict[str, Any]:
    """The settings of a settings text (``"dataset=xor&hidden=4,2&lr=0.1"``; see
    :meth:`Playground.settings_text`), not yet checked. ``ValueError`` names a part it cannot read."""
    if not isinstance(text, str):
        raise refused(TypeError, "text type", kind=type(text).__name__)
    settings: dict[str, Any] = {}
    for part in text.strip().lstrip("#?").split("&"):
        part = part.strip()
        if not part:
            continue
        key, equals, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not equals or key not in SETTINGS:
            raise refused(ValueError, "cannot read", part=repr(part), settings=", ".join(SETTINGS))
        if key in settings:
            raise refused(ValueError, "twice", name=key)
        settings[key] = _read_value(SETTINGS[key], value, part)
    return settings


def _read_value(setting: Setting, text: str, part: str) -> Any:
    if setting.optional and text.lower() == "none":
        return None
    if setting.kind in ("features", "layers", "names"):
        items = [item.strip() for item in text.split(",") if item.strip()]
        return [_read_value(Setting(setting.name, 1, "int"), item, part) for item in items] if setting.kind == "layers" else items
    if setting.kind == "flag":
        if text.lower() not in ("true", "false"):
            raise refused(ValueError, "true or false", part=repr(part), name=setting.name)
        return text.lower() == "true"
    if setting.kind in ("int", "float"):
        try:
            return int(text) if setting.kind == "int" else float(text)
        except ValueError:
            raise refused(ValueError, "text int" if setting.kind == "int" else "text number", part=repr(part),
                          name=setting.name) from None
    return text


def _write_value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return repr(value) if isinstance(value, float) else str(value)


def settings_text(settings: Mapping[str, Any]) -> str:
    """Every setting as one line of ``setting=value`` joined by ``&``: :func:`parse_settings` reads it back."""
    return "&".join(f"{name}={_write_value(value)}" for name, value in settings.items())

