"""Behaviour tests for BackpropClassifier."""

import copy
import numbers
import pickle
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import assert_same_state, flat, training_state
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import xlogy
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import recall_score
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from skbackprop import BackpropClassifier
from skbackprop._layout import ParamLayout, init_params
from skbackprop._network import loss_and_grad
from skbackprop._split import validation_split

ignore_convergence = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)


def _clf(**params):
    """A small, seeded classifier; ``params`` override the test defaults."""
    defaults = {"hidden_layer_sizes": (5,), "random_state": 0}
    return BackpropClassifier(**{**defaults, **params})


def _targets(est, y):
    """The 0/1 target matrix the network is trained on, built independently."""
    y = np.asarray(y)
    if y.ndim == 2:
        return y.astype(float)
    if len(est.classes_) == 2:
        return (y == est.classes_[1]).astype(float)[:, np.newaxis]
    return (y[:, np.newaxis] == est.classes_).astype(float)


@pytest.fixture
def noisy_multiclass_data():
    X, y = make_classification(
        n_samples=200,
        n_features=6,
        n_informative=4,
        n_classes=3,
        flip_y=0.1,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


# ----------------------------------------------------------------------
# Targets and output units


@ignore_convergence
def test_binary_targets_use_one_logistic_output(binary_data):
    X, y = binary_data
    clf = _clf(solver="lbfgs", max_iter=50).fit(X, y)
    assert_array_equal(clf.classes_, [0, 1])
    assert clf.n_outputs_ == 1
    assert clf.out_activation_ == "logistic"
    assert clf.coefs_[-1].shape == (5, 1)
    assert clf.predict_proba(X).shape == (len(y), 2)
    assert set(np.unique(clf.predict(X))) <= {0, 1}
    assert clf.score(X, y) > 0.85


@ignore_convergence
def test_binary_string_labels(binary_data):
    X, y = binary_data
    labels = np.array(["yes", "no"])[y]
    clf = _clf(solver="lbfgs", max_iter=50).fit(X, labels)
    assert_array_equal(clf.classes_, ["no", "yes"])
    pred = clf.predict(X)
    assert pred.dtype.kind == "U"
    assert set(pred) <= {"no", "yes"}
    assert np.mean(pred == labels) > 0.85
    # column 1 of predict_proba is classes_[1] == "yes"
    assert_array_equal(pred == "yes", clf.predict_proba(X)[:, 1] > 0.5)


@pytest.mark.parametrize(
    "labels, expected_classes",
    [
        (np.array([10, -3, 7]), [-3, 7, 10]),
        (
            np.array(["virginica", "setosa", "versicolor"]),
            ["setosa", "versicolor", "virginica"],
        ),
    ],
    ids=["int", "str"],
)
@ignore_convergence
def test_multiclass_labels_sorted_and_returned(
    multiclass_data, labels, expected_classes
):
    X, y = multiclass_data
    y_lab = labels[y]
    clf = _clf(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=50).fit(X, y_lab)
    assert_array_equal(clf.classes_, expected_classes)
    assert clf.out_activation_ == "softmax"
    assert clf.n_outputs_ == 3
    assert clf.coefs_[-1].shape == (8, 3)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(y), 3)
    assert_allclose(proba.sum(axis=1), 1.0)
    pred = clf.predict(X)
    assert pred.dtype.kind == y_lab.dtype.kind
    assert set(pred) <= set(y_lab)
    assert np.mean(pred == y_lab) > 0.9


@ignore_convergence
def test_multilabel_indicator_targets(multilabel_data):
    X, Y = multilabel_data
    clf = _clf(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=100).fit(X, Y)
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.out_activation_ == "logistic"
    assert clf.n_outputs_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (len(Y), 3)
    assert ((proba >= 0) & (proba <= 1)).all()
    # independent logistic units: rows do not have to sum to one
    assert not np.allclose(proba.sum(axis=1), 1.0)
    pred = clf.predict(X)
    assert pred.shape == Y.shape
    assert set(np.unique(pred)) <= {0, 1}
    assert_array_equal(pred, (proba > 0.5).astype(int))
    assert np.mean(pred == Y) > 0.8


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_single_class_raises(binary_data, solver):
    X, _ = binary_data
    with pytest.raises(ValueError, match="class"):
        _clf(solver=solver).fit(X, np.ones(len(X), dtype=int))


@ignore_convergence
def test_squared_error_binary_has_one_logistic_output(binary_data):
    X, y = binary_data
    clf = _clf(loss="squared_error", solver="lbfgs", max_iter=50).fit(X, y)
    assert clf.n_outputs_ == 1
    assert clf.out_activation_ == "logistic"
    assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)


@ignore_convergence
def test_squared_error_multiclass_uses_normalised_logistic_units(multiclass_data):
    X, y = multiclass_data
    clf = _clf(loss="squared_error", solver="lbfgs", max_iter=100).fit(X, y)
    assert clf.out_activation_ == "logistic"
    assert clf.n_outputs_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (len(y), 3)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.score(X, y) > 0.8


@ignore_convergence
@pytest.mark.parametrize(
    "loss, target",
    [
        ("log_loss", "binary"),
        ("log_loss", "multiclass"),
        ("squared_error", "binary"),
        ("squared_error", "multiclass"),
        ("log_loss", "strings"),
    ],
)
def test_predict_is_argmax_of_predict_proba(multiclass_data, loss, target):
    X, y = multiclass_data
    if target == "binary":
        y = (y == 2).astype(int)
    elif target == "strings":
        y = np.array(["b", "c", "a"])[y]
    clf = _clf(loss=loss, solver="adam", learning_rate_init=0.01, max_iter=20).fit(X, y)
    proba = clf.predict_proba(X)
    assert_array_equal(clf.predict(X), clf.classes_[np.argmax(proba, axis=1)])
    assert_allclose(clf.predict_log_proba(X), np.log(proba), rtol=1e-12)


# ----------------------------------------------------------------------
# Dtypes and input containers


@ignore_convergence
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
@pytest.mark.parametrize(
    "dtype, expected",
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64)],
)
def test_dtype_follows_input(multiclass_data, solver, dtype, expected):
    X, y = multiclass_data
    X = (10 * X).astype(dtype)
    clf = _clf(solver=solver, max_iter=10).fit(X, y)
    assert all(W.dtype == expected for W in clf.coefs_)
    assert all(b.dtype == expected for b in clf.intercepts_)
    assert clf.predict_proba(X).dtype == expected
    assert clf.predict_log_proba(X).dtype == expected
    # float64 input to a float32 model still gives float32 probabilities
    assert clf.predict_proba(X.astype(np.float64)).dtype == expected


@ignore_convergence
@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
def test_float32_probabilities_for_every_output_kind(
    multiclass_data, multilabel_data, loss, target
):
    X, y = multilabel_data if target == "multilabel" else multiclass_data
    if target == "binary":
        y = (y == 0).astype(int)
    clf = _clf(loss=loss, solver="lbfgs", max_iter=5).fit(X.astype(np.float32), y)
    assert clf.coefs_[0].dtype == np.float32
    assert clf.predict_proba(X).dtype == np.float32
    assert clf.predict_log_proba(X).dtype == np.float32


@pytest.mark.parametrize(
    "first, later", [(np.float32, np.float64), (np.float64, np.float32)]
)
def test_partial_fit_keeps_the_dtype_of_the_first_call(binary_data, first, later):
    X, y = binary_data
    clf = _clf(solver="sgd").partial_fit(X.astype(first), y, classes=[0, 1])
    clf.partial_fit(X.astype(later), y)
    assert all(W.dtype == first for W in clf.coefs_)
    assert clf.predict_proba(X.astype(later)).dtype == first


@ignore_convergence
def test_hidden_layer_sizes_int_and_empty(binary_data):
    X, y = binary_data
    assert [
        W.shape
        for W in _clf(hidden_layer_sizes=7, solver="lbfgs", max_iter=50)
        .fit(X, y)
        .coefs_
    ] == [(6, 7), (7, 1)]
    no_hidden = _clf(hidden_layer_sizes=(), solver="lbfgs", max_iter=50).fit(X, y)
    assert [W.shape for W in no_hidden.coefs_] == [(6, 1)]
    assert no_hidden.n_layers_ == 2


@ignore_convergence
@pytest.mark.parametrize("fmt", ["dense", "csr", "csc"])
def test_chunked_prediction_matches_one_pass(multiclass_data, monkeypatch, fmt):
    X, y = multiclass_data
    clf = _clf(solver="lbfgs", max_iter=20).fit(X, y)
    expected = clf.predict_proba(X)
    # widest layer has 5 units: 64 // 5 = 12 rows per chunk, 13 chunks
    monkeypatch.setattr("skbackprop._predicting._PREDICT_CHUNK_VALUES", 64)
    Xf = {"dense": X, "csr": sp.csr_matrix(X), "csc": sp.csc_matrix(X)}[fmt]
    assert_allclose(clf.predict_proba(Xf), expected, rtol=1e-12, atol=1e-15)
    assert_array_equal(clf.predict(Xf), clf.classes_[expected.argmax(axis=1)])


@ignore_convergence
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gives_dense_predictions(multiclass_data, fmt):
    X, y = multiclass_data
    X[np.abs(X) < 0.5] = 0.0
    Xs = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    clf = _clf(solver="lbfgs", max_iter=50).fit(X, y)
    assert_allclose(clf.predict_proba(Xs), clf.predict_proba(X), rtol=1e-12)
    assert_array_equal(clf.predict(Xs), clf.predict(X))

    sparse_fit = _clf(solver="adam", max_iter=5).fit(Xs, y)
    dense_fit = _clf(solver="adam", max_iter=5).fit(X, y)
    for Ws, Wd in zip(sparse_fit.coefs_, dense_fit.coefs_, strict=True):
        assert_allclose(Ws, Wd, rtol=1e-9, atol=1e-12)


@ignore_convergence
def test_dataframe_sets_feature_names(binary_data):
    pd = pytest.importorskip("pandas")
    X, y = binary_data
    columns = [f"f{i}" for i in range(X.shape[1])]
    df = pd.DataFrame(X, columns=columns)
    clf = _clf(solver="lbfgs", max_iter=50).fit(df, pd.Series(y))
    assert_array_equal(clf.feature_names_in_, columns)
    assert clf.n_features_in_ == X.shape[1]
    assert_array_equal(
        clf.predict(df), _clf(solver="lbfgs", max_iter=50).fit(X, y).predict(X)
    )


@ignore_convergence
def test_list_input(binary_data):
    X, y = binary_data
    from_lists = _clf(solver="lbfgs", max_iter=50).fit(X.tolist(), y.tolist())
    from_arrays = _clf(solver="lbfgs", max_iter=50).fit(X, y)
    assert not hasattr(from_lists, "feature_names_in_")
    assert_array_equal(from_lists.predict(X.tolist()), from_arrays.predict(X))
    assert_allclose(from_lists.predict_proba(X.tolist()), from_arrays.predict_proba(X))


# ----------------------------------------------------------------------
# partial_fit


def test_partial_fit_only_for_stochastic_solvers():
    assert not hasattr(BackpropClassifier(solver="lbfgs"), "partial_fit")
    assert hasattr(BackpropClassifier(solver="sgd"), "partial_fit")
    assert hasattr(BackpropClassifier(solver="adam"), "partial_fit")
    assert not hasattr(
        BackpropClassifier(solver="adam").set_params(solver="lbfgs"), "partial_fit"
    )


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_runs_one_epoch_per_call(binary_data, solver):
    X, y = binary_data
    clf = _clf(solver=solver, batch_size=16)
    sizes = [50, 70, 120]
    seen = 0
    for k, n in enumerate(sizes, start=1):
        clf.partial_fit(X[:n], y[:n], classes=[0, 1])
        seen += n
        assert clf.n_iter_ == 1
        assert clf.t_ == seen
        assert len(clf.loss_curve_) == k


def test_partial_fit_requires_classes_on_first_call(binary_data):
    X, y = binary_data
    clf = _clf(solver="sgd")
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y)
    assert not hasattr(clf, "classes_")
    clf.partial_fit(X, y, classes=[0, 1])
    clf.partial_fit(X, y)  # later calls may leave it out
    assert clf.t_ == 2 * len(y)


def test_partial_fit_first_batch_may_miss_classes(multiclass_data):
    X, y = multiclass_data
    first = y < 2
    clf = _clf(solver="sgd").partial_fit(X[first], y[first], classes=[0, 1, 2])
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.out_activation_ == "softmax"
    assert clf.predict_proba(X).shape == (len(y), 3)
    clf.partial_fit(X[~first], y[~first])
    assert clf.t_ == len(y)


def test_partial_fit_accepts_same_classes_on_later_calls(multiclass_data):
    X, y = multiclass_data
    clf = _clf(solver="adam")
    for _ in range(3):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    clf.partial_fit(X, y, classes=np.array([2, 0, 1]))  # same set, other order
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.t_ == 4 * len(y)


def test_partial_fit_rejects_other_classes_and_unseen_labels(binary_data):
    X, y = binary_data
    clf = _clf(solver="sgd").partial_fit(X, y, classes=[0, 1])
    before = training_state(clf)
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    y_unseen = y.copy()
    y_unseen[:3] = 5
    with pytest.raises(ValueError, match="5"):
        clf.partial_fit(X, y_unseen)
    with pytest.raises(ValueError):
        clf.partial_fit(X, y_unseen, classes=[0, 1])
    assert_same_state(before, training_state(clf))
    assert_array_equal(clf.classes_, [0, 1])


def test_partial_fit_first_call_rejects_labels_outside_classes(binary_data):
    X, y = binary_data
    clf = _clf(solver="sgd")
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y + 1, classes=[0, 1])
    assert not hasattr(clf, "classes_")


def test_partial_fit_multilabel_needs_no_classes(multilabel_data):
    X, Y = multilabel_data
    clf = _clf(solver="adam").partial_fit(X, Y)
    clf.partial_fit(X, Y)
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict(X).shape == Y.shape
    with pytest.raises(ValueError):
        clf.partial_fit(X, Y[:, :2])


# ----------------------------------------------------------------------
# Weight assignment and warm start


@ignore_convergence
def test_assigned_weights_then_partial_fit_is_one_sgd_step(binary_data):
    X, y = binary_data
    params = {
        "solver": "sgd",
        "momentum": 0.0,
        "alpha": 0.0,
        "batch_size": len(y),
        "shuffle": False,
        "learning_rate_init": 0.05,
        "hidden_layer_sizes": (4, 3),
    }
    clf = _clf(**params).fit(X, y)
    rng = np.random.default_rng(1)
    coefs = [rng.normal(size=W.shape) for W in clf.coefs_]
    intercepts = [rng.normal(size=b.shape) for b in clf.intercepts_]
    clf.coefs_ = coefs
    clf.intercepts_ = intercepts
    for W, W_new in zip(clf.coefs_, coefs, strict=True):
        assert_array_equal(W, W_new)

    theta = flat(coefs, intercepts)
    layout = ParamLayout((X.shape[1], 4, 3, 1))
    _, grad = loss_and_grad(
        theta.copy(),
        layout,
        X,
        _targets(clf, y),
        activation="logistic",
        out_activation="logistic",
        loss="log_loss",
        alpha=0.0,
    )
    expected_coefs, expected_intercepts = layout.unpack(theta - 0.05 * grad)

    clf.partial_fit(X, y)
    for W, W_exp in zip(clf.coefs_, expected_coefs, strict=True):
        assert_allclose(W, W_exp, rtol=1e-12, atol=1e-15)
    for b, b_exp in zip(clf.intercepts_, expected_intercepts, strict=True):
        assert_allclose(b, b_exp, rtol=1e-12, atol=1e-15)


@ignore_convergence
def test_item_assignment_equals_list_assignment(multiclass_data):
    X, y = multiclass_data
    a = _clf(solver="adam", max_iter=3).fit(X, y)
    b = _clf(solver="adam", max_iter=3).fit(X, y)
    rng = np.random.default_rng(2)
    coefs = [rng.normal(size=W.shape) for W in a.coefs_]
    intercepts = [rng.normal(size=v.shape) for v in a.intercepts_]

    for i, (W, v) in enumerate(zip(coefs, intercepts, strict=True)):
        a.coefs_[i] = W
        a.intercepts_[i] = v
    b.coefs_ = coefs
    b.intercepts_ = intercepts
    assert_array_equal(a._theta, b._theta)
    assert_array_equal(a.coefs_[0], coefs[0])
    assert_array_equal(a.predict_proba(X), b.predict_proba(X))

    a.partial_fit(X, y)
    b.partial_fit(X, y)
    for Wa, Wb, W0 in zip(a.coefs_, b.coefs_, coefs, strict=True):
        assert_array_equal(Wa, Wb)
        assert not np.array_equal(Wa, W0)  # the update did happen


@ignore_convergence
def test_assigned_weights_change_predictions(binary_data):
    X, y = binary_data
    clf = _clf(solver="lbfgs", max_iter=20).fit(X, y)
    clf.coefs_[-1] = np.zeros_like(clf.coefs_[-1])
    clf.intercepts_[-1] = np.array([2.0])
    assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-2.0)))
    assert (clf.predict(X) == 1).all()


@ignore_convergence
@pytest.mark.parametrize(
    "attr, make_value",
    [
        ("coefs_", lambda L: L[:-1]),
        ("coefs_", lambda L: [*L, L[-1]]),
        ("coefs_", lambda L: [W.T for W in L]),
        ("coefs_", lambda L: [np.full_like(W, np.nan) for W in L]),
        ("intercepts_", lambda L: [np.append(v, 0.0) for v in L]),
        ("intercepts_", lambda L: [np.full_like(v, np.inf) for v in L]),
    ],
    ids=["too-short", "too-long", "transposed", "nan", "bias-shape", "inf"],
)
def test_invalid_weight_assignment_raises(binary_data, attr, make_value):
    X, y = binary_data
    clf = _clf(hidden_layer_sizes=(4, 3), solver="lbfgs", max_iter=5).fit(X, y)
    before = clf._theta.copy()
    with pytest.raises(ValueError):
        setattr(clf, attr, make_value(getattr(clf, attr)))
    assert_array_equal(clf._theta, before)


@ignore_convergence
def test_invalid_item_assignment_raises(binary_data):
    X, y = binary_data
    clf = _clf(solver="lbfgs", max_iter=5).fit(X, y)
    before = clf._theta.copy()
    with pytest.raises(ValueError):
        clf.coefs_[0] = np.zeros((2, 2))
    with pytest.raises(ValueError):
        clf.intercepts_[0] = np.full(5, np.nan)
    assert_array_equal(clf._theta, before)


@ignore_convergence
def test_coefs_and_intercepts_are_views_of_theta(binary_data):
    X, y = binary_data
    clf = _clf(hidden_layer_sizes=(4, 3), solver="lbfgs", max_iter=5).fit(X, y)
    for W in clf.coefs_:
        assert np.shares_memory(W, clf._theta)
    for b in clf.intercepts_:
        assert np.shares_memory(b, clf._theta)
    # writing into a view changes the model
    clf.coefs_[0][...] = 0.0
    assert not clf._theta[: clf.coefs_[0].size].any()


def _with_initial_weights(X, **params):
    clf = _clf(hidden_layer_sizes=(4,), solver="sgd", shuffle=False, **params)
    assert not hasattr(clf, "coefs_")
    # scikit-learn's MLP tests set weights this way before partial_fit: a list
    # first, then layer by layer
    clf.coefs_ = [0, 0]
    clf.coefs_[0] = np.full((X.shape[1], 4), 0.1)
    clf.coefs_[1] = np.full((4, 1), -0.2)
    clf.intercepts_ = [np.zeros(4), np.ones(1)]
    assert not hasattr(clf, "n_iter_")  # still unfitted
    return clf


def test_weights_assigned_before_fit_start_the_first_fit(binary_data):
    X, y = binary_data
    a = _with_initial_weights(X, random_state=0).partial_fit(X, y, classes=[0, 1])
    b = _with_initial_weights(X, random_state=1).partial_fit(X, y, classes=[0, 1])
    assert_array_equal(a._theta, b._theta)  # the random draw is not used
    assert "_initial_coefs" not in vars(a)  # used once
    random = _clf(hidden_layer_sizes=(4,), solver="sgd", shuffle=False, random_state=0)
    random.partial_fit(X, y, classes=[0, 1])
    assert not np.array_equal(a._theta, random._theta)
    tiny_step = _with_initial_weights(X, learning_rate_init=1e-12).fit(X, y)
    assert_allclose(tiny_step.coefs_[0], 0.1, atol=1e-9)
    assert_allclose(tiny_step.intercepts_[1], 1.0, atol=1e-9)


def test_weights_assigned_before_fit_are_checked_by_it(binary_data):
    X, y = binary_data
    wrong = _clf(hidden_layer_sizes=(4,), max_iter=1)
    wrong.coefs_ = [np.zeros((X.shape[1], 5)), np.zeros((5, 1))]
    with pytest.raises(ValueError, match=re.escape("coefs_[0] must have shape")):
        wrong.fit(X, y)
    assert not hasattr(wrong, "n_iter_")  # a failed first fit leaves it unfitted
    short = _clf(hidden_layer_sizes=(4,), max_iter=1)
    short.intercepts_ = [np.zeros(4)]
    with pytest.raises(ValueError, match="intercepts_ needs 2 arrays for this net"):
        short.fit(X, y)
    with pytest.raises(TypeError, match="coefs_ must be a list of arrays"):
        _clf().coefs_ = np.float64(1.0)


@ignore_convergence
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_warm_start_continues_stochastic_fit(binary_data, solver):
    X, y = binary_data
    clf = _clf(solver=solver, learning_rate_init=0.01, max_iter=5, warm_start=True)
    clf.fit(X, y)
    first_curve = list(clf.loss_curve_)
    clf.fit(X, y)
    assert len(clf.loss_curve_) == 10
    assert clf.loss_curve_[:5] == first_curve
    assert clf.n_iter_ == 5
    assert clf.t_ == 10 * len(y)
    # the second fit starts where the first one ended, not from scratch
    assert clf.loss_curve_[5] < first_curve[0]

    cold = clone(clf).set_params(warm_start=False).fit(X, y)
    assert len(cold.loss_curve_) == 5
    assert cold.loss_curve_ == first_curve


@ignore_convergence
def test_warm_start_continues_lbfgs_fit(binary_data):
    X, y = binary_data
    clf = _clf(solver="lbfgs", max_iter=5, warm_start=True).fit(X, y)
    first_loss, first_curve = clf.loss_, list(clf.loss_curve_)
    clf.fit(X, y)
    # the curve continues across warm-start fits, from the previous weights
    assert clf.loss_curve_[: len(first_curve)] == first_curve
    assert len(clf.loss_curve_) == len(first_curve) + clf.n_iter_
    assert clf.loss_curve_[len(first_curve)] <= first_loss
    assert clf.loss_ < first_loss


@ignore_convergence
def test_warm_start_with_new_hidden_layer_sizes_raises(binary_data):
    X, y = binary_data
    clf = _clf(solver="sgd", max_iter=3, warm_start=True).fit(X, y)
    before = training_state(clf)
    clf.set_params(hidden_layer_sizes=(6,))
    with pytest.raises(ValueError, match="warm_start"):
        clf.fit(X, y)
    assert_same_state(before, training_state(clf))


@ignore_convergence
def test_warm_start_with_new_classes_raises(multiclass_data):
    X, y = multiclass_data
    clf = _clf(solver="sgd", max_iter=3, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="classes"):
        clf.fit(X[y < 2], y[y < 2])


# ----------------------------------------------------------------------
# The fitted state is plain data


def _assert_plain_data(value, path):
    assert not callable(value), f"{path} is callable: {value!r}"
    if value is None or isinstance(value, (str, bytes, numbers.Number, np.generic)):
        return
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            for i, item in enumerate(value.ravel()):
                _assert_plain_data(item, f"{path}[{i}]")
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _assert_plain_data(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _assert_plain_data(key, f"{path} key")
            _assert_plain_data(item, f"{path}[{key!r}]")
        return
    pytest.fail(f"{path} is a {type(value).__name__}, not plain data")


@ignore_convergence
@pytest.mark.parametrize(
    "params",
    [
        {"solver": "lbfgs"},
        {"solver": "sgd", "learning_rate": "invscaling"},
        {"solver": "adam", "early_stopping": True},
        {"solver": "adam", "class_weight": "balanced"},
    ],
)
def test_fitted_state_is_plain_data(multiclass_data, params):
    X, y = multiclass_data
    labels = np.array(["a", "b", "c"], dtype=object)[y]
    clf = _clf(max_iter=5, **params).fit(X, labels)
    if params["solver"] != "lbfgs":
        clf.partial_fit(X, labels)
    for name, value in vars(clf).items():
        _assert_plain_data(value, name)


@ignore_convergence
@pytest.mark.parametrize(
    "duplicate",
    [lambda est: pickle.loads(pickle.dumps(est)), copy.deepcopy],
    ids=["pickle", "deepcopy"],
)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_copies_predict_and_train_identically(multiclass_data, duplicate, solver):
    X, y = multiclass_data
    clf = _clf(solver=solver, learning_rate_init=0.01, max_iter=5).fit(X, y)
    dup = duplicate(clf)
    assert_array_equal(dup.predict_proba(X), clf.predict_proba(X))
    assert_array_equal(dup.predict(X), clf.predict(X))
    for W in [*dup.coefs_, *dup.intercepts_]:
        assert np.shares_memory(W, dup._theta)
        assert not np.shares_memory(W, clf._theta)

    dup.coefs_[0] = dup.coefs_[0] + 1.0  # changing the copy leaves the original
    assert not np.array_equal(dup.coefs_[0], clf.coefs_[0])
    dup.coefs_[0] = clf.coefs_[0]

    clf.partial_fit(X, y)
    dup.partial_fit(X, y)
    assert_array_equal(dup._theta, clf._theta)
    assert dup.t_ == clf.t_
    assert dup.loss_curve_ == clf.loss_curve_


# ----------------------------------------------------------------------
# Early stopping and the loss record


@ignore_convergence
def test_early_stopping_keeps_best_weights(noisy_multiclass_data):
    X, y = noisy_multiclass_data
    clf = _clf(
        hidden_layer_sizes=(8,),
        solver="sgd",
        learning_rate_init=0.5,
        batch_size=20,
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=1000,
        max_iter=30,
    ).fit(X, y)
    assert clf.n_iter_ == 30
    assert len(clf.validation_scores_) == 30
    assert len(clf.loss_curve_) == 30
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None
    # the test only means something if the last epoch was not the best one
    assert clf.validation_scores_[-1] < clf.best_validation_score_

    # rebuild the split: the seeded RandomState draws the weights, then splits
    rng = np.random.RandomState(0)
    init_params(ParamLayout(clf._layer_units), rng, np.float64, 2.0)
    _, val = validation_split(
        X, _targets(clf, y), None, validation_fraction=0.25, labels=y, rng=rng
    )
    assert clf.score(X[val], y[val]) == pytest.approx(clf.best_validation_score_)


@ignore_convergence
def test_early_stopping_stops_on_plateau(noisy_multiclass_data):
    X, y = noisy_multiclass_data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = _clf(
            solver="adam",
            learning_rate_init=0.01,
            early_stopping=True,
            n_iter_no_change=2,
            max_iter=500,
        ).fit(X, y)
    assert clf.n_iter_ < 500
    assert len(clf.validation_scores_) == clf.n_iter_


@ignore_convergence
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_without_early_stopping_best_loss_is_min_loss(binary_data, solver):
    X, y = binary_data
    clf = _clf(solver=solver, max_iter=15).fit(X, y)
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None
    assert clf.best_validation_score_ is None


# ----------------------------------------------------------------------
# Convergence warnings


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_convergence_warning_when_max_iter_stops_stochastic_fit(binary_data, solver):
    X, y = binary_data
    with pytest.warns(ConvergenceWarning, match="max_iter|Maximum iterations"):
        clf = _clf(solver=solver, max_iter=3).fit(X, y)
    assert clf.n_iter_ == 3


def test_convergence_warning_when_lbfgs_hits_max_iter(binary_data):
    X, y = binary_data
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        clf = _clf(solver="lbfgs", max_iter=3).fit(X, y)
    assert clf.n_iter_ == 3


@pytest.mark.parametrize(
    "params",
    [
        {"solver": "sgd", "tol": 0.5, "n_iter_no_change": 2},
        {"solver": "adam", "tol": 0.5, "n_iter_no_change": 2},
        {"solver": "lbfgs", "tol": 1e-2},
    ],
)
def test_no_convergence_warning_when_tol_stops(binary_data, params):
    X, y = binary_data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = _clf(max_iter=200, **params).fit(X, y)
    assert clf.n_iter_ < 200


def test_no_convergence_warning_from_partial_fit(binary_data):
    X, y = binary_data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        _clf(solver="sgd", max_iter=1).partial_fit(X, y, classes=[0, 1])


# ----------------------------------------------------------------------
# Divergence


def _assert_divergence_error(excinfo):
    message = str(excinfo.value)
    assert "non-finite" in message
    assert re.search("smaller learning.rate", message)


@pytest.mark.parametrize(
    "params",
    [
        {"solver": "sgd", "learning_rate_init": 1e300, "momentum": 0.9},
        {
            "solver": "sgd",
            "learning_rate_init": 1e300,
            "momentum": 0.9,
            "activation": "relu",
        },
        {"solver": "adam", "learning_rate_init": 1e300},
    ],
)
def test_divergence_raises_and_leaves_estimator_unfitted(binary_data, params):
    X, y = binary_data
    clf = _clf(max_iter=50, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError) as excinfo:
            clf.fit(1000 * X, y)
    _assert_divergence_error(excinfo)
    assert not hasattr(clf, "coefs_")
    assert not hasattr(clf, "classes_")
    with pytest.raises(NotFittedError):
        clf.predict(X)


@ignore_convergence
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_diverging_warm_start_fit_leaves_model_unchanged(binary_data, solver):
    X, y = binary_data
    clf = _clf(solver=solver, learning_rate_init=0.01, max_iter=5).fit(X, y)
    before = training_state(clf)
    proba = clf.predict_proba(X)
    clf.set_params(warm_start=True, learning_rate_init=1e300, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError) as excinfo:
            clf.fit(1000 * X, y)
    _assert_divergence_error(excinfo)
    assert_same_state(before, training_state(clf))
    assert np.isfinite(clf._theta).all()
    assert_array_equal(clf.predict_proba(X), proba)


@ignore_convergence
def test_diverging_partial_fit_leaves_model_unchanged(binary_data):
    X, y = binary_data
    clf = _clf(solver="adam", learning_rate_init=0.01, max_iter=5, batch_size=10)
    clf.fit(X, y).partial_fit(X, y)
    before = training_state(clf)
    opt_t = clf._opt_state["t"]
    clf.set_params(learning_rate_init=1e300)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError) as excinfo:
            clf.partial_fit(1000 * X, y)
    _assert_divergence_error(excinfo)
    assert_same_state(before, training_state(clf))
    assert clf._opt_state["t"] == opt_t
    assert all(np.isfinite(W).all() for W in clf.coefs_ + clf.intercepts_)

    # and it trains on normally afterwards
    clf.set_params(learning_rate_init=0.01).partial_fit(X, y)
    assert clf.t_ == before["t"] + len(y)


# ----------------------------------------------------------------------
# Reproducibility and inputs


@ignore_convergence
@pytest.mark.parametrize(
    "params",
    [
        {"solver": "lbfgs"},
        {"solver": "sgd"},
        {"solver": "adam"},
        {"solver": "adam", "early_stopping": True},
    ],
)
def test_same_random_state_gives_identical_weights(multiclass_data, params):
    X, y = multiclass_data
    a = _clf(max_iter=10, **params).fit(X, y)
    b = _clf(max_iter=10, **params).fit(X, y)
    c = clone(a).fit(X, y)
    for other in (b, c):
        pairs = zip(
            a.coefs_ + a.intercepts_, other.coefs_ + other.intercepts_, strict=True
        )
        for W1, W2 in pairs:
            assert np.array_equal(W1, W2)
        assert a.loss_curve_ == other.loss_curve_
    d = _clf(max_iter=10, **{**params, "random_state": 1}).fit(X, y)
    assert not np.array_equal(a.coefs_[0], d.coefs_[0])


@ignore_convergence
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_inputs_are_not_mutated(multiclass_data, dtype, solver):
    X, y = multiclass_data
    X = X.astype(dtype)
    sample_weight = np.linspace(0.5, 2.0, len(y))
    hidden = [5, 3]
    class_weight = {0: 2.0}
    X0, y0, sw0 = X.copy(), y.copy(), sample_weight.copy()
    clf = BackpropClassifier(
        hidden_layer_sizes=hidden,
        solver=solver,
        max_iter=5,
        random_state=0,
        early_stopping=solver == "adam",
        class_weight=class_weight,
    )
    clf.fit(X, y, sample_weight=sample_weight)
    if solver == "adam":
        clf.partial_fit(X, y, sample_weight=sample_weight)
    clf.predict_proba(X)
    assert_array_equal(X, X0)
    assert_array_equal(y, y0)
    assert_array_equal(sample_weight, sw0)
    assert hidden == [5, 3]
    assert clf.hidden_layer_sizes is hidden
    assert class_weight == {0: 2.0}
    assert [W.shape for W in clf.coefs_] == [(4, 5), (5, 3), (3, 3)]


# ----------------------------------------------------------------------
# sample_weight and class_weight


def _lbfgs(**params):
    return _clf(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=30, **params)


@ignore_convergence
def test_integer_sample_weight_equals_repeated_rows(multiclass_data):
    X, y = multiclass_data
    X, y = X[::3], y[::3]
    w = np.random.default_rng(0).integers(1, 4, len(y))
    weighted = _lbfgs(alpha=1e-2).fit(X, y, sample_weight=w)
    repeated = _lbfgs(alpha=1e-2).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    assert weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-9)
    assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-8)


@ignore_convergence
def test_zero_sample_weight_equals_dropping_rows(multiclass_data):
    X, y = multiclass_data
    w = np.ones(len(y))
    w[::4] = 0.0
    weighted = _lbfgs(alpha=1e-2).fit(X, y, sample_weight=w)
    dropped = _lbfgs(alpha=1e-2).fit(X[w > 0], y[w > 0])
    assert weighted.loss_ == pytest.approx(dropped.loss_, rel=1e-9)
    assert_allclose(weighted.predict_proba(X), dropped.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize(
    "make_weight, match",
    [
        (lambda n: -np.ones(n), "negative"),
        (lambda n: np.r_[np.ones(n - 1), -1.0], "negative"),
        (lambda n: np.ones(n - 1), "sample"),
        (lambda n: np.ones(n + 1), "sample"),
        (lambda n: np.zeros(n), "non-zero"),
        (lambda n: np.ones((n, 2)), None),
    ],
    ids=["all-negative", "one-negative", "short", "long", "all-zero", "2d"],
)
@pytest.mark.parametrize("solver", ["lbfgs", "sgd"])
def test_invalid_sample_weight_raises(binary_data, make_weight, match, solver):
    X, y = binary_data
    clf = _clf(solver=solver, max_iter=2)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y, sample_weight=make_weight(len(y)))
    assert not hasattr(clf, "coefs_")


@ignore_convergence
def test_class_weight_dict_equals_sample_weight(imbalanced_data):
    X, y = imbalanced_data
    by_class = _lbfgs(class_weight={1: 3.0}).fit(X, y)
    by_sample = _lbfgs().fit(X, y, sample_weight=np.where(y == 1, 3.0, 1.0))
    assert_allclose(by_class.predict_proba(X), by_sample.predict_proba(X), rtol=1e-10)


@ignore_convergence
def test_class_weight_dict_raises_predicted_share(imbalanced_data):
    X, y = imbalanced_data
    plain = _lbfgs().fit(X, y)
    upweighted = _lbfgs(class_weight={1: 5.0}).fit(X, y)
    assert np.mean(upweighted.predict(X) == 1) > np.mean(plain.predict(X) == 1)
    share = upweighted.predict_proba(X)[:, 1].mean()
    assert share > plain.predict_proba(X)[:, 1].mean()


@ignore_convergence
def test_class_weight_balanced_improves_minority_recall(imbalanced_data):
    X, y = imbalanced_data
    plain = _lbfgs().fit(X, y)
    balanced = _lbfgs(class_weight="balanced").fit(X, y)
    assert recall_score(y, balanced.predict(X)) > recall_score(y, plain.predict(X))
    expected = _lbfgs().fit(X, y, sample_weight=compute_sample_weight("balanced", y))
    assert_allclose(balanced.predict_proba(X), expected.predict_proba(X), rtol=1e-10)


@ignore_convergence
def test_class_weight_combines_with_sample_weight(imbalanced_data):
    X, y = imbalanced_data
    sw = np.linspace(0.5, 1.5, len(y))
    combined = _lbfgs(class_weight={0: 0.5}).fit(X, y, sample_weight=sw)
    expected = _lbfgs().fit(X, y, sample_weight=sw * np.where(y == 0, 0.5, 1.0))
    assert_allclose(combined.predict_proba(X), expected.predict_proba(X), rtol=1e-10)


@pytest.mark.parametrize(
    "class_weight", [{2: 1.0}, {"1": 2.0}, {0: 1.0, 1: 2.0, 7: 3.0}]
)
def test_class_weight_unknown_keys_raise(binary_data, class_weight):
    X, y = binary_data
    with pytest.raises(ValueError, match="class_weight"):
        _clf(solver="lbfgs", class_weight=class_weight).fit(X, y)


def test_class_weight_balanced_in_partial_fit(imbalanced_data):
    X, y = imbalanced_data
    balanced = _clf(solver="sgd", class_weight="balanced", shuffle=False)
    balanced.partial_fit(X, y, classes=[0, 1])
    expected = _clf(solver="sgd", shuffle=False)
    expected.partial_fit(
        X, y, classes=[0, 1], sample_weight=compute_sample_weight("balanced", y)
    )
    assert_allclose(balanced._theta, expected._theta, rtol=1e-10)
    plain = _clf(solver="sgd", shuffle=False).partial_fit(X, y, classes=[0, 1])
    assert not np.allclose(balanced._theta, plain._theta)

    for _ in range(3):  # later calls keep working with running class totals
        balanced.partial_fit(X[:100], y[:100])
    assert balanced.t_ == len(y) + 300
    assert np.isfinite(balanced._theta).all()


def test_class_weight_balanced_partial_fit_uses_running_totals(imbalanced_data):
    X, y = imbalanced_data
    parts = [slice(0, 120), slice(120, 300)]
    balanced = _clf(solver="sgd", class_weight="balanced", shuffle=False)
    reference = _clf(solver="sgd", shuffle=False)
    counts = np.zeros(2)
    for part in parts:
        counts += np.bincount(y[part], minlength=2)
        weights = counts.sum() / (2 * counts)
        balanced.partial_fit(X[part], y[part], classes=[0, 1])
        reference.partial_fit(
            X[part], y[part], classes=[0, 1], sample_weight=weights[y[part]]
        )
    assert_allclose(balanced._theta, reference._theta, rtol=1e-10)


@ignore_convergence
def test_class_weight_balanced_uses_weighted_class_totals(imbalanced_data):
    X, y = imbalanced_data
    sw = np.linspace(0.2, 2.0, len(y))
    totals = np.bincount(y, weights=sw)
    weights = sw.sum() / (2 * totals)
    balanced = _lbfgs(class_weight="balanced").fit(X, y, sample_weight=sw)
    expected = _lbfgs().fit(X, y, sample_weight=sw * weights[y])
    assert_allclose(balanced.predict_proba(X), expected.predict_proba(X), atol=1e-8)
    # scikit-learn's unweighted 'balanced' weights give a different model
    unweighted = compute_sample_weight("balanced", y)
    other = _lbfgs().fit(X, y, sample_weight=sw * unweighted)
    assert not np.allclose(balanced.predict_proba(X), other.predict_proba(X))


@pytest.mark.parametrize("class_weight", ["balanced", {0: 2.0}])
def test_class_weight_with_multilabel_raises(multilabel_data, class_weight):
    X, Y = multilabel_data
    with pytest.raises(ValueError, match="multilabel"):
        _clf(solver="lbfgs", class_weight=class_weight).fit(X, Y)


# ----------------------------------------------------------------------
# verbose


def _iteration_lines(out):
    return [line for line in out.splitlines() if line.startswith("Iteration")]


@ignore_convergence
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_verbose_prints_one_line_per_iteration(binary_data, capsys, solver):
    X, y = binary_data
    clf = _clf(solver=solver, max_iter=7, verbose=True).fit(X, y)
    lines = _iteration_lines(capsys.readouterr().out)
    assert len(lines) == clf.n_iter_ == len(clf.loss_curve_)
    assert lines[0].startswith("Iteration 1,")
    assert "loss" in lines[0]

    clf.set_params(verbose=False).fit(X, y)
    assert capsys.readouterr().out == ""


def test_verbose_partial_fit_prints_one_line(binary_data, capsys):
    X, y = binary_data
    _clf(solver="sgd", verbose=True).partial_fit(X, y, classes=[0, 1])
    assert len(_iteration_lines(capsys.readouterr().out)) == 1
    _clf(solver="sgd").partial_fit(X, y, classes=[0, 1])
    assert capsys.readouterr().out == ""


# ----------------------------------------------------------------------
# loss_ follows the documented objective


def _objective(clf, X, y, sample_weight=None):
    """Mean per-sample loss from predict_proba, plus the scaled L2 penalty."""
    Y = _targets(clf, y)
    P = clf.predict_proba(X)
    if len(clf.classes_) == 2 and Y.shape[1] == 1:
        P = P[:, [1]]
    if clf.loss == "squared_error":
        per_sample = 0.5 * ((P - Y) ** 2).sum(axis=1)
    elif clf.out_activation_ == "softmax":
        per_sample = -xlogy(Y, P).sum(axis=1)
    else:
        per_sample = -(xlogy(Y, P) + xlogy(1 - Y, 1 - P)).sum(axis=1)
    sw = np.ones(len(Y)) if sample_weight is None else sample_weight
    penalty = sum((W**2).sum() for W in clf.coefs_)
    return (per_sample @ sw + 0.5 * clf.alpha * penalty) / sw.sum()


@ignore_convergence
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(
    "loss, target",
    [
        ("log_loss", "binary"),
        ("log_loss", "multiclass"),
        ("log_loss", "multilabel"),
        ("squared_error", "binary"),
        ("squared_error", "multilabel"),
    ],
)
def test_lbfgs_loss_is_documented_objective(
    multiclass_data, multilabel_data, loss, target, weighted
):
    X, y = multilabel_data if target == "multilabel" else multiclass_data
    if target == "binary":
        y = (y == 1).astype(int)
    sw = np.linspace(0.2, 3.0, len(y)) if weighted else None
    clf = _clf(loss=loss, solver="lbfgs", alpha=0.1, max_iter=20).fit(
        X, y, sample_weight=sw
    )
    assert clf.loss_ == pytest.approx(_objective(clf, X, y, sw), rel=1e-9)
    assert clf.loss_ == pytest.approx(clf.loss_curve_[-1], rel=1e-12)
    assert clf.loss_curve_[-1] <= clf.loss_curve_[0]
