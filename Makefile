# A thin wrapper around CMake. The two commands a newcomer needs:
#   make demo   install what is missing, build, load the bundled data, answer showcase questions
#   make test   install what is missing, build, run every test
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
DEMO_DB ?= $(BUILD)/demo.db
ENTENTE = $(BUILD)/tools/entente

.PHONY: all deps configure build test demo test-asan install clean
all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

demo: build
	@scripts/demo $(ENTENTE) $(DEMO_DB)

test-asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan CMAKE_FLAGS="-DENTENTE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

install: build
	@cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))

clean:
	@rm -rf $(BUILD) build-asan
