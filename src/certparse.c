/* certparse: DER certificates parsed with a cheap public-key decode. */
#include "config.h"

#include <limits.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/core_dispatch.h>
#include <openssl/err.h>
#include <openssl/provider.h>

#include "est/certparse.h"
#include "est/spki_ec.h"

#define CERTPARSE_PROVIDER	"estd-spki"
#define CERTPARSE_MAX_ALGS	8

/*
 * Process-wide, made once: workers are single-threaded and every request
 * needs the same context. state: 0 not tried, 1 in use, -1 unavailable.
 */
static int		 certparse_state;
static OSSL_PROVIDER	*certparse_default;	/* our reference to "default" */
static OSSL_LIB_CTX	*certparse_libctx;
static OSSL_PROVIDER	*certparse_provider;
static OSSL_ALGORITHM	 certparse_decoders[CERTPARSE_MAX_ALGS + 1];
static OSSL_ALGORITHM	 certparse_keymgmts[CERTPARSE_MAX_ALGS + 1];
/* So that a key from here can be written out (i2d_PUBKEY, PEM) as usual. */
static OSSL_ALGORITHM	 certparse_encoders[CERTPARSE_MAX_ALGS + 1];

static int
certparse_is_key_type(const char *names, const char *type)
{
	size_t n = strlen(type);

	/* "EC", or the first of "EC:id-ecPublicKey:1.2.840.10045.2.1". */
	return strncmp(names, type, n) == 0 &&
	    (names[n] == '\0' || names[n] == ':');
}

static const OSSL_ALGORITHM *
certparse_find(const OSSL_ALGORITHM *algs, const char *type)
{
	for (; algs->algorithm_names != NULL; algs++)
		if (certparse_is_key_type(algs->algorithm_names, type))
			return algs;
	return NULL;
}

static int
certparse_wanted(const char *names)
{
	return certparse_is_key_type(names, "EC") ||
	    certparse_is_key_type(names, "RSA");
}

static int
certparse_has_property(const char *definition, const char *const *props)
{
	if (props == NULL)
		return 1;
	for (; definition != NULL && *props != NULL; props++)
		if (strstr(definition, *props) != NULL)
			return 1;
	return 0;
}

/*
 * Copies the default provider's algorithms for EC and RSA this context
 * needs: those whose properties hold one of props (NULL: all of them).
 */
static int
certparse_pick(int operation, const char *const *props, OSSL_ALGORITHM *out)
{
	const OSSL_ALGORITHM	*all, *alg;
	int			 no_cache = 0, n = 0;

	all = OSSL_PROVIDER_query_operation(certparse_default, operation,
	    &no_cache);
	for (alg = all; alg != NULL && alg->algorithm_names != NULL; alg++) {
		if (!certparse_wanted(alg->algorithm_names))
			continue;
		if (!certparse_has_property(alg->property_definition, props))
			continue;
		if (n == CERTPARSE_MAX_ALGS)
			break;
		out[n++] = *alg;
	}
	memset(&out[n], 0, sizeof(out[n]));
	OSSL_PROVIDER_unquery_operation(certparse_default, operation, all);
	return n;
}

static const OSSL_ALGORITHM *
certparse_query(void *provctx, int operation, int *no_cache)
{
	(void)provctx;
	*no_cache = 0;
	switch (operation) {
	case OSSL_OP_DECODER:
		return certparse_decoders;
	case OSSL_OP_KEYMGMT:
		return certparse_keymgmts;
	case OSSL_OP_ENCODER:
		return certparse_encoders;
	default:
		return NULL;
	}
}

static const OSSL_DISPATCH certparse_dispatch[] = {
	{ OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*)(void))certparse_query },
	{ 0, NULL }
};

/*
 * The algorithms are the default provider's own, so they are handed the
 * default provider's context; no teardown, that context is not ours.
 */
static int
certparse_provider_init(const OSSL_CORE_HANDLE *handle,
    const OSSL_DISPATCH *in, const OSSL_DISPATCH **out, void **provctx)
{
	(void)handle;
	if (!spki_ec_set_core(in))
		return 0;
	if ((*provctx = OSSL_PROVIDER_get0_provider_ctx(certparse_default)) ==
	    NULL)
		return 0;
	*out = certparse_dispatch;
	return 1;
}

int
certparse_init(void)
{
	static const char *const spki[] = {
		"structure=SubjectPublicKeyInfo", NULL
	};
	/* Writing the key out, and printing it. */
	static const char *const spki_or_text[] = {
		"structure=SubjectPublicKeyInfo", "output=text", NULL
	};
	const OSSL_ALGORITHM	*ec_keymgmt;
	OSSL_ALGORITHM		*ec_decoder;

	if (certparse_state != 0)
		return certparse_state > 0;
	certparse_state = -1;
	/* retain_fallbacks: loading it here must not change the default context. */
	if ((certparse_default = OSSL_PROVIDER_try_load(NULL, "default", 1)) ==
	    NULL)
		goto fail;
	if (certparse_pick(OSSL_OP_DECODER, spki, certparse_decoders) != 2 ||
	    certparse_pick(OSSL_OP_KEYMGMT, NULL, certparse_keymgmts) != 2 ||
	    certparse_pick(OSSL_OP_ENCODER, spki_or_text,
	    certparse_encoders) != 6)
		goto fail;
	/*
	 * EC keys on the common curves: copied from a kept key instead of the
	 * default decoder's group built anew per key (spki_ec.h). Without it,
	 * the default's decoder stays.
	 */
	if ((ec_decoder = (OSSL_ALGORITHM *)certparse_find(certparse_decoders,
	    "EC")) != NULL && (ec_keymgmt = certparse_find(certparse_keymgmts,
	    "EC")) != NULL && spki_ec_init(ec_keymgmt->implementation,
	    OSSL_PROVIDER_get0_provider_ctx(certparse_default)))
		ec_decoder->implementation = spki_ec_decoder_functions;
	if ((certparse_libctx = OSSL_LIB_CTX_new()) == NULL ||
	    !OSSL_PROVIDER_add_builtin(certparse_libctx, CERTPARSE_PROVIDER,
	    certparse_provider_init) ||
	    (certparse_provider = OSSL_PROVIDER_load(certparse_libctx,
	    CERTPARSE_PROVIDER)) == NULL)
		goto fail;
	certparse_state = 1;
	return 1;
fail:
	ERR_clear_error();
	certparse_cleanup();
	certparse_state = -1;
	return 0;
}

void
certparse_cleanup(void)
{
	OSSL_PROVIDER_unload(certparse_provider);
	certparse_provider = NULL;
	OSSL_LIB_CTX_free(certparse_libctx);
	certparse_libctx = NULL;
	/* The kept keys are the default provider's: freed before it is unloaded. */
	spki_ec_cleanup();
	OSSL_PROVIDER_unload(certparse_default);
	certparse_default = NULL;
	certparse_state = 0;
}

int
certparse_fast(void)
{
	return certparse_init();
}

static X509 *
certparse_with(OSSL_LIB_CTX *libctx, const unsigned char *der, size_t len)
{
	const unsigned char	*p = der;
	X509			*x;

	x = (X509 *)ASN1_item_d2i_ex(NULL, &p, (long)len, ASN1_ITEM_rptr(X509),
	    libctx, NULL);
	if (x != NULL && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

X509 *
certparse_der(const unsigned char *der, size_t len)
{
	X509	*x = NULL;

	if (len == 0 || len > LONG_MAX)
		return NULL;
	if (certparse_init()) {
		x = certparse_with(certparse_libctx, der, len);
		/* Not a key type of ours, or a key it refused: let d2i decide. */
		if (x != NULL && X509_get0_pubkey(x) == NULL) {
			X509_free(x);
			x = NULL;
		} else if (x != NULL)
			return x;
		ERR_clear_error();
	}
	return certparse_with(NULL, der, len);
}
