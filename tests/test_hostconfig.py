"""Host configurations: the real nginx, Apache and Caddy (and `guidebook serve`) serving a
built site with the generated configuration, checked with plain HTTP requests; the hosted
platforms' files parsed and evaluated against sample requests."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import HARVEST, build, write_project
from guidebook.hostconfig import (
    LLMS_FILES,
    MARKDOWN_TYPE,
    TEXT_TYPE,
    accept_classes,
    caseless,
    decision_regex,
    entry_regex,
    host_files,
    lookahead_regex,
    page_twin,
    prefers_markdown,
    twinned_pages,
)

REQUIRE = os.environ.get("GUIDEBOOK_REQUIRE_SERVERS", "").strip() in ("1", "true", "yes")
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
    ("/a/page.html", "/a/page.html.md", "page.html.md"),
])
def test_page_twin(path: str, file: str, link: str) -> None:
    twin = page_twin(path)
    assert twin is not None and (twin.file, twin.link) == (file, link)
    # the Link target, resolved against the page URL, is the page's canonical twin
    assert urllib.parse.urljoin("http://h" + path, link).startswith("http://h/")


@pytest.mark.parametrize("path", ["/a/b", "/a/b.md", "/llms.txt", "/assets/x.css"])
def test_no_page_no_twin(path: str) -> None:
    assert page_twin(path) is None


# -- a built site ------------------------------------------------------------------------------


@dataclass
class Site:
    root: Path  # the built site
    pages: list[str]  # URL paths of sitemap.xml
    plain: str  # a page without a twin (a static HTML file of the docs folder)


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
            docs={"index.md": "# Home\n\nWelcome.\n",
                  "about.md": "# About\n\nWho we are.\n",
                  "setup/index.md": "# Setup\n\nFirst steps.\n",
                  "plain/index.html": "<!doctype html><title>Plain</title><p>No twin.</p>\n"},
            plugin={"host_configs": ["apache", "netlify", "vercel", "cloudflare"]})
        root = build(config)
        for path in [top, *top.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        tree = ET.parse(root / "sitemap.xml")
        base = "https://guides.example.test"
        pages = [e.text[len(base):] for e in tree.iter()
                 if e.tag.endswith("loc") and e.text]
        yield Site(root, pages, "/plain/")
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_site_fixture(site: Site) -> None:
    assert len(site.pages) >= 8  # home, about, setup, 2 guides, 2 connectors, connectors
    assert "/" in site.pages and "/about/" in site.pages
    assert (site.root / "plain" / "index.html").is_file()
    assert not (site.root / "plain" / "index.html.md").exists()
    assert sorted(twinned_pages(site.root)) == sorted(site.pages)


# -- HTTP --------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name) or ""


def get(base: str, path: str, accept: str | None = None) -> Reply:
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        headers = {"Accept": accept} if accept is not None else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def _vary(reply: Reply) -> list[str]:
    return [v.strip().lower() for v in reply.header("Vary").split(",") if v.strip()]


def _link(reply: Reply) -> str | None:
    """The target of the `rel="alternate"; type="text/markdown"` Link, if any."""
    for value in reply.headers.get_all("Link") or []:
        for part in value.split(","):
            m = re.fullmatch(r'\s*<([^>]*)>\s*;(.*)', part)
            if m and re.search(r'rel="?alternate"?', m[2]) and "text/markdown" in m[2]:
                return m[1]
    return None


def check_server(base: str, site: Site) -> None:
    """Every behaviour the configurations promise, on the server at `base`."""
    root = site.root
    for path in site.pages:
        twin = (root / path.lstrip("/") / "index.html.md").read_bytes()
        page = (root / path.lstrip("/") / "index.html").read_bytes()
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
            assert resolved == urllib.parse.urljoin(path, alternate["href"]), (path, target)
            linked = get(base, resolved)
            assert linked.status == 200 and linked.body == twin, (path, resolved)
            assert linked.header("Content-Type").replace(" ", "").lower() == \
                MARKDOWN_TYPE.replace(" ", "")
        index = get(base, path + "index.html", "text/markdown")  # the file's own URL
        assert index.status == 200 and index.body == twin, path
    # q-values, on the home page and a guide
    guide = next(p for p in site.pages if "/guides/" in p)
    for accept, expected in ACCEPTS:
        for path in ("/", guide):
            reply = get(base, path, accept)
            want = (root / path.lstrip("/") / ("index.html.md" if expected else "index.html"))
            assert reply.status == 200 and reply.body == want.read_bytes(), (path, accept)
    # llms files and .md URLs
    for name in LLMS_FILES:
        reply = get(base, "/" + name)
        assert reply.status == 200 and reply.body == (root / name).read_bytes(), name
        assert reply.header("Content-Type").replace(" ", "").lower() == \
            TEXT_TYPE.replace(" ", ""), name
    for md in sorted(root.rglob("*.md")):
        rel = "/" + md.relative_to(root).as_posix()
        reply = get(base, rel)
        assert reply.status == 200 and reply.body == md.read_bytes(), rel
        assert reply.header("Content-Type").replace(" ", "").lower() == \
            MARKDOWN_TYPE.replace(" ", ""), rel
    # unknown paths and a page without a twin
    for accept in (None, "text/markdown"):
        assert get(base, "/no/such/page/", accept).status == 404
        assert get(base, "/no-such.md", accept).status == 404
        plain = get(base, site.plain, accept)
        assert plain.status == 200, accept
        assert plain.body == (root / "plain" / "index.html").read_bytes()
        assert _link(plain) is None
    assert get(base, "/plain.md", "text/markdown").status == 404
    assert get(base, "/plain/index.html.md").status == 404
    assert get(base, "/404.html", "text/markdown").header("Content-Type").startswith("text/html")


# -- servers -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _config(host: str, site: Site, port: int) -> str:
    [file] = host_files(host, site_dir=site.root, port=port, bind="127.0.0.1")
    return file.text


def _start_nginx(site: Site, tmp: Path, port: int) -> tuple[list[str], dict[str, str], Path]:
    (tmp / "guidebook.conf").write_text(_config("nginx", site, port), encoding="utf-8")
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
    include {tmp}/guidebook.conf;
}}
""", encoding="utf-8")
    return ([_binary("nginx"), "-p", str(tmp), "-c", str(tmp / "nginx.conf"),
             "-e", str(tmp / "error.log")], {}, tmp / "error.log")


APACHE_MODULES = ("mpm_event", "authz_core", "mime", "dir", "rewrite", "headers", "setenvif",
                  "alias")


def _start_apache(site: Site, tmp: Path, port: int) -> tuple[list[str], dict[str, str], Path]:
    (site.root / ".htaccess").write_text(_config("apache", site, port), encoding="utf-8")
    (site.root / ".htaccess").chmod(0o644)
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
    AllowOverride All
    Options FollowSymLinks
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


STARTERS: dict[str, Callable[[Site, Path, int], tuple[list[str], dict[str, str], Path]]] = {
    "nginx": _start_nginx, "apache": _start_apache, "caddy": _start_caddy,
    "serve": _start_serve,
}


@pytest.fixture(params=sorted(STARTERS))
def server(request: pytest.FixtureRequest, site: Site, tmp_path: Path) -> Iterator[str]:
    """The base URL of a server running over the site with the generated configuration."""
    port = _free_port()
    command, env, log = STARTERS[request.param](site, tmp_path, port)
    with open(tmp_path / "output.log", "wb") as output:
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=output,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    request.addfinalizer(lambda: _stop(process))
    _wait(process, port, log if log.exists() else tmp_path / "output.log")
    yield f"http://127.0.0.1:{port}"
    (site.root / ".htaccess").unlink(missing_ok=True)


def test_server(server: str, site: Site) -> None:
    check_server(server, site)
