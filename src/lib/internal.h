/* Declarations shared between library modules; not part of the API. */
#ifndef AGS_INTERNAL_H
#define AGS_INTERNAL_H

#include "agreesign.h"

#include <stdarg.h>
#include <string.h>

#define AGS_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Records an error in err (when err is non-NULL and holds no error yet:
 * the first error wins) and returns code, so that callers can write
 * `return ags_error_set(err, AGS_ERR_IO, path, 0, 0, "...")`. */
enum ags_err ags_error_set(struct ags_error *err, enum ags_err code,
                           const char *source, long line, long column,
                           const char *fmt, ...) AGS_PRINTF(6, 7);

/* Duplicates n bytes into a malloc'd NUL-terminated string, or NULL. */
char *ags_strndup(const char *s, size_t n);

/* --- utf8.c: the one UTF-8 decoder (RFC 3629) --- */

/* The length (1 to 4) of the well-formed UTF-8 sequence at s, of which n
 * bytes may be read, with its code point in *cp; 0 when the bytes are not
 * one (a stray continuation byte, an overlong form, a surrogate, a code
 * point above U+10FFFF, a byte that never occurs) or are cut short, *cp
 * then untouched. One call per character: callers scan ASCII themselves
 * where speed matters. */
size_t ags_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* Why the bytes at s (n to read) are not a UTF-8 sequence, for messages. */
enum ags_utf8_bad {
	AGS_UTF8_OK,        /* they are: ags_utf8_next accepts them */
	AGS_UTF8_STRAY,     /* a continuation byte without a lead byte */
	AGS_UTF8_OVERLONG,  /* a shorter sequence exists for the code point */
	AGS_UTF8_SURROGATE, /* U+D800..U+DFFF */
	AGS_UTF8_TOO_BIG,   /* above U+10FFFF */
	AGS_UTF8_TRUNCATED, /* a lead byte without enough continuation bytes */
	AGS_UTF8_BYTE,      /* 0xF8..0xFF, which never occur */
};
/* AGS_UTF8_OK exactly when ags_utf8_next(s, n, ...) != 0. Slower: meant
 * for the sequence ags_utf8_next refused. An overlong form, a surrogate
 * or a code point too big shows in the first two bytes and is named even
 * when the rest is cut. */
enum ags_utf8_bad ags_utf8_why(const unsigned char *s, size_t n);

/* --- encode.c: hex and base64 (RFC 4648, standard alphabet, padded) --- */

/* Writes 2*n lowercase hex digits and a NUL into out (2*n+1 bytes). */
void ags_hex_encode(char *out, const uint8_t *in, size_t n);

/* Decodes exactly 2*n lowercase hex digits (slen must be 2*n) into out.
 * Returns 0, or -1 on any other input (uppercase is refused: one
 * spelling per value). */
int ags_hex_decode_exact(uint8_t *out, size_t n, const char *s, size_t slen);

/* Base64 of in as a malloc'd NUL-terminated string, or NULL. */
char *ags_b64_encode(const uint8_t *in, size_t n);

/* Decodes base64 text s (slen bytes) that must encode exactly `want`
 * bytes, in its one canonical spelling (padding present, unused bits
 * zero, no white space). Returns 0 on success, -1 otherwise. */
int ags_b64_decode_exact(uint8_t *out, size_t want, const char *s, size_t slen);

/* Decodes base64 text s (slen bytes, a non-empty multiple of 4) of any
 * length, in its one canonical spelling, into *out (malloc'd, *n bytes;
 * the caller free()s it). Returns 0, or -1 with *out NULL. */
int ags_b64_decode_alloc(uint8_t **out, size_t *n, const char *s, size_t slen);

/* --- x509.c: X.509 certificates (OpenSSL libcrypto) --- */

/* NULL when der (len bytes) is the DER encoding of exactly one X.509
 * certificate, with no byte after it; otherwise a static message. Checks
 * the encoding only, not dates, extensions or signature. */
const char *ags_x509_check(const uint8_t *der, size_t len);
/* ags_x509_check, keeping the certificate: NULL and *out (an OpenSSL X509
 * whose extensions are already cached, so that threads may share it
 * read-only; the caller frees it with ags_x509_free), or why not (*out
 * NULL). A pinned TSA certificate is read this way once per trust load. */
const char *ags_x509_read(void **out, const uint8_t *der, size_t len);
void ags_x509_free(void *x);
/* Seconds since the epoch of an ASN.1 time (an ASN1_TIME or
 * ASN1_GENERALIZEDTIME; a fraction of a second is dropped): 0, or -1. */
struct asn1_string_st;
int ags_asn1_seconds(int64_t *out, const struct asn1_string_st *t);

/* --- tsp.c: RFC 3161 requests, replies and tokens (libcrypto) --- */

/* A DER TimeStampReq (version 1, SHA-512 imprint digest, 64-bit random
 * nonce, certReq TRUE) in *out (malloc'd, *len bytes; the caller free()s
 * it). Returns 0, or -1 when out of memory. */
int ags_tsq_make(uint8_t **out, size_t *len,
                 const uint8_t digest[AGS_DIGEST_BYTES]);
/* The imprint of a request as ags_tsq_make writes it: NULL and the
 * digest, or why der (len bytes) is not such a request. */
const char *ags_tsq_imprint(uint8_t digest[AGS_DIGEST_BYTES],
                            const uint8_t *der, size_t len);
/* The token of a TimeStampResp (tsr) that answers the request tsq: status
 * granted or grantedWithMods, the request's imprint and nonce, a token
 * that passes ags_tst_check. NULL and *token (malloc'd DER, the caller
 * free()s it), or why not (a static message; *token NULL). */
const char *ags_tsr_token(uint8_t **token, size_t *token_len,
                          const uint8_t *tsr, size_t tsr_len,
                          const uint8_t *tsq, size_t tsq_len);
/* NULL when der (len bytes) is one DER TimeStampToken (CMS signedData
 * holding a TSTInfo) of at most AGS_TOKEN_MAX bytes, nothing after it;
 * else a static message. Checks the shape, not the signature. */
const char *ags_tst_check(const uint8_t *der, size_t len);
/* ags_tst_check, keeping the parsed token: NULL and *out (free it with
 * ags_tst_free), or why not (*out NULL). keyless (or NULL): parse in its
 * context, the certificates' keys undecoded; ags_tst_verify then takes
 * decoded copies from its want->certs. An envelope keeps its tokens so
 * (struct ags_signature's timestamp_parsed): parsing one costs more than
 * verifying it, with OpenSSL 3.0, which decodes every certificate's
 * public key. */
const char *ags_tst_read(void **out, const uint8_t *der, size_t len,
                         const struct ags_tsp_certs *keyless);
void ags_tst_free(void *tok);
/* The SHA-512 imprint of a token: NULL and the digest, or why not (not
 * a token, or another hash algorithm). */
const char *ags_tst_imprint(uint8_t digest[AGS_DIGEST_BYTES],
                            const uint8_t *der, size_t len);

/* --- tsp_certs.c: the certificates of tokens, decoded once --- */

/* Decoded copies of the certificates that tokens carry, shared by the
 * threads of a verification (a mutex guards it), and the library context
 * in which a token is parsed without decoding its certificates' keys
 * (tsp_certs.c says why). One per trust load with tsa records. */
struct ags_tsp_certs;
/* NULL when out of memory or when libcrypto has no "null" provider. */
struct ags_tsp_certs *ags_tsp_certs_new(void);
void ags_tsp_certs_free(struct ags_tsp_certs *c);
/* d2i_PKCS7 in c's keyless context: the PKCS7 at *p (len bytes, at most
 * AGS_TOKEN_MAX), *p moved past it; or NULL. */
void *ags_tsp_certs_parse(const struct ags_tsp_certs *c, const uint8_t **p,
                          size_t len);
/* A new STACK_OF(X509) of decoded copies (new references) of the token's
 * certificates, from c or decoded now (c may be NULL: then each is decoded
 * for this call); one that does not decode is left out. NULL when out of
 * memory. */
void *ags_tsp_certs_decoded(struct ags_tsp_certs *c, void *token);

/* --- tsp_verify.c: a token verified against one pinned certificate --- */

/* What a token must prove, and against what (ags_tst_verify). */
struct ags_tst_want {
	const uint8_t *digest; /* AGS_DIGEST_BYTES: SHA-512 of what it covers */
	const char *covers;    /* what that is, for messages ("this
	                          signature", "the token before it") */
	const uint8_t *anchor; /* the pinned certificate (DER) */
	size_t anchor_len;
	void *anchor_parsed; /* the same, parsed (ags_x509_read), or NULL:
	                        then anchor is parsed for this call */
	struct ags_tsp_certs *certs; /* the token's certificates decoded
	                                (NULL: decoded for this call) */
	int64_t also_at; /* a second time at which the chain must be valid
	                    (a renewal's, spec §10.2), or INT64_MIN */
};

/* Verifies the token der (len bytes; parsed: the same from ags_tst_read,
 * or NULL) offline (spec §10.2): its imprint is
 * SHA-512 w->digest; its one signer digests with SHA-256, -384 or -512;
 * its CMS signature verifies under a certificate whose chain, built from
 * the token's certificates and the anchor only, ends at the anchor and is
 * valid at the token's genTime (and at w->also_at when set); the signer's
 * extended key usage is timeStamping alone, critical. Returns 0 and the
 * genTime in *gen_time, or -1 and why not in why (cap bytes). The window
 * and revocation of the trust record are the caller's. */
int ags_tst_verify(int64_t *gen_time, char *why, size_t cap, const uint8_t *der,
                   size_t len, void *parsed, const struct ags_tst_want *w);

/* --- proven.c (op): what a signature's timestamp token proves --- */

/* Sets r->token, proven_time, tsa and token_detail for sig's token
 * against the tsa records of trust (may be NULL). */
void ags_token_judge(struct ags_sig_report *r, const struct ags_signature *sig,
                     const struct ags_trust *trust);

/* --- field.c: validation of the text fields of keys and envelopes --- */

/* NULL when s (len bytes) is an acceptable one-line text value: valid
 * UTF-8 in NFC, 1..AGS_FIELD_MAX bytes, no control characters, no line
 * separators, no leading or trailing space; otherwise a static message
 * saying why. */
const char *ags_field_check(const char *s, size_t len);

/* 1 when valid UTF-8 s (len bytes) holds only code points below U+0300
 * (every byte below 0xCC), which makes it NFC without normalizing: they
 * are starters, are their own NFC, and are never the second part of a
 * composition (tests/check_canon.c checks this premise against utf8proc).
 * Most Latin-script names and agreements take this path. */
int ags_nfc_trivial(const char *s, size_t len);

/* s (NUL-terminated UTF-8) in NFC with Unicode case folding, malloc'd,
 * or NULL when s is not valid UTF-8: two names that fold alike look
 * alike (a trust file's look-alike identities, threat model T3). */
char *ags_text_fold(const char *s);

/* NULL when s is an ORCID iD (dddd-dddd-dddd-dddX with a valid ISO 7064
 * 11,2 check character), else a static message. */
const char *ags_orcid_check(const char *s);

/* NULL when s looks like an e-mail address (one '@', non-empty parts,
 * no white space, at most 254 bytes), else a static message. */
const char *ags_email_check(const char *s);

/* --- text/nfc.c: step 5 of text/v1, for canon.c --- */

/* Replaces *buf (*len bytes of scanned text/v1 input, malloc'd) by its
 * NFC form, malloc'd with room for 2 more bytes; *buf is freed on
 * success and left to the caller on failure. */
enum ags_err ags_canon_nfc(char **buf, size_t *len, const char *source,
                           struct ags_error *err);

/* --- strbuf.c --- */

/* A growing string. Any failed append marks it failed; ags_buf_take
 * then returns NULL. */
struct ags_buf {
	char *s;
	size_t len, cap;
	int failed;
};

/* Room for at least more bytes (and the NUL) without growing again. */
void ags_buf_reserve(struct ags_buf *b, size_t more);
/* ags_buf_put when the buffer must grow first (or has failed). */
void ags_buf_put_grow(struct ags_buf *b, const char *s, size_t n);

/* Appends n bytes of s (the buffer stays NUL-terminated). Inline: the
 * writers of signed messages and result lines append a hundred small
 * pieces per entry, and a call each cost as much as the rest. */
static inline void ags_buf_put(struct ags_buf *b, const char *s, size_t n)
{
	if (b->failed || n >= b->cap - b->len) {
		ags_buf_put_grow(b, s, n);
		return;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void ags_buf_puts(struct ags_buf *b, const char *s)
{
	ags_buf_put(b, s, strlen(s));
}
void ags_buf_printf(struct ags_buf *b, const char *fmt, ...) AGS_PRINTF(2, 3);
/* Appends s (n bytes) with & < > " ' written as HTML character
 * references, and every other character in its display form
 * (ags_display_char): no control, bidi control or byte that is not UTF-8
 * reaches the page as itself. */
void ags_buf_put_html(struct ags_buf *b, const char *s, size_t n);
/* The string (malloc'd, NUL-terminated; the buffer is emptied), or NULL
 * after a failure. */
char *ags_buf_take(struct ags_buf *b, size_t *len);
void ags_buf_release(struct ags_buf *b);

/* --- sshwire.c: the SSH wire encoding (RFC 4251 §5) --- */

/* A cursor over bytes the caller holds: p is the next byte, left how
 * many may still be read. Readers never look past p + left. */
struct ags_ssh_reader {
	const uint8_t *p;
	size_t left;
};

/* What the readers return: 0 when the field was read, else one of these;
 * on failure the cursor has not moved. */
#define AGS_SSH_SHORT (-1) /* the bytes end inside the field */
#define AGS_SSH_LONG  (-2) /* a string's length is above the maximum */

void ags_ssh_reader_init(struct ags_ssh_reader *r, const void *buf, size_t len);
/* The next n bytes as they are: *s points into the reader's buffer. */
int ags_ssh_get_bytes(struct ags_ssh_reader *r, const uint8_t **s, size_t n);
int ags_ssh_get_u8(struct ags_ssh_reader *r, uint8_t *v);
/* A uint32, big-endian. */
int ags_ssh_get_u32(struct ags_ssh_reader *r, uint32_t *v);
/* A string (uint32 length, then that many bytes) of at most max bytes:
 * *s points into the reader's buffer (not NUL-terminated), *len is its
 * length. AGS_SSH_LONG when the length is above max, AGS_SSH_SHORT when
 * fewer bytes are left than it says. */
int ags_ssh_get_string(struct ags_ssh_reader *r, const uint8_t **s, size_t *len,
                       size_t max);
/* 1 when the string s (len bytes) is exactly the C string want. */
int ags_ssh_string_is(const uint8_t *s, size_t len, const char *want);
/* Words for a reader's result, for messages ("the data ends inside a
 * field"). */
const char *ags_ssh_strerror(int rc);

/* Append to b (a failure marks b, as every ags_buf append does; a string
 * longer than UINT32_MAX bytes too). */
void ags_ssh_put_u8(struct ags_buf *b, uint8_t v);
void ags_ssh_put_u32(struct ags_buf *b, uint32_t v);
void ags_ssh_put_string(struct ags_buf *b, const void *s, size_t n);

/* --- format/sshkey.c: OpenSSH public key lines --- */

/* The index of the first byte at or after i of s (n bytes) that is not a
 * space or tab, and the end of the field that starts at i: the first
 * space or tab outside double quotes (a backslash inside quotes escapes
 * the next byte), or n. The words of authorized_keys and allowed_signers
 * lines. */
size_t ags_ssh_skip_blank(const char *s, size_t n, size_t i);
size_t ags_ssh_field_end(const char *s, size_t n, size_t i);

/* 1 when s (n bytes) is an OpenSSH key type name: it begins "ssh-",
 * "ecdsa-" or "sk-", or ends "-cert-v01@openssh.com". */
int ags_ssh_is_key_type(const char *s, size_t n);

/* ags_sshkey_parse_line on the part of a line that starts at the key type
 * (no options before it): key type, key data, comment. An allowed_signers
 * line reads its principals and options itself, then this. */
enum ags_err ags_sshkey_parse_key(struct ags_pubkey *out, char **comment,
                                  const char *s, size_t n, const char *source,
                                  long line, struct ags_error *err);

/* 1 when the text of a public key file (buf, len) is to be read as an
 * OpenSSH key: it does not begin with "agreesign " (the first word of
 * agreesign's own key files, whose reader says what is wrong with one). */
int ags_pubkey_text_is_ssh(const char *buf, size_t len);

/* --- jcs.c: pieces of RFC 8785 shared with message.c --- */

/* Integers beyond this lose precision in an IEEE double (I-JSON, RFC 7493):
 * JCS refuses them. */
#define AGS_JCS_INT_MAX 9007199254740991LL

/* The JCS escape of byte c inside a string: a backslash sequence such as
 * \n or \u001f (the latter written into tmp), or NULL when c stands for
 * itself. */
const char *ags_jcs_escape(unsigned char c, char tmp[8]);

/* --- format/envelope.c --- */

/* The envelope format name of a version: 1, 2 or 3 (spec §6.5). */
const char *ags_envelope_format_name(int version);
/* Frees an entry's token and renewals; it then has none. */
void ags_signature_drop_tokens(struct ags_signature *sig);

/* --- format/trust_tsa.c --- */

/* Why a tsa record may not be added (a text field for a name, one DER
 * certificate that fits a record, a non-empty window, not revoked), or
 * NULL; the rules of both the text file and the store. */
const char *ags_trust_tsa_invalid(const struct ags_trust_tsa *a);

/* --- format/trust_line.c --- */
/* Appends s as a quoted trust-file token: "s" with \" and \\ (§9.1). */
void ags_trust_put_quoted(struct ags_buf *b, const char *s);

/* --- display.c: untrusted text in output (spec §10.5) --- */

/* 1 when no output writes code point cp as itself: the C0 controls, DEL,
 * the C1 controls (U+009B starts terminal sequences), the bidirectional
 * controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069: they
 * reorder what a line shows) and U+2028, U+2029 (line breaks to some
 * readers). JSON output writes them as \uXXXX, text output as \xNN or
 * \u{xxxx}. */
static inline int ags_output_hazard(uint32_t cp)
{
	if (cp < 0x2000)
		return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C;
	return cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* vsnprintf into buf (cap bytes) that never cuts a character: a text
 * longer than cap - 1 bytes is cut at a character boundary and ends with
 * "\u2026" (an ellipsis), so that what fits is still UTF-8 and visibly
 * shortened. */
void ags_vbounded(char *buf, size_t cap, const char *fmt, va_list ap)
        AGS_PRINTF(3, 0);
void ags_bounded(char *buf, size_t cap, const char *fmt, ...) AGS_PRINTF(3, 4);

/* --- json_read.c: the strict JSON reader of envelopes and manifests --- */

/* Parses buf (len bytes) as one JSON document: an object or array at top
 * level, duplicate keys refused, no NUL byte anywhere. Accepts exactly
 * what json_loadb(buf, len, JSON_REJECT_DUPLICATES) accepts on NUL-free
 * input and builds an equal tree, several times faster. On success *out
 * holds a new reference, which the caller json_decref()s. Otherwise *out
 * is NULL and the result AGS_ERR_JSON, with err holding "malformed JSON:
 * <problem>" at its line and column (1-based; jansson's words and
 * position), source = source; or AGS_ERR_NOMEM. */
enum ags_err ags_json_parse(json_t **out, const char *buf, size_t len,
                            const char *source, struct ags_error *err);

/* What the tree of an accepted document cannot show. jansson reads the
 * integer -0 as 0, and so does ags_json_parse (its trees stay jansson's);
 * formats whose integers have no sign refuse it from this note. */
struct ags_json_notes {
	/* Line and column (1-based) of the first integer written -0, or 0
	 * and 0 when there is none. */
	long minus_zero_line, minus_zero_column;
};

/* ags_json_parse, and on success *notes (when not NULL) filled. */
enum ags_err ags_json_parse_noted(json_t **out, struct ags_json_notes *notes,
                                  const char *buf, size_t len,
                                  const char *source, struct ags_error *err);

/* --- report_line.c, manifest.c: a batch result as one JSON line --- */

/* The text ags_json_dumps_sorted gives for ags_verify_item's tree of a
 * verified item (the report, the entry's line, paths and id), written
 * straight from r and env: *out malloc'd (the caller free()s it), its
 * length in *len when len is non-NULL. AGS_ERR_FORMAT when only the tree
 * can write this result (a template check, a string that is not UTF-8),
 * AGS_ERR_NOMEM when out of memory; *out is then NULL. */
enum ags_err ags_report_line(char **out, size_t *len,
                             const struct ags_report *r,
                             const struct ags_envelope *env,
                             const struct ags_batch_item *it);

/* ags_json_dumps_sorted(ags_verify_item(...)) without the tree when it
 * can: malloc'd, or NULL when out of memory. */
char *ags_verify_item_line(int *verdict, const struct ags_batch_item *it,
                           const struct ags_trust *trust,
                           const struct ags_policy *policy,
                           const char *attach_dir);

/* --- statement.c: the metadata's fields in key order --- */

#define AGS_NMETADATA 6

/* The metadata's keys and values (NULL when absent) in byte order of the
 * keys, the order in which JCS and sorted JSON write them. */
void ags_metadata_sorted(const struct ags_metadata *md,
                         const char *keys[AGS_NMETADATA],
                         const char *vals[AGS_NMETADATA]);

/* --- statement.c: the JSON of statements and signer blocks --- */

/* JSON of the shared statement, a signer block, a countersignature list,
 * and one envelope entry: new references, or NULL when out of memory. */
json_t *ags_statement_json(const struct ags_agreement *a);
json_t *ags_signer_json(const struct ags_signer *s);
json_t *ags_covers_json(const struct ags_countersigned *c, size_t n);

/* Parses those objects strictly; field names the JSON path in errors. */
enum ags_err ags_statement_from_json(struct ags_agreement *a, json_t *j,
                                     const char *source, struct ags_error *err);
enum ags_err ags_signer_from_json(struct ags_signer *s, json_t *j,
                                  const char *source, const char *path,
                                  struct ags_error *err);
enum ags_err ags_covers_from_json(struct ags_signature *sig, json_t *j,
                                  const char *source, const char *path,
                                  struct ags_error *err);

/* Refuses (naming path) an object that holds a key not in allowed (a
 * NULL-terminated list) or lacks one of the first nrequired keys. */
enum ags_err ags_json_fields(json_t *obj, const char *const *allowed,
                             size_t nrequired, const char *source,
                             const char *path, struct ags_error *err);

/* NULL when name is a plain file name fit to be an attachment's name,
 * else a static message saying why. */
const char *ags_attachment_name_check(const char *name);

/* JSON of a statement's attachments, and their strict parser. */
json_t *ags_attachments_json(const struct ags_agreement *a);
enum ags_err ags_attachments_from_json(struct ags_agreement *a, json_t *j,
                                       const char *source,
                                       struct ags_error *err);

/* Copies a signer (strings duplicated) into dst. */
enum ags_err ags_signer_copy(struct ags_signer *dst,
                             const struct ags_signer *src);

/* --- format/agent_msg.c: SSH agent protocol messages --- */

/* Each writer appends one message's body (without the uint32 length that
 * frames it on the socket) to b; a failure marks b. Each reader takes a
 * reply's body (msg, len bytes) and names source in its errors. */

/* The key blob of pk: string "ssh-ed25519", string pk. */
void ags_agent_key_blob(struct ags_buf *b,
                        const uint8_t pk[AGS_PUBLICKEY_BYTES]);
/* SSH2_AGENTC_REQUEST_IDENTITIES. */
void ags_agent_ids_request(struct ags_buf *b);
/* SSH2_AGENT_IDENTITIES_ANSWER: *held is set to 1 when one of its keys is
 * the ssh-ed25519 key pk, else 0. A failure reply gives AGS_ERR_KEY, a
 * malformed one AGS_ERR_FORMAT. */
enum ags_err ags_agent_ids_parse(int *held, const uint8_t *msg, size_t len,
                                 const uint8_t pk[AGS_PUBLICKEY_BYTES],
                                 const char *source, struct ags_error *err);
/* SSH2_AGENTC_SIGN_REQUEST of data (len bytes) by the key pk, flags 0. */
void ags_agent_sign_request(struct ags_buf *b,
                            const uint8_t pk[AGS_PUBLICKEY_BYTES],
                            const uint8_t *data, size_t len);
/* SSH2_AGENT_SIGN_RESPONSE: string (string "ssh-ed25519", string of 64
 * bytes), nothing after, the 64 bytes into sig. A failure reply gives
 * AGS_ERR_KEY (the agent refused), a malformed one AGS_ERR_FORMAT. The
 * signature is not verified here. */
enum ags_err ags_agent_sign_parse(uint8_t sig[AGS_SIGNATURE_BYTES],
                                  const uint8_t *msg, size_t len,
                                  const char *source, struct ags_error *err);

/* --- format/sshkey_private.c --- */

/* 1 when the key file text (buf, len) is an OpenSSH private key file: it
 * begins with "-----BEGIN OPENSSH PRIVATE KEY-----". */
int ags_seckey_text_is_ssh(const char *buf, size_t len);

/* --- trust_edit.c: what a text edit and a store edit share --- */

/* Why the new values of a change are not valid, or NULL. */
const char *ags_trust_change_invalid(const struct ags_trust_change *ch);
/* *to = e with the change applied (strings borrowed from e and ch); 1
 * when that differs from e. */
int ags_trust_change_apply(struct ags_trust_entry *to,
                           const struct ags_trust_entry *e,
                           const struct ags_trust_change *ch);

/* --- format/trust_db_tsa.c --- */

/* Appends every tsa record of the store to t->tsa (freed with t), so that
 * a store pins TSAs for verification as a text file does. */
enum ags_err ags_trust_db_load_tsa(struct ags_trust_db *s, struct ags_trust *t,
                                   struct ags_error *err);

#endif
