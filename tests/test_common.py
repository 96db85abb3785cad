"""scikit-learn's estimator checks over every configuration we promise."""

import pytest
from _helpers import array_api_dispatch_available
from sklearn.utils.estimator_checks import parametrize_with_checks

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._activations import DERIVATIVES
from skbackprop._losses import LOSSES

ESTIMATORS = [
    BackpropClassifier(),
    BackpropClassifier(loss="squared_error", learning_rate_init=0.01),
    BackpropClassifier(solver="lbfgs"),
    BackpropClassifier(solver="sgd", learning_rate_init=0.1),
    BackpropClassifier(early_stopping=True, learning_rate_init=0.01),
    # every default but the solver and early stopping (MLPClassifier fails
    # check_classifiers_train here: see docs/differences.md, early stopping)
    BackpropClassifier(solver="sgd", early_stopping=True),
    BackpropRegressor(),
    BackpropRegressor(solver="lbfgs"),
    BackpropRegressor(solver="sgd", learning_rate_init=0.01),
    BackpropRegressor(early_stopping=True, learning_rate_init=0.01),
    BackpropRegressor(output_activation="logistic"),
]


DISPATCH = array_api_dispatch_available()


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    name = getattr(check, "func", check).__name__
    if name.startswith("check_array_api") and not DISPATCH:
        pytest.skip("scikit-learn's array API dispatch needs scipy >= 1.14 here")
    check(estimator)


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_registries_match_parameter_constraints(Estimator):
    constraints = Estimator._parameter_constraints
    assert constraints["activation"][0].options == set(DERIVATIVES)
    assert constraints["loss"][0].options <= set(LOSSES)


def test_regressor_offers_every_loss():
    assert BackpropRegressor._parameter_constraints["loss"][0].options == set(LOSSES)
