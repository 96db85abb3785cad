"""The order of the examples in the gallery: a reader's path, not file size.

sphinx-gallery sorts a gallery's examples with a key class named in
``sphinx_gallery_conf["within_subsection_order"]``; it must be importable by
its fully qualified name (so the configuration stays picklable), hence this
module on ``sys.path`` (see ``conf.py``).
"""

from pathlib import Path

READING_ORDER = (
    # first steps: the mathematics by hand, then the smallest network
    "plot_worked_example.py",
    "plot_xor.py",
    # the estimator beside scikit-learn's
    "plot_compare_mlpclassifier.py",
    "plot_decision_boundaries.py",
    "plot_compare_solvers.py",
    "plot_validation_curves.py",
    "plot_grid_search.py",
    "plot_bounded_regression.py",
    "plot_scaling_out_dask.py",
)


class ReadingOrder:
    """Sort key: an example's place in ``READING_ORDER``; unlisted ones last."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        """Return the sort key of ``filename`` (a path or a bare name)."""
        name = Path(filename).name
        if name in READING_ORDER:
            return (READING_ORDER.index(name), name)
        return (len(READING_ORDER), name)

    def __repr__(self):
        return f"<{type(self).__name__}>"
