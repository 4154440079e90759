# Set-up and everyday commands. Everything runs inside .venv; `make install` creates it.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# nbgrader runs `alembic` from PATH when it creates a gradebook; it lives in the venv.
export PATH := $(BIN):$(PATH)
# One folder per notebook in solutions/ (the registry in grader/exercises/ lists the same ones).
ASSIGNMENTS := $(sort $(notdir $(wildcard solutions/*)))
PYTEST_ARGS ?=
# MNIST for 04_training and its grading: data/mnist, else the course's shared copy beside the project (data/README.md).
export MNIST_DIR ?= $(if $(wildcard data/mnist/*.gz),,$(wildcard $(CURDIR)/../shared/data/mnist))

.PHONY: install release demo test lab bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch is pinned to the CPU build (a plain `torch` would pull CUDA packages).
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

release: install  ## regenerate exercises/ from solutions/ with nbgrader
	for a in $(ASSIGNMENTS); do $(BIN)/nbgrader generate_assignment $$a --force --no-db --log-level=WARN || exit 1; done

demo: release  ## grade the bundled sample submissions into build/demo
	$(BIN)/python -m grader demo --out build/demo

test: install  ## the project's whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install  ## grading speed and memory against nbgrader autograde, 1,000 notebooks, the rerun; MNIST; the sandbox
	$(BIN)/python bench/batch.py --students $(or $(STUDENTS),50) --large $(or $(LARGE),500)
	$(BIN)/python bench/mnist.py
	$(BIN)/python bench/sandbox_cost.py --jobs 400

# JupyterLab refuses to run as root unless told; the venv's kernel spec comes first in JUPYTER_PATH,
# so its kernel (this venv's python, with torch) wins over any python3 spec in the home folder.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

lab: install  ## open the student notebooks in JupyterLab
	JUPYTER_PATH=$(BIN)/../share/jupyter $(BIN)/jupyter lab $(LAB_ARGS) exercises

clean:
	rm -rf build gradebook.db .pytest_cache
