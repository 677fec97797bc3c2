# Two commands on a fresh machine: `make demo` and `make test`.
# Each creates the virtualenv and installs what it needs when missing.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[apps,test]'
	touch $(STAMP)

demo: $(STAMP)
	sh scripts/system-packages run
	$(BIN)/onetrip demo

test: $(STAMP)
	sh scripts/system-packages test
	$(BIN)/ruff check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# mypy --strict over the layers that pass it cleanly (the engine and shared first).
TYPED := server/engine shared server/hub server/hall.py server/store.py server/cli.py onetrip \
	server/admin.py server/adminops.py server/reload.py server/authlog.py server/dblock.py \
	server/logsetup.py server/configtext.py server/startup.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict $(TYPED)

bench: $(STAMP)
	$(BIN)/onetrip bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
