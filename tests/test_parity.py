"""Parity with scikit-learn's MLPClassifier and MLPRegressor.

Same data, hyperparameters and random_state give the same initial weights,
the same shuffling and the same updates, so the fitted weights and the loss
curve agree to rounding. ``activation`` is always set explicitly, since the
defaults differ (ours 'logistic', scikit-learn's 'relu').

Differences by design, kept out of the parity checks:

- early stopping: our validation split groups identical samples and drops
  zero-weight rows, so ``early_stopping=False`` throughout;
- multi-output squared error: our ``loss_`` sums over the outputs, while
  scikit-learn averages the reported loss over them (the gradients, and so
  the stochastic updates, are the same);
- stochastic solvers with ``sample_weight``: our epoch loss weights each
  minibatch by its share of the sample weight, scikit-learn by its share of
  the rows; the weights still agree.
"""

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.neural_network import MLPRegressor as _MLPRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.utils.fixes import parse_version

from skbackprop import BackpropClassifier, BackpropRegressor

# MLPRegressor(loss=...) and sample_weight in MLP*.fit arrived in scikit-learn
# 1.7; against older releases (CI's minimum-versions run) there is nothing to
# compare those features with.
SKLEARN_17 = parse_version(sklearn.__version__) >= parse_version("1.7")
needs_sklearn_17 = pytest.mark.skipif(
    not SKLEARN_17, reason="scikit-learn < 1.7 has no MLP loss/sample_weight"
)


def MLPRegressor(**params):
    """MLPRegressor; drops the default loss on releases that predate it."""
    if not SKLEARN_17 and params.get("loss") == "squared_error":
        params = {k: v for k, v in params.items() if k != "loss"}
    return _MLPRegressor(**params)


pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RTOL = 1e-9
ATOL = 1e-12

SOLVERS = {
    "adam": dict(solver="adam", learning_rate_init=0.01),
    "sgd-nesterov": dict(
        solver="sgd", momentum=0.9, nesterovs_momentum=True, learning_rate_init=0.05
    ),
    "sgd-momentum": dict(
        solver="sgd", momentum=0.5, nesterovs_momentum=False, learning_rate_init=0.05
    ),
    "sgd-invscaling": dict(
        solver="sgd",
        learning_rate="invscaling",
        learning_rate_init=0.2,
        power_t=0.5,
        momentum=0.0,
    ),
    "lbfgs": dict(solver="lbfgs"),
}
ACTIVATIONS = ["logistic", "tanh", "relu"]


def _common(solver, activation, **extra):
    params = dict(
        activation=activation,
        random_state=3,
        early_stopping=False,
        max_iter=15 if solver == "lbfgs" else 10,
        batch_size=16,  # 60 rows: three batches of 16 and one of 12
        **SOLVERS[solver],
    )
    params.update(extra)
    return params


@pytest.fixture
def X():
    return np.random.default_rng(0).standard_normal((60, 5))


@pytest.fixture
def classification_targets(X):
    return {
        "binary": (X[:, 0] + X[:, 1] > 0).astype(int),
        "multiclass": np.array(["a", "b", "c"])[np.argmax(X[:, :3], axis=1)],
        "multilabel": (X[:, :3] > 0).astype(int),
    }


@pytest.fixture
def regression_targets(X):
    rng = np.random.default_rng(1)
    linear = X @ rng.standard_normal(5) + 0.1 * rng.standard_normal(len(X))
    return {
        "squared_error": linear,
        "poisson": rng.poisson(np.exp(0.3 * X[:, 0])).astype(float),
        "multioutput": np.column_stack([linear, np.sin(X[:, 0]), X[:, 1] ** 2]),
    }


def _assert_same_weights(ours, theirs, rtol=RTOL, atol=ATOL):
    assert len(ours.coefs_) == len(theirs.coefs_)
    for a, b in zip(ours.coefs_, theirs.coefs_, strict=True):
        assert a.shape == b.shape
        assert_allclose(a, b, rtol=rtol, atol=atol)
    for a, b in zip(ours.intercepts_, theirs.intercepts_, strict=True):
        assert a.shape == b.shape
        assert_allclose(a, b, rtol=rtol, atol=atol)


def _assert_same_fit(ours, theirs, loss_factor=1.0):
    _assert_same_weights(ours, theirs)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.n_layers_ == theirs.n_layers_
    assert ours.n_outputs_ == theirs.n_outputs_
    assert ours.out_activation_ == theirs.out_activation_
    assert ours.loss_ == pytest.approx(loss_factor * theirs.loss_, rel=RTOL)
    if theirs.solver != "lbfgs":  # scikit-learn keeps no curve for lbfgs
        assert ours.t_ == theirs.t_
        assert_allclose(
            ours.loss_curve_, loss_factor * np.asarray(theirs.loss_curve_), rtol=RTOL
        )
        assert ours.best_loss_ == pytest.approx(
            loss_factor * theirs.best_loss_, rel=RTOL
        )


# ---------------------------------------------------------------------------
# Training parity


@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_classifier_training_parity(
    X, classification_targets, solver, activation, target
):
    y = classification_targets[target]
    params = _common(solver, activation, hidden_layer_sizes=(7, 4), alpha=1e-3)
    theirs = MLPClassifier(**params).fit(X, y)
    ours = BackpropClassifier(**params).fit(X, y)
    _assert_same_fit(ours, theirs)
    assert_array_equal(ours.classes_, theirs.classes_)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-8, atol=ATOL
    )


@pytest.mark.parametrize(
    "loss", ["squared_error", pytest.param("poisson", marks=needs_sklearn_17)]
)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_regressor_training_parity(X, regression_targets, solver, activation, loss):
    y = regression_targets[loss]
    extra = {"learning_rate_init": 0.01} if solver.startswith("sgd") else {}
    params = _common(
        solver, activation, hidden_layer_sizes=(7,), alpha=1e-3, loss=loss, **extra
    )
    theirs = MLPRegressor(**params).fit(X, y)
    ours = BackpropRegressor(**params).fit(X, y)  # identity output (exp for poisson)
    _assert_same_fit(ours, theirs)
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-8, atol=ATOL)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("solver", ["adam", "sgd-nesterov", "sgd-invscaling"])
def test_multioutput_regressor_parity(X, regression_targets, solver, activation):
    """Same gradients, hence same weights; our loss sums over the outputs.

    With alpha=0 the whole objective is the data term, so our ``loss_`` and
    ``loss_curve_`` are scikit-learn's times n_outputs.
    """
    y = regression_targets["multioutput"]
    params = _common(
        solver, activation, hidden_layer_sizes=(7,), alpha=0.0, learning_rate_init=0.01
    )
    theirs = MLPRegressor(**params).fit(X, y)
    ours = BackpropRegressor(**params).fit(X, y)
    _assert_same_fit(ours, theirs, loss_factor=y.shape[1])
    # ours is the documented objective, mean over samples of
    # 1/2 sum_k (a_k - y_k)**2: check it on one full-batch pass
    probe = BackpropRegressor(**{**params, "batch_size": len(X), "max_iter": 1})
    probe.fit(X, y)
    before = probe.predict(X)
    probe.partial_fit(X, y)  # loss_ is that of the pass before the update
    assert probe.loss_ == pytest.approx(
        0.5 * ((before - y) ** 2).sum(axis=1).mean(), rel=1e-12
    )


@needs_sklearn_17
@pytest.mark.parametrize("solver", ["adam", "sgd-momentum", "lbfgs"])
def test_sample_weight_parity(X, classification_targets, regression_targets, solver):
    sw = np.random.default_rng(2).uniform(0.1, 3.0, len(X))
    params = _common(solver, "tanh", hidden_layer_sizes=(6,), learning_rate_init=0.01)
    y = classification_targets["multiclass"]
    theirs = MLPClassifier(**params).fit(X, y, sample_weight=sw)
    ours = BackpropClassifier(**params).fit(X, y, sample_weight=sw)
    _assert_same_weights(ours, theirs)
    y = regression_targets["squared_error"]
    theirs_reg = MLPRegressor(**params).fit(X, y, sample_weight=sw)
    ours_reg = BackpropRegressor(**params).fit(X, y, sample_weight=sw)
    _assert_same_weights(ours_reg, theirs_reg)
    if solver == "lbfgs":  # one objective, no minibatch bookkeeping
        assert ours.loss_ == pytest.approx(theirs.loss_, rel=RTOL)
        assert ours_reg.loss_ == pytest.approx(theirs_reg.loss_, rel=RTOL)


@pytest.mark.parametrize("solver", ["adam", "sgd-nesterov"])
def test_partial_fit_parity(X, classification_targets, regression_targets, solver):
    params = _common(solver, "relu", hidden_layer_sizes=(6,), batch_size=8)
    y = classification_targets["multiclass"]
    theirs, ours = MLPClassifier(**params), BackpropClassifier(**params)
    yr = regression_targets["squared_error"]
    theirs_reg, ours_reg = MLPRegressor(**params), BackpropRegressor(**params)
    for rows in np.array_split(np.arange(len(X)), 4):
        theirs.partial_fit(X[rows], y[rows], classes=["a", "b", "c"])
        ours.partial_fit(X[rows], y[rows], classes=["a", "b", "c"])
        theirs_reg.partial_fit(X[rows], yr[rows])
        ours_reg.partial_fit(X[rows], yr[rows])
    _assert_same_fit(ours, theirs)
    _assert_same_fit(ours_reg, theirs_reg)
    assert len(ours.loss_curve_) == 4


def test_multilabel_partial_fit_parity(X, classification_targets):
    y = classification_targets["multilabel"]
    params = _common("adam", "relu", hidden_layer_sizes=(6,), batch_size=8)
    theirs, ours = MLPClassifier(**params), BackpropClassifier(**params)
    for rows in np.array_split(np.arange(len(X)), 3):
        # scikit-learn wants classes on the first call even for multilabel y
        theirs.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
        ours.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
    _assert_same_fit(ours, theirs)
    assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", ["adam", "sgd-momentum", "lbfgs"])
def test_sparse_input_parity(X, classification_targets, solver, fmt):
    X_sparse = sp.random(60, 5, density=0.4, format=fmt, random_state=0) * 3
    y = classification_targets["multiclass"]
    params = _common(solver, "tanh", hidden_layer_sizes=(6,))
    theirs = MLPClassifier(**params).fit(X_sparse, y)
    ours = BackpropClassifier(**params).fit(X_sparse, y)
    _assert_same_fit(ours, theirs)
    assert_allclose(
        ours.predict_log_proba(X_sparse),
        theirs.predict_log_proba(X_sparse),
        rtol=1e-8,
        atol=ATOL,
    )


def test_warm_start_parity(X, classification_targets):
    y = classification_targets["binary"]
    params = _common(
        "adam", "logistic", hidden_layer_sizes=(6,), max_iter=5, warm_start=True
    )
    theirs = MLPClassifier(**params).fit(X, y).fit(X, y)
    ours = BackpropClassifier(**params).fit(X, y).fit(X, y)
    _assert_same_fit(ours, theirs)
    assert len(ours.loss_curve_) == 10


def test_stopping_rules_parity(X, regression_targets):
    y = regression_targets["squared_error"]
    # training loss stalls: stop after n_iter_no_change epochs without tol gain
    params = _common(
        "adam",
        "logistic",
        hidden_layer_sizes=(6,),
        tol=0.05,
        n_iter_no_change=2,
        max_iter=200,
    )
    theirs = MLPRegressor(**params).fit(X, y)
    ours = BackpropRegressor(**params).fit(X, y)
    _assert_same_fit(ours, theirs)
    assert ours.n_iter_ < 200
    # 'adaptive' SGD divides the learning rate by 5 on every stall
    params = _common(
        "sgd-momentum",
        "logistic",
        hidden_layer_sizes=(6,),
        learning_rate="adaptive",
        tol=10.0,
        n_iter_no_change=1,
        max_iter=50,
        learning_rate_init=0.1,
    )
    theirs = MLPRegressor(**params).fit(X, y)
    ours = BackpropRegressor(**params).fit(X, y)
    _assert_same_fit(ours, theirs)
    assert ours.n_iter_ < 50


def test_float32_parity(X, classification_targets):
    X32 = X.astype(np.float32)
    y = classification_targets["multiclass"]
    params = _common("adam", "tanh", hidden_layer_sizes=(6,))
    theirs = MLPClassifier(**params).fit(X32, y)
    ours = BackpropClassifier(**params).fit(X32, y)
    assert all(W.dtype == np.float32 for W in ours.coefs_ + ours.intercepts_)
    # float32 rounding in a different order of operations: loose tolerance
    _assert_same_weights(ours, theirs, rtol=1e-3, atol=1e-5)
    assert ours.predict_proba(X32).dtype == theirs.predict_proba(X32).dtype


# ---------------------------------------------------------------------------
# Same weights, same outputs


@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu", "identity"])
def test_same_weights_same_predict_proba(X, classification_targets, activation, target):
    y = classification_targets[target]
    theirs = MLPClassifier(
        hidden_layer_sizes=(8, 5),
        activation=activation,
        solver="lbfgs",
        max_iter=30,
        random_state=0,
    ).fit(X, y)
    # a different start and a different solver: only the shape is shared
    ours = BackpropClassifier(
        hidden_layer_sizes=(8, 5),
        activation=activation,
        solver="sgd",
        max_iter=1,
        random_state=7,
    ).fit(X, y)
    assert not np.allclose(ours.coefs_[0], theirs.coefs_[0])
    ours.coefs_ = theirs.coefs_
    ours.intercepts_ = theirs.intercepts_
    X_new = np.random.default_rng(5).standard_normal((40, 5)) * 2
    for data in (X, X_new):
        P_ours, P_theirs = ours.predict_proba(data), theirs.predict_proba(data)
        if target == "binary":
            # scikit-learn forms P(class 0) as 1 - p, which carries an absolute
            # (not relative) rounding error of ~1e-16; we use expit(-z)
            assert_allclose(P_ours[:, 0], P_theirs[:, 0], rtol=1e-12, atol=1e-15)
            P_ours, P_theirs = P_ours[:, 1:], P_theirs[:, 1:]
        assert_allclose(P_ours, P_theirs, rtol=1e-12, atol=0)
        assert_array_equal(ours.predict(data), theirs.predict(data))
    if target != "multilabel":
        assert_allclose(ours.predict_proba(X).sum(axis=1), 1.0, rtol=1e-12)


@pytest.mark.parametrize(
    "loss", ["squared_error", pytest.param("poisson", marks=needs_sklearn_17)]
)
@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu", "identity"])
def test_same_weights_same_regression(X, regression_targets, activation, loss):
    y = regression_targets[loss]
    theirs = MLPRegressor(
        hidden_layer_sizes=(8,),
        activation=activation,
        loss=loss,
        solver="lbfgs",
        max_iter=30,
        random_state=0,
    ).fit(X, y)
    ours = BackpropRegressor(
        hidden_layer_sizes=(8,),
        activation=activation,
        loss=loss,
        solver="sgd",
        learning_rate_init=1e-4,
        max_iter=1,
        random_state=7,
    ).fit(X, y)
    ours.coefs_ = theirs.coefs_
    ours.intercepts_ = theirs.intercepts_
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-12)
    assert_allclose(ours.score(X, y), theirs.score(X, y), rtol=1e-12)


# ---------------------------------------------------------------------------
# Side by side on a real task


@pytest.fixture
def digits_standardised():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def test_digits_side_by_side(digits_standardised):
    X_train, X_test, y_train, y_test = digits_standardised
    ours_acc, theirs_acc = [], []
    for random_state in (0, 1, 2):
        params = dict(
            hidden_layer_sizes=(64,),
            activation="logistic",
            solver="adam",
            learning_rate_init=0.003,
            max_iter=50,
            random_state=random_state,
        )
        theirs = MLPClassifier(**params).fit(X_train, y_train)
        ours = BackpropClassifier(**params).fit(X_train, y_train)
        theirs_acc.append(theirs.score(X_test, y_test))
        ours_acc.append(ours.score(X_test, y_test))
    assert abs(np.mean(ours_acc) - np.mean(theirs_acc)) < 0.02
    assert np.mean(ours_acc) >= 0.95
