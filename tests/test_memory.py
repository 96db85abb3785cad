"""Memory use of prediction and of long runs of partial_fit, by tracemalloc.

numpy reports its array buffers to tracemalloc, so the traced peak of a
call is what the call allocated on top of its inputs. The bounds are
generous: they catch a full-size temporary or a per-call leak, not bytes.

Promises:

- predict / predict_proba on far more rows than one batch work in bounded
  chunks: predicting 2,000,000 x 100 float64 rows with hidden layers (100,)
  allocates at most about twice the output plus a fixed working buffer;
- 1,000 calls of partial_fit on small batches keep memory flat, but for the
  per-epoch records (``loss_curve_`` and ``history_``).
"""

import gc
import os
import sys
import tracemalloc

import numpy as np
import pytest

from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

MiB = 2**20
BIG_ROWS, BIG_FEATURES = 2_000_000, 100  # 1.6 GB of float64


def _available_memory() -> int:
    """Bytes of memory available to a new allocation (0 when unknown)."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 0


needs_big_memory = pytest.mark.skipif(
    _available_memory() < 6 * 2**30,
    reason="the 2,000,000 x 100 prediction test needs about 6 GB of free memory",
)


def _traced(fn, *args):
    """``fn(*args)`` and the peak memory it allocated beyond what it returned to."""
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn(*args)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return result, peak


@pytest.fixture
def big_X():
    """2,000,000 x 100 unit-variance float64 rows, filled in place slice by slice."""
    X = np.empty((BIG_ROWS, BIG_FEATURES))
    rng = np.random.default_rng(0)
    step = 100_000
    for start in range(0, BIG_ROWS, step):
        block = X[start : start + step]
        rng.random(out=block)
        block -= 0.5
        block *= np.sqrt(12.0)  # uniform on [-sqrt(3), sqrt(3)): variance 1
    return X


@needs_big_memory
def test_predicting_millions_of_rows_works_in_bounded_chunks(big_X):
    X_train = big_X[:2000].copy()
    score = X_train @ np.linspace(-0.2, 0.2, BIG_FEATURES)
    params = dict(hidden_layer_sizes=(100,), max_iter=3, random_state=0)
    clf = BackpropClassifier(**params).fit(X_train, (score > 0).astype(int))
    reg = BackpropRegressor(**params).fit(X_train, score)
    sample = np.r_[0:1000, BIG_ROWS - 1000 : BIG_ROWS]
    for name, method in [
        ("classifier.predict_proba", clf.predict_proba),
        ("classifier.predict", clf.predict),
        ("regressor.predict", reg.predict),
    ]:
        out, peak = _traced(method, big_X)
        bound = 2 * out.nbytes + 64 * MiB
        print(
            f"{name}: output {out.nbytes / MiB:.1f} MiB, traced peak "
            f"{peak / MiB:.1f} MiB, bound {bound / MiB:.1f} MiB"
        )
        assert out.shape[0] == BIG_ROWS
        assert peak <= bound
        # chunked results are those of a small direct call on the same rows
        direct = method(big_X[sample])
        if out.dtype.kind == "f":
            np.testing.assert_allclose(out[sample], direct, rtol=1e-12, atol=1e-15)
        else:
            assert np.array_equal(out[sample], direct)
        del out


@pytest.fixture
def stream():
    """20,000 rows arriving as 1,000 batches of 20."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20_000, 10))
    score = X @ np.linspace(-1.0, 1.0, 10)
    return X, score


# tracemalloc makes each partial_fit call several times slower: one solver
# per estimator keeps this within seconds (both share the same loop)
@pytest.mark.parametrize(
    ("Estimator", "solver"),
    [(BackpropClassifier, "sgd"), (BackpropRegressor, "adam")],
)
def test_partial_fit_over_many_small_batches_keeps_memory_flat(
    Estimator, solver, stream
):
    X, score = stream
    y = score > 0 if Estimator is BackpropClassifier else score
    est = Estimator(hidden_layer_sizes=(16,), solver=solver, random_state=0)
    extra = {"classes": [False, True]} if Estimator is BackpropClassifier else {}
    batches = [slice(start, start + 20) for start in range(0, 20_000, 20)]
    for rows in batches[:100]:
        est.partial_fit(X[rows], y[rows], **extra)
        extra = {}
    gc.collect()
    tracemalloc.start()  # what is still traced at the end was kept since batch 100
    try:
        for rows in batches[100:]:
            est.partial_fit(X[rows], y[rows])
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(est.loss_curve_) == 1000
    assert est.t_ == 20_000
    # the things that should grow: the 900 new epochs of loss_curve_ and
    # history_ (their number objects, list slots and the lists' over-allocation)
    curve = _record_bytes(est, 900)
    print(
        f"{Estimator.__name__}/{solver}: {growth / 1024:.1f} KiB kept over 900 "
        f"batches, of which loss_curve_ and history_ ~{curve / 1024:.1f} KiB"
    )
    assert growth - curve < 100 * 1024


def _record_bytes(est, n):
    """Bytes the last ``n`` epochs take in loss_curve_ and history_."""
    values = est.loss_curve_[-n:]
    values += [v for column in est.history_.values() for v in column[-n:]]
    objects = {id(v): v for v in values if v is not None}
    return sum(sys.getsizeof(v) for v in objects.values()) + 8 * len(values) * 9 // 8


@pytest.mark.parametrize(
    ("model_dtype", "X_dtype"),
    [(np.float64, np.float32), (np.float64, np.int8), (np.float32, np.float64)],
)
def test_prediction_converts_other_dtypes_chunk_by_chunk(model_dtype, X_dtype):
    # 400,000 x 100: a whole-array conversion to float64 would take 305 MiB
    rng = np.random.default_rng(0)
    X_train = rng.standard_normal((500, 100)).astype(model_dtype)
    clf = BackpropClassifier(hidden_layer_sizes=(50,), max_iter=2, random_state=0)
    clf.fit(X_train, X_train[:, 0] > 0)
    X = np.empty((400_000, 100), dtype=X_dtype)
    for start in range(0, len(X), 50_000):
        X[start : start + 50_000] = rng.integers(-3, 4, size=(50_000, 100))
    out, peak = _traced(clf.predict_proba, X)
    converted = 400_000 * 100 * np.dtype(model_dtype).itemsize
    print(
        f"{np.dtype(X_dtype).name} X on a {np.dtype(model_dtype).name} model: "
        f"output {out.nbytes / MiB:.1f} MiB, traced peak {peak / MiB:.1f} MiB"
    )
    assert peak <= 2 * out.nbytes + 64 * MiB < converted
    sample = slice(0, 1000)
    direct = clf.predict_proba(X[sample].astype(model_dtype))
    rtol = 1e-12 if model_dtype == np.float64 else 1e-5  # (BLAS blocking)
    np.testing.assert_allclose(out[sample], direct, rtol=rtol)


def test_wide_sparse_input_is_predicted_in_large_chunks(monkeypatch):
    # a chunk of sparse rows stays sparse: its size is set by the hidden
    # widths, not by the 200,000 features (which would make it 5 rows)
    import scipy.sparse as sp

    from skbackprop import _network

    rng = np.random.default_rng(0)
    width = 200_000
    rows, columns = np.repeat(np.arange(2000), 5), rng.integers(0, width, 10_000)
    X = sp.csr_matrix((rng.random(10_000), (rows, columns)), shape=(2000, width))
    y = np.arange(2000) % 2
    clf = BackpropClassifier(
        hidden_layer_sizes=(16,), solver="sgd", momentum=0, max_iter=1, random_state=0
    )
    clf.fit(X, y)
    calls = []
    logits = _network.Network.logits
    monkeypatch.setattr(
        _network.Network,
        "logits",
        lambda self, theta, X: calls.append(X.shape[0]) or logits(self, theta, X),
    )
    proba = clf.predict_proba(X)
    assert calls == [2000]
    monkeypatch.undo()
    np.testing.assert_allclose(proba[:5], clf.predict_proba(X[:5]), rtol=1e-12)
