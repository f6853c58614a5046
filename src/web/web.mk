# The browser verifier (src/web/, README "Verify in a browser"): the
# library's verify path and the CLI's verify command compiled to wasm with
# Debian's emscripten, linked with libsodium, jansson and utf8proc built
# for wasm from the Debian sources of the installed versions
# (src/web/build-deps.sh, cached under build/web/deps by version).
#   build/web/agreesign-verify.mjs   ES module for node: verify(request)
#   build/web/agreesign-verify.html  the page, one self-contained file
# Left out (they do not fit a 1 MiB page): libcrypto (timestamps: no token
# proves a time, src/web/no_tsp.c) and SQLite (stores refused,
# src/web/no_sqlite.c).

WEB = $(BUILD)/web
EMCC ?= emcc
HAVE_EMCC := $(shell command -v $(EMCC) 2>/dev/null)
# emscripten runs node scripts that need Debian's acorn, which a node not
# from Debian does not look for (/usr/share/nodejs).
export NODE_PATH := $(NODE_PATH)$(if $(NODE_PATH),:)/usr/share/nodejs:/usr/lib/nodejs
WEB_DEPS_DIRS = $(WEB)/deps/dirs
# Every library file that includes an OpenSSL or SQLite header, or the
# SQLite store's own header, is left out.
WEB_LIB_OUT = $(shell grep -l -e '^\#include <openssl/' -e '^\#include <sqlite3.h>' \
              -e '^\#include "trust_db.h"' $(LIB_SRC))
WEB_LIB_SRC = $(filter-out $(WEB_LIB_OUT),$(LIB_SRC)) src/web/no_tsp.c \
              src/web/no_sqlite.c
# The CLI's verify command and the helpers it calls (not cli_http.c: no
# --tsa in a verifier).
WEB_CLI_SRC = src/cli/cmd_verify.c $(filter-out src/cli/cli_http.c,$(wildcard src/cli/cli_*.c))
WEB_OBJ = $(patsubst src/%.c,$(WEB)/obj/%.o,$(WEB_LIB_SRC) $(WEB_CLI_SRC) src/web/web_verify.c)
# -Oz: the page must stay under 1 MiB with the wasm in base64.
WEB_OPT = -Oz
WEB_INC = -Iinclude $(LIB_INC) -Isrc/cli $(foreach d,$(shell cat $(WEB_DEPS_DIRS) 2>/dev/null),-I$(d)/include)
WEB_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WEB_OPT) $(WARN) $(WEB_INC)
WEB_LIBS = $(foreach d,$(shell cat $(WEB_DEPS_DIRS) 2>/dev/null),$(wildcard $(d)/lib/*.a))
WEB_LDFLAGS = $(WEB_OPT) -sMODULARIZE=1 -sEXPORT_NAME=agsCreateModule \
	-sSINGLE_FILE=1 -sALLOW_MEMORY_GROWTH=1 -sFORCE_FILESYSTEM=1 \
	-sEXPORTED_FUNCTIONS=_ags_web_verify,_malloc,_free \
	-sEXPORTED_RUNTIME_METHODS=FS,ccall -sEXIT_RUNTIME=0 -sINVOKE_RUN=0

.PHONY: web web-deps web-test web-interop
ifeq ($(HAVE_EMCC),)
web-interop: web-test
web web-deps:
	@echo "web: emscripten not installed (Debian package emscripten): cannot build the browser verifier"; exit 2
web-test:
	@echo "web: emscripten not installed, browser verifier tests skipped"
else
web: $(WEB)/agreesign-verify.mjs $(WEB)/agreesign-verify.html

web-deps: $(WEB_DEPS_DIRS)
$(WEB_DEPS_DIRS): src/web/build-deps.sh | $(DEPS_STAMP)
	@sh src/web/build-deps.sh $(WEB)/deps

$(WEB)/obj/%.o: src/%.c include/agreesign.h $(LIB_HDR) $(wildcard src/cli/*.h) | $(WEB_DEPS_DIRS)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  EMCC    $<")
	$(Q)$(EMCC) $(WEB_CFLAGS) -c $< -o $@

# The node module: emscripten's ES module, then the API (src/web/api.js).
$(WEB)/agreesign-verify.mjs: $(WEB_OBJ) src/web/api.js src/web/api_node_head.js src/web/api_node.js
	@$(if $(V),,echo "  EMLD    $@")
	$(Q)$(EMCC) $(WEB_LDFLAGS) -sENVIRONMENT=node -sEXPORT_ES6=1 \
		-sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 \
		-o $(WEB)/core-node.mjs $(WEB_OBJ) $(WEB_LIBS)
	$(Q)cat src/web/api_node_head.js $(WEB)/core-node.mjs src/web/api.js src/web/api_node.js > $@.tmp && mv $@.tmp $@

# The page: emscripten's script for the web, the API and the UI inside
# page_head.html and page_tail.html; one file (the wasm in base64).
WEB_PAGE_PARTS = src/web/page_head.html $(WEB)/core-web.js src/web/api.js \
	src/web/ui.js src/web/page_tail.html
$(WEB)/core-web.js: $(WEB_OBJ)
	@$(if $(V),,echo "  EMLD    $@")
	$(Q)$(EMCC) $(WEB_LDFLAGS) -sENVIRONMENT=web -o $@ $(WEB_OBJ) $(WEB_LIBS)
$(WEB)/agreesign-verify.html: $(WEB_PAGE_PARTS)
	@echo "  PAGE    $@"
	$(Q)! cat $(filter %.js,$^) | grep -qi '</script'
	$(Q)cat $^ > $@.tmp && mv $@.tmp $@
	@size=$$(wc -c < $@); [ $$size -le 1048576 ] || \
		{ echo "web: $@ is $$size bytes, over 1 MiB"; rm -f $@; exit 1; }

# The node module and the page against the native binary (tests/web/).
CHROMIUM ?= chromium
web-test: web $(BIN) $(WEB)/ed25519-check.mjs $(WEB)/ed25519-check
	@echo "== tests/web/node_test.mjs"
	@node tests/web/node_test.mjs $(BIN) $(WEB)/agreesign-verify.mjs
	@echo "== tests/web/ed25519_test.mjs"
	@node tests/web/ed25519_test.mjs tests/vectors/external $(WEB)/ed25519-check $(WEB)/ed25519-check.mjs
	@if command -v $(CHROMIUM) >/dev/null; then \
		echo "== tests/web/page_test.mjs"; \
		CHROMIUM=$(CHROMIUM) node tests/web/page_test.mjs $(BIN) $(WEB)/agreesign-verify.html; \
	else echo "web: chromium not installed, the page's tests skipped"; fi
endif

# tests/interop/verify_test.py with every `verify --json` also run through
# the node module (tests/web/interop_test.sh). Not in make check: one node
# process per run makes it take 10-20 minutes.
ifneq ($(HAVE_EMCC),)
web-interop: web $(BIN)
	@echo "== tests/web/interop_test.sh"
	@sh tests/web/interop_test.sh $(BIN) $(WEB)/agreesign-verify.mjs
endif

# The Ed25519 vectors through the wasm build (tests/web/ed25519_test.mjs):
# tests/web/ed25519_check.c built for wasm and natively.
ifneq ($(HAVE_EMCC),)
$(WEB)/ed25519-check.mjs: tests/web/ed25519_check.c $(WEB_OBJ) src/web/api_node_head.js
	@$(if $(V),,echo "  EMLD    $@")
	$(Q)$(EMCC) $(WEB_CFLAGS) $(WEB_LDFLAGS) -sENVIRONMENT=node -sEXPORT_ES6=1 \
		-sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 \
		-sEXPORTED_FUNCTIONS=_ags_web_ed25519 -o $@.tmp.mjs \
		tests/web/ed25519_check.c $(filter-out %/web_verify.o,$(WEB_OBJ)) $(WEB_LIBS)
	$(Q)cat src/web/api_node_head.js $@.tmp.mjs > $@ && rm -f $@.tmp.mjs
$(WEB)/ed25519-check: tests/web/ed25519_check.c $(LIB)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)
endif

# The page, installed beside the documentation: make install-web.
.PHONY: install-web
install-web: web
	$(INSTALL) -d "$(DESTDIR)$(datadir)/agreesign"
	$(INSTALL_DATA) $(WEB)/agreesign-verify.html "$(DESTDIR)$(datadir)/agreesign/agreesign-verify.html"
