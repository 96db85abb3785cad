"""skbackprop: a classic backpropagation network behind the scikit-learn API."""

from ._classifier import BackpropClassifier
from ._display import LossCurveDisplay
from ._regressor import BackpropRegressor

__version__ = "0.1.0.dev0"

#: The types a saved skbackprop model contains beyond what skops trusts by
#: default: pass them as ``trusted`` to ``skops.io.load``. The fitted state is
#: plain data (numpy arrays, lists, dicts, numbers, strings), so these two
#: classes are all ``skops.io.get_untrusted_types`` reports.
SKOPS_TRUSTED_TYPES = [
    "skbackprop._classifier.BackpropClassifier",
    "skbackprop._regressor.BackpropRegressor",
]

__all__ = [
    "SKOPS_TRUSTED_TYPES",
    "BackpropClassifier",
    "BackpropRegressor",
    "LossCurveDisplay",
    "__version__",
]
