"""ONNX export of BackpropClassifier and BackpropRegressor through skl2onnx.

Importing this module registers a skl2onnx converter for each estimator, so
that ``skl2onnx.to_onnx(est, X[:1])`` (or ``convert_sklearn``) converts fitted
estimators on their own or inside pipelines. It needs the ``onnx`` extra
(``pip install 'skbackprop[onnx]'``); ``import skbackprop`` does not import
skl2onnx.
Registering is idempotent; :func:`register` does it again, for example after
other code has overwritten the registrations.

The graph computes in the dtype of the ONNX input: double for a float64
input, float otherwise (the weights are cast to that dtype), so a model fitted
on float64 data and converted with a float64 sample matches ``predict`` and
``predict_proba`` to rounding. Layer ``l`` is ``z = a @ W[l] + b[l]``
(MatMul, Add) followed by Sigmoid, Tanh, Relu or nothing for the hidden
activations. The output units apply the logistic function as
``s(z) = 1 / (1 + Exp(-z))``, the formula of ``scipy.special.expit``, rather
than ONNX's Sigmoid, which onnxruntime approximates (its float32 Sigmoid
returns 0 for ``z < -18``): that would lose the small probabilities and
change the normalised squared-error ones. From the output logits ``z``:

- binary classifier (one logistic unit): probabilities ``[s(-z), s(z)]``,
  as ``predict_proba`` (exact in both tails, unlike ``1 - s(z)``);
- multiclass ``loss='log_loss'``: ``Softmax(z)``;
- multiclass ``loss='squared_error'``: one ``s(z)`` per class divided by the
  row sum (rows whose units are all 0 become uniform);
- multilabel: one ``s(z)`` per label; the label output is the int64 0/1
  matrix ``p > 0.5``;
- regressor: ``z``, ``s(z)`` or ``Exp(z)`` (poisson), always of shape
  ``(n_samples, n_outputs)`` as in skl2onnx's regressors (``predict``
  ravels a single output).

Classifiers follow skl2onnx's conventions and options: outputs ``label``
(``classes_[argmax(probabilities)]``, int64 for integer, boolean or
integral float labels, else strings) and ``probabilities``; ``zipmap``
(True, the default: a sequence of {class: probability} maps; False: a
tensor; 'columns': one output per class), ``nocl`` (class indices instead of
labels) and ``output_class_labels``. ONNX's ZipMap operator only holds float
values, so with a float64 input and ``zipmap=True`` the maps carry the
probabilities rounded to float32 (the label is computed before rounding);
use ``zipmap=False`` or ``'columns'`` for double precision.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> import skl2onnx
>>> from sklearn.datasets import load_iris
>>> from skbackprop import BackpropClassifier
>>> import skbackprop.onnx  # registers the converters
>>> X, y = load_iris(return_X_y=True)
>>> X = X.astype(np.float32)
>>> clf = BackpropClassifier((5,), solver="lbfgs", max_iter=2000,
...                          random_state=0).fit(X, y)
>>> onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
>>> session = ort.InferenceSession(onx.SerializeToString(),
...                                providers=["CPUExecutionProvider"])
>>> label, proba = session.run(None, {"X": X})
>>> bool((label == clf.predict(X)).all())
True
>>> bool(np.allclose(proba, clf.predict_proba(X), rtol=1e-5, atol=1e-5))
True
"""

import numpy as np

try:
    from skl2onnx import update_registered_converter
    from skl2onnx._parse import _parse_sklearn_classifier, _parse_sklearn_simple_model
    from skl2onnx.common._apply_operation import apply_reducesum
    from skl2onnx.common.data_types import (
        BooleanTensorType,
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
        guess_proto_type,
        guess_tensor_type,
    )
    from skl2onnx.common.utils import (
        check_input_and_output_numbers,
        check_input_and_output_types,
    )
    from skl2onnx.common.utils_classifier import get_label_classes
    from skl2onnx.proto import onnx_proto
except ImportError as exc:
    raise ImportError(
        "skbackprop.onnx needs skl2onnx (and onnxruntime to run the models): "
        "pip install 'skbackprop[onnx]'"
    ) from exc

from sklearn.utils.validation import check_is_fitted

from ._classifier import BackpropClassifier
from ._regressor import BackpropRegressor

__all__ = ["register"]

_FLOAT, _DOUBLE = onnx_proto.TensorProto.FLOAT, onnx_proto.TensorProto.DOUBLE
_INT64, _STRING = onnx_proto.TensorProto.INT64, onnx_proto.TensorProto.STRING
_INPUT_TYPES = [BooleanTensorType, DoubleTensorType, FloatTensorType, Int64TensorType]

# ONNX operator of each hidden activation; None is the identity (no node).
_HIDDEN_OPS = {"identity": None, "logistic": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}

_CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [True, False],
    "output_class_labels": [False, True],
}


# ----------------------------------------------------------------------
# Small graph-building helpers
def _node(scope, container, op_type, inputs, output=None, **attrs):
    """Add one ``op_type`` node; return the name of its output."""
    output = output or scope.get_unique_variable_name(op_type.lower())
    name = scope.get_unique_operator_name(op_type)
    container.add_node(op_type, inputs, output, name=name, **attrs)
    return output


def _constant(scope, container, array, hint):
    """Add ``array`` (float32, float64, int64 or bytes) as an initializer."""
    array = np.asarray(array)
    kinds = {"f": _FLOAT if array.dtype == np.float32 else _DOUBLE, "i": _INT64}
    onnx_type = kinds.get(array.dtype.kind, _STRING)
    name = scope.get_unique_variable_name(hint)
    container.add_initializer(name, onnx_type, list(array.shape), array.ravel())
    return name


def _compute_type(operator):
    """Proto type the graph computes in: double for a double input, else float."""
    return _DOUBLE if guess_proto_type(operator.inputs[0].type) == _DOUBLE else _FLOAT


def _tensor_type(proto_type):
    return DoubleTensorType if proto_type == _DOUBLE else FloatTensorType


def _numpy_dtype(proto_type):
    return np.float64 if proto_type == _DOUBLE else np.float32


def _one(scope, container, proto_type):
    """Add the constant 1; once per converter.

    skl2onnx replaces a repeated initializer by an Identity node stamped with
    the target opset, which would raise the model's opset for nothing.
    """
    return _constant(scope, container, _numpy_dtype(proto_type)(1), "one")


def _logistic(scope, container, minus_z, one, output=None):
    """Add the logistic function of ``z`` from ``-z``: ``1 / (1 + exp(-z))``.

    Exact wherever it does not under/overflow; ``exp(-z) = inf`` gives 0, as
    ``scipy.special.expit``. ``one`` names the constant 1.
    """
    e = _node(scope, container, "Exp", minus_z)
    denominator = _node(scope, container, "Add", [one, e])
    return _node(scope, container, "Div", [one, denominator], output)


# ----------------------------------------------------------------------
# The network
def _logits(scope, operator, container, proto_type):
    """Add the forward pass up to the output logits ``z``; return its name."""
    model = operator.raw_operator
    dtype = _numpy_dtype(proto_type)
    a = _node(scope, container, "Cast", operator.inputs[0].full_name, to=proto_type)
    hidden = _HIDDEN_OPS[model.activation]
    last = len(model.coefs_) - 1
    for i, (W, b) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
        W_name = _constant(scope, container, np.asarray(W, dtype=dtype), "coef")
        b_name = _constant(scope, container, np.asarray(b, dtype=dtype)[None], "bias")
        z = _node(scope, container, "MatMul", [a, W_name])
        z = _node(scope, container, "Add", [z, b_name])
        a = z if i == last or hidden is None else _node(scope, container, hidden, z)
    return z


def _probabilities(scope, container, model, z, proto_type):
    """Add ``predict_proba``'s computation from the logits; return its name."""
    if model.out_activation_ == "softmax":
        return _node(scope, container, "Softmax", z, axis=1)
    one = _one(scope, container, proto_type)
    minus_z = _node(scope, container, "Neg", z)
    if model._label_type == "binary":
        # s(-z) rather than 1 - s(z): exact for saturated units
        columns = [_logistic(scope, container, t, one) for t in (z, minus_z)]
        return _node(scope, container, "Concat", columns, axis=1)
    p = _logistic(scope, container, minus_z, one)
    if model._label_type != "multiclass":  # multilabel: one unit per label
        return p
    # squared error: the units normalised by their sum, uniform where it is 0
    dtype = _numpy_dtype(proto_type)
    n_classes = len(model.classes_)
    total = scope.get_unique_variable_name("total")
    apply_reducesum(scope, p, total, container, axes=[1], keepdims=1, rank=2)
    ratio = _node(scope, container, "Div", [p, total])
    zero = _constant(scope, container, np.zeros((1, 1), dtype), "zero")
    positive = _node(scope, container, "Greater", [total, zero])
    uniform = np.full((1, n_classes), 1 / n_classes, dtype=dtype)
    uniform = _constant(scope, container, uniform, "uniform")
    return _node(scope, container, "Where", [positive, ratio, uniform])


def _export_classes(scope, model):
    """Class labels as the graph outputs them: int64, or UTF-8 bytes.

    ``nocl=True`` gives the class indices. Float labels are integral (the
    classifier refuses continuous targets) and become int64, as in skl2onnx.
    """
    classes = np.asarray(get_label_classes(scope, model))
    if classes.dtype.kind in "biuf":
        return classes.astype(np.int64)
    return np.array([str(c).encode("utf-8") for c in classes])


# ----------------------------------------------------------------------
# Classifier
def _parse_classifier(scope, model, inputs, custom_parsers=None):
    """skl2onnx's classifier parser, plus ``zipmap='columns'`` with ``nocl``.

    skl2onnx (1.20 included) names the columns after the class indices that
    ``nocl`` gives and fails; they are named ``i0``, ``i1``, ... here.
    """
    check_is_fitted(model)
    options = scope.get_options(model, {"zipmap": True, "nocl": False})
    if options["zipmap"] != "columns" or not options["nocl"]:
        return _parse_sklearn_classifier(scope, model, inputs, custom_parsers)
    probability_tensor = _parse_sklearn_simple_model(
        scope, model, inputs, custom_parsers=custom_parsers
    )
    zipmap = scope.declare_local_operator("SklearnZipMapColumns")
    zipmap.inputs = probability_tensor
    n_classes = len(model.classes_)
    zipmap.classlabels_int64s = list(range(n_classes))
    label = scope.declare_local_variable("output_label", Int64TensorType([None]))
    zipmap.outputs.append(label)
    for i in range(n_classes):
        column = scope.declare_local_variable(
            f"i{i}", guess_tensor_type(inputs[0].type)
        )
        zipmap.outputs.append(column)
    zipmap.init_status(is_evaluated=True)
    return zipmap.outputs


def _classifier_shapes(operator):
    """Declare the label and probability outputs of a BackpropClassifier."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    check_input_and_output_types(operator, good_input_types=_INPUT_TYPES)
    model = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    n_columns = 2 if model._label_type == "binary" else len(model.classes_)
    if model._label_type == "multilabel-indicator":
        label = Int64TensorType([n, n_columns])
    elif _export_classes(operator.scope_inst, model).dtype.kind == "i":
        label = Int64TensorType([n])
    else:
        label = StringTensorType([n])
    proto_type = _compute_type(operator)
    options = operator.scope_inst.get_options(model, {"zipmap": True})
    if options["zipmap"] is True:  # ONNX's ZipMap only takes floats
        proto_type = _FLOAT
    operator.outputs[0].type = label
    operator.outputs[1].type = _tensor_type(proto_type)([n, n_columns])


def _convert_classifier(scope, operator, container):
    """Add a BackpropClassifier's graph: labels and probabilities."""
    model = operator.raw_operator
    proto_type = _compute_type(operator)
    z = _logits(scope, operator, container, proto_type)
    proba = _probabilities(scope, container, model, z, proto_type)
    label_out, proba_out = (v.full_name for v in operator.outputs)
    if model._label_type == "multilabel-indicator":
        half = np.full((1, 1), 0.5, dtype=_numpy_dtype(proto_type))
        half = _constant(scope, container, half, "half")
        above = _node(scope, container, "Greater", [proba, half])
        _node(scope, container, "Cast", above, label_out, to=_INT64)
    else:
        index = _node(scope, container, "ArgMax", proba, axis=1, keepdims=0)
        classes = _constant(scope, container, _export_classes(scope, model), "classes")
        _node(scope, container, "Gather", [classes, index], label_out, axis=0)
    out_type = guess_proto_type(operator.outputs[1].type)
    if out_type == proto_type:
        _node(scope, container, "Identity", proba, proba_out)
    else:  # double probabilities for ZipMap, which only takes floats
        _node(scope, container, "Cast", proba, proba_out, to=out_type)


# ----------------------------------------------------------------------
# Regressor
def _parse_regressor(scope, model, inputs, custom_parsers=None):
    """skl2onnx's parser of a one-output model, for a fitted regressor only."""
    check_is_fitted(model)
    return _parse_sklearn_simple_model(scope, model, inputs, custom_parsers)


def _regressor_shapes(operator):
    """Declare the ``(n_samples, n_outputs)`` output of a BackpropRegressor."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    check_input_and_output_types(operator, good_input_types=_INPUT_TYPES)
    n = operator.inputs[0].get_first_dimension()
    tensor_type = _tensor_type(_compute_type(operator))
    operator.outputs[0].type = tensor_type([n, operator.raw_operator.n_outputs_])


def _convert_regressor(scope, operator, container):
    """Add a BackpropRegressor's graph: the output activation of the logits."""
    proto_type = _compute_type(operator)
    z = _logits(scope, operator, container, proto_type)
    output = operator.outputs[0].full_name
    out_activation = operator.raw_operator.out_activation_
    if out_activation == "logistic":
        minus_z = _node(scope, container, "Neg", z)
        _logistic(scope, container, minus_z, _one(scope, container, proto_type), output)
    else:
        op_type = {"identity": "Identity", "exp": "Exp"}[out_activation]
        _node(scope, container, op_type, z, output)


# ----------------------------------------------------------------------
def register():
    """Register the skl2onnx converters of both estimators.

    Called when this module is imported; calling it again re-registers them
    (the registrations are replaced, not duplicated).
    """
    update_registered_converter(
        BackpropClassifier,
        "SkbackpropBackpropClassifier",
        _classifier_shapes,
        _convert_classifier,
        parser=_parse_classifier,
        options=_CLASSIFIER_OPTIONS,
    )
    update_registered_converter(
        BackpropRegressor,
        "SkbackpropBackpropRegressor",
        _regressor_shapes,
        _convert_regressor,
        parser=_parse_regressor,
    )


register()
