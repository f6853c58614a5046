# libFuzzer harnesses (tests/fuzz/README.md), included by the Makefile.
#   make fuzz                 every harness for FUZZ_SECONDS (default 60)
#   make fuzz-smoke           every harness for 10 s (what CI runs)
#   make fuzz-build           build only; binaries in build-fuzz/
#   make -j2 fuzz             two harnesses at a time
# New corpus entries go to build-fuzz/corpus/<harness>/ (not committed);
# the seeds in tests/fuzz/corpus/<harness>/ are only read. A crash leaves
# its input in build-fuzz/artifacts/ and fails the target.

FUZZ_CC ?= clang
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?=
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g \
              -fno-omit-frame-pointer $(FUZZ_SAN) $(WARN) -Iinclude $(LIB_INC) \
              -Itests/fuzz -Itests/unit $(PKG_CFLAGS)
FUZZ_HARNESSES = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_HARNESSES := $(filter-out fuzz_util,$(FUZZ_HARNESSES))
FUZZ_LIB_OBJ = $(LIB_SRC:src/lib/%.c=$(FUZZ_DIR)/lib/%.o)
FUZZ_BINS = $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/%)
# Extra seeds: the committed external vectors, and the real agreements from
# ../shared when it is there (they are not ours to publish).
FUZZ_SHARED = $${AGS_SHARED:-../shared}
FUZZ_EXTRA_fuzz_jcs = tests/vectors/external/jcs/input \
                      tests/vectors/external/jsontestsuite/test_parsing
FUZZ_EXTRA_fuzz_envelope = tests/vectors/external/jsontestsuite/test_parsing
FUZZ_EXTRA_fuzz_json_write = tests/vectors/external/jsontestsuite/test_parsing \
                             tests/vectors/external/jcs/input
FUZZ_EXTRA_fuzz_json = tests/vectors/external/jsontestsuite/test_parsing \
                       tests/vectors/external/jcs/input
FUZZ_EXTRA_fuzz_canon = $(FUZZ_SHARED)/agreements
FUZZ_EXTRA_fuzz_extract = $(FUZZ_SHARED)/agreements

.PHONY: fuzz fuzz-smoke fuzz-build
.SECONDARY: $(FUZZ_LIB_OBJ)

# clang and its libFuzzer runtime, installed like the other Debian deps.
FUZZ_DEPS_STAMP = $(FUZZ_DIR)/.deps-ok
$(FUZZ_DEPS_STAMP): .ci/install-deps | $(DEPS_STAMP)
	@mkdir -p $(FUZZ_DIR)
	@AGS_EXTRA_DEPS="clang libclang-rt-14-dev" sh .ci/install-deps
	@touch $@

$(FUZZ_DIR)/lib/%.o: src/lib/%.c include/agreesign.h $(LIB_HDR) | $(FUZZ_DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $< (fuzz)")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/%: tests/fuzz/%.c tests/fuzz/fuzz_util.c tests/fuzz/fuzz_util.h $(FUZZ_LIB_OBJ)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -DFUZZ_SRCDIR='"$(CURDIR)"' \
		-o $@ $< tests/fuzz/fuzz_util.c $(FUZZ_LIB_OBJ) $(PKG_LIBS) -lpthread

fuzz-build: $(FUZZ_BINS)

# One run: seeds and extra seeds read, new units kept in build-fuzz/corpus.
# -rss_limit_mb: Argon2 of sealed keys is bounded by the harness (see
# fuzz_seckey.c), so 2 GB is ample.
fuzz-run-%: $(FUZZ_DIR)/%
	@mkdir -p $(FUZZ_DIR)/corpus/$* $(FUZZ_DIR)/artifacts $(FUZZ_DIR)/logs
	@echo "  FUZZ    $* for $(FUZZ_SECONDS) s"
	@extra=""; for d in $(FUZZ_EXTRA_$*); do [ -d "$$d" ] && extra="$$extra $$d"; done; \
	if ./$(FUZZ_DIR)/$* -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/artifacts/$*- $(FUZZ_FLAGS) \
		$(FUZZ_DIR)/corpus/$* tests/fuzz/corpus/$* $$extra \
		>$(FUZZ_DIR)/logs/$*.log 2>&1; then \
		echo "  $*: $$(grep -E '^#[0-9]+' $(FUZZ_DIR)/logs/$*.log | tail -1)"; \
	else \
		tail -40 $(FUZZ_DIR)/logs/$*.log; echo "fuzz: $* failed (log: $(FUZZ_DIR)/logs/$*.log)"; exit 1; \
	fi

fuzz: $(FUZZ_HARNESSES:%=fuzz-run-%)

fuzz-smoke:
	$(MAKE) FUZZ_SECONDS=10 fuzz

# Source coverage that the corpora reach (seeds and build-fuzz/corpus),
# per file, with clang's source-based coverage: make fuzz-coverage.
FUZZ_COV_DIR = $(FUZZ_DIR)/cov
FUZZ_COV_FLAGS = -fprofile-instr-generate -fcoverage-mapping
FUZZ_COV_LIB_OBJ = $(LIB_SRC:src/lib/%.c=$(FUZZ_COV_DIR)/lib/%.o)
.SECONDARY: $(FUZZ_COV_LIB_OBJ)
.PHONY: fuzz-coverage

$(FUZZ_COV_DIR)/lib/%.o: src/lib/%.c include/agreesign.h $(LIB_HDR) | $(FUZZ_DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_COV_DIR)/%: tests/fuzz/%.c tests/fuzz/fuzz_util.c tests/fuzz/fuzz_util.h $(FUZZ_COV_LIB_OBJ)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV_FLAGS) -fsanitize=fuzzer \
		-DFUZZ_SRCDIR='"$(CURDIR)"' -o $@ $< tests/fuzz/fuzz_util.c \
		$(FUZZ_COV_LIB_OBJ) $(PKG_LIBS) -lpthread

fuzz-coverage: $(FUZZ_HARNESSES:%=$(FUZZ_COV_DIR)/%)
	@rm -f $(FUZZ_COV_DIR)/*.profraw
	@for h in $(FUZZ_HARNESSES); do \
		LLVM_PROFILE_FILE=$(FUZZ_COV_DIR)/$$h.profraw ./$(FUZZ_COV_DIR)/$$h \
			-runs=0 tests/fuzz/corpus/$$h $$([ -d $(FUZZ_DIR)/corpus/$$h ] && echo $(FUZZ_DIR)/corpus/$$h) \
			>/dev/null 2>&1 || echo "fuzz-coverage: $$h failed"; \
	done
	@llvm-profdata merge -sparse $(FUZZ_COV_DIR)/*.profraw -o $(FUZZ_COV_DIR)/all.profdata
	@llvm-cov report $(FUZZ_COV_DIR)/$(firstword $(FUZZ_HARNESSES)) \
		$(foreach h,$(wordlist 2,99,$(FUZZ_HARNESSES)),-object $(FUZZ_COV_DIR)/$(h)) \
		-instr-profile=$(FUZZ_COV_DIR)/all.profdata $(LIB_SRC)
