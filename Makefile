# Đồng Hành — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The default local PostgreSQL used by `make test` for the second run, when it answers.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/donghanh
# The same server for `make bench` (it creates and drops test_donghanh_bench there).
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/donghanh_bench

.PHONY: run test test-sqlite test-postgres install migrate demo lint typecheck messages vendor worker clean check bench

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

migrate: install
	@mkdir -p var
	@$(PY) scripts/pgdb ensure "$${DATABASE_URL:-sqlite://}"
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_orgunits

demo: migrate
	$(PY) manage.py demo_data

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate
	$(PY) manage.py db_worker

# The whole suite on SQLite, then on PostgreSQL when DATABASE_URL (or the local default) answers.
test: install
	@status=0; \
	echo "== test suite on SQLite"; \
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS) || status=1; \
	pg_url="$${DATABASE_URL:-$(TEST_POSTGRES_URL)}"; \
	if $(PY) scripts/pgdb reachable "$$pg_url"; then \
		echo "== test suite on PostgreSQL"; \
		DATABASE_URL="$$pg_url" $(PY) -m pytest $(PYTEST_ARGS) || status=1; \
	else \
		echo "== PostgreSQL not reachable at $$pg_url: suite ran on SQLite only"; \
		if [ -n "$$CI" ]; then status=1; fi; \
	fi; \
	exit $$status

test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL="$${DATABASE_URL:-$(TEST_POSTGRES_URL)}" $(PY) -m pytest $(PYTEST_ARGS)

check: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: install
	$(PY) -m mypy donghanh config

messages: install
	cd donghanh && ../$(PY) ../manage.py makemessages -l vi --no-obsolete --no-location
	cd donghanh && ../$(PY) ../manage.py compilemessages

vendor:
	scripts/vendor-assets.sh

# The benchmarks on SQLite, then on PostgreSQL when BENCH_DATABASE_URL (or the local default) answers.
bench: install
	@status=0; \
	echo "== benchmarks on SQLite"; \
	env -u BENCH_DATABASE_URL $(PY) scripts/bench.py || status=1; \
	pg_url="$${BENCH_DATABASE_URL:-$(BENCH_POSTGRES_URL)}"; \
	if $(PY) scripts/pgdb reachable "$$pg_url"; then \
		echo "== benchmarks on PostgreSQL"; \
		BENCH_DATABASE_URL="$$pg_url" $(PY) scripts/bench.py || status=1; \
	else \
		echo "== PostgreSQL not reachable at $$pg_url: benchmarks ran on SQLite only"; \
	fi; \
	exit $$status

clean:
	rm -rf $(VENV) var/static
