"""Where every weight and bias lives in the one flat parameter vector ``theta``.

``theta`` holds all weight matrices first (layer by layer, each C-ordered with
shape ``(fan_in, fan_out)``), then all bias vectors: the order in which
scikit-learn's MLP packs its parameters for L-BFGS. The weights therefore
form one contiguous prefix ``theta[:n_coefs]``, which is what L2 weight decay
touches. Gradients use the same layout.
"""

import numbers
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class ParamLayout:
    """Slices and shapes of each layer's parameters in a flat vector.

    Parameters
    ----------
    layer_units : tuple of int
        Units per layer, input layer first and output layer last.
    """

    layer_units: tuple[int, ...]

    def __post_init__(self):
        units = tuple(self.layer_units)
        if len(units) < 2 or not all(
            isinstance(u, numbers.Integral) and not isinstance(u, bool) and u >= 1
            for u in units
        ):
            raise ValueError(f"layer_units must be >= 2 positive integers, got {units}")
        object.__setattr__(self, "layer_units", tuple(int(u) for u in units))

    @property
    def n_layers(self) -> int:
        """Number of layers, input and output included."""
        return len(self.layer_units)

    @cached_property
    def coef_shapes(self) -> tuple[tuple[int, int], ...]:
        """``(fan_in, fan_out)`` of each weight matrix."""
        u = self.layer_units
        return tuple((u[i], u[i + 1]) for i in range(len(u) - 1))

    @cached_property
    def n_coefs(self) -> int:
        """Number of weights (the prefix of ``theta`` that L2 decays)."""
        return sum(a * b for a, b in self.coef_shapes)

    @cached_property
    def n_params(self) -> int:
        """Length of ``theta``."""
        return self.n_coefs + sum(self.layer_units[1:])

    @cached_property
    def coef_slices(self) -> tuple[slice, ...]:
        """Slice of ``theta`` holding each weight matrix."""
        ends = np.cumsum([a * b for a, b in self.coef_shapes])
        return tuple(
            slice(int(e - a * b), int(e))
            for e, (a, b) in zip(ends, self.coef_shapes, strict=True)
        )

    @cached_property
    def intercept_slices(self) -> tuple[slice, ...]:
        """Slice of ``theta`` holding each bias vector."""
        ends = self.n_coefs + np.cumsum(self.layer_units[1:])
        return tuple(
            slice(int(e - n), int(e))
            for e, n in zip(ends, self.layer_units[1:], strict=True)
        )

    def unpack(self, theta: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per-layer weight and bias views into ``theta`` (no copies)."""
        coefs = [
            theta[s].reshape(shape)
            for s, shape in zip(self.coef_slices, self.coef_shapes, strict=True)
        ]
        intercepts = [theta[s] for s in self.intercept_slices]
        return coefs, intercepts


def init_params(
    layout: ParamLayout, rng: np.random.RandomState, dtype, factor: float
) -> np.ndarray:
    """Glorot-uniform weights and biases, drawn as scikit-learn's MLP draws them.

    Layer by layer, the weights then the biases of layer i come from
    ``U(-b, b)`` with ``b = sqrt(factor / (fan_in + fan_out))``; scikit-learn
    uses ``factor = 2`` for logistic hidden units and ``6`` otherwise. Drawing
    in the same order from the same ``RandomState`` gives the same start.
    """
    theta = np.empty(layout.n_params, dtype=dtype)
    coefs, intercepts = layout.unpack(theta)
    for W, b in zip(coefs, intercepts, strict=True):
        bound = np.sqrt(factor / sum(W.shape))
        W[...] = rng.uniform(-bound, bound, W.shape)
        b[...] = rng.uniform(-bound, bound, b.shape)
    return theta
