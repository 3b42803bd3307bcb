"""The internal link check (`guidebook.linkcheck`) and the built sites it must pass."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import HARVEST, ROOT, build, write_project
from guidebook.linkcheck import BrokenLink, LinkChecker, check_site


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_checker_finds_each_kind_of_broken_link(tmp_path: Path) -> None:
    site = write(tmp_path, {
        "index.html": (
            '<a href="a/">ok</a>\n'
            '<a href="a/#part">ok anchor</a>\n'
            '<a href="a/index.html?x=1#part">ok query</a>\n'
            '<a href="#top">own anchor</a><h1 id="top">T</h1>\n'
            '<a href="b/">missing</a>\n'
            '<a href="a/#nope">bad anchor</a>\n'
            '<img src="img/x.png">\n'
            '<a href="../../etc/passwd">escape</a>\n'
            '<a href="https://example.com/x">external</a>\n'
            '<a href="mailto:a@b.c">mail</a><a href="//cdn.test/x.js">cdn</a>\n'
            '<a href="https://docs.test/sub/a/#gone">own site, absolute</a>\n'
            '<a href="/sub/a/">root-relative under the base path</a>\n'
            '<a href="/other/">root-relative outside the base path</a>\n'
            '<a href="a/%C3%A9t%C3%A9.html">percent-encoded</a>\n'
        ),
        "a/index.html": '<h2 id="part">Part</h2>\n',
        "a/été.html": "<p>x</p>\n",
    })
    broken = check_site(site, site_url="https://docs.test/sub/")
    assert broken == [
        BrokenLink("index.html", 5, "b/", "missing file"),
        BrokenLink("index.html", 6, "a/#nope", "missing anchor"),
        BrokenLink("index.html", 7, "img/x.png", "missing file"),
        BrokenLink("index.html", 8, "../../etc/passwd", "outside the site"),
        BrokenLink("index.html", 11, "https://docs.test/sub/a/#gone", "missing anchor"),
        BrokenLink("index.html", 13, "/other/", "outside the site"),
    ]
    assert str(broken[0]) == "index.html:5: missing file: b/"


def test_checker_follows_anchors_named_by_a_name_attribute(tmp_path: Path) -> None:
    site = write(tmp_path, {"index.html": '<a name="old"></a><a href="#old">x</a><a href="#new">y</a>'})
    assert [b.target for b in LinkChecker(site).check()] == ["#new"]


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(ROOT / "mkdocs.yml", site_dir=str(tmp_path_factory.mktemp("example") / "site"))


def test_example_site_has_no_broken_internal_links(example_site: Path) -> None:
    checker = LinkChecker(example_site, site_url="https://guides.conduit.example/")
    assert checker.check() == []
    # the check really looked at the guide pages and their links
    guides = [f for f in checker.html_files() if "/guides/" in f]
    assert len(guides) >= 8
    assert sum(len(checker.page(f).links) for f in guides) > 100


@pytest.mark.skipif(not (ROOT / "mkdocs.whitelabel.yml").exists(), reason="no white-label config")
def test_whitelabel_site_has_no_broken_internal_links(tmp_path: Path) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.whitelabel.yml").read_text(encoding="utf-8"))
    site = build(ROOT / "mkdocs.whitelabel.yml", site_dir=str(tmp_path / "site"))
    assert list(site.glob("connectors/*/guides/*/*/index.html"))
    assert check_site(site, site_url=config.get("site_url")) == []


def test_skipped_guides_leave_no_dangling_links(project, caplog) -> None:
    """Without strict, bad guides are reported and skipped; nothing links to them."""
    guides = {
        "harvest/pat.yaml": HARVEST,
        # a second guide of a good connector that is broken: its connector page must not list it
        "harvest/oauth.yaml": HARVEST.replace("Personal Access Token}", "OAuth}")
                                     .replace("sections:", "sections: 3\nx:"),
        # a connector whose only guide is broken: no connector page, no index entry
        "zzz/bad.yaml": HARVEST.replace("key: harvest", "key: zzz") + "colour: red\n",
    }
    site = build(project(guides), strict=False)
    assert "guides/harvest/oauth.yaml" in caplog.text and "guides/zzz/bad.yaml" in caplog.text
    assert (site / "connectors/harvest/guides/link-account/personal-access-token/index.html").exists()
    assert not (site / "connectors/harvest/guides/link-account/oauth").exists()
    assert not (site / "connectors/zzz").exists()
    assert check_site(site, site_url="https://guides.example.test/") == []
    for page in LinkChecker(site).html_files():
        text = (site / page).read_text(encoding="utf-8")
        assert "connectors/zzz" not in text and "link-account/oauth" not in text, page


def test_links_open_from_disk_without_directory_urls(tmp_path: Path) -> None:
    """With `use_directory_urls: false` (Material's offline plugin sets it: the site is opened
    from disk) every relative link of the connectors index, the connector pages and the guide
    pages names a file, as MkDocs' own links do: a folder would open as a file listing."""
    site = build(ROOT / "mkdocs.yml", site_dir=str(tmp_path / "site"), use_directory_urls=False)
    pages = sorted((site / "connectors").rglob("*.html"))
    assert len(pages) > 20
    checked = 0
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select("a[href]"):
            href = link["href"].split("#")[0].split("?")[0]
            if not href or "://" in href or href.startswith(("mailto:", "tel:", "//")):
                continue
            target = (page.parent / href).resolve()
            assert target.is_file(), (page.relative_to(site).as_posix(), link["href"])
            checked += 1
    assert checked > 500
    # the catalogue's cards, a connector page's guides and category chips among them
    index = BeautifulSoup((site / "connectors/index.html").read_text(encoding="utf-8"),
                          "html.parser")
    assert index.select_one('a[href="slack/index.html"]') is not None
    assert any(a["href"].startswith("../index.html?category=") for a in BeautifulSoup(
        (site / "connectors/slack/index.html").read_text(encoding="utf-8"),
        "html.parser").select("a.gb-chip"))


ROOTED = """\
connector: {key: acme, name: Acme}
auth: {label: API Key}
sections: [{title: Create a key, content: "![Form](IMAGE) and [Home](/)"}]
fields: [API Key]
"""


@pytest.mark.parametrize("site_url", ["https://help.northwind.example/",
                                      "https://help.northwind.example/connect/"])
def test_root_paths_in_guide_text_are_checked_as_the_browser_resolves_them(
        tmp_path: Path, site_url: str) -> None:
    """`/images/form.png` in guide text (what `guidebook import` writes for Mintlify's images)
    is asked of the host's root: on a site served at a sub-path (`site_url: .../connect/`) it
    misses the site, so the check reports it with the page-relative form, which works in both
    places; at the host's root it is fine, as before."""
    from guidebook.linkcheck import base_path, link_path
    from guidebook.load import compose, load_guide
    from guidebook.validate import check_references

    sub = site_url.endswith("/connect/")
    assert base_path(site_url) == ("/connect/" if sub else "/")
    page = "connectors/acme/guides/link-account/api-key/"
    assert link_path(page, "/images/form.png", base=base_path(site_url)) == \
        ("../images/form.png" if sub else "images/form.png")
    assert link_path(page, "/connect/images/form.png", base="/connect/") == "images/form.png"

    def built(image: str, name: str) -> tuple[Path, list[str]]:
        text = ROOTED.replace("IMAGE", image)
        config = write_project(tmp_path / name, {"acme/api-key.yaml": text},
                               docs={"index.md": "# Home\n", "images/form.png": "png"},
                               config={"site_url": site_url})
        site = build(config, strict=False)  # (only the site; the checks are below)
        guide = load_guide(compose(text, "guides/acme/api-key.yaml"),
                           "guides/acme/api-key.yaml", text)
        paths = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
        # what the build's checker and the guide check say agree
        broken = [b.target for b in check_site(site, site_url=site_url)
                  if b.file.startswith(page)]
        return site, [str(p) for p in check_references(guide, paths, site_url=site_url)] + broken

    _, found = built("/images/form.png", "rooted")
    if not sub:
        assert found == []
    else:
        fix = "../../../../../images/form.png"
        assert found[:2] == [
            "guides/acme/api-key.yaml:3:34: error: image '/images/form.png' leaves the site, "
            "which is served at /connect/ (site_url): the browser asks the host for "
            "/images/form.png, not /connect/images/form.png (write it relative to the "
            f"guide's page ({page}): {fix})",
            "guides/acme/api-key.yaml:3:34: error: link '/' leaves the site, which is served "
            "at /connect/ (site_url): the browser asks the host for /, not /connect/ (write "
            f"it relative to the guide's page ({page}): ../../../../../)",
        ]
        assert "/images/form.png" in found[2:] and "/" in found[2:]
        # the suggested form passes both checks (and the path under site_url's path does, too)
        _, found = built(fix, "fixed")
        assert [f for f in found if "form.png" in f] == []
        _, found = built("/connect/images/form.png", "under")
        assert [f for f in found if "form.png" in f] == []
