"""LossCurveDisplay: the training curves of a fitted estimator.

It follows scikit-learn's Display pattern: a class with ``from_estimator``
and ``plot`` that keeps the matplotlib objects it drew.
"""

from sklearn.base import is_classifier
from sklearn.exceptions import NotFittedError


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "LossCurveDisplay needs matplotlib, an optional dependency of "
            "skbackprop: pip install 'skbackprop[plot]'."
        ) from None
    return plt


def _score_name(estimator) -> str:
    scoring = getattr(estimator, "scoring", None)
    if scoring is None:
        return "accuracy" if is_classifier(estimator) else "R²"
    if scoring == "loss":
        return "negative loss"
    return scoring if isinstance(scoring, str) else "score"


class LossCurveDisplay:
    """Training loss per epoch and, when recorded, validation loss and score.

    Build it with :meth:`from_estimator`; the constructor takes the curves
    themselves, so a display can also be made from saved numbers.

    Parameters
    ----------
    loss_curve : list of float
        Training objective per epoch (per iteration for L-BFGS).
    validation_loss_curve : list of float or None, default=None
        Validation objective per epoch.
    validation_scores : list of float or None, default=None
        Validation score per epoch.
    best_iteration : int or None, default=None
        Epoch (counted from 1) of the best validation score, marked on the plot.
    score_name : str, default="score"
        Name of the validation score, for its axis.
    xlabel : str, default="epoch"
        What one step of the curves is.
    estimator_name : str or None, default=None
        Used in the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes with the loss curves.
    ax_score_ : matplotlib Axes or None
        The twin axes with the validation score, when there is one.
    figure_ : matplotlib Figure
        The figure holding the axes.
    lines_ : dict of str to matplotlib Line2D
        The plotted curves: 'loss', and 'validation_loss' and
        'validation_score' when recorded.

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
    ):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.best_iteration = best_iteration
        self.score_name = score_name
        self.xlabel = xlabel
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, name=None):
        """Plot the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure's when None.
        name : str, default=None
            Title; the estimator's name when None.

        Returns
        -------
        display : LossCurveDisplay
            This display, with ``ax_``, ``ax_score_``, ``figure_`` and ``lines_``.
        """
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        steps = range(1, len(self.loss_curve) + 1)
        lines = {"loss": ax.plot(steps, self.loss_curve, label="training loss")[0]}
        if self.validation_loss_curve:
            vsteps = range(1, len(self.validation_loss_curve) + 1)
            lines["validation_loss"] = ax.plot(
                vsteps, self.validation_loss_curve, label="validation loss"
            )[0]
        ax.set_xlabel(self.xlabel)
        ax.set_ylabel("loss")
        self.ax_score_ = None
        if self.validation_scores:
            self.ax_score_ = ax.twinx()
            vsteps = range(1, len(self.validation_scores) + 1)
            lines["validation_score"] = self.ax_score_.plot(
                vsteps,
                self.validation_scores,
                color="tab:green",
                linestyle="--",
                label=f"validation {self.score_name}",
            )[0]
            self.ax_score_.set_ylabel(f"validation {self.score_name}")
        if self.best_iteration is not None:
            ax.axvline(self.best_iteration, color="0.6", linewidth=0.8, linestyle=":")
        handles = list(lines.values())
        ax.legend(handles, [h.get_label() for h in handles], loc="best")
        title = self.estimator_name if name is None else name
        if title:
            ax.set_title(title)
        self.ax_, self.figure_, self.lines_ = ax, ax.figure, lines
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None):
        """Plot the curves a fitted BackpropClassifier or BackpropRegressor recorded.

        Parameters
        ----------
        estimator : BackpropClassifier or BackpropRegressor
            A fitted estimator.
        ax : matplotlib Axes, default=None
            Axes to plot on; a new figure's when None.
        name : str, default=None
            Title; the estimator's class name when None.

        Returns
        -------
        display : LossCurveDisplay
            The display, plotted.
        """
        curve = getattr(estimator, "loss_curve_", None)
        if curve is None:
            raise NotFittedError(
                f"This {type(estimator).__name__} instance has no loss_curve_; fit "
                "it before plotting its curves."
            )
        display = cls(
            loss_curve=curve,
            validation_loss_curve=getattr(estimator, "validation_loss_curve_", None),
            validation_scores=getattr(estimator, "validation_scores_", None),
            best_iteration=getattr(estimator, "best_iteration_", None),
            score_name=_score_name(estimator),
            xlabel="iteration" if estimator.solver == "lbfgs" else "epoch",
            estimator_name=type(estimator).__name__,
        )
        return display.plot(ax=ax, name=name)
