"""skbackprop: a classic backpropagation network behind the scikit-learn API."""

from ._classifier import BackpropClassifier
from ._display import LossCurveDisplay
from ._regressor import BackpropRegressor

__version__ = "0.1.0.dev0"
__all__ = ["BackpropClassifier", "BackpropRegressor", "LossCurveDisplay", "__version__"]
