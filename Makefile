# guidebook: `make site` builds the example site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup site serve whitelabel test test-lowest lint browser servers bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,zensical]'
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

# The host-config tests start Debian's nginx, apache2 and caddy on their own ports with the
# generated configurations; install them when we can (as root, with apt-get). The system
# services are not started (a temporary policy-rc.d): the tests never use them.
SERVERS := nginx apache2 caddy
servers:
	@missing=""; for name in $(SERVERS); do \
	  command -v $$name >/dev/null || [ -x /usr/sbin/$$name ] || missing="$$missing $$name"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's$$missing for the host-config tests..."; \
	    policy=""; \
	    if [ ! -e /usr/sbin/policy-rc.d ]; then \
	      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy=1; \
	    fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    rc=$$?; [ -z "$$policy" ] || rm -f /usr/sbin/policy-rc.d; exit $$rc; \
	  else \
	    echo "note:$$missing missing; host-config tests will be skipped (apt-get install$$missing)"; \
	  fi; \
	fi

lint: setup
	$(BIN)/ruff check plugins tests scripts

# The suite runs on every CPU, up to four (pytest-xdist; each test's builds use every CPU as
# well); a module's tests stay together, so a module's built site is built once.
PYTEST_JOBS := -n auto --maxprocesses 4 --dist loadscope
test: setup browser servers lint
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest $(PYTEST_JOBS)

# The suite once more on the lowest versions pyproject allows (constraints/lowest.txt), in a
# venv of its own. Run once, on the newest versions (`make test`): the browser tests, the
# benchmark script's smoke test (a fifth of the suite's time), and the killed and concurrent
# builds (a minute: they test guidebook's own processes and folders, not the libraries; the
# interrupted-build tests that stop a build with a signal run in both), and the long sequence of
# serve edits against clean builds (a minute on one core: guidebook's own serve cache; serve on
# the lowest versions is tested by the other serve tests).
LOWEST := .venv-lowest
$(LOWEST)/.installed: pyproject.toml constraints/lowest.txt
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --disable-pip-version-check \
	  -c constraints/lowest.txt -e '.[test]'
	touch $@

test-lowest: $(LOWEST)/.installed
	NO_MKDOCS_2_WARNING=1 $(LOWEST)/bin/python -m pytest $(PYTEST_JOBS) -m "not browser" -q -p no:cacheprovider \
	  --deselect tests/test_bench.py::test_bench_script_runs_and_writes_its_json \
	  --deselect tests/test_interrupted.py::test_a_killed_build_leaves_no_process_and_the_next_build_cleans_up \
	  --deselect tests/test_interrupted.py::test_concurrent_builds_into_one_folder_end_cleanly \
	  --deselect tests/test_serve.py::test_every_edit_gives_the_clean_build

bench: setup
	$(BIN)/python scripts/bench.py

clean:
	rm -rf site site-whitelabel .pytest_cache build *.egg-info $(LOWEST)
