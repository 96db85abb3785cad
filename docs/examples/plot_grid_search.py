"""
Tuning a network with GridSearchCV
==================================

``BackpropClassifier`` is a scikit-learn estimator, so the usual model
selection tools work on it unchanged. This example puts it in a ``Pipeline``
after a ``StandardScaler`` and lets ``GridSearchCV`` choose the size of the
hidden layer and the strength of the L2 penalty ``alpha`` on the handwritten
digits, with 3-fold cross-validation. A heatmap shows the score of every
combination.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier

# %%
# The data and the pipeline
# -------------------------
#
# A quarter of the digits is kept aside as a test set; the grid search only
# sees the rest. Putting the scaler inside the pipeline means it is refitted
# on the training part of every cross-validation split, so no statistics leak
# from the held-out fold.
#
# L-BFGS trains these small networks quickly and without a learning rate to
# tune; 300 iterations are enough for every combination below to converge.

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

pipe = Pipeline(
    [
        ("scale", StandardScaler()),
        ("clf", BackpropClassifier(solver="lbfgs", max_iter=300, random_state=0)),
    ]
)

# %%
# The grid
# --------
#
# Parameters of a pipeline step are addressed as ``<step>__<parameter>``.
# We try three hidden layer sizes and four values of ``alpha``, from almost
# no penalty to a strong one: 12 combinations, each fitted on 3 splits.
# ``return_train_score=True`` also records the accuracy on the training folds.
# (``clf__activation`` could be added to the grid in the same way.)

param_grid = {
    "clf__hidden_layer_sizes": [(8,), (16,), (32,)],
    "clf__alpha": [1e-3, 1e-1, 1.0, 10.0],
}
search = GridSearchCV(pipe, param_grid, cv=3, n_jobs=1, return_train_score=True)
search.fit(X_train, y_train)

print(f"best parameters: {search.best_params_}")
print(f"best mean cross-validation accuracy: {search.best_score_:.4f}")
print(f"test accuracy of the refitted best model: {search.score(X_test, y_test):.4f}")

# %%
# 16 and 32 hidden units with ``alpha=1`` tie for the best mean score;
# ``GridSearchCV`` then takes the one that comes first in the grid, the smaller
# network.
#
# All results
# -----------
#
# ``cv_results_`` holds, for every combination, the mean and spread of the
# held-out accuracy, the mean accuracy on the training folds, and how long a
# fit took.

results = pd.DataFrame(search.cv_results_)
results["hidden units"] = [h[0] for h in results["param_clf__hidden_layer_sizes"]]
results["alpha"] = results["param_clf__alpha"].astype(float)
table = results[
    [
        "hidden units",
        "alpha",
        "mean_test_score",
        "std_test_score",
        "mean_train_score",
        "mean_fit_time",
    ]
].sort_values("mean_test_score", ascending=False)
print(table.to_string(index=False, float_format="{:.4f}".format))

# %%
# The heatmap
# -----------
#
# Rows are hidden layer sizes, columns values of ``alpha``; each cell is the
# mean accuracy over the three held-out folds, the best one outlined.
#
# With hardly any penalty (``alpha=0.001``) every network fits its training
# folds (almost) perfectly, training accuracy 1.0 or nearly, and the
# held-out folds pay for it, the smallest network most. A moderate penalty
# helps every size; once it is right, 16 or 32 hidden units do equally well
# and only 8 is noticeably short. With ``alpha=10`` the weights are held so
# small that the networks start to underfit: even the training accuracy
# drops, and the held-out scores with it.

scores = results.pivot(index="hidden units", columns="alpha", values="mean_test_score")

fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
image = ax.imshow(scores.to_numpy(), cmap="viridis", origin="lower")
ax.set_xticks(np.arange(scores.shape[1]), [f"{a:g}" for a in scores.columns])
ax.set_yticks(np.arange(scores.shape[0]), [str(h) for h in scores.index])
ax.set(xlabel="alpha", ylabel="hidden units", title="mean 3-fold CV accuracy")
threshold = scores.to_numpy().mean()
for i in range(scores.shape[0]):
    for j in range(scores.shape[1]):
        value = scores.iat[i, j]
        ax.text(
            j,
            i,
            f"{value:.3f}",
            ha="center",
            va="center",
            color="black" if value > threshold else "white",
        )
best_i = scores.index.get_loc(search.best_params_["clf__hidden_layer_sizes"][0])
best_j = scores.columns.get_loc(search.best_params_["clf__alpha"])
ax.add_patch(
    plt.Rectangle(
        (best_j - 0.5, best_i - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2.5
    )
)
fig.colorbar(image, ax=ax, label="accuracy")
plt.show()
