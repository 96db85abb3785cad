"""BackpropClassifier: binary, multiclass and multilabel classification."""

from typing import ClassVar

import numpy as np
from scipy.special import expit
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from ._activations import ACTIVATIONS
from ._base import BaseBackprop, partial_fit_context
from ._labels import ClassLabelsMixin, _check_label_types
from ._namespace import check_fitted_namespace, namespace_of_array, to_host


class BackpropClassifier(ClassifierMixin, ClassLabelsMixin, BaseBackprop):
    """Multilayer perceptron classifier trained by backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
    same parameters, defaults (except ``activation='logistic'``), fitted
    attributes and methods, plus a choice of loss and class weights.

    Output units: with ``loss='log_loss'`` one logistic unit for binary
    targets, a softmax over the classes for multiclass targets and one
    logistic unit per label for multilabel targets. With
    ``loss='squared_error'`` every output is a logistic unit (one for binary,
    one per class or label otherwise) trained on the 0/1 targets, as in the
    classic sigmoid network.

    The objective is the sample-weighted mean over samples of the per-sample
    loss (cross-entropy summed over outputs, or half the squared error summed
    over outputs) plus ``alpha / (2 * sum of sample weights)`` times the sum of
    the squared weights; ``loss_`` and ``loss_curve_`` report it.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.
    activation : {'logistic', 'tanh', 'relu', 'identity'}, default='logistic'
        Activation of the hidden units.
    loss : {'log_loss', 'squared_error'}, default='log_loss'
        Loss minimised; see above for the output units each one uses.
    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight``. 'balanced'
        uses ``total_weight / (n_classes * class_weight_total)``, the
        sample-weighted form of ``n_samples / (n_classes * np.bincount(y))``;
        ``partial_fit`` uses the class totals of all the data seen so far.
        Not available for multilabel targets.
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
        accuracy by default) and the validation loss have not improved by
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
        for the estimator's ``score`` (accuracy), 'loss' for the negated
        validation objective, or any scikit-learn scorer name or callable.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (label indices for multilabel targets).
    coefs_ : list of ndarray
        Weight matrix of each layer, shape (fan_in, fan_out); views into the
        flat parameter vector. Assigning arrays of the same shapes (as a list,
        or one layer at a time) sets the weights; assigned before the first
        fit, they are the weights it starts from.
    intercepts_ : list of ndarray
        Bias vector of each layer; views like ``coefs_``.
    loss_ : float
        Objective at the end of the last epoch or iteration.
    best_loss_ : float or None
        Lowest training loss; None with early stopping.
    loss_curve_ : list of float
        Objective per epoch (sgd, adam) or iteration (lbfgs).
    validation_scores_ : list of float or None
        Validation score (``scoring``; the accuracy by default) per validated
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
        Number of output units.
    out_activation_ : str
        Output activation: 'logistic' or 'softmax'.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Feature names seen during fit, when X has string column names.

    See Also
    --------
    BackpropRegressor : The regression counterpart.
    sklearn.neural_network.MLPClassifier : The estimator this one replaces.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skbackprop import BackpropClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = BackpropClassifier(hidden_layer_sizes=(10,), solver="lbfgs",
    ...                          max_iter=500, random_state=0).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> [W.shape for W in clf.coefs_]
    [(4, 10), (10, 3)]
    >>> clf.out_activation_
    'softmax'
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseBackprop._parameter_constraints,
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="logistic",
        *,
        loss="log_loss",
        class_weight=None,
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
        self.class_weight = class_weight

    # ------------------------------------------------------------------
    # Targets (labels, classes and class weights: _labels.ClassLabelsMixin)
    def _out_activation(self):
        if self._label_type == "multiclass" and self.loss == "log_loss":
            return "softmax"
        return "logistic"

    def _stratify_labels(self, Y):
        if self._label_type == "multilabel-indicator":
            return None
        return self._class_index(Y)

    # ------------------------------------------------------------------
    # Outputs, from the output layer's pre-activations (logits) Z
    def _proba(self, Z, ops=None):
        """Class probabilities from logits ``Z`` (which may be overwritten).

        ``ops`` (see ``_ops``) is given for logits in another array library.
        """
        if ops is not None and not ops.buffered:
            return self._proba_on(ops, Z)
        if self.out_activation_ == "softmax":
            return ACTIVATIONS["softmax"](Z)
        if self._label_type == "binary":
            # expit(-z) rather than 1 - expit(z): exact for saturated units
            P = np.empty((Z.shape[0], 2), dtype=Z.dtype)
            np.negative(Z[:, 0], out=P[:, 0])
            expit(P[:, 0], out=P[:, 0])
            expit(Z[:, 0], out=P[:, 1])
            return P
        A = expit(Z, out=Z)
        if self._label_type == "multiclass":  # squared error: normalise the units
            total = A.sum(axis=1, keepdims=True)
            np.divide(A, total, out=A, where=total > 0)
            A[total[:, 0] == 0] = 1 / A.shape[1]  # every unit rounded to 0
        return A

    def _proba_on(self, ops, Z):
        """``_proba`` in another array library: the same formulas through ``ops``."""
        xp, logistic = ops.xp, ACTIVATIONS["logistic"]
        if self.out_activation_ == "softmax":
            return ACTIVATIONS["softmax"](Z, ops=ops)
        if self._label_type == "binary":
            return xp.concat([logistic(-Z, ops=ops), logistic(Z, ops=ops)], axis=1)
        A = logistic(Z, ops=ops)
        if self._label_type == "multiclass":  # squared error: normalise the units
            total = ops.row_sum(A, keepdims=True)
            safe = xp.where(total > 0, total, xp.ones_like(total))
            A = xp.where(total > 0, A / safe, xp.ones_like(A) / A.shape[1])
        return A

    def _labels(self, Z, ops=None):
        P = self._proba(Z, ops)
        if ops is not None and not ops.buffered:
            xp = ops.xp
            if self._label_type == "multilabel-indicator":
                return xp.astype(P > 0.5, xp.int64)
            index = xp.argmax(P, axis=1)
            if self.classes_.dtype.kind not in "biuf":  # labels no array library holds
                return self.classes_[ops.to_host(index)]
            return xp.take(ops.asarray(self.classes_, self.classes_.dtype), index)
        if self._label_type == "multilabel-indicator":
            return (P > 0.5).astype(int)
        return self.classes_[np.argmax(P, axis=1)]

    def _score_logits(self, Z, Y, sample_weight):
        """Accuracy of the logits ``Z`` against encoded targets ``Y``."""
        if self._label_type == "multilabel-indicator":
            truth = Y.astype(int)
        else:
            truth = self.classes_[self._class_index(Y)]
        return float(
            accuracy_score(truth, self._labels(Z), sample_weight=sample_weight)
        )

    # ------------------------------------------------------------------
    # Public API
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
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a multilabel indicator matrix.
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
        self : BackpropClassifier
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
        classes=None,
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
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a multilabel indicator matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array-like of shape (n_classes,), default=None
            All classes across the calls. Required on the first call (except
            for multilabel targets); on later calls it may be passed again and
            must then be the same.
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
        self : BackpropClassifier
            The updated estimator.
        """
        return self._fit(
            X,
            y,
            sample_weight,
            incremental=True,
            classes=classes,
            X_val=X_val,
            y_val=y_val,
            sample_weight_val=sample_weight_val,
        )

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted classes (0/1 indicators for multilabel targets).
        """
        est = self._fitted_view()
        if est._label_type == "multilabel-indicator":
            tail, dtype = (len(est.classes_),), int
        else:
            tail, dtype = (), est.classes_.dtype
        return est._predict_chunks(X, est._labels, tail, dtype, "predict")

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_`` (of each
            label, for multilabel targets). With ``loss='squared_error'`` and
            several classes, the logistic outputs normalised to sum to one.
        """
        est = self._fitted_view()
        n_columns = 2 if est._label_type == "binary" else len(est.classes_)
        return est._predict_chunks(
            X, est._proba, (n_columns,), est._theta.dtype, "predict_proba"
        )

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of ``predict(X)`` against ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels (subset accuracy for multilabel targets).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Mean accuracy.
        """
        _check_label_types(y, "y")
        predicted = self.predict(X)
        if not isinstance(predicted, np.ndarray):  # scored on the host
            predicted, y = to_host(predicted), to_host(y)
            sample_weight = to_host(sample_weight)
        with np.errstate(all="ignore"):  # scikit-learn's label checks may warn
            return float(accuracy_score(y, predicted, sample_weight=sample_weight))

    def predict_log_proba(self, X):
        """Logarithm of the probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        self._check_fitted()
        check_fitted_namespace(self, X, "predict_log_proba")
        proba = self.predict_proba(X)
        if not isinstance(proba, np.ndarray):  # another array library's
            with np.errstate(divide="ignore"):  # (numpy-backed libraries)
                return namespace_of_array(proba).xp.log(proba)
        with np.errstate(divide="ignore"):
            return np.log(proba, out=proba)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
