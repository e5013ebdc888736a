# iomhub: the two commands a newcomer needs are `make demo` and `make test`.
UV ?= $(shell command -v uv 2>/dev/null || echo .venv-tools/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON ?= python3.11

.PHONY: install system-demo system-test demo test test-fast lint format bench bench-effect bench-intervals bench-web bench-pages bench-mapping bench-disclosure clean frontend fresh-check docs

system-demo: ## The system packages the demo needs (installed with apt-get as root, else the command is printed)
	@scripts/system-deps demo

system-test: ## The system packages the tests need as well: PostgreSQL, chromium, poppler, LibreOffice, Java, nginx
	@scripts/system-deps test

$(UV): | system-demo
	python3 -m venv .venv-tools && .venv-tools/bin/pip install --quiet uv==0.13.8

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: system-demo $(VENV)/.installed ## Create .venv with the pinned dependencies (uv.lock); the CLI lands at .venv/bin/iomhub

demo: install ## Synthesise a package and write the performance report into ./demo-output/
	$(VENV)/bin/iomhub demo $(DEMO_ARGS)

test: system-test install ## Every test (Spark conformance included) on SQLite, then the database tests on PostgreSQL; no skip
	$(PY) -m pytest -n 2 --dist loadgroup
	url=$$(scripts/postgres-test-url) && DATABASE_URL=$$url $(PY) -m pytest -n 2 tests/web

test-fast: install ## A quick local run: SQLite only, no PySpark, missing tools skipped
	IOMHUB_ALLOW_MISSING_TOOLS=1 $(PY) -m pytest -n 2 -m "not spark"

lint: install ## ruff, mypy (strict), import-linter (the layers of docs/development.md, no cycles), the docs built strictly
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir $$(mktemp -d)

docs: install ## The documentation as a site, into site/ (MkDocs Material)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

format: install
	$(VENV)/bin/ruff check --fix src tests benchmarks

bench: install ## iomhub against plain pandas on 100k and 1M synthetic nominals, the Spark engine on 100k, then the web benchmark
	$(PY) -m compileall -q -j 2 src $(VENV)/lib  # as installed (pip and uv compile; PYTHONDONTWRITEBYTECODE would not)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/web_load.py

bench-effect: install ## 50 synthetic units per world (8 worlds, known effects): is the matched estimate right, or flagged?
	$(PY) benchmarks/effect_truth.py --datasets 50

bench-intervals: install ## Where the normal limit stands in for resampling people: its bounds against exact resampling, and coverage
	$(PY) benchmarks/normal_limit.py

bench-disclosure: install ## The disclosure audit on the demo and small units: cells withheld and added, seconds
	$(PY) benchmarks/disclosure.py

bench-web: install ## 50 concurrent users on loopback against iomhub serve, on SQLite and PostgreSQL; then each page's time
	$(PY) benchmarks/web_load.py
	$(MAKE) bench-pages

bench-pages: install ## Each page's time at its first view and after, on the demo's database (made by iomhub demo --no-serve if absent)
	test -f demo-output/web/iomhub.sqlite3 || $(VENV)/bin/iomhub demo --no-serve
	mkdir -p bench-data
	$(PY) benchmarks/web_pages.py --json bench-data/page-times.json

bench-mapping: install ## Extracts read through a mapping against the same data written canonically (100k and 1M nominals)
	$(PY) benchmarks/mapping.py

frontend: ## Refresh the vendored GOV.UK Frontend and MoJ Frontend styles (needs node and npm)
	frontend/build.sh

fresh-check: ## A bare Debian root (debootstrap), a clean clone of HEAD, and the README's two commands in it (as root; not in CI)
	scripts/fresh-check

clean:
	rm -rf demo-output bench-data .pytest_cache .mypy_cache .ruff_cache
