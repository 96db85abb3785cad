"""ONNX export (skbackprop.onnx): onnxruntime against predict / predict_proba.

Every output configuration x float32 / float64 x skl2onnx's zipmap and nocl
options. Labels must match exactly; probabilities and predictions to 1e-5
(rtol and atol) in float32 and 1e-10 in float64.
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import (
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skbackprop
from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._activations import HIDDEN

skl2onnx = pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")
skbackprop_onnx = importlib.import_module("skbackprop.onnx")  # registers

# tiny models, a few L-BFGS iterations: the weights need not converge
pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)

TOL = {np.float32: 1e-5, np.float64: 1e-10}
DTYPES = [np.float32, np.float64]
ZIPMAP = [True, False, "columns"]
LABELS = {
    "int": np.array([-1, 4, 10]),
    "str": np.array(["ant", "bee", "cat"]),
}
# where the skbackprop under test lives, for the fresh interpreters
PACKAGE_ROOT = Path(skbackprop.__file__).resolve().parents[1]


# ----------------------------------------------------------------------
# Data, models and running them
def _classification(kind, seed=0):
    if kind == "multilabel":
        X, y = make_multilabel_classification(
            n_samples=60, n_features=4, n_classes=3, random_state=seed
        )
    else:
        X, y = make_classification(
            n_samples=90,
            n_features=4,
            n_informative=3,
            n_redundant=0,
            n_classes=2 if kind == "binary" else 3,
            random_state=seed,
        )
    return StandardScaler().fit_transform(X), y


def _test_rows(X, dtype):
    """The training rows and some far outside them (saturated units)."""
    return np.vstack([X, 4 * X[:10]]).astype(dtype)


@pytest.fixture(scope="module")
def fitted_classifier():
    """``get(kind, loss, labels, dtype) -> (clf, X_test)``, fitted once each."""
    cache = {}

    def get(kind, loss, labels, dtype):
        key = (kind, loss, labels, dtype)
        if key not in cache:
            X, y = _classification(kind)
            if kind != "multilabel":
                y = LABELS[labels][y]
            clf = BackpropClassifier(
                (5,), loss=loss, solver="lbfgs", max_iter=15, random_state=0
            ).fit(X.astype(dtype), y)
            cache[key] = clf, _test_rows(X, dtype)
        return cache[key]

    return get


def _run(onx, X):
    """Outputs of the ONNX model on X, by output name."""
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(None, {"X": X}), strict=True))


def _convert(est, X, **options):
    return skl2onnx.to_onnx(est, X[:1], options=options or None)


def _onnx_classifier_outputs(outputs, zipmap, keys):
    """(labels, probability matrix) from the outputs of each zipmap option."""
    if zipmap is False:
        return outputs["label"], outputs["probabilities"]
    values = list(outputs.values())
    if zipmap == "columns":
        return values[0], np.column_stack(values[1:])
    maps = values[1]
    assert all(list(row) == list(keys) for row in maps)
    return values[0], np.array([[row[k] for k in keys] for row in maps])


def _check_classifier(clf, X, zipmap, nocl, dtype):
    onx = _convert(clf, X, zipmap=zipmap, nocl=nocl)
    outputs = _run(onx, X)
    multilabel = clf._label_type == "multilabel-indicator"
    keys = np.arange(len(clf.classes_)) if nocl else clf.classes_
    labels, proba = _onnx_classifier_outputs(outputs, zipmap, keys.tolist())

    expected = clf.predict(X)
    if nocl and not multilabel:
        expected = np.searchsorted(clf.classes_, expected)
    assert labels.dtype == (object if keys.dtype.kind in "OSU" else np.int64)
    assert_array_equal(labels, expected)

    tol = TOL[dtype]
    if zipmap is not True:
        assert proba.dtype == dtype
    elif dtype is np.float64:  # ONNX's ZipMap holds floats: the doubles rounded
        tol = 1e-7
    assert_allclose(proba, clf.predict_proba(X), rtol=tol, atol=tol)


# ----------------------------------------------------------------------
# Classifiers
@pytest.mark.parametrize("nocl", [False, True])
@pytest.mark.parametrize("zipmap", ZIPMAP)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("labels", list(LABELS))
@pytest.mark.parametrize(
    "kind, loss",
    [
        ("binary", "log_loss"),
        ("binary", "squared_error"),
        ("multiclass", "log_loss"),
        ("multiclass", "squared_error"),
    ],
)
def test_classifier(fitted_classifier, kind, loss, labels, dtype, zipmap, nocl):
    clf, X = fitted_classifier(kind, loss, labels, dtype)
    assert clf.n_outputs_ == (1 if kind == "binary" else 3)
    assert clf.out_activation_ == (
        "softmax" if (kind, loss) == ("multiclass", "log_loss") else "logistic"
    )
    _check_classifier(clf, X, zipmap, nocl, dtype)


@pytest.mark.parametrize("nocl", [False, True])
@pytest.mark.parametrize("zipmap", ZIPMAP)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_multilabel_classifier(fitted_classifier, loss, dtype, zipmap, nocl):
    clf, X = fitted_classifier("multilabel", loss, None, dtype)
    _check_classifier(clf, X, zipmap, nocl, dtype)
    labels = _run(_convert(clf, X, zipmap=False), X)["label"]
    assert labels.shape == (len(X), 3)
    assert set(np.unique(labels)) <= {0, 1}


def test_every_hidden_activation_has_an_onnx_operator():
    assert set(skbackprop_onnx._HIDDEN_OPS) == HIDDEN


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", sorted(HIDDEN))
def test_hidden_activations(activation, dtype):
    X, y = _classification("multiclass", seed=1)
    clf = BackpropClassifier(
        (4, 3), activation=activation, solver="lbfgs", max_iter=15, random_state=0
    ).fit(X.astype(dtype), y)
    _check_classifier(clf, _test_rows(X, dtype), False, False, dtype)


@pytest.mark.parametrize(
    "classes",
    [
        np.array([False, True]),
        np.array([0.0, 1.0, 2.0]),
        np.array([5, 9], dtype=np.uint8),
        np.array(["no", "yes"], dtype=object),
    ],
    ids=["bool", "integral-float", "uint8", "object-str"],
)
def test_other_label_types(classes):
    X, y = _classification("binary" if len(classes) == 2 else "multiclass")
    clf = BackpropClassifier((5,), solver="lbfgs", max_iter=15, random_state=0)
    clf.fit(X, classes[y])
    for zipmap in ZIPMAP:
        _check_classifier(clf, X, zipmap, False, np.float64)


def test_output_class_labels():
    X, y = _classification("multiclass")
    clf = BackpropClassifier((5,), solver="lbfgs", max_iter=15, random_state=0)
    clf.fit(X, LABELS["str"][y])
    outputs = _run(_convert(clf, X, zipmap=False, output_class_labels=True), X)
    assert list(outputs) == ["label", "probabilities", "class_labels"]
    assert_array_equal(outputs["class_labels"], clf.classes_)
    assert_array_equal(outputs["label"], clf.predict(X))


def test_zipmap_column_names():
    X, y = _classification("multiclass")
    clf = BackpropClassifier((5,), solver="lbfgs", max_iter=15, random_state=0)
    for labels, names in [
        ("int", ["i-1", "i4", "i10"]),
        ("str", ["sant", "sbee", "scat"]),
    ]:
        clf.fit(X, LABELS[labels][y])
        outputs = _run(_convert(clf, X, zipmap="columns"), X)
        assert list(outputs)[1 : 1 + len(names)] == names
    outputs = _run(_convert(clf, X, zipmap="columns", nocl=True), X)
    assert list(outputs) == ["output_label", "i0", "i1", "i2"]


# ----------------------------------------------------------------------
# Numerics at the extremes: relative accuracy where the units saturate
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_tails_are_exact(dtype):
    """Both columns keep their relative accuracy far out in the tails."""
    X, y = _classification("binary")
    X = X.astype(dtype)
    clf = BackpropClassifier((5,), solver="lbfgs", max_iter=15, random_state=0)
    clf.fit(X, y)
    clf.coefs_[-1][...] = 0.0  # logit = bias for every row
    far = 700.0 if dtype is np.float64 else 80.0  # probabilities ~1e-304 / ~1e-35
    for bias in (-far, -30.0, 30.0, far):
        clf.intercepts_[-1][...] = bias
        outputs = _run(_convert(clf, X, zipmap=False), X)
        expected = clf.predict_proba(X)
        assert expected.min() > 0
        assert_allclose(outputs["probabilities"], expected, rtol=TOL[dtype], atol=0)
        assert_array_equal(outputs["label"], clf.predict(X))


@pytest.mark.parametrize("dtype", DTYPES)
def test_squared_error_normalisation_in_the_tails(dtype):
    """Tiny units are normalised exactly; rows of units that are all 0: uniform."""
    X, y = _classification("multiclass")
    X = X.astype(dtype)
    clf = BackpropClassifier(
        (5,), loss="squared_error", solver="lbfgs", max_iter=15, random_state=0
    ).fit(X, y)
    clf.coefs_[-1][...] = 0.0  # logits = biases for every row
    tiny = -700.0 if dtype is np.float64 else -80.0  # units ~1e-304 / ~1e-35
    for bias in ([tiny, tiny - 1, tiny - 2], [-30.0, -31.0, -40.0], [-800.0] * 3):
        clf.intercepts_[-1][...] = bias
        outputs = _run(_convert(clf, X, zipmap=False), X)
        expected = clf.predict_proba(X)
        assert_allclose(outputs["probabilities"], expected, rtol=TOL[dtype], atol=0)
        assert_array_equal(outputs["label"], clf.predict(X))
    assert_array_equal(expected, 1 / np.array(3, dtype=dtype))  # all units 0


# ----------------------------------------------------------------------
# Regressors
def _regression(out, n_outputs):
    X, Y = make_regression(
        n_samples=60,
        n_features=4,
        n_targets=n_outputs,
        noise=1.0,
        random_state=0,
    )
    X = StandardScaler().fit_transform(X)
    Y = (Y - Y.mean(0)) / Y.std(0)
    if out == "logistic":
        Y = 1 / (1 + np.exp(-Y))
    elif out == "exp":
        Y = np.round(np.exp(Y))
    return X, Y


REGRESSORS = {
    "identity": {"loss": "squared_error"},
    "logistic": {"loss": "log_loss", "output_activation": "logistic"},
    "logistic-sq": {"loss": "squared_error", "output_activation": "logistic"},
    "exp": {"loss": "poisson"},
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("out", list(REGRESSORS))
def test_regressor(out, n_outputs, dtype):
    X, Y = _regression(out.split("-")[0], n_outputs)
    reg = BackpropRegressor(
        hidden_layer_sizes=(5,),
        solver="lbfgs",
        max_iter=15,
        random_state=0,
        **REGRESSORS[out],
    ).fit(X.astype(dtype), Y)
    assert reg.out_activation_ == out.split("-")[0]
    X = _test_rows(X, dtype)
    (prediction,) = _run(_convert(reg, X), X).values()
    assert prediction.dtype == dtype
    assert prediction.shape == (len(X), n_outputs)
    expected = reg.predict(X).reshape(len(X), -1)
    assert_allclose(prediction, expected, rtol=TOL[dtype], atol=TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", sorted(HIDDEN))
def test_regressor_hidden_activations(activation, dtype):
    X, Y = _regression("identity", 2)
    reg = BackpropRegressor(
        hidden_layer_sizes=(4, 3),
        activation=activation,
        solver="lbfgs",
        max_iter=15,
        random_state=0,
    ).fit(X.astype(dtype), Y)
    X = _test_rows(X, dtype)
    (prediction,) = _run(_convert(reg, X), X).values()
    assert_allclose(prediction, reg.predict(X), rtol=TOL[dtype], atol=TOL[dtype])


# ----------------------------------------------------------------------
# Integration: pipelines, older opsets, re-registration
def test_pipeline_and_old_opset():
    X, y = _classification("multiclass")
    X = 10 * X + 3
    pipe = make_pipeline(
        StandardScaler(),
        BackpropClassifier(
            (5,), loss="squared_error", solver="lbfgs", max_iter=15, random_state=0
        ),
    ).fit(X, y)
    for opset in (None, 11):  # ReduceSum takes its axes as an attribute in 11
        onx = skl2onnx.to_onnx(
            pipe, X[:1], target_opset=opset, options={"zipmap": False}
        )
        outputs = _run(onx, X)
        assert_array_equal(outputs["label"], pipe.predict(X))
        assert_allclose(
            outputs["probabilities"], pipe.predict_proba(X), rtol=1e-10, atol=1e-10
        )


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_unfitted_estimators_are_not_converted(Estimator):
    X = np.zeros((1, 4), dtype=np.float32)
    for model in (Estimator(), make_pipeline(StandardScaler(), Estimator())):
        with pytest.raises(NotFittedError, match="not fitted yet"):
            skl2onnx.to_onnx(model, X)


def test_register_is_idempotent():
    X, y = _classification("binary")
    clf = BackpropClassifier((5,), solver="lbfgs", max_iter=15, random_state=0)
    clf.fit(X, y)
    skbackprop_onnx.register()
    skbackprop_onnx.register()
    importlib.reload(skbackprop_onnx)
    _check_classifier(clf, X, False, False, np.float64)


# ----------------------------------------------------------------------
# Optional dependency
def _python(code):
    env = {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=PACKAGE_ROOT,
        check=False,
        timeout=120,
    )


def test_import_skbackprop_does_not_import_skl2onnx():
    result = _python(
        "import sys, skbackprop\n"
        "assert 'skl2onnx' not in sys.modules\n"
        "assert 'onnxruntime' not in sys.modules\n"
    )
    assert result.returncode == 0, result.stderr


def test_missing_skl2onnx_names_the_extra():
    result = _python(
        "import sys\n"
        "sys.modules['skl2onnx'] = None  # as if not installed\n"
        "import skbackprop\n"
        "try:\n"
        "    import skbackprop.onnx\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
        "else:\n"
        "    raise SystemExit('no ImportError')\n"
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'skbackprop[onnx]'" in result.stdout
