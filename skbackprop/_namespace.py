"""Array libraries other than numpy: which one, which device, moving arrays.

With scikit-learn's array API dispatch on (``sklearn.set_config(
array_api_dispatch=True)``), an estimator given ``X`` from an array API
library -- a PyTorch tensor, a CuPy array, an array-api-strict array --
trains and predicts in that library, on ``X``'s device. This is the one
module that knows how: it finds the namespace and device of ``X`` (with
``array-api-compat``, the ``array-api`` extra), moves arrays between the host
and the device, and checks that the arrays of one call agree. Everything
else receives a :class:`Namespace` and computes through its ``ops`` (see
``_ops``).

What stays on the host: labels and their encoding, sample and class weights
while they are checked (then moved), the random draws (initial weights,
minibatch order: drawn with the estimator's ``rng`` on the host, then moved,
so every library follows the same trajectory), the early-stopping split,
and L-BFGS's flat vector (scipy's).
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn import get_config

from ._ops import ArrayOps, numpy_ops

_EXTRA = (
    "Array API support needs array-api-compat: pip install 'skbackprop[array-api]' "
    "(besides your array library, e.g. torch or cupy)."
)


def _compat():
    try:
        import array_api_compat
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise ImportError(_EXTRA) from exc
    return array_api_compat


@dataclass(frozen=True, eq=False)
class Namespace:
    """An array library (``xp``) and a device, with their operations."""

    xp: object
    device: object
    ops: ArrayOps

    @property
    def name(self) -> str:
        """The library's name, as scikit-learn reports it."""
        return self.xp.__name__

    def host_dtype(self, dtype) -> np.dtype:
        """Return the numpy dtype of the library's float ``dtype``."""
        return np.dtype(np.float32 if dtype == self.xp.float32 else np.float64)

    def supports_float64(self) -> bool:
        """Whether the device computes in float64 (Apple's MPS does not)."""
        try:
            info = self.xp.__array_namespace_info__()
            return "float64" in info.dtypes(kind="real floating", device=self.device)
        except (AttributeError, TypeError):  # pragma: no cover - old libraries
            return True

    def asarray(self, a, dtype=None):
        """Host data (numpy) on this device, as ``dtype`` (numpy's or the library's)."""
        return self.ops.asarray(a, dtype)


def _is_foreign_array(x) -> bool:
    """Whether ``x`` is an array of a library other than numpy (not sparse)."""
    if x is None or isinstance(x, np.ndarray) or sp.issparse(x):
        return False
    return hasattr(x, "__array_namespace__") or hasattr(x, "__dlpack__")


def dispatching() -> bool:
    """Whether scikit-learn's array API dispatch is on."""
    return bool(get_config().get("array_api_dispatch", False))


class TorchOps(ArrayOps):
    """``ArrayOps`` for PyTorch: the same operations in fewer kernels.

    On a GPU each operation is a kernel launch, and launches dominate a
    small minibatch step. PyTorch fuses a product with its addition
    (``addmm``) and a scaled update (``add_(x, alpha=a)``), and gathers rows
    without the negative-index handling of the array API ``take``: a step of
    the MNIST-shaped network (784-196-10, adam) makes 44 PyTorch calls that
    are not views instead of 60. The results are those of ``ArrayOps`` up to
    rounding. Scale factors on the device (the weight decay over a total
    sample weight kept there) take ``ArrayOps``' path: PyTorch's fused forms
    want numbers.
    """

    def axpy(self, x, y, a) -> None:
        if isinstance(a, (int, float)):
            y.add_(x, alpha=a)
        else:
            super().axpy(x, y, a)

    def affine(self, a, W, b, out=None, scale=1.0):
        return b.addmm(a, W, beta=scale, alpha=scale)

    def weight_grad(self, a, d, W, beta, out=None):
        if not isinstance(beta, (int, float)):
            return super().weight_grad(a, d, W, beta)
        if beta == 0.0:
            return a.T @ d
        return W.addmm(a.T, d, beta=beta)

    def take(self, x, rows, out=None):
        return x.index_select(0, rows)


def _ops_for(xp, device) -> ArrayOps:
    torch = _compat().is_torch_namespace(xp)
    return (TorchOps if torch else ArrayOps)(xp, device, to_host)


@lru_cache(maxsize=16)
def _cached_namespace(xp, device) -> Namespace:
    return Namespace(xp, device, _ops_for(xp, device))


def _namespace(xp, device) -> Namespace:
    try:
        return _cached_namespace(xp, device)
    except TypeError:  # an unhashable device
        return Namespace(xp, device, _ops_for(xp, device))


def namespace_of(X) -> Namespace | None:
    """Return the library and device of ``X``; None for numpy or dispatch off."""
    if not (dispatching() and _is_foreign_array(X)):
        return None
    compat = _compat()
    if compat.is_numpy_array(X):
        return None
    return _namespace(compat.array_namespace(X), compat.device(X))


def namespace_of_array(a) -> Namespace | None:
    """Return the library of a fitted array (any config); None for numpy."""
    if not _is_foreign_array(a):
        return None
    compat = _compat()
    return _namespace(compat.array_namespace(a), compat.device(a))


def ops_for(theta):
    """Return the operations for arrays like ``theta`` (numpy's or another's)."""
    ns = namespace_of_array(theta)
    return numpy_ops(theta.dtype) if ns is None else ns.ops


def to_host(x):
    """``x`` as a numpy array when it is another library's array; else ``x``."""
    if not _is_foreign_array(x):
        return x
    compat = _compat()
    if compat.is_torch_array(x):
        return x.detach().cpu().numpy()
    if compat.is_cupy_array(x):
        return x.get()
    try:
        return np.from_dlpack(x)
    except (TypeError, RuntimeError, BufferError, ValueError):
        return np.asarray(x)


def _describe(ns: Namespace | None) -> str:
    return "numpy" if ns is None else f"{ns.name} on device {ns.device!r}"


def check_same(ns: Namespace, value, name: str):
    """Raise unless ``value`` is an array of ``ns``'s library on its device."""
    other = namespace_of(value) if _is_foreign_array(value) else None
    if other is None or other.xp is not ns.xp or other.device != ns.device:
        raise ValueError(
            f"{name} must be in the same array namespace and on the same device as "
            f"X ({_describe(ns)}), got {_describe(other)}."
        )


def check_fitted_namespace(estimator, X, method: str) -> Namespace | None:
    """Return the fitted model's namespace, after checking ``X`` agrees with it.

    As scikit-learn's array API estimators do (``check_same_namespace``),
    only with dispatch on: a model fitted on one library or device predicts
    only on inputs of the same.
    """
    fitted = namespace_of_array(estimator._theta)
    if not dispatching():
        if fitted is not None:
            raise ValueError(
                f"{type(estimator).__name__} was fitted on {_describe(fitted)} "
                f"arrays; call {method}() with array_api_dispatch=True "
                "(sklearn.config_context) and inputs on that device, or move the "
                "model to the host first with to_numpy()."
            )
        return None
    given = namespace_of(X)
    same = (fitted is None and given is None) or (
        fitted is not None
        and given is not None
        and fitted.xp is given.xp
        and fitted.device == given.device
    )
    if not same:
        raise ValueError(
            f"Inputs passed to {type(estimator).__name__}.{method}() must use the "
            "same namespace and the same device as those passed to fit(). The "
            f"model was fitted on {_describe(fitted)}, the input is "
            f"{_describe(given)}; move the input, or move the model to the host "
            "with to_numpy()."
        )
    return fitted


def cast_finite_on_device(ns: Namespace, X, dtype, name: str):
    """``X`` cast to the model's ``dtype`` on its device; raise if that overflows."""
    cast = ns.xp.astype(X, dtype)
    if not ns.ops.all_finite(cast):
        raise ValueError(
            f"{name} has values too large for the model's dtype ({dtype})."
        )
    return cast


def take_rows(ns: Namespace, X, rows):
    """Rows ``rows`` (host indices) of ``X``, on its device."""
    return ns.xp.take(X, ns.xp.asarray(np.asarray(rows), device=ns.device), axis=0)


def move_to_host(value):
    """Return a numpy copy of ``value``, and of the arrays in a dict or list."""
    if isinstance(value, dict):
        return {k: move_to_host(v) for k, v in value.items()}
    if type(value) is list:  # (not the coefs_ views' list)
        return [move_to_host(v) for v in value]
    if _is_foreign_array(value):
        return np.array(to_host(value), copy=True)
    return value
