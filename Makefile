# Thin wrapper: the real build is CMake. `make demo` and `make test` work on a fresh machine.
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: all deps build demo test unit integration bench clean

all: build

deps:
	scripts/install-deps --with-clients

build:
	scripts/install-deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD)

demo: build
	integration/demo.sh $(BUILD)/rampart

unit: build
	$(BUILD)/rampart_tests

integration: build
	integration/run-all.sh $(BUILD)/rampart

test: deps build
	scripts/run-tests.sh $(BUILD)

bench: build
	bench/lifecycle $(BUILD)/rampart

clean:
	rm -rf $(BUILD)
