"""BackpropRegressor: single- and multi-output regression."""

from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import column_or_1d

from ._activations import ACTIVATIONS
from ._base import BaseBackprop, partial_fit_context
from ._namespace import to_host
from ._ops import NUMPY


def _check_dense(y, name) -> None:
    if sp.issparse(y):
        raise TypeError(
            f"{name} is a sparse matrix; BackpropRegressor needs dense targets: "
            f"pass {name}.toarray()."
        )


def _target_matrix(y, name) -> np.ndarray:
    """Check the targets; return them as an ``(n_samples, n_outputs)`` array."""
    _check_dense(y, name)
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    if y.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must hold numbers for regression; got dtype {y.dtype}."
        )
    return y.reshape(len(y), -1)


def _r2(y_true, y_pred, sample_weight) -> float:
    """R², with targets too large to square scaled down first.

    R² does not change when targets and predictions are scaled alike; the
    scale is a power of two, an exact operation.
    """
    with np.errstate(all="ignore"):
        score = r2_score(y_true, y_pred, sample_weight=sample_weight)
        if not np.isfinite(score):
            y_true = np.asarray(y_true, dtype=float)
            top = max(np.abs(y_true).max(), np.abs(y_pred).max())
            if np.isfinite(top) and top > 1.0:
                scale = 2.0 ** -np.ceil(np.log2(top))
                score = r2_score(
                    y_true * scale, y_pred * scale, sample_weight=sample_weight
                )
    return float(score)


class BackpropRegressor(RegressorMixin, BaseBackprop):
    """Multilayer perceptron regressor trained by backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`:
    same parameters, defaults (except ``activation='logistic'``), fitted
    attributes and methods, plus bounded outputs and more losses.

    Output units and losses:

    - ``loss='squared_error'`` (half the squared error summed over outputs)
      with identity outputs (default) or, with
      ``output_activation='logistic'``, outputs bounded to (0, 1);
    - ``loss='log_loss'`` (cross-entropy summed over outputs) with
      ``output_activation='logistic'``, for targets in [0, 1] such as rates,
      proportions or soft labels;
    - ``loss='poisson'`` (half Poisson deviance) with an exponential output,
      as in MLPRegressor, for non-negative targets; ``output_activation``
      must then be left at 'identity'.

    The objective is the sample-weighted mean over samples of the per-sample
    loss plus ``alpha / (2 * sum of sample weights)`` times the sum of the
    squared weights; ``loss_`` and ``loss_curve_`` report it.

    Parameters
    ----------
    loss : {'squared_error', 'log_loss', 'poisson'}, default='squared_error'
        Loss minimised; see above. First positional parameter, as in
        MLPRegressor.
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.
    activation : {'logistic', 'tanh', 'relu', 'identity'}, default='logistic'
        Activation of the hidden units.
    output_activation : {'identity', 'logistic'}, default='identity'
        Activation of the output units (see above for 'poisson').
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        Weight optimiser.
    alpha : float, default=0.0001
        Strength of the L2 penalty, divided by the (weighted) sample count.
    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``.
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        SGD learning-rate schedule.
    learning_rate_init : float, default=0.001
        Initial learning rate (sgd, adam).
    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.
    max_iter : int, default=200
        Maximum epochs (sgd, adam) or iterations (lbfgs).
    shuffle : bool, default=True
        Whether to shuffle the samples every epoch (sgd, adam).
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the early-stopping split and the
        shuffling.
    tol : float, default=1e-4
        Improvement below which an epoch counts as no progress.
    verbose : bool or int, default=False
        What to print while training: nothing (0, False); the epoch table
        (1, True): one line per epoch or L-BFGS iteration with the training
        and validation loss, the validation score, a mark on the best epoch,
        the learning rate when a schedule changes it and the duration, then
        why training ended; or (2) a live progress bar when standard output
        is a terminal (rich's with the ``[progress]`` extra), else the table.
    warm_start : bool, default=False
        Whether ``fit`` continues from the current weights.
    momentum : float, default=0.9
        SGD momentum.
    nesterovs_momentum : bool, default=True
        Whether SGD uses Nesterov's momentum.
    early_stopping : bool, default=False
        Whether to stop when the validation score (``scoring``; the
        R^2 by default) and the validation loss have not improved by
        more than ``tol`` for ``n_iter_no_change`` epochs, keeping the weights
        of the epoch with the best score (of those tied, the lowest
        validation loss). The validation set is ``X_val, y_val`` when given,
        else ``validation_fraction`` of the data, held out with identical
        samples on one side and zero-weight samples left out; each side needs
        at least 2 distinct samples. 'lbfgs' ignores it.
    validation_fraction : float, default=0.1
        Fraction held out for early stopping, in (0, 1).
    beta_1 : float, default=0.9
        Adam's first-moment decay.
    beta_2 : float, default=0.999
        Adam's second-moment decay.
    epsilon : float, default=1e-8
        Adam's numerical-stability constant.
    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement before stopping.
    max_fun : int, default=15000
        Maximum loss evaluations of 'lbfgs'.
    scoring : str, callable or None, default=None
        What ``validation_scores_`` record and early stopping watches: None
        for the estimator's ``score`` (R^2), 'loss' for the negated
        validation objective, or any scikit-learn scorer name or callable.

    Attributes
    ----------
    coefs_ : list of ndarray
        Weight matrix of each layer, shape (fan_in, fan_out); views into the
        flat parameter vector. Assigning arrays of the same shapes sets them;
        assigned before the first fit, they are the weights it starts from.
    intercepts_ : list of ndarray
        Bias vector of each layer; views like ``coefs_``.
    loss_ : float
        Objective at the end of the last epoch or iteration.
    best_loss_ : float or None
        Lowest training loss; None with early stopping.
    loss_curve_ : list of float
        Objective per epoch (sgd, adam) or iteration (lbfgs).
    validation_scores_ : list of float or None
        Validation score (``scoring``; the R^2 by default) per validated
        epoch: every epoch of a fit with a validation set (``X_val``, or the
        early-stopping split), every ``partial_fit`` call given ``X_val``;
        None when no validation set was ever monitored.
    validation_loss_curve_ : list of float or None
        Validation objective (loss plus L2 term on the validation rows), in
        step with ``validation_scores_``.
    best_validation_score_ : float or None
        Best finite validation score, or None.
    best_iteration_ : int or None
        Position (from 1) of the best validation score in
        ``validation_scores_``; with early stopping, the epoch whose weights
        were kept.
    history_ : dict of list
        One record per epoch (per L-BFGS iteration) of the last fit, extended
        by warm starts and ``partial_fit``: keys 'epoch', 'loss',
        'validation_loss', 'validation_score', 'learning_rate', 'duration'
        (seconds) and 'samples_seen'; plain data, ready for
        ``pandas.DataFrame``. It agrees with ``loss_curve_`` and the
        validation curves.
    t_ : int
        Number of training samples seen by the stochastic solvers.
    n_iter_ : int
        Epochs or iterations run by the last call.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of outputs.
    out_activation_ : str
        Output activation: 'identity', 'logistic' or 'exp'.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Feature names seen during fit, when X has string column names.

    See Also
    --------
    BackpropClassifier : The classification counterpart.
    sklearn.neural_network.MLPRegressor : The estimator this one replaces.

    Examples
    --------
    >>> import numpy as np
    >>> from skbackprop import BackpropRegressor
    >>> X = np.linspace(0, 1, 50).reshape(-1, 1)
    >>> y = 0.2 + 0.6 * X.ravel() ** 2          # rates in [0, 1]
    >>> reg = BackpropRegressor(hidden_layer_sizes=(8,), loss="log_loss",
    ...                         output_activation="logistic", solver="lbfgs",
    ...                         random_state=0).fit(X, y)
    >>> bool(abs(reg.predict([[0.5]])[0] - 0.35) < 0.01)
    True
    """

    _y_numeric = True
    _parameter_constraints: ClassVar[dict] = {
        **BaseBackprop._parameter_constraints,
        "loss": [StrOptions({"squared_error", "log_loss", "poisson"})],
        "output_activation": [StrOptions({"identity", "logistic"})],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="logistic",
        *,
        output_activation="identity",
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        scoring=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            loss=loss,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            scoring=scoring,
        )
        self.output_activation = output_activation

    def _encode_targets(self, y, *, first_pass, incremental, classes):
        Y = _target_matrix(y, "y")
        self._check_loss_and_targets(Y)
        if not first_pass and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} outputs but the model was fitted with "
                f"{self.n_outputs_}."
            )
        return Y

    def _encode_validation_targets(self, y_val, data):
        """Encode y_val like this fit's targets."""
        Y = _target_matrix(y_val, "y_val")
        if Y.shape[1] != data.Y.shape[1]:
            raise ValueError(
                f"y_val has {Y.shape[1]} outputs but y has {data.Y.shape[1]}."
            )
        self._check_loss_and_targets(Y, name="y_val")
        return Y

    def _check_loss_and_targets(self, Y, name="y"):
        loss, out = self.loss, self.output_activation
        if loss == "log_loss":
            if out != "logistic":
                raise ValueError(
                    "loss='log_loss' needs output_activation='logistic' (outputs "
                    f"in (0, 1)); got output_activation={out!r}."
                )
            if Y.size and (Y.min() < 0 or Y.max() > 1):
                raise ValueError(
                    "loss='log_loss' needs targets in [0, 1] (rates, proportions, "
                    f"soft labels); {name} ranges over [{Y.min():g}, {Y.max():g}]."
                )
        elif loss == "poisson":
            if out != "identity":
                raise ValueError(
                    "loss='poisson' always uses an exponential output (log link); "
                    f"leave output_activation='identity', got {out!r}."
                )
            if Y.size and Y.min() < 0:
                raise ValueError(
                    f"loss='poisson' needs non-negative targets; {name} has values "
                    f"down to {Y.min():g}."
                )

    def _out_activation(self):
        return "exp" if self.loss == "poisson" else self.output_activation

    def _stratify_labels(self, Y):
        return None

    def _score_logits(self, Z, Y, sample_weight):
        """R^2 of the outputs for logits ``Z`` against targets ``Y``."""
        A = ACTIVATIONS[self.out_activation_](Z)
        if not np.isfinite(A).all():
            return np.nan
        return _r2(Y, A, sample_weight)

    def _check_validation_size(self, n_val, scorer):
        """R² needs two validation samples; say so before training."""
        r2 = scorer is None or getattr(scorer, "_score_func", None) is r2_score
        if n_val < 2 and r2:
            raise ValueError(
                f"X_val has {n_val} sample: R² (the validation score) is undefined "
                "for fewer than 2 samples. Give X_val at least 2 samples, or "
                "choose another scoring (e.g. scoring='loss')."
            )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Fit the network to data matrix X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data trains a float32 model.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            Validation data, as in ``HistGradientBoostingClassifier.fit``: when
            given, ``validation_scores_`` and ``validation_loss_curve_`` are
            recorded on it every epoch (every iteration with 'lbfgs') and, with
            ``early_stopping=True``, early stopping watches it instead of an
            internal ``validation_fraction`` split. In a ``Pipeline``, X_val is
            transformed like X with ``Pipeline(..., transform_input=["X_val"])``
            (metadata routing enabled).
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Validation targets; required with X_val, and vice versa.
        sample_weight_val : array-like of shape (n_val,), default=None
            Validation sample weights.

        Returns
        -------
        self : BackpropRegressor
            The fitted estimator.
        """
        return self._fit(
            X,
            y,
            sample_weight,
            X_val=X_val,
            y_val=y_val,
            sample_weight_val=sample_weight_val,
        )

    @available_if(lambda est: est._check_solver())
    @partial_fit_context
    def partial_fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            Validation data: the model is scored on it after this call's epoch,
            and the score and validation loss are appended to
            ``validation_scores_``, ``validation_loss_curve_`` and
            ``history_`` (as ``fit`` records them every epoch), so a
            hand-written ``partial_fit`` loop gets the same curves.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Validation targets; required with X_val, and vice versa.
        sample_weight_val : array-like of shape (n_val,), default=None
            Validation sample weights.

        Returns
        -------
        self : BackpropRegressor
            The updated estimator.
        """
        return self._fit(
            X,
            y,
            sample_weight,
            incremental=True,
            X_val=X_val,
            y_val=y_val,
            sample_weight_val=sample_weight_val,
        )

    def predict(self, X):
        """Predict using the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted values.
        """
        est = self._fitted_view()
        A = est._predict_chunks(
            X, est._outputs, (est.n_outputs_,), est._theta.dtype, "predict"
        )
        if A.shape[1] != 1:
            return A
        return A.ravel() if isinstance(A, np.ndarray) else A[:, 0]

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R² of ``predict(X)`` against ``y``.

        R² does not change when targets and predictions are scaled alike, so
        targets too large to square are scaled down by a power of two (an
        exact operation) instead of overflowing.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R² (uniform average over outputs).
        """
        _check_dense(y, "y")
        predicted = self.predict(X)
        if not isinstance(predicted, np.ndarray):  # scored on the host
            predicted, y = to_host(predicted), to_host(y)
            sample_weight = to_host(sample_weight)
        return _r2(y, predicted, sample_weight)

    def _outputs(self, Z, ops=None):
        """Predictions from logits ``Z`` (overwritten); raises if they overflow.

        ``ops`` (see ``_ops``) is given for logits in another array library.
        """
        ops = ops or NUMPY
        A = ACTIVATIONS[self.out_activation_](Z, ops=ops)
        if not ops.all_finite(A):
            raise ValueError(
                "The predictions overflow (exp of a very large logit) for some "
                "samples: their features are far outside the training range."
            )
        return A

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.positive_only = self.loss == "poisson"
        tags.regressor_tags.poor_score = self.output_activation == "logistic"
        return tags
