"""Watching training: validation sets, scoring, curves, verbose lines, callbacks.

Covers ``fit(X_val=..., y_val=..., sample_weight_val=...)``, the ``scoring``
parameter, ``validation_loss_curve_`` / ``validation_scores_`` /
``best_iteration_``, early stopping on a validation set, the ``verbose``
progress lines of every solver, and scikit-learn's callback protocol
(``sklearn.callback``, scikit-learn >= 1.9; those tests are skipped on older
releases, where ``set_callbacks`` must explain what is missing).
"""

import importlib.util
import inspect
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from _helpers import assert_identical
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import xlogy
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

HAS_CALLBACKS = importlib.util.find_spec("sklearn.callback") is not None
needs_callbacks = pytest.mark.skipif(
    not HAS_CALLBACKS, reason="sklearn.callback needs scikit-learn >= 1.9"
)
ESTIMATORS = [BackpropClassifier, BackpropRegressor]


# ----------------------------------------------------------------------
# data and helpers


def _split(X, y, n_val):
    """Shuffle the rows (seeded) and hold out the last ``n_val`` of them."""
    rows = np.random.default_rng(0).permutation(X.shape[0])
    X, y = X[rows], y[rows]
    return X[:-n_val], y[:-n_val], X[-n_val:], y[-n_val:]


@pytest.fixture
def digits():
    """Four digit classes scaled to [0, 1]: 300 training and 150 validation rows."""
    X, y = load_digits(n_class=4, return_X_y=True)
    X = X / 16
    return X[:300], y[:300], X[300:450], y[300:450]


@pytest.fixture
def raw_digits():
    """The same rows unscaled (pixel values 0..16), for the pipeline tests."""
    X, y = load_digits(n_class=4, return_X_y=True)
    X = X.astype(float)
    return X[:300], y[:300], X[300:450], y[300:450]


@pytest.fixture
def regression_split(multioutput_regression_data):
    X, Y = multioutput_regression_data
    return _split(X, Y, 40)


@pytest.fixture
def val_weights():
    return np.random.default_rng(1).uniform(0.2, 3.0, size=150)


def _clf(**params):
    """A small, seeded classifier that learns the digits in a few epochs."""
    defaults = {
        "hidden_layer_sizes": (8,),
        "max_iter": 6,
        "learning_rate_init": 0.01,
        "random_state": 0,
    }
    return BackpropClassifier(**{**defaults, **params})


def _reg(**params):
    defaults = {
        "hidden_layer_sizes": (6,),
        "max_iter": 6,
        "learning_rate_init": 0.01,
        "random_state": 0,
    }
    return BackpropRegressor(**{**defaults, **params})


def _penalty(est, total_weight):
    """The L2 term of the objective: alpha / (2 S) * sum of squared weights."""
    squares = sum(float(np.sum(W**2)) for W in est.coefs_)
    return est.alpha / (2 * total_weight) * squares


def _weighted_mean(per_sample, sample_weight):
    if sample_weight is None:
        return float(np.mean(per_sample))
    return float(np.sum(sample_weight * per_sample) / np.sum(sample_weight))


def _classifier_objective(clf, X, y, sample_weight=None):
    """The documented validation objective, from predict_proba alone."""
    P = clf.predict_proba(X)
    if clf.loss == "squared_error":  # binary: one logistic unit, a = P[:, 1]
        per_sample = 0.5 * (P[:, 1] - y) ** 2
    elif y.ndim == 2:  # multilabel: one logistic unit per label
        per_sample = -(xlogy(y, P) + xlogy(1 - y, 1 - P)).sum(axis=1)
    else:  # binary or softmax: -log p(true class)
        per_sample = -np.log(P[np.arange(len(y)), np.searchsorted(clf.classes_, y)])
    total = len(y) if sample_weight is None else float(np.sum(sample_weight))
    return _weighted_mean(per_sample, sample_weight) + _penalty(clf, total)


def _regressor_objective(reg, X, Y, sample_weight=None):
    A = reg.predict(X).reshape(Y.shape[0], -1)
    Y = Y.reshape(Y.shape[0], -1)
    if reg.loss == "poisson":
        per_sample = (xlogy(Y, Y / A) - Y + A).sum(axis=1)
    else:
        per_sample = 0.5 * ((A - Y) ** 2).sum(axis=1)
    total = len(Y) if sample_weight is None else float(np.sum(sample_weight))
    return _weighted_mean(per_sample, sample_weight) + _penalty(reg, total)


# ----------------------------------------------------------------------
# fit(X_val=..., y_val=..., sample_weight_val=...)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_fit_signature_is_hist_gradient_boostings(Estimator):
    params = inspect.signature(Estimator.fit).parameters
    assert list(params) == [
        "self",
        "X",
        "y",
        "sample_weight",
        "X_val",
        "y_val",
        "sample_weight_val",
    ]
    for name in ("X_val", "y_val", "sample_weight_val"):
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY
        assert params[name].default is None
    assert params["sample_weight"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD


@pytest.mark.parametrize("given, missing", [("X_val", "y_val"), ("y_val", "X_val")])
def test_only_one_of_x_val_and_y_val_raises(digits, given, missing):
    X, y, Xv, yv = digits
    kwargs = {given: {"X_val": Xv, "y_val": yv}[given]}
    with pytest.raises(ValueError, match=f"{missing} was not provided"):
        _clf().fit(X, y, **kwargs)
    with pytest.raises(ValueError, match=f"{missing} was not provided"):
        _clf().fit(X, y, sample_weight_val=np.ones(len(yv)), **kwargs)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_sample_weight_val_without_validation_set_raises(digits, Estimator):
    X, y, _, yv = digits
    with pytest.raises(ValueError, match="sample_weight_val"):
        Estimator(max_iter=2).fit(X, y, sample_weight_val=np.ones(len(yv)))


def test_bad_validation_set_raises_and_leaves_model_unchanged(digits):
    X, y, Xv, yv = digits
    clf = _clf().fit(X, y)
    theta, curve = clf._theta.copy(), list(clf.loss_curve_)
    with pytest.raises(ValueError, match="features"):
        clf.fit(X, y, X_val=Xv[:, :10], y_val=yv)
    with pytest.raises(ValueError, match="sample_weight"):
        clf.fit(X, y, X_val=Xv, y_val=yv, sample_weight_val=np.ones(3))
    with pytest.raises(ValueError, match="classes"):
        clf.fit(X, y, X_val=Xv, y_val=yv + 7)
    assert_array_equal(clf._theta, theta)
    assert clf.loss_curve_ == curve
    assert clf.validation_scores_ is None


def test_sparse_x_val_gives_the_same_record(digits):
    X, y, Xv, yv = digits
    dense = _clf().fit(X, y, X_val=Xv, y_val=yv)
    sparse = _clf().fit(X, y, X_val=sp.csr_matrix(Xv), y_val=yv)
    assert_allclose(sparse.validation_loss_curve_, dense.validation_loss_curve_)
    assert sparse.validation_scores_ == dense.validation_scores_


@pytest.mark.parametrize(
    "solver, early_stopping",
    [("sgd", False), ("adam", False), ("lbfgs", False), ("lbfgs", True)],
)
def test_monitoring_does_not_change_training(digits, solver, early_stopping):
    # without early stopping (which lbfgs ignores), a validation set is
    # watched, not acted on: training gives the same network
    X, y, Xv, yv = digits
    params = {"solver": solver, "early_stopping": early_stopping}
    plain = _clf(solver=solver).fit(X, y)
    watched = _clf(**params).fit(X, y, X_val=Xv, y_val=yv)
    assert watched.n_iter_ == plain.n_iter_
    assert watched.loss_curve_ == plain.loss_curve_
    for W_watched, W_plain in zip(watched.coefs_, plain.coefs_, strict=True):
        assert_array_equal(W_watched, W_plain)
    n = watched.n_iter_
    assert len(watched.validation_scores_) == len(watched.validation_loss_curve_) == n
    assert watched.best_validation_score_ == max(watched.validation_scores_)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_nothing_monitored_leaves_records_none(digits, regression_split, Estimator):
    if Estimator is BackpropClassifier:
        X, y, Xv, yv = digits
    else:
        X, y, Xv, yv = regression_split
    est = Estimator(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    est.fit(X, y, X_val=Xv, y_val=yv)
    assert len(est.validation_scores_) == 3
    est.fit(X, y)  # a fresh fit without validation forgets the last record
    assert est.validation_scores_ is None
    assert est.validation_loss_curve_ is None
    assert est.best_validation_score_ is None
    assert est.best_iteration_ is None


def test_x_val_replaces_the_internal_split(digits):
    X, y, Xv, yv = digits
    clf = _clf(early_stopping=True, validation_fraction=0.5, max_iter=5)
    clf.fit(X, y, X_val=Xv, y_val=yv)
    assert clf.t_ == clf.n_iter_ * len(y)  # every training row was trained on
    assert clf.validation_scores_[-1] == pytest.approx(clf.score(Xv, yv), abs=1e-12)

    clf.fit(X, y)  # the internal split holds half of the rows out
    assert clf.t_ == clf.n_iter_ * len(y) // 2


def _pipeline(est, **params):
    return Pipeline([("scale", StandardScaler()), ("est", est)], **params)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_pipeline_transforms_x_val(raw_digits, solver):
    X, y, Xv, yv = raw_digits
    scaler = StandardScaler().fit(X)
    expected = _clf(solver=solver, max_iter=5)
    expected.fit(scaler.transform(X), y, X_val=scaler.transform(Xv), y_val=yv)
    with sklearn.config_context(enable_metadata_routing=True):
        est = _clf(solver=solver, max_iter=5).set_fit_request(X_val=True, y_val=True)
        pipe = _pipeline(est, transform_input=["X_val"]).fit(X, y, X_val=Xv, y_val=yv)
        # without transform_input the network would be validated on raw pixels
        est = _clf(solver=solver, max_iter=5).set_fit_request(X_val=True, y_val=True)
        untransformed = _pipeline(est).fit(X, y, X_val=Xv, y_val=yv)
    fitted = pipe.named_steps["est"]
    assert fitted.validation_scores_ == expected.validation_scores_
    assert fitted.validation_loss_curve_ == expected.validation_loss_curve_
    for W_pipe, W_expected in zip(fitted.coefs_, expected.coefs_, strict=True):
        assert_array_equal(W_pipe, W_expected)
    other = untransformed.named_steps["est"]
    assert other.validation_loss_curve_ != expected.validation_loss_curve_


# ----------------------------------------------------------------------
# scoring


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_default_scoring_is_accuracy(digits, val_weights, solver):
    X, y, Xv, yv = digits
    clf = _clf(solver=solver).fit(X, y, X_val=Xv, y_val=yv)
    assert clf.validation_scores_[-1] == pytest.approx(clf.score(Xv, yv), abs=1e-12)
    clf.fit(X, y, X_val=Xv, y_val=yv, sample_weight_val=val_weights)
    expected = clf.score(Xv, yv, sample_weight=val_weights)
    assert clf.validation_scores_[-1] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("outputs", [[0], [0, 1, 2]])
def test_default_scoring_is_r2(regression_split, solver, outputs):
    X, Y, Xv, Yv = regression_split
    y, yv = Y[:, outputs].squeeze(), Yv[:, outputs].squeeze()
    reg = _reg(solver=solver).fit(X, y, X_val=Xv, y_val=yv)
    assert reg.validation_scores_[-1] == pytest.approx(reg.score(Xv, yv), rel=1e-12)


def test_refit_regressor_with_other_outputs_and_x_val(regression_split):
    # a fit without warm_start starts afresh: the validation targets must
    # match this fit's targets, not the previous fit's
    X, Y, Xv, Yv = regression_split
    reg = _reg(max_iter=2).fit(X, Y)
    reg.fit(X, Y[:, 0], X_val=Xv, y_val=Yv[:, 0])
    assert reg.n_outputs_ == 1
    assert len(reg.validation_scores_) == 2
    assert reg.validation_scores_[-1] == pytest.approx(
        reg.score(Xv, Yv[:, 0]), rel=1e-12
    )


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_neg_log_loss_scoring(digits, solver):
    X, y, Xv, yv = digits
    clf = _clf(solver=solver, scoring="neg_log_loss", alpha=0.0)
    clf.fit(X, y, X_val=Xv, y_val=yv)
    assert clf.validation_scores_[-1] == pytest.approx(
        -log_loss(yv, clf.predict_proba(Xv)), rel=1e-12
    )
    # with alpha=0 the validation objective is the mean cross-entropy
    assert_allclose(clf.validation_scores_, -np.array(clf.validation_loss_curve_))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_loss_scoring_is_the_negated_validation_objective(
    digits, regression_split, Estimator
):
    if Estimator is BackpropClassifier:
        X, y, Xv, yv = digits
    else:
        X, y, Xv, yv = regression_split
    sw = np.random.default_rng(2).uniform(0.5, 2.0, size=len(yv))
    est = Estimator(
        hidden_layer_sizes=(5,), max_iter=5, alpha=0.1, scoring="loss", random_state=0
    )
    est.fit(X, y, X_val=Xv, y_val=yv, sample_weight_val=sw)
    assert est.validation_scores_ == [-v for v in est.validation_loss_curve_]
    assert est.best_validation_score_ == max(est.validation_scores_)


def test_scorer_name_for_regressor(regression_split):
    X, Y, Xv, Yv = regression_split
    reg = _reg(scoring="neg_mean_squared_error").fit(X, Y, X_val=Xv, y_val=Yv)
    expected = -mean_squared_error(Yv, reg.predict(Xv))
    assert reg.validation_scores_[-1] == pytest.approx(expected, rel=1e-12)


def test_callable_scorer_gets_the_users_data(digits, val_weights):
    X, y, Xv, yv = digits
    columns = [f"pixel{i}" for i in range(X.shape[1])]
    X_df = pd.DataFrame(X, columns=columns)
    Xv_df = pd.DataFrame(Xv, columns=columns, index=np.arange(1000, 1150))
    yv_series = pd.Series(yv, index=Xv_df.index, name="digit")
    calls = []

    def scorer(estimator, X_, y_, sample_weight=None):
        calls.append((estimator, X_, y_, sample_weight))
        return accuracy_score(y_, estimator.predict(X_), sample_weight=sample_weight)

    clf = _clf(scoring=scorer).fit(
        X_df, y, X_val=Xv_df, y_val=yv_series, sample_weight_val=val_weights
    )
    assert len(calls) == clf.n_iter_ == len(clf.validation_scores_)
    for estimator, X_, y_, sample_weight in calls:
        # a private working copy with that epoch's weights: the fitted estimator
        # itself only changes when the fit is complete
        assert type(estimator) is type(clf) and estimator is not clf
        assert estimator.get_params() == clf.get_params()
        assert X_ is Xv_df  # as passed: a DataFrame with its columns
        assert y_ is yv_series
        assert_allclose(sample_weight, val_weights)
    assert list(calls[-1][1].columns) == columns
    assert clf.validation_scores_[-1] == pytest.approx(
        clf.score(Xv_df, yv_series, sample_weight=val_weights), abs=1e-12
    )


def test_callable_scorer_on_the_internal_split(digits):
    # the scorer sees the held-out rows of the user's DataFrame; after early
    # stopping the model scores its best validation score on them again
    X, y, _, _ = digits
    columns = [f"pixel{i}" for i in range(X.shape[1])]
    X_df = pd.DataFrame(X, columns=columns, index=np.arange(500, 800))
    y_series = pd.Series(y, index=X_df.index)
    seen = []

    def scorer(estimator, X_, y_):
        seen.append((X_, y_))
        return accuracy_score(y_, estimator.predict(X_))

    clf = _clf(
        scoring=scorer,
        learning_rate_init=0.05,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=2,
        max_iter=100,
    ).fit(X_df, y_series)
    X_val, y_val = seen[-1]
    assert isinstance(X_val, pd.DataFrame)
    assert list(X_val.columns) == columns
    assert len(X_val) == 60
    assert set(X_val.index) <= set(X_df.index)
    assert_array_equal(y_val.to_numpy(), y_series.loc[X_val.index].to_numpy())
    assert clf.n_iter_ > clf.best_iteration_  # stopped after a plateau
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.score(X_val, y_val) == pytest.approx(clf.best_validation_score_)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_invalid_scorer_name_raises(digits, Estimator):
    X, y, Xv, yv = digits
    est = Estimator(max_iter=2, scoring="not_a_scorer")
    with pytest.raises(ValueError, match="not_a_scorer"):
        est.fit(X, y, X_val=Xv, y_val=yv)
    with pytest.raises(ValueError, match="not_a_scorer"):
        est.set_params(early_stopping=True).fit(X, y)


# ----------------------------------------------------------------------
# validation_loss_curve_: the documented objective on the validation rows


@pytest.mark.parametrize(
    "data, loss",
    [
        ("binary_data", "log_loss"),
        ("binary_data", "squared_error"),
        ("multiclass_data", "log_loss"),
        ("multilabel_data", "log_loss"),
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_classifier_validation_loss(request, data, loss, weighted):
    X, y = request.getfixturevalue(data)
    X, y, Xv, yv = _split(X, y, 40)
    sw = np.random.default_rng(3).uniform(0.2, 3.0, 40) if weighted else None
    clf = BackpropClassifier(
        hidden_layer_sizes=(5,),
        loss=loss,
        alpha=0.5,
        max_iter=5,
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X, y, X_val=Xv, y_val=yv, sample_weight_val=sw)
    expected = _classifier_objective(clf, Xv, yv, sw)
    assert clf.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-10)
    assert len(clf.validation_loss_curve_) == clf.n_iter_


@pytest.mark.parametrize(
    "data, loss",
    [
        ("regression_data", "squared_error"),
        ("multioutput_regression_data", "squared_error"),
        ("count_data", "poisson"),
    ],
)
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_regressor_validation_loss(request, data, loss, solver):
    X, y = request.getfixturevalue(data)
    X, y, Xv, yv = _split(X, y, 40)
    sw = np.random.default_rng(4).uniform(0.2, 3.0, 40)
    reg = _reg(loss=loss, solver=solver, alpha=0.5, max_iter=5)
    reg.fit(X, y, X_val=Xv, y_val=yv, sample_weight_val=sw)
    expected = _regressor_objective(reg, Xv, yv, sw)
    assert reg.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-10)
    # unweighted: the plain mean
    reg.fit(X, y, X_val=Xv, y_val=yv)
    expected = _regressor_objective(reg, Xv, yv)
    assert reg.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-10)


def test_validation_loss_on_training_rows_is_the_training_loss(digits):
    # one objective: lbfgs records it at each iterate, where the validation
    # set is evaluated too, so on the training rows both curves agree
    X, y, _, _ = digits
    clf = _clf(solver="lbfgs", alpha=0.3, max_iter=4).fit(X, y, X_val=X, y_val=y)
    assert_allclose(clf.validation_loss_curve_, clf.loss_curve_, rtol=1e-10)


# ----------------------------------------------------------------------
# early stopping on a validation set


def test_early_stopping_on_x_val_restores_the_best_weights(digits):
    X, y, Xv, yv = digits
    # (early stopping watches the validation score and loss: with a small
    # learning rate the loss would keep falling for a long time)
    clf = _clf(
        learning_rate_init=0.05, early_stopping=True, n_iter_no_change=2, max_iter=100
    )
    clf.fit(X, y, X_val=Xv, y_val=yv)
    scores = clf.validation_scores_
    assert clf.n_iter_ == len(scores) > clf.best_iteration_
    assert clf.best_validation_score_ == max(scores)
    # among the epochs with the best score, the one with the lowest loss
    tied = [k for k, score in enumerate(scores) if score == max(scores)]
    losses = clf.validation_loss_curve_
    assert clf.best_iteration_ == min(tied, key=losses.__getitem__) + 1
    assert clf.score(Xv, yv) == pytest.approx(clf.best_validation_score_, abs=1e-12)
    # the weights are those of the best epoch, not of the last one
    at_best = _clf(learning_rate_init=0.05, max_iter=clf.best_iteration_)
    at_best.fit(X, y, X_val=Xv, y_val=yv)
    at_last = _clf(learning_rate_init=0.05, max_iter=clf.n_iter_)
    at_last.fit(X, y, X_val=Xv, y_val=yv)
    for W, W_best in zip(clf.coefs_, at_best.coefs_, strict=True):
        assert_array_equal(W, W_best)
    assert not np.array_equal(clf.coefs_[0], at_last.coefs_[0])


def test_early_stopping_on_loss_restores_the_best_weights(regression_split):
    X, Y, Xv, Yv = regression_split
    reg = _reg(
        hidden_layer_sizes=(30,),
        learning_rate_init=0.05,
        early_stopping=True,
        scoring="loss",
        n_iter_no_change=3,
        max_iter=300,
    ).fit(X[:30], Y[:30], X_val=Xv, y_val=Yv)
    scores = reg.validation_scores_
    best = reg.best_iteration_
    assert reg.n_iter_ == len(scores) > best
    assert scores[best - 1] == reg.best_validation_score_ == max(scores)
    assert scores[-1] < reg.best_validation_score_  # restoring changes the model
    objective = _regressor_objective(reg, Xv, Yv)
    assert objective == pytest.approx(-reg.best_validation_score_, rel=1e-10)


def test_early_stopping_on_the_internal_split(regression_split):
    X, Y, _, _ = regression_split
    reg = _reg(early_stopping=True, n_iter_no_change=2, max_iter=50)
    reg.fit(X, Y)
    n_train = len(Y) - math.ceil(0.1 * len(Y))
    assert reg.t_ == reg.n_iter_ * n_train
    assert len(reg.validation_scores_) == len(reg.validation_loss_curve_)
    assert len(reg.validation_scores_) == reg.n_iter_
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    assert reg.validation_scores_[reg.best_iteration_ - 1] == max(
        reg.validation_scores_
    )


# ----------------------------------------------------------------------
# warm start and partial_fit


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_warm_start_continues_the_curves(digits, solver):
    X, y, Xv, yv = digits
    clf = _clf(solver=solver, max_iter=3, warm_start=True)
    clf.fit(X, y, X_val=Xv, y_val=yv)
    first_scores = list(clf.validation_scores_)
    first_losses = list(clf.validation_loss_curve_)
    clf.set_params(max_iter=4).fit(X, y, X_val=Xv, y_val=yv)
    assert len(clf.loss_curve_) == 3 + clf.n_iter_
    assert len(clf.validation_scores_) == len(clf.loss_curve_)
    assert len(clf.validation_loss_curve_) == len(clf.loss_curve_)
    assert clf.validation_scores_[:3] == first_scores
    assert clf.validation_loss_curve_[:3] == first_losses
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    scores = clf.validation_scores_
    # among the epochs with the best score, the one with the lowest loss
    tied = [k for k, score in enumerate(scores) if score == max(scores)]
    losses = clf.validation_loss_curve_
    assert clf.best_iteration_ == min(tied, key=losses.__getitem__) + 1


def test_partial_fit_keeps_the_last_fits_validation_record(digits):
    X, y, Xv, yv = digits
    clf = _clf(solver="sgd", max_iter=4).fit(X, y, X_val=Xv, y_val=yv)
    record = (
        list(clf.validation_scores_),
        list(clf.validation_loss_curve_),
        clf.best_validation_score_,
        clf.best_iteration_,
    )
    clf.partial_fit(X, y)
    clf.partial_fit(X, y)
    assert len(clf.loss_curve_) == 6
    after = (
        clf.validation_scores_,
        clf.validation_loss_curve_,
        clf.best_validation_score_,
        clf.best_iteration_,
    )
    assert after == record


# ----------------------------------------------------------------------
# verbose: the epoch table, whatever the solver

NUMBER = r"(-?\d+\.\d+)"


def _table_line(n, of, validated, learning_rate=False):
    """A regex for one epoch line of the table."""
    parts = [rf"Iteration {n}, loss = (\d+\.\d{{8}})", rf"{n}/{of}"]
    if validated:
        parts += [NUMBER, NUMBER, r"(\*?)"]
    if learning_rate:
        parts.append(r"(\d\S*)")
    parts.append(r"(\d+\.\d{3})s")
    return re.compile(r"\s+".join(parts))


def _columns(line, width):
    """Character positions where a column ends: the end of each run of text."""
    return [m.end() for m in re.finditer(r"\S+", line.ljust(width))]


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("validated", [False, True])
def test_verbose_prints_a_table(digits, capsys, solver, validated):
    X, y, Xv, yv = digits
    kwargs = {"X_val": Xv, "y_val": yv} if validated else {}
    clf = _clf(solver=solver, max_iter=5, verbose=True).fit(X, y, **kwargs)
    lines = capsys.readouterr().out.splitlines()
    header, rows, end = lines[0], lines[1:-1], lines[-1]
    assert len(rows) == clf.n_iter_ == len(clf.loss_curve_) == 5
    unit = "iteration" if solver == "lbfgs" else "epoch"
    words = ["training loss", unit, "time"]
    if validated:
        words[2:2] = ["val loss", "accuracy"]
    positions = [header.index(word) for word in words]
    assert positions == sorted(positions)  # the columns, in order
    assert not header.startswith("Iteration")  # parsers count epoch lines
    history = clf.history_
    for k, line in enumerate(rows, start=1):
        match = _table_line(k, 5, validated).fullmatch(line)
        assert match is not None, line
        assert match[1] == f"{clf.loss_curve_[k - 1]:.8f}"
        if validated:
            assert match[2] == f"{clf.validation_loss_curve_[k - 1]:.8f}"
            assert match[3] == f"{clf.validation_scores_[k - 1]:.6f}"
        assert match[match.lastindex] == f"{history['duration'][k - 1]:.3f}"
    # aligned: every number ends where its header's word ends
    ends = [header.index(word) + len(word) for word in words[1:]]
    for line in rows:
        assert set(ends) <= set(_columns(line, len(header)))
    assert end.startswith(f"Stopped after {unit} 5: ")

    clf.set_params(verbose=False).fit(X, y, **kwargs)
    assert capsys.readouterr() == ("", "")


def test_the_best_epoch_so_far_is_marked(digits, capsys):
    X, y, Xv, yv = digits
    clf = _clf(max_iter=15, learning_rate_init=0.05, verbose=True)
    clf.fit(X, y, X_val=Xv, y_val=yv)
    rows = capsys.readouterr().out.splitlines()[1:-1]
    marks = [
        _table_line(k, 15, True).fullmatch(line)[4] for k, line in enumerate(rows, 1)
    ]
    best, expected = None, []
    losses = clf.validation_loss_curve_
    for k, score in enumerate(clf.validation_scores_):
        new = (
            best is None
            or score > clf.validation_scores_[best]
            or (score == clf.validation_scores_[best] and losses[k] < losses[best])
        )
        best = k if new else best
        expected.append("*" if new else "")
    assert marks == expected
    assert "" in marks and marks.count("*") > 1  # the test means something


@pytest.mark.parametrize(
    ("scoring", "name"),
    [
        (None, "r2"),
        ("neg_mean_absolute_error", "neg_mean_absolute_error"),
        ("loss", "neg_loss"),
    ],
)
def test_the_score_column_is_named_by_the_scorer(
    regression_split, capsys, scoring, name
):
    X, Y, Xv, Yv = regression_split
    _reg(scoring=scoring, verbose=True).fit(X, Y, X_val=Xv, y_val=Yv)
    header = capsys.readouterr().out.splitlines()[0]
    assert header.split()[-2] == name


@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
def test_the_learning_rate_column_when_a_schedule_changes_it(digits, capsys, schedule):
    X, y, _, _ = digits
    clf = _clf(
        solver="sgd",
        learning_rate=schedule,
        learning_rate_init=0.5,
        tol=10.0,  # no epoch improves that much: the adaptive rate falls
        n_iter_no_change=1,
        max_iter=8,
        verbose=True,
    ).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    rates = clf.history_["learning_rate"]
    if schedule == "constant":
        assert "learning rate" not in lines[0]
        assert rates == [0.5] * clf.n_iter_
        return
    assert "learning rate" in lines[0]
    rows = [line for line in lines if line.startswith("Iteration")]
    for k, line in enumerate(rows, 1):
        match = _table_line(k, 8, False, learning_rate=True).fullmatch(line)
        assert float(match[2]) == pytest.approx(rates[k - 1], rel=1e-5)
    assert len(set(rates)) > 1  # the schedule did change it
    if schedule == "adaptive":
        assert any(
            line.startswith("Training loss did not improve")
            and "Setting learning rate to" in line
            for line in lines
        )


def _end_line(capsys):
    return capsys.readouterr().out.splitlines()[-1]


def test_the_last_line_says_why_training_ended(digits, regression_split, capsys):
    X, y, Xv, yv = digits
    _clf(max_iter=3, verbose=True).fit(X, y)
    assert _end_line(capsys) == (
        "Stopped after epoch 3: max_iter=3 reached before convergence."
    )
    clf = _clf(tol=10.0, n_iter_no_change=2, max_iter=50, verbose=True).fit(X, y)
    assert _end_line(capsys) == (
        f"Stopped after epoch {clf.n_iter_}: converged: the training loss did not "
        "improve by more than tol=10 for 2 epochs."
    )
    clf = _clf(
        learning_rate_init=0.1,
        early_stopping=True,
        n_iter_no_change=2,
        max_iter=100,
        verbose=True,
    ).fit(X, y, X_val=Xv, y_val=yv)
    assert _end_line(capsys) == (
        f"Stopped after epoch {clf.n_iter_}: neither the validation accuracy nor "
        "the validation loss improved by more than tol=0.0001 for 2 epochs; "
        f"restored the weights of epoch {clf.best_iteration_} (validation accuracy "
        f"{clf.best_validation_score_:.6f})."
    )
    clf = _clf(solver="lbfgs", max_iter=500, verbose=True).fit(X, y)
    assert _end_line(capsys).startswith(
        f"Stopped after iteration {clf.n_iter_}: converged ("
    )
    _clf(solver="lbfgs", max_iter=2, verbose=True).fit(X, y)
    end = _end_line(capsys).lower()  # scipy's message changed case across versions
    assert end.startswith("stopped after iteration 2: not converged (stop: total no.")
    Xr, Yr, _, _ = regression_split
    with pytest.raises(ValueError, match="diverged"):
        _reg(
            activation="identity",
            learning_rate_init=10.0,
            solver="sgd",
            max_iter=20,
            verbose=True,
        ).fit(Xr * 1e3, Yr * 1e6)
    assert _end_line(capsys) == (
        "Stopped: the loss became non-finite (the optimization diverged); the model "
        "is left as it was."
    )


def test_the_last_line_says_the_optimization_diverged(capsys):
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=200, n_features=5, noise=1.0, random_state=0)
    reg = BackpropRegressor(
        solver="sgd", learning_rate_init=0.1, max_iter=50, random_state=0, verbose=1
    )
    with pytest.warns(ConvergenceWarning, match="diverged"):
        reg.fit(X, y)
    assert _end_line(capsys).startswith(
        f"Stopped after epoch {reg.n_iter_}: the optimization diverged (the training "
        f"loss rose from {reg.loss_curve_[0]:.6g} to {reg.loss_curve_[-1]:.6g})"
    )


def test_verbose_partial_fit_prints_one_line_per_call(digits, capsys):
    X, y, Xv, yv = digits
    clf = _clf(solver="adam", verbose=True)
    clf.partial_fit(X, y, classes=np.unique(y))
    clf.partial_fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3  # the header before the model's first epoch
    assert "training loss" in lines[0] and "epoch" in lines[0]
    for k, line in enumerate(lines[1:], 1):
        assert line.startswith(f"Iteration 1, loss = {clf.loss_curve_[k - 1]:.8f}")
        assert line.split()[5] == str(k)  # numbered over the model's epochs
    clf.partial_fit(X, y, X_val=Xv, y_val=yv)  # new columns: a header again
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "val loss" in lines[0] and "accuracy" in lines[0]


# ----------------------------------------------------------------------
# scikit-learn's callback protocol (scikit-learn >= 1.9)


class Recorder:
    """A FitCallback keeping every hook call; returns True at epoch ``stop_at``."""

    def __init__(self, stop_at=None):
        self.calls = []
        self.stop_at = stop_at

    def setup(self, estimator, context):
        self.calls.append({"hook": "setup", "estimator": estimator})

    def teardown(self, estimator, context):
        self.calls.append({"hook": "teardown", "estimator": estimator})

    def _record(self, hook, estimator, context, X, y, metadata, fitted_estimator):
        self.calls.append(
            {
                "hook": hook,
                "estimator": estimator,
                "estimator_name": context.estimator_name,
                "task": context.task_name,
                "task_id": context.task_id,
                "X": X,
                "y": y,
                "metadata": metadata,
                "fitted_estimator": fitted_estimator,
            }
        )

    def on_fit_task_begin(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        metadata=None,
        fitted_estimator=None,
    ):
        self._record("begin", estimator, context, X, y, metadata, fitted_estimator)

    def on_fit_task_end(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        metadata=None,
        fitted_estimator=None,
    ):
        self._record("end", estimator, context, X, y, metadata, fitted_estimator)
        return (
            self.stop_at is not None
            and context.task_name in ("epoch", "iteration")
            and context.task_id + 1 == self.stop_at
        )

    def count(self, hook, task=None):
        return len(self.select(hook, task))

    def select(self, hook, task=None):
        return [
            call
            for call in self.calls
            if call["hook"] == hook and (task is None or call.get("task") == task)
        ]


class AutoRecorder(Recorder):
    """The same, propagated from a meta-estimator to every nested estimator."""

    max_propagation_depth = None


def _assert_well_nested(calls):
    """Every task that begins ends, innermost first; setup and teardown pair."""
    stack = []
    for call in calls:
        if call["hook"] in ("setup", "teardown"):
            continue
        key = (call["estimator_name"], call["task"], call["task_id"])
        if call["hook"] == "begin":
            stack.append(key)
        else:
            assert stack and stack.pop() == key, key
    assert stack == []
    hooks = [call["hook"] for call in calls]
    assert hooks.count("setup") == hooks.count("teardown") >= 1
    assert hooks[0] == "setup" and hooks[-1] == "teardown"


@needs_callbacks
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_callback_sees_the_root_task_and_every_epoch(digits, solver):
    X, y, _, _ = digits
    sw = np.random.default_rng(5).uniform(0.5, 2.0, size=len(y))
    recorder = Recorder()
    clf = _clf(solver=solver, max_iter=5).set_callbacks(recorder)
    clf.fit(X, y, sample_weight=sw)
    _assert_well_nested(recorder.calls)
    subtask = "iteration" if solver == "lbfgs" else "epoch"
    (root_begin,) = recorder.select("begin", "fit")
    (root_end,) = recorder.select("end", "fit")
    assert root_begin["X"] is X and root_begin["y"] is y
    assert_array_equal(root_begin["metadata"]["sample_weight"], sw)
    assert recorder.calls[1] is root_begin and recorder.calls[-2] is root_end
    ends = [
        c for c in recorder.select("end", subtask) if c["fitted_estimator"] is not None
    ]
    assert [c["task_id"] for c in ends] == list(range(clf.n_iter_))
    assert clf.n_iter_ == 5
    assert recorder.count("begin", subtask) == recorder.count("end", subtask)
    for call in ends:
        assert call["X"] is X and call["y"] is y
        assert call["fitted_estimator"] is not clf
    # the last epoch's network is the final model (no early stopping)
    assert_allclose(
        ends[-1]["fitted_estimator"].predict_proba(X), clf.predict_proba(X), rtol=0
    )
    # and each epoch's is the one of that epoch: the first differs
    first = ends[0]["fitted_estimator"].predict_proba(X)
    assert not np.allclose(first, clf.predict_proba(X))
    # an epoch begins where the previous one ended
    begins = [c for c in recorder.select("begin", subtask) if c["task_id"] == 1]
    assert_array_equal(
        begins[0]["fitted_estimator"].predict_proba(X),
        ends[0]["fitted_estimator"].predict_proba(X),
    )


@needs_callbacks
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_callback_can_stop_training(digits, solver):
    X, y, _, _ = digits
    recorder = Recorder(stop_at=3)
    clf = _clf(solver=solver, max_iter=50, tol=0.0).set_callbacks(recorder)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ == 3
    assert len(clf.loss_curve_) == 3
    _assert_well_nested(recorder.calls)
    subtask = "iteration" if solver == "lbfgs" else "epoch"
    ends = [
        c for c in recorder.select("end", subtask) if c["fitted_estimator"] is not None
    ]
    assert len(ends) == 3
    assert_allclose(
        ends[-1]["fitted_estimator"].predict_proba(X), clf.predict_proba(X), rtol=0
    )


@needs_callbacks
def test_callback_stop_is_reported_when_verbose(digits, capsys):
    X, y, _, _ = digits
    clf = _clf(solver="sgd", max_iter=50, verbose=True)
    clf.set_callbacks(Recorder(stop_at=2)).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert clf.n_iter_ == 2
    assert [line.split(",")[0] for line in lines[1:3]] == ["Iteration 1", "Iteration 2"]
    assert lines[-1] == "Stopped after epoch 2: a callback asked to stop."


@needs_callbacks
def test_callback_sees_the_training_part_of_the_internal_split(digits):
    X, y, _, _ = digits
    sw = np.random.default_rng(6).uniform(0.5, 2.0, size=len(y))
    recorder = Recorder()
    clf = _clf(early_stopping=True, validation_fraction=0.2, max_iter=3)
    clf.set_callbacks(recorder).fit(X, y, sample_weight=sw)
    epochs = recorder.select("end", "epoch")
    assert len(epochs) == clf.n_iter_ == 3
    for call in epochs:
        assert call["X"].shape == (240, X.shape[1])
        assert call["y"].shape == (240,)
        assert call["metadata"]["sample_weight"].shape == (240,)
        # the rows are rows of X, with their own labels and weights
        rows = [int(np.flatnonzero((X == row).all(axis=1))[0]) for row in call["X"]]
        assert_array_equal(call["y"], y[rows])
        assert_array_equal(call["metadata"]["sample_weight"], sw[rows])


@needs_callbacks
def test_partial_fit_runs_callbacks(digits):
    X, y, _, _ = digits
    recorder = Recorder()
    clf = _clf(solver="sgd").set_callbacks(recorder)
    clf.partial_fit(X, y, classes=np.unique(y))
    clf.partial_fit(X, y)
    _assert_well_nested(recorder.calls)
    assert recorder.count("setup") == recorder.count("teardown") == 2
    assert recorder.count("begin", "partial_fit") == 2
    ends = recorder.select("end", "epoch")
    assert len(ends) == 2
    assert_allclose(
        ends[-1]["fitted_estimator"].predict_proba(X), clf.predict_proba(X), rtol=0
    )


@needs_callbacks
def test_progress_bar_during_fit_and_partial_fit(digits, capsys):
    from sklearn.callback import ProgressBar

    X, y, Xv, yv = digits
    clf = _clf(max_iter=4).set_callbacks(ProgressBar())
    clf.fit(X, y, X_val=Xv, y_val=yv)
    clf.set_params(solver="sgd").partial_fit(X, y)
    out = capsys.readouterr().out
    assert clf.n_iter_ == 1
    assert len(clf.validation_scores_) == 4
    assert "BackpropClassifier - fit" in out
    assert "BackpropClassifier - partial_fit" in out


@needs_callbacks
@pytest.mark.parametrize("solver, task", [("adam", "epoch"), ("lbfgs", "iteration")])
def test_scoring_monitor_records_one_score_per_epoch(digits, solver, task):
    from sklearn.callback import ScoringMonitor

    X, y, _, _ = digits
    monitor = ScoringMonitor(scoring="accuracy")
    clf = _clf(solver=solver, max_iter=5).set_callbacks(monitor).fit(X, y)
    log = monitor.get_logs().data_as_pandas
    rows = log[log["task_name"] == task]
    assert len(rows) == clf.n_iter_ == 5
    assert rows["task_id"].tolist() == list(range(5))
    assert rows["accuracy"].iloc[-1] == pytest.approx(clf.score(X, y), abs=1e-12)
    assert rows["accuracy"].iloc[0] != rows["accuracy"].iloc[-1]


@needs_callbacks
def test_auto_propagated_callback_in_a_pipeline(digits):
    X, y, _, _ = digits
    recorder = AutoRecorder()
    pipe = make_pipeline(StandardScaler(), _clf(max_iter=4)).set_callbacks(recorder)
    pipe.fit(X, y)
    _assert_well_nested(recorder.calls)
    assert recorder.count("setup") == 1  # on the pipeline only
    epochs = recorder.select("end", "epoch")
    assert len(epochs) == pipe[-1].n_iter_ == 4
    assert {c["estimator_name"] for c in epochs} == {"BackpropClassifier"}
    assert all(c["estimator"] is pipe[-1] for c in epochs)


@needs_callbacks
def test_scoring_monitor_on_the_estimator_inside_a_pipeline(digits):
    from sklearn.callback import ProgressBar, ScoringMonitor

    X, y, _, _ = digits
    monitor = ScoringMonitor(scoring="accuracy")
    clf = _clf(max_iter=4).set_callbacks(monitor)
    pipe = make_pipeline(StandardScaler(), clf).set_callbacks(ProgressBar())
    pipe.fit(X, y)
    logs = monitor.get_logs()
    assert logs.estimator_name == "Pipeline"  # one run: the pipeline's fit
    rows = logs.data_as_pandas
    epochs = rows[rows["task_name"] == "epoch"]
    assert len(epochs) == clf.n_iter_ == 4
    assert set(epochs["estimator_name"]) == {"BackpropClassifier"}


@needs_callbacks
def test_auto_propagated_callback_in_grid_search(digits):
    X, y, _, _ = digits
    recorder = AutoRecorder()
    search = GridSearchCV(
        _clf(max_iter=3, n_iter_no_change=10),
        {"alpha": [1e-4, 1e-2]},
        cv=2,
    ).set_callbacks(recorder)
    search.fit(X, y)
    _assert_well_nested(recorder.calls)
    # 2 candidates x 2 folds + the refit, 3 epochs each
    assert recorder.count("end", "epoch") == 5 * 3
    assert recorder.count("begin", "fit") >= 5
    assert recorder.count("setup") == 1


class Failing(Recorder):
    """A callback whose end-of-epoch hook raises at the second epoch."""

    def on_fit_task_end(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        metadata=None,
        fitted_estimator=None,
    ):
        super().on_fit_task_end(estimator, context)
        if context.task_name in ("epoch", "iteration") and context.task_id == 1:
            raise RuntimeError("callback failed")


@needs_callbacks
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_failing_callback_still_tears_callbacks_down(digits, solver):
    X, y, _, _ = digits
    callback = Failing()
    clf = _clf(solver=solver).set_callbacks(callback)
    with pytest.raises(RuntimeError, match="callback failed"):
        clf.fit(X, y)
    assert callback.count("setup") == callback.count("teardown") == 1
    assert not hasattr(clf, "_callback_fit_ctx")
    assert not hasattr(clf, "_theta")  # the failed fit left nothing behind


@needs_callbacks
def test_invalid_validation_set_still_tears_callbacks_down(digits):
    X, y, Xv, yv = digits
    recorder = Recorder()
    clf = _clf().set_callbacks(recorder)
    with pytest.raises(ValueError, match="X_val"):
        clf.fit(X, y, X_val=Xv)
    with pytest.raises(ValueError, match="features"):
        clf.fit(X, y, X_val=Xv[:, :5], y_val=yv)
    assert recorder.count("setup") == recorder.count("teardown") == 2
    assert not hasattr(clf, "_callback_fit_ctx")


@needs_callbacks
def test_divergence_still_tears_callbacks_down(digits):
    X, y, _, _ = digits
    recorder = Recorder()
    clf = _clf(
        solver="sgd", activation="identity", learning_rate_init=1e3, max_iter=20
    ).set_callbacks(recorder)
    with pytest.raises(ValueError, match="non-finite"):
        clf.fit(X * 1e3, y)
    assert recorder.count("setup") == recorder.count("teardown") == 1
    assert not hasattr(clf, "_callback_fit_ctx")
    # the same callback works for the next fit
    clf.set_params(activation="logistic", learning_rate_init=0.01, max_iter=2)
    clf.fit(X, y)
    assert recorder.count("setup") == recorder.count("teardown") == 2
    assert recorder.count("end", "epoch") == recorder.count("begin", "epoch")


@needs_callbacks
def test_callbacks_with_a_validation_set(digits):
    from sklearn.callback import ScoringMonitor

    X, y, Xv, yv = digits
    monitor = ScoringMonitor(scoring="accuracy")
    clf = _clf(max_iter=4, scoring="neg_log_loss").set_callbacks(monitor)
    clf.fit(X, y, X_val=Xv, y_val=yv)
    log = monitor.get_logs().data_as_pandas
    assert (log["task_name"] == "epoch").sum() == 4
    assert len(clf.validation_scores_) == 4
    assert clf.validation_scores_[-1] == pytest.approx(
        -log_loss(yv, clf.predict_proba(Xv)), rel=1e-12
    )


# ----------------------------------------------------------------------
# scikit-learn < 1.9: no callbacks, everything else works


@pytest.mark.skipif(HAS_CALLBACKS, reason="scikit-learn has sklearn.callback")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_set_callbacks_explains_the_needed_scikit_learn(Estimator):
    with pytest.raises(ImportError, match=r"scikit-learn >= 1\.9"):
        Estimator().set_callbacks(Recorder())


# ----------------------------------------------------------------------
# Validation data that cannot be scored, and validation sets too small


def test_r2_on_one_validation_sample_is_refused_up_front(regression_split):
    X, Y, Xv, Yv = regression_split
    reg = _reg(early_stopping=True)
    for scoring in (None, "r2"):
        with pytest.raises(ValueError, match="undefined for fewer than 2 samples"):
            reg.set_params(scoring=scoring).fit(X, Y, X_val=Xv[:1], y_val=Yv[:1])
    assert not hasattr(reg, "n_iter_")
    # a score that is defined on one sample is fine, without warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.set_params(scoring="loss").fit(X, Y, X_val=Xv[:1], y_val=Yv[:1])
        clf = _clf(early_stopping=True)
        X_digits, y_digits, Xv_digits, yv_digits = load_digits_split()
        clf.fit(X_digits, y_digits, X_val=Xv_digits[:1], y_val=yv_digits[:1])


def load_digits_split():
    X, y = load_digits(n_class=4, return_X_y=True)
    X = X / 16
    return X[:300], y[:300], X[300:450], y[300:450]


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_nan_score_is_never_the_best(digits, solver):
    X, y, Xv, yv = digits
    calls = []

    def once_nan(estimator, X_, y_):
        calls.append(1)
        return (
            math.nan if len(calls) == 1 else accuracy_score(y_, estimator.predict(X_))
        )

    clf = _clf(solver=solver, scoring=once_nan, early_stopping=True, max_iter=8)
    clf.fit(X, y, X_val=Xv, y_val=yv)
    assert math.isnan(clf.validation_scores_[0])
    assert math.isfinite(clf.best_validation_score_)
    assert clf.best_validation_score_ == max(clf.validation_scores_[1:])
    assert clf.best_iteration_ > 1


def test_no_finite_score_at_all_warns_and_keeps_the_last_weights(digits):
    X, y, Xv, yv = digits
    clf = _clf(scoring=lambda *_: math.nan, early_stopping=True, max_iter=30)
    with pytest.warns(UserWarning, match="No validation score was finite"):
        clf.fit(X, y, X_val=Xv, y_val=yv)
    assert clf.best_validation_score_ is None and clf.best_iteration_ is None
    last = _clf(scoring=lambda *_: math.nan, max_iter=clf.n_iter_)
    last.fit(X, y, X_val=Xv, y_val=yv)
    assert_array_equal(clf._theta, last._theta)


def test_validation_targets_near_1e300_are_scored_like_score(regression_split):
    X, Y, Xv, Yv = regression_split
    reg = _reg().fit(X, Y, X_val=Xv, y_val=Yv * 1e300)
    assert np.isfinite(reg.validation_scores_).all()
    assert reg.validation_scores_[-1] == pytest.approx(
        reg.score(Xv, Yv * 1e300), rel=1e-12
    )


def test_validation_values_beyond_float32_are_refused(regression_split):
    X, Y, Xv, Yv = regression_split
    reg = _reg()
    for X_val, y_val, name in ((Xv * 1e300, Yv, "X_val"), (Xv, Yv * 1e300, "y_val")):
        with pytest.raises(
            ValueError, match=f"{name} has values too large for float32"
        ):
            reg.fit(X.astype(np.float32), Y, X_val=X_val, y_val=y_val)
    with pytest.raises(ValueError, match="y has values too large for float32"):
        reg.fit(X.astype(np.float32), Y * 1e300)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("n", [2, 3])
def test_early_stopping_on_too_few_samples_raises(Estimator, n):
    X = np.arange(2.0 * n).reshape(n, 2)
    y = np.arange(n) % 2
    with pytest.raises(ValueError, match="The validation set is too small"):
        Estimator(early_stopping=True).fit(X, y)
    # identical samples count once
    with pytest.raises(ValueError, match="The validation set is too small"):
        Estimator(early_stopping=True).fit(np.repeat(X, 5, axis=0), np.repeat(y, 5))


@pytest.mark.parametrize("fraction", [0.9, 0.99])
def test_validation_fraction_that_leaves_too_little_to_train_on(digits, fraction):
    X, y, _, _ = digits
    X, y = X[:20], y[:20]
    clf = _clf(early_stopping=True, validation_fraction=fraction)
    if fraction == 0.9:  # 18 to validate on, 2 to train on: allowed
        clf.fit(X, y)
        return
    with pytest.raises(ValueError, match=r"validation_fraction=0\.99 of 20"):
        clf.fit(X, y)


def test_validation_fraction_zero_with_early_stopping(digits):
    X, y, Xv, yv = digits
    clf = _clf(early_stopping=True, validation_fraction=0.0)
    with pytest.raises(ValueError, match="validation_fraction=0 holds out nothing"):
        clf.fit(X, y)
    clf.fit(X, y, X_val=Xv, y_val=yv)  # nothing needs to be held out
    assert len(clf.validation_scores_) == clf.n_iter_


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_the_split_is_the_same_for_dense_and_sparse_input(Estimator):
    rng = np.random.default_rng(0)
    X = np.where(rng.random((120, 6)) < 0.6, 0.0, rng.standard_normal((120, 6)))
    y = (X.sum(axis=1) > 0).astype(int)
    X[::7] = -0.0 * X[::7] + 0.0 * X[::7]  # rows of signed zeros
    X_signed = X.copy()
    X_signed[X_signed == 0] = -0.0
    params = dict(solver="sgd", early_stopping=True, max_iter=15, random_state=0)
    dense = Estimator(**params).fit(X, y)
    assert_array_equal(Estimator(**params).fit(X_signed, y)._theta, dense._theta)
    for other in (sp.csr_matrix(X), sp.csc_matrix(X)):
        # the same split (another split moves the weights by about 1e-3); sparse
        # products round differently from dense ones in the last bits
        model = Estimator(**params).fit(other, y)
        assert_allclose(model._theta, dense._theta, rtol=1e-9, atol=1e-12)
        assert_allclose(model.validation_scores_, dense.validation_scores_, rtol=1e-9)


@needs_callbacks
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_callbacks_see_the_model_as_if_fit_had_stopped_there(digits, solver):
    # a callback may keep (pickle) the fitted_estimator of an epoch as a
    # checkpoint: it is the model a fit stopped after that epoch gives, and
    # it resumes like that model
    import pickle

    X, y, _, _ = digits
    recorder = Recorder()
    _clf(solver=solver, max_iter=5).set_callbacks(recorder).fit(X, y)
    subtask = "iteration" if solver == "lbfgs" else "epoch"
    ends = [
        c["fitted_estimator"]
        for c in recorder.select("end", subtask)
        if c["fitted_estimator"] is not None
    ]
    checkpoint = pickle.loads(pickle.dumps(ends[2]))
    stopped = _clf(solver=solver, max_iter=3).fit(X, y)
    for name in ("n_iter_", "loss_", "loss_curve_", "best_loss_", "classes_"):
        assert_identical(getattr(checkpoint, name), getattr(stopped, name))
    assert_array_equal(checkpoint._theta, stopped._theta)
    if solver != "lbfgs":
        assert checkpoint.t_ == stopped.t_ == 3 * len(y)
        assert_identical(checkpoint._opt_state, stopped._opt_state)
        checkpoint.set_params(warm_start=True, max_iter=2).fit(X, y)
        stopped.set_params(warm_start=True, max_iter=2).fit(X, y)
        assert_array_equal(checkpoint._theta, stopped._theta)
        assert checkpoint.loss_curve_ == stopped.loss_curve_
