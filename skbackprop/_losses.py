"""Loss functions: each owns its output units' activation, value and delta.

Notation (per sample, outputs indexed by k): ``z`` is the output layer's
pre-activation, ``a = g(z)`` its output, ``y`` the target. Every loss is a sum
over output units; the objective is the (sample-weighted) mean over samples:

- ``squared_error``: ``L = 1/2 sum_k (a_k - y_k)**2``, with
  ``dL/dz_k = (a_k - y_k) g'(z_k)``: ``a - y`` for an identity output,
  ``(a - y) a (1 - a)`` for a logistic one (the classic network; NOT ``a - y``).
- ``log_loss`` (cross-entropy): for logistic outputs
  ``L = -sum_k [y_k log a_k + (1 - y_k) log(1 - a_k)]``, computed from the
  logits as ``sum_k [log(1 + exp(z_k)) - y_k z_k]``; for a softmax output
  ``L = -sum_k y_k log a_k = logsumexp(z) - sum_k y_k z_k`` (rows of y sum to
  one). Both give ``dL/dz = a - y``.
- ``poisson`` (half Poisson deviance) with an exponential output ``a = exp(z)``:
  ``L = sum_k [y_k log(y_k / a_k) - y_k + a_k]``, ``dL/dz = a - y``.

``a - y`` holds exactly for the canonical pairs (logistic or softmax with
cross-entropy, identity with squared error, exp with Poisson); every other
pair multiplies by the output derivative. Computing the cross-entropies from
``z`` keeps them finite and exact where ``a`` rounds to 0 or 1.

``evaluate`` does all of it in one pass over the output layer during
training: it fills ``A = g(Z)``, returns the weighted mean loss, and fills
``D`` with ``w_i * dL/dz``, where ``w_i = s_i / S`` (a column) or ``1 / n``
(a number) is the sample's share of the objective.
"""

import numpy as np
from scipy.special import xlogy

from ._activations import ACTIVATIONS
from ._blas import blas_for


def _weighted_total(T: np.ndarray, w) -> float:
    """``sum_i w_i sum_k T_ik`` for a number or an ``(n, 1)`` column ``w``."""
    if isinstance(w, float):
        return float(np.add.reduce(T, axis=None)) * w
    return _weighted_sum(np.add.reduce(T, axis=1), w)


def _weighted_sum(per_sample: np.ndarray, w) -> float:
    """``sum_i w_i per_sample_i`` for a number or an ``(n, 1)`` column ``w``."""
    if isinstance(w, float):
        return float(np.add.reduce(per_sample)) * w
    return float(blas_for(per_sample.dtype).dot(per_sample, w[:, 0]))


class SquaredError:
    """Half squared error, summed over outputs."""

    outputs = frozenset({"identity", "logistic"})

    def evaluate(self, out_activation, Z, Y, w, A, D, T) -> float:
        """Fill ``A`` and ``D = w (a - y) g'(z)``; return the weighted mean loss."""
        ACTIVATIONS[out_activation](Z, out=A)
        np.subtract(A, Y, out=D)
        np.multiply(D, D, out=T)
        value = 0.5 * _weighted_total(T, w)
        D *= w
        if out_activation == "logistic":
            np.subtract(1.0, A, out=T)
            T *= A
            D *= T
        return value


class LogLoss:
    """Cross-entropy, summed over outputs."""

    outputs = frozenset({"logistic", "softmax"})

    def evaluate(self, out_activation, Z, Y, w, A, D, T) -> float:
        """Fill ``A`` and ``D = w (a - y)``; return the weighted mean loss."""
        if out_activation == "softmax":
            # a = exp(z - m) / s and logsumexp(z) = m + log(s)
            m = np.maximum.reduce(Z, axis=1, keepdims=True)
            np.subtract(Z, m, out=A)
            np.exp(A, out=A)
            s = np.add.reduce(A, axis=1, keepdims=True)
            A /= s
            np.log(s, out=s)
            s += m
            np.multiply(Y, Z, out=T)
            value = _weighted_sum(s[:, 0] - np.add.reduce(T, axis=1), w)
        else:
            # softplus(z) = log(1 + e^z); a = sigmoid(z) = exp(z - softplus(z))
            np.logaddexp(0.0, Z, out=T)
            np.subtract(Z, T, out=A)
            np.exp(A, out=A)
            np.multiply(Y, Z, out=D)
            T -= D
            value = _weighted_total(T, w)
        np.subtract(A, Y, out=D)
        D *= w
        return value


class Poisson:
    """Half Poisson deviance with an exponential output."""

    outputs = frozenset({"exp"})

    def evaluate(self, out_activation, Z, Y, w, A, D, T) -> float:
        """Fill ``A = exp(z)`` and ``D = w (a - y)``; return the weighted mean."""
        np.exp(Z, out=A)
        xlogy(Y, Y, out=T)
        T -= Y
        np.multiply(Y, Z, out=D)
        T -= D
        T += A
        value = _weighted_total(T, w)
        np.subtract(A, Y, out=D)
        D *= w
        return value


LOSSES = {
    "squared_error": SquaredError(),
    "log_loss": LogLoss(),
    "poisson": Poisson(),
}
