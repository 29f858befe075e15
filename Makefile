# Millrace developer entry points. The README's quick start is `make demo` and `make test`.
SWIFT ?= swift
PYTHON ?= python3
RELEASE_BIN := .build/release

.PHONY: deps build release test demo bench fuzz soak soak-freshness clean

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

## fuzz: every libFuzzer target (decoder, Parquet reader, configuration, commit records) for FUZZ_SECONDS each (60), from the committed seeds
fuzz: deps
	scripts/fuzz.sh --all

## soak: the crash, fault and soak harness against the warehouse (docs/Soak.md): two workers and the
## loader as processes, 100 kill -9s and every fault kind, then the verdict (exits 1 on any lost,
## duplicated or wrong row; SOAK_SEED=N replays a plan). Its short mode runs inside `make test`.
soak: deps
	$(SWIFT) build -c release --product millrace
	$(PYTHON) scripts/soak/soak.py --mode full --bin $(RELEASE_BIN)/millrace

## soak-freshness: the time-scaled freshness soak (3 s windows, 30 s loads, 5 minutes): warehouse lag against the seed's targets
soak-freshness: deps
	$(SWIFT) build -c release --product millrace
	$(PYTHON) scripts/soak/soak.py --mode freshness --bin $(RELEASE_BIN)/millrace

clean:
	rm -rf .build out
