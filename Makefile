# War Room: `make run` starts the app on the embedded demo database; `make test` runs every test.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test test-fast seed clean bench bench-quick

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
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/.installed-dev
	$(PY) -m pytest

test-fast: $(VENV)/.installed-dev
	$(PY) -m pytest -m "not browser and not postgres"

# Speed and memory, measured (never asserted in tests): docs/BENCHMARKS.md and bench/results.json.
bench: $(VENV)/.installed-dev
	$(PY) -m bench.run

bench-quick: $(VENV)/.installed-dev
	$(PY) -m bench.run --quick

seed: $(VENV)/.installed
	$(PY) -m data_access seed

clean:
	rm -rf var tests/artifacts .pytest_cache
