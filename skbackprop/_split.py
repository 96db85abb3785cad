"""The validation split behind ``early_stopping``.

Two things differ from a plain ``train_test_split`` of the rows, both so that
the validation score measures generalisation and so that a sample weight of
``k`` means the same as ``k`` copies of the sample:

- rows with zero sample weight take no part (they would not exist as copies);
- identical samples (same features and target) form one group and go to the
  same side, so no copy of a training sample is ever used for validation.

Groups are ordered by content, not by position, so the split does not
depend on the row order. For classifiers the split is stratified by class
whenever every class has at least two groups and both sides can hold one
group of each class.
"""

import math

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import train_test_split


def _row_groups_dense(M: np.ndarray) -> np.ndarray:
    """Ids of identical rows, numbered in an order fixed by row content."""
    M = np.ascontiguousarray(M)
    if M.shape[1] == 0:
        return np.zeros(M.shape[0], dtype=np.intp)
    rows = M.view(np.dtype((np.void, M.dtype.itemsize * M.shape[1]))).ravel()
    return np.unique(rows, return_inverse=True)[1].ravel()


def _row_groups_sparse(X) -> np.ndarray:
    X = sp.csr_matrix(X, copy=True)
    X.eliminate_zeros()
    X.sort_indices()
    keys = [
        X.indices[a:b].tobytes() + b"|" + X.data[a:b].tobytes()
        for a, b in zip(X.indptr[:-1], X.indptr[1:], strict=True)
    ]
    order = {key: i for i, key in enumerate(sorted(set(keys)))}
    return np.fromiter((order[k] for k in keys), dtype=np.intp, count=len(keys))


def _sample_groups(X, Y) -> np.ndarray:
    gx = _row_groups_sparse(X) if sp.issparse(X) else _row_groups_dense(X)
    gy = _row_groups_dense(Y)
    return np.unique(np.column_stack([gx, gy]), axis=0, return_inverse=True)[1].ravel()


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
        least one group, and two when there are three or more; at least one
        group always stays for training).
    labels : ndarray of shape (n_samples,) or None
        Class of each row, for stratification; None for no stratification.
    rng : numpy.random.RandomState
    """
    rows = np.arange(X.shape[0])
    if sample_weight is not None:
        rows = rows[sample_weight > 0]
    groups = _sample_groups(X[rows], Y[rows])
    n_groups = groups.max() + 1 if groups.size else 0
    if n_groups < 2:
        raise ValueError(
            "early_stopping needs at least 2 distinct samples with positive weight "
            f"for a validation split; got {n_groups} sample(s)."
        )
    # validation_fraction of the groups, but at least 2 when 3 or more exist
    n_val = max(math.ceil(validation_fraction * n_groups), min(2, n_groups - 1))
    n_val = min(n_val, n_groups - 1)
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
