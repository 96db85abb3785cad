"""The notebook display: documentation links and the fitted-attributes table.

scikit-learn's HTML representation of an estimator (``_repr_html_``) links
the estimator's name ("?") and each parameter and fitted attribute to its
API page, with the docstring's description as a tooltip, for any estimator
that names its documentation through the hooks scikit-learn keeps for
third-party packages: ``_doc_link_module`` and ``_doc_link_template``.
"""

import os

#: Where the documentation lives; the ``SKBACKPROP_DOCS_URL`` environment
#: variable overrides it (for instance with a local build,
#: ``file:///path/to/docs/_build/html/``).
DOCS_URL = "https://skbackprop.readthedocs.io/en/latest/"

#: Fitted attributes that are per-layer lists of arrays (views into the flat
#: parameter vector): the table shows them as the lists they are.
_LAYER_LISTS = ("coefs_", "intercepts_")


def docs_url() -> str:
    """Return the documentation's base URL, ending in a slash."""
    url = os.environ.get("SKBACKPROP_DOCS_URL") or DOCS_URL
    return url if url.endswith("/") else url + "/"


class HTMLReprMixin:
    """Documentation links for scikit-learn's HTML repr of our estimators."""

    _doc_link_module = "skbackprop"

    @property
    def _doc_link_template(self):
        return docs_url() + "generated/{estimator_module}.{estimator_name}.html"

    def _get_fitted_attr_html(self, doc_link=""):
        # scikit-learn >= 1.8 lists fitted attributes with their type; ours
        # would read "_LayerList" (the list type whose item assignment writes
        # into the model) and be cut short by reprlib: show plain lists.
        attrs = super()._get_fitted_attr_html(doc_link)
        for name in _LAYER_LISTS:
            if name in attrs:
                attrs[name] = {"type_name": "list", "value": list(getattr(self, name))}
        return attrs
