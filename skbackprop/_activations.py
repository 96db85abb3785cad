"""Activation functions and their derivatives.

Each activation works in place: it receives the pre-activation ``z`` and
leaves the output ``a = f(z)`` in the same array. Each derivative multiplies
the back-propagated error ``delta`` in place by ``f'(z)``, written in terms of
the *output* ``a`` (``a * (1 - a)`` for the logistic sigmoid), so the forward
pass does not have to keep ``z``.

``HIDDEN`` lists the activations a hidden layer may use (the keys of
``DERIVATIVES``); ``'softmax'`` and ``'exp'`` only ever sit on the output layer,
where the loss supplies the output delta directly (see ``_losses``).
"""

import numpy as np
from scipy.special import expit


def identity(z: np.ndarray) -> None:
    """Leave ``z`` unchanged: ``f(z) = z``."""


def logistic(z: np.ndarray) -> None:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, overflow-free for any finite z."""
    expit(z, out=z)


def tanh(z: np.ndarray) -> None:
    """Hyperbolic tangent."""
    np.tanh(z, out=z)


def relu(z: np.ndarray) -> None:
    """Rectified linear unit ``max(z, 0)``."""
    np.maximum(z, 0, out=z)


def softmax(z: np.ndarray) -> None:
    """Row-wise softmax, shifted by the row maximum so ``exp`` cannot overflow."""
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)


def exp(z: np.ndarray) -> None:
    """Exponential (the inverse of the Poisson log link)."""
    np.exp(z, out=z)


def identity_derivative(a: np.ndarray, delta: np.ndarray) -> None:
    """``f'(z) = 1``: nothing to do."""


def logistic_derivative(a: np.ndarray, delta: np.ndarray) -> None:
    """``f'(z) = a (1 - a)``."""
    delta *= a
    delta *= 1 - a


def tanh_derivative(a: np.ndarray, delta: np.ndarray) -> None:
    """``f'(z) = 1 - a**2``."""
    delta *= 1 - a**2


def relu_derivative(a: np.ndarray, delta: np.ndarray) -> None:
    """``f'(z) = 1`` where ``a > 0``, else ``0``."""
    delta[a == 0] = 0


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
