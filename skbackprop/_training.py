"""Solver wiring of the estimator shell: L-BFGS and the stochastic solvers.

Training works on a private copy of the state (parameters, optimizer state,
curves, early-stopping record) and commits it to the estimator only when the
solver returns normally, so a failing call changes nothing.
"""

import copy
import warnings
from functools import partial

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from . import _optimizers, _solvers
from ._network import Network
from ._params import _layout
from ._split import validation_split


class TrainingMixin:
    """Runs the chosen solver on validated, encoded data."""

    def _network(self, max_rows, dtype) -> Network:
        """Build the training network for batches of up to ``max_rows`` rows."""
        return Network(
            _layout(self._layer_units),
            activation=self.activation,
            out_activation=self.out_activation_,
            dtype=dtype,
            max_rows=max_rows,
            loss=self.loss,
            alpha=self.alpha,
        )

    def _fit_lbfgs(self, X, Y, sample_weight):
        network = self._network(X.shape[0], X.dtype)
        grad = np.empty_like(self._theta)

        def objective(theta):
            return network.loss_and_grad(theta, X, Y, sample_weight, grad)

        with np.errstate(all="ignore"):
            res = _solvers.minimize_lbfgs(
                objective,
                self._theta,
                max_iter=self.max_iter,
                max_fun=self.max_fun,
                tol=self.tol,
                report=lambda it, loss: self._report(
                    f"Iteration {it}, loss = {loss:.8f}"
                ),
            )
        if not res.converged:
            warnings.warn(
                f"lbfgs failed to converge after {res.n_iter} iteration(s): "
                f"{res.message}. Increase the number of iterations (max_iter) or "
                "the number of function evaluations (max_fun), or scale the data.",
                ConvergenceWarning,
                stacklevel=3,
            )
        self._theta = res.theta
        self.n_iter_ = res.n_iter
        self.loss_ = res.loss
        self.loss_curve_ = list(self.loss_curve_ or []) + res.loss_curve
        self.best_loss_ = min(self.loss_curve_, default=res.loss)

    def _hyper(self) -> dict:
        return {
            "learning_rate": self.learning_rate,
            "learning_rate_init": self.learning_rate_init,
            "power_t": self.power_t,
            "momentum": self.momentum,
            "nesterovs_momentum": self.nesterovs_momentum,
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"Got batch_size={self.batch_size} larger than the {n_samples} "
                "samples; it is going to be clipped.",
                stacklevel=3,
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _start_state(self, incremental, early, fresh) -> _solvers.StochasticState:
        """Copy the training state privately; it is committed only on success."""
        opt = self._opt_state
        if not incremental or opt is None or opt["solver"] != self.solver:
            opt = _optimizers.init_state(
                self.solver,
                self._theta.size,
                self._theta.dtype,
                self.learning_rate_init,
            )
        elif self.solver == "sgd" and self.learning_rate == "constant":
            # a constant rate follows set_params between calls, as Adam's does
            opt = {**opt, "learning_rate": float(self.learning_rate_init)}
        scores = self.validation_scores_ if early else None
        if early:
            best = self.best_validation_score_
            best = -np.inf if best is None else best
        else:
            best = -np.inf if self.best_loss_ is None else -self.best_loss_
        return _solvers.StochasticState(
            # a fresh model's theta is this call's own; any other is copied, so
            # a failing call leaves it untouched
            theta=self._theta if fresh else self._theta.copy(),
            opt=copy.deepcopy(opt),
            plateau=_solvers.Plateau(
                self.tol, self.n_iter_no_change, best, self._no_improvement_count
            ),
            best_theta=self._best_theta,
            t=self.t_,
            loss_curve=list(self.loss_curve_ or []),
            validation_scores=list(scores or []) if early else None,
        )

    def _fit_stochastic(self, X, Y, sample_weight, rng, incremental, fresh=False):
        # partial_fit is one epoch on the data given: no hold-out, no stopping
        early = self.early_stopping and not incremental
        state = self._start_state(incremental, early, fresh)
        validation_score = None
        if early:
            train, val = validation_split(
                X,
                Y,
                sample_weight,
                validation_fraction=self.validation_fraction,
                labels=self._stratify_labels(Y),
                rng=rng,
            )
            X_val, Y_val = X[val], Y[val]
            sw_val = None if sample_weight is None else sample_weight[val]
            X, Y = X[train], Y[train]
            sample_weight = None if sample_weight is None else sample_weight[train]
            validation_score = partial(
                self._validation_score, X=X_val, Y=Y_val, sample_weight=sw_val
            )
        batch_size = self._batch_size(X.shape[0])

        try:
            with np.errstate(all="ignore"):
                converged = _solvers.run_epochs(
                    state,
                    X,
                    Y,
                    sample_weight,
                    network=self._network(batch_size, X.dtype),
                    hyper=self._hyper(),
                    batch_size=batch_size,
                    max_iter=self.max_iter,
                    shuffle=self.shuffle,
                    rng=rng,
                    incremental=incremental,
                    validation_score=validation_score,
                    report=self._report,
                )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=3)
            converged = True
        if not np.isfinite(state.theta).all():
            raise _solvers.NonFiniteLossError
        self._commit(state, early)
        if not converged:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _commit(self, state: _solvers.StochasticState, early: bool) -> None:
        if early and state.best_theta is not None:
            self._theta = state.best_theta.copy()
        else:
            self._theta = state.theta
        self._best_theta = state.best_theta
        self._opt_state = state.opt
        self._no_improvement_count = state.plateau.count
        self.n_iter_ = state.n_iter
        self.t_ = state.t
        self.loss_ = state.loss
        self.loss_curve_ = state.loss_curve
        if early:
            self.validation_scores_ = state.validation_scores
            self.best_validation_score_ = state.plateau.best
            self.best_loss_ = None
        else:
            self.best_loss_ = -state.plateau.best
            if not self.early_stopping:  # partial_fit keeps fit's validation record
                self.validation_scores_ = None
                self.best_validation_score_ = None
