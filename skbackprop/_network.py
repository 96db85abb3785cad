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
product come out already scaled. Biases enter the forward products by
prefilling ``z`` with ``b`` (GEMM with ``beta = 1``), and weight decay enters
the gradient by prefilling it with ``W`` (GEMM with ``beta = alpha / S``).

:class:`Network` holds every buffer and view a pass needs, so that the
minibatch loop calls nothing but BLAS and numpy ufuncs. ``forward`` and
``loss_and_grad`` are the same computations as plain functions.
"""

from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp

from ._activations import ACTIVATIONS, DERIVATIVES, logistic_of_half
from ._blas import blas_for
from ._layout import ParamLayout
from ._losses import LOSSES


class Network:
    """Passes of one network shape for batches of up to ``max_rows`` rows.

    Parameters
    ----------
    layout : ParamLayout
    activation, out_activation : str
        Hidden and output activations.
    dtype : numpy dtype
        Of ``theta``, ``X`` and ``Y``; float32 or float64.
    max_rows : int
        Largest batch.
    loss : str or None
        Loss for ``loss_and_grad``; None for a forward-only network.
    alpha : float
        L2 penalty.
    """

    def __init__(
        self,
        layout: ParamLayout,
        *,
        activation: str,
        out_activation: str,
        dtype,
        max_rows: int,
        loss: str | None = None,
        alpha: float = 0.0,
    ):
        self.layout = layout
        self.activation = activation
        self.out_activation = out_activation
        self.loss = None if loss is None else LOSSES[loss]
        self.alpha = float(alpha)
        self.dtype = np.dtype(dtype)
        self.max_rows = max_rows
        self.blas = blas_for(self.dtype)
        units = layout.layer_units[1:]
        new = lambda u: np.empty((max_rows, u), dtype=self.dtype)  # noqa: E731
        # z[l] holds z, then (for hidden layers) a = f(z) in place
        self._z = [new(u) for u in units]
        identity_out = out_activation == "identity"
        self._a_out = self._z[-1] if identity_out else new(units[-1])
        if loss is not None:
            self._delta = [new(u) for u in units]
            self._tmp = [new(u) for u in units]
        self._rows = {}
        self._params = (None, None)
        self._grads = (None, None)

    # -- cached views ---------------------------------------------------
    def _views(self, n: int) -> SimpleNamespace:
        """Return the first ``n`` rows of every buffer, and their transposes."""
        views = self._rows.get(n)
        if views is None:
            if n > self.max_rows:
                raise ValueError(f"network holds {self.max_rows} rows, asked for {n}")
            z = [b[:n] for b in self._z]
            views = SimpleNamespace(z=z, zt=[b.T for b in z], a_out=self._a_out[:n])
            if self.loss is not None:
                d = [b[:n] for b in self._delta]
                views.d, views.dt = d, [b.T for b in d]
                views.t = [b[:n] for b in self._tmp]
            self._rows[n] = views
        return views

    def _unpack(self, vector, cache_name):
        cached_vector, views = getattr(self, cache_name)
        if cached_vector is not vector:
            W, b = self.layout.unpack(vector)
            views = SimpleNamespace(W=W, Wt=[w.T for w in W], b=b)
            setattr(self, cache_name, (vector, views))
        return views

    # -- passes -----------------------------------------------------------
    def _forward(self, P, X, R) -> np.ndarray:
        """Fill the hidden activations and return the output logits ``z[L]``."""
        gemm, hidden = self.blas.gemm, ACTIVATIONS[self.activation]
        last = len(P.W) - 1
        a_t = None if sp.issparse(X) else X.T
        for i in range(last + 1):
            z = R.z[i]
            if a_t is None:  # sparse input layer
                z[...] = X @ P.W[0]
                z += P.b[0]
                if i < last:
                    hidden(z)
            elif i < last and self.activation == "logistic":
                # z / 2 straight from the product: logistic(z) = (1 + tanh(z/2)) / 2
                np.copyto(z, P.b[i])
                gemm(0.5, P.Wt[i], a_t, 0.5, R.zt[i], 0, 0, 1)
                logistic_of_half(z)
            else:
                np.copyto(z, P.b[i])
                gemm(1.0, P.Wt[i], a_t, 1.0, R.zt[i], 0, 0, 1)
                if i < last:
                    hidden(z)
            a_t = R.zt[i]
        return R.z[last]

    def logits(self, theta: np.ndarray, X) -> np.ndarray:
        """Output logits ``z[L]`` (a view into the buffers)."""
        return self._forward(self._unpack(theta, "_params"), X, self._views(X.shape[0]))

    def forward(self, theta: np.ndarray, X) -> tuple[np.ndarray, np.ndarray]:
        """Output logits ``z[L]`` and outputs ``a[L]`` (views into the buffers)."""
        R = self._views(X.shape[0])
        z = self._forward(self._unpack(theta, "_params"), X, R)
        return z, ACTIVATIONS[self.out_activation](z, out=R.a_out)

    def evaluate(self, theta, X, Y, sample_weight=None) -> tuple[float, np.ndarray]:
        """Compute the data term of the objective on ``(X, Y)`` and the logits.

        No gradient, no L2 term; the logits are a view into the buffers.
        """
        n = X.shape[0]
        R = self._views(n)
        z = self._forward(self._unpack(theta, "_params"), X, R)
        w = (
            1.0 / n
            if sample_weight is None
            else (sample_weight / sample_weight.sum())[:, np.newaxis]
        )
        value = self.loss.evaluate(
            self.out_activation, z, Y, w, R.a_out, R.d[-1], R.t[-1]
        )
        return value, z

    def loss_and_grad(self, theta, X, Y, sample_weight=None, grad=None):
        """Objective ``J(theta)`` on ``(X, Y)`` and its exact gradient.

        ``grad`` (laid out like ``theta``) is overwritten and returned;
        allocated when not given.
        """
        n = X.shape[0]
        grad = np.empty_like(theta) if grad is None else grad
        R = self._views(n)
        P = self._unpack(theta, "_params")
        G = self._unpack(grad, "_grads")
        gemm = self.blas.gemm
        z = self._forward(P, X, R)
        if sample_weight is None:
            S, w = n, 1.0 / n
        else:
            S = float(sample_weight.sum())
            w = (sample_weight / S)[:, np.newaxis]
        value = self.loss.evaluate(
            self.out_activation, z, Y, w, R.a_out, R.d[-1], R.t[-1]
        )
        alpha, derivative = self.alpha, DERIVATIVES[self.activation]
        beta = alpha / S
        for i in range(len(P.W) - 1, -1, -1):
            if i == 0 and sp.issparse(X):
                G.W[0][...] = X.T @ R.d[0]
                if alpha:
                    G.W[0] += beta * P.W[0]
            else:
                if alpha:
                    np.copyto(G.W[i], P.W[i])
                a_t = X.T if i == 0 else R.zt[i - 1]
                gemm(1.0, R.dt[i], a_t, beta, G.Wt[i], 0, 1, 1)
            np.add.reduce(R.d[i], axis=0, out=G.b[i])
            if i > 0:
                gemm(1.0, P.Wt[i], R.dt[i], 0.0, R.dt[i - 1], 1, 0, 1)
                derivative(R.z[i - 1], R.d[i - 1], R.t[i - 1])
        if alpha:
            W = theta[: self.layout.n_coefs]
            value += 0.5 * beta * float(self.blas.dot(W, W))
        return value, grad


def forward(theta, layout, X, *, activation, out_activation, work=None):
    """Output logits and outputs for every row of ``X`` (see :class:`Network`)."""
    if work is None:
        work = Network(
            layout,
            activation=activation,
            out_activation=out_activation,
            dtype=theta.dtype,
            max_rows=X.shape[0],
        )
    return work.forward(theta, X)


def loss_and_grad(
    theta,
    layout,
    X,
    Y,
    *,
    activation,
    out_activation,
    loss,
    alpha,
    sample_weight=None,
    grad=None,
    work=None,
):
    """Objective ``J(theta)`` on ``(X, Y)`` and its exact gradient.

    ``work``, when given, is a :class:`Network` built for the same arguments.
    """
    if work is None:
        work = Network(
            layout,
            activation=activation,
            out_activation=out_activation,
            dtype=theta.dtype,
            max_rows=X.shape[0],
            loss=loss,
            alpha=alpha,
        )
    return work.loss_and_grad(theta, X, Y, sample_weight, grad)
