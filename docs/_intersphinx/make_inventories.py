"""Regenerate the offline intersphinx inventories in ``docs/_intersphinx/``.

Why these files exist
---------------------
The documentation cross-links to scikit-learn, NumPy, SciPy, Matplotlib, Dask,
``distributed``, ``dask-ml``, skops and PyTorch through
``sphinx.ext.intersphinx``.  Intersphinx normally downloads each project's
``objects.inv`` when the docs are built, but the machines that build our docs
(developers' and CI) reach package registries only, not the projects' web
sites.  So every inventory is committed here as ``<project>.inv``, in Sphinx's
``objects.inv`` format (version 2, zlib-compressed), and ``docs/conf.py``
points intersphinx at these local files while the links themselves go to the
real public sites (the base URLs are in ``PROJECTS`` below and in
``docs/conf.py``).  The build therefore never touches the network.

How the inventories are made
----------------------------
None of these projects publishes its inventory in a package, so this script
reconstructs the part of each inventory that our docs need, the way Sphinx
itself derives it:

* the list of documented objects and the page each one lives on come from the
  project's *own documentation sources* -- the ``doc/`` (or ``docs/``) folder
  shipped in the project's source distribution on PyPI, for the version that is
  installed -- by reading their ``autosummary`` (``:toctree:`` pages),
  ``automodule``/``autoclass``/``autofunction`` and ``py:`` directives, in the
  same way ``sphinx.ext.autosummary`` does (scikit-learn: ``doc/api_reference.py``
  and ``doc/glossary.rst``);
* each object's kind (class, function, method, ...) and its members come from
  introspecting the *installed* package;
* the anchor of an object is its full dotted name (``#sklearn.svm.SVC``), of a
  module ``#module-<name>``, of a glossary term ``#term-<id>`` with Sphinx's
  id rules.

Only objects whose page could be derived are written: an object that is not
on one of the scanned pages is left out rather than guessed, and so is an
object of another package that a project's pages happen to describe
(``ROOTS``).  ``dask-ml`` and
PyTorch publish no source distribution with their docs (PyTorch has none on
PyPI at all), so their entries come from small tables in this file, copied from
their documentation sources (``dask-ml``: ``docs/source/modules/api.rst``;
PyTorch: ``docs/source/{torch,tensors,tensor_attributes,nn,cuda}.md``) and
checked against the published pages; they are filtered against the installed
package.

Regenerating
------------
Run this in the docs environment (the packages above installed at the
versions whose docs we link to), with access to PyPI (the only network access
used: it downloads the source distributions of the installed versions)::

    python docs/_intersphinx/make_inventories.py

``--sdist-dir DIR`` reuses (or stores) the downloaded ``.tar.gz`` files, so a
second run needs no network; ``--only sklearn numpy`` rebuilds some of them;
``--check`` prints what would change and writes nothing.  Commit the
regenerated ``*.inv`` files together with any change to this script.

The ``Version`` line of each inventory records the version that was installed.
Links point to each project's ``stable`` docs; after a project's major
release, regenerate against the new version.

How they were checked
---------------------
* Every object that the output shares with the real inventories of
  scikit-learn 0.24, NumPy 1.20, SciPy 1.6.3 and Matplotlib 3.4.1 (the
  ``objects.inv`` files scikit-image vendored in ``doc/source/_intersphinx/``
  until 2023) has the same URI there, except where those sites have since
  changed their layout (scikit-learn's ``api/<module>.html`` module pages,
  Matplotlib's ``Figure`` now on its own ``_as_gen`` pages, properties typed
  ``py:property`` since Sphinx 4, a renamed NumPy page).
* The current URL of one object or more of each pattern was looked up on the
  published sites (e.g. ``modules/generated/sklearn.callback.ProgressBar.html``,
  ``glossary.html#term-random_state``, ``reference/random/generator.html#
  numpy.random.Generator``, ``api/_as_gen/matplotlib.axes.Axes.html``,
  ``generated/dask.array.Array.html``, ``api.html#distributed.Client``,
  ``modules/classes.html#skops.io.dump``, ``tensors.html#torch.Tensor``,
  ``tensor_attributes.html#torch.device``).

Two deliberate departures from the real inventories: NumPy's and SciPy's
ufuncs (``numpy.exp``, ``scipy.special.expit``) are recorded as both
``py:data`` (what autodoc makes of them) and ``py:function``, so that
``:func:`` finds them; and ``torch.float32`` & co. have no entry, because
PyTorch's docs list the dtypes in a table rather than as objects (refer to
``torch.dtype``).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import inspect
import os
import posixpath
import re
import sys
import tarfile
import tempfile
import unicodedata
import urllib.parse
import urllib.request
import warnings
import zlib
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> (Sphinx project name, distribution on PyPI, public base URL)
PROJECTS = {
    "sklearn": ("scikit-learn", "scikit-learn", "https://scikit-learn.org/stable/"),
    "numpy": ("NumPy", "numpy", "https://numpy.org/doc/stable/"),
    "scipy": ("SciPy", "scipy", "https://docs.scipy.org/doc/scipy/"),
    "matplotlib": ("Matplotlib", "matplotlib", "https://matplotlib.org/stable/"),
    "dask": ("Dask", "dask", "https://docs.dask.org/en/stable/"),
    "distributed": (
        "Dask.distributed",
        "distributed",
        "https://distributed.dask.org/en/stable/",
    ),
    "dask_ml": ("dask-ml", "dask-ml", "https://ml.dask.org/"),
    "skops": ("skops", "skops", "https://skops.readthedocs.io/en/stable/"),
    "torch": ("PyTorch", "torch", "https://docs.pytorch.org/docs/stable/"),
    "python": ("Python", None, "https://docs.python.org/3/"),
}

# the top-level packages whose objects each inventory describes
ROOTS = {
    "sklearn": ("sklearn",),
    "numpy": ("numpy",),
    "scipy": ("scipy",),
    "matplotlib": ("matplotlib", "mpl_toolkits", "pylab"),
    "dask": ("dask",),
    "distributed": ("distributed",),
    "dask_ml": ("dask_ml",),
    "skops": ("skops",),
    "torch": ("torch",),
    "python": None,  # the table names only Python's own objects
}

PYPI_SIMPLE = os.environ.get("PYPI_SIMPLE_URL", "https://pypi.org/simple/")


# --------------------------------------------------------------------------
# inventory file
# --------------------------------------------------------------------------


class Inventory:
    """Entries of one ``objects.inv``: name -> {role: uri}."""

    def __init__(self):
        self.entries = {}

    def add(self, name, role, uri, *, replace=False):
        """Record ``name`` as a ``role`` (``py:class`` ...) at ``uri``."""
        roles = self.entries.setdefault(name, {})
        if role in roles and not replace:
            return
        roles[role] = uri

    def keep_roots(self, roots):
        """Drop Python objects outside the packages ``roots``.

        A project's pages also describe a few foreign objects (``copy.copy``
        in Matplotlib's, ``distributed.Client`` in Dask's); those belong to
        the inventory of their own project.
        """
        for name in list(self.entries):
            roles = self.entries[name]
            if name.split(".")[0] in roots:
                continue
            for role in [r for r in roles if r.startswith("py:")]:
                del roles[role]
            if not roles:
                del self.entries[name]

    def __len__(self):
        return sum(len(r) for r in self.entries.values())

    def lines(self):
        """Return the inventory lines, sorted, in the objects.inv format."""
        out = []
        for name in sorted(self.entries):
            for role, uri in sorted(self.entries[name].items()):
                prio = (
                    "0"
                    if role == "py:module"
                    else ("-1" if role.startswith("std:") else "1")
                )
                if uri.endswith("#" + name):
                    uri = uri[: -len(name)] + "$"
                elif role == "py:module" and uri.endswith("#module-" + name):
                    uri = uri[: -len(name)] + "$"
                out.append(f"{name} {role} {prio} {uri} -")
        return out

    def dumps(self, project, version):
        """Return the bytes of the ``objects.inv`` file."""
        header = (
            "# Sphinx inventory version 2\n"
            f"# Project: {project}\n"
            f"# Version: {version}\n"
            "# The remainder of this file is compressed using zlib.\n"
        ).encode()
        body = ("\n".join(self.lines()) + "\n").encode()
        return header + zlib.compress(body, 9)


# --------------------------------------------------------------------------
# source distributions
# --------------------------------------------------------------------------


def _sdist_url(dist, version):
    name = re.sub(r"[-_.]+", "-", dist).lower()
    with urllib.request.urlopen(PYPI_SIMPLE + name + "/", timeout=120) as resp:
        page = resp.read().decode()
    norm = re.sub(r"[-_.]+", "[-_.]", re.escape(name).replace(r"\-", "-"))
    pat = re.compile(
        r'href="([^"]*/'
        + norm
        + "-"
        + re.escape(version)
        + r'\.tar\.gz)(#sha256=([0-9a-f]+))?"',
        re.IGNORECASE,
    )
    m = pat.search(page)
    if not m:
        raise RuntimeError(f"no sdist of {dist} {version} on {PYPI_SIMPLE}")
    return urllib.parse.urljoin(PYPI_SIMPLE + name + "/", m.group(1)), m.group(3)


class Sdist:
    """Text files of one source distribution, read from its tarball."""

    def __init__(self, path):
        self.files = {}
        with tarfile.open(path) as tar:
            for member in tar:
                if not member.isfile():
                    continue
                parts = member.name.split("/", 1)
                if len(parts) != 2:
                    continue
                rel = parts[1]
                if not re.match(r"docs?/", rel) or not rel.endswith(
                    (".rst", ".py", ".md", ".txt")
                ):
                    continue
                data = tar.extractfile(member).read()
                self.files[rel] = data.decode("utf-8", "replace")

    def read(self, rel):
        """Text of the file at ``rel`` (path inside the sdist)."""
        return self.files[rel]

    def glob(self, prefix, suffix=".rst"):
        """Paths of the files under ``prefix`` ending in ``suffix``."""
        return sorted(
            f for f in self.files if f.startswith(prefix) and f.endswith(suffix)
        )


def get_sdist(dist, version, sdist_dir):
    """Return the sdist of ``dist`` ``version``, from ``sdist_dir`` or PyPI."""
    fname = None
    if sdist_dir and os.path.isdir(sdist_dir):
        want = re.sub(r"[-_.]+", "_", dist).lower() + "-" + version + ".tar.gz"
        for f in os.listdir(sdist_dir):
            if (
                re.sub(r"[-_.]+", "_", f.rsplit("-", 1)[0]).lower()
                + "-"
                + f.rsplit("-", 1)[-1]
                == want
            ):
                fname = os.path.join(sdist_dir, f)
    if fname is None:
        url, sha = _sdist_url(dist, version)
        print(f"  downloading {url}", file=sys.stderr)
        with urllib.request.urlopen(url, timeout=600) as resp:
            data = resp.read()
        if sha and hashlib.sha256(data).hexdigest() != sha:
            raise RuntimeError(f"sha256 mismatch for {url}")
        target = sdist_dir
        os.makedirs(target, exist_ok=True)
        fname = os.path.join(target, posixpath.basename(url))
        with open(fname, "wb") as f:
            f.write(data)
    return Sdist(fname)


# --------------------------------------------------------------------------
# introspection
# --------------------------------------------------------------------------


def _import(modname):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return importlib.import_module(modname)
    except Exception:
        return None


def _getattr(obj, attr):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if inspect.isclass(obj):
            return inspect.getattr_static(obj, attr)
        return getattr(obj, attr)


def resolve(name):
    """Import ``name`` like autosummary: (obj, parent, modname) or None.

    ``MODULE.OBJ`` is tried first (so ``dask.delayed`` is the function, not
    the module of that name), then the longest importable module prefix.
    """
    parts = name.split(".")
    if len(parts) > 1:
        mod = _import(".".join(parts[:-1]))
        if mod is not None:
            try:
                return _getattr(mod, parts[-1]), mod, ".".join(parts[:-1])
            except Exception:
                pass
    for i in range(len(parts), 0, -1):
        modname = ".".join(parts[:i])
        obj = _import(modname)
        if obj is None:
            continue
        parent = None
        for attr in parts[i:]:
            parent = obj
            try:
                obj = _getattr(obj, attr)
            except Exception:
                return None
        return obj, parent, modname
    return None


def _unwrap_static(obj):
    if isinstance(obj, (staticmethod, classmethod)):
        return obj.__func__
    return obj


def kind_of(obj, parent):
    """Sphinx py-domain role(s) for an object, the way autodoc picks them."""
    if inspect.ismodule(obj):
        return ["py:module"]
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return ["py:exception"]
        return ["py:class"]
    if inspect.isclass(parent):
        if isinstance(obj, property) or type(obj).__name__ == "cached_property":
            return ["py:property"]
        raw = _unwrap_static(obj)
        if inspect.isroutine(raw) or inspect.ismethoddescriptor(raw) or callable(raw):
            if inspect.isdatadescriptor(raw) and not callable(raw):
                return ["py:attribute"]
            return ["py:method"]
        return ["py:attribute"]
    if inspect.isroutine(obj) or isinstance(obj, type(len)):
        return ["py:function"]
    if type(obj).__name__ == "ufunc" or (callable(obj) and not inspect.isclass(obj)):
        # autodoc documents numpy/scipy ufuncs (and other callable instances)
        # as data; ``:func:`` is how everybody cites them, so accept both
        return ["py:data", "py:function"]
    return ["py:data"]


def has_doc(obj):
    """Whether autodoc finds a docstring (needed without ``:undoc-members:``)."""
    try:
        return bool(inspect.getdoc(_unwrap_static(obj)))
    except Exception:
        return False


def class_members(cls, *, inherited, undoc=False, special=(), exclude=()):
    """Public members that ``autoclass :members:`` documents."""
    out = []
    if inherited:
        names = set()
        for base in cls.__mro__:
            if base is object:
                continue
            names.update(vars(base))
    else:
        names = set(vars(cls))
    for name in sorted(names):
        if name in exclude:
            continue
        if name.startswith("_") and name not in special:
            continue
        try:
            raw = inspect.getattr_static(cls, name)
        except AttributeError:
            continue
        if inspect.isclass(raw):
            continue
        doc_obj = raw
        if not isinstance(raw, property):
            try:
                doc_obj = getattr(cls, name)
            except Exception:
                doc_obj = raw
        if not undoc and not has_doc(doc_obj):
            continue
        roles = kind_of(raw, cls)
        if roles == ["py:attribute"] and not undoc:
            continue  # plain data: documented only through source comments
        out.append((name, roles))
    return out


def module_members(mod):
    """Names ``automodule :members:`` documents: ``__all__`` or own defs."""
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [
            n
            for n, v in vars(mod).items()
            if not n.startswith("_")
            and (inspect.isclass(v) or inspect.isfunction(v))
            and getattr(v, "__module__", None) == mod.__name__
        ]
    return sorted(set(names))


# --------------------------------------------------------------------------
# reST scanner: what autosummary/autodoc would document on each page
# --------------------------------------------------------------------------

_DIRECTIVE = re.compile(
    r"^(?P<indent>\s*)\.\.\s+(?:py:)?(?P<name>[a-zA-Z][\w-]*)::\s*(?P<arg>.*?)\s*$"
)
_OPTION = re.compile(r"^\s+:(?P<name>[\w-]+):\s*(?P<value>.*?)\s*$")
_AUTO_MODULE_LEVEL = {
    "autoclass",
    "autofunction",
    "autodata",
    "autoexception",
    "autodecorator",
}
_AUTO_CLASS_LEVEL = {"automethod", "autoattribute", "autoproperty"}
_MANUAL = {
    "class": "py:class",
    "exception": "py:exception",
    "function": "py:function",
    "decorator": "py:function",
    "method": "py:method",
    "classmethod": "py:method",
    "staticmethod": "py:method",
    "attribute": "py:attribute",
    "property": "py:property",
    "data": "py:data",
}


def _indent(line):
    return len(line) - len(line.lstrip())


class Scanner:
    """Collects inventory entries of the pages of one Sphinx project."""

    def __init__(self, inv, *, default_options=()):
        self.inv = inv
        # the project's ``autodoc_default_options`` (their names)
        self.default_options = set(default_options)
        self.derived = []  # (name, role, uri): from :members:, added last

    # ---- helpers
    def _add(self, name, roles, uri, derived=False):
        for role in roles:
            if derived:
                self.derived.append((name, role, uri))
            else:
                self.inv.add(name, role, uri)

    def finish(self):
        """Add the entries found through ``:members:``, unless already there."""
        for name, role, uri in self.derived:
            if name not in self.inv.entries:
                self.inv.add(name, role, uri)
        self.derived = []

    def _entry(self, fullname, uri, derived=False, forced_roles=None):
        found = resolve(fullname)
        if found is None:
            return None
        obj, parent, _ = found
        roles = forced_roles or kind_of(obj, parent)
        if roles == ["py:module"]:
            self._add(
                fullname, roles, uri.split("#")[0] + "#module-" + fullname, derived
            )
        else:
            self._add(fullname, roles, uri.split("#")[0] + "#" + fullname, derived)
        return obj

    def _members(self, fullname, obj, page_html, options):
        opts = set(self.default_options) | set(options)
        if "no-members" in options or "members" not in opts:
            return
        listed = options.get("members", "")
        exclude = {
            x.strip()
            for x in options.get("exclude-members", "").split(",")
            if x.strip()
        }
        undoc = "undoc-members" in opts
        inherited = (
            "inherited-members" in opts and "no-inherited-members" not in options
        )
        if inspect.ismodule(obj):
            names = [
                x.strip() for x in listed.split(",") if x.strip()
            ] or module_members(obj)
            for n in names:
                if n in exclude:
                    continue
                member = getattr(obj, n, None)
                if member is None or not (
                    inspect.isclass(member) or inspect.isroutine(member)
                ):
                    continue
                if not undoc and not has_doc(member):
                    continue
                sub = self._entry(f"{fullname}.{n}", page_html, derived=True)
                if inspect.isclass(sub):
                    for m, roles in class_members(
                        sub, inherited=inherited, undoc=undoc, exclude=exclude
                    ):
                        self._add(
                            f"{fullname}.{n}.{m}",
                            roles,
                            f"{page_html}#{fullname}.{n}.{m}",
                            True,
                        )
        elif inspect.isclass(obj):
            if listed:
                for m in [x.strip() for x in listed.split(",") if x.strip()]:
                    if m in exclude or m == "__init__":
                        continue
                    self._entry(f"{fullname}.{m}", page_html, derived=True)
                return
            for m, roles in class_members(
                obj, inherited=inherited, undoc=undoc, exclude=exclude
            ):
                self._add(f"{fullname}.{m}", roles, f"{page_html}#{fullname}.{m}", True)

    # ---- the scan
    def scan(self, text, page, *, module=None, html=None):
        """``page``: document name (no suffix); ``html``: its URI."""
        html = html or page + ".html"
        lines = text.splitlines()
        current = module
        classes = []  # stack of (indent, fullname) of manual class directives
        i = 0
        while i < len(lines):
            m = _DIRECTIVE.match(lines[i])
            if not m:
                i += 1
                continue
            indent = len(m.group("indent"))
            name = m.group("name")
            args = [m.group("arg")] if m.group("arg") else []
            j = i + 1
            # continuation signatures (no blank line, deeper, not an option)
            while (
                j < len(lines)
                and lines[j].strip()
                and _indent(lines[j]) > indent
                and not _OPTION.match(lines[j])
            ):
                if name in _MANUAL:
                    args.append(lines[j].strip())
                j += 1
            options = {}
            while (
                j < len(lines)
                and _OPTION.match(lines[j])
                and _indent(lines[j]) > indent
            ):
                o = _OPTION.match(lines[j])
                options[o.group("name")] = o.group("value")
                j += 1
            body_start = j
            while j < len(lines) and (
                not lines[j].strip() or _indent(lines[j]) > indent
            ):
                j += 1
            body = lines[body_start:j]
            while classes and classes[-1][0] >= indent:
                classes.pop()
            noindex = "noindex" in options or "no-index" in options
            arg = args[0] if args else ""

            if name in ("currentmodule", "module", "automodule"):
                current = None if arg in ("", "None") else arg
                if name != "currentmodule" and current and not noindex:
                    found = resolve(current)
                    if name == "module" or found is not None:
                        self.inv.add(current, "py:module", f"{html}#module-{current}")
                if name == "automodule" and current:
                    found = resolve(current)
                    if found is not None and inspect.ismodule(found[0]):
                        doc = found[0].__doc__ or ""
                        if ".. autosummary::" in doc:
                            self.scan(
                                inspect.cleandoc(doc), page, module=current, html=html
                            )
                        self._members(current, found[0], html, options)
                i = body_start
                continue

            if name == "autosummary":
                toctree = options.get("toctree")
                if toctree is not None:
                    folder = posixpath.normpath(
                        posixpath.join(posixpath.dirname(page), toctree or ".")
                    )
                    for raw in body:
                        # like autosummary: the first word of each item line
                        m_item = re.match(r"^\s+(~?[_a-zA-Z][\w.]*)", raw)
                        if not m_item or raw.strip().startswith(":"):
                            continue
                        entry = m_item.group(1).lstrip("~")
                        full = entry
                        if current and not entry.startswith(current + "."):
                            full = f"{current}.{entry}"
                        uri = f"{folder}/{full}.html"
                        self._entry(full, uri)
                i = j
                continue

            if name in _AUTO_MODULE_LEVEL | _AUTO_CLASS_LEVEL and arg and not noindex:
                target = arg.split("(")[0].strip()
                inside = classes and indent > classes[-1][0]
                if name in _AUTO_CLASS_LEVEL:
                    if target.count(".") >= 2:
                        full = target
                    elif target.count(".") == 1:
                        full = f"{current}.{target}" if current else target
                    elif inside:
                        full = f"{classes[-1][1]}.{target}"
                    else:
                        full = None  # autodoc cannot place it either
                else:
                    full = (
                        target
                        if "." in target
                        else (f"{current}.{target}" if current else target)
                    )
                forced = ["py:property"] if name == "autoproperty" else None
                obj = self._entry(full, html, forced_roles=forced) if full else None
                if inspect.isclass(obj) and name in ("autoclass", "autoexception"):
                    classes.append((indent, full))
                    self._members(full, obj, html, options)
                i = body_start
                continue

            if name in _MANUAL and args and not noindex:
                modname = options.get("module", current)
                for sig in args:
                    target = sig.split("(")[0].split(" ")[0].strip()
                    if not target:
                        continue
                    prefix = f"{modname}." if modname else ""
                    if classes and indent > classes[-1][0]:
                        cls = classes[-1][1]
                        short = cls[len(prefix) :] if cls.startswith(prefix) else cls
                        if target.startswith(short + "."):
                            full = prefix + target  # class name repeated
                        else:
                            full = f"{cls}.{target}"
                    else:
                        full = prefix + target
                    role = _MANUAL[name]
                    self.inv.add(full, role, f"{html}#{full}")
                    if role in ("py:class", "py:exception"):
                        classes.append((indent, full))
                i = body_start
                continue
            i = body_start
        return current


# --------------------------------------------------------------------------
# glossaries
# --------------------------------------------------------------------------


def sphinx_make_id(string):
    """``sphinx.util.nodes._make_id`` (ASCII part)."""
    s = unicodedata.normalize("NFKD", string).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-zA-Z0-9._]+", "-", " ".join(s.split()))
    return re.sub(r"^[-0-9._]+|-+$", "", s)


def glossary_terms(text):
    """Terms of the ``.. glossary::`` blocks of a reST file."""
    terms = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if re.match(r"^\s*\.\.\s+glossary::", lines[i]):
            base = _indent(lines[i])
            j = i + 1
            term_indent = None
            while j < len(lines):
                line = lines[j]
                if line.strip():
                    ind = _indent(line)
                    if ind <= base:
                        break
                    if term_indent is None and not _OPTION.match(line):
                        term_indent = ind
                    if ind == term_indent:
                        terms.append(_term_text(line.strip()))
                j += 1
            i = j
        else:
            i += 1
    return terms


def _term_text(raw):
    raw = raw.split(" : ")[0]
    raw = re.sub(r":\w+:`([^`]*)`", r"\1", raw)
    return raw.replace("``", "").replace("*", "").replace("\\", "").strip()


def add_glossary(inv, text, html):
    """Add the glossary terms of ``text`` as ``std:term`` entries."""
    seen = set()
    for term in glossary_terms(text):
        node_id = sphinx_make_id("term-" + term)
        if node_id in seen or node_id == "term":
            continue  # Sphinx would number it: unknown anchor, leave it out
        seen.add(node_id)
        inv.add(term, "std:term", f"{html}#{node_id}")


def docutils_make_id(string):
    """``docutils.nodes.make_id`` (ASCII part): the anchor of a label."""
    s = re.sub(r"[^a-z0-9]+", "-", " ".join(string.lower().split()))
    return re.sub(r"^[-0-9]+|-+$", "", s)


_TITLE_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.])\1{2,}\s*$")


def add_section_labels(inv, sdist, root):
    """Add the ``.. _label:`` targets placed before a section title.

    These are what ``:ref:`` names (scikit-learn's own docstrings, which our
    API pages inherit, link ``:ref:`metadata_routing```); the anchor is the
    label's id, the page the file's path under ``root`` with ``.html``.
    """
    for path in sdist.glob(root):
        lines = sdist.read(path).splitlines()
        page = path[len(root) :].removesuffix(".rst") + ".html"
        for i, line in enumerate(lines):
            match = re.match(r"^\.\. _([^:`]+):\s*$", line)
            if not match:
                continue
            rest = [x for x in lines[i + 1 : i + 8] if x.strip()]
            rest = [x for x in rest if not re.match(r"^\.\. _[^:]+:\s*$", x)]
            if len(rest) >= 2 and _TITLE_UNDERLINE.match(rest[1]):
                label = match.group(1).lower()
                inv.add(label, "std:label", f"{page}#{docutils_make_id(label)}")


# --------------------------------------------------------------------------
# projects
# --------------------------------------------------------------------------


def build_sklearn(sdist, inv):
    """scikit-learn: ``doc/api_reference.py``, templates and glossary."""
    ns = {}
    exec(compile(sdist.read("doc/api_reference.py"), "api_reference.py", "exec"), ns)
    conf = sdist.read("doc/conf.py")
    fmap = dict(
        re.findall(
            r'"(sklearn\.[\w.]+)":\s*"([\w-]+)"',
            conf.split("autosummary_filename_map", 1)[1].split("}", 1)[0],
        )
    )
    template = sdist.read("doc/templates/base.rst")
    inherited = ":inherited-members:" in template
    special = tuple(
        re.findall(r":special-members:\s*([\w, ]+)", template)[0]
        .replace(" ", "")
        .split(",")
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for exp in ("enable_halving_search_cv", "enable_iterative_imputer"):
            importlib.import_module("sklearn.experimental." + exp)
    for module, info in ns["API_REFERENCE"].items():
        page = f"api/{module}.html"
        inv.add(module, "py:module", f"{page}#module-{module}")
        for section in info["sections"]:
            for sub in re.findall(
                r"\.\. automodule:: ([\w.]+)", section.get("description") or ""
            ):
                inv.add(sub, "py:module", f"{page}#module-{sub}")
            for entry in section["autosummary"]:
                full = f"{module}.{entry}"
                found = resolve(full)
                if found is None:
                    print(f"  sklearn: cannot import {full}", file=sys.stderr)
                    continue
                obj, parent, _ = found
                uri = f"modules/generated/{fmap.get(full, full)}.html"
                roles = kind_of(obj, parent)
                anchor = f"module-{full}" if roles == ["py:module"] else full
                for role in roles:
                    inv.add(full, role, f"{uri}#{anchor}")
                if inspect.isclass(obj):
                    for m, mroles in class_members(
                        obj, inherited=inherited, special=special
                    ):
                        for role in mroles:
                            inv.add(f"{full}.{m}", role, f"{uri}#{full}.{m}")
    for versions in ns.get("DEPRECATED_API_REFERENCE", {}).values():
        for entry in versions:
            full = f"sklearn.{entry}"
            found = resolve(full)
            if found is not None:
                for role in kind_of(found[0], found[1]):
                    inv.add(full, role, f"modules/generated/{full}.html#{full}")
    add_glossary(inv, sdist.read("doc/glossary.rst"), "glossary.html")
    add_section_labels(inv, sdist, "doc/")


def build_numpy(sdist, inv):
    """NumPy: the pages under ``doc/source/reference/``."""
    sc = Scanner(inv)
    for f in sdist.glob("doc/source/reference/"):
        page = f[len("doc/source/") : -len(".rst")]
        sc.scan(sdist.read(f), page)
    sc.finish()


def build_scipy(sdist, inv):
    """SciPy: ``doc/source/reference/`` and the module docstrings."""
    # scipy's reference pages are ``.. automodule:: scipy.x`` whose module
    # docstring holds the autosummary lists (read from the installed package)
    sc = Scanner(inv, default_options={"inherited-members"})
    for f in sdist.glob("doc/source/reference/"):
        page = f[len("doc/source/") : -len(".rst")]
        sc.scan(sdist.read(f), page)
    sc.finish()


def build_matplotlib(sdist, inv):
    """Matplotlib: the pages under ``doc/api/``."""
    sc = Scanner(inv, default_options={"members", "undoc-members"})
    files = sdist.glob("doc/api/")
    # the autosummary pages first: they are the canonical places
    files.sort(key=lambda f: (":toctree:" not in sdist.read(f), f))
    for f in files:
        page = f[len("doc/") : -len(".rst")]
        sc.scan(sdist.read(f), page)
    sc.finish()


def build_dask(sdist, inv):
    """Dask: the pages of ``docs/source/`` (``*-api.rst`` first)."""
    sc = Scanner(inv)
    files = sdist.glob("docs/source/")
    files.sort(key=lambda f: (not f.endswith("-api.rst"), f))
    for f in files:
        page = f[len("docs/source/") : -len(".rst")]
        sc.scan(sdist.read(f), page)
    sc.finish()


def build_distributed(sdist, inv):
    """Dask.distributed: ``docs/source/`` (``api.rst`` first)."""
    sc = Scanner(inv)
    files = sdist.glob("docs/source/")
    files.sort(key=lambda f: (not f.endswith("/api.rst"), f))
    for f in files:
        page = f[len("docs/source/") : -len(".rst")]
        sc.scan(sdist.read(f), page)
    sc.finish()


def build_skops(sdist, inv):
    """Skops: ``docs/modules/classes.rst``."""
    sc = Scanner(inv, default_options={"members", "inherited-members"})
    for f in sdist.glob("docs/modules/"):
        page = f[len("docs/") : -len(".rst")]
        sc.scan(sdist.read(f), page)
    sc.finish()


# dask-ml ``docs/source/modules/api.rst`` (no sdist ships it; copied from
# the repository at its 2025.1 state): ``.. automodule::`` on
# ``modules/api.html``, then ``autosummary :toctree: generated/`` pages
# ``modules/generated/<name>.html``.  Its class template (``class.rst``) is a
# bare ``autoclass`` (no ``:members:``), so methods get no entry.
DASK_ML_MODULES = """
dask_ml.cluster dask_ml.compose dask_ml.datasets dask_ml.decomposition
dask_ml.ensemble dask_ml.impute dask_ml.linear_model dask_ml.model_selection
dask_ml.naive_bayes dask_ml.preprocessing
"""
DASK_ML_API = """
dask_ml.cluster.KMeans dask_ml.cluster.SpectralClustering
dask_ml.compose.ColumnTransformer dask_ml.compose.make_column_transformer
dask_ml.datasets.make_blobs dask_ml.datasets.make_classification
dask_ml.datasets.make_classification_df dask_ml.datasets.make_counts
dask_ml.datasets.make_regression dask_ml.decomposition.IncrementalPCA
dask_ml.decomposition.PCA dask_ml.decomposition.TruncatedSVD
dask_ml.ensemble.BlockwiseVotingClassifier
dask_ml.ensemble.BlockwiseVotingRegressor dask_ml.impute.SimpleImputer
dask_ml.linear_model.LinearRegression dask_ml.linear_model.LogisticRegression
dask_ml.linear_model.PoissonRegression dask_ml.metrics.accuracy_score
dask_ml.metrics.log_loss dask_ml.metrics.mean_absolute_error
dask_ml.metrics.mean_absolute_percentage_error
dask_ml.metrics.mean_squared_error dask_ml.metrics.mean_squared_log_error
dask_ml.metrics.r2_score dask_ml.model_selection.GridSearchCV
dask_ml.model_selection.HyperbandSearchCV
dask_ml.model_selection.IncrementalSearchCV
dask_ml.model_selection.InverseDecaySearchCV dask_ml.model_selection.KFold
dask_ml.model_selection.RandomizedSearchCV dask_ml.model_selection.ShuffleSplit
dask_ml.model_selection.SuccessiveHalvingSearchCV
dask_ml.model_selection.train_test_split dask_ml.naive_bayes.GaussianNB
dask_ml.preprocessing.BlockTransformer dask_ml.preprocessing.Categorizer
dask_ml.preprocessing.DummyEncoder dask_ml.preprocessing.LabelEncoder
dask_ml.preprocessing.MinMaxScaler dask_ml.preprocessing.OrdinalEncoder
dask_ml.preprocessing.PolynomialFeatures
dask_ml.preprocessing.QuantileTransformer dask_ml.preprocessing.RobustScaler
dask_ml.preprocessing.StandardScaler dask_ml.wrappers.Incremental
dask_ml.wrappers.ParallelPostFit
"""


def build_dask_ml(_sdist, inv):
    """dask-ml: the tables above."""
    for full in DASK_ML_MODULES.split():
        if resolve(full) is not None:
            inv.add(full, "py:module", f"modules/api.html#module-{full}")
    for full in DASK_ML_API.split():
        found = resolve(full)
        if found is None:
            continue
        obj, parent, _ = found
        for role in kind_of(obj, parent):
            inv.add(full, role, f"modules/generated/{full}.html#{full}")


# PyTorch ``docs/source`` (MyST files, no sdist on PyPI).  torch.md /
# cuda.md / nn.md list functions and classes in ``autosummary ::toctree:
# generated`` blocks (pages ``generated/<name>.html``); tensors.md documents
# ``.. class:: Tensor()`` on ``tensors.html`` and its methods in an
# autosummary (``generated/torch.Tensor.<m>.html``); tensor_attributes.md has
# ``.. class:: dtype`` / ``device`` / ``layout`` / ``memory_format``.
# ``torch.float32`` and the other dtypes are table rows there, not objects, so
# they have no inventory entry (link ``torch.dtype`` instead).
TORCH_GENERATED = """
torch.is_tensor torch.is_floating_point torch.set_default_dtype
torch.get_default_dtype torch.set_default_device torch.get_default_device
torch.numel torch.tensor torch.asarray torch.as_tensor torch.from_numpy
torch.from_dlpack torch.zeros torch.zeros_like torch.ones torch.ones_like
torch.arange torch.linspace torch.eye torch.empty torch.empty_like torch.full
torch.full_like torch.cat torch.concatenate torch.reshape torch.stack
torch.squeeze torch.unsqueeze torch.where torch.Generator torch.seed
torch.manual_seed torch.initial_seed torch.rand torch.randn torch.randint
torch.randperm torch.normal torch.save torch.load torch.get_num_threads
torch.set_num_threads torch.no_grad torch.enable_grad torch.is_grad_enabled
torch.abs torch.add torch.exp torch.log torch.log1p torch.logsumexp torch.matmul
torch.mean torch.mm torch.sigmoid torch.softmax torch.sqrt torch.sum torch.tanh
torch.clamp torch.clip torch.allclose torch.argmax torch.max torch.min
torch.einsum torch.use_deterministic_algorithms
torch.set_float32_matmul_precision torch.compile torch.cuda.is_available
torch.cuda.device_count torch.cuda.current_device torch.cuda.set_device
torch.cuda.synchronize torch.cuda.manual_seed torch.cuda.manual_seed_all
torch.nn.Module torch.nn.Sequential torch.nn.ModuleList torch.nn.Linear
torch.nn.ReLU torch.nn.Tanh torch.nn.Sigmoid torch.nn.Softmax
torch.nn.LogSoftmax torch.nn.Identity torch.nn.Dropout torch.nn.MSELoss
torch.nn.CrossEntropyLoss torch.nn.NLLLoss torch.nn.BCELoss
torch.nn.BCEWithLogitsLoss torch.nn.parameter.Parameter
"""
TORCH_TENSOR_METHODS = """
abs add argmax backward bool clone contiguous copy_ cpu cuda detach detach_
device dim double float flatten grad half int item long matmul max mean min ndim
numel numpy permute reshape requires_grad requires_grad_ shape size squeeze std
sum t to tolist transpose type unsqueeze zero_
"""
TORCH_ATTRIBUTE_CLASSES = ("dtype", "device", "layout", "memory_format")
# nn.md's ``classtemplate.rst``: ``.. autoclass:: {{ name }}`` + ``:members:``
TORCH_CLASS_TEMPLATE_MEMBERS = ("torch.nn.Module",)


def build_torch(_sdist, inv):
    """PyTorch: the tables above."""
    inv.add("torch", "py:module", "torch.html#module-torch")
    inv.add("torch.nn", "py:module", "nn.html#module-torch.nn")
    inv.add("torch.cuda", "py:module", "cuda.html#module-torch.cuda")
    inv.add("torch.Tensor", "py:class", "tensors.html#torch.Tensor")
    for name in ("T", "H", "mT", "mH"):  # ``.. autoattribute:: Tensor.T`` ...
        inv.add(
            f"torch.Tensor.{name}", "py:attribute", f"tensors.html#torch.Tensor.{name}"
        )
    for name in TORCH_ATTRIBUTE_CLASSES:
        inv.add(f"torch.{name}", "py:class", f"tensor_attributes.html#torch.{name}")
    for full in TORCH_GENERATED.split():
        found = resolve(full)
        if found is None:
            continue
        obj, parent, _ = found
        uri = f"generated/{full}.html"
        for role in kind_of(obj, parent):
            inv.add(full, role, f"{uri}#{full}")
        if full in TORCH_CLASS_TEMPLATE_MEMBERS:
            for m, roles in class_members(obj, inherited=False):
                for role in roles:
                    inv.add(f"{full}.{m}", role, f"{uri}#{full}.{m}")
    import torch

    for m in TORCH_TENSOR_METHODS.split():
        if not hasattr(torch.Tensor, m):
            continue
        raw = inspect.getattr_static(torch.Tensor, m)
        roles = kind_of(raw, torch.Tensor)
        full = f"torch.Tensor.{m}"
        for role in roles:
            inv.add(full, role, f"generated/{full}.html#{full}")


# The Python documentation: only the built-in names numpydoc's type links use
# (its default aliases: None, bool, dict, ...) and the exceptions our Raises
# sections name; anchors as on https://docs.python.org/3/ (stable for years).
PYTHON_TABLE = """
None py:data library/constants.html#None
True py:data library/constants.html#True
False py:data library/constants.html#False
bool py:class library/functions.html#bool
int py:class library/functions.html#int
float py:class library/functions.html#float
object py:class library/functions.html#object
callable py:function library/functions.html#callable
str py:class library/stdtypes.html#str
list py:class library/stdtypes.html#list
tuple py:class library/stdtypes.html#tuple
dict py:class library/stdtypes.html#dict
set py:class library/stdtypes.html#set
contextlib.contextmanager py:function library/contextlib.html#contextlib.contextmanager
collections.namedtuple py:function library/collections.html#collections.namedtuple
ValueError py:exception library/exceptions.html#ValueError
TypeError py:exception library/exceptions.html#TypeError
ImportError py:exception library/exceptions.html#ImportError
RuntimeError py:exception library/exceptions.html#RuntimeError
iterable std:term glossary.html#term-iterable
sequence std:term glossary.html#term-sequence
generator std:term glossary.html#term-generator
"""


def build_python(_sdist, inv):
    """Python: the handful of built-ins in ``PYTHON_TABLE``."""
    for line in PYTHON_TABLE.strip().splitlines():
        name, role, uri = line.split()
        inv.add(name, role, uri)


BUILDERS = {
    "python": build_python,
    "sklearn": build_sklearn,
    "numpy": build_numpy,
    "scipy": build_scipy,
    "matplotlib": build_matplotlib,
    "dask": build_dask,
    "distributed": build_distributed,
    "dask_ml": build_dask_ml,
    "skops": build_skops,
    "torch": build_torch,
}
NO_SDIST = {"dask_ml", "torch", "python"}


def main(argv=None):
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", nargs="*", choices=sorted(PROJECTS), help="projects to rebuild"
    )
    parser.add_argument(
        "--sdist-dir",
        help="folder of downloaded source distributions (read and filled)",
    )
    parser.add_argument(
        "--out", default=HERE, help="output folder (default: this script's)"
    )
    parser.add_argument(
        "--check", action="store_true", help="report differences, write nothing"
    )
    args = parser.parse_args(argv)
    if args.sdist_dir is None:
        with tempfile.TemporaryDirectory(prefix="sdists-") as tmp:
            return _run(args, tmp)
    return _run(args, args.sdist_dir)


def _run(args, sdist_dir):
    changed = False
    for key in args.only or list(PROJECTS):
        project, dist, _url = PROJECTS[key]
        version = metadata.version(dist) if dist else "3"
        print(f"{key}: {dist} {version}", file=sys.stderr)
        sdist = None if key in NO_SDIST else get_sdist(dist, version, sdist_dir)
        inv = Inventory()
        BUILDERS[key](sdist, inv)
        if ROOTS[key]:
            inv.keep_roots(ROOTS[key])
        short = ".".join(version.split("+")[0].split(".")[:2])
        data = inv.dumps(project, short)
        path = os.path.join(args.out, f"{key}.inv")
        old = open(path, "rb").read() if os.path.exists(path) else b""
        note = "" if old == data else " (changed)"
        print(f"  {len(inv)} entries, {len(data)} bytes{note}", file=sys.stderr)
        if old != data:
            changed = True
            if not args.check:
                os.makedirs(args.out, exist_ok=True)
                with open(path, "wb") as f:
                    f.write(data)
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
