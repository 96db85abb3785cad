"""Speed of skbackprop against scikit-learn's MLP, measured side by side.

Every case runs ours and scikit-learn's alternately (A B A B ... after a
warm-up of each), pausing between runs because idle OpenBLAS workers keep
spinning for about 0.1 s after a call and would slow whatever runs next. BLAS
is pinned to the same number of threads for both with threadpoolctl. Each
case reports the median over the pairs of the ratio ours / theirs.

Both estimators get the same data, hyperparameters and random_state, and so
follow the same trajectory (tests/test_parity.py): the accuracies agree and
the times compare the same arithmetic.

Per-epoch and per-step times come from the "Iteration k, loss = ..." lines
both estimators print with verbose=True: stamping each line as it is
printed times every epoch without touching either estimator's code, and
leaves out the fixed costs of validating the data and setting up.

    python benchmarks/bench_speed.py                    # everything, 5 pairs
    python benchmarks/bench_speed.py --pairs 7 --only mnist tiny
    python benchmarks/bench_speed.py --out benchmarks/results

writes ``results.md`` (the table) and ``speed.png`` (the figure) to --out.
"""

import argparse
import contextlib
import gc
import io
import itertools
import os
import statistics
import time
import tracemalloc
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.linalg import blas
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skbackprop import BackpropClassifier

PAUSE = 0.3  # seconds between runs: lets the idle BLAS threads fall asleep


# --------------------------------------------------------------------- data
def mnist_shaped(dtype, n_samples=20_000):
    """20,000 x 784 standardised features, 10 classes (synthetic, MNIST-shaped)."""
    X, y = make_classification(
        n_samples=n_samples + 5_000,
        n_features=784,
        n_informative=100,
        n_redundant=100,
        n_classes=10,
        n_clusters_per_class=2,
        class_sep=2.0,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=n_samples, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return (
        scaler.transform(X_train).astype(dtype),
        y_train,
        scaler.transform(X_test).astype(dtype),
        y_test,
    )


def tiny(n_classes):
    """2,000 x 20 standardised features."""
    X, y = make_classification(
        n_samples=2_500,
        n_features=20,
        n_informative=10,
        n_classes=n_classes,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=2_000, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), y_train, scaler.transform(X_test), y_test


def digits():
    """scikit-learn's digits, standardised, 75/25 stratified split."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), y_train, scaler.transform(X_test), y_test


# --------------------------------------------------------------- measuring
class _EpochStamps(io.TextIOBase):
    """A stdout that records when each "Iteration k" line is printed."""

    def __init__(self):
        self.stamps = []

    def write(self, text):
        if text.startswith("Iteration"):
            self.stamps.append(time.perf_counter())
        return len(text)


def epoch_times(estimator, X, y):
    """Seconds per epoch after the first (the first includes the set-up)."""
    out = _EpochStamps()
    with contextlib.redirect_stdout(out):
        estimator.set_params(verbose=True).fit(X, y)
    return np.diff(out.stamps)


def alternate(run_ours, run_theirs, pairs):
    """Run A B A B ... after one warm-up of each; return both lists of results."""
    ours, theirs = [], []
    for i in range(pairs + 1):
        for run, results in ((run_ours, ours), (run_theirs, theirs)):
            gc.collect()
            time.sleep(PAUSE)
            value = run()
            if i:  # the first round is the warm-up
                results.append(value)
    return ours, theirs


def median_ratio(ours, theirs):
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    if os.environ.get("BENCH_DEBUG"):
        print("  ratios:", " ".join(f"{r:.2f}" for r in ratios), flush=True)
    return statistics.median(ratios)


def gemm_floor(dtype, n_rows, units, batches, repeats=5):
    """Seconds for the matrix products of one epoch alone, at this machine's speed.

    Per minibatch: the forward product of every layer, the output delta back
    through every weight matrix but the first, and every weight gradient.
    """
    gemm = blas.get_blas_funcs("gemm", dtype=np.dtype(dtype))
    rng = np.random.default_rng(0)
    new = lambda *shape: rng.standard_normal(shape).astype(dtype)  # noqa: E731
    A = [new(n_rows, u) for u in units]
    W = [new(a, b) for a, b in itertools.pairwise(units)]
    G = [np.empty_like(w) for w in W]
    best = np.inf
    for _ in range(repeats):
        time.sleep(PAUSE)
        start = time.perf_counter()
        for _ in range(batches):
            for i, w in enumerate(W):  # forward
                gemm(1.0, w.T, A[i].T, 0.0, A[i + 1].T, 0, 0, 1)
            for i in range(len(W) - 1, -1, -1):  # gradient, then delta
                gemm(1.0, A[i + 1].T, A[i].T, 0.0, G[i].T, 0, 1, 1)
                if i:
                    gemm(1.0, W[i].T, A[i + 1].T, 0.0, A[i].T, 1, 0, 1)
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory(fn):
    """Peak bytes allocated (numpy included) while ``fn`` runs."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@dataclass
class Row:
    """One line of the results table."""

    case: str
    unit: str
    ours: float
    theirs: float
    ratio: float
    goal: str
    notes: str = ""
    extra: dict = field(default_factory=dict)


def _pair(params):
    common = {"activation": "logistic", "random_state": 0, **params}
    return BackpropClassifier(**common), MLPClassifier(**common)


# ------------------------------------------------------------------- cases
def case_mnist(pairs):
    rows = []
    for dtype in (np.float64, np.float32):
        X, y, X_test, y_test = mnist_shaped(dtype)
        floor = gemm_floor(dtype, 200, (784, 196, 10), batches=100)
        for solver in ("adam", "sgd"):
            ours, theirs = _pair(
                dict(
                    hidden_layer_sizes=(196,),
                    solver=solver,
                    batch_size=200,
                    max_iter=8,
                    tol=0.0,
                )
            )
            t_ours, t_theirs = alternate(
                lambda o=ours, X=X, y=y: float(np.median(epoch_times(o, X, y)[1:])),
                lambda t=theirs, X=X, y=y: float(np.median(epoch_times(t, X, y)[1:])),
                pairs,
            )
            ratio = median_ratio(t_ours, t_theirs)
            epoch = statistics.median(t_ours)
            rows.append(
                Row(
                    f"MNIST-shaped {np.dtype(dtype).name} {solver}",
                    "s/epoch",
                    epoch,
                    statistics.median(t_theirs),
                    ratio,
                    "<= 0.60",
                    f"GEMM floor {floor:.3f} s = {floor / epoch:.0%} of ours; test "
                    f"accuracy {ours.score(X_test, y_test):.4f} vs "
                    f"{theirs.score(X_test, y_test):.4f}",
                    {"floor": floor},
                )
            )
    return rows


def case_tiny(pairs):
    rows = []
    for n_classes in (2, 3):
        X, y, X_test, y_test = tiny(n_classes)
        steps = -(-len(X) // 32)
        ours, theirs = _pair(
            dict(
                hidden_layer_sizes=(16,),
                solver="adam",
                batch_size=32,
                max_iter=6,
                tol=0.0,
            )
        )

        def per_step(est, X=X, y=y, steps=steps):
            return float(np.median(epoch_times(est, X, y)[1:])) / steps

        t_ours, t_theirs = alternate(
            lambda o=ours: per_step(o), lambda t=theirs: per_step(t), pairs
        )
        rows.append(
            Row(
                f"tiny network, {n_classes} classes, adam",
                "us/step",
                1e6 * statistics.median(t_ours),
                1e6 * statistics.median(t_theirs),
                median_ratio(t_ours, t_theirs),
                "<= 0.30",
                f"2,000 x 20, hidden (16,), batch 32; test accuracy "
                f"{ours.score(X_test, y_test):.4f} vs "
                f"{theirs.score(X_test, y_test):.4f}",
            )
        )
    return rows


def case_lbfgs(pairs):
    X, y, X_test, y_test = digits()
    ours, theirs = _pair(
        dict(hidden_layer_sizes=(64,), solver="lbfgs", max_iter=100, tol=0.0)
    )

    def fit_time(est):
        start = time.perf_counter()
        est.fit(X, y)
        return time.perf_counter() - start

    t_ours, t_theirs = alternate(
        lambda: fit_time(ours), lambda: fit_time(theirs), pairs
    )
    return [
        Row(
            "L-BFGS on digits, 100 iterations",
            "s/fit",
            statistics.median(t_ours),
            statistics.median(t_theirs),
            median_ratio(t_ours, t_theirs),
            "<= 0.70",
            f"iterations {ours.n_iter_} vs {theirs.n_iter_}; test accuracy "
            f"{ours.score(X_test, y_test):.4f} vs {theirs.score(X_test, y_test):.4f}",
        )
    ]


def case_predict(pairs):
    X, y, _, _ = mnist_shaped(np.float64, n_samples=5_000)
    ours, theirs = _pair(dict(hidden_layer_sizes=(196,), solver="adam", max_iter=2))
    ours.fit(X, y)
    theirs.fit(X, y)
    one = X[:1]
    big = np.random.default_rng(0).standard_normal((100_000, X.shape[1]))

    def latency(est, repeats=2_000):
        est.predict_proba(one)
        start = time.perf_counter()
        for _ in range(repeats):
            est.predict_proba(one)
        return (time.perf_counter() - start) / repeats

    def throughput(est):
        start = time.perf_counter()
        est.predict_proba(big)
        return time.perf_counter() - start

    l_ours, l_theirs = alternate(lambda: latency(ours), lambda: latency(theirs), pairs)
    t_ours, t_theirs = alternate(
        lambda: throughput(ours), lambda: throughput(theirs), pairs
    )
    m_ours = peak_memory(lambda: ours.predict_proba(big))
    m_theirs = peak_memory(lambda: theirs.predict_proba(big))
    return [
        Row(
            "predict_proba, one row (784-196-10)",
            "us/call",
            1e6 * statistics.median(l_ours),
            1e6 * statistics.median(l_theirs),
            median_ratio(l_ours, l_theirs),
            "<= 0.50",
        ),
        Row(
            "predict_proba, 100,000 rows",
            "s/call",
            statistics.median(t_ours),
            statistics.median(t_theirs),
            median_ratio(t_ours, t_theirs),
            "<= 1.00",
            f"peak memory {m_ours / 2**20:.0f} MiB vs {m_theirs / 2**20:.0f} MiB "
            f"(input {big.nbytes / 2**20:.0f} MiB)",
        ),
    ]


def case_memory(pairs):
    X, y, _, _ = mnist_shaped(np.float64)
    ours, theirs = _pair(dict(hidden_layer_sizes=(196,), solver="adam", max_iter=1))
    m_ours = peak_memory(lambda: ours.fit(X, y))
    m_theirs = peak_memory(lambda: theirs.fit(X, y))
    return [
        Row(
            "peak memory during fit, MNIST-shaped float64 adam",
            "MiB",
            m_ours / 2**20,
            m_theirs / 2**20,
            m_ours / m_theirs,
            "<= 1.00",
            f"training data {X.nbytes / 2**20:.0f} MiB (tracemalloc)",
        )
    ]


def case_time_to_accuracy(pairs, target=0.97, max_epochs=60):
    X, y, X_test, y_test = digits()

    def curve(est):
        """(seconds of training, test accuracy) after each partial_fit epoch."""
        points, spent = [], 0.0
        classes = np.unique(y)
        for _ in range(max_epochs):
            start = time.perf_counter()
            est.partial_fit(X, y, classes=classes)
            spent += time.perf_counter() - start
            points.append((spent, est.score(X_test, y_test)))
        return points

    def reach(points):
        return next((t for t, acc in points if acc >= target), np.inf)

    curves = {"ours": [], "theirs": []}
    for i in range(pairs + 1):
        for key in ("ours", "theirs"):
            ours, theirs = _pair(
                dict(hidden_layer_sizes=(64,), solver="adam", learning_rate_init=0.003)
            )
            gc.collect()
            time.sleep(PAUSE)
            points = curve(ours if key == "ours" else theirs)
            if i:
                curves[key].append(points)
    t_ours = [reach(c) for c in curves["ours"]]
    t_theirs = [reach(c) for c in curves["theirs"]]
    epochs = next(
        i + 1 for i, (_, acc) in enumerate(curves["ours"][0]) if acc >= target
    )
    return [
        Row(
            f"time to {target:.0%} test accuracy on digits (adam)",
            "s",
            statistics.median(t_ours),
            statistics.median(t_theirs),
            median_ratio(t_ours, t_theirs),
            "< 1.00",
            f"reached after {epochs} epochs by both",
            {"curves": curves},
        )
    ]


class _Terminal(io.StringIO):
    """Standard output that says it is a terminal, so verbose=2 draws its bar."""

    def isatty(self):
        return True


def case_progress(pairs):
    """What watching costs: the table and the live bar against a silent fit.

    Here both columns are skbackprop: "skbackprop" with verbose=1 (the table)
    or verbose=2 (the bar, drawn with rich when it is installed, on a stream
    that says it is a terminal), "scikit-learn" the same fit with verbose=0.
    """
    X, y, _, _ = mnist_shaped(np.float32)
    params = dict(
        hidden_layer_sizes=(196,), solver="adam", batch_size=200, max_iter=5, tol=0.0
    )

    reporting = []  # seconds spent inside the reporter's methods, per fit

    def fit_time(verbose):
        est = BackpropClassifier(verbose=verbose, random_state=0, **params)
        out = _Terminal() if verbose == 2 else io.StringIO()
        with contextlib.redirect_stdout(out), _timed_reporters() as spent:
            start = time.perf_counter()
            est.fit(X, y)
            elapsed = time.perf_counter() - start
        if verbose:
            reporting.append(spent[0] / elapsed)
        return elapsed

    try:
        import rich  # noqa: F401

        drawn = "rich"
    except ImportError:
        drawn = "plain text"
    rows = []
    for verbose, what in ((1, "epoch table (verbose=1)"), (2, f"live bar ({drawn})")):
        reporting.clear()
        t_shown, t_silent = alternate(
            lambda v=verbose: fit_time(v), lambda: fit_time(0), pairs
        )
        share = statistics.median(reporting)
        rows.append(
            Row(
                f"{what} vs verbose=0, MNIST-shaped float32 adam",
                "s/fit",
                statistics.median(t_shown),
                statistics.median(t_silent),
                median_ratio(t_shown, t_silent),
                "<= 1.02",
                "both columns are skbackprop: shown / silent, 5 epochs; time "
                f"inside the reporter {share:.2%} of the fit",
            )
        )
    return rows


@contextlib.contextmanager
def _timed_reporters():
    """Add up the seconds spent in every reporter method while it is active."""
    from skbackprop import _progress

    spent = [0.0]
    originals = {}
    for cls in (_progress.Table, _progress.Bar):
        for name in ("begin", "epoch", "note", "end"):
            method = cls.__dict__.get(name)
            if method is None:
                continue

            def timed(*args, _method=method, **kwargs):
                start = time.perf_counter()
                try:
                    return _method(*args, **kwargs)
                finally:
                    spent[0] += time.perf_counter() - start

            originals[cls, name] = method
            setattr(cls, name, timed)
    try:
        yield spent
    finally:
        for (cls, name), method in originals.items():
            setattr(cls, name, method)


CASES = {
    "mnist": case_mnist,
    "tiny": case_tiny,
    "lbfgs": case_lbfgs,
    "predict": case_predict,
    "memory": case_memory,
    "accuracy": case_time_to_accuracy,
    "progress": case_progress,
}


# ------------------------------------------------------------------ output
def table(rows, header):
    lines = [
        header,
        "",
        "| case | unit | skbackprop | scikit-learn | ratio | goal | notes |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.case} | {r.unit} | {r.ours:.4g} | {r.theirs:.4g} | "
            f"{r.ratio:.2f} | {r.goal} | {r.notes} |"
        )
    return "\n".join(lines) + "\n"


def figure(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epoch_rows = [r for r in rows if r.unit == "s/epoch"]
    curve_rows = [r for r in rows if "curves" in r.extra]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    if epoch_rows:
        ax, pos = axes[0], np.arange(len(epoch_rows))
        ax.barh(
            pos + 0.2,
            [r.theirs for r in epoch_rows],
            0.4,
            label="MLPClassifier",
            color="tab:gray",
        )
        ax.barh(
            pos - 0.2,
            [r.ours for r in epoch_rows],
            0.4,
            label="BackpropClassifier",
            color="tab:blue",
        )
        ax.scatter(
            [r.extra["floor"] for r in epoch_rows],
            pos - 0.2,
            marker="|",
            s=300,
            color="k",
            label="GEMM floor",
            zorder=3,
        )
        ax.set_yticks(pos, [r.case.replace("MNIST-shaped ", "") for r in epoch_rows])
        ax.invert_yaxis()
        ax.set_xlabel("seconds per epoch (20,000 x 784, hidden 196, batch 200)")
        ax.legend(loc="lower right", fontsize=8)
    if curve_rows:
        ax, curves = axes[1], curve_rows[0].extra["curves"]
        for key, label, color in (
            ("theirs", "MLPClassifier", "tab:gray"),
            ("ours", "BackpropClassifier", "tab:blue"),
        ):
            t, acc = zip(*curves[key][0], strict=True)
            ax.plot(t, acc, marker=".", label=label, color=color)
        ax.axhline(0.97, color="k", lw=0.8, ls=":")
        ax.set_xlabel("training time (s)")
        ax.set_ylabel("test accuracy, digits")
        ax.set_ylim(0.85, 1.0)
        ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5, help="A/B pairs per case")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--only", nargs="*", choices=list(CASES), default=list(CASES))
    parser.add_argument("--out", type=Path, help="folder for results.md, speed.png")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    rows = []
    with threadpool_limits(limits=args.threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name in args.only:
            for row in CASES[name](args.pairs):
                rows.append(row)
                print(
                    f"{row.case}: {row.ours:.4g} vs {row.theirs:.4g} {row.unit}, "
                    f"ratio {row.ratio:.2f} (goal {row.goal})",
                    flush=True,
                )
    load_after = os.getloadavg()[0]
    busy = max(load_before, load_after) > 0.5 * os.cpu_count()
    header = (
        f"Ratios are skbackprop / scikit-learn, medians of {args.pairs} alternating "
        f"pairs; BLAS threads {args.threads} of {os.cpu_count()} cores; "
        f"load average {load_before:.2f} before, {load_after:.2f} after"
        + (" (the machine was busy: expect noise)." if busy else ".")
    )
    text = table(rows, header)
    print()
    print(text)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "results.md").write_text(text)
        figure(rows, args.out / "speed.png")


if __name__ == "__main__":
    main()
