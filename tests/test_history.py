"""``history_``: one plain record per epoch, in step with the curves.

Promises: after ``fit`` (every solver, with or without a validation set),
warm starts and ``partial_fit`` (with or without ``X_val``), ``history_``
has one entry per entry of ``loss_curve_``, its validated entries are
exactly ``validation_loss_curve_`` and ``validation_scores_``, and it is
plain data: it pickles, loads through skops with no new trusted types, and
becomes a DataFrame.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.datasets import load_digits

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._history import KEYS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def digits():
    X, y = load_digits(n_class=4, return_X_y=True)
    X = X / 16
    return X[:300], y[:300], X[300:450], y[300:450]


def _clf(**params):
    defaults = dict(hidden_layer_sizes=(8,), max_iter=4, learning_rate_init=0.01)
    return BackpropClassifier(**{**defaults, "random_state": 0, **params})


def assert_consistent(est):
    """history_ agrees exactly with every curve the estimator keeps."""
    history = est.history_
    assert list(history) == list(KEYS)
    n = len(est.loss_curve_)
    assert all(len(values) == n for values in history.values())
    assert history["epoch"] == list(range(1, n + 1))
    assert history["loss"] == est.loss_curve_
    validated = [k for k, s in enumerate(history["validation_score"]) if s is not None]
    scores = [history["validation_score"][k] for k in validated]
    losses = [history["validation_loss"][k] for k in validated]
    assert scores == (est.validation_scores_ or [])
    assert losses == (est.validation_loss_curve_ or [])
    assert all(
        history["validation_loss"][k] is None for k in range(n) if k not in validated
    )
    assert all(isinstance(d, float) and d > 0 for d in history["duration"])
    seen = history["samples_seen"]
    assert seen == sorted(seen) and len(set(seen)) == n
    if est.solver != "lbfgs":
        assert seen[-1] == est.t_


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("validated", [False, True])
def test_fit(digits, solver, validated):
    X, y, Xv, yv = digits
    kwargs = {"X_val": Xv, "y_val": yv} if validated else {}
    clf = _clf(solver=solver).fit(X, y, **kwargs)
    assert_consistent(clf)
    if solver == "lbfgs":
        assert clf.history_["learning_rate"] == [None] * clf.n_iter_
        assert clf.history_["samples_seen"] == [300 * k for k in range(1, 5)]
    else:
        assert clf.history_["learning_rate"] == [0.01] * clf.n_iter_
        assert clf.history_["samples_seen"] == [300 * k for k in range(1, 5)]


def test_early_stopping_records_the_training_part(digits):
    X, y, _, _ = digits
    clf = _clf(early_stopping=True, max_iter=5).fit(X, y)
    assert_consistent(clf)
    n_train = clf.history_["samples_seen"][0]
    assert n_train < 300 and clf.history_["samples_seen"][-1] == 5 * n_train


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_warm_start_extends_it(digits, solver):
    X, y, Xv, yv = digits
    clf = _clf(solver=solver, warm_start=True).fit(X, y, X_val=Xv, y_val=yv)
    first = {key: list(values) for key, values in clf.history_.items()}
    clf.fit(X, y)  # no validation set this time: the record so far stands
    assert_consistent(clf)
    assert len(clf.history_["epoch"]) == 8
    for key in KEYS:
        assert clf.history_[key][:4] == first[key]
    assert clf.history_["validation_score"][4:] == [None] * 4
    clf.fit(X, y, X_val=Xv, y_val=yv)
    assert_consistent(clf)
    assert len(clf.validation_scores_) == 8
    # a fresh fit starts a fresh record
    clf.set_params(warm_start=False).fit(X, y)
    assert_consistent(clf)
    assert clf.history_["epoch"] == [1, 2, 3, 4]


def test_partial_fit_extends_it_and_scores_validation_data(digits):
    X, y, Xv, yv = digits
    clf = _clf(solver="sgd")
    for k, rows in enumerate([slice(0, 100), slice(100, 200), slice(200, 300)]):
        val = {"X_val": Xv, "y_val": yv} if k != 1 else {}
        clf.partial_fit(X[rows], y[rows], classes=np.unique(y), **val)
        assert_consistent(clf)
    assert clf.history_["samples_seen"] == [100, 200, 300]
    assert len(clf.validation_scores_) == 2
    assert clf.history_["validation_score"][1] is None
    assert clf.validation_scores_[-1] == pytest.approx(clf.score(Xv, yv), abs=1e-12)
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def test_partial_fit_validation_on_the_regressor():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    y = X @ [1.0, -1.0, 0.5]
    reg = BackpropRegressor(hidden_layer_sizes=(6,), solver="adam", random_state=0)
    for start in range(0, 200, 50):
        reg.partial_fit(
            X[start : start + 50],
            y[start : start + 50],
            X_val=X[:40],
            y_val=y[:40],
            sample_weight_val=np.ones(40),
        )
    assert_consistent(reg)
    assert len(reg.validation_scores_) == 4
    assert reg.validation_scores_[-1] == pytest.approx(reg.score(X[:40], y[:40]))


def test_invscaling_rates(digits):
    X, y, _, _ = digits
    clf = _clf(
        solver="sgd", learning_rate="invscaling", power_t=0.5, learning_rate_init=0.5
    ).fit(X, y)
    # epoch k trains at the rate set after epoch k - 1: 0.5 / (t + 1) ** 0.5
    expected = [0.5] + [0.5 / (300 * k + 1) ** 0.5 for k in range(1, 4)]
    np.testing.assert_allclose(clf.history_["learning_rate"], expected, rtol=1e-12)


def test_it_is_plain_data(digits, tmp_path):
    X, y, Xv, yv = digits
    clf = _clf().fit(X, y, X_val=Xv, y_val=yv)
    for values in clf.history_.values():
        assert type(values) is list
        assert all(v is None or type(v) in (int, float) for v in values)
    assert pickle.loads(pickle.dumps(clf)).history_ == clf.history_
    path = tmp_path / "model.skops"
    sio.dump(clf, path)
    assert sio.get_untrusted_types(file=path) == [
        "skbackprop._classifier.BackpropClassifier"
    ]
    loaded = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    assert loaded.history_ == clf.history_
    frame = pd.DataFrame(clf.history_)
    assert list(frame.columns) == list(KEYS) and len(frame) == clf.n_iter_
    assert frame["loss"].tolist() == clf.loss_curve_


def test_a_model_saved_without_history_gets_one(digits):
    # fitted by an older skbackprop, which kept only the curves
    X, y, Xv, yv = digits
    clf = _clf(warm_start=True).fit(X, y, X_val=Xv, y_val=yv)
    del clf.history_
    old = pickle.loads(pickle.dumps(clf))
    old.fit(X, y, X_val=Xv, y_val=yv)
    assert old.history_["epoch"] == list(range(1, 9))
    assert old.history_["loss"] == old.loss_curve_
    assert old.history_["validation_score"] == old.validation_scores_
    assert old.history_["duration"][:4] == [None] * 4
