"""Solver wiring of the estimator shell: L-BFGS and the stochastic solvers.

Training works on a private copy of the state (parameters, optimizer state,
curves, early-stopping record) and commits it to the estimator only when the
solver returns normally, so a failing call changes nothing. While it runs,
``self._theta`` is the parameters being trained, so scorers and callbacks
that predict through the estimator see the current network.
"""

import copy
import functools
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from . import _optimizers, _solvers
from ._monitor import Monitor, Validation, subset
from ._network import Network
from ._params import _layout
from ._split import validation_split


def _once(fn):
    """Wrap ``fn`` so that calling it computes ``fn()`` at most once."""
    return functools.cache(fn)


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

    def _monitoring_state(self, state, monitored):
        """Continue (warm start) or start the validation record in ``state``."""
        if monitored:
            state.validation_scores = list(self.validation_scores_ or [])
            state.validation_loss_curve = list(self.validation_loss_curve_ or [])
            if state.validation_scores:
                state.best_validation_score = self.best_validation_score_
                state.best_iteration = self.best_iteration_
        return state

    def _commit_monitoring(self, state, monitored, incremental):
        if monitored:
            self.validation_scores_ = state.validation_scores
            self.validation_loss_curve_ = state.validation_loss_curve
            self.best_validation_score_ = state.best_validation_score
            self.best_iteration_ = state.best_iteration
        elif not incremental:  # partial_fit keeps the last fit's record
            self.validation_scores_ = self.validation_loss_curve_ = None
            self.best_validation_score_ = self.best_iteration_ = None

    # ------------------------------------------------------------------ L-BFGS
    def _fit_lbfgs(self, data, validation, tasks):
        network = self._network(data.X.shape[0], data.X.dtype)
        grad = np.empty_like(self._theta)
        X, Y, sw = data.X, data.Y, data.sample_weight
        state = _solvers.TrainingState(
            theta=self._theta, loss_curve=list(self.loss_curve_ or [])
        )
        self._monitoring_state(state, validation is not None)
        monitor = Monitor(self._report, validation, tasks)

        def objective(theta):
            return network.loss_and_grad(theta, X, Y, sw, grad)

        def on_iteration(theta, loss):
            state.n_iter += 1
            state.loss = loss
            state.loss_curve.append(loss)
            metrics = monitor.validate(theta)
            if metrics is not None:
                state.record_validation(metrics, keep_best_theta=False, theta=theta)
            stop = monitor.end(state, theta)
            if not stop:
                monitor.begin(theta)
            return stop

        monitor.begin(self._theta)
        try:
            with np.errstate(all="ignore"):
                res = _solvers.minimize_lbfgs(
                    objective,
                    self._theta,
                    max_iter=self.max_iter,
                    max_fun=self.max_fun,
                    tol=self.tol,
                    on_iteration=on_iteration,
                )
        finally:
            tasks.close()
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
        self.loss_curve_ = state.loss_curve
        self.best_loss_ = min(self.loss_curve_, default=res.loss)
        self._commit_monitoring(state, validation is not None, incremental=False)

    # ------------------------------------------------------------- stochastic
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

    def _start_state(self, incremental, early, fresh, monitored):
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
        state = _solvers.TrainingState(
            # a fresh model's theta is this call's own; any other is copied, so
            # a failing call leaves it untouched
            theta=self._theta if fresh else self._theta.copy(),
            opt=copy.deepcopy(opt),
            best_theta=self._best_theta,
            t=self.t_,
            loss_curve=list(self.loss_curve_ or []),
        )
        self._monitoring_state(state, monitored)
        if early:
            best = state.best_validation_score
        else:
            best = None if self.best_loss_ is None else -self.best_loss_
        state.plateau = _solvers.Plateau(
            self.tol,
            self.n_iter_no_change,
            -np.inf if best is None else best,
            self._no_improvement_count,
        )
        return state

    def _early_stopping_split(self, data, rng, raw, tasks):
        """Hold out the validation split; return the training part and the set."""
        train, val = validation_split(
            data.X,
            data.Y,
            data.sample_weight,
            validation_fraction=self.validation_fraction,
            labels=self._stratify_labels(data.Y),
            rng=rng,
        )
        X_raw, y_raw = raw
        sw = data.sample_weight
        validation = Validation(
            self,
            data.X[val],
            data.Y[val],
            None if sw is None else sw[val],
            _once(lambda: (subset(X_raw, val), subset(y_raw, val))),
            self._scorer(),
        )
        user_sw = data.user_sample_weight
        tasks.data.update(
            X=_once(lambda: subset(X_raw, train)),
            y=_once(lambda: subset(y_raw, train)),
            metadata=None
            if user_sw is None
            else _once(lambda: {"sample_weight": user_sw[train]}),
        )
        train_data = data._replace(
            X=data.X[train],
            Y=data.Y[train],
            sample_weight=None if sw is None else sw[train],
        )
        return train_data, validation

    def _fit_stochastic(self, data, validation, tasks, rng, incremental, fresh, raw):
        # partial_fit is one epoch on the data given: no hold-out, no stopping
        early = self.early_stopping and not incremental
        if early and validation is None:
            data, validation = self._early_stopping_split(data, rng, raw, tasks)
        state = self._start_state(incremental, early, fresh, validation is not None)
        self._theta = state.theta
        batch_size = self._batch_size(data.X.shape[0])
        try:
            with np.errstate(all="ignore"):
                converged = _solvers.run_epochs(
                    state,
                    data.X,
                    data.Y,
                    data.sample_weight,
                    network=self._network(batch_size, data.X.dtype),
                    hyper=self._hyper(),
                    batch_size=batch_size,
                    max_iter=self.max_iter,
                    shuffle=self.shuffle,
                    rng=rng,
                    incremental=incremental,
                    early_stopping=early,
                    monitor=Monitor(self._report, validation, tasks),
                )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=3)
            converged = True
        finally:
            tasks.close()
        if not np.isfinite(state.theta).all():
            raise _solvers.NonFiniteLossError
        self._commit(state, early, validation is not None, incremental)
        if not converged:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _commit(self, state, early, monitored, incremental) -> None:
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
        self.best_loss_ = None if early else -state.plateau.best
        self._commit_monitoring(state, monitored, incremental)
