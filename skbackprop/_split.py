"""The validation split behind ``early_stopping``.

Two things differ from a plain ``train_test_split`` of the rows, both so that
the validation score measures generalisation and so that a sample weight of
``k`` means the same as ``k`` copies of the sample:

- rows with zero sample weight take no part (they would not exist as copies);
- identical samples (same feature values and target) form one group and go
  to the same side, so no copy of a training sample is ever used for
  validation.

Samples are compared by value, whatever holds them: a dense array and a
sparse matrix of the same data give the same groups, and ``-0.0`` equals
``0.0``. Each row gets a 64-bit content hash, the wrapping sum over its
non-zero entries of a mixed hash of (column, value): the same for a dense
row and its sparse form, computed in one vectorised pass either way. Groups
are ordered by these hashes, that is by content, not position, so the split
does not depend on the row order. (Two different samples whose hashes
collide, with probability about ``n**2 / 2**64``, just go to the same side.)
For classifiers the split is stratified by class whenever every class has at
least two groups and both sides can hold one group of each class.

Both sides get at least two groups (distinct samples): a validation score
of one sample means nothing (R² is not even defined), and neither does a
model trained on one. Data too small for that raises ``ValueError``.
"""

import math

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import train_test_split

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
# dense rows hashed per chunk of about this many values
_CHUNK_VALUES = 2**18


def _mix(h: np.ndarray) -> np.ndarray:
    """Scramble 64-bit words in place (splitmix64's finaliser; wraps mod 2**64)."""
    h ^= h >> np.uint64(30)
    h *= _M1
    h ^= h >> np.uint64(27)
    h *= _M2
    h ^= h >> np.uint64(31)
    return h


def _column_salts(n_columns: int) -> np.ndarray:
    return _mix(np.arange(1, n_columns + 1, dtype=np.uint64) * _GOLDEN)


def _entry_hashes(values: np.ndarray, salts: np.ndarray) -> np.ndarray:
    """Hash of each (column, value) entry; 0 for zero values (either sign)."""
    values = np.asarray(values, dtype=np.float64)
    h = values.view(np.uint64) ^ salts
    _mix(h)
    h[values == 0] = 0
    return h


def _row_hashes(M) -> np.ndarray:
    """64-bit content hash of every row of a dense array or sparse matrix."""
    salts = _column_salts(M.shape[1])
    if sp.issparse(M):
        M = sp.csr_matrix(M)
        h = _entry_hashes(M.data, salts[M.indices])
        sums = np.zeros(h.size + 1, dtype=np.uint64)
        np.cumsum(h, dtype=np.uint64, out=sums[1:])
        return sums[M.indptr[1:]] - sums[M.indptr[:-1]]
    out = np.empty(M.shape[0], dtype=np.uint64)
    rows = max(1, _CHUNK_VALUES // max(M.shape[1], 1))
    for start in range(0, M.shape[0], rows):
        part = slice(start, start + rows)
        out[part] = np.add.reduce(_entry_hashes(M[part], salts), axis=1)
    return out


def _sample_groups(X, Y) -> np.ndarray:
    """Group id of every row, numbered in the order of the rows' content hashes."""
    keys = np.column_stack([_row_hashes(X), _row_hashes(Y)])
    return np.unique(keys, axis=0, return_inverse=True)[1].ravel()


def validation_split(
    X, Y, sample_weight, *, validation_fraction, labels, rng
) -> tuple[np.ndarray, np.ndarray]:
    """Row indices ``(train, validation)`` for early stopping.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Encoded targets.
    sample_weight : ndarray of shape (n_samples,) or None
    validation_fraction : float
        Fraction of the sample groups that go to the validation side (at
        least two; at least two must stay for training, else ValueError).
    labels : ndarray of shape (n_samples,) or None
        Class of each row, for stratification; None for no stratification.
    rng : numpy.random.RandomState
    """
    if validation_fraction <= 0:
        raise ValueError(
            "early_stopping=True with validation_fraction=0 holds out nothing to "
            "validate on: set validation_fraction > 0, or pass X_val and y_val."
        )
    rows = np.arange(X.shape[0])
    if sample_weight is not None:
        rows = rows[sample_weight > 0]
    groups = _sample_groups(X[rows], Y[rows])
    n_groups = groups.max() + 1 if groups.size else 0
    # validation_fraction of the groups, but at least 2 on each side
    n_val = max(math.ceil(validation_fraction * n_groups), 2)
    advice = (
        "early_stopping needs at least 2 distinct samples (with positive weight) "
        "to validate on and 2 to train on. Give more data, lower "
        "validation_fraction, pass X_val and y_val, or set early_stopping=False."
    )
    if n_groups < 4:
        raise ValueError(
            f"The validation set is too small: the data has {n_groups} "
            f"sample{'' if n_groups == 1 else 's'} (counting identical samples "
            f"once, and only those with positive weight); {advice}"
        )
    if n_groups - n_val < 2:
        raise ValueError(
            f"validation_fraction={validation_fraction} of {n_groups} distinct "
            f"samples leaves {n_groups - n_val} to train on; {advice}"
        )
    stratify = None
    if labels is not None:
        group_labels = np.empty(n_groups, dtype=labels.dtype)
        group_labels[groups] = labels[rows]
        counts = np.unique(group_labels, return_counts=True)[1]
        n_classes = len(counts)
        if counts.min() >= 2 and min(n_val, n_groups - n_val) >= n_classes:
            stratify = group_labels
    _, val_groups = train_test_split(
        np.arange(n_groups), test_size=n_val, stratify=stratify, random_state=rng
    )
    is_val = np.zeros(n_groups, dtype=bool)
    is_val[val_groups] = True
    return rows[~is_val[groups]], rows[is_val[groups]]
