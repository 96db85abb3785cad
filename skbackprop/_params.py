"""The fitted parameters as per-layer views of the flat vector ``_theta``.

The fitted state stores only ``_theta`` (plus the layer sizes); ``coefs_`` and
``intercepts_`` are derived from it on every access, so pickling, copying or
replacing ``_theta`` can never leave stale per-layer arrays behind.
"""

import numbers
from functools import lru_cache

import numpy as np

from ._layout import ParamLayout


@lru_cache(maxsize=32)
def _layout(layer_units: tuple[int, ...]) -> ParamLayout:
    return ParamLayout(layer_units)


class _LayerList(list):
    """Per-layer views into ``theta``; assigning an item writes into ``theta``.

    So ``est.coefs_[0] = W`` updates the model, as it does for scikit-learn's
    MLP, instead of silently changing a temporary list.
    """

    def __init__(self, views, name):
        super().__init__(views)
        self._name = name

    def __setitem__(self, index, value):
        if not isinstance(index, numbers.Integral):
            raise TypeError(
                f"assign {self._name} one layer at a time or as a whole list"
            )
        _copy_into(list.__getitem__(self, index), value, f"{self._name}[{index}]")


def _copy_into(view: np.ndarray, value, name: str) -> None:
    value = np.asarray(value)
    if value.shape != view.shape:
        raise ValueError(f"{name} must have shape {view.shape}, got {value.shape}")
    if not np.isfinite(value).all():
        raise ValueError(f"{name} contains NaN or infinity")
    view[...] = value


class ParamViewsMixin:
    """``coefs_`` / ``intercepts_`` as views of ``self._theta``."""

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_theta")

    def _views(self):
        state = self.__dict__  # one read: theta and its layout from the same fit
        if "_theta" not in state:
            raise AttributeError(
                f"This {type(self).__name__} instance is not fitted yet; fit it "
                "before reading or assigning coefs_ / intercepts_."
            )
        return _layout(state["_layer_units"]).unpack(state["_theta"])

    @property
    def coefs_(self):
        """Weight matrix of each layer, shape (fan_in, fan_out): views into theta."""
        return _LayerList(self._views()[0], "coefs_")

    @coefs_.setter
    def coefs_(self, value):
        self._assign_layers(value, 0, "coefs_")

    @property
    def intercepts_(self):
        """Bias vector of each layer, shape (fan_out,): views into theta."""
        return _LayerList(self._views()[1], "intercepts_")

    @intercepts_.setter
    def intercepts_(self, value):
        self._assign_layers(value, 1, "intercepts_")

    def _assign_layers(self, value, which, name):
        views = self._views()[which]
        value = list(value)
        if len(value) != len(views):
            raise ValueError(f"{name} needs {len(views)} arrays, got {len(value)}")
        for i, (view, v) in enumerate(zip(views, value, strict=True)):
            _copy_into(view, v, f"{name}[{i}]")
