"""Sphinx configuration of the skbackprop documentation.

Build it (warnings are errors) with::

    pip install ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))
import skbackprop

project = "skbackprop"
author = "The skbackprop developers"
copyright = "2026, the skbackprop developers"
release = version = skbackprop.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "auto_examples/*.ipynb", "examples/README.txt"]
templates_path = []

autosummary_generate = True
# scikit-learn's own methods (get_params, set_fit_request, ...) are documented
# there; their docstrings point into scikit-learn's site
autodoc_default_options = {
    "members": True,
    "inherited-members": False,
    "exclude-members": (
        "set_fit_request,set_partial_fit_request,set_score_request,"
        "get_metadata_routing,set_callbacks"
    ),
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
}

html_theme = "alabaster"
html_title = f"skbackprop {release}"
html_static_path = []
