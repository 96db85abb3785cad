"""Class labels in the classifier: encoding targets, checking classes, class weights.

The labels and their encoding always live on the host (numpy), whatever
array library the features come in; the encoded targets are moved to X's
device by the shell (``_training.fit_data``).
"""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import column_or_1d

_SUPPORTED_TARGETS = ("binary", "multiclass", "multilabel-indicator")


def _check_label_types(labels, name) -> None:
    """Raise a clear TypeError for labels that cannot be ordered together.

    scikit-learn sorts the labels; a mix of strings and numbers, or None,
    would otherwise fail deep inside numpy with "'<' not supported".
    """
    labels = (
        np.asarray(labels, dtype=object) if not hasattr(labels, "dtype") else labels
    )
    if labels.dtype != object:
        return
    kinds = {
        "None"
        if v is None
        else "str"
        if isinstance(v, str)
        else "number"
        if isinstance(v, numbers.Number)
        else type(v).__name__
        for v in labels.ravel()
    }
    if len(kinds) > 1 or "None" in kinds:
        raise TypeError(
            f"{name} mixes labels of different types ({', '.join(sorted(kinds))}); "
            "class labels must be all numbers or all strings."
        )


def _text(labels) -> str:
    """Labels as numpy prints them (``[0 1 2]``), as scikit-learn's messages do."""
    return str(np.asarray(labels))


class ClassLabelsMixin:
    """Targets of BackpropClassifier: labels, their encoding and class weights."""

    def _encode_targets(self, y, *, first_pass, incremental, classes):
        if sp.issparse(y):
            # a multilabel indicator matrix, as scikit-learn's MLP accepts
            if type_of_target(y) != "multilabel-indicator":
                raise ValueError(
                    "A sparse y must be a multilabel indicator matrix (0s and 1s, "
                    f"one column per label); got a {type_of_target(y)} one."
                )
            y = y.toarray()
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        _check_label_types(y, "y")
        if classes is not None:
            _check_label_types(classes, "classes")
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y")
        if y_type not in _SUPPORTED_TARGETS:
            raise ValueError(
                f"{type(self).__name__} supports binary, multiclass and multilabel "
                f"(indicator) targets; y is {y_type}."
            )
        multilabel = y_type == "multilabel-indicator"
        if first_pass:
            self._set_classes(y, multilabel, classes, incremental)
        else:
            self._check_classes(y, multilabel, classes, incremental)
        if multilabel:
            return y
        index = np.searchsorted(self.classes_, y)
        if len(self.classes_) == 2:
            return (index == 1)[:, np.newaxis]
        Y = np.zeros((len(y), len(self.classes_)), dtype=bool)
        Y[np.arange(len(y)), index] = 1
        return Y

    def _set_classes(self, y, multilabel, classes, incremental):
        if multilabel:
            self.classes_ = np.arange(y.shape[1])
            self._label_type = "multilabel-indicator"
            return
        if incremental and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        labels = unique_labels(y if classes is None else classes)
        if len(labels) < 2:
            where = "the data" if classes is None else "classes"
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes; {where} "
                f"contains {len(labels)} class(es): {_text(labels)}."
            )
        if classes is not None and not np.isin(unique_labels(y), labels).all():
            raise ValueError(f"y has labels that are not in classes={_text(labels)}")
        self.classes_ = labels
        self._label_type = "binary" if len(labels) == 2 else "multiclass"

    def _encode_validation_targets(self, y_val, data):
        """Encode y_val with this fit's classes."""
        try:
            return self._encode_targets(
                y_val, first_pass=False, incremental=True, classes=None
            )
        except (TypeError, ValueError) as exc:
            raise type(exc)(
                f"y_val does not match the training targets: {exc}"
            ) from None

    def _check_classes(self, y, multilabel, classes, incremental):
        was_multilabel = self._label_type == "multilabel-indicator"
        if multilabel != was_multilabel or (
            multilabel and y.shape[1] != len(self.classes_)
        ):
            raise ValueError(
                f"y is {'multilabel' if multilabel else 'not multilabel'} with a "
                f"different label set than the {self._label_type} targets the model "
                "was fitted on."
            )
        if multilabel:
            return
        if classes is not None and not np.array_equal(
            unique_labels(classes), self.classes_
        ):
            raise ValueError(
                f"classes={_text(unique_labels(classes))} is not the same as on the "
                f"first call, was: {_text(self.classes_)}"
            )
        labels = unique_labels(y)
        if incremental:
            unseen = np.setdiff1d(labels, self.classes_)
            if len(unseen):
                raise ValueError(
                    f"y has classes not in classes_: {_text(unseen)}; classes_ is "
                    f"{_text(self.classes_)}."
                )
        elif not np.array_equal(labels, self.classes_):
            raise ValueError(
                "warm_start can only be used where y has the same classes as in the "
                f"previous call to fit. Previously got {_text(self.classes_)}, y has "
                f"{_text(labels)}."
            )

    def _class_index(self, Y):
        return Y[:, 0].astype(np.intp) if Y.shape[1] == 1 else Y.argmax(axis=1)

    def _apply_class_weight(self, Y, sample_weight, incremental):
        if self.class_weight is None:
            return sample_weight
        if self._label_type == "multilabel-indicator":
            raise ValueError(
                "class_weight is not supported for multilabel targets; pass "
                "sample_weight instead."
            )
        if isinstance(self.class_weight, str):
            self._update_class_totals(Y, sample_weight, incremental)
        return self._weight_by_class(Y, sample_weight)

    def _weight_by_class(self, Y, sample_weight):
        """``sample_weight`` times each row's class weight (no bookkeeping)."""
        if self.class_weight is None:
            return sample_weight
        if isinstance(self.class_weight, str):
            weights = self._balanced_weights()
        else:
            weights = self._dict_weights()
        weights = weights[self._class_index(Y)]
        return weights if sample_weight is None else weights * sample_weight

    def _update_class_totals(self, Y, sample_weight, incremental):
        """Add this data's sample-weighted class totals (partial_fit: running)."""
        n_classes = len(self.classes_)
        totals = np.bincount(
            self._class_index(Y), weights=sample_weight, minlength=n_classes
        )
        if incremental and hasattr(self, "_class_totals"):
            totals = totals + self._class_totals
        self._class_totals = totals

    def _balanced_weights(self):
        """``total / (n_classes * class_total)`` from sample-weighted class totals.

        ``partial_fit`` keeps running totals, so the weights follow the class
        frequencies of all the data seen so far.
        """
        totals = self._class_totals
        n_classes = len(totals)
        weights = np.ones(n_classes)
        seen = totals > 0
        weights[seen] = totals.sum() / (n_classes * totals[seen])
        return weights

    def _dict_weights(self):
        classes = self.classes_.tolist()
        unknown = set(self.class_weight) - set(classes)
        if unknown:
            raise ValueError(
                f"class_weight has keys {sorted(map(repr, unknown))} that are not "
                f"classes; the classes are {_text(self.classes_)}."
            )
        weights = np.array(
            [self.class_weight.get(c, 1.0) for c in classes], dtype=float
        )
        if not (np.isfinite(weights).all() and (weights >= 0).all()):
            raise ValueError(
                f"class_weight values must be finite and >= 0, got {self.class_weight}"
            )
        return weights
