/* Helpers shared by the Check suites. */
#ifndef AGS_TEST_UTIL_H
#define AGS_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Path of ../shared (AGS_SHARED, default "../../shared" from tests/),
 * or NULL when the folder is not there: tests that need it (only the two
 * real agreements, which are not ours to publish) skip. */
const char *tu_shared_dir(void);

/* The external conformance vectors committed with the tests (RFC 8032,
 * Wycheproof, RFC 8785, JSONTestSuite), relative to tests/: always there. */
#define TU_EXTERNAL "vectors/external"

/* Reads a whole file into a malloc'd NUL-terminated buffer; NULL on error. */
char *tu_read_file(const char *path, size_t *len);

/* Decodes lowercase or uppercase hex into a malloc'd buffer; NULL on error. */
uint8_t *tu_unhex(const char *hex, size_t *len);

/* The spec's vectors that make every kind of verification result, paths
 * relative to tests/: agreements (the last one missing), envelope names
 * under spec/vectors/envelopes/ (the last one missing) and trust file
 * names under spec/vectors/trust/. Each list ends with NULL. */
extern const char *const tu_vec_agreements[];
extern const char *const tu_vec_envelopes[];
extern const char *const tu_vec_trusts[];
#define TU_VEC_NTRUSTS 6

#endif
