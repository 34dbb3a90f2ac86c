# The two commands of the README: `make demo` and `make test`. Both run scripts/setup-host.sh
# first, the one step that installs system packages (docker.io, debootstrap, shellcheck, each
# only when missing); then the controller venv, the Docker engine and the images are set up.
# Single stages (`make lint`, `make molecule SCENARIO=source`, ...) install nothing: they name
# what is missing. CONTRIBUTING.md has the details.
SHELL := /bin/bash
export PATH := $(CURDIR)/.venv/bin:$(PATH)
export MOLECULE_GLOB := molecule/*/molecule.yml
DEMO_PORT ?= 8080
DEMO_TLS_PORT ?= 8443

.PHONY: demo demo-clean test setup lint sanity docs unit integration molecule venv images build role-docs bench clean

demo:
	@DEMO_PORT=$(DEMO_PORT) DEMO_TLS_PORT=$(DEMO_TLS_PORT) bash scripts/demo.sh up

demo-clean:
	@bash scripts/demo.sh down

test:
	@bash scripts/test.sh

# The system packages the tests and the demo need: docker.io, debootstrap, shellcheck.
setup:
	@bash scripts/setup-host.sh

lint sanity docs unit integration:
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

# roles/*/README.md from each role's meta/argument_specs.yml (`make lint` checks them).
role-docs: venv
	python scripts/role-docs.py

clean:
	rm -rf build tests/output .cache/sanity

# Speed and memory figures (fresh converge, no-change re-runs, RSS); never part of `make test`.
bench:
	@bash scripts/bench.sh
