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
from ._docstrings import shared_docstring
from ._labels import ClassLabelsMixin, _check_label_types
from ._namespace import check_fitted_namespace, namespace_of_array, to_host


@shared_docstring
class BackpropClassifier(ClassifierMixin, ClassLabelsMixin, BaseBackprop):
    """Multilayer perceptron classifier trained by backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`
    [7]_: the same parameters and defaults (except ``activation='logistic'``),
    fitted attributes and methods. It adds a choice of ``loss``,
    ``class_weight``, validation data in ``fit`` (``X_val``, ``y_val``) scored
    with ``scoring``, the validation loss and a per-epoch ``history_`` among the
    fitted attributes, and scikit-learn's callbacks (``set_callbacks``). The
    gradient of the objective is computed by backpropagation [1]_ and
    minimised by stochastic gradient descent, Adam [2]_ or L-BFGS [4]_.

    Output units: with ``loss='log_loss'`` one logistic unit for binary
    targets, a softmax over the classes for multiclass targets and one
    logistic unit per label for multilabel targets. With
    ``loss='squared_error'`` every output is a logistic unit (one for binary,
    one per class or label otherwise) trained on the 0/1 targets, as in the
    classic sigmoid network of [1]_.

    Parameters
    ----------
    {hidden_layer_sizes}

    activation : {'logistic', 'tanh', 'relu', 'identity'}, default='logistic'
        Activation function of the hidden units (scikit-learn's default is
        'relu'):

        - 'logistic': the sigmoid ``f(z) = 1 / (1 + exp(-z))``, the unit of
          [1]_;
        - 'tanh': the hyperbolic tangent, ``f(z) = tanh(z)``;
        - 'relu': the rectified linear unit, ``f(z) = max(0, z)``;
        - 'identity': no non-linearity, ``f(z) = z`` (a linear bottleneck).

        It also sets the initialisation: the weights and biases of each
        layer are drawn uniformly from ``[-b, b]`` with
        ``b = sqrt(k / (fan_in + fan_out))``, ``k = 2`` for 'logistic' and
        ``6`` otherwise, the scheme of Glorot and Bengio [3]_ as
        MLPClassifier applies it.

    loss : {'log_loss', 'squared_error'}, default='log_loss'
        Loss minimised (MLPClassifier has only 'log_loss'):

        - 'log_loss': the cross-entropy, summed over the output units and
          computed from the logits, so that it stays exact where a
          probability rounds to 0 or 1;
        - 'squared_error': half the squared error summed over the output
          units, ``0.5 * sum_k (a_k - y_k)**2``, between the logistic outputs
          ``a`` and the 0/1 targets ``y``; ``predict_proba`` then normalises
          the outputs of a multiclass network to sum to one.

    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight`` (and into
        ``sample_weight_val`` of a validation set, so that the validation
        loss and the default validation score are weighted alike). A dict
        maps class labels to weights; the classes it leaves out weigh 1.
        'balanced' uses ``total_weight / (n_classes * class_weight_total)``,
        the sample-weighted form of ``n_samples / (n_classes *
        np.bincount(y))``; ``partial_fit`` uses the class totals of all the
        data seen so far. None weighs every class 1. Not available for
        multilabel targets (use ``sample_weight``). Not in MLPClassifier.

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        The solver for weight optimisation:

        - 'lbfgs': scipy's L-BFGS-B [4]_ [5]_, a quasi-Newton method on the
          objective of the whole training set; every iteration evaluates the
          loss and gradient on all the samples at least once;
        - 'sgd': minibatch stochastic gradient descent with momentum
          (``momentum``, ``nesterovs_momentum``) and a learning-rate schedule
          (``learning_rate``);
        - 'adam': Adam [2]_, minibatch stochastic gradient descent with a
          step size per parameter from running averages of the gradient
          and of its square (``beta_1``, ``beta_2``, ``epsilon``).

        As with MLPClassifier, 'adam' works well on relatively large data
        sets (thousands of samples or more), in training time and validation
        score; on small ones 'lbfgs' can converge faster and perform better.
        'lbfgs' holds the activations of every training sample at once
        (memory grows with the number of samples times the widest layer) and
        has neither ``partial_fit`` nor early stopping; the stochastic
        solvers work on one minibatch at a time.

    {alpha}

    {batch_size}

    {learning_rate}

    {learning_rate_init}

    {power_t}

    {max_iter}

    {shuffle}

    {random_state}

    {tol}

    {verbose}

    warm_start : bool, default=False
        When True, ``fit`` starts from the weights of the previous fit
        instead of new random ones, and extends its curves (``loss_curve_``,
        the validation curves, ``history_``) and ``t_``; the optimizer's own
        state (the momentum velocity, Adam's moments) starts afresh. The
        layer sizes and the classes must be the same as before.
        ``partial_fit`` always continues.

    {momentum}

    {nesterovs_momentum}

    early_stopping : bool, default=False
        Whether 'sgd' and 'adam' stop on a validation set rather than on the
        training loss: training stops when, for more than ``n_iter_no_change``
        consecutive epochs, the validation score (``scoring``; the accuracy by
        default) has not risen by ``tol`` and the validation loss has not
        fallen by ``tol``, and the model keeps the weights of the epoch with
        the best validation score (of those tied, the one with the lowest
        validation loss). The validation set is ``X_val, y_val`` when given to
        ``fit``, else ``validation_fraction`` of the training data, held out
        from training: stratified by class (except for multilabel targets)
        when every class is large enough, with identical samples kept on one
        side and zero-weight samples left out; each side needs at least 2
        distinct samples. When no validation score is finite, the last epoch's
        weights are kept, with a warning. 'lbfgs' ignores it: it holds nothing
        out and does not stop early (a validation set given to ``fit`` is
        still scored every iteration). ``partial_fit`` ignores it too and
        trains on all the data it is given.

    {validation_fraction}

    {beta_1}

    {beta_2}

    {epsilon}

    {n_iter_no_change}

    {max_fun}

    scoring : str, callable or None, default=None
        The validation score: what ``validation_scores_`` records and early
        stopping watches (higher is better). None is the estimator's
        ``score``, the accuracy (subset accuracy for multilabel targets),
        weighted by the validation set's sample and class weights; 'loss'
        is the negated validation objective; any other string names a
        scikit-learn scorer (``'roc_auc'``, ``'neg_log_loss'``, ...), and a
        callable is a scorer ``scoring(estimator, X_val, y_val)``, also
        passed ``sample_weight=`` when the validation set is weighted. A
        scorer receives a private copy of the estimator holding the epoch's
        weights. Not in MLPClassifier.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted; for multilabel targets, the label indices
        ``0, ..., n_labels - 1``.

    coefs_ : list of ndarray of shape (n_layers - 1,)
        The ith element is the weight matrix from layer i to layer i + 1, of
        shape (fan_in, fan_out). The solvers train one flat vector holding
        every weight and bias; each access to ``coefs_`` returns views into
        it, so an array read before a later fit keeps the values of that
        moment (the fit trains a copy). Assigning a list of arrays of the
        same shapes, or one layer (``clf.coefs_[i] = W``), writes into the
        model; assigned before the first fit, they are the weights it starts
        from.

    {intercepts_}

    {loss_}

    {best_loss_}

    {loss_curve_}

    validation_scores_ : list of float or None
        The validation score (``scoring``; the accuracy by default) after
        each validated epoch or L-BFGS iteration: every one of a ``fit``
        given ``X_val`` (any solver) or holding out the early-stopping split
        ('sgd', 'adam'), and every ``partial_fit`` call given ``X_val``.
        Continued by warm starts and ``partial_fit``; None when no validation
        set has been scored since the model was initialised (MLPClassifier
        records it with early stopping alone).

    validation_loss_curve_ : list of float or None
        The objective on the validation set (its weighted mean loss plus the
        L2 term, see Notes) at the same epochs as ``validation_scores_``;
        None like it. Not in MLPClassifier.

    {best_validation_score_}

    best_iteration_ : int or None
        Position, counted from 1, of ``best_validation_score_`` in
        ``validation_scores_`` (of equal scores, the one with the lowest
        validation loss): the epoch or iteration number when every one was
        validated. With early stopping, the epoch whose weights the model
        keeps. None when ``best_validation_score_`` is. Not in MLPClassifier.

    history_ : dict of list
        One record per epoch (per L-BFGS iteration) of the last fit, extended
        by warm starts and ``partial_fit``: keys 'epoch', 'loss',
        'validation_loss', 'validation_score' (None where none was scored),
        'learning_rate' (SGD's rate during the epoch, Adam's
        ``learning_rate_init``, None for L-BFGS), 'duration' (seconds) and
        'samples_seen'; plain data, ready for ``pandas.DataFrame``. It agrees
        with ``loss_curve_`` and the validation curves. Not in
        MLPClassifier.

    {t_}

    {n_iter_}

    {n_layers_}

    n_outputs_ : int
        Number of output units: 1 for binary targets, else the number of
        classes or labels.

    out_activation_ : str
        Name of the output activation function: 'softmax' for multiclass
        targets with ``loss='log_loss'``, else 'logistic'.

    {n_features_in_}

    {feature_names_in_}

    See Also
    --------
    BackpropRegressor : The regression counterpart.
    LossCurveDisplay : Plot the training and validation curves.
    sklearn.neural_network.MLPClassifier : The estimator this one replaces.

    Notes
    -----
    **Objective.** Let ``w`` be the vector of all weights and biases, ``W_l``
    the weight matrix of layer ``l``, ``s_i`` the weight of sample ``i`` (its
    ``sample_weight`` times its class weight; 1 without either), ``S`` the
    sum of the ``s_i`` and ``L(y_i, a_i)`` the loss of sample ``i``, summed
    over the output units. The solvers minimise::

        J(w) = sum_i s_i * L(y_i, a_i) / S + alpha / (2 * S) * sum_l ||W_l||**2

    where ``||W_l||**2`` is the sum of the squared entries of ``W_l``; the
    biases are not penalised. 'lbfgs' minimises ``J`` over the whole
    training set. The stochastic solvers take one step per minibatch along
    the gradient of ``J`` on that minibatch (``S`` then being its weight),
    and report as an epoch's loss the mean of its minibatch objectives,
    weighted by their shares of the sample weight. ``validation_loss_curve_``
    holds ``J`` on the validation set. The gradient is computed by
    backpropagation [1]_; the error of the output units is ``a - y`` for
    cross-entropy on logistic or softmax units, and for squared error it
    includes the logistic unit's derivative, ``(a - y) * a * (1 - a)``.

    **Solvers.** 'sgd' makes scikit-learn's momentum updates (see
    ``momentum`` and ``nesterovs_momentum``). 'adam' updates, after the
    ``t``-th minibatch, of gradient ``g``, its moment estimates ``m`` and
    ``v`` (zero at first) and the parameters::

        m <- beta_1 * m + (1 - beta_1) * g
        v <- beta_2 * v + (1 - beta_2) * g**2
        eta_t = learning_rate_init * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w <- w - eta_t * m / (sqrt(v) + epsilon)

    the bias-corrected form given at the end of section 2 of [2]_, as in
    scikit-learn; ``t`` and the moments start afresh at every ``fit`` and
    continue over ``partial_fit`` calls. 'lbfgs' is scipy's L-BFGS-B [5]_
    with ``maxiter=max_iter``, ``maxfun=max_fun`` and ``gtol=tol``; scipy
    works in float64, and a float32 model (float32 ``X``) evaluates the
    objective in float32.

    **Differences from MLPClassifier.** With the same ``random_state``,
    hyperparameters (``activation`` set explicitly) and data, and without
    early stopping, the fitted weights are MLPClassifier's to rounding.
    Beyond the additions above:

    - the validation split of early stopping keeps identical samples on one
      side, leaves zero-weight samples out and is stratified for multiclass
      targets too, so it differs from scikit-learn's; an epoch counts as
      progress when the validation score *or* the validation loss improves
      by ``tol``, ties on the best score go to the lowest validation loss,
      and NaN scores are never the best (scikit-learn watches the score
      alone and keeps the first of tied epochs);
    - the reported loss: cross-entropies are computed from the logits,
      exact where a probability rounds to 0 or 1; with ``sample_weight``,
      an epoch's loss weights each minibatch by its share of the sample
      weight (scikit-learn: of the samples); 'lbfgs' records
      ``loss_curve_`` and ``best_loss_`` and prints progress with
      ``verbose``;
    - a fit whose loss becomes non-finite raises ``ValueError`` and leaves
      the estimator as it was; one whose loss rises warns that the
      optimisation diverged. Each call trains a private copy and publishes
      it when it succeeds, so other threads keep predicting with the old
      model until then;
    - ``partial_fit`` exists for 'sgd' and 'adam' only, validates the
      parameters on every call, accepts ``classes`` on every call (the same
      each time) and trains on all its data with ``early_stopping=True``
      (scikit-learn raises);
    - ``coefs_`` and ``intercepts_`` write through into the model, and
      assigned before the first fit they are the starting weights of
      ``fit`` too;
    - a ``y`` of a single class raises; a sparse multilabel ``y`` is
      accepted but ``predict`` returns a dense indicator array; the first
      column of binary ``predict_proba`` is ``expit(-z)``, not
      ``1 - expit(z)``, and keeps tiny probabilities;
    - warnings are filed under the module ``skbackprop``, not ``sklearn``.

    See the page on the differences from scikit-learn's MLP in the
    documentation for the details and the reasons.

    References
    ----------
    .. [1] Rumelhart, D. E., Hinton, G. E. and Williams, R. J. (1986).
       "Learning representations by back-propagating errors." Nature, 323,
       533-536.
    .. [2] Kingma, D. P. and Ba, J. (2014). "Adam: A method for stochastic
       optimization." arXiv:1412.6980.
    .. [3] Glorot, X. and Bengio, Y. (2010). "Understanding the difficulty of
       training deep feedforward neural networks." Proceedings of the 13th
       International Conference on Artificial Intelligence and Statistics
       (AISTATS), PMLR 9, 249-256.
    .. [4] Liu, D. C. and Nocedal, J. (1989). "On the limited memory BFGS
       method for large scale optimization." Mathematical Programming, 45,
       503-528.
    .. [5] Byrd, R. H., Lu, P., Nocedal, J. and Zhu, C. (1995). "A limited
       memory algorithm for bound constrained optimization." SIAM Journal on
       Scientific Computing, 16(5), 1190-1208.
    .. [6] Sutskever, I., Martens, J., Dahl, G. and Hinton, G. (2013). "On the
       importance of initialization and momentum in deep learning."
       Proceedings of the 30th International Conference on Machine Learning
       (ICML), PMLR 28(3), 1139-1147.
    .. [7] Pedregosa, F. et al. (2011). "Scikit-learn: Machine learning in
       Python." Journal of Machine Learning Research, 12, 2825-2830; its
       :class:`~sklearn.neural_network.MLPClassifier`.

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

    With early stopping, a validation split is scored every epoch and the
    weights of the best epoch are kept:

    >>> clf = BackpropClassifier(hidden_layer_sizes=(10,), learning_rate_init=0.05,
    ...                          early_stopping=True, random_state=0).fit(X, y)
    >>> len(clf.validation_scores_) == len(clf.loss_curve_) == clf.n_iter_
    True
    >>> clf.best_iteration_ < clf.n_iter_
    True
    >>> clf.validation_scores_[clf.best_iteration_ - 1] == clf.best_validation_score_
    True
    >>> clf.best_loss_ is None
    True
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
