"""The estimator shell shared by BackpropClassifier and BackpropRegressor.

Everything about scikit-learn lives here: parameter constraints, input
validation, random state, warm start and ``partial_fit`` bookkeeping,
warnings and verbose output. The fitted state is plain data -- the flat
parameter vector ``_theta``, the optimizer state as a dict of arrays and
numbers, curves and labels -- and ``coefs_`` / ``intercepts_`` are per-layer
views derived from ``_theta`` on every access.
"""

import copy
import functools
import numbers
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import NotFittedError
from sklearn.metrics import check_scoring
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_array, validate_data

from . import _namespace, _progress, _solvers
from ._activations import HIDDEN
from ._checks import (
    all_finite,
    cast_finite,
    check_weights,
    class_weight_name,
    validate_sample_weight,
)
from ._diagnostics import divergence_message, warn
from ._layout import init_params
from ._monitor import (
    CALLBACK_ATTRIBUTES,
    HAS_CALLBACKS,
    CallbackSupportMixin,
    CallbackTasks,
    Validation,
)
from ._namespace import check_fitted_namespace, namespace_of, to_host
from ._params import ParamViewsMixin, _layout
from ._training import FitData, TrainingMixin, fit_data

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


_FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))
_NONFINITE_OUTPUT = (
    "The network's output is not finite for some samples: their features are too "
    "large for the fitted weights. Scale the input as the training data was scaled."
)
_ACCEPT_SPARSE = ["csr", "csc"]
# Rows per chunk in predict: keeps each chunk's widest layer near 2**20 values.
_PREDICT_CHUNK_VALUES = 2**20


class BaseBackprop(ParamViewsMixin, TrainingMixin, CallbackSupportMixin, BaseEstimator):
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

    def _validate_X(self, X):
        """Validate X for prediction, in any numeric dtype.

        The conversion to the model's dtype is left to the caller, chunk by
        chunk, so that it never copies all of X at once. A plain 2-D float
        array of the right width, with nothing but finite values, for a model
        fitted without feature names, needs none of ``validate_data``'s
        conversions; checking just that much keeps single-row predictions
        fast. Anything else takes the full path, which also raises the errors.
        """
        if (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype in _FLOAT_DTYPES
            and X.shape[0] >= 1
            and X.shape[1] == self.n_features_in_
            and not hasattr(self, "feature_names_in_")
            and all_finite(X)
        ):
            return X
        return validate_data(
            self, X, accept_sparse=_ACCEPT_SPARSE, dtype="numeric", reset=False
        )

    # ------------------------------------------------------------------
    # Prediction
    def _chunk_rows(self, X) -> int:
        """Rows per chunk: the widest array a chunk needs near 2**20 values.

        Those are the layers' outputs and, for dense X, the chunk of X itself
        (a copy when it is converted); a sparse chunk stays sparse, so very
        wide sparse X does not shrink the chunks.
        """
        widths = self._layer_units[1:] if sp.issparse(X) else self._layer_units
        return max(1, _PREDICT_CHUNK_VALUES // max(widths))

    def _check_fitted(self):
        """Raise check_is_fitted's error, without its cost, when not fitted."""
        if not hasattr(self, "_theta"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' "
                "with appropriate arguments before using this estimator."
            )

    def _predict_chunks(self, X, transform, tail_shape, dtype, method) -> np.ndarray:
        """Apply ``transform`` to the logits of X, chunk by chunk.

        ``transform(z, ops)`` maps the output logits of a chunk of rows (an
        array it may overwrite) to that chunk's result, of shape ``(rows,) +
        tail_shape``; results go straight into the one output array, so
        memory stays bounded for any number of rows. Non-finite logits (input
        far outside the training range, overflowing the products) raise. A
        model fitted in another array library computes in it (``method``
        names the caller in the error for inputs from elsewhere).
        """
        self._check_fitted()
        ns = check_fitted_namespace(self, X, method)
        if ns is not None:
            with np.errstate(all="ignore"):  # (numpy-backed libraries warn)
                return self._predict_on_device(ns, X, transform)
        with np.errstate(all="ignore"):  # scikit-learn's check warns on inf - inf
            X = self._validate_X(X)
        theta, n = self._theta, X.shape[0]
        chunk = self._chunk_rows(X)
        if sp.issparse(X) and n > chunk:
            X = X.tocsr()
        network = self._network(min(n, chunk), loss=False)
        out = np.empty((n, *tail_shape), dtype=dtype)
        with np.errstate(all="ignore"):
            for start in range(0, n, chunk):
                rows = slice(start, min(start + chunk, n))
                z = network.logits(theta, X[rows].astype(theta.dtype, copy=False))
                if not all_finite(z):
                    raise ValueError(_NONFINITE_OUTPUT)
                out[rows] = transform(z, network.ops)
        return out

    def _predict_on_device(self, ns, X, transform):
        """``_predict_chunks`` for a model in another array library."""
        X = self._validate_device_X(ns, X, reset=False)
        theta, n = self._theta, X.shape[0]
        if X.dtype != theta.dtype:
            X = ns.xp.astype(X, theta.dtype)
        chunk = self._chunk_rows(X)
        network = self._network(min(n, chunk), loss=False)
        parts = [
            network.logits(theta, X[start : min(start + chunk, n), ...])
            for start in range(0, n, chunk)
        ]
        Z = parts[0] if len(parts) == 1 else ns.xp.concat(parts)
        if not ns.ops.all_finite(Z):
            raise ValueError(_NONFINITE_OUTPUT)
        return transform(Z, ns.ops)

    def _validate_device_X(self, ns, X, *, reset):
        """Validate ``X`` of another array library on its device (dispatch on)."""
        if not ns.supports_float64() and X.dtype != ns.xp.float32:
            raise ValueError(
                f"The device {ns.device!r} has no float64; pass X as float32."
            )
        return validate_data(self, X, dtype=[ns.xp.float64, ns.xp.float32], reset=reset)

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

    def _fitted_view(self):
        """Return the fitted state of this moment, for one prediction call.

        A view shares this estimator's instance dictionary; a concurrent fit
        publishes a new dictionary instead of changing that one, so every
        attribute the call reads comes from the same fit.
        """
        view = object.__new__(type(self))
        view.__dict__ = self.__dict__
        view._check_fitted()
        return view

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

    def _validation_data(self, X_val, y_val, sample_weight_val, data, ns=None):
        """Validate the user-supplied validation set; None when there is none."""
        if X_val is None and y_val is None:
            if sample_weight_val is not None:
                raise ValueError(
                    "sample_weight_val is given, but X_val and y_val are not."
                )
            return None
        if y_val is None:
            raise ValueError("X_val is provided, but y_val was not provided.")
        if X_val is None:
            raise ValueError("y_val is provided, but X_val was not provided.")
        if ns is not None:
            _namespace.check_same(ns, X_val, "X_val")
        try:
            if ns is None:
                Xv, yv = self._validate_X_y(X_val, y_val, reset=False)
            else:
                Xv = self._validate_device_X(ns, X_val, reset=False)
                yv = self._validate_host_y(to_host(y_val), Xv.shape[0])
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"Invalid validation data (X_val, y_val): {exc}") from None
        if ns is None:
            Xv = cast_finite(Xv, data.X.dtype, "X_val")
            dtype = Xv.dtype
        else:
            if Xv.dtype != data.X.dtype:
                Xv = _namespace.cast_finite_on_device(ns, Xv, data.X.dtype, "X_val")
            dtype = ns.host_dtype(Xv.dtype)
        Yv = self._encode_validation_targets(yv, data)
        Yv = self._contiguous_targets(Yv, dtype, "y_val")
        swv = validate_sample_weight(
            to_host(sample_weight_val),
            Xv.shape[0],
            dtype,
            name="sample_weight_val",
            rows="X_val",
        )
        weighted = self._weight_by_class(Yv, swv)
        if weighted is not swv:
            name = class_weight_name(swv, "sample_weight_val", "y_val")
            swv = check_weights(weighted, dtype, name)
        scorer = self._scorer()
        self._check_validation_size(Xv.shape[0], scorer)
        validation = Validation(self, Xv, Yv, swv, lambda: (X_val, y_val), scorer)
        if ns is not None:
            validation.on_device(ns, dtype)
        return validation

    def _check_validation_size(self, n_val, scorer):
        """Raise when the score is undefined for ``n_val`` validation samples."""

    def _scorer(self):
        """None (the estimator's score), 'loss', or a scikit-learn scorer."""
        if self.scoring is None or self.scoring == "loss":
            return self.scoring
        return check_scoring(self, scoring=self.scoring)

    def _validation_metrics(
        self, theta, X, Y, sample_weight, with_score=True, host=None
    ) -> tuple[float, float]:
        """``(score, objective)`` of ``theta`` on validation data, by row chunks.

        The score is the estimator's ``score`` metric (NaN without
        ``with_score``); the objective is the training objective (loss plus L2
        term) evaluated on these rows.
        """
        n, chunk = X.shape[0], self._chunk_rows(X)
        network = self._network(min(n, chunk), theta)
        ops = network.ops
        # with another library, Y and the weights on the host (for the score
        # and the chunks' shares) come as host=(Y, sample_weight)
        Y_host, sw_host = (Y, sample_weight) if host is None else host
        Z = np.empty((n, self.n_outputs_), dtype=theta.dtype) if ops.buffered else []
        total = n if sw_host is None else float(sw_host.sum())
        data = 0.0
        with np.errstate(all="ignore"):
            for start in range(0, n, chunk):
                rows = slice(start, min(start + chunk, n))
                # (array API arrays take a full index; sparse matrices do not)
                index = rows if ops.buffered else (rows, ...)
                sw = None if sample_weight is None else sample_weight[rows]
                weight = rows.stop - rows.start
                if sw_host is not None:
                    weight = float(sw_host[rows].sum())
                if weight == 0:  # rows that do not count in the objective
                    z = network.logits(theta, X[index])
                else:
                    value, z = network.evaluate(theta, X[index], Y[index], sw)
                    data += value * (weight / total)  # (a fraction: no overflow)
                if ops.buffered:
                    Z[rows] = z
                else:
                    Z.append(z)
            if not ops.buffered:
                Z = ops.to_host(Z[0] if len(Z) == 1 else ops.xp.concat(Z))
            loss = float(data)
            if self.alpha:
                W = theta[: network.layout.n_coefs]
                loss += 0.5 * self.alpha * float(network.ops.dot(W, W)) / total
            if not (with_score and np.isfinite(Z).all()):
                return np.nan, loss
            return self._score_logits(Z, Y_host, sw_host), loss

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

    def to_numpy(self):
        """Return a copy of this fitted model with every array on the host.

        A model fitted on another array library's arrays (a PyTorch tensor on
        a GPU, say) keeps its parameters there. The copy's parameters,
        optimizer state and other arrays are numpy arrays: it predicts on
        numpy input, pickles, and exports to ONNX or skops like a model
        fitted on numpy. A numpy model is simply copied.

        Returns
        -------
        estimator : estimator instance
            A new, numpy-backed estimator with the same parameters and
            fitted state.
        """
        self._check_fitted()
        state = {
            k: _namespace.move_to_host(v)
            for k, v in self.__dict__.items()
            if k not in CALLBACK_ATTRIBUTES
        }
        host = object.__new__(type(self))
        host.__dict__ = copy.deepcopy(state)
        return host

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.array_api_support = True
        return tags
