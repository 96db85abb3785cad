"""Solvers: L-BFGS over a pure objective, and the minibatch epoch loop.

Nothing here knows about estimators: the shell passes the objective, the
optimizer's hyperparameters, an ``rng`` for shuffling, and two callables, one
scoring a parameter vector on validation data and one reporting progress.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from . import _optimizers
from ._ops import NUMPY


class NonFiniteLossError(ArithmeticError):
    """The objective became inf or NaN: the optimisation diverged."""


DIVERGENCE_FACTOR = 10.0


def diverged(losses, tol: float) -> bool:
    """Whether the epoch losses of one run show a diverging optimisation.

    A run of two or more epochs diverged when its last loss is above its
    first by more than ``tol`` and either no epoch improved on the first
    (its lowest loss is the first) or the last loss is more than
    ``DIVERGENCE_FACTOR`` times the first. Every loss here is >= 0.
    """
    if len(losses) < 2:
        return False
    first, last = losses[0], losses[-1]
    if not last > first + tol:
        return False
    return min(losses) >= first or last > DIVERGENCE_FACTOR * first


@dataclass
class LbfgsResult:
    """Outcome of :func:`minimize_lbfgs`."""

    theta: np.ndarray
    loss: float
    n_iter: int
    loss_curve: list
    converged: bool
    message: str


def minimize_lbfgs(
    objective, theta0, *, max_iter, max_fun, tol, on_iteration, ops=NUMPY
) -> LbfgsResult:
    """Minimise ``objective(theta) -> (loss, grad)`` with scipy's L-BFGS-B.

    Scipy works in float64 on the host; a float32 model is evaluated in
    float32 at each iterate and its gradient returned in float64. With an
    array library other than numpy (``ops``), the objective and gradient are
    computed on its device and only the flat vector crosses to the host and
    back per evaluation. After every iteration ``on_iteration(theta, loss)``
    is called with the iterate (in the model's dtype and library); when it
    returns True the minimisation stops there.
    """
    dtype = theta0.dtype
    curve = []
    on_host = ops.buffered and dtype == np.float64

    def fun(x):
        theta = x if on_host else ops.asarray(x, dtype)
        loss, grad = objective(theta)
        # a copy: scipy may keep it
        return float(loss), ops.to_host(grad).astype(np.float64)

    def callback(intermediate_result):
        curve.append(float(intermediate_result.fun))
        if on_iteration(ops.asarray(intermediate_result.x, dtype), curve[-1]):
            raise StopIteration  # scipy >= 1.11 ends the run on this

    res = scipy.optimize.minimize(
        fun,
        ops.to_host(theta0).astype(np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=callback,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    theta = ops.asarray(res.x, dtype)
    if not (math.isfinite(res.fun) and ops.all_finite(theta)):
        raise NonFiniteLossError
    message = res.message if isinstance(res.message, str) else res.message.decode()
    stopped = res.status == 99  # the callback raised StopIteration
    return LbfgsResult(
        theta, float(res.fun), int(res.nit), curve, res.status == 0 or stopped, message
    )


@dataclass
class Plateau:
    """Counts epochs without improvement of a score (higher is better).

    An epoch counts as no improvement when its score is below
    ``best + tol`` (or NaN); ``best`` itself moves on any increase. This is
    scikit-learn's rule, applied to the validation score or to ``-loss``.

    Early stopping also passes the validation loss (the training objective on
    the validation set): an epoch whose loss falls below ``best_loss - tol``
    counts as progress too. A score such as accuracy moves in steps of
    ``1 / n_validation``, far larger than ``tol``, and stays flat while the
    network is still learning (a network that predicts one class for every
    sample until its outputs cross 0.5 scores the same for dozens of epochs);
    the loss shows that learning. Overfitting raises the validation loss, so
    it still stops training.
    """

    tol: float
    n_iter_no_change: float
    best: float = -np.inf
    count: int = 0
    best_loss: float = np.inf

    def update(self, score: float, loss: float | None = None) -> bool:
        """Record an epoch's ``score`` (and validation ``loss``, if watched).

        Return True when ``score`` is a new best.
        """
        progress = score >= self.best + self.tol
        if loss is not None:
            progress = progress or loss <= self.best_loss - self.tol
            if loss < self.best_loss:
                self.best_loss = loss
        self.count = 0 if progress else self.count + 1
        if score > self.best:
            self.best = score
            return True
        return False

    @property
    def stalled(self) -> bool:
        """More than ``n_iter_no_change`` epochs without improvement."""
        return self.count > self.n_iter_no_change


@dataclass
class TrainingState:
    """Everything a training run reads and writes (plain data).

    ``validation_scores`` and ``validation_loss_curve`` are lists when a
    validation set is monitored, else None; ``best_iteration`` counts
    entries of those curves from 1.
    """

    theta: np.ndarray
    opt: dict | None = None
    plateau: Plateau | None = None
    best_theta: np.ndarray | None = None
    t: int = 0
    loss_curve: list = field(default_factory=list)
    validation_scores: list | None = None
    validation_loss_curve: list | None = None
    best_validation_score: float | None = None
    best_iteration: int | None = None
    n_iter: int = 0
    loss: float = math.nan
    history: dict | None = None  # see _history
    stop_reason: str | None = None  # 'callback', 'plateau', 'learning rate too small'

    def record_validation(
        self, metrics, keep_best_theta: bool, theta=None, ops=NUMPY
    ) -> None:
        """Append ``(score, objective)`` and track the best score so far."""
        score, loss = metrics
        self.validation_scores.append(score)
        self.validation_loss_curve.append(loss)
        if not math.isfinite(score):  # NaN or inf is never the best
            return
        best = self.best_validation_score
        # ties go to the epoch with the lower validation loss
        if (
            best is None
            or score > best
            or (
                score == best
                and loss < self.validation_loss_curve[self.best_iteration - 1]
            )
        ):
            self.best_validation_score = score
            self.best_iteration = len(self.validation_scores)
            if keep_best_theta:
                self.best_theta = ops.copy(self.theta if theta is None else theta)


class _Batches:
    """Minibatches of ``(X, Y, sample_weight)`` in a given row order.

    Yields ``(X_batch, Y_batch, sw_batch, share)``, ``share`` being the
    batch's sample weight (its number of samples when unweighted), a number
    computed on the host; ``total`` is the sum of the shares. With numpy,
    shuffled batches are gathered into buffers allocated once (``np.take(..., out=,
    mode='clip')`` gathers without the temporary copy the default mode
    makes); unshuffled ones are slices. Other libraries gather on their
    device, with the epoch's row order moved there once per epoch;
    ``sw_host`` is the sample weight on the host, for the fractions.
    """

    def __init__(self, X, Y, sample_weight, batch_size, ops=NUMPY, sw_host=None):
        self.X, self.Y, self.sw, self.ops = X, Y, sample_weight, ops
        self.sw_host = sample_weight if ops.buffered else sw_host
        n = X.shape[0]
        self.total = n if sample_weight is None else float(self.sw_host.sum())
        self.bounds = [
            (start, min(start + batch_size, n)) for start in range(0, n, batch_size)
        ]
        rows = min(batch_size, n)
        self.sparse = sp.issparse(X)
        buffered = ops.buffered and not self.sparse
        self.X_buf = np.empty((rows, X.shape[1]), X.dtype) if buffered else None
        self.Y_buf = np.empty((rows, Y.shape[1]), Y.dtype) if ops.buffered else None
        self.sw_buf = (
            None
            if sample_weight is None or not ops.buffered
            else np.empty(rows, X.dtype)
        )

    def _share(self, rows, swb):
        if self.sw is None:
            return rows.stop - rows.start if isinstance(rows, slice) else len(rows)
        if self.ops.buffered:
            return float(swb.sum())
        return float(self.sw_host[rows].sum())

    def __call__(self, order):
        """Yield the batches; ``order`` (host indices) None keeps the rows' order."""
        X, Y, sw, ops = self.X, self.Y, self.sw, self.ops
        index = None if order is None else ops.index(order)
        for start, stop in self.bounds:
            if order is None:
                rows = slice(start, stop)
                swb = None if sw is None else sw[rows]
                if ops.buffered:
                    yield X[rows], Y[rows], swb, self._share(rows, swb)
                else:  # array API arrays take a full index
                    yield X[rows, ...], Y[rows, ...], swb, self._share(rows, swb)
                continue
            rows, m = order[start:stop], stop - start
            device_rows = index[start:stop]
            if self.sparse:
                Xb = X[rows]
            else:
                Xb = ops.take(
                    X, device_rows, out=None if self.X_buf is None else self.X_buf[:m]
                )
            Yb = ops.take(
                Y, device_rows, out=None if self.Y_buf is None else self.Y_buf[:m]
            )
            swb = (
                None
                if sw is None
                else ops.take(
                    sw,
                    device_rows,
                    out=None if self.sw_buf is None else self.sw_buf[:m],
                )
            )
            yield Xb, Yb, swb, self._share(rows, swb)


def run_epoch(state, batches, order, network, stepper, grad) -> float:
    """One pass over the minibatches; returns the epoch loss.

    The epoch loss is the minibatch objectives averaged with weights
    proportional to each batch's share of the total sample weight (its share
    of the samples when unweighted); a batch of only zero-weight samples is
    skipped. Each objective is multiplied by its share as a fraction, so the
    running sum never exceeds the largest objective: finite objectives give
    a finite epoch loss. Raises NonFiniteLossError on divergence: with
    numpy at the first non-finite minibatch, with other libraries at the end
    of the epoch (the loss stays on the device until then).
    """
    theta, per_batch, total = state.theta, network.buffered, batches.total
    epoch_loss = 0.0
    for Xb, Yb, swb, share in batches(order):
        if share == 0:  # only zero-weight samples: nothing to learn from
            continue
        loss, grad = network.loss_and_grad(theta, Xb, Yb, swb, grad)
        if per_batch and not math.isfinite(loss):
            raise NonFiniteLossError
        stepper.step(theta, grad)
        epoch_loss += loss * (share / total)
    epoch_loss = float(epoch_loss)
    if not math.isfinite(epoch_loss):
        raise NonFiniteLossError
    return epoch_loss


def run_epochs(
    state: TrainingState,
    X,
    Y,
    sample_weight,
    *,
    network,
    hyper: dict,
    batch_size: int,
    max_iter: int,
    shuffle: bool,
    rng: np.random.RandomState,
    incremental: bool,
    early_stopping: bool,
    monitor,
    sw_host=None,
) -> bool:
    """Run minibatch epochs until a plateau, a callback or ``max_iter`` stops them.

    ``network`` (a ``_network.Network`` with a loss) computes each
    minibatch's objective and gradient. ``monitor`` (see ``_monitor.Monitor``)
    is told when each epoch begins and ends, scores the validation set when
    there is one, and reports progress. With ``early_stopping`` the plateau
    watches the validation score and ``state.best_theta`` keeps the best
    parameters; otherwise it watches the training loss. ``incremental`` runs
    exactly one epoch. ``sw_host`` is ``sample_weight`` on the host when the
    network computes in another array library. Returns True when the loop
    stopped before ``max_iter`` (converged or asked to), False at ``max_iter``.
    """
    n = X.shape[0]
    order = np.arange(n) if shuffle else None
    ops = network.ops
    batches = _Batches(X, Y, sample_weight, batch_size, ops, sw_host)
    grad = np.empty_like(state.theta) if network.buffered else None
    stepper = _optimizers.stepper(state.opt, ops=ops, **hyper)
    state.n_iter = 0
    try:
        for _ in range(max_iter):
            monitor.begin(state)
            if shuffle:
                rng.shuffle(order)
            loss = run_epoch(state, batches, order, network, stepper, grad)
            stepper.finish()  # state.opt exact at every epoch's end
            state.n_iter += 1
            state.t += n
            state.loss = loss
            state.loss_curve.append(loss)
            if _end_epoch(state, hyper, monitor, early_stopping, ops) or incremental:
                return True
        return False
    finally:
        stepper.finish()


def _end_epoch(state, hyper, monitor, early_stopping, ops) -> bool:
    """Validate, update the plateau and the schedule; True when training stops."""
    metrics = monitor.validate(state.theta)
    if metrics is not None:
        state.record_validation(metrics, keep_best_theta=early_stopping, ops=ops)
    watch_validation = early_stopping and metrics is not None
    if watch_validation:
        state.plateau.update(*metrics)
    else:
        state.plateau.update(-state.loss)
    requested = monitor.end(state)
    _optimizers.end_epoch(state.opt, t=state.t, **hyper)
    if requested:
        state.stop_reason = "callback"
        return True
    if not state.plateau.stalled:
        return False
    stop, action = _optimizers.on_plateau(state.opt, **hyper)
    if stop:
        adaptive = hyper["learning_rate"] == "adaptive" and state.opt["solver"] == "sgd"
        state.stop_reason = "learning rate too small" if adaptive else "plateau"
        return True
    what = (
        "Neither validation score nor validation loss improved"
        if watch_validation
        else "Training loss did not improve"
    )
    monitor.report(
        f"{what} more than tol={state.plateau.tol:f} for "
        f"{state.plateau.n_iter_no_change:g} consecutive epochs. {action}"
    )
    state.plateau.count = 0
    return False
