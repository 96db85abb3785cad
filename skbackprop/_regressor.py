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
from ._docstrings import shared_docstring
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


@shared_docstring
class BackpropRegressor(RegressorMixin, BaseBackprop):
    """Multilayer perceptron regressor trained by backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`
    [7]_: the same parameters and defaults (except ``activation='logistic'``),
    fitted attributes and methods. It adds outputs bounded to (0, 1), the
    cross-entropy loss for targets in [0, 1], validation data in ``fit``
    (``X_val``, ``y_val``) scored with ``scoring``, the validation loss and a
    per-epoch ``history_`` among the fitted attributes, and scikit-learn's
    callbacks (``set_callbacks``). The gradient of the objective is computed
    by backpropagation [1]_ and minimised by stochastic gradient descent,
    Adam [2]_ or L-BFGS [4]_.

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

    Parameters
    ----------
    loss : {'squared_error', 'log_loss', 'poisson'}, default='squared_error'
        Loss minimised, summed over the outputs; the first positional
        parameter, as in MLPRegressor (which has no 'log_loss'):

        - 'squared_error': half the squared error,
          ``0.5 * sum_k (a_k - y_k)**2``;
        - 'log_loss': the cross-entropy
          ``-sum_k [y_k log(a_k) + (1 - y_k) log(1 - a_k)]``, computed from
          the logits (exact where an output rounds to 0 or 1); needs
          ``output_activation='logistic'`` and targets in [0, 1];
        - 'poisson': half the Poisson deviance,
          ``sum_k [y_k log(y_k / a_k) - y_k + a_k]``, with the exponential
          output ``a = exp(z)`` (a log link); needs non-negative targets.

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
        MLPRegressor applies it.

    output_activation : {'identity', 'logistic'}, default='identity'
        Activation function of the output units: 'identity' (unbounded
        outputs) or 'logistic' (outputs in (0, 1), the classic sigmoid
        network's). With ``loss='poisson'`` the output is always ``exp`` and
        this must be left at 'identity'. Not in MLPRegressor.

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

        As with MLPRegressor, 'adam' works well on relatively large data
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
        layer sizes and the number of outputs must be the same as before.
        ``partial_fit`` always continues.

    {momentum}

    {nesterovs_momentum}

    early_stopping : bool, default=False
        Whether 'sgd' and 'adam' stop on a validation set rather than on the
        training loss: training stops when, for more than ``n_iter_no_change``
        consecutive epochs, the validation score (``scoring``; R² by default)
        has not risen by ``tol`` and the validation loss has not fallen by
        ``tol``, and the model keeps the weights of the epoch with the best
        validation score (of those tied, the one with the lowest validation
        loss). The validation set is ``X_val, y_val`` when given to ``fit``,
        else ``validation_fraction`` of the training data, held out from
        training, with identical samples kept on one side and zero-weight
        samples left out; each side needs at least 2 distinct samples. When no
        validation score is finite, the last epoch's weights are kept, with a
        warning. 'lbfgs' ignores it: it holds nothing out and does not stop
        early (a validation set given to ``fit`` is still scored every
        iteration). ``partial_fit`` ignores it too and trains on all the data
        it is given.

    {validation_fraction}

    {beta_1}

    {beta_2}

    {epsilon}

    {n_iter_no_change}

    {max_fun}

    scoring : str, callable or None, default=None
        The validation score: what ``validation_scores_`` records and early
        stopping watches (higher is better). None is the estimator's
        ``score``, R² (averaged uniformly over the outputs), weighted by the
        validation set's sample weights, which needs at least 2 validation
        samples; 'loss' is the negated validation objective; any other
        string names a scikit-learn scorer (``'neg_mean_absolute_error'``,
        ...), and a callable is a scorer ``scoring(estimator, X_val, y_val)``,
        also passed ``sample_weight=`` when the validation set is weighted.
        A scorer receives a private copy of the estimator holding the epoch's
        weights. Not in MLPRegressor.

    Attributes
    ----------
    coefs_ : list of ndarray of shape (n_layers - 1,)
        The ith element is the weight matrix from layer i to layer i + 1, of
        shape (fan_in, fan_out). The solvers train one flat vector holding
        every weight and bias; each access to ``coefs_`` returns views into
        it, so an array read before a later fit keeps the values of that
        moment (the fit trains a copy). Assigning a list of arrays of the
        same shapes, or one layer (``reg.coefs_[i] = W``), writes into the
        model; assigned before the first fit, they are the weights it starts
        from.

    {intercepts_}

    {loss_}

    {best_loss_}

    {loss_curve_}

    validation_scores_ : list of float or None
        The validation score (``scoring``; R² by default) after
        each validated epoch or L-BFGS iteration: every one of a ``fit``
        given ``X_val`` (any solver) or holding out the early-stopping split
        ('sgd', 'adam'), and every ``partial_fit`` call given ``X_val``.
        Continued by warm starts and ``partial_fit``; None when no validation
        set has been scored since the model was initialised (MLPRegressor
        records it with early stopping alone).

    validation_loss_curve_ : list of float or None
        The objective on the validation set (its weighted mean loss plus the
        L2 term, see Notes) at the same epochs as ``validation_scores_``;
        None like it. Not in MLPRegressor.

    {best_validation_score_}

    best_iteration_ : int or None
        Position, counted from 1, of ``best_validation_score_`` in
        ``validation_scores_`` (of equal scores, the one with the lowest
        validation loss): the epoch or iteration number when every one was
        validated. With early stopping, the epoch whose weights the model
        keeps. None when ``best_validation_score_`` is. Not in MLPRegressor.

    history_ : dict of list
        One record per epoch (per L-BFGS iteration) of the last fit, extended
        by warm starts and ``partial_fit``: keys 'epoch', 'loss',
        'validation_loss', 'validation_score' (None where none was scored),
        'learning_rate' (SGD's rate during the epoch, Adam's
        ``learning_rate_init``, None for L-BFGS), 'duration' (seconds) and
        'samples_seen'; plain data, ready for ``pandas.DataFrame``. It agrees
        with ``loss_curve_`` and the validation curves. Not in
        MLPRegressor.

    {t_}

    {n_iter_}

    {n_layers_}

    n_outputs_ : int
        Number of outputs: the number of columns of ``y`` (1 for a 1-d
        ``y``).

    out_activation_ : str
        Name of the output activation function: 'exp' with
        ``loss='poisson'``, else ``output_activation``.

    {n_features_in_}

    {feature_names_in_}

    See Also
    --------
    BackpropClassifier : The classification counterpart.
    LossCurveDisplay : Plot the training and validation curves.
    sklearn.neural_network.MLPRegressor : The estimator this one replaces.

    Notes
    -----
    **Objective.** Let ``w`` be the vector of all weights and biases, ``W_l``
    the weight matrix of layer ``l``, ``s_i`` the weight of sample ``i`` (its
    ``sample_weight``; 1 without weights), ``S`` the sum of the ``s_i`` and
    ``L(y_i, a_i)`` the loss of sample ``i``, summed over the output units.
    The solvers minimise::

        J(w) = sum_i s_i * L(y_i, a_i) / S + alpha / (2 * S) * sum_l ||W_l||**2

    where ``||W_l||**2`` is the sum of the squared entries of ``W_l``; the
    biases are not penalised. 'lbfgs' minimises ``J`` over the whole
    training set. The stochastic solvers take one step per minibatch along
    the gradient of ``J`` on that minibatch (``S`` then being its weight),
    and report as an epoch's loss the mean of its minibatch objectives,
    weighted by their shares of the sample weight. ``validation_loss_curve_``
    holds ``J`` on the validation set. The gradient is computed by
    backpropagation [1]_; the error of the output units is ``a - y`` for
    the canonical pairs (squared error on identity units, cross-entropy on
    logistic units, Poisson on exponential units), and for squared error on
    logistic units it includes their derivative, ``(a - y) * a * (1 - a)``.

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

    **Differences from MLPRegressor.** With the same ``random_state``,
    hyperparameters (``activation`` set explicitly) and data, and without
    early stopping, the fitted weights are MLPRegressor's to rounding.
    Beyond the additions above:

    - the squared error is summed over the outputs, the objective whose
      gradient is followed by both; MLPRegressor reports the mean over the
      outputs, so for several outputs ``loss_`` is ``n_outputs_`` times its
      data term, with the same weights;
    - the validation split of early stopping keeps identical samples on one
      side and leaves zero-weight samples out, so it differs from
      scikit-learn's; an epoch counts as progress when the validation score
      *or* the validation loss improves by ``tol``, ties on the best score
      go to the lowest validation loss, and NaN scores are never the best
      (scikit-learn watches the score alone and keeps the first of tied
      epochs);
    - with ``sample_weight``, an epoch's loss weights each minibatch by its
      share of the sample weight (scikit-learn: of the samples); 'lbfgs'
      records ``loss_curve_`` and ``best_loss_`` and prints progress with
      ``verbose``;
    - a fit whose loss becomes non-finite raises ``ValueError`` and leaves
      the estimator as it was; one whose loss rises warns that the
      optimisation diverged. Each call trains a private copy and publishes
      it when it succeeds, so other threads keep predicting with the old
      model until then;
    - ``partial_fit`` exists for 'sgd' and 'adam' only (MLPRegressor offers
      it for 'lbfgs' too, where it fails), validates the parameters on every
      call and trains on all its data with ``early_stopping=True``
      (scikit-learn raises);
    - ``coefs_`` and ``intercepts_`` write through into the model, and
      assigned before the first fit they are the starting weights of
      ``fit`` too;
    - a sparse ``y`` raises ``TypeError``;
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
       :class:`~sklearn.neural_network.MLPRegressor`.

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
    >>> reg.out_activation_
    'logistic'

    A validation set given to ``fit`` is scored after every iteration (R²
    by default), without stopping training unless ``early_stopping=True``:

    >>> reg = BackpropRegressor(hidden_layer_sizes=(8,), solver="lbfgs",
    ...                         random_state=0)
    >>> reg = reg.fit(X[::2], y[::2], X_val=X[1::2], y_val=y[1::2])
    >>> len(reg.validation_scores_) == len(reg.loss_curve_) == reg.n_iter_
    True
    >>> bool(reg.best_validation_score_ > 0.99)
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
