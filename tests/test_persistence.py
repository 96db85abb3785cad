"""Fitted models reproduced, saved and restored bit for bit.

Two promises:

- same data and same ``random_state`` give bit-identical weights and
  predictions across repeated fits, across ``clone`` and in a fresh Python
  process;
- pickle, ``copy.deepcopy``, joblib and skops round trips predict
  identically, and training (``partial_fit``, warm-start ``fit``) continues
  from a loaded copy exactly as it continues from the original.

"Identical" means equal bytes: hashes of ``tobytes()`` or every attribute of
the fitted state compared exactly, never a tolerance.
"""

import copy
import hashlib
import json
import os
import pickle
import subprocess
import sys
import textwrap
import warnings
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from _helpers import assert_identical, model_state
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

import skbackprop
from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _sha256(*arrays) -> str:
    digest = hashlib.sha256()
    for a in arrays:
        digest.update(np.ascontiguousarray(a).tobytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Reproducibility: same data, same seed, same bits
#
# The helpers below also run in a fresh interpreter, which imports this file
# by path (see ``fresh_process_digests``), so both sides run the same code.

REPRO_CASES = [
    (kind, solver, dtype)
    for kind in ("classifier", "regressor")
    for solver in ("sgd", "adam", "lbfgs")
    for dtype in ("float32", "float64")
]


def _repro_data(kind, dtype):
    rng = np.random.default_rng(42)
    X = rng.standard_normal((150, 5)).astype(dtype)
    score = X.astype(np.float64) @ [1.0, -2.0, 0.5, 0.0, 1.5]
    if kind == "classifier":
        return X, np.digitize(score, [-1.0, 1.0])  # three classes
    return X, np.column_stack([score, np.tanh(score)])


def _repro_estimator(kind, solver, random_state=0):
    Estimator = BackpropClassifier if kind == "classifier" else BackpropRegressor
    return Estimator(
        hidden_layer_sizes=(7,),
        solver=solver,
        learning_rate_init=0.01,
        batch_size=32,
        max_iter=25,
        random_state=random_state,
    )


def _digests(est, X) -> dict:
    """SHA-256 of everything a fit produces that a user can read."""
    outputs = [est.predict(X)]
    if hasattr(est, "predict_proba"):
        outputs.append(est.predict_proba(X))
    return {
        "theta": _sha256(est._theta),
        "theta_dtype": str(est._theta.dtype),
        "layers": _sha256(*est.coefs_, *est.intercepts_),
        "predictions": [_sha256(out) for out in outputs],
        "loss_curve": _sha256(np.array(est.loss_curve_)),
        "n_iter": est.n_iter_,
    }


def _fit_digests(kind, solver, dtype, random_state=0) -> dict:
    X, y = _repro_data(kind, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = _repro_estimator(kind, solver, random_state).fit(X, y)
    return _digests(est, X)


_FRESH_PROCESS_SCRIPT = textwrap.dedent(
    """
    import importlib.util, json, sys
    import skbackprop
    spec = importlib.util.spec_from_file_location("repro_helpers", sys.argv[1])
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    digests = {
        "|".join(case): helpers._fit_digests(*case) for case in helpers.REPRO_CASES
    }
    print(json.dumps({"skbackprop": skbackprop.__file__, "digests": digests}))
    """
)


@pytest.fixture(scope="module")
def fresh_process_digests():
    """Digests of every REPRO_CASES fit, computed in a new interpreter."""
    package_root = str(Path(skbackprop.__file__).resolve().parents[1])
    tests_dir = str(Path(__file__).resolve().parent)  # this module imports _helpers
    paths = [package_root, tests_dir, *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS_SCRIPT, str(Path(__file__).resolve())],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # the child imported the very package under test
    assert Path(result["skbackprop"]).resolve() == Path(skbackprop.__file__).resolve()
    return result["digests"]


@pytest.mark.parametrize(("kind", "solver", "dtype"), REPRO_CASES)
def test_repeated_fits_are_bit_identical(kind, solver, dtype):
    X, y = _repro_data(kind, dtype)
    est = _repro_estimator(kind, solver)
    first = _digests(est.fit(X, y), X)
    assert first["theta_dtype"] == dtype
    theta = est._theta.copy()
    assert _digests(est.fit(X, y), X) == first  # refit of the same instance
    assert np.array_equal(est._theta, theta)
    assert _digests(_repro_estimator(kind, solver).fit(X, y), X) == first
    assert _digests(clone(est).fit(X, y), X) == first
    # the digests do see the weights: another seed gives other bits
    assert _fit_digests(kind, solver, dtype, random_state=1)["theta"] != first["theta"]


@pytest.mark.parametrize(("kind", "solver", "dtype"), REPRO_CASES)
def test_fresh_process_gives_the_same_bits(fresh_process_digests, kind, solver, dtype):
    here = _fit_digests(kind, solver, dtype)
    assert fresh_process_digests[f"{kind}|{solver}|{dtype}"] == here


# ---------------------------------------------------------------------------
# Round trips


def _pickle_round_trip(est, tmp_path, *, protocol):
    return pickle.loads(pickle.dumps(est, protocol=protocol))


def _deepcopy_round_trip(est, tmp_path):
    return copy.deepcopy(est)


def _joblib_round_trip(est, tmp_path, *, compress=0, mmap_mode=None):
    path = tmp_path / "model.joblib"
    joblib.dump(est, path, compress=compress)
    return joblib.load(path, mmap_mode=mmap_mode)


def _skops_round_trip(est, tmp_path):
    path = tmp_path / "model.skops"
    sio.dump(est, path)
    return sio.load(path, trusted=sio.get_untrusted_types(file=path))


ROUND_TRIPS = {
    **{
        f"pickle-{protocol}": partial(_pickle_round_trip, protocol=protocol)
        for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1)
    },
    "deepcopy": _deepcopy_round_trip,
    "joblib": _joblib_round_trip,
    "joblib-compressed": partial(_joblib_round_trip, compress=3),
    "joblib-mmap": partial(_joblib_round_trip, mmap_mode="r"),
    "skops": _skops_round_trip,
}


@dataclass
class Case:
    """A fitted model, the data it was fitted on and later batches."""

    estimator: object
    X: object
    y: object
    batches: list  # keyword arguments of partial_fit calls; [] for lbfgs


def _rows(data, rows):
    return data.iloc[rows] if hasattr(data, "iloc") else data[rows]


def _batches(X, y, n=3):
    parts = np.array_split(np.arange(len(y)), n)
    return [{"X": _rows(X, rows), "y": _rows(y, rows)} for rows in parts]


def _clf(**params):
    return BackpropClassifier(
        **{"hidden_layer_sizes": (6,), "max_iter": 5, "random_state": 0, **params}
    )


def _reg(**params):
    return BackpropRegressor(
        **{"hidden_layer_sizes": (6,), "max_iter": 5, "random_state": 0, **params}
    )


def _fitted(est, X, y):
    return Case(est.fit(X, y), X, y, _batches(X, y))


def _binary_adam(request):
    return _fitted(_clf(solver="adam"), *request.getfixturevalue("binary_data"))


def _multiclass_strings_sgd(request):
    X, y = request.getfixturevalue("multiclass_data")
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    return _fitted(_clf(solver="sgd", learning_rate_init=0.05), X, labels)


def _multilabel_adam(request):
    return _fitted(_clf(solver="adam"), *request.getfixturevalue("multilabel_data"))


def _multioutput_sgd(request):
    X, Y = request.getfixturevalue("multioutput_regression_data")
    est = _reg(solver="sgd", learning_rate="invscaling", learning_rate_init=0.05)
    return _fitted(est, X, Y)


def _poisson_adam(request):
    X, y = request.getfixturevalue("count_data")
    return _fitted(_reg(loss="poisson", solver="adam", learning_rate_init=0.01), X, y)


def _float32_classifier_adam(request):
    X, y = request.getfixturevalue("binary_data")
    return _fitted(_clf(solver="adam"), X.astype(np.float32), y)


def _float32_regressor_sgd(request):
    X, y = request.getfixturevalue("regression_data")
    est = _reg(solver="sgd", learning_rate_init=0.01)
    return _fitted(est, X.astype(np.float32), y.astype(np.float32))


def _early_stopping_adam(request):
    X, y = request.getfixturevalue("imbalanced_data")
    est = _clf(solver="adam", early_stopping=True, max_iter=8, learning_rate_init=0.01)
    return _fitted(est, X, y)


def _balanced_sgd(request):
    X, y = request.getfixturevalue("imbalanced_data")
    est = _clf(solver="sgd", class_weight="balanced", learning_rate_init=0.05)
    return _fitted(est, X, y)


def _dataframe_adam(request):
    X, y = request.getfixturevalue("binary_data")
    frame = pd.DataFrame(X, columns=[f"feature_{i}" for i in range(X.shape[1])])
    return _fitted(_clf(solver="adam"), frame, pd.Series(y, name="target"))


def _partial_fit_only_sgd(request):
    """A model that never saw ``fit``: its state comes from partial_fit alone."""
    X, y = request.getfixturevalue("binary_data")
    est = _clf(solver="sgd", momentum=0.5, nesterovs_momentum=False)
    est.partial_fit(X[:60], y[:60], classes=[0, 1]).partial_fit(X[60:], y[60:])
    return Case(est, X, y, _batches(X, y))


def _lbfgs_regressor(request):
    X, y = request.getfixturevalue("regression_data")
    return Case(_reg(solver="lbfgs", max_iter=20).fit(X, y), X, y, [])


CASES = {
    "binary-adam": _binary_adam,
    "multiclass-strings-sgd": _multiclass_strings_sgd,
    "multilabel-adam": _multilabel_adam,
    "multioutput-sgd": _multioutput_sgd,
    "poisson-adam": _poisson_adam,
    "float32-classifier-adam": _float32_classifier_adam,
    "float32-regressor-sgd": _float32_regressor_sgd,
    "early-stopping-adam": _early_stopping_adam,
    "balanced-sgd": _balanced_sgd,
    "dataframe-adam": _dataframe_adam,
    "partial-fit-only-sgd": _partial_fit_only_sgd,
    "lbfgs-regressor": _lbfgs_regressor,
}


@pytest.fixture(params=list(CASES))
def case(request):
    return CASES[request.param](request)


def _assert_same_fitted_state(loaded, original):
    assert_identical(model_state(loaded), model_state(original))


def _outputs(est, X, y) -> dict:
    methods = ["predict", "predict_proba", "predict_log_proba"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. lost feature names would warn
        out = {m: getattr(est, m)(X) for m in methods if hasattr(est, m)}
        out["score"] = est.score(X, y)
    return out


def _assert_same_outputs(loaded, original, case):
    assert_identical(
        _outputs(loaded, case.X, case.y), _outputs(original, case.X, case.y), "outputs"
    )


def _assert_own_views(loaded, original):
    """coefs_ / intercepts_ are views of the loaded model's own parameters."""
    theta = loaded._theta
    for view in [*loaded.coefs_, *loaded.intercepts_]:
        assert np.shares_memory(view, theta)
    assert not np.shares_memory(theta, original._theta)
    for key, value in (loaded._opt_state or {}).items():
        if isinstance(value, np.ndarray):
            assert not np.shares_memory(value, original._opt_state[key]), key


@pytest.mark.parametrize("round_trip", list(ROUND_TRIPS))
def test_round_trip_predicts_and_resumes_identically(case, round_trip, tmp_path):
    original = case.estimator
    loaded = ROUND_TRIPS[round_trip](original, tmp_path)
    assert type(loaded) is type(original)
    assert loaded.get_params() == original.get_params()
    _assert_same_fitted_state(loaded, original)
    _assert_same_outputs(loaded, original, case)
    _assert_own_views(loaded, original)
    if not case.batches:
        assert not hasattr(loaded, "partial_fit")  # lbfgs
        return
    before = original._theta.copy()
    for batch in case.batches:
        original.partial_fit(**batch)
        loaded.partial_fit(**batch)
        _assert_same_fitted_state(loaded, original)
    assert not np.array_equal(original._theta, before)  # training did move
    assert len(loaded.loss_curve_) == len(original.loss_curve_)
    _assert_same_outputs(loaded, original, case)
    _assert_own_views(loaded, original)


@pytest.mark.parametrize("round_trip", ["pickle-5", "joblib-mmap", "skops"])
def test_warm_start_fit_after_loading_continues_identically(case, round_trip, tmp_path):
    original = case.estimator
    loaded = ROUND_TRIPS[round_trip](original, tmp_path)
    before = original._theta.copy()
    for est in (original, loaded):
        est.set_params(warm_start=True, max_iter=3).fit(case.X, case.y)
    assert not np.array_equal(original._theta, before)
    _assert_same_fitted_state(loaded, original)
    _assert_same_outputs(loaded, original, case)


def test_skops_lists_only_our_estimator_as_untrusted(case, tmp_path):
    path = tmp_path / "model.skops"
    sio.dump(case.estimator, path)
    Estimator = type(case.estimator)
    assert sio.get_untrusted_types(file=path) == [
        f"{Estimator.__module__}.{Estimator.__name__}"
    ]


@pytest.mark.parametrize("round_trip", list(ROUND_TRIPS))
def test_balanced_class_totals_keep_running_after_loading(
    imbalanced_data, round_trip, tmp_path
):
    X, y = imbalanced_data
    original = _clf(solver="sgd", class_weight="balanced").fit(X[:200], y[:200])
    loaded = ROUND_TRIPS[round_trip](original, tmp_path)
    totals = np.bincount(y[:200], minlength=2).astype(float)
    assert np.array_equal(loaded._class_totals, totals)
    for rows in (slice(200, 250), slice(250, 300)):
        original.partial_fit(X[rows], y[rows])
        loaded.partial_fit(X[rows], y[rows])
        totals += np.bincount(y[rows], minlength=2)
        assert np.array_equal(loaded._class_totals, totals)
    _assert_same_fitted_state(loaded, original)


@pytest.mark.parametrize("round_trip", list(ROUND_TRIPS))
def test_feature_names_survive_round_trip(round_trip, tmp_path, binary_data):
    X, y = binary_data
    frame = pd.DataFrame(X, columns=[f"col_{i}" for i in range(X.shape[1])])
    original = _clf(solver="lbfgs", max_iter=20).fit(frame, y)
    loaded = ROUND_TRIPS[round_trip](original, tmp_path)
    assert list(loaded.feature_names_in_) == list(frame.columns)
    with pytest.raises(ValueError, match="feature names"):
        loaded.predict(frame.rename(columns=str.upper))
    with pytest.warns(UserWarning, match="feature names"):
        from_array = loaded.predict_proba(X)
    assert np.array_equal(from_array, original.predict_proba(frame))
