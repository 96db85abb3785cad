"""Solvers: L-BFGS over a pure objective, and the minibatch epoch loop.

Nothing here knows about estimators: the shell passes the objective, the
optimizer's hyperparameters, an ``rng`` for shuffling, and two callables, one
scoring a parameter vector on validation data and one reporting progress.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from . import _optimizers


class NonFiniteLossError(ArithmeticError):
    """The objective became inf or NaN: the optimisation diverged."""


@dataclass
class LbfgsResult:
    """Outcome of :func:`minimize_lbfgs`."""

    theta: np.ndarray
    loss: float
    n_iter: int
    loss_curve: list
    converged: bool
    message: str


def minimize_lbfgs(objective, theta0, *, max_iter, max_fun, tol, report) -> LbfgsResult:
    """Minimise ``objective(theta) -> (loss, grad)`` with scipy's L-BFGS-B.

    Scipy works in float64; a float32 model is evaluated in float32 at each
    iterate and its gradient returned in float64. ``report(iteration, loss)``
    is called after every iteration.
    """
    dtype = theta0.dtype
    curve = []

    def fun(x):
        theta = x if dtype == np.float64 else x.astype(dtype)
        loss, grad = objective(theta)
        return loss, grad.astype(np.float64)  # a copy: scipy may keep it

    def callback(intermediate_result):
        curve.append(float(intermediate_result.fun))
        report(len(curve), curve[-1])

    res = scipy.optimize.minimize(
        fun,
        theta0.astype(np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=callback,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    theta = res.x.astype(dtype)
    if not (math.isfinite(res.fun) and np.isfinite(theta).all()):
        raise NonFiniteLossError
    message = res.message if isinstance(res.message, str) else res.message.decode()
    return LbfgsResult(
        theta, float(res.fun), int(res.nit), curve, res.status == 0, message
    )


@dataclass
class Plateau:
    """Counts epochs without improvement of a score (higher is better).

    An epoch counts as no improvement when its score is below
    ``best + tol`` (or NaN); ``best`` itself moves on any increase. This is
    scikit-learn's rule, applied to the validation score or to ``-loss``.
    """

    tol: float
    n_iter_no_change: float
    best: float = -np.inf
    count: int = 0

    def update(self, score: float) -> bool:
        """Record ``score``; return True when it is a new best."""
        if score >= self.best + self.tol:
            self.count = 0
        else:
            self.count += 1
        if score > self.best:
            self.best = score
            return True
        return False

    @property
    def stalled(self) -> bool:
        """More than ``n_iter_no_change`` epochs without improvement."""
        return self.count > self.n_iter_no_change


@dataclass
class StochasticState:
    """Everything a run of the epoch loop reads and writes (plain data)."""

    theta: np.ndarray
    opt: dict
    plateau: Plateau
    best_theta: np.ndarray | None
    t: int
    loss_curve: list = field(default_factory=list)
    validation_scores: list | None = None
    n_iter: int = 0
    loss: float = math.nan


def _batches(n_samples: int, batch_size: int):
    for start in range(0, n_samples, batch_size):
        yield start, min(start + batch_size, n_samples)


def run_epoch(state, X, Y, sample_weight, order, batch_size, objective, hyper) -> float:
    """One pass over the rows of ``X`` in ``order`` (None: as stored).

    Shuffled dense batches are gathered into one reused buffer.

    Returns the epoch loss: the minibatch objectives averaged with weights
    proportional to each batch's share of the total sample weight (its share
    of the samples when unweighted). Raises NonFiniteLossError on divergence.
    """
    n = X.shape[0]
    theta, grad = state.theta, np.empty_like(state.theta)
    total_weight = n if sample_weight is None else float(sample_weight.sum())
    gather = None
    if order is not None and not sp.issparse(X):
        gather = np.empty((min(batch_size, n), X.shape[1]), dtype=X.dtype)
    epoch_loss = 0.0
    for start, stop in _batches(n, batch_size):
        if order is None:
            rows = slice(start, stop)
            Xb = X[rows]
        else:
            rows = order[start:stop]
            if gather is None:
                Xb = X[rows]
            else:
                Xb = np.take(X, rows, axis=0, out=gather[: stop - start], mode="clip")
        Yb = Y[rows]
        swb = None if sample_weight is None else sample_weight[rows]
        loss, _ = objective(theta, Xb, Yb, swb, grad)
        if not math.isfinite(loss):
            raise NonFiniteLossError
        _optimizers.step(theta, grad, state.opt, **hyper)
        share = (stop - start) if swb is None else float(swb.sum())
        epoch_loss += loss * share / total_weight
    return epoch_loss


def run_epochs(
    state: StochasticState,
    X,
    Y,
    sample_weight,
    *,
    objective: Callable,
    hyper: dict,
    batch_size: int,
    max_iter: int,
    shuffle: bool,
    rng: np.random.RandomState,
    incremental: bool,
    validation_score: Callable | None,
    report: Callable[[str], None],
) -> bool:
    """Run minibatch epochs until a plateau stops them or ``max_iter`` is reached.

    With ``validation_score`` (early stopping) the plateau watches that score
    and ``state.best_theta`` keeps the best parameters; otherwise it watches
    the training loss. ``incremental`` runs exactly one epoch. Returns True
    when the loop stopped by itself (converged), False at ``max_iter``.
    """
    n = X.shape[0]
    order = np.arange(n) if shuffle else None
    state.n_iter = 0
    for _ in range(max_iter):
        if shuffle:
            rng.shuffle(order)
        loss = run_epoch(
            state, X, Y, sample_weight, order, batch_size, objective, hyper
        )
        state.n_iter += 1
        state.t += n
        state.loss = loss
        state.loss_curve.append(loss)
        report(f"Iteration {state.n_iter}, loss = {loss:.8f}")

        if validation_score is None:
            state.plateau.update(-loss)
        else:
            score = validation_score(state.theta)
            state.validation_scores.append(score)
            report(f"Validation score: {score:f}")
            if state.plateau.update(score):
                state.best_theta = state.theta.copy()

        _optimizers.end_epoch(state.opt, t=state.t, **hyper)
        if state.plateau.stalled:
            what = "Training loss" if validation_score is None else "Validation score"
            stop, action = _optimizers.on_plateau(state.opt, **hyper)
            report(
                f"{what} did not improve more than tol={state.plateau.tol:f} for "
                f"{state.plateau.n_iter_no_change:g} consecutive epochs. {action}"
            )
            if stop:
                return True
            state.plateau.count = 0
        if incremental:
            return True
    return False
