# GovTrust: `make run` serves the demo on http://127.0.0.1:8000; `make test` runs every check.
# uv runs as a Python module so a fresh machine needs nothing but Python 3.11 and pip.
PYTHON ?= python3
UV := $(PYTHON) -m uv
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := only-system

.PHONY: run test sync uv fonts browser lint typecheck pytest serve clean

uv:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv>=0.5"

sync: uv
	$(UV) sync --frozen

run: sync fonts
	$(UV) run govtrust demo
	GOVTRUST_HTTPS=0 $(UV) run govtrust serve --host 127.0.0.1 --port 8000

fonts:
	@bash scripts/install-fonts.sh

browser:
	@bash scripts/install-browser.sh

lint: sync
	$(UV) run ruff check src tests bench
	$(UV) run ruff format --check src tests bench

typecheck: sync
	$(UV) run mypy src tests

pytest: sync
	$(UV) run pytest

test: browser lint typecheck pytest

clean:
	rm -rf var .venv .mypy_cache .pytest_cache .ruff_cache
