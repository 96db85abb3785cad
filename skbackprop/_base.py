"""The estimator shell shared by BackpropClassifier and BackpropRegressor.

Everything about scikit-learn lives here: parameter constraints, input
validation, random state, warm start and ``partial_fit`` bookkeeping,
warnings and verbose output. The fitted state is plain data -- the flat
parameter vector ``_theta``, the optimizer state as a dict of arrays and
numbers, curves and labels -- and ``coefs_`` / ``intercepts_`` are per-layer
views derived from ``_theta`` on every access.
"""

import copy
import numbers
import warnings
from contextlib import contextmanager
from functools import lru_cache, partial
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from . import _optimizers, _solvers
from ._activations import HIDDEN
from ._layout import ParamLayout, init_params
from ._network import Workspace, forward, loss_and_grad
from ._split import validation_split

_STOCHASTIC_SOLVERS = ("sgd", "adam")
# Rows per chunk in predict: keeps each chunk's widest layer near 2**20 values.
_PREDICT_CHUNK_VALUES = 2**20


@lru_cache(maxsize=32)
def _layout(layer_units: tuple[int, ...]) -> ParamLayout:
    return ParamLayout(layer_units)


class _LayerList(list):
    """Per-layer views into ``theta``; assigning an item writes into ``theta``.

    So ``est.coefs_[0] = W`` updates the model, as it does for scikit-learn's
    MLP, instead of silently changing a temporary list.
    """

    def __init__(self, views, name):
        super().__init__(views)
        self._name = name

    def __setitem__(self, index, value):
        if not isinstance(index, numbers.Integral):
            raise TypeError(
                f"assign {self._name} one layer at a time or as a whole list"
            )
        _copy_into(list.__getitem__(self, index), value, f"{self._name}[{index}]")


def _copy_into(view: np.ndarray, value, name: str) -> None:
    value = np.asarray(value)
    if value.shape != view.shape:
        raise ValueError(f"{name} must have shape {view.shape}, got {value.shape}")
    if not np.isfinite(value).all():
        raise ValueError(f"{name} contains NaN or infinity")
    view[...] = value


def _validate_sample_weight(sample_weight, n_samples: int, dtype) -> np.ndarray | None:
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        sample_weight = np.full(n_samples, sample_weight)
    sw = check_array(
        sample_weight, ensure_2d=False, dtype=dtype, input_name="sample_weight"
    )
    if sw.ndim != 1:
        raise ValueError(f"sample_weight must be 1D, got shape {sw.shape}")
    if sw.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has {sw.shape[0]} values but X has {n_samples} samples"
        )
    if (sw < 0).any():
        raise ValueError("sample_weight must not contain negative values")
    if not sw.any():
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return sw


class BaseBackprop(BaseEstimator):
    """Shared parameters, training loop wiring and fitted-state handling."""

    _y_numeric = False

    _parameter_constraints: ClassVar[dict] = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(HIDDEN))],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(numbers.Real, 0, None, closed="neither")],
        "power_t": [Interval(numbers.Real, 0, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(numbers.Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_1": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_2": [Interval(numbers.Real, 0, 1, closed="left")],
        "epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Options(numbers.Real, {np.inf}),
        ],
        "max_fun": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        hidden_layer_sizes,
        activation,
        loss,
        solver,
        alpha,
        batch_size,
        learning_rate,
        learning_rate_init,
        power_t,
        max_iter,
        shuffle,
        random_state,
        tol,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        early_stopping,
        validation_fraction,
        beta_1,
        beta_2,
        epsilon,
        n_iter_no_change,
        max_fun,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    # ------------------------------------------------------------------
    # Parameters as views of the flat vector
    def __sklearn_is_fitted__(self):
        return hasattr(self, "_theta")

    def _views(self):
        if not hasattr(self, "_theta"):
            raise AttributeError(
                f"This {type(self).__name__} instance is not fitted yet; fit it "
                "before reading or assigning coefs_ / intercepts_."
            )
        return _layout(self._layer_units).unpack(self._theta)

    @property
    def coefs_(self):
        """Weight matrix of each layer, shape (fan_in, fan_out): views into theta."""
        return _LayerList(self._views()[0], "coefs_")

    @coefs_.setter
    def coefs_(self, value):
        self._assign_layers(value, 0, "coefs_")

    @property
    def intercepts_(self):
        """Bias vector of each layer, shape (fan_out,): views into theta."""
        return _LayerList(self._views()[1], "intercepts_")

    @intercepts_.setter
    def intercepts_(self, value):
        self._assign_layers(value, 1, "intercepts_")

    def _assign_layers(self, value, which, name):
        views = self._views()[which]
        value = list(value)
        if len(value) != len(views):
            raise ValueError(f"{name} needs {len(views)} arrays, got {len(value)}")
        for i, (view, v) in enumerate(zip(views, value, strict=True)):
            _copy_into(view, v, f"{name}[{i}]")

    # ------------------------------------------------------------------
    # Helpers
    def _report(self, message: str) -> None:
        """Print a progress line when ``verbose`` (the one place that prints)."""
        if self.verbose:
            print(message)

    def _hidden_sizes(self) -> tuple[int, ...]:
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, numbers.Number) else tuple(sizes)
        if not all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0
            for s in sizes
        ):
            raise ValueError(
                "hidden_layer_sizes must contain positive integers, got "
                f"{self.hidden_layer_sizes!r}"
            )
        return tuple(int(s) for s in sizes)

    def _check_solver(self):
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers "
                f"('sgd', 'adam'); solver={self.solver!r} is not stochastic."
            )
        return True

    def _validate_X(self, X, reset: bool):
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if not reset:
            X = X.astype(self._theta.dtype, copy=False)
        return X

    # ------------------------------------------------------------------
    # Prediction
    def _output(self, theta, X, *, logits=False) -> np.ndarray:
        """Compute the output layer (activations or logits) for every row of X.

        Works in row chunks, so memory stays bounded for any n_samples.
        """
        layout = _layout(self._layer_units)
        n = X.shape[0]
        chunk = max(1, _PREDICT_CHUNK_VALUES // max(layout.layer_units))
        if sp.issparse(X) and n > chunk:
            X = X.tocsr()
        out = np.empty((n, self.n_outputs_), dtype=theta.dtype)
        work = Workspace(layout, min(n, chunk), theta.dtype, self.out_activation_)
        with np.errstate(over="ignore", under="ignore"):
            for start in range(0, n, chunk):
                stop = min(start + chunk, n)
                z, a = forward(
                    theta,
                    layout,
                    X[start:stop],
                    activation=self.activation,
                    out_activation=self.out_activation_,
                    work=work,
                )
                out[start:stop] = z if logits else a
        return out

    def _forward_checked(self, X, *, logits=False) -> np.ndarray:
        check_is_fitted(self)
        return self._output(
            self._theta, self._validate_X(X, reset=False), logits=logits
        )

    # ------------------------------------------------------------------
    # Fitting
    @contextmanager
    def _rollback_on_error(self):
        """Leave the estimator exactly as it was if fitting raises."""
        saved = dict(self.__dict__)
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    def _fit(self, X, y, sample_weight=None, *, incremental=False, classes=None):
        with self._rollback_on_error():
            hidden = self._hidden_sizes()
            first_pass = not hasattr(self, "_theta") or (
                not self.warm_start and not incremental
            )
            X, Y, sample_weight = self._validate_fit_data(
                X,
                y,
                sample_weight,
                first_pass=first_pass,
                incremental=incremental,
                classes=classes,
            )
            self.out_activation_ = self._out_activation()
            layer_units = (X.shape[1], *hidden, Y.shape[1])
            rng = check_random_state(self.random_state)
            if first_pass:
                self._initialize(layer_units, X.dtype, rng)
            elif layer_units != self._layer_units:
                raise ValueError(
                    f"Cannot continue training a network with layer sizes "
                    f"{self._layer_units} on data and hidden_layer_sizes that give "
                    f"{layer_units}; set warm_start=False to start afresh."
                )
            try:
                if self.solver == "lbfgs":
                    self._fit_lbfgs(X, Y, sample_weight)
                else:
                    self._fit_stochastic(X, Y, sample_weight, rng, incremental)
            except _solvers.NonFiniteLossError:
                raise ValueError(
                    "The loss became non-finite (inf or NaN) during training: the "
                    "optimization diverged. Use a smaller learning_rate_init, or "
                    "scale the input features (e.g. with StandardScaler)."
                ) from None
        return self

    def _validate_fit_data(
        self, X, y, sample_weight, *, first_pass, incremental, classes
    ):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=first_pass,
            y_numeric=self._y_numeric,
        )
        if not first_pass:
            X = X.astype(self._theta.dtype, copy=False)
        Y = self._encode_targets(
            y, first_pass=first_pass, incremental=incremental, classes=classes
        )
        Y = np.ascontiguousarray(Y, dtype=X.dtype)
        sample_weight = _validate_sample_weight(sample_weight, X.shape[0], X.dtype)
        sample_weight = self._apply_class_weight(Y, sample_weight, incremental)
        return X, Y, sample_weight

    def _apply_class_weight(self, Y, sample_weight, incremental):
        return sample_weight

    def _initialize(self, layer_units, dtype, rng):
        layout = _layout(layer_units)
        self._layer_units = layer_units
        self.n_layers_ = layout.n_layers
        self.n_outputs_ = layer_units[-1]
        factor = 2.0 if self.activation == "logistic" else 6.0
        self._theta = init_params(layout, rng, dtype, factor)
        self._opt_state = None
        self._best_theta = None
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self._no_improvement_count = 0
        if self.solver in _STOCHASTIC_SOLVERS and self.early_stopping:
            self.best_loss_ = None
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _objective_kwargs(self):
        return {
            "layout": _layout(self._layer_units),
            "activation": self.activation,
            "out_activation": self.out_activation_,
            "loss": self.loss,
            "alpha": self.alpha,
        }

    def _fit_lbfgs(self, X, Y, sample_weight):
        kwargs = self._objective_kwargs()
        work = Workspace(kwargs["layout"], X.shape[0], X.dtype, self.out_activation_)
        grad = np.empty_like(self._theta)

        def objective(theta):
            return loss_and_grad(
                theta,
                X=X,
                Y=Y,
                sample_weight=sample_weight,
                grad=grad,
                work=work,
                **kwargs,
            )

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

    def _start_state(self, incremental, early) -> _solvers.StochasticState:
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
            theta=self._theta.copy(),
            opt=copy.deepcopy(opt),
            plateau=_solvers.Plateau(
                self.tol, self.n_iter_no_change, best, self._no_improvement_count
            ),
            best_theta=self._best_theta,
            t=self.t_,
            loss_curve=list(self.loss_curve_ or []),
            validation_scores=list(scores or []) if early else None,
        )

    def _fit_stochastic(self, X, Y, sample_weight, rng, incremental):
        # partial_fit is one epoch on the data given: no hold-out, no stopping
        early = self.early_stopping and not incremental
        state = self._start_state(incremental, early)
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
        kwargs = self._objective_kwargs()
        work = Workspace(kwargs["layout"], batch_size, X.dtype, self.out_activation_)

        def objective(theta, Xb, Yb, swb, grad):
            return loss_and_grad(
                theta, X=Xb, Y=Yb, sample_weight=swb, grad=grad, work=work, **kwargs
            )

        try:
            with np.errstate(all="ignore"):
                converged = _solvers.run_epochs(
                    state,
                    X,
                    Y,
                    sample_weight,
                    objective=objective,
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
