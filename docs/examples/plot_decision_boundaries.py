"""
Decision boundaries: logistic vs ReLU hidden units
==================================================

Two interleaving half-moons cannot be separated by a straight line, but a
network with one small hidden layer separates them easily. This example trains
two ``BackpropClassifier`` networks of the same size on the same noisy moons,
one with logistic (sigmoid) hidden units, the package's default, and one with
ReLU hidden units, scikit-learn's default. It then draws the decision boundary
of each with scikit-learn's ``DecisionBoundaryDisplay``.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import make_moons
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split

from skbackprop import BackpropClassifier

# %%
# The data
# --------
#
# 300 points on two half-moons with Gaussian noise; 200 of them for training.
# The features are already on a similar scale (roughly -1 to 2), so we skip
# standardisation here to keep the plot in the original coordinates.

X, y = make_moons(n_samples=300, noise=0.25, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=100, stratify=y, random_state=0
)

# %%
# Two networks of the same size
# -----------------------------
#
# Both have one hidden layer of 16 units and are trained with L-BFGS, which
# suits small data sets; some L2 regularisation (``alpha``) keeps the weights,
# and so the boundaries, from becoming too sharp. Only the hidden activation
# differs.

classifiers = {
    activation: BackpropClassifier(
        hidden_layer_sizes=(16,),
        activation=activation,
        solver="lbfgs",
        alpha=0.1,
        max_iter=2000,
        random_state=0,
    ).fit(X_train, y_train)
    for activation in ("logistic", "relu")
}
for activation, clf in classifiers.items():
    print(
        f"{activation:<8} hidden units: {clf.n_iter_:>4} L-BFGS iterations, "
        f"train accuracy {clf.score(X_train, y_train):.3f}, "
        f"test accuracy {clf.score(X_test, y_test):.3f}"
    )

# %%
# The decision boundaries
# -----------------------
#
# The background shows the predicted probability of class 1, from blue
# (surely class 0) through white to red (surely class 1); the black line is
# where it crosses 0.5, the decision boundary. Training points are drawn as
# dots, test points as crosses, coloured by their true class.
#
# The logistic network draws a smooth, rounded boundary: each hidden unit
# contributes a soft S-shaped step, and their sum bends gently. The ReLU
# network's boundary and probability contours are made of straight pieces with
# corners where a hidden unit switches on or off, because each ReLU unit is
# exactly linear on either side of its own line. Both follow the moons and
# score about the same; they differ most away from the data, where neither has
# anything to go by, and the ReLU network extrapolates its straight pieces out
# to the edges of the plot.

point_colors = {0: "tab:blue", 1: "tab:red"}
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True, layout="constrained")
for ax, (activation, clf) in zip(axes, classifiers.items(), strict=True):
    display = DecisionBoundaryDisplay.from_estimator(
        clf,
        X,
        response_method="predict_proba",
        plot_method="pcolormesh",
        grid_resolution=300,
        eps=0.5,
        cmap="RdBu_r",
        vmin=0,
        vmax=1,
        shading="auto",
        ax=ax,
    )
    DecisionBoundaryDisplay.from_estimator(
        clf,
        X,
        response_method="predict_proba",
        plot_method="contour",
        grid_resolution=300,
        eps=0.5,
        levels=[0.5],
        colors="k",
        linewidths=1.5,
        ax=ax,
    )
    for label, color in point_colors.items():
        train, test = y_train == label, y_test == label
        ax.scatter(
            *X_train[train].T,
            color=color,
            edgecolors="k",
            linewidths=0.5,
            s=25,
            label=f"class {label}, training",
        )
        ax.scatter(
            *X_test[test].T,
            color=color,
            marker="x",
            s=25,
            label=f"class {label}, test",
        )
    ax.set_title(
        f"activation='{activation}'\ntest accuracy {clf.score(X_test, y_test):.2f}"
    )
    ax.set_xlabel("feature 0")
axes[0].set_ylabel("feature 1")
axes[0].legend(loc="lower left", fontsize="small")
fig.colorbar(display.surface_, ax=axes, label="predicted probability of class 1")
plt.show()
