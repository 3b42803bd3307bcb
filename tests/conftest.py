"""Shared fixtures: write a mini docs project into a temp dir and build it with MkDocs."""

from __future__ import annotations

import signal
import socket
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = ROOT.parent / "shared" / "reference"


def write_project(
    root: Path,
    guides: dict[str, str],
    *,
    plugin: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    docs: dict[str, str] | None = None,
) -> Path:
    """A docs project in `root`: mkdocs.yml, docs/ and guides/; returns mkdocs.yml's path."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    for rel, text in (docs or {"index.md": "# Home\n\nWelcome.\n"}).items():
        path = root / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for rel, text in guides.items():
        path = root / "guides" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "guides").mkdir(exist_ok=True)
    options = {"brand": {"name": "Acme", "hub": "Acme Hub", "callback_base": "https://acme.test"}}
    options.update(plugin or {})
    cfg: dict[str, Any] = {
        "site_name": "Test guides",
        "site_url": "https://guides.example.test/",
        "theme": {"name": "material"},
        "plugins": ["search", {"guidebook": options}],
    }
    cfg.update(config or {})
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


def build(config_file: Path, *, strict: bool = True, **overrides: Any) -> Path:
    """Build the project with MkDocs' own build function; returns the site dir."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    # Fresh plugin objects, as a new `mkdocs build` process has: MkDocs keeps those with an
    # on_startup hook (for `serve`) in a cache shared by every config, and Material's search
    # plugin would carry a dirty build's index of another test into this one.
    MkDocsConfig.plugins.plugin_cache.clear()
    cfg = load_config(config_file=str(config_file), strict=strict, **overrides)
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(cfg)
    finally:
        cfg.plugins.on_shutdown()
    return Path(cfg.site_dir)


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """`project(guides, **kw)` writes a project into tmp_path and returns mkdocs.yml."""

    def make(guides: dict[str, str], **kw: Any) -> Path:
        return write_project(tmp_path, guides, **kw)

    return make


# Code (blank lines, a line of spaces, deeper indentation) in every place guide
# Markdown goes, list items and callouts that begin with what would open a block of
# Markdown, no-break spaces and line separators in one-line texts.
LITERAL_GUIDE = """\
connector: {key: codey, name: Codey, category: Developer tools}
auth: {label: API Key}
title: "Connect Codey in 10\\u00a0min"
description: "Two\\u2028lines,\\ta tab and 5\\u202fs"
warning: "```text\\nsome code\\n\\n  indented\\n```"
callouts:
  - {type: note, text: "| a | b |\\n| - | - |\\n| 1 | 2 |"}
  - {type: tip, text: "1. one\\n2. two"}
  - {type: info, text: "Before:\\n\\n```sh\\nexport A=1\\n\\n    echo $A\\n```\\n\\nAfter."}
sections:
  - title: Setup
    content: "Intro:\\n\\n```json\\n{\\n  \\"a\\": 1,\\n\\n  \\"b\\": 2\\n}\\n```"
    list: ["- dash item", "+ plus item", "1. numbered", "2) paren", "> quoted", "# head",
           "***", "---", "```", "===", "* * *", "Wait 10\\u00a0s"]
    steps:
      - title: "Paste in 10\\u00a0s"
        content: "Paste this:\\n\\n```json\\n{\\n  \\"a\\": 1,\\n   \\n  \\"b\\": 2  \\n}\\n```"
        list: ["- dash item", "+ plus item", "1. numbered", "2) paren", "> quoted"]
      - title: Only code
        content: "```text\\nline one\\n\\n\\nline four\\n```"
"""


HARVEST = """\
connector: {key: harvest, name: Harvest, category: Time tracking}
auth: {label: Personal Access Token}
warning: You need a Harvest login that can create tokens.
sections:
  - title: Create a token
    content: Tokens act for one Harvest user.
    steps:
      - title: Open the developer page
        content: Go to the [developer page](https://id.getharvest.com/developers).
      - title: Make the token
        content: Press **Create new personal access token**.
        list: ["Give it a name such as `{{ brand.name }} link`", Save it]
fields:
  - Personal Access Token
  - {label: Account ID, description: The number shown beside the token.}
"""


@pytest.fixture(autouse=True)
def _interruptible() -> Iterator[None]:
    """The processes a test starts hear SIGINT (builds it interrupts, servers it stops). A
    shell starts a background job (`make test &`) with SIGINT ignored, and every process it
    starts would inherit that: Python then never raises KeyboardInterrupt, and a test sending
    SIGINT would see a build that rightly ignores it. With a handler here, the processes start
    with SIGINT at its default (exec resets a handled signal)."""
    if signal.getsignal(signal.SIGINT) != signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes], how: int = signal.SIGTERM) -> None:
    """Stop a server the test started: `how`, then a kill if it lingers."""
    if process.poll() is None:
        process.send_signal(how)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
