"""Activation functions and their derivatives.

Each activation ``f(z, out=None)`` writes ``a = f(z)`` into ``out`` (into ``z``
itself when ``out`` is None). Each derivative ``f'(a, delta, tmp)`` multiplies
the back-propagated error ``delta`` in place by ``f'(z)`` written in terms of
the *output* ``a`` (``a * (1 - a)`` for the logistic sigmoid), so the forward
pass need not keep ``z``; ``tmp`` is a scratch array shaped like ``a``.

Every function takes ``ops`` (see ``_ops``), the operations of the array
library at hand; numpy's by default. Callers use the returned array: numpy
writes it into ``out`` (or ``z``), other libraries may return a new one.

``HIDDEN`` lists the activations a hidden layer may use (the keys of
``DERIVATIVES``); ``'softmax'`` and ``'exp'`` only ever sit on the output layer,
where the loss supplies the output delta directly (see ``_losses``).
"""

import numpy as np

from ._ops import NUMPY


def identity(z: np.ndarray, out: np.ndarray | None = None, ops=NUMPY) -> np.ndarray:
    """``f(z) = z``."""
    if out is None or out is z or not ops.buffered:
        return z
    np.copyto(out, z)
    return out


def logistic(z: np.ndarray, out: np.ndarray | None = None, ops=NUMPY) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z)) = (1 + tanh(z / 2)) / 2``.

    The tanh form never overflows, so it needs no error-state handling and
    gives exactly 0 or 1 far out in the tails; numpy's vectorised tanh makes
    it 2-6 times faster than ``scipy.special.expit``.
    """
    out = z if out is None else out
    return logistic_of_half(ops.multiply(z, 0.5, out=out), ops=ops)


def logistic_of_half(h, out=None, ops=NUMPY):
    """``logistic(2 h) = (1 + tanh(h)) / 2``, for callers that have ``z / 2``.

    The network computes ``z / 2`` directly in its matrix product, saving the
    halving pass.
    """
    out = ops.tanh(h, out=h if out is None else out)
    out += 1.0
    out *= 0.5
    return out


def tanh(z: np.ndarray, out: np.ndarray | None = None, ops=NUMPY) -> np.ndarray:
    """Hyperbolic tangent."""
    return ops.tanh(z, out=z if out is None else out)


def relu(z: np.ndarray, out: np.ndarray | None = None, ops=NUMPY) -> np.ndarray:
    """Rectified linear unit ``max(z, 0)``."""
    return ops.maximum(z, 0, out=z if out is None else out)


def softmax(z: np.ndarray, out: np.ndarray | None = None, ops=NUMPY) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum so ``exp`` cannot overflow."""
    out = z if out is None else out
    out = ops.subtract(z, ops.row_max(z), out=out)
    out = ops.exp(out, out=out)
    out /= ops.row_sum(out, keepdims=True)
    return out


def exp(z: np.ndarray, out: np.ndarray | None = None, ops=NUMPY) -> np.ndarray:
    """Exponential (the inverse of the Poisson log link)."""
    return ops.exp(z, out=z if out is None else out)


def identity_derivative(a, delta, tmp=None, ops=NUMPY) -> None:
    """``f'(z) = 1``: nothing to do."""


def logistic_derivative(a, delta, tmp=None, ops=NUMPY) -> None:
    """``f'(z) = a (1 - a)``."""
    tmp = ops.subtract(1.0, a, out=tmp)
    tmp *= a
    delta *= tmp


def tanh_derivative(a, delta, tmp=None, ops=NUMPY) -> None:
    """``f'(z) = 1 - a**2``."""
    tmp = ops.multiply(a, a, out=tmp)
    tmp = ops.subtract(1.0, tmp, out=tmp)
    delta *= tmp


def relu_derivative(a, delta, tmp=None, ops=NUMPY) -> None:
    """``f'(z) = 1`` where ``a > 0``, else ``0`` (``sign(a)``, as ``a >= 0``)."""
    tmp = ops.sign(a, out=tmp)
    delta *= tmp


ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "tanh": tanh,
    "relu": relu,
    "softmax": softmax,
    "exp": exp,
}

DERIVATIVES = {
    "identity": identity_derivative,
    "logistic": logistic_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
}

HIDDEN = frozenset(DERIVATIVES)
