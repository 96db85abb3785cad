"""
Three solvers on one figure
===========================

Train the same network on scikit-learn's digits with SGD, Adam and L-BFGS,
each watching the same validation set, and draw the three runs on one axes:
``LossCurveDisplay.from_estimator(..., ax=ax, name=...)`` labels every line
with its run's name, so the legend tells them apart (each run keeps one
color: solid training loss, dashed validation loss, dotted validation
accuracy on the right-hand axis). ``verbose=1`` prints the epoch table of a
run as it trains, and ``history_`` keeps the same numbers as plain data.

The x axis counts epochs for SGD and Adam and iterations for L-BFGS, which
looks at every sample in each of its iterations (and often several times).
"""

import warnings

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, LossCurveDisplay

# 60 epochs are not always enough to converge; skbackprop's warnings are filed
# under its own module name
warnings.filterwarnings("ignore", category=ConvergenceWarning, module="skbackprop")

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

# %%
# The epoch table
# ---------------
# One line per epoch, starting as scikit-learn's MLP prints it, then the
# validation loss, the validation accuracy (``*`` on the best epoch so far)
# and how long the epoch took; the last line says why training ended.

sgd = BackpropClassifier(
    hidden_layer_sizes=(64,),
    solver="sgd",
    learning_rate_init=0.1,
    max_iter=60,
    early_stopping=True,
    random_state=0,
    verbose=1,
)
sgd.fit(X_train, y_train, X_val=X_val, y_val=y_val)

# %%
# The same numbers, kept
# ----------------------
# ``history_`` goes straight into a DataFrame.

print(pd.DataFrame(sgd.history_).tail().round(5).to_string())

# %%
# Three runs, one figure
# ----------------------

fits = {"sgd": sgd.set_params(verbose=0)}
for solver, rate in (("adam", 0.003), ("lbfgs", None)):
    params = {} if rate is None else {"learning_rate_init": rate}
    fits[solver] = BackpropClassifier(
        hidden_layer_sizes=(64,),
        solver=solver,
        max_iter=60,
        early_stopping=solver != "lbfgs",
        random_state=0,
        **params,
    ).fit(X_train, y_train, X_val=X_val, y_val=y_val)

fig, ax = plt.subplots(figsize=(8, 5))
for name, clf in fits.items():
    display = LossCurveDisplay.from_estimator(clf, ax=ax, name=name)
ax.set_yscale("log")
ax.set_xlabel("epoch (iteration for L-BFGS)")
for name, clf in fits.items():
    print(
        f"{name:6s} {clf.n_iter_:3d} steps, best validation accuracy "
        f"{clf.best_validation_score_:.4f} at step {clf.best_iteration_}"
    )
fig.tight_layout()
plt.show()
