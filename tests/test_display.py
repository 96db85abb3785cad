"""LossCurveDisplay: scikit-learn's Display pattern over the recorded curves."""

import re
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor, LossCurveDisplay

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def plt():
    """pyplot on the non-interactive Agg backend; every figure closed after."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.fixture
def digits():
    X, y = load_digits(n_class=3, return_X_y=True)
    X = X / 16
    return X[:250], y[:250], X[250:400], y[250:400]


@pytest.fixture
def regression():
    X, y = make_regression(n_samples=120, n_features=4, noise=2.0, random_state=0)
    return (X - X.mean(0)) / X.std(0), (y - y.mean()) / y.std()


def _clf(**params):
    defaults = {
        "hidden_layer_sizes": (6,),
        "max_iter": 8,
        "learning_rate_init": 0.01,
        "random_state": 0,
    }
    return BackpropClassifier(**{**defaults, **params})


def _reg(**params):
    defaults = {
        "hidden_layer_sizes": (6,),
        "max_iter": 8,
        "learning_rate_init": 0.01,
        "random_state": 0,
    }
    return BackpropRegressor(**{**defaults, **params})


def _xy(line):
    return line.get_xdata(), line.get_ydata()


def _assert_line(line, values):
    x, y = _xy(line)
    assert_array_equal(x, np.arange(1, len(values) + 1))
    assert_array_equal(y, values)


def _legend(display):
    return (display.ax_score_ or display.ax_).get_legend()


def _vertical_lines(ax):
    """x positions of the vertical lines (axvline) on ``ax``."""
    found = []
    for line in ax.lines:
        x = np.asarray(line.get_xdata(), dtype=float)
        if x.size == 2 and x[0] == x[1]:
            found.append(x[0])
    return found


# ----------------------------------------------------------------------
# from_estimator


def test_from_estimator_with_a_validation_set(plt, digits):
    X, y, Xv, yv = digits
    clf = _clf(early_stopping=True, n_iter_no_change=2, max_iter=60)
    clf.fit(X, y, X_val=Xv, y_val=yv)
    display = LossCurveDisplay.from_estimator(clf)

    assert isinstance(display, LossCurveDisplay)
    assert set(display.lines_) == {"loss", "validation_loss", "validation_score"}
    _assert_line(display.lines_["loss"], clf.loss_curve_)
    _assert_line(display.lines_["validation_loss"], clf.validation_loss_curve_)
    _assert_line(display.lines_["validation_score"], clf.validation_scores_)

    assert display.line_ is display.lines_["loss"]
    name = "BackpropClassifier: "
    assert display.lines_["loss"].get_label() == name + "training loss"
    assert display.lines_["validation_loss"].get_label() == name + "validation loss"
    assert (
        display.lines_["validation_score"].get_label() == name + "validation accuracy"
    )
    # the score has its own y axis, twinned with the loss axes
    assert display.ax_score_ is not None and display.ax_score_ is not display.ax_
    assert display.lines_["validation_score"].axes is display.ax_score_
    assert display.lines_["loss"].axes is display.ax_
    assert display.ax_.get_shared_x_axes().joined(display.ax_, display.ax_score_)
    assert display.ax_score_.get_ylabel() == "validation accuracy"

    assert display.figure_ is display.ax_.figure
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_ylabel() == "loss"
    legend = [text.get_text() for text in _legend(display).get_texts()]
    assert legend == [
        name + "training loss",
        name + "validation loss",
        name + "validation accuracy",
    ]
    # the best epoch is marked
    assert _vertical_lines(display.ax_) == [clf.best_iteration_]


def test_from_estimator_with_training_loss_only(plt, digits):
    X, y, _, _ = digits
    clf = _clf().fit(X, y)
    display = LossCurveDisplay.from_estimator(clf)
    assert list(display.lines_) == ["loss"]
    _assert_line(display.lines_["loss"], clf.loss_curve_)
    assert display.ax_score_ is None
    assert display.figure_.axes == [display.ax_]
    assert _vertical_lines(display.ax_) == []


def test_from_estimator_uses_the_given_axes_and_name(plt, digits):
    X, y, Xv, yv = digits
    clf = _clf().fit(X, y, X_val=Xv, y_val=yv)
    fig, (left, right) = plt.subplots(1, 2)
    display = LossCurveDisplay.from_estimator(clf, ax=right, name="my network")
    assert display.ax_ is right
    assert display.figure_ is fig
    assert display.line_.get_label() == "my network: training loss"
    assert len(left.lines) == 0
    assert display.lines_["loss"] in right.lines
    assert len(fig.axes) == 3  # left, right and right's twin for the score


def test_lbfgs_curves_are_per_iteration(plt, digits):
    X, y, Xv, yv = digits
    clf = _clf(solver="lbfgs", max_iter=6).fit(X, y, X_val=Xv, y_val=yv)
    display = LossCurveDisplay.from_estimator(clf)
    assert display.ax_.get_xlabel() == "iteration"
    assert len(display.lines_["loss"].get_xdata()) == clf.n_iter_
    _assert_line(display.lines_["validation_score"], clf.validation_scores_)


def test_regressor_curves(plt, regression):
    X, y = regression
    reg = _reg(early_stopping=True, n_iter_no_change=2, max_iter=40).fit(X, y)
    display = LossCurveDisplay.from_estimator(reg)
    _assert_line(display.lines_["loss"], reg.loss_curve_)
    _assert_line(display.lines_["validation_loss"], reg.validation_loss_curve_)
    _assert_line(display.lines_["validation_score"], reg.validation_scores_)
    assert display.lines_["validation_score"].get_label() == (
        "BackpropRegressor: validation r2"
    )


def _neg_mae(estimator, X, y):
    return -float(np.mean(np.abs(estimator.predict(X) - y)))


@pytest.mark.parametrize(
    "scoring, label",
    [
        ("loss", "validation neg_loss"),
        ("neg_mean_squared_error", "validation neg_mean_squared_error"),
        (_neg_mae, "validation _neg_mae"),
    ],
)
def test_score_axis_names_the_scoring(plt, regression, scoring, label):
    X, y = regression
    reg = _reg(early_stopping=True, scoring=scoring, max_iter=4).fit(X, y)
    display = LossCurveDisplay.from_estimator(reg)
    assert display.lines_["validation_score"].get_label().endswith(label)
    assert display.ax_score_.get_ylabel() == label


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_unfitted_estimator_raises(plt, Estimator):
    with pytest.raises(NotFittedError, match=Estimator.__name__):
        LossCurveDisplay.from_estimator(Estimator())
    assert plt.get_fignums() == []  # nothing drawn


# ----------------------------------------------------------------------
# matplotlib is optional


def test_missing_matplotlib_names_the_extra(monkeypatch, digits):
    X, y, _, _ = digits
    clf = _clf(max_iter=2).fit(X, y)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    extra = re.escape("skbackprop[plot]")
    with pytest.raises(ImportError, match=extra):
        LossCurveDisplay.from_estimator(clf)
    with pytest.raises(ImportError, match=extra):
        LossCurveDisplay(loss_curve=[1.0, 0.5]).plot()


# ----------------------------------------------------------------------
# the constructor takes saved curves


def test_display_from_saved_curves(plt):
    display = LossCurveDisplay(
        loss_curve=[3.0, 2.0, 1.5, 1.2],
        validation_loss_curve=[3.2, 2.4, 2.1, 2.3],
        validation_scores=[0.4, 0.6, 0.7, 0.65],
        best_iteration=3,
        score_name="balanced accuracy",
        xlabel="epoch",
        estimator_name="saved run",
    )
    assert display.plot() is display
    _assert_line(display.lines_["loss"], [3.0, 2.0, 1.5, 1.2])
    _assert_line(display.lines_["validation_loss"], [3.2, 2.4, 2.1, 2.3])
    _assert_line(display.lines_["validation_score"], [0.4, 0.6, 0.7, 0.65])
    assert display.ax_score_.get_ylabel() == "validation balanced accuracy"
    assert display.line_.get_label() == "saved run: training loss"
    assert _vertical_lines(display.ax_) == [3]

    _, ax = plt.subplots()
    display.plot(ax=ax, name="again")
    assert display.ax_ is ax
    assert display.line_.get_label() == "again: training loss"


def test_display_with_loss_only_and_defaults(plt):
    display = LossCurveDisplay(loss_curve=[1.0, 0.8, 0.7]).plot()
    assert list(display.lines_) == ["loss"]
    _assert_line(display.lines_["loss"], [1.0, 0.8, 0.7])
    assert display.ax_score_ is None
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_title() == ""
    assert _vertical_lines(display.ax_) == []


def test_display_with_validation_loss_but_no_scores(plt):
    display = LossCurveDisplay(
        loss_curve=[1.0, 0.8], validation_loss_curve=[1.1, 0.9], xlabel="iteration"
    ).plot()
    assert set(display.lines_) == {"loss", "validation_loss"}
    assert display.ax_score_ is None
    assert display.ax_.get_xlabel() == "iteration"


# ----------------------------------------------------------------------
# any fitted object that holds a network


def test_from_estimator_on_a_fitted_pipeline(plt, digits):
    X, y, _, _ = digits
    pipe = make_pipeline(StandardScaler(), _clf()).fit(X, y)
    display = LossCurveDisplay.from_estimator(pipe)
    _assert_line(display.line_, pipe[-1].loss_curve_)
    assert display.line_.get_label() == "BackpropClassifier: training loss"


@pytest.mark.parametrize("Search", [GridSearchCV, RandomizedSearchCV])
def test_from_estimator_on_a_fitted_search(plt, digits, Search):
    X, y, _, _ = digits
    grid = {"backpropclassifier__alpha": [1e-4, 1.0]}
    pipe = make_pipeline(StandardScaler(), _clf(early_stopping=True))
    search = (
        Search(pipe, grid, cv=2)
        if Search is GridSearchCV
        else Search(pipe, grid, n_iter=2, cv=2, random_state=0)
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(search)
    network = search.best_estimator_[-1]
    _assert_line(display.line_, network.loss_curve_)
    _assert_line(display.lines_["validation_score"], network.validation_scores_)
    with pytest.raises(ValueError, match="refit=False"):
        LossCurveDisplay.from_estimator(
            GridSearchCV(pipe, grid, cv=2, refit=False).fit(X, y)
        )


@pytest.mark.parametrize("early_stopping", [False, True])
def test_from_estimator_on_scikit_learns_mlp(plt, digits, early_stopping):
    X, y, _, _ = digits
    mlp = MLPClassifier(
        hidden_layer_sizes=(6,),
        max_iter=20,
        early_stopping=early_stopping,
        random_state=0,
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(mlp)
    _assert_line(display.line_, mlp.loss_curve_)
    assert display.line_.get_label() == "MLPClassifier: training loss"
    if early_stopping:
        _assert_line(display.lines_["validation_score"], mlp.validation_scores_)
        best = int(np.argmax(mlp.validation_scores_)) + 1
        assert _vertical_lines(display.ax_) == [best]
    else:
        assert display.ax_score_ is None
    reg = MLPRegressor(hidden_layer_sizes=(6,), max_iter=5, random_state=0)
    display = LossCurveDisplay.from_estimator(reg.fit(X, y.astype(float)))
    _assert_line(display.line_, reg.loss_curve_)


@pytest.mark.parametrize(
    "unfitted",
    [
        BackpropClassifier(),
        make_pipeline(StandardScaler(), BackpropClassifier()),
        GridSearchCV(BackpropClassifier(), {"alpha": [1e-4]}),
        MLPClassifier(),
    ],
    ids=["estimator", "pipeline", "search", "mlp"],
)
def test_unfitted_objects_raise_not_fitted(plt, unfitted):
    with pytest.raises(NotFittedError, match=f"This {type(unfitted).__name__}"):
        LossCurveDisplay.from_estimator(unfitted)
    assert plt.get_fignums() == []


def test_several_runs_on_one_axes_are_told_apart(plt, digits):
    X, y, Xv, yv = digits
    _, ax = plt.subplots()
    displays = [
        LossCurveDisplay.from_estimator(
            _clf(solver=solver).fit(X, y, X_val=Xv, y_val=yv), ax=ax, name=solver
        )
        for solver in ("sgd", "adam", "lbfgs")
    ]
    assert ax.get_legend() is None  # one legend, on the twin axes on top
    legend = [text.get_text() for text in _legend(displays[-1]).get_texts()]
    for solver in ("sgd", "adam", "lbfgs"):
        for what in ("training loss", "validation loss", "validation accuracy"):
            assert f"{solver}: {what}" in legend
    assert len(legend) == len(set(legend)) == 9
    # one twin axis for every run's score; one color per run
    assert len({d.ax_score_ for d in displays}) == 1
    assert len(ax.figure.axes) == 2
    colors = [d.line_.get_color() for d in displays]
    assert len(set(colors)) == 3
    for d in displays:
        assert {line.get_color() for line in d.lines_.values()} == {d.line_.get_color()}


def test_from_history(plt, digits):
    X, y, Xv, yv = digits
    clf = _clf(solver="sgd", max_iter=3).fit(X, y)
    clf.partial_fit(X, y)  # an epoch without validation ...
    clf.partial_fit(X, y, X_val=Xv, y_val=yv)  # ... then one with
    display = LossCurveDisplay.from_history(clf.history_, name="stream")
    _assert_line(display.line_, clf.loss_curve_)
    x, scores = _xy(display.lines_["validation_score"])
    assert list(x) == [5] and list(scores) == clf.validation_scores_
    assert display.line_.get_label() == "stream: training loss"
    # a DataFrame of it too, as saved with to_csv and read back
    import pandas as pd

    frame = pd.DataFrame(clf.history_)
    display = LossCurveDisplay.from_history(frame, score_name="accuracy")
    x, scores = _xy(display.lines_["validation_score"])
    assert list(x) == [5] and list(scores) == clf.validation_scores_
    # and from_estimator places the validated epochs the same way
    display = LossCurveDisplay.from_estimator(clf)
    assert list(_xy(display.lines_["validation_score"])[0]) == [5]
