"""docs/check_links.py: the CI step that checks the built site's links."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[1] / "docs" / "check_links.py"


@pytest.fixture(scope="module")
def check_links():
    spec = importlib.util.spec_from_file_location("check_links", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_finds_missing_pages_and_anchors(tmp_path, check_links):
    (tmp_path / "api").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="api/fit.html#fit">ok</a> <a href="api/fit.html#gone">x</a>'
        '<a href="missing.html">x</a> <img src="img/plot.png">'
        '<a href="https://example.org/x.html">web</a> <a href="#top">top</a>'
        '<h1 id="top">Top</h1> <a href="api/fit.html#:~:text=alpha">text</a>'
    )
    (tmp_path / "api" / "fit.html").write_text(
        '<dt id="fit">fit</dt><a href="..">up</a>'
    )
    broken = {
        (str(page), link, why) for page, link, why in check_links.broken_links(tmp_path)
    }
    assert broken == {
        ("index.html", "api/fit.html#gone", "no such anchor"),
        ("index.html", "missing.html", "no such file"),
        ("index.html", "img/plot.png", "no such file"),
    }
    assert check_links.main([str(tmp_path)]) == 1
    (tmp_path / "index.html").write_text('<a href="api/fit.html#fit">ok</a>')
    assert check_links.main([str(tmp_path)]) == 0
