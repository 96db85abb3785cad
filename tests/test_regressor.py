"""Behaviour tests for BackpropRegressor."""

import copy
import numbers
import pickle
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import assert_same_state, flat, training_state
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import xlogy
from sklearn.base import clone
from sklearn.exceptions import (
    ConvergenceWarning,
    DataConversionWarning,
    NotFittedError,
)

from skbackprop import BackpropRegressor
from skbackprop._layout import ParamLayout, init_params
from skbackprop._network import loss_and_grad
from skbackprop._split import validation_split

ignore_convergence = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

# (loss, output_activation) pairs the regressor accepts, with the output
# activation each one must end up using
LOSS_OUTPUTS = [
    ("squared_error", "identity", "identity"),
    ("squared_error", "logistic", "logistic"),
    ("log_loss", "logistic", "logistic"),
    ("poisson", "identity", "exp"),
]


def _reg(**params):
    """A small, seeded regressor; ``params`` override the test defaults."""
    defaults = {"hidden_layer_sizes": (5,), "random_state": 0}
    return BackpropRegressor(**{**defaults, **params})


def _data_for(loss, output_activation, regression_data, rate_data, count_data):
    if loss == "poisson":
        return count_data
    if output_activation == "logistic":
        return rate_data
    return regression_data


# ----------------------------------------------------------------------
# Targets and output units


@ignore_convergence
def test_single_output(regression_data):
    X, y = regression_data
    reg = _reg(solver="lbfgs", max_iter=50).fit(X, y)
    assert reg.n_outputs_ == 1
    assert reg.out_activation_ == "identity"
    assert reg.coefs_[-1].shape == (5, 1)
    assert reg.predict(X).shape == (len(y),)
    assert reg.score(X, y) > 0.9


@ignore_convergence
def test_multi_output(multioutput_regression_data):
    X, Y = multioutput_regression_data
    reg = _reg(solver="lbfgs", max_iter=50).fit(X, Y)
    assert reg.n_outputs_ == 3
    assert reg.coefs_[-1].shape == (5, 3)
    assert reg.intercepts_[-1].shape == (3,)
    assert reg.predict(X).shape == (len(Y), 3)
    assert reg.score(X, Y) > 0.9


@ignore_convergence
def test_column_target_gives_1d_predictions(regression_data):
    X, y = regression_data
    with pytest.warns(DataConversionWarning):
        reg = _reg(solver="lbfgs", max_iter=50).fit(X, y.reshape(-1, 1))
    assert reg.n_outputs_ == 1
    assert reg.predict(X).shape == (len(y),)
    assert_allclose(
        reg.predict(X), _reg(solver="lbfgs", max_iter=50).fit(X, y).predict(X)
    )


@ignore_convergence
@pytest.mark.parametrize("loss, output_activation, expected", LOSS_OUTPUTS)
def test_loss_selects_output_activation(
    regression_data, rate_data, count_data, loss, output_activation, expected
):
    X, y = _data_for(loss, output_activation, regression_data, rate_data, count_data)
    reg = _reg(
        loss=loss, output_activation=output_activation, solver="lbfgs", max_iter=50
    ).fit(X, y)
    assert reg.out_activation_ == expected
    assert reg.loss_curve_[-1] < reg.loss_curve_[0]


@ignore_convergence
@pytest.mark.parametrize("loss", ["squared_error", "log_loss"])
def test_logistic_outputs_lie_in_unit_interval(rate_data, loss):
    X, y = rate_data
    reg = _reg(
        loss=loss, output_activation="logistic", solver="lbfgs", max_iter=100
    ).fit(X, y)
    pred = reg.predict(X)
    assert ((pred > 0) & (pred < 1)).all()
    assert reg.score(X, y) > 0.8


@ignore_convergence
def test_logistic_outputs_multi_output(rate_data):
    X, y = rate_data
    Y = np.column_stack([y, 1 - y])
    reg = _reg(
        loss="log_loss", output_activation="logistic", solver="lbfgs", max_iter=100
    ).fit(X, Y)
    pred = reg.predict(X)
    assert pred.shape == (len(y), 2)
    assert ((pred > 0) & (pred < 1)).all()


def test_log_loss_needs_logistic_output(rate_data):
    X, y = rate_data
    reg = _reg(loss="log_loss", solver="lbfgs")
    with pytest.raises(ValueError, match="output_activation"):
        reg.fit(X, y)
    assert not hasattr(reg, "coefs_")


@pytest.mark.parametrize("shift", [-0.1, 0.1])
@pytest.mark.parametrize("solver", ["lbfgs", "sgd"])
def test_log_loss_needs_targets_in_unit_interval(rate_data, shift, solver):
    X, y = rate_data
    y = y + shift  # pushes some targets below 0 or above 1
    reg = _reg(loss="log_loss", output_activation="logistic", solver=solver)
    with pytest.raises(ValueError, match=re.escape("[0, 1]")):
        reg.fit(X, y)
    if solver == "sgd":
        with pytest.raises(ValueError, match=re.escape("[0, 1]")):
            reg.partial_fit(X, y)
    assert not hasattr(reg, "coefs_")


@ignore_convergence
def test_poisson_predictions_are_positive(count_data):
    X, y = count_data
    assert (y == 0).any()  # zero counts are valid targets
    reg = _reg(loss="poisson", solver="lbfgs", max_iter=100).fit(X, y)
    assert reg.out_activation_ == "exp"
    pred = reg.predict(X)
    assert (pred > 0).all()
    # predictions in the data's range, far from the exp output's start of 1
    assert abs(pred.mean() - y.mean()) < 0.2 * y.mean()


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_poisson_rejects_negative_targets(count_data, solver):
    X, y = count_data
    y = y.copy()
    y[0] = -1.0
    with pytest.raises(ValueError, match="non-negative"):
        _reg(loss="poisson", solver=solver).fit(X, y)


def test_poisson_rejects_logistic_output(count_data):
    X, y = count_data
    with pytest.raises(ValueError, match="output_activation"):
        _reg(loss="poisson", output_activation="logistic", solver="lbfgs").fit(X, y)


# ----------------------------------------------------------------------
# Dtypes and input containers


@ignore_convergence
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
@pytest.mark.parametrize(
    "dtype, expected",
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64)],
)
def test_dtype_follows_input(regression_data, solver, dtype, expected):
    X, y = regression_data
    X = (10 * X).astype(dtype)
    reg = _reg(solver=solver, max_iter=10).fit(X, y)
    assert all(W.dtype == expected for W in reg.coefs_)
    assert all(b.dtype == expected for b in reg.intercepts_)
    assert reg.predict(X).dtype == expected
    assert reg.predict(X.astype(np.float64)).dtype == expected


@pytest.mark.parametrize(
    "first, later", [(np.float32, np.float64), (np.float64, np.float32)]
)
def test_partial_fit_keeps_the_dtype_of_the_first_call(regression_data, first, later):
    X, y = regression_data
    reg = _reg(solver="adam").partial_fit(X.astype(first), y)
    reg.partial_fit(X.astype(later), y)
    assert all(W.dtype == first for W in reg.coefs_)
    assert reg.predict(X.astype(later)).dtype == first


@ignore_convergence
@pytest.mark.parametrize("fmt", ["dense", "csr", "csc"])
def test_chunked_prediction_matches_one_pass(
    multioutput_regression_data, monkeypatch, fmt
):
    X, Y = multioutput_regression_data
    reg = _reg(solver="lbfgs", max_iter=20).fit(X, Y)
    expected = reg.predict(X)
    # widest layer has 5 units: 32 // 5 = 6 rows per chunk, 17 chunks
    monkeypatch.setattr("skbackprop._predicting._PREDICT_CHUNK_VALUES", 32)
    Xf = {"dense": X, "csr": sp.csr_matrix(X), "csc": sp.csc_matrix(X)}[fmt]
    assert_allclose(reg.predict(Xf), expected, rtol=1e-12, atol=1e-14)


@ignore_convergence
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gives_dense_predictions(multioutput_regression_data, fmt):
    X, Y = multioutput_regression_data
    X[np.abs(X) < 0.5] = 0.0
    Xs = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    reg = _reg(solver="lbfgs", max_iter=50).fit(X, Y)
    assert_allclose(reg.predict(Xs), reg.predict(X), rtol=1e-12, atol=1e-14)

    sparse_fit = _reg(solver="adam", max_iter=5).fit(Xs, Y)
    dense_fit = _reg(solver="adam", max_iter=5).fit(X, Y)
    for Ws, Wd in zip(sparse_fit.coefs_, dense_fit.coefs_, strict=True):
        assert_allclose(Ws, Wd, rtol=1e-9, atol=1e-12)


@ignore_convergence
def test_dataframe_sets_feature_names(regression_data):
    pd = pytest.importorskip("pandas")
    X, y = regression_data
    columns = [f"x{i}" for i in range(X.shape[1])]
    df = pd.DataFrame(X, columns=columns)
    reg = _reg(solver="lbfgs", max_iter=50).fit(df, pd.Series(y))
    assert_array_equal(reg.feature_names_in_, columns)
    assert reg.n_features_in_ == X.shape[1]
    assert_allclose(
        reg.predict(df), _reg(solver="lbfgs", max_iter=50).fit(X, y).predict(X)
    )


@ignore_convergence
def test_list_input(regression_data):
    X, y = regression_data
    from_lists = _reg(solver="lbfgs", max_iter=50).fit(X.tolist(), y.tolist())
    from_arrays = _reg(solver="lbfgs", max_iter=50).fit(X, y)
    assert not hasattr(from_lists, "feature_names_in_")
    assert_allclose(from_lists.predict(X.tolist()), from_arrays.predict(X))


# ----------------------------------------------------------------------
# partial_fit


def test_partial_fit_only_for_stochastic_solvers():
    assert not hasattr(BackpropRegressor(solver="lbfgs"), "partial_fit")
    assert hasattr(BackpropRegressor(solver="sgd"), "partial_fit")
    assert hasattr(BackpropRegressor(solver="adam"), "partial_fit")
    assert not hasattr(BackpropRegressor().set_params(solver="lbfgs"), "partial_fit")


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_runs_one_epoch_per_call(regression_data, solver):
    X, y = regression_data
    reg = _reg(solver=solver, batch_size=16, learning_rate_init=0.01)
    seen = 0
    for k, n in enumerate([40, 60, 100], start=1):
        reg.partial_fit(X[:n], y[:n])
        seen += n
        assert reg.n_iter_ == 1
        assert reg.t_ == seen
        assert len(reg.loss_curve_) == k


def test_partial_fit_rejects_other_number_of_outputs(multioutput_regression_data):
    X, Y = multioutput_regression_data
    reg = _reg(solver="sgd").partial_fit(X, Y)
    before = training_state(reg)
    with pytest.raises(ValueError, match="outputs"):
        reg.partial_fit(X, Y[:, :2])
    with pytest.raises(ValueError):
        reg.partial_fit(X[:, :3], Y)
    assert_same_state(before, training_state(reg))


# ----------------------------------------------------------------------
# Weight assignment and warm start


@ignore_convergence
@pytest.mark.parametrize("loss, output_activation, out_activation", LOSS_OUTPUTS)
def test_assigned_weights_then_partial_fit_is_one_sgd_step(
    regression_data, rate_data, count_data, loss, output_activation, out_activation
):
    X, y = _data_for(loss, output_activation, regression_data, rate_data, count_data)
    reg = _reg(
        loss=loss,
        output_activation=output_activation,
        solver="sgd",
        momentum=0.0,
        alpha=0.0,
        batch_size=len(y),
        shuffle=False,
        learning_rate_init=0.05,
        hidden_layer_sizes=(4, 3),
    ).fit(X, y)
    rng = np.random.default_rng(1)
    coefs = [0.5 * rng.normal(size=W.shape) for W in reg.coefs_]
    intercepts = [0.5 * rng.normal(size=b.shape) for b in reg.intercepts_]
    reg.coefs_ = coefs
    reg.intercepts_ = intercepts

    theta = flat(coefs, intercepts)
    layout = ParamLayout((X.shape[1], 4, 3, 1))
    _, grad = loss_and_grad(
        theta.copy(),
        layout,
        X,
        y.reshape(-1, 1),
        activation="logistic",
        out_activation=out_activation,
        loss=loss,
        alpha=0.0,
    )
    expected_coefs, expected_intercepts = layout.unpack(theta - 0.05 * grad)

    reg.partial_fit(X, y)
    for W, W_exp in zip(reg.coefs_, expected_coefs, strict=True):
        assert_allclose(W, W_exp, rtol=1e-12, atol=1e-15)
    for b, b_exp in zip(reg.intercepts_, expected_intercepts, strict=True):
        assert_allclose(b, b_exp, rtol=1e-12, atol=1e-15)


@ignore_convergence
def test_assigned_weights_then_alpha_step(regression_data):
    """The L2 term enters the step as (alpha / n) * W, biases untouched."""
    X, y = regression_data
    alpha, lr = 0.5, 0.01
    reg = _reg(
        solver="sgd",
        momentum=0.0,
        alpha=alpha,
        batch_size=len(y),
        shuffle=False,
        learning_rate_init=lr,
        max_iter=2,
    ).fit(X, y)
    twin = _reg(
        solver="sgd",
        momentum=0.0,
        alpha=0.0,
        batch_size=len(y),
        shuffle=False,
        learning_rate_init=lr,
        max_iter=2,
    ).fit(X, y)
    rng = np.random.default_rng(3)
    coefs = [rng.normal(size=W.shape) for W in reg.coefs_]
    intercepts = [rng.normal(size=b.shape) for b in reg.intercepts_]
    for est in (reg, twin):
        est.coefs_ = coefs
        est.intercepts_ = intercepts
        est.partial_fit(X, y)
    for W, W_twin, W0 in zip(reg.coefs_, twin.coefs_, coefs, strict=True):
        assert_allclose(W, W_twin - lr * alpha / len(y) * W0, rtol=1e-12)
    for b, b_twin in zip(reg.intercepts_, twin.intercepts_, strict=True):
        assert_allclose(b, b_twin, rtol=1e-12)


@ignore_convergence
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_item_assignment_equals_list_assignment(multioutput_regression_data, solver):
    X, Y = multioutput_regression_data
    a = _reg(solver=solver, learning_rate_init=0.01, max_iter=3).fit(X, Y)
    b = _reg(solver=solver, learning_rate_init=0.01, max_iter=3).fit(X, Y)
    rng = np.random.default_rng(2)
    coefs = [rng.normal(size=W.shape) for W in a.coefs_]
    intercepts = [rng.normal(size=v.shape) for v in a.intercepts_]

    for i, (W, v) in enumerate(zip(coefs, intercepts, strict=True)):
        a.coefs_[i] = W
        a.intercepts_[i] = v
    b.coefs_ = coefs
    b.intercepts_ = intercepts
    assert_array_equal(a._theta, b._theta)
    assert_array_equal(a.predict(X), b.predict(X))

    a.partial_fit(X, Y)
    b.partial_fit(X, Y)
    for Wa, Wb, W0 in zip(a.coefs_, b.coefs_, coefs, strict=True):
        assert_array_equal(Wa, Wb)
        assert not np.array_equal(Wa, W0)


@ignore_convergence
def test_assigned_weights_change_predictions(regression_data):
    X, y = regression_data
    reg = _reg(solver="lbfgs", max_iter=10).fit(X, y)
    reg.coefs_[-1] = np.zeros_like(reg.coefs_[-1])
    reg.intercepts_[-1] = np.array([1.25])
    assert_array_equal(reg.predict(X), np.full(len(y), 1.25))


@ignore_convergence
@pytest.mark.parametrize(
    "attr, make_value",
    [
        ("coefs_", lambda L: L[:-1]),
        ("coefs_", lambda L: [*L, L[-1]]),
        ("coefs_", lambda L: [W.T for W in L]),
        ("coefs_", lambda L: [np.full_like(W, np.nan) for W in L]),
        ("intercepts_", lambda L: [v[:-1] for v in L]),
        ("intercepts_", lambda L: [np.full_like(v, -np.inf) for v in L]),
    ],
    ids=["too-short", "too-long", "transposed", "nan", "bias-shape", "inf"],
)
def test_invalid_weight_assignment_raises(regression_data, attr, make_value):
    X, y = regression_data
    reg = _reg(hidden_layer_sizes=(4, 3), solver="lbfgs", max_iter=5).fit(X, y)
    before = reg._theta.copy()
    with pytest.raises(ValueError):
        setattr(reg, attr, make_value(getattr(reg, attr)))
    first = make_value(getattr(reg, attr))[0]
    if first.shape != getattr(reg, attr)[0].shape or not np.isfinite(first).all():
        with pytest.raises(ValueError):
            getattr(reg, attr)[0] = first
    assert_array_equal(reg._theta, before)


@ignore_convergence
def test_coefs_and_intercepts_are_views_of_theta(regression_data):
    X, y = regression_data
    reg = _reg(hidden_layer_sizes=(4, 3), solver="sgd", max_iter=3).fit(X, y)
    for W in [*reg.coefs_, *reg.intercepts_]:
        assert np.shares_memory(W, reg._theta)
    reg.partial_fit(X, y)  # still views after training replaced theta
    for W in [*reg.coefs_, *reg.intercepts_]:
        assert np.shares_memory(W, reg._theta)


@ignore_convergence
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_warm_start_continues_stochastic_fit(regression_data, solver):
    X, y = regression_data
    reg = _reg(solver=solver, learning_rate_init=0.01, max_iter=5, warm_start=True)
    reg.fit(X, y)
    first_curve = list(reg.loss_curve_)
    reg.fit(X, y)
    assert len(reg.loss_curve_) == 10
    assert reg.loss_curve_[:5] == first_curve
    assert reg.t_ == 10 * len(y)
    assert reg.loss_curve_[5] < first_curve[0]

    cold = clone(reg).set_params(warm_start=False).fit(X, y)
    assert cold.loss_curve_ == first_curve


@ignore_convergence
def test_warm_start_continues_lbfgs_fit(regression_data):
    X, y = regression_data
    reg = _reg(solver="lbfgs", max_iter=5, warm_start=True).fit(X, y)
    first_loss, first_curve = reg.loss_, list(reg.loss_curve_)
    reg.fit(X, y)
    # the curve continues across warm-start fits, from the previous weights
    assert reg.loss_curve_[: len(first_curve)] == first_curve
    assert len(reg.loss_curve_) == len(first_curve) + reg.n_iter_
    assert reg.loss_curve_[len(first_curve)] <= first_loss
    assert reg.loss_ < first_loss


@ignore_convergence
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_warm_start_with_new_hidden_layer_sizes_raises(regression_data, solver):
    X, y = regression_data
    reg = _reg(solver=solver, max_iter=3, warm_start=True).fit(X, y)
    before = training_state(reg)
    reg.set_params(hidden_layer_sizes=(5, 2))
    with pytest.raises(ValueError, match="warm_start"):
        reg.fit(X, y)
    assert_same_state(before, training_state(reg))


@ignore_convergence
def test_warm_start_with_new_number_of_outputs_raises(multioutput_regression_data):
    X, Y = multioutput_regression_data
    reg = _reg(solver="adam", max_iter=3, warm_start=True).fit(X, Y)
    with pytest.raises(ValueError):
        reg.fit(X, Y[:, 0])


# ----------------------------------------------------------------------
# The fitted state is plain data


def _assert_plain_data(value, path):
    assert not callable(value), f"{path} is callable: {value!r}"
    if value is None or isinstance(value, (str, bytes, numbers.Number, np.generic)):
        return
    if isinstance(value, np.ndarray):
        assert value.dtype != object, path
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _assert_plain_data(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _assert_plain_data(key, f"{path} key")
            _assert_plain_data(item, f"{path}[{key!r}]")
        return
    pytest.fail(f"{path} is a {type(value).__name__}, not plain data")


@ignore_convergence
@pytest.mark.parametrize(
    "params",
    [
        {"solver": "lbfgs"},
        {"solver": "sgd", "learning_rate": "adaptive"},
        {"solver": "adam", "early_stopping": True},
        {"solver": "adam", "loss": "log_loss", "output_activation": "logistic"},
    ],
)
def test_fitted_state_is_plain_data(rate_data, params):
    X, y = rate_data
    reg = _reg(max_iter=5, **params).fit(X, y)
    if params["solver"] != "lbfgs":
        reg.partial_fit(X, y)
    for name, value in vars(reg).items():
        _assert_plain_data(value, name)


@ignore_convergence
@pytest.mark.parametrize(
    "duplicate",
    [lambda est: pickle.loads(pickle.dumps(est)), copy.deepcopy],
    ids=["pickle", "deepcopy"],
)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_copies_predict_and_train_identically(
    multioutput_regression_data, duplicate, solver
):
    X, Y = multioutput_regression_data
    reg = _reg(solver=solver, learning_rate_init=0.01, max_iter=5).fit(X, Y)
    dup = duplicate(reg)
    assert_array_equal(dup.predict(X), reg.predict(X))
    for W in [*dup.coefs_, *dup.intercepts_]:
        assert np.shares_memory(W, dup._theta)
        assert not np.shares_memory(W, reg._theta)

    reg.partial_fit(X, Y)
    dup.partial_fit(X, Y)
    assert_array_equal(dup._theta, reg._theta)
    assert dup.t_ == reg.t_
    assert dup.loss_curve_ == reg.loss_curve_


# ----------------------------------------------------------------------
# Early stopping and the loss record


@ignore_convergence
def test_early_stopping_keeps_best_weights(regression_data):
    X, y = regression_data
    reg = _reg(
        solver="sgd",
        learning_rate_init=0.05,
        batch_size=10,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=1000,
        max_iter=30,
    ).fit(X, y)
    assert reg.n_iter_ == 30
    assert len(reg.validation_scores_) == 30
    assert len(reg.loss_curve_) == 30
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    assert reg.best_loss_ is None
    assert reg.validation_scores_[-1] < reg.best_validation_score_

    rng = np.random.RandomState(0)
    init_params(ParamLayout(reg._layer_units), rng, np.float64, 2.0)
    _, val = validation_split(
        X, y.reshape(-1, 1), None, validation_fraction=0.2, labels=None, rng=rng
    )
    assert reg.score(X[val], y[val]) == pytest.approx(reg.best_validation_score_)


@ignore_convergence
def test_early_stopping_stops_on_plateau(regression_data):
    X, y = regression_data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        reg = _reg(
            solver="adam",
            learning_rate_init=0.05,
            early_stopping=True,
            n_iter_no_change=2,
            tol=1e-2,
            max_iter=500,
        ).fit(X, y)
    assert reg.n_iter_ < 500
    assert len(reg.validation_scores_) == reg.n_iter_
    assert reg.best_validation_score_ == max(reg.validation_scores_)


@ignore_convergence
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_without_early_stopping_best_loss_is_min_loss(regression_data, solver):
    X, y = regression_data
    reg = _reg(solver=solver, learning_rate_init=0.01, max_iter=15).fit(X, y)
    assert reg.best_loss_ == min(reg.loss_curve_)
    assert reg.validation_scores_ is None
    assert reg.best_validation_score_ is None


# ----------------------------------------------------------------------
# Convergence warnings


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_convergence_warning_when_max_iter_stops_stochastic_fit(
    regression_data, solver
):
    X, y = regression_data
    with pytest.warns(ConvergenceWarning, match="max_iter|Maximum iterations"):
        reg = _reg(solver=solver, max_iter=3).fit(X, y)
    assert reg.n_iter_ == 3


def test_convergence_warning_when_lbfgs_hits_max_iter(regression_data):
    X, y = regression_data
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        reg = _reg(solver="lbfgs", max_iter=3).fit(X, y)
    assert reg.n_iter_ == 3


@pytest.mark.parametrize(
    "params",
    [
        {"solver": "sgd", "tol": 0.5, "n_iter_no_change": 2},
        {"solver": "adam", "tol": 0.5, "n_iter_no_change": 2},
        {"solver": "lbfgs", "tol": 1e-2},
    ],
)
def test_no_convergence_warning_when_tol_stops(regression_data, params):
    X, y = regression_data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        reg = _reg(max_iter=200, **params).fit(X, y)
    assert reg.n_iter_ < 200


# ----------------------------------------------------------------------
# Divergence


def _assert_divergence_error(excinfo):
    message = str(excinfo.value)
    assert "non-finite" in message
    assert re.search("smaller learning.rate", message)


@pytest.mark.parametrize(
    "params",
    [
        {
            "solver": "sgd",
            "learning_rate_init": 1e6,
            "momentum": 0.9,
            "activation": "relu",
        },
        {
            "solver": "sgd",
            "learning_rate_init": 1e6,
            "momentum": 0.9,
            "nesterovs_momentum": False,
            "activation": "identity",
        },
        {"solver": "adam", "learning_rate_init": 1e100, "activation": "relu"},
        {"solver": "adam", "learning_rate_init": 1e300},
    ],
)
def test_divergence_raises_and_leaves_estimator_unfitted(regression_data, params):
    X, y = regression_data
    reg = _reg(max_iter=200, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError) as excinfo:
            reg.fit(1000 * X, 100 * y)
    _assert_divergence_error(excinfo)
    assert not hasattr(reg, "coefs_")
    assert not hasattr(reg, "n_features_in_")
    with pytest.raises(NotFittedError):
        reg.predict(X)


@ignore_convergence
@pytest.mark.parametrize("solver, huge_rate", [("sgd", 1e6), ("adam", 1e300)])
def test_diverging_warm_start_fit_leaves_model_unchanged(
    regression_data, solver, huge_rate
):
    X, y = regression_data
    reg = _reg(solver=solver, activation="relu", learning_rate_init=0.01, max_iter=5)
    reg.fit(X, y)
    before = training_state(reg)
    pred = reg.predict(X)
    reg.set_params(
        warm_start=True, learning_rate_init=huge_rate, momentum=0.9, max_iter=200
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError) as excinfo:
            reg.fit(1000 * X, 100 * y)
    _assert_divergence_error(excinfo)
    assert_same_state(before, training_state(reg))
    assert np.isfinite(reg._theta).all()
    assert_array_equal(reg.predict(X), pred)


@ignore_convergence
def test_diverging_adam_partial_fit_leaves_model_unchanged(regression_data):
    X, y = regression_data
    reg = _reg(solver="adam", learning_rate_init=0.01, max_iter=5, batch_size=10)
    reg.fit(X, y).partial_fit(X, y)
    before = training_state(reg)
    opt = copy.deepcopy(reg._opt_state)
    reg.set_params(learning_rate_init=1e300)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError) as excinfo:
            reg.partial_fit(1000 * X, y)
    _assert_divergence_error(excinfo)
    assert_same_state(before, training_state(reg))
    assert reg._opt_state["t"] == opt["t"]
    assert_array_equal(reg._opt_state["m"], opt["m"])
    assert_array_equal(reg._opt_state["v"], opt["v"])


@ignore_convergence
def test_overflowing_sgd_partial_fit_leaves_model_unchanged(regression_data):
    X, y = regression_data
    reg = _reg(solver="sgd", learning_rate_init=0.01, max_iter=5).fit(X, y)
    before = training_state(reg)
    velocity = reg._opt_state["velocity"].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="non-finite"):
            reg.partial_fit(X, 1e200 * y)  # squared error overflows to inf
    assert_same_state(before, training_state(reg))
    assert_array_equal(reg._opt_state["velocity"], velocity)
    reg.partial_fit(X, y)
    assert reg.t_ == before["t"] + len(y)


# ----------------------------------------------------------------------
# Reproducibility and inputs


@ignore_convergence
@pytest.mark.parametrize(
    "params",
    [
        {"solver": "lbfgs"},
        {"solver": "sgd", "learning_rate_init": 0.01},
        {"solver": "adam"},
        {"solver": "adam", "early_stopping": True},
        {"solver": "lbfgs", "loss": "poisson"},
    ],
)
def test_same_random_state_gives_identical_weights(count_data, params):
    X, y = count_data
    a = _reg(max_iter=10, **params).fit(X, y)
    b = _reg(max_iter=10, **params).fit(X, y)
    c = clone(a).fit(X, y)
    for other in (b, c):
        pairs = zip(
            a.coefs_ + a.intercepts_, other.coefs_ + other.intercepts_, strict=True
        )
        for W1, W2 in pairs:
            assert np.array_equal(W1, W2)
        assert a.loss_curve_ == other.loss_curve_
    d = _reg(max_iter=10, **{**params, "random_state": 1}).fit(X, y)
    assert not np.array_equal(a.coefs_[0], d.coefs_[0])


@ignore_convergence
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_inputs_are_not_mutated(multioutput_regression_data, dtype, solver):
    X, Y = multioutput_regression_data
    X, Y = X.astype(dtype), Y.astype(dtype)
    sample_weight = np.linspace(0.5, 2.0, len(Y)).astype(dtype)
    hidden = [5, 3]
    X0, Y0, sw0 = X.copy(), Y.copy(), sample_weight.copy()
    reg = BackpropRegressor(
        hidden_layer_sizes=hidden,
        solver=solver,
        max_iter=5,
        random_state=0,
        early_stopping=solver == "adam",
    )
    reg.fit(X, Y, sample_weight=sample_weight)
    if solver == "adam":
        reg.partial_fit(X, Y, sample_weight=sample_weight)
    reg.predict(X)
    assert_array_equal(X, X0)
    assert_array_equal(Y, Y0)
    assert_array_equal(sample_weight, sw0)
    assert hidden == [5, 3]
    assert reg.hidden_layer_sizes is hidden
    assert [W.shape for W in reg.coefs_] == [(5, 5), (5, 3), (3, 3)]


# ----------------------------------------------------------------------
# sample_weight


def _lbfgs(**params):
    return _reg(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=30, **params)


@ignore_convergence
def test_integer_sample_weight_equals_repeated_rows(multioutput_regression_data):
    X, Y = multioutput_regression_data
    w = np.random.default_rng(0).integers(1, 4, len(Y))
    weighted = _lbfgs(alpha=1e-2).fit(X, Y, sample_weight=w)
    repeated = _lbfgs(alpha=1e-2).fit(np.repeat(X, w, axis=0), np.repeat(Y, w, axis=0))
    assert weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-9)
    assert_allclose(weighted.predict(X), repeated.predict(X), atol=1e-8)


@ignore_convergence
def test_zero_sample_weight_equals_dropping_rows(count_data):
    X, y = count_data
    w = np.ones(len(y))
    w[::3] = 0.0
    weighted = _lbfgs(loss="poisson").fit(X, y, sample_weight=w)
    dropped = _lbfgs(loss="poisson").fit(X[w > 0], y[w > 0])
    assert weighted.loss_ == pytest.approx(dropped.loss_, rel=1e-9)
    assert_allclose(weighted.predict(X), dropped.predict(X), rtol=1e-8)


@pytest.mark.parametrize(
    "make_weight, match",
    [
        (lambda n: np.r_[np.ones(n - 1), -0.5], "negative"),
        (lambda n: np.ones(n - 1), "sample"),
        (lambda n: np.zeros(n), "non-zero"),
    ],
    ids=["negative", "wrong-length", "all-zero"],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_invalid_sample_weight_raises(regression_data, make_weight, match, method):
    X, y = regression_data
    reg = _reg(solver="sgd", max_iter=2)
    with pytest.raises(ValueError, match=match):
        getattr(reg, method)(X, y, sample_weight=make_weight(len(y)))
    assert not hasattr(reg, "coefs_")


# ----------------------------------------------------------------------
# verbose


def _iteration_lines(out):
    return [line for line in out.splitlines() if line.startswith("Iteration")]


@ignore_convergence
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_verbose_prints_one_line_per_iteration(regression_data, capsys, solver):
    X, y = regression_data
    reg = _reg(solver=solver, max_iter=6, verbose=True).fit(X, y)
    lines = _iteration_lines(capsys.readouterr().out)
    assert len(lines) == reg.n_iter_ == len(reg.loss_curve_)
    assert [line.split(",")[0] for line in lines] == [
        f"Iteration {i}" for i in range(1, reg.n_iter_ + 1)
    ]

    reg.set_params(verbose=False).fit(X, y)
    assert capsys.readouterr().out == ""


# ----------------------------------------------------------------------
# loss_ follows the documented objective


def _objective(reg, X, Y, sample_weight=None):
    """Mean per-sample loss from predict, plus the scaled L2 penalty."""
    Y = Y.reshape(len(Y), -1)
    A = reg.predict(X).reshape(len(Y), -1)
    if reg.loss == "squared_error":
        per_sample = 0.5 * ((A - Y) ** 2).sum(axis=1)
    elif reg.loss == "log_loss":
        per_sample = -(xlogy(Y, A) + xlogy(1 - Y, 1 - A)).sum(axis=1)
    else:  # half Poisson deviance
        per_sample = (xlogy(Y, Y / A) - Y + A).sum(axis=1)
    sw = np.ones(len(Y)) if sample_weight is None else sample_weight
    penalty = sum((W**2).sum() for W in reg.coefs_)
    return (per_sample @ sw + 0.5 * reg.alpha * penalty) / sw.sum()


@ignore_convergence
@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("loss, output_activation, _", LOSS_OUTPUTS)
def test_lbfgs_loss_is_documented_objective(
    regression_data,
    rate_data,
    count_data,
    loss,
    output_activation,
    _,
    weighted,
    n_outputs,
):
    X, y = _data_for(loss, output_activation, regression_data, rate_data, count_data)
    if n_outputs == 2:
        y = np.column_stack([y, y[::-1]])
    sw = np.linspace(0.2, 3.0, len(y)) if weighted else None
    reg = _reg(
        loss=loss,
        output_activation=output_activation,
        solver="lbfgs",
        alpha=0.1,
        max_iter=20,
    ).fit(X, y, sample_weight=sw)
    assert reg.loss_ == pytest.approx(_objective(reg, X, y, sw), rel=1e-9)
    assert reg.loss_ == pytest.approx(reg.loss_curve_[-1], rel=1e-12)
