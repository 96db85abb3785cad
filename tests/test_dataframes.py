"""DataFrames in, metadata through: pandas, polars, and metadata routing."""

import warnings

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.metrics import get_scorer
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.fixes import parse_version

import skbackprop
from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] - X[:, 2] > 0).astype(int)
    return X, y


def _small(Estimator, **params):
    return Estimator(
        hidden_layer_sizes=(4,), solver="lbfgs", max_iter=60, random_state=0, **params
    )


@pytest.mark.parametrize("library", ["pandas", "polars"])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_dataframes_give_feature_names(library, Estimator, data):
    lib = pytest.importorskip(library)
    X, y = data
    frame = lib.DataFrame({name: X[:, i] for i, name in enumerate("abc")})
    est = _small(Estimator).fit(frame, y)
    assert list(est.feature_names_in_) == ["a", "b", "c"]
    assert est.n_features_in_ == 3
    same = _small(Estimator).fit(X, y)
    assert_allclose(est.predict(frame), same.predict(X))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # same names: no warning
        est.predict(frame)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        est.predict(X)
    with pytest.warns(UserWarning, match="fitted without feature names"):
        same.predict(frame)
    if library == "polars":
        renamed = frame.rename({"a": "z"})
    else:
        renamed = frame.rename(columns={"a": "z"})
    with pytest.raises(ValueError, match="feature names"):
        est.predict(renamed)


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def _weighted_pipeline(score_request=True):
    clf = _small(BackpropClassifier).set_fit_request(sample_weight=True)
    if score_request:
        clf = clf.set_score_request(sample_weight=True)
    return make_pipeline(StandardScaler().set_fit_request(sample_weight=False), clf)


def test_sample_weight_through_pipeline(routing, data):
    X, y = data
    sw = np.linspace(0.1, 2.0, len(y))
    pipe = _weighted_pipeline().fit(X, y, sample_weight=sw)
    direct = _small(BackpropClassifier).fit(
        StandardScaler().fit_transform(X), y, sample_weight=sw
    )
    assert_allclose(pipe[-1].coefs_[0], direct.coefs_[0], rtol=1e-12)
    unweighted = _small(BackpropClassifier).fit(StandardScaler().fit_transform(X), y)
    assert not np.allclose(pipe[-1].coefs_[0], unweighted.coefs_[0])
    # the score is weighted too
    proba_free = pipe.score(X, y, sample_weight=sw)
    assert proba_free == pytest.approx(
        get_scorer("accuracy")._score_func(y, pipe.predict(X), sample_weight=sw)
    )


def test_sample_weight_through_grid_search(routing, data):
    X, y = data
    sw = np.linspace(0.1, 2.0, len(y))
    scorer = get_scorer("accuracy").set_score_request(sample_weight=True)
    search = GridSearchCV(
        _weighted_pipeline(),
        {"backpropclassifier__alpha": [1e-4, 1.0]},
        cv=3,
        scoring=scorer,
    ).fit(X, y, sample_weight=sw)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    # the refit best model was trained with the weights
    best = clone(search.best_estimator_).fit(X, y, sample_weight=sw)
    assert_allclose(search.best_estimator_[-1].coefs_[0], best[-1].coefs_[0])


def test_fit_request_without_score_request(routing, data):
    # With set_fit_request only, the estimator's own score cannot receive the
    # weights. Current scikit-learn records every CV score as NaN with a
    # "Scoring failed" warning; older releases (1.6) refuse up front. Either
    # way no weighted score comes out -- which is why the docs show both
    # requests.
    X, y = data
    sw = np.linspace(0.1, 2.0, len(y))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = cross_validate(
                _weighted_pipeline(score_request=False),
                X,
                y,
                params={"sample_weight": sw},
                cv=3,
            )
        except UnsetMetadataPassedError as exc:
            assert "sample_weight" in str(exc)
            result = None
    if result is not None:
        assert np.isnan(result["test_score"]).all()
        assert any("Scoring failed" in str(w.message) for w in caught)
    with_both = cross_validate(
        _weighted_pipeline(),
        X,
        y,
        params={"sample_weight": sw},
        cv=3,
        scoring=get_scorer("accuracy").set_score_request(sample_weight=True),
    )
    assert np.isfinite(with_both["test_score"]).all()


def test_own_score_with_both_requests(routing, data):
    # scoring=None: the pipeline's score, hence the estimator's, gets the
    # weights on scikit-learn 1.9; 1.6's Pipeline.score refuses them (the
    # docs say to pass a scorer to be portable).
    X, y = data
    sw = np.linspace(0.1, 2.0, len(y))
    try:
        result = cross_validate(
            _weighted_pipeline(),
            X,
            y,
            params={"sample_weight": sw},
            cv=3,
            return_estimator=True,
            return_indices=True,
        )
    except UnsetMetadataPassedError as exc:
        assert "Pipeline" in str(exc)
        assert parse_version(sklearn.__version__) < parse_version("1.9")
        return
    differs = []
    for pipe, test, score in zip(
        result["estimator"],
        result["indices"]["test"],
        result["test_score"],
        strict=True,
    ):
        weighted = get_scorer("accuracy")._score_func(
            y[test], pipe.predict(X[test]), sample_weight=sw[test]
        )
        assert score == pytest.approx(weighted)
        differs.append(weighted != pipe.score(X[test], y[test]))
    assert any(differs)  # the weights changed the score, so it saw them


def test_skops_trusted_types_constant(tmp_path, data):
    sio = pytest.importorskip("skops.io")
    X, y = data
    for est in (
        _small(BackpropClassifier).fit(X, y),
        _small(BackpropRegressor).fit(X, X[:, 0]),
    ):
        path = tmp_path / "model.skops"
        sio.dump(est, path)
        untrusted = sio.get_untrusted_types(file=path)
        assert set(untrusted) <= set(skbackprop.SKOPS_TRUSTED_TYPES)
        loaded = sio.load(path, trusted=skbackprop.SKOPS_TRUSTED_TYPES)
        np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
