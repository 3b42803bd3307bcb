"""The generator's words: one catalog per language, reworded once with `strings`, applied to
every output (HTML, Markdown twin, llms-full.txt, search index)."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from jinja2 import Environment, meta
from markdown_it import MarkdownIt
from mkdocs.exceptions import Abort

from conftest import HARVEST, ROOT, build, write_project
from guidebook import words as words_module
from guidebook.defaults import CHATGPT_URL, CLAUDE_URL
from guidebook.optioncheck import config_problems
from guidebook.words import (
    LINKS,
    SCRIPT,
    VARIABLES,
    Words,
    WordsError,
    catalog,
    languages,
    pick_language,
    placeholders,
    plural_base,
    text_problem,
    variables,
)

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
            "provider", "auth", "kind", "action", "assistant", "llms_url", "page")},
            linking_url="", accounts_url="", page_url="", n=2, connectors=2, categories=2)
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
                      for key, text in json.loads(el["data-gb-words"]).items() if key != "lang"]
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
    config = write_project(tmp_path, {}, plugin={"strings": {
        "hub.heading": "Ours", "de": {"picker.clear": "Leeren"}}})
    result = subprocess.run([str(GUIDEBOOK), "-f", str(config), "strings", "--format", "json"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert set(found) == set(catalog("en")) and found["hub.heading"] == "Ours"
    assert found["picker.clear"] == catalog("en")["picker.clear"]
    german = subprocess.run([str(GUIDEBOOK), "-f", str(config), "strings", "--language", "de"],
                            capture_output=True, text=True)
    # (the top-level words are the site's language's; German has its own entry)
    assert yaml.safe_load(german.stdout)["picker.clear"] == "Leeren"
    assert yaml.safe_load(german.stdout)["hub.heading"] == catalog("de")["hub.heading"]
    # as the build: a regional variant uses its base, a language without a catalog is English
    austrian = subprocess.run([str(GUIDEBOOK), "-f", str(config), "strings", "--language",
                               "de-AT"], capture_output=True, text=True)
    assert austrian.returncode == 0 and austrian.stderr == ""
    assert yaml.safe_load(austrian.stdout)["hub.heading"] == catalog("de")["hub.heading"]
    russian = subprocess.run([str(GUIDEBOOK), "-f", str(config), "strings", "--language", "ru"],
                             capture_output=True, text=True)
    assert russian.returncode == 0 and "no catalog for the language 'ru'" in russian.stderr
    assert yaml.safe_load(russian.stdout)["picker.clear"] == catalog("en")["picker.clear"]


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


# -- each message's own variables ---------------------------------------------------------------

def test_every_message_uses_only_its_declared_variables() -> None:
    """The declaration (words.VARIABLES, SCRIPT) holds every catalog's texts: each renders with
    exactly its declared variables under StrictUndefined, and uses no other."""
    english = catalog("en")
    assert set(VARIABLES) <= set(english)
    assert {plural_base(k) or k for k in english if placeholders(k) is not None} == \
        set(SCRIPT) | set(LINKS)
    for language in languages():
        words = Words(language, brand={"name": "Acme", "hub": "Acme Hub"})
        for key, text in catalog(language).items():
            used = meta.find_undeclared_variables(Environment().parse(text)) - {"brand"}
            assert used <= set(variables(key)), (language, key, used)
            assert text_problem(key, text) is None, (language, key)
            assert words.sample(key).strip(), (language, key)
            if placeholders(key) is not None:  # the script's {name}s, not Jinja
                assert not used and set(re.findall(r"\{(\w+)\}", text)) <= set(
                    placeholders(key) or ()), (language, key)
                assert not variables(key), key


@pytest.mark.parametrize(("key", "text", "expected"), [
    ("picker.title", "Select the {{ provider }} actions you need",
     "strings.picker.title uses {{ provider }}, which this message does not have (use only "
     "{{ brand.KEY }} with a key of the brand option)"),
    ("connector.lead", "Guides for {{ provider }} with {{ auth }}.",
     "strings.connector.lead uses {{ auth }}, which this message does not have (use "
     "{{ provider }} or {{ brand.KEY }} with a key of the brand option)"),
    ("index.count", "{{ connectors }} connectors in {{ categories }} groups.", None),
    ("guide.title", "Link {{ provider }} ({{ auth }}) to {{ brand.hub }}", None),
    ("index.guides", "{% if n > 1 %}{{ n }} guides{% else %}{{ kind }}{% endif %}",
     "strings.index.guides uses {{ kind }}, which this message does not have (use {{ n }} or "
     "{{ brand.KEY }} with a key of the brand option)"),
])
def test_the_strings_check_uses_each_messages_own_variables(key: str, text: str,
                                                            expected: str | None) -> None:
    problems = config_problems({"brand": {"name": "Acme", "hub": "Acme Hub"},
                                "strings": {key: text}})
    assert problems == ([expected] if expected else [])


def test_a_message_with_a_variable_it_lacks_stops_the_build_cleanly(tmp_path, caplog) -> None:
    """The build stops with the check's words (as `guidebook validate` does), no traceback."""
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST}, plugin={
        "strings": {"connector.lead": "Guides for {{ provider }} with {{ auth }}."}})
    with pytest.raises(Abort):
        build(config)
    [error] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert error == "guidebook: " + config_problems(
        {"strings": {"connector.lead": "Guides for {{ provider }} with {{ auth }}."}})[0]
    assert "strings.connector.lead uses {{ auth }}" in error


def test_every_caller_passes_the_declared_variables(tmp_path) -> None:
    """Every message reworded to use all of its declared variables: a caller that left one
    out would stop the build (StrictUndefined); each value reaches the page."""
    strings = {key: text + "".join(f" [{name}={{{{ {name} }}}}]" for name in variables(key))
               for key, text in catalog("en").items() if variables(key)}
    config = write_project(tmp_path, {"zorb/key.yaml": NEUTRAL_GUIDE,
                                      "quorra/quorra.connector.s1.yaml": NEUTRAL_CONNECTOR},
                           plugin={"strings": strings, "workers": 1})
    site = build(config)
    guide = BeautifulSoup((site / NEUTRAL_PAGES[0] / "index.html").read_text("utf-8"),
                          "html.parser")
    assert "[provider=Zorb]" in guide.title.get_text()
    assert "[auth=Zorb Key]" in guide.select_one("article").get_text()
    connector = BeautifulSoup((site / NEUTRAL_PAGES[4] / "index.html").read_text("utf-8"),
                              "html.parser")
    assert "[action=Quorra 1]" in connector.select_one("article").get_text()
    index = BeautifulSoup((site / "connectors/index.html").read_text("utf-8"), "html.parser")
    assert "[connectors=2] [categories=" in index.select_one("article").get_text()


# -- the script's messages ----------------------------------------------------------------------

@pytest.mark.parametrize(("key", "text", "expected"), [
    ("index.shown.other", "{{ n }} connectors shown",
     "strings.index.shown.other writes {{ n }}: the page's script fills this message in, "
     "write {n} (use {n} or {{ brand.KEY }} with a key of the brand option)"),
    ("picker.steps_hidden.other", "{{ n }} Schritte ausgeblendet",
     "strings.picker.steps_hidden.other writes {{ n }}: the page's script fills this message "
     "in, write {n} (use {n} or {{ brand.KEY }} with a key of the brand option)"),
    ("picker.copy_scope", "Copy {name}",
     "strings.picker.copy_scope has {name}, which the page's script does not fill in (use "
     "{scope} or {{ brand.KEY }} with a key of the brand option)"),
    ("picker.steps_hidden.few", "{n} шага скрыто", None),
])
def test_a_script_message_takes_the_scripts_placeholders(key: str, text: str,
                                                         expected: str | None) -> None:
    problems = config_problems({"strings": {key: text}})
    assert problems == ([expected] if expected else [])


def test_only_plural_messages_take_plural_forms() -> None:
    forms = {"picker.steps_hidden.few": "{n} шага скрыто", "index.shown.zero": "لا موصل",
             "index.shown.many": "{n} موصلًا", "picker.unknown.two": "{n} {ids}"}
    words = Words("en", forms)
    assert {k: v for k, v in words.script("picker.").items() if k in forms} == {
        k: v for k, v in forms.items() if k.startswith("picker.")}
    assert words.script("index.")["index.shown.zero"] == "لا موصل"
    for key in ("picker.title.few", "category.one", "index.count.other", "picker.clear.many"):
        with pytest.raises(WordsError, match=f"unknown message id '{re.escape(key)}'"):
            Words("en", {key: "x"})


# -- strings values that are not text -----------------------------------------------------------

@pytest.mark.parametrize("value", [None, ["Alle", "wählen"], {"Alle": "wählen"}, True])
def test_a_strings_value_that_is_not_text_is_an_error(value: object) -> None:
    problems = config_problems({"strings": {"picker.clear": value}})
    mapping = ("); a mapping under a language code holds that language's words (strings: "
               "{de: {picker.title: ...}})")
    assert problems == [f"strings.picker.clear is {value!r}: write it as text (the words of "
                        "the message 'picker.clear'" + (mapping if isinstance(value, dict) else
                        "; `guidebook strings` shows its English text)")]
    with pytest.raises(WordsError, match=r"strings\.picker\.clear is .*: write it as text"):
        Words("de", {"picker.clear": value})  # (the same without the check)


# -- languages without a catalog ----------------------------------------------------------------

@pytest.mark.parametrize("language", ["ar", "he", "ru", "zh-Hant", "pt-BR"])
def test_a_language_without_a_catalog_is_said_once(language: str, caplog) -> None:
    words_module._say_no_catalog.cache_clear()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.guidebook"):
        for _ in range(3):
            assert Words(language).language == "en"
    [record] = [r for r in caplog.records if r.name.startswith("mkdocs.plugins.guidebook")]
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        f"guidebook: its words have no catalog for the language {language!r} (shipped: "
        f"{', '.join(languages())}), so they are English; translate them with the plugin's "
        "strings option (`guidebook strings` lists every id)")


@pytest.mark.parametrize(("language", "shipped"), [
    ("de-AT", "de"), ("de_CH", "de"), ("fr-CA", "fr"), ("es-MX", "es"), ("en-GB", "en"),
    ("DE", "de"), (None, "en")])
def test_a_regional_variant_uses_its_base_language_quietly(language: str | None, shipped: str,
                                                           caplog) -> None:
    words_module._say_no_catalog.cache_clear()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.guidebook"):
        assert pick_language(language) == shipped
        assert Words(language).text("picker.clear") == catalog(shipped)["picker.clear"]
    assert [r for r in caplog.records if r.name.startswith("mkdocs.plugins.guidebook")] == []


# -- words in the Markdown outputs --------------------------------------------------------------

def test_words_reach_the_markdown_outputs_escaped(tmp_path) -> None:
    """Reworded messages with Markdown's special characters: the twin's table keeps its two
    columns, raw HTML stays text (as a guide's text does), the HTML page shows the same."""
    config = write_project(tmp_path, {"zorb/key.yaml": NEUTRAL_GUIDE}, plugin={"strings": {
        "picker.column.action": "Action | name", "directive.title": "Index & <t>",
        "picker.column.scopes": "Scopes <b>*all*</b>"}})
    site = build(config)
    twin = (site / (NEUTRAL_PAGES[0].rstrip("/") + ".md")).read_text("utf-8")
    gfm = MarkdownIt("commonmark", {"html": True}).enable("table")  # (raw HTML allowed)
    inline = [c for t in gfm.parse(twin) if t.type == "inline" for c in t.children or []]
    assert [c.content for c in inline if c.type == "html_inline"] == []
    rendered = BeautifulSoup(gfm.render(twin), "html.parser")
    assert [" ".join(th.get_text().split()) for th in rendered.select("table thead th")] == \
        ["Action | name", "Scopes <b>all</b>"]
    assert "Index & <t>" in [h.get_text() for h in rendered.select("blockquote h2")]
    page = BeautifulSoup((site / NEUTRAL_PAGES[0] / "index.html").read_text("utf-8"),
                         "html.parser")
    assert [" ".join(th.get_text().split()) for th in page.select(".gb-scopes__table th")][1:] \
        == ["Action | name", "Scopes <b>all</b>"]


# -- the page actions' prompt -------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
def test_the_default_chat_prompt_is_the_catalogs(language: str) -> None:
    words = Words(language)
    twin = "https://guides.example.test/connectors/harvest.md"
    for assistant, default in (("chatgpt", CHATGPT_URL), ("claude", CLAUDE_URL)):
        url = words.chat_url(assistant, default).replace("{url}", quote_plus(twin))
        [prompt] = parse_qs(urlsplit(url).query)["q"]
        assert prompt == catalog(language)["actions.prompt"].replace("{url}", twin)
        assert url.startswith(default.split("?")[0])
        if language == "en":
            assert words.chat_url(assistant, default) == default
    own = "https://chat.example.test/?q=Explain+{url}"  # (a site's own template wins)
    assert words.chat_url("claude", own) == own


def test_the_chat_prompt_keeps_its_url_placeholder() -> None:
    assert config_problems({"strings": {"actions.prompt": "Lies die Seite."}}) == [
        "strings.actions.prompt has no {url} (use it where the page's address goes)"]
    assert config_problems({"strings": {"actions.prompt": "Read {{ url }}."}}) == [
        "strings.actions.prompt writes {{ url }}: the page action's link fills this message "
        "in, write {url} (use {url} or {{ brand.KEY }} with a key of the brand option)"]
    words = Words("de", {"actions.prompt": "Lies {url} für {{ brand.hub }}."},
                  {"name": "Acme", "hub": "Acme Hub"})
    url = words.chat_url("claude", CLAUDE_URL).replace("{url}", "x")
    assert parse_qs(urlsplit(url).query)["q"] == ["Lies x für Acme Hub."]



@pytest.mark.parametrize(("language", "lang"), [
    (None, "en"), ("de", "de"), ("de-AT", "de"), ("fr_CA", "fr"), ("ru", "en"), ("pt-BR", "en"),
])
def test_the_script_words_name_their_language_for_the_plural_rules(language, lang) -> None:
    # (the script picks a plural form by these words' language, not by the page's lang)
    assert Words(language).script("picker.")["lang"] == lang
    assert Words(language).script("index.")["lang"] == lang
