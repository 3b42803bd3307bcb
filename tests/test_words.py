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

from conftest import HARVEST, ROOT, build, write_project
from guidebook.words import Words, WordsError, catalog, languages

GUIDEBOOK = Path(sys.executable).parent / "guidebook"
PAGE = "connectors/harvest/guides/link-account/personal-access-token/"


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
            assert text.strip(), (language, key)  # an empty text is a missing translation
            assert set(re.findall(r"\{\{ ?(\w+)", text)) <= \
                set(re.findall(r"\{\{ ?(\w+)", english[key])) | {"brand"}, (language, key)
            assert set(re.findall(r"(?<!\{)\{(\w+)\}", text)) == \
                set(re.findall(r"(?<!\{)\{(\w+)\}", english[key])), (language, key)


def test_unknown_id_is_an_error_with_a_did_you_mean() -> None:
    with pytest.raises(WordsError) as err:
        Words("en", {"hub.heding": "x"})
    assert "'hub.heding' (did you mean 'hub.heading'?)" in str(err.value)


def test_a_text_nested_too_deeply_is_an_error() -> None:
    with pytest.raises(WordsError) as err:
        Words("en", {"hub.heading": "{{ " + "[" * 300})
    assert str(err.value) == ("the strings option's text for 'hub.heading' is not valid: it is "
                              "nested too deeply")


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


# A site whose guide and connector texts use no English word of the catalog, so that any
# English text on its pages comes from the generator.
NEUTRAL_GUIDE = """\
connector: {key: zorb, name: Zorb, category: Qat}
auth: {label: Zorb Key}
warning: Vex zorb.
callouts: [{type: note, text: Vex.}, {type: info, text: Vex.}, {type: tip, text: Vex.},
           {type: danger, text: Vex.}]
actions:
  - {id: zorb_a, label: Zorb A, scopes: ["zorb:a"]}
  - {id: zorb_b, label: Zorb B}
sections:
  - title: Zorb one
    content: Vex vex.
    steps:
      - {title: Zorb step, content: Vex.}
      - {title: Zorb scoped, content: Vex., display_scopes: true, scopes: ["zorb:a"]}
fields: [Zorb Key, {label: Zorb ID, description: Vex.}]
"""
NEUTRAL_CONNECTOR = """\
StackOne: 1.0.0
info: {title: Quorra, key: quorra_hq, description: Quorra vex.,
       assets: {icon: "https://quorra.test/q.png"}}
authentication:
  - custom:
      type: custom
      label: Quorra Token
      support:
        link: https://quorra.test/docs
        description: Vex vex.
        guides:
          config: {sections: [{title: Quorra one, steps: [{title: Quorra step, content: Vex.}]}]}
          setup: {sections: [{title: Quorra two, steps: [{title: Quorra step, content: Vex.}]}]}
      configFields:
        - {key: t, label: Quorra Token, type: password, required: true, secret: true,
           placeholder: q123, description: Vex.}
        - {key: r, label: Quorra Zone, type: select, required: false,
           options: [{value: eu, label: EU}]}
      setupFields:
        - {key: c, label: Quorra Client, type: text, required: true, secret: false}
actions:
""" + "".join(
    f"  - actionId: quorra_{i}\n    label: Quorra {i}\n"
    f"    categories: [{'hris' if i % 2 else 'zeta'}]\n    scopes: [q.{i}]\n"
    f'    description: "Vex {i}.\\n\\nVex vex."\n' for i in range(11)) + \
    "  - {actionId: quorra_x, label: Quorra X, categories: [internal]}\n"
NEUTRAL_PAGES = ["connectors/zorb/guides/link-account/zorb-key/",
                 "connectors/quorra_hq/guides/link-account/quorra-token/",
                 "connectors/quorra_hq/guides/connector-profile/quorra-token/",
                 "connectors/zorb/", "connectors/quorra_hq/", "connectors/"]


def _fragments(language: str) -> dict[str, list[str]]:
    """Each message's own words: its text with every variable cut out (a fragment per part
    between them)."""
    cut = "\ue000"
    words = Words(language, brand={"name": cut, "hub": cut})
    found = {}
    for key in catalog(language):
        text = words.text(key, **{name: cut for name in (
            "provider", "auth", "kind", "action", "assistant", "llms_url")},
            linking_url="", accounts_url="", n=2, connectors=2, categories=2)
        found[key] = [part.strip() for part in re.sub(r"\{\w+\}", cut, text).split(cut)
                      if len(part.strip()) >= 4]
    return found


def _html_words(path: Path) -> str:
    """What a reader sees or hears of an HTML page: its text, title, description, the texts
    of alt, title, aria-label and placeholder attributes, and the script's words ({n}-style
    placeholders cut out). Material's own credit line ("Made with ...") is not ours."""
    soup = BeautifulSoup(path.read_text("utf-8"), "html.parser")
    soup.select_one(".md-copyright").decompose()
    parts = [soup.body.get_text(" "), soup.title.get_text()]
    parts += [m["content"] for m in soup.select("meta[name=description]")]
    for el in soup.body.find_all(True):
        parts += [el[a] for a in ("alt", "title", "aria-label", "placeholder", "data-gb-copied",
                                  "data-gb-failed") if el.has_attr(a)]
        if el.has_attr("data-gb-words"):
            parts += [re.sub(r"\{\w+\}", " ", text)
                      for text in json.loads(el["data-gb-words"]).values()]
    return " ".join(" ".join(parts).split())


def _markdown_words(text: str) -> str:
    """A Markdown twin without its markup's names: data-* attributes (JSON, scopes) and tag
    names (`<Steps>`, `<Warning>`: the format's components)."""
    text = re.sub(r"\sdata-[\w-]+(=\"[^\"]*\")?", " ", text)
    return " ".join(re.sub(r"</?[A-Za-z][\w-]*", " ", text).split())


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_a_translated_site_has_no_english_generated_words(tmp_path, language: str) -> None:
    config = write_project(tmp_path, {"zorb/key.yaml": NEUTRAL_GUIDE,
                                      "quorra/quorra.connector.s1.yaml": NEUTRAL_CONNECTOR},
                           config={"theme": {"name": "material", "language": language}})
    site = build(config)
    outputs = {}
    for page in NEUTRAL_PAGES:
        outputs[page] = _html_words(site / page / "index.html")
        twin = page.rstrip("/") + ".md"
        outputs[twin] = _markdown_words((site / twin).read_text("utf-8"))
        assert (site / page / "index.html.md").read_text("utf-8") == \
            (site / twin).read_text("utf-8")
    for name in ("llms.txt", "llms-full.txt"):
        outputs[name] = _markdown_words((site / name).read_text("utf-8"))

    def has(text: str, part: str) -> bool:
        return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text) is not None

    own = " | ".join(part for parts in _fragments(language).values() for part in parts)
    english = {(key, part) for key, parts in _fragments("en").items() for part in parts
               if not has(own, part)}  # ("Info", "Scopes", "guide" ... read the same)
    assert len(english) > 100
    leaks = sorted((name, key, part) for name, text in outputs.items()
                   for key, part in english if has(text, part))
    assert leaks == [], "\n".join(map(str, leaks))
    words = Words(language, brand={"name": "Acme", "hub": "Acme Hub"})
    guide, profile, connector, index = (NEUTRAL_PAGES[0], NEUTRAL_PAGES[2], NEUTRAL_PAGES[4],
                                        NEUTRAL_PAGES[5])
    expected = {guide: ["hub.heading", "picker.title", "step.enables", "callout.danger"],
                profile: ["profile.heading", "profile.save.title"],
                connector: ["connector.config_fields", "connector.setup_fields",
                            "picker.connector.title", "picker.filter", "fields.required.no"],
                index: ["index.filter", "index.no_match", "index.auth"]}
    for page, keys in expected.items():
        for key in keys:
            assert words.text(key) in outputs[page], (page, key)
    assert words.text("hub.heading") in outputs[guide.rstrip("/") + ".md"]
    assert words.text("connector.setup_fields") in outputs[connector.rstrip("/") + ".md"]
    assert words.text("llms.details") in outputs["llms.txt"]


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


def test_the_readme_rewording_snippet_names_real_messages() -> None:
    text = (ROOT / "README.md").read_text("utf-8").split("## Words and languages", 1)[1]
    snippet = yaml.safe_load(re.search(r"```yaml\n(.*?)```", text, re.DOTALL).group(1))
    strings = snippet["plugins"]["guidebook"]["strings"]
    assert strings
    for language in ("en", "de"):
        words = Words(language, strings, brand={"name": "Acme", "hub": "Acme Hub"})
        assert words.text("hub.heading", provider="Harvest") == "Connect Harvest in Acme Hub"
