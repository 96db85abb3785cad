"""
XOR with a 2-2-1 sigmoid network
================================

XOR is the classic problem a single layer of weights cannot solve: the output
should be 1 when exactly one of the two inputs is 1, and no straight line
separates those two points from the other two. Two hidden units are enough.

This example trains the textbook network for it: two inputs, two logistic
hidden units, one logistic output unit, squared error. It compares the result
with a classic tutorial network trained by plain gradient descent, shows that
the same network can also get stuck, and draws the surfaces the networks
learn.
"""

import matplotlib.pyplot as plt
import numpy as np

from skbackprop import BackpropClassifier

# %%
# The data and the network
# ------------------------
#
# The four rows of the truth table are the whole data set.
#
# ``loss='squared_error'`` gives the classic network: a binary classifier has
# one logistic output unit, and training minimises half the squared distance
# between its output and the 0/1 target. We train with L-BFGS, without weight
# decay (``alpha=0``) and with a very small tolerance, to get as close to the
# minimum as possible. With four samples this takes a fraction of a second.

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
y = np.array([0, 1, 1, 0])


def xor_network(random_state):
    """The 2-2-1 sigmoid network, squared error, L-BFGS."""
    return BackpropClassifier(
        hidden_layer_sizes=(2,),
        activation="logistic",
        loss="squared_error",
        solver="lbfgs",
        alpha=0.0,
        tol=1e-12,
        max_iter=2000,
        random_state=random_state,
    )


clf = xor_network(random_state=4).fit(X, y)
print(f"weight shapes: {[W.shape for W in clf.coefs_]}")
print(f"L-BFGS iterations: {clf.n_iter_}")

# %%
# Outputs and error
# -----------------
#
# ``predict_proba(X)[:, 1]`` is the output unit's activation. It is within a
# ten-thousandth of the target for every row, and ``predict`` gets all four
# right.

out = clf.predict_proba(X)[:, 1]
print(" x1  x2  target  output")
for (x1, x2), target, o in zip(X, y, out, strict=True):
    print(f"{x1:3.0f} {x2:3.0f} {target:7d}  {o:.6f}")
print(f"predict: {clf.predict(X)}")

# %%
# A classic tutorial (seed 000) trains the same 2-2-1 network by full-batch
# gradient descent with learning rate 0.2 for 100,000 iterations and reports a
# sum of squared errors, ``sum((output - target)**2)``, of 0.000291. L-BFGS
# gets far lower in a few dozen iterations. ``loss_`` is the quantity the
# estimator minimises: the mean over the four rows of half the squared error.

sse = np.sum((out - y) ** 2)
print(f"sum of squared errors: {sse:.2e} (seed 000 tutorial: 0.000291)")
print(f"loss_ = {clf.loss_:.3e} = sum of squared errors / 8: {sse / 8:.3e}")

# %%
# Local minima
# ------------
#
# This small network is famous for getting stuck. Depending on where the
# weights start, training may end in a local minimum where the network
# outputs 0.5 for two of the rows, or 2/3 for three of them, and the error
# cannot decrease any further by small changes. Trying the first ten
# ``random_state`` values, only a few reach the solution:

for random_state in range(10):
    stuck = xor_network(random_state).fit(X, y)
    p = stuck.predict_proba(X)[:, 1]
    status = "solved" if np.array_equal(stuck.predict(X), y) else "stuck"
    print(
        f"random_state={random_state}: outputs {np.round(p, 3)}, "
        f"sum of squared errors {np.sum((p - y) ** 2):.2e}  {status}"
    )

# %%
# Two common remedies: train a few networks from different starts and keep
# the one with the lowest ``loss_``, or use more hidden units than strictly
# needed, which leaves the loss surface with far fewer traps. Counting solved
# runs over the same ten starts (two hidden units: 2 of 10, as above):


def xor_network_with(n_hidden, random_state):
    """Like ``xor_network`` with ``n_hidden`` hidden units."""
    return xor_network(random_state).set_params(hidden_layer_sizes=(n_hidden,))


for n_hidden in (3, 4, 8):
    solved = sum(
        np.array_equal(xor_network_with(n_hidden, random_state).fit(X, y).predict(X), y)
        for random_state in range(10)
    )
    print(f"{n_hidden} hidden units: solved from {solved:2d} of 10 starts")

# %%
# The surfaces
# ------------
#
# The colour shows the network's output over the square [-0.5, 1.5]^2, with
# the black line where it crosses 0.5. The dashed lines are where each hidden
# unit's net input is zero, its output 0.5: each hidden unit splits the plane
# with a line, and the output unit combines the two half-planes into a band
# that contains (0, 1) and (1, 0) but not (0, 0) and (1, 1). On the right, a
# network stuck in a local minimum: its output is near 0.5 over a whole
# region holding two of the points.

grid = np.linspace(-0.5, 1.5, 301)
xx, yy = np.meshgrid(grid, grid)
grid_points = np.column_stack([xx.ravel(), yy.ravel()])

fig, axes = plt.subplots(1, 2, figsize=(10, 4.4), sharey=True, layout="constrained")
for ax, random_state in zip(axes, (4, 0), strict=True):
    net = xor_network(random_state).fit(X, y)
    surface = net.predict_proba(grid_points)[:, 1].reshape(xx.shape)
    mesh = ax.pcolormesh(xx, yy, surface, cmap="RdBu_r", vmin=0, vmax=1)
    ax.contour(xx, yy, surface, levels=[0.5], colors="k", linewidths=1.5)
    W, b = net.coefs_[0], net.intercepts_[0]
    for unit in range(2):
        # the line W[0, unit] * x1 + W[1, unit] * x2 + b[unit] = 0
        net_input = (grid_points @ W[:, unit] + b[unit]).reshape(xx.shape)
        ax.contour(
            xx,
            yy,
            net_input,
            levels=[0],
            colors="0.3",
            linestyles="--",
            linewidths=1,
        )
    for target, marker in ((0, "o"), (1, "s")):
        ax.scatter(
            *X[y == target].T,
            marker=marker,
            s=90,
            color="white",
            edgecolors="k",
            linewidths=1.5,
            zorder=3,
            label=f"target {target}",
        )
    for (x1, x2), target in zip(X, y, strict=True):
        ax.annotate(
            f"({x1:.0f}, {x2:.0f}) → {target}",
            (x1, x2),
            xytext=(9, 9),
            textcoords="offset points",
            fontsize=9,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.8},
        )
    sse = np.sum((net.predict_proba(X)[:, 1] - y) ** 2)
    status = "solved" if np.array_equal(net.predict(X), y) else "stuck"
    ax.set(
        title=f"random_state={random_state}: {status}\nsum of squared errors {sse:.1e}",
        xlabel="x1",
        aspect="equal",
        xlim=(-0.5, 1.5),
        ylim=(-0.5, 1.5),
    )
axes[0].set_ylabel("x2")
axes[0].legend(loc="lower right")
fig.colorbar(mesh, ax=axes, label="network output")
plt.show()
