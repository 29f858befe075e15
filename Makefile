# Millrace developer entry points. The README's quick start is `make demo` and `make test`.
SWIFT ?= swift
PYTHON ?= python3
RELEASE_BIN := .build/release

.PHONY: deps build release test demo bench fuzz soak clean

## deps: install the apt and pip packages (idempotent)
deps:
	@scripts/install-deps.sh

## build: debug build of everything, tests included, failing on any warning in our code
build: deps
	@scripts/build-checked.sh

release: deps
	$(SWIFT) build -c release --product millrace
	$(SWIFT) build -c release --product MillraceBench

## test: the deploy files linted (promtool, hadolint), then the whole suite against real servers
## (mock Kafka, moto S3 with SigV4, PostgreSQL)
test: build
	@scripts/check-deploy.sh
	$(PYTHON) scripts/test-servers.py run -- $(SWIFT) test --skip-build

## demo: the main job on the embedded default (mock Kafka in-process, staging in ./out/demo, loaded into a throwaway PostgreSQL)
demo: deps
	$(SWIFT) build -c release --product millrace
	@scripts/demo.sh $(RELEASE_BIN)/millrace out/demo

## bench: every benchmark against its peer, in the same run (ratios and peak RSS)
bench: release
	$(PYTHON) scripts/bench/run.py --bin $(RELEASE_BIN)

## fuzz: the decoder's libFuzzer target, for a bounded time, from the committed seed corpus
fuzz: deps
	scripts/fuzz.sh

## soak: the crash, fault and soak harness against the warehouse (docs/Soak.md): the full run
## (100 kills; SOAK_SEED=N replays a plan), the time-scaled freshness soak, then every fuzz target
## for SOAK_FUZZ_SECONDS each. Its short mode runs inside `make test`.
SOAK_FUZZ_SECONDS ?= 120
soak: deps
	$(SWIFT) build -c release --product millrace
	$(PYTHON) scripts/soak/soak.py --mode full --bin $(RELEASE_BIN)/millrace
	$(PYTHON) scripts/soak/soak.py --mode freshness --bin $(RELEASE_BIN)/millrace
	scripts/fuzz.sh --all $(SOAK_FUZZ_SECONDS)

clean:
	rm -rf .build out
