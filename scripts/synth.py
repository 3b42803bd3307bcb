"""Synthetic but realistic guides for benchmarks and scale tests (fixed seed, deterministic).

    python scripts/synth.py OUT_DIR N      # writes OUT_DIR/mkdocs.yml, docs/, guides/ (N guides)
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import yaml

CATEGORIES = ["HRIS", "ATS", "CRM", "Accounting", "Ticketing", "Messaging", "Identity", "LMS",
              "Marketing", "Documents", "Time tracking", "Payroll", "Storage", "Analytics"]
AUTHS = ["API Key", "OAuth 2.0", "Personal Access Token", "Service User", "Basic Auth",
         "Client Credentials", "API Token"]
VERBS = ["Open", "Select", "Click", "Copy", "Enter", "Choose", "Confirm", "Enable", "Find", "Save"]
THINGS = ["the admin console", "**Settings**", "the **API** tab", "the developer portal",
          "**Integrations**", "the token page", "your profile menu", "**Security**",
          "the app registry", "the permissions screen"]
WORDS = ("account workspace token access admin permission scope client secret value field "
         "button page menu key user team role owner integration connection tenant domain").split()
SCOPE_VERBS = ["read", "write", "manage"]
SCOPE_NOUNS = ["users", "groups", "files", "messages", "channels", "reports", "employees", "jobs"]


def _sentence(rng: random.Random, n: int = 12) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return (" ".join(words)).capitalize() + "."


def _guide(rng: random.Random, key: str, name: str, category: str, auth: str,
           kind: str) -> dict:
    scopes = sorted({f"{rng.choice(SCOPE_NOUNS)}:{rng.choice(SCOPE_VERBS)}"
                     for _ in range(rng.randint(0, 8))})
    actions = []
    if scopes:
        for i in range(rng.randint(3, 16)):
            picked = sorted(set(rng.sample(scopes, k=min(len(scopes), rng.randint(1, 3)))))
            actions.append({"id": f"{key.replace('-', '_')}_action_{i}",
                            "label": f"{rng.choice(VERBS)} {rng.choice(WORDS)} {i}",
                            "scopes": picked})
    scopes = sorted({x for a in actions for x in a["scopes"]})  # only scopes an action declares
    sections = []
    for s in range(rng.randint(2, 4)):
        steps = []
        for t in range(rng.randint(2, 5)):
            step: dict = {"title": f"{rng.choice(VERBS)} {rng.choice(THINGS)}",
                          "content": f"{rng.choice(VERBS)} {rng.choice(THINGS)}. "
                                     f"{_sentence(rng)} See [the docs](https://{key}.example/"
                                     f"docs/{s}/{t})."}
            if rng.random() < 0.6:
                step["list"] = [_sentence(rng, rng.randint(5, 10)) for _ in range(rng.randint(1, 4))]
            if scopes and rng.random() < 0.25:
                step["scopes"] = [rng.choice(scopes)]
            if scopes and s == 0 and t == 0:
                step["display_scopes"] = True
            steps.append(step)
        section: dict = {"title": f"{rng.choice(VERBS)} {rng.choice(WORDS)} {s + 1}",
                         "content": _sentence(rng, 20), "steps": steps}
        if scopes and rng.random() < 0.15:
            section["scopes"] = [rng.choice(scopes)]
        sections.append(section)
    guide = {
        "connector": {"key": key, "name": name, "category": category},
        "kind": kind,
        "auth": {"label": auth},
        "warning": _sentence(rng, 14),
        "sections": sections,
        "fields": [auth, {"label": "Tenant ID", "description": _sentence(rng, 8)}],
    }
    if actions:
        guide["actions"] = actions
    return guide


def write_guides(out: Path, n: int, seed: int = 1234) -> list[Path]:
    """N guide files below out/guides (about 3 guides a connector)."""
    rng = random.Random(seed)
    written: list[Path] = []
    c = 0
    while len(written) < n:
        c += 1
        key = f"connector-{c:05d}"
        name = f"Product {c:05d}"
        category = CATEGORIES[c % len(CATEGORIES)]
        auths = rng.sample(AUTHS, k=rng.randint(1, 3))
        for auth in auths:
            for kind in ("link-account", "connector-profile"):
                if len(written) >= n or (kind == "connector-profile" and rng.random() < 0.5):
                    continue
                guide = _guide(rng, key, name, category, auth, kind)
                suffix = ".connector-profile" if kind == "connector-profile" else ""
                path = out / "guides" / key / f"{auth.lower().replace(' ', '-')}{suffix}.yaml"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(yaml.safe_dump(guide, sort_keys=False, allow_unicode=True),
                                encoding="utf-8")
                written.append(path)
    return written


def write_project(out: Path, n: int, seed: int = 1234) -> Path:
    """A whole guidebook project with N synthetic guides; returns its mkdocs.yml."""
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "docs" / "index.md").write_text("# Synthetic guides\n\nBenchmark site.\n")
    write_guides(out, n, seed)
    config = {
        "site_name": "Synthetic guides",
        "site_url": "https://bench.example/",
        "theme": {"name": "material"},
        "plugins": ["search", {"guidebook": {"brand": {"name": "Acme", "hub": "Acme Hub"}}}],
    }
    path = out / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


if __name__ == "__main__":
    target, count = Path(sys.argv[1]), int(sys.argv[2])
    print(write_project(target, count))
