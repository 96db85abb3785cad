"""One fitted model used from many threads, and model selection in parallel.

Promises: a fitted model shared by 8 threads predicting concurrently gives
exactly the answers of sequential calls (and is left unchanged); while one
thread's fit or partial_fit runs -- and fails, or succeeds -- the others go on
predicting with the old fitted state or the new one, never a mix and never an
error; and ``GridSearchCV(n_jobs=2)`` with joblib's threading and loky
backends gives exactly the result of ``n_jobs=1``.
"""

import hashlib
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import GridSearchCV

from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_THREADS = 8
N_CALLS = 200


def _state_digest(est) -> str:
    """SHA-256 over the fitted parameters and optimizer state."""
    digest = hashlib.sha256(est._theta.tobytes())
    for key, value in sorted((est._opt_state or {}).items()):
        digest.update(key.encode())
        if isinstance(value, np.ndarray):
            digest.update(value.tobytes())
        else:
            digest.update(repr(value).encode())
    digest.update(repr(est.loss_curve_).encode())
    return digest.hexdigest()


def _features(rng, n_rows):
    return rng.standard_normal((n_rows, 10))


def _targets(X):
    score = X @ np.linspace(-1.0, 1.0, X.shape[1])
    return score, np.array(["low", "mid", "high"])[np.digitize(score, [-0.5, 0.5])]


@pytest.fixture
def inputs():
    """Inputs of many shapes and layouts, each with classifier and regressor targets.

    The 20,000-row array spans two prediction chunks of a 64-unit network
    (2**20 // 64 = 16,384 rows per chunk).
    """
    rng = np.random.default_rng(0)
    arrays = [_features(rng, n) for n in (1, 7, 300, 20_000)]
    arrays += [
        arrays[2].astype(np.float32),
        np.asfortranarray(arrays[2]),
        sp.csr_matrix(np.where(arrays[2] > 0.5, arrays[2], 0.0)),
        arrays[2].tolist(),
    ]
    out = []
    for X in arrays:
        dense = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
        out.append((X, *_targets(dense)))
    return out


@pytest.fixture
def shared_models():
    rng = np.random.default_rng(1)
    X = _features(rng, 500)
    y_reg, y_clf = _targets(X)
    params = dict(hidden_layer_sizes=(64,), max_iter=20, random_state=0)
    clf = BackpropClassifier(**params).fit(X, y_clf)
    reg = BackpropRegressor(**params).fit(X, np.column_stack([y_reg, y_reg**2]))
    return clf, reg


def _calls(clf, reg, inputs):
    """Every (callable, input index) pair to run; scores take their targets."""
    calls = []
    for i, (X, y_reg, y_clf) in enumerate(inputs):
        calls += [
            (clf.predict, (X,), i),
            (clf.predict_proba, (X,), i),
            (clf.predict_log_proba, (X,), i),
            (reg.predict, (X,), i),
        ]
        if len(y_clf) > 1:  # R^2 needs two samples
            calls += [
                (clf.score, (X, y_clf), i),
                (reg.score, (X, np.column_stack([y_reg, y_reg**2])), i),
            ]
    return calls


def test_threads_sharing_a_model_match_sequential_calls(shared_models, inputs):
    clf, reg = shared_models
    before = [_state_digest(clf), _state_digest(reg)]
    calls = _calls(clf, reg, inputs)
    expected = [method(*args) for method, args, _ in calls]
    # N_CALLS calls cycling through every method and input: the same input is
    # predicted by several threads at once, and different inputs side by side
    schedule = [k % len(calls) for k in range(N_CALLS)]
    start = threading.Barrier(N_THREADS)

    def run(k):
        if k < N_THREADS:
            start.wait(timeout=30)  # the first calls all begin together
        method, args, _ = calls[schedule[k]]
        return method(*args)

    with ThreadPoolExecutor(N_THREADS) as pool:
        results = list(pool.map(run, range(N_CALLS)))
    assert len(schedule) > 2 * len(calls)  # every call ran several times
    for k, result in enumerate(results):
        want = expected[schedule[k]]
        assert type(result) is type(want)
        if isinstance(want, np.ndarray):
            assert result.dtype == want.dtype
            assert np.array_equal(result, want), calls[schedule[k]][0].__name__
        else:
            assert result == want
    assert [_state_digest(clf), _state_digest(reg)] == before


def test_threads_on_identical_input_agree(shared_models, inputs):
    """8 threads predicting the same multi-chunk array at the same time."""
    clf, _ = shared_models
    X = inputs[3][0]
    expected = clf.predict_proba(X)
    start = threading.Barrier(N_THREADS)

    def run(_):
        start.wait(timeout=30)
        return clf.predict_proba(X)

    with ThreadPoolExecutor(N_THREADS) as pool:
        results = list(pool.map(run, range(N_THREADS)))
    for result in results:
        assert np.array_equal(result, expected)


# ---------------------------------------------------------------------------
# Readers while another thread trains


def _read_while(read, answers, work):
    """Run ``work()`` while 4 threads keep calling ``read()``; return what they saw.

    ``answers`` are the acceptable outputs (the old and the new model's);
    anything else -- an exception, another output -- is returned.
    """
    stop = threading.Event()
    seen = []

    def reader():
        while not stop.is_set():
            try:
                out = read()
            except Exception as exc:  # any error is a finding
                seen.append(repr(exc))
                continue
            if not any(np.array_equal(out, a) for a in answers):
                seen.append(f"an output of neither model, shape {out.shape}")

    readers = [threading.Thread(target=reader) for _ in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the GIL allows
    for thread in readers:
        thread.start()
    try:
        work()
    finally:
        stop.set()
        for thread in readers:
            thread.join()
        sys.setswitchinterval(interval)
    return seen


def test_failing_partial_fit_never_disturbs_readers():
    rng = np.random.default_rng(3)
    X = _features(rng, 300)
    y, _ = _targets(X)
    model = BackpropRegressor(hidden_layer_sizes=(32,), solver="sgd", max_iter=5)
    model.fit(X, y)
    before = _state_digest(model)
    answer = model.predict(X[:50])
    nan_batch = X[:40].copy()
    nan_batch[3, 2] = np.nan  # refused by validation
    huge_targets = y[:40] * 1e200  # accepted; the loss overflows while training

    def fail_repeatedly():
        for _ in range(40):
            with pytest.raises(ValueError, match="NaN"):
                model.partial_fit(nan_batch, y[:40])
            with pytest.raises(ValueError, match="diverged"):
                model.partial_fit(X[:40], huge_targets)

    assert _read_while(lambda: model.predict(X[:50]), [answer], fail_repeatedly) == []
    assert _state_digest(model) == before


def test_refits_swap_in_whole_models():
    # refits alternate between two network shapes; a reader must get the
    # answer of one model or the other (mixing one's weights with the other's
    # layer sizes fails to reshape, or predicts nonsense)
    rng = np.random.default_rng(4)
    X = _features(rng, 300)
    _, y = _targets(X)
    shapes = [(8,), (30, 5)]
    model = BackpropClassifier(max_iter=4, batch_size=10, random_state=0)
    answers = [
        model.set_params(hidden_layer_sizes=h).fit(X, y).predict_proba(X[:50])
        for h in shapes
    ]

    def refit():
        for k in range(20):
            model.set_params(hidden_layer_sizes=shapes[k % 2]).fit(X, y)

    assert _read_while(lambda: model.predict_proba(X[:50]), answers, refit) == []


# ---------------------------------------------------------------------------
# GridSearchCV: parallel equals sequential


def _search(Estimator, n_jobs):
    return GridSearchCV(
        Estimator(hidden_layer_sizes=(4,), max_iter=15, random_state=0),
        {"solver": ["lbfgs", "adam"], "alpha": [1e-4, 0.1]},
        cv=3,
        n_jobs=n_jobs,
    )


@pytest.fixture
def search_data():
    rng = np.random.default_rng(2)
    X = _features(rng, 90)
    y_reg, y_clf = _targets(X)
    return X, y_reg, y_clf


@pytest.mark.parametrize(
    ("backend", "Estimator"),
    [
        ("threading", BackpropClassifier),
        ("threading", BackpropRegressor),
        ("loky", BackpropClassifier),  # worker processes start slowly: one case
    ],
)
def test_grid_search_in_parallel_equals_sequential(backend, Estimator, search_data):
    X, y_reg, y_clf = search_data
    y = y_clf if Estimator is BackpropClassifier else y_reg
    sequential = _search(Estimator, n_jobs=1).fit(X, y)
    with joblib.parallel_config(backend=backend):
        parallel = _search(Estimator, n_jobs=2).fit(X, y)
    seq, par = sequential.cv_results_, parallel.cv_results_
    assert par["params"] == seq["params"]
    for key in (
        "mean_test_score",
        "std_test_score",
        "rank_test_score",
        *(f"split{k}_test_score" for k in range(3)),
    ):
        assert np.array_equal(par[key], seq[key]), key
    assert len(set(seq["mean_test_score"])) > 1  # the grid points do differ
    assert parallel.best_index_ == sequential.best_index_
    best_seq, best_par = sequential.best_estimator_, parallel.best_estimator_
    assert best_par._theta.tobytes() == best_seq._theta.tobytes()
    assert np.array_equal(best_par.predict(X), best_seq.predict(X))
