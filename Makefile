# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_USER ?= admin
DEMO_PASSWORD ?= admin

.PHONY: run serve test lint install lock migrate samples clean

# The exact versions of requirements.lock, checked against their hashes; then the project itself.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Refresh requirements.lock from pyproject.toml's ranges: the newest releases they admit.
lock: $(STAMP)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --extra dev --extra s3 -o requirements.lock pyproject.toml

# Development server on SQLite with the bundled sample articles and a demo admin login.
run: export DEBUG ?= true
run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py import_articles sample_articles
	DJANGO_SUPERUSER_PASSWORD=$(DEMO_PASSWORD) $(BIN)/python manage.py createsuperuser \
		--no-input --username $(DEMO_USER) --email $(DEMO_USER)@example.com 2>/dev/null || true
	@echo
	@echo "  Site:  http://$(HOST):$(PORT)/"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/  (log in as $(DEMO_USER) / $(DEMO_PASSWORD))"
	@echo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production server: gunicorn with gunicorn.conf.py. Needs the production environment
# (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CACHE_URL, ...); migrate once per deploy, not here.
serve: $(STAMP)
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/gunicorn -c gunicorn.conf.py

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

test: lint
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* media staticfiles .pytest_cache
