"""Hand-computed golden results, through the public API only.

1. Matt Mazur's classic step-by-step backpropagation example ("A Step by Step
   Backpropagation Example", 2015): one SGD step of a 2-2-2 sigmoid network
   with squared error. Every published intermediate is written out below.
2. Seed 000's XOR network (2-2-1, sigmoid units, squared error).
3. Seed 001's MNIST 5-vs-8 task, on scikit-learn's 8x8 digits.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skbackprop import BackpropClassifier, BackpropRegressor

# ---------------------------------------------------------------------------
# 1. The published worked example
#
# Network: inputs i1, i2 -> hidden h1, h2 -> outputs o1, o2, logistic units
# everywhere, E = 1/2 sum_k (target_k - out_k)**2, learning rate eta = 0.5.
#
#   i1 = 0.05, i2 = 0.10            target_o1 = 0.01, target_o2 = 0.99
#   w1 (i1->h1) = 0.15   w2 (i2->h1) = 0.20   w3 (i1->h2) = 0.25
#   w4 (i2->h2) = 0.30   w5 (h1->o1) = 0.40   w6 (h2->o1) = 0.45
#   w7 (h1->o2) = 0.50   w8 (h2->o2) = 0.55   b1 = 0.35 (hidden), b2 = 0.60 (output)
#
# coefs_[l][i, j] is the weight from unit i of layer l to unit j of layer l+1,
# so coefs_[0] = [[w1, w3], [w2, w4]] and coefs_[1] = [[w5, w7], [w6, w8]].
#
# Forward pass
#   net_h1 = w1 i1 + w2 i2 + b1 = 0.15*0.05 + 0.20*0.10 + 0.35 = 0.3775
#   out_h1 = 1 / (1 + exp(-0.3775))                          = 0.593269992
#   net_h2 = w3 i1 + w4 i2 + b1 = 0.25*0.05 + 0.30*0.10 + 0.35 = 0.3925
#   out_h2                                                    = 0.596884378
#   net_o1 = w5 out_h1 + w6 out_h2 + b2                       = 1.105905967
#   out_o1                                                    = 0.75136507
#   net_o2 = w7 out_h1 + w8 out_h2 + b2                       = 1.224921404
#   out_o2                                                    = 0.772928465
#
# Total error
#   E_o1 = 1/2 (0.01 - 0.75136507)**2   = 0.274811083
#   E_o2 = 1/2 (0.99 - 0.772928465)**2  = 0.023560026
#   E_total                             = 0.298371109
#
# Output layer
#   dE/dout_o1   = out_o1 - target_o1          = 0.74136507
#   dout_o1/dnet = out_o1 (1 - out_o1)         = 0.186815602
#   delta_o1     = 0.74136507 * 0.186815602    = 0.138498562
#   delta_o2     = (0.772928465 - 0.99) * 0.175510053 = -0.038098237
#   dE/dw5 = delta_o1 out_h1 = 0.082167041     w5+ = 0.40 - 0.5 * dE/dw5 = 0.35891648
#   dE/dw6 = delta_o1 out_h2 = 0.082667628     w6+ = 0.408666186
#   dE/dw7 = delta_o2 out_h1 = -0.022602540    w7+ = 0.511301270
#   dE/dw8 = delta_o2 out_h2 = -0.022740242    w8+ = 0.561370121
#
# Hidden layer (with the OLD output weights)
#   dE/dout_h1 = delta_o1 w5 + delta_o2 w7 = 0.055399425 - 0.019049119 = 0.036350306
#   dout_h1/dnet_h1 = out_h1 (1 - out_h1)  = 0.241300709
#   delta_h1 = 0.036350306 * 0.241300709   = 0.008771355
#   dE/dw1 = delta_h1 i1 = 0.000438568     w1+ = 0.149780716
#   dE/dw2 = delta_h1 i2 = 0.000877135     w2+ = 0.19956143
#   dE/dout_h2 = delta_o1 w6 + delta_o2 w8 = 0.041370323
#   delta_h2 = 0.041370323 * 0.240613417   = 0.009954255
#   dE/dw3 = delta_h2 i1 = 0.000497713     w3+ = 0.24975114
#   dE/dw4 = delta_h2 i2 = 0.000995425     w4+ = 0.29950229
#
# Biases: the published example leaves b1 and b2 alone; our network has one
# bias per unit and updates it like a weight from a constant input of 1:
#   b_o+ = 0.60 - 0.5 * delta_o  = 0.530750719, 0.619049118
#   b_h+ = 0.35 - 0.5 * delta_h  = 0.345614323, 0.345022873
# ---------------------------------------------------------------------------

MAZUR_X = [[0.05, 0.10]]
MAZUR_Y = [[0.01, 0.99]]
LR = 0.5


def _mazur_weights():
    W1 = np.array([[0.15, 0.25], [0.20, 0.30]])  # [[w1, w3], [w2, w4]]
    W2 = np.array([[0.40, 0.50], [0.45, 0.55]])  # [[w5, w7], [w6, w8]]
    b1 = np.array([0.35, 0.35])
    b2 = np.array([0.60, 0.60])
    return [W1, W2], [b1, b2]


def _fitted_shell(hidden_layer_sizes, output_activation, coefs, intercepts):
    """A BackpropRegressor of the right shape, carrying the given weights."""
    reg = BackpropRegressor(
        hidden_layer_sizes=hidden_layer_sizes,
        activation="logistic",
        output_activation=output_activation,
        loss="squared_error",
        solver="sgd",
        learning_rate_init=LR,
        momentum=0,
        nesterovs_momentum=False,
        alpha=0,
        batch_size=1,
        max_iter=1,
        shuffle=False,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(MAZUR_X, MAZUR_Y)  # only to create a network of this shape
    reg.coefs_ = [W.copy() for W in coefs]
    reg.intercepts_ = [b.copy() for b in intercepts]
    return reg


@pytest.fixture
def mazur():
    coefs, intercepts = _mazur_weights()
    return _fitted_shell((2,), "logistic", coefs, intercepts)


def test_mazur_weights_land_where_the_example_puts_them(mazur):
    W1, W2 = mazur.coefs_
    # coefs_[l][i, j]: from unit i to unit j
    assert (W1[0, 0], W1[1, 0], W1[0, 1], W1[1, 1]) == (0.15, 0.20, 0.25, 0.30)
    assert (W2[0, 0], W2[1, 0], W2[0, 1], W2[1, 1]) == (0.40, 0.45, 0.50, 0.55)
    assert mazur.out_activation_ == "logistic"


def test_mazur_forward_pass(mazur):
    assert_allclose(
        mazur.predict(MAZUR_X), [[0.75136507, 0.772928465]], rtol=0, atol=1e-8
    )


def test_mazur_forward_intermediates():
    coefs, intercepts = _mazur_weights()
    # The hidden layer alone: a network with no hidden layer and the input ->
    # hidden weights. Identity output gives net_h, logistic output gives out_h.
    net_h = _fitted_shell((), "identity", coefs[:1], intercepts[:1]).predict(MAZUR_X)
    out_h = _fitted_shell((), "logistic", coefs[:1], intercepts[:1]).predict(MAZUR_X)
    assert_allclose(net_h, [[0.3775, 0.3925]], rtol=0, atol=1e-12)
    assert_allclose(out_h, [[0.593269992, 0.596884378]], rtol=0, atol=1e-9)
    # The full network with an identity output gives net_o.
    net_o = _fitted_shell((2,), "identity", coefs, intercepts).predict(MAZUR_X)
    assert_allclose(net_o, [[1.105905967, 1.224921404]], rtol=0, atol=1e-9)
    # And the same numbers straight from coefs_ / intercepts_ with numpy.
    net = _fitted_shell((2,), "logistic", coefs, intercepts)
    h = expit(np.asarray(MAZUR_X) @ net.coefs_[0] + net.intercepts_[0])
    assert_allclose(h, out_h, rtol=1e-14)
    assert_allclose(h @ net.coefs_[1] + net.intercepts_[1], net_o, rtol=1e-14)


def test_mazur_one_sgd_step(mazur):
    mazur.partial_fit(MAZUR_X, MAZUR_Y)
    # loss_ is the error of the pass that computed the step
    assert mazur.loss_ == pytest.approx(0.298371109, abs=1e-8)
    assert mazur.n_iter_ == 1
    W1, W2 = mazur.coefs_
    # w5..w8
    assert_allclose(
        [W2[0, 0], W2[1, 0], W2[0, 1], W2[1, 1]],
        [0.35891648, 0.408666186, 0.511301270, 0.561370121],
        rtol=0,
        atol=1e-8,
    )
    # w1..w4
    assert_allclose(
        [W1[0, 0], W1[1, 0], W1[0, 1], W1[1, 1]],
        [0.149780716, 0.19956143, 0.24975114, 0.29950229],
        rtol=0,
        atol=1e-8,
    )


def test_mazur_gradients(mazur):
    """The step divided by -eta is the published dE/dw."""
    (W1_old, W2_old), _ = _mazur_weights()
    mazur.partial_fit(MAZUR_X, MAZUR_Y)
    W1, W2 = mazur.coefs_
    dW2 = (W2_old - W2) / LR
    dW1 = (W1_old - W1) / LR
    # dE/dw5, dE/dw6, dE/dw7, dE/dw8
    assert_allclose(
        [dW2[0, 0], dW2[1, 0], dW2[0, 1], dW2[1, 1]],
        [0.082167041, 0.082667628, -0.022602540, -0.022740242],
        rtol=0,
        atol=1e-9,
    )
    # dE/dw1, dE/dw2, dE/dw3, dE/dw4
    assert_allclose(
        [dW1[0, 0], dW1[1, 0], dW1[0, 1], dW1[1, 1]],
        [0.000438568, 0.000877135, 0.000497713, 0.000995425],
        rtol=0,
        atol=1e-9,
    )


def test_mazur_bias_step(mazur):
    """Biases move by -eta * delta, with the deltas worked out by hand."""
    (W1, W2), (b1, b2) = _mazur_weights()
    x, t = np.asarray(MAZUR_X[0]), np.asarray(MAZUR_Y[0])
    out_h = expit(x @ W1 + b1)
    out_o = expit(out_h @ W2 + b2)
    delta_o = (out_o - t) * out_o * (1 - out_o)
    delta_h = (W2 @ delta_o) * out_h * (1 - out_h)
    assert_allclose(delta_o, [0.138498562, -0.038098237], rtol=0, atol=1e-9)
    assert_allclose(delta_h, [0.008771355, 0.009954255], rtol=0, atol=1e-9)

    mazur.partial_fit(MAZUR_X, MAZUR_Y)
    assert_allclose(mazur.intercepts_[1], b2 - LR * delta_o, rtol=1e-12)
    assert_allclose(mazur.intercepts_[0], b1 - LR * delta_h, rtol=1e-12)
    assert_allclose(mazur.intercepts_[1], [0.530750719, 0.619049118], rtol=0, atol=1e-9)
    assert_allclose(mazur.intercepts_[0], [0.345614323, 0.345022873], rtol=0, atol=1e-9)


# ---------------------------------------------------------------------------
# 2. Seed 000: XOR with a 2-2-1 sigmoid network and squared error
#
# The seed trains by full-batch gradient descent (learning rate 0.2, 100,000
# iterations) and reports sum((out - target)**2) = 0.000291. We use L-BFGS on
# the same objective. A 2-2-1 net has local minima on XOR (one input pattern
# or two mapped to 0.5): with scikit-learn's Glorot start, random_state 0-3,
# 5, 6, 8 and 9 end there; random_state=4 (and 7) reach the global minimum.
# ---------------------------------------------------------------------------

SEED_000_ERROR = 0.000291
XOR_RANDOM_STATE = 4


@pytest.fixture
def xor():
    X = np.array([[0, 0], [1, 1], [0, 1], [1, 0]], dtype=float)
    y = np.array([0, 0, 1, 1])
    return X, y


def _xor_params():
    return dict(
        hidden_layer_sizes=(2,),
        activation="logistic",
        loss="squared_error",
        solver="lbfgs",
        alpha=0.0,
        tol=1e-12,
        max_iter=2000,
        random_state=XOR_RANDOM_STATE,
    )


def test_xor_classifier_seed_000(xor):
    X, y = xor
    clf = BackpropClassifier(**_xor_params()).fit(X, y)
    assert [W.shape for W in clf.coefs_] == [(2, 2), (2, 1)]
    assert clf.out_activation_ == "logistic"
    assert_array_equal(clf.predict(X), y)
    out = clf.predict_proba(X)[:, 1]  # the single logistic output unit
    half_sse = 0.5 * np.sum((out - y) ** 2)
    # loss_ is the mean over the 4 samples of 1/2 (out - y)**2
    assert clf.loss_ == pytest.approx(half_sse / 4, rel=1e-9)
    assert half_sse < SEED_000_ERROR
    # also below the seed's own measure, which has no factor 1/2
    assert np.sum((out - y) ** 2) < SEED_000_ERROR


def test_xor_regressor_seed_000(xor):
    """The seed's network exactly: logistic output, real-valued target."""
    X, y = xor
    reg = BackpropRegressor(output_activation="logistic", **_xor_params())
    reg.fit(X, y.astype(float))
    out = reg.predict(X)
    assert_array_equal(np.round(out), y)
    assert 0.5 * np.sum((out - y) ** 2) < SEED_000_ERROR
    # the same network, start and objective as the classifier above
    clf = BackpropClassifier(**_xor_params()).fit(X, y)
    for a, b in zip(
        reg.coefs_ + reg.intercepts_, clf.coefs_ + clf.intercepts_, strict=True
    ):
        assert_allclose(a, b, rtol=1e-12)


# ---------------------------------------------------------------------------
# 3. Seed 001: 5 vs 8 with 196 logistic hidden units and cross-entropy
#
# The seed reaches about 96% on MNIST (784-196-1, 1,000 full-batch steps).
# On the 8x8 digits, scaled to [0, 1] as the seed scales MNIST, the same
# network misclassifies 1 of 107 test digits for every random_state 0-9.
# ---------------------------------------------------------------------------


@pytest.fixture
def digits_5_vs_8():
    X, y = load_digits(return_X_y=True)
    keep = (y == 5) | (y == 8)
    return train_test_split(
        X[keep] / 16.0, y[keep], test_size=0.3, stratify=y[keep], random_state=0
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_digits_5_vs_8_seed_001(digits_5_vs_8):
    X_train, X_test, y_train, y_test = digits_5_vs_8
    clf = BackpropClassifier(
        hidden_layer_sizes=(196,),
        activation="logistic",
        loss="log_loss",
        random_state=0,
    ).fit(X_train, y_train)
    assert [W.shape for W in clf.coefs_] == [(64, 196), (196, 1)]
    assert_array_equal(clf.classes_, [5, 8])
    assert clf.score(X_test, y_test) >= 0.99
