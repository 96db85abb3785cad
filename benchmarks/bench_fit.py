"""Fit time of BackpropClassifier relative to MLPClassifier, measured side by side.

Runs ours and scikit-learn's alternately (A B A B ...) after a warm-up, with
a short pause between runs (idle OpenBLAS workers keep spinning for about
0.1 s after a call), BLAS pinned to the same thread count for both, and
reports the median ratio ours / theirs per case. Same data, same
hyperparameters, same random_state: both do the same arithmetic.

    python benchmarks/bench_fit.py              # all cases
    python benchmarks/bench_fit.py --pairs 3    # quicker
"""

import argparse
import os
import statistics
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skbackprop import BackpropClassifier


def mnist_shaped(dtype):
    """20,000 x 784 standardised features, 10 classes (synthetic, MNIST-shaped)."""
    X, y = make_classification(
        n_samples=20_000,
        n_features=784,
        n_informative=60,
        n_redundant=100,
        n_classes=10,
        n_clusters_per_class=2,
        random_state=0,
    )
    return StandardScaler().fit_transform(X).astype(dtype), y


def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def cases():
    for dtype in (np.float64, np.float32):
        for solver in ("adam", "sgd"):
            yield (
                f"MNIST-shaped {np.dtype(dtype).name} {solver}, 5 epochs",
                lambda dtype=dtype: mnist_shaped(dtype),
                dict(
                    hidden_layer_sizes=(196,),
                    solver=solver,
                    batch_size=200,
                    max_iter=5,
                    tol=0.0,
                    n_iter_no_change=1000,
                ),
            )
    yield (
        "digits lbfgs, 100 iterations",
        digits,
        dict(hidden_layer_sizes=(64,), solver="lbfgs", max_iter=100, tol=0.0),
    )
    yield (
        "digits adam, 50 epochs",
        digits,
        dict(
            hidden_layer_sizes=(64,),
            solver="adam",
            max_iter=50,
            tol=0.0,
            n_iter_no_change=1000,
        ),
    )


def timed_fit(estimator, X, y):
    start = time.perf_counter()
    estimator.fit(X, y)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--pause", type=float, default=0.3)
    args = parser.parse_args(argv)

    print(
        f"BLAS threads: {args.threads}; {args.pairs} pairs per case after a warm-up\n"
    )
    print("| case | ours (s) | MLPClassifier (s) | ratio | ours acc. | MLP acc. |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    with threadpool_limits(limits=args.threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, load, params in cases():
            X, y = load()
            params = {"activation": "logistic", "random_state": 0, **params}
            ours, theirs = BackpropClassifier(**params), MLPClassifier(**params)
            timed_fit(ours, X, y), timed_fit(theirs, X, y)  # warm-up
            t_ours, t_theirs = [], []
            for _ in range(args.pairs):
                time.sleep(args.pause)
                t_ours.append(timed_fit(ours, X, y))
                time.sleep(args.pause)
                t_theirs.append(timed_fit(theirs, X, y))
            ratio = statistics.median(
                a / b for a, b in zip(t_ours, t_theirs, strict=True)
            )
            print(
                f"| {name} | {statistics.median(t_ours):.3f} | "
                f"{statistics.median(t_theirs):.3f} | {ratio:.2f} | "
                f"{ours.score(X, y):.4f} | {theirs.score(X, y):.4f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
