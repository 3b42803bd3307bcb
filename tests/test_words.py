"""The generator's words: one catalog per language, reworded once with `strings`, applied to
every output (HTML, Markdown twin, llms-full.txt, search index)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import HARVEST, build, write_project
from guidebook.words import Words, WordsError, catalog, languages

GUIDEBOOK = Path(sys.executable).parent / "guidebook"
PAGE = "connectors/harvest/guides/link-account/personal-access-token/"
SCOPED = HARVEST + "actions:\n  - {id: list_users, label: List users, scopes: [users:read]}\n"


def test_every_language_has_every_message() -> None:
    assert {"en", "de", "fr", "es"} <= set(languages())
    english = catalog("en")
    for language in languages():
        messages = catalog(language)
        assert set(messages) == set(english), language
        if language != "en":  # translated, not copied (a few words are the same in both)
            same = [k for k in english if messages[k] == english[k]]
            assert len(same) < len(english) / 8, (language, same)
        for key, text in messages.items():  # the same variables as the English text
            assert set(re.findall(r"\{\{ ?(\w+)", text)) <= \
                set(re.findall(r"\{\{ ?(\w+)", english[key])) | {"brand"}, (language, key)
            assert set(re.findall(r"(?<!\{)\{(\w+)\}", text)) == \
                set(re.findall(r"(?<!\{)\{(\w+)\}", english[key])), (language, key)


def test_unknown_id_is_an_error_with_a_did_you_mean() -> None:
    with pytest.raises(WordsError) as err:
        Words("en", {"hub.heding": "x"})
    assert "'hub.heding' (did you mean 'hub.heading'?)" in str(err.value)


def test_unknown_id_in_mkdocs_yml_stops_the_build(tmp_path) -> None:
    write_project(tmp_path, {"harvest/pat.yaml": HARVEST},
                  plugin={"strings": {"hub.heding": "Link it"}})
    result = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "did you mean 'hub.heading'" in result.stderr


def _texts(site_dir: Path) -> dict[str, str]:
    html = BeautifulSoup((site_dir / PAGE / "index.html").read_text("utf-8"), "html.parser")
    index = json.loads((site_dir / "search/search_index.json").read_text("utf-8"))
    return {
        "html": " ".join(html.select_one("article").get_text(" ").split()),
        "twin": (site_dir / (PAGE.rstrip("/") + ".md")).read_text("utf-8"),
        "full": (site_dir / "llms-full.txt").read_text("utf-8"),
        "search": " ".join(d["title"] + " " + d["text"] for d in index["docs"]),
    }


def test_strings_reword_every_output_at_once(tmp_path) -> None:
    old = "Linking the account in Acme Hub"
    new = "Hook Harvest up to Acme Hub"
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST}, plugin={
        "strings": {"hub.heading": "Hook {{ provider }} up to {{ brand.hub }}"}})
    texts = _texts(build(config))
    for name, text in texts.items():
        assert new in text, name
        assert old not in text, name


def test_a_german_site_has_german_words_everywhere(tmp_path) -> None:
    brand = {"name": "Acme", "hub": "Acme Hub", "callback_base": "https://acme.test"}
    config = write_project(tmp_path, {"harvest/pat.yaml": SCOPED},
                           config={"theme": {"name": "material", "language": "de"}})
    texts = _texts(build(config))
    english, german = Words("en", brand=brand), Words("de", brand=brand)
    names = {"provider": "Harvest", "auth": "Personal Access Token", "kind": "link-account",
             "linking_url": "", "accounts_url": "", "action": "List users", "n": 2,
             "assistant": "Claude", "llms_url": "https://guides.example.test/llms.txt",
             "connectors": 1, "categories": 1}
    checked = 0
    for key in catalog("en"):
        try:
            en, de = english.text(key, **names), german.text(key, **names)
        except WordsError:
            continue
        if en == de or len(en) < 8 or "{" in en:
            continue
        for name in ("html", "twin"):
            assert en not in texts[name], (name, key, en)
        checked += 1
    assert checked > 40
    assert german.text("hub.heading") in texts["html"]
    assert german.text("hub.heading") in texts["twin"]
    assert german.text("picker.title") in texts["html"]


def test_guidebook_strings_lists_every_id(tmp_path) -> None:
    config = write_project(tmp_path, {}, plugin={"strings": {"hub.heading": "Ours"}})
    result = subprocess.run([str(GUIDEBOOK), "-f", str(config), "strings", "--format", "json"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert set(found) == set(catalog("en")) and found["hub.heading"] == "Ours"
    german = subprocess.run([str(GUIDEBOOK), "-f", str(config), "strings", "--language", "de"],
                            capture_output=True, text=True)
    assert yaml.safe_load(german.stdout)["picker.clear"] == catalog("de")["picker.clear"]
    bad = subprocess.run([str(GUIDEBOOK), "-f", str(config), "strings", "--language", "xx"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "no catalog" in bad.stderr


def test_new_skeletons_have_no_hub_section_and_validate_warns_on_one(tmp_path) -> None:
    config = write_project(tmp_path, {})
    for args in (["harvest", "API Key"], ["harvest", "OAuth", "--kind", "connector-profile"]):
        result = subprocess.run([str(GUIDEBOOK), "-f", str(config), "new", *args],
                                capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    for path in (tmp_path / "guides").rglob("*.yaml"):
        text = path.read_text("utf-8")
        assert "title: Link your account" not in text
        assert "title: Register the app in the connector profile" not in text
    result = subprocess.run([str(GUIDEBOOK), "-f", str(config), "validate"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and "warning" not in result.stdout, result.stdout
    guide = HARVEST.replace("sections:\n", "sections:\n  - title: Link your account in the hub\n"
                            "    content: Paste the token and click Connect.\n", 1)
    (tmp_path / "guides" / "repeat.yaml").write_text(
        guide.replace("key: harvest", "key: repeat"), encoding="utf-8")
    result = subprocess.run([str(GUIDEBOOK), "-f", str(config), "validate"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert "guides/repeat.yaml:" in result.stdout and "warning: the section 'Link your " \
        "account in the hub' seems to repeat the generated block" in result.stdout
