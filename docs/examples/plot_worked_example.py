"""
The classic backpropagation example, step by step
=================================================

Matt Mazur's "A Step by Step Backpropagation Example" (2015) works through
one training step of a tiny network by hand: two inputs, two logistic hidden
units, two logistic output units, squared error, learning rate 0.5. Every
intermediate number is published, which makes it a good check of any
backpropagation code.

This example builds that exact network as a ``BackpropRegressor``, puts the
published weights into it, and follows the step: the forward pass, the error,
the deltas, and the eight updated weights, read back from the estimator after
one call to ``partial_fit``. Each number is printed next to the published one.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning

from skbackprop import BackpropRegressor

pd.set_option("display.float_format", "{:.9f}".format)
pd.set_option("display.width", 120)

# %%
# The network
# -----------
#
# Inputs ``i1 = 0.05`` and ``i2 = 0.10``, targets ``0.01`` and ``0.99``. The
# weights are ``w1`` to ``w8``, the hidden units share the bias ``b1 = 0.35``
# and the output units the bias ``b2 = 0.60``::
#
#     i1 --w1--> h1     i1 --w3--> h2     h1 --w5--> o1     h1 --w7--> o2
#     i2 --w2--> h1     i2 --w4--> h2     h2 --w6--> o1     h2 --w8--> o2
#
# The estimator's settings make a training step exactly the textbook one:
# logistic units everywhere (``activation='logistic'`` is the default),
# squared error, plain gradient descent (``solver='sgd'`` without momentum)
# with learning rate 0.5, no weight decay (``alpha=0``), one sample per step.

X = np.array([[0.05, 0.10]])  # i1, i2
Y = np.array([[0.01, 0.99]])  # target_o1, target_o2
eta = 0.5

reg = BackpropRegressor(
    hidden_layer_sizes=(2,),
    output_activation="logistic",
    loss="squared_error",
    solver="sgd",
    learning_rate_init=eta,
    momentum=0,
    nesterovs_momentum=False,
    alpha=0,
    batch_size=1,
    max_iter=1,
    shuffle=False,
    random_state=0,
)

# %%
# A fit is needed once, only to create a network of the right shape (it runs
# one epoch and, reasonably, warns that one epoch was not enough, so we silence
# that warning). Then we overwrite its weights with the published ones.
#
# ``coefs_[l][i, j]`` is the weight from unit ``i`` of layer ``l`` to unit
# ``j`` of layer ``l + 1``: the weights *into* a unit sit in a column.

with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    reg.fit(X, Y)

reg.coefs_ = [
    np.array([[0.15, 0.25], [0.20, 0.30]]),  # [[w1, w3], [w2, w4]]
    np.array([[0.40, 0.50], [0.45, 0.55]]),  # [[w5, w7], [w6, w8]]
]
reg.intercepts_ = [np.array([0.35, 0.35]), np.array([0.60, 0.60])]  # b1, b2


def named_weights(coefs):
    """w1..w8 in the example's numbering, read from ``coefs_``."""
    W1, W2 = coefs
    return {
        "w1": W1[0, 0],
        "w2": W1[1, 0],
        "w3": W1[0, 1],
        "w4": W1[1, 1],
        "w5": W2[0, 0],
        "w6": W2[1, 0],
        "w7": W2[0, 1],
        "w8": W2[1, 1],
    }


old_weights = named_weights([W.copy() for W in reg.coefs_])
old_biases = [b.copy() for b in reg.intercepts_]
print(pd.Series(old_weights, name="weight").to_string())

# %%
# The forward pass
# ----------------
#
# Each unit sums its weighted inputs plus its bias (``net``) and squashes the
# sum with the logistic function ``1 / (1 + exp(-net))`` (``out``). In matrix
# form this is two lines of numpy on ``coefs_`` and ``intercepts_``:

W1, W2 = reg.coefs_
b1, b2 = reg.intercepts_
net_h = X @ W1 + b1
out_h = expit(net_h)
net_o = out_h @ W2 + b2
out_o = expit(net_o)

forward = pd.DataFrame(
    {
        "computed": [*net_h[0], *out_h[0], *net_o[0], *out_o[0]],
        "published": [
            0.3775,
            0.3925,
            0.593269992,
            0.596884378,
            1.105905967,
            1.224921404,
            0.75136507,
            0.772928465,
        ],
    },
    index=[
        "net_h1",
        "net_h2",
        "out_h1",
        "out_h2",
        "net_o1",
        "net_o2",
        "out_o1",
        "out_o2",
    ],
)
print(forward)

# %%
# The estimator's ``predict`` runs the same forward pass and returns the
# network's outputs ``out_o1`` and ``out_o2``:

print("predict:", reg.predict(X)[0])
print("same as numpy:", np.allclose(reg.predict(X), out_o, rtol=1e-14, atol=0))

# %%
# The error
# ---------
#
# The error of each output is half its squared distance to the target; the
# total error adds them up. The network says 0.75 where it should say 0.01, so
# almost all of the error comes from ``o1``.

E = 0.5 * (Y - out_o) ** 2
error = pd.DataFrame(
    {
        "computed": [E[0, 0], E[0, 1], E.sum()],
        "published": [0.274811083, 0.023560026, 0.298371109],
    },
    index=["E_o1", "E_o2", "E_total"],
)
print(error)

# %%
# The deltas
# ----------
#
# Backpropagation computes, for every unit, its *delta*: how fast the total
# error changes with the unit's ``net`` input. For an output unit it is the
# error's slope ``out - target`` times the logistic's slope ``out (1 - out)``.
# A hidden unit collects the deltas of the units it feeds, weighted by the
# (old) connecting weights, times its own logistic slope. The gradient of a
# weight is then the delta of the unit it feeds times the value it carries.

delta_o = (out_o - Y) * out_o * (1 - out_o)
delta_h = (delta_o @ W2.T) * out_h * (1 - out_h)
deltas = pd.DataFrame(
    {
        "computed": [*delta_o[0], *delta_h[0]],
        "published": [0.138498562, -0.038098237, 0.008771355, 0.009954255],
    },
    index=["delta_o1", "delta_o2", "delta_h1", "delta_h2"],
)
print(deltas)

# %%
# One training step
# -----------------
#
# Now the estimator does the step itself: one call to ``partial_fit`` on the
# one sample. ``loss_`` is the error of the forward pass that computed the
# step, the total error above.

reg.partial_fit(X, Y)
print(f"loss_ after one partial_fit: {reg.loss_:.9f} (published E_total 0.298371109)")

# %%
# Reading the weights back from ``coefs_``, each moved by ``-0.5 * dE/dw``.
# The gradient column is recovered from the step, ``(old - new) / 0.5``; the
# published columns are the example's numbers.

new_weights = named_weights(reg.coefs_)
steps = pd.DataFrame(
    {
        "old": old_weights,
        "dE/dw": {k: (old_weights[k] - new_weights[k]) / eta for k in old_weights},
        "published dE/dw": {
            "w1": 0.000438568,
            "w2": 0.000877135,
            "w3": 0.000497713,
            "w4": 0.000995425,
            "w5": 0.082167041,
            "w6": 0.082667628,
            "w7": -0.022602540,
            "w8": -0.022740242,
        },
        "new": new_weights,
        "published new": {
            "w1": 0.149780716,
            "w2": 0.19956143,
            "w3": 0.24975114,
            "w4": 0.29950229,
            "w5": 0.35891648,
            "w6": 0.408666186,
            "w7": 0.511301270,
            "w8": 0.561370121,
        },
    }
)
# the published example lists the output layer first
steps = steps.loc[["w5", "w6", "w7", "w8", "w1", "w2", "w3", "w4"]]
print(steps)
largest = (steps["new"] - steps["published new"]).abs().max()
print(f"largest difference from the published weights: {largest:.1e}")

# %%
# Every weight and gradient agrees with the published one to every digit
# printed there (``w2``, ``w3`` and ``w4`` are published with eight decimals).
#
# The biases
# ----------
#
# Here we differ from the published example, on purpose. The example keeps
# ``b1`` and ``b2`` fixed and shares each between the units of a layer. Like
# every network in scikit-learn, ours has one bias per unit and learns it as a
# weight on a constant input of 1, so each bias moves by ``-0.5 * delta`` of
# its unit. The hidden and output layers therefore end with two different
# biases each. The weights above are not affected: within one step, every
# gradient is computed from the old values.

biases = pd.DataFrame(
    {
        "old": np.concatenate(old_biases),
        "delta": np.concatenate([delta_h[0], delta_o[0]]),
        "new": np.concatenate(reg.intercepts_),
        "old - 0.5 * delta": np.concatenate(old_biases)
        - eta * np.concatenate([delta_h[0], delta_o[0]]),
    },
    index=["b_h1", "b_h2", "b_o1", "b_o2"],
)
print(biases)

# %%
# After the step the network's error on the sample is a little lower:

out_after = reg.predict(X)
print(f"outputs after the step: {out_after[0]}")
print(f"total error after the step: {0.5 * np.sum((Y - out_after) ** 2):.9f}")

# %%
# The network in a figure
# -----------------------
#
# Each unit shows its output in the forward pass, each connection its weight
# before and after the step.

FONT = 12  # the smallest text in the figures, in points

positions = {
    "i1": (0, 1),
    "i2": (0, 0),
    "h1": (1, 1),
    "h2": (1, 0),
    "o1": (2, 1),
    "o2": (2, 0),
}
edges = {
    "w1": ("i1", "h1"),
    "w2": ("i2", "h1"),
    "w3": ("i1", "h2"),
    "w4": ("i2", "h2"),
    "w5": ("h1", "o1"),
    "w6": ("h2", "o1"),
    "w7": ("h1", "o2"),
    "w8": ("h2", "o2"),
}
values = {
    "i1": X[0, 0],
    "i2": X[0, 1],
    "h1": out_h[0, 0],
    "h2": out_h[0, 1],
    "o1": out_o[0, 0],
    "o2": out_o[0, 1],
}

# 6.5 inches wide: shown at its own size (not shrunk) in a page of the docs
fig, ax = plt.subplots(figsize=(6.5, 4.6), layout="constrained")
for name, (start, end) in edges.items():
    (x0, y0), (x1, y1) = positions[start], positions[end]
    ax.plot([x0, x1], [y0, y1], color="0.6", zorder=1)
    # straight edges are labelled halfway, crossing ones a quarter of the way
    t = 0.5 if y0 == y1 else 0.25
    ax.annotate(
        f"{name}: {old_weights[name]:.2f} → {new_weights[name]:.4f}",
        (x0 + t * (x1 - x0), y0 + t * (y1 - y0)),
        ha="center",
        va="center",
        fontsize=FONT,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
        zorder=3,
    )
for node, (x, y) in positions.items():
    ax.scatter(x, y, s=2200, color="tab:blue", zorder=2)
    ax.annotate(
        f"{node}\n{values[node]:.3f}",
        (x, y),
        ha="center",
        va="center",
        color="white",
        fontsize=FONT,
        zorder=4,
    )
for node, target in zip(("o1", "o2"), Y[0], strict=True):
    x, y = positions[node]
    above = y > 0.5
    ax.annotate(
        f"target {target}",
        (x, y + (0.26 if above else -0.26)),
        ha="center",
        va="center",
        fontsize=FONT,
    )
ax.set(xlim=(-0.2, 2.2), ylim=(-0.4, 1.4))
ax.set_title("weights before → after one step", fontsize=FONT + 2)
ax.axis("off")
plt.show()

# %%
# How much each weight moved
# --------------------------
#
# The size of each change, on a logarithmic scale. The output-layer weights
# move about a hundred times more than the hidden-layer ones: a hidden unit's
# delta has passed back through a weight and through a logistic slope of at
# most 0.25, and the inputs it multiplies are small (0.05 and 0.10).

changes = {name: new_weights[name] - old_weights[name] for name in old_weights}
for name, old, new in zip(
    ["b_h1", "b_h2", "b_o1", "b_o2"],
    np.concatenate(old_biases),
    np.concatenate(reg.intercepts_),
    strict=True,
):
    changes[name] = new - old
names = list(changes)
colors = ["tab:red" if changes[n] < 0 else "tab:green" for n in names]

fig, ax = plt.subplots(figsize=(6.5, 4.6), layout="constrained")
ax.barh(names, [abs(changes[n]) for n in names], color=colors)
ax.invert_yaxis()
ax.set_xscale("log")
ax.tick_params(labelsize=FONT)
ax.set_xlabel("|new - old|", fontsize=FONT)
ax.set_title("size of each change (red: down, green: up)", fontsize=FONT + 2)
plt.show()
