"""Assertions shared by several test modules (importable: pytest's pythonpath)."""

import numpy as np
from numpy.testing import assert_array_equal


def assert_identical(a, b, where="state"):
    """Assert that two pieces of state are equal bit for bit, NaN equal to NaN.

    Recurses into dicts, lists and tuples; arrays must agree in dtype, shape
    and bytes (object arrays element by element), floats in their float64
    bytes, anything else by ``==``.
    """
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray), where
        assert isinstance(b, np.ndarray), where
        assert (a.dtype, a.shape) == (b.dtype, b.shape), where
        if a.dtype == object:
            assert a.tolist() == b.tolist(), where
        else:
            assert a.tobytes() == b.tobytes(), where
        return
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        assert a.keys() == b.keys(), f"{where}: {a.keys() ^ b.keys()}"
        for key in a:
            assert_identical(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_identical(x, y, f"{where}[{i}]")
    elif isinstance(a, float):
        assert np.float64(a).tobytes() == np.float64(b).tobytes(), f"{where}: {a} {b}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def model_state(est):
    """The estimator's whole state, but for how long its epochs took.

    ``history_["duration"]`` records wall-clock seconds, which no two runs
    share; everything else two identical trainings must reproduce exactly.
    """
    state = dict(vars(est))
    history = state.get("history_")
    if history:
        state["history_"] = {**history, "duration": len(history["duration"])}
    return state


def training_state(est):
    """Copies of everything training changes, to compare before and after."""
    return {
        "theta": est._theta.copy(),
        "coefs": [W.copy() for W in est.coefs_],
        "intercepts": [b.copy() for b in est.intercepts_],
        "loss_curve": list(est.loss_curve_),
        "loss": est.loss_,
        "t": est.t_,
        "n_iter": est.n_iter_,
    }


def assert_same_state(before, after):
    """Two :func:`training_state` results are equal."""
    assert before.keys() == after.keys()
    for key in before:
        if key in ("coefs", "intercepts"):
            for a, b in zip(before[key], after[key], strict=True):
                assert_array_equal(a, b)
        elif isinstance(before[key], np.ndarray):
            assert_array_equal(before[key], after[key])
        else:
            assert before[key] == after[key], key


def flat(coefs, intercepts):
    """Per-layer weights and biases in the package's flat parameter order."""
    return np.concatenate([W.ravel() for W in coefs] + [b.ravel() for b in intercepts])


def array_api_dispatch_available() -> bool:
    """Whether scikit-learn can turn array API dispatch on here.

    scikit-learn refuses it (ImportError) without array-api-compat or with
    scipy older than 1.14, as in the minimum-versions CI run.
    """
    import sklearn

    try:
        with sklearn.config_context(array_api_dispatch=True):
            return True
    except ImportError:
        return False
