# Two commands from a fresh clone: `make book` builds the website, `make test` runs every test.
# Both create the environment (.venv) first when it is missing or out of date.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
VENDOR := book/vendor
SITE := _build/html

.PHONY: env book test unit notebooks lab student check-site benchmark clean

env: $(ENV_STAMP)

$(ENV_STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The website serves its own copies of RequireJS, the widget embedder and MathJax,
# so every page renders with no internet.
$(VENDOR)/.copied: $(NODE_STAMP)
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/html-manager
	cp node_modules/requirejs/require.js $(VENDOR)/require.js
	cp node_modules/@jupyter-widgets/html-manager/dist/*.js $(VENDOR)/html-manager/
	find node_modules/@jupyter-widgets/html-manager/dist -maxdepth 1 \
	  \( -name '*.woff*' -o -name '*.ttf' -o -name '*.eot' -o -name '*.svg' \) \
	  -exec cp {} $(VENDOR)/html-manager/ \;
	cp -r node_modules/mathjax/es5 $(VENDOR)/mathjax
	touch $@

book: $(ENV_STAMP) $(VENDOR)/.copied
	rm -rf _build
	WORLDMODELS_BOOK=1 $(VENV)/bin/jupyter-book build . --warningiserror --keep-going
	@echo "The website is built: open $(SITE)/index.html"

test: unit notebooks course

unit: $(ENV_STAMP)
	$(VENV)/bin/ruff check .
	MPLBACKEND=Agg $(PY) -m pytest -q tests

notebooks: $(ENV_STAMP)
	$(PY) -m pytest -q --nbval-lax --nbval-cell-timeout=120 notebooks

# The instructor's tools as a class meets them: the grader, and the student notebooks.
course: $(ENV_STAMP)
	MPLBACKEND=Agg $(PY) -m pytest -q -m course tests

check-site: $(NODE_STAMP)
	node tools/check_site.mjs $(SITE)

lab: $(ENV_STAMP)
	$(VENV)/bin/jupyter lab notebooks

student: $(ENV_STAMP)
	$(PY) -m worldmodels.student notebooks student

# Every speed and quality target of the book, measured: each script prints its numbers and
# writes its record to benchmarks/results/; a missed target fails the command, after every
# script has run and the records are summed up.
RESULTS := benchmarks/results
benchmark: $(ENV_STAMP)
	@status=0; for script in benchmarks/*.py; do \
	  name=$$(basename $$script .py); echo "== $$name"; \
	  $(PY) $$script --strict --json $(RESULTS)/$$name.json || status=1; \
	done; $(PY) -m worldmodels.measure.report $(RESULTS) --strict && exit $$status

clean:
	rm -rf _build student $(VENDOR)
