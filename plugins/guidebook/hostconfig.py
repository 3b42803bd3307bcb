"""Server and hosting configurations that hand AI agents the Markdown twins of a built site.

Every configuration follows the same rules (`prefers_markdown`, `page_twin`):

- a page URL (a path ending in `/`, or in `.html`) whose page file `F` has a twin `F.md` in the
  site (`x/y/` -> `x/y/index.html.md`, the alias every twinned page gets) answers a request whose
  `Accept` header prefers `text/markdown` (or `text/x-markdown`) over `text/html` with that
  twin, as `text/markdown; charset=utf-8`, and `Vary: Accept`;
- otherwise the page stays HTML, with `Vary: Accept` and, when it has a twin,
  `Link: <../y.md>; rel="alternate"; type="text/markdown"` (relative to the page's URL);
- `.md` files are `text/markdown; charset=utf-8`, `llms.txt` and `llms-full.txt`
  `text/plain; charset=utf-8`; a path with no file is a 404.

The `Accept` rule: Markdown when the header names `text/markdown` or `text/x-markdown` with a
q-value above 0 and does not name `text/html` with a higher one. Q-values are compared by their
first decimal (0.85 counts as 0.8), which regular expressions can do in every server; wildcards
(`*/*`, `text/*`) are ignored, since browsers never name Markdown.
"""

from __future__ import annotations

import html.parser
import http.server
import json
import logging
import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

HOSTS = ("nginx", "apache", "caddy", "netlify", "vercel", "cloudflare")
MARKDOWN_TYPE = "text/markdown; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
LLMS_FILES = ("llms.txt", "llms-full.txt")
TWIN_SUFFIX = ".md"
NETLIFY_FUNCTION = "netlify/edge-functions/guidebook-markdown.js"
DEFAULT_PORT = 8080
VERCEL_GROUP = 100  # pages per Vercel rewrite (the source is an alternation of their paths)

# Which files of each host's configuration are published with the site (written by the
# plugin's `host_configs` option); the others live beside mkdocs.yml or on the server.
PUBLISHED = {"apache": (".htaccess",), "netlify": ("_headers",), "vercel": ("vercel.json",),
             "cloudflare": ("_worker.js",)}

_MD = r"text/(?:x-)?markdown"
_QVALUE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")
_HTML = r"text/html"


class HostConfigError(Exception):
    """The configuration cannot be made as asked (the message says how to fix it)."""


# -- the rules, in Python --------------------------------------------------------------------


def q_class(q: str) -> int:
    """A q-value by its first decimal: "1" -> 10, "0.85" -> 8; "0" and malformed ones -> 0."""
    if not _QVALUE.fullmatch(q):
        return 0
    return 10 if q.startswith("1") else int(q[2]) if len(q) > 2 else 0


def accept_classes(accept: str) -> tuple[int, int]:
    """(Markdown's class, HTML's class) of an Accept header: the highest q class of its
    `text/markdown` / `text/x-markdown` entries and of its `text/html` entries (0: absent)."""
    md = html = 0
    for entry in accept.split(","):
        kind, *params = (part.strip() for part in entry.split(";"))
        kind = kind.lower()
        cls = 10
        for param in params:
            name, _, value = param.partition("=")
            if name.lower() == "q":
                cls = q_class(value)
                break
        if kind in ("text/markdown", "text/x-markdown"):
            md = max(md, cls)
        elif kind == "text/html":
            html = max(html, cls)
    return md, html


def prefers_markdown(accept: str | None) -> bool:
    """True when the Accept header asks for Markdown before HTML (see the module docstring)."""
    if not accept:
        return False
    md, html = accept_classes(accept)
    return md > 0 and md >= html


@dataclass(frozen=True)
class PageTwin:
    """The twin of a page URL: the file that holds it and the `Link` target to announce."""

    file: str  # site path of the twin file (`/x/y/index.html.md`), decoded
    link: str  # the canonical twin relative to the page URL (`../y.md`), percent-encoded


# The characters a URL path segment may hold as they are (RFC 3986 `pchar`, without `%`: the
# names given are decoded); a `Link` target is `<URI-Reference>` (RFC 8288), so the others
# are percent-encoded.
_PCHAR = "!$&'()*+,;=:@~"
# A path segment as a server sees it in the request line: percent-encoded (a client that
# sends raw UTF-8 or spaces sends an invalid URL, whose segment is not put in a Link header).
_SEGMENT = r"[A-Za-z0-9._~!$&'()*+,;=:@%-]+"


def page_twin(path: str) -> PageTwin | None:
    """Where the twin of the page at the decoded URL path `path` would be (the twin exists
    only if the file does), and the page's canonical twin, the one its `<link
    rel="alternate">` names (`exports.page_twin_path`: `/x/y/` and `/x/y/index.html` ->
    `../y.md`, `/x/y.html` -> `y.md`); None when `path` is no page URL."""
    if path.endswith("/"):
        page = path + "index.html"
    elif path.endswith(".html"):
        page = path
    else:
        return None
    if page.endswith("/index.html"):
        folder = page[: -len("/index.html")]
        link = "index.md" if not folder else "../" + folder.rsplit("/", 1)[1] + ".md"
    else:
        link = page.rsplit("/", 1)[1][: -len(".html")] + ".md"
    return PageTwin(page + TWIN_SUFFIX, _encoded(link))


def link_header(link: str) -> str:
    """The `Link` header value announcing the twin at `link`."""
    return f'<{link}>; rel="alternate"; type="text/markdown"'


def content_type(path: str) -> str | None:
    """The Content-Type every configuration gives the file at `path` (None: the server's)."""
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".md"):
        return MARKDOWN_TYPE
    if name in LLMS_FILES:
        return TEXT_TYPE
    if name.endswith(".html"):
        return HTML_TYPE
    return None


# -- the rules, as regular expressions -------------------------------------------------------


def entry_regex(media: str, cls: int) -> str:
    """A regex (PCRE, RE2 and JavaScript alike; lower case) finding an entry of the media range
    `media` whose q class is `cls` (1-10) anywhere in an Accept header."""
    head = rf"(?:^|,)\s*{media}"
    if cls == 10:  # no q parameter, or q=1
        return head + r"(?:\s*;\s*(?:[^q\s,;][^,;]*|q[^=,;][^,;]*|q=1(?:\.0?0?0?)?))*\s*(?:,|$)"
    return head + rf"\s*;(?:[^,]*;)?\s*q=0\.{cls}\d?\d?\s*(?:[;,]|$)"


def decision_regex() -> str:
    """Matches `"<md class>:<html class>"` (classes 1-10, empty when 0) when Markdown wins."""
    parts = ["10:.*"] + [f"{a}:[1-{a}]?" for a in range(9, 0, -1)]
    return "^(?:" + "|".join(parts) + ")$"


def lookahead_regex() -> str:
    """One JavaScript/PCRE regex matching a whole Accept header that prefers Markdown (for
    hosts that test a header against a single pattern)."""
    cases = []
    for a in range(10, 0, -1):
        beaten = "|".join(entry_regex(_HTML, b) for b in range(10, a, -1))
        case = f"(?=.*{entry_regex(_MD, a)})"
        if beaten:
            case += f"(?!.*(?:{beaten}))"
        cases.append(case)
    return "(?:" + "|".join(cases) + ").*"


def caseless(regex: str) -> str:
    """`regex` with every ASCII letter matching both cases, for engines without a flag."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            out.append(regex[i:i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch + ch.swapcase() if ch.isascii() and ch.isalpha() else ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
            if regex[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
        elif ch.isascii() and ch.isalpha():
            out.append(f"[{ch}{ch.swapcase()}]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


# -- pages of a built site ---------------------------------------------------------------------


def twinned_pages(site_dir: Path) -> list[str]:
    """URL paths of the pages of a built site that have a twin (`/`, `/x/y/`, `/z.html`)."""
    twins = (p.relative_to(site_dir).as_posix() for p in sorted(site_dir.rglob("*.html.md")))
    return pages_of_twins(t for t in twins if (site_dir / t).is_file()
                          and (site_dir / t[: -len(TWIN_SUFFIX)]).is_file())


def pages_of_twins(twins: Iterable[str]) -> list[str]:
    """URL paths of the pages whose twin aliases (site paths, `x/y/index.html.md`) are given."""
    pages = []
    for twin in twins:
        page = twin[: -len(TWIN_SUFFIX)]
        if page == "index.html":
            pages.append("/")
        elif page.endswith("/index.html"):
            pages.append("/" + page[: -len("index.html")])
        else:
            pages.append("/" + page)
    return pages


# -- configurations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HostFile:
    """One file of a host's configuration: where it goes and what it holds."""

    path: str  # relative to the project (or, for published files, to the site)
    text: str
    published: bool  # lives in the site folder


def _quote(value: str) -> str:
    return '"' + value.replace('"', '\\"') + '"'


def nginx(site_dir: Path, port: int, bind: str = "", server_name: str = "") -> str:
    """An nginx `http`-context fragment: the maps and a server on `bind`:`port` for the host
    `server_name` (the host of site_url: without it, the port's default server answers
    requests for other names, such as Debian's `sites-enabled/default`)."""
    md = "\n".join(f"    {_quote('~*' + entry_regex(_MD, c))} {c};" for c in range(10, 0, -1))
    html = "\n".join(f"    {_quote('~*' + entry_regex(_HTML, c))} {c};" for c in range(10, 0, -1))
    root = _quote(str(site_dir.resolve()))
    names = f"    server_name {server_name};\n" if server_name else ""
    return f"""\
# guidebook: serve the Markdown twins to agents (an nginx http-context fragment).
# Include it in the http {{}} block (e.g. /etc/nginx/conf.d/guidebook.conf); nginx's own
# mime.types stay in force. Generated by `guidebook host-config nginx`.

# The highest q class (first decimal, 10 = q=1) of Markdown and of HTML in the Accept header.
map $http_accept $guidebook_md_q {{
    default "";
{md}
}}
map $http_accept $guidebook_html_q {{
    default "";
{html}
}}
# 1 when Markdown wins: it is named with q > 0 and HTML is not named with a higher q.
map "$guidebook_md_q:$guidebook_html_q" $guidebook_markdown {{
    default 0;
    {_quote('~' + decision_regex())} 1;
}}
# A page URL's twin file (`/x/y/` -> `/x/y/index.html.md`) and canonical twin (relative).
map $uri $guidebook_twin {{
    default "";
    "~^(?<p>.*/)$" "${{p}}index.html.md";
    "~^(?<p>.*\\.html)$" "${{p}}.md";
}}
# The canonical twin is named from the request line's own path ($uri is decoded, and nginx
# cannot percent-encode it again): a client that sends an invalid path gets no Link.
map $request_uri $guidebook_link {{
    default "";
    "~^/(?:index\\.html)?(?:\\?|$)" "index.md";
    "~^[^?]*/(?<n>{_SEGMENT})/(?:index\\.html)?(?:\\?|$)" "../${{n}}.md";
    "~^[^?]*/(?<n>{_SEGMENT})\\.html(?:\\?|$)" "${{n}}.md";
}}
map $guidebook_link $guidebook_link_value {{
    "" "";
    default '<$guidebook_link>; rel="alternate"; type="text/markdown"';
}}

server {{
    listen {bind + ":" if bind else ""}{port};
{names}    root {root};
    index index.html;
    charset utf-8;
    charset_types text/plain text/markdown text/css application/javascript application/json
                  text/xml;
    error_page 404 /404.html;

    # Agents that prefer Markdown get a page's twin, when it has one.
    set $guidebook_try "";
    if ($guidebook_markdown) {{
        set $guidebook_try $guidebook_twin;
    }}
    if (-f $document_root$guidebook_try) {{
        rewrite ^ $guidebook_try last;
    }}
    # Browsers get the HTML, which names its twin in a Link header.
    set $guidebook_link_header "";
    if (-f $document_root$guidebook_twin) {{
        set $guidebook_link_header $guidebook_link_value;
    }}

    # Files as they are; a folder named without its `/` is redirected to its page URL.
    location / {{
    }}
    # (a folder without index.html is a 404, as any unknown path, not a 403)
    location ~ /$ {{
        try_files ${{uri}}index.html =404;
        add_header Vary Accept always;
        add_header Link $guidebook_link_header always;
    }}
    location ~ \\.html$ {{
        try_files $uri =404;
        add_header Vary Accept always;
        add_header Link $guidebook_link_header always;
    }}
    location ~ \\.md$ {{
        types {{ }}
        default_type "text/markdown";
        add_header Vary Accept always;
        try_files $uri =404;
    }}
    location ~ ^/llms(?:-full)?\\.txt$ {{
        types {{ }}
        default_type "text/plain";
        try_files $uri =404;
    }}
}}
"""


def _apache_quote(value: str) -> str:
    return value.replace('"', '\\"')


def apache() -> str:
    """An `.htaccess` for the site folder (Apache 2.4)."""
    md = "\n".join(f'SetEnvIfNoCase Accept "{entry_regex(_MD, c)}" GUIDEBOOK_MD_Q={c}'
                   for c in range(1, 11))
    html = "\n".join(f'SetEnvIfNoCase Accept "{entry_regex(_HTML, c)}" GUIDEBOOK_HTML_Q={c}'
                     for c in range(1, 11))
    links = "\n".join(
        f'Header always set Link "{_apache_quote(link_header(f"%{{{var}}}e"))}" env={var}'
        for var in ("GUIDEBOOK_LINK", "REDIRECT_GUIDEBOOK_LINK"))
    return f"""\
# guidebook: serve the Markdown twins to agents (an .htaccess for the site folder).
# Needs Apache 2.4 with mod_rewrite, mod_headers, mod_setenvif and mod_mime
# (Debian: a2enmod rewrite headers), and for this folder `AllowOverride FileInfo` (or All)
# and `Options +SymLinksIfOwnerMatch` (or +FollowSymLinks). Assumes the site is served at
# the root of its host (ErrorDocument).
# Generated by `guidebook host-config apache`.

AddType "text/markdown; charset=utf-8" .md
AddCharset utf-8 .html
<FilesMatch "^llms(-full)?\\.txt$">
    ForceType "text/plain; charset=utf-8"
</FilesMatch>
ErrorDocument 404 /404.html

# The highest q class (first decimal, 10 = q=1) of Markdown and of HTML in the Accept header:
# later lines win, so the classes go up.
{md}
{html}

RewriteEngine On
# Agents that prefer Markdown get a page's twin, when it has one ($1 is decoded: B escapes
# what would be read as an escape or a query again).
RewriteCond "%{{ENV:GUIDEBOOK_MD_Q}}:%{{ENV:GUIDEBOOK_HTML_Q}}" "{decision_regex()}"
RewriteCond %{{REQUEST_FILENAME}} -d
RewriteCond %{{REQUEST_FILENAME}}/index.html.md -f
RewriteRule ^(.*/)?$ $1index.html.md [END,B=%?#,E=GUIDEBOOK_TWIN:1]
RewriteCond "%{{ENV:GUIDEBOOK_MD_Q}}:%{{ENV:GUIDEBOOK_HTML_Q}}" "{decision_regex()}"
RewriteCond %{{REQUEST_FILENAME}}.md -f
RewriteRule ^(.*\\.html)$ $1.md [END,B=%?#,E=GUIDEBOOK_TWIN:1]
# Browsers get the HTML, which names its canonical twin in a Link header: the page's name
# as the request line has it (percent-encoded; a client that sends an invalid path gets none).
RewriteCond %{{REQUEST_FILENAME}} -d
RewriteCond %{{REQUEST_FILENAME}}/index.html.md -f
RewriteRule ^$ - [E=GUIDEBOOK_LINK:index.md]
RewriteCond %{{REQUEST_FILENAME}} -d
RewriteCond %{{REQUEST_FILENAME}}/index.html.md -f
RewriteCond %{{THE_REQUEST}} "^\\S+ [^?\\s]*/({_SEGMENT})/(?:\\?\\S*)?(?:\\s|$)"
RewriteRule . - [E=GUIDEBOOK_LINK:../%1.md]
RewriteCond %{{REQUEST_FILENAME}}.md -f
RewriteRule ^index\\.html$ - [E=GUIDEBOOK_LINK:index.md]
RewriteCond %{{REQUEST_FILENAME}}.md -f
RewriteCond %{{THE_REQUEST}} "^\\S+ [^?\\s]*/({_SEGMENT})/index\\.html(?:\\?\\S*)?(?:\\s|$)"
RewriteRule . - [E=GUIDEBOOK_LINK:../%1.md]
RewriteCond %{{REQUEST_FILENAME}}.md -f
RewriteCond %{{REQUEST_FILENAME}} !/index\\.html$
RewriteCond %{{THE_REQUEST}} "^\\S+ [^?\\s]*/({_SEGMENT})\\.html(?:\\?\\S*)?(?:\\s|$)"
RewriteRule . - [E=GUIDEBOOK_LINK:%1.md]

<If "%{{REQUEST_URI}} =~ m#(/|\\.html|\\.md)$#">
    Header always merge Vary Accept
</If>
{links}
"""


def caddy(site_dir: Path, port: int, bind: str = "") -> str:
    """A Caddyfile serving the site on `bind`:`port`."""
    md = "\n".join(f"\t\t~(?i){entry_regex(_MD, c)} {c}" for c in range(10, 0, -1))
    html = "\n".join(f"\t\t~(?i){entry_regex(_HTML, c)} {c}" for c in range(10, 0, -1))
    root = _quote(str(site_dir.resolve()))
    return f"""\
# guidebook: serve the Markdown twins to agents (a Caddyfile).
# Generated by `guidebook host-config caddy`.
http://:{port} {{
\t{"bind " + bind if bind else "# bind 127.0.0.1"}
\troot * {root}

\t# The highest q class (first decimal, 10 = q=1) of Markdown and of HTML in the Accept
\t# header, and whether Markdown wins (named with q > 0, HTML not named with a higher q).
\tmap {{header.Accept}} {{guidebook_md_q}} {{
{md}
\t\tdefault ""
\t}}
\tmap {{header.Accept}} {{guidebook_html_q}} {{
{html}
\t\tdefault ""
\t}}
\tmap {{guidebook_md_q}}:{{guidebook_html_q}} {{guidebook_markdown}} {{
\t\t~{decision_regex()} 1
\t\tdefault 0
\t}}

\t# Agents that prefer Markdown get a page's twin, when it has one.
\t@twin_dir {{
\t\tvars {{guidebook_markdown}} 1
\t\tpath */
\t\tfile {{path}}index.html.md
\t}}
\t@twin_html {{
\t\tvars {{guidebook_markdown}} 1
\t\tpath *.html
\t\tfile {{path}}.md
\t}}
\theader @twin_dir Content-Type "{MARKDOWN_TYPE}"
\theader @twin_html Content-Type "{MARKDOWN_TYPE}"
\trewrite @twin_dir {{path}}index.html.md
\trewrite @twin_html {{path}}.md

\t# Browsers get the HTML, which names its canonical twin in a Link header: the page's
\t# name as the (percent-encoded) request URI has it.
\t@link_root {{
\t\tnot vars {{guidebook_markdown}} 1
\t\tpath / /index.html
\t\tfile /index.html.md
\t}}
\t@link_dir {{
\t\tnot vars {{guidebook_markdown}} 1
\t\tpath */
\t\tvars_regexp page {{http.request.uri}} ^[^?]*/({_SEGMENT})/(?:\\?.*)?$
\t\tfile {{path}}index.html.md
\t}}
\t@link_index {{
\t\tnot vars {{guidebook_markdown}} 1
\t\tpath */index.html
\t\tvars_regexp page {{http.request.uri}} ^[^?]*/({_SEGMENT})/index\\.html(?:\\?.*)?$
\t\tfile {{path}}.md
\t}}
\t@link_file {{
\t\tnot vars {{guidebook_markdown}} 1
\t\tpath *.html
\t\tnot path */index.html
\t\tvars_regexp file {{http.request.uri}} ^[^?]*/({_SEGMENT})\\.html(?:\\?.*)?$
\t\tfile {{path}}.md
\t}}
\theader @link_root Link "{link_header('index.md').replace('"', chr(92) + '"')}"
\theader @link_dir Link "{link_header('../{re.page.1}.md').replace('"', chr(92) + '"')}"
\theader @link_index Link "{link_header('../{re.page.1}.md').replace('"', chr(92) + '"')}"
\theader @link_file Link "{link_header('{re.file.1}.md').replace('"', chr(92) + '"')}"

\t@pages path */ *.html *.md
\theader @pages Vary Accept
\t@markdown path *.md
\theader @markdown Content-Type "{MARKDOWN_TYPE}"
\t@llms path /llms.txt /llms-full.txt
\theader @llms Content-Type "{TEXT_TYPE}"

\tfile_server
\t# (the error page is HTML, whatever type the path's own file would have had)
\thandle_errors {{
\t\trewrite * /404.html
\t\theader Content-Type "{HTML_TYPE}"
\t\tfile_server
\t}}
}}
"""


_JS_CORE = """\
// guidebook: serve the Markdown twins to agents. Generated by `guidebook host-config HOST`.
// A page URL (ending in / or .html) whose page file F has a twin F.md answers requests that
// prefer text/markdown (q-values compared by their first decimal) with the twin.
const MARKDOWN = "text/markdown; charset=utf-8";
const TEXT = "text/plain; charset=utf-8";
const LLMS = new Set(["/llms.txt", "/llms-full.txt"]);

function qClass(q) {
  if (!/^(?:0(?:\\.[0-9]{0,3})?|1(?:\\.0{0,3})?)$/.test(q)) return 0;
  return q.startsWith("1") ? 10 : q.length > 2 ? Number(q[2]) : 0;
}

export function prefersMarkdown(accept) {
  if (!accept) return false;
  let md = 0;
  let html = 0;
  for (const entry of accept.split(",")) {
    const [kind, ...params] = entry.split(";").map((part) => part.trim());
    let cls = 10;
    for (const param of params) {
      const at = param.indexOf("=");
      if ((at < 0 ? param : param.slice(0, at)).toLowerCase() === "q") {
        cls = qClass(at < 0 ? "" : param.slice(at + 1));
        break;
      }
    }
    const type = kind.toLowerCase();
    if (type === "text/markdown" || type === "text/x-markdown") md = Math.max(md, cls);
    else if (type === "text/html") html = Math.max(html, cls);
  }
  return md > 0 && md >= html;
}

export function pageTwin(path) {
  let page;
  if (path.endsWith("/")) page = path + "index.html";
  else if (path.endsWith(".html")) page = path;
  else return null;
  let link;
  if (page.endsWith("/index.html")) {
    const folder = page.slice(0, -"/index.html".length);
    link = folder ? "../" + folder.slice(folder.lastIndexOf("/") + 1) + ".md" : "index.md";
  } else {
    link = page.slice(page.lastIndexOf("/") + 1, -".html".length) + ".md";
  }
  return { file: page + ".md", link };
}

function withHeaders(response, set) {
  const headers = new Headers(response.headers);
  for (const [key, value] of Object.entries(set)) {
    if (key === "Vary") {
      const vary = headers.get("Vary");
      if (vary && vary.toLowerCase().split(/\\s*,\\s*/).includes("accept")) continue;
      headers.set("Vary", vary ? vary + ", Accept" : "Accept");
    } else {
      headers.set(key, value);
    }
  }
  return new Response(response.body, {
    status: response.status, statusText: response.statusText, headers,
  });
}

// `asset(url)`: the site's file at url (a Response); `next()`: the response without us.
export async function negotiate(request, asset, next) {
  const url = new URL(request.url);
  const path = url.pathname;
  if (path.endsWith(".md")) {
    const response = await next();  // (a 404 keeps its HTML page's type)
    return withHeaders(response, response.ok ? { "Content-Type": MARKDOWN, Vary: "Accept" }
      : { Vary: "Accept" });
  }
  if (LLMS.has(path)) {
    const response = await next();
    return response.ok ? withHeaders(response, { "Content-Type": TEXT }) : response;
  }
  const twin = pageTwin(path);
  if (twin === null || (request.method !== "GET" && request.method !== "HEAD")) return next();
  const found = await asset(new URL(twin.file, url).href);
  if (found.ok && prefersMarkdown(request.headers.get("Accept"))) {
    return withHeaders(found, { "Content-Type": MARKDOWN, Vary: "Accept" });
  }
  const response = await next();
  const headers = { Vary: "Accept" };
  const type = response.headers.get("Content-Type") || "";
  if (found.ok && response.ok && type.startsWith("text/html")) {
    headers.Link = `<${twin.link}>; rel="alternate"; type="text/markdown"`;
  }
  return withHeaders(response, headers);
}
"""


def cloudflare() -> str:
    """A Cloudflare Pages `_worker.js` (advanced mode) for the site folder."""
    return _JS_CORE.replace("HOST", "cloudflare") + """
export default {
  async fetch(request, env) {
    return negotiate(request, (url) => env.ASSETS.fetch(url), () => env.ASSETS.fetch(request));
  },
};
"""


def netlify_function() -> str:
    """The Netlify edge function (`netlify/edge-functions/guidebook-markdown.js`)."""
    return _JS_CORE.replace("HOST", "netlify") + """
export default async (request, context) =>
  negotiate(request, (url) => fetch(url), () => context.next());

export const config = {
  path: "/*",
  excludedPath: ["/assets/*", "/search/*", "/images/*"],
};
"""


def netlify_toml() -> str:
    """netlify.toml: the content types of the Markdown and llms files (the edge function
    declares its own paths)."""
    lines = ["# guidebook: serve the Markdown twins to agents (with the edge function in",
             f"# {NETLIFY_FUNCTION}). Generated by `guidebook host-config netlify`.", ""]
    for path, ctype in (("/*.md", MARKDOWN_TYPE), *((f"/{n}", TEXT_TYPE) for n in LLMS_FILES)):
        lines += ["[[headers]]", f'  for = "{path}"', "  [headers.values]",
                  f'    Content-Type = "{ctype}"', ""]
    return "\n".join(lines)


def netlify_headers() -> str:
    """A Netlify `_headers` file for the site folder: the llms files' content type."""
    lines = ["# guidebook: content types of the llms files (the Markdown twins get theirs",
             f"# from the edge function in {NETLIFY_FUNCTION})."]
    for name in LLMS_FILES:
        lines += [f"/{name}", f"  Content-Type: {TEXT_TYPE}"]
    return "\n".join(lines) + "\n"


def _path_pattern(paths: list[str]) -> str:
    """An alternation of literal paths for a path-to-regexp custom pattern."""
    return "|".join(re.sub(r"([.+*?^$()\[\]{}|\\])", r"\\\1", p) for p in paths)


def vercel(pages: list[str]) -> str:
    """vercel.json for the site folder: rewrites with a `has` Accept condition and headers for
    the pages with a twin (folder pages in groups, one alternation each). Vercel matches the
    request's percent-encoded path: the pages' paths (decoded) are encoded."""
    accept = [{"type": "header", "key": "accept", "value": caseless(lookahead_regex())}]
    headers: list[dict[str, object]] = [
        {"source": "/(.*)\\.md", "headers": [{"key": "Content-Type", "value": MARKDOWN_TYPE},
                                              {"key": "Vary", "value": "Accept"}]},
        *({"source": f"/{name}", "headers": [{"key": "Content-Type", "value": TEXT_TYPE}]}
          for name in LLMS_FILES),
    ]
    # (source, destination, Link target relative to the page)
    groups: list[tuple[str, str, str]] = []
    if "/" in pages:
        groups.append(("/", "/index.html.md", "index.md"))
    folders = sorted(_encoded(p.strip("/")) for p in pages if p.endswith("/") and p != "/")
    for at in range(0, len(folders), VERCEL_GROUP):
        chunk = folders[at:at + VERCEL_GROUP]
        groups.append((f"/:page({_path_pattern(chunk)})/", "/:page/index.html.md",
                       "index.html.md"))
    for page in sorted(p for p in pages if not p.endswith("/")):  # use_directory_urls: false
        twin = page_twin(page)
        assert twin is not None
        groups.append((_encoded(page), _encoded(twin.file), twin.link))
    rewrites = []
    for source, destination, link in groups:
        rewrites.append({"source": source, "has": accept, "destination": destination})
        headers.append({"source": source, "has": accept,
                        "headers": [{"key": "Content-Type", "value": MARKDOWN_TYPE},
                                    {"key": "Vary", "value": "Accept"}]})
        headers.append({"source": source, "missing": accept,
                        "headers": [{"key": "Vary", "value": "Accept"},
                                    {"key": "Link", "value": link_header(link)}]})
    config = {"rewrites": rewrites, "headers": headers}
    return json.dumps(config, indent=2, ensure_ascii=False) + "\n"


def _encoded(path: str) -> str:
    """A decoded URL path, percent-encoded."""
    return urllib.parse.quote(path, safe="/" + _PCHAR)


def written_here(file: HostFile, old: str) -> bool:
    """Whether `old`, the text found at `file.path`, is what `host-config` writes there (an
    earlier run's, for another site or version), so that writing `file` loses nothing: the
    same text, a file that starts with this module's header comment, or a vercel.json (JSON
    has no comments) that is exactly what `vercel` writes for some site's pages."""
    if old == file.text:
        return True
    if file.path.endswith("vercel.json"):
        try:
            data = json.loads(old)
        except ValueError:
            return False
        pages = _vercel_pages(data)
        return pages is not None and json.loads(vercel(pages)) == data
    return old.lstrip("\ufeff").startswith(("# guidebook:", "// guidebook:"))


def _vercel_pages(data: Any) -> list[str] | None:
    """The pages a vercel.json made by `vercel` was written for, read from its rewrites (None:
    it is not shaped as one; the caller compares it with `vercel`'s text for those pages)."""
    rewrites = data.get("rewrites") if isinstance(data, dict) else None
    if not isinstance(rewrites, list):
        return None
    pages: list[str] = []
    for rule in rewrites:
        source = rule.get("source") if isinstance(rule, dict) else None
        if not isinstance(source, str):
            return None
        if source.startswith("/:page(") and source.endswith(")/"):
            pages += [urllib.parse.unquote(f"/{folder}/")
                      for folder in _split_pattern(source[len("/:page("):-2])]
        elif source == "/" or (source.startswith("/") and source.endswith(".html")):
            pages.append(urllib.parse.unquote(source))
        else:
            return None
    return pages


def _split_pattern(pattern: str) -> list[str]:
    """The literal paths of an alternation made by `_path_pattern`."""
    paths, current, chars = [], [], iter(pattern)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == "|":
            paths.append("".join(current))
            current = []
        else:
            current.append(char)
    return [*paths, "".join(current)]


def host_files(host: str, *, site_dir: Path, port: int = DEFAULT_PORT, bind: str = "",
               pages: list[str] | None = None, site_url: str | None = None,
               server_name: str | None = None) -> list[HostFile]:
    """The files of `host`'s configuration for the site built in `site_dir`. `pages` (the
    twinned pages' URL paths) is read from the site when a host needs it and it is None;
    `site_url` too (the home page's canonical URL: "" for none). nginx's `server_name` is
    site_url's host unless given. A site_url with a path gets a note (the configurations
    serve the site at the root of its host)."""
    if site_url is None:
        site_url = built_site_url(site_dir)
    url = urllib.parse.urlsplit(site_url)
    if url.path.strip("/") and host in HOSTS:
        log.warning(f"guidebook: note: site_url {site_url} has a path, but the {host} "
                    f"configuration serves the site at the root of its host (its 404 page "
                    f"is /404.html): serve the site from a host of its own, or set site_url "
                    f"to its host's root")
    if host == "nginx":
        name = (url.hostname or "") if server_name is None else server_name
        return [HostFile("guidebook.nginx.conf", nginx(site_dir, port, bind, name), False)]
    if host == "apache":
        return [HostFile(".htaccess", apache(), True)]
    if host == "caddy":
        return [HostFile("Caddyfile", caddy(site_dir, port, bind), False)]
    if host == "netlify":
        return [HostFile("netlify.toml", netlify_toml(), False),
                HostFile(NETLIFY_FUNCTION, netlify_function(), False),
                HostFile("_headers", netlify_headers(), True)]
    if host == "vercel":
        if pages is None:
            if not site_dir.is_dir():
                raise HostConfigError(f"{site_dir}: no built site there (vercel.json lists "
                                      f"the pages: run `mkdocs build` first, or pass "
                                      f"--site-dir)")
            pages = twinned_pages(site_dir)
        return [HostFile("vercel.json", vercel(pages), True)]
    if host == "cloudflare":
        return [HostFile("_worker.js", cloudflare(), True)]
    raise HostConfigError(f"unknown host {host!r}: use one of {', '.join(HOSTS)}")


def built_site_url(site_dir: Path) -> str:
    """The site_url a built site was made with: its home page's canonical URL (MkDocs'
    themes write it when site_url is set), without its `index.html`; "" when unknown."""
    try:
        text = (site_dir / "index.html").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    finder = _Canonical()
    finder.feed(text[: text.find("</head>") if "</head>" in text else len(text)])
    found = finder.href.strip()
    if urllib.parse.urlsplit(found).scheme not in ("http", "https"):
        return ""
    return found.removesuffix("index.html")


class _Canonical(html.parser.HTMLParser):
    """The `href` of a page's `<link rel="canonical">`."""

    href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and "canonical" in (found.get("rel") or "").lower().split():
            self.href = self.href or found.get("href") or ""


def published_files(hosts: Iterable[str], twins: Iterable[str]) -> dict[str, str]:
    """Site path -> text of the files of `hosts` that live in the site folder; `twins` are
    the site paths of the twin aliases (`x/y/index.html.md`)."""
    pages = pages_of_twins(twins)
    found: dict[str, str] = {}
    for host in hosts:
        if host in ("nginx", "caddy"):
            raise HostConfigError(f"{host} is configured on the server, not in the site: "
                                  f"run `guidebook host-config {host}` instead")
        for file in host_files(host, site_dir=Path("."), pages=pages, site_url=""):
            if file.published:
                found[file.path] = file.text
    return found


# -- local servers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """How a local server answers a request: the site path to serve and headers to add."""

    path: str
    headers: dict[str, str]
    content_type: str | None  # replaces the server's guess on a 200


def negotiate(path: str, accept: str | None, is_file: Callable[[str], bool]) -> Answer:
    """The answer to a GET of the site path `path` (decoded, from `/`) with this Accept header;
    `is_file(site_path)` tells whether the site has that file."""
    twin = page_twin(path)
    if twin is None:
        return Answer(path, {"Vary": "Accept"} if path.endswith(".md") else {},
                      content_type(path))
    page = path + "index.html" if path.endswith("/") else path
    if not (is_file(page) and is_file(twin.file)):
        return Answer(path, {"Vary": "Accept"}, content_type(page))
    if prefers_markdown(accept):
        return Answer(twin.file, {"Vary": "Accept"}, MARKDOWN_TYPE)
    return Answer(path, {"Vary": "Accept", "Link": link_header(twin.link)}, HTML_TYPE)


def _site_file(root: Path) -> Callable[[str], bool]:
    base = root.resolve()

    def is_file(path: str) -> bool:
        target = (base / path.lstrip("/")).resolve()
        return (target == base or base in target.parents) and target.is_file()

    return is_file


class NegotiatingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site the way the generated configurations do (`guidebook serve`)."""

    _answer: Answer | None = None

    def send_head(self) -> Any:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        self._answer = negotiate(path, self.headers.get("Accept"),
                                 _site_file(Path(self.directory)))
        if self._answer.path != path:
            self.path = urllib.parse.quote(self._answer.path)
        return super().send_head()

    def list_directory(self, path: Any) -> None:
        """A folder without index.html is an unknown path, as on the hosts: a 404."""
        self.send_error(404)

    def send_header(self, keyword: str, value: str) -> None:
        answer = self._answer
        if answer is not None and answer.content_type and keyword.lower() == "content-type":
            value = answer.content_type
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        if self._answer is not None:
            for key, value in self._answer.headers.items():
                super().send_header(key, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        self._answer = None
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", HTML_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def make_server(site_dir: Path, port: int, bind: str = "127.0.0.1",
                quiet: bool = False) -> http.server.ThreadingHTTPServer:
    """A server for the site in `site_dir` on `bind`:`port` (call `serve_forever`)."""

    class Handler(NegotiatingHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site_dir), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            if not quiet:
                super().log_message(format, *args)

    return http.server.ThreadingHTTPServer((bind, port), Handler)


def negotiating_app(app: Callable[..., Any], root: Callable[[], str],
                    mount_path: str = "/") -> Callable[..., Any]:
    """A WSGI middleware serving the site that `app` serves from the folder `root()` (at
    `mount_path`) with the same negotiation (for `mkdocs serve`)."""
    mount = mount_path if mount_path.endswith("/") else mount_path + "/"

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        raw = environ.get("PATH_INFO", "")
        path = raw.encode("latin-1").decode("utf-8", "ignore")
        if (environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
                or not (path + "/").startswith(mount)):
            return app(environ, start_response)
        site_path = "/" + path[len(mount):]
        answer = negotiate(site_path, environ.get("HTTP_ACCEPT"), _site_file(Path(root())))
        if answer.path != site_path:
            served = mount.rstrip("/") + answer.path
            environ = {**environ, "PATH_INFO": served.encode("utf-8").decode("latin-1")}

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if status.startswith("200"):
                if answer.content_type:
                    headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
                    headers.append(("Content-Type", answer.content_type))
                headers = [*headers, *answer.headers.items()]
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return middleware
