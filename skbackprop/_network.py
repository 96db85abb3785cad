"""Forward and backward passes over the flat parameter vector.

Notation: layer ``l`` maps ``a[l]`` (``a[0] = X``) to
``z[l+1] = a[l] @ W[l] + b[l]`` and ``a[l+1] = f(z[l+1])``, with ``f`` the
hidden activation and ``g`` the output activation on the last layer. With
``s_i`` the weight of sample i (1 without sample weights) and ``S = sum_i s_i``,
the objective is

    J(theta) = sum_i s_i L(y_i, a_i) / S + alpha / (2 S) * sum_l ||W[l]||_F**2

(scikit-learn's MLP divides its L2 term by the same ``S``). Back-propagation:

    delta[L]   = (s_i / S) * dL/dz[L]          (the loss owns dL/dz, see _losses)
    delta[l]   = (delta[l+1] @ W[l].T) * f'(a[l])
    dJ/dW[l]   = a[l].T @ delta[l+1] + (alpha / S) * W[l]
    dJ/db[l]   = sum over samples of delta[l+1]

Scaling the small output delta by ``s_i / S`` first makes every later
product come out already scaled.
"""

import numpy as np
import scipy.sparse as sp

from ._activations import ACTIVATIONS, DERIVATIVES
from ._layout import ParamLayout
from ._losses import LOSSES


class Workspace:
    """Reusable activation and delta buffers for batches of up to ``n_rows`` rows."""

    def __init__(self, layout: ParamLayout, n_rows: int, dtype, out_activation: str):
        units = layout.layer_units[1:]
        self.n_rows = n_rows
        self.activations = [np.empty((n_rows, u), dtype=dtype) for u in units]
        self.deltas = [np.empty((n_rows, u), dtype=dtype) for u in units]
        if out_activation == "identity":
            self.z_out = self.activations[-1]
        else:
            self.z_out = np.empty((n_rows, units[-1]), dtype=dtype)

    def rows(self, n: int) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
        """Return views of the first ``n`` rows of every buffer."""
        if n > self.n_rows:
            raise ValueError(f"workspace holds {self.n_rows} rows, asked for {n}")
        return (
            [a[:n] for a in self.activations],
            [d[:n] for d in self.deltas],
            self.z_out[:n],
        )


def _affine(a, W: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """``out = a @ W + b``; ``a`` may be a scipy sparse matrix."""
    if sp.issparse(a):
        out[...] = a @ W
    else:
        np.matmul(a, W, out=out)
    out += b


def _forward(coefs, intercepts, X, activation, out_activation, acts, z_out):
    """Fill ``acts`` (a[1] .. a[L]) and ``z_out`` (z[L]) for the rows of ``X``."""
    hidden = ACTIVATIONS[activation]
    last = len(coefs) - 1
    a = X
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        out = z_out if i == last else acts[i]
        _affine(a, W, b, out)
        if i < last:
            hidden(out)
        a = out
    if acts[-1] is not z_out:
        np.copyto(acts[-1], z_out)
        ACTIVATIONS[out_activation](acts[-1])


def forward(
    theta: np.ndarray,
    layout: ParamLayout,
    X,
    *,
    activation: str,
    out_activation: str,
    work: Workspace | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Output pre-activation ``z[L]`` and output ``a[L]`` for every row of ``X``.

    The returned arrays are views into ``work`` when it is given.
    """
    n = X.shape[0]
    if work is None:
        work = Workspace(layout, n, theta.dtype, out_activation)
    acts, _, z_out = work.rows(n)
    coefs, intercepts = layout.unpack(theta)
    _forward(coefs, intercepts, X, activation, out_activation, acts, z_out)
    return z_out, acts[-1]


def loss_and_grad(
    theta: np.ndarray,
    layout: ParamLayout,
    X,
    Y: np.ndarray,
    *,
    activation: str,
    out_activation: str,
    loss: str,
    alpha: float,
    sample_weight: np.ndarray | None = None,
    grad: np.ndarray | None = None,
    work: Workspace | None = None,
) -> tuple[float, np.ndarray]:
    """Objective ``J(theta)`` on ``(X, Y)`` and its exact gradient.

    ``grad`` (laid out like ``theta``) is overwritten and returned; it is
    allocated when not given.
    """
    n = X.shape[0]
    if grad is None:
        grad = np.empty_like(theta)
    if work is None:
        work = Workspace(layout, n, theta.dtype, out_activation)
    acts, deltas, z_out = work.rows(n)
    coefs, intercepts = layout.unpack(theta)
    coef_grads, intercept_grads = layout.unpack(grad)
    loss_fn = LOSSES[loss]

    _forward(coefs, intercepts, X, activation, out_activation, acts, z_out)
    value = loss_fn.value(Y, z_out, acts[-1], out_activation, sample_weight)

    # Output delta, pre-scaled by s_i / S.
    loss_fn.delta(Y, z_out, acts[-1], out_activation, out=deltas[-1])
    if sample_weight is None:
        sw_sum = n
        deltas[-1] *= 1.0 / n
    else:
        sw_sum = sample_weight.sum()
        deltas[-1] *= (sample_weight / sw_sum)[:, np.newaxis]

    derivative = DERIVATIVES[activation]
    for i in range(len(coefs) - 1, -1, -1):
        a_in = X if i == 0 else acts[i - 1]
        if sp.issparse(a_in):
            coef_grads[i][...] = a_in.T @ deltas[i]
        else:
            np.matmul(a_in.T, deltas[i], out=coef_grads[i])
        deltas[i].sum(axis=0, out=intercept_grads[i])
        if i > 0:
            np.matmul(deltas[i], coefs[i].T, out=deltas[i - 1])
            derivative(acts[i - 1], deltas[i - 1])

    if alpha:
        W = theta[: layout.n_coefs]
        grad[: layout.n_coefs] += (alpha / sw_sum) * W
        value += 0.5 * alpha * float(W @ W) / sw_sum
    return value, grad
