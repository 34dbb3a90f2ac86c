# The two commands of the README: `make demo` and `make test`. Everything they need
# (controller venv, Docker engine, images) is set up on first use.
SHELL := /bin/bash
export PATH := $(CURDIR)/.venv/bin:$(PATH)
export MOLECULE_GLOB := molecule/*/molecule.yml
DEMO_PORT ?= 8080

.PHONY: demo demo-clean test lint sanity docs unit molecule venv images build bench clean

demo:
	@DEMO_PORT=$(DEMO_PORT) bash scripts/demo.sh up

demo-clean:
	@bash scripts/demo.sh down

test:
	@bash scripts/test.sh

lint sanity docs unit:
	@bash scripts/test.sh $@

# make molecule SCENARIO=default
molecule:
	@bash scripts/test.sh $(or $(SCENARIO),default)

venv:
	@bash scripts/controller-venv.sh

images:
	@bash scripts/docker-engine.sh up && bash scripts/build-images.sh

build: venv
	ansible-galaxy collection build --force --output-path build/

clean:
	rm -rf build tests/output .cache/sanity

# Speed and memory figures (fresh converge, no-change re-runs, RSS); never part of `make test`.
bench:
	@bash scripts/bench.sh
