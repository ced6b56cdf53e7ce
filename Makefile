# War Room: `make run` starts the app on the embedded demo database; `make test` runs every test.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test test-fast test-dates seed clean bench bench-quick

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m data_access seed --if-empty
# the demo's alerts and briefs, kept in the local outbox (admin page), their links to this port
	WARROOM_BASE_URL=$${WARROOM_BASE_URL:-http://localhost:$(PORT)} $(PY) -m data_access notify
	$(PY) -m streamlit run serve.py --server.port $(PORT)

test: $(VENV)/.installed-dev
	$(PY) -m pytest

test-fast: $(VENV)/.installed-dev
	$(PY) -m pytest -m "not browser and not postgres"

# The date-sensitive tests again with the machine's clock far away (Debian's faketime): before the test
# data's day, on the first of March in Bangkok, and at midnight of a new fiscal year in Bangkok. On the
# embedded store only: what they show (no test reads the machine's clock) does not depend on the database,
# and `make test` has run each of them on PostgreSQL too (this keeps CI inside its 90 minutes).
FAKE_DATES ?= 2025-02-28T18:00:00 2031-09-30T17:30:00
test-dates: $(VENV)/.installed-dev
	@command -v faketime >/dev/null || { echo "test-dates needs faketime (apt-get install faketime)"; exit 2; }
	for moment in $(FAKE_DATES); do \
	  TZ=UTC faketime -f "@$$(echo $$moment | tr T ' ')" date -u "+== the machine clock reads %F %T UTC"; \
	  TZ=UTC faketime -f "@$$(echo $$moment | tr T ' ')" $(PY) -m pytest -q -m "dates and not browser and not postgres" || exit 1; \
	done

# Speed and memory, measured (never asserted in tests): docs/BENCHMARKS.md and bench/results.json.
bench: $(VENV)/.installed-dev
	$(PY) -m bench.run

bench-quick: $(VENV)/.installed-dev
	$(PY) -m bench.run --quick

seed: $(VENV)/.installed
	$(PY) -m data_access seed

clean:
	rm -rf var tests/artifacts .pytest_cache
