"""``verbose=2``: a live bar on a terminal, the epoch table anywhere else.

The bar is drawn on standard output when it is a terminal: with rich when
the ``[progress]`` extra is installed, as plain carriage-return text when it
is not. Tests stand in a terminal with a text stream whose ``isatty`` says
so.
"""

import io
import re
import sys
from contextlib import redirect_stdout

import numpy as np
import pytest
from sklearn.datasets import load_digits

from skbackprop import BackpropClassifier, _progress

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self):
        return True


@pytest.fixture
def digits():
    X, y = load_digits(n_class=4, return_X_y=True)
    X = X / 16
    return X[:300], y[:300], X[300:450], y[300:450]


@pytest.fixture
def terminal(monkeypatch):
    """The terminal to fit in: ``with redirect_stdout(terminal): ...``."""
    monkeypatch.setattr(_progress, "_REDRAW_SECONDS", 0.0)  # draw every epoch
    return Terminal()


@pytest.fixture
def without_rich(monkeypatch):
    monkeypatch.setitem(sys.modules, "rich", None)  # import rich fails


def _clf(**params):
    defaults = dict(hidden_layer_sizes=(8,), max_iter=5, learning_rate_init=0.01)
    return BackpropClassifier(**{**defaults, "random_state": 0, **params})


def _without_times(text):
    return re.sub(r"\d+\.\d{3}s", "TIME", text)


def test_off_a_terminal_verbose_2_prints_the_table(digits, capsys):
    X, y, Xv, yv = digits
    _clf(verbose=1).fit(X, y, X_val=Xv, y_val=yv)
    table = capsys.readouterr().out
    _clf(verbose=2).fit(X, y, X_val=Xv, y_val=yv)
    assert _without_times(capsys.readouterr().out) == _without_times(table)


def test_plain_text_bar_without_rich(digits, terminal, without_rich):
    X, y, Xv, yv = digits
    with redirect_stdout(terminal):
        _clf(verbose=2).fit(X, y, X_val=Xv, y_val=yv)
    out = terminal.getvalue()
    assert not any(line.startswith("Iteration") for line in out.splitlines())
    frames = out.split("\r")[1:]
    assert len(frames) == 5  # one redraw per epoch (redraws not rate-limited here)
    for k, frame in enumerate(frames, 1):
        assert frame.startswith(f"epoch {k}/5 [")
        assert re.search(r"loss \d", frame) and re.search(r"accuracy \d\.\d{4}", frame)
        assert re.search(r"\d\d:\d\d elapsed, ETA <= \d\d:\d\d", frame)
    filled = [frame.split("[")[1].split("]")[0] for frame in frames]
    assert [f.count("#") for f in filled] == [4, 8, 12, 16, 20]
    assert out.endswith(
        "\nStopped after epoch 5: max_iter=5 reached before convergence.\n"
    )


def test_the_eta_is_exact_when_nothing_can_stop_training_sooner(
    digits, terminal, without_rich
):
    X, y, _, _ = digits
    with redirect_stdout(terminal):
        _clf(solver="sgd", n_iter_no_change=np.inf, verbose=2).fit(X, y)
    frames = terminal.getvalue().split("\r")[1:]
    assert all("ETA " in f and "ETA <=" not in f for f in frames)


def test_redraws_are_rate_limited(digits, terminal, without_rich, monkeypatch):
    X, y, _, _ = digits
    monkeypatch.setattr(_progress, "_REDRAW_SECONDS", 3600.0)
    with redirect_stdout(terminal):
        _clf(max_iter=30, verbose=2).fit(X, y)
    frames = terminal.getvalue().split("\r")[1:]
    assert len(frames) == 1 and frames[0].startswith("epoch 30/30")  # the last


def test_rich_bar(digits, terminal):
    pytest.importorskip("rich")
    X, y, Xv, yv = digits
    with redirect_stdout(terminal):
        _clf(verbose=2).fit(X, y, X_val=Xv, y_val=yv)
    out = terminal.getvalue()
    assert "epochs" in out and "accuracy" in out and "ETA <=" in out
    assert not any(line.startswith("Iteration") for line in out.splitlines())
    assert out.rstrip().endswith(
        "Stopped after epoch 5: max_iter=5 reached before convergence."
    )


def test_lbfgs_bar_counts_iterations(digits, terminal, without_rich):
    X, y, _, _ = digits
    with redirect_stdout(terminal):
        clf = _clf(solver="lbfgs", max_iter=4, verbose=2).fit(X, y)
    frames = terminal.getvalue().split("\r")[1:]
    assert frames[-1].startswith(f"iteration {clf.n_iter_}/4 [")


def test_partial_fit_prints_its_line_even_on_a_terminal(digits, terminal):
    X, y, _, _ = digits
    clf = _clf(verbose=2)
    with redirect_stdout(terminal):
        clf.partial_fit(X, y, classes=np.unique(y))
    lines = terminal.getvalue().splitlines()
    assert lines[1].startswith("Iteration 1, loss = ")
    assert "\r" not in terminal.getvalue()


def test_notes_print_above_the_bar(digits, terminal, without_rich):
    X, y, _, _ = digits
    with redirect_stdout(terminal):
        _clf(
            solver="sgd",
            learning_rate="adaptive",
            tol=10.0,
            n_iter_no_change=1,
            learning_rate_init=0.5,
            max_iter=6,
            verbose=2,
        ).fit(X, y)
    lines = terminal.getvalue().split("\n")
    notes = [line for line in lines if "Setting learning rate to" in line]
    # on a terminal, what follows the last carriage return is what shows
    assert notes and all(
        line.split("\r")[-1].startswith("Training loss did not improve")
        for line in notes
    )
