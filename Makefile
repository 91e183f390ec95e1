# The two commands of the README's quick start: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := examples/flights

.PHONY: demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.demo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[demo]"
	touch $@

# the torch extra (the CPU wheel torch==2.13.0, a local file where pip is set up to find
# it) so that the CNN rung's tests run instead of being skipped
$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,dev,torch]"
	touch $@ $(VENV)/.demo

# The flight-delay project end to end (examples/flights/README.md walks through it): data,
# frozen split, a model trained elsewhere, the ladder with a forecast, a first champion,
# a degraded candidate the gate must catch (exit code 1), and the report of every run.
demo: $(VENV)/.demo
	$(BIN)/python $(DEMO)/prepare.py
	$(BIN)/mlplan split -p $(DEMO) --export $(DEMO)/split
	$(BIN)/python $(DEMO)/train_elsewhere.py
	$(BIN)/mlplan run -p $(DEMO) --forecast
	$(BIN)/mlplan gate -p $(DEMO) --candidate $(DEMO)/preds/blend.parquet --name blend-elsewhere \
		--accept --reason "first champion: the best model on the ladder"
	$(BIN)/mlplan gate -p $(DEMO) --candidate $(DEMO)/preds/blend-no-weather.parquet \
		--validation $(DEMO)/preds/blend-validation.parquet; \
		test $$? -eq 1 && echo "the gate caught the degraded candidate (exit code 1)"
	$(BIN)/mlplan report -p $(DEMO)

test: $(VENV)/.test
	$(BIN)/python -m pytest -q -m "not slow" -p no:cacheprovider

bench: $(VENV)/.test
	$(BIN)/python -m pip install -q -e ".[test,dev,bench]"
	$(BIN)/python -m pytest -q -m slow -p no:cacheprovider
	$(BIN)/python benchmarks/bench_metrics.py
	$(BIN)/python benchmarks/bench_gate.py
	$(BIN)/python benchmarks/bench_forecast.py --from-cache
	$(BIN)/python benchmarks/bench_ladder.py

lint: $(VENV)/.test
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) $(DEMO)/data $(DEMO)/split $(DEMO)/preds $(DEMO)/mlplan-out $(DEMO)/.mlplan
