# Millrace developer entry points. The README's quick start is `make demo` and `make test`.
SWIFT ?= swift
PYTHON ?= python3
RELEASE_BIN := .build/release

.PHONY: deps build release test demo bench fuzz clean

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

clean:
	rm -rf .build out
