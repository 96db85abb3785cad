"""Property-based robustness tests: any input gives a valid result or a clear error.

Every call of ``fit``, ``partial_fit``, ``predict``, ``predict_proba``,
``predict_log_proba`` and ``score`` on generated input -- shapes with 0 or 1
rows and 0 columns, 1-D and 3-D arrays, every dtype (int, bool, float16/32/64,
object, complex, strings), NaN and +-inf anywhere, bad sample weights and
labels, wrong widths, bad ``hidden_layer_sizes``, every sparse format -- either
returns a valid result (finite parameters and losses, probabilities that sum
to one, finite regression predictions, labels from ``classes_``) or raises a
``ValueError``, ``TypeError`` or ``NotFittedError`` whose message names the
problem. Any other exception, and any numpy ``RuntimeWarning``, fails.

The "ci" hypothesis profile (registered in ``conftest.py``, the default) runs
a moderate, derandomized number of examples per property; run many more with::

    HYPOTHESIS_PROFILE=thorough python -m pytest tests/test_robustness.py
"""

import copy
import math
import re
import warnings

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import assert_identical
from hypothesis import given
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import (
    ConvergenceWarning,
    NotFittedError,
    UndefinedMetricWarning,
)

from skbackprop import BackpropClassifier, BackpropRegressor

ALLOWED_ERRORS = (ValueError, TypeError, NotFittedError)

# A message "names the problem" when it contains one of these words (matched
# at a word start, case-insensitively): the bad value, type, shape or argument.
PROBLEM_WORDS = {
    "values": ("nan", "inf", "finite", "negative", "zero", "too large", "overflow"),
    "types": ("dtype", "complex", "string", "float", "convert", "numeric", "sparse"),
    "shapes": ("dim", "1d", "2d", "shape", "reshape", "feature", "sample", "output"),
    "targets": ("class", "label", "target", "multilabel", "continuous"),
    "arguments": (
        "hidden_layer_sizes",
        "weight",
        "parameter",
        "learning_rate",
        "loss",
        "early_stopping",
        "x_val",
        "y_val",
        "fit",
        "expected",
    ),
}
_WORDS = [re.escape(word) for words in PROBLEM_WORDS.values() for word in words]
_PROBLEM = re.compile(r"\b(?:" + "|".join(_WORDS) + ")", re.IGNORECASE)

SOLVERS = ("sgd", "adam", "lbfgs")
ACTIVATIONS = ("logistic", "tanh", "relu", "identity")
DENSE_DTYPES = (
    "int8",
    "int64",
    "bool",
    "float16",
    "float32",
    "float64",
    "object",
    "complex128",
    "str",
)
SPARSE_FORMATS = ("csr", "csc", "coo", "lil", "dok", "bsr", "dia")
SPECIALS = (np.nan, np.inf, -np.inf)
MAGNITUDES = (1.0, 1e3, 1e6, 1e300)
JUNK_TEXT = ("a", "", " ", "1,5", "0x1f", "--1", "None")
HIDDEN_LAYER_SIZES = ((3,), (2, 2), (), 2, (0,), (-1,), (3, 0))
LABEL_POOLS = {
    "int": (0, 1, 2),
    "str": ("a", "b", "c"),
    "mixed": ("a", 1, "b", 2),
    "bool": (False, True),
    "float_nan": (0.0, 1.0, np.nan),
    "float_inf": (0.0, 1.0, np.inf),
    "one_class": (7,),
    "with_none": (None, 1),
}


# ----------------------------------------------------------------------
# The check every call goes through


def check_call(fn, *args, match=None, **kwargs):
    """Call the estimator method ``fn``: a valid result or an informative error.

    Every ``RuntimeWarning`` is an error; other warnings (convergence, data
    conversion) are ignored. Returns the result, or the exception when
    ``fn`` raised ``ValueError``, ``TypeError`` or ``NotFittedError``; any
    other exception propagates and fails the test. ``match`` is a regex the
    message must also contain (for properties that vary one input only).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", UndefinedMetricWarning)
        warnings.simplefilter("error", RuntimeWarning)
        try:
            result = fn(*args, **kwargs)
        except ALLOWED_ERRORS as exc:
            _assert_informative(exc, fn, match)
            return exc
    _assert_valid(fn, result, args, caught)
    return result


def _assert_informative(exc, fn, match):
    message = str(exc)
    where = f"{fn.__name__} raised {type(exc).__name__}: {message!r}"
    assert message.strip(), f"empty message: {where}"
    assert _PROBLEM.search(message), f"message names no problem: {where}"
    if match is not None:
        assert re.search(match, message, re.IGNORECASE), f"not /{match}/: {where}"


def _assert_valid(fn, result, args, caught):
    est, name = fn.__self__, fn.__name__
    if name in ("fit", "partial_fit"):
        assert result is est
        _assert_fitted_state_finite(est)
        return
    if name == "score":
        assert isinstance(result, float), type(result)
        # only an undefined metric (R^2 of one sample) may be NaN, and not silently
        assert math.isfinite(result) or any(
            issubclass(w.category, UndefinedMetricWarning) for w in caught
        ), f"score is {result} without an UndefinedMetricWarning"
        return
    n_rows = args[0].shape[0]
    assert isinstance(result, np.ndarray)
    assert result.shape[0] == n_rows
    if name == "predict":
        _assert_valid_predictions(est, result)
    elif name == "predict_proba":
        _assert_valid_proba(est, result)
    elif name == "predict_log_proba":
        assert not np.isnan(result).any()
        assert (result <= 0).all()
    else:  # pragma: no cover - a method this helper does not know
        raise AssertionError(f"check_call does not know how to check {name}")


def _assert_fitted_state_finite(est):
    for array in (*est.coefs_, *est.intercepts_):
        assert np.isfinite(array).all(), "non-finite parameters after fit"
    assert math.isfinite(est.loss_), f"fit returned with loss_={est.loss_}"
    assert np.isfinite(est.loss_curve_).all(), f"loss_curve_={est.loss_curve_}"


def _assert_valid_predictions(est, pred):
    if isinstance(est, BackpropRegressor):
        assert pred.shape[1:] == (() if est.n_outputs_ == 1 else (est.n_outputs_,))
        assert np.isfinite(pred).all(), "NaN or inf predictions"
    elif est._label_type == "multilabel-indicator":
        assert pred.shape[1:] == (len(est.classes_),)
        assert np.isin(pred, (0, 1)).all()
    else:
        assert pred.ndim == 1
        assert np.isin(pred, est.classes_).all(), "a label not in classes_"


def _assert_valid_proba(est, proba):
    n_columns = 2 if est._label_type == "binary" else len(est.classes_)
    assert proba.shape[1:] == (n_columns,)
    assert np.isfinite(proba).all(), "NaN or inf probabilities"
    assert ((proba >= 0) & (proba <= 1)).all()
    if est._label_type != "multilabel-indicator":
        atol = 50 * np.finfo(proba.dtype).eps
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=0, atol=atol)


def _raised(outcome):
    return isinstance(outcome, BaseException)


# ----------------------------------------------------------------------
# Exact snapshots of an estimator's state


def _snapshot(est):
    return copy.deepcopy(vars(est))


def _run_step(est, call, *args, **kwargs):
    """Run one call; an error must leave the estimator exactly as it was."""
    before = _snapshot(est)
    outcome = check_call(call, *args, **kwargs)
    if _raised(outcome):
        assert_identical(before, _snapshot(est))
    return outcome


# ----------------------------------------------------------------------
# Strategies


def _elements(dtype, cap):
    """Finite values of ``dtype`` up to ``cap`` in magnitude."""
    if dtype.kind == "f":
        cap = min(cap, float(np.finfo(dtype).max))
        return st.floats(-cap, cap, width=8 * dtype.itemsize)
    if dtype.kind == "c":
        return st.complex_numbers(
            max_magnitude=cap, allow_nan=False, allow_infinity=False
        )
    return hnp.from_dtype(dtype)  # the full range of ints and bools


def _numeric_text(cap):
    return st.floats(-cap, cap).map(lambda v: f"{v:.4g}")


@st.composite
def dense_arrays(draw, shape, dtypes=DENSE_DTYPES):
    """An array of ``shape`` of a drawn dtype, sometimes with NaN / +-inf in it."""
    kind = draw(st.sampled_from(dtypes))
    cap = draw(st.sampled_from(MAGNITUDES))
    if kind == "str":
        elements = _numeric_text(cap)
        if draw(st.booleans()):
            elements = st.one_of(elements, st.sampled_from(JUNK_TEXT))
        X = draw(hnp.arrays(np.dtype("U12"), shape, elements=elements))
    elif kind == "object":
        numbers = st.one_of(st.integers(-1000, 1000), st.floats(-cap, cap))
        X = draw(hnp.arrays(object, shape, elements=numbers))
    else:
        dtype = np.dtype(kind)
        X = draw(hnp.arrays(dtype, shape, elements=_elements(dtype, cap)))
    if kind in ("float16", "float32", "float64", "object", "complex128", "str"):
        _inject_specials(draw, X, as_text=kind == "str")
    return X


def _inject_specials(draw, X, as_text=False):
    """Put NaN / +-inf at a few drawn positions of X (half of the time)."""
    if not X.size or not draw(st.booleans()):
        return
    positions = draw(st.lists(st.integers(0, X.size - 1), min_size=1, max_size=3))
    for position in positions:
        value = draw(st.sampled_from(SPECIALS))
        X.flat[position] = str(value) if as_text else value


@st.composite
def sparse_inputs(draw, shape):
    """A scipy sparse matrix or array of any format, mostly zeros."""
    dtype = np.dtype(draw(st.sampled_from(("float64", "float32", "int64", "bool"))))
    cap = draw(st.sampled_from(MAGNITUDES))
    elements = st.one_of(st.just(dtype.type(0)), _elements(dtype, cap))
    dense = draw(hnp.arrays(dtype, shape, elements=elements))
    if dtype.kind == "f":
        _inject_specials(draw, dense)
    fmt = draw(st.sampled_from(SPARSE_FORMATS))
    container = draw(st.sampled_from(("matrix", "array")))
    return getattr(sp, f"{fmt}_{container}")(dense)


@st.composite
def x_inputs(draw, n_rows, n_cols=None):
    """X with ``n_rows`` rows: dense 2-D mostly, else sparse, 1-D or 3-D.

    ``n_cols`` is a strategy for the number of columns (default 0 to 6).
    """
    n_cols = draw(st.integers(0, 6) if n_cols is None else n_cols)
    form = draw(st.sampled_from(("2d",) * 6 + ("sparse",) * 2 + ("1d", "3d")))
    if form == "sparse":
        return draw(sparse_inputs((n_rows, n_cols)))
    shape = {"2d": (n_rows, n_cols), "1d": (n_rows,), "3d": (n_rows, n_cols, 2)}
    return draw(dense_arrays(shape[form]))


@st.composite
def class_labels(draw, n):
    """Classification targets of length ``n``: every label type and shape."""
    kind = draw(st.sampled_from((*LABEL_POOLS, "continuous", "multilabel", "column")))
    if kind == "continuous":
        return draw(hnp.arrays(np.float64, n, elements=st.floats(-10, 10)))
    if kind == "multilabel":
        return draw(hnp.arrays(np.int64, (n, 3), elements=st.integers(0, 1)))
    pool = LABEL_POOLS["int" if kind == "column" else kind]
    values = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    y = np.array(values, dtype=object if kind in ("mixed", "with_none") else None)
    return y.reshape(-1, 1) if kind == "column" else y


@st.composite
def regression_targets(draw, n):
    """Regression targets of length ``n``: any dtype, 1 or 2 outputs, specials."""
    kind = draw(st.sampled_from(("any", "unit", "counts", "multi", "column", "3d")))
    if kind == "unit":  # suits loss='log_loss'
        return draw(hnp.arrays(np.float64, n, elements=st.floats(0, 1)))
    if kind == "counts":  # suits loss='poisson'
        return draw(hnp.arrays(np.int64, n, elements=st.integers(0, 5)))
    shape = {"any": (n,), "multi": (n, 2), "column": (n, 1), "3d": (n, 1, 1)}[kind]
    return draw(dense_arrays(shape))


@st.composite
def sample_weights(draw, n):
    """None, valid weights, or weights that are wrong in one of many ways."""
    kind = draw(
        st.sampled_from(
            (
                "none",
                "valid",
                "scaled",
                "negative",
                "zeros",
                "special",
                "wrong_length",
                "2d",
                "scalar",
                "text",
            )
        )
    )
    if kind == "none":
        return None
    if kind == "scalar":
        return draw(st.sampled_from((1, 0, -1, 2.5, np.nan, np.inf)))
    length = n
    if kind == "wrong_length":
        length = draw(st.sampled_from((n + 1, max(n - 1, 0), 1)))
    sw = draw(hnp.arrays(np.float64, length, elements=st.floats(0.1, 10)))
    if kind == "scaled":  # subnormal, tiny, huge, or finite with a sum that overflows
        sw /= 10
        with np.errstate(under="ignore"):
            sw *= draw(st.sampled_from((5e-324, 1e-310, 1e-300, 1e300, 1e308)))
    elif kind == "negative" and length:
        sw[draw(st.integers(0, length - 1))] = -1.0
    elif kind == "zeros":
        sw[:] = 0.0
    elif kind == "special":
        _inject_specials(draw, sw)
    elif kind == "2d":
        sw = sw.reshape(-1, 1)
    elif kind == "text":
        return sw.astype(str)
    return sw


@st.composite
def n_labels(draw, n):
    """The length of y or sample_weight: mostly ``n``, sometimes one off."""
    return draw(st.sampled_from((n,) * 5 + (n + 1, max(n - 1, 0))))


def _common_params():
    return {
        "solver": st.sampled_from(SOLVERS),
        "activation": st.sampled_from(ACTIVATIONS),
        "hidden_layer_sizes": st.sampled_from(HIDDEN_LAYER_SIZES),
        "max_iter": st.integers(1, 5),
        "batch_size": st.sampled_from(("auto", 1, 4)),
        "alpha": st.sampled_from((0.0, 1e-4, 1.0)),
        "early_stopping": st.booleans(),
    }


classifier_params = st.fixed_dictionaries(
    {
        **_common_params(),
        "loss": st.sampled_from(("log_loss", "squared_error")),
        "class_weight": st.sampled_from((None, "balanced", {0: 2.0})),
    }
)
regressor_params = st.fixed_dictionaries(
    {
        **_common_params(),
        "loss": st.sampled_from(("squared_error", "log_loss", "poisson")),
        "output_activation": st.sampled_from(("identity", "logistic")),
    }
)


# ----------------------------------------------------------------------
# Clean data and fitted models


def _clean_data(n=30, n_features=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    y_class = np.arange(n) % 3
    y_reg = X @ np.linspace(1.0, -1.0, n_features)
    return X, y_class, y_reg


def _make(kind, **params):
    """A small seeded estimator of ``kind`` and the clean targets it suits."""
    _, y_class, y_reg = _clean_data()
    defaults = {"hidden_layer_sizes": (3,), "max_iter": 3, "random_state": 0}
    params = {**defaults, **params}
    if kind == "clf-log_loss":
        return BackpropClassifier(**params), y_class
    if kind == "clf-squared_error":
        return BackpropClassifier(loss="squared_error", **params), y_class % 2
    if kind == "reg-squared_error":
        return BackpropRegressor(**params), y_reg
    if kind == "reg-log_loss":
        reg = BackpropRegressor(loss="log_loss", output_activation="logistic", **params)
        return reg, 1 / (1 + np.exp(-y_reg))
    assert kind == "reg-poisson"
    return BackpropRegressor(loss="poisson", **params), np.abs(y_reg)


def _estimator(kind, **params):
    return _make(kind, **params)[0]


ESTIMATOR_KINDS = (
    "clf-log_loss",
    "clf-squared_error",
    "reg-squared_error",
    "reg-log_loss",
    "reg-poisson",
)


@pytest.fixture(scope="module")
def fitted_models():
    """Models fitted on clean 3-feature data (and two unfitted ones)."""
    X, y_class, y_reg = _clean_data()
    Y_multilabel = np.column_stack([y_class == 0, y_class == 1, X[:, 0] > 0])
    labels = np.array(["cat", "dog", "emu"])[y_class]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        models = {
            "binary": _estimator("clf-log_loss", solver="lbfgs").fit(X, y_class % 2),
            "multiclass-squared": _estimator("clf-squared_error", solver="sgd").fit(
                X, y_class
            ),
            "string-labels": _estimator("clf-log_loss", activation="relu").fit(
                X, labels
            ),
            "multilabel": _estimator("clf-log_loss").fit(X, Y_multilabel.astype(int)),
            "float32": _estimator("clf-log_loss", activation="tanh").fit(
                X.astype(np.float32), y_class
            ),
            "regressor": _estimator("reg-squared_error", activation="relu").fit(
                X, y_reg
            ),
            "multioutput": _estimator("reg-squared_error", solver="lbfgs").fit(
                X, np.column_stack([y_reg, -y_reg])
            ),
            "poisson": _estimator("reg-poisson", activation="identity").fit(
                X, np.abs(y_reg)
            ),
            "logistic-output": _estimator("reg-log_loss").fit(
                X, 1 / (1 + np.exp(-y_reg))
            ),
            "unfitted-classifier": BackpropClassifier(),
            "unfitted-regressor": BackpropRegressor(),
        }
    return models


# ----------------------------------------------------------------------
# fit on generated data


@st.composite
def fit_inputs(draw, targets):
    n = draw(st.integers(0, 30))
    X = draw(x_inputs(n))
    y = draw(targets(draw(n_labels(n))))
    sample_weight = draw(sample_weights(draw(n_labels(n))))
    return X, y, sample_weight


def _fit_then_use(est, X, y, sample_weight):
    """Fit; when that succeeds, predict and score on the same data."""
    if _raised(_run_step(est, est.fit, X, y, sample_weight=sample_weight)):
        return  # and the estimator is still unfitted
    methods = [est.predict]
    if hasattr(est, "predict_proba"):
        methods += [est.predict_proba, est.predict_log_proba]
    for method in methods:
        check_call(method, X)
    check_call(est.score, X, y, sample_weight=sample_weight)


@given(params=classifier_params, data=fit_inputs(class_labels))
def test_classifier_fit_on_generated_data(params, data):
    _fit_then_use(BackpropClassifier(random_state=0, **params), *data)


@given(params=regressor_params, data=fit_inputs(regression_targets))
def test_regressor_fit_on_generated_data(params, data):
    _fit_then_use(BackpropRegressor(random_state=0, **params), *data)


# ----------------------------------------------------------------------
# predict / predict_proba / score of fitted models on generated input


@st.composite
def prediction_inputs(draw):
    n = draw(st.integers(0, 30))
    X = draw(x_inputs(n, n_cols=st.one_of(st.just(3), st.integers(0, 6))))
    return X, n


@given(
    model=st.sampled_from(
        (
            "binary",
            "multiclass-squared",
            "string-labels",
            "multilabel",
            "float32",
            "regressor",
            "multioutput",
            "poisson",
            "logistic-output",
            "unfitted-classifier",
            "unfitted-regressor",
        )
    ),
    data=prediction_inputs(),
    scale=st.sampled_from((1.0, 1.0, 1e6, 1e300)),
    target_data=st.data(),
)
def test_predict_and_score_on_generated_input(
    fitted_models, model, data, scale, target_data
):
    est = fitted_models[model]
    X, n = data
    if scale != 1.0 and isinstance(X, np.ndarray) and X.dtype == np.float64:
        with np.errstate(over="ignore"):
            X = X * scale
    before = _snapshot(est)
    methods = [est.predict]
    if isinstance(est, BackpropClassifier):
        methods += [est.predict_proba, est.predict_log_proba]
        y = target_data.draw(class_labels(n))
    else:
        y = target_data.draw(regression_targets(n))
    for method in methods:
        check_call(method, X)
    check_call(est.score, X, y)
    assert_identical(before, _snapshot(est))  # prediction changes nothing


def test_partial_fit_is_not_available_for_lbfgs():
    for est in (BackpropClassifier(solver="lbfgs"), BackpropRegressor(solver="lbfgs")):
        assert not hasattr(est, "partial_fit")


# ----------------------------------------------------------------------
# Sequences of partial_fit (and warm-start fit) calls


CLASS_POOL = (0, 1, 2, 3, "a", np.nan)


@st.composite
def classifier_steps(draw):
    """One call of a sequence: its data, labels and ``classes`` argument."""
    n = draw(st.integers(0, 8))
    width = draw(st.sampled_from((3, 3, 3, 2)))
    X = draw(
        hnp.arrays(np.float64, (n, width), elements=st.floats(-3, 3))
        | x_inputs(n, n_cols=st.just(width))
    )
    labels = draw(st.lists(st.sampled_from(CLASS_POOL[:5]), min_size=n, max_size=n))
    y = np.array(labels, dtype=object if "a" in labels else None)
    classes = draw(
        st.one_of(
            st.none(),
            st.lists(st.sampled_from(CLASS_POOL), min_size=0, max_size=4, unique=True),
        )
    )
    warm_fit = draw(st.booleans())
    return X, y, classes, warm_fit


@given(
    solver=st.sampled_from(("sgd", "adam")),
    first_classes=st.sampled_from(([0, 1], [0, 1, 2], ["a", 0], [0], [0, 1, 1])),
    steps=st.lists(classifier_steps(), min_size=1, max_size=4),
)
def test_classifier_partial_fit_sequences(solver, first_classes, steps):
    X0, y0, _ = _clean_data(n=12)
    y0 = y0 % 2
    clf = BackpropClassifier(
        hidden_layer_sizes=(3,), solver=solver, max_iter=2, random_state=0
    )
    _run_step(clf, clf.partial_fit, X0, y0, classes=first_classes)
    for X, y, classes, warm_fit in steps:
        fitted = hasattr(clf, "classes_")
        classes_before = clf.classes_.copy() if fitted else None
        if warm_fit:
            clf.set_params(warm_start=True)
            outcome = _run_step(clf, clf.fit, X, y)
        else:
            outcome = _run_step(clf, clf.partial_fit, X, y, classes=classes)
        if not fitted or _raised(outcome):
            continue
        # a call that succeeded on a fitted model kept its classes, and every
        # label it trained on is one of them
        np.testing.assert_array_equal(clf.classes_, classes_before)
        known = set(clf.classes_.tolist())
        assert all(label in known for label in y.tolist()), (y, known)


@given(data=st.data(), solver=st.sampled_from(("sgd", "adam")))
def test_partial_fit_rejects_unseen_labels_and_other_classes(data, solver):
    X, y, _ = _clean_data(n=12)
    clf = BackpropClassifier(hidden_layer_sizes=(3,), solver=solver, random_state=0)
    clf.partial_fit(X, y % 2, classes=[0, 1])
    new_label = data.draw(st.sampled_from((2, -1, "a", 0.5)))
    y_new = np.array([0, 1, new_label] * 4, dtype=object)
    outcome = _run_step(clf, clf.partial_fit, X, y_new)
    assert _raised(outcome), f"partial_fit accepted the unseen label {new_label!r}"
    assert re.search("class|label", str(outcome), re.IGNORECASE)
    classes = data.draw(st.sampled_from(([0, 1, 2], [0], [1, 2], ["a", "b"])))
    outcome = _run_step(clf, clf.partial_fit, X, y % 2, classes=classes)
    assert _raised(outcome), f"partial_fit accepted classes={classes!r}"
    assert re.search("class", str(outcome), re.IGNORECASE)


@st.composite
def regressor_steps(draw):
    n = draw(st.integers(0, 8))
    width = draw(st.sampled_from((3, 3, 3, 2)))
    X = draw(x_inputs(n, n_cols=st.just(width)))
    y = draw(regression_targets(draw(n_labels(n))))
    return X, y, draw(st.booleans())


@given(
    solver=st.sampled_from(("sgd", "adam")),
    steps=st.lists(regressor_steps(), min_size=1, max_size=4),
)
def test_regressor_partial_fit_sequences(solver, steps):
    X0, _, y0 = _clean_data(n=12)
    reg = BackpropRegressor(
        hidden_layer_sizes=(3,), solver=solver, max_iter=2, random_state=0
    )
    _run_step(reg, reg.partial_fit, X0, y0)
    for X, y, warm_fit in steps:
        if warm_fit:
            reg.set_params(warm_start=True)
            _run_step(reg, reg.fit, X, y)
        else:
            _run_step(reg, reg.partial_fit, X, y)
        check_call(reg.predict, X0)


# ----------------------------------------------------------------------
# One input varied at a time: the message names that input


@given(
    kind=st.sampled_from(ESTIMATOR_KINDS),
    solver=st.sampled_from(SOLVERS),
    data=st.data(),
)
def test_sample_weight_errors_name_sample_weight(kind, solver, data):
    X, _, _ = _clean_data()
    est, y = _make(kind, solver=solver)
    sample_weight = data.draw(sample_weights(len(y)))
    outcome = check_call(est.fit, X, y, sample_weight=sample_weight, match="weight")
    if not _raised(outcome):
        check_call(est.predict, X)


HIDDEN_SIZE_VALUES = st.one_of(
    st.integers(-3, 8),
    st.booleans(),
    st.floats(-2, 8),
    st.sampled_from(("3", "a", None, np.int64(2), np.float64(2.0))),
)


@given(
    kind=st.sampled_from(ESTIMATOR_KINDS),
    hidden=st.one_of(
        HIDDEN_SIZE_VALUES,
        st.lists(HIDDEN_SIZE_VALUES, max_size=3).map(tuple),
        st.lists(st.integers(-2, 5), max_size=3),
        hnp.arrays(
            np.int64,
            hnp.array_shapes(min_dims=1, max_dims=2, max_side=2),
            elements=st.integers(-3, 8),
        ),
    ),
)
def test_hidden_layer_sizes_are_positive_integers_or_rejected(kind, hidden):
    X, _, _ = _clean_data()
    est, y = _make(kind, hidden_layer_sizes=hidden)
    outcome = check_call(est.fit, X, y, match="hidden_layer_sizes")
    if not _raised(outcome):
        sizes = (hidden,) if np.ndim(hidden) == 0 else tuple(hidden)
        units = [W.shape[1] for W in est.coefs_[:-1]]
        assert units == [int(s) for s in sizes]
        assert all(s >= 1 for s in units)


@st.composite
def validation_sets(draw, targets):
    m = draw(st.integers(0, 8))
    X_val = draw(x_inputs(m, n_cols=st.one_of(st.just(3), st.integers(0, 6))))
    y_val = draw(targets(draw(n_labels(m))))
    sample_weight_val = draw(sample_weights(draw(n_labels(m))))
    given_ = draw(st.sampled_from(("all", "all", "all", "no X_val", "no y_val")))
    if given_ == "no X_val":
        X_val = None
    elif given_ == "no y_val":
        y_val = None
    return X_val, y_val, sample_weight_val


@given(
    kind=st.sampled_from(ESTIMATOR_KINDS),
    solver=st.sampled_from(SOLVERS),
    early_stopping=st.booleans(),
    data=st.data(),
)
def test_validation_set_errors_name_the_validation_argument(
    kind, solver, early_stopping, data
):
    X, _, _ = _clean_data()
    est, y = _make(kind, solver=solver, early_stopping=early_stopping)
    targets = class_labels if kind.startswith("clf") else regression_targets
    X_val, y_val, sample_weight_val = data.draw(validation_sets(targets))
    outcome = check_call(
        est.fit,
        X,
        y,
        X_val=X_val,
        y_val=y_val,
        sample_weight_val=sample_weight_val,
        match=r"_val\b|validation",
    )
    if not _raised(outcome):
        check_call(est.predict, X)


# ----------------------------------------------------------------------
# A catalogue of named edge cases, checked on every run


def _edge_inputs():
    """Named X of 6 rows (3 features when 2-D), each wrong or unusual in one way."""
    X, _, _ = _clean_data(n=6)
    inf_both = X.copy()
    inf_both[0, 0], inf_both[1, 1] = np.inf, -np.inf
    inputs = {
        "0 rows": X[:0],
        "0 columns": X[:, :0],
        "1 row": X[:1],
        "1-D": X[:, 0],
        "3-D": X[:, :, np.newaxis],
        "wrong n_features": X[:, :2],
        "int8": (10 * X).astype(np.int8),
        "bool": X > 0,
        "float16": X.astype(np.float16),
        "float32": X.astype(np.float32),
        "object": X.astype(object),
        "complex": X + 1j,
        "numeric strings": X.astype(str),
        "letters": np.full(X.shape, "a"),
        "None": np.where(X > 0, X, None),
        "NaN": np.where(X > 1, np.nan, X),
        "+inf": np.where(X > 1, np.inf, X),
        "-inf": np.where(X > 1, -np.inf, X),
        "+inf and -inf": inf_both,
        "1e300": 1e300 * X,
    }
    for fmt in SPARSE_FORMATS:
        for container in ("matrix", "array"):
            inputs[f"{fmt}_{container}"] = getattr(sp, f"{fmt}_{container}")(X)
    inputs["sparse NaN"] = sp.csr_matrix(np.where(X > 1, np.nan, 0.0))
    return inputs


EDGE_INPUTS = tuple(_edge_inputs())


@pytest.mark.parametrize("name", EDGE_INPUTS)
@pytest.mark.parametrize("estimator", ("classifier", "regressor"))
def test_edge_case_inputs(fitted_models, name, estimator):
    X = _edge_inputs()[name]
    _, y_class, y_reg = _clean_data(n=6)
    y = y_class if estimator == "classifier" else y_reg
    est = _estimator(
        "clf-log_loss" if estimator == "classifier" else "reg-squared_error"
    )
    _fit_then_use(est, X, y[: X.shape[0]], None)
    fitted = fitted_models["binary" if estimator == "classifier" else "regressor"]
    methods = [fitted.predict]
    if estimator == "classifier":
        methods += [fitted.predict_proba, fitted.predict_log_proba]
    for method in methods:
        check_call(method, X)


EDGE_LABELS = {
    "one class": [7] * 6,
    "mixed str and int": np.array(["a", 1] * 3, dtype=object),
    "None": np.array([None, 1] * 3, dtype=object),
    "NaN": [0.0, 1.0, np.nan] * 2,
    "inf": [0.0, 1.0, np.inf] * 2,
    "huge": [0.0, 1.0, 1e300] * 2,
    "continuous": np.linspace(0, 1, 6),
    "too short": [0, 1, 0],
    "2-D column": [[0], [1]] * 3,
    "3-D": np.zeros((6, 1, 1)),
    "multilabel": [[0, 1], [1, 0], [1, 1]] * 2,
}


@pytest.mark.parametrize("name", EDGE_LABELS)
def test_edge_case_labels(fitted_models, name):
    X, _, _ = _clean_data(n=6)
    y = EDGE_LABELS[name]
    _fit_then_use(_estimator("clf-log_loss"), X, y, None)
    clf = _estimator("clf-log_loss", solver="sgd")
    classes = list(dict.fromkeys(np.ravel(np.asarray(y, dtype=object)).tolist()))
    _run_step(clf, clf.partial_fit, X, y, classes=classes)
    check_call(fitted_models["binary"].score, X, y)


EDGE_WEIGHTS = {
    "negative": [1, 1, -1, 1, 1, 1],
    "zero sum": [0.0] * 6,
    "NaN": [1, 1, np.nan, 1, 1, 1],
    "inf": [1, 1, np.inf, 1, 1, 1],
    "too long": [1.0] * 7,
    "too short": [1.0] * 5,
    "2-D": [[1.0]] * 6,
    "letters": ["a"] * 6,
    "subnormal": [1e-310] * 6,
    "sum overflows": [1e308] * 6,
    "above float32 max": [1e300] * 6,
}


@pytest.mark.parametrize("name", EDGE_WEIGHTS)
@pytest.mark.parametrize("kind", ("clf-log_loss", "reg-squared_error"))
@pytest.mark.parametrize("solver", SOLVERS)
def test_edge_case_sample_weights(name, kind, solver):
    X, _, _ = _clean_data(n=6)
    if name == "above float32 max":
        X = X.astype(np.float32)
    est, y = _make(kind, solver=solver)
    sample_weight = EDGE_WEIGHTS[name]
    outcome = check_call(est.fit, X, y[:6], sample_weight=sample_weight, match="weight")
    if not _raised(outcome):
        check_call(est.score, X, y[:6], sample_weight=sample_weight)


@pytest.mark.parametrize(
    "classes", ([], [0], [0, 1, np.nan], np.array(["a", 1], dtype=object))
)
def test_edge_case_partial_fit_classes(classes):
    X, y, _ = _clean_data(n=6)
    clf = _estimator("clf-log_loss", solver="adam")
    outcome = _run_step(clf, clf.partial_fit, X, y % 2, classes=classes)
    assert _raised(outcome), f"partial_fit accepted classes={classes!r}"


# ----------------------------------------------------------------------
# Divergence


@given(
    kind=st.sampled_from(ESTIMATOR_KINDS),
    solver=st.sampled_from(("sgd", "adam")),
    activation=st.sampled_from(ACTIVATIONS),
    momentum=st.sampled_from((0.0, 0.9)),
    nesterovs_momentum=st.booleans(),
    call=st.sampled_from(("fit", "warm-start fit", "partial_fit")),
)
def test_huge_learning_rate_raises_and_leaves_the_model_as_it_was(
    kind, solver, activation, momentum, nesterovs_momentum, call
):
    X, _, _ = _clean_data()
    est, y = _make(
        kind,
        solver=solver,
        activation=activation,
        momentum=momentum,
        nesterovs_momentum=nesterovs_momentum,
        learning_rate_init=0.01,
        batch_size=5,
    )
    if call != "fit":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
    est.set_params(learning_rate_init=1e300, warm_start=call == "warm-start fit")
    before = _snapshot(est)
    if call == "partial_fit" and isinstance(est, BackpropClassifier):
        method, kwargs = est.partial_fit, {"classes": np.unique(y)}
    else:
        method, kwargs = getattr(est, call.split()[-1]), {}
    outcome = check_call(method, X, y, **kwargs)
    assert isinstance(outcome, ValueError), "a learning rate of 1e300 did not raise"
    assert "non-finite" in str(outcome)
    assert re.search("smaller learning.rate", str(outcome))
    assert_identical(before, _snapshot(est))


# ----------------------------------------------------------------------
# Unscaled and huge features


@pytest.fixture
def unscaled_data():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(200, 5))
    X = Z * [1, 1e2, 1e4, 1e6, 1e6]
    signal = Z @ [1.0, 0.5, -1.0, 2.0, 0.3]
    return X, signal


def _unscaled_cases(signal):
    """(estimator, y) for every estimator and loss, binary and multiclass."""
    rate = 1 / (1 + np.exp(-signal))
    counts = np.round(np.exp(signal / 3))
    return [
        ("clf-log_loss", signal > 0),
        ("clf-log_loss", np.digitize(signal, [-0.5, 0.5])),
        ("clf-squared_error", signal > 0),
        ("clf-squared_error", np.digitize(signal, [-0.5, 0.5])),
        ("reg-squared_error", signal),
        ("reg-log_loss", rate),
        ("reg-poisson", counts),
    ]


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_unscaled_features_train_and_predict(unscaled_data, solver, activation):
    """Features up to 1e6: no RuntimeWarning, no NaN; saturating units are fine.

    Logistic and tanh units saturate, so training must succeed. Unbounded
    units (relu, identity) may diverge at the default learning rate; that
    must then be the divergence error, which suggests scaling the features.
    """
    X, signal = unscaled_data
    for kind, y in _unscaled_cases(signal):
        est = _estimator(
            kind,
            solver=solver,
            activation=activation,
            hidden_layer_sizes=(5,),
            max_iter=20,
        )
        outcome = check_call(est.fit, X, y)
        if _raised(outcome):
            assert activation in ("relu", "identity"), f"{kind}: {outcome}"
            assert "non-finite" in str(outcome), outcome
            assert re.search("scale the input", str(outcome)), outcome
            continue
        check_call(est.predict, X)
        if isinstance(est, BackpropClassifier):
            check_call(est.predict_proba, X)
        assert np.isfinite(check_call(est.score, X, y))


@pytest.mark.parametrize("kind", ESTIMATOR_KINDS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_features_scaled_by_1e300_at_predict_time(kind, activation):
    """Finite valid output, or a ValueError that says the input is too large."""
    X, _, _ = _clean_data()
    est, y = _make(kind, activation=activation, solver="lbfgs", max_iter=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    methods = [est.predict]
    if isinstance(est, BackpropClassifier):
        methods += [est.predict_proba, est.predict_log_proba]
    for sign in (1, -1):
        for method in methods:
            check_call(method, sign * 1e300 * X, match="large|overflow|scale")


# ----------------------------------------------------- found by thorough runs


def test_weights_that_round_to_zero_in_float32_are_refused():
    X = np.array([[0.0], [1.0]], dtype=np.float32)
    clf = BackpropClassifier(hidden_layer_sizes=(3,), max_iter=1)
    with pytest.raises(ValueError, match="sample_weight values are too small"):
        clf.fit(X, [0, 1], sample_weight=[1e-311, 1e-311])
    assert not hasattr(clf, "coefs_")


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_minibatches_of_zero_weight_samples_are_skipped(solver):
    # batches 1 and 2 hold only zero weights: they teach nothing, and must not
    # turn the objective into 0 / 0
    X = np.arange(8.0).reshape(-1, 1) / 8
    y = np.array([0, 1] * 4)
    sw = np.array([0, 0, 0, 0, 1, 1, 1, 1.0])
    params = dict(
        hidden_layer_sizes=(3,),
        solver=solver,
        batch_size=2,
        shuffle=False,
        max_iter=3,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = BackpropClassifier(**params).fit(X, y, sample_weight=sw)
        dropped = BackpropClassifier(**params).fit(X[4:], y[4:])
    np.testing.assert_allclose(weighted._theta, dropped._theta, rtol=1e-12)
    np.testing.assert_allclose(weighted.loss_curve_, dropped.loss_curve_, rtol=1e-12)


# ----------------------------------------------------------------------
# class_weight: the checks sample_weight gets

CLASS_WEIGHT_VALUES = (0.0, 5e-324, 1e-300, 1e-10, 1.0, 3.0, 1e10, 1e300, 1e308)


@given(
    solver=st.sampled_from(SOLVERS),
    alpha=st.sampled_from((0.0, 1e-4)),
    class_weight=st.one_of(
        st.just("balanced"),
        st.dictionaries(
            st.sampled_from((0, 1, 2)),
            st.sampled_from(CLASS_WEIGHT_VALUES),
            min_size=1,
            max_size=3,
        ),
    ),
    sample_weight=st.sampled_from(("none", "first class only", "all", "huge")),
    validation=st.sampled_from(("none", "one class", "all classes")),
)
def test_class_weight_gives_a_model_or_an_error_naming_it(
    solver, alpha, class_weight, sample_weight, validation
):
    X, y, _ = _clean_data()
    sw = {
        "none": None,
        "first class only": (y == 0).astype(float),
        "all": np.linspace(0.5, 2.0, len(y)),
        "huge": np.full(len(y), 1e300),
    }[sample_weight]
    rows = {"none": None, "one class": y == 1, "all classes": slice(0, 9)}[validation]
    val = {} if rows is None else {"X_val": X[rows], "y_val": y[rows]}
    clf = BackpropClassifier(
        hidden_layer_sizes=(3,),
        solver=solver,
        alpha=alpha,
        class_weight=class_weight,
        max_iter=3,
        random_state=0,
    )
    outcome = _run_step(clf, clf.fit, X, y, sample_weight=sw, match="weight", **val)
    if not _raised(outcome):
        check_call(clf.predict_proba, X)
        return
    message = str(outcome)
    if "diverged" in message:  # an extreme total weight with alpha > 0
        assert "rescale class_weight" in message or "rescale sample_weight" in message
    else:
        assert "class_weight" in message or "sample_weight" in message


def test_class_weight_cases_of_the_issue():
    X, y, _ = _clean_data()
    y = y % 2
    clf = BackpropClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0)
    with pytest.raises(ValueError, match="class_weight must give at least one"):
        clf.set_params(class_weight={0: 0, 1: 0}).fit(X, y)
    with pytest.raises(ValueError, match="class_weight times sample_weight"):
        clf.set_params(class_weight={0: 0, 1: 1}).fit(X, y, sample_weight=1.0 - y)
    with pytest.raises(ValueError, match="class_weight on y_val"):
        clf.fit(X, y, X_val=X[y == 0], y_val=y[y == 0])
    with pytest.raises(ValueError, match="class_weight is too large"):
        clf.set_params(class_weight={0: 1e308, 1: 1e308}).fit(X, y)
    with pytest.raises(ValueError, match="rescale class_weight"):
        clf.set_params(class_weight={0: 1e-300, 1: 1e-300}, solver="lbfgs").fit(X, y)
    assert not hasattr(clf, "n_iter_")
    # huge but summable weights train as their ratios say
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        big = clf.set_params(class_weight={0: 1e300, 1: 1e300}).fit(X, y)
        unit = clone(clf).set_params(class_weight={0: 1.0, 1: 1.0}, alpha=0.0)
        big.set_params(alpha=0.0).fit(X, y)
        unit.fit(X, y)
    assert big.n_iter_ > 0
    np.testing.assert_allclose(big._theta, unit._theta, rtol=1e-7, atol=1e-10)


# ----------------------------------------------------------------------
# set_params between partial_fit calls

BAD_PARAMS = [
    {"activation": "softsign"},
    {"loss": "hinge"},
    {"beta_1": 1.0},
    {"beta_2": -0.1},
    {"learning_rate_init": -0.01},
    {"momentum": 2.0},
    {"learning_rate": "cyclic"},
    {"power_t": -1.0},
    {"epsilon": 0.0},
    {"alpha": -1.0},
    {"batch_size": 0},
]


@pytest.mark.parametrize("kind", ("clf-log_loss", "reg-squared_error"))
@pytest.mark.parametrize("bad", BAD_PARAMS, ids=lambda p: next(iter(p)))
def test_partial_fit_validates_parameters_on_every_call(kind, bad):
    X, _, _ = _clean_data()
    est, y = _make(kind, solver="adam")
    est.partial_fit(X, y, **({"classes": [0, 1, 2]} if kind[:3] == "clf" else {}))
    before = _snapshot(est)
    est.set_params(**bad)
    (name,) = bad
    with pytest.raises(ValueError, match=f"'{name}' parameter"):
        est.partial_fit(X, y)
    assert_identical(_snapshot(est), {**before, name: bad[name]})


# ----------------------------------------------------------------------
# Sparse targets


@pytest.mark.parametrize("solver", SOLVERS)
def test_sparse_multilabel_targets_train_as_dense_ones(solver):
    X, y, _ = _clean_data()
    Y = np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int)
    params = dict(hidden_layer_sizes=(3,), solver=solver, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dense = BackpropClassifier(**params).fit(X, Y)
        sparse = BackpropClassifier(**params).fit(
            X, sp.csr_matrix(Y), X_val=X[:9], y_val=sp.csr_matrix(Y[:9])
        )
    np.testing.assert_array_equal(sparse._theta, dense._theta)
    assert sparse.score(X, sp.csr_matrix(Y)) == dense.score(X, Y)
    if solver != "lbfgs":
        sparse.partial_fit(X, sp.csr_matrix(Y))
    with pytest.raises(ValueError, match="sparse y must be a multilabel indicator"):
        BackpropClassifier().fit(X, sp.csr_matrix(y[:, None] + 5))


def test_sparse_regression_targets_are_refused_clearly():
    X, _, y = _clean_data()
    Y = sp.csr_matrix(np.column_stack([y, -y]))
    reg = BackpropRegressor(hidden_layer_sizes=(3,), max_iter=2)
    for call in (
        lambda: reg.fit(X, Y),
        lambda: reg.fit(X, Y.toarray(), X_val=X, y_val=Y),
    ):
        with pytest.raises(TypeError, match=r"sparse matrix.*\.toarray\(\)"):
            call()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, Y.toarray())
    with pytest.raises(TypeError, match="y is a sparse matrix"):
        reg.score(X, Y)


# ----------------------------------------------------------------------
# Assigning coefs_ / intercepts_


@st.composite
def layer_values(draw, shape):
    kind = draw(
        st.sampled_from(
            (
                "float",
                "int",
                "bool",
                "complex",
                "object",
                "strings",
                "huge",
                "special",
                "shape",
                "nested",
            )
        )
    )
    if kind == "shape":
        shape = (shape[0] + 1, *shape[1:])
    value = draw(hnp.arrays(np.float64, shape, elements=st.floats(-2, 2)))
    if kind == "int":
        return value.astype(int)
    if kind == "bool":
        return value > 0
    if kind == "complex":
        return value + draw(st.sampled_from((0j, 1j)))
    if kind == "object":
        return value.astype(object)
    if kind == "strings":
        return value.astype(str) if value.size else np.array([["a"]])
    if kind == "huge":
        return value * 1e300
    if kind == "special" and value.size:
        _inject_specials(draw, value)
    if kind == "nested":
        return value.tolist()
    return value


@given(
    dtype=st.sampled_from((np.float64, np.float32)),
    which=st.sampled_from(("coefs_", "intercepts_")),
    whole=st.booleans(),
    data=st.data(),
)
def test_assigned_weights_are_used_exactly_or_refused_naming_the_layer(
    dtype, which, whole, data
):
    X, y, _ = _clean_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = BackpropClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
        clf.fit(X.astype(dtype), y)
    layers = [layer.copy() for layer in getattr(clf, which)]
    index = data.draw(st.integers(0, len(layers) - 1))
    value = data.draw(layer_values(layers[index].shape))
    before = _snapshot(clf)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ComplexWarning, RuntimeWarning, ...
        try:
            if whole:
                setattr(clf, which, [*layers[:index], value, *layers[index + 1 :]])
            else:
                getattr(clf, which)[index] = value
        except (TypeError, ValueError) as exc:
            assert f"{which}[{index}]" in str(exc), str(exc)
            assert_identical(before, _snapshot(clf))
            return
    got = getattr(clf, which)[index]
    assert got.dtype == dtype and np.isfinite(got).all()
    np.testing.assert_array_equal(got, np.asarray(value).astype(dtype))
    check_call(clf.predict_proba, X)


# ----------------------------------------------------------------------
# Tiny decay rates and messages


@pytest.mark.parametrize(
    ("param", "solver"), [("momentum", "sgd"), ("beta_1", "adam"), ("beta_2", "adam")]
)
@pytest.mark.parametrize(("dtype", "tiny"), [(np.float64, 1e-320), (np.float32, 1e-40)])
def test_tiny_decay_rates_train_as_zero_does(param, solver, dtype, tiny):
    X, y, _ = _clean_data()
    X = X.astype(dtype)
    models = []
    for value in (tiny, 0.0):
        clf = BackpropClassifier(
            hidden_layer_sizes=(3,), solver=solver, max_iter=20, random_state=0
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            models.append(clf.set_params(**{param: value}).fit(X, y))
    tiny_model, zero_model = models
    for value in tiny_model._opt_state.values():
        if isinstance(value, np.ndarray):
            assert np.isfinite(value).all()
    rtol = 1e-10 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(tiny_model._theta, zero_model._theta, rtol=rtol)


def test_labels_in_messages_are_printed_as_numpy_prints_them():
    X, y, _ = _clean_data()
    clf = BackpropClassifier(hidden_layer_sizes=(3,), solver="sgd")
    clf.partial_fit(X, y % 2, classes=np.array([0, 1]))
    with pytest.raises(ValueError) as error:
        clf.partial_fit(X, y)
    message = str(error.value)
    assert "[2]" in message and "[0 1]" in message
    assert "np.int64" not in message
