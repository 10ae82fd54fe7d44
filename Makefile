# Đồng Hành — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The default local PostgreSQL used by `make test` for its PostgreSQL half, when it answers.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/donghanh
# pytest-xdist workers. One half alone (`make test-sqlite`, `make test-postgres`) gets one per core. `make test`
# runs both halves at once: the PostgreSQL half, whose workers also wait on the server, one per core, the SQLite
# half half as many. Measured on 2 cores (docs/development/checks.md): 1 + 2 workers 902 s, 2 + 2 955 s.
CORES := $(shell nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
TEST_WORKERS ?= $(CORES)
SQLITE_WORKERS ?= $(shell echo $$(( $(CORES) / 2 > 1 ? $(CORES) / 2 : 1 )))
POSTGRES_WORKERS ?= $(CORES)
# How many of the slowest tests each half reports.
TEST_DURATIONS ?= 15
# `--dist loadfile`: a module's tests on one worker (conftest.py keeps pytest-django's order of them).
PYTEST_XDIST = --dist loadfile --durations=$(TEST_DURATIONS)
# The same server for `make bench` (it creates and drops test_donghanh_bench there).
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/donghanh_bench

.PHONY: run test test-sqlite test-postgres install migrate demo lint typecheck messages vendor worker clean check bench \
	bench-national backup restore

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

# The server and a task worker beside it (report files, the daily housekeeping from HOUSEKEEPING_HOUR, no cron
# needed): Ctrl-C, or the server stopping, stops both.
run: demo
	@$(PY) manage.py run_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate
	$(PY) manage.py run_worker

# A backup of the database of DATABASE_URL (var/backups/donghanh-<time>.dump, or FILE=…), and its restore into an
# empty database: `make restore FILE=var/backups/donghanh-….dump DATABASE_URL=postgres://…/an_empty_one`.
backup: install
	$(PY) manage.py backup $(if $(FILE),--output "$(FILE)")

restore: install
	@test -n "$(FILE)" || { echo "make restore FILE=<a backup> (into the empty database of DATABASE_URL)"; exit 2; }
	@$(PY) scripts/pgdb ensure "$${DATABASE_URL:-sqlite://}"
	$(PY) manage.py restore "$(FILE)"

# The whole suite in two halves run side by side, each spread over pytest-xdist workers: the SQLite half
# (`-m "not browser"`) and the PostgreSQL half (browser tests included) when DATABASE_URL (or the local default)
# answers; without PostgreSQL, the SQLite half alone with the browser tests (and a failure when CI is set). Each
# half writes var/test-<half>.log, printed when the half ends; then the slowest tests of both halves and each
# half's wall time. See docs/development/checks.md.
test: install
	@mkdir -p var; rm -f var/test-sqlite.* var/test-postgres.*; \
	started=$$(date +%s); status=0; groups=""; \
	trap 'for g in $$groups; do kill -TERM -- -$$g 2>/dev/null; done; exit 130' INT TERM; \
	half() { \
		local log="var/test-$$1.log" began=$$(date +%s) rc=0; shift; \
		"$$@" >"$$log" 2>&1 || rc=$$?; \
		echo "$$rc $$(( $$(date +%s) - began ))" >"$${log%.log}.status"; \
	}; \
	pg_url="$${DATABASE_URL:-$(TEST_POSTGRES_URL)}"; \
	if $(PY) scripts/pgdb reachable "$$pg_url"; then \
		halves="sqlite postgres"; not_browser=(-m "not browser"); sqlite_workers=$(SQLITE_WORKERS); \
		echo "== SQLite half (-m 'not browser') and PostgreSQL half side by side: var/test-sqlite.log, var/test-postgres.log"; \
		set -m; half postgres env DATABASE_URL="$$pg_url" $(PY) -m pytest $(PYTEST_XDIST) -n $(POSTGRES_WORKERS) $(PYTEST_ARGS) & \
		groups="$$groups $$!"; set +m; \
	else \
		halves="sqlite"; not_browser=(); sqlite_workers=$(TEST_WORKERS); \
		echo "== PostgreSQL not reachable at $$pg_url: SQLite half only, browser tests included: var/test-sqlite.log"; \
		if [ -n "$$CI" ]; then status=1; fi; \
	fi; \
	set -m; half sqlite env -u DATABASE_URL $(PY) -m pytest $(PYTEST_XDIST) -n "$$sqlite_workers" "$${not_browser[@]}" $(PYTEST_ARGS) & \
	groups="$$groups $$!"; set +m; \
	pending="$$halves"; \
	while [ -n "$${pending// /}" ]; do \
		sleep 1; \
		for h in $$pending; do \
			[ -f "var/test-$$h.status" ] || continue; \
			echo; echo "======== $$h half ========"; cat "var/test-$$h.log"; pending="$${pending/$$h/}"; \
		done; \
	done; \
	wait; \
	echo; echo "== the $(TEST_DURATIONS) slowest tests"; \
	for h in $$halves; do \
		sed -n '/slowest.*durations/,/^=/p' "var/test-$$h.log" | grep -E '^[0-9.]+s ' | sed "s/^/$$h /"; \
	done | sort -k2 -rn | head -n $(TEST_DURATIONS) | awk '{ half = $$1; took = $$2; phase = $$3; $$1 = $$2 = $$3 = ""; sub(/^ +/, ""); printf "%9s  %-8s %-8s %s\n", took, half, phase, $$0 }'; \
	for h in $$halves; do \
		grep -E '^(FAILED|ERROR) ' "var/test-$$h.log" | sed "s/^/== $$h: /"; \
	done; \
	for h in $$halves; do \
		read -r rc seconds <"var/test-$$h.status"; \
		case $$rc in 0) result=passed;; 5) result="no tests selected";; *) result=FAILED; status=1;; esac; \
		case $$h in sqlite) name=SQLite;; *) name=PostgreSQL;; esac; \
		echo "== $$name half: $$seconds s, $$result"; \
	done; \
	case $$halves in *postgres*) ;; *) echo "== PostgreSQL half: not run, PostgreSQL not reachable at $$pg_url$${CI:+ (a failure with CI set)}";; esac; \
	echo "== make test: $$(( $$(date +%s) - started )) s"; \
	exit $$status

test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_XDIST) -n $(TEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL="$${DATABASE_URL:-$(TEST_POSTGRES_URL)}" $(PY) -m pytest $(PYTEST_XDIST) -n $(TEST_WORKERS) $(PYTEST_ARGS)

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

# The reports, the pages and the API under load at national scale, on PostgreSQL: the national database
# (BENCH_NATIONAL_URL, default donghanh_national) and a one-province one (BENCH_PROVINCE_URL, donghanh_dn48) are
# seeded when missing or empty and reused otherwise. See docs/benchmarks.md, "National scale".
bench-national: install
	$(PY) scripts/bench_national.py

clean:
	rm -rf $(VENV) var/static
