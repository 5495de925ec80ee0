/* spki_ec: named-curve EC SubjectPublicKeyInfo decoded from a kept key. */
#include "config.h"

#include <string.h>

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/core_object.h>
#include <openssl/params.h>

#include "est/spki_ec.h"

/* More than any SPKI decoded here (P-521, uncompressed: 158 bytes). */
#define SPKI_EC_MAX	256

#define DER_SEQUENCE	0x30
#define DER_OID		0x06
#define DER_BIT_STRING	0x03

struct spki_ec_curve {
	const char		*name;		/* OSSL_PKEY_PARAM_GROUP_NAME */
	const unsigned char	*oid;		/* the OID's content octets */
	size_t			 oid_len;
	void			*kept;		/* the default provider's key: group only */
};

static const unsigned char spki_ec_oid_key[] = {	/* id-ecPublicKey */
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01
};
static const unsigned char spki_ec_oid_p256[] = {
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07
};
static const unsigned char spki_ec_oid_p384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const unsigned char spki_ec_oid_p521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };

static struct spki_ec_curve spki_ec_curves[] = {
	{ "prime256v1", spki_ec_oid_p256, sizeof(spki_ec_oid_p256), NULL },
	{ "secp384r1", spki_ec_oid_p384, sizeof(spki_ec_oid_p384), NULL },
	{ "secp521r1", spki_ec_oid_p521, sizeof(spki_ec_oid_p521), NULL },
};
#define SPKI_EC_NCURVES	(sizeof(spki_ec_curves) / sizeof(spki_ec_curves[0]))

/* The default provider's EC key manager, and the core's BIO reader. */
static void				*spki_ec_provctx;
static OSSL_FUNC_keymgmt_new_fn		*spki_ec_km_new;
static OSSL_FUNC_keymgmt_free_fn	*spki_ec_km_free;
static OSSL_FUNC_keymgmt_import_fn	*spki_ec_km_import;
static OSSL_FUNC_keymgmt_export_fn	*spki_ec_km_export;
static OSSL_FUNC_keymgmt_dup_fn		*spki_ec_km_dup;
static OSSL_FUNC_keymgmt_set_params_fn	*spki_ec_km_set_params;
static OSSL_FUNC_BIO_read_ex_fn		*spki_ec_read_ex;

/*
 * One DER header with tag, short or minimal one-byte long length, whose
 * contents fit before end; *p moves past the header.
 */
static int
spki_ec_header(const unsigned char **p, const unsigned char *end,
    unsigned char tag, size_t *len)
{
	const unsigned char	*q = *p;

	if (end - q < 2 || q[0] != tag)
		return 0;
	if (q[1] < 0x80) {
		*len = q[1];
		q += 2;
	} else if (q[1] == 0x81 && end - q >= 3 && q[2] >= 0x80) {
		*len = q[2];
		q += 3;
	} else
		return 0;
	if ((size_t)(end - q) < *len)
		return 0;
	*p = q;
	return 1;
}

/*
 * The curve and the point of an SPKI in exactly the form this module
 * decodes; NULL for anything else.
 */
static const struct spki_ec_curve *
spki_ec_parse(const unsigned char *der, size_t len,
    const unsigned char **point, size_t *point_len)
{
	const unsigned char	*p = der, *end = der + len, *alg_end;
	size_t			 l, i;

	if (!spki_ec_header(&p, end, DER_SEQUENCE, &l) || p + l != end ||
	    !spki_ec_header(&p, end, DER_SEQUENCE, &l))
		return NULL;
	alg_end = p + l;
	if (!spki_ec_header(&p, alg_end, DER_OID, &l) ||
	    l != sizeof(spki_ec_oid_key) || memcmp(p, spki_ec_oid_key, l) != 0)
		return NULL;
	p += l;
	if (!spki_ec_header(&p, alg_end, DER_OID, &l) || p + l != alg_end)
		return NULL;
	for (i = 0; i < SPKI_EC_NCURVES; i++)
		if (spki_ec_curves[i].oid_len == l &&
		    memcmp(spki_ec_curves[i].oid, p, l) == 0)
			break;
	if (i == SPKI_EC_NCURVES || spki_ec_curves[i].kept == NULL)
		return NULL;
	p = alg_end;
	/* A BIT STRING with no unused bits, filling the rest. */
	if (!spki_ec_header(&p, end, DER_BIT_STRING, &l) || p + l != end ||
	    l < 2 || p[0] != 0)
		return NULL;
	*point = p + 1;
	*point_len = l - 1;
	return &spki_ec_curves[i];
}

static void *
spki_ec_newctx(void *provctx)
{
	return provctx;		/* no state: non-NULL is all the core wants */
}

static void
spki_ec_freectx(void *vctx)
{
	(void)vctx;
}

/* A public key (or "guess"), as the default's SPKI decoders answer. */
static int
spki_ec_does_selection(void *provctx, int selection)
{
	(void)provctx;
	if (selection == 0)
		return 1;
	if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0)
		return 0;
	return (selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) != 0;
}

/*
 * Returns 1 with no object for input that is not ours (the decoder
 * convention: another decoder, or certparse's fallback, decides), 0 only
 * when memory runs out or the callback fails.
 */
static int
spki_ec_decode(void *vctx, OSSL_CORE_BIO *cin, int selection,
    OSSL_CALLBACK *data_cb, void *data_cbarg,
    OSSL_PASSPHRASE_CALLBACK *pw_cb, void *pw_cbarg)
{
	unsigned char			 der[SPKI_EC_MAX + 1];
	const struct spki_ec_curve	*curve;
	const unsigned char		*point;
	size_t				 len = 0, n, point_len;
	OSSL_PARAM			 set[2], out[4];
	int				 object_type = OSSL_OBJECT_PKEY, ok;
	void				*key;

	(void)vctx;
	(void)pw_cb;
	(void)pw_cbarg;
	if (selection != 0 &&
	    (selection & OSSL_KEYMGMT_SELECT_PUBLIC_KEY) == 0)
		return 1;
	while (len < sizeof(der) &&
	    spki_ec_read_ex(cin, der + len, sizeof(der) - len, &n) && n > 0)
		len += n;
	if (len == sizeof(der) ||
	    (curve = spki_ec_parse(der, len, &point, &point_len)) == NULL)
		return 1;

	if ((key = spki_ec_km_dup(curve->kept, OSSL_KEYMGMT_SELECT_ALL)) == NULL)
		return 0;
	set[0] = OSSL_PARAM_construct_octet_string(
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, (void *)point, point_len);
	set[1] = OSSL_PARAM_construct_end();
	/* EC_POINT_oct2point: a point off the curve is refused here. */
	if (!spki_ec_km_set_params(key, set)) {
		spki_ec_km_free(key);
		return 1;
	}
	out[0] = OSSL_PARAM_construct_int(OSSL_OBJECT_PARAM_TYPE, &object_type);
	out[1] = OSSL_PARAM_construct_utf8_string(OSSL_OBJECT_PARAM_DATA_TYPE,
	    (char *)"EC", 0);
	/* The default's EC key manager loads this and sets key to NULL. */
	out[2] = OSSL_PARAM_construct_octet_string(OSSL_OBJECT_PARAM_REFERENCE,
	    &key, sizeof(key));
	out[3] = OSSL_PARAM_construct_end();
	ok = data_cb(out, data_cbarg);
	spki_ec_km_free(key);
	return ok;
}

/* For a key manager of another provider: export the key's data to it. */
static int
spki_ec_export_object(void *vctx, const void *reference, size_t reference_sz,
    OSSL_CALLBACK *export_cb, void *export_cbarg)
{
	void	*key;

	(void)vctx;
	if (reference_sz != sizeof(key))
		return 0;
	memcpy(&key, reference, sizeof(key));
	return spki_ec_km_export(key, OSSL_KEYMGMT_SELECT_ALL, export_cb,
	    export_cbarg);
}

const OSSL_DISPATCH spki_ec_decoder_functions[] = {
	{ OSSL_FUNC_DECODER_NEWCTX, (void (*)(void))spki_ec_newctx },
	{ OSSL_FUNC_DECODER_FREECTX, (void (*)(void))spki_ec_freectx },
	{ OSSL_FUNC_DECODER_DOES_SELECTION,
	    (void (*)(void))spki_ec_does_selection },
	{ OSSL_FUNC_DECODER_DECODE, (void (*)(void))spki_ec_decode },
	{ OSSL_FUNC_DECODER_EXPORT_OBJECT, (void (*)(void))spki_ec_export_object },
	{ 0, NULL }
};

int
spki_ec_set_core(const OSSL_DISPATCH *core_in)
{
	for (; core_in != NULL && core_in->function_id != 0; core_in++)
		if (core_in->function_id == OSSL_FUNC_BIO_READ_EX)
			spki_ec_read_ex = OSSL_FUNC_BIO_read_ex(core_in);
	return spki_ec_read_ex != NULL;
}

int
spki_ec_init(const OSSL_DISPATCH *km, void *provctx)
{
	OSSL_PARAM	 params[2];
	size_t		 i;

	spki_ec_cleanup();
	for (; km != NULL && km->function_id != 0; km++) {
		switch (km->function_id) {
		case OSSL_FUNC_KEYMGMT_NEW:
			spki_ec_km_new = OSSL_FUNC_keymgmt_new(km);
			break;
		case OSSL_FUNC_KEYMGMT_FREE:
			spki_ec_km_free = OSSL_FUNC_keymgmt_free(km);
			break;
		case OSSL_FUNC_KEYMGMT_IMPORT:
			spki_ec_km_import = OSSL_FUNC_keymgmt_import(km);
			break;
		case OSSL_FUNC_KEYMGMT_EXPORT:
			spki_ec_km_export = OSSL_FUNC_keymgmt_export(km);
			break;
		case OSSL_FUNC_KEYMGMT_DUP:
			spki_ec_km_dup = OSSL_FUNC_keymgmt_dup(km);
			break;
		case OSSL_FUNC_KEYMGMT_SET_PARAMS:
			spki_ec_km_set_params = OSSL_FUNC_keymgmt_set_params(km);
			break;
		default:
			break;
		}
	}
	if (spki_ec_km_new == NULL || spki_ec_km_free == NULL ||
	    spki_ec_km_import == NULL || spki_ec_km_export == NULL ||
	    spki_ec_km_dup == NULL || spki_ec_km_set_params == NULL)
		return 0;
	spki_ec_provctx = provctx;
	for (i = 0; i < SPKI_EC_NCURVES; i++) {
		struct spki_ec_curve *c = &spki_ec_curves[i];

		params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_PKEY_PARAM_GROUP_NAME, (char *)c->name, 0);
		params[1] = OSSL_PARAM_construct_end();
		if ((c->kept = spki_ec_km_new(spki_ec_provctx)) == NULL ||
		    !spki_ec_km_import(c->kept,
		    OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS, params)) {
			spki_ec_cleanup();
			return 0;
		}
	}
	return 1;
}

void
spki_ec_cleanup(void)
{
	size_t	 i;

	for (i = 0; i < SPKI_EC_NCURVES; i++) {
		if (spki_ec_curves[i].kept != NULL && spki_ec_km_free != NULL)
			spki_ec_km_free(spki_ec_curves[i].kept);
		spki_ec_curves[i].kept = NULL;
	}
}
