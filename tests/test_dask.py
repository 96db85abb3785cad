"""Scaling out with Dask: grid search on a cluster, training on chunked arrays.

Promises: ``GridSearchCV`` under joblib's "dask" backend runs every fit on
the cluster's workers and gives exactly the result of ``n_jobs=1`` on one
machine; dask-ml's ``Incremental`` trains our estimators block by block
through ``partial_fit`` (``classes=`` passed on every call), bit-identically
to calling ``partial_fit`` on the same blocks by hand, without ever gathering
the whole array, and a first block that lacks some classes is fine.

The cluster is a ``LocalCluster`` of two single-threaded worker PROCESSES on
127.0.0.1, started once for the module (a few seconds). Processes rather than
threads (``processes=False``), because:

- the estimator, and between ``partial_fit`` calls its optimizer state, is
  pickled from process to process as on a multi-machine cluster, so these
  tests cover that round trip, and a fit that silently ran in the test
  process could not show up on a worker's task stream;
- each worker process has its own interpreter (no GIL shared with pytest)
  and starts with OMP/OPENBLAS_NUM_THREADS=1 (distributed's nanny default),
  so two workers do not oversubscribe CI's cores;
- with ``processes=False``, ``host="127.0.0.1"`` also needs
  ``protocol="tcp://"``: LocalCluster otherwise picks the in-process protocol
  and fails to start on that host (dask/distributed#5550).

A hung cluster fails the test instead of blocking CI: the client waits for
its workers with a timeout, every fit runs under ``_within`` (a daemon thread
given ``TIMEOUT`` seconds), and closing is bounded too.
"""

import contextlib
import threading

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import get_scorer
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
wrappers = pytest.importorskip("dask_ml.wrappers")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

TIMEOUT = 30  # seconds for starting the cluster, any one fit, and closing
N_BLOCKS = 20
BLOCK_ROWS = 100
CLASSES = [0, 1, 2]


def _within(func, seconds=TIMEOUT):
    """Return ``func()``, run in a daemon thread; fail if it takes too long.

    A daemon thread, unlike a ``concurrent.futures`` worker, does not keep
    the interpreter alive if the call never returns.
    """
    outcome = {}

    def target():
        try:
            outcome["value"] = func()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"the Dask computation did not finish within {seconds} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    try:
        client = distributed.Client(cluster, timeout=TIMEOUT)
        try:
            client.wait_for_workers(2, timeout=TIMEOUT)
            yield client
        finally:
            client.close(timeout=TIMEOUT)
    finally:
        cluster.close(timeout=TIMEOUT)


@contextlib.contextmanager
def _new_task_records(client):
    """Fill the yielded list with the scheduler's records of the block's tasks.

    Not ``distributed.get_task_stream``: it selects records by start time, and
    the scheduler shifts worker timestamps by an estimated clock offset, so
    that window can take in the previous test's last tasks (seen in CI: 15
    fits counted for a 12-fit search) or miss this one's first. Task keys are
    unique here (joblib's carry a uuid, dask-ml's a token of estimator and
    data), so the block's records are those whose key is new.
    """
    seen = {str(record["key"]) for record in client.get_task_stream(start=0)}
    records = []
    yield records
    records.extend(
        record
        for record in client.get_task_stream(start=0)
        if str(record["key"]) not in seen
    )


def _workers(client):
    return set(client.scheduler_info()["workers"])


def _blocks(n_rows):
    return [slice(s, s + BLOCK_ROWS) for s in range(0, n_rows, BLOCK_ROWS)]


def _standardised(X, y, n_train):
    X = StandardScaler().fit(X[:n_train]).transform(X)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@pytest.fixture
def stream_classification():
    """2,000 training rows (20 blocks of 100) and 500 test rows, 3 classes."""
    X, y = make_classification(
        n_samples=N_BLOCKS * BLOCK_ROWS + 500,
        n_features=8,
        n_informative=5,
        n_redundant=1,
        n_classes=3,
        class_sep=1.5,
        random_state=0,
    )
    return _standardised(X, y, N_BLOCKS * BLOCK_ROWS)


@pytest.fixture
def stream_regression():
    X, y = make_regression(
        n_samples=N_BLOCKS * BLOCK_ROWS + 500,
        n_features=8,
        n_informative=6,
        noise=5.0,
        random_state=0,
    )
    return _standardised(X, (y - y.mean()) / y.std(), N_BLOCKS * BLOCK_ROWS)


def _chunked(X, y):
    """Dask arrays of X and y in blocks of BLOCK_ROWS rows (X not split by column)."""
    return (
        da.from_array(X, chunks=(BLOCK_ROWS, X.shape[1])),
        da.from_array(y, chunks=BLOCK_ROWS),
    )


# ---------------------------------------------------------------------------
# GridSearchCV on the cluster equals GridSearchCV on one machine


@pytest.fixture
def search_data():
    X, y = make_classification(
        n_samples=150, n_features=8, n_informative=5, n_classes=3, random_state=2
    )
    X = StandardScaler().fit_transform(X)
    return X, y, (y - y.mean()) / y.std() + 0.1 * X[:, 0]


def _search(Estimator, n_jobs):
    return GridSearchCV(
        Estimator(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=60, random_state=0),
        {"alpha": [1e-4, 3.0], "hidden_layer_sizes": [(2,), (8,)]},
        cv=3,
        n_jobs=n_jobs,
    )


def _fits_in(records):
    """How many ``_fit_and_score`` calls the task-stream records ran.

    joblib names each task after its batch: "batch_of__fit_and_score_<n>_calls"
    (or "mixed_batch_of_...").
    """
    total = 0
    for record in records:
        key = record["key"]
        name = key if isinstance(key, str) else str(key[0])
        if "batch_of__fit_and_score_" in name:
            total += int(name.split("batch_of__fit_and_score_")[1].split("_")[0])
    return total


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_grid_search_on_the_cluster_equals_local(client, search_data, Estimator):
    X, y_clf, y_reg = search_data
    y = y_clf if Estimator is BackpropClassifier else y_reg
    local = _search(Estimator, n_jobs=1).fit(X, y)

    def fit_on_cluster():
        with joblib.parallel_config(backend="dask"):
            return _search(Estimator, n_jobs=-1).fit(X, y)

    with _new_task_records(client) as records:
        remote = _within(fit_on_cluster)

    # every one of the 4 x 3 fits ran as a task on one of the cluster's workers
    assert _fits_in(records) == 4 * 3
    assert {record["worker"] for record in records} <= _workers(client)
    loc, rem = local.cv_results_, remote.cv_results_
    assert rem["params"] == loc["params"]
    for key in ("mean_test_score", *(f"split{k}_test_score" for k in range(3))):
        assert np.array_equal(rem[key], loc[key]), key
    assert len(set(loc["mean_test_score"])) == 4  # the grid points do differ
    assert remote.best_params_ == local.best_params_
    assert remote.best_estimator_._theta.tobytes() == (
        local.best_estimator_._theta.tobytes()
    )


# ---------------------------------------------------------------------------
# Incremental: block-by-block partial_fit over chunked arrays


def _partial_fit_tasks(records):
    """Task-stream records of dask-ml's partial_fit steps.

    ``dask_ml._partial.fit`` names step i ``("fit-<token>", i)``; step -1
    only holds the unfitted estimator.
    """
    return [
        record
        for record in records
        if isinstance(record["key"], tuple)
        and str(record["key"][0]).startswith("fit-")
        and record["key"][1] >= 0
    ]


def _by_hand(estimator, X, y, n_passes, **kwargs):
    for _ in range(n_passes):
        for rows in _blocks(len(X)):
            estimator.partial_fit(X[rows], y[rows], **kwargs)
    return estimator


def _assert_same_state(a, b):
    assert a._theta.tobytes() == b._theta.tobytes()
    assert a.t_ == b.t_
    assert a.loss_curve_ == b.loss_curve_
    assert sorted(a._opt_state) == sorted(b._opt_state)
    for key, value in a._opt_state.items():
        assert np.array_equal(value, b._opt_state[key]), key


@pytest.mark.parametrize(
    ("Estimator", "solver", "scoring", "minimum"),
    [
        (BackpropClassifier, "adam", "accuracy", 0.8),
        (BackpropClassifier, "sgd", "accuracy", 0.8),
        # not "r2": dask-ml 2025.1's r2_score fails on dask >= 2025.2 dask
        # arrays (dask/dask-ml#1012), whatever the estimator
        (BackpropRegressor, "adam", "neg_mean_squared_error", 0.9),
    ],
)
def test_incremental_equals_partial_fit_by_hand(
    client,
    stream_classification,
    stream_regression,
    Estimator,
    solver,
    scoring,
    minimum,
):
    is_clf = Estimator is BackpropClassifier
    X, y, X_test, y_test = stream_classification if is_clf else stream_regression
    kwargs = {"classes": CLASSES} if is_clf else {}
    estimator = Estimator(
        hidden_layer_sizes=(16,),
        solver=solver,
        learning_rate_init=0.05 if solver == "sgd" else 0.01,
        batch_size=50,
        random_state=0,
    )
    X_da, y_da = _chunked(X, y)
    assert X_da.numblocks == (N_BLOCKS, 1)
    inc = wrappers.Incremental(estimator, scoring=scoring, shuffle_blocks=False)

    with _new_task_records(client) as records:
        _within(lambda: inc.fit(X_da, y_da, **kwargs))
    steps = _partial_fit_tasks(records)
    # one partial_fit per block, each on a worker; no task ever held all of X
    assert sorted(record["key"][1] for record in steps) == list(range(N_BLOCKS))
    assert {record["worker"] for record in steps} <= _workers(client)
    assert max(record["nbytes"] for record in records) < X.nbytes / 2

    manual = _by_hand(Estimator(**estimator.get_params()), X, y, 1, **kwargs)
    _assert_same_state(inc.estimator_, manual)
    assert inc.estimator_.t_ == len(X)

    # a second pass continues from the first, as a second pass by hand does
    _within(lambda: inc.partial_fit(X_da, y_da, **kwargs))
    manual = _by_hand(manual, X, y, 1, **kwargs)
    _assert_same_state(inc.estimator_, manual)
    assert inc.estimator_.t_ == 2 * len(X)

    X_test_da, y_test_da = _chunked(X_test, y_test)
    score = _within(lambda: inc.score(X_test_da, y_test_da))
    expected = get_scorer(scoring)(manual, X_test, y_test)
    assert score == pytest.approx(expected, rel=1e-12)
    assert manual.score(X_test, y_test) > minimum  # accuracy or R^2
    predicted = _within(lambda: inc.predict(X_test_da).compute())
    assert np.array_equal(predicted, manual.predict(X_test))
    if is_clf:
        proba = _within(lambda: inc.predict_proba(X_test_da).compute())
        assert np.array_equal(proba, manual.predict_proba(X_test))


def test_incremental_shuffled_blocks_are_reproducible(client, stream_classification):
    X, y, _, _ = stream_classification
    X_da, y_da = _chunked(X, y)
    estimator = BackpropClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0
    )

    def fit(**params):
        inc = wrappers.Incremental(estimator, scoring="accuracy", **params)
        return _within(lambda: inc.fit(X_da, y_da, classes=CLASSES)).estimator_

    first = fit(shuffle_blocks=True, random_state=0)
    again = fit(shuffle_blocks=True, random_state=0)
    in_order = fit(shuffle_blocks=False)
    _assert_same_state(first, again)
    assert first._theta.tobytes() != in_order._theta.tobytes()  # order matters


def test_incremental_first_block_missing_classes(client, stream_classification):
    X, y, X_test, y_test = stream_classification
    # move 100 rows of class 0 to the front: the first block has only class 0
    # and the other rows follow in their own (mixed) order
    front = np.flatnonzero(y == 0)[:BLOCK_ROWS]
    order = np.concatenate([front, np.setdiff1d(np.arange(len(y)), front)])
    X, y = X[order], y[order]
    assert set(y[:BLOCK_ROWS]) == {0}
    assert set(y[BLOCK_ROWS:]) == set(CLASSES)
    X_da, y_da = _chunked(X, y)
    estimator = BackpropClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, batch_size=50, random_state=0
    )

    inc = wrappers.Incremental(estimator, scoring="accuracy", shuffle_blocks=False)
    _within(lambda: inc.fit(X_da, y_da, classes=CLASSES))
    assert list(inc.classes_) == CLASSES
    assert inc.estimator_.out_activation_ == "softmax"
    manual = _by_hand(
        BackpropClassifier(**estimator.get_params()), X, y, 1, classes=CLASSES
    )
    _assert_same_state(inc.estimator_, manual)
    X_test_da, y_test_da = _chunked(X_test, y_test)
    assert _within(lambda: inc.score(X_test_da, y_test_da)) > 0.75
    assert set(inc.estimator_.predict(X_test)) == set(CLASSES)

    # without classes=, the first block alone cannot tell there are 3 classes
    bare = wrappers.Incremental(estimator, scoring="accuracy", shuffle_blocks=False)
    with pytest.raises(ValueError, match="classes must be passed"):
        _within(lambda: bare.fit(X_da, y_da))
