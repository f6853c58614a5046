# agreesign: plain Makefile. `make demo` and `make check` are the two
# commands the README gives; both install missing Debian packages first.

CC ?= cc
BUILD ?= build
PKGS = libsodium jansson libutf8proc libcrypto sqlite3
# Recursive (=) so that pkg-config runs only after `deps` has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
# libcurl: only its header, for the command line's --tsa (src/cli/cli_http.c
# loads the library with dlopen when --tsa is given; it is not linked).
CURL_CFLAGS = $(shell pkg-config --cflags libcurl)
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
CHECK_LIBS = $(shell pkg-config --libs check)
# The agreesign binary links jansson and utf8proc statically (Debian's -dev
# packages ship the .a): loading two more shared libraries costs about a
# quarter of a millisecond at every start, as much as a whole `verify`.
# libsodium stays shared, so that Debian's security updates reach it.
# `make STATIC_DEPS=` links everything dynamically.
STATIC_DEPS ?= jansson libutf8proc
LINK_STATIC = -Wl,-Bstatic $(shell pkg-config --libs $(STATIC_DEPS)) -Wl,-Bdynamic
BIN_LIBS = $(if $(strip $(STATIC_DEPS)),$(LINK_STATIC)) \
           $(shell pkg-config --libs $(filter-out $(STATIC_DEPS),$(PKGS)))

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
       -Wmissing-prototypes -Wformat=2 -Werror
OPT ?= -O2 -g
CFLAGS ?=
ALL_CFLAGS = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) \
             $(WARN) -Iinclude $(LIB_INC) $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS ?=
ALL_LDFLAGS = -pthread $(LDFLAGS)

# The library's layers, from the lowest to the highest (src/README.md): a
# file may call its own layer and those below, never above (make arch).
LAYERS = base codec text format op report job
LIB_SRC = $(foreach l,$(LAYERS),$(wildcard src/lib/$(l)/*.c))
LIB_HDR = src/lib/internal.h $(foreach l,$(LAYERS),$(wildcard src/lib/$(l)/*.h))
LIB_INC = -Isrc/lib $(foreach l,$(LAYERS),-Isrc/lib/$(l))
CLI_SRC = $(wildcard src/cli/*.c)
TEST_SRC = $(wildcard tests/unit/check_*.c) tests/unit/test_util.c tests/unit/tsa_util.c
SUITES = $(patsubst tests/unit/check_%.c,%,$(filter-out tests/unit/check_main.c,$(wildcard tests/unit/check_*.c)))
# tests/e2e/e2e_lib.sh is the helpers every suite sources, not a suite.
E2E_SUITES = tests/e2e/cli.sh $(filter-out tests/e2e/e2e_lib.sh,$(wildcard tests/e2e/e2e_*.sh))

LIB_OBJ = $(LIB_SRC:src/lib/%.c=$(BUILD)/lib/%.o)
CLI_OBJ = $(CLI_SRC:src/cli/%.c=$(BUILD)/cli/%.o)
TEST_OBJ = $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%.o)

LIB = $(BUILD)/libagreesign.a
BIN = $(BUILD)/agreesign
TESTBIN = $(BUILD)/check_agreesign
DEPS_STAMP = $(BUILD)/.deps-ok

.PHONY: all deps check unit cli-test interop arch arch-test jobs-test man-lint demo clean asan tsan format format-check

all: $(BIN)

# Installs the Debian packages the build and tests need, when missing.
deps: $(DEPS_STAMP)
$(DEPS_STAMP): .ci/install-deps
	@mkdir -p $(BUILD)
	@sh .ci/install-deps
	@touch $@

# V=1 shows the compiler's command lines.
Q = $(if $(V),,@)

$(BUILD)/lib/%.o: src/lib/%.c include/agreesign.h $(LIB_HDR) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/cli/%.o: src/cli/%.c include/agreesign.h $(wildcard src/cli/*.h) $(LIB_HDR) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(CURL_CFLAGS) -I$(BUILD) -c $< -o $@

# `agreesign help` names the specification where make install puts it:
# $(BUILD)/paths.h holds docdir, rewritten only when it changes (below).
$(BUILD)/cli/main.o: $(BUILD)/paths.h

$(BUILD)/tests/%.o: tests/unit/%.c include/agreesign.h $(LIB_HDR) $(wildcard tests/unit/*.h) $(BUILD)/suites.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -I$(BUILD) $(shell pkg-config --cflags check) -c $< -o $@

# The runner's list of suites: one per tests/unit/check_<module>.c, each
# defining Suite *<module>_suite(void). Rewritten only when it changes.
$(BUILD)/suites.h: FORCE
	@mkdir -p $(BUILD)
	@{ for s in $(SUITES); do echo "SUITE($$s)"; done; } > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(BIN_LIBS)

$(TESTBIN): $(TEST_OBJ) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(CHECK_LIBS) $(PKG_LIBS)

# (A misspelt suite name given to the runner must fail, not run no test.)
unit: $(TESTBIN)
	cd tests && AGS_SHARED=$${AGS_SHARED:-../../shared} ../$(TESTBIN)
	@cd tests && { ../$(TESTBIN) no-such-suite 2>/dev/null; [ $$? = 2 ]; } || \
		{ echo "check_agreesign: an unknown suite was not refused"; exit 1; }

# How many test commands run at a time: the e2e suites of cli-test and the
# suites of make valgrind go through tests/jobs.sh, which runs JOBS at once
# and prints each one's output whole when it ends. make JOBS=1: one by one.
JOBS ?= $(shell nproc)
# The suites that take longest, the longest first (alone, one after the
# other, with a load average of 13 on two cores: e2e_hostile 405 s,
# e2e_install 97 s, e2e_report 86 s, e2e_batch 73 s, cli.sh 55 s, shard
# 49 s, output 41 s, tty 26 s, attach 24 s, the others less; 892 s in all,
# 424 s with JOBS=2): they start first, so that no long suite starts last
# and runs alone. A suite not named here runs after them.
E2E_SLOW = tests/e2e/e2e_hostile.sh tests/e2e/e2e_install.sh \
           tests/e2e/e2e_report.sh tests/e2e/e2e_batch.sh tests/e2e/cli.sh \
           tests/e2e/e2e_shard.sh tests/e2e/e2e_output.sh tests/e2e/e2e_tty.sh \
           tests/e2e/e2e_attach.sh
# $(call first,SLOW,ALL): ALL, those named in SLOW first, in SLOW's order.
first = $(filter $(2),$(1)) $(filter-out $(1),$(2))

# End-to-end tests: tests/e2e/cli.sh and every tests/e2e/e2e_<topic>.sh,
# each called with the binary's path and ending with "N passed, N failed".
# The suites share nothing but the binary: each works in its own mktemp
# folder (e2e_shard's sshd on a free port, e2e_keys' HOME inside it).
cli-test: $(BIN)
	@JOBS=$(JOBS) bash tests/jobs.sh \
		$(foreach t,$(call first,$(E2E_SLOW),$(E2E_SUITES)),'bash $(t) $(BIN)')

interop: $(BIN)
	/usr/bin/python3 tests/interop/verify_test.py $(BIN)

# The architecture checker's own test (tests/arch/layers_test.sh plants a
# cycle, a call upward and a call into the CLI in tiny libraries).
arch-test:
	@echo "== tests/arch/layers_test.sh"
	@bash tests/arch/layers_test.sh

# The test runner's own test (tests/jobs_test.sh).
jobs-test:
	@echo "== tests/jobs_test.sh"
	@bash tests/jobs_test.sh

# The library's architecture, from its object files: no cycle between
# files, no call to a higher layer, no call into the CLI (src/README.md).
arch: $(LIB_OBJ) $(CLI_OBJ)
	@echo "== tests/arch/layers.py"
	@/usr/bin/python3 tests/arch/layers.py --src src/lib --layers "$(LAYERS)" $(BUILD)/lib $(LIB_OBJ) -- $(CLI_OBJ)

# The man pages, as mandoc reads them: a message of level WARNING or worse
# fails (mandoc exits non-zero and prints it).
MAN_PAGES = src/cli/man/agreesign.1 src/cli/man/agreesign.5
man-lint: | $(DEPS_STAMP)
	@echo "== mandoc -T lint -W warning $(MAN_PAGES)"
	@mandoc -T lint -W warning $(MAN_PAGES)

check: unit cli-test interop arch-test jobs-test arch man-lint web-test

demo: $(BIN)
	@bash tests/demo.sh $(BIN)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
# (AGS_SANITIZED: tests skip what a sanitizer distorts, such as peak RSS;
# make valgrind sets it too. AGS_SAN_LDFLAGS: what a program linked against
# the sanitized static library needs, for tests/e2e/e2e_install.sh.
# CK_FORK=no: the unit tests run in one process, as under valgrind; a fork
# of a sanitized process copies its shadow memory's page tables, and the
# 2,000-odd forks of the unit suites took most of an hour on a loaded
# machine. Any report stops the run: -fno-sanitize-recover.)
asan:
	CK_FORK=no AGS_SANITIZED=1 AGS_SAN_LDFLAGS="-fsanitize=address,undefined" $(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	        LDFLAGS="-fsanitize=address,undefined" check

# The batch tests under ThreadSanitizer: the worker pool must be race-free.
tsan:
	$(MAKE) BUILD=build-tsan OPT="-O1 -g -fsanitize=thread" \
	        LDFLAGS="-fsanitize=thread" build-tsan/agreesign
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" bash tests/e2e/e2e_batch.sh build-tsan/agreesign

# The unit tests and the CLI suites under valgrind memcheck, built -O1 -g
# without sanitizers: an invalid access, a use of uninitialised memory or a
# definite, indirect or possible leak fails the run. The unit runner runs
# each suite on its own (check_agreesign MODULE) with CK_FORK=no, so that
# valgrind sees the tests themselves; the CLI suites get
# tests/valgrind-wrap.sh in place of the binary. The unit and CLI suites
# run JOBS at a time through tests/jobs.sh, the longest (VG_SLOW) first.
# Each process writes a log to build-valgrind/vglogs; the logs are scanned
# at the end and the offending ones printed (the first 10 in full). A
# process a suite kills on purpose leaves a log without a summary; an error
# it logged before is still caught. AGS_SANITIZED=1: the suites skip what
# valgrind distorts as a sanitizer does (peak RSS).
# Covered: every unit test, cli.sh and every tests/e2e/e2e_*.sh but three.
# Under AGS_SANITIZED the two suites that start the binary most often run
# fewer rounds: e2e_batch.sh 60 entries instead of 300, e2e_hostile.sh 40
# SIGKILL runs instead of 300 (with 300 each took over 20 minutes here). Left out: e2e_install.sh, which installs from the
# binary's folder and runs the installed copy: a wrapper cannot stand in for
# that binary, and the commands it runs are run here by the other suites;
# and e2e_shard.sh, whose shards run in ssh sessions that do not carry the
# suites' environment (AGS_SANITIZED, the logs' folder): its batches are
# those e2e_batch.sh runs here.
VG_BUILD = build-valgrind
VG_LOGS = $(VG_BUILD)/vglogs
# (e2e_readme.sh: its default-cost Argon2id takes minutes under valgrind,
# and every code path it runs is another suite's too.)
VG_SUITES = $(filter-out tests/e2e/e2e_install.sh tests/e2e/e2e_shard.sh tests/e2e/e2e_readme.sh,$(E2E_SUITES))
# The e2e suites and unit suites (check_agreesign MODULE) that take
# longest under valgrind, the longest first: jobs.sh starts them first.
VG_SLOW = tests/e2e/e2e_batch.sh tests/e2e/e2e_hostile.sh tests/e2e/cli.sh \
          json_read key json_write encode
# What valgrind reports as an error or a leak, in a log. A death by SIGHUP,
# SIGINT or SIGTERM is no error: a passphrase prompt re-raises them on
# purpose (e2e_tty.sh); any other fatal signal is.
VG_ERRORS = ERROR SUMMARY: [1-9]|^==[0-9]+== (Invalid |Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap|Process terminating with default action of signal ([3-9]|1[0-46-9]|[2-9][0-9]) |.* (definitely|indirectly|possibly) lost in loss record)

.PHONY: valgrind
valgrind:
	@AGS_EXTRA_DEPS=valgrind sh .ci/install-deps
	$(MAKE) BUILD=$(VG_BUILD) OPT="-O1 -g" $(VG_BUILD)/agreesign $(VG_BUILD)/check_agreesign
	@rm -rf $(VG_LOGS) && mkdir -p $(VG_LOGS) && chmod 1777 $(VG_LOGS)
	@fail=0; \
	export AGS_VG_BUILD=$(CURDIR)/$(VG_BUILD) AGS_VG_LOGS=$(CURDIR)/$(VG_LOGS) \
		AGS_SANITIZED=1 CK_FORK=no; \
	JOBS=$(JOBS) bash tests/jobs.sh $(foreach t,$(call first,$(VG_SLOW),$(VG_SUITES) $(SUITES)), \
		$(if $(filter %.sh,$(t)),'bash $(t) tests/valgrind-wrap.sh', \
		'cd tests && AGS_SHARED=$${AGS_SHARED:-../../shared} AGS_VG_PROG=../$(VG_BUILD)/check_agreesign ./valgrind-wrap.sh $(t)')) \
		|| fail=1; \
	bad=$$(grep -lE '$(VG_ERRORS)' $(VG_LOGS)/*.log); \
	i=0; for f in $$bad; do i=$$((i + 1)); echo "== $$f"; \
		[ $$i -le 10 ] && cat "$$f"; done; \
	n=$$(ls $(VG_LOGS) | wc -l); \
	if [ -n "$$bad" ]; then echo "valgrind: errors or leaks in $$i of $$n logs (above; the first 10 in full)"; exit 1; fi; \
	echo "valgrind: $$n processes, no error, no leak"; \
	[ $$fail = 0 ] || { echo "valgrind: a suite failed (above)"; exit 1; }

# Speed and memory against minisign, signify, PyNaCl and raw libsodium, on
# data generated in a temporary folder; writes tests/bench/RESULTS.md.
# Then the trust store benchmarks (tests/bench/trust.sh: stores of up to
# 1,000,000 keys), which write its section "Trust stores".
# Then the cost of a timestamp token (tests/bench/tokens_bench.sh), which
# writes its section "Timestamp tokens".
# BENCH=verify runs only the first part, BENCH=trust only the second,
# BENCH=tokens only the third.
BENCH ?= all
.PHONY: bench print-pkgs
bench:
	$(if $(filter all verify,$(BENCH)),bash tests/bench/run.sh)
	$(if $(filter all trust,$(BENCH)),bash tests/bench/trust.sh)
	$(if $(filter all tokens,$(BENCH)),bash tests/bench/tokens_bench.sh)

# The pkg-config names the library links (tests/bench/run.sh reads them).
print-pkgs:
	@echo $(PKGS)

FORMATTED = $(shell find src include tests/unit tests/fuzz -name '*.[ch]')

format:
	clang-format -i $(FORMATTED)

format-check:
	clang-format --dry-run -Werror $(FORMATTED)

# libFuzzer harnesses: make fuzz, make fuzz-smoke (tests/fuzz/README.md).
include tests/fuzz/fuzz.mk
include src/web/web.mk

clean:
	rm -rf build build-asan build-fuzz build-tsan build-bench build-valgrind

# --- Installing, after the GNU conventions: `make install` (as root) puts
# everything under PREFIX; `make install DESTDIR=/tmp/stage PREFIX=/usr`
# stages a package. Each directory below can be set on its own too.
# `make uninstall` removes the installed files and symbolic links, never a
# directory: bindir, mandir/man1 and the others are shared with other
# software (and Debian's base-files owns /usr/local/*); only docdir, which
# is agreesign's own, goes with its folders.
PREFIX ?= /usr/local
prefix ?= $(PREFIX)
exec_prefix ?= $(prefix)
bindir ?= $(exec_prefix)/bin
libdir ?= $(exec_prefix)/lib
includedir ?= $(prefix)/include
datarootdir ?= $(prefix)/share
datadir ?= $(datarootdir)
# The specification, its test vectors and templates, the README and the
# demo's public keys and trust file, as in the sources (spec/, keys/), so
# that the README's relative paths hold there too.
docdir ?= $(datadir)/doc/agreesign
mandir ?= $(datarootdir)/man
man1dir ?= $(mandir)/man1
man5dir ?= $(mandir)/man5
pkgconfigdir ?= $(libdir)/pkgconfig
bashcompdir ?= $(datadir)/bash-completion/completions
INSTALL ?= install
INSTALL_PROGRAM ?= $(INSTALL) -m 0755
INSTALL_DATA ?= $(INSTALL) -m 0644

VERSION = $(shell sed -n 's/^\#define AGS_VERSION "\(.*\)"/\1/p' include/agreesign.h)
# The shared library's ABI version: the major number is in the soname.
SO_MAJOR = 1
SO_VERSION = $(SO_MAJOR).0.0
SO_NAME = libagreesign.so.$(SO_MAJOR)
SO = $(BUILD)/libagreesign.so.$(SO_VERSION)
# The same library sources compiled as position-independent code, apart
# from the static build's objects.
PIC_OBJ = $(LIB_SRC:src/lib/%.c=$(BUILD)/pic/%.o)
# Exports exactly the functions include/agreesign.h declares.
EXPORTS = $(BUILD)/agreesign.map
PC = $(BUILD)/agreesign.pc
# The man pages name the specification under docdir: the sources write the
# default, /usr/local/share/doc/agreesign, and make install writes docdir.
MAN_DOCDIR = /usr/local/share/doc/agreesign
MAN_OUT = $(BUILD)/man/agreesign.1 $(BUILD)/man/agreesign.5
# What goes under docdir (the demo's secret keys stay in the sources).
DOC_FILES = README.md $(sort $(shell find spec -type f)) keys/README.md \
            keys/demo.trust $(wildcard keys/*.pub)

.PHONY: shared install uninstall
all: shared
shared: $(SO)

$(BUILD)/pic/%.o: src/lib/%.c include/agreesign.h $(LIB_HDR) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $< (PIC)")
	$(Q)$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(EXPORTS): include/agreesign.h src/lib/exports.awk
	@mkdir -p $(dir $@)
	$(Q)awk -f src/lib/exports.awk include/agreesign.h > $@.tmp && mv $@.tmp $@

$(SO): $(PIC_OBJ) $(EXPORTS)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,$(SO_NAME) \
		-Wl,--version-script=$(EXPORTS) -Wl,-z,defs \
		-o $@ $(PIC_OBJ) $(PKG_LIBS)

# Rewritten when PREFIX or a directory changes, else left alone.
$(PC): src/lib/agreesign.pc.in include/agreesign.h FORCE
	@mkdir -p $(dir $@)
	@sed -e 's|@prefix@|$(prefix)|g' -e 's|@libdir@|$(libdir)|g' \
	     -e 's|@includedir@|$(includedir)|g' -e 's|@VERSION@|$(VERSION)|g' \
	     -e 's|@UTF8PROC_LIBS@|$(strip $(shell pkg-config --libs libutf8proc))|g' \
	     src/lib/agreesign.pc.in > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/paths.h: FORCE
	@mkdir -p $(dir $@)
	@printf '/* Written by the Makefile: where make install puts the documentation. */\n#define AGS_DOCDIR "%s"\n' \
		'$(subst ','\'',$(subst ",\",$(subst \,\\,$(docdir))))' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/man/%: src/cli/man/% FORCE
	@mkdir -p $(dir $@)
	@sed 's|$(MAN_DOCDIR)|$(docdir)|g' $< > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

install: $(BIN) $(LIB) $(SO) $(PC) $(MAN_OUT)
	$(INSTALL) -d "$(DESTDIR)$(bindir)" "$(DESTDIR)$(libdir)" \
		"$(DESTDIR)$(includedir)" "$(DESTDIR)$(pkgconfigdir)" \
		"$(DESTDIR)$(man1dir)" "$(DESTDIR)$(man5dir)" \
		"$(DESTDIR)$(bashcompdir)"
	$(INSTALL_PROGRAM) $(BIN) "$(DESTDIR)$(bindir)/agreesign"
	$(INSTALL_DATA) $(LIB) "$(DESTDIR)$(libdir)/libagreesign.a"
	$(INSTALL_DATA) $(SO) "$(DESTDIR)$(libdir)/libagreesign.so.$(SO_VERSION)"
	ln -sf libagreesign.so.$(SO_VERSION) "$(DESTDIR)$(libdir)/$(SO_NAME)"
	ln -sf $(SO_NAME) "$(DESTDIR)$(libdir)/libagreesign.so"
	$(INSTALL_DATA) include/agreesign.h "$(DESTDIR)$(includedir)/agreesign.h"
	$(INSTALL_DATA) $(PC) "$(DESTDIR)$(pkgconfigdir)/agreesign.pc"
	$(INSTALL_DATA) $(BUILD)/man/agreesign.1 "$(DESTDIR)$(man1dir)/agreesign.1"
	$(INSTALL_DATA) $(BUILD)/man/agreesign.5 "$(DESTDIR)$(man5dir)/agreesign.5"
	$(INSTALL_DATA) src/cli/completion/agreesign.bash "$(DESTDIR)$(bashcompdir)/agreesign"
	@set -e; for f in $(DOC_FILES); do \
		d="$(DESTDIR)$(docdir)/$$(dirname $$f)"; \
		$(INSTALL) -d "$$d"; \
		echo "$(INSTALL_DATA) $$f $$d/"; $(INSTALL_DATA) $$f "$$d/"; \
	done

uninstall:
	rm -f "$(DESTDIR)$(bindir)/agreesign" \
		"$(DESTDIR)$(libdir)/libagreesign.a" \
		"$(DESTDIR)$(libdir)/libagreesign.so.$(SO_VERSION)" \
		"$(DESTDIR)$(libdir)/$(SO_NAME)" \
		"$(DESTDIR)$(libdir)/libagreesign.so" \
		"$(DESTDIR)$(includedir)/agreesign.h" \
		"$(DESTDIR)$(pkgconfigdir)/agreesign.pc" \
		"$(DESTDIR)$(man1dir)/agreesign.1" \
		"$(DESTDIR)$(man5dir)/agreesign.5" \
		"$(DESTDIR)$(bashcompdir)/agreesign"
	@for f in $(DOC_FILES); do rm -f "$(DESTDIR)$(docdir)/$$f"; done
	@# docdir is agreesign's own: its folders go too, once empty.
	@for d in $(sort $(dir $(DOC_FILES))); do echo "$(DESTDIR)$(docdir)/$$d"; done | \
		sort -r | while read -r d; do rmdir "$$d" 2>/dev/null || :; done
	@rmdir "$(DESTDIR)$(docdir)" 2>/dev/null || :
