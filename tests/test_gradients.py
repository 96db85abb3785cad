"""Central finite differences on the pure core ``_network.loss_and_grad``.

Every hidden activation x every (loss, output) pair x alpha x sample weights
x depth: the analytic gradient must match central differences of the
returned objective, and the objective must match an independent numpy
computation of the documented formula

    J = sum_i s_i L(y_i, a_i) / S + alpha / (2 S) * sum_l ||W[l]||_F**2.
"""

import warnings
from itertools import pairwise

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, xlogy

from skbackprop import _activations
from skbackprop._activations import ACTIVATIONS, DERIVATIVES
from skbackprop._layout import ParamLayout
from skbackprop._network import Network, loss_and_grad

LOSS_OUTPUT_PAIRS = [
    ("squared_error", "identity"),
    ("squared_error", "logistic"),
    ("log_loss", "logistic"),
    ("log_loss", "softmax"),
    ("poisson", "exp"),
]
HIDDEN_ACTIVATIONS = sorted(DERIVATIVES)
# (n_features, *hidden, n_outputs): two hidden layers and one hidden layer.
DEPTHS = [(3, 4, 3, 3), (3, 5, 3)]
N_SAMPLES = 7
EPS = 1e-6
RTOL = 1e-6
# Gradient components smaller than this are compared absolutely: central
# differences of an O(1) objective carry ~1e-10 of round-off.
GRAD_FLOOR = 1e-2


# ---------------------------------------------------------------- helpers


def _targets(loss, out_activation, rng, n_samples, n_out):
    """Sensible targets for each (loss, output) pair."""
    if out_activation == "softmax":
        return np.eye(n_out)[rng.integers(0, n_out, size=n_samples)]
    if out_activation == "logistic":
        return rng.uniform(0.0, 1.0, size=(n_samples, n_out))
    if loss == "poisson":
        Y = rng.poisson(2.0, size=(n_samples, n_out)).astype(float)
        Y[0, 0] = 0.0  # exercise the y log y = 0 branch
        return Y
    return rng.normal(size=(n_samples, n_out))


def _sample_weight(kind, rng, n_samples):
    if kind is None:
        return None
    sw = rng.uniform(0.5, 2.0, size=n_samples)
    sw[[1, 4]] = 0.0
    return sw


def _problem(layer_units, loss, out_activation, sw_kind, seed=0):
    rng = np.random.default_rng(seed)
    layout = ParamLayout(layer_units)
    theta = rng.uniform(-0.8, 0.8, size=layout.n_params)
    X = rng.normal(size=(N_SAMPLES, layer_units[0]))
    Y = _targets(loss, out_activation, rng, N_SAMPLES, layer_units[-1])
    sw = _sample_weight(sw_kind, rng, N_SAMPLES)
    return layout, theta, X, Y, sw


def _reference_objective(
    theta,
    layer_units,
    X,
    Y,
    *,
    activation,
    out_activation,
    loss,
    alpha,
    sample_weight=None,
):
    """The documented objective, computed without any of the package's code."""
    shapes = list(pairwise(layer_units))
    pos, coefs, intercepts = 0, [], []
    for fan_in, fan_out in shapes:  # all weights first (C order) ...
        coefs.append(theta[pos : pos + fan_in * fan_out].reshape(fan_in, fan_out))
        pos += fan_in * fan_out
    for _, fan_out in shapes:  # ... then all biases
        intercepts.append(theta[pos : pos + fan_out])
        pos += fan_out
    assert pos == theta.size

    hidden = {
        "identity": lambda z: z,
        "logistic": lambda z: 1.0 / (1.0 + np.exp(-z)),
        "tanh": np.tanh,
        "relu": lambda z: np.where(z > 0, z, 0.0),
    }[activation]
    a = np.asarray(X)
    for W, b in zip(coefs[:-1], intercepts[:-1], strict=True):
        a = hidden(a @ W + b)
    z = a @ coefs[-1] + intercepts[-1]

    if out_activation == "identity":
        A = z
    elif out_activation == "logistic":
        A = 1.0 / (1.0 + np.exp(-z))
    elif out_activation == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        A = e / e.sum(axis=1, keepdims=True)
    else:
        A = np.exp(z)

    if loss == "squared_error":
        per_sample = 0.5 * ((A - Y) ** 2).sum(axis=1)
    elif loss == "log_loss" and out_activation == "softmax":
        per_sample = -(Y * np.log(A)).sum(axis=1)
    elif loss == "log_loss":
        per_sample = -(Y * np.log(A) + (1 - Y) * np.log(1 - A)).sum(axis=1)
    else:
        per_sample = (xlogy(Y, Y / A) - Y + A).sum(axis=1)

    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    S = s.sum()
    penalty = alpha / (2 * S) * sum((W**2).sum() for W in coefs)
    return (s * per_sample).sum() / S + penalty


def _central_differences(f, theta, eps=EPS):
    num = np.empty_like(theta)
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = eps
        num[k] = (f(theta + step) - f(theta - step)) / (2 * eps)
    return num


def _assert_grad_close(grad, num):
    scale = np.maximum(np.maximum(np.abs(grad), np.abs(num)), GRAD_FLOOR)
    rel = np.abs(grad - num) / scale
    worst = int(np.argmax(rel))
    assert rel.max() < RTOL, (
        f"component {worst}: analytic {grad[worst]!r} vs numeric {num[worst]!r}"
        f" (relative error {rel.max():.2e})"
    )


# ---------------------------------------------------------- the full grid


@pytest.mark.parametrize("layer_units", DEPTHS, ids=["2hidden", "1hidden"])
@pytest.mark.parametrize("sw_kind", [None, "weighted"], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize(("loss", "out_activation"), LOSS_OUTPUT_PAIRS)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_gradient_matches_central_differences(
    activation, loss, out_activation, alpha, sw_kind, layer_units
):
    layout, theta, X, Y, sw = _problem(layer_units, loss, out_activation, sw_kind)
    kwargs = dict(
        activation=activation,
        out_activation=out_activation,
        loss=loss,
        alpha=alpha,
        sample_weight=sw,
    )

    value, grad = loss_and_grad(theta, layout, X, Y, **kwargs)

    assert isinstance(value, float)
    assert grad.shape == theta.shape and grad.dtype == np.float64
    expected = _reference_objective(theta, layer_units, X, Y, **kwargs)
    assert value == pytest.approx(expected, rel=1e-12)

    num = _central_differences(
        lambda t: loss_and_grad(t, layout, X, Y, **kwargs)[0], theta
    )
    _assert_grad_close(grad, num)


@pytest.mark.parametrize(("loss", "out_activation"), LOSS_OUTPUT_PAIRS)
def test_gradient_without_hidden_layer(loss, out_activation):
    # layer_units of length 2: a generalised linear model.
    layer_units = (4, 3)
    layout, theta, X, Y, sw = _problem(layer_units, loss, out_activation, "weighted")
    kwargs = dict(
        activation="relu",
        out_activation=out_activation,
        loss=loss,
        alpha=0.3,
        sample_weight=sw,
    )
    value, grad = loss_and_grad(theta, layout, X, Y, **kwargs)
    expected = _reference_objective(theta, layer_units, X, Y, **kwargs)
    assert value == pytest.approx(expected, rel=1e-12)
    num = _central_differences(
        lambda t: loss_and_grad(t, layout, X, Y, **kwargs)[0], theta
    )
    _assert_grad_close(grad, num)


# ------------------------------------------------- objective properties


@pytest.fixture
def softmax_problem():
    """A two-hidden-layer softmax / cross-entropy problem with sample weights."""
    layout, theta, X, Y, sw = _problem((3, 4, 3, 3), "log_loss", "softmax", "weighted")
    kwargs = dict(
        activation="tanh", out_activation="softmax", loss="log_loss", alpha=0.3
    )
    return layout, theta, X, Y, sw, kwargs


def test_penalty_touches_weights_only(softmax_problem):
    layout, theta, X, Y, sw, kwargs = softmax_problem
    kwargs = {**kwargs, "alpha": 0.0}
    v0, g0 = loss_and_grad(theta, layout, X, Y, sample_weight=sw, **kwargs)
    v1, g1 = loss_and_grad(
        theta, layout, X, Y, sample_weight=sw, **{**kwargs, "alpha": 0.3}
    )
    S = sw.sum()
    W = theta[: layout.n_coefs]
    assert v1 - v0 == pytest.approx(0.3 / (2 * S) * (W @ W), rel=1e-10)
    assert_allclose(
        g1[: layout.n_coefs] - g0[: layout.n_coefs], 0.3 / S * W, rtol=1e-10, atol=1e-14
    )
    # Biases are not decayed.
    assert_array_equal(g1[layout.n_coefs :], g0[layout.n_coefs :])


def test_unit_sample_weight_equals_none(softmax_problem):
    layout, theta, X, Y, _, kwargs = softmax_problem
    v_none, g_none = loss_and_grad(theta, layout, X, Y, **kwargs)
    v_ones, g_ones = loss_and_grad(
        theta, layout, X, Y, sample_weight=np.ones(len(X)), **kwargs
    )
    assert v_ones == pytest.approx(v_none, rel=1e-12)
    assert_allclose(g_ones, g_none, rtol=1e-12, atol=1e-15)


def test_sample_weight_scale_invariance(softmax_problem):
    # Without the penalty, dividing by S = sum(s_i) makes the weights' scale
    # irrelevant (alpha / (2 S) is not scale-free, as in scikit-learn).
    layout, theta, X, Y, sw, kwargs = softmax_problem
    kwargs = {**kwargs, "alpha": 0.0}
    v1, g1 = loss_and_grad(theta, layout, X, Y, sample_weight=sw, **kwargs)
    v3, g3 = loss_and_grad(theta, layout, X, Y, sample_weight=3.0 * sw, **kwargs)
    assert v3 == pytest.approx(v1, rel=1e-12)
    assert_allclose(g3, g1, rtol=1e-12, atol=1e-15)


def test_integer_sample_weight_equals_repeated_rows(softmax_problem):
    layout, theta, X, Y, _, kwargs = softmax_problem
    counts = np.array([1, 0, 2, 3, 0, 1, 2])
    v_w, g_w = loss_and_grad(
        theta, layout, X, Y, sample_weight=counts.astype(float), **kwargs
    )
    rows = np.repeat(np.arange(len(X)), counts)
    v_r, g_r = loss_and_grad(theta, layout, X[rows], Y[rows], **kwargs)
    assert v_w == pytest.approx(v_r, rel=1e-12)
    assert_allclose(g_w, g_r, rtol=1e-10, atol=1e-14)


def test_zero_weight_rows_are_ignored(softmax_problem):
    layout, theta, X, Y, sw, kwargs = softmax_problem
    zero = sw == 0
    assert zero.any()
    X2, Y2 = X.copy(), Y.copy()
    X2[zero] = 50.0
    Y2[zero] = np.roll(Y2[zero], 1, axis=1)
    v1, g1 = loss_and_grad(theta, layout, X, Y, sample_weight=sw, **kwargs)
    v2, g2 = loss_and_grad(theta, layout, X2, Y2, sample_weight=sw, **kwargs)
    assert v2 == pytest.approx(v1, rel=1e-12)
    assert_allclose(g2, g1, rtol=1e-12, atol=1e-15)


# --------------------------------------------- sparse, buffers, dtypes


@pytest.mark.parametrize("sw_kind", [None, "weighted"])
@pytest.mark.parametrize(("loss", "out_activation"), LOSS_OUTPUT_PAIRS)
def test_sparse_csr_X_equals_dense(loss, out_activation, sw_kind):
    layout, theta, X, Y, sw = _problem((3, 4, 3, 3), loss, out_activation, sw_kind)
    X[np.abs(X) < 0.7] = 0.0  # make it actually sparse
    kwargs = dict(
        activation="relu",
        out_activation=out_activation,
        loss=loss,
        alpha=0.3,
        sample_weight=sw,
    )
    v_dense, g_dense = loss_and_grad(theta, layout, X, Y, **kwargs)
    v_sparse, g_sparse = loss_and_grad(theta, layout, sp.csr_matrix(X), Y, **kwargs)
    assert v_sparse == pytest.approx(v_dense, rel=1e-12)
    assert_allclose(g_sparse, g_dense, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("n_rows_extra", [0, 5])
@pytest.mark.parametrize("sw_kind", [None, "weighted"])
@pytest.mark.parametrize(("loss", "out_activation"), LOSS_OUTPUT_PAIRS)
def test_preallocated_grad_and_workspace(loss, out_activation, sw_kind, n_rows_extra):
    layout, theta, X, Y, sw = _problem((3, 4, 3, 3), loss, out_activation, sw_kind)
    kwargs = dict(
        activation="logistic",
        out_activation=out_activation,
        loss=loss,
        alpha=0.3,
        sample_weight=sw,
    )
    originals = [a.copy() for a in (theta, X, Y) + (() if sw is None else (sw,))]

    v_fresh, g_fresh = loss_and_grad(theta, layout, X, Y, **kwargs)

    # Garbage in every buffer: everything must be overwritten, never read.
    grad = np.full_like(theta, np.nan)
    work = Network(
        layout,
        activation="logistic",
        out_activation=out_activation,
        dtype=np.float64,
        max_rows=N_SAMPLES + n_rows_extra,
        loss=loss,
        alpha=0.3,
    )
    for buf in [*work._z, *work._delta, *work._tmp, work._a_out]:
        buf.fill(np.nan)
    for _ in range(2):  # reusing the same buffers gives the same answer again
        value, g = loss_and_grad(theta, layout, X, Y, grad=grad, work=work, **kwargs)
        assert g is grad
        assert value == v_fresh
        assert_array_equal(grad, g_fresh)

    inputs = [theta, X, Y] + ([] if sw is None else [sw])
    for before, after in zip(originals, inputs, strict=True):
        assert_array_equal(after, before)


def test_workspace_too_small_raises():
    layout, theta, X, Y, _ = _problem((3, 4, 3), "squared_error", "identity", None)
    work = Network(
        layout,
        activation="relu",
        out_activation="identity",
        dtype=np.float64,
        max_rows=N_SAMPLES - 1,
        loss="squared_error",
    )
    with pytest.raises(ValueError, match="rows"):
        loss_and_grad(
            theta,
            layout,
            X,
            Y,
            activation="relu",
            out_activation="identity",
            loss="squared_error",
            alpha=0.0,
            work=work,
        )


@pytest.mark.parametrize("sw_kind", [None, "weighted"])
@pytest.mark.parametrize(("loss", "out_activation"), LOSS_OUTPUT_PAIRS)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_float32_close_to_float64(activation, loss, out_activation, sw_kind):
    layout, theta, X, Y, sw = _problem((3, 4, 3, 3), loss, out_activation, sw_kind)
    kwargs = dict(
        activation=activation, out_activation=out_activation, loss=loss, alpha=0.3
    )
    v64, g64 = loss_and_grad(theta, layout, X, Y, sample_weight=sw, **kwargs)
    sw32 = None if sw is None else sw.astype(np.float32)
    v32, g32 = loss_and_grad(
        theta.astype(np.float32),
        layout,
        X.astype(np.float32),
        Y.astype(np.float32),
        sample_weight=sw32,
        **kwargs,
    )
    assert g32.dtype == np.float32
    assert v32 == pytest.approx(v64, rel=1e-3)
    assert_allclose(g32, g64, rtol=1e-3, atol=1e-5 * np.abs(g64).max())


# ----------------------------------------------------------- activations


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_logistic_saturates_without_warnings(dtype):
    big = 1e300 if dtype == np.float64 else 3e38
    z = np.array([-big, -1e4, 1e4, big, 0.0], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ACTIVATIONS["logistic"](z)
    assert z.dtype == dtype
    assert not np.isnan(z).any()
    assert_array_equal(z, np.array([0.0, 0.0, 1.0, 1.0, 0.5], dtype=dtype))


def test_softmax_of_large_logits():
    z = np.array(
        [
            [1000.0, 1001.0, 999.0],
            [-1e4, 0.0, 1e4],
            [1e300, 1e300, -1e300],
            [5.0, 5.0, 5.0],
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ACTIVATIONS["softmax"](z)
    assert np.isfinite(z).all()
    assert_allclose(z.sum(axis=1), 1.0, rtol=1e-15)
    # Shift invariance: the first row is softmax([1, 2, 0]).
    e = np.exp([1.0, 2.0, 0.0])
    assert_allclose(z[0], e / e.sum(), rtol=1e-12)
    assert_allclose(z[1], [0.0, 0.0, 1.0], atol=1e-300)
    assert_allclose(z[2], [0.5, 0.5, 0.0], atol=1e-300)
    assert_allclose(z[3], 1 / 3, rtol=1e-15)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_work_in_place(name):
    z = np.array([[-1.5, -0.2, 0.3, 2.0]])
    expected = {
        "identity": z,
        "logistic": expit(z),
        "tanh": np.tanh(z),
        "relu": np.maximum(z, 0),
        "softmax": np.exp(z) / np.exp(z).sum(),
        "exp": np.exp(z),
    }[name].copy()
    assert ACTIVATIONS[name](z) is z  # in place, returning the array written
    assert_allclose(z, expected, rtol=1e-14)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_write_into_out(name):
    z = np.array([[-1.5, -0.2, 0.3, 2.0]])
    expected = ACTIVATIONS[name](z.copy())
    z_before, out = z.copy(), np.full_like(z, np.nan)
    assert ACTIVATIONS[name](z, out=out) is out
    assert_allclose(out, expected, rtol=1e-15)
    assert_array_equal(z, z_before)


@pytest.mark.parametrize("name", HIDDEN_ACTIVATIONS)
def test_derivative_matches_finite_difference_of_activation(name):
    rng = np.random.default_rng(1)
    z = rng.uniform(-3, 3, size=(5, 4))
    z[np.abs(z) < 0.05] = 0.5  # stay off relu's kink

    def f(v):
        out = v.copy()
        ACTIVATIONS[name](out)
        return out

    h = 1e-6
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    a = f(z)
    delta0 = rng.normal(size=z.shape)
    delta = delta0.copy()
    a_before = a.copy()
    assert DERIVATIVES[name](a, delta) is None
    # The derivative multiplies delta in place, reading only the output a.
    assert_allclose(delta, delta0 * numeric, rtol=1e-7, atol=1e-9)
    assert_array_equal(a, a_before)


def test_hidden_registry_is_derivatives_keys():
    assert set(DERIVATIVES) == {"identity", "logistic", "tanh", "relu"}
    assert _activations.HIDDEN == frozenset(DERIVATIVES)
    assert set(DERIVATIVES) <= set(ACTIVATIONS)
