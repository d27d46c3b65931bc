# Two commands do all set-up on a fresh Debian machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Needed to run: espeak-ng (speech synthesis for answers), PortAudio (microphone and speaker),
# WordNet (the matcher's dictionary, voice/lexicon.py).
RUN_PACKAGES := espeak-ng libespeak-ng1 libportaudio2 wordnet-base
# Needed by the tests: voices and tools that make test speech, and a real (virtual) sound server.
TEST_PACKAGES := $(RUN_PACKAGES) flite festival festvox-kallpc16k sox libsox-fmt-all \
	pulseaudio pulseaudio-utils libasound2-plugins alsa-utils chromium mbrola mbrola-hn1

.PHONY: run test bench install install-test lint typecheck clean

run: install
	$(BIN)/voice listen

# Two workers: the tests that play sound run one after another on one of them, the others beside
# them at a lower CPU priority (tests/conftest.py).
test: install-test lint typecheck
	$(BIN)/pytest -n 2 --dist loadgroup

bench: install-test
	$(BIN)/python -m tests.bench --set standard
	$(BIN)/python -m tests.bench --set holdout --no-screenshot
	$(BIN)/python -m tests.bench --set rooms --no-screenshot
	$(BIN)/python -m tests.bench --set museum --no-screenshot
	$(BIN)/python -m tests.bench --set korean --no-screenshot
	$(BIN)/python -m tests.bench --set korean-holdout --no-screenshot
	$(BIN)/python -m tests.bench_pipeline
	$(BIN)/python -m tests.bench_kiosk

install: $(VENV)/.installed
	@contrib/ensure-system-packages $(RUN_PACKAGES)

install-test: $(VENV)/.installed-test
	@contrib/enable-debian-non-free
	@contrib/ensure-system-packages $(TEST_PACKAGES)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

lint: install-test
	$(BIN)/ruff check voice tests
	$(BIN)/ruff format --check voice tests

typecheck: install-test
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
