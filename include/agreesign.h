/*
 * agreesign: sign and verify publication agreements with Ed25519.
 *
 * One public header. Every public symbol starts with ags_ / AGS_.
 *
 * Conventions
 * - Functions that can fail return enum ags_err (AGS_OK == 0) and, when
 *   the caller passes a non-NULL struct ags_error *, describe the failure
 *   there: the file or field, the line and column where known, and the
 *   problem. The first error recorded wins.
 * - Outputs come first among the arguments that are not inputs' sizes;
 *   variable data travels as (pointer, length).
 * - Ownership: a function that hands out memory says so, and says how to
 *   release it. Secret material lives only in sodium_malloc'd memory.
 * - Thread safety: the library holds no mutable global state. Separate
 *   objects may be used from separate threads. The caller must call
 *   sodium_init() once (ags_init() does it) before any other function.
 * - The library never prints and never exits.
 */
#ifndef AGREESIGN_H
#define AGREESIGN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AGS_VERSION "1.0.0"

/* Format names. Each is written into the files it names and refused by
 * readers when it differs. See spec/agreesign-v1.md. */
#define AGS_FORMAT_ENVELOPE "agreesign-envelope/v1"
/* An envelope in which an entry holds a timestamp token (spec §6.5). */
#define AGS_FORMAT_ENVELOPE_V2 "agreesign-envelope/v2"
/* An envelope in which an entry holds a renewal chain: a timestamp token
 * and tokens over it (spec §6.5). */
#define AGS_FORMAT_ENVELOPE_V3 "agreesign-envelope/v3"
#define AGS_FORMAT_CANON       "text/v1"
#define AGS_FORMAT_PUBKEY      "agreesign public key v1"
#define AGS_FORMAT_SECKEY      "agreesign secret key v1"
/* The trust file version written: new files and every edited file (an
 * edit upgrades a v1 file). Readers accept it and AGS_FORMAT_TRUST_V1. */
#define AGS_FORMAT_TRUST    "agreesign trust v2"
#define AGS_FORMAT_TRUST_V1 "agreesign trust v1"

/* The domain-separation prefix of every signed message: these ASCII bytes
 * followed by one NUL byte (AGS_SIG_PREFIX_LEN counts the NUL). */
#define AGS_SIG_PREFIX     "agreesign/v1 statement"
#define AGS_SIG_PREFIX_LEN 23

/* The Unicode version whose assigned code points text/v1 accepts. */
#define AGS_UNICODE_VERSION "15.0.0"

/* Size limits: every input is bounded. */
#define AGS_TEXT_MAX       (16u * 1024u * 1024u) /* agreement file */
#define AGS_ENVELOPE_MAX   (1024u * 1024u)       /* envelope file */
#define AGS_KEYFILE_MAX    (16u * 1024u)         /* .pub and .key files */
#define AGS_TRUST_MAX      (16u * 1024u * 1024u) /* trust file */
#define AGS_TRUST_CERT_MAX 16384u /* base64 of a v2 tsa certificate, bytes */
#define AGS_PASSPHRASE_MAX 1024u  /* passphrase bytes */
#define AGS_FIELD_MAX      1024u  /* any metadata or signer string, bytes */
#define AGS_SIGNATURES_MAX 64u    /* signatures in one envelope */
#define AGS_TOKEN_MAX      16384u /* DER bytes of one RFC 3161 token */
#define AGS_CHAIN_MAX      16u    /* tokens in one entry's timestamps */

#define AGS_PUBLICKEY_BYTES 32u
#define AGS_SEED_BYTES      32u
#define AGS_SIGNATURE_BYTES 64u
#define AGS_DIGEST_BYTES    64u
#define AGS_KEYID_BYTES     16u
#define AGS_KEYID_HEX       (2u * AGS_KEYID_BYTES)

enum ags_err {
	AGS_OK = 0,
	AGS_ERR_IO,         /* a file could not be read or written */
	AGS_ERR_NOMEM,      /* out of memory */
	AGS_ERR_TOO_LARGE,  /* an input exceeds its size limit */
	AGS_ERR_TEXT,       /* agreement text refused by text/v1 */
	AGS_ERR_JSON,       /* not well-formed or not strict JSON */
	AGS_ERR_FORMAT,     /* well-formed but not the expected format */
	AGS_ERR_CRYPTO,     /* a cryptographic primitive failed */
	AGS_ERR_PASSPHRASE, /* wrong passphrase or tampered secret key */
	AGS_ERR_EXISTS,     /* an output file exists and may not be replaced */
	AGS_ERR_INVALID,    /* an argument is invalid */
	AGS_ERR_KEY,        /* a key is unusable (e.g. halves do not match) */
	AGS_ERR_MISMATCH,   /* envelope does not belong to this agreement */
};

struct ags_error {
	enum ags_err code;
	char source[512]; /* file or field the error is about; may be "" */
	long line;        /* 1-based; 0 when not about a line */
	long column;      /* 1-based, in code points; 0 when unknown */
	char text[512];   /* the problem, lowercase, no final period */
};

/* Prepares libsodium. Call once per process; returns AGS_ERR_CRYPTO when
 * libsodium cannot be initialised. */
enum ags_err ags_init(void);

/* A static string for an error code. */
const char *ags_strerror(enum ags_err code);

/* Clears an error struct to "no error". */
void ags_error_clear(struct ags_error *err);

/* ---------------------------------------------------------------------
 * Files and times (src/lib/base/fileio.c, src/lib/codec/field.c)
 */

/* Reads a regular file of at most max bytes into a malloc'd buffer with a
 * NUL appended (not counted in *len). Refuses FIFOs, devices and
 * directories. The caller free()s *out. */
enum ags_err ags_file_read(char **out, size_t *len, const char *path,
                           size_t max, struct ags_error *err);

/* Flags of ags_file_write_atomic. */
#define AGS_WRITE_REPLACE 1u /* replace an existing file at path */
#define AGS_WRITE_DURABLE                                                      \
	2u /* on disk, name and all, when the call returns                     \
	    */
#define AGS_WRITE_KEEP_MODE                                                    \
	4u /* an edit: the file replaced keeps its permission bits             \
	    */

/* Writes data to path through a temporary file in the same directory
 * (created O_EXCL|O_NOFOLLOW with mode, less the umask; with
 * AGS_WRITE_KEEP_MODE and an existing regular file at path, exactly that
 * file's permission bits instead), then either rename()
 * (AGS_WRITE_REPLACE) or link() (no AGS_WRITE_REPLACE: fails with
 * AGS_ERR_EXISTS when path exists, even as a dangling symlink). Readers
 * see the old file or the complete new one, never a partial one.
 *
 * Crashes: the new content is fsync'd before it takes the place of an
 * existing file, so a power cut leaves the old file or the new one, never
 * an empty one. A new file (nothing replaced) is fsync'd, and its folder
 * too, only with AGS_WRITE_DURABLE: without it, a file written in the
 * seconds before a power cut may be missing afterwards. Use it for what
 * cannot be made again (secret keys, a trust store). */
enum ags_err ags_file_write_atomic(const char *path, const void *data,
                                   size_t len, unsigned mode, unsigned flags,
                                   struct ags_error *err);

/* Parses "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339, UTC, no fraction, years
 * 1970..9999) into seconds since the epoch. Returns 0, or -1 when s is
 * not exactly that or names no real date. */
int ags_time_parse(int64_t *out, const char *s);

/* The Unicode NFC form of the NUL-terminated UTF-8 text s, malloc'd (the
 * caller free()s it), or NULL when s is not valid UTF-8. Every text field
 * of keys, envelopes and trust files must be in NFC: callers normalize
 * what a person typed with this before handing it to the library. */
char *ags_text_nfc(const char *s);

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into out (21 bytes). Returns 0, or
 * -1 when t is outside years 1970..9999. */
int ags_time_format(char out[21], int64_t t);

/* ---------------------------------------------------------------------
 * Canonical text, text/v1 (src/lib/text/canon.c)
 */

/* Turns agreement bytes into their text/v1 canonical form.
 * source names the input in error messages (may be NULL).
 * On success *out is a malloc'd, NUL-terminated buffer of *out_len bytes
 * (not counting the NUL); the caller frees it with free(). On failure
 * *out is NULL and err names line and column of the offending input. */
enum ags_err ags_canon_text(char **out, size_t *out_len, const uint8_t *in,
                            size_t in_len, const char *source,
                            struct ags_error *err);

/* What bytes that are not UTF-8 text seem to be: ags_canon_text words its
 * refusal with it, and a caller can add advice (how to convert). */
enum ags_text_kind {
	AGS_TEXT_PLAIN = 0, /* text, or nothing recognisably else */
	AGS_TEXT_BINARY,    /* no text: a PDF, an office file, an image, a
	                       NUL byte or many control bytes */
	AGS_TEXT_LATIN1,    /* one byte a character: bytes above 0x7F, none
	                       of them UTF-8 */
	AGS_TEXT_UTF16,     /* UTF-16, by its byte order mark */
};

/* Guesses what in[0..len) is. *what (may be NULL) gets a static string:
 * for AGS_TEXT_BINARY the format in words ("a PDF document", "binary
 * data"); for AGS_TEXT_LATIN1 the iconv(1) name of the encoding,
 * "latin1" or "windows-1252" (when a byte 0x80..0x9F occurs); for
 * AGS_TEXT_UTF16 "utf-16"; else NULL. Meant for the way to an error:
 * it reads the whole input. */
enum ags_text_kind ags_text_sniff(const uint8_t *in, size_t len,
                                  const char **what);

/* True (1) when code point cp is assigned in Unicode AGS_UNICODE_VERSION
 * (General_Category is not Cn), else 0. */
int ags_unicode_assigned(uint32_t cp);

/* ---------------------------------------------------------------------
 * Metadata extraction (src/lib/text/extract.c, extract_scan.c)
 */

struct ags_metadata {
	char *title; /* each field: malloc'd, or NULL = absent */
	char *corresponding_author;
	char *proceedings;
	char *publisher;
	char *license;        /* SPDX-style, e.g. "CC-BY-4.0" */
	char *agreement_date; /* as written in the agreement */
};

void ags_metadata_init(struct ags_metadata *md);
/* Frees every field and sets it to NULL. */
void ags_metadata_release(struct ags_metadata *md);

/* Reads what the agreement says from its canonical text. A field that is
 * not found stays NULL: nothing is guessed. Fields already set in md are
 * freed and replaced. */
enum ags_err ags_extract(struct ags_metadata *md, const char *canon,
                         size_t canon_len, struct ags_error *err);

/* Metadata as a JSON object holding only the fields that are set; a new
 * reference the caller json_decref()s, or NULL when out of memory. */
json_t *ags_metadata_to_json(const struct ags_metadata *md);

/* ---------------------------------------------------------------------
 * RFC 8785 JSON Canonicalization Scheme (src/lib/codec/jcs.c)
 */

/* Serializes v as RFC 8785 canonical JSON. On success *out is a malloc'd
 * buffer of *out_len bytes, NUL-terminated; the caller free()s it.
 * Refused (AGS_ERR_FORMAT): strings with U+0000 or invalid UTF-8,
 * integers outside +-(2^53 - 1), non-finite reals. */
enum ags_err ags_jcs_serialize(char **out, size_t *out_len, const json_t *v,
                               struct ags_error *err);

/* One line of JSON output (src/lib/codec/json_write.c): the text json_dumps(j,
 * JSON_COMPACT | JSON_SORT_KEYS) returns (jansson 2.14), in a sixth of the
 * instructions, except that DEL, the C1 controls, the bidirectional
 * controls and U+2028/U+2029 are written as \uXXXX (spec §10.4), so that
 * the line holds no code point that steers a terminal or reorders text;
 * it parses to the same value. A malloc'd NUL-terminated string the caller
 * free()s, its length in *len (when len is non-NULL); NULL where
 * json_dumps gives NULL (j not an object or array, a string that is not
 * UTF-8, a cycle) and when out of memory, *len then left alone. */
char *ags_json_dumps_sorted(const json_t *j, size_t *len);

/* ---------------------------------------------------------------------
 * Keys (src/lib/format/: key.c generation and secret-key sealing;
 * keyfile_parse.c and keyfile_format.c the .pub and .key file formats;
 * keyfile_io.c key files on disk)
 */

/* A public key with the identity its owner gave it. */
struct ags_pubkey {
	uint8_t pk[AGS_PUBLICKEY_BYTES];
	char key_id[AGS_KEYID_HEX + 1]; /* derived: see ags_key_id() */
	char *name;                     /* malloc'd; required in files */
	char *email;                    /* malloc'd or NULL */
	char *orcid;                    /* malloc'd or NULL */
};

/* A secret key. Only ever allocated by this library, in sodium_malloc'd
 * memory; released with ags_seckey_free(), which wipes it. */
struct ags_seckey {
	uint8_t sk[64]; /* libsodium layout: seed || public key */
	struct ags_pubkey pub;
};

/* Argon2id cost for sealing a secret key with a passphrase. */
struct ags_kdf_params {
	unsigned long long opslimit;
	size_t memlimit; /* bytes */
};

/* Default cost: see spec/agreesign-v1.md, "Secret key file". */
#define AGS_KDF_OPSLIMIT 3ULL
#define AGS_KDF_MEMLIMIT (256u * 1024u * 1024u)
/* Bounds a reader accepts, so a hostile key file cannot ask for more. */
#define AGS_KDF_OPSLIMIT_MAX 16ULL
#define AGS_KDF_MEMLIMIT_MAX (1024ull * 1024u * 1024u)

/* Asks for a passphrase: writes at most cap bytes into buf (sodium_malloc'd
 * by the library, wiped by it) and their count into *len. Returns 0, or
 * -1 when no passphrase can be had (the load then fails). */
typedef int (*ags_passphrase_fn)(char *buf, size_t cap, size_t *len, void *ctx);

/* Writes the key id of pk: lowercase hex of the first AGS_KEYID_BYTES
 * bytes of SHA-512(pk). */
void ags_key_id(char out[AGS_KEYID_HEX + 1],
                const uint8_t pk[AGS_PUBLICKEY_BYTES]);

void ags_pubkey_init(struct ags_pubkey *pub);
/* Frees the identity strings; the struct itself is the caller's. */
void ags_pubkey_release(struct ags_pubkey *pub);
/* Copies src into dst (strings duplicated); dst is released first. */
enum ags_err ags_pubkey_copy(struct ags_pubkey *dst,
                             const struct ags_pubkey *src);

/* Sets the identity of a key (email, orcid may be NULL); each value is
 * validated and copied. */
enum ags_err ags_pubkey_set_identity(struct ags_pubkey *pub, const char *name,
                                     const char *email, const char *orcid,
                                     struct ags_error *err);

/* Generates a new key pair. *out is the library's; ags_seckey_free() it. */
enum ags_err ags_seckey_generate(struct ags_seckey **out,
                                 struct ags_error *err);
/* Wipes and frees (NULL is fine). */
void ags_seckey_free(struct ags_seckey *sk);

/* The .pub file text of pub: malloc'd, the caller free()s *out. */
enum ags_err ags_pubkey_format(char **out, size_t *out_len,
                               const struct ags_pubkey *pub,
                               struct ags_error *err);
/* Parses .pub text (exactly as written by ags_pubkey_format). */
enum ags_err ags_pubkey_parse(struct ags_pubkey *out, const char *buf,
                              size_t len, const char *source,
                              struct ags_error *err);
enum ags_err ags_pubkey_load(struct ags_pubkey *out, const char *path,
                             struct ags_error *err);

/* OpenSSH public keys (src/lib/format/sshkey.c; spec §8.4). Only
 * "ssh-ed25519" keys are taken: their 32 bytes are the key, with the key
 * id and validity rule of a .pub's. An OpenSSH key has no identity: out's
 * name, email and orcid stay NULL, which is how a caller tells the two
 * kinds of key file apart after ags_pubkey_parse_any. comment (may be
 * NULL) receives the key's comment, malloc'd (the caller free()s it; its
 * bytes as they stand, not checked as text: escape it to show it), or
 * NULL when it has none or the key is not an OpenSSH one. On failure out
 * holds no key and *comment is NULL. */

/* One line (line bytes, no LF) of a .pub file made by ssh-keygen, of an
 * authorized_keys file or of a forge's USER.keys: [OPTIONS] TYPE DATA
 * [COMMENT]. TYPE must be ssh-ed25519; DATA is canonical base64 of the
 * blob string "ssh-ed25519", string of 32 bytes, nothing after; the key
 * must pass ags_public_key_valid. Refused, naming source and lineno:
 * other key types ("not an Ed25519 key"), FIDO keys
 * (sk-ssh-ed25519@openssh.com), certificates (*-cert-v01@openssh.com),
 * and a line whose options hold cert-authority. Options are otherwise
 * not read: they say how sshd lets a key log in. */
enum ags_err ags_sshkey_parse_line(struct ags_pubkey *out, char **comment,
                                   const char *line, size_t len,
                                   const char *source, long lineno,
                                   struct ags_error *err);
/* A whole file (buf, len): blank lines and lines starting with '#' are
 * skipped, and exactly one line must remain, read by
 * ags_sshkey_parse_line (a file of several keys is refused: a key file
 * names one key). */
enum ags_err ags_sshkey_parse(struct ags_pubkey *out, char **comment,
                              const char *buf, size_t len, const char *source,
                              struct ags_error *err);
/* Either kind of public key file, told by its content: text that begins
 * with "agreesign " is read by ags_pubkey_parse, anything else by
 * ags_sshkey_parse. */
enum ags_err ags_pubkey_parse_any(struct ags_pubkey *out, char **comment,
                                  const char *buf, size_t len,
                                  const char *source, struct ags_error *err);
/* ags_pubkey_parse_any of the file at path (at most AGS_KEYFILE_MAX
 * bytes). */
enum ags_err ags_pubkey_load_any(struct ags_pubkey *out, char **comment,
                                 const char *path, struct ags_error *err);

/* OpenSSH allowed_signers files (src/lib/format/ssh_signers.c; spec
 * §9.7): the keys a `trust import-ssh` adds. */

/* The namespace (ssh-keygen -Y -n) agreesign answers to in a line's
 * namespaces="..." option. */
#define AGS_SSH_NAMESPACE "agreesign"
/* The largest allowed_signers file read (spec §9.7). */
#define AGS_SSH_SIGNERS_MAX (1024u * 1024u)

/* One line taken: its key (pk, key_id; name = the first principal, in
 * NFC; email = the same when it is an e-mail address, else NULL) and its
 * window as a trust entry's (valid-before exclusive: OpenSSH's inclusive
 * bound plus one second). */
struct ags_ssh_signer {
	struct ags_pubkey key;
	int64_t valid_after;  /* INT64_MIN when unset */
	int64_t valid_before; /* INT64_MAX when unset */
	long line;            /* 1-based line of the file */
};

/* Something about a line to tell the user: skipped (a key type other
 * than ssh-ed25519, cert-authority, a principal pattern, a namespaces
 * list without AGS_SSH_NAMESPACE, a key already on an earlier line), or
 * taken with a part not carried (principals after the first). */
struct ags_ssh_note {
	long line;
	int skipped;
	char why[256];
};

struct ags_ssh_signers {
	struct ags_ssh_signer *v; /* malloc'd, n of them, in file order */
	size_t n;
	struct ags_ssh_note *notes; /* malloc'd, nnotes of them */
	size_t nnotes;
};

/* Reads an allowed_signers file (buf, len). Blank lines and '#' lines
 * are skipped. A malformed line (principals, options, times, a broken
 * ssh-ed25519 key, a time without Z, an empty window, CR or NUL) fails
 * the whole file, naming its line; out then holds nothing. Release out
 * with ags_ssh_signers_release in every case. */
enum ags_err ags_ssh_signers_parse(struct ags_ssh_signers *out, const char *buf,
                                   size_t len, const char *source,
                                   struct ags_error *err);
void ags_ssh_signers_release(struct ags_ssh_signers *s);

/* The .key file text of sk: sealed with passphrase (pass_len bytes) under
 * kdf when passphrase is non-NULL, in the clear when it is NULL. *out is
 * sodium_malloc'd (it may hold the secret): release it with sodium_free().
 */
enum ags_err ags_seckey_format(char **out, size_t *out_len,
                               const struct ags_seckey *sk,
                               const char *passphrase, size_t pass_len,
                               const struct ags_kdf_params *kdf,
                               struct ags_error *err);
/* Parses .key text. When the key is sealed, ask is called once for the
 * passphrase (ask may be NULL: then a sealed key fails). A wrong
 * passphrase and a tampered file both give AGS_ERR_PASSPHRASE; a key
 * whose public half does not match its secret half gives AGS_ERR_KEY. */
enum ags_err ags_seckey_parse(struct ags_seckey **out, const char *buf,
                              size_t len, const char *source,
                              ags_passphrase_fn ask, void *ctx,
                              struct ags_error *err);
/* An unencrypted OpenSSH private key file (src/lib/format/sshkey_private.c,
 * spec §8.5): "-----BEGIN OPENSSH PRIVATE KEY-----", openssh-key-v1 with
 * cipher and kdf "none", one ssh-ed25519 key, every field checked (equal
 * check numbers, the private section's public key the file's, the secret
 * key the seed and public key, padding 1, 2, 3, ...). The seed is decoded
 * only into guarded memory. The key has no identity: (*out)->pub.name,
 * email and orcid are NULL. An encrypted file gives AGS_ERR_KEY with the
 * hint to add it to an agent; another key type, AGS_ERR_FORMAT. */
enum ags_err ags_ssh_seckey_parse(struct ags_seckey **out, const char *buf,
                                  size_t len, const char *source,
                                  struct ags_error *err);
/* The same file's public key (out initialised here, no identity): the
 * file is checked exactly as ags_ssh_seckey_parse checks it. */
enum ags_err ags_ssh_seckey_parse_public(struct ags_pubkey *out,
                                         const char *buf, size_t len,
                                         const char *source,
                                         struct ags_error *err);
/* Reads a .key file, or an OpenSSH private key file (told by its first
 * line: ags_ssh_seckey_parse), into sodium_malloc'd memory and parses it.
 * When the file is readable by group or others, *loose_mode is set to 1
 * (the caller may warn); else 0. loose_mode may be NULL. */
enum ags_err ags_seckey_load(struct ags_seckey **out, const char *path,
                             ags_passphrase_fn ask, void *ctx, int *loose_mode,
                             struct ags_error *err);

/* The public half and identity of a .key file, read without its secret:
 * every field is checked as ags_seckey_parse checks it, but no passphrase
 * is asked for, nothing is decrypted and a clear seed is not kept. So a
 * command can show what it will sign, by which key, and refuse what it
 * can refuse before it asks for a passphrase. *sealed (may be NULL) is
 * set to 1 when loading the key will ask for one. out is initialised
 * here: ags_pubkey_release() it. A key loaded afterwards with
 * ags_seckey_load may differ (the file may have changed meanwhile): a
 * caller compares key ids. */
enum ags_err ags_seckey_parse_public(struct ags_pubkey *out, int *sealed,
                                     const char *buf, size_t len,
                                     const char *source, struct ags_error *err);
/* The same for the .key file at path, read as ags_seckey_load reads it
 * (loose_mode as there; an OpenSSH private key file too, never sealed). */
enum ags_err ags_seckey_load_public(struct ags_pubkey *out, int *sealed,
                                    const char *path, int *loose_mode,
                                    struct ags_error *err);

/* Checks that ags_keypair_write(base, ..., force) can write there, so
 * that a caller can tell before it asks for a passphrase: BASE's folder
 * exists and files can be made in it; neither BASE.key nor BASE.pub
 * exists unless force is set, and then each that exists is a file or a
 * symbolic link (replaced itself, never followed). With make_folder, a
 * missing folder is made first, mode 0700 (only the last one, as
 * ssh-keygen makes ~/.ssh). */
enum ags_err ags_keypair_check(const char *base, int force, int make_folder,
                               struct ags_error *err);

/* Writes BASE.pub and BASE.key. The .key file is created with mode 0600
 * and never replaces an existing file unless force is set; neither file
 * is written when either exists and force is not set
 * (ags_keypair_check, which it calls without make_folder). */
enum ags_err ags_keypair_write(const char *base, const struct ags_seckey *sk,
                               const char *passphrase, size_t pass_len,
                               const struct ags_kdf_params *kdf, int force,
                               struct ags_error *err);

/* Replaces the .key file at path (a regular file, not a symbolic link)
 * with sk sealed under passphrase (NULL: unsealed) and kdf, with a fresh
 * salt and nonce: a new passphrase for the same key and identity. The
 * new file, mode 0600, takes the old one's place atomically: on any
 * failure the old file is left as it was. */
enum ags_err ags_seckey_rewrite(const char *path, const struct ags_seckey *sk,
                                const char *passphrase, size_t pass_len,
                                const struct ags_kdf_params *kdf,
                                struct ags_error *err);

/* ---------------------------------------------------------------------
 * Statements and envelopes (src/lib/format/statement.c,
 * src/lib/format/envelope.c)
 */

/* Roles a signer can sign in. */
enum ags_role {
	AGS_ROLE_AUTHOR = 1,
	AGS_ROLE_COAUTHOR = 2,
	AGS_ROLE_PUBLISHER = 4,
};
#define AGS_ROLE_ALL (AGS_ROLE_AUTHOR | AGS_ROLE_COAUTHOR | AGS_ROLE_PUBLISHER)

/* "author", "co-author", "publisher"; NULL for anything else. */
const char *ags_role_name(enum ags_role role);
/* 0 and the role in *out, or -1 when name is not a role. */
int ags_role_parse(enum ags_role *out, const char *name);

/* The part of the statement that every signature of an envelope shares:
 * what was signed. */
/* A file bound to the agreement (the paper's PDF, its supplement): its
 * name (no directory part), byte length and SHA-512. */
struct ags_attachment {
	char *name; /* malloc'd */
	uint64_t length;
	uint8_t sha512[AGS_DIGEST_BYTES];
};

struct ags_agreement {
	uint8_t text_sha512[AGS_DIGEST_BYTES]; /* of the canonical text */
	uint64_t text_length;                  /* bytes of canonical text */
	struct ags_metadata md;
	struct ags_attachment *attachments; /* malloc'd array, or NULL */
	size_t nattachments;
	int is_template; /* 1: the statement signs a template (statement
	                    "kind": "template"), never an agreement */
};

/* Hashes the file at path in fixed-size chunks (memory does not grow with
 * its size) and appends it to a->attachments under its base name. Refuses
 * a second attachment of the same name, a name that is not a valid text
 * field, and a file that changes while it is read. */
enum ags_err ags_attachment_add(struct ags_agreement *a, const char *path,
                                struct ags_error *err);

/* Who signed, in which role, when (as claimed by the signer). */
struct ags_signer {
	char *name;  /* malloc'd, required */
	char *email; /* malloc'd or NULL */
	char *orcid; /* malloc'd or NULL */
	enum ags_role role;
	int64_t time; /* claimed signing time, seconds since the epoch */
};

/* A countersignature's reference to a signature it accepts. */
struct ags_countersigned {
	char key_id[AGS_KEYID_HEX + 1];
	uint8_t signature_sha512[AGS_DIGEST_BYTES]; /* SHA-512 of the 64
	                                               signature bytes */
};

/* A renewal of an entry's timestamp (spec §6.5): an RFC 3161 token whose
 * imprint is SHA-512 of the DER of the token before it in the chain. */
struct ags_renewal {
	uint8_t *der; /* malloc'd */
	size_t len;
	void *parsed; /* internal: der parsed when the envelope was read,
	                 owned; NULL otherwise (then parsed at each use) */
};

struct ags_signature {
	struct ags_signer signer;
	struct ags_countersigned *covers; /* malloc'd; NULL unless this is a
	                                     countersignature */
	size_t ncovers;
	int is_countersignature; /* covers is present (1 or more entries
	                            in an envelope that was read) */
	char key_id[AGS_KEYID_HEX + 1];
	uint8_t public_key[AGS_PUBLICKEY_BYTES];
	uint8_t signature[AGS_SIGNATURE_BYTES];
	uint8_t *timestamp;     /* malloc'd DER of the entry's RFC 3161 token
	                           (spec §6.5), or NULL; not signed */
	size_t timestamp_len;   /* bytes of timestamp */
	void *timestamp_parsed; /* internal: timestamp parsed when the
	                           envelope was read, owned (a verification
	                           reuses it); NULL otherwise */
	struct ags_renewal *renewals; /* malloc'd: the tokens after the
	                                 first in the entry's chain (v3), or
	                                 NULL */
	size_t nrenewals;             /* 0 to AGS_CHAIN_MAX - 1 */
};

struct ags_envelope {
	struct ags_agreement agreement;
	struct ags_signature *sigs; /* malloc'd array of nsigs */
	size_t nsigs;
};

void ags_envelope_init(struct ags_envelope *env);
/* Frees everything the envelope holds; the struct is the caller's. */
void ags_envelope_release(struct ags_envelope *env);

/* Parses envelope JSON strictly (see spec): duplicate keys, unknown
 * fields, wrong types, bad encodings, an unknown format and more than
 * AGS_SIGNATURES_MAX signatures are refused, naming the field. */
enum ags_err ags_envelope_parse(struct ags_envelope *env, const char *buf,
                                size_t len, const char *source,
                                struct ags_error *err);
enum ags_err ags_envelope_load(struct ags_envelope *env, const char *path,
                               struct ags_error *err);
struct ags_trust; /* below, with the trust store */
/* ags_envelope_load, except that a public key equal to the key of an entry
 * of the trust store `known` (NULL: none) is not checked for rules 3-6
 * again: the store's reader did, and the check costs about as much as a
 * verification; and that timestamp tokens are read as known's TSA checks
 * will want them (their certificates decoded once per trust load). Same
 * results. */
enum ags_err ags_envelope_load_known(struct ags_envelope *env, const char *path,
                                     const struct ags_trust *known,
                                     struct ags_error *err);
/* The envelope file text: JSON indented by two spaces, members in the
 * order the spec shows (readers must not depend on it), one final LF.
 * malloc'd; the caller free()s *out. */
enum ags_err ags_envelope_format(char **out, size_t *out_len,
                                 const struct ags_envelope *env,
                                 struct ags_error *err);

/* The exact bytes signature number idx signs: AGS_SIG_PREFIX, a NUL byte,
 * then JCS({"signer":…, "statement":…[, "countersigns":…]}). malloc'd;
 * the caller free()s *out. */
enum ags_err ags_signed_message(uint8_t **out, size_t *out_len,
                                const struct ags_envelope *env, size_t idx,
                                struct ags_error *err);

/* The canonical text of an agreement file's bytes, its digest and length:
 * fills env->agreement's digest and length (metadata untouched). */
void ags_agreement_bind(struct ags_agreement *a, const char *canon,
                        size_t canon_len);

/* ---------------------------------------------------------------------
 * Signing (src/lib/op/sign.c)
 */

/* Appends to env a signature by sk over env->agreement with signer s (s
 * is copied). When countersign is set, the new signature covers every
 * plain signature already in env, in order. Refuses a second signature by
 * the same key, an envelope that already holds a countersignature when
 * countersign is not set, a countersignature whose role is not publisher
 * or that would cover nothing, and a key whose halves do not match. */
enum ags_err ags_sign_append(struct ags_envelope *env,
                             const struct ags_seckey *sk,
                             const struct ags_signer *s, int countersign,
                             struct ags_error *err);

/* A signer outside this library (an SSH agent): writes into sig the
 * Ed25519 signature of the len bytes at msg by the key the caller named,
 * or returns the error, described in err. ctx is the signer's. */
typedef enum ags_err (*ags_sign_fn)(uint8_t sig[AGS_SIGNATURE_BYTES],
                                    const uint8_t *msg, size_t len, void *ctx,
                                    struct ags_error *err);

/* ags_sign_append with the key pub, whose signature fn (ctx) makes: the
 * same checks, the same message, the same envelope byte for byte as a
 * seed of pub would give. The signature fn returns is used only when it
 * verifies under pub over that message (else AGS_ERR_CRYPTO, and env is
 * left as it was). */
enum ags_err ags_sign_append_with(struct ags_envelope *env,
                                  const struct ags_pubkey *pub, ags_sign_fn fn,
                                  void *ctx, const struct ags_signer *s,
                                  int countersign, struct ags_error *err);

/* Every refusal of ags_sign_append that needs no secret: the signer and
 * metadata fields, a second signature by the key pub, a new signature on
 * a countersigned envelope, a countersignature that is not a publisher's
 * or would cover nothing. AGS_OK when ags_sign_append with the secret key
 * of pub would sign. A command calls it before asking for a passphrase. */
enum ags_err ags_sign_check(const struct ags_envelope *env,
                            const struct ags_pubkey *pub,
                            const struct ags_signer *s, int countersign,
                            struct ags_error *err);

void ags_signer_release(struct ags_signer *s);

/* ---------------------------------------------------------------------
 * Signing through an SSH agent (src/lib/op/agent.c; the messages:
 * src/lib/format/agent_msg.c). The secret key stays in the agent.
 */

/* The longest agent message sent or read (OpenSSH's own limit), and the
 * longest reply to a signature request: an Ed25519 signature takes 88
 * bytes, so a longer reply is refused before it is read. */
#define AGS_AGENT_MSG_MAX        (256u * 1024u)
#define AGS_AGENT_SIGN_REPLY_MAX 1024u

struct ags_agent;

/* Connects to the agent at the Unix socket socket_path (the caller reads
 * SSH_AUTH_SOCK; the library reads no environment) and checks that it
 * holds the ssh-ed25519 key pub->pk (SSH2_AGENTC_REQUEST_IDENTITIES): so
 * that "the agent does not hold this key" (AGS_ERR_KEY) is told apart
 * from a refusal to sign. Every exchange with the agent, request and
 * reply, must end within timeout_ms (else AGS_ERR_IO). Errors name the
 * socket: it does not exist or refuses (AGS_ERR_IO), the reply is
 * malformed (AGS_ERR_FORMAT) or too long (AGS_ERR_TOO_LARGE). *out is
 * the library's: ags_agent_close() it. */
enum ags_err ags_agent_open(struct ags_agent **out, const char *socket_path,
                            const struct ags_pubkey *pub, int timeout_ms,
                            struct ags_error *err);
/* An ags_sign_fn (agent: the struct ags_agent *): asks the agent for the
 * signature of msg (SSH2_AGENTC_SIGN_REQUEST, flags 0) and reads the
 * reply strictly: one ssh-ed25519 signature of 64 bytes, nothing after.
 * The agent's no (a confirmation denied) gives AGS_ERR_KEY; a signature
 * that does not verify under the key over msg, AGS_ERR_CRYPTO. */
enum ags_err ags_agent_sign(uint8_t sig[AGS_SIGNATURE_BYTES],
                            const uint8_t *msg, size_t len, void *agent,
                            struct ags_error *err);
/* Closes the connection and frees (NULL is fine). */
void ags_agent_close(struct ags_agent *a);

/* ---------------------------------------------------------------------
 * Timestamps (src/lib/op/timestamp.c; spec §6.5)
 */

/* An RFC 3161 TimeStampReq (DER) for signature idx of env: imprint
 * SHA-512 of its 64 signature bytes, a fresh random nonce, certReq TRUE.
 * *out is malloc'd (*out_len bytes); the caller free()s it. Keep it: the
 * reply is checked against it (ags_timestamp_token). */
enum ags_err ags_timestamp_request(uint8_t **out, size_t *out_len,
                                   const struct ags_envelope *env, size_t idx,
                                   struct ags_error *err);

/* The token of the TimeStampResp tsr, which must answer the request tsq
 * (made by ags_timestamp_request): status granted (or grantedWithMods),
 * the request's imprint and nonce, a DER token. *token is malloc'd
 * (*token_len bytes); the caller free()s it. source names the reply in
 * err. The token's signature is not checked here (see ags_verify). */
enum ags_err ags_timestamp_token(uint8_t **token, size_t *token_len,
                                 const uint8_t *tsq, size_t tsq_len,
                                 const uint8_t *tsr, size_t tsr_len,
                                 const char *source, struct ags_error *err);

/* Puts a copy of token into the entry of env whose signature it covers
 * (its imprint is SHA-512 of those 64 bytes); *idx (may be NULL) gets the
 * entry's index. Refuses a token that covers no entry
 * (AGS_ERR_INVALID) and an entry that has a token (AGS_ERR_EXISTS). */
enum ags_err ags_timestamp_attach(struct ags_envelope *env, size_t *idx,
                                  const uint8_t *token, size_t token_len,
                                  const char *source, struct ags_error *err);

/* Renewal (spec §6.5): a TimeStampReq, as ags_timestamp_request makes
 * one, whose imprint is SHA-512 of the DER of the last token of entry
 * idx's chain. Refuses an entry without a token, and a chain that holds
 * AGS_CHAIN_MAX tokens. */
enum ags_err ags_timestamp_renewal_request(uint8_t **out, size_t *out_len,
                                           const struct ags_envelope *env,
                                           size_t idx, struct ags_error *err);

/* Appends a copy of token (from ags_timestamp_token) to the chain of the
 * entry whose last token it covers (its imprint is SHA-512 of that
 * token's DER); *idx (may be NULL) gets the entry's index. Refuses a
 * token that covers no entry's last token (AGS_ERR_INVALID: none, or one
 * renewed since) and a full chain. The envelope is then v3. */
enum ags_err ags_timestamp_renew(struct ags_envelope *env, size_t *idx,
                                 const uint8_t *token, size_t token_len,
                                 const char *source, struct ags_error *err);

/* ---------------------------------------------------------------------
 * Trust store (src/lib/format/trust.c)
 */

/* Entries come from ags_trust_parse or ags_trust_from_pubkey. The key of
 * a .pub's entry passed ags_public_key_valid when the file was read; the
 * key of a trust file's entry passes it when ags_trust_lookup first
 * returns the entry (a key that fails makes the lookup an error, spec
 * §9.1), or ags_trust_check_keys. Verification relies on that and does
 * not repeat the check for a trusted key; so an entry taken from
 * t->entries directly may hold a key that is not valid. Do not fill one
 * by hand. */
struct ags_trust_entry {
	char *identity; /* malloc'd; NULL only in a store made from an
	                   OpenSSH key (ags_trust_from_pubkey), which names
	                   nobody: the signer's name is then not checked */
	char *email;    /* malloc'd, or NULL when the entry has none */
	char *orcid;    /* malloc'd, or NULL when the entry has none */
	uint8_t pk[AGS_PUBLICKEY_BYTES];
	char key_id[AGS_KEYID_HEX + 1];
	unsigned roles;       /* bit set of enum ags_role */
	int64_t valid_after;  /* or INT64_MIN when unset */
	int64_t valid_before; /* or INT64_MAX when unset */
	int revoked;          /* 1 when revoked */
	int64_t revoked_time; /* when revoked (claim of the publisher) */
	char *revoked_reason; /* malloc'd or NULL */
	long line;            /* 1-based line in the trust file; 0 if none */
};

/* A time-stamping authority pinned by a v2 trust file (a `tsa` record,
 * spec §9.4): kept, checked as one X.509 certificate, and written back by
 * edits; verification accepts the timestamp tokens it anchors (§10.2). */
struct ags_trust_tsa {
	char *name;           /* malloc'd */
	uint8_t *cert;        /* malloc'd DER of one X.509 certificate */
	size_t cert_len;      /* bytes of cert */
	int64_t valid_after;  /* or INT64_MIN when unset */
	int64_t valid_before; /* or INT64_MAX when unset */
	int revoked;          /* 1 when revoked */
	int64_t revoked_time; /* from when the TSA's key is withdrawn */
	char *revoked_reason; /* malloc'd or NULL */
	long line;            /* 1-based line in the trust file */
	void *parsed;         /* internal: cert parsed once when the record
	                         was read (ags_trust_load), owned by it and
	                         shared read-only by verifying threads; NULL
	                         in a record made otherwise (then cert is
	                         parsed at each use) */
};

struct ags_trust {
	struct ags_trust_entry *entries; /* malloc'd array */
	size_t n;
	int version;               /* 1 or 2: the file's format version; 0 for
	                              a store made from a .pub */
	struct ags_trust_tsa *tsa; /* malloc'd array (v2 files only) */
	size_t ntsa;
	struct ags_trust_db *db; /* a SQLite store (ags_trust_load of one):
	                            entries and tsa are then empty, and keys
	                            are looked up with ags_trust_lookup */
	struct ags_trust_index *index;   /* a text file's keys sorted for
	                                    lookups, and which are checked
	                                    (trust_index.c); NULL for a .pub */
	struct ags_tsp_certs *tsp_certs; /* internal: the certificates of
	                                    timestamp tokens, decoded once and
	                                    shared by verifying threads; made
	                                    by ags_trust_load when tsa records
	                                    are pinned, else NULL */
};

void ags_trust_init(struct ags_trust *t);
void ags_trust_release(struct ags_trust *t);
enum ags_err ags_trust_parse(struct ags_trust *t, const char *buf, size_t len,
                             const char *source, struct ags_error *err);
enum ags_err ags_trust_load(struct ags_trust *t, const char *path,
                            struct ags_error *err);
/* ags_trust_load and ags_trust_parse for a verifier, which looks up a few
 * keys among many: a text file's entries get their key_id when they are
 * looked up (ags_trust_lookup) or checked (ags_trust_check_keys), and hold
 * "" until then (a tenth of the load of 100,000 keys is making their
 * ids). */
enum ags_err ags_trust_load_lookup(struct ags_trust *t, const char *path,
                                   struct ags_error *err);
enum ags_err ags_trust_parse_lookup(struct ags_trust *t, const char *buf,
                                    size_t len, const char *source,
                                    struct ags_error *err);
/* A trust store of one key, trusted for every role, from a .pub (or an
 * OpenSSH key: pub->name NULL, the entry's identity NULL). */
enum ags_err ags_trust_from_pubkey(struct ags_trust *t,
                                   const struct ags_pubkey *pub,
                                   struct ags_error *err);
/* ags_trust_from_pubkey of the key file at path (ags_pubkey_load_any): its
 * key is checked once, when the file is read. */
enum ags_err ags_trust_load_pubkey(struct ags_trust *t, const char *path,
                                   struct ags_error *err);
/* The format version of a trust file's text (buf, len) by its first
 * line: 1 (AGS_FORMAT_TRUST_V1), 2 (AGS_FORMAT_TRUST) or 0 (neither). */
int ags_trust_text_version(const char *buf, size_t len);
/* The entry for public key pk, or NULL (also when a lookup in a SQLite
 * store failed: use ags_trust_lookup where that must be told apart). The
 * key of a text file's entry is not checked here (see above): an edit
 * uses this to find a record, a verification uses ags_trust_lookup. */
const struct ags_trust_entry *ags_trust_find(const struct ags_trust *t,
                                             const uint8_t *pk);
/* The entry for public key pk in *out (NULL when there is none), from the
 * entries or the SQLite store of t. An entry stays valid until t is
 * released. Fails when the store cannot be read or its record of pk is
 * not valid (a key that is not a valid Ed25519 key included). Safe to call
 * from several threads at once. */
enum ags_err ags_trust_lookup(const struct ags_trust *t, const uint8_t *pk,
                              const struct ags_trust_entry **out,
                              struct ags_error *err);
/* Makes the Ed25519 checks (spec §5.3 rules 3-6) of every key of a text
 * trust file now, each once per load: for readers of the whole file
 * (`trust list`, the edits), which must not show or write a key a lookup
 * would refuse. Fails (AGS_ERR_FORMAT) naming the first such key's line,
 * in file order. Nothing to do for a store or a .pub. */
enum ags_err ags_trust_check_keys(const struct ags_trust *t,
                                  struct ags_error *err);

/* ---------------------------------------------------------------------
 * SQLite trust store (src/lib/format/trust_db*.c; spec/trust-db.md)
 */

struct ags_trust_db;
/* 1 when the file at path starts with the 16-byte SQLite header (a
 * database, whatever its name), else 0 (missing, unreadable, text). */
int ags_trust_is_db(const char *path);
enum {
	AGS_TRUST_DB_READ,   /* read only */
	AGS_TRUST_DB_WRITE,  /* read and write; a read-only file is refused */
	AGS_TRUST_DB_CREATE, /* as WRITE, and a missing or empty file is made
	                        a new store */
};
/* Opens the store at path (*db: the caller closes it) after the checks of
 * spec/trust-db.md §4: a SQLite database, one of ours, of a schema
 * version this reader knows, with exactly its tables. */
enum ags_err ags_trust_db_open(struct ags_trust_db **db, const char *path,
                               int mode, struct ags_error *err);
void ags_trust_db_close(struct ags_trust_db *db);
/* ags_trust_lookup in a store (a key's group is checked at its first
 * lookup); the entry is the store's, valid until it is closed. */
enum ags_err ags_trust_db_lookup(struct ags_trust_db *db, const uint8_t *pk,
                                 const struct ags_trust_entry **out,
                                 struct ags_error *err);

/* What an import did. */
struct ags_trust_db_count {
	size_t added;   /* records added */
	size_t skipped; /* records already in the store, equal */
};
/* Reads a text trust file (v1 or v2) from in (named source in messages)
 * into the store, in one transaction: all records or none. A record equal
 * to one in the store is skipped; a different one for the same key (or
 * TSA name or certificate) is an error naming its line. Each key's group
 * is checked here, once, on `jobs` worker threads (0: on the calling
 * thread); a key that fails is an error naming the first such line, for
 * any number of threads. Each added record gets a history row at time
 * now. */
enum ags_err ags_trust_db_import(struct ags_trust_db *db, FILE *in,
                                 const char *source, int64_t now, unsigned jobs,
                                 struct ags_trust_db_count *count,
                                 struct ags_error *err);
/* The ssh-ed25519 keys of a parsed allowed_signers file (ss) into the
 * store, in one transaction, each as `trust import-ssh` makes its trust
 * file record (roles, the principal's name and e-mail, the window), under
 * the rules of ags_trust_db_import: an equal record is skipped, another
 * record of the key is an error naming the file's line (source). added,
 * when not NULL, has ss->n flags: set for each key added. */
enum ags_err ags_trust_db_import_ssh(struct ags_trust_db *db,
                                     const struct ags_ssh_signers *ss,
                                     unsigned roles, const char *source,
                                     int64_t now, unsigned char *added,
                                     struct ags_trust_db_count *count,
                                     struct ags_error *err);
/* Receives one line of output (len bytes, its LF included); returns 0, or
 * non-zero to stop (the caller's error, e.g. a write that failed). */
typedef int (*ags_line_fn)(const char *line, size_t len, void *ctx);
/* The store as a v2 text trust file, line by line (spec/trust-db.md §3):
 * the header, each key record's canonical line, each tsa record's. Each
 * row is checked as a reader of that line would, except for the key's
 * group. Memory does not grow with the store. */
enum ags_err ags_trust_db_export(struct ags_trust_db *db, ags_line_fn put,
                                 void *ctx, struct ags_error *err);

/* Edits of a store (src/lib/format/trust_db_edit.c), each one
 * transaction with its history row at time now; the rules of the text
 * edits below. name (cap bytes; may be NULL) receives the identity of the
 * record edited (after the change, for set). */
enum ags_err ags_trust_db_add(struct ags_trust_db *db,
                              const struct ags_pubkey *pub, unsigned roles,
                              int64_t valid_after, int64_t valid_before,
                              int64_t now, struct ags_error *err);
enum ags_err ags_trust_db_revoke(struct ags_trust_db *db, const char *key_id,
                                 int64_t when, const char *reason, int64_t now,
                                 char *name, size_t cap, struct ags_error *err);
enum ags_err ags_trust_db_remove(struct ags_trust_db *db, const char *key_id,
                                 int64_t now, char *name, size_t cap,
                                 struct ags_error *err);
struct ags_trust_change; /* below, with the text edits */
enum ags_err ags_trust_db_set(struct ags_trust_db *db, const char *key_id,
                              const struct ags_trust_change *ch, int64_t now,
                              char *name, size_t cap, struct ags_error *err);
/* The tsa edits of a store (src/lib/format/trust_db_tsa.c), with the
 * rules of ags_trust_add_tsa and the others below; the history row names
 * the record "tsa NAME". */
enum ags_err ags_trust_db_add_tsa(struct ags_trust_db *db,
                                  const struct ags_trust_tsa *a, int64_t now,
                                  struct ags_error *err);
enum ags_err ags_trust_db_revoke_tsa(struct ags_trust_db *db, const char *name,
                                     int64_t when, const char *reason,
                                     int64_t now, struct ags_error *err);
enum ags_err ags_trust_db_remove_tsa(struct ags_trust_db *db, const char *name,
                                     int64_t now, struct ags_error *err);
/* Calls fn for each key record in the store's order (memory does not grow
 * with the store); fn returns non-zero to stop (an error). The entry is
 * borrowed for the call. */
enum ags_err ags_trust_db_list(struct ags_trust_db *db,
                               int (*fn)(const struct ags_trust_entry *e,
                                         void *ctx),
                               void *ctx, struct ags_error *err);
/* Calls fn for each key other than key_id whose identity is the same (same 1)
 * or a look-alike (same 0; equal after NFC and case folding). */
enum ags_err ags_trust_db_similar(struct ags_trust_db *db, const char *identity,
                                  const char *key_id,
                                  int (*fn)(const struct ags_trust_entry *e,
                                            int same, void *ctx),
                                  void *ctx, struct ags_error *err);

/* One row of a store's history (spec/trust-db.md §5); strings borrowed
 * for the call, NULL when the row has none. */
struct ags_trust_db_event {
	long long seq;
	int64_t at;
	const char *op, *record, *old_line, *new_line, *reason;
};
typedef int (*ags_trust_db_event_fn)(const struct ags_trust_db_event *ev,
                                     void *ctx);
/* Checks the whole history's chain and calls fn for each row of record (a
 * key id, "tsa NAME", or NULL for all). head: the last row's chain (zeros
 * when none), rows: the rows read. Fails at the first row whose seq or
 * chain is wrong (rows before it were given to fn). */
enum ags_err ags_trust_db_history(struct ags_trust_db *db, const char *record,
                                  ags_trust_db_event_fn fn, void *ctx,
                                  uint8_t head[32], long long *rows,
                                  struct ags_error *err);

/* Trust file edits (src/lib/format/trust_edit.c). Each takes the trust file's
 * text (buf, len; len 0 for a new file) and gives the new text in *out
 * (malloc'd; the caller free()s it): comments, blank lines and the order
 * of entries are kept, and the result is parsed before it is returned.
 * The result is always v2: a v1 text is upgraded first (spec §9.3: new
 * header, `key ` before each entry line, every other byte kept). */

/* Appends the canonical line (spec §9.6) of a key record for pub
 * (identity, e-mail and ORCID: pub's) trusted for roles, valid from
 * valid_after (INT64_MIN: unset) until valid_before (INT64_MAX: unset).
 * Refuses a key that is already listed. */
enum ags_err ags_trust_add(char **out, size_t *out_len, const char *buf,
                           size_t len, const struct ags_pubkey *pub,
                           unsigned roles, int64_t valid_after,
                           int64_t valid_before, const char *source,
                           struct ags_error *err);

/* Appends the canonical lines of the n records e[0..n-1] (their
 * identity, email, orcid, pk, roles and window; the other members are
 * not read), in order, as one edit. Refuses a key already listed or
 * given twice, naming it. */
enum ags_err ags_trust_add_entries(char **out, size_t *out_len, const char *buf,
                                   size_t len, const struct ags_trust_entry *e,
                                   size_t n, const char *source,
                                   struct ags_error *err);

/* Marks the entry whose key id is key_id as revoked at time `when`, for
 * reason. Refuses an unknown or already revoked key. */
enum ags_err ags_trust_revoke(char **out, size_t *out_len, const char *buf,
                              size_t len, const char *key_id, int64_t when,
                              const char *reason, const char *source,
                              struct ags_error *err);

/* Deletes the line of the record whose key id is key_id. Refuses an
 * unknown key. A removed key is untrusted, not revoked. */
enum ags_err ags_trust_remove(char **out, size_t *out_len, const char *buf,
                              size_t len, const char *key_id,
                              const char *source, struct ags_error *err);

/* What ags_trust_set changes in a key record; each member left NULL, 0
 * or unset keeps the record's value. */
struct ags_trust_change {
	const char *name;     /* new identity (NFC), or NULL */
	const char *email;    /* new e-mail, "" to drop it, or NULL */
	const char *orcid;    /* new ORCID iD, "" to drop it, or NULL */
	unsigned roles;       /* new bit set of roles, or 0 */
	int change_after;     /* 1: valid_after replaces the bound */
	int change_before;    /* 1: valid_before replaces the bound */
	int64_t valid_after;  /* INT64_MIN: no lower bound */
	int64_t valid_before; /* INT64_MAX: no upper bound */
};

/* Rewrites the record of key_id in its canonical form (spec §9.6) with
 * the change. Refuses an unknown key, a revoked one (revocation is final),
 * a change that changes nothing, invalid values and an empty window. */
enum ags_err ags_trust_set(char **out, size_t *out_len, const char *buf,
                           size_t len, const char *key_id,
                           const struct ags_trust_change *ch,
                           const char *source, struct ags_error *err);

/* Appends the canonical line (spec §9.6) of the tsa record a (its name,
 * certificate and window; not revoked). Refuses a name or a certificate
 * that a tsa record of the file has (spec §9.4), an invalid name or
 * certificate and an empty window. */
enum ags_err ags_trust_add_tsa(char **out, size_t *out_len, const char *buf,
                               size_t len, const struct ags_trust_tsa *a,
                               const char *source, struct ags_error *err);
/* Marks the tsa record named name as revoked at time `when`, for reason:
 * its tokens then prove nothing (spec §9.5). Refuses an unknown or
 * already revoked TSA. */
enum ags_err ags_trust_revoke_tsa(char **out, size_t *out_len, const char *buf,
                                  size_t len, const char *name, int64_t when,
                                  const char *reason, const char *source,
                                  struct ags_error *err);
/* Deletes the line of the tsa record named name. Refuses an unknown TSA. */
enum ags_err ags_trust_remove_tsa(char **out, size_t *out_len, const char *buf,
                                  size_t len, const char *name,
                                  const char *source, struct ags_error *err);

/* The certificate of a file to pin in a tsa record: buf (n bytes) is PEM
 * (one CERTIFICATE block; text around it is allowed) or DER. *der gets
 * the DER of exactly one X.509 certificate (malloc'd, the caller free()s
 * it; NULL on failure). Returns NULL, or why not (a static message). */
const char *ags_x509_decode(uint8_t **der, size_t *der_len, const uint8_t *buf,
                            size_t n);
/* What a person needs to tell a pinned certificate (DER, len bytes) from
 * another (trust list): its subject in RFC 2253 form, UTF-8, cut to fit
 * cap bytes, and the end of its validity (notAfter, seconds since the
 * epoch). Returns 0, or -1 when der is not a certificate. */
int ags_x509_describe(char *subject, size_t cap, int64_t *not_after,
                      const uint8_t *der, size_t len);

/* The canonical line of a record (spec §9.6), LF included: malloc'd (the
 * caller free()s it), or NULL when out of memory. */
char *ags_trust_key_line(const struct ags_trust_entry *e);
char *ags_trust_tsa_line(const struct ags_trust_tsa *a);

/* Look-alike identities (threat model T3): from entry *i on, the next
 * entry whose key is not pk and whose identity equals identity byte for
 * byte (*same = 1) or after NFC and Unicode case folding only (*same =
 * 0). *i is then past it, for the next call; NULL when none is left. */
const struct ags_trust_entry *
ags_trust_next_similar(const struct ags_trust *t, size_t *i,
                       const char *identity, const uint8_t *pk, int *same);

/* What ags_trust_each_similar reports: entry e (one of those asked
 * about) and another entry o, of another key, whose identity equals e's
 * byte for byte (same = 1) or after NFC and Unicode case folding only
 * (same = 0). */
typedef void (*ags_similar_fn)(void *ctx, const struct ags_trust_entry *e,
                               const struct ags_trust_entry *o, int same);

/* ags_trust_next_similar for every entry from index `from` on, at once:
 * each identity is folded once (n log n, not n per entry asked about),
 * for edits that add many keys. Pairs come grouped by folded identity.
 * AGS_ERR_NOMEM when memory runs out (some pairs may have been
 * reported). */
enum ags_err ags_trust_each_similar(const struct ags_trust *t, size_t from,
                                    ags_similar_fn fn, void *ctx);

/* Locked edits of files (src/lib/base/fileio.c): trust files, and envelopes
 * that get a signature. An exclusive lock for an edit of a file (a read, a
 * change and an atomic replace), held on a lock file beside the real
 * file. */
struct ags_lock {
	char *path; /* the file to read and replace (malloc'd), or NULL */
	int fd;     /* the lock file, -1 when no lock is held */
};

/* An lk that holds no lock: ags_lock_release is then harmless. */
void ags_lock_init(struct ags_lock *lk);
/* Locks the file at path for an edit: when path is a symbolic link, the
 * file it leads to (lk->path then names it), since that is the file
 * readers read; the link itself stays. Waits for an exclusive flock on
 * "<lk->path>.lock", created (mode 0600, never through a symbolic link)
 * when missing and left in place afterwards. Refuses (AGS_ERR_IO, naming
 * path) a dangling symbolic link, anything but a regular file, and a file
 * with more than one hard link: a replacement would change one name only.
 * A missing file is fine (the edit creates it). On failure lk holds no
 * lock; ags_lock_release is harmless either way. */
enum ags_err ags_lock_take(struct ags_lock *lk, const char *path,
                           struct ags_error *err);
/* Releases the lock (when held) and lk->path. */
void ags_lock_release(struct ags_lock *lk);

/* An edit of a file's text: gets the current text (len 0 when the file
 * does not exist), gives the new text in *out (malloc'd). */
typedef enum ags_err (*ags_edit_fn)(char **out, size_t *out_len,
                                    const char *buf, size_t len, void *ctx,
                                    struct ags_error *err);

/* Applies edit to the file at path under ags_lock_take's lock, held
 * around read, change and atomic, durable replace, so that two processes
 * editing one file, through any symbolic link to it, never lose an edit.
 * The file keeps its permission bits; it is created when missing (0644
 * less the umask). */
enum ags_err ags_file_edit_locked(const char *path, size_t max,
                                  ags_edit_fn edit, void *ctx,
                                  struct ags_error *err);

/* ---------------------------------------------------------------------
 * Verification (src/lib/op/verify.c)
 */

enum ags_reason {
	AGS_REASON_OK = 0,
	AGS_REASON_TEXT_CHANGED,      /* digest or length differ */
	AGS_REASON_UNTRUSTED_KEY,     /* key not in the trust store */
	AGS_REASON_BAD_SIGNATURE,     /* Ed25519 verification failed */
	AGS_REASON_REVOKED,           /* key revoked in the trust store */
	AGS_REASON_WRONG_ROLE,        /* key not trusted for this role */
	AGS_REASON_NOT_YET_VALID,     /* claimed time before valid-after */
	AGS_REASON_EXPIRED,           /* claimed time at/after valid-before */
	AGS_REASON_NAME_MISMATCH,     /* envelope name != trusted identity */
	AGS_REASON_COUNTERSIGN,       /* countersignature covers other sigs */
	AGS_REASON_KEY_NOT_GIVEN,     /* policy.given_key: by another key, and
	                                 intact: not checked (not_checked) */
	AGS_REASON_IDENTITY_MISMATCH, /* envelope e-mail or ORCID != the
	                                 trusted one (v2 trust files) */
	AGS_REASON_CLAIMED_AFTER_PROVEN, /* claimed time later than the
	                                    proven time by more than
	                                    AGS_PROVEN_TOLERANCE */
};

/* How much later than the proven time (a valid timestamp's genTime) a
 * claimed signing time may be, in seconds: clocks differ (spec §10.2). */
#define AGS_PROVEN_TOLERANCE 300

/* What an entry's timestamp token (spec §6.5) proves. */
enum ags_token_status {
	AGS_TOKEN_NONE = 0,    /* the entry has no token */
	AGS_TOKEN_VALID,       /* it proves proven_time */
	AGS_TOKEN_INVALID,     /* it proves nothing: token_detail says why */
	AGS_TOKEN_NOT_CHECKED, /* the trust store pins no TSA (a .pub, a v1
	                          file, a v2 file without tsa records) */
};

/* "none", "valid", "invalid", "not-checked". */
const char *ags_token_status_name(enum ags_token_status st);

/* A short stable word for scripts, e.g. "bad-signature". */
const char *ags_reason_name(enum ags_reason r);

struct ags_sig_report {
	int valid;       /* 1: valid; 0: invalid, unless not_checked */
	int not_checked; /* 1 (policy.given_key only): made by a key other
	                    than the one given, and intact (checks 1, 3, 9 of
	                    spec 10.2 hold): neither valid nor invalid, since
	                    who made it is not checked; valid is then 0 and
	                    reason AGS_REASON_KEY_NOT_GIVEN */
	enum ags_reason reason;
	const struct ags_trust_entry *trusted; /* NULL when untrusted */
	char detail[256]; /* the reason in words; "" when valid, except when
	                     revoked_later says why it is valid anyway */
	enum ags_token_status token; /* the entry's timestamp token */
	int64_t proven_time;         /* token AGS_TOKEN_VALID: its genTime */
	const struct ags_trust_tsa *tsa; /* the TSA record that accepted the
	                                    token; NULL unless valid */
	char token_detail[256];          /* why the token proves nothing; "" */
	int revoked_later; /* 1: the key is revoked (v2 trust file) after
	                      proven_time, which spares the signature */
};

/* A signature's result for scripts: "valid", "invalid" or "not-checked". */
const char *ags_sig_result_name(const struct ags_sig_report *r);

struct ags_policy {
	unsigned require_roles;    /* each role here needs a valid signature */
	const char **require_keys; /* key ids that need a valid signature */
	size_t nrequire_keys;
	int no_default_author;   /* 1: drop the default "at least one valid
	                            author signature" rule (a template is
	                            signed by its publisher alone); 0 default */
	int expect_template;     /* 1: the envelope must sign a template; 0:
	                            it must sign an agreement (the default) */
	int require_attachments; /* 1: a missing attachment fails the
	                            verdict, as a changed one always does
	                            (ags_verify_attachments) */
	int require_proven_time; /* 1: every signature counted must have a
	                            valid timestamp (a proven time) */
	int given_key; /* 1 (verify -p KEY.pub): the trust store is the one
	                  key given. A signature by another key is not
	                  checked (not_checked) unless it is broken; the
	                  verdict needs a valid signature by the given key
	                  instead of an author's (spec 10.2, 10.3) */
};

enum ags_attach_status {
	AGS_ATTACH_UNCHECKED = 0, /* ags_verify_attachments was not called */
	AGS_ATTACH_VERIFIED,      /* present, same length and digest */
	AGS_ATTACH_CHANGED,       /* present, but differs, is not a regular
	                             file (a symbolic link included), or
	                             changed while it was read */
	AGS_ATTACH_MISSING,       /* not present (or a name too long for the
	                             file system) */
};

/* "unchecked", "verified", "changed", "missing". */
const char *ags_attach_status_name(enum ags_attach_status st);

struct ags_template_check; /* see "Templates" below */

struct ags_report {
	int verified;            /* the policy's verdict */
	int text_matches;        /* the agreement's digest and length match */
	char policy_detail[256]; /* why the policy failed; "" when verified */
	struct ags_sig_report *sigs; /* malloc'd, one per envelope signature */
	size_t nsigs;
	enum ags_attach_status *attachments; /* malloc'd, one per attachment of
	                                        the statement, or NULL */
	size_t nattachments;
	struct ags_template_check *tmpl; /* NULL, or the template check
	                                    (ags_report_set_template): owned,
	                                    freed by ags_report_release */
	int require_attachments;         /* the policy's, set by ags_verify for
	                                    ags_verify_attachments */
};

void ags_report_release(struct ags_report *r);

/* Checks every signature of env against the canonical text and the trust
 * store, then applies the policy: every signature valid, at least one
 * valid author signature, plus what policy requires (policy may be
 * NULL; see policy.given_key for the rule of a single key given). Fills report
 * (release it with ags_report_release). Returns AGS_OK whenever the check ran,
 * whatever the verdict. */
enum ags_err ags_verify(struct ags_report *report,
                        const struct ags_envelope *env, const char *canon,
                        size_t canon_len, const struct ags_trust *trust,
                        const struct ags_policy *policy, struct ags_error *err);

/* Checks each attachment of env's statement against the file of that
 * name in dir, fills report->attachments, and withdraws the verdict when
 * an attachment is present but changed, or missing when the policy given
 * to ags_verify required attachments (otherwise a missing one is
 * reported, not fatal); the first such attachment gives the reason.
 * Symbolic links are not followed, and a file whose size differs
 * from the signed length is not read (see spec, 10.3). Call after
 * ags_verify. Returns AGS_OK, or AGS_ERR_NOMEM, or (when there is an
 * attachment to check) AGS_ERR_IO or AGS_ERR_INVALID when dir cannot be
 * examined or is not a folder: then report is left as it was. */
enum ags_err ags_verify_attachments(struct ags_report *report,
                                    const struct ags_envelope *env,
                                    const char *dir, struct ags_error *err);

/* A JSON string for text that may not be UTF-8 (a file name, a message
 * quoting one): s itself when it is valid UTF-8, else s with each byte
 * that is not part of a valid sequence written as the text "\\xNN". Never
 * NULL unless out of memory, so a result line never loses a member. */
json_t *ags_json_text(const char *s);

/* The report as JSON for scripts (see spec, "Verification output"): a new
 * reference the caller json_decref()s, or NULL when out of memory. */
json_t *ags_report_json(const struct ags_report *r,
                        const struct ags_envelope *env);

/* 1 when pk encodes a point of the prime-order subgroup (canonical, on
 * the curve, not of small order, no torsion component), else 0. Every
 * parser of public keys refuses the others. */
int ags_public_key_valid(const uint8_t pk[AGS_PUBLICKEY_BYTES]);

/* Verifies one raw Ed25519 signature (libsodium's rules: see spec).
 * Returns 0 when valid, -1 otherwise. */
int ags_ed25519_verify(const uint8_t sig[AGS_SIGNATURE_BYTES],
                       const uint8_t *msg, size_t msg_len,
                       const uint8_t pk[AGS_PUBLICKEY_BYTES])
        __attribute__((warn_unused_result));

/* ---------------------------------------------------------------------
 * Batch verification (src/lib/job/batch.c)
 */

/* One entry of a batch: what to verify. */
struct ags_batch_item {
	size_t line;     /* 1-based manifest line; 0 for an entry found by
	                    walking a folder (no "line" member is written) */
	char *agreement; /* malloc'd path, resolved against the manifest's
	                    folder; NULL when the line was bad */
	char *envelope;  /* malloc'd path */
	char *id;        /* malloc'd copy of the line's "id", or NULL */
	char *error;     /* malloc'd: why the manifest line is bad, or NULL */
};

void ags_batch_item_release(struct ags_batch_item *it);

/* Parses one manifest line (JSON object: "agreement" required,
 * "envelope" and "id" optional, nothing else). Relative paths resolve
 * against base_dir. A bad line is not an error of the run: it is
 * recorded in it->error and the function returns AGS_OK. */
enum ags_err ags_manifest_parse_line(struct ags_batch_item *it,
                                     const char *line, size_t len,
                                     const char *base_dir);

/* Verifies the files an item names (attached files are looked for in
 * attach_dir, or beside the agreement when NULL) and returns the result
 * as a JSON object: the fields of ags_report_json plus "line" (unless
 * it->line is 0), "agreement", "envelope" and "id"; or, when the entry could
 * not be checked, "result": "error" with the reason. *verdict is 0 verified, 1
 * not verified, 2 error. A new reference, or NULL when out of memory.
 */
json_t *ags_verify_item(int *verdict, const struct ags_batch_item *it,
                        const struct ags_trust *trust,
                        const struct ags_policy *policy,
                        const char *attach_dir);

/* Supplies the next item (return 1), or says the input is done (return 0)
 * or failed (return -1). Called from the thread of ags_batch_run only. */
typedef int (*ags_batch_next_fn)(struct ags_batch_item *it, void *ctx);
/* Receives each result in input order, from the thread of ags_batch_run;
 * result is borrowed. */
typedef void (*ags_batch_emit_fn)(const struct ags_batch_item *it,
                                  json_t *result, int verdict, void *ctx);

struct ags_batch_config {
	unsigned jobs; /* worker threads, >= 1 */
	size_t window; /* entries in flight at most (0: 64 per job) */
	const struct ags_trust *trust;
	const struct ags_policy *policy;
	const char *attach_dir;
};

/* Verifies every item next() supplies on cfg->jobs threads and hands the
 * results to emit() in input order. Memory is bounded by the window, not
 * by the number of items. Returns AGS_ERR_IO when next() failed, else
 * AGS_OK (whatever the verdicts). */
enum ags_err ags_batch_run(const struct ags_batch_config *cfg,
                           ags_batch_next_fn next, ags_batch_emit_fn emit,
                           void *ctx, struct ags_error *err);

/* Receives each result in input order as its JSON text: compact, keys
 * sorted, no final LF (one line of JSON Lines); NULL when out of memory.
 * line is borrowed. */
typedef void (*ags_batch_line_fn)(const struct ags_batch_item *it,
                                  const char *line, int verdict, void *ctx);

/* ags_batch_run, except that the worker threads also turn each result
 * into text, so that the calling thread, which every result goes
 * through, does not become the limit when there are many workers. */
enum ags_err ags_batch_run_lines(const struct ags_batch_config *cfg,
                                 ags_batch_next_fn next, ags_batch_line_fn emit,
                                 void *ctx, struct ags_error *err);

/* ---------------------------------------------------------------------
 * Templates (src/lib/format/template.c: syntax; src/lib/op/template_match.c:
 * matching; src/lib/op/template_diff.c: differences;
 * src/lib/job/template_check.c: signed templates). The rules are in
 * spec/templates.md.
 *
 * A template is an agreement text with named fields, {{name}}, and
 * decoration that may vary, {{?text}} (may be absent) and {{a|b}} (one of
 * several spellings). Its identity is the SHA-512 of its text/v1
 * canonical text. Matching compares the words of the two canonical texts:
 * white space, line breaks and indentation never matter.
 */

struct ags_template; /* opaque: a parsed template */

/* Parses a template from its canonical text (canon_len bytes, as made by
 * ags_canon_text; copied). *out is the library's: ags_template_free() it.
 * A syntax error gives AGS_ERR_FORMAT with source, line and column. */
enum ags_err ags_template_parse(struct ags_template **out, const char *canon,
                                size_t canon_len, const char *source,
                                struct ags_error *err);
/* Frees t (NULL is fine). */
void ags_template_free(struct ags_template *t);
/* Where a template directive stands in a canonical text. */
struct ags_template_spot {
	size_t off, len; /* its bytes, {{ to }} */
	long line;       /* 1-based line of the canonical text */
	long column;     /* 1-based, in code points */
};

/* 1 when the canonical text canon (len bytes) holds a template directive:
 * a {{...}} that closes within one word, as ags_template_parse reads
 * fields, decoration and the version line; the first one is described in
 * *spot (may be NULL). Else 0. sign refuses to sign such a text as an
 * agreement. */
int ags_template_find_directive(struct ags_template_spot *spot,
                                const char *canon, size_t len);

/* The template's identity: SHA-512 of its canonical text, and the length
 * of that text (length may be NULL). */
void ags_template_digest(uint8_t out[AGS_DIGEST_BYTES], uint64_t *length,
                         const struct ags_template *t);

/* The number of distinct fields, and the name of field i (borrowed from
 * t; NULL when i is out of range), in order of first use. */
size_t ags_template_nfields(const struct ags_template *t);
const char *ags_template_field_name(const struct ags_template *t, size_t i);

struct ags_template_field {
	char *name;  /* malloc'd */
	char *value; /* malloc'd: the words the field took, joined by one
	                space, without Markdown emphasis around the whole */
};

enum ags_template_diff_kind {
	AGS_TEMPLATE_CHANGED = 1, /* a template paragraph, words removed or
	                             added */
	AGS_TEMPLATE_REMOVED,     /* a template paragraph the agreement lacks */
	AGS_TEMPLATE_ADDED, /* an agreement paragraph the template lacks */
};

enum ags_template_seg_op {
	AGS_TEMPLATE_SAME = 0, /* words of both */
	AGS_TEMPLATE_FIELD,    /* agreement words a field took */
	AGS_TEMPLATE_DELETED,  /* template words the agreement lacks */
	AGS_TEMPLATE_INSERTED, /* agreement words the template lacks */
};

/* A run of words of one kind. */
struct ags_template_seg {
	enum ags_template_seg_op op;
	char *text; /* malloc'd: the words, joined by one space */
};

/* One paragraph that differs. Paragraphs are counted from 1 in each
 * text (spec/templates.md, "Paragraphs"); lines are those of the
 * canonical texts. */
struct ags_template_diff {
	enum ags_template_diff_kind kind;
	size_t template_paragraph;  /* 0 when AGS_TEMPLATE_ADDED */
	long template_line;         /* its first line; 0 when none */
	size_t agreement_paragraph; /* 0 when AGS_TEMPLATE_REMOVED */
	long agreement_line;        /* its first line; 0 when none */
	char *first_words; /* malloc'd: the agreement paragraph's first words
	                      (the template's when removed) */
	struct ags_template_seg *segs; /* malloc'd: the paragraph, in order */
	size_t nsegs;
};

struct ags_template_match {
	int matches;
	struct ags_template_field *fields; /* malloc'd; when matches, one per
	                                      distinct field */
	size_t nfields;
	struct ags_template_diff *diffs; /* malloc'd; when not */
	size_t ndiffs;
	char problem[256]; /* a reason besides the words (a field too long, a
	                      field given two values, texts too long to
	                      compare word by word); "" when none */
};

/* Frees what m holds; the struct is the caller's. */
void ags_template_match_release(struct ags_template_match *m);

/* Matches an agreement's canonical text against t and fills m (release
 * it with ags_template_match_release). Returns AGS_OK whenever the match
 * ran, whatever its result. */
enum ags_err ags_template_match(struct ags_template_match *m,
                                const struct ags_template *t, const char *canon,
                                size_t canon_len, struct ags_error *err);

/* "changed", "removed", "added"; and "same", "field", "removed",
 * "added". */
const char *ags_template_diff_kind_name(enum ags_template_diff_kind k);
const char *ags_template_seg_op_name(enum ags_template_seg_op op);

/* The match as JSON (spec/templates.md): a new reference the caller
 * json_decref()s, or NULL when out of memory. */
json_t *ags_template_match_json(const struct ags_template_match *m);

/* An agreement checked against a template that a publisher signed. */
struct ags_template_check {
	int verified;     /* all of: the template's envelope verifies with at
	                     least one trusted publisher signature (and no
	                     invalid one), it signs this template text, and
	                     the agreement matches the template */
	char detail[256]; /* why not; "" when verified */
	uint8_t sha512[AGS_DIGEST_BYTES]; /* of the template's canonical
	                                     text, as computed here */
	uint64_t length;
	char *text_path;                 /* malloc'd: the template file */
	char *envelope_path;             /* malloc'd: its envelope */
	struct ags_envelope env;         /* the template's envelope */
	struct ags_report report;        /* its verification */
	struct ags_template_match match; /* the agreement against it */
};

/* Checks an agreement's canonical text against the template signed in
 * envelope_path, whose text is the file text_path (NULL: envelope_path
 * less its ".sig.json"), with the keys of trust. *out is malloc'd:
 * ags_template_check_free() it. Returns AGS_OK whenever the check ran,
 * whatever the verdict; an error when a file cannot be read or is not a
 * template or an envelope. */
enum ags_err
ags_template_verify(struct ags_template_check **out, const char *envelope_path,
                    const char *text_path, const char *canon, size_t canon_len,
                    const struct ags_trust *trust, struct ags_error *err);
/* Frees tc and what it holds (NULL is fine). */
void ags_template_check_free(struct ags_template_check *tc);

/* The check as JSON (the "template" object of verify --json): a new
 * reference, or NULL when out of memory. */
json_t *ags_template_check_json(const struct ags_template_check *tc);

/* Hands tc to r (r owns it from now on; ags_report_release frees it) and
 * withdraws r's verdict, with the reason, when tc did not verify. */
void ags_report_set_template(struct ags_report *r,
                             struct ags_template_check *tc);

/* ---------------------------------------------------------------------
 * The verification report as a web page (src/lib/report/report_html.c)
 */

/* What the page says about the run itself, besides the verdict: which
 * files were read, which keys were trusted and when the check ran. Every
 * member may be left zero (NULL: not shown). */
struct ags_report_context {
	const char *agreement; /* the agreement file, as the reader names it */
	const char *envelope;  /* the envelope (signature) file */
	const char *keys;      /* the trust file (-t), or the .pub of -p */
	int keys_pub;          /* 1: keys is one public key file (-p) */
	int keys_digested;     /* 1: keys_sha256 holds the digest */
	uint8_t keys_sha256[32]; /* SHA-256 of the bytes of keys, as read */
	int64_t checked_at;      /* when the check ran, seconds since the epoch
	                            (UTC); 0: not shown */
};

/* One self-contained HTML page for people to read and archive: inline
 * CSS, no script, nothing loaded from elsewhere. At the top the verdict
 * in words and colour; then what was checked (ctx) and what a verdict
 * does and does not prove; the verified content (title, each signer with
 * the trust store's identity, e-mail and ORCID, key fingerprint, role,
 * claimed time), the template match (r->tmpl) and the signed canonical
 * text (canon). When the signatures did not verify, the page shows what
 * the envelope claims, each value marked as claimed and not verified, and
 * the digest of canon against the signed one, never the text. ctx may be
 * NULL. Every string from the inputs is escaped. malloc'd, NUL-terminated;
 * NULL when out of memory. */
char *ags_report_html(const struct ags_report *r,
                      const struct ags_envelope *env, const char *canon,
                      size_t canon_len, const struct ags_report_context *ctx);

/* The page for a verification that could not be completed (an input
 * unreadable or refused): "NOT VERIFIED" at the top, with why (may be
 * NULL), the files and the time of ctx (may be NULL), and nothing else
 * from the inputs. malloc'd, NUL-terminated; NULL when out of memory. */
char *ags_report_html_error(const char *why,
                            const struct ags_report_context *ctx);

/* ---------------------------------------------------------------------
 * Untrusted text in output (src/lib/base/display.c; spec/agreesign-v1.md §10.5)
 */

/* The most bytes ags_display_char writes for one character. */
#define AGS_DISPLAY_MAX 8u

/* The display form of the first character of s (n >= 1 bytes), the one
 * rule for every line written for people (terminal, HTML report): a C0
 * control, DEL, or a byte that does not begin a valid UTF-8 sequence
 * becomes "\xNN"; a C1 control, a bidirectional control or U+2028/U+2029
 * becomes "\u{NNNN}" (lowercase hex); any other character stands for
 * itself. Writes at most AGS_DISPLAY_MAX bytes into out (no NUL), returns
 * their number and sets *used to the bytes of s they stand for. */
size_t ags_display_char(char out[AGS_DISPLAY_MAX], const char *s, size_t n,
                        size_t *used);

/* Copies s into out (cap bytes, the NUL included). A longer s is cut at a
 * character boundary and ends with an ellipsis (U+2026): a fixed buffer
 * (struct ags_error, a report's reason) never holds half a character.
 * Returns out. */
char *ags_text_copy(char *out, size_t cap, const char *s);

#ifdef __cplusplus
}
#endif
#endif
