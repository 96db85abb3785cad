"""Validation sets in the estimator shell: checking them and scoring a network.

A validation set comes from the user (``fit(X_val=..., y_val=...)``) or from
the early-stopping split (``_training``); either is scored after each epoch
with the estimator's ``scoring`` and evaluated on the training objective.
"""

import numpy as np
from sklearn.metrics import check_scoring

from . import _namespace
from ._checks import (
    cast_finite,
    check_weights,
    class_weight_name,
    validate_sample_weight,
)
from ._monitor import Validation
from ._namespace import to_host


class ValidationMixin:
    """The user's validation set, and ``(score, objective)`` of any parameters."""

    def _validation_data(self, X_val, y_val, sample_weight_val, data, ns=None):
        """Validate the user-supplied validation set; None when there is none."""
        if X_val is None and y_val is None:
            if sample_weight_val is not None:
                raise ValueError(
                    "sample_weight_val is given, but X_val and y_val are not."
                )
            return None
        if y_val is None:
            raise ValueError("X_val is provided, but y_val was not provided.")
        if X_val is None:
            raise ValueError("y_val is provided, but X_val was not provided.")
        if ns is not None:
            _namespace.check_same(ns, X_val, "X_val")
        try:
            if ns is None:
                Xv, yv = self._validate_X_y(X_val, y_val, reset=False)
            else:
                Xv = self._validate_device_X(ns, X_val, reset=False)
                yv = self._validate_host_y(to_host(y_val), Xv.shape[0])
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"Invalid validation data (X_val, y_val): {exc}") from None
        if ns is None:
            Xv = cast_finite(Xv, data.X.dtype, "X_val")
            dtype = Xv.dtype
        else:
            if Xv.dtype != data.X.dtype:
                Xv = _namespace.cast_finite_on_device(ns, Xv, data.X.dtype, "X_val")
            dtype = ns.host_dtype(Xv.dtype)
        Yv = self._encode_validation_targets(yv, data)
        Yv = self._contiguous_targets(Yv, dtype, "y_val")
        swv = validate_sample_weight(
            to_host(sample_weight_val),
            Xv.shape[0],
            dtype,
            name="sample_weight_val",
            rows="X_val",
        )
        weighted = self._weight_by_class(Yv, swv)
        if weighted is not swv:
            name = class_weight_name(swv, "sample_weight_val", "y_val")
            swv = check_weights(weighted, dtype, name)
        scorer = self._scorer()
        self._check_validation_size(Xv.shape[0], scorer)
        validation = Validation(self, Xv, Yv, swv, lambda: (X_val, y_val), scorer)
        if ns is not None:
            validation.on_device(ns, dtype)
        return validation

    def _check_validation_size(self, n_val, scorer):
        """Raise when the score is undefined for ``n_val`` validation samples."""

    def _scorer(self):
        """None (the estimator's score), 'loss', or a scikit-learn scorer."""
        if self.scoring is None or self.scoring == "loss":
            return self.scoring
        return check_scoring(self, scoring=self.scoring)

    def _validation_metrics(
        self, theta, X, Y, sample_weight, with_score=True, host=None
    ) -> tuple[float, float]:
        """``(score, objective)`` of ``theta`` on validation data, by row chunks.

        The score is the estimator's ``score`` metric (NaN without
        ``with_score``); the objective is the training objective (loss plus L2
        term) evaluated on these rows.
        """
        n, chunk = X.shape[0], self._chunk_rows(X)
        network = self._network(min(n, chunk), theta)
        ops = network.ops
        # with another library, Y and the weights on the host (for the score
        # and the chunks' shares) come as host=(Y, sample_weight)
        Y_host, sw_host = (Y, sample_weight) if host is None else host
        Z = np.empty((n, self.n_outputs_), dtype=theta.dtype) if ops.buffered else []
        total = n if sw_host is None else float(sw_host.sum())
        data = 0.0
        with np.errstate(all="ignore"):
            for start in range(0, n, chunk):
                rows = slice(start, min(start + chunk, n))
                # (array API arrays take a full index; sparse matrices do not)
                index = rows if ops.buffered else (rows, ...)
                sw = None if sample_weight is None else sample_weight[rows]
                weight = rows.stop - rows.start
                if sw_host is not None:
                    weight = float(sw_host[rows].sum())
                if weight == 0:  # rows that do not count in the objective
                    z = network.logits(theta, X[index])
                else:
                    value, z = network.evaluate(theta, X[index], Y[index], sw)
                    data += value * (weight / total)  # (a fraction: no overflow)
                if ops.buffered:
                    Z[rows] = z
                else:
                    Z.append(z)
            if not ops.buffered:
                Z = ops.to_host(Z[0] if len(Z) == 1 else ops.xp.concat(Z))
            loss = float(data)
            if self.alpha:
                W = theta[: network.layout.n_coefs]
                loss += 0.5 * self.alpha * float(network.ops.dot(W, W)) / total
            if not (with_score and np.isfinite(Z).all()):
                return np.nan, loss
            return self._score_logits(Z, Y_host, sw_host), loss
