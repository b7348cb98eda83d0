# Bruggen: `make help` lists the targets. Every target installs what it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STUDY ?= study.yml

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name bruggen --display-name "Bruggen (Python 3)" >/dev/null
	mkdir -p $(VENV)/share/jupyter/lab/settings && cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/
	@touch $(STAMP)

.PHONY: help
help: ## Show this help
	@echo "Bruggen: make TARGET"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: install
install: $(STAMP) ## Create .venv and install the pinned environment (requirements.lock)

.PHONY: report
report: $(STAMP) ## Validate the example study and render its reports (study + per municipality) into reports/
	$(BIN)/bruggen report --study $(STUDY) --gemeente all

.PHONY: validate
validate: $(STAMP) ## Run the validation gate; writes reports/validatie.html and .json
	$(BIN)/bruggen validate --study $(STUDY)

.PHONY: suites
suites: $(STAMP) ## Regenerate the validation suites from the codebooks (after editing a codebook)
	$(BIN)/bruggen suites --study $(STUDY)

.PHONY: test
test: $(STAMP) ## Run the whole test suite (pytest, on every core)
	$(BIN)/python -m pytest -n auto --dist loadgroup

.PHONY: test-fast
test-fast: $(STAMP) ## The edit loop: every test but the slow ones (whole pipeline, kernel, browser), on every core
	$(BIN)/python -m pytest -n auto --dist loadgroup -m "not slow"

.PHONY: lint
lint: $(STAMP) ## Check the code with ruff (lint and format)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: lab
lab: $(STAMP) ## Start JupyterLab with the project's kernel (notebooks open as notebooks)
	$(BIN)/bruggen lab

.PHONY: example
example: $(STAMP) ## Regenerate the synthetic example study in data/raw (seeded, byte-identical)
	$(BIN)/bruggen example --out data/raw

.PHONY: notebooks
notebooks: $(STAMP) ## Execute every notebook with a real kernel (outputs are not kept)
	$(BIN)/python -m pytest tests/test_notebooks.py

# R and PSPP for `make reference` (not needed by the tests, which read the committed output):
#   apt-get install r-base-core pspp r-cran-psych r-cran-gparotation r-cran-mass r-cran-lme4 r-cran-ordinal \
#     r-cran-sandwich r-cran-survival r-cran-geepack r-cran-haven r-cran-readxl r-cran-jsonlite r-cran-lpsolve
.PHONY: reference
reference: $(STAMP) ## Recompute the R and PSPP reference numbers in tests/reference (needs the Debian packages below)
	$(BIN)/python tests/reference/bruggen_roundtrip.py
	$(BIN)/python tests/reference/suppression_make_tables.py
	@for f in tests/reference/*.R; do echo "Rscript $$f"; Rscript "$$f" || exit 1; done
	@for f in tests/reference/*.sps; do echo "pspp $$f"; pspp -O format=csv -o "$${f%.sps}.csv" "$$f" || exit 1; done

.PHONY: bench
bench: $(STAMP) ## Time and peak memory per stage at 1k-1M respondents beside baselines (MAX=100000 stops early); JSON in benchmarks/results/
	$(BIN)/python benchmarks/run.py $(if $(MAX),--max $(MAX))

.PHONY: benchmark
benchmark: $(STAMP) ## Print the older single-purpose tables (start-up, report build, gate by size)
	@for f in benchmarks/cli_startup.py benchmarks/report_build.py benchmarks/validate_gate.py; do echo "== $$f"; $(BIN)/python "$$f" || exit 1; done

.PHONY: lock
lock: ## Re-pin requirements.lock from a fresh resolve of pyproject.toml
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	{ echo "# Exact versions of every package Bruggen's environment holds (direct and transitive)."; \
	  echo "# Regenerate with \`make lock\` after changing dependencies in pyproject.toml."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^bruggen'; } > requirements.lock
	rm -rf .lock-venv

.PHONY: clean
clean: ## Remove rendered reports and processed data (never raw data)
	rm -rf reports/*.html reports/*.json reports/*.xlsx reports/gemeenten data/processed/*
