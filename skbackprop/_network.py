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

The passes are written once, against the operations of ``_ops``. For numpy,
:class:`Network` holds every buffer and view a pass needs, so that the
minibatch loop calls nothing but BLAS and numpy ufuncs; for any other array
library (``ops`` an ``_ops.ArrayOps``) it holds none, and each operation
returns a new array on the device. ``forward`` and ``loss_and_grad`` are the
same computations as plain functions.
"""

from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp

from ._activations import ACTIVATIONS, DERIVATIVES, logistic_of_negative
from ._layout import ParamLayout
from ._losses import LOSSES
from ._ops import numpy_ops


class Network:
    """Passes of one network shape for batches of up to ``max_rows`` rows.

    Parameters
    ----------
    layout : ParamLayout
    activation, out_activation : str
        Hidden and output activations.
    dtype : dtype
        Of ``theta``, ``X`` and ``Y``; float32 or float64 (of ``ops``' library).
    max_rows : int
        Largest batch.
    loss : str or None
        Loss for ``loss_and_grad``; None for a forward-only network.
    alpha : float
        L2 penalty.
    ops : NumpyOps or ArrayOps
        The array library's operations (see ``_ops``); numpy's by default.
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
        ops=None,
    ):
        self.layout = layout
        self.activation = activation
        self.out_activation = out_activation
        self.loss = None if loss is None else LOSSES[loss]
        self.alpha = float(alpha)
        self.ops = numpy_ops(dtype) if ops is None else ops
        self.buffered = self.ops.buffered
        self.dtype = np.dtype(dtype) if self.buffered else dtype
        self.max_rows = max_rows
        self._rows = {}
        self._params = (None, None)
        self._grads = (None, None)
        units = layout.layer_units[1:]
        if not self.buffered:  # other libraries allocate as they go
            return
        new = lambda u: np.empty((max_rows, u), dtype=self.dtype)  # noqa: E731
        # z[l] holds z, then (for hidden layers) a = f(z) in place
        self._z = [new(u) for u in units]
        identity_out = out_activation == "identity"
        self._a_out = self._z[-1] if identity_out else new(units[-1])
        if loss is not None:
            self._delta = [new(u) for u in units]
            self._tmp = [new(u) for u in units]

    # -- cached views ---------------------------------------------------
    def _views(self, n: int) -> SimpleNamespace:
        """Return the first ``n`` rows of every buffer (all None without buffers)."""
        views = self._rows.get(n)
        if views is None:
            if n > self.max_rows:
                raise ValueError(f"network holds {self.max_rows} rows, asked for {n}")
            if not self.buffered:
                none = [None] * (self.layout.n_layers - 1)
                return SimpleNamespace(z=none, a_out=None, d=none, t=none)
            views = SimpleNamespace(z=[b[:n] for b in self._z], a_out=self._a_out[:n])
            if self.loss is not None:
                views.d = [b[:n] for b in self._delta]
                views.t = [b[:n] for b in self._tmp]
            self._rows[n] = views
        return views

    def _unpack(self, vector, cache_name):
        if not self.buffered:
            return self.ops.unpack(self.layout, vector)
        cached_vector, views = getattr(self, cache_name)
        if cached_vector is not vector:
            views = self.ops.unpack(self.layout, vector)
            setattr(self, cache_name, (vector, views))
        return views

    # -- passes -----------------------------------------------------------
    def _forward(self, W, b, X, R) -> list:
        """Return every layer's output: hidden activations, then logits ``z[L]``."""
        ops, hidden = self.ops, ACTIVATIONS[self.activation]
        last = len(W) - 1
        a, out = X, []
        for i in range(last + 1):
            if i == 0 and sp.issparse(X):  # sparse input layer (numpy only)
                z = R.z[0]
                z[...] = X @ W[0]
                z += b[0]
                if i < last:
                    z = hidden(z)
            elif i < last and self.activation == "logistic":
                # -z straight from the product: logistic(z) = 1 / (1 + exp(-z));
                # exp overflows (a = 0, a numpy warning) for z < -710: callers
                # run the passes under np.errstate.
                z = ops.affine(a, W[i], b[i], out=R.z[i], scale=-1.0)
                z = logistic_of_negative(z, ops=ops)
            else:
                z = ops.affine(a, W[i], b[i], out=R.z[i])
                if i < last:
                    z = hidden(z, ops=ops)
            out.append(z)
            a = z
        return out

    def logits(self, theta, X):
        """Output logits ``z[L]`` (a view into the buffers, for numpy)."""
        W, b = self._unpack(theta, "_params")
        return self._forward(W, b, X, self._views(X.shape[0]))[-1]

    def forward(self, theta, X) -> tuple:
        """Output logits ``z[L]`` and outputs ``a[L]`` (views into the buffers)."""
        R = self._views(X.shape[0])
        W, b = self._unpack(theta, "_params")
        z = self._forward(W, b, X, R)[-1]
        return z, ACTIVATIONS[self.out_activation](z, out=R.a_out, ops=self.ops)

    def _share(self, n, sample_weight):
        """``(S, w)``: total weight and each sample's share (a number or a column)."""
        if sample_weight is None:
            return n, 1.0 / n
        S = self.ops.total(sample_weight)
        return S, self.ops.column(sample_weight / S)

    def evaluate(self, theta, X, Y, sample_weight=None) -> tuple:
        """Compute the data term of the objective on ``(X, Y)`` and the logits.

        No gradient, no L2 term; the logits are a view into the buffers.
        """
        n = X.shape[0]
        R = self._views(n)
        W, b = self._unpack(theta, "_params")
        z = self._forward(W, b, X, R)[-1]
        _, w = self._share(n, sample_weight)
        value, _, _ = self.loss.evaluate(
            self.out_activation, z, Y, w, R.a_out, R.d[-1], R.t[-1], ops=self.ops
        )
        return value, z

    def loss_and_grad(self, theta, X, Y, sample_weight=None, grad=None):
        """Objective ``J(theta)`` on ``(X, Y)`` and its exact gradient.

        Returns ``(value, grad)``. With numpy, ``grad`` (laid out like
        ``theta``) is overwritten and returned, allocated when not given;
        other libraries return a new gradient.
        """
        ops, n = self.ops, X.shape[0]
        if self.buffered and grad is None:
            grad = np.empty_like(theta)
        R = self._views(n)
        W, b = self._unpack(theta, "_params")
        if self.buffered:
            gW, gb = self._unpack(grad, "_grads")
        else:
            gW, gb = [None] * len(W), [None] * len(W)
        a = self._forward(W, b, X, R)
        S, w = self._share(n, sample_weight)
        value, _, d = self.loss.evaluate(
            self.out_activation, a[-1], Y, w, R.a_out, R.d[-1], R.t[-1], ops=ops
        )
        alpha, derivative = self.alpha, DERIVATIVES[self.activation]
        beta = alpha / S
        for i in range(len(W) - 1, -1, -1):
            inputs = X if i == 0 else a[i - 1]
            if i == 0 and sp.issparse(X):
                gW[0][...] = X.T @ d
                if alpha:
                    gW[0] += beta * W[0]
            else:
                gW[i] = ops.weight_grad(
                    inputs, d, W[i], beta if alpha else 0.0, out=gW[i]
                )
            gb[i] = ops.col_sum(d, out=gb[i])
            if i > 0:
                d = ops.backprop(d, W[i], out=R.d[i - 1])
                derivative(a[i - 1], d, R.t[i - 1], ops=ops)
        grad = ops.pack(gW, gb, out=grad)
        if alpha:
            coefs = theta[: self.layout.n_coefs]
            value += 0.5 * beta * ops.dot(coefs, coefs)
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
    with np.errstate(over="ignore"):  # saturated logistic units (see _forward)
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
    with np.errstate(over="ignore"):  # saturated logistic units (see _forward)
        return work.loss_and_grad(theta, X, Y, sample_weight, grad)
