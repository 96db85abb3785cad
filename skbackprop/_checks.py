"""Checks the shell adds to scikit-learn's ``validate_data``.

Sample weights and the weights ``class_weight`` makes are checked alike (all
zero, all rounding to zero in the model's dtype, or summing to more than it
holds raise a ``ValueError`` naming where they come from); values cast to a
float32 model must still be finite; and a cheap finiteness test serves the
hot prediction path.
"""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_array


def validate_sample_weight(
    sample_weight, n_samples: int, dtype, name="sample_weight", rows="X"
) -> np.ndarray | None:
    """Check sample weights (finite, >= 0, not all 0, finite sum) and cast them."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        sample_weight = np.full(n_samples, sample_weight)
    try:
        sw = check_array(
            sample_weight, ensure_2d=False, dtype=np.float64, input_name=name
        )
    except (TypeError, ValueError) as exc:
        if name in str(exc):
            raise
        raise type(exc)(f"{name} must be numbers: {exc}") from None
    if sw.ndim != 1:
        raise ValueError(f"{name} must be 1D, got shape {sw.shape}")
    if sw.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {sw.shape[0]} values but {rows} has {n_samples} samples"
        )
    if (sw < 0).any():
        raise ValueError(f"{name} must not contain negative values")
    return check_weights(sw, dtype, name)


def check_weights(weights, dtype, name) -> np.ndarray:
    """Cast non-negative float64 weights to ``dtype``, refusing unusable ones.

    Weights that are all zero, that all round to zero in ``dtype`` or whose
    sum overflows it raise a ValueError naming ``name`` (what the weights
    come from: ``sample_weight``, ``class_weight``, ...).
    """
    if not weights.any():
        raise ValueError(
            f"{name} must give at least one sample a non-zero weight (the weights "
            "are all zero)."
        )
    cast = weights.astype(dtype)
    if not cast.any():
        raise ValueError(
            f"{name} values are too small for {np.dtype(dtype).name} data: they all "
            "round to zero. Rescale the weights; only their ratios matter for the loss."
        )
    if not (np.isfinite(cast).all() and np.isfinite(cast.sum())):
        raise ValueError(
            f"{name} is too large for {np.dtype(dtype).name} data (largest "
            f"{weights.max():g}, sum {weights.sum():g}): rescale the weights; only "
            "their ratios matter for the loss."
        )
    return cast


def class_weight_name(sample_weight, sample_weight_name, targets="y") -> str:
    """Name the weights that class_weight makes (for error messages)."""
    if sample_weight is None:
        return "class_weight" if targets == "y" else f"class_weight on {targets}"
    return f"class_weight times {sample_weight_name}"


def cast_finite(A, dtype, name):
    """Cast ``A`` (dense or sparse) to ``dtype``; values it cannot hold raise."""
    if A.dtype == dtype:
        return A
    cast = A.astype(dtype)
    values = cast.data if sp.issparse(cast) else cast
    if not all_finite(values):
        raise ValueError(
            f"{name} has values too large for {np.dtype(dtype).name}, the dtype of "
            "the model (set by the data of its first fit): scale them, or fit on "
            "float64 data."
        )
    return cast


def all_finite(X: np.ndarray) -> bool:
    """Whether every value of X is finite (one sum first, as scikit-learn does)."""
    if X.size <= 4096:
        return bool(np.isfinite(X).all())
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.add.reduce(X, axis=None)):
            return True
    return bool(np.isfinite(X).all())
