"""Docstrings: valid numpydoc, and every fitted attribute documented.

Two checks in scikit-learn's manner:

- ``sklearn/tests/test_docstring_parameters.py::test_fit_docstring_attributes``:
  each estimator is fitted in the configurations that set different
  attributes (every solver; early stopping; validation data given to ``fit``
  and to ``partial_fit``; binary, multiclass and multilabel targets with
  class weights; one and several regression outputs; feature names), and
  every public attribute ending in ``_`` that the fitted estimator has (its
  instance attributes and its properties) must be in the class's Attributes
  section. Conversely every documented attribute must be set by one of the
  configurations at least, and by all of them unless its description says
  "only" (scikit-learn's convention for conditional attributes such as
  ``feature_names_in_``).
- ``sklearn/tests/test_docstrings.py``: the classes and their public methods
  and properties pass ``numpydoc.validate`` up to the same ignore list;
  among others, parameters are documented in the order of the signature,
  with types, and sections come in numpydoc's order.
"""

import inspect
import re

import numpy as np
import pytest
from numpydoc import docscrape
from numpydoc import validate as numpydoc_validation

from skbackprop import BackpropClassifier, BackpropRegressor, LossCurveDisplay

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(3,), max_iter=3, random_state=0)


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    binary = (X[:, 0] > 0).astype(int)
    multiclass = binary + (X[:, 1] > 0)
    multilabel = np.c_[X[:, 0] > 0, X[:, 1] > 0, X[:, 2] > 0].astype(int)
    target = X @ np.array([1.0, -2.0, 0.5])
    return X, binary, multiclass, multilabel, target


def _classifiers(X, binary, multiclass, multilabel):
    C = BackpropClassifier
    half = dict(X_val=X[20:], y_val=multiclass[20:])
    pfit = C(solver="sgd", **SMALL).partial_fit(
        X[:20], multiclass[:20], classes=[0, 1, 2], **half
    )
    warm = C(solver="adam", warm_start=True, early_stopping=True, **SMALL)
    warm = warm.fit(X, multiclass).fit(X, multiclass)
    return {
        "adam-early-stopping": C(early_stopping=True, **SMALL).fit(X, multiclass),
        "sgd-validation-data": C(solver="sgd", **SMALL).fit(
            X[:20], multiclass[:20], **half
        ),
        "lbfgs": C(solver="lbfgs", **SMALL).fit(X, binary),
        "lbfgs-validation-data": C(solver="lbfgs", early_stopping=True, **SMALL).fit(
            X[:20], multiclass[:20], **half
        ),
        "multilabel": C(**SMALL).fit(X, multilabel),
        "class-weight": C(class_weight="balanced", loss="squared_error", **SMALL).fit(
            X, multiclass, sample_weight=np.linspace(0.5, 2, len(X))
        ),
        "partial-fit-validation-data": pfit.partial_fit(X[:20], multiclass[:20]),
        "warm-start": warm,
        "to-numpy": C(solver="sgd", early_stopping=True, **SMALL)
        .fit(X, binary)
        .to_numpy(),
    }


def _regressors(X, target):
    R = BackpropRegressor
    half = dict(X_val=X[20:], y_val=target[20:])
    return {
        "adam-early-stopping": R(early_stopping=True, **SMALL).fit(X, target),
        "sgd-validation-data": R(solver="sgd", **SMALL).fit(
            X[:20], target[:20], **half
        ),
        "lbfgs": R(solver="lbfgs", **SMALL).fit(X, np.c_[target, -target]),
        "poisson": R("poisson", solver="lbfgs", **SMALL).fit(X, np.exp(target / 4)),
        "log-loss": R("log_loss", output_activation="logistic", **SMALL).fit(
            X, 1 / (1 + np.exp(-target))
        ),
        "partial-fit-validation-data": R(solver="adam", **SMALL).partial_fit(
            X[:20], target[:20], **half
        ),
        "to-numpy": R(solver="lbfgs", **SMALL).fit(X, target).to_numpy(),
    }


@pytest.fixture(scope="module")
def fitted():
    """``{estimator class: {configuration: fitted estimator}}``, fitted once."""
    X, binary, multiclass, multilabel, target = _data()
    estimators = {
        BackpropClassifier: _classifiers(X, binary, multiclass, multilabel),
        BackpropRegressor: _regressors(X, target),
    }
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    estimators[BackpropClassifier]["feature-names"] = BackpropClassifier(**SMALL).fit(
        frame, binary
    )
    estimators[BackpropRegressor]["feature-names"] = BackpropRegressor(**SMALL).fit(
        frame, target
    )
    return estimators


def _documented(Estimator):
    """``{name: description}`` of the Attributes section."""
    attributes = docscrape.ClassDoc(Estimator)["Attributes"]
    return {a.name: " ".join(a.desc) for a in attributes}


def _public_fitted_attributes(est):
    """Public names ending in ``_`` on ``est``: instance attributes and properties."""
    names = set(vars(est))
    for klass in type(est).__mro__:
        names.update(k for k, v in vars(klass).items() if isinstance(v, property))
    return {
        name
        for name in names
        if name.endswith("_") and not name.startswith("_") and hasattr(est, name)
    }


CONFIGURATIONS = [
    (BackpropClassifier, config)
    for config in [
        "adam-early-stopping",
        "sgd-validation-data",
        "lbfgs",
        "lbfgs-validation-data",
        "multilabel",
        "class-weight",
        "partial-fit-validation-data",
        "warm-start",
        "to-numpy",
        "feature-names",
    ]
] + [
    (BackpropRegressor, config)
    for config in [
        "adam-early-stopping",
        "sgd-validation-data",
        "lbfgs",
        "poisson",
        "log-loss",
        "partial-fit-validation-data",
        "to-numpy",
        "feature-names",
    ]
]


@pytest.mark.parametrize(
    "Estimator, config",
    CONFIGURATIONS,
    ids=[f"{E.__name__}-{c}" for E, c in CONFIGURATIONS],
)
def test_fitted_attributes_are_documented(fitted, Estimator, config):
    est = fitted[Estimator][config]
    documented = _documented(Estimator)
    undocumented = _public_fitted_attributes(est) - set(documented)
    assert not undocumented, (
        f"{Estimator.__name__} ({config}) sets attributes its docstring's "
        f"Attributes section does not document: {sorted(undocumented)}"
    )
    unconditional = {n for n, desc in documented.items() if "only " not in desc}
    missing = {name for name in unconditional if not hasattr(est, name)}
    assert not missing, (
        f"{Estimator.__name__} ({config}) lacks documented attributes whose "
        f"description does not say 'only': {sorted(missing)}"
    )


def test_configurations_cover_every_estimator(fitted):
    for Estimator, configs in fitted.items():
        assert set(configs) == {c for E, c in CONFIGURATIONS if E is Estimator}


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_every_documented_attribute_is_set_by_some_fit(fitted, Estimator):
    seen = set().union(
        *(_public_fitted_attributes(est) for est in fitted[Estimator].values())
    )
    never = set(_documented(Estimator)) - seen
    assert not never, (
        f"{Estimator.__name__} documents attributes no fit sets: {sorted(never)}"
    )


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_one_attributes_section(Estimator):
    """Properties are documented in the class's Attributes, not only their own."""
    names = list(_documented(Estimator))
    assert len(names) == len(set(names)), "an attribute is documented twice"
    properties = [
        name
        for klass in Estimator.__mro__
        for name, value in vars(klass).items()
        if isinstance(value, property) and not name.startswith("_")
    ]
    assert set(properties) <= set(names)


# ---------------------------------------------------------------- numpydoc


def _public_members(Klass):
    """Public methods and properties of ``Klass``, then None (the class itself)."""
    members = []
    for name in dir(Klass):
        if name.startswith("_"):
            continue
        static = inspect.getattr_static(Klass, name)
        if isinstance(static, property) or callable(getattr(Klass, name)):
            members.append(name)
    return [*sorted(members), None]


def _filter_errors(errors, method, Klass):
    """scikit-learn's ``filter_errors`` (sklearn/tests/test_docstrings.py)."""
    for code, message in errors:
        # RT02: the Returns line may name the returned object; GL01, GL02:
        # blank-line placement, to allow short property docstrings
        if code in ("RT02", "GL01", "GL02"):
            continue
        # properties have no signature to check parameters against
        if code in ("PR02", "GL08") and Klass is not None and method is not None:
            if isinstance(inspect.getattr_static(Klass, method), property):
                continue
        # extended summary, See Also and Examples are required of classes only
        if method is not None and code in ("EX01", "SA01", "ES01"):
            continue
        yield code, message


DOCUMENTED = [
    (Klass, method)
    for Klass in (BackpropClassifier, BackpropRegressor, LossCurveDisplay)
    for method in _public_members(Klass)
]


@pytest.mark.parametrize(
    "Klass, method",
    DOCUMENTED,
    ids=[f"{K.__name__}.{m or '__init__'}" for K, m in DOCUMENTED],
)
def test_numpydoc_validation(Klass, method):
    import_path = f"{Klass.__module__}.{Klass.__name__}"
    if method is not None:
        import_path += f".{method}"
    result = numpydoc_validation.validate(import_path)
    errors = list(_filter_errors(result["errors"], method, Klass))
    assert not errors, f"{import_path}:\n" + "\n".join(
        f"  {code}: {message}" for code, message in errors
    )


def test_onnx_register_docstring():
    pytest.importorskip("skl2onnx")
    result = numpydoc_validation.validate("skbackprop.onnx.register")
    errors = list(_filter_errors(result["errors"], "function", None))
    assert not errors, errors


@pytest.mark.parametrize("Klass", [BackpropClassifier, BackpropRegressor])
def test_references_are_cited(Klass):
    """Every reference is cited in the text, and every citation has a reference."""
    doc = inspect.getdoc(Klass)
    body, _, references = doc.partition("\nReferences\n----------\n")
    labels = re.findall(r"^\.\. \[(\w+)\]", references, flags=re.MULTILINE)
    cited = set(re.findall(r"\[(\w+)\]_", body))
    assert labels, "no References section"
    assert set(labels) == cited, (sorted(labels), sorted(cited))
