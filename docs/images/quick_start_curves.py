"""Regenerate quick_start_curves.png, the README's quick start plotted.

Run from the repository root: ``python docs/images/quick_start_curves.py``.
"""

from pathlib import Path

import matplotlib
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, LossCurveDisplay

matplotlib.use("Agg")
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
clf = make_pipeline(
    StandardScaler(),
    BackpropClassifier(
        hidden_layer_sizes=(64,),
        learning_rate_init=0.01,
        early_stopping=True,
        random_state=0,
    ),
).fit(X_train, y_train)
display = LossCurveDisplay.from_estimator(clf)
display.ax_.set_yscale("log")
display.figure_.set_size_inches(6.4, 3.6)
display.figure_.tight_layout()
display.figure_.savefig(Path(__file__).with_suffix(".png"), dpi=100)
