/* A test certificate authority and RFC 3161 time-stamping authorities in
 * memory, made with OpenSSL's libcrypto for the Check suites: keys are
 * generated when a test runs, and the authority stamps a fixed time. */
#ifndef AGS_TSA_UTIL_H
#define AGS_TSA_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct tu_tsa; /* opaque */

/* Kinds of TSA certificate. */
enum tu_tsa_kind {
	TU_TSA_GOOD = 0, /* extended key usage timeStamping, critical */
	TU_TSA_NO_EKU,   /* no extended key usage at all */
	TU_TSA_SOFT_EKU, /* timeStamping, not critical */
};

/* A new CA (self-signed) and a TSA whose certificate it issued, valid
 * from not_before to not_after (seconds since the epoch). NULL when
 * libcrypto fails. */
struct tu_tsa *tu_tsa_new(enum tu_tsa_kind kind, int64_t not_before,
                          int64_t not_after);
void tu_tsa_free(struct tu_tsa *t);
/* The DER of the CA's and of the TSA's certificate (malloc'd). */
uint8_t *tu_tsa_ca_der(const struct tu_tsa *t, size_t *len);
uint8_t *tu_tsa_cert_der(const struct tu_tsa *t, size_t *len);
/* The DER TimeStampResp of t to the request req, with genTime gen_time;
 * status rejection when reject is set. malloc'd, NULL on failure. A
 * token made by libcrypto even when the certificate's usage would make
 * `openssl ts -reply` refuse. */
uint8_t *tu_tsa_reply(struct tu_tsa *t, const uint8_t *req, size_t req_len,
                      int64_t gen_time, int reject, size_t *len);
/* The token (DER) of a reply, malloc'd; NULL when it holds none. */
uint8_t *tu_tsa_token(const uint8_t *resp, size_t resp_len, size_t *len);

#endif
