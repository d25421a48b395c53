# Every target bootstraps .venv idempotently: a fresh clone needs nothing installed beforehand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
Q ?= xi

.PHONY: brief test run bench eval ingest clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The CPU build of torch first, so nothing below resolves a CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

brief: $(STAMP)
	@$(BIN)/storybot ingest --quiet seeds/
	@$(BIN)/storybot brief "$(Q)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

run: $(STAMP)
	$(BIN)/storybot ingest --quiet seeds/
	$(BIN)/storybot run

bench: $(STAMP)
	$(BIN)/python -m bench

# The seeds gold set on the configured store, then event-date accuracy on the hand-checked set.
eval: $(STAMP)
	@$(BIN)/storybot ingest --quiet seeds/
	$(BIN)/python -m tests.gold.evaluate
	$(BIN)/python -m tests.summarizer.event_dates_set

clean:
	rm -rf $(VENV) bench/out
