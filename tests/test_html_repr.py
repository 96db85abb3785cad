"""The notebook display: documentation links, tooltips, fitted attributes."""

import re
from html import escape as html_escape

import numpy as np
import pytest
import sklearn
from sklearn.utils.fixes import parse_version

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._html import DOCS_URL

SKLEARN = parse_version(sklearn.__version__)
FITTED_TABLE = SKLEARN >= parse_version("1.8")
PARAMETER_LINKS = SKLEARN >= parse_version("1.7")


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    return X, (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_doc_link_names_the_api_page(Estimator, monkeypatch):
    monkeypatch.delenv("SKBACKPROP_DOCS_URL", raising=False)
    link = Estimator()._get_doc_link()
    assert link == f"{DOCS_URL}generated/skbackprop.{Estimator.__name__}.html"
    assert f'href="{link}"' in Estimator()._repr_html_()


def test_doc_link_follows_the_environment(monkeypatch):
    monkeypatch.setenv("SKBACKPROP_DOCS_URL", "file:///tmp/html")
    link = BackpropClassifier()._get_doc_link()
    assert link == "file:///tmp/html/generated/skbackprop.BackpropClassifier.html"


@pytest.mark.skipif(not PARAMETER_LINKS, reason="scikit-learn < 1.7 links no parameter")
def test_parameters_link_to_their_description():
    html = BackpropClassifier(alpha=0.1)._repr_html_()
    # the parameter table links alpha to its entry, the docstring as tooltip
    assert re.search(r'href="[^"]+BackpropClassifier\.html#:~:text=alpha,', html)
    doc = BackpropClassifier.__doc__
    first_line = re.search(r"\n\s*alpha : .*\n\s*(.{20})", doc).group(1)
    assert html_escape(first_line) in html


@pytest.mark.skipif(not FITTED_TABLE, reason="scikit-learn < 1.8 shows no table")
@pytest.mark.parametrize("name", ["coefs_", "intercepts_"])
def test_layer_lists_show_as_lists(data, name):
    clf = BackpropClassifier(hidden_layer_sizes=(4,), solver="lbfgs", random_state=0)
    clf.fit(*data)
    attrs = clf._get_fitted_attr_html()
    assert attrs[name]["type_name"] == "list"
    assert type(attrs[name]["value"]) is list
    assert len(attrs[name]["value"]) == 2
    html = clf._repr_html_()
    row = html[html.index(f"--doc-link-{name};") :]
    assert re.search(r'class="fitted-att-type">list<', row[:2000])
    assert "_LayerList" not in html
