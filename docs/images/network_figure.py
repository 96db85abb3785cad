"""Regenerate network.svg, the network drawn in docs/math.md's symbols.

A network with 3 inputs, one hidden layer of 4 units and 2 outputs
(``layer_units = (3, 4, 2)``, so ``L = 2``), labelled as the page and
``skbackprop/_network.py`` label it. Run from the repository root:
``python docs/images/network_figure.py``.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

LAYER_UNITS = (3, 4, 2)
X_POS = (0.0, 3.2, 6.4)  # column of each layer
DY = 1.15  # vertical distance between units
R = 0.36  # unit radius
FONT = 16  # shown at 85-100% of its size at page width: >= 13.5 pt on screen
INK, WEIGHT, BIAS = "#222222", "#8a8a8a", "#c0504d"
FILL = ("#e8eef7", "#fdf1dc", "#e4f2e4")  # input, hidden, output units


def unit_y(n):
    """Vertical centres of a column of ``n`` units, centred on 0."""
    return [DY * ((n - 1) / 2 - k) for k in range(n)]


def arrow(ax, start, end, color, head=9, **line):
    """Draw an arrow from ``start`` to ``end`` (``line``: width, dashes)."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=head,
            color=color,
            shrinkA=0,
            shrinkB=0,
            zorder=1,
            **line,
        )
    )


def clipped(p, q, r_p, r_q):
    """Segment from ``p`` to ``q`` shortened by ``r_p`` and ``r_q`` at its ends."""
    (x0, y0), (x1, y1) = p, q
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    return (x0 + r_p * ux, y0 + r_p * uy), (x1 - r_q * ux, y1 - r_q * uy)


def draw():
    """Draw the figure and return it."""
    plt.rcParams.update(
        {
            "mathtext.fontset": "cm",
            "font.family": "serif",
            "font.serif": ["cmr10"],
            "axes.formatter.use_mathtext": True,
            "font.size": FONT,
            "svg.hashsalt": "skbackprop",
        }
    )
    fig, ax = plt.subplots(figsize=(7.2, 5.9))
    ax.set_xlim(-1.0, 8.6)
    ax.set_ylim(-4.95, 2.9)
    ax.set_aspect("equal")
    ax.axis("off")

    columns = [
        [(x, y) for y in unit_y(n)] for x, n in zip(X_POS, LAYER_UNITS, strict=True)
    ]
    bias_y = min(unit_y(LAYER_UNITS[1])) - 0.25  # bias units under the columns
    bias = [(X_POS[0] + 1.05, bias_y), (X_POS[1] + 1.05, bias_y)]

    # weights (grey) and biases (red) into every unit of the next layer
    for layer in range(2):
        for p in columns[layer]:
            for q in columns[layer + 1]:
                arrow(ax, *clipped(p, q, R, R + 0.02), WEIGHT, lw=0.9)
        for q in columns[layer + 1]:
            arrow(
                ax,
                *clipped(bias[layer], q, 0.2, R + 0.02),
                BIAS,
                lw=0.9,
                linestyle=(0, (3, 2)),
            )

    inside = (
        [rf"$x_{k + 1}$" for k in range(LAYER_UNITS[0])],
        ["$f$"] * LAYER_UNITS[1],
        ["$g$"] * LAYER_UNITS[2],
    )
    for layer, units in enumerate(columns):
        for (x, y), text in zip(units, inside[layer], strict=True):
            ax.add_patch(Circle((x, y), R, fc=FILL[layer], ec=INK, lw=1.3, zorder=2))
            ax.text(x, y, text, ha="center", va="center", zorder=3)
    for layer, (x, y) in enumerate(bias):
        ax.add_patch(
            FancyBboxPatch(
                (x - 0.17, y - 0.17),
                0.34,
                0.34,
                boxstyle="round,pad=0.02",
                fc="white",
                ec=BIAS,
                lw=1.3,
                zorder=2,
            )
        )
        ax.text(x, y, "$1$", ha="center", va="center", color=BIAS, zorder=3)
        ax.text(
            x + 0.3, y - 0.12, f"$b^{{({layer})}}$", ha="left", va="top", color=BIAS
        )

    # layer names above the columns, weight matrices between them
    top = max(unit_y(LAYER_UNITS[1])) + R + 0.3
    for x, name in zip(X_POS, ("input", "hidden", "output"), strict=True):
        ax.text(x, top, name, ha="center", va="bottom")
    for layer in range(2):
        shape = f"{LAYER_UNITS[layer]}\\times{LAYER_UNITS[layer + 1]}"
        ax.text(
            (X_POS[layer] + X_POS[layer + 1]) / 2,
            top - 0.45,
            f"$W^{{({layer})}}$  (${shape}$)",
            ha="center",
            va="bottom",
            color="#555555",
        )

    # what each layer holds, under its column
    below = (
        ["$a^{(0)} = X$"],
        ["$a^{(1)} = f(z^{(1)})$", r"$\delta^{(1)} = \partial J / \partial z^{(1)}$"],
        ["$a^{(2)} = g(z^{(2)})$", r"$\delta^{(2)} = \partial J / \partial z^{(2)}$"],
    )
    y0 = min(unit_y(LAYER_UNITS[1])) - 0.8
    for x, lines in zip(X_POS, below, strict=True):
        for k, line in enumerate(lines):
            ax.text(x, y0 - 0.62 * k, line, ha="center", va="top")

    # the direction of each pass
    y_pass = y0 - 1.55
    left, right = X_POS[0] - 0.5, X_POS[2] + 0.5
    arrow(ax, (left, y_pass), (right, y_pass), "#4a7ab5", lw=1.6, head=16)
    ax.text(left, y_pass + 0.1, "forward", ha="left", va="bottom", color="#4a7ab5")
    arrow(ax, (right, y_pass - 0.45), (left, y_pass - 0.45), BIAS, lw=1.6, head=16)
    ax.text(right, y_pass - 0.55, "backward", ha="right", va="top", color=BIAS)

    # the outputs meet the targets Y in the loss
    loss = (X_POS[2] + 1.5, 0.0)
    for p in columns[2]:
        arrow(ax, *clipped(p, loss, R, 0.34), INK, lw=1.1)
    ax.add_patch(
        FancyBboxPatch(
            (loss[0] - 0.3, loss[1] - 0.3),
            0.6,
            0.6,
            boxstyle="round,pad=0.02",
            fc="#f4f4f4",
            ec=INK,
            lw=1.3,
            zorder=2,
        )
    )
    ax.text(*loss, r"$\mathcal{L}$", ha="center", va="center", zorder=3)
    ax.text(loss[0], loss[1] + 1.35, "$Y$", ha="center", va="bottom")
    arrow(ax, (loss[0], loss[1] + 1.3), (loss[0], loss[1] + 0.34), INK, lw=1.1)
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    return fig


if __name__ == "__main__":
    draw().savefig(Path(__file__).with_name("network.svg"), metadata={"Date": None})
