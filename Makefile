# Two commands matter: `make book` builds the site, `make test` runs every test.
# Both create the virtual environment .venv and install requirements.txt when needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements-installed
# The strict test build goes to its own folder, executed afresh, so `make book`'s cache is untouched.
TEST_BUILD := _build/test
TEST_SITE  := $(TEST_BUILD)/_build/html
PYTEST_WORKERS ?= 2
# Two notebooks run at once under pytest-xdist: one thread each keeps the two kernels from fighting over 2 cores.
TEST_ENV := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

.PHONY: help venv book book-strict test unit timings bench lab clean

help:
	@echo "make book      build the site into _build/html (uses the execution cache)"
	@echo "make test      every test: unit tests, doctests, notebooks (nbval), strict clean build, browser check"
	@echo "make lab       open the chapters in JupyterLab"
	@echo "make timings   each notebook's execution time, slowest first"
	@echo "make bench     gdlab optimizer benchmark against torch.optim"
	@echo "make clean     remove _build"

$(STAMP): requirements.txt code/pyproject.toml
	@test -n "$(PYTHON)" || { echo "python3.11 not found; run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip check
	touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build .
	@echo "Open _build/html/index.html in a browser."

# Clean, fully executed build with warnings as errors (a failing cell, a broken reference or citation fails it).
book-strict: $(STAMP)
	rm -rf $(TEST_BUILD)
	$(BIN)/jupyter-book build . --path-output $(TEST_BUILD) --all --warningiserror --nitpick --keep-going

# Unit tests, doctests of gdlab, repository checks and every notebook under nbval.
unit: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

test: $(STAMP) book-strict
	SITE_DIR=$(TEST_SITE) $(TEST_ENV) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

timings: $(STAMP)
	$(BIN)/python tests/timings.py

bench: $(STAMP)
	$(BIN)/python tests/bench_optim.py

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

clean:
	rm -rf _build
