# Two commands for a newcomer: `make run` and `make test`. Everything else is here for them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HONCHO := $(VENV)/bin/honcho

.PHONY: setup run test lint format lock migrate worker beat clean

# requirements-dev.txt holds the runtime set (requirements.txt, what production installs) plus the
# tests and tooling, every package pinned with its hashes, pip itself included.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py load_demo_data
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: web server, Celery worker and beat."; \
		$(HONCHO) -f Procfile.dev start; \
	else \
		echo "No REDIS_URL: emails are sent in-process and printed on this console."; \
		$(HONCHO) -f Procfile.local start; \
	fi

test: setup
	$(PY) manage.py makemigrations --check --dry-run --settings=clinic.settings.test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	$(VENV)/bin/bandit -q -c pyproject.toml -r clinic intake referrals appointments --severity-level medium
	$(VENV)/bin/djlint templates --lint

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Recompiles both lock files from requirements.in and requirements-dev.in, keeping every pin that
# still fits; `make lock PIP_COMPILE_ARGS=--upgrade` raises the unpinned ones too.
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(PIP_COMPILE_ARGS)
lock: setup
	$(PIP_COMPILE) --output-file=requirements.txt requirements.in
	$(PIP_COMPILE) --output-file=requirements-dev.txt requirements-dev.in

worker: setup
	DJANGO_SETTINGS_MODULE=clinic.settings.local $(VENV)/bin/celery -A clinic worker --loglevel=info

beat: setup
	DJANGO_SETTINGS_MODULE=clinic.settings.local $(VENV)/bin/celery -A clinic beat --loglevel=info --schedule=/tmp/clinic-celerybeat-schedule

clean:
	rm -rf $(VENV) db.sqlite3 test.sqlite3 staticfiles .pytest_cache
