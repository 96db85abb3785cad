"""The BLAS routines of the hot loop, all from one library (scipy's).

numpy and scipy each ship their own OpenBLAS. Calling both in one training
loop leaves the idle worker threads of the one spinning on the cores while
the other works, which made a prototype five times slower on two cores. So
every matrix product and vector update of training and prediction goes
through ``scipy.linalg.blas``; numpy is used only for element-wise ufuncs and
reductions, which run on the calling thread.

Fortran BLAS sees a C-ordered ``(r, c)`` array as its ``(c, r)`` transpose,
so ``C = A @ B`` on C-ordered arrays is computed as ``C.T = B.T @ A.T`` on
Fortran-ordered views: no copies.
"""

from functools import lru_cache
from types import SimpleNamespace

import numpy as np
from scipy.linalg import blas as _scipy_blas


@lru_cache(maxsize=4)
def blas_for(dtype) -> SimpleNamespace:
    """``gemm``, ``gemv``, ``axpy``, ``scal`` and ``dot`` for ``dtype``."""
    names = ("gemm", "gemv", "axpy", "scal", "dot")
    funcs = _scipy_blas.get_blas_funcs(names, dtype=np.dtype(dtype))
    return SimpleNamespace(**dict(zip(names, funcs, strict=True)))


def matmul_into(blas, out, a, b, *, trans_a=False, trans_b=False, alpha=1.0, beta=0.0):
    """``out = alpha * op(a) @ op(b) + beta * out`` for C-ordered 2-D arrays.

    ``op(x)`` is ``x.T`` when its flag is set. ``out`` is written in place.
    """
    blas.gemm(
        alpha, b.T, a.T, beta, out.T, trans_a=trans_b, trans_b=trans_a, overwrite_c=True
    )
    return out
