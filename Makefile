# Taizhang: two commands. `make run` serves the demo; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run test install lint messages bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## run: install, migrate, load the demo into an empty database, serve web + Celery worker + beat
run: export DEBUG ?= true
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	@echo "Taizhang: http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server, the worker and beat)"
	exec $(VENV)/bin/honcho start -f Procfile

## test: run the test suite (SQLite unless DATABASE_URL says otherwise)
test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

## messages: regenerate and compile the translation catalogues (needs GNU gettext)
messages: install
	DEBUG=true $(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=tests
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
