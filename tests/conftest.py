"""Small, standardised data sets shared by the behaviour tests.

Every fixture builds fresh arrays, so a test that (wrongly) mutated them
could not leak into another test.
"""

import os

# scikit-learn's array API checks (tests/test_common.py, tests/test_array_api.py)
# need scipy's array API mode, which is read when scipy is first imported
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from sklearn.datasets import (
    load_iris,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.preprocessing import StandardScaler

# Hypothesis profiles for the property-based tests (tests/test_robustness.py).
# "ci" (the default) is moderate and derandomized, so every run checks the same
# examples; "thorough" explores many more, with fresh random examples each run:
#     HYPOTHESIS_PROFILE=thorough python -m pytest tests/test_robustness.py
_SLOW_DATA_CHECKS = [
    HealthCheck.too_slow,
    HealthCheck.filter_too_much,
    HealthCheck.data_too_large,
]
settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_SLOW_DATA_CHECKS,
)
settings.register_profile(
    "thorough",
    max_examples=1500,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=_SLOW_DATA_CHECKS,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def binary_data():
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=4, random_state=0
    )
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def multiclass_data():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def multilabel_data():
    X, Y = make_multilabel_classification(
        n_samples=100, n_features=6, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), Y


@pytest.fixture
def imbalanced_data():
    X, y = make_classification(
        n_samples=300,
        n_features=5,
        n_informative=3,
        weights=[0.9, 0.1],
        flip_y=0.05,
        class_sep=0.6,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def regression_data():
    X, y = make_regression(
        n_samples=100, n_features=5, n_informative=5, noise=5.0, random_state=0
    )
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


@pytest.fixture
def multioutput_regression_data():
    X, Y = make_regression(
        n_samples=100,
        n_features=5,
        n_informative=5,
        n_targets=3,
        noise=5.0,
        random_state=0,
    )
    return StandardScaler().fit_transform(X), (Y - Y.mean(0)) / Y.std(0)


@pytest.fixture
def rate_data():
    """Targets in [0, 1] (rates, proportions), including both ends."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(100, 3))
    y = 1 / (1 + np.exp(-(X @ [1.5, -1.0, 0.5])))
    y[:3], y[3:6] = 0.0, 1.0
    return X, y


@pytest.fixture
def count_data():
    """Non-negative integer targets with a log-linear mean."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = rng.poisson(np.exp(0.5 + X @ [0.6, -0.4, 0.3])).astype(float)
    return X, y
