# NoduleKit — every target installs what it needs first (idempotent), then runs.
SWIFT ?= swift
BUILD_FLAGS ?=
RELEASE_FLAGS ?= -c release
# make test's one build: optimised, with testability (`@testable import` needs -enable-testing,
# which `swift build` adds only to test targets by itself).
TEST_FLAGS ?= -c release -Xswiftc -enable-testing
NODULEKIT_RELEASE = .build/release/nodulekit

.PHONY: all deps venv test-data build release test demo bench fuzz clean

all: build

deps:
	@scripts/install-system-deps.sh

venv: deps
	@scripts/setup-venv.sh

test-data: deps
	@scripts/fetch-test-data.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product nodulekit

# Every test: the cascade on reduced phantom data with its accuracy targets checked, unit and
# oracle tests (SimpleITK, nibabel, pydicom from .venv), then the library example under
# Examples/ is built and run so it never rots. One release build with the tests (TEST_FLAGS)
# serves both: its .build/release/nodulekit runs the cascade (training in a debug build would
# take too long) and the XCTests run optimised. It does not depend on `release`: the flags
# differ, so SwiftPM would compile every module twice. `make demo` or `make bench` after it
# rebuilds .build/release/nodulekit without testability.
test: deps venv test-data
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	@scripts/cascade.sh $(NODULEKIT_RELEASE) out/test-cascade check
	$(SWIFT) test $(TEST_FLAGS) --skip-build
	@scripts/run-example.sh

# The main job on SampleData/: nodule masks, overlays and a summary, into out/demo.
demo: release venv test-data
	@scripts/demo.sh $(NODULEKIT_RELEASE)

bench: release venv
	@scripts/bench.sh $(NODULEKIT_RELEASE)

# libFuzzer (ASan + UBSan) over every parser, FUZZ_SECONDS each (60): DICOM, MetaImage,
# NIfTI, annotations CSVs, .npy, safetensors, model.json. Seeds from the real test data
# (scripts/fuzz/seeds.py); findings land in Fuzz/findings/<Target>/, and the exit is
# non-zero when there are any. One target: scripts/fuzz/run.sh SECONDS NIfTIFuzz.
FUZZ_SECONDS ?= 60
fuzz: deps venv test-data
	@scripts/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build out
