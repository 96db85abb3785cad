"""Loss functions: each owns its value and its output delta ``dL/dz``.

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
"""

import numpy as np
from scipy.special import xlogy


def _logsumexp_rows(Z: np.ndarray) -> np.ndarray:
    """``log(sum_k exp(z_k))`` per row, shifted by the row maximum."""
    m = Z.max(axis=1)
    return m + np.log(np.exp(Z - m[:, np.newaxis]).sum(axis=1))


def _weighted_mean(per_sample: np.ndarray, sample_weight: np.ndarray | None) -> float:
    if sample_weight is None:
        return float(per_sample.mean())
    return float(per_sample @ sample_weight / sample_weight.sum())


class SquaredError:
    """Half squared error, summed over outputs."""

    outputs = frozenset({"identity", "logistic"})

    def value(self, Y, Z, A, out_activation: str, sample_weight=None) -> float:
        """Weighted mean over samples of ``1/2 sum_k (a_k - y_k)**2``."""
        diff = A - Y
        return _weighted_mean(0.5 * np.einsum("ij,ij->i", diff, diff), sample_weight)

    def delta(self, Y, Z, A, out_activation: str, out: np.ndarray) -> None:
        """Write ``dL/dz = (a - y) g'(z)`` into ``out``."""
        np.subtract(A, Y, out=out)
        if out_activation == "logistic":
            out *= A
            out *= 1 - A


class LogLoss:
    """Cross-entropy, summed over outputs."""

    outputs = frozenset({"logistic", "softmax"})

    def value(self, Y, Z, A, out_activation: str, sample_weight=None) -> float:
        """Weighted mean over samples of the cross-entropy, from the logits."""
        if out_activation == "softmax":
            per_sample = _logsumexp_rows(Z) - np.einsum("ij,ij->i", Y, Z)
        else:
            per_sample = (np.logaddexp(0, Z) - Y * Z).sum(axis=1)
        return _weighted_mean(per_sample, sample_weight)

    def delta(self, Y, Z, A, out_activation: str, out: np.ndarray) -> None:
        """Write ``dL/dz = a - y`` into ``out``."""
        np.subtract(A, Y, out=out)


class Poisson:
    """Half Poisson deviance with an exponential output."""

    outputs = frozenset({"exp"})

    def value(self, Y, Z, A, out_activation: str, sample_weight=None) -> float:
        """Weighted mean over samples of ``sum_k [y log(y/a) - y + a]``."""
        per_sample = (xlogy(Y, Y) - Y * Z - Y + A).sum(axis=1)
        return _weighted_mean(per_sample, sample_weight)

    def delta(self, Y, Z, A, out_activation: str, out: np.ndarray) -> None:
        """Write ``dL/dz = a - y`` into ``out``."""
        np.subtract(A, Y, out=out)


LOSSES = {
    "squared_error": SquaredError(),
    "log_loss": LogLoss(),
    "poisson": Poisson(),
}
