/* Two test TSA certificates (self-signed, EC P-256, never to be
 * trusted) as base64 DER, for the trust file suites. */
#ifndef AGS_TEST_CERTS_H
#define AGS_TEST_CERTS_H

/* tests/vectors/test-tsa.pem: a test TSA's self-signed certificate. */
#define CERT                                                                   \
	"MIIBwzCCAWigAwIBAgIBATAKBggqhkjOPQQDAjArMSkwJwYDVQQDDCBhZ3JlZXNp"     \
	"Z24gdGVzdCBUU0EgKG5ldmVyIHRydXN0KTAgFw0yNjEyMDUwNTE1MjZaGA8yMTI2"     \
	"MTExMTA1MTUyNlowKzEpMCcGA1UEAwwgYWdyZWVzaWduIHRlc3QgVFNBIChuZXZl"     \
	"ciB0cnVzdCkwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASW2e49LXpd4FLLJutY"     \
	"ZQxLHA1m3vnBhaRBMdZM6juv1SHtHzf9wH2S5f6nwm6GDYWL6AEDFmLbkLoFHY7s"     \
	"zrjJo3sweTAdBgNVHQ4EFgQUHTRs6+yE3B9SysKpOCB7yaxeONAwHwYDVR0jBBgw"     \
	"FoAUHTRs6+yE3B9SysKpOCB7yaxeONAwDwYDVR0TAQH/BAUwAwEB/zAWBgNVHSUB"     \
	"Af8EDDAKBggrBgEFBQcDCDAOBgNVHQ8BAf8EBAMCB4AwCgYIKoZIzj0EAwIDSQAw"     \
	"RgIhAPm+JiYIti9wtUuhld+28R6yWq6/DpKVitUiCCZk9uJ/AiEAhrpX8NuMsUtV"     \
	"31z3iGTeOpB0kmAH6Rvh2e4Q3NT+WzY="
/* Another: a second test TSA (self-signed, its key not kept). */
#define CERT2                                                                  \
	"MIIBnjCCAUSgAwIBAgIBAjAKBggqhkjOPQQDAjAtMSswKQYDVQQDDCJhZ3JlZXNp"     \
	"Z24gdGVzdCBUU0EgMiAobmV2ZXIgdHJ1c3QpMCAXDTI2MTIwNTA1MjYxMloYDzIx"     \
	"MjYxMTExMDUyNjEyWjAtMSswKQYDVQQDDCJhZ3JlZXNpZ24gdGVzdCBUU0EgMiAo"     \
	"bmV2ZXIgdHJ1c3QpMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE0OKlKanRiOam"     \
	"x1swuaN0VbTIPUdX6z1wptQoyX29uevrA9Uyk+BMH1qEbkkGDNnNIoOG3wqY8WIx"     \
	"Mh+878dbjqNTMFEwHQYDVR0OBBYEFAg3RBhyTH02iEowo1pwR5ypJCyAMB8GA1Ud"     \
	"IwQYMBaAFAg3RBhyTH02iEowo1pwR5ypJCyAMA8GA1UdEwEB/wQFMAMBAf8wCgYI"     \
	"KoZIzj0EAwIDSAAwRQIhAOof7PG6kyObB3otLVB+OmA8qK2YMp7jb4kHAeI3Wlhq"     \
	"AiBxntu5IGM9vzpxwQzTIHREqfG1F2chV7WjMPbNZSSubA=="

#endif
