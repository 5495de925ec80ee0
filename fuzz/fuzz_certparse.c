/*
 * fuzz_certparse: certparse_der against d2i_X509 on the same bytes (a
 * differential harness). Both refuse the input, or both parse it into the
 * same certificate with a key on both or neither; a key is then the same
 * in everything a verifier or an encoder asks of it. Any difference aborts.
 * The seeds are DER certificates for every kind of key (fuzz/make-seeds.sh).
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "est/certparse.h"

#include "fuzz_pki.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_quiet();
	if (!certparse_init())
		abort();	/* the fast path is what this harness is for */
	return 0;
}

static X509 *
d2i_exact(const uint8_t *data, size_t size)
{
	const unsigned char	*p = data;
	X509			*x;

	if (size == 0 || size > LONG_MAX)
		return NULL;
	x = d2i_X509(NULL, &p, (long)size);
	if (x != NULL && p != data + size) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/* The i2d output of a and b (either may fail, then both must). */
static void
same_encoding(int alen, unsigned char *a, int blen, unsigned char *b)
{
	if (alen != blen || (alen > 0 && memcmp(a, b, (size_t)alen) != 0))
		abort();
	OPENSSL_free(a);
	OPENSSL_free(b);
}

static void
same_key(EVP_PKEY *want, EVP_PKEY *got)
{
	unsigned char	*a = NULL, *b = NULL;
	char		 fa[40] = "", fb[40] = "";
	int		 ea = -1, eb = -1, ra, rb;

	if (EVP_PKEY_eq(want, got) != 1 ||
	    EVP_PKEY_get_base_id(want) != EVP_PKEY_get_base_id(got) ||
	    EVP_PKEY_get_bits(want) != EVP_PKEY_get_bits(got))
		abort();
	ra = i2d_PUBKEY(want, &a);
	rb = i2d_PUBKEY(got, &b);
	same_encoding(ra, a, rb, b);
	if (EVP_PKEY_get_base_id(want) != EVP_PKEY_EC)
		return;
	/* What the verifier's check_curve and an encoder read. */
	ra = EVP_PKEY_get_int_param(want,
	    OSSL_PKEY_PARAM_EC_DECODED_FROM_EXPLICIT_PARAMS, &ea);
	rb = EVP_PKEY_get_int_param(got,
	    OSSL_PKEY_PARAM_EC_DECODED_FROM_EXPLICIT_PARAMS, &eb);
	if (ra != rb || ea != eb)
		abort();
	ra = EVP_PKEY_get_utf8_string_param(want,
	    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, fa, sizeof(fa), NULL);
	rb = EVP_PKEY_get_utf8_string_param(got,
	    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, fb, sizeof(fb), NULL);
	if (ra != rb || strcmp(fa, fb) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	X509		*want, *got;
	EVP_PKEY	*wk, *gk;
	unsigned char	*a = NULL, *b = NULL;
	int		 alen, blen;

	want = d2i_exact(data, size);
	ERR_clear_error();
	got = certparse_der(data, size);
	ERR_clear_error();
	if ((want == NULL) != (got == NULL))
		abort();
	if (want != NULL) {
		if (X509_cmp(want, got) != 0)
			abort();
		alen = i2d_X509(want, &a);
		blen = i2d_X509(got, &b);
		same_encoding(alen, a, blen, b);
		wk = X509_get0_pubkey(want);
		gk = X509_get0_pubkey(got);
		if ((wk == NULL) != (gk == NULL))
			abort();
		if (wk != NULL)
			same_key(wk, gk);
	}
	ERR_clear_error();
	X509_free(got);
	X509_free(want);
	return 0;
}
