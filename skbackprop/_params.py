"""The fitted parameters as per-layer views of the flat vector ``_theta``.

The fitted state stores only ``_theta`` (plus the layer sizes); ``coefs_`` and
``intercepts_`` are derived from it on every access, so pickling, copying or
replacing ``_theta`` can never leave stale per-layer arrays behind.

Before the first fit there is no ``_theta`` to view. As with scikit-learn's
MLP, ``coefs_`` and ``intercepts_`` may still be assigned then (a list of
arrays, which may be filled in layer by layer afterwards): the first fit or
``partial_fit`` starts from those weights instead of random ones, once it
knows the layer sizes to check them against.
"""

import numbers
from functools import lru_cache

import numpy as np

from ._layout import ParamLayout
from ._namespace import namespace_of_array, ops_for, to_host

# where weights assigned before the first fit wait for it
_INITIAL = {"coefs_": "_initial_coefs", "intercepts_": "_initial_intercepts"}


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
        view = list.__getitem__(self, index)
        _write(view, value, f"{self._name}[{index}]")


def _write(view, value, name) -> None:
    """Check ``value`` and copy it into ``view`` (numpy or another library's)."""
    if isinstance(view, np.ndarray):
        view[...] = _as_layer(value, view.shape, view.dtype, name)
        return
    ns = namespace_of_array(view)
    dtype = ns.host_dtype(view.dtype)
    view[...] = ns.asarray(_as_layer(to_host(value), tuple(view.shape), dtype, name))


def _as_layer(value, shape, dtype, name: str) -> np.ndarray:
    """Check one layer's weights and cast them to the model's ``dtype``.

    They must be real numbers of the given shape, finite once cast (a value
    beyond float32's range is not finite in a float32 model).
    """
    try:
        value = np.asarray(value)
        if value.dtype.kind == "c":
            raise TypeError(f"{name} must hold real numbers, got {value.dtype}")
        if value.dtype.kind not in "biuf":
            value = value.astype(np.float64)
    except (TypeError, ValueError) as exc:
        if name in str(exc):
            raise
        raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if value.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {value.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        cast = value.astype(dtype)
    if not np.isfinite(cast).all():
        if np.isfinite(value).all():
            raise ValueError(
                f"{name} has values too large for {np.dtype(dtype).name}, the "
                "model's dtype"
            )
        raise ValueError(f"{name} contains NaN or infinity")
    return cast


class ParamViewsMixin:
    """``coefs_`` / ``intercepts_`` as views of ``self._theta``."""

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_theta")

    def _views(self):
        state = self.__dict__  # one read: theta and its layout from the same fit
        theta = state["_theta"]
        layout = _layout(state["_layer_units"])
        if isinstance(theta, np.ndarray):
            return layout.unpack(theta)
        return ops_for(theta).unpack(layout, theta)  # another library's views

    def _layers(self, which, name):
        if "_theta" in self.__dict__:
            return _LayerList(self._views()[which], name)
        if _INITIAL[name] in self.__dict__:  # assigned before the first fit
            return self.__dict__[_INITIAL[name]]
        raise AttributeError(
            f"This {type(self).__name__} instance is not fitted yet and has no "
            f"{name}; fit it, or assign {name} to choose the initial weights."
        )

    @property
    def coefs_(self):
        """Weight matrix of each layer, of shape (fan_in, fan_out); assignable."""
        return self._layers(0, "coefs_")

    @coefs_.setter
    def coefs_(self, value):
        self._assign_layers(value, 0, "coefs_")

    @property
    def intercepts_(self):
        """Bias vector of each layer, of shape (fan_out,); assignable."""
        return self._layers(1, "intercepts_")

    @intercepts_.setter
    def intercepts_(self, value):
        self._assign_layers(value, 1, "intercepts_")

    def _assign_layers(self, value, which, name):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
            raise TypeError(f"{name} must be a list of arrays, one per layer")
        if "_theta" not in self.__dict__:
            # checked against the layer sizes by the first fit
            self.__dict__[_INITIAL[name]] = list(value)
            return
        _copy_layers(value, self._views()[which], name)

    def _use_initial_layers(self, layout: ParamLayout, theta: np.ndarray) -> None:
        """Copy weights assigned before the first fit into ``theta``; forget them."""
        views = layout.unpack(theta)
        for which, name in enumerate(_INITIAL):
            value = self.__dict__.pop(_INITIAL[name], None)
            if value is None:
                continue
            _copy_layers(value, views[which], name, " for this network")


def _copy_layers(value, views, name, where="") -> None:
    """Check every layer of ``value`` and copy it into its view."""
    if len(value) != len(views):
        raise ValueError(f"{name} needs {len(views)} arrays{where}, got {len(value)}")
    for i, view in enumerate(views):
        _write(view, value[i], f"{name}[{i}]")
