# guidebook: `make site` builds the example site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup site serve whitelabel test lint browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

site: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	@echo "Example site built in site/. Serve it with 'make serve' and open http://127.0.0.1:8000/"

serve: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

whitelabel: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict -f mkdocs.whitelabel.yml
	@echo "White-label site built in site-whitelabel/"

# Browser tests drive Debian's Chromium; install it when we can (as root, with apt-get).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: /usr/bin/chromium is missing; browser tests will be skipped (apt-get install chromium)"; \
	  fi; \
	fi

lint: setup
	$(BIN)/ruff check plugins tests scripts

test: setup browser lint
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest

bench: setup
	$(BIN)/python scripts/bench.py

clean:
	rm -rf site site-whitelabel .pytest_cache build *.egg-info
