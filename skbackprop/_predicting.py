"""Prediction in the estimator shell: validating X, chunked passes, fitted views.

Predictions are computed chunk by chunk so memory stays bounded for any
number of rows; a model fitted on another array library's arrays predicts
in that library, on its device (see ``_namespace``), and ``to_numpy`` copies
it to the host.
"""

import copy

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import validate_data

from . import _namespace
from ._checks import all_finite
from ._monitor import CALLBACK_ATTRIBUTES
from ._namespace import check_fitted_namespace

_FLOAT_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))
_ACCEPT_SPARSE = ["csr", "csc"]
_NONFINITE_OUTPUT = (
    "The network's output is not finite for some samples: their features are too "
    "large for the fitted weights. Scale the input as the training data was scaled."
)
# Rows per chunk in predict: keeps each chunk's widest layer near 2**20 values.
_PREDICT_CHUNK_VALUES = 2**20


class PredictionMixin:
    """Validated, chunked forward passes of a fitted network."""

    def _validate_X(self, X):
        """Validate X for prediction, in any numeric dtype.

        The conversion to the model's dtype is left to the caller, chunk by
        chunk, so that it never copies all of X at once. A plain 2-D float
        array of the right width, with nothing but finite values, for a model
        fitted without feature names, needs none of ``validate_data``'s
        conversions; checking just that much keeps single-row predictions
        fast. Anything else takes the full path, which also raises the errors.
        """
        if (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype in _FLOAT_DTYPES
            and X.shape[0] >= 1
            and X.shape[1] == self.n_features_in_
            and not hasattr(self, "feature_names_in_")
            and all_finite(X)
        ):
            return X
        return validate_data(
            self, X, accept_sparse=_ACCEPT_SPARSE, dtype="numeric", reset=False
        )

    def _chunk_rows(self, X) -> int:
        """Rows per chunk: the widest array a chunk needs near 2**20 values.

        Those are the layers' outputs and, for dense X, the chunk of X itself
        (a copy when it is converted); a sparse chunk stays sparse, so very
        wide sparse X does not shrink the chunks.
        """
        widths = self._layer_units[1:] if sp.issparse(X) else self._layer_units
        return max(1, _PREDICT_CHUNK_VALUES // max(widths))

    def _check_fitted(self):
        """Raise check_is_fitted's error, without its cost, when not fitted."""
        if not hasattr(self, "_theta"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' "
                "with appropriate arguments before using this estimator."
            )

    def _predict_chunks(self, X, transform, tail_shape, dtype, method) -> np.ndarray:
        """Apply ``transform`` to the logits of X, chunk by chunk.

        ``transform(z, ops)`` maps the output logits of a chunk of rows (an
        array it may overwrite) to that chunk's result, of shape ``(rows,) +
        tail_shape``; results go straight into the one output array, so
        memory stays bounded for any number of rows. Non-finite logits (input
        far outside the training range, overflowing the products) raise. A
        model fitted in another array library computes in it (``method``
        names the caller in the error for inputs from elsewhere).
        """
        self._check_fitted()
        ns = check_fitted_namespace(self, X, method)
        if ns is not None:
            with np.errstate(all="ignore"):  # (numpy-backed libraries warn)
                return self._predict_on_device(ns, X, transform)
        with np.errstate(all="ignore"):  # scikit-learn's check warns on inf - inf
            X = self._validate_X(X)
        theta, n = self._theta, X.shape[0]
        chunk = self._chunk_rows(X)
        if sp.issparse(X) and n > chunk:
            X = X.tocsr()
        network = self._network(min(n, chunk), loss=False)
        out = np.empty((n, *tail_shape), dtype=dtype)
        with np.errstate(all="ignore"):
            for start in range(0, n, chunk):
                rows = slice(start, min(start + chunk, n))
                z = network.logits(theta, X[rows].astype(theta.dtype, copy=False))
                if not all_finite(z):
                    raise ValueError(_NONFINITE_OUTPUT)
                out[rows] = transform(z, network.ops)
        return out

    def _predict_on_device(self, ns, X, transform):
        """``_predict_chunks`` for a model in another array library."""
        X = self._validate_device_X(ns, X, reset=False)
        theta, n = self._theta, X.shape[0]
        if X.dtype != theta.dtype:
            X = ns.xp.astype(X, theta.dtype)
        chunk = self._chunk_rows(X)
        network = self._network(min(n, chunk), loss=False)
        parts = [
            network.logits(theta, X[start : min(start + chunk, n), ...])
            for start in range(0, n, chunk)
        ]
        Z = parts[0] if len(parts) == 1 else ns.xp.concat(parts)
        if not ns.ops.all_finite(Z):
            raise ValueError(_NONFINITE_OUTPUT)
        return transform(Z, ns.ops)

    def _validate_device_X(self, ns, X, *, reset):
        """Validate ``X`` of another array library on its device (dispatch on)."""
        if not ns.supports_float64() and X.dtype != ns.xp.float32:
            raise ValueError(
                f"The device {ns.device!r} has no float64; pass X as float32."
            )
        return validate_data(self, X, dtype=[ns.xp.float64, ns.xp.float32], reset=reset)

    def _fitted_view(self):
        """Return the fitted state of this moment, for one prediction call.

        A view shares this estimator's instance dictionary; a concurrent fit
        publishes a new dictionary instead of changing that one, so every
        attribute the call reads comes from the same fit.
        """
        view = object.__new__(type(self))
        view.__dict__ = self.__dict__
        view._check_fitted()
        return view

    def to_numpy(self):
        """Return a copy of this fitted model with every array on the host.

        A model fitted on another array library's arrays (a PyTorch tensor on
        a GPU, say) keeps its parameters there. The copy's parameters,
        optimizer state and other arrays are numpy arrays: it predicts on
        numpy input, pickles, and exports to ONNX or skops like a model
        fitted on numpy. A numpy model is simply copied.

        Returns
        -------
        estimator : estimator instance
            A new, numpy-backed estimator with the same parameters and
            fitted state.
        """
        self._check_fitted()
        state = {
            k: _namespace.move_to_host(v)
            for k, v in self.__dict__.items()
            if k not in CALLBACK_ATTRIBUTES
        }
        host = object.__new__(type(self))
        host.__dict__ = copy.deepcopy(state)
        return host
