"""Training that goes wrong says so, at the caller's line.

Promises (docs/robustness.md):

- finite minibatch objectives give a finite epoch loss: constant sample
  weights near the float64 maximum train as unweighted, and regression
  targets around 1e154 on small batches give finite losses or a clear error;
- a loss that becomes inf or NaN raises ValueError ("diverged") and leaves
  the model as it was, also in the middle of a long stream of partial_fit
  calls;
- a loss that rises while staying finite warns that the optimization
  diverged, by the rule of ``_solvers.diverged``; an ordinary fit does not;
- L-BFGS that cannot take a single step says the model is untrained;
- warnings point at the caller's line and are filed under the module name
  ``skbackprop``.
"""

import copy
import inspect
import warnings

import numpy as np
import pytest
from _helpers import assert_identical
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._solvers import diverged

SOLVERS = ("sgd", "adam", "lbfgs")


@pytest.fixture
def classification():
    X, y = make_classification(n_samples=200, n_features=8, random_state=0)
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def unscaled_regression():
    """Targets with a standard deviation of about 150: too large for a big step."""
    X, y = make_regression(n_samples=200, n_features=5, noise=1.0, random_state=0)
    return X, y


def _divergence_warnings(record):
    return [w for w in record if "diverged" in str(w.message)]


# ----------------------------------------------------------------------
# Overflow only in the sum


@pytest.mark.parametrize("solver", SOLVERS)
def test_constant_huge_sample_weight_trains_as_unweighted(solver):
    # every minibatch objective is finite (about log 4); a running sum of
    # loss * share, with a share of 1.6e308 for the whole batch, is not
    X, y = make_classification(
        n_samples=200, n_features=8, n_informative=4, n_classes=4, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    params = dict(solver=solver, alpha=0.0, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = BackpropClassifier(**params).fit(
            X, y, sample_weight=np.full(len(y), 8e305)
        )
        plain = BackpropClassifier(**params).fit(X, y)
    assert np.isfinite(weighted.loss_curve_).all()
    assert_allclose(weighted.loss_curve_, plain.loss_curve_, rtol=1e-10)
    assert_allclose(weighted._theta, plain._theta, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("solver", ("sgd", "adam"))
@pytest.mark.parametrize("batch_size", (1, 4))
def test_targets_near_1e154_give_finite_losses_or_a_clear_error(solver, batch_size):
    # half the squared error of 1e154 is 5e307: finite for every batch, inf
    # when several are added up
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    y = rng.uniform(0.5, 1.0, 40) * 1e154
    reg = BackpropRegressor(
        solver=solver, batch_size=batch_size, max_iter=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            reg.fit(X, y)
        except ValueError as exc:
            assert "diverged" in str(exc)
            assert not hasattr(reg, "n_iter_")
            return
    assert len(reg.loss_curve_) == 5
    assert np.isfinite(reg.loss_curve_).all()


def test_lbfgs_that_cannot_take_a_step_says_the_model_is_untrained():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    y = rng.standard_normal(40) * 1e153
    with pytest.warns(ConvergenceWarning, match="could not take a single step"):
        reg = BackpropRegressor(solver="lbfgs", random_state=0).fit(X, y)
    assert reg.n_iter_ == 0


# ----------------------------------------------------------------------
# A loss that explodes but stays finite


@pytest.mark.parametrize(
    ("losses", "expected"),
    [
        ([1.0], False),  # one epoch: nothing to compare
        ([1.0, 0.5, 0.4], False),  # converging
        ([1.0, 0.5, 0.6, 0.55], False),  # noisy, but improved on the first
        ([1.0, 1.00005], False),  # above the first by less than tol
        ([1.0, 1.2, 1.1, 1.3], True),  # never improved on the first
        ([1.0, 0.2, 5.0, 20.0], True),  # ends more than 10 times the first
        ([1.0, 0.2, 5.0, 9.0], False),  # far up, but not 10 times the first
        ([8e3, 2e4, 1e50, 1e107], True),
        ([1e-9, 5e-9, 2e-9], False),  # tiny values: within tol
    ],
)
def test_divergence_rule(losses, expected):
    assert diverged(losses, tol=1e-4) is expected


def test_regression_loss_exploding_under_sgd_warns(unscaled_regression):
    X, y = unscaled_regression
    reg = BackpropRegressor(
        solver="sgd", learning_rate_init=0.1, max_iter=50, random_state=0
    )
    with pytest.warns(ConvergenceWarning) as record:
        reg.fit(X, y)
    (warning,) = _divergence_warnings(record)
    message = str(warning.message)
    assert "The optimization diverged: the training loss rose from" in message
    assert "learning_rate_init" in message and "scale the targets" in message
    # the warning replaces "Maximum iterations reached", it does not add to it
    assert not [w for w in record if "Maximum iterations" in str(w.message)]
    assert reg.loss_curve_[-1] > reg.loss_curve_[0]


@pytest.mark.parametrize("solver", ("sgd", "adam"))
def test_classifier_whose_loss_only_rises_is_not_converged(classification, solver):
    # training stops on the plateau rule after epochs that never beat the
    # first: scikit-learn's MLP calls this converged, silently
    X, y = classification
    clf = BackpropClassifier(
        solver=solver, learning_rate_init=100.0, max_iter=200, random_state=0
    )
    with pytest.warns(ConvergenceWarning) as record:
        clf.fit(X, y)
    assert _divergence_warnings(record)
    assert clf.n_iter_ < 200
    assert min(clf.loss_curve_) == clf.loss_curve_[0] < clf.loss_curve_[-1]


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("early_stopping", (False, True))
def test_ordinary_fits_do_not_warn_of_divergence(
    classification, unscaled_regression, solver, early_stopping
):
    X, y = classification
    Xr, yr = unscaled_regression
    fits = [
        (BackpropClassifier, X, y),
        (BackpropRegressor, StandardScaler().fit_transform(Xr), yr / yr.std()),
    ]
    for Estimator, X_, y_ in fits:
        est = Estimator(solver=solver, early_stopping=early_stopping, random_state=0)
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            est.fit(X_, y_)
        assert _divergence_warnings(record) == []


# ----------------------------------------------------------------------
# A long stream and one bad batch


def test_a_stream_survives_a_batch_whose_loss_overflows():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6000, 4))
    y = X @ [1.0, -0.5, 0.25, 2.0]
    batches = [slice(k, k + 20) for k in range(0, 6000, 20)]
    stream = BackpropRegressor(hidden_layer_sizes=(8,), solver="sgd", random_state=0)
    for rows in batches[:-1]:  # 299 good batches
        stream.partial_fit(X[rows], y[rows])
    saved = copy.deepcopy(stream)
    bad = batches[-1]
    for targets in (y[bad] * 1e200, np.where(np.arange(20) == 3, np.inf, y[bad])):
        with pytest.raises(ValueError, match=r"diverged|infinity"):
            stream.partial_fit(X[bad], targets)
    assert_identical(vars(stream), vars(saved))
    stream.partial_fit(X[bad], y[bad])  # and the stream goes on
    assert stream.t_ == 6000


# ----------------------------------------------------------------------
# Where warnings point


def test_warnings_point_at_the_callers_line(classification):
    X, y = classification
    clf = BackpropClassifier(solver="sgd", max_iter=1, batch_size=500)
    with pytest.warns(UserWarning) as record:
        clf.fit(X, y)
        line = inspect.currentframe().f_lineno - 1
    assert {w.category for w in record} >= {UserWarning, ConvergenceWarning}
    for w in record:  # the batch_size warning and the convergence warning
        assert (w.filename, w.lineno) == (__file__, line)
    clf.set_params(batch_size="auto")
    with pytest.warns(ConvergenceWarning) as record:
        clf.partial_fit(X, y)  # (one epoch: no warning) ...
        clf.set_params(warm_start=True).fit(X, y)
        line = inspect.currentframe().f_lineno - 1
    assert [(w.filename, w.lineno) for w in record] == [(__file__, line)]


def test_module_filter_silences_our_warnings(classification):
    X, y = classification
    pipeline = make_pipeline(StandardScaler(), BackpropClassifier(max_iter=1))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=ConvergenceWarning, module="sklearn")
        pipeline.fit(X, y)  # scikit-learn's gallery filter does not match ours
    assert [w.category for w in record] == [ConvergenceWarning]
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        warnings.filterwarnings(
            "ignore", category=ConvergenceWarning, module="skbackprop"
        )
        pipeline.fit(X, y)
        BackpropClassifier(max_iter=1).fit(X, y)
    assert record == []
