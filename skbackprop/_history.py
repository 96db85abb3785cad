"""The per-epoch record of training, ``history_``.

``history_`` is plain data: a dict of equal-length lists, one entry per epoch
(per iteration for L-BFGS) of the last ``fit``, extended by warm starts and
``partial_fit`` exactly as ``loss_curve_`` is. So it pickles, loads through
skops with no new trusted types, and goes straight into
``pandas.DataFrame(est.history_)``. The keys:

- ``epoch``: 1, 2, ...: the entry's position in ``loss_curve_``, plus one;
- ``loss``: the training objective, ``loss_curve_[epoch - 1]``;
- ``validation_loss``, ``validation_score``: the epoch's entries of
  ``validation_loss_curve_`` and ``validation_scores_`` when a validation set
  was monitored, else None;
- ``learning_rate``: SGD's rate during the epoch (it changes with the
  'invscaling' and 'adaptive' schedules), Adam's ``learning_rate_init``;
  None for L-BFGS;
- ``duration``: seconds the epoch took, its validation included;
- ``samples_seen``: training samples processed so far (``t_`` for the
  stochastic solvers; the number of samples times the iterations for L-BFGS,
  which evaluates all of them at least once per iteration).
"""

KEYS = (
    "epoch",
    "loss",
    "validation_loss",
    "validation_score",
    "learning_rate",
    "duration",
    "samples_seen",
)


def continued(estimator) -> dict:
    """Return a new history to extend: a copy of the estimator's ``history_``.

    An estimator fitted (and saved) before ``history_`` existed has curves
    but no history; its epochs are filled in with what the curves tell (a
    validation curve as long as the loss curve belongs to its epochs) and
    None for the rest.
    """
    saved = getattr(estimator, "history_", None)
    if saved:
        return {key: list(saved[key]) for key in KEYS}
    losses = list(estimator.loss_curve_ or [])
    n = len(losses)
    history = {key: [None] * n for key in KEYS}
    history["epoch"], history["loss"] = list(range(1, n + 1)), losses
    for key, curve in (
        ("validation_loss", estimator.validation_loss_curve_),
        ("validation_score", estimator.validation_scores_),
    ):
        if curve is not None and len(curve) == n:
            history[key] = list(curve)
    return history


def append(history: dict, **values) -> dict:
    """Append one epoch's values (None for the keys not given); return them."""
    record = {key: values.get(key) for key in KEYS}
    record["epoch"] = len(history["epoch"]) + 1
    for key in KEYS:
        history[key].append(record[key])
    return record
