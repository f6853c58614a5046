# agreesign: plain Makefile. `make demo` and `make check` are the two
# commands the README gives; both install missing Debian packages first.

CC ?= cc
BUILD ?= build
PKGS = libsodium jansson libutf8proc
# Recursive (=) so that pkg-config runs only after `deps` has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
CHECK_LIBS = $(shell pkg-config --libs check)

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
       -Wmissing-prototypes -Wformat=2 -Werror
OPT ?= -O2 -g
CFLAGS ?=
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) \
             $(WARN) -Iinclude -Isrc $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS ?=

CLI_SRC = src/main.c $(wildcard src/cmd_*.c) $(wildcard src/cli_*.c)
LIB_SRC = $(filter-out $(CLI_SRC),$(wildcard src/*.c))
TEST_SRC = $(wildcard tests/check_*.c) tests/test_util.c
SUITES = $(patsubst tests/check_%.c,%,$(filter-out tests/check_main.c,$(wildcard tests/check_*.c)))

LIB_OBJ = $(LIB_SRC:src/%.c=$(BUILD)/lib/%.o)
CLI_OBJ = $(CLI_SRC:src/%.c=$(BUILD)/cli/%.o)
TEST_OBJ = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%.o)

LIB = $(BUILD)/libagreesign.a
BIN = $(BUILD)/agreesign
TESTBIN = $(BUILD)/check_agreesign
DEPS_STAMP = $(BUILD)/.deps-ok

.PHONY: all deps check unit cli-test interop demo clean asan format format-check

all: $(BIN)

# Installs the Debian packages the build and tests need, when missing.
deps: $(DEPS_STAMP)
$(DEPS_STAMP): .ci/install-deps
	@mkdir -p $(BUILD)
	@sh .ci/install-deps
	@touch $@

$(BUILD)/lib/%.o: src/%.c include/agreesign.h $(wildcard src/*.h) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/cli/%.o: src/%.c include/agreesign.h $(wildcard src/cli*.h) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c include/agreesign.h src/internal.h $(wildcard tests/*.h) $(BUILD)/suites.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -I$(BUILD) $(shell pkg-config --cflags check) -c $< -o $@

# The runner's list of suites: one per tests/check_<module>.c, each
# defining Suite *<module>_suite(void). Rewritten only when it changes.
$(BUILD)/suites.h: FORCE
	@mkdir -p $(BUILD)
	@{ for s in $(SUITES); do echo "SUITE($$s)"; done; } > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

$(LIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS)

$(TESTBIN): $(TEST_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(CHECK_LIBS) $(PKG_LIBS)

unit: $(TESTBIN)
	cd tests && AGS_SHARED=$${AGS_SHARED:-../../shared} ../$(TESTBIN)

cli-test: $(BIN)
	bash tests/cli.sh $(BIN)

interop: $(BIN)
	/usr/bin/python3 tests/interop/verify_test.py $(BIN)

check: unit cli-test

demo: $(BIN)
	@bash tests/demo.sh $(BIN)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	        LDFLAGS="-fsanitize=address,undefined" check

format:
	clang-format -i src/*.c src/*.h include/*.h tests/*.c

format-check:
	clang-format --dry-run -Werror src/*.c src/*.h include/*.h tests/*.c

clean:
	rm -rf build build-asan
