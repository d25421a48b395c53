# Every target bootstraps .venv idempotently: a fresh clone needs nothing installed beforehand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EVAL_STAMP := $(VENV)/.installed-eval
Q ?= xi

.PHONY: brief test run bench eval ingest clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The CPU build of torch first, so nothing below resolves a CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The eval extra (tilse and what it needs) on top of the test install, only for `make eval`.
$(EVAL_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,eval]'
	touch $(EVAL_STAMP)

# reanalyse: a store that an older checkout filled is brought up to date first (nothing to do otherwise).
brief: $(STAMP)
	@$(BIN)/storybot ingest --quiet seeds/
	@$(BIN)/storybot reanalyse --quiet
	@$(BIN)/storybot brief "$(Q)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

run: $(STAMP)
	$(BIN)/storybot ingest --quiet seeds/
	$(BIN)/storybot run

bench: $(STAMP)
	$(BIN)/python -m bench

# Timeline17 (read from ../shared/) and the seeds gold set: one table; the scorer's own tests first;
# then event-date accuracy on the hand-checked sentences (tests/data/event_dates.jsonl).
eval: $(EVAL_STAMP)
	$(BIN)/python -m pytest -q -m eval
	$(BIN)/python -m bench.eval
	$(BIN)/python -m tests.summarizer.event_dates_set

clean:
	rm -rf $(VENV) bench/out
