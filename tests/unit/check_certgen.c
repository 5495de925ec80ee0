/* check_certgen: the certificate built from an accepted CSR and a plan. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "est/certgen.h"
#include "testpki.h"

static char		 dir[TP_PATH_MAX];
static EVP_PKEY		*ca_key;
static X509		*ca;
static struct issuer	 is;
static const int	 ekus[] = { NID_client_auth, NID_server_auth };
static time_t		 now;

/* Loads is from cert and key, written as DIR/stem.pem and DIR/stem.key. */
static void
load_issuer_from(X509 *cert, EVP_PKEY *key, const char *stem)
{
	char		cert_path[TP_PATH_MAX], key_path[TP_PATH_MAX], name[64];
	struct diag	d;

	snprintf(name, sizeof(name), "%s.pem", stem);
	tp_write_certs(dir, name, &cert, 1);
	tp_path(cert_path, dir, name);
	snprintf(name, sizeof(name), "%s.key", stem);
	tp_write_key(dir, name, key);
	tp_path(key_path, dir, name);
	diag_init(&d);
	ck_assert_int_eq(issuer_load(&is, cert_path, key_path, NULL, &d), 0);
	diag_free(&d);
}

static void
load_issuer(enum tp_key_type kt)
{
	ca_key = tp_key(kt);
	ca = tp_ca(ca_key, "Certgen CA");
	load_issuer_from(ca, ca_key, "ca");
}

static void
setup(void)
{
	now = time(NULL);
	tp_mkdtemp(dir);
	load_issuer(TP_EC_P256);
}

/* Safe to call twice: tests that must fail cleanly call it themselves. */
static void
teardown(void)
{
	issuer_free(&is);
	X509_free(ca);
	EVP_PKEY_free(ca_key);
	ca = NULL;
	ca_key = NULL;
	tp_rmtree(dir);
	dir[0] = '\0';
}

static void
default_plan(struct issue_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->not_before = now;
	plan->not_after = now + 30 * 86400;
	plan->key_usage = KU_DIGITAL_SIGNATURE;
	plan->eku_nids = ekus;
	plan->n_eku = 2;
}

/* The certificate after a DER round trip (x is consumed). */
static X509 *
reparse(X509 *x)
{
	struct buf		 der;
	const unsigned char	*p;
	X509			*y;

	buf_init(&der);
	tp_cert_der(x, &der);
	p = der.data;
	y = d2i_X509(NULL, &p, (long)der.len);
	ck_assert_ptr_nonnull(y);
	ck_assert_ptr_eq(p, der.data + der.len);
	buf_free(&der);
	X509_free(x);
	return y;
}

/* Issues a certificate for a new key of type kt and spec; *key receives it. */
static X509 *
issue(enum tp_key_type kt, const struct tp_csr_spec *spec,
    const struct issue_plan *plan, EVP_PKEY **keyp)
{
	EVP_PKEY	*key = tp_key(kt);
	struct buf	 der;
	struct csr_info	 info;
	char		 reason[200] = "";
	X509		*x;

	buf_init(&der);
	tp_csr_der(key, spec, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, reason,
	    sizeof(reason)), CSR_OK);
	x = certgen_issue(&is, &info, plan, reason, sizeof(reason));
	ck_assert_msg(x != NULL, "issue failed: %s", reason);
	ck_assert_str_eq(reason, "");
	csr_info_free(&info);
	buf_free(&der);
	/* As the client sees it: encoded, then decoded. */
	x = reparse(x);
	if (keyp != NULL)
		*keyp = key;
	else
		EVP_PKEY_free(key);
	return x;
}

START_TEST(issues_a_v3_certificate_signed_by_the_ca)
{
	struct tp_csr_spec	 spec = { .cn = "device-1", .o = "Example" };
	struct issue_plan	 plan;
	EVP_PKEY		*key;
	X509			*x;

	default_plan(&plan);
	x = issue(TP_EC_P256, &spec, &plan, &key);
	ck_assert_int_eq(X509_get_version(x), X509_VERSION_3);
	ck_assert_int_eq(X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(ca)), 0);
	ck_assert_int_eq(EVP_PKEY_eq(X509_get0_pubkey(x), key), 1);
	ck_assert_int_eq(X509_verify(x, ca_key), 1);
	ck_assert_int_eq(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);
	X509_free(x);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(copies_the_requested_subject_exactly)
{
	struct tp_csr_spec	 spec = { .cn = "device-1", .o = "Example" };
	struct issue_plan	 plan;
	X509			*x;
	X509_REQ		*req;
	EVP_PKEY		*key;

	default_plan(&plan);
	x = issue(TP_EC_P256, &spec, &plan, &key);
	req = tp_csr(key, &spec);
	ck_assert_int_eq(X509_NAME_cmp(X509_get_subject_name(x),
	    X509_REQ_get_subject_name(req)), 0);
	ck_assert_int_eq(X509_NAME_entry_count(X509_get_subject_name(x)), 2);
	X509_REQ_free(req);
	X509_free(x);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(uses_random_positive_128_bit_serials)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct issue_plan	 plan;
	X509			*a, *b;
	const ASN1_INTEGER	*sa;
	BIGNUM			*bn;

	default_plan(&plan);
	a = issue(TP_EC_P256, &spec, &plan, NULL);
	b = issue(TP_EC_P256, &spec, &plan, NULL);
	sa = X509_get0_serialNumber(a);
	ck_assert_int_eq(ASN1_STRING_type(sa), V_ASN1_INTEGER);	/* not negative */
	ck_assert_int_le(ASN1_STRING_length(sa), CERTGEN_SERIAL_BYTES);
	ck_assert_int_ge(ASN1_STRING_length(sa), 8);
	bn = ASN1_INTEGER_to_BN(sa, NULL);
	ck_assert_int_le(BN_num_bits(bn), 127);
	ck_assert_int_gt(BN_num_bits(bn), 64);
	ck_assert_int_eq(BN_is_negative(bn), 0);
	BN_free(bn);
	ck_assert_int_ne(ASN1_INTEGER_cmp(sa, X509_get0_serialNumber(b)), 0);
	X509_free(a);
	X509_free(b);
}
END_TEST

START_TEST(every_serial_byte_varies)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct issue_plan	 plan;
	unsigned char		 first[CERTGEN_SERIAL_BYTES], cur[CERTGEN_SERIAL_BYTES];
	int			 varies[CERTGEN_SERIAL_BYTES] = { 0 };
	int			 i, k, n;
	X509			*x;
	BIGNUM			*bn;

	/* 32 serials: a fixed byte anywhere but the top shows as no variation. */
	default_plan(&plan);
	for (i = 0; i < 32; i++) {
		x = issue(TP_EC_P256, &spec, &plan, NULL);
		bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
		ck_assert_int_eq(BN_bn2binpad(bn, cur, sizeof(cur)), (int)sizeof(cur));
		for (k = 0; k < (int)sizeof(cur); k++)
			if (i == 0)
				first[k] = cur[k];
			else if (cur[k] != first[k])
				varies[k] = 1;
		BN_free(bn);
		X509_free(x);
	}
	for (k = 1, n = 0; k < CERTGEN_SERIAL_BYTES; k++)
		n += varies[k];
	ck_assert_int_eq(n, CERTGEN_SERIAL_BYTES - 1);
}
END_TEST

START_TEST(an_intermediate_ca_names_itself_as_issuer)
{
	struct tp_csr_spec	 spec = { .cn = "leaf" };
	struct tp_cert_spec	 sub = { .cn = "Certgen Issuing CA", .ca = 1,
	    .ku = "critical,keyCertSign,cRLSign" };
	struct issue_plan	 plan;
	EVP_PKEY		*sub_key = tp_key(TP_EC_P256);
	X509			*sub_ca = tp_cert(&sub, sub_key, ca, ca_key), *x;
	X509_STORE		*store = X509_STORE_new();
	X509_STORE_CTX		*ctx = X509_STORE_CTX_new();
	STACK_OF(X509)		*untrusted = sk_X509_new_null();

	/* The root's subject and the issuing CA's differ: the leaf names the latter. */
	issuer_free(&is);
	load_issuer_from(sub_ca, sub_key, "sub");
	default_plan(&plan);
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	ck_assert_int_eq(X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(sub_ca)), 0);
	ck_assert_int_ne(X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(ca)), 0);
	X509_STORE_add_cert(store, ca);
	sk_X509_push(untrusted, sub_ca);
	ck_assert_int_eq(X509_STORE_CTX_init(ctx, store, x, untrusted), 1);
	ck_assert_msg(X509_verify_cert(ctx) == 1, "%s", X509_verify_cert_error_string(
	    X509_STORE_CTX_get_error(ctx)));
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_free(untrusted);
	X509_free(x);
	X509_free(sub_ca);
	EVP_PKEY_free(sub_key);
}
END_TEST

START_TEST(sets_validity_from_the_plan)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct issue_plan	 plan;
	X509			*x;

	default_plan(&plan);
	plan.not_before = 1700000000;
	plan.not_after = 1700000000 + 12345;
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	ck_assert_int_eq(tp_time(X509_get0_notBefore(x)), 1700000000);
	ck_assert_int_eq(tp_time(X509_get0_notAfter(x)), 1700000000 + 12345);
	X509_free(x);
}
END_TEST

START_TEST(marks_the_certificate_ca_false_even_if_the_csr_asks_ca_true)
{
	struct tp_csr_spec	 spec = { .cn = "wannabe-ca", .bc_ca = 1 };
	struct issue_plan	 plan;
	X509			*x;
	BASIC_CONSTRAINTS	*bc;
	int			 crit = -1;

	default_plan(&plan);
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	ck_assert_ptr_nonnull(bc);
	ck_assert_int_eq(crit, 1);
	ck_assert_int_eq(bc->ca, 0);
	ck_assert_ptr_null(bc->pathlen);
	ck_assert_int_eq(X509_check_ca(x), 0);
	ck_assert_int_eq(X509_get_ext_count(x), 5);	/* BC KU EKU SKI AKI */
	BASIC_CONSTRAINTS_free(bc);
	X509_free(x);
}
END_TEST

START_TEST(does_not_copy_other_requested_extensions)
{
	struct tp_csr_spec	 spec = {
		.cn = "d", .ns_comment = "copy me", .bc_ca = 1,
	};
	struct issue_plan	 plan;
	X509			*x;

	default_plan(&plan);
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	ck_assert_int_lt(X509_get_ext_by_NID(x, NID_netscape_comment, -1), 0);
	ck_assert_int_eq(X509_get_ext_count(x), 5);
	X509_free(x);
}
END_TEST

START_TEST(copies_the_requested_san_non_critical_with_a_subject)
{
	struct tp_csr_spec	 spec = {
		.cn = "d", .san = "DNS:d.example,IP:192.0.2.7,email:d@example.org",
	};
	struct issue_plan	 plan;
	X509			*x;
	X509_REQ		*req;
	EVP_PKEY		*key;
	GENERAL_NAMES		*got, *want;
	STACK_OF(X509_EXTENSION) *exts;
	unsigned char		*gd = NULL, *wd = NULL;
	int			 crit = -1, gl, wl;

	default_plan(&plan);
	x = issue(TP_EC_P256, &spec, &plan, &key);
	got = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(crit, 0);
	req = tp_csr(key, &spec);
	exts = X509_REQ_get_extensions(req);
	want = X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	/* Compare the DER of both name lists. */
	gl = i2d_GENERAL_NAMES(got, &gd);
	wl = i2d_GENERAL_NAMES(want, &wd);
	ck_assert_int_gt(gl, 0);
	ck_assert_int_eq(gl, wl);
	ck_assert_mem_eq(gd, wd, (size_t)gl);
	ck_assert_int_eq(sk_GENERAL_NAME_num(got), 3);
	OPENSSL_free(gd);
	OPENSSL_free(wd);
	GENERAL_NAMES_free(got);
	GENERAL_NAMES_free(want);
	X509_REQ_free(req);
	X509_free(x);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(marks_the_san_critical_when_the_subject_is_empty)
{
	struct tp_csr_spec	 spec = { .san = "DNS:anon.example" };
	struct issue_plan	 plan;
	X509			*x;
	GENERAL_NAMES		*san;
	int			 crit = -1;

	default_plan(&plan);
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	ck_assert_int_eq(X509_NAME_entry_count(X509_get_subject_name(x)), 0);
	san = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	ck_assert_ptr_nonnull(san);
	ck_assert_int_eq(crit, 1);
	GENERAL_NAMES_free(san);
	X509_free(x);
}
END_TEST

START_TEST(adds_no_san_when_none_is_requested)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct issue_plan	 plan;
	X509			*x;

	default_plan(&plan);
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	ck_assert_int_lt(X509_get_ext_by_NID(x, NID_subject_alt_name, -1), 0);
	X509_free(x);
}
END_TEST

START_TEST(sets_key_usage_from_the_plan_as_critical)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct issue_plan	 plan;
	X509			*x;
	ASN1_BIT_STRING		*ku;
	int			 crit = -1;

	default_plan(&plan);
	plan.key_usage = KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT | KU_DECIPHER_ONLY;
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	ck_assert_uint_eq(X509_get_key_usage(x),
	    KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT | KU_DECIPHER_ONLY);
	ku = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL);
	ck_assert_int_eq(crit, 1);
	ck_assert_int_eq(ASN1_BIT_STRING_get_bit(ku, 0), 1);	/* digitalSignature */
	ck_assert_int_eq(ASN1_BIT_STRING_get_bit(ku, 2), 0);	/* keyEncipherment */
	ck_assert_int_eq(ASN1_BIT_STRING_get_bit(ku, 4), 1);	/* keyAgreement */
	ck_assert_int_eq(ASN1_BIT_STRING_get_bit(ku, 5), 0);	/* keyCertSign */
	ck_assert_int_eq(ASN1_BIT_STRING_get_bit(ku, 8), 1);	/* decipherOnly */
	ASN1_BIT_STRING_free(ku);
	X509_free(x);
}
END_TEST

START_TEST(sets_rsa_key_usage_bits)
{
	struct tp_csr_spec	 spec = { .cn = "rsa" };
	struct issue_plan	 plan;
	X509			*x;

	default_plan(&plan);
	plan.key_usage = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT;
	x = issue(TP_RSA_2048, &spec, &plan, NULL);
	ck_assert_uint_eq(X509_get_key_usage(x),
	    KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT);
	X509_free(x);
}
END_TEST

START_TEST(omits_key_usage_and_eku_when_the_plan_has_none)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct issue_plan	 plan;
	X509			*x;

	default_plan(&plan);
	plan.key_usage = 0;
	plan.n_eku = 0;
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	ck_assert_int_lt(X509_get_ext_by_NID(x, NID_key_usage, -1), 0);
	ck_assert_int_lt(X509_get_ext_by_NID(x, NID_ext_key_usage, -1), 0);
	ck_assert_int_eq(X509_get_ext_count(x), 3);	/* BC SKI AKI */
	X509_free(x);
}
END_TEST

START_TEST(sets_exactly_the_planned_extended_key_usages)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct issue_plan	 plan;
	X509			*x;
	EXTENDED_KEY_USAGE	*eku;
	int			 crit = -1;
	static const int	 one[] = { NID_code_sign };

	default_plan(&plan);
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	ck_assert_int_eq(crit, 0);
	ck_assert_int_eq(sk_ASN1_OBJECT_num(eku), 2);
	ck_assert_int_eq(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)), NID_client_auth);
	ck_assert_int_eq(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 1)), NID_server_auth);
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	X509_free(x);
	plan.eku_nids = one;
	plan.n_eku = 1;
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	ck_assert_uint_eq(X509_get_extended_key_usage(x), XKU_CODE_SIGN);
	X509_free(x);
}
END_TEST

START_TEST(sets_ski_from_the_key_and_aki_from_the_ca)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct issue_plan	 plan;
	X509			*x;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	const ASN1_OCTET_STRING	*ski, *akid;

	default_plan(&plan);
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	ck_assert_int_eq(X509_pubkey_digest(x, EVP_sha1(), md, &mdlen), 1);
	ski = X509_get0_subject_key_id(x);
	ck_assert_ptr_nonnull(ski);
	ck_assert_int_eq(ASN1_STRING_length(ski), (int)mdlen);
	ck_assert_mem_eq(ASN1_STRING_get0_data(ski), md, mdlen);
	akid = X509_get0_authority_key_id(x);
	ck_assert_ptr_nonnull(akid);
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(akid, X509_get0_subject_key_id(ca)), 0);
	ck_assert_ptr_null(X509_get0_authority_issuer(x));
	ck_assert_ptr_null(X509_get0_authority_serial(x));
	X509_free(x);
}
END_TEST

START_TEST(issued_certificate_verifies_for_client_auth_against_the_ca)
{
	struct tp_csr_spec	 spec = { .cn = "d", .san = "DNS:d.example" };
	struct issue_plan	 plan;
	X509			*x;
	X509_STORE		*store = X509_STORE_new();
	X509_STORE_CTX		*ctx = X509_STORE_CTX_new();

	default_plan(&plan);
	plan.not_before = now - 60;
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	X509_STORE_add_cert(store, ca);
	X509_STORE_CTX_init(ctx, store, x, NULL);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
	ck_assert_msg(X509_verify_cert(ctx) == 1, "%s",
	    X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(x);
}
END_TEST

START_TEST(an_rsa_ca_signs_with_sha256_and_rsa)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct issue_plan	 plan;
	X509			*x;

	teardown();
	tp_mkdtemp(dir);
	load_issuer(TP_RSA_2048);
	default_plan(&plan);
	x = issue(TP_EC_P256, &spec, &plan, NULL);
	ck_assert_int_eq(X509_get_signature_nid(x), NID_sha256WithRSAEncryption);
	ck_assert_int_eq(X509_verify(x, ca_key), 1);
	X509_free(x);
}
END_TEST

/*
 * certgen copies the CSR's SubjectPublicKeyInfo as bytes and never decodes
 * it (decoding costs more than the signature): the object it returns is for
 * encoding, as certgen.h says. Its DER carries exactly the CSR's key and
 * verifies against the CA.
 */
START_TEST(returned_certificate_is_for_encoding_and_its_der_carries_the_key)
{
	EVP_PKEY		*key = tp_key(TP_EC_P256);
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct issue_plan	 plan;
	struct buf		 der;
	struct csr_info		 info;
	char			 reason[200];
	X509			*x, *y = NULL;
	unsigned char		*enc = NULL;
	const unsigned char	*p;
	int			 len, undecoded, same_key = 0, verified = 0;
	X509_STORE		*store = X509_STORE_new();
	X509_STORE_CTX		*ctx = X509_STORE_CTX_new();

	default_plan(&plan);
	plan.not_before = now - 60;
	buf_init(&der);
	tp_csr_der(key, &spec, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, reason,
	    sizeof(reason)), CSR_OK);
	x = certgen_issue(&is, &info, &plan, reason, sizeof(reason));
	ck_assert_ptr_nonnull(x);
	undecoded = X509_get0_pubkey(x) == NULL;
	ERR_clear_error();
	len = i2d_X509(x, &enc);
	p = enc;
	if (len > 0 && (y = d2i_X509(NULL, &p, len)) != NULL) {
		same_key = EVP_PKEY_eq(X509_get0_pubkey(y), key) == 1;
		X509_STORE_add_cert(store, ca);
		X509_STORE_CTX_init(ctx, store, y, NULL);
		X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
		verified = X509_verify_cert(ctx) == 1;
	}
	/* Free first: a failure must not show up as a leak. */
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	OPENSSL_free(enc);
	X509_free(y);
	X509_free(x);
	csr_info_free(&info);
	buf_free(&der);
	EVP_PKEY_free(key);
	ERR_clear_error();
	teardown();
	ck_assert_msg(undecoded, "the issued object decoded its public key");
	ck_assert(same_key);
	ck_assert(verified);
}
END_TEST

START_TEST(reports_a_failure_to_build_the_extensions)
{
	EVP_PKEY		*key = tp_key(TP_EC_P256);
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct issue_plan	 plan;
	struct issuer		 broken = is;
	struct buf		 der;
	struct csr_info		 info;
	char			 reason[200];

	/* An issuer without a key identifier cannot make the AKI. */
	broken.key_id = NULL;
	default_plan(&plan);
	buf_init(&der);
	tp_csr_der(key, &spec, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, reason,
	    sizeof(reason)), CSR_OK);
	ck_assert_ptr_null(certgen_issue(&broken, &info, &plan, reason,
	    sizeof(reason)));
	ck_assert_str_eq(reason, "certificate issuance failed: adding extensions");
	csr_info_free(&info);
	buf_free(&der);
	EVP_PKEY_free(key);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("certgen");
	TCase	*tc = tcase_create("certgen");

	tp_preload_rsa();
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, issues_a_v3_certificate_signed_by_the_ca);
	tcase_add_test(tc, copies_the_requested_subject_exactly);
	tcase_add_test(tc, uses_random_positive_128_bit_serials);
	tcase_add_test(tc, every_serial_byte_varies);
	tcase_add_test(tc, an_intermediate_ca_names_itself_as_issuer);
	tcase_add_test(tc, sets_validity_from_the_plan);
	tcase_add_test(tc, marks_the_certificate_ca_false_even_if_the_csr_asks_ca_true);
	tcase_add_test(tc, does_not_copy_other_requested_extensions);
	tcase_add_test(tc, copies_the_requested_san_non_critical_with_a_subject);
	tcase_add_test(tc, marks_the_san_critical_when_the_subject_is_empty);
	tcase_add_test(tc, adds_no_san_when_none_is_requested);
	tcase_add_test(tc, sets_key_usage_from_the_plan_as_critical);
	tcase_add_test(tc, sets_rsa_key_usage_bits);
	tcase_add_test(tc, omits_key_usage_and_eku_when_the_plan_has_none);
	tcase_add_test(tc, sets_exactly_the_planned_extended_key_usages);
	tcase_add_test(tc, sets_ski_from_the_key_and_aki_from_the_ca);
	tcase_add_test(tc, issued_certificate_verifies_for_client_auth_against_the_ca);
	tcase_add_test(tc, an_rsa_ca_signs_with_sha256_and_rsa);
	tcase_add_test(tc, returned_certificate_is_for_encoding_and_its_der_carries_the_key);
	tcase_add_test(tc, reports_a_failure_to_build_the_extensions);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
