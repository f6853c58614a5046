/* raw_verify: the physical limit of batch verification on one core.
 *
 *   raw_verify MANIFEST [MIN_SECONDS]
 *
 * Untimed: loads every entry's envelope with the library and builds each
 * signature's signed message (ags_signed_message), keeping messages,
 * public keys and signatures in memory. Timed: crypto_sign_verify_detached
 * over all of them, nothing else (no file, no JSON, no canonical text, no
 * trust lookup). The pass is repeated until MIN_SECONDS (default 1) have
 * gone by; the best pass counts. Prints "key=value" lines. */
#include <agreesign.h>

#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct msg {
	uint8_t *m;
	size_t len;
	uint8_t pk[AGS_PUBLICKEY_BYTES];
	uint8_t sig[AGS_SIGNATURE_BYTES];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct msg *msgs = NULL;
	size_t n = 0, cap = 0, unusable = 0, valid = 0, i, passes = 0;
	char *line = NULL, *copy, *base;
	size_t lcap = 0;
	ssize_t len;
	double min_s = argc > 2 ? atof(argv[2]) : 1.0, best = 0, t0, start;
	FILE *f;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: raw_verify MANIFEST [MIN_SECONDS]\n");
		return 2;
	}
	if (ags_init() != AGS_OK || !(f = fopen(argv[1], "r"))) {
		perror(argv[1]);
		return 2;
	}
	copy = strdup(argv[1]);
	base = dirname(copy);
	while ((len = getline(&line, &lcap, f)) > 0) {
		struct ags_batch_item it;
		struct ags_envelope env;
		struct ags_error err = {0};
		size_t s;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		memset(&it, 0, sizeof(it));
		ags_envelope_init(&env);
		if (ags_manifest_parse_line(&it, line, (size_t)len, base) != AGS_OK ||
		    it.error || ags_envelope_load(&env, it.envelope, &err) != AGS_OK) {
			unusable++;
			ags_batch_item_release(&it);
			continue;
		}
		for (s = 0; s < env.nsigs; s++) {
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				if (!(msgs = realloc(msgs, cap * sizeof(*msgs))))
					return 2;
			}
			if (ags_signed_message(&msgs[n].m, &msgs[n].len, &env, s,
			                       &err) != AGS_OK) {
				unusable++;
				continue;
			}
			memcpy(msgs[n].pk, env.sigs[s].public_key, AGS_PUBLICKEY_BYTES);
			memcpy(msgs[n].sig, env.sigs[s].signature, AGS_SIGNATURE_BYTES);
			n++;
		}
		ags_envelope_release(&env);
		ags_batch_item_release(&it);
	}
	fclose(f);
	free(line);
	if (n == 0) {
		fprintf(stderr, "raw_verify: no signature to verify\n");
		return 2;
	}
	start = now();
	do {
		size_t ok = 0;
		double t;
		t0 = now();
		for (i = 0; i < n; i++)
			ok += crypto_sign_verify_detached(msgs[i].sig, msgs[i].m,
			                                  msgs[i].len, msgs[i].pk) == 0;
		t = now() - t0;
		if (passes == 0 || t < best)
			best = t;
		valid = ok;
		passes++;
	} while (now() - start < min_s);
	printf("signatures=%zu\nvalid=%zu\nunusable=%zu\npasses=%zu\n"
	       "best_seconds=%.6f\nrate=%.0f\n",
	       n, valid, unusable, passes, best, (double)n / best);
	for (i = 0; i < n; i++)
		free(msgs[i].m);
	free(msgs);
	free(copy);
	return 0;
}
