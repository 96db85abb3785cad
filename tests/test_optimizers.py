"""Exact update equations of ``_optimizers`` and the ``_solvers.Plateau`` rule.

Every expected number below is written out by hand (the arithmetic is in the
comments) for three steps on a 3-vector with fixed gradients

    theta0 = [1.0, -2.0, 0.5]
    g1 = [1.0, -2.0, 0.0],  g2 = [0.5, 0.5, 1.0],  g3 = [-1.0, 0.0, 2.0]
"""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skbackprop import _optimizers
from skbackprop._solvers import Plateau

GRADS = [
    np.array([1.0, -2.0, 0.0]),
    np.array([0.5, 0.5, 1.0]),
    np.array([-1.0, 0.0, 2.0]),
]
RTOL = 1e-13


@pytest.fixture
def theta():
    return np.array([1.0, -2.0, 0.5])


@pytest.fixture
def hyper():
    """Every hyperparameter the optimizers read, as the estimator passes them."""
    return dict(
        learning_rate="constant",
        learning_rate_init=0.1,
        power_t=0.5,
        momentum=0.9,
        nesterovs_momentum=False,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
    )


def _run(solver, theta, hyper):
    """Take the three steps; return the state and theta after each step."""
    state = _optimizers.init_state(
        solver, theta.size, theta.dtype, hyper["learning_rate_init"]
    )
    theta_id = id(theta)
    arrays = {k: v for k, v in state.items() if isinstance(v, np.ndarray)}
    history = []
    for g in GRADS:
        g_before = g.copy()
        assert _optimizers.step(theta, g, state, **hyper) is None
        assert id(theta) == theta_id  # updated in place
        assert_array_equal(g, g_before)  # the gradient is not touched
        history.append(theta.copy())
    for key, arr in arrays.items():  # state arrays are updated in place too
        assert state[key] is arr
    return state, history


# ------------------------------------------------------------------ init


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_init_state_sgd(dtype):
    state = _optimizers.init_state("sgd", 5, dtype, 0.01)
    assert state["solver"] == "sgd"
    assert state["learning_rate"] == 0.01
    assert isinstance(state["learning_rate"], float)
    assert state["velocity"].dtype == dtype
    assert_array_equal(state["velocity"], np.zeros(5))
    assert "m" not in state and "t" not in state


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_init_state_adam(dtype):
    state = _optimizers.init_state("adam", 4, dtype, 0.001)
    assert state["solver"] == "adam"
    assert state["t"] == 0
    assert state["learning_rate"] == 0.001
    for key in ("m", "v"):
        assert state[key].dtype == dtype
        assert_array_equal(state[key], np.zeros(4))
    assert state["m"] is not state["v"]
    assert "velocity" not in state


@pytest.mark.parametrize("solver", ["lbfgs", "SGD", ""])
def test_init_state_rejects_unknown_solver(solver):
    with pytest.raises(ValueError, match="optimizer"):
        _optimizers.init_state(solver, 3, np.float64, 0.1)


# ------------------------------------------------------------------- SGD


@pytest.mark.parametrize("nesterovs_momentum", [False, True])
def test_plain_sgd(theta, hyper, nesterovs_momentum):
    # momentum = 0: theta <- theta - 0.1 g, whatever nesterovs_momentum says.
    hyper.update(momentum=0.0, nesterovs_momentum=nesterovs_momentum)
    state, history = _run("sgd", theta, hyper)
    # [1, -2, .5] - .1 [1, -2, 0]  = [0.9, -1.8, 0.5]
    # [.9,-1.8,.5] - .1 [.5, .5, 1] = [0.85, -1.85, 0.4]
    # [.85,-1.85,.4] - .1 [-1, 0, 2] = [0.95, -1.85, 0.2]
    assert_allclose(history[0], [0.9, -1.8, 0.5], rtol=RTOL)
    assert_allclose(history[1], [0.85, -1.85, 0.4], rtol=RTOL)
    assert_allclose(history[2], [0.95, -1.85, 0.2], rtol=RTOL)
    # plain SGD keeps no velocity (it would be multiplied by momentum = 0)
    assert_array_equal(state["velocity"], 0.0)
    assert state["learning_rate"] == 0.1


def test_sgd_classical_momentum(theta, hyper):
    # v <- 0.9 v - 0.1 g ; theta <- theta + v
    state, history = _run("sgd", theta, hyper)
    # v1 = -0.1 [1, -2, 0]                       = [-0.1, 0.2, 0]
    # theta1 = [1, -2, .5] + v1                  = [0.9, -1.8, 0.5]
    assert_allclose(history[0], [0.9, -1.8, 0.5], rtol=RTOL)
    # v2 = .9 [-.1, .2, 0] - .1 [.5, .5, 1]      = [-0.14, 0.13, -0.1]
    # theta2 = [.9, -1.8, .5] + v2               = [0.76, -1.67, 0.4]
    assert_allclose(history[1], [0.76, -1.67, 0.4], rtol=RTOL)
    # v3 = .9 [-.14, .13, -.1] - .1 [-1, 0, 2]   = [-0.026, 0.117, -0.29]
    # theta3 = [.76, -1.67, .4] + v3             = [0.734, -1.553, 0.11]
    assert_allclose(history[2], [0.734, -1.553, 0.11], rtol=RTOL)
    assert_allclose(state["velocity"], [-0.026, 0.117, -0.29], rtol=RTOL)


def test_sgd_nesterov(theta, hyper):
    # v <- 0.9 v - 0.1 g ; theta <- theta + 0.9 v - 0.1 g  (with the NEW v)
    hyper["nesterovs_momentum"] = True
    state, history = _run("sgd", theta, hyper)
    # v1 = [-0.1, 0.2, 0]
    # u1 = .9 v1 - .1 [1, -2, 0]           = [-0.19, 0.38, 0]
    # theta1 = [1, -2, .5] + u1            = [0.81, -1.62, 0.5]
    assert_allclose(history[0], [0.81, -1.62, 0.5], rtol=RTOL)
    # v2 = [-0.14, 0.13, -0.1]
    # u2 = .9 v2 - .1 [.5, .5, 1]          = [-0.176, 0.067, -0.19]
    # theta2 = [.81, -1.62, .5] + u2       = [0.634, -1.553, 0.31]
    assert_allclose(history[1], [0.634, -1.553, 0.31], rtol=RTOL)
    # v3 = [-0.026, 0.117, -0.29]
    # u3 = .9 v3 - .1 [-1, 0, 2]           = [0.0766, 0.1053, -0.461]
    # theta3 = [.634, -1.553, .31] + u3    = [0.7106, -1.4477, -0.151]
    assert_allclose(history[2], [0.7106, -1.4477, -0.151], rtol=RTOL)
    assert_allclose(state["velocity"], [-0.026, 0.117, -0.29], rtol=RTOL)


def test_sgd_uses_the_current_learning_rate(theta, hyper):
    # SGD reads state['learning_rate'] (which schedules change), not
    # learning_rate_init.
    hyper["momentum"] = 0.0
    state = _optimizers.init_state("sgd", 3, np.float64, 0.1)
    state["learning_rate"] = 0.5
    _optimizers.step(theta, GRADS[0], state, **hyper)
    # [1, -2, .5] - .5 [1, -2, 0] = [0.5, -1.0, 0.5]
    assert_allclose(theta, [0.5, -1.0, 0.5], rtol=RTOL)


def _reference_steps(solver, theta, grads, h):
    """scikit-learn's update equations, written out in float64."""
    theta = theta.astype(np.float64)
    v = m = np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        g = g.astype(np.float64)
        if solver == "sgd":
            v = h["momentum"] * v - h["learning_rate_init"] * g
            if h["nesterovs_momentum"]:
                theta = theta + h["momentum"] * v - h["learning_rate_init"] * g
            else:
                theta = theta + v
        else:
            b1, b2 = h["beta_1"], h["beta_2"]
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g**2
            lr = h["learning_rate_init"] * np.sqrt(1 - b2**t) / (1 - b1**t)
            theta = theta - lr * m / (np.sqrt(v) + h["epsilon"])
    return theta, (v if solver == "sgd" else (m, v))


@pytest.mark.parametrize(
    ("solver", "extra"),
    [
        ("sgd", dict(momentum=0.3, nesterovs_momentum=True)),
        ("sgd", dict(momentum=0.2, nesterovs_momentum=False)),
        ("adam", dict(beta_1=0.3, beta_2=0.6)),
        ("adam", dict(beta_1=0.0, beta_2=0.999)),
        ("adam", dict(beta_1=0.9, beta_2=0.0)),
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_long_lived_stepper_matches_the_equations(hyper, solver, extra, dtype):
    # The minibatch loop keeps one stepper per fit, whose arrays are kept
    # divided by their running decay; with these small decay rates the scale
    # is folded back into the arrays many times within the 300 steps.
    hyper.update(extra)
    grads = np.random.default_rng(0).normal(size=(300, 6)).astype(dtype)
    theta = np.linspace(-1, 1, 6).astype(dtype)
    expected_theta, expected_state = _reference_steps(solver, theta, grads, hyper)
    state = _optimizers.init_state(solver, 6, dtype, hyper["learning_rate_init"])
    stepper = _optimizers.stepper(state, **hyper)
    for g in grads:
        stepper.step(theta, g)
    assert stepper.finish() is state
    rtol = 1e-10 if dtype == np.float64 else 2e-4
    assert theta.dtype == dtype
    assert_allclose(theta, expected_theta, rtol=rtol, atol=rtol)
    if solver == "sgd":
        assert_allclose(state["velocity"], expected_state, rtol=rtol, atol=rtol)
    else:
        assert state["t"] == len(grads)
        assert_allclose(state["m"], expected_state[0], rtol=rtol, atol=rtol)
        assert_allclose(state["v"], expected_state[1], rtol=rtol, atol=rtol)


@pytest.mark.parametrize(
    ("solver", "param"),
    [("sgd", "momentum"), ("adam", "beta_1"), ("adam", "beta_2")],
)
@pytest.mark.parametrize(
    ("dtype", "tiny"),
    [(np.float64, 1e-320), (np.float64, 1e-200), (np.float32, 1e-40)],
)
def test_tiny_decay_rates_step_like_zero(hyper, solver, param, dtype, tiny):
    # A decay rate of 1e-320 is valid; the rescaled state must not overflow
    # (1 / 1e-320 is inf) but step exactly as its neighbour 0 does, up to the
    # size of the decay itself.
    hyper["nesterovs_momentum"] = True
    grads = np.random.default_rng(1).normal(size=(50, 6)).astype(dtype)
    results = []
    for value in (tiny, 0.0):
        theta = np.linspace(-1, 1, 6).astype(dtype)
        state = _optimizers.init_state(solver, 6, dtype, 0.1)
        stepper = _optimizers.stepper(state, **{**hyper, param: value})
        for g in grads:
            stepper.step(theta, g)
        stepper.finish()
        arrays = [state[k] for k in ("velocity", "m", "v") if k in state]
        assert all(np.isfinite(a).all() for a in [theta, *arrays])
        results.append((theta, arrays))
    (theta_tiny, state_tiny), (theta_zero, state_zero) = results
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    assert_allclose(theta_tiny, theta_zero, rtol=rtol)
    if solver == "adam":  # (with momentum 0, SGD keeps no velocity)
        for a, b in zip(state_tiny, state_zero, strict=True):
            assert_allclose(a, b, rtol=rtol, atol=1e-30)


# ------------------------------------------------------------------ Adam


def test_adam(theta, hyper):
    state, history = _run("adam", theta, hyper)

    # t = 1
    # m1 = .1 g1                          = [0.1, -0.2, 0]
    # v1 = .001 g1**2                     = [0.001, 0.004, 0]
    # eta1 = .1 sqrt(1 - .999) / (1 - .9) = sqrt(.001) = 0.0316227766016838
    # theta1 = theta0 - eta1 m1 / (sqrt(v1) + 1e-8): the first Adam step moves
    # every coordinate with a nonzero gradient by ~eta0 = 0.1 against it.
    m1, v1 = np.array([0.1, -0.2, 0.0]), np.array([0.001, 0.004, 0.0])
    eta1 = 0.03162277660168381
    theta1 = np.array([1.0, -2.0, 0.5]) - eta1 * m1 / (np.sqrt(v1) + 1e-8)
    assert_allclose(history[0], theta1, rtol=RTOL)
    assert_allclose(history[0], [0.9, -1.9, 0.5], rtol=1e-6)  # theta0 - 0.1 sign(g1)

    # t = 2
    # m2 = .9 m1 + .1 g2                  = [0.14, -0.13, 0.1]
    # v2 = .999 v1 + .001 g2**2           = [0.001249, 0.004246, 0.001]
    # eta2 = .1 sqrt(1 - .998001) / (1 - .81)   = 0.0235316725327453
    m2, v2 = np.array([0.14, -0.13, 0.1]), np.array([0.001249, 0.004246, 0.001])
    eta2 = 0.023531672532745275
    theta2 = theta1 - eta2 * m2 / (np.sqrt(v2) + 1e-8)
    assert_allclose(history[1], theta2, rtol=RTOL)

    # t = 3
    # m3 = .9 m2 + .1 g3                  = [0.026, -0.117, 0.29]
    # v3 = .999 v2 + .001 g3**2           = [0.002247751, 0.004241754, 0.004999]
    # eta3 = .1 sqrt(1 - .997002999) / (1 - .729) = 0.0202010597438968
    m3 = np.array([0.026, -0.117, 0.29])
    v3 = np.array([0.002247751, 0.004241754, 0.004999])
    eta3 = 0.020201059743896792
    theta3 = theta2 - eta3 * m3 / (np.sqrt(v3) + 1e-8)
    assert_allclose(history[2], theta3, rtol=RTOL)

    assert state["t"] == 3
    assert_allclose(state["m"], m3, rtol=RTOL)
    assert_allclose(state["v"], v3, rtol=RTOL)
    # The bias-corrected rate of the last step is recorded in the state.
    assert state["learning_rate"] == pytest.approx(eta3, rel=RTOL)
    assert isinstance(state["learning_rate"], float)


def test_adam_rate_comes_from_learning_rate_init(theta, hyper):
    # Adam recomputes eta_t from learning_rate_init every step; the value it
    # stored in the state is a report, not an input (no compounding).
    state = _optimizers.init_state("adam", 3, np.float64, 0.1)
    _optimizers.step(theta, GRADS[0], state, **hyper)
    state["learning_rate"] = 123.0
    _optimizers.step(theta, GRADS[1], state, **hyper)
    assert state["learning_rate"] == pytest.approx(0.023531672532745275, rel=RTOL)


def test_adam_keeps_float32(hyper):
    theta = np.array([1.0, -2.0, 0.5], dtype=np.float32)
    state = _optimizers.init_state("adam", 3, np.float32, 0.1)
    for g in GRADS:
        _optimizers.step(theta, g.astype(np.float32), state, **hyper)
    assert theta.dtype == state["m"].dtype == state["v"].dtype == np.float32
    theta64 = np.array([1.0, -2.0, 0.5])
    state64 = _optimizers.init_state("adam", 3, np.float64, 0.1)
    for g in GRADS:
        _optimizers.step(theta64, g, state64, **hyper)
    assert_allclose(theta, theta64, rtol=1e-5)


# ------------------------------------------------------------- schedules


@pytest.mark.parametrize(
    ("t", "power_t", "expected"),
    [
        (0, 0.5, 0.1),  # 0.1 / 1**0.5
        (99, 0.5, 0.01),  # 0.1 / 100**0.5
        (399, 0.5, 0.005),  # 0.1 / 400**0.5
        (9, 1.0, 0.01),  # 0.1 / 10**1
        (7, 0.25, 0.1 / 8**0.25),
    ],
)
def test_invscaling_end_epoch(hyper, t, power_t, expected):
    hyper.update(learning_rate="invscaling", power_t=power_t)
    state = _optimizers.init_state("sgd", 3, np.float64, 0.1)
    state["learning_rate"] = 0.7  # overwritten, not divided
    assert _optimizers.end_epoch(state, t=t, **hyper) is None
    assert state["learning_rate"] == pytest.approx(expected, rel=RTOL)


@pytest.mark.parametrize("power_t", [400.0, 1e10, 1e300])
def test_invscaling_with_a_huge_power_t_decays_to_zero(hyper, power_t):
    # (t + 1) ** power_t overflows a float (OverflowError); the rate it
    # divides into is simply 0
    hyper.update(learning_rate="invscaling", power_t=power_t)
    state = _optimizers.init_state("sgd", 3, np.float64, 0.1)
    _optimizers.end_epoch(state, t=1000, **hyper)
    assert state["learning_rate"] == 0.0


def test_invscaling_is_applied_by_end_epoch_only(theta, hyper):
    hyper.update(learning_rate="invscaling", momentum=0.0)
    state = _optimizers.init_state("sgd", 3, np.float64, 0.1)
    _optimizers.step(theta, GRADS[0], state, **hyper)
    assert state["learning_rate"] == 0.1
    _optimizers.end_epoch(state, t=3, **hyper)  # 0.1 / 4**0.5 = 0.05
    assert state["learning_rate"] == pytest.approx(0.05, rel=RTOL)
    _optimizers.step(theta, GRADS[1], state, **hyper)
    # [0.9, -1.8, 0.5] - 0.05 [0.5, 0.5, 1] = [0.875, -1.825, 0.45]
    assert_allclose(theta, [0.875, -1.825, 0.45], rtol=RTOL)


@pytest.mark.parametrize(
    ("solver", "learning_rate"),
    [("sgd", "constant"), ("sgd", "adaptive"), ("adam", "invscaling")],
)
def test_end_epoch_leaves_other_schedules_alone(hyper, solver, learning_rate):
    hyper["learning_rate"] = learning_rate
    state = _optimizers.init_state(solver, 3, np.float64, 0.1)
    _optimizers.end_epoch(state, t=99, **hyper)
    assert state["learning_rate"] == 0.1


def test_adaptive_on_plateau_divides_by_five_until_tiny(hyper):
    hyper["learning_rate"] = "adaptive"
    state = _optimizers.init_state("sgd", 3, np.float64, 1e-3)
    rates = []
    while True:
        stop, message = _optimizers.on_plateau(state, **hyper)
        assert isinstance(message, str) and message
        if stop:
            break
        rates.append(state["learning_rate"])
        assert len(rates) < 20
    # 1e-3 / 5 = 2e-4, 4e-5, 8e-6, 1.6e-6, 3.2e-7 (<= 1e-6: the next call stops)
    assert_allclose(rates, [2e-4, 4e-5, 8e-6, 1.6e-6, 3.2e-7], rtol=RTOL)
    assert state["learning_rate"] == pytest.approx(3.2e-7, rel=RTOL)
    assert "too small" in message.lower()


def test_adaptive_stops_at_exactly_1e_6(hyper):
    hyper["learning_rate"] = "adaptive"
    state = _optimizers.init_state("sgd", 3, np.float64, 1e-6)
    stop, _ = _optimizers.on_plateau(state, **hyper)
    assert stop
    assert state["learning_rate"] == 1e-6

    state = _optimizers.init_state("sgd", 3, np.float64, 1.01e-6)
    stop, message = _optimizers.on_plateau(state, **hyper)
    assert not stop
    assert state["learning_rate"] == pytest.approx(2.02e-7, rel=RTOL)
    assert "learning rate" in message.lower()


@pytest.mark.parametrize(
    ("solver", "learning_rate"),
    [
        ("sgd", "constant"),
        ("sgd", "invscaling"),
        ("adam", "constant"),
        ("adam", "adaptive"),
    ],
)
def test_other_configurations_stop_on_plateau(hyper, solver, learning_rate):
    hyper["learning_rate"] = learning_rate
    state = _optimizers.init_state(solver, 3, np.float64, 0.1)
    stop, _ = _optimizers.on_plateau(state, **hyper)
    assert stop is True
    assert state["learning_rate"] == 0.1


# ---------------------------------------------------------------- Plateau


def test_plateau_tol_semantics():
    p = Plateau(tol=0.25, n_iter_no_change=2)
    assert p.best == -np.inf and p.count == 0 and not p.stalled
    assert p.update(1.0) is True  # anything beats -inf
    assert (p.best, p.count) == (1.0, 0)
    # 1.125 < best + tol = 1.25: no improvement, although best moves on.
    assert p.update(1.125) is True
    assert (p.best, p.count) == (1.125, 1)
    # 1.375 >= 1.125 + 0.25 exactly: an improvement, the count resets.
    assert p.update(1.375) is True
    assert (p.best, p.count) == (1.375, 0)
    assert p.update(1.0) is False
    assert (p.best, p.count) == (1.375, 1)
    assert p.update(1.375) is False  # equal to best: neither new best nor progress
    assert (p.best, p.count) == (1.375, 2)
    assert not p.stalled  # count == n_iter_no_change is not yet a plateau
    assert p.update(1.5) is True
    assert (p.best, p.count) == (1.5, 3)
    assert p.stalled  # count > n_iter_no_change


def test_plateau_nan_counts_as_no_improvement():
    p = Plateau(tol=1e-4, n_iter_no_change=1)
    p.update(0.5)
    assert p.update(math.nan) is False
    assert (p.best, p.count) == (0.5, 1)
    assert p.update(math.nan) is False
    assert p.count == 2 and p.stalled
    assert p.best == 0.5


def test_plateau_counts_a_falling_validation_loss_as_progress():
    # early stopping passes the validation loss too: a flat score (accuracy
    # moves in steps of 1 / n_validation) while the loss still falls by more
    # than tol is progress
    p = Plateau(tol=0.01, n_iter_no_change=1)
    p.update(0.5, 1.0)
    assert p.update(0.5, 0.98) is False  # not a new best score...
    assert p.count == 0  # ...but progress: the loss fell by 0.02
    p.update(0.5, 0.975)  # fell by only 0.005 < tol
    assert (p.count, p.best_loss) == (1, 0.975)
    p.update(0.5, 0.99)
    assert p.count == 2 and p.stalled
    p.update(0.5, 0.96)  # below the best loss 0.975 by more than tol
    assert p.count == 0


def test_plateau_zero_tol():
    p = Plateau(tol=0.0, n_iter_no_change=0)
    p.update(1.0)
    p.update(1.0)  # >= best + 0: counts as progress
    assert p.count == 0 and not p.stalled
    p.update(0.999)
    assert p.count == 1 and p.stalled


def _sklearn_validation_rule(scores, tol, n_iter_no_change):
    """scikit-learn's MLP early-stopping bookkeeping, transcribed."""
    best, count, out = -np.inf, 0, []
    for s in scores:
        if s < best + tol:
            count += 1
        else:
            count = 0
        if s > best:
            best = s
        out.append((best, count, count > n_iter_no_change))
    return out


def _sklearn_loss_rule(losses, tol, n_iter_no_change):
    """scikit-learn's MLP training-loss bookkeeping, transcribed."""
    best, count, out = np.inf, 0, []
    for loss in losses:
        if loss > best - tol:
            count += 1
        else:
            count = 0
        if loss < best:
            best = loss
        out.append((-best, count, count > n_iter_no_change))
    return out


@pytest.mark.parametrize("tol", [0.0, 1e-4, 0.05])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_plateau_matches_scikit_learn(seed, tol):
    rng = np.random.default_rng(seed)
    # A slowly improving, noisy, sometimes flat curve.
    scores = np.round(np.cumsum(rng.normal(0.01, 0.03, size=40)), 2)

    p = Plateau(tol=tol, n_iter_no_change=3)
    ours = []
    for s in scores:
        p.update(float(s))
        ours.append((p.best, p.count, p.stalled))
    assert ours == _sklearn_validation_rule(scores, tol, 3)

    p = Plateau(tol=tol, n_iter_no_change=3)
    ours = []
    for loss in -scores:
        p.update(-float(loss))
        ours.append((p.best, p.count, p.stalled))
    assert ours == _sklearn_loss_rule(-scores, tol, 3)
