"""Watching training from outside: validation data, progress lines, callbacks.

Three things observe an epoch (or an L-BFGS iteration) as it ends:

- a monitored validation set (:class:`Validation`), user-supplied through
  ``fit(X_val=..., y_val=...)`` or split off for early stopping, scored with
  the estimator's ``scoring`` and evaluated on the training objective;
- the ``verbose`` output (``_progress``) and the ``history_`` record
  (``_history``), which get each epoch's numbers and duration;
- scikit-learn's callback protocol (``sklearn.callback``, scikit-learn >= 1.9),
  driven by :class:`CallbackTasks`: the fit is the root task, each epoch or
  iteration a subtask, and a callback may ask to stop after any of them.
"""

import time

import numpy as np
from sklearn.utils import _safe_indexing

from ._namespace import namespace_of, take_rows

try:  # scikit-learn >= 1.9
    from sklearn.callback import CallbackSupportMixin

    HAS_CALLBACKS = True
except ImportError:  # pragma: no cover - exercised by the minimum-versions CI run
    HAS_CALLBACKS = False

    class CallbackSupportMixin:
        """Stand-in for ``sklearn.callback.CallbackSupportMixin`` on old releases."""

        def set_callbacks(self, *callbacks):
            """Explain that callbacks need a newer scikit-learn.

            Parameters
            ----------
            *callbacks : object
                The callbacks scikit-learn >= 1.9 would attach.

            Raises
            ------
            ImportError
                Always: the installed scikit-learn has no ``sklearn.callback``.
            """
            import sklearn

            raise ImportError(
                "set_callbacks needs scikit-learn's callback API (sklearn.callback, "
                f"scikit-learn >= 1.9); the installed scikit-learn is "
                f"{sklearn.__version__}. Everything else in skbackprop works without "
                "it: upgrade scikit-learn to use ProgressBar, ScoringMonitor or your "
                "own callbacks."
            )


# Attributes the callback machinery keeps on the estimator during a fit; a
# failing fit must not roll them back (the fit's teardown reads them).
CALLBACK_ATTRIBUTES = frozenset(
    {
        "_skl_callbacks",
        "_parent_callback_ctx",
        "_callback_fit_ctx",
        "_skl_callbacks_to_teardown",
    }
)


class Validation:
    """A monitored validation set: ``(score, objective)`` of any parameters.

    Parameters
    ----------
    estimator : BaseBackprop
        The estimator being fitted; supplies the metrics.
    X, Y, sample_weight : arrays
        Validated, encoded validation data.
    raw : callable
        Returns ``(X_raw, y_raw)``, the same rows as the user gave them, for
        scikit-learn scorers; called only if a scorer needs them.
    scorer : callable, 'loss' or None
        None scores with the estimator's ``score`` metric, 'loss' with the
        negated validation objective, a callable as a scikit-learn scorer.
    """

    def __init__(self, estimator, X, Y, sample_weight, raw, scorer):
        self.estimator = estimator
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.raw = raw
        self.scorer = scorer
        self.host = None  # (Y, sample_weight) on the host, for a device set

    def on_device(self, ns, dtype) -> None:
        """Move the (host) targets and weights to ``ns``'s device; keep them here too.

        The score of each epoch is computed on the host from the logits
        (one transfer per epoch); the objective on the device.
        """
        self.host = (self.Y, self.sample_weight)
        self.Y = ns.asarray(self.Y, dtype)
        if self.sample_weight is not None:
            self.sample_weight = ns.asarray(self.sample_weight, dtype)

    def __call__(self, theta) -> tuple[float, float]:
        """Score and objective of the network ``theta`` on the validation set."""
        est = self.estimator
        score, loss = est._validation_metrics(
            theta,
            self.X,
            self.Y,
            self.sample_weight,
            with_score=self.scorer is None,
            host=self.host,
        )
        if self.scorer == "loss":
            score = -loss
        elif self.scorer is not None:
            est._theta = theta  # the scorer predicts through the estimator
            kwargs = (
                {}
                if self.sample_weight is None
                else {"sample_weight": self.sample_weight}
            )
            score = float(self.scorer(est, *self.raw(), **kwargs))
        return score, loss


class CallbackTasks:
    """The callback task tree of one ``fit`` or ``partial_fit`` call.

    ``ctx`` is the root context (None when no callback is listening, in which
    case every method does nothing). ``X``, ``y`` and ``metadata`` may be
    callables, evaluated only if a callback asks for them.
    """

    def __init__(self, estimator, ctx, *, subtask_name):
        self.estimator, self.ctx, self.subtask_name = estimator, ctx, subtask_name
        self.data = {}
        self.current = None

    def begin_fit(self, X, y, metadata):
        """Start the root task."""
        self.data = {"X": X, "y": y, "metadata": metadata}
        if self.ctx is not None:
            self.ctx.call_on_fit_task_begin(estimator=self.estimator, **self.data)

    def begin(self, attributes):
        """Start the next subtask (epoch or iteration).

        ``attributes()`` gives the fitted attributes of the estimator as if
        fitting had stopped where this subtask begins (callbacks asking for
        ``fitted_estimator`` get a copy of the estimator with them).
        """
        if self.ctx is not None:
            self.current = self.ctx.subcontext(task_name=self.subtask_name)
            self.current.call_on_fit_task_begin(
                estimator=self.estimator,
                reconstruction_attributes=attributes,
                **self.data,
            )

    def end(self, attributes) -> bool:
        """End the current subtask; True if a callback asks to stop.

        ``attributes()`` gives the fitted attributes as if fitting had
        stopped here.
        """
        if self.current is None:
            return False
        current, self.current = self.current, None
        return current.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=attributes,
            **self.data,
        )

    def close(self):
        """End a subtask that never ran (L-BFGS begins one past its last)."""
        if self.current is not None:
            self.current.call_on_fit_task_end(estimator=self.estimator)
            self.current = None

    def end_fit(self):
        """End the root task."""
        if self.ctx is not None:
            self.ctx.call_on_fit_task_end(
                estimator=self.estimator, reconstruction_attributes={}, **self.data
            )


class Monitor:
    """What the training loops call as each epoch or iteration begins and ends.

    ``reporter`` (see ``_progress``) shows each epoch as ``verbose`` asks;
    ``record(state, duration)`` appends the epoch to ``state.history`` and
    returns its entry; ``snapshot(state)`` returns the estimator's fitted
    attributes as if training had stopped at ``state`` (the training state,
    see ``_solvers.TrainingState``), and is called only when a callback asks
    for a ``fitted_estimator``.
    """

    def __init__(
        self,
        reporter,
        validation: Validation | None,
        tasks: CallbackTasks,
        snapshot,
        record,
    ):
        self.reporter, self.validation, self.tasks = reporter, validation, tasks
        self.snapshot, self.record = snapshot, record
        self.started = time.perf_counter()
        self.best_loss = np.inf

    def begin(self, state) -> None:
        """Open the callback subtask of an epoch or iteration starting at ``state``."""
        self.started = time.perf_counter()
        self.tasks.begin(lambda: self.snapshot(state))

    def validate(self, theta):
        """``(score, objective)`` on the validation set, or None without one."""
        return None if self.validation is None else self.validation(theta)

    def end(self, state) -> bool:
        """Record and report the epoch, then run the callbacks; True to stop."""
        record = self.record(state, time.perf_counter() - self.started)
        if self.validation is not None:
            best = state.best_iteration == len(state.validation_scores)
        else:
            best = state.loss < self.best_loss
            self.best_loss = min(self.best_loss, state.loss)
        self.reporter.epoch(state.n_iter, record, best)
        return self.tasks.end(lambda: self.snapshot(state))

    def report(self, message: str) -> None:
        """Report something that happened during training."""
        self.reporter.note(message)


def subset(data, rows):
    """Rows of any array-like the user passed (DataFrames included), or None."""
    if data is None:
        return None
    ns = namespace_of(data)
    if ns is not None:
        return take_rows(ns, data, rows)
    try:
        return _safe_indexing(data, rows)
    except (TypeError, ValueError, IndexError):  # a bare array-like
        return np.asarray(data)[rows]
