"""The descriptions both estimators' docstrings share, written once.

BackpropClassifier and BackpropRegressor take the same parameters and set
many of the same fitted attributes, with the same meaning. Each class keeps
its own docstring (summary, the entries that differ, Notes, Examples) and
names a shared entry by a line holding only ``{name}``; ``shared_docstring``
puts the entry there, indented like that line, so that a correction reaches
both estimators. tests/test_docstrings.py validates the result with numpydoc.
"""

import re

PARAMETERS = {
    "hidden_layer_sizes": """\
hidden_layer_sizes : array-like of shape (n_layers - 2,) or int, default=(100,)
    The ith element is the number of units in the ith hidden layer; an
    int is one hidden layer of that size, and ``()`` no hidden layer.""",
    "alpha": """\
alpha : float, default=0.0001
    Strength of the L2 penalty on the weights (not the biases): the
    objective adds ``alpha / (2 * S)`` times the sum of the squared
    weights, ``S`` the sum of the sample weights (the number of samples
    without weights) of the data the loss is averaged over, the whole
    training set for 'lbfgs' and each minibatch for the stochastic
    solvers; see Notes.""",
    "batch_size": """\
batch_size : int or 'auto', default='auto'
    Size of the minibatches of the stochastic solvers; 'auto' is
    ``min(200, n_samples)``. A size above the number of training samples
    is clipped to it, with a warning. 'lbfgs' does not use minibatches.""",
    "learning_rate": """\
learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
    Learning-rate schedule of 'sgd':

    - 'constant': ``learning_rate_init`` throughout;
    - 'invscaling': the rate decreases after every epoch as
      ``effective_learning_rate = learning_rate_init / (t + 1)**power_t``,
      ``t`` the number of training samples seen so far (``t_``);
    - 'adaptive': the rate stays at ``learning_rate_init`` as long as
      training makes progress; each time more than ``n_iter_no_change``
      consecutive epochs fail to make progress by ``tol`` (on the
      training loss, or with early stopping on the validation score or
      loss; see ``tol``), the rate is divided by 5 and training goes on,
      until such a plateau is reached with a rate already at or below
      1e-6, which stops training.

    Only used when ``solver='sgd'``.""",
    "learning_rate_init": """\
learning_rate_init : float, default=0.001
    The initial learning rate: the step size of 'sgd' (see
    ``learning_rate``) and the base step size of 'adam' (see Notes).
    Only used when ``solver='sgd'`` or ``'adam'``.""",
    "power_t": """\
power_t : float, default=0.5
    Exponent of the 'invscaling' learning rate. Only used when
    ``solver='sgd'`` and ``learning_rate='invscaling'``.""",
    "max_iter": """\
max_iter : int, default=200
    Maximum number of iterations: for the stochastic solvers the number
    of epochs (passes over the training data, not of minibatch steps),
    for 'lbfgs' of L-BFGS iterations. Training that reaches it before
    converging warns with a ``ConvergenceWarning``. ``partial_fit`` runs
    one epoch whatever its value.""",
    "shuffle": """\
shuffle : bool, default=True
    Whether to shuffle the training samples before every epoch. Only used
    when ``solver='sgd'`` or ``'adam'``.""",
    "random_state": """\
random_state : int, RandomState instance or None, default=None
    Determines the random numbers: the initial weights and biases, the
    early-stopping validation split and the shuffling of the samples.
    Pass an int for reproducible results across calls.""",
    "tol": """\
tol : float, default=1e-4
    Tolerance of the stopping rules. With 'sgd' and 'adam', an epoch
    makes progress when it brings the training loss at least ``tol``
    below its lowest value so far or, with early stopping, raises the
    validation score at least ``tol`` above its best or brings the
    validation loss at least ``tol`` below its lowest; training stops
    once more than ``n_iter_no_change`` consecutive epochs make no
    progress (with ``learning_rate='adaptive'``, see there). With
    'lbfgs' it is L-BFGS-B's ``gtol``: the iterations stop when no
    component of the projected gradient exceeds ``tol`` in absolute
    value.""",
    "verbose": """\
verbose : bool or int, default=False
    What to print while training: nothing (0, False); the epoch table
    (1, True): one line per epoch or L-BFGS iteration with the training
    and validation loss, the validation score, a mark on the best epoch,
    the learning rate when a schedule changes it and the duration, then
    why training ended; or (2 and above) a live progress bar when
    standard output is a terminal (rich's with the ``[progress]``
    extra), else the table; ``partial_fit`` prints table lines only.""",
    "momentum": """\
momentum : float, default=0.9
    Momentum ``mu`` of gradient descent, in [0, 1]: with learning rate
    ``eta`` and gradient ``g``, the velocity is updated as
    ``v <- mu * v - eta * g`` and the parameters ``w`` as
    ``w <- w + v``. 0 gives plain gradient descent. Only used when
    ``solver='sgd'``.""",
    "nesterovs_momentum": """\
nesterovs_momentum : bool, default=True
    Whether to use Nesterov's momentum [6]_: after the velocity update,
    ``w <- w + mu * v - eta * g`` instead of ``w <- w + v``. Only used
    when ``solver='sgd'`` and ``momentum > 0``.""",
    "validation_fraction": """\
validation_fraction : float, default=0.1
    Proportion of the training data held out as the validation set for
    early stopping, in (0, 1). Only used when ``early_stopping=True``
    with a stochastic solver and no ``X_val``.""",
    "beta_1": """\
beta_1 : float, default=0.9
    Exponential decay rate of Adam's estimate of the gradient's first
    moment (mean), in [0, 1). Only used when ``solver='adam'``.""",
    "beta_2": """\
beta_2 : float, default=0.999
    Exponential decay rate of Adam's estimate of the gradient's second
    moment (mean square), in [0, 1). Only used when ``solver='adam'``.""",
    "epsilon": """\
epsilon : float, default=1e-8
    Value for numerical stability in Adam, added to the square root of
    the second-moment estimate. Only used when ``solver='adam'``.""",
    "n_iter_no_change": """\
n_iter_no_change : int or inf, default=10
    Number of consecutive epochs without progress (see ``tol``) that
    training tolerates: when more epochs in a row than this make no
    progress, training stops (with ``learning_rate='adaptive'``, the
    learning rate is divided by 5 first). ``np.inf`` turns this stop off.
    Only used when ``solver='sgd'`` or ``'adam'``.""",
    "max_fun": """\
max_fun : int, default=15000
    Maximum number of evaluations of the loss and its gradient by
    'lbfgs', which can end training before ``max_iter`` iterations (each
    iteration takes one evaluation or more). Only used when
    ``solver='lbfgs'``.""",
}

ATTRIBUTES = {
    "intercepts_": """\
intercepts_ : list of ndarray of shape (n_layers - 1,)
    The ith element is the bias vector of layer i + 1, of shape
    (fan_out,); views into the same vector, assignable like ``coefs_``.""",
    "loss_": """\
loss_ : float
    The training objective (see Notes) of the last epoch or iteration:
    for 'sgd' and 'adam', the mean of that epoch's minibatch objectives,
    weighted by their shares of the sample weight, computed as the epoch
    ran; for 'lbfgs', the objective at the final weights. With early
    stopping it is the last epoch's, not the restored epoch's.""",
    "best_loss_": """\
best_loss_ : float or None
    The lowest training loss in ``loss_curve_``. None after a fit of
    'sgd' or 'adam' with early stopping; see ``best_validation_score_``
    instead.""",
    "loss_curve_": """\
loss_curve_ : list of float
    The training loss, as ``loss_``, of every epoch ('sgd', 'adam') or
    iteration ('lbfgs'), continued by warm starts and ``partial_fit``.""",
    "best_validation_score_": """\
best_validation_score_ : float or None
    The highest finite entry of ``validation_scores_``; None when there
    is none.""",
    "t_": """\
t_ : int
    The number of training samples seen by the stochastic solvers, over
    all epochs, warm starts and ``partial_fit`` calls (with early
    stopping, of the training part only). 'lbfgs' leaves it unchanged: 0
    for a model trained by 'lbfgs' alone.""",
    "n_iter_": """\
n_iter_ : int
    The number of epochs ('sgd', 'adam') or iterations ('lbfgs') run by
    the last ``fit`` or ``partial_fit`` call.""",
    "n_layers_": """\
n_layers_ : int
    Number of layers, the input and output layers included:
    ``len(hidden_layer_sizes) + 2``.""",
    "n_features_in_": """\
n_features_in_ : int
    Number of features seen during ``fit``.""",
    "feature_names_in_": """\
feature_names_in_ : ndarray of shape (``n_features_in_``,)
    Names of features seen during ``fit``. Defined only when ``X`` has
    feature names that are all strings.""",
}

_ENTRIES = {**PARAMETERS, **ATTRIBUTES}
_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)\{(?P<name>\w+)\}[ \t]*$", re.MULTILINE)


def _entry(match: re.Match) -> str:
    name = match.group("name")
    if name not in _ENTRIES:
        raise KeyError(f"no shared docstring entry named {name!r}")
    indent = match.group("indent")
    return "\n".join(
        indent + line if line else line for line in _ENTRIES[name].split("\n")
    )


def shared_docstring(cls):
    """Class decorator: fill the ``{name}`` lines of ``cls``'s docstring."""
    cls.__doc__ = _PLACEHOLDER.sub(_entry, cls.__doc__)
    return cls
