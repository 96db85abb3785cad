"""Demo: BackpropClassifier next to MLPClassifier on scikit-learn's digits.

Run ``python -m skbackprop``. Both estimators get the same hyperparameters
and the same standardised train/test split; the table shows test accuracy
and fit time (median of a few runs) for each solver.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier

SOLVERS = {
    "adam": {"solver": "adam", "max_iter": 100},
    "sgd": {"solver": "sgd", "learning_rate_init": 0.1, "max_iter": 100},
    "lbfgs": {"solver": "lbfgs", "max_iter": 200},
}


def _fit_time(estimator, X, y, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        estimator.fit(X, y)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main(argv=None):
    """Train both estimators on digits and print the comparison table."""
    parser = argparse.ArgumentParser(prog="python -m skbackprop", description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="fits per timing")
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

    print(
        f"digits: {len(X_train)} training / {len(X_test)} test samples, "
        "hidden_layer_sizes=(64,), activation='logistic', random_state=0\n"
    )
    header = (
        f"{'solver':<7} {'estimator':<20} {'test accuracy':>13} {'fit time (s)':>13}"
    )
    print(header)
    print("-" * len(header))
    for name, params in SOLVERS.items():
        common = {
            "hidden_layer_sizes": (64,),
            "activation": "logistic",
            "random_state": 0,
            **params,
        }
        for estimator in (BackpropClassifier(**common), MLPClassifier(**common)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                seconds = _fit_time(estimator, X_train, y_train, args.repeats)
            accuracy = estimator.score(X_test, y_test)
            print(
                f"{name:<7} {type(estimator).__name__:<20} {accuracy:>13.4f} "
                f"{seconds:>13.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
