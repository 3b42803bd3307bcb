"""Paths cannot escape their folders; size limits; a strict build names every bad guide."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from conftest import HARVEST, build
from guidebook.documents import load_file, load_text
from guidebook.errors import GuideError
from guidebook.load import DEFAULT_MAX_BYTES
from guidebook.render import Renderer, TemplateProblem
from guidebook.site import Options, load_site
from guidebook.validate import check_guide

BRANDS = [{"name": "Acme", "hub": "Acme Hub", "callback_base": "https://acme.test"}]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("key: harvest", "key: ../harvest", "g.yaml:1:18: error: connector.key '../harvest' is not valid"),
    ("key: harvest", "key: /etc", "g.yaml:1:18: error: connector.key '/etc' is not valid"),
    ("key: harvest", "key: Harvest", "g.yaml:1:18: error: connector.key 'Harvest' is not valid"),
    ("{label: Personal Access Token}", "{label: Token, slug: ../../x}",
     "g.yaml:2:28: error: auth.slug '../../x' is not valid"),
    ("{label: Personal Access Token}", "{label: Token, slug: a/b}",
     "g.yaml:2:28: error: auth.slug 'a/b' is not valid"),
])
def test_keys_and_slugs_cannot_leave_their_folder(old: str, new: str, expected: str) -> None:
    with pytest.raises(GuideError) as err:
        load_text(HARVEST.replace(old, new), "g.yaml")
    assert str(err.value).startswith(expected)
    assert "use lowercase letters, digits" in str(err.value)


@pytest.mark.parametrize("label", ["🔑", "認証", "---", "ключ"])
def test_a_label_without_a_usable_slug_is_an_error(label: str) -> None:
    guide = load_text(HARVEST.replace("Personal Access Token}", f"'{label}'}}"), "g.yaml")[0]
    problems = [str(p) for p in check_guide(guide, BRANDS)]
    assert problems == [f"g.yaml:2:8: error: the URL part '' made from the auth label {label!r} "
                        "is not valid (give the guide an auth.slug, or use a label with Latin "
                        "letters or digits)"]


@pytest.mark.parametrize("src", ["../secret.png", "shots/../../x.png", "/etc/passwd", "\\\\host\\x",
                                 "C:\\x.png", "file:///etc/passwd", "http://x.test/a.png",
                                 "javascript:alert(1)"])
def test_image_src_cannot_leave_the_docs(src: str) -> None:
    text = HARVEST.replace("      - title: Make the token",
                           f"        images: [{json.dumps(src)}]\n      - title: Make the token")
    guide = load_text(text, "g.yaml")[0]
    problems = [str(p) for p in check_guide(guide, BRANDS)]
    assert problems == [f"g.yaml:10:18: error: image src {src!r} is not allowed (use a path "
                        "inside the docs folder (no '..', no leading '/') or an https URL)"]


def test_images_inside_the_docs_are_fine() -> None:
    text = HARVEST.replace("      - title: Make the token", "        images: [shots/a.png, "
                           "'https://x.test/a.png', './b.png']\n      - title: Make the token")
    assert check_guide(load_text(text, "g.yaml")[0], BRANDS) == []


def test_step_images_are_linked_from_the_page_and_urls_as_they_are(project, tmp_path) -> None:
    """A docs folder image is linked relative to the page; an https image is its URL."""
    from bs4 import BeautifulSoup

    text = HARVEST.replace("      - title: Make the token", "        images: [shots/a.png, "
                           "'https://x.test/a.png']\n      - title: Make the token")
    config = project({"harvest/pat.yaml": text})
    (tmp_path / "docs/shots").mkdir(parents=True)
    (tmp_path / "docs/shots/a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    site = build(config)
    page = "connectors/harvest/guides/link-account/personal-access-token/"
    html = BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert [img["src"] for img in html.select("article figure img")] == [
        "../../../../../shots/a.png", "https://x.test/a.png"]
    twin = BeautifulSoup((site / page / "index.html.md").read_text(encoding="utf-8"),
                         "html.parser")
    assert [img["src"] for img in twin.select("img")] == [
        "https://guides.example.test/shots/a.png", "https://x.test/a.png"]


def _site(tmp_path: Path, guides: dict[str, str]) -> Path:
    root = tmp_path / "guides"
    for rel, text in guides.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_symlinks_out_of_the_guides_folder_are_errors_naming_them(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.yaml").write_text(HARVEST.replace("harvest", "evil"), encoding="utf-8")
    root = _site(tmp_path, {"harvest/pat.yaml": HARVEST})
    (root / "evil.yaml").symlink_to(outside / "evil.yaml")
    (root / "more").symlink_to(outside, target_is_directory=True)
    (root / "inside.yaml").symlink_to(root / "harvest" / "pat.yaml")  # inside: loads (and clashes)
    site = load_site(Options(guides_dir=root, brand=BRANDS[0]), display_root=tmp_path)
    problems = [str(p) for p in site.problems]
    assert "guides/evil.yaml:1:1: error: the file is a link to a place outside the guides folder " \
           "(copy the file into the guides folder instead)" in problems
    assert "guides/more:1:1: error: the folder is a link to a place outside the guides folder " \
           "(move its guides into the guides folder)" in problems
    assert not [p for p in site.pages if p.key == "evil"]
    assert any("two guides map to the same page" in p for p in problems)


def test_template_names_cannot_escape(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    tpl = tmp_path / "tpl"
    (tpl / "partials").mkdir(parents=True)
    site = load_site(Options(guides_dir=_site(tmp_path, {"h/p.yaml": HARVEST}), brand=BRANDS[0]))
    for name in ("../secret.txt", "/etc/passwd", "partials/../../secret.txt"):
        (tpl / "guide.html.jinja").write_text(f"{{% include {name!r} %}}", encoding="utf-8")
        renderer = Renderer(site, tpl)
        with pytest.raises(TemplateProblem) as err:
            renderer.guide(site.pages[0])
        assert "TOP SECRET" not in str(err.value)
        assert name in str(err.value)


def test_max_guide_bytes_default_and_option(tmp_path: Path, project, caplog) -> None:
    assert DEFAULT_MAX_BYTES == 1024 * 1024
    big = tmp_path / "big.yaml"
    big.write_text(HARVEST + "#" * DEFAULT_MAX_BYTES, encoding="utf-8")
    with pytest.raises(GuideError) as err:
        load_file(big, file="big.yaml")
    size = big.stat().st_size
    assert str(err.value) == (f"big.yaml:1:1: error: the file is {size:,} bytes, over the limit "
                              "of 1,048,576 (split it, or raise the plugin's max_guide_bytes option)")
    with pytest.raises(Abort):
        build(project({"harvest/pat.yaml": HARVEST}, plugin={"max_guide_bytes": 100}))
    assert (f"guides/harvest/pat.yaml:1:1: error: the file is {len(HARVEST.encode()):,} bytes, "
            "over the limit of 100") in caplog.text


def test_strict_build_names_every_bad_guide_in_one_run(project, caplog) -> None:
    guides = {
        "harvest/pat.yaml": HARVEST,
        "a/slug.yaml": HARVEST.replace("key: harvest", "key: ../a"),
        "b/bytes.yaml": "",  # replaced below by bytes that are not UTF-8
        "c/placeholder.yaml": HARVEST.replace("key: harvest", "key: c").replace(
            "Create a token", "'{{ brand.__class__ }}'"),
        "d/image.yaml": HARVEST.replace("key: harvest", "key: d").replace(
            "      - title: Make the token", "        images: [../x.png]\n"
            "      - title: Make the token"),
        "e/tab.yaml": HARVEST.replace("key: harvest", "key: e").replace("  - title:", "\t- title:"),
        "f/bomb.yaml": "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
            for p, c in zip("abcdef", "bcdefg", strict=True)) + HARVEST.replace(
            "key: harvest", "key: f").replace("sections:", "x: 1\nsections: *g\ny:"),
    }
    config = project(guides)
    (config.parent / "guides/b/bytes.yaml").write_bytes(HARVEST.encode().replace(b"Tokens", b"\xff"))
    with pytest.raises(Abort):
        build(config)
    text = caplog.text
    for expected in [
        "guides/a/slug.yaml:1:18: error: connector.key '../a' is not valid",
        "guides/b/bytes.yaml:6:14: error: the file is not valid UTF-8",
        "guides/c/placeholder.yaml:5:5: error: unknown brand key 'brand.__class__'",
        "guides/d/image.yaml:10:18: error: image src '../x.png' is not allowed",
        "guides/e/tab.yaml:5:1: error: invalid YAML: found character that cannot start any token "
        "(indent with spaces, not tabs)",
        "guides/f/bomb.yaml:",
    ]:
        assert expected in text, expected
    assert "in 6 guide files" in text
    assert "guides/harvest/pat.yaml" not in text
