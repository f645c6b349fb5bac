# The two set-up commands (README): `make run` and `make test`. Everything lives in .venv at the repo root.
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test bench lint clean browser

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/jikimi demo

lint: $(STAMP)
	$(VENV)/bin/ruff check config crawlers monitor evidence tests bench
	$(VENV)/bin/ruff format --check --quiet config crawlers monitor evidence tests bench
	$(VENV)/bin/mypy

# Screenshots in evidence packets and the review UI's browser tests use Debian's chromium.
browser:
	@scripts/ensure-chromium

test: lint browser
	$(VENV)/bin/python -m pytest -q

# The benchmarks write bench/results/*.json; the report then writes README.md's figures from them
# (tests/test_readme_figures.py checks they agree). `make bench BENCHMARKS="index retro"` runs a few.
bench: $(STAMP)
	$(VENV)/bin/python -m pip install --quiet -e '.[test,bench]'
	$(VENV)/bin/python -m bench $(BENCHMARKS)
	$(VENV)/bin/python -m bench.report

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
