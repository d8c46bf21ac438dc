# rehabit: thin wrapper over CMake presets. The two commands a newcomer needs:
#   make run    build (release) and run the tour on the shipped examples
#   make check  build with ASan+UBSan and run every test (what CI runs)
# Both install missing Debian packages first (scripts/deps.sh).

.PHONY: run check build dev release test bench fuzz fuzz-run format format-check deps clean valgrind

run: release
	@./scripts/tour.sh build/release/src/cli/rehabit

check:
	@./scripts/deps.sh test
	cmake --preset asan >/dev/null
	cmake --build --preset asan
	ctest --preset asan

release:
	@./scripts/deps.sh build
	cmake --preset release -DRH_TESTS=OFF >/dev/null
	cmake --build --preset release

build: release

dev:
	@./scripts/deps.sh test
	cmake --preset dev >/dev/null
	cmake --build --preset dev

test: dev
	ctest --preset dev

bench:
	@./scripts/deps.sh bench
	cmake --preset release -DRH_TESTS=ON -DRH_BENCH=ON >/dev/null
	cmake --build --preset release
	./bench/run.sh build/release

fuzz:
	@./scripts/deps.sh fuzz
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz

# Runs every libFuzzer target for FUZZ_SECONDS (default 60) each.
fuzz-run: fuzz
	./scripts/fuzz.sh build/fuzz $${FUZZ_SECONDS:-60}

valgrind: dev
	./scripts/valgrind.sh build/dev

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	./scripts/format-check.sh

deps:
	./scripts/deps.sh all

clean:
	rm -rf build
