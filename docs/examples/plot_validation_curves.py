"""
Watching training on a validation set
=====================================

Train a :class:`~skbackprop.BackpropClassifier` on scikit-learn's digits with a user-supplied
validation set: the estimator records the training loss, the validation loss
and the validation accuracy after every epoch (in ``history_`` and the
curves), stops when neither the validation accuracy nor the validation loss
improves any more, and keeps the weights of its best epoch.
:class:`~skbackprop.LossCurveDisplay` plots the three curves.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, LossCurveDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, stratify=y, random_state=0
)
X_train, X_val, y_train, y_val = train_test_split(
    X_train, y_train, test_size=0.2, stratify=y_train, random_state=0
)
scaler = StandardScaler().fit(X_train)

clf = BackpropClassifier(
    hidden_layer_sizes=(64,),
    learning_rate_init=0.003,
    early_stopping=True,
    n_iter_no_change=15,
    max_iter=300,
    random_state=0,
)
clf.fit(
    scaler.transform(X_train),
    y_train,
    X_val=scaler.transform(X_val),
    y_val=y_val,
)
print(
    f"stopped after {clf.n_iter_} epochs; best validation accuracy "
    f"{clf.best_validation_score_:.4f} at epoch {clf.best_iteration_}; "
    f"test accuracy {clf.score(scaler.transform(X_test), y_test):.4f}"
)

display = LossCurveDisplay.from_estimator(clf)
display.ax_.set_yscale("log")
plt.show()
