"""Synthetic but realistic guides for benchmarks and scale tests (fixed seed, deterministic).

    python scripts/synth.py OUT_DIR N      # writes OUT_DIR/mkdocs.yml, docs/, guides/ (N guides)
    python scripts/synth.py --catalogue OUT_DIR N   # N connector files (the connectors index)
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
    write_guides(out, n, seed)
    return _project(out, "Synthetic guides")


def _project(out: Path, title: str) -> Path:
    """docs/index.md and mkdocs.yml of a benchmark project (its guides are written apart)."""
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "docs" / "index.md").write_text(f"# {title}\n\nBenchmark site.\n")
    config = {
        "site_name": title,
        "site_url": "https://bench.example/",
        "theme": {"name": "material"},
        "plugins": ["search", {"guidebook": {"brand": {"name": "Acme", "hub": "Acme Hub"}}}],
    }
    path = out / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


# -- a catalogue of connector files (StackOne format) -------------------------------------------

CATEGORY_IDS = ["hris", "ats", "crm", "accounting", "ticketing", "messaging", "iam", "lms",
                "marketing", "documents", "scheduling", "file_storage"]
SYLLABLES = ["al", "bri", "ca", "den", "el", "fo", "gra", "hal", "is", "jun", "ko", "lum", "mar",
             "nex", "or", "pel", "qui", "ros", "sa", "tor", "ul", "ver", "wen", "xa", "yo", "zel"]
SUFFIXES = ["", "", " HR", " Cloud", "ly", "ify", " Works", " One", " Hub", " Desk"]
METHODS = [("apiKey", "API Key"), ("oauth2", "OAuth 2.0"), ("basic", "Basic Auth"),
           ("serviceUser", "Service User"), ("token", "API Token")]


def catalogue_names(n: int, seed: int = 99) -> list[str]:
    """N distinct vendor names ("Brimar Cloud", "Kotorly", ...)."""
    rng = random.Random(seed)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        name = word.capitalize() + rng.choice(SUFFIXES)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _catalogue_connector(rng: random.Random, name: str, index: int) -> dict:
    slug = "".join(c for c in name.lower() if c.isalnum())
    cats = rng.sample(CATEGORY_IDS, k=rng.choices([1, 2, 3], weights=[70, 25, 5])[0])
    methods = rng.sample(METHODS, k=rng.choices([1, 2, 3], weights=[60, 30, 10])[0])
    with_guide = rng.random() < 0.25
    auth = []
    for i, (method, label) in enumerate(methods):
        entry: dict = {"type": "custom", "label": label,
                       "support": {"link": f"https://{slug}.example/docs/{method}",
                                   "description": _sentence(rng, 10)},
                       "configFields": [{"key": "secret", "label": label, "type": "password",
                                         "required": True, "secret": True}]}
        if with_guide and i == 0:
            entry["support"]["guides"] = {"config": {"sections": [{
                "title": f"Create the {label}",
                "steps": [{"title": f"{rng.choice(VERBS)} {rng.choice(THINGS)}",
                           "content": _sentence(rng)} for _ in range(2)]}]}}
        auth.append({method: entry})
    actions = [{"actionId": f"{slug}_{cat}_{i}", "label": f"{rng.choice(VERBS)} "
                f"{rng.choice(WORDS)} {i}", "categories": [cat], "actionType": "custom",
                "description": _sentence(rng, 8)}
               for cat in cats for i in range(2)]
    actions.append({"actionId": f"{slug}_refresh", "label": "Refresh", "categories": ["internal"],
                    "actionType": "refresh_token"})
    info: dict = {"title": name, "key": f"{slug}_{cats[0]}", "version": "1.0.0",
                  "description": _sentence(rng, 16)}
    if rng.random() < 0.8:
        info["assets"] = {"icon": f"https://logos.example.net/{slug}/filled/png"}
    return {"StackOne": "1.0.0", "info": info, "authentication": auth, "actions": actions}


def write_catalogue(out: Path, n: int, seed: int = 99) -> list[Path]:
    """N connector files below out/guides: one to three categories each, one to three auth
    methods, about a quarter with a guide, most with an icon, an internal action each."""
    rng = random.Random(seed)
    written = []
    for index, name in enumerate(catalogue_names(n, seed)):
        data = _catalogue_connector(rng, name, index)
        key = data["info"]["key"]
        path = out / "guides" / key / f"{key}.connector.s1.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        written.append(path)
    return written


def write_catalogue_project(out: Path, n: int, seed: int = 99) -> Path:
    """A guidebook project with N generated connector files; returns its mkdocs.yml."""
    write_catalogue(out, n, seed)
    return _project(out, "Connector catalogue")


if __name__ == "__main__":
    if sys.argv[1] == "--catalogue":
        print(write_catalogue_project(Path(sys.argv[2]), int(sys.argv[3])))
    else:
        target, count = Path(sys.argv[1]), int(sys.argv[2])
        print(write_project(target, count))
