"""Solver wiring of the estimator shell: L-BFGS and the stochastic solvers.

``BaseBackprop._fit`` runs every call on a private working copy of the
estimator and publishes the copy's state in one step when the call succeeds
(see ``_base``), so the solvers here may set attributes freely: nobody else
sees them until then. While a solver runs, the copy's ``_theta`` is the
parameters being trained, so scorers that predict through it see the current
network. The fitted attributes a run produces are computed in one place,
:meth:`TrainingMixin._fitted_attributes`: for the final commit, and for the
snapshots that callbacks receive after each epoch or iteration ("as if fit had
stopped there"). Each solver returns the warnings to give once the new state
is published, as ``(message, category)`` pairs.
"""

import copy
import functools
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from . import _history, _optimizers, _solvers
from ._diagnostics import rising_loss_message, warn
from ._monitor import CALLBACK_ATTRIBUTES, Monitor, Validation, subset
from ._namespace import namespace_of_array, ops_for, take_rows, to_host
from ._network import Network
from ._params import _layout
from ._progress import Layout
from ._split import validation_split


class FitData(NamedTuple):
    """Validated, encoded training data.

    ``X``, ``Y`` and ``sample_weight`` are in the library ``X`` came in
    (numpy, or another array API library with dispatch on); ``Y_host`` and
    ``sw_host`` are the same targets and weights on the host (the same
    objects for numpy), for the label logic, the split and the weights'
    messages.
    """

    X: object  # ndarray or sparse matrix, or another library's array
    Y: object
    sample_weight: object  # class weights included
    user_sample_weight: np.ndarray | None  # as the user gave it
    Y_host: np.ndarray | None = None
    sw_host: np.ndarray | None = None


def fit_data(ns, X, Y, sample_weight, user_sample_weight) -> FitData:
    """FitData of host targets and weights, moved to X's library ``ns`` if any."""
    if ns is None:
        return FitData(X, Y, sample_weight, user_sample_weight, Y, sample_weight)
    dtype = ns.host_dtype(X.dtype)
    return FitData(
        X,
        ns.asarray(Y, dtype),  # class indicators as numbers: no bool arithmetic
        None if sample_weight is None else ns.asarray(sample_weight, dtype),
        user_sample_weight,
        Y,
        sample_weight,
    )


def _once(fn):
    """Wrap ``fn`` so that calling it computes ``fn()`` at most once."""
    return functools.cache(fn)


class TrainingMixin:
    """Runs the chosen solver on validated, encoded data."""

    def _network(self, max_rows, theta=None, *, loss=True) -> Network:
        """Build the network for batches of up to ``max_rows`` rows.

        It computes in the dtype and array library of ``theta`` (``_theta`` by
        default; see ``_ops``); ``loss=False`` gives a forward-only network.
        """
        theta = self._theta if theta is None else theta
        return Network(
            _layout(self._layer_units),
            activation=self.activation,
            out_activation=self.out_activation_,
            dtype=theta.dtype,
            max_rows=max_rows,
            loss=self.loss if loss else None,
            alpha=self.alpha,
            ops=ops_for(theta),
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

    def _fitted_attributes(self, state, *, early, monitored, incremental) -> dict:
        """Return the fitted attributes of a run that ends at ``state``.

        With early stopping, the parameters are those of the best validation
        score. L-BFGS runs keep no optimizer state (``state.opt`` is None).
        """
        theta = state.theta
        if early and state.best_theta is not None:
            theta = ops_for(theta).copy(state.best_theta)
        attrs = {
            "_theta": theta,
            "n_iter_": state.n_iter,
            "loss_": state.loss,
            "loss_curve_": state.loss_curve,
            "history_": state.history,
        }
        if state.opt is None:
            attrs["best_loss_"] = min(state.loss_curve, default=state.loss)
        else:
            attrs.update(
                _best_theta=state.best_theta,
                _opt_state=state.opt,
                _no_improvement_count=state.plateau.count,
                t_=state.t,
                best_loss_=None if early else -state.plateau.best,
            )
        if monitored:  # (else the record so far stands, as in history_)
            attrs.update(
                validation_scores_=state.validation_scores,
                validation_loss_curve_=state.validation_loss_curve,
                best_validation_score_=state.best_validation_score,
                best_iteration_=state.best_iteration,
            )
        return attrs

    def _snapshot(self, state, **flags) -> dict:
        """Return every fitted attribute as if training stopped at ``state``."""
        attrs = {k: v for k, v in self.__dict__.items() if k not in CALLBACK_ATTRIBUTES}
        attrs.update(copy.deepcopy(self._fitted_attributes(state, **flags)))
        return attrs

    def _nan_validation_warning(self, state, early):
        """Warn when early stopping had no score to choose an epoch by."""
        if early and state.validation_scores and state.best_iteration is None:
            return [
                (
                    "No validation score was finite, so early stopping could not "
                    "choose an epoch: the weights of the last epoch are kept. Check "
                    "the scoring and the validation data.",
                    UserWarning,
                )
            ]
        return []

    def _record_epoch(self, state, duration, *, n_samples, validated) -> dict:
        """Append the epoch that ends at ``state`` to its history; return it."""
        history = state.history
        if state.opt is None:  # L-BFGS evaluates every sample in every iteration
            previous = history["samples_seen"][-1] if history["epoch"] else None
            samples, rate = (previous or 0) + n_samples, None
        elif self.solver == "sgd":
            samples, rate = state.t, state.opt["learning_rate"]
        else:
            samples, rate = state.t, float(self.learning_rate_init)
        return _history.append(
            history,
            loss=state.loss,
            validation_loss=state.validation_loss_curve[-1] if validated else None,
            validation_score=state.validation_scores[-1] if validated else None,
            learning_rate=rate,
            duration=duration,
            samples_seen=samples,
        )

    def _needs_header(self, incremental, validated) -> bool:
        """Tell whether to print the header: every fit; partial_fit when it changes."""
        history = getattr(self, "history_", None)
        if not incremental or not history or not history["epoch"]:
            return True
        return validated != (history["validation_score"][-1] is not None)

    def _monitor(self, reporter, validation, tasks, n_samples, **flags) -> Monitor:
        """Return the Monitor of one run, and begin its reporter."""
        incremental = flags["incremental"]
        reporter.begin(
            Layout(
                max_iter=None if incremental else self.max_iter,
                unit="iteration" if self.solver == "lbfgs" else "epoch",
                score_name=None if validation is None else self._score_name(),
                show_learning_rate=self.solver == "sgd"
                and self.learning_rate in ("invscaling", "adaptive"),
                bounded_eta=self.solver == "lbfgs" or self.n_iter_no_change != np.inf,
            ),
            header=self._needs_header(incremental, validation is not None),
        )
        return Monitor(
            reporter,
            validation,
            tasks,
            functools.partial(self._snapshot, **flags),
            functools.partial(
                self._record_epoch,
                n_samples=n_samples,
                validated=validation is not None,
            ),
        )

    # ------------------------------------------------------------------ L-BFGS
    def _fit_lbfgs(self, data, validation, tasks, reporter) -> list:
        network = self._network(data.X.shape[0])
        grad = np.empty_like(self._theta) if network.buffered else None
        X, Y, sw = data.X, data.Y, data.sample_weight
        monitored = validation is not None
        state = _solvers.TrainingState(
            theta=self._theta,
            loss_curve=list(self.loss_curve_ or []),
            history=_history.continued(self),
        )
        self._monitoring_state(state, monitored)
        flags = dict(early=False, monitored=monitored, incremental=False)
        monitor = self._monitor(reporter, validation, tasks, X.shape[0], **flags)

        def objective(theta):
            return network.loss_and_grad(theta, X, Y, sw, grad)

        ops = network.ops

        def on_iteration(theta, loss):
            state.theta = theta
            state.n_iter += 1
            state.loss = loss
            state.loss_curve.append(loss)
            metrics = monitor.validate(theta)
            if metrics is not None:
                state.record_validation(metrics, keep_best_theta=False, ops=ops)
            if monitor.end(state):
                state.stop_reason = "callback"
                return True
            monitor.begin(state)
            return False

        monitor.begin(state)
        try:
            with np.errstate(all="ignore"):
                res = _solvers.minimize_lbfgs(
                    objective,
                    self._theta,
                    max_iter=self.max_iter,
                    max_fun=self.max_fun,
                    tol=self.tol,
                    on_iteration=on_iteration,
                    ops=ops,
                )
        finally:
            tasks.close()
        state.theta, state.n_iter, state.loss = res.theta, res.n_iter, res.loss
        self.__dict__.update(self._fitted_attributes(state, **flags))
        stopped = f"Stopped after iteration {res.n_iter}"
        if state.stop_reason == "callback":
            reporter.end(f"{stopped}: a callback asked to stop.")
            return []
        if res.converged:
            reporter.end(f"{stopped}: converged ({res.message}).")
            return []
        if res.n_iter == 0:
            targets = " and the targets" if self._y_numeric else ""
            message = (
                f"lbfgs could not take a single step from the initial weights "
                f"({res.message}); the model is untrained. Scale the input features"
                f"{targets} (e.g. with StandardScaler), or check the sample weights."
            )
        else:
            message = (
                f"lbfgs failed to converge after {res.n_iter} iteration(s): "
                f"{res.message}. Increase the number of iterations (max_iter) or "
                "the number of function evaluations (max_fun), or scale the data."
            )
        reporter.end(f"{stopped}: not converged ({res.message}).")
        return [(message, ConvergenceWarning)]

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
            warn(
                f"Got batch_size={self.batch_size} larger than the {n_samples} "
                "samples; it is going to be clipped."
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _start_state(self, incremental, early, fresh, monitored):
        """Copy the training state privately; it is committed only on success."""
        opt, ops = self._opt_state, ops_for(self._theta)
        if not incremental or opt is None or opt["solver"] != self.solver:
            opt = _optimizers.init_state(
                self.solver,
                self._theta.shape[0],
                self._theta.dtype,
                self.learning_rate_init,
                ops=ops,
            )
        elif self.solver == "sgd" and self.learning_rate == "constant":
            # a constant rate follows set_params between calls, as Adam's does
            opt = {**opt, "learning_rate": float(self.learning_rate_init)}
        state = _solvers.TrainingState(
            # a fresh model's theta is this call's own; any other is copied, so
            # a failing call leaves it untouched
            theta=self._theta if fresh else ops.copy(self._theta),
            opt=copy.deepcopy(opt),
            best_theta=self._best_theta,
            t=self.t_,
            loss_curve=list(self.loss_curve_ or []),
            history=_history.continued(self),
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
            min(state.validation_loss_curve or [np.inf]) if early else np.inf,
        )
        return state

    def _early_stopping_split(self, data, rng, raw, tasks):
        """Hold out the validation split; return the training part and the set."""
        ns = namespace_of_array(data.X)
        # the split is computed on the host (it hashes the rows' values)
        train, val = validation_split(
            to_host(data.X),
            data.Y_host,
            data.sw_host,
            validation_fraction=self.validation_fraction,
            labels=self._stratify_labels(data.Y_host),
            rng=rng,
        )
        X_raw, y_raw = raw
        Y, sw = data.Y_host, data.sw_host
        rows = (lambda A, r: A[r]) if ns is None else functools.partial(take_rows, ns)
        validation = Validation(
            self,
            rows(data.X, val),
            Y[val],
            None if sw is None else sw[val],
            _once(lambda: (subset(X_raw, val), subset(y_raw, val))),
            self._scorer(),
        )
        if ns is not None:
            validation.on_device(ns, ns.host_dtype(data.X.dtype))
        user_sw = data.user_sample_weight
        tasks.data.update(
            X=_once(lambda: subset(X_raw, train)),
            y=_once(lambda: subset(y_raw, train)),
            metadata=None
            if user_sw is None
            else _once(lambda: {"sample_weight": user_sw[train]}),
        )
        train_data = fit_data(
            ns,
            rows(data.X, train),
            Y[train],
            None if sw is None else sw[train],
            data.user_sample_weight,
        )
        return train_data, validation

    def _fit_stochastic(
        self, data, validation, tasks, reporter, rng, incremental, fresh, raw
    ) -> list:
        # partial_fit is one epoch on the data given: no hold-out, no stopping
        early = self.early_stopping and not incremental
        if early and validation is None:
            data, validation = self._early_stopping_split(data, rng, raw, tasks)
        monitored = validation is not None
        state = self._start_state(incremental, early, fresh, monitored)
        self._theta = state.theta
        flags = dict(early=early, monitored=monitored, incremental=incremental)
        monitor = self._monitor(reporter, validation, tasks, data.X.shape[0], **flags)
        batch_size = self._batch_size(data.X.shape[0])
        first_epoch = len(state.loss_curve)
        try:
            with np.errstate(all="ignore"):
                converged = _solvers.run_epochs(
                    state,
                    data.X,
                    data.Y,
                    data.sample_weight,
                    network=self._network(batch_size),
                    hyper=self._hyper(),
                    batch_size=batch_size,
                    max_iter=self.max_iter,
                    shuffle=self.shuffle,
                    rng=rng,
                    incremental=incremental,
                    early_stopping=early,
                    monitor=monitor,
                    sw_host=data.sw_host,
                )
        except KeyboardInterrupt:
            converged = None
        finally:
            tasks.close()
        if not ops_for(state.theta).all_finite(state.theta):
            raise _solvers.NonFiniteLossError
        self.__dict__.update(self._fitted_attributes(state, **flags))
        messages = self._nan_validation_warning(state, early)
        losses = state.loss_curve[first_epoch:]
        diverged = converged is not None and _solvers.diverged(losses, self.tol)
        if not incremental:
            reporter.end(self._end_line(state, converged, diverged, early, losses))
        if converged is None:
            messages.append(("Training interrupted by user.", UserWarning))
        elif diverged:
            context = self._divergence_context(data)
            message = rising_loss_message(losses, first_epoch + 1, **context)
            messages.append((message, ConvergenceWarning))
        elif not converged:
            messages.append(
                (
                    f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                )
            )
        return messages

    def _end_line(self, state, converged, diverged, early, losses) -> str:
        """Say why a stochastic fit ended, for the verbose output."""
        n = state.n_iter
        if converged is None:
            return f"Stopped in epoch {n + 1}: interrupted by the user."
        tol, patience = f"{self.tol:g}", f"{self.n_iter_no_change:g}"
        if diverged:
            why = (
                f"the optimization diverged (the training loss rose from "
                f"{losses[0]:.6g} to {losses[-1]:.6g})"
            )
        elif state.stop_reason == "callback":
            why = "a callback asked to stop"
        elif state.stop_reason == "learning rate too small":
            why = "the adaptive learning rate fell below 1e-6"
        elif state.stop_reason == "plateau" and early:
            why = (
                f"neither the validation {self._score_name()} nor the validation "
                f"loss improved by more than tol={tol} for {patience} epochs"
            )
        elif state.stop_reason == "plateau":
            why = (
                f"converged: the training loss did not improve by more than "
                f"tol={tol} for {patience} epochs"
            )
        else:
            why = f"max_iter={self.max_iter} reached before convergence"
        if early and state.best_iteration is not None:
            why += (
                f"; restored the weights of epoch {state.best_iteration} (validation "
                f"{self._score_name()} {state.best_validation_score:.6f})"
            )
        return f"Stopped after epoch {n}: {why}."
