"""Stochastic optimizers updating the flat ``theta`` in place.

An optimizer's state is a plain dict of arrays shaped like ``theta`` and
numbers, so a fitted estimator can be pickled, copied or saved without any
optimizer object. ``init_state(solver, ...)`` creates it; ``step(solver, ...)``
applies one update. The update equations are scikit-learn's:

SGD with momentum ``mu`` and learning rate ``eta`` (velocity ``v``)::

    v     <- mu * v - eta * g
    theta <- theta + v                    (classical momentum)
    theta <- theta + mu * v - eta * g     (Nesterov)

Adam (Kingma and Ba, 2014) with step count ``t``::

    m     <- beta_1 * m + (1 - beta_1) * g
    v     <- beta_2 * v + (1 - beta_2) * g**2
    eta_t  = eta_0 * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    theta <- theta - eta_t * m / (sqrt(v) + epsilon)
"""

import math

import numpy as np


def init_state(solver: str, n_params: int, dtype, learning_rate_init: float) -> dict:
    """Fresh optimizer state for ``solver`` ('sgd' or 'adam')."""
    state = {"solver": solver, "learning_rate": float(learning_rate_init)}
    if solver == "sgd":
        state["velocity"] = np.zeros(n_params, dtype=dtype)
    elif solver == "adam":
        state["t"] = 0
        state["m"] = np.zeros(n_params, dtype=dtype)
        state["v"] = np.zeros(n_params, dtype=dtype)
    else:
        raise ValueError(f"no stochastic optimizer called {solver!r}")
    return state


def sgd_step(theta, grad, state, *, momentum: float, nesterovs_momentum: bool, **_):
    """One SGD (momentum / Nesterov) update of ``theta`` in place."""
    lr_grad = state["learning_rate"] * grad
    velocity = state["velocity"]
    velocity *= momentum
    velocity -= lr_grad
    if nesterovs_momentum:
        update = momentum * velocity
        update -= lr_grad
        theta += update
    else:
        theta += velocity


def adam_step(
    theta,
    grad,
    state,
    *,
    learning_rate_init: float,
    beta_1: float,
    beta_2: float,
    epsilon: float,
    **_,
):
    """One Adam update of ``theta`` in place."""
    t = state["t"] + 1
    m, v = state["m"], state["v"]
    m *= beta_1
    m += (1 - beta_1) * grad
    grad_sq = grad * grad
    grad_sq *= 1 - beta_2
    v *= beta_2
    v += grad_sq
    lr = learning_rate_init * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    denom = np.sqrt(v)
    denom += epsilon
    update = m * -lr
    update /= denom
    theta += update
    state["t"] = t
    state["learning_rate"] = lr


STEPS = {"sgd": sgd_step, "adam": adam_step}


def step(theta, grad, state, **hyper) -> None:
    """Apply one update of the optimizer that owns ``state``."""
    STEPS[state["solver"]](theta, grad, state, **hyper)


def end_epoch(
    state, *, learning_rate: str, learning_rate_init: float, power_t: float, t: int, **_
) -> None:
    """Epoch-end schedule: SGD's 'invscaling' sets ``eta = eta_0 / (t + 1)**power_t``.

    ``t`` is the number of samples seen so far.
    """
    if state["solver"] == "sgd" and learning_rate == "invscaling":
        state["learning_rate"] = float(learning_rate_init) / (t + 1) ** power_t


def on_plateau(state, *, learning_rate: str, **_) -> tuple[bool, str]:
    """Decide what to do when progress stalls; return ``(stop, reason)``.

    SGD with the 'adaptive' schedule divides its learning rate by 5 and keeps
    going until the rate falls to 1e-6; everything else stops.
    """
    if state["solver"] != "sgd" or learning_rate != "adaptive":
        return True, "Stopping."
    if state["learning_rate"] <= 1e-6:
        return True, "Learning rate too small. Stopping."
    state["learning_rate"] /= 5.0
    return False, f"Setting learning rate to {state['learning_rate']:f}"
