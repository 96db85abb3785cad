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
(a number) is the sample's share of the objective. It takes ``ops`` (see
``_ops``), the operations of the array library at hand, and returns
``(value, A, D)``: numpy fills the ``A`` and ``D`` buffers and returns them,
other libraries return new arrays; the value is a float from numpy and a 0-d
array from other libraries (read once per epoch, not per minibatch).
"""

from ._activations import ACTIVATIONS
from ._ops import numpy_ops


def _weighted_total(T, w, ops):
    """``sum_i w_i sum_k T_ik`` for a number or an ``(n, 1)`` column ``w``."""
    if isinstance(w, float):
        return ops.total(T) * w
    return _weighted_sum(ops.row_sum(T), w, ops)


def _weighted_sum(per_sample, w, ops):
    """``sum_i w_i per_sample_i`` for a number or an ``(n, 1)`` column ``w``."""
    if isinstance(w, float):
        return ops.total(per_sample) * w
    return ops.dot(per_sample, w[:, 0])


class SquaredError:
    """Half squared error, summed over outputs."""

    outputs = frozenset({"identity", "logistic"})

    def evaluate(self, out_activation, Z, Y, w, A, D, T, ops=None):
        """Return the weighted mean loss, ``A = g(z)`` and ``D = w (a - y) g'(z)``."""
        ops = ops or numpy_ops(Z.dtype)
        A = ACTIVATIONS[out_activation](Z, out=A, ops=ops)
        D = ops.subtract(A, Y, out=D)
        T = ops.multiply(D, D, out=T)
        value = 0.5 * _weighted_total(T, w, ops)
        D *= w
        if out_activation == "logistic":
            T = ops.subtract(1.0, A, out=T)
            T *= A
            D *= T
        return value, A, D


class LogLoss:
    """Cross-entropy, summed over outputs."""

    outputs = frozenset({"logistic", "softmax"})

    def evaluate(self, out_activation, Z, Y, w, A, D, T, ops=None):
        """Return the weighted mean loss, ``A = g(z)`` and ``D = w (a - y)``."""
        ops = ops or numpy_ops(Z.dtype)
        if out_activation == "softmax":
            # a = exp(z - m) / s and logsumexp(z) = m + log(s)
            m = ops.row_max(Z)
            A = ops.subtract(Z, m, out=A)
            A = ops.exp(A, out=A)
            s = ops.row_sum(A, keepdims=True)
            A /= s
            s = ops.log(s, out=s)
            s += m
            T = ops.multiply(Y, Z, out=T)
            value = _weighted_sum(s[:, 0] - ops.row_sum(T), w, ops)
        else:
            # softplus(z) = log(1 + e^z); a = sigmoid(z) = exp(z - softplus(z))
            T = ops.softplus(Z, out=T)
            A = ops.subtract(Z, T, out=A)
            A = ops.exp(A, out=A)
            D = ops.multiply(Y, Z, out=D)
            T -= D
            value = _weighted_total(T, w, ops)
        D = ops.subtract(A, Y, out=D)
        D *= w
        return value, A, D


class Poisson:
    """Half Poisson deviance with an exponential output."""

    outputs = frozenset({"exp"})

    def evaluate(self, out_activation, Z, Y, w, A, D, T, ops=None):
        """Return the weighted mean loss, ``A = exp(z)`` and ``D = w (a - y)``."""
        ops = ops or numpy_ops(Z.dtype)
        A = ops.exp(Z, out=A)
        T = ops.xlogy(Y, Y, out=T)
        T -= Y
        D = ops.multiply(Y, Z, out=D)
        T -= D
        T += A
        value = _weighted_total(T, w, ops)
        D = ops.subtract(A, Y, out=D)
        D *= w
        return value, A, D


LOSSES = {
    "squared_error": SquaredError(),
    "log_loss": LogLoss(),
    "poisson": Poisson(),
}
