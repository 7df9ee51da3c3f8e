# Thin wrapper around Meson; see README.md.
BUILD      ?= build
BUILD_ASAN ?= build-asan
MESON      ?= meson
NINJA      ?= ninja

.PHONY: all build asan deps check check-quick demo bench clean install

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD) --buildtype=debugoptimized

$(BUILD_ASAN)/build.ninja:
	$(MESON) setup $(BUILD_ASAN) --buildtype=debug -Db_sanitize=address,undefined \
		-Db_lundef=false -Dfault_injection=true

build: $(BUILD)/build.ninja
	$(NINJA) -C $(BUILD)

asan: $(BUILD_ASAN)/build.ninja
	$(NINJA) -C $(BUILD_ASAN)

# Every test: unit tests (plain and ASan+UBSan), the integration, conformance,
# init and security suites.  The last line is "N passed, N failed".
check: deps build asan
	@tests/run-all.sh

demo: deps build
	@scripts/demo.sh

bench: deps build
	@bench/startup/run.sh
	@bench/scale/run.sh
	@bench/init/run.sh
	@bench/build/run.sh

install: build
	$(MESON) install -C $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
