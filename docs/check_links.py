"""Check every internal link of the built HTML documentation.

Sphinx's ``-W`` build catches a broken cross-reference it resolves itself
(``{ref}``, ``:class:``, a MyST link to a page), but not a raw relative link
(a figure's ``:target:``, a link into the gallery written as a path) nor a
fragment that names no anchor of its page; and ``sphinx -b linkcheck``
checks the web, which the build machines cannot reach. This walks the built
site instead: every ``href`` and ``src`` that stays on the site must name an
existing file, and every ``#fragment`` into one of our pages an ``id`` there.

    python docs/check_links.py docs/_build/html

exits 1 and lists the broken links if there are any.
"""

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src"}
SKIPPED_FOLDERS = {"_sources", "_static", "_images", "_downloads"}


class _Page(HTMLParser):
    """The ids a page defines and the links it makes."""

    def __init__(self):
        super().__init__()
        self.ids = set()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        target = attrs.get(LINK_ATTRIBUTES.get(tag, ""))
        if target:
            self.links.append(target)


def _parse(path):
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(root):
    """Return ``(page, link, why)`` for every internal link that is broken."""
    root = Path(root).resolve()
    pages = {
        path: _parse(path)
        for path in root.rglob("*.html")
        if not SKIPPED_FOLDERS & set(path.relative_to(root).parts)
    }
    broken = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue  # the web: not reachable from the build machines
            target = path if not parts.path else path.parent / unquote(parts.path)
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((path.relative_to(root), link, "no such file"))
                continue
            fragment = unquote(parts.fragment)
            if not fragment or fragment.startswith(":~:") or target.suffix != ".html":
                continue
            ids = pages[target].ids if target in pages else _parse(target).ids
            if fragment not in ids:
                broken.append((path.relative_to(root), link, "no such anchor"))
    return broken


def main(argv):
    """Check the site built in ``argv[0]``; return the exit status."""
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print(__doc__)
        return 2
    broken = broken_links(argv[0])
    for page, link, why in broken:
        print(f"{page}: {link} ({why})")
    n_pages = sum(1 for _ in Path(argv[0]).rglob("*.html"))
    print(f"{len(broken)} broken internal links in {n_pages} pages")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
