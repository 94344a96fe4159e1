# A thin wrapper around CMake. The two commands a newcomer needs:
#   make demo   install what is missing, build, load the bundled data, answer showcase questions
#   make test   install what is missing, build, run every test
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
# CI (CI=true) builds once, from a clean clone: batched compiles (cmake/pch.cmake,
# ENTENTE_UNITY) halve that build's time, and the incremental rebuilds they slow down never come.
ifeq ($(CI),true)
UNITY_FLAGS = -DENTENTE_UNITY=ON
endif
DEMO_DB ?= $(BUILD)/demo.db
ENTENTE = $(BUILD)/tools/entente
CRASH_KILLS ?= 1000

.PHONY: all deps configure build test demo test-asan install clean crash-test bench probe differential
all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) $(UNITY_FLAGS) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

demo: build
	@scripts/demo $(ENTENTE) $(DEMO_DB)

# The benchmarks (docs/performance.md): a Release build in $(BENCH_BUILD), then bench/run.py
# at BENCH_SCALES records (add 100000000 for 10^8), printing a table and writing
# bench/results/latest.json. The comparison with Kuzu and DuckDB runs when Node.js and
# bench/peers' npm packages are there (installed here when npm is); BENCH_PEERS=off leaves
# it out.
BENCH_BUILD ?= build-bench
BENCH_SCALES ?= 100000,1000000,10000000
BENCH_ARGS ?=
BENCH_PEERS ?= auto
bench: deps
	@cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DENTENTE_BUILD_TESTS=OFF -DENTENTE_BUILD_EXAMPLES=OFF >/dev/null
	@cmake --build $(BENCH_BUILD) -j$(JOBS) --target entente_cli entente-gen entente-bench
	@if [ "$(BENCH_PEERS)" != off ] && command -v npm >/dev/null && \
	    { [ ! -d bench/peers/node_modules/kuzu ] || [ ! -d bench/peers/node_modules/@duckdb/node-api ]; }; then \
	  (cd bench/peers && npm install --no-audit --no-fund --silent) || echo "bench: npm install failed; the comparison with Kuzu and DuckDB will be skipped"; fi
	@/usr/bin/python3 bench/run.py --build $(BENCH_BUILD) --scales $(BENCH_SCALES) --peers $(BENCH_PEERS) $(BENCH_ARGS)

# The independent probe of the graph core's targets (bench/probe/README.md): entente
# installed into a scratch prefix, a program built against it by find_package, and Kuzu and
# DuckDB asked the same questions of the same 10^6-record graph.
PROBE_RECORDS ?= 1000000
probe: deps
	@cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DENTENTE_BUILD_TESTS=OFF -DENTENTE_BUILD_EXAMPLES=OFF >/dev/null
	@cmake --build $(BENCH_BUILD) -j$(JOBS) --target entente_cli entente-gen
	@if command -v npm >/dev/null && { [ ! -d bench/peers/node_modules/kuzu ] || [ ! -d bench/peers/node_modules/@duckdb/node-api ]; }; then \
	  (cd bench/peers && npm install --no-audit --no-fund --silent); fi
	@[ -f bench/data/$(PROBE_RECORDS)-1/graph.jsonl ] || $(BENCH_BUILD)/bench/entente-gen --records $(PROBE_RECORDS) --seed 1 --out bench/data/$(PROBE_RECORDS)-1
	@/usr/bin/python3 bench/probe/run.py --build $(BENCH_BUILD) --data bench/data/$(PROBE_RECORDS)-1 $(PROBE_ARGS)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer (clang). The build
# directory is the fuzzers' too ($(SAN_BUILD)): one sanitizer build serves both, so CI
# compiles the library twice (plain and sanitized), not three times.
test-asan: san-configure
	@cmake --build $(SAN_BUILD) -j$(JOBS) --target entente_tests entente_cli entente_crash_child
	@cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ENTENTE_READER_OPENS=200 ctest --output-on-failure -j$(JOBS)

# A gcc build with -fsanitize=address,undefined instead (ENTENTE_SANITIZE), for when clang
# is not wanted.
test-asan-gcc:
	@$(MAKE) --no-print-directory test BUILD=build-asan CMAKE_FLAGS="-DENTENTE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"

# The crash tests, long: a writer process killed with SIGKILL $(CRASH_KILLS) times
# (tests/reliability/crash_test.cc), and the command killed $(CRASH_CLI_KILLS) times in each
# of its six writes (tests/reliability/crash_cli_test.cc; 240 kills at the default).
CRASH_CLI_KILLS ?= 40
crash-test: build
	@ENTENTE_CRASH_KILLS=$(CRASH_KILLS) $(BUILD)/tests/entente_tests "[crash]"
	@ENTENTE_CRASH_CLI_KILLS=$(CRASH_CLI_KILLS) $(BUILD)/tests/entente_tests "[crash_cli]"

# libFuzzer targets (fuzz/README.md), built with clang, ASan and UBSan into $(SAN_BUILD)/:
# each runs FUZZ_SECONDS on its seed corpus; fuzz-smoke runs each for 10 s.
SAN_BUILD ?= build-san
FUZZ_BUILD = $(SAN_BUILD)
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= fuzz_jsonl fuzz_date fuzz_record fuzz_props fuzz_table fuzz_xml fuzz_query
.PHONY: fuzz fuzz-smoke fuzz-build san-configure test-asan-gcc
san-configure:
	@scripts/install-deps clang libclang-rt-14-dev
	@CC=clang CXX=clang++ cmake -S . -B $(SAN_BUILD) -DENTENTE_FUZZ=ON -DENTENTE_BUILD_EXAMPLES=OFF $(UNITY_FLAGS) >/dev/null

fuzz-build: san-configure
	@cmake --build $(SAN_BUILD) -j$(JOBS) --target $(FUZZ_TARGETS)

fuzz: fuzz-build
	@status=0; for t in $(FUZZ_TARGETS); do fuzz/run $(FUZZ_BUILD) $$t $(FUZZ_SECONDS) || status=1; done; exit $$status

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

# The query language against Kùzu (npm kuzu@0.11.3) on a small generated graph, question by
# question (bench/differential/run.py); needs Node.js and npm, so not part of make test.
differential: build
	@/usr/bin/python3 bench/differential/run.py --build $(BUILD)

install: build
	@cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))

clean:
	@rm -rf $(BUILD) build-asan $(SAN_BUILD) $(BENCH_BUILD) bench/work
