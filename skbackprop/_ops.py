"""The operations every pass and update is written against, for each array library.

The mathematics -- activations, losses, the backward pass, the optimizers --
is written once, against the small set of operations below, in the style of
numpy's ufuncs: ``ops.tanh(z, out=buf)`` returns ``tanh(z)``. Callers always
use the returned array; ``out`` is where an implementation MAY put it:

- :data:`NUMPY` writes every result into ``out`` (preallocated buffers, no
  allocation in the training loop) and does every matrix product and vector
  update with scipy's BLAS (see ``_blas``). Its elementwise operations are
  numpy's ufuncs themselves, so the numpy path costs nothing extra.
- :class:`ArrayOps` does the same operations in any array API namespace
  ``xp`` (PyTorch, CuPy, array-api-strict, ...), ignoring ``out`` and
  returning new arrays, which those libraries' allocators make cheap.

Three operations change an array in place in both: ``copyto``, ``axpy``
(``y <- y + a x``) and the in-place arithmetic operators (``d *= t``) that
the array API standard defines, used only on arrays the caller owns.

Reductions to one number (``total``, ``dot``, ``weighted_sum``) return a
Python float from numpy and a 0-d array from other namespaces: turning a
device array into a float waits for the device, so the minibatch loop keeps
its numbers on the device and reads them once per epoch.

Products (``C``-ordered 2-D arrays, ``op(x) = x.T`` when flagged):

- ``affine(a, W, b, scale)``: ``scale * (a @ W + b)``;
- ``weight_grad(a, d, W, beta)``: ``a.T @ d + beta * W`` (``beta`` may be 0);
- ``backprop(d, W)``: ``d @ W.T``.
"""

from functools import lru_cache

import numpy as np
from scipy.special import xlogy as _xlogy

from ._blas import blas_for


class NumpyOps:
    """numpy ufuncs and scipy's BLAS for ``dtype``, writing into ``out`` buffers.

    Use :func:`numpy_ops` for the shared instance of a dtype.
    """

    name = "numpy"
    buffered = True  # results go into preallocated buffers
    xp = np
    tanh = np.tanh
    exp = np.exp
    log = np.log
    sqrt = np.sqrt
    square = np.square
    sign = np.sign
    multiply = np.multiply
    subtract = np.subtract
    divide = np.divide
    maximum = np.maximum
    copyto = staticmethod(np.copyto)

    @staticmethod
    def softplus(z, out=None):
        """``log(1 + exp(z))``, without overflow."""
        return np.logaddexp(0.0, z, out=out)

    @staticmethod
    def xlogy(x, y, out=None):
        """``x log(y)``, 0 where ``x`` is 0."""
        return _xlogy(x, y, out=out)

    @staticmethod
    def row_max(Z):
        """Maximum of each row, as a column."""
        return np.maximum.reduce(Z, axis=1, keepdims=True)

    @staticmethod
    def row_sum(Z, keepdims=False):
        """Sum of each row (a column with ``keepdims``)."""
        return np.add.reduce(Z, axis=1, keepdims=keepdims)

    @staticmethod
    def col_sum(Z, out=None):
        """Sum of each column."""
        return np.add.reduce(Z, axis=0, out=out)

    @staticmethod
    def column(v):
        """Return a vector as an ``(n, 1)`` column."""
        return v[:, np.newaxis]

    @staticmethod
    def total(T) -> float:
        """Sum of every entry."""
        return float(np.add.reduce(T, axis=None))

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)
        blas = blas_for(self.dtype)
        self._gemm, self._gemv = blas.gemm, blas.gemv
        self._axpy, self._dot = blas.axpy, blas.dot

    def dot(self, x, y) -> float:
        """Inner product of two vectors."""
        return float(self._dot(x, y))

    def axpy(self, x, y, a) -> None:
        """``y <- y + a x``, in place."""
        self._axpy(x, y, a=a)

    # Fortran BLAS sees a C-ordered array as its transpose: out.T = W.T @ a.T
    def affine(self, a, W, b, out, scale=1.0):
        """``scale * (a @ W + b)`` into ``out``: ``b`` prefilled, GEMM with beta.

        One row (a single-row prediction) is a GEMV: OpenBLAS's GEMM packs
        all of ``W`` first, which took three times as long for 1 x 784 x 196.
        """
        np.copyto(out, b)
        if a.shape[0] == 1:
            out[0] = self._gemv(scale, W.T, a[0], scale, out[0], overwrite_y=1)
        else:
            self._gemm(scale, W.T, a.T, scale, out.T, 0, 0, 1)
        return out

    def weight_grad(self, a, d, W, beta, out):
        """``a.T @ d + beta W`` into ``out``: ``W`` prefilled when ``beta``."""
        if beta:
            np.copyto(out, W)
        self._gemm(1.0, d.T, a.T, beta, out.T, 0, 1, 1)
        return out

    def backprop(self, d, W, out):
        """``d @ W.T`` into ``out``."""
        self._gemm(1.0, W.T, d.T, 0.0, out.T, 1, 0, 1)
        return out

    @staticmethod
    def empty(shape, dtype):
        """Return an uninitialised array."""
        return np.empty(shape, dtype=dtype)

    @staticmethod
    def zeros(n, dtype):
        """Return a vector of zeros."""
        return np.zeros(n, dtype=dtype)

    @staticmethod
    def unpack(layout, theta):
        """Per-layer weight and bias views into ``theta``."""
        return layout.unpack(theta)

    @staticmethod
    def pack(coefs, intercepts, out):
        """Return the flat gradient (its layers were written into ``out``)."""
        return out

    @staticmethod
    def all_finite(x) -> bool:
        """Whether every entry is finite."""
        return bool(np.isfinite(x).all())

    @staticmethod
    def copy(x):
        """Return a copy of ``x``."""
        return x.copy()

    @staticmethod
    def asarray(x, dtype):
        """Host data (a numpy array) as an array of ``dtype``: a copy."""
        return np.asarray(x).astype(dtype)

    @staticmethod
    def to_host(x) -> np.ndarray:
        """``x`` as a numpy array (itself)."""
        return x

    @staticmethod
    def take(x, rows, out=None):
        """Rows ``rows`` of ``x`` (into ``out``); ``rows`` from :meth:`index`."""
        # the method skips np.take's dispatch layer (2 us a call, per batch);
        # mode='clip' gathers into ``out`` without a temporary copy
        return x.take(rows, axis=0, out=out, mode="clip")

    @staticmethod
    def index(rows):
        """Host row indices in the form :meth:`take` wants."""
        return rows


@lru_cache(maxsize=4)
def numpy_ops(dtype) -> NumpyOps:
    """Return the numpy operations for arrays of ``dtype``."""
    return NumpyOps(dtype)


NUMPY = numpy_ops(np.float64)
"""numpy's operations, for elementwise work of any dtype (BLAS in float64)."""


class ArrayOps:
    """The same operations in an array API namespace ``xp``, on ``device``.

    ``out`` arguments are ignored: every operation returns a new array.
    """

    name = "array-api"
    buffered = False  # every operation returns a new array

    def __init__(self, xp, device, to_host):
        self.xp, self.device = xp, device
        self.to_host = to_host  # array -> numpy array, from the namespace module

    # -- elementwise ---------------------------------------------------------
    def tanh(self, x, out=None):
        return self.xp.tanh(x)

    def exp(self, x, out=None):
        return self.xp.exp(x)

    def log(self, x, out=None):
        return self.xp.log(x)

    def sqrt(self, x, out=None):
        return self.xp.sqrt(x)

    def square(self, x, out=None):
        return x * x

    def sign(self, x, out=None):
        return self.xp.sign(x)

    def multiply(self, a, b, out=None):
        return a * b

    def subtract(self, a, b, out=None):
        return a - b

    def divide(self, a, b, out=None):
        return a / b

    def maximum(self, a, b, out=None):
        """Elementwise maximum; ``b`` may be a number."""
        if isinstance(b, (int, float)):
            return self.xp.clip(a, min=float(b))
        return self.xp.maximum(a, b)

    def copyto(self, dst, src) -> None:
        """``dst[...] = src``, in place."""
        dst[...] = src

    def softplus(self, z, out=None):
        zero = self.xp.zeros((), dtype=z.dtype, device=self.device)
        return self.xp.logaddexp(zero, z)

    def xlogy(self, x, y, out=None):
        xp = self.xp
        # log of 1 where x is 0: no log(0) evaluated, x log(y) = 0 there
        return x * xp.log(xp.where(x == 0, xp.ones_like(y), y))

    # -- reductions ------------------------------------------------------------
    def row_max(self, Z):
        return self.xp.max(Z, axis=1, keepdims=True)

    def row_sum(self, Z, keepdims=False):
        return self.xp.sum(Z, axis=1, keepdims=keepdims)

    def col_sum(self, Z, out=None):
        return self.xp.sum(Z, axis=0)

    def column(self, v):
        return self.xp.reshape(v, (-1, 1))

    def total(self, T):
        return self.xp.sum(T)

    def dot(self, x, y):
        return self.xp.sum(x * y)

    def axpy(self, x, y, a) -> None:
        """``y <- y + a x``, in place."""
        y += a * x

    # -- products --------------------------------------------------------------
    def affine(self, a, W, b, out=None, scale=1.0):
        z = a @ W + b
        return z * scale if scale != 1.0 else z

    def weight_grad(self, a, d, W, beta, out=None):
        g = a.T @ d
        return g if isinstance(beta, float) and beta == 0.0 else g + beta * W

    def backprop(self, d, W, out=None):
        return d @ W.T

    # -- arrays ----------------------------------------------------------------
    def zeros(self, n, dtype):
        return self.xp.zeros(n, dtype=dtype, device=self.device)

    def unpack(self, layout, theta):
        xp = self.xp
        coefs = [
            xp.reshape(theta[s], shape)
            for s, shape in zip(layout.coef_slices, layout.coef_shapes, strict=True)
        ]
        return coefs, [theta[s] for s in layout.intercept_slices]

    def pack(self, coefs, intercepts, out=None):
        """One flat vector of the per-layer parts, in ``theta``'s layout."""
        xp = self.xp
        return xp.concat([xp.reshape(c, (-1,)) for c in coefs] + list(intercepts))

    def all_finite(self, x) -> bool:
        return bool(self.xp.all(self.xp.isfinite(x)))

    def copy(self, x):
        return self.xp.asarray(x, copy=True)

    def asarray(self, x, dtype=None):
        """Host data (a numpy array) on the device, as ``dtype``.

        ``dtype`` is the library's, or a numpy dtype (named alike there).
        """
        x = np.asarray(x)
        if dtype is not None and _is_numpy_dtype(dtype):
            dtype = getattr(self.xp, np.dtype(dtype).name)
        return self.xp.asarray(x, dtype=dtype, device=self.device)

    def take(self, x, rows, out=None):
        return self.xp.take(x, rows, axis=0)

    def index(self, rows):
        """Host row indices moved to the device (once per epoch, not per batch)."""
        return self.xp.asarray(rows, device=self.device)


def _is_numpy_dtype(dtype) -> bool:
    return isinstance(dtype, np.dtype) or (
        isinstance(dtype, type) and issubclass(dtype, np.generic)
    )
