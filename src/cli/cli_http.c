/* The one network exchange agreesign makes, and only when told to with
 * --tsa URL: an RFC 3161 request sent by HTTP POST, the reply read back
 * (RFC 3161 §3.4). libcurl does the HTTP and HTTPS. It is loaded with
 * dlopen when --tsa is given, not linked: it pulls in some thirty shared
 * libraries, whose loading would slow down every start of agreesign,
 * verify included, which never needs them. */
#include "cli.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

/* The Debian package libcurl4 (libcurl4-openssl-dev depends on it). */
#define CURL_LIBRARY "libcurl.so.4"

/* libcurl's functions, found in the loaded library. */
struct curl_fns {
	void *lib;
	CURL *(*init)(void);
	CURLcode (*setopt)(CURL *, CURLoption, ...);
	CURLcode (*perform)(CURL *);
	CURLcode (*getinfo)(CURL *, CURLINFO, ...);
	void (*cleanup)(CURL *);
	const char *(*strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
};

/* ISO C has no conversion from void * to a function pointer; POSIX
 * dlsym requires it to work: the bytes are copied. */
static int sym(void *fn, size_t size, void *lib, const char *name)
{
	void *p = dlsym(lib, name);

	if (!p || size != sizeof(p))
		return -1;
	memcpy(fn, &p, size);
	return 0;
}

static int load(struct curl_fns *c, const char *url)
{
	memset(c, 0, sizeof(*c));
	c->lib = dlopen(CURL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (!c->lib) {
		cli_errorf(url,
		           "--tsa needs libcurl (%s, Debian package "
		           "libcurl4): %s",
		           CURL_LIBRARY, dlerror());
		return -1;
	}
	if (sym(&c->init, sizeof(c->init), c->lib, "curl_easy_init") ||
	    sym(&c->setopt, sizeof(c->setopt), c->lib, "curl_easy_setopt") ||
	    sym(&c->perform, sizeof(c->perform), c->lib, "curl_easy_perform") ||
	    sym(&c->getinfo, sizeof(c->getinfo), c->lib, "curl_easy_getinfo") ||
	    sym(&c->cleanup, sizeof(c->cleanup), c->lib, "curl_easy_cleanup") ||
	    sym(&c->strerror, sizeof(c->strerror), c->lib,
	        "curl_easy_strerror") ||
	    sym(&c->slist_append, sizeof(c->slist_append), c->lib,
	        "curl_slist_append") ||
	    sym(&c->slist_free_all, sizeof(c->slist_free_all), c->lib,
	        "curl_slist_free_all")) {
		cli_errorf(url, "%s lacks a function agreesign needs",
		           CURL_LIBRARY);
		dlclose(c->lib);
		return -1;
	}
	return 0;
}

/* The reply, as it arrives; refused beyond CLI_TSA_REPLY_MAX. */
struct body {
	uint8_t *data;
	size_t len;
	int too_big;
};

static size_t receive(char *p, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t add = size * n;
	uint8_t *grown;

	if (add > CLI_TSA_REPLY_MAX - b->len) {
		b->too_big = 1;
		return 0; /* libcurl stops with CURLE_WRITE_ERROR */
	}
	grown = realloc(b->data, b->len + add);
	if (!grown)
		return 0;
	memcpy(grown + b->len, p, add);
	b->data = grown;
	b->len += add;
	return add;
}

/* Sets every option; 0, or the first failure. */
static CURLcode configure(const struct curl_fns *c, CURL *h, const char *url,
                          const uint8_t *req, size_t req_len,
                          struct curl_slist *hdr, struct body *b)
{
	CURLcode rc = CURLE_OK;

#define OPT(o, v)                                                              \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = c->setopt(h, o, v);                               \
	} while (0)
	OPT(CURLOPT_URL, url);
	OPT(CURLOPT_PROTOCOLS_STR, "http,https");
	OPT(CURLOPT_FOLLOWLOCATION, 0L);
	OPT(CURLOPT_NOSIGNAL, 1L);
	OPT(CURLOPT_CONNECTTIMEOUT, (long)CLI_TSA_CONNECT_TIMEOUT);
	OPT(CURLOPT_TIMEOUT, (long)CLI_TSA_TIMEOUT);
	OPT(CURLOPT_USERAGENT, "agreesign/" AGS_VERSION);
	OPT(CURLOPT_HTTPHEADER, hdr);
	OPT(CURLOPT_POST, 1L);
	OPT(CURLOPT_POSTFIELDS, (const char *)req);
	OPT(CURLOPT_POSTFIELDSIZE, (long)req_len);
	OPT(CURLOPT_WRITEFUNCTION, receive);
	OPT(CURLOPT_WRITEDATA, b);
#undef OPT
	return rc;
}

int cli_tsa_post(uint8_t **reply, size_t *reply_len, const char *url,
                 const uint8_t *req, size_t req_len)
{
	struct curl_fns c;
	struct curl_slist *hdr = NULL, *more;
	struct body b = {NULL, 0, 0};
	CURL *h = NULL;
	CURLcode rc = CURLE_FAILED_INIT;
	long status = 0;

	*reply = NULL;
	if (load(&c, url) != 0)
		return -1;
	hdr = c.slist_append(NULL, "Content-Type: application/timestamp-query");
	more = hdr ? c.slist_append(hdr, "Accept: application/timestamp-reply")
	           : NULL;
	if (more && (h = c.init()) != NULL &&
	    (rc = configure(&c, h, url, req, req_len, more, &b)) == CURLE_OK)
		rc = c.perform(h);
	if (rc == CURLE_OK)
		c.getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (h)
		c.cleanup(h);
	c.slist_free_all(hdr);
	if (rc == CURLE_OK && status == 200) {
		*reply = b.data;
		*reply_len = b.len;
	} else if (b.too_big)
		cli_errorf(url, "the reply is larger than %u bytes",
		           CLI_TSA_REPLY_MAX);
	else if (rc != CURLE_OK)
		cli_errorf(url, "cannot get a timestamp: %s", c.strerror(rc));
	else
		cli_errorf(url, "the time-stamping authority answered HTTP %ld",
		           status);
	dlclose(c.lib);
	if (*reply)
		return 0;
	free(b.data);
	return -1;
}
