"""Stochastic optimizers updating the flat ``theta`` in place.

An optimizer's state is a plain dict of arrays shaped like ``theta`` and
numbers, so a fitted estimator can be pickled, copied or saved without any
optimizer object. ``init_state(solver, ...)`` creates it; a stepper
(:class:`SGD`, :class:`Adam`, from :func:`stepper`) applies updates during a
fit and ``finish()`` leaves the state exact again. The update equations are
scikit-learn's:

SGD with momentum ``mu`` and learning rate ``eta`` (velocity ``v``)::

    v     <- mu * v - eta * g
    theta <- theta + v                    (classical momentum)
    theta <- theta + mu * v - eta * g     (Nesterov)

With ``mu = 0`` both are plain SGD, ``theta <- theta - eta * g``, and no
velocity is kept (it would only ever be multiplied by zero).

Adam (Kingma and Ba, 2014) with step count ``t``::

    m     <- beta_1 * m + (1 - beta_1) * g
    v     <- beta_2 * v + (1 - beta_2) * g**2
    eta_t  = eta_0 * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    theta <- theta - eta_t * m / (sqrt(v) + epsilon)

Memory traffic, not arithmetic, bounds these updates, so the steppers make
as few passes over the parameter vector as they can. They keep each decaying
array divided by its running decay, ``v = s * V`` with ``s = mu**t``: the
update ``v <- mu v - eta g`` becomes the single pass ``V <- V - (eta / s) g``
instead of a scaling pass and an update pass. Before a scale would fall
below a floor (1e-100 in float64, 1e-10 in float32) it is folded back into
the array first, so ``eta / s`` never overflows however small the decay
(``mu = 1e-320`` included); ``finish`` folds it back at the end of a call.
SGD takes 1-3 passes per step and Adam 7 (scikit-learn's take about 7 and
12).

The updates are written against ``_ops`` (``axpy``, ``copyto`` and in-place
arithmetic), so the same equations run on numpy with BLAS and on any array
API library; the state's arrays live where ``theta`` lives.
"""

import math

import numpy as np

from ._ops import NUMPY, numpy_ops


def init_state(
    solver: str, n_params: int, dtype, learning_rate_init: float, ops=NUMPY
) -> dict:
    """Fresh optimizer state for ``solver`` ('sgd' or 'adam')."""
    state = {"solver": solver, "learning_rate": float(learning_rate_init)}
    if solver == "sgd":
        state["velocity"] = ops.zeros(n_params, dtype)
    elif solver == "adam":
        state["t"] = 0
        state["m"] = ops.zeros(n_params, dtype)
        state["v"] = ops.zeros(n_params, dtype)
    else:
        raise ValueError(f"no stochastic optimizer called {solver!r}")
    return state


def _smallest_scale(array) -> float:
    # keeps array / scale finite for gradients far beyond any sane training
    return 1e-10 if str(array.dtype).endswith("float32") else 1e-100


def _decay_and_add(ops, array, scale, decay, coef, x, tiny) -> float:
    """Apply ``u <- decay * u + coef * x`` to ``u = scale * array``; return the scale.

    The decay goes into the scale, so the update is one pass over ``array``.
    When the scale would fall below ``tiny`` it is folded into ``array``
    first (one more pass), so ``coef / scale`` stays finite for any decay in
    [0, 1), however small.
    """
    scale *= decay
    if scale < tiny:
        array *= scale
        scale = 1.0
    ops.axpy(x, array, a=coef / scale)
    return scale


class SGD:
    """Steps of SGD with classical or Nesterov momentum on ``state``."""

    def __init__(
        self, state, *, momentum: float, nesterovs_momentum: bool, ops=None, **_
    ):
        self.state = state
        self.momentum = float(momentum)
        self.nesterov = nesterovs_momentum
        self.velocity = state["velocity"]  # true velocity = scale * velocity
        self.scale = 1.0
        self.ops = ops or numpy_ops(self.velocity.dtype)
        self.tiny = _smallest_scale(self.velocity)

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """Apply one update to ``theta`` in place."""
        lr, mu, ops = self.state["learning_rate"], self.momentum, self.ops
        if mu == 0.0:  # plain SGD: no velocity to keep
            ops.axpy(grad, theta, a=-lr)
            return
        self.scale = _decay_and_add(
            ops, self.velocity, self.scale, mu, -lr, grad, self.tiny
        )
        if self.nesterov:
            ops.axpy(self.velocity, theta, a=mu * self.scale)
            ops.axpy(grad, theta, a=-lr)
        else:
            ops.axpy(self.velocity, theta, a=self.scale)

    def finish(self) -> dict:
        """Fold the running scale back into the state's arrays; return the state."""
        if self.scale != 1.0:
            self.velocity *= self.scale
            self.scale = 1.0
        return self.state


class Adam:
    """Steps of Adam on ``state``."""

    def __init__(
        self,
        state,
        *,
        learning_rate_init: float,
        beta_1: float,
        beta_2: float,
        epsilon: float,
        ops=None,
        **_,
    ):
        self.state = state
        self.lr0 = float(learning_rate_init)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), epsilon
        self.m, self.v = state["m"], state["v"]  # true m = scale_m * m, likewise v
        self.scale_m = self.scale_v = 1.0
        self.ops = ops = ops or numpy_ops(self.m.dtype)
        self.tmp = ops.empty(self.m.shape, self.m.dtype) if ops.buffered else None
        self.tiny = _smallest_scale(self.m)

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """Apply one update to ``theta`` in place."""
        state, ops, tmp = self.state, self.ops, self.tmp
        b1, b2 = self.beta_1, self.beta_2
        t = state["t"] = state["t"] + 1
        if b1 > 0.0:
            self.scale_m = _decay_and_add(
                ops, self.m, self.scale_m, b1, 1.0 - b1, grad, self.tiny
            )
        else:
            ops.copyto(self.m, grad)
        tmp = ops.square(grad, out=tmp)
        if b2 > 0.0:
            self.scale_v = _decay_and_add(
                ops, self.v, self.scale_v, b2, 1.0 - b2, tmp, self.tiny
            )
        else:
            ops.copyto(self.v, tmp)
        lr = state["learning_rate"] = self.lr0 * math.sqrt(1.0 - b2**t) / (1.0 - b1**t)
        # m / (sqrt(v) + eps) = (s_m / r) * M / (sqrt(V) + eps / r), r = sqrt(s_v)
        root = math.sqrt(self.scale_v)
        tmp = ops.sqrt(self.v, out=tmp)
        tmp += self.epsilon / root
        tmp = ops.divide(self.m, tmp, out=tmp)
        ops.axpy(tmp, theta, a=-lr * self.scale_m / root)

    def finish(self) -> dict:
        """Fold the running scales back into the state's arrays; return the state."""
        if self.scale_m != 1.0:
            self.m *= self.scale_m
            self.scale_m = 1.0
        if self.scale_v != 1.0:
            self.v *= self.scale_v
            self.scale_v = 1.0
        return self.state


STEPPERS = {"sgd": SGD, "adam": Adam}


def stepper(state: dict, **hyper):
    """Make the stepper for ``state``'s solver with the given hyperparameters."""
    return STEPPERS[state["solver"]](state, **hyper)


def step(theta, grad, state, **hyper) -> None:
    """Apply one update of the optimizer that owns ``state``.

    The minibatch loop keeps one stepper for a whole call instead.
    """
    one = stepper(state, **hyper)
    one.step(theta, grad)
    one.finish()


def end_epoch(
    state, *, learning_rate: str, learning_rate_init: float, power_t: float, t: int, **_
) -> None:
    """Epoch-end schedule: SGD's 'invscaling' sets ``eta = eta_0 / (t + 1)**power_t``.

    ``t`` is the number of samples seen so far.
    """
    if state["solver"] == "sgd" and learning_rate == "invscaling":
        # exp(-power_t * log(t + 1)) underflows to 0 where (t + 1)**power_t
        # would raise OverflowError
        decay = math.exp(-power_t * math.log(t + 1)) if t else 1.0
        state["learning_rate"] = float(learning_rate_init) * decay


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
    # %g: a rate of 2.56e-7 would read 0.000000 in scikit-learn's %f
    return False, f"Setting learning rate to {state['learning_rate']:.6g}"
