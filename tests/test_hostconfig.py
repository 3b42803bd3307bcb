"""Host configurations: the real nginx, Apache and Caddy (and `guidebook serve`) serving a
built site with the generated configuration, checked with plain HTTP requests; the hosted
platforms' files parsed and evaluated against sample requests."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from llms_txt import parse_llms_file
from markdown_it import MarkdownIt

from conftest import HARVEST, build, free_port, stop_process, write_project
from guidebook.exports import page_twin_path
from guidebook.hostconfig import (
    HOSTS,
    LLMS_FILES,
    MARKDOWN_TYPE,
    NETLIFY_FUNCTION,
    TEXT_TYPE,
    VERCEL_GROUP,
    accept_classes,
    built_site_url,
    caseless,
    decision_regex,
    entry_regex,
    host_files,
    lookahead_regex,
    page_twin,
    prefers_markdown,
    twinned_pages,
    vercel,
    written_here,
)

REQUIRE = os.environ.get("GUIDEBOOK_REQUIRE_SERVERS", "").strip() in ("1", "true", "yes")
SITE_URL = "https://guides.example.test/"  # write_project's site_url
HOST = urllib.parse.urlsplit(SITE_URL).hostname
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

SLACK = """\
connector: {key: slack, name: Slack, category: Communication}
auth: {label: OAuth 2.0}
actions:
  - {id: slack_send, label: Send message, scopes: ["chat:write"]}
sections:
  - title: Create an app
    steps:
      - title: Open the app page
        content: Go to **Your Apps**.
        scopes: ["chat:write"]
fields: [Client ID, {label: Client Secret, secret: true}]
"""

# Accept headers and what they ask for (the rule in the hostconfig docstring).
ACCEPTS = [
    ("text/markdown", True),
    ("text/x-markdown", True),
    ("TEXT/MARKDOWN", True),
    ("text/markdown, text/html, */*", True),
    ("text/html, text/markdown", True),
    ("text/markdown;q=0.9, text/html;q=0.8", True),
    ("text/html;q=0.5, text/markdown;q=0.6", True),
    ("text/html;q=0.9, text/markdown", True),
    ("text/markdown;charset=utf-8;q=0.7, text/html;q=0.7", True),
    ("text/plain, text/markdown;q=0.3, */*;q=0.1", True),
    ("text/markdown;q=1.0, text/html", True),
    ("text/html, text/markdown;q=0.9", False),
    ("text/markdown;q=0.5, text/html;q=0.6", False),
    ("text/markdown;q=0", False),
    ("text/markdown;q=0.05", False),
    ("text/markdown;q=0.0, text/html", False),
    ("text/x-markdown;q=0.2, text/html;q=0.25", True),
    ("text/x-markdown;q=0.2, text/html;q=0.3", False),
    ("text/markdownx, text/html;q=0.1", False),
    ("application/markdown", False),
    (BROWSER, False),
    ("*/*", False),
    ("text/*", False),
    ("", False),
]


# -- the rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "expected"), ACCEPTS)
def test_prefers_markdown(accept: str, expected: bool) -> None:
    assert prefers_markdown(accept) is expected


def _regex_decision(accept: str, flags: int = re.I) -> bool:
    """The decision the servers make: classes by the first matching regex, then the pair."""
    md = next((c for c in range(10, 0, -1)
               if re.search(entry_regex(r"text/(?:x-)?markdown", c), accept, flags)), 0)
    html = next((c for c in range(10, 0, -1)
                 if re.search(entry_regex("text/html", c), accept, flags)), 0)
    pair = f"{md or ''}:{html or ''}"
    return re.match(decision_regex(), pair) is not None


def _headers_to_try() -> list[str]:
    """Every header of ACCEPTS and combinations of entries with many q-values."""
    entries = ["text/markdown", "text/x-markdown", "text/html", "*/*", "text/plain",
               "application/json"]
    qs = ["", ";q=1", ";q=1.000", ";q=0.999", ";q=0.9", ";q=0.85", ";q=0.8", ";q=0.5",
          ";q=0.45", ";q=0.1", ";q=0.05", ";q=0", ";q=0.", ";charset=utf-8;q=0.7", ";level=1"]
    found = [accept for accept, _ in ACCEPTS]
    for i, a in enumerate(entries):
        for j, b in enumerate(entries):
            for k, qa in enumerate(qs):
                qb = qs[(k * 7 + i + j) % len(qs)]
                found.append(f"{a}{qa}, {b}{qb}")
                found.append(f"{b}{qb},{a}{qa}")
    return found


def test_regexes_decide_like_the_parser() -> None:
    """The regular expressions every server uses agree with `prefers_markdown`."""
    for accept in _headers_to_try():
        assert _regex_decision(accept) is prefers_markdown(accept), accept
        md, html = accept_classes(accept)
        whole = re.fullmatch(caseless(lookahead_regex()), accept)  # Vercel's single pattern
        assert (whole is not None) is prefers_markdown(accept), (accept, md, html)


@pytest.mark.parametrize(("path", "file", "link"), [
    ("/", "/index.html.md", "index.md"),
    ("/index.html", "/index.html.md", "index.md"),
    ("/a/b/", "/a/b/index.html.md", "../b.md"),
    ("/a/b/index.html", "/a/b/index.html.md", "../b.md"),
    ("/a/page.html", "/a/page.html.md", "page.md"),  # as exports.page_twin_path names it
    ("/über uns/", "/über uns/index.html.md", "../%C3%BCber%20uns.md"),
    ("/x/100% done.html", "/x/100% done.html.md", "100%25%20done.md"),
])
def test_page_twin(path: str, file: str, link: str) -> None:
    twin = page_twin(path)
    assert twin is not None and (twin.file, twin.link) == (file, link)
    # the Link target, resolved against the page URL, is the page's canonical twin
    assert urllib.parse.urljoin("http://h" + path, link).startswith("http://h/")
    canonical = page_twin_path(path.lstrip("/").removesuffix("index.html") or "./")
    resolved = urllib.parse.urljoin("http://h" + urllib.parse.quote(path), link)
    assert urllib.parse.unquote(resolved) == "http://h/" + canonical


@pytest.mark.parametrize("path", ["/a/b", "/a/b.md", "/llms.txt", "/assets/x.css"])
def test_no_page_no_twin(path: str) -> None:
    assert page_twin(path) is None


# -- a built site ------------------------------------------------------------------------------


@dataclass
class Site:
    root: Path  # the built site
    pages: list[str]  # URL paths of sitemap.xml (percent-encoded)
    plain: str  # a page without a twin (a static HTML file of the docs folder)
    file_pages: list[str]  # pages of a use_directory_urls: false site under /legacy/


# Hand-written pages whose twins have relative links and images, and pages whose URLs need
# percent-encoding (non-ASCII, a space, a %).
DOCS = {
    "index.md": "# Home\n\nWelcome. See [Über uns](über uns.md) and [done](<100% done.md>).\n",
    "about.md": "# About\n\nWho we are. ![Logo](setup/logo.png \"Our logo\")\n",
    "setup/index.md": "# Setup\n\nFirst steps. ![Logo](logo.png) [Notes](../files/notes.txt), "
                      "[Sub](../sub/page.md#sub-page), [Top](#setup), "
                      "[Out](https://example.org/logo.png).\n\n"
                      "```\n![as written](logo.png)\n```\n\n[ref]: logo.png\n",
    "setup/logo.png": "not really a PNG\n",
    "files/notes.txt": "Notes.\n",
    "sub/page.md": "# Sub page\n\n[Up](../about.md) ![Logo][logo]\n\n[logo]: ../setup/logo.png\n",
    "über uns.md": "# Über uns\n\nWho we are, in German.\n",
    "100% done.md": "# All done\n\nEvery step. [Home](index.md)\n",
    "plain/index.html": "<!doctype html><title>Plain</title><p>No twin.</p>\n",
}
# A folder of the site without an index.html (the guides' folder of a connector).
FOLDER = "/connectors/slack/guides/"


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    """A small site built into a folder every server's workers can read (not tmp_path, whose
    parents are private to this user)."""
    top = Path(tempfile.mkdtemp(prefix="guidebook-hostcfg-"))
    try:
        top.chmod(0o755)
        config = write_project(
            top / "project",
            {"harvest/pat.yaml": HARVEST, "slack/oauth.yaml": SLACK},
            docs=DOCS, plugin={"host_configs": ["apache", "netlify", "vercel", "cloudflare"]})
        root = build(config)
        # a site with use_directory_urls: false (`/legacy/about.html`), published in a folder
        # of the first so that the same servers serve it
        legacy = write_project(top / "legacy", {"harvest/pat.yaml": HARVEST},
                               docs={"index.md": "# Legacy\n", "about.md": "# Old about\n"},
                               config={"use_directory_urls": False,
                                       "site_url": SITE_URL + "legacy/"})
        build(legacy, site_dir=str(root / "legacy"))
        for path in [top, *top.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        tree = ET.parse(root / "sitemap.xml")
        base = "https://guides.example.test"
        pages = [e.text[len(base):] for e in tree.iter()
                 if e.tag.endswith("loc") and e.text]
        yield Site(root, pages, "/plain/", ["/legacy/about.html"])
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_site_fixture(site: Site) -> None:
    assert len(site.pages) >= 8  # home, about, setup, 2 guides, 2 connectors, connectors
    assert "/" in site.pages and "/about/" in site.pages
    assert {"/%C3%BCber%20uns/", "/100%25%20done/"} <= set(site.pages)
    assert (site.root / "plain" / "index.html").is_file()
    assert not (site.root / "plain" / "index.html.md").exists()
    assert (site.root / FOLDER.strip("/")).is_dir()
    assert not (site.root / FOLDER.strip("/") / "index.html").exists()
    twinned = twinned_pages(site.root)
    assert sorted(p for p in twinned if not p.startswith("/legacy/")) == \
        sorted(urllib.parse.unquote(p) for p in site.pages)
    assert set(site.file_pages) <= set(twinned)


def _main_pages(site: Site) -> list[str]:
    """The twinned pages of the site the fixture built (not the one in its /legacy/)."""
    return [p for p in twinned_pages(site.root) if not p.startswith("/legacy/")]


def _local(site: Site, url: str) -> Path | None:
    """The file of the site an absolute URL of it is served from (None: another site)."""
    if not url.startswith(SITE_URL):
        return None
    path = site.root / urllib.parse.unquote(url[len(SITE_URL):].split("#")[0].split("?")[0])
    return path / "index.html" if url.split("#")[0].endswith("/") else path


def test_twins_of_handwritten_pages_link_absolutely(site: Site) -> None:
    """A hand-written page's twin is served at its canonical URL (`setup.md`), its alias
    (`setup/index.html.md`) and its page's URL (`setup/`, to agents): its relative links and
    images are made absolute (site_url), so each loads from every one of them; the page's
    source links name the twins, external links, anchors and code stay as written."""
    parser = MarkdownIt("commonmark")
    targets: dict[str, set[str]] = {}
    for page in ("about/", "setup/", "sub/page/", "%C3%BCber%20uns/", "100%25%20done/", ""):
        twin_name = page_twin_path(urllib.parse.unquote(page) or "./")
        text = (site.root / twin_name).read_text(encoding="utf-8")
        assert text == (site.root / urllib.parse.unquote(page) / "index.html.md").read_text(
            encoding="utf-8")
        soup = BeautifulSoup(parser.render(text), "html.parser")
        found = {a["href"] for a in soup.find_all("a", href=True)} | \
            {img["src"] for img in soup.find_all("img", src=True)}
        targets[page] = found
        for base in (SITE_URL + urllib.parse.quote(twin_name), SITE_URL + page,
                     SITE_URL + page + "index.html.md"):
            for target in found:
                url = urllib.parse.urljoin(base, target)
                file = _local(site, url)
                if file is not None and not target.startswith("#"):
                    assert file.is_file(), (page, base, target)
    logo = SITE_URL + "setup/logo.png"
    assert targets["setup/"] == {logo, SITE_URL + "files/notes.txt", "#setup",
                                 SITE_URL + "sub/page.md#sub-page", "https://example.org/logo.png"}
    assert "![as written](logo.png)" in (site.root / "setup.md").read_text(encoding="utf-8")
    assert targets["sub/page/"] == {logo, SITE_URL + "about.md"}
    assert targets["about/"] == {logo}
    assert targets[""] == {SITE_URL + "%C3%BCber%20uns.md", SITE_URL + "100%25%20done.md"}
    assert targets["100%25%20done/"] == {SITE_URL + "index.md"}


def test_twins_of_pages_with_escaped_urls(site: Site) -> None:
    """A page whose URL needs percent-encoding has its twin under its own name (`über uns.md`);
    llms.txt and the page's `<link rel="alternate">` name it percent-encoded."""
    llms = parse_llms_file((site.root / "llms.txt").read_text(encoding="utf-8"))
    listed = {link.url for links in llms.sections.values() for link in links}
    for name, page in (("über uns", "%C3%BCber%20uns"), ("100% done", "100%25%20done")):
        assert (site.root / f"{name}.md").is_file()
        assert SITE_URL + page + ".md" in listed
        html = (site.root / name / "index.html").read_text(encoding="utf-8")
        alternate = BeautifulSoup(html, "html.parser").find(
            "link", rel="alternate", type="text/markdown")
        assert alternate is not None and alternate["href"] == f"../{page}.md"
    for url in listed:
        file = _local(site, url)
        assert file is not None and file.is_file(), url


# -- HTTP --------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name) or ""


def http_get(base: str, path: str, accept: str | None = None) -> Reply:
    """GET `path` from the server at `base`, for the site's own host name (site_url's)."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        headers = {"Host": f"{HOST}:{url.port}"}
        if accept is not None:
            headers["Accept"] = accept
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def _vary(reply: Reply) -> list[str]:
    return [v.strip().lower() for v in reply.header("Vary").split(",") if v.strip()]


# A URI-reference (RFC 3986), as a Link header's target must be (RFC 8288).
_URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


def _link(reply: Reply) -> str | None:
    """The target of the `rel="alternate"; type="text/markdown"` Link, if any (a valid
    URI-reference: percent-encoded)."""
    for value in reply.headers.get_all("Link") or []:
        for part in value.split(","):
            m = re.fullmatch(r'\s*<([^>]*)>\s*;(.*)', part)
            if m and re.search(r'rel="?alternate"?', m[2]) and "text/markdown" in m[2]:
                assert _URI_REFERENCE.fullmatch(m[1]), value
                return m[1]
    return None


def _is_type(reply: Reply, expected: str) -> bool:
    return reply.header("Content-Type").lower().replace(" ", "") == expected.replace(" ", "")


Get = Callable[[str, str | None], Reply]


def check_server(base: str | Get, site: Site, *, file_urls: bool = True,
                 alias_links: bool = False) -> None:
    """Every behaviour the configurations promise, on the server at `base` (a URL, or a
    function answering (path, accept) for a simulated host). `file_urls`: also the pages'
    `index.html` URLs; `alias_links`: Link headers may name the twin's alias
    (`index.html.md` beside the page) instead of the canonical twin."""
    if isinstance(base, str):
        url = base

        def get(_: str, path: str, accept: str | None = None) -> Reply:
            return http_get(url, path, accept)
    else:
        answer = base

        def get(_: str, path: str, accept: str | None = None) -> Reply:
            return answer(path, accept)
    root = site.root
    for path in site.pages:
        folder = root / urllib.parse.unquote(path).lstrip("/")
        twin = (folder / "index.html.md").read_bytes()
        page = (folder / "index.html").read_bytes()
        for accept in ("text/markdown", "text/x-markdown", "text/markdown, text/html;q=0.9"):
            md = get(base, path, accept)
            assert md.status == 200, (path, accept, md.status)
            assert md.header("Content-Type").lower().replace(" ", "") == \
                MARKDOWN_TYPE.replace(" ", ""), (path, md.header("Content-Type"))
            assert md.body == twin, path
            assert "accept" in _vary(md), (path, md.header("Vary"))
            assert _link(md) is None, path
        for accept in (None, BROWSER, "text/html, text/markdown;q=0.5"):
            html = get(base, path, accept)
            assert html.status == 200, (path, accept)
            assert html.header("Content-Type").lower().replace(" ", "") == \
                "text/html;charset=utf-8", (path, html.header("Content-Type"))
            assert html.body == page, path
            assert "accept" in _vary(html), (path, accept, html.header("Vary"))
            target = _link(html)
            assert target is not None, (path, accept, html.headers.get_all("Link"))
            # it names the twin the page's own <link rel="alternate"> names
            soup = BeautifulSoup(page, "html.parser")
            alternate = soup.find("link", rel="alternate", type="text/markdown")
            assert alternate is not None
            resolved = urllib.parse.urljoin(path, target)
            allowed = {urllib.parse.urljoin(path, alternate["href"])}
            if alias_links:
                allowed.add(path + "index.html.md")
            assert resolved in allowed, (path, target)
            linked = get(base, resolved)
            assert linked.status == 200 and linked.body == twin, (path, resolved)
            assert linked.header("Content-Type").replace(" ", "").lower() == \
                MARKDOWN_TYPE.replace(" ", "")
        if file_urls:
            index = get(base, path + "index.html", "text/markdown")  # the file's own URL
            assert index.status == 200 and index.body == twin, path
    # q-values, on the home page and a guide
    guide = next(p for p in site.pages if "/guides/" in p)
    for accept, expected in ACCEPTS:
        for path in ("/", guide):
            reply = get(base, path, accept)
            want = (root / path.lstrip("/") / ("index.html.md" if expected else "index.html"))
            assert reply.status == 200 and reply.body == want.read_bytes(), (path, accept)
    # pages of a site with use_directory_urls: false (`x.html`): the Link header names the
    # twin the page's <link rel="alternate"> names
    for path in site.file_pages if file_urls else ():
        page = (root / path.lstrip("/")).read_bytes()
        html = get(base, path, BROWSER)
        assert html.status == 200 and html.body == page, path
        alternate = BeautifulSoup(page, "html.parser").find(
            "link", rel="alternate", type="text/markdown")
        target = _link(html)
        assert alternate is not None and target is not None, path
        assert urllib.parse.urljoin(path, target) == \
            urllib.parse.urljoin(path, alternate["href"]), (path, target)
        md = get(base, path, "text/markdown")
        assert md.status == 200 and _is_type(md, MARKDOWN_TYPE), path
        assert md.body == (root / (path.lstrip("/") + ".md")).read_bytes(), path
    # llms files (every twin llms.txt links is there) and .md URLs
    for name in LLMS_FILES:
        reply = get(base, "/" + name)
        assert reply.status == 200 and reply.body == (root / name).read_bytes(), name
        assert reply.header("Content-Type").replace(" ", "").lower() == \
            TEXT_TYPE.replace(" ", ""), name
    llms = parse_llms_file((root / "llms.txt").read_text(encoding="utf-8"))
    for links in llms.sections.values():
        for link in links:
            assert link.url.startswith(SITE_URL), link.url
            reply = get(base, "/" + link.url[len(SITE_URL):])
            assert reply.status == 200 and _is_type(reply, MARKDOWN_TYPE), link.url
    for md in sorted(root.rglob("*.md")):
        rel = urllib.parse.quote("/" + md.relative_to(root).as_posix())
        reply = get(base, rel)
        assert reply.status == 200 and reply.body == md.read_bytes(), rel
        assert reply.header("Content-Type").replace(" ", "").lower() == \
            MARKDOWN_TYPE.replace(" ", ""), rel
    # unknown paths (a folder without index.html too: no listing, no 403), a page without a
    # twin; the 404 page is HTML whatever the path's type
    for accept in (None, "text/markdown"):
        for unknown in ("/no/such/page/", FOLDER, "/no-such.md", "/no/llms.txt"):
            reply = get(base, unknown, accept)
            assert reply.status == 404, (unknown, accept, reply.status)
            assert reply.header("Content-Type").startswith("text/html"), (unknown, accept)
        plain = get(base, site.plain, accept)
        assert plain.status == 200, accept
        assert plain.header("Content-Type").startswith("text/html"), accept
        assert plain.body == (root / "plain" / "index.html").read_bytes()
        assert _link(plain) is None
    assert get(base, "/plain.md", "text/markdown").status == 404
    assert get(base, "/plain/index.html.md").status == 404
    assert get(base, "/404.html", "text/markdown").header("Content-Type").startswith("text/html")


# -- servers -----------------------------------------------------------------------------------


def _binary(name: str) -> str:
    found = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}")
                                        if os.access(p, os.X_OK)), None)
    if found is None:
        message = f"{name} is not installed (make servers installs it)"
        if REQUIRE:
            pytest.fail(message + "; GUIDEBOOK_REQUIRE_SERVERS=1")
        pytest.skip(message)
    return found


def _wait(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Until the server accepts connections (or has died: fail with its log)."""
    for _ in range(200):
        if process.poll() is not None:
            break
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    process.kill()
    process.wait()
    text = log.read_text(errors="replace") if log.exists() else ""
    pytest.fail(f"the server did not start on port {port}:\n{text[-3000:]}")


def _config(host: str, site: Site, port: int) -> str:
    [file] = host_files(host, site_dir=site.root, port=port, bind="127.0.0.1")
    return file.text


def _start_nginx(site: Site, tmp: Path, port: int) -> tuple[list[str], dict[str, str], Path]:
    """nginx as Debian installs it: a default server (`sites-enabled/default`) on the port
    before the fragment, which answers for site_url's host by its server_name; `nginx -t`
    finds nothing to warn about."""
    (tmp / "guidebook.conf").write_text(_config("nginx", site, port), encoding="utf-8")
    (tmp / "default").mkdir()
    temp = "\n".join(f"    {kind}_temp_path {tmp}/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(f"""\
{user}daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
{temp}
    server {{
        listen 127.0.0.1:{port} default_server;
        root {tmp}/default;
        server_name _;
    }}
    include {tmp}/guidebook.conf;
}}
""", encoding="utf-8")
    command = [_binary("nginx"), "-p", str(tmp), "-c", str(tmp / "nginx.conf"),
               "-e", str(tmp / "error.log")]
    tested = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert tested.returncode == 0 and "[warn]" not in tested.stderr, tested.stderr
    return (command, {}, tmp / "error.log")


APACHE_MODULES = ("mpm_event", "authz_core", "mime", "dir", "rewrite", "headers", "setenvif",
                  "alias")


def _start_apache(site: Site, tmp: Path, port: int) -> tuple[list[str], dict[str, str], Path]:
    # the .htaccess the plugin wrote into the site (host_configs), as the CLI prints it
    assert (site.root / ".htaccess").read_text(encoding="utf-8") == _config("apache", site, port)
    modules = "\n".join(f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so"
                        for m in APACHE_MODULES)
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    (tmp / "httpd.conf").write_text(f"""\
ServerRoot {tmp}
ServerName 127.0.0.1
{modules}
{user}PidFile {tmp}/httpd.pid
Mutex file:{tmp} default
Listen 127.0.0.1:{port}
ErrorLog {tmp}/error.log
LogLevel warn
TypesConfig /etc/mime.types
DocumentRoot "{site.root}"
DirectoryIndex index.html
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{site.root}">
    AllowOverride FileInfo
    Options SymLinksIfOwnerMatch
    Require all granted
</Directory>
""", encoding="utf-8")
    return ([_binary("apache2"), "-f", str(tmp / "httpd.conf"), "-DFOREGROUND"], {},
            tmp / "error.log")


def _start_caddy(site: Site, tmp: Path, port: int) -> tuple[list[str], dict[str, str], Path]:
    text = "{\n\tadmin off\n}\n\n" + _config("caddy", site, port)
    (tmp / "Caddyfile").write_text(text, encoding="utf-8")
    env = {"HOME": str(tmp), "XDG_DATA_HOME": str(tmp / "data"),
           "XDG_CONFIG_HOME": str(tmp / "config")}
    return ([_binary("caddy"), "run", "--config", str(tmp / "Caddyfile"),
             "--adapter", "caddyfile"], env, tmp / "error.log")


def _start_serve(site: Site, tmp: Path, port: int) -> tuple[list[str], dict[str, str], Path]:
    return ([sys.executable, "-m", "guidebook.cli", "serve", "--site-dir", str(site.root),
             "--port", str(port), "--bind", "127.0.0.1"], {}, tmp / "error.log")


def _node(platform: str, module: str, site: Site, tmp: Path,
          port: int) -> tuple[list[str], dict[str, str], Path]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the generated JavaScript is not run")
    (tmp / "module.mjs").write_text(module, encoding="utf-8")  # ESM whatever its name
    return ([node, str(Path(__file__).with_name("hostsim.mjs")), platform,
             str(tmp / "module.mjs"), str(site.root), str(port)], {}, tmp / "output.log")


def _start_cloudflare(site: Site, tmp: Path,
                      port: int) -> tuple[list[str], dict[str, str], Path]:
    # the one the plugin wrote into the site (host_configs)
    worker = (site.root / "_worker.js").read_text(encoding="utf-8")
    return _node("cloudflare", worker, site, tmp, port)


def _start_netlify(site: Site, tmp: Path, port: int) -> tuple[list[str], dict[str, str], Path]:
    files = {f.path: f.text for f in host_files("netlify", site_dir=site.root)}
    return _node("netlify", files[NETLIFY_FUNCTION], site, tmp, port)


STARTERS: dict[str, Callable[[Site, Path, int], tuple[list[str], dict[str, str], Path]]] = {
    "nginx": _start_nginx, "apache": _start_apache, "caddy": _start_caddy,
    "serve": _start_serve, "cloudflare": _start_cloudflare, "netlify": _start_netlify,
}


@pytest.fixture(params=sorted(STARTERS))
def server(request: pytest.FixtureRequest, site: Site, tmp_path: Path) -> Iterator[str]:
    """The base URL of a server running over the site with the generated configuration."""
    port = free_port()
    command, env, log = STARTERS[request.param](site, tmp_path, port)
    with open(tmp_path / "output.log", "wb") as output:
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=output,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    request.addfinalizer(lambda: stop_process(process))
    _wait(process, port, log if log.exists() else tmp_path / "output.log")
    yield f"http://127.0.0.1:{port}"


def test_server(server: str, site: Site) -> None:
    check_server(server, site)


def test_mkdocs_serve(site: Site, tmp_path: Path) -> None:
    """`mkdocs serve` negotiates too (its HTML carries the live-reload script, and its twins
    name the local address: compared with each other, not with the built site)."""
    port = free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "-f",
               str(site.root.parent / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"]
    with open(tmp_path / "output.log", "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, cwd=tmp_path,
                                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        _wait(process, port, tmp_path / "output.log")
        base = f"http://127.0.0.1:{port}"
        for path in site.pages:
            md = http_get(base, path, "text/markdown")
            assert md.status == 200 and md.header("Content-Type") == MARKDOWN_TYPE, path
            assert "accept" in _vary(md)
            assert md.body == http_get(base, path + "index.html.md").body
            html = http_get(base, path, BROWSER)
            assert html.status == 200 and html.header("Content-Type").startswith("text/html")
            assert b"livereload" in html.body and "accept" in _vary(html)
            target = _link(html)
            assert target is not None, path
            assert http_get(base, urllib.parse.urljoin(path, target)).body == md.body
        plain = http_get(base, site.plain, "text/markdown")
        assert plain.status == 200 and _link(plain) is None
        assert plain.header("Content-Type").startswith("text/html")
        assert http_get(base, "/no/such/page/", "text/markdown").status == 404
        llms = http_get(base, "/llms.txt")
        assert llms.status == 200 and llms.header("Content-Type") == TEXT_TYPE
    finally:
        stop_process(process, signal.SIGINT)  # mkdocs serve removes its temporary site on Ctrl-C


# -- hosted platforms: their files parsed, Vercel's rules evaluated ------------------------------


def _source_regex(source: str) -> re.Pattern[str]:
    """A Vercel (path-to-regexp) source of the shapes we write, as a Python regex."""
    out, at = [], 0
    for m in re.finditer(r":(\w+)\(((?:[^()\\]|\\.)*)\)|\(((?:[^()\\]|\\.)*)\)|\\(.)", source):
        out.append(re.escape(source[at:m.start()]))
        if m[1]:
            out.append(f"(?P<{m[1]}>{m[2]})")
        elif m[3] is not None:
            out.append(f"({m[3]})")
        else:
            out.append(re.escape(m[4]))
        at = m.end()
    out.append(re.escape(source[at:]))
    return re.compile("".join(out))


def _conditions_hold(rule: dict, accept: str | None) -> bool:
    """Vercel's `has` / `missing` on the Accept header: the value is anchored (^...$)."""
    def matches(item: dict) -> bool:
        assert item["type"] == "header" and item["key"] == "accept", item
        return accept is not None and re.match(f"^(?:{item['value']})$", accept) is not None

    return (all(matches(i) for i in rule.get("has", []))
            and not any(matches(i) for i in rule.get("missing", [])))


def vercel_host(config: dict, root: Path) -> Get:
    """A small evaluator of vercel.json over the built site: the first matching rewrite
    picks the file, every matching header rule adds its headers."""
    def answer(path: str, accept: str | None) -> Reply:
        target = path
        for rule in config["rewrites"]:
            m = _source_regex(rule["source"]).fullmatch(path)
            if m and _conditions_hold(rule, accept):
                target = re.sub(r":(\w+)", lambda k: m[k[1]], rule["destination"])
                break
        file = root / urllib.parse.unquote(target).lstrip("/")
        if target.endswith("/"):
            file = file / "index.html"
        message = http.client.HTTPMessage()
        if not file.is_file():
            message["Content-Type"] = "text/html; charset=utf-8"
            return Reply(404, message, (root / "404.html").read_bytes())
        values: dict[str, str] = {}
        if file.suffix == ".html":
            values["Content-Type"] = "text/html; charset=utf-8"
        for rule in config["headers"]:
            if _source_regex(rule["source"]).fullmatch(path) and _conditions_hold(rule, accept):
                values.update({h["key"]: h["value"] for h in rule["headers"]})
        for key, value in values.items():
            message[key] = value
        return Reply(200, message, file.read_bytes())

    return answer


def test_vercel(site: Site) -> None:
    text = (site.root / "vercel.json").read_text(encoding="utf-8")  # written by the plugin
    config = json.loads(text)
    assert set(config) == {"rewrites", "headers"}
    for rule in config["rewrites"]:
        assert set(rule) == {"source", "has", "destination"}
    # the CLI's, from the site (whose /legacy/ folder the plugin's build did not have)
    assert text == host_files("vercel", site_dir=site.root, pages=_main_pages(site))[0].text
    check_server(vercel_host(config, site.root), site, file_urls=False, alias_links=True)


def test_netlify_files(site: Site) -> None:
    files = {f.path: f for f in host_files("netlify", site_dir=site.root)}
    assert set(files) == {"netlify.toml", NETLIFY_FUNCTION, "_headers"}
    toml = tomllib.loads(files["netlify.toml"].text)
    found = {h["for"]: h["values"]["Content-Type"] for h in toml["headers"]}
    assert found == {"/*.md": MARKDOWN_TYPE, "/llms.txt": TEXT_TYPE,
                     "/llms-full.txt": TEXT_TYPE}
    published = (site.root / "_headers").read_text(encoding="utf-8")
    assert published == files["_headers"].text
    rules: dict[str, list[str]] = {}
    for line in published.splitlines():  # Netlify's _headers: a path, then indented headers
        if line.startswith("#") or not line.strip():
            continue
        if not line.startswith(" "):
            rules[line] = []
        else:
            rules[list(rules)[-1]].append(line.strip())
    assert rules == {f"/{n}": [f"Content-Type: {TEXT_TYPE}"] for n in LLMS_FILES}
    assert 'path: "/*"' in files[NETLIFY_FUNCTION].text


# -- the plugin option and the command ---------------------------------------------------------


def test_published_by_the_plugin(site: Site) -> None:
    """host_configs wrote each host's site-folder file, equal to what the command prints, and
    none of them is a page (sitemap, search index)."""
    for host, name in (("apache", ".htaccess"), ("netlify", "_headers"),
                       ("vercel", "vercel.json"), ("cloudflare", "_worker.js")):
        [file] = [f for f in host_files(host, site_dir=site.root, pages=_main_pages(site))
                  if f.published]
        assert file.path == name
        assert (site.root / name).read_text(encoding="utf-8") == file.text, name
    index = json.loads((site.root / "search" / "search_index.json").read_text("utf-8"))
    locations = {d["location"] for d in index["docs"]}
    assert not any(n in loc for loc in locations
                   for n in (".htaccess", "_headers", "vercel", "_worker"))
    sitemap = (site.root / "sitemap.xml").read_text(encoding="utf-8")
    assert "htaccess" not in sitemap and "_worker" not in sitemap


def test_plugin_rejects_a_server_host(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """nginx and Caddy are configured on the server: the option names the hosts it takes."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST},
                           plugin={"host_configs": ["nginx"]})
    with pytest.raises(Abort):
        load_config(config_file=str(config))
    assert "option 'host_configs': Expected one of: ('apache', 'netlify', 'vercel', " \
           "'cloudflare') but received: 'nginx'" in caplog.text


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "guidebook.cli", *args], cwd=cwd,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "NO_COLOR": "1", "TERM": "dumb"})
    assert "Traceback" not in result.stdout + result.stderr
    return result


@pytest.mark.parametrize("host", HOSTS)
def test_command_prints_each_host(host: str, site: Site, tmp_path: Path) -> None:
    printed = _cli("host-config", host, "--site-dir", str(site.root), "--port", "9123",
                   cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    files = host_files(host, site_dir=site.root, port=9123)
    if len(files) == 1:
        assert printed.stdout == files[0].text
    else:
        for file in files:
            assert f"---- {file.path} ----" in printed.stdout and file.text in printed.stdout
    written = _cli("host-config", host, "--site-dir", str(site.root), "--port", "9123",
                   "--out", "out", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    for file in files:
        assert (tmp_path / "out" / file.path).read_text(encoding="utf-8") == file.text


@pytest.mark.parametrize("host", ["netlify", "vercel"])  # header comments (# and //); JSON
def test_command_writes_over_its_own_files_only(host: str, site: Site, tmp_path: Path) -> None:
    """--out replaces what host-config wrote before (for another port, or another site's
    pages), but not a file of the same name the project keeps (a netlify.toml with its build
    settings, a vercel.json with its redirects) unless --force says so."""
    args = ("host-config", host, "--site-dir", str(site.root), "--out", "out")
    files = host_files(host, site_dir=site.root)
    earlier = host_files(host, site_dir=site.root, port=9124, pages=["/"])
    for file in earlier:
        (tmp_path / "out" / file.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "out" / file.path).write_text(file.text, encoding="utf-8")
    assert _cli(*args, cwd=tmp_path).returncode == 0
    for file in files:
        assert (tmp_path / "out" / file.path).read_text(encoding="utf-8") == file.text
    mine = '{"cleanUrls": true}\n' if files[0].path.endswith(".json") else "# my settings\n"
    (tmp_path / "out" / files[0].path).write_text(mine, encoding="utf-8")
    refused = _cli(*args, cwd=tmp_path)
    assert refused.returncode == 1
    assert (f"out/{files[0].path} exists and guidebook did not write it: add guidebook's part "
            f"by hand (`guidebook host-config {host}` prints it), or pass --force") \
        in refused.stderr
    assert (tmp_path / "out" / files[0].path).read_text(encoding="utf-8") == mine
    assert _cli(*args, "--force", cwd=tmp_path).returncode == 0
    assert (tmp_path / "out" / files[0].path).read_text(encoding="utf-8") == files[0].text


CSP = {"source": "/(.*)", "headers": [{"key": "Content-Security-Policy",
                                       "value": "default-src 'self'"}]}
MANY = ["/", *(f"/a.b+{n}/c/" for n in range(VERCEL_GROUP + 5)), "/x.html", "/y/z.html"]


def _vercel_with(change: Callable[[dict], object]) -> str:
    data = json.loads(vercel(MANY))
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize(("old", "ours"), [
    (vercel([]), True),
    (vercel(MANY), True),  # another site's pages: groups, escaped names, .html pages
    (json.dumps(json.loads(vercel(["/"])), indent=4), True),  # reformatted by hand
    (json.dumps({"rewrites": [], "headers": [CSP]}), False),  # the tester's security header
    (_vercel_with(lambda d: d["headers"].append(CSP)), False),
    (_vercel_with(lambda d: d["rewrites"].append({"source": "/old", "destination": "/new"})),
     False),
    (_vercel_with(lambda d: d.update(cleanUrls=True)), False),
    (_vercel_with(lambda d: d["headers"].pop()), False),
    (_vercel_with(lambda d: d["rewrites"][1].update(destination="/elsewhere")), False),
    ('{"rewrites": [{"source": 1}], "headers": []}', False),
    ("[]", False),
])
def test_vercel_json_is_ours_only_as_guidebook_writes_it(old: str, ours: bool) -> None:
    assert written_here(host_files("vercel", site_dir=Path("."), pages=["/"])[0], old) is ours


def test_command_keeps_a_foreign_vercel_json(site: Site, tmp_path: Path) -> None:
    """A vercel.json of rewrites and headers that guidebook did not write keeps its header."""
    mine = json.dumps({"rewrites": [], "headers": [CSP]})
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "vercel.json").write_text(mine, encoding="utf-8")
    refused = _cli("host-config", "vercel", "--site-dir", str(site.root), "--out", "out",
                   cwd=tmp_path)
    assert refused.returncode == 1
    assert "out/vercel.json exists and guidebook did not write it" in refused.stderr
    assert "pass --force" in refused.stderr
    assert (tmp_path / "out" / "vercel.json").read_text(encoding="utf-8") == mine


def test_command_reads_site_dir_from_mkdocs_yml(site: Site) -> None:
    project = site.root.parent  # mkdocs.yml is there; its site_dir is the default, site/
    printed = _cli("host-config", "vercel", cwd=project)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == vercel(twinned_pages(site.root))
    assert json.loads(vercel(_main_pages(site))) == \
        json.loads((site.root / "vercel.json").read_text(encoding="utf-8"))


def test_command_notes_a_site_url_with_a_path(tmp_path: Path) -> None:
    """The configurations serve the site at the root of its host: a site_url with a path
    gets a one-line note on stderr naming the fix (the configuration is still printed); nginx
    answers for site_url's host."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text(
        '<html><head><link rel="canonical" href="https://help.example/connect/"></head>'
        '<body></body></html>', encoding="utf-8")
    assert built_site_url(tmp_path / "site") == "https://help.example/connect/"
    result = _cli("host-config", "nginx", "--site-dir", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "guidebook: note: site_url https://help.example/connect/ has a path, but the nginx "
        "configuration serves the site at the root of its host (its 404 page is /404.html): "
        "serve the site from a host of its own, or set site_url to its host's root\n")
    names = re.findall(r"^\s*server_name\s+([^;]*);", result.stdout, re.MULTILINE)
    assert names == ["help.example"]
    (tmp_path / "site/index.html").write_text(
        '<link rel="canonical" href="https://help.example/">', encoding="utf-8")
    assert _cli("host-config", "caddy", "--site-dir", "site", cwd=tmp_path).stderr == ""


def test_commands_read_site_dir_from_an_inherited_file(tmp_path: Path) -> None:
    """site_dir set in the file mkdocs.yml inherits (INHERIT) is the site, as for MkDocs."""
    (tmp_path / "base.yml").write_text("site_name: t\nsite_dir: public\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("INHERIT: base.yml\n", encoding="utf-8")
    (tmp_path / "public").mkdir()
    (tmp_path / "public/index.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "public/index.html.md").write_text("# Home\n", encoding="utf-8")
    caddy = _cli("host-config", "caddy", cwd=tmp_path)
    assert caddy.returncode == 0, caddy.stderr
    assert f'root * "{(tmp_path / "public").resolve()}"' in caddy.stdout
    printed = _cli("host-config", "vercel", cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == json.loads(vercel(["/"]))
    server = subprocess.Popen([sys.executable, "-m", "guidebook.cli", "serve", "--port", "0"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={**os.environ, "NO_COLOR": "1", "TERM": "dumb"})
    try:
        assert server.stdout is not None
        assert server.stdout.readline().decode().startswith("Serving public at http://")
    finally:
        stop_process(server)


def test_command_checks_every_target_before_writing(tmp_path: Path) -> None:
    """A file where --out, or a folder of one of the files, should be: one clear error, and
    nothing written."""
    (tmp_path / "afile").write_text("", encoding="utf-8")
    result = _cli("host-config", "nginx", "--out", "afile", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ("guidebook: error: afile is a file, not a folder (choose another "
                             "--out)\n")
    (tmp_path / "hc2/netlify").mkdir(parents=True)
    (tmp_path / "hc2/netlify/edge-functions").write_text("", encoding="utf-8")
    result = _cli("host-config", "netlify", "--out", "hc2", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (f"guidebook: error: cannot write hc2/{NETLIFY_FUNCTION}: "
                             "hc2/netlify/edge-functions is a file, not a folder (move it away, "
                             "or choose another --out)\n")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "afile", "hc2", "hc2/netlify", "hc2/netlify/edge-functions"]


def test_command_needs_a_built_site_for_vercel(tmp_path: Path) -> None:
    result = _cli("host-config", "vercel", "--site-dir", "nowhere", cwd=tmp_path)
    assert result.returncode == 1
    assert "nowhere: no built site there" in result.stderr and "mkdocs build" in result.stderr
    served = _cli("serve", "--site-dir", "nowhere", cwd=tmp_path)
    assert served.returncode == 1 and "no built site there" in served.stderr
