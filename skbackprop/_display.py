"""LossCurveDisplay: the training curves of a fitted estimator.

It follows scikit-learn's Display pattern: constructors ``from_estimator``
(and ``from_history``), and ``plot`` that keeps the matplotlib objects it
drew (``ax_``, ``figure_``, ``line_``). ``name`` labels the lines, so that
several runs drawn on one ``ax`` can be told apart in its legend.
"""

from sklearn.base import is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "LossCurveDisplay needs matplotlib, an optional dependency of "
            "skbackprop: pip install 'skbackprop[plot]'."
        ) from None
    return plt


def _final_estimator(estimator):
    """Return the network inside a Pipeline or a fitted search, else the estimator."""
    if hasattr(estimator, "best_estimator_") or hasattr(estimator, "cv_results_"):
        if not hasattr(estimator, "best_estimator_"):
            raise ValueError(
                f"This {type(estimator).__name__} was fitted with refit=False and "
                "has no best_estimator_ to plot; refit it, or plot one of its "
                "estimators fitted by hand."
            )
        return _final_estimator(estimator.best_estimator_)
    steps = getattr(estimator, "steps", None)
    if steps:
        return _final_estimator(steps[-1][1])
    return estimator


def _score_name(estimator) -> str:
    if hasattr(estimator, "_score_name"):
        return estimator._score_name()
    return "accuracy" if is_classifier(estimator) else "r2"  # scikit-learn's MLP


class LossCurveDisplay:
    """Training loss per epoch and, when recorded, validation loss and score.

    Build it with :meth:`from_estimator` or :meth:`from_history`; the
    constructor takes the curves themselves, so a display can also be made
    from saved numbers.

    Parameters
    ----------
    loss_curve : list of float
        Training objective per epoch (per iteration for L-BFGS).
    validation_loss_curve : list of float or None, default=None
        Validation objective per validated epoch.
    validation_scores : list of float or None, default=None
        Validation score per validated epoch.
    best_iteration : int or None, default=None
        Epoch (counted from 1) of the best validation score, marked on the plot.
    score_name : str, default="score"
        Name of the validation score, for its axis.
    xlabel : str, default="epoch"
        What one step of the curves is.
    estimator_name : str or None, default=None
        Name of the run: the label of its lines in the legend.
    validation_epochs : list of int or None, default=None
        Epochs (from 1) of the validation entries, when not every epoch was
        validated (``partial_fit`` calls without ``X_val``); every epoch from 1
        by default.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes with the loss curves.
    ax_score_ : matplotlib Axes or None
        The twin axes with the validation score, when there is one; the
        legend is drawn on it then (on top of every line), else on ``ax_``.
    figure_ : matplotlib Figure
        The figure holding the axes.
    line_ : matplotlib Line2D
        The training loss curve.
    lines_ : dict of str to matplotlib Line2D
        The plotted curves: 'loss', and 'validation_loss' and
        'validation_score' when recorded.

    See Also
    --------
    BackpropClassifier : Records the curves (``loss_curve_``,
        ``validation_loss_curve_``, ``validation_scores_``, ``history_``).
    BackpropRegressor : Records the same curves.
    sklearn.model_selection.LearningCurveDisplay : Scores against the
        training set size, rather than against the epochs of one fit.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skbackprop import BackpropClassifier, LossCurveDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = BackpropClassifier(hidden_layer_sizes=(32,), learning_rate_init=0.01,
    ...                          early_stopping=True, n_iter_no_change=3,
    ...                          random_state=0)
    >>> clf = clf.fit(X[:1200] / 16, y[:1200], X_val=X[1200:] / 16, y_val=y[1200:])
    >>> display = LossCurveDisplay.from_estimator(clf)
    >>> sorted(display.lines_)
    ['loss', 'validation_loss', 'validation_score']
    >>> display.line_.get_label()
    'BackpropClassifier: training loss'
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_loss_curve=None,
        validation_scores=None,
        best_iteration=None,
        score_name="score",
        xlabel="epoch",
        estimator_name=None,
        validation_epochs=None,
    ):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.best_iteration = best_iteration
        self.score_name = score_name
        self.xlabel = xlabel
        self.estimator_name = estimator_name
        self.validation_epochs = validation_epochs

    def plot(self, ax=None, *, name=None):
        """Plot the curves.

        Several displays may be plotted on the same ``ax``: each run's curves
        share one color, the validation score goes on one twin axis, and the
        legend lists every run's lines by name.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure's when None.
        name : str, default=None
            Label of this run's lines; ``estimator_name`` when None.

        Returns
        -------
        display : LossCurveDisplay
            This display, with ``ax_``, ``ax_score_``, ``figure_``, ``line_``
            and ``lines_``.
        """
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        name = self.estimator_name if name is None else name
        prefix = f"{name}: " if name else ""
        steps = range(1, len(self.loss_curve) + 1)
        line = ax.plot(steps, self.loss_curve, label=f"{prefix}training loss")[0]
        color = line.get_color()
        lines = {"loss": line}
        vsteps = self.validation_epochs
        if self.validation_loss_curve:
            lines["validation_loss"] = ax.plot(
                vsteps or range(1, len(self.validation_loss_curve) + 1),
                self.validation_loss_curve,
                color=color,
                linestyle="--",
                label=f"{prefix}validation loss",
            )[0]
        ax.set_xlabel(self.xlabel)
        ax.set_ylabel("loss")
        self.ax_score_ = None
        if self.validation_scores:
            self.ax_score_ = _twin(ax)
            lines["validation_score"] = self.ax_score_.plot(
                vsteps or range(1, len(self.validation_scores) + 1),
                self.validation_scores,
                color=color,
                linestyle=":",
                label=f"{prefix}validation {self.score_name}",
            )[0]
            self.ax_score_.set_ylabel(f"validation {self.score_name}")
        if self.best_iteration is not None:
            ax.axvline(self.best_iteration, color=color, linewidth=0.8, alpha=0.5)
        twin = self.ax_score_ or _existing_twin(ax)
        handles = [h for a in (ax, twin) if a for h in a.get_lines()]
        handles = [h for h in handles if not h.get_label().startswith("_")]
        if twin is not None and ax.get_legend() is not None:
            ax.get_legend().remove()  # the legend goes on top, over every line
        (twin or ax).legend(handles, [h.get_label() for h in handles], loc="best")
        self.ax_, self.figure_ = ax, ax.figure
        self.line_, self.lines_ = line, lines
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None):
        """Plot the curves a fitted estimator recorded.

        Parameters
        ----------
        estimator : estimator
            A fitted BackpropClassifier or BackpropRegressor; a fitted
            Pipeline ending in one (its final step is plotted); a fitted
            GridSearchCV, RandomizedSearchCV or other search over one (its
            ``best_estimator_``); or scikit-learn's own MLPClassifier or
            MLPRegressor.
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure's when None.
        name : str, default=None
            Label of the lines; the network's class name when None.

        Returns
        -------
        display : LossCurveDisplay
            The display, plotted.
        """
        check_is_fitted(estimator)
        network = _final_estimator(estimator)
        curve = getattr(network, "loss_curve_", None)
        if curve is None:
            raise NotFittedError(
                f"This {type(network).__name__} has no loss_curve_ to plot: it is "
                "not a network trained by backpropagation, or its solver records "
                "no loss curve."
            )
        scores = getattr(network, "validation_scores_", None)
        best = getattr(network, "best_iteration_", None)
        if best is None and scores:  # scikit-learn's MLP: the best score's epoch
            best = max(range(len(scores)), key=scores.__getitem__) + 1
        epochs = _validated_epochs(getattr(network, "history_", None))
        if scores and epochs and len(epochs) == len(scores):
            best = epochs[best - 1] if best else None
        else:
            epochs = None
        display = cls(
            loss_curve=curve,
            validation_loss_curve=getattr(network, "validation_loss_curve_", None),
            validation_scores=scores,
            best_iteration=best,
            score_name=_score_name(network),
            xlabel="iteration" if network.solver == "lbfgs" else "epoch",
            estimator_name=type(network).__name__,
            validation_epochs=epochs,
        )
        return display.plot(ax=ax, name=name)

    @classmethod
    def from_history(
        cls, history, *, ax=None, name=None, score_name="score", xlabel="epoch"
    ):
        """Plot a ``history_`` record (or a saved copy of one).

        Parameters
        ----------
        history : dict of lists
            An estimator's ``history_``, or the same columns from a file (a
            ``pandas.DataFrame`` of them works too).
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure's when None.
        name : str, default=None
            Label of the lines.
        score_name : str, default="score"
            Name of the validation score, for its axis.
        xlabel : str, default="epoch"
            What one step of the curves is ('iteration' for L-BFGS).

        Returns
        -------
        display : LossCurveDisplay
            The display, plotted.
        """
        validated = _validated_epochs(history) or []
        rows = [epoch - 1 for epoch in validated]
        display = cls(
            loss_curve=list(history["loss"]),
            validation_loss_curve=[history["validation_loss"][i] for i in rows],
            validation_scores=[history["validation_score"][i] for i in rows],
            score_name=score_name,
            xlabel=xlabel,
            estimator_name=name,
            validation_epochs=validated,
        )
        return display.plot(ax=ax)


def _validated_epochs(history):
    """Epochs (from 1) of a history's validated entries; None without one."""
    if history is None:
        return None
    scores = list(history["validation_score"])
    return [k + 1 for k, score in enumerate(scores) if _present(score)] or None


def _present(value) -> bool:
    return value is not None and value == value  # not None, not NaN (pandas)


def _twin(ax):
    """Return the twin axes for scores already made on ``ax``, else a new one."""
    return _existing_twin(ax) or ax.twinx()


def _existing_twin(ax):
    for other in ax.figure.axes:
        if other is not ax and other.get_shared_x_axes().joined(ax, other):
            if other.bbox.bounds == ax.bbox.bounds:
                return other
    return None
