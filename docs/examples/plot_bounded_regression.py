"""
Regression on rates and proportions
===================================

Some regression targets can only lie between 0 and 1: click-through rates,
conversion rates, the share of a budget, the fraction of a field that is
flooded. A regressor with the usual identity output unit and squared error
does not know that, and can predict a rate of -0.1 or 1.08.

``BackpropRegressor`` can instead put a logistic unit on the output,
``output_activation='logistic'``, whose value always lies strictly between 0
and 1, and train it with the cross-entropy, ``loss='log_loss'``, which is the
natural loss for a probability (targets may be anywhere in [0, 1], not only 0
or 1). This example compares the two on a synthetic click-through-rate task.
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit
from sklearn.model_selection import train_test_split

from skbackprop import BackpropRegressor

# %%
# The data
# --------
#
# Each row is an ad with three features. Its true click-through rate is a
# logistic function of the features, with a non-linear term, and ranges from
# almost 0 to almost 1. We do not observe the rate itself: each ad is shown
# between 20 and 200 times, and the target is the fraction of those
# impressions that got a click. So the targets are noisy, and exact 0s and 1s
# occur.

rng = np.random.default_rng(0)
n_ads = 1000
X = rng.normal(size=(n_ads, 3))
true_rate = expit(2.5 * X[:, 0] - 1.5 * X[:, 1] + 1.5 * np.sin(2 * X[:, 2]) - 1.0)
impressions = rng.integers(20, 200, size=n_ads)
clicks = rng.binomial(impressions, true_rate)
y = clicks / impressions

print(f"observed rates: min {y.min():.2f}, max {y.max():.2f}")
print(f"ads with observed rate exactly 0: {np.mean(y == 0):.1%}, exactly 1: ", end="")
print(f"{np.mean(y == 1):.1%}")

(
    X_train,
    X_test,
    y_train,
    y_test,
    rate_train,
    rate_test,
    impressions_train,
    impressions_test,
) = train_test_split(X, y, true_rate, impressions, test_size=0.3, random_state=0)

# %%
# Two regressors
# --------------
#
# Both have one hidden layer of 16 logistic units and are trained with
# L-BFGS. The only difference is the output unit and the loss:
#
# - ``loss='log_loss', output_activation='logistic'``: a logistic output,
#   cross-entropy loss;
# - ``loss='squared_error'`` with the default identity output: the network of
#   scikit-learn's ``MLPRegressor``.

models = {
    "logistic output, log_loss": BackpropRegressor(
        hidden_layer_sizes=(16,),
        loss="log_loss",
        output_activation="logistic",
        solver="lbfgs",
        max_iter=2000,
        random_state=0,
    ),
    "identity output, squared_error": BackpropRegressor(
        hidden_layer_sizes=(16,),
        loss="squared_error",
        solver="lbfgs",
        max_iter=2000,
        random_state=0,
    ),
}

predictions = {}
for name, model in models.items():
    model.fit(X_train, y_train)
    pred = model.predict(X_test)
    predictions[name] = pred
    outside = np.sum((pred < 0) | (pred > 1))
    rmse = np.sqrt(np.mean((pred - rate_test) ** 2))
    print(
        f"{name}:\n"
        f"  predictions from {pred.min():.2g} to {pred.max():.4g}, "
        f"{outside} of {len(pred)} outside [0, 1]\n"
        f"  error against the true rate (RMSE): {rmse:.4f}"
    )

# %%
# The logistic-output model's predictions all lie inside (0, 1), as they
# must: the logistic function cannot produce anything else. The identity
# model predicts negative rates for some ads with very low click-through, and
# rates above 1 for some with very high click-through. It is also further from
# the true rates overall, because a logistic output has the S-shape of the
# data built in, while the identity model has to build it from its hidden
# units.
#
# The bound holds everywhere, not only near the training data. Take two ads
# with features far outside the training range, one with a true rate of
# almost 1 and one of almost 0: the logistic output comes very close to 1 and
# to 0 without crossing, the identity output can land anywhere.

X_far = np.array([[4.0, -4.0, 0.0], [-4.0, 4.0, 0.0]])
print(f"true rates: {expit(X_far @ [2.5, -1.5, 0.0] - 1.0)}")
for name, model in models.items():
    print(f"{name}: {model.predict(X_far)}")

# %%
# Weighting by the number of impressions
# --------------------------------------
#
# A rate measured on 200 impressions is more reliable than one measured on 20.
# Passing the number of impressions as ``sample_weight`` makes the
# cross-entropy exactly the binomial log-likelihood of the observed clicks,
# so each ad counts as much as the evidence it carries:

weighted = BackpropRegressor(
    hidden_layer_sizes=(16,),
    loss="log_loss",
    output_activation="logistic",
    solver="lbfgs",
    max_iter=2000,
    random_state=0,
).fit(X_train, y_train, sample_weight=impressions_train)
pred_weighted = weighted.predict(X_test)
print(
    "weighted by impressions: RMSE against the true rate "
    f"{np.sqrt(np.mean((pred_weighted - rate_test) ** 2)):.4f}"
)

# %%
# Predicted against true rate
# ---------------------------
#
# Each dot is a test ad: its true click-through rate across, the model's
# prediction up. Perfect predictions would lie on the diagonal. The shaded
# bands are the impossible rates below 0 and above 1; only the identity model
# puts points there.

fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), sharey=True, layout="constrained")
for ax, (name, pred) in zip(axes, predictions.items(), strict=True):
    outside = (pred < 0) | (pred > 1)
    ax.axhspan(-0.5, 0, color="tab:red", alpha=0.1)
    ax.axhspan(1, 1.5, color="tab:red", alpha=0.1)
    ax.plot([0, 1], [0, 1], color="k", linewidth=1)
    ax.scatter(rate_test[~outside], pred[~outside], s=10, alpha=0.6, label="inside")
    ax.scatter(
        rate_test[outside],
        pred[outside],
        s=14,
        color="tab:red",
        label=f"outside [0, 1]: {outside.sum()}",
    )
    ax.set(
        title=name,
        xlabel="true click-through rate",
        xlim=(-0.02, 1.02),
        ylim=(-0.3, 1.3),
    )
    ax.legend(loc="upper left")
axes[0].set_ylabel("predicted rate")
plt.show()
