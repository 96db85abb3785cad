"""``ParamLayout`` (where every weight and bias lives in theta) and ``init_params``."""

import dataclasses
import pickle
import warnings
from itertools import pairwise

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skbackprop._layout import ParamLayout, init_params

LAYER_UNITS = [(3, 4, 3, 2), (3, 5, 1), (4, 2), (2, 7, 1, 6, 3)]


def _sizes(units):
    n_coefs = sum(a * b for a, b in pairwise(units))
    return n_coefs, n_coefs + sum(units[1:])


@pytest.fixture(params=LAYER_UNITS, ids=str)
def layout(request):
    return ParamLayout(request.param)


@pytest.fixture
def theta(layout):
    rng = np.random.default_rng(0)
    return rng.normal(size=layout.n_params)


# ----------------------------------------------------------------- sizes


@pytest.mark.parametrize(
    ("units", "n_coefs", "n_params"),
    [
        ((3, 4, 3, 2), 30, 39),  # 12 + 12 + 6 weights, 4 + 3 + 2 biases
        ((3, 5, 1), 20, 26),  # 15 + 5 weights, 5 + 1 biases
        ((4, 2), 8, 10),  # 8 weights, 2 biases
        ((2, 7, 1, 6, 3), 45, 62),  # 14 + 7 + 6 + 18 weights, 7 + 1 + 6 + 3 biases
    ],
)
def test_sizes_by_hand(units, n_coefs, n_params):
    layout = ParamLayout(units)
    assert layout.n_coefs == n_coefs
    assert layout.n_params == n_params
    assert layout.n_layers == len(units)
    assert (layout.n_coefs, layout.n_params) == _sizes(units)
    assert isinstance(layout.n_params, int) and isinstance(layout.n_coefs, int)


def test_shapes(layout):
    u = layout.layer_units
    assert layout.coef_shapes == tuple((u[i], u[i + 1]) for i in range(len(u) - 1))
    for s, (fan_in, fan_out) in zip(
        layout.coef_slices, layout.coef_shapes, strict=True
    ):
        assert s.stop - s.start == fan_in * fan_out
    for s, fan_out in zip(layout.intercept_slices, u[1:], strict=True):
        assert s.stop - s.start == fan_out


def test_slices_cover_theta_exactly_once_coefs_first(layout):
    slices = [*layout.coef_slices, *layout.intercept_slices]
    assert (
        len(layout.coef_slices) == len(layout.intercept_slices) == layout.n_layers - 1
    )
    hits = np.zeros(layout.n_params, dtype=int)
    for s in slices:
        assert s.step is None
        hits[s] += 1
    assert_array_equal(hits, 1)
    # In order and back to back: W[0], W[1], ..., b[0], b[1], ...
    starts = [s.start for s in slices]
    stops = [s.stop for s in slices]
    assert starts[0] == 0
    assert starts[1:] == stops[:-1]
    assert stops[-1] == layout.n_params
    assert layout.coef_slices[-1].stop == layout.n_coefs
    assert layout.intercept_slices[0].start == layout.n_coefs


def test_packing_order_is_scikit_learns(layout):
    # scikit-learn's MLP packs np.hstack([l.ravel() for l in coefs + intercepts]).
    rng = np.random.default_rng(1)
    coefs = [rng.normal(size=shape) for shape in layout.coef_shapes]
    intercepts = [rng.normal(size=n) for n in layout.layer_units[1:]]
    theta = np.hstack([p.ravel() for p in coefs + intercepts])
    got_coefs, got_intercepts = layout.unpack(theta)
    assert len(got_coefs) == len(coefs) and len(got_intercepts) == len(intercepts)
    for got, want in zip(got_coefs + got_intercepts, coefs + intercepts, strict=True):
        assert got.shape == want.shape
        assert_array_equal(got, want)


def test_unpack_returns_views(layout, theta):
    coefs, intercepts = layout.unpack(theta)
    for view, shape in zip(coefs, layout.coef_shapes, strict=True):
        assert view.shape == shape
    for view, n in zip(intercepts, layout.layer_units[1:], strict=True):
        assert view.shape == (n,)
    for view in coefs + intercepts:
        assert np.shares_memory(view, theta)
        assert not view.flags.owndata

    # Writing through a view changes theta at the C-order position ...
    last = len(coefs) - 1
    fan_in, fan_out = layout.coef_shapes[last]
    coefs[last][fan_in - 1, fan_out - 1] = 123.0
    assert theta[layout.coef_slices[last].start + fan_in * fan_out - 1] == 123.0
    coefs[0][0, 0] = -7.0
    assert theta[0] == -7.0
    intercepts[0][-1] = 42.0
    assert theta[layout.intercept_slices[0].stop - 1] == 42.0
    # ... and writing theta changes the views.
    theta[layout.n_params - 1] = 9.5
    assert intercepts[-1][-1] == 9.5
    theta[layout.n_coefs] = -3.25
    assert intercepts[0][0] == -3.25


def test_unpack_views_on_a_strided_theta(layout):
    # theta as a strided view (e.g. one column of a 2-D buffer) still unpacks
    # to views, not copies.
    buffer = np.zeros((layout.n_params, 2))
    theta = buffer[:, 1]
    coefs, intercepts = layout.unpack(theta)
    coefs[0][...] = 1.0
    intercepts[-1][...] = 2.0
    assert_array_equal(buffer[:, 0], 0.0)
    assert_array_equal(theta[layout.coef_slices[0]], 1.0)
    assert_array_equal(theta[layout.intercept_slices[-1]], 2.0)


def test_unpack_of_grad_like_theta(layout, theta):
    # Gradients share the layout: the L2-decayed prefix is exactly the weights.
    coefs, _ = layout.unpack(theta)
    assert_array_equal(
        np.concatenate([W.ravel() for W in coefs]), theta[: layout.n_coefs]
    )


# ------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "units",
    [(), (3,), (0, 2), (3, 0, 2), (3, -1, 2), (3, 2.5, 2), ("3", 2)],
    ids=[
        "empty",
        "one-layer",
        "zero-input",
        "zero-hidden",
        "negative",
        "fractional",
        "string",
    ],
)
def test_invalid_layer_units_raise(units):
    with pytest.raises(ValueError, match="layer_units"):
        ParamLayout(units)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_layer_units_raise_value_error(value):
    # STYLE rule 6: a ValueError naming the parameter, not whatever int() raises.
    with pytest.raises(ValueError, match="layer_units"):
        ParamLayout((3, value, 2))


def test_none_in_layer_units_raises():
    with pytest.raises((TypeError, ValueError)):
        ParamLayout((3, None, 2))


def test_integral_float_layer_units_are_rejected_or_usable():
    # 3.0 passes the `int(u) == u` check; it must then either be rejected up
    # front or give a layout that works (integer sizes, init_params runs).
    try:
        layout = ParamLayout((3.0, 4, 2))
    except ValueError:
        return
    assert isinstance(layout.n_params, int)
    theta = init_params(layout, np.random.RandomState(0), np.float64, 6.0)
    assert theta.shape == (layout.n_params,)


def test_numpy_integer_layer_units_work():
    layout = ParamLayout((np.int64(3), np.int32(4), 2))
    assert layout.n_params == 3 * 4 + 4 * 2 + 4 + 2
    coefs, _ = layout.unpack(np.zeros(layout.n_params))
    assert coefs[0].shape == (3, 4)


def test_layout_is_frozen_hashable_and_picklable(layout):
    with pytest.raises(dataclasses.FrozenInstanceError):
        layout.layer_units = (1, 1)
    same = ParamLayout(tuple(layout.layer_units))
    assert same == layout and hash(same) == hash(layout)
    _ = layout.n_params, layout.coef_slices  # populate the cached properties
    clone = pickle.loads(pickle.dumps(layout))
    assert clone == layout
    assert clone.coef_slices == layout.coef_slices
    assert clone.intercept_slices == layout.intercept_slices


# ----------------------------------------------------------- init_params


def _draws_by_hand(units, seed, factor):
    """scikit-learn's MLP initialisation, transcribed: per layer W then b."""
    rs = np.random.RandomState(seed)
    coefs, intercepts = [], []
    for fan_in, fan_out in pairwise(units):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rs.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rs.uniform(-bound, bound, fan_out))
    return coefs, intercepts


@pytest.mark.parametrize("factor", [2.0, 6.0])
def test_init_params_matches_scikit_learn_draws(layout, factor):
    theta = init_params(layout, np.random.RandomState(0), np.float64, factor)
    assert theta.shape == (layout.n_params,) and theta.dtype == np.float64
    coefs, intercepts = layout.unpack(theta)
    want_coefs, want_intercepts = _draws_by_hand(layout.layer_units, 0, factor)
    for got, want in zip(coefs + intercepts, want_coefs + want_intercepts, strict=True):
        assert_array_equal(got, want)


@pytest.mark.parametrize("factor", [2.0, 6.0])
def test_init_params_respects_glorot_bound(layout, factor):
    theta = init_params(layout, np.random.RandomState(3), np.float64, factor)
    coefs, intercepts = layout.unpack(theta)
    for W, b in zip(coefs, intercepts, strict=True):
        bound = np.sqrt(factor / sum(W.shape))
        assert np.abs(W).max() <= bound and np.abs(b).max() <= bound


def test_init_params_float32_is_the_cast_float64_draw(layout):
    theta32 = init_params(layout, np.random.RandomState(0), np.float32, 2.0)
    theta64 = init_params(layout, np.random.RandomState(0), np.float64, 2.0)
    assert theta32.dtype == np.float32
    assert_array_equal(theta32, theta64.astype(np.float32))


def test_init_params_consumes_the_given_rng(layout):
    rng = np.random.RandomState(0)
    first = init_params(layout, rng, np.float64, 6.0)
    second = init_params(layout, rng, np.float64, 6.0)
    assert not np.array_equal(first, second)  # the stream moved on
    again = init_params(layout, np.random.RandomState(0), np.float64, 6.0)
    assert_array_equal(first, again)


@pytest.mark.parametrize(
    ("Estimator", "activation", "factor", "hidden"),
    [
        ("MLPClassifier", "logistic", 2.0, (5, 3)),
        ("MLPRegressor", "relu", 6.0, (4,)),
    ],
)
def test_init_params_matches_a_fitted_sklearn_mlp(
    Estimator, activation, factor, hidden
):
    # With a learning rate of 1e-300, one SGD epoch moves no weight by even an
    # ulp, so scikit-learn's fitted coefs_ are its initial draws.
    from sklearn import neural_network

    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 4))
    if Estimator == "MLPClassifier":
        y, n_out = np.arange(12) % 3, 3
    else:
        y, n_out = rng.normal(size=(12, 2)), 2
    mlp = getattr(neural_network, Estimator)(
        hidden_layer_sizes=hidden,
        activation=activation,
        solver="sgd",
        learning_rate_init=1e-300,
        momentum=0.0,
        max_iter=1,
        shuffle=False,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after one epoch
        mlp.fit(X, y)

    layout = ParamLayout((4, *hidden, n_out))
    theta = init_params(layout, np.random.RandomState(0), np.float64, factor)
    coefs, intercepts = layout.unpack(theta)
    for got, want in zip(coefs + intercepts, mlp.coefs_ + mlp.intercepts_, strict=True):
        assert_array_equal(got, want)
