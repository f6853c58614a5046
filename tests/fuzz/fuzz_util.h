/* Shared by the libFuzzer harnesses in tests/fuzz/ (see README.md). */
#ifndef AGS_FUZZ_UTIL_H
#define AGS_FUZZ_UTIL_H

#include "internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property that must hold: on failure, says which and aborts, which
 * libFuzzer turns into a crash report and a reproducer file. */
#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr,                                        \
			        "property failed at %s:%d: %s: ", __FILE__,    \
			        __LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/* A malloc'd copy of data with no terminating NUL, so that AddressSanitizer
 * catches a parser that reads one byte past its input. Never NULL (aborts
 * when out of memory; a 0-byte input gets a 1-byte allocation). */
char *fuzz_copy(const uint8_t *data, size_t size);

/* Reads a file of the source tree (FUZZ_SRCDIR, or the environment's
 * AGS_FUZZ_SRCDIR) into a malloc'd NUL-terminated buffer; aborts when it
 * cannot, since a harness without its fixture tests nothing. */
char *fuzz_read_fixture(const char *relpath, size_t *len);

/* Checks the shape of an error a parser returned: a code, a text, a line
 * within the input (lines counts the input's lines). */
void fuzz_check_error(enum ags_err rc, const struct ags_error *err,
                      const char *buf, size_t len);

/* 1 when s (n bytes) equals its NFC form as utf8proc computes it. */
int fuzz_is_nfc(const char *s, size_t n);

#endif
