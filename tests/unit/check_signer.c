/* check_signer: opening the CA key through OSSL_STORE, and signing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include "est/signer.h"
#include "testpki.h"

static char dir[TP_PATH_MAX];

static void
setup(void)
{
	tp_mkdtemp(dir);
}

static void
teardown(void)
{
	tp_rmtree(dir);
}

static int
has(const struct diag *d, const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->msgs[i], needle) != NULL)
			return 1;
	return 0;
}

/* Writes key to DIR/name and opens it. */
static struct signer *
open_key(EVP_PKEY *key, const char *name, struct diag *d)
{
	char path[TP_PATH_MAX];

	tp_write_key(dir, name, key);
	tp_path(path, dir, name);
	return signer_open(path, d);
}

/* A to-be-signed certificate for key (unsigned). */
static X509 *
tbs(EVP_PKEY *key)
{
	X509 *x = X509_new();

	ck_assert_ptr_nonnull(x);
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)"t", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	return x;
}

/* Signs a certificate with key's signer; checks the algorithm and signature. */
static void
signs_with(enum tp_key_type kt, int want_sig_nid, const char *want_desc)
{
	EVP_PKEY	*key = tp_key(kt);
	struct diag	 d;
	struct signer	*s;
	X509		*x = tbs(key);
	char		 desc[128];

	diag_init(&d);
	s = open_key(key, "ca.key", &d);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_int_eq(signer_matches(s, x), 1);
	ck_assert_int_eq(signer_sign_cert(s, x), 0);
	ck_assert_int_eq(X509_get_signature_nid(x), want_sig_nid);
	ck_assert_int_eq(X509_verify(x, key), 1);
	signer_describe(s, desc, sizeof(desc));
	ck_assert_str_eq(desc, want_desc);
	signer_free(s);
	X509_free(x);
	EVP_PKEY_free(key);
	diag_free(&d);
}

START_TEST(signs_with_ecdsa_sha256_for_p256)
{
	signs_with(TP_EC_P256, NID_ecdsa_with_SHA256,
	    "EC prime256v1 256 bits, signing with SHA256");
}
END_TEST

START_TEST(signs_with_ecdsa_sha384_for_p384)
{
	signs_with(TP_EC_P384, NID_ecdsa_with_SHA384,
	    "EC secp384r1 384 bits, signing with SHA384");
}
END_TEST

START_TEST(signs_with_sha256_rsa)
{
	signs_with(TP_RSA_2048, NID_sha256WithRSAEncryption,
	    "RSA 2048 bits, signing with SHA256");
}
END_TEST

START_TEST(signs_with_pure_ed25519)
{
	signs_with(TP_ED25519, NID_ED25519,
	    "ED25519 256 bits, signing with the key's own hash");
}
END_TEST

START_TEST(opens_a_file_uri)
{
	EVP_PKEY	*key = tp_key(TP_EC_P256);
	struct diag	 d;
	struct signer	*s;
	char		 path[TP_PATH_MAX], uri[TP_PATH_MAX + 8];
	X509		*x = tbs(key);

	tp_write_key(dir, "ca.key", key);
	tp_path(path, dir, "ca.key");
	snprintf(uri, sizeof(uri), "file:%s", path);
	diag_init(&d);
	s = signer_open(uri, &d);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(signer_matches(s, x), 1);
	signer_free(s);
	X509_free(x);
	EVP_PKEY_free(key);
	diag_free(&d);
}
END_TEST

START_TEST(tells_a_certificate_of_another_key)
{
	EVP_PKEY	*key = tp_key(TP_EC_P256), *other = tp_key(TP_EC_P256);
	struct diag	 d;
	struct signer	*s;
	X509		*x = tbs(other);

	diag_init(&d);
	s = open_key(key, "ca.key", &d);
	ck_assert_int_eq(signer_matches(s, x), 0);
	signer_free(s);
	X509_free(x);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
	diag_free(&d);
}
END_TEST

START_TEST(reports_a_missing_key)
{
	struct diag	d;
	char		path[TP_PATH_MAX];

	tp_path(path, dir, "absent.key");
	diag_init(&d);
	ck_assert_ptr_null(signer_open(path, &d));
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "absent.key: cannot open CA key"));
	diag_free(&d);
}
END_TEST

START_TEST(tells_files_from_store_uris)
{
	char		 out[64];
	const char	*k;

	ck_assert_str_eq(signer_key_file("/etc/estd/ca.key"), "/etc/estd/ca.key");
	ck_assert_str_eq(signer_key_file("file:///etc/estd/ca.key"),
	    "/etc/estd/ca.key");
	ck_assert_str_eq(signer_key_file("file:/etc/estd/ca.key"),
	    "/etc/estd/ca.key");
	k = "ca:key.pem";
	ck_assert_ptr_eq(signer_key_file(k), k);
	k = "1ca:key.pem";
	ck_assert_ptr_eq(signer_key_file(k), k);
	/* Logged as it is, but for a PIN, provider or not. */
	k = "/etc/estd/ca?.key";
	ck_assert_ptr_eq(signer_key_name(k, out, sizeof(out)), k);
	ck_assert_str_eq(signer_key_name("pkcs11:token=ca?pin-value=S3cret",
	    out, sizeof(out)), "pkcs11:token=ca?pin-value=***");
	ck_assert_str_eq(signer_key_name("/etc/pkcs11:o=k?pin-value=S3;x=1"
	    "&pin-value=S4&module-name=p", out, sizeof(out)),
	    "/etc/pkcs11:o=k?pin-value=***;x=1&pin-value=***&module-name=p");
	/* Cut short, never with the PIN. */
	ck_assert_str_eq(signer_key_name("pkcs11:a?pin-value=S3cret", out, 12),
	    "pkcs11:a?pi");
}
END_TEST

START_TEST(a_missing_key_with_an_unknown_scheme_says_so)
{
	struct diag	d;

	diag_init(&d);
	/* No provider serves pkcs11: here, so it is a (missing) file. */
	if (signer_key_file("pkcs11:x") != NULL) {
		ck_assert_ptr_null(signer_open("pkcs11:token=ca;object=key", &d));
		ck_assert(has(&d, "pkcs11:token=ca;object=key: cannot open CA key: "
		    "No such file or directory (and no OpenSSL store loader knows "
		    "its scheme: is the provider configured?)"));
		diag_free(&d);
		/* As the configuration hands it over: below its directory. */
		diag_init(&d);
		ck_assert_ptr_null(signer_open("/etc/estd/pkcs11:token=ca", &d));
		ck_assert(has(&d, "/etc/estd/pkcs11:token=ca: cannot open CA key: "
		    "No such file or directory (and no OpenSSL store loader"));
	}
	diag_free(&d);
}
END_TEST

START_TEST(refuses_an_encrypted_key_without_prompting)
{
	EVP_PKEY	*key = tp_key(TP_EC_P256);
	struct diag	 d;
	char		 path[TP_PATH_MAX];

	tp_write_key_encrypted(dir, "enc.key", key, "passphrase");
	tp_path(path, dir, "enc.key");
	diag_init(&d);
	ck_assert_ptr_null(signer_open(path, &d));
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "enc.key: no usable private key (encrypted keys are "
	    "not supported)"));
	EVP_PKEY_free(key);
	diag_free(&d);
}
END_TEST

START_TEST(refuses_a_file_without_a_private_key)
{
	EVP_PKEY	*key = tp_key(TP_EC_P256);
	X509		*ca = tp_ca(key, "CA");
	struct diag	 d;
	char		 path[TP_PATH_MAX];

	tp_write_certs(dir, "cert.pem", &ca, 1);
	tp_path(path, dir, "cert.pem");
	diag_init(&d);
	ck_assert_ptr_null(signer_open(path, &d));
	ck_assert(has(&d, "cert.pem: no usable private key"));
	tp_write_str(dir, "junk.key", "not a key\n");
	tp_path(path, dir, "junk.key");
	ck_assert_ptr_null(signer_open(path, &d));
	ck_assert(has(&d, "junk.key: no usable private key"));
	ck_assert_uint_eq(diag_count(&d), 2);
	X509_free(ca);
	EVP_PKEY_free(key);
	diag_free(&d);
}
END_TEST

/* signs_with for a key not in tp_key: an EC curve by name. */
static void
signs_with_curve(const char *curve, int want_sig_nid)
{
	EVP_PKEY	*key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	struct diag	 d;
	struct signer	*s;
	X509		*x;

	ck_assert_ptr_nonnull(key);
	x = tbs(key);
	diag_init(&d);
	ck_assert_ptr_nonnull(s = open_key(key, "ca.key", &d));
	ck_assert_int_eq(signer_sign_cert(s, x), 0);
	ck_assert_msg(X509_get_signature_nid(x) == want_sig_nid, "%s: %s",
	    curve, OBJ_nid2sn(X509_get_signature_nid(x)));
	ck_assert_int_eq(X509_verify(x, key), 1);
	signer_free(s);
	X509_free(x);
	EVP_PKEY_free(key);
	diag_free(&d);
}

/* The hash follows the curve's size, whatever its name. */
START_TEST(signs_with_the_hash_that_matches_the_curve)
{
	signs_with_curve("P-521", NID_ecdsa_with_SHA512);
	signs_with_curve("brainpoolP256r1", NID_ecdsa_with_SHA256);
	signs_with_curve("brainpoolP384r1", NID_ecdsa_with_SHA384);
	signs_with_curve("brainpoolP512r1", NID_ecdsa_with_SHA512);
}
END_TEST

/*
 * An RSA-PSS key: the salt as long as the hash (RFC 8017 9.1 note 4),
 * which BoringSSL and FIPS 186-4 5.5 require; OpenSSL 3.0 defaults to
 * the longest salt the modulus allows.
 */
START_TEST(an_rsa_pss_key_signs_with_a_salt_as_long_as_the_hash)
{
	EVP_PKEY		*key = tp_key(TP_RSA_PSS_2048);
	const X509_ALGOR	*alg;
	const ASN1_OBJECT	*obj;
	const void		*pval;
	RSA_PSS_PARAMS		*pss;
	struct diag		 d;
	struct signer		*s;
	X509			*x;
	int			 ptype;

	x = tbs(key);
	diag_init(&d);
	ck_assert_ptr_nonnull(s = open_key(key, "ca.key", &d));
	ck_assert_int_eq(signer_sign_cert(s, x), 0);
	ck_assert_int_eq(X509_verify(x, key), 1);
	X509_get0_signature(NULL, &alg, x);
	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	ck_assert_int_eq(OBJ_obj2nid(obj), NID_rsassaPss);
	ck_assert_int_eq(ptype, V_ASN1_SEQUENCE);
	pss = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS),
	    alg->parameter);
	ck_assert_ptr_nonnull(pss);
	ck_assert_ptr_nonnull(pss->hashAlgorithm);
	ck_assert_int_eq(OBJ_obj2nid(pss->hashAlgorithm->algorithm), NID_sha256);
	ck_assert_ptr_nonnull(pss->saltLength);
	ck_assert_int_eq(ASN1_INTEGER_get(pss->saltLength), 32);
	RSA_PSS_PARAMS_free(pss);
	signer_free(s);
	X509_free(x);
	EVP_PKEY_free(key);
	diag_free(&d);
}
END_TEST

/* An RSA-PSS key restricted to SHA-384 (RFC 4055 3.3): signs with SHA-384. */
START_TEST(a_restricted_rsa_pss_key_signs_with_its_own_hash)
{
	EVP_PKEY_CTX		*kctx = EVP_PKEY_CTX_new_from_name(NULL,
				    "RSA-PSS", NULL);
	EVP_PKEY		*key = NULL;
	const X509_ALGOR	*alg;
	RSA_PSS_PARAMS		*pss;
	struct diag		 d;
	struct signer		*s;
	X509			*x;

	ck_assert_ptr_nonnull(kctx);
	ck_assert_int_eq(EVP_PKEY_keygen_init(kctx), 1);
	ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_keygen_bits(kctx, 2048), 1);
	ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_pss_keygen_md(kctx, EVP_sha384()), 1);
	ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_pss_keygen_saltlen(kctx, 48), 1);
	ck_assert_int_eq(EVP_PKEY_keygen(kctx, &key), 1);
	EVP_PKEY_CTX_free(kctx);
	x = tbs(key);
	diag_init(&d);
	ck_assert_ptr_nonnull(s = open_key(key, "ca.key", &d));
	ck_assert_int_eq(signer_sign_cert(s, x), 0);
	ck_assert_int_eq(X509_verify(x, key), 1);
	X509_get0_signature(NULL, &alg, x);
	pss = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS),
	    alg->parameter);
	ck_assert_ptr_nonnull(pss);
	ck_assert_ptr_nonnull(pss->hashAlgorithm);
	ck_assert_int_eq(OBJ_obj2nid(pss->hashAlgorithm->algorithm), NID_sha384);
	ck_assert_int_eq(ASN1_INTEGER_get(pss->saltLength), 48);
	RSA_PSS_PARAMS_free(pss);
	signer_free(s);
	X509_free(x);
	EVP_PKEY_free(key);
	diag_free(&d);
}
END_TEST

START_TEST(free_accepts_null)
{
	signer_free(NULL);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("signer");
	TCase	*tc = tcase_create("signer");

	tp_preload_rsa();
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, signs_with_ecdsa_sha256_for_p256);
	tcase_add_test(tc, signs_with_ecdsa_sha384_for_p384);
	tcase_add_test(tc, signs_with_sha256_rsa);
	tcase_add_test(tc, signs_with_pure_ed25519);
	tcase_add_test(tc, signs_with_the_hash_that_matches_the_curve);
	tcase_add_test(tc, an_rsa_pss_key_signs_with_a_salt_as_long_as_the_hash);
	tcase_add_test(tc, a_restricted_rsa_pss_key_signs_with_its_own_hash);
	tcase_add_test(tc, opens_a_file_uri);
	tcase_add_test(tc, tells_a_certificate_of_another_key);
	tcase_add_test(tc, reports_a_missing_key);
	tcase_add_test(tc, tells_files_from_store_uris);
	tcase_add_test(tc, a_missing_key_with_an_unknown_scheme_says_so);
	tcase_add_test(tc, refuses_an_encrypted_key_without_prompting);
	tcase_add_test(tc, refuses_a_file_without_a_private_key);
	tcase_add_test(tc, free_accepts_null);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
