"""The estimators inside scikit-learn's tooling, and as drop-in replacements."""

import copy
import inspect
import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_iris, make_regression
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    GridSearchCV,
    cross_val_score,
    cross_validate,
    train_test_split,
)
from sklearn.multioutput import MultiOutputRegressor, RegressorChain
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.fixes import parse_version

from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

PAIRS = [(MLPClassifier, BackpropClassifier), (MLPRegressor, BackpropRegressor)]
# MLPRegressor took ``loss`` as its first positional parameter in 1.7
SKLEARN_17 = parse_version(sklearn.__version__) >= parse_version("1.7")


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


@pytest.fixture
def regression():
    X, y = make_regression(
        n_samples=120, n_features=4, n_targets=2, noise=1.0, random_state=0
    )
    return X, y


def _small_clf(**params):
    return BackpropClassifier(
        **{
            "hidden_layer_sizes": (10,),
            "solver": "lbfgs",
            "max_iter": 300,
            "random_state": 0,
            **params,
        }
    )


def _small_reg(**params):
    return BackpropRegressor(
        **{
            "hidden_layer_sizes": (10,),
            "solver": "lbfgs",
            "max_iter": 300,
            "random_state": 0,
            **params,
        }
    )


# ---------------------------------------------------------------------------
# Drop-in replacement: same parameters, same defaults (except activation)


@pytest.mark.parametrize(("Theirs", "Ours"), PAIRS)
def test_same_parameters_and_defaults(Theirs, Ours):
    theirs, ours = Theirs().get_params(), Ours().get_params()
    for key, default in theirs.items():
        assert key in ours, key
        if key == "activation":
            assert (default, ours[key]) == ("relu", "logistic")
        else:
            assert ours[key] == default, key


@pytest.mark.parametrize(("Theirs", "Ours"), PAIRS)
def test_signature_matches(Theirs, Ours):
    """MLP*'s arguments are taken the same way (positional or keyword)."""
    theirs = inspect.signature(Theirs).parameters
    ours = inspect.signature(Ours).parameters
    for name, param in theirs.items():
        assert ours[name].kind == param.kind, name
    positional = [n for n, p in theirs.items() if p.kind == p.POSITIONAL_OR_KEYWORD]
    if Ours is BackpropRegressor and not SKLEARN_17:
        positional = ["loss", *positional]
    assert list(ours)[: len(positional)] == positional


@pytest.mark.parametrize(("Theirs", "Ours"), PAIRS)
def test_class_name_swap(Theirs, Ours, iris, regression):
    """Code written for MLP* runs unchanged with ours swapped in."""
    if is_classifier(Theirs()):
        X, _, y, _ = iris
    else:
        X, Y = regression
        y = Y[:, 0]
    params = dict(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=50, random_state=0)
    theirs = make_pipeline(StandardScaler(), Theirs(**params)).fit(X, y)
    ours = make_pipeline(StandardScaler(), Ours(**params)).fit(X, y)
    assert ours.predict(X).shape == theirs.predict(X).shape
    for attr in (
        "coefs_",
        "intercepts_",
        "n_iter_",
        "n_layers_",
        "n_outputs_",
        "out_activation_",
        "loss_",
        "n_features_in_",
    ):
        assert hasattr(ours[-1], attr), attr
    assert is_classifier(ours) == is_classifier(theirs)
    assert is_regressor(ours) == is_regressor(theirs)


def test_set_params_get_params_round_trip():
    est = BackpropClassifier()
    new = dict(
        hidden_layer_sizes=(7, 3),
        activation="tanh",
        loss="squared_error",
        solver="sgd",
        alpha=0.5,
        learning_rate="adaptive",
        momentum=0.3,
        class_weight="balanced",
        random_state=42,
    )
    assert est.set_params(**new) is est
    params = est.get_params()
    for key, value in new.items():
        assert params[key] == value
    rebuilt = BackpropClassifier(**params)
    assert rebuilt.get_params() == params
    reg = BackpropRegressor().set_params(output_activation="logistic", loss="log_loss")
    assert BackpropRegressor(**reg.get_params()).get_params() == reg.get_params()


def test_nested_params_in_pipeline():
    pipe = make_pipeline(StandardScaler(), BackpropRegressor())
    pipe.set_params(
        backpropregressor__alpha=0.25, backpropregressor__output_activation="logistic"
    )
    params = pipe.get_params()
    assert params["backpropregressor__alpha"] == 0.25
    assert params["backpropregressor__output_activation"] == "logistic"


# ---------------------------------------------------------------------------
# Cloning, copying, pickling


@pytest.mark.parametrize("make", [_small_clf, _small_reg])
def test_clone(make, iris):
    X, _, y, _ = iris
    est = make(alpha=0.01).fit(X, y)
    cloned = clone(est)
    assert cloned.get_params() == est.get_params()
    assert not hasattr(cloned, "coefs_")
    assert_allclose(cloned.fit(X, y).predict(X), est.predict(X), rtol=1e-12)


@pytest.mark.parametrize("make", [_small_clf, _small_reg])
def test_pickle_and_deepcopy_keep_a_working_model(make, iris):
    X, _, y, _ = iris
    est = make().fit(X, y)
    for restored in (pickle.loads(pickle.dumps(est)), copy.deepcopy(est)):
        assert_allclose(restored.predict(X), est.predict(X), rtol=1e-15)
        # the restored weights are the restored model's own
        restored.coefs_[0] = np.zeros_like(restored.coefs_[0])
        assert not np.allclose(restored.predict(X), est.predict(X))
        assert np.any(est.coefs_[0] != 0)


def test_pickled_model_resumes_partial_fit(iris):
    """A checkpoint (pickle) carries the optimizer state: resuming from it
    gives exactly the weights of an uninterrupted run."""
    X, _, y, _ = iris
    params = dict(hidden_layer_sizes=(6,), solver="adam", random_state=0)
    straight = BackpropClassifier(**params)
    resumed = BackpropClassifier(**params)
    straight.partial_fit(X, y, classes=[0, 1, 2])
    resumed.partial_fit(X, y, classes=[0, 1, 2])
    resumed = pickle.loads(pickle.dumps(resumed))
    for _ in range(3):
        straight.partial_fit(X, y)
        resumed.partial_fit(X, y)
    for a, b in zip(
        straight.coefs_ + straight.intercepts_,
        resumed.coefs_ + resumed.intercepts_,
        strict=True,
    ):
        assert_array_equal(a, b)
    assert straight.loss_curve_ == resumed.loss_curve_


# ---------------------------------------------------------------------------
# Pipelines, model selection


def test_pipeline(iris):
    X_train, X_test, y_train, y_test = iris
    pipe = Pipeline([("scale", StandardScaler()), ("net", _small_clf())])
    pipe.fit(X_train, y_train)
    assert pipe.score(X_test, y_test) >= 0.9
    assert pipe.predict_proba(X_test).shape == (len(X_test), 3)
    assert_array_equal(pipe.classes_, [0, 1, 2])


def test_grid_search(iris):
    X_train, X_test, y_train, y_test = iris
    pipe = make_pipeline(
        StandardScaler(), BackpropClassifier(max_iter=200, random_state=0)
    )
    grid = GridSearchCV(
        pipe,
        {
            "backpropclassifier__hidden_layer_sizes": [(3,), (10,)],
            "backpropclassifier__alpha": [1e-4, 1.0],
            "backpropclassifier__solver": ["lbfgs", "adam"],
        },
        cv=3,
    )
    grid.fit(X_train, y_train)
    assert len(grid.cv_results_["params"]) == 8
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    best = grid.best_estimator_[-1]
    assert best.get_params()["hidden_layer_sizes"] in [(3,), (10,)]
    assert grid.best_score_ >= 0.9
    assert grid.score(X_test, y_test) >= 0.9


def test_grid_search_regressor(regression):
    X, y = regression
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), _small_reg()),
        {
            "backpropregressor__hidden_layer_sizes": [(2,), (10,)],
            "backpropregressor__alpha": [1e-4, 10.0],
        },
        cv=3,
    ).fit(X, y)
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    assert grid.best_score_ > 0.9


def test_cross_val_score(iris):
    X, _, y, _ = iris
    scores = cross_val_score(make_pipeline(StandardScaler(), _small_clf()), X, y, cv=3)
    assert scores.shape == (3,)
    assert scores.mean() >= 0.9
    r2 = cross_val_score(
        make_pipeline(StandardScaler(), _small_reg()),
        X,
        X[:, 0] * X[:, 1],
        cv=3,
        scoring="r2",
    )
    assert r2.mean() > 0.9


def test_sample_weight_metadata_routing(iris):
    X, _, y, _ = iris
    sw = np.linspace(0.2, 3.0, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            _small_clf()
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=True),
        )
        pipe.fit(X, y, sample_weight=sw)
        # an explicit scorer that requests the weights routes them the same way
        # in every supported scikit-learn release
        scorer = get_scorer("accuracy").set_score_request(sample_weight=True)
        routed = cross_validate(
            clone(pipe), X, y, params={"sample_weight": sw}, cv=3, scoring=scorer
        )
    direct = _small_clf().fit(StandardScaler().fit_transform(X), y, sample_weight=sw)
    assert_allclose(pipe[-1].coefs_[0], direct.coefs_[0], rtol=1e-12)
    assert routed["test_score"].mean() >= 0.9


# ---------------------------------------------------------------------------
# pandas


@pytest.fixture
def iris_frame():
    data = load_iris(as_frame=True)
    X, y = data.data, data.target.map(dict(enumerate(data.target_names)))
    return X, y


def test_dataframe_through_pipeline(iris_frame):
    X, y = iris_frame
    pipe = make_pipeline(StandardScaler(), _small_clf()).fit(X, y)
    assert_array_equal(pipe.classes_, ["setosa", "versicolor", "virginica"])
    assert pipe.score(X, y) >= 0.95
    assert_array_equal(pipe.predict(X.iloc[:5]), ["setosa"] * 5)


def test_dataframe_feature_names(iris_frame):
    X, y = iris_frame
    clf = _small_clf().fit(X, y)
    assert_array_equal(clf.feature_names_in_, X.columns)
    assert clf.n_features_in_ == 4
    with pytest.warns(UserWarning, match="feature names"):
        from_array = clf.predict_proba(X.to_numpy())
    assert_allclose(clf.predict_proba(X), from_array, rtol=1e-15)
    # scikit-learn's rule: predicting with renamed columns is an error
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(X.rename(columns=lambda c: c.upper()))


def test_pandas_output_pipeline_and_column_transformer():
    frame = pd.DataFrame(
        {
            "size": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0] * 5,
            "colour": ["red", "blue", "green"] * 10,
            "weight": np.linspace(0, 1, 30),
        }
    )
    target = pd.DataFrame({"a": frame["size"] * 2, "b": frame["weight"] - 1})
    pre = ColumnTransformer(
        [
            ("num", StandardScaler(), ["size", "weight"]),
            ("cat", OneHotEncoder(sparse_output=False), ["colour"]),
        ]
    )
    pipe = make_pipeline(pre, _small_reg()).set_output(transform="pandas")
    pipe.fit(frame, target)
    assert pipe.predict(frame).shape == (30, 2)
    assert list(pipe[-1].feature_names_in_) == [
        "num__size",
        "num__weight",
        "cat__colour_blue",
        "cat__colour_green",
        "cat__colour_red",
    ]
    assert pipe.score(frame, target) > 0.9


# ---------------------------------------------------------------------------
# Meta-estimators


def test_calibrated_classifier(iris):
    X_train, X_test, y_train, y_test = iris
    cal = CalibratedClassifierCV(make_pipeline(StandardScaler(), _small_clf()), cv=3)
    cal.fit(X_train, y_train)
    proba = cal.predict_proba(X_test)
    assert proba.shape == (len(X_test), 3)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert cal.score(X_test, y_test) >= 0.9


def test_soft_voting(iris):
    X_train, X_test, y_train, y_test = iris
    vote = VotingClassifier(
        [
            ("net", make_pipeline(StandardScaler(), _small_clf())),
            ("logreg", LogisticRegression(max_iter=500)),
        ],
        voting="soft",
    ).fit(X_train, y_train)
    proba = vote.predict_proba(X_test)
    net_proba = vote.named_estimators_["net"].predict_proba(X_test)
    lr_proba = vote.named_estimators_["logreg"].predict_proba(X_test)
    assert_allclose(proba, (net_proba + lr_proba) / 2, rtol=1e-12)
    assert vote.score(X_test, y_test) >= 0.9


@pytest.mark.parametrize("Meta", [MultiOutputRegressor, RegressorChain])
def test_multioutput_meta_estimators(Meta, regression):
    X, y = regression
    meta = Meta(make_pipeline(StandardScaler(), _small_reg())).fit(X, y)
    assert meta.predict(X).shape == y.shape
    assert meta.score(X, y) > 0.9
    assert len(meta.estimators_) == 2
