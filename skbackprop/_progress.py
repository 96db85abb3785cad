"""What ``verbose`` prints: the epoch table, or a live bar on a terminal.

This is the one module of the package that prints. :func:`reporter` picks
what a fit shows:

- ``verbose=0``: nothing (:class:`Silent`);
- ``verbose=1``: :class:`Table`, a header, then one line per epoch (per
  iteration for L-BFGS) that starts ``Iteration N, loss = L`` exactly as
  scikit-learn's MLP prints it (scripts that parse that keep working) and
  goes on with aligned columns: epoch out of ``max_iter``, validation loss,
  validation score named by its scorer, ``*`` on the best epoch so far, the
  learning rate when a schedule changes it, and the epoch's duration; then
  one line that says why training ended;
- ``verbose>=2``: :class:`Bar`, one line redrawn in place while training
  runs -- epochs done, loss, validation score, elapsed time and an estimate
  of the time left (an upper bound, marked ``<=``, while a plateau or early
  stopping could end training sooner) -- drawn with rich when the
  ``[progress]`` extra is installed and as plain carriage-return text
  otherwise. It needs a terminal: when standard output is not one (a CI log,
  a file, a notebook without widgets) the table is printed instead.

``partial_fit`` runs one epoch per call, so it prints its table line (and
the header before the model's first epoch), never a bar.
"""

import math
import sys
import time
from dataclasses import dataclass

_REDRAW_SECONDS = 0.1  # the bar redraws at most this often (and at the end)


@dataclass(frozen=True)
class Layout:
    """What a fit reports, known when it begins.

    ``max_iter`` is None for ``partial_fit`` (epochs are then numbered over
    the model's whole history); ``unit`` is 'epoch' or 'iteration';
    ``score_name`` is None when no validation set is monitored;
    ``show_learning_rate`` when a schedule changes the rate; ``bounded_eta``
    when training may end before ``max_iter``.
    """

    max_iter: int | None
    unit: str = "epoch"
    score_name: str | None = None
    show_learning_rate: bool = False
    bounded_eta: bool = True


class Silent:
    """``verbose=0``: report nothing."""

    def begin(self, layout: Layout, header: bool) -> None:
        """Start reporting a fit (with the table's header, if ``header``)."""

    def epoch(self, n: int, record: dict, best: bool) -> None:
        """Report epoch ``n`` of this call (``record``: its ``history_`` entry)."""

    def note(self, message: str) -> None:
        """Report something that happened during training."""

    def end(self, message: str | None) -> None:
        """Say why training ended (None: say nothing)."""


class Table(Silent):
    """``verbose=1``: one aligned line per epoch under a header."""

    def __init__(self, stream=None):
        self.stream = stream

    def _print(self, line: str) -> None:
        print(line, file=self.stream or sys.stdout, flush=True)

    def begin(self, layout, header):
        self.layout = layout
        biggest = layout.max_iter or 9999
        # "Iteration N, loss = L": L ends here for the widest N and L < 10
        self.loss_end = len(f"Iteration {biggest}, loss = ") + 10
        self.prefix = self.loss_end + 4
        self.epoch_width = max(len(f"{biggest}/{biggest}"), len(layout.unit))
        self.score_width = max(10, len(layout.score_name or ""))
        if header:
            self._print(self._header())

    def _header(self) -> str:
        layout = self.layout
        head = ["training loss".rjust(self.loss_end).ljust(self.prefix)]
        head.append(layout.unit.rjust(self.epoch_width))
        if layout.score_name is not None:
            head += ["val loss".rjust(12), layout.score_name.rjust(self.score_width)]
            head.append(" ")
        if layout.show_learning_rate:
            head.append("learning rate".rjust(13))
        head.append("time".rjust(9))
        return "  ".join(head)

    def epoch(self, n, record, best):
        layout = self.layout
        line = [f"Iteration {n}, loss = {record['loss']:.8f}".ljust(self.prefix)]
        count = (
            f"{record['epoch']}"
            if layout.max_iter is None
            else f"{n}/{layout.max_iter}"
        )
        line.append(count.rjust(self.epoch_width))
        if layout.score_name is not None:
            loss, score = record["validation_loss"], record["validation_score"]
            line.append(_number(loss, 12, 8))
            line.append(_number(score, self.score_width, 6))
            line.append("*" if best else " ")
        if layout.show_learning_rate:
            line.append(_number(record["learning_rate"], 13, 6, "g"))
        line.append(f"{record['duration']:8.3f}s")
        self._print("  ".join(line).rstrip())

    def note(self, message):
        self._print(message)

    def end(self, message):
        if message:
            self._print(message)


def _number(value, width, digits, kind="f") -> str:
    if value is None:
        return "".rjust(width)
    return f"{value:{width}.{digits}{kind}}"


class Bar(Silent):
    """``verbose>=2`` on a terminal: one line, redrawn as epochs end."""

    def __init__(self, stream, use_rich: bool):
        self.stream, self.use_rich = stream, use_rich

    def begin(self, layout, header):
        self.layout = layout
        self.start = self.last_draw = time.perf_counter()
        self.width = 0
        self.progress = None
        if self.use_rich:
            self._start_rich()

    def _start_rich(self):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn

        console = Console(file=self.stream, force_terminal=True)
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[status]}"),
            console=console,
            auto_refresh=False,
        )
        self.progress.start()
        self.task = self.progress.add_task(
            f"{self.layout.unit}s", total=self.layout.max_iter, status=""
        )

    def epoch(self, n, record, best):
        now = time.perf_counter()
        done = n >= self.layout.max_iter
        if now - self.last_draw < _REDRAW_SECONDS and not done:
            return
        self.last_draw = now
        status = self._status(n, record, now - self.start)
        if self.progress is not None:
            self.progress.update(self.task, completed=n, status=status)
            self.progress.refresh()
            return
        filled = round(20 * n / self.layout.max_iter)
        bar = "#" * filled + "." * (20 - filled)
        text = f"{self.layout.unit} {n}/{self.layout.max_iter} [{bar}] {status}"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def _status(self, n, record, elapsed) -> str:
        layout = self.layout
        parts = [f"loss {record['loss']:.6g}"]
        if layout.score_name is not None and record["validation_score"] is not None:
            parts.append(f"{layout.score_name} {record['validation_score']:.4f}")
        left = elapsed / n * (layout.max_iter - n)
        bound = "<= " if layout.bounded_eta else ""
        parts.append(f"{_clock(elapsed)} elapsed, ETA {bound}{_clock(left)}")
        return "  ".join(parts)

    def _clear(self):
        if self.progress is None and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.width = 0

    def note(self, message):
        if self.progress is not None:
            self.progress.console.print(message, markup=False, highlight=False)
            return
        self._clear()
        self.stream.write(message + "\n")
        self.stream.flush()

    def end(self, message):
        if self.progress is not None:
            self.progress.stop()
            if message:
                self.progress.console.print(message, markup=False, highlight=False)
            return
        if self.width:
            self.stream.write("\n")
        if message:
            self.stream.write(message + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "--:--"
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return (
        f"{hours}:{minutes:02d}:{seconds:02d}"
        if hours
        else f"{minutes:02d}:{seconds:02d}"
    )


def reporter(verbose, *, incremental: bool, stream=None):
    """Return the reporter ``verbose`` asks for (see the module's docstring)."""
    if not verbose:
        return Silent()
    stream = sys.stdout if stream is None else stream
    if verbose >= 2 and not incremental and _is_terminal(stream):
        try:
            import rich  # noqa: F401  (the [progress] extra)
        except ImportError:
            return Bar(stream, use_rich=False)
        return Bar(stream, use_rich=True)
    return Table(stream)


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False
