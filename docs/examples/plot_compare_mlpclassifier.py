"""
BackpropClassifier next to MLPClassifier
========================================

``BackpropClassifier`` is a drop-in replacement for scikit-learn's
``MLPClassifier``: same parameters, same defaults (except
``activation='logistic'``), same fitted attributes. Given the same
``random_state`` and hyperparameters, both start from the same weights and take
the same steps, so they end at the same model. What differs is how long it
takes.

This example trains both on scikit-learn's handwritten digits with each of the
three solvers (``'adam'``, ``'sgd'`` and ``'lbfgs'``) and compares test
accuracy and fit time, the median of three fits each.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skbackprop import BackpropClassifier

# %%
# The data
# --------
#
# 1,797 images of 8x8 pixels, ten classes. We hold out a quarter for testing
# and standardise the pixels with statistics of the training part only.

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
print(f"{len(X_train)} training and {len(X_test)} test samples")

# %%
# Same hyperparameters for both
# -----------------------------
#
# One hidden layer of 64 logistic units. The solver settings are chosen so
# that every fit converges (no ``ConvergenceWarning``) quickly: Adam and SGD
# get larger learning rates than scikit-learn's default of 0.001, and the
# iteration limits are high enough for the stopping criterion to be reached
# first.

common = {"hidden_layer_sizes": (64,), "activation": "logistic", "random_state": 0}
solvers = {
    "adam": {"solver": "adam", "learning_rate_init": 0.01, "max_iter": 500},
    "sgd": {"solver": "sgd", "learning_rate_init": 0.2, "max_iter": 500},
    "lbfgs": {"solver": "lbfgs", "max_iter": 1000},
}
estimators = {"BackpropClassifier": BackpropClassifier, "MLPClassifier": MLPClassifier}


# %%
# Each estimator is fitted three times per solver, alternating between the two
# so that a busy moment on the machine does not favour either, and we keep the
# median fit time. Both estimators do their matrix products in OpenBLAS
# (scikit-learn's through numpy, ours through scipy), and we limit BLAS to one
# thread while timing. On a problem this small a second thread buys little,
# and on a busy or shared machine a BLAS thread waiting for a core can make
# single fits of either estimator several times slower, which would drown the
# comparison in noise.

n_repeats = 3
rows = []
fitted = {}
for solver, params in solvers.items():
    times = {name: [] for name in estimators}
    for _ in range(n_repeats):
        for name, cls in estimators.items():
            est = cls(**common, **params)
            with threadpool_limits(limits=1, user_api="blas"):
                start = time.perf_counter()
                est.fit(X_train, y_train)
                times[name].append(time.perf_counter() - start)
            fitted[solver, name] = est
    for name in estimators:
        est = fitted[solver, name]
        rows.append(
            {
                "solver": solver,
                "estimator": name,
                "iterations": est.n_iter_,
                "final loss": est.loss_,
                "test accuracy": est.score(X_test, y_test),
                "fit time (s)": float(np.median(times[name])),
            }
        )

results = pd.DataFrame(rows)
with pd.option_context("display.float_format", "{:.4f}".format):
    print(results.to_string(index=False))

# %%
# The two estimators take the same steps: for every solver they run the same
# number of iterations, reach the same final loss and score the same test
# accuracy. The weights agree to rounding error:

for solver in solvers:
    ours, theirs = fitted[solver, "BackpropClassifier"], fitted[solver, "MLPClassifier"]
    max_diff = max(
        np.max(np.abs(a - b))
        for a, b in zip(
            ours.coefs_ + ours.intercepts_,
            theirs.coefs_ + theirs.intercepts_,
            strict=True,
        )
    )
    same_predictions = np.array_equal(ours.predict(X_test), theirs.predict(X_test))
    print(
        f"{solver:<6} largest weight difference {max_diff:.1e}, "
        f"identical test predictions: {same_predictions}"
    )

# %%
# Fit time
# --------
#
# The time ratio is BackpropClassifier's median fit time divided by
# MLPClassifier's; below 1 means BackpropClassifier is faster. The arithmetic
# is the same; the difference is in the work around it: BackpropClassifier
# keeps every weight in one flat vector, allocates its buffers once per fit
# and updates all parameters in a few vectorised operations, where
# MLPClassifier works through lists of per-layer arrays and allocates as it
# goes. Timings on a problem this small are
# noisy, and the ratio depends on the machine and its BLAS library.

times = results.pivot(index="solver", columns="estimator", values="fit time (s)")
times = times.loc[list(solvers)]
ratio = times["BackpropClassifier"] / times["MLPClassifier"]
for solver, r in ratio.items():
    print(f"{solver:<6} time ratio BackpropClassifier / MLPClassifier = {r:.2f}")

# %%
# The figure puts test accuracy and fit time side by side. The accuracy bars
# of each pair have the same height; the time bars do not.

accuracy = results.pivot(index="solver", columns="estimator", values="test accuracy")
accuracy = accuracy.loc[list(solvers)]

fig, (ax_acc, ax_time) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
positions = np.arange(len(solvers))
width = 0.38
colors = {"BackpropClassifier": "tab:blue", "MLPClassifier": "tab:orange"}
for offset, name in zip((-width / 2, width / 2), estimators, strict=True):
    ax_acc.bar(
        positions + offset, accuracy[name], width, label=name, color=colors[name]
    )
    ax_time.bar(positions + offset, times[name], width, label=name, color=colors[name])
for solver_index, r in enumerate(ratio):
    ax_time.annotate(
        f"x{r:.2f}",
        (positions[solver_index], times.iloc[solver_index].max()),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
    )
ax_acc.set(
    xticks=positions,
    xticklabels=list(solvers),
    ylim=(0.9, 1.0),
    ylabel="test accuracy",
    title="Test accuracy",
)
ax_time.set(
    xticks=positions,
    xticklabels=list(solvers),
    ylabel="seconds (median of 3 fits)",
    title="Fit time (label: ratio ours / scikit-learn)",
)
ax_time.margins(y=0.15)
fig.legend(*ax_acc.get_legend_handles_labels(), loc="outside upper center", ncols=2)
plt.show()
