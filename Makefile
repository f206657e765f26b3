# Two commands (README): `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
export FLASK_APP := wsgi

.PHONY: run test venv test-deps translations extract-messages update-messages db-check lint-imports benchmark \
	benchmark-loans benchmark-assemblies benchmark-votes clean mutation mutation-permissions

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.stamp-runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.stamp-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.stamp-runtime $@

venv: $(VENV)/.stamp-runtime

# Compiled catalogues (.mo) are build output, made from the committed .po files.
translations: venv
	$(BIN)/pybabel compile -d translations -f

# Catalogues without file:line locations and sorted by message, so that moving code
# does not rewrite them and two branches that add strings merge cleanly.
extract-messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k pgettext:1c,2 -k lazy_pgettext:1c,2 --no-location --sort-output --omit-header -o translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

run: venv translations
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

# Models and migrations agree (flask db check) on a scratch SQLite database.
db-check: venv
	rm -f instance/db-check.db
	mkdir -p instance
	DATABASE_URL=sqlite:///$(CURDIR)/instance/db-check.db $(FLASK) db upgrade >/dev/null
	DATABASE_URL=sqlite:///$(CURDIR)/instance/db-check.db $(FLASK) db check
	rm -f instance/db-check.db

# One-way dependencies (.importlinter): core knows no domain, domains in layers, no cycles.
lint-imports: $(VENV)/.stamp-dev
	$(BIN)/lint-imports --no-cache

test: $(VENV)/.stamp-dev translations db-check lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

benchmark: $(VENV)/.stamp-dev translations
	$(BIN)/python tests/benchmarks/register_benchmark.py

# Social loans on PostgreSQL (never in `make test`): LOANS_BENCH_URL is dropped and rebuilt.
LOANS_BENCH_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/loans_bench
benchmark-loans: $(VENV)/.stamp-dev translations
	createdb -h 127.0.0.1 -U postgres loans_bench 2>/dev/null || true
	$(BIN)/python tests/benchmarks/loans_benchmark.py --database-url $(LOANS_BENCH_URL) $(BENCH_ARGS)

# Assemblies on PostgreSQL (never in `make test`): ASSEMBLIES_BENCH_URL is dropped and rebuilt.
ASSEMBLIES_BENCH_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/assemblies_bench
benchmark-assemblies: $(VENV)/.stamp-dev translations
	createdb -h 127.0.0.1 -U postgres assemblies_bench 2>/dev/null || true
	$(BIN)/python tests/benchmarks/assemblies_benchmark.py --database-url $(ASSEMBLIES_BENCH_URL) $(BENCH_ARGS)

# The ballot endpoint against ../shared/bench's reference, side by side (never in `make test`;
# needs wrk: apt-get install wrk). Both databases are dropped and rebuilt.
VOTES_BENCH_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/votes_bench
VOTES_CALIB_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/votes_calib
benchmark-votes: $(VENV)/.stamp-dev translations
	$(BIN)/python tests/benchmarks/votes_benchmark.py --database-url $(VOTES_BENCH_URL) --reference-url $(VOTES_CALIB_URL) $(BENCH_ARGS)

# Mutation testing (tests/mutation/README.md): a report run by hand, never part of `make test`.
# Extra options through MUTATION_ARGS, e.g. MUTATION_ARGS="--sample 50 --seed 1".
MUTATION_JOBS ?= 2
mutation: $(VENV)/.stamp-dev translations
	$(BIN)/python tests/mutation/mutate.py --jobs $(MUTATION_JOBS) $(MUTATION_ARGS)

mutation-permissions: $(VENV)/.stamp-dev translations
	$(BIN)/python tests/mutation/mutate.py --jobs $(MUTATION_JOBS) --ops permission,grant $(MUTATION_ARGS)

clean:
	rm -rf $(VENV) instance/*.db
