"""The estimator shell shared by BackpropClassifier and BackpropRegressor.

Everything about scikit-learn lives in the shell: here the parameter
constraints, training-data validation, random state, warm start and
``partial_fit`` bookkeeping and warnings; prediction in ``_predicting``,
validation sets in ``_validating``, the solvers' wiring in ``_training``.
The fitted state is plain data -- the flat parameter vector ``_theta``, the
optimizer state as a dict of arrays and numbers, curves and labels -- and
``coefs_`` / ``intercepts_`` are per-layer views derived from ``_theta`` on
every access.
"""

import functools
import numbers
from typing import ClassVar

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_array, validate_data

from . import _namespace, _progress, _solvers
from ._activations import HIDDEN
from ._checks import (
    cast_finite,
    check_weights,
    class_weight_name,
    validate_sample_weight,
)
from ._diagnostics import divergence_message, warn
from ._html import HTMLReprMixin
from ._layout import init_params
from ._monitor import (
    CALLBACK_ATTRIBUTES,
    HAS_CALLBACKS,
    CallbackSupportMixin,
    CallbackTasks,
)
from ._namespace import check_fitted_namespace, namespace_of, to_host
from ._params import ParamViewsMixin, _layout
from ._predicting import _ACCEPT_SPARSE, _FLOAT_DTYPES, PredictionMixin
from ._training import FitData, TrainingMixin, fit_data
from ._validating import ValidationMixin

_STOCHASTIC_SOLVERS = ("sgd", "adam")


def partial_fit_context(method):
    """Wrap ``partial_fit`` like scikit-learn's ``_fit_context``, validating always.

    ``_fit_context`` validates the parameters only on a call that finds the
    estimator unfitted, but ``set_params`` may change any of them between
    calls; this checks them on every call.
    """
    in_context = _fit_context(prefer_skip_nested_validation=True)(method)

    @functools.wraps(method)
    def partial_fit(self, *args, **kwargs):
        if hasattr(self, "_theta") and not get_config()["skip_parameter_validation"]:
            self._validate_params()
        return in_context(self, *args, **kwargs)

    return partial_fit


class BaseBackprop(
    ParamViewsMixin,
    TrainingMixin,
    PredictionMixin,
    ValidationMixin,
    CallbackSupportMixin,
    HTMLReprMixin,
    BaseEstimator,
):
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
        "scoring": [str, callable, None],
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
        scoring,
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
        self.scoring = scoring

    # ------------------------------------------------------------------
    # Helpers
    def _score_name(self) -> str:
        """Name of the validation score: the scorer's, as users name it."""
        scoring = self.scoring
        if scoring is None:
            return "r2" if self._y_numeric else "accuracy"
        if scoring == "loss":
            return "neg_loss"
        if isinstance(scoring, str):
            return scoring
        return getattr(scoring, "__name__", "score")

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

    # ------------------------------------------------------------------
    # Fitting
    def _working_copy(self):
        """Return a private copy of this estimator for one fit or partial_fit call.

        It shares every value (parameters, fitted arrays) with this
        estimator; the training code replaces values rather than changing
        them in place, and trains copies of the arrays it updates.
        """
        work = object.__new__(type(self))
        work.__dict__.update(self.__dict__)
        return work

    def _publish(self, work) -> None:
        """Make ``work``'s state this estimator's, in one step.

        The instance dictionary is replaced, not updated key by key, so a
        reader in another thread sees the old state or the new one, never a
        mix. The callback machinery's own attributes are kept as they are
        now: the fit's teardown reads them after this.
        """
        state = {k: v for k, v in work.__dict__.items() if k not in CALLBACK_ATTRIBUTES}
        current = self.__dict__
        state.update({k: current[k] for k in CALLBACK_ATTRIBUTES if k in current})
        self.__dict__ = state

    def _callback_tasks(self, incremental) -> CallbackTasks:
        """Open the callback task tree of this call (when anyone is listening)."""
        lbfgs = self.solver == "lbfgs"
        listening = HAS_CALLBACKS and (
            getattr(self, "_skl_callbacks", None)
            or hasattr(self, "_parent_callback_ctx")
        )
        ctx = None
        if listening:
            # L-BFGS begins one iteration past its last (as LogisticRegression's)
            max_subtasks = 1 if incremental else self.max_iter + lbfgs
            ctx = self._init_callback_context(
                task_name="partial_fit" if incremental else "fit",
                max_subtasks=max_subtasks,
            )
        return CallbackTasks(self, ctx, subtask_name="iteration" if lbfgs else "epoch")

    def _fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        incremental=False,
        classes=None,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Train a working copy; publish it when training succeeds, then warn.

        A call that raises leaves this estimator exactly as it was, and
        readers in other threads see the old fitted state until the new one
        is published.
        """
        tasks = self._callback_tasks(incremental)
        work = self._working_copy()
        # scikit-learn's checks warn on inf - inf and casts of huge labels; the
        # fit detects every non-finite value itself and raises clearly
        with np.errstate(all="ignore"):
            messages = work._train(
                X,
                y,
                sample_weight,
                tasks,
                incremental=incremental,
                classes=classes,
                validation=(X_val, y_val, sample_weight_val),
            )
        self._publish(work)
        for message, category in messages:
            warn(message, category)
        tasks.end_fit()
        return self

    def _train(
        self, X, y, sample_weight, tasks, *, incremental, classes, validation
    ) -> list:
        """Validate the data and run the solver on this (working) estimator."""
        hidden = self._hidden_sizes()
        first_pass = not hasattr(self, "_theta") or (
            not self.warm_start and not incremental
        )
        ns = namespace_of(X)
        if not first_pass:
            check_fitted_namespace(self, X, "partial_fit" if incremental else "fit")
        data = self._validate_fit_data(
            ns,
            X,
            y,
            sample_weight,
            first_pass=first_pass,
            incremental=incremental,
            classes=classes,
        )
        validation = self._validation_data(*validation, data, ns)
        user_sw = data.user_sample_weight
        tasks.begin_fit(X, y, None if user_sw is None else {"sample_weight": user_sw})
        self.out_activation_ = self._out_activation()
        layer_units = (data.X.shape[1], *hidden, data.Y.shape[1])
        rng = check_random_state(self.random_state)
        if first_pass:
            self._initialize(layer_units, data.X.dtype, rng, ns)
        elif layer_units != self._layer_units:
            raise ValueError(
                f"Cannot continue training a network with layer sizes "
                f"{self._layer_units} on data and hidden_layer_sizes that give "
                f"{layer_units}; set warm_start=False to start afresh."
            )
        reporter = _progress.reporter(self.verbose, incremental=incremental)
        try:
            if self.solver == "lbfgs":
                return self._fit_lbfgs(data, validation, tasks, reporter)
            return self._fit_stochastic(
                data, validation, tasks, reporter, rng, incremental, first_pass, (X, y)
            )
        except _solvers.NonFiniteLossError:
            reporter.end(
                "Stopped: the loss became non-finite (the optimization diverged); "
                "the model is left as it was."
            )
            raise ValueError(
                divergence_message(**self._divergence_context(data))
            ) from None

    def _divergence_context(self, data) -> dict:
        """Return what the divergence messages need to say what most likely failed."""
        name = "sample_weight"
        if data.sample_weight is not data.user_sample_weight:  # class weights
            name = class_weight_name(data.user_sample_weight, name)
        return dict(
            solver=self.solver,
            weights=data.sw_host,
            weights_name=name,
            alpha=self.alpha,
            regression=self._y_numeric,
        )

    def _validate_fit_data(
        self, ns, X, y, sample_weight, *, first_pass, incremental, classes
    ) -> FitData:
        """Validate and encode the training data; ``ns`` is X's library or None.

        With another array library, X is checked on its device and the
        targets and weights on the host, then moved to X's device (whatever
        library or device they came in, as scikit-learn's array API
        estimators do).
        """
        if ns is None:
            X, y = self._validate_X_y(X, y, reset=first_pass)
            if not first_pass:
                X = cast_finite(X, self._theta.dtype, "X")
            dtype = X.dtype
        else:
            X = self._validate_device_X(ns, X, reset=first_pass)
            if not first_pass and X.dtype != self._theta.dtype:
                X = _namespace.cast_finite_on_device(ns, X, self._theta.dtype, "X")
            dtype = ns.host_dtype(X.dtype)
            y = self._validate_host_y(to_host(y), X.shape[0])
            sample_weight = to_host(sample_weight)
        Y = self._encode_targets(
            y, first_pass=first_pass, incremental=incremental, classes=classes
        )
        Y = self._contiguous_targets(Y, dtype, "y")
        user_sw = validate_sample_weight(sample_weight, X.shape[0], dtype)
        sw = self._apply_class_weight(Y, user_sw, incremental)
        if sw is not user_sw:
            sw = check_weights(sw, dtype, class_weight_name(user_sw, "sample_weight"))
        return fit_data(ns, X, Y, sw, user_sw)

    def _validate_host_y(self, y, n_samples):
        """Check targets as ``validate_data(X, y)`` does, for X on a device."""
        y = check_array(
            y,
            accept_sparse="csr",
            ensure_2d=False,
            dtype=None,
            input_name="y",
            estimator=self,
        )
        if self._y_numeric and getattr(y.dtype, "kind", None) == "O":
            y = y.astype(np.float64)
        if y.shape[0] != n_samples:
            raise ValueError(
                "Found input variables with inconsistent numbers of samples: "
                f"[{n_samples}, {y.shape[0]}]"
            )
        return y

    def _validate_X_y(self, X, y, *, reset):
        """Training or validation data: X float64 or float32, dense/CSR/CSC."""
        return validate_data(
            self,
            X,
            y,
            accept_sparse=_ACCEPT_SPARSE,
            multi_output=True,
            dtype=_FLOAT_DTYPES,
            reset=reset,
            y_numeric=self._y_numeric,
        )

    @staticmethod
    def _contiguous_targets(Y, dtype, name):
        # class indicators stay boolean (an eighth of the memory); the loss
        # arithmetic casts them exactly
        if Y.dtype == bool:
            return np.ascontiguousarray(Y)
        return np.ascontiguousarray(cast_finite(Y, dtype, name))

    def _apply_class_weight(self, Y, sample_weight, incremental):
        return sample_weight

    def _weight_by_class(self, Y, sample_weight):
        return sample_weight

    def _initialize(self, layer_units, dtype, rng, ns=None):
        layout = _layout(layer_units)
        self._layer_units = layer_units
        self.n_layers_ = layout.n_layers
        self.n_outputs_ = layer_units[-1]
        factor = 2.0 if self.activation == "logistic" else 6.0
        # drawn on the host with the estimator's rng, then moved: every
        # library starts from the same weights
        host_dtype = dtype if ns is None else ns.host_dtype(dtype)
        theta = init_params(layout, rng, host_dtype, factor)
        self._use_initial_layers(layout, theta)
        self._theta = theta if ns is None else ns.asarray(theta, host_dtype)
        self._opt_state = None
        self._best_theta = None
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.history_ = None
        self._no_improvement_count = 0
        self.best_loss_ = np.inf
        self.validation_scores_ = self.validation_loss_curve_ = None
        self.best_validation_score_ = self.best_iteration_ = None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.array_api_support = True
        return tags
