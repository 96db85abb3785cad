"""Training and predicting in other array libraries, through array API dispatch.

The same fit on numpy input and on array-api-strict or PyTorch (CPU) input
follows the same trajectory: the initial weights and the minibatch order are
drawn on the host, and the mathematics is the same code (``_ops``). These
tests run array-api-strict always and PyTorch where it is installed (the
``torch`` marker; CI installs it in a separate step).
"""

import os
import pickle
import warnings

import numpy as np
import pytest
import sklearn
from _helpers import array_api_dispatch_available
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._namespace import to_host

xps = pytest.importorskip("array_api_strict")
pytest.importorskip("array_api_compat")
if not array_api_dispatch_available():
    pytest.skip(
        "scikit-learn's array API dispatch needs scipy >= 1.14",
        allow_module_level=True,
    )


def _torch():
    return pytest.importorskip("torch")


LIBRARIES = [
    pytest.param("strict", id="array_api_strict"),
    pytest.param("torch", id="torch-cpu", marks=pytest.mark.torch),
]


def _device_arrays(lib, *arrays):
    if lib == "strict":
        device = xps.Device("device1")
        return [None if a is None else xps.asarray(a, device=device) for a in arrays]
    torch = _torch()
    device = os.environ.get("SKBACKPROP_TORCH_DEVICE", "cpu")  # bench_gpu: cuda
    return [None if a is None else torch.asarray(a, device=device) for a in arrays]


def assert_same_weights(actual, desired, rtol=1e-10):
    """Weights equal to ``rtol`` relative to the size of the weights."""
    actual = to_host(actual)
    assert actual.dtype == desired.dtype
    assert_allclose(actual, desired, rtol=rtol, atol=rtol * np.abs(desired).max())


def _namespace_name(a):
    return type(a).__module__.split(".")[0]


@pytest.fixture
def dispatch():
    with sklearn.config_context(array_api_dispatch=True):
        yield


@pytest.fixture
def classification():
    X, y = make_classification(
        240, 10, n_informative=5, n_classes=3, random_state=0, class_sep=1.5
    )
    w = np.random.default_rng(0).uniform(0.2, 2.0, X.shape[0])
    return X, y, w


@pytest.fixture
def regression():
    X, y = make_regression(240, 8, n_targets=2, noise=1.0, random_state=0)
    return X, y / np.abs(y).max(), np.random.default_rng(1).uniform(0.2, 2.0, 240)


def _fit_both(Estimator, lib, X, y, w, dtype=np.float64, **params):
    params = dict(hidden_layer_sizes=(7, 5), max_iter=12, random_state=0) | params
    X = X.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = Estimator(**params).fit(X, y, sample_weight=w)
        Xd, yd, wd = _device_arrays(lib, X, y, w)
        with sklearn.config_context(array_api_dispatch=True):
            est = Estimator(**params).fit(Xd, yd, sample_weight=wd)
    return ref, est, Xd


CONFIGS = [
    dict(solver="sgd", learning_rate_init=0.05),
    dict(solver="adam", learning_rate_init=0.01),
    dict(solver="lbfgs"),
    dict(solver="adam", early_stopping=True, validation_fraction=0.25),
    dict(solver="sgd", activation="relu", momentum=0.5, nesterovs_momentum=False),
    dict(solver="adam", activation="tanh", alpha=0.01),
]


@pytest.mark.parametrize("lib", LIBRARIES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "params", CONFIGS, ids=lambda p: "-".join(map(str, p.values()))
)
def test_classifier_follows_the_numpy_trajectory(lib, params, weighted, classification):
    X, y, w = classification
    ref, est, Xd = _fit_both(
        BackpropClassifier, lib, X, y, w if weighted else None, **params
    )
    assert _namespace_name(est._theta) == _namespace_name(Xd)
    assert_same_weights(est._theta, ref._theta)
    assert_allclose(est.loss_curve_, ref.loss_curve_, rtol=1e-10)
    assert est.n_iter_ == ref.n_iter_
    if ref.validation_scores_ is not None:
        assert_allclose(est.validation_scores_, ref.validation_scores_, rtol=1e-10)
        assert est.best_iteration_ == ref.best_iteration_
    with sklearn.config_context(array_api_dispatch=True):
        proba = est.predict_proba(Xd)
        labels = est.predict(Xd)
        log_proba = est.predict_log_proba(Xd)
        score = est.score(Xd, _device_arrays(lib, y)[0])
    for out in (proba, labels, log_proba):
        assert _namespace_name(out) == _namespace_name(Xd)
    assert_allclose(to_host(proba), ref.predict_proba(X), rtol=1e-9, atol=1e-12)
    assert_allclose(to_host(log_proba), ref.predict_log_proba(X), rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(to_host(labels), ref.predict(X))
    assert score == pytest.approx(ref.score(X, y), abs=1e-12)


@pytest.mark.parametrize("lib", LIBRARIES)
@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd", learning_rate_init=0.02),
        dict(solver="adam", learning_rate_init=0.01),
        dict(solver="lbfgs"),
        dict(solver="adam", early_stopping=True),
        dict(solver="adam", output_activation="logistic"),
    ],
    ids=lambda p: "-".join(map(str, p.values())),
)
def test_regressor_follows_the_numpy_trajectory(lib, params, regression):
    X, y, w = regression
    if params.get("output_activation") == "logistic":
        y = (y - y.min()) / (y.max() - y.min())
    ref, est, Xd = _fit_both(BackpropRegressor, lib, X, y, w, **params)
    assert_same_weights(est._theta, ref._theta)
    assert_allclose(est.loss_curve_, ref.loss_curve_, rtol=1e-10)
    with sklearn.config_context(array_api_dispatch=True):
        predicted = est.predict(Xd)
        score = est.score(Xd, _device_arrays(lib, y)[0])
    assert _namespace_name(predicted) == _namespace_name(Xd)
    expected = ref.predict(X)
    assert_allclose(
        to_host(predicted), expected, rtol=1e-9, atol=1e-9 * np.abs(expected).max()
    )
    assert score == pytest.approx(ref.score(X, y), abs=1e-10)


@pytest.mark.parametrize("lib", LIBRARIES)
def test_poisson_and_one_output(lib, regression):
    X, y, _ = regression
    y = np.exp(y[:, 0])
    ref, est, Xd = _fit_both(BackpropRegressor, lib, X, y, None, loss="poisson")
    assert_same_weights(est._theta, ref._theta)
    with sklearn.config_context(array_api_dispatch=True):
        predicted = est.predict(Xd)
    assert tuple(predicted.shape) == (X.shape[0],)


@pytest.mark.parametrize("lib", LIBRARIES)
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_float32_stays_float32(lib, solver, classification):
    X, y, w = classification
    ref, est, Xd = _fit_both(
        BackpropClassifier, lib, X, y, w, dtype=np.float32, solver=solver
    )
    assert_same_weights(est._theta, ref._theta, rtol=2e-4)
    with sklearn.config_context(array_api_dispatch=True):
        proba = est.predict_proba(Xd)
    assert to_host(proba).dtype == np.float32


@pytest.mark.parametrize("lib", LIBRARIES)
def test_binary_multilabel_class_weight_and_string_labels(lib, classification):
    X, y, _ = classification
    yb = (y == 1).astype(int)
    ref, est, Xd = _fit_both(
        BackpropClassifier, lib, X, yb, None, class_weight="balanced"
    )
    assert_same_weights(est._theta, ref._theta)
    Y = np.stack([y == 0, y == 2], axis=1).astype(int)
    ref, est, Xd = _fit_both(BackpropClassifier, lib, X, Y, None)
    assert_same_weights(est._theta, ref._theta)
    with sklearn.config_context(array_api_dispatch=True):
        assert_allclose(to_host(est.predict(Xd)), ref.predict(X))
    # labels no array library holds come back as numpy labels
    names = np.array(["a", "b", "c"])[y]
    with sklearn.config_context(array_api_dispatch=True):
        est = BackpropClassifier(max_iter=5, random_state=0).fit(
            _device_arrays(lib, X)[0], names
        )
        predicted = est.predict(_device_arrays(lib, X)[0])
    assert set(predicted) <= {"a", "b", "c"}


@pytest.mark.parametrize("lib", LIBRARIES)
def test_partial_fit_warm_start_and_validation_data(lib, classification, dispatch):
    X, y, _ = classification
    Xd, yd = _device_arrays(lib, X, y)
    Xv, yv = _device_arrays(lib, X[:60], y[:60])
    with sklearn.config_context(array_api_dispatch=False):
        ref = BackpropClassifier(random_state=0)
        for _ in range(3):
            ref.partial_fit(X, y, classes=[0, 1, 2], X_val=X[:60], y_val=y[:60])
    est = BackpropClassifier(random_state=0)
    for _ in range(3):
        est.partial_fit(Xd, yd, classes=[0, 1, 2], X_val=Xv, y_val=yv)
    assert_same_weights(est._theta, ref._theta)
    assert_allclose(est.validation_scores_, ref.validation_scores_, rtol=1e-10)
    assert _namespace_name(est._opt_state["m"]) == _namespace_name(Xd)
    est.set_params(warm_start=True, max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(Xd, yd)
    assert len(est.loss_curve_) == 5


@pytest.mark.parametrize("lib", LIBRARIES)
def test_to_numpy_gives_a_host_model_that_pickles(lib, classification, dispatch):
    X, y, _ = classification
    Xd, yd = _device_arrays(lib, X, y)
    est = BackpropClassifier(max_iter=5, random_state=0).fit(Xd, yd)
    host = est.to_numpy()
    assert isinstance(host._theta, np.ndarray)
    assert all(
        isinstance(v, np.ndarray)
        for k, v in host._opt_state.items()
        if k != "solver" and not isinstance(v, (int, float))
    )
    assert isinstance(host.coefs_[0], np.ndarray)
    expected = to_host(est.predict_proba(Xd))
    with sklearn.config_context(array_api_dispatch=False):
        back = pickle.loads(pickle.dumps(host))
        assert_allclose(back.predict_proba(X), expected)
    # the device model is untouched
    assert _namespace_name(est._theta) == _namespace_name(Xd)
    assert _namespace_name(est.coefs_[0]) == _namespace_name(Xd)


@pytest.mark.parametrize("lib", LIBRARIES)
def test_mixed_namespaces_are_refused_clearly(lib, classification, dispatch):
    X, y, _ = classification
    Xd, yd = _device_arrays(lib, X, y)
    est = BackpropClassifier(max_iter=3, random_state=0)
    with pytest.raises(ValueError, match="X_val must be in the same array namespace"):
        est.fit(Xd, yd, X_val=X[:20], y_val=y[:20])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(Xd, yd)
    with pytest.raises(ValueError, match=r"BackpropClassifier.predict\(\) must use"):
        est.predict(X)
    with pytest.raises(ValueError, match=r"partial_fit\(\) must use"):
        est.partial_fit(X, y)
    with sklearn.config_context(array_api_dispatch=False):
        with pytest.raises(ValueError, match="to_numpy"):
            est.predict(X)


def test_dispatch_off_or_numpy_input_keeps_the_numpy_path(classification):
    X, y, _ = classification
    with sklearn.config_context(array_api_dispatch=True):
        est = BackpropClassifier(max_iter=3, random_state=0).fit(X, y)
    ref = BackpropClassifier(max_iter=3, random_state=0).fit(X, y)
    assert isinstance(est._theta, np.ndarray)
    np.testing.assert_array_equal(est._theta, ref._theta)


@pytest.mark.torch
def test_torch_tensors_without_dispatch_are_converted(classification):
    torch = _torch()
    X, y, _ = classification
    est = BackpropClassifier(max_iter=3, random_state=0).fit(torch.asarray(X), y)
    assert isinstance(est._theta, np.ndarray)


@pytest.mark.parametrize("lib", LIBRARIES)
def test_verbose_history_and_pickle_on_device(lib, classification, capsys):
    X, y, _ = classification
    ref, est, Xd = _fit_both(BackpropClassifier, lib, X, y, None, verbose=1)
    printed = capsys.readouterr().out.splitlines()
    # the same table twice (numpy, then the device), times aside
    half = len(printed) // 2
    assert half > 0 and len(printed) == 2 * half
    assert [line[:30] for line in printed[:half]] == [
        line[:30] for line in printed[half:]
    ]
    assert_allclose(est.history_["loss"], ref.history_["loss"], rtol=1e-10)
    back = pickle.loads(pickle.dumps(est))
    assert _namespace_name(back._theta) == _namespace_name(Xd)
    with sklearn.config_context(array_api_dispatch=True):
        assert_allclose(to_host(back.predict_proba(Xd)), to_host(est.predict_proba(Xd)))


@pytest.mark.parametrize("lib", LIBRARIES)
def test_callbacks_see_device_snapshots_and_can_stop(lib, classification, dispatch):
    callback = pytest.importorskip("sklearn.callback")
    X, y, _ = classification
    Xd, yd = _device_arrays(lib, X, y)
    snapshots = []

    class StopAtTwo:
        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context, **kwargs):
            pass

        def on_fit_task_end(self, estimator, context, *, fitted_estimator=None, **kw):
            if context.task_name != "epoch":
                return False
            snapshots.append(fitted_estimator)
            return context.task_id + 1 == 2

    assert hasattr(callback, "CallbackSupportMixin")
    est = BackpropClassifier(max_iter=10, random_state=0).set_callbacks(StopAtTwo())
    est.fit(Xd, yd)
    assert est.n_iter_ == 2
    snapshot = snapshots[-1]
    assert _namespace_name(snapshot._theta) == _namespace_name(Xd)
    assert_same_weights(snapshot._theta, to_host(est._theta))


@pytest.mark.parametrize("lib", LIBRARIES)
def test_a_device_without_float64_asks_for_float32(
    lib, classification, dispatch, monkeypatch
):
    from skbackprop import _namespace

    monkeypatch.setattr(_namespace.Namespace, "supports_float64", lambda self: False)
    X, y, _ = classification
    Xd, yd = _device_arrays(lib, X, y)
    with pytest.raises(ValueError, match="has no float64; pass X as float32"):
        BackpropClassifier(max_iter=2).fit(Xd, yd)
    X32 = _device_arrays(lib, X.astype(np.float32))[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = BackpropClassifier(max_iter=2, random_state=0).fit(X32, yd)
    assert to_host(est._theta).dtype == np.float32


@pytest.mark.torch
@pytest.mark.parametrize("scale", [1.0, -1.0])
def test_torch_ops_fuse_the_same_operations(scale):
    """PyTorch gets TorchOps; its fused forms equal ArrayOps' plain ones."""
    torch = _torch()
    from skbackprop._namespace import TorchOps, namespace_of
    from skbackprop._ops import ArrayOps

    rng = np.random.default_rng(0)
    a, d = (torch.asarray(rng.normal(size=(5, s))) for s in (3, 4))
    W, b = torch.asarray(rng.normal(size=(3, 4))), torch.asarray(rng.normal(size=4))
    with sklearn.config_context(array_api_dispatch=True):
        ns = namespace_of(a)
    assert type(ns.ops) is TorchOps
    plain = ArrayOps(ns.xp, ns.device, to_host)
    rows = torch.asarray([4, 0, 2])
    assert_allclose(
        ns.ops.affine(a, W, b, scale=scale), plain.affine(a, W, b, scale=scale)
    )
    on_device = torch.asarray(0.25)  # a device scalar takes the plain path
    for beta in (0.0, 0.25, on_device):
        assert_allclose(
            ns.ops.weight_grad(a, d, W, beta), plain.weight_grad(a, d, W, beta)
        )
    assert_allclose(ns.ops.take(a, rows), plain.take(a, rows))
    y1, y2 = b.clone(), b.clone()
    ns.ops.axpy(d[0], y1, -0.5)
    plain.axpy(d[0], y2, -0.5)
    assert_allclose(y1, y2)
