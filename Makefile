# Two commands from a fresh clone: `make book` builds the website, `make test` runs every test.
# Both create the environment (.venv) first when it is missing or out of date.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
VENDOR := book/vendor
SITE := _build/html

.PHONY: env book test unit notebooks course floor lab student check-site benchmark clean

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

# The dependency floor, as a learner meets it: a fresh environment with the oldest allowed
# versions (requirements-floor.txt), the library installed from the checkout the way the
# notebooks' setup cell installs it, and one notebook of each part run there.
FLOOR := .venv-floor
FLOOR_NOTEBOOKS := notebooks/00_map/what_is_a_world_model.ipynb \
  notebooks/01_dreamer/learning_a_model.ipynb notebooks/02_physics/differentiable_physics.ipynb \
  notebooks/03_video/video_as_data.ipynb notebooks/04_robot/models_and_mpc.ipynb \
  notebooks/05_jepa/pixels_or_representations.ipynb \
  notebooks/06_convergence/a_shared_benchmark.ipynb
floor:
	rm -rf $(FLOOR) && $(PYTHON) -m venv $(FLOOR)
	$(FLOOR)/bin/python -m pip install -q --upgrade pip
	$(FLOOR)/bin/python -m pip install -q -r requirements-floor.txt
	$(FLOOR)/bin/python -m pip install -q .
	$(FLOOR)/bin/python -m pip check
	$(FLOOR)/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	cd $(FLOOR) && bin/python -c "import worldmodels, numpy, matplotlib, gymnasium; \
	  print('floor:', worldmodels.__file__, numpy.__version__, matplotlib.__version__, \
	  gymnasium.__version__)"
	MPLBACKEND=Agg $(FLOOR)/bin/python -m pytest -q -p no:cacheprovider --nbval-lax \
	  --nbval-cell-timeout=300 $(FLOOR_NOTEBOOKS)

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
