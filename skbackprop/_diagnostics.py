"""What the shell tells the user when training goes wrong, and where.

- :func:`warn` shows a warning at the caller's line -- the first frame
  outside skbackprop and scikit-learn's method wrappers (``_fit_context``,
  ``available_if``, callback management), whatever the depth of the call
  -- and files it under the module name ``skbackprop``, so that
  ``warnings.filterwarnings("ignore", category=ConvergenceWarning,
  module="skbackprop")`` silences exactly ours. (scikit-learn's gallery
  filters ``module="sklearn"``, which matches scikit-learn's own MLP warnings
  but not these.)
- The divergence messages: the loss became non-finite (the fit raises), or
  the loss rose although it stayed finite (the fit warns; the rule is
  :func:`skbackprop._solvers.diverged`).
"""

import os
import sys
import warnings

import sklearn

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_SKLEARN = os.path.dirname(os.path.abspath(sklearn.__file__))
# scikit-learn files whose frames are method wrappers around our fit methods
_WRAPPERS = frozenset(
    os.path.join(_SKLEARN, *path)
    for path in (
        ("base.py",),
        ("utils", "_available_if.py"),
        ("callback", "_callback_support.py"),
    )
)


def _internal(filename: str) -> bool:
    path = os.path.abspath(filename)
    return path.startswith(_PACKAGE + os.sep) or path in _WRAPPERS


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """Warn at the caller's line, under the module name ``skbackprop``."""
    frame = sys._getframe(1)
    while frame is not None and _internal(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:  # called from nowhere outside (cannot happen from user code)
        warnings.warn(message, category, stacklevel=2)
        return
    warnings.warn_explicit(
        message,
        category,
        frame.f_code.co_filename,
        frame.f_lineno,
        module="skbackprop",
        registry=frame.f_globals.setdefault("__warningregistry__", {}),
    )


def _weight_cause(weights, alpha, name) -> list[str]:
    """Advice about weights whose total makes the L2 term extreme."""
    if weights is None or not alpha:
        return []
    total = float(weights.sum())
    if 1e-100 < total < 1e100:
        return []
    return [
        f"rescale {name} (the weights sum to {total:g}, which makes the L2 term "
        f"alpha / (2 * sum) = {alpha / (2 * total):g})"
    ]


def _causes(solver, weights, weights_name, alpha, regression) -> str:
    causes = ["scale the input features (e.g. with StandardScaler)"]
    if regression:
        causes.append(
            "scale the targets (e.g. with TransformedTargetRegressor and "
            "StandardScaler)"
        )
    if solver != "lbfgs":
        causes.insert(0, "use a smaller learning_rate_init")
    causes[:0] = _weight_cause(weights, alpha, weights_name)
    return ", or ".join(causes)


def divergence_message(solver, weights, weights_name, alpha, regression) -> str:
    """Say that the loss became inf or NaN, and what most likely made it."""
    return (
        "The loss became non-finite (inf or NaN) during training: the "
        "optimization diverged. To fix it, "
        f"{_causes(solver, weights, weights_name, alpha, regression)}."
    )


def rising_loss_message(
    losses, first_epoch, solver, weights, weights_name, alpha, regression
) -> str:
    """Say that the loss rose while finite (see ``_solvers.diverged``)."""
    first, last = losses[0], losses[-1]
    n = first_epoch + len(losses) - 1
    how = (
        "and no epoch improved on the first"
        if min(losses) >= first
        else "to more than 10 times its first value"
    )
    return (
        f"The optimization diverged: the training loss rose from {first:.6g} "
        f"(epoch {first_epoch}) to {last:.6g} (epoch {n}) {how}. The model is "
        "not converged. To fix it, "
        f"{_causes(solver, weights, weights_name, alpha, regression)}."
    )
