"""LossCurveDisplay: scikit-learn's Display pattern over the recorded curves."""

import re
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits, make_regression
from sklearn.exceptions import NotFittedError

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

    assert display.lines_["loss"].get_label() == "training loss"
    assert display.lines_["validation_loss"].get_label() == "validation loss"
    assert display.lines_["validation_score"].get_label() == "validation accuracy"
    # the score has its own y axis, twinned with the loss axes
    assert display.ax_score_ is not None and display.ax_score_ is not display.ax_
    assert display.lines_["validation_score"].axes is display.ax_score_
    assert display.lines_["loss"].axes is display.ax_
    assert display.ax_.get_shared_x_axes().joined(display.ax_, display.ax_score_)
    assert display.ax_score_.get_ylabel() == "validation accuracy"

    assert display.figure_ is display.ax_.figure
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_ylabel() == "loss"
    assert display.ax_.get_title() == "BackpropClassifier"
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend == ["training loss", "validation loss", "validation accuracy"]
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
    assert display.ax_.get_title() == "my network"
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
    assert display.lines_["validation_score"].get_label() == "validation R²"
    assert display.ax_.get_title() == "BackpropRegressor"


def _neg_mae(estimator, X, y):
    return -float(np.mean(np.abs(estimator.predict(X) - y)))


@pytest.mark.parametrize(
    "scoring, label",
    [
        ("loss", "validation negative loss"),
        ("neg_mean_squared_error", "validation neg_mean_squared_error"),
        (_neg_mae, "validation score"),
    ],
)
def test_score_axis_names_the_scoring(plt, regression, scoring, label):
    X, y = regression
    reg = _reg(early_stopping=True, scoring=scoring, max_iter=4).fit(X, y)
    display = LossCurveDisplay.from_estimator(reg)
    assert display.lines_["validation_score"].get_label() == label
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
    assert display.ax_.get_title() == "saved run"
    assert _vertical_lines(display.ax_) == [3]

    _, ax = plt.subplots()
    display.plot(ax=ax, name="again")
    assert display.ax_ is ax
    assert ax.get_title() == "again"


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
