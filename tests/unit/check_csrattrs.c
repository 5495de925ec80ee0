/* check_csrattrs: the CsrAttrs a label publishes (RFC 8951 section 4). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "est/b64.h"
#include "est/csrattrs.h"
#include "testpki.h"

/* RFC 8951 section 4: "a CSR with an ECC key on P-384, SHA-384 signature,
 * and a challengePassword" ... the example its text gives in base64. */
static const char rfc8951_b64[] =
    "MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqGSIb3DQEJDjEJBgcr"
    "BgEBAQEWBggqhkjOPQQDAw==";
static const unsigned char rfc8951_der[] = {
	0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09,
	0x07, 0x30, 0x12, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x31, 0x07, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x30, 0x16, 0x06,
	0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e, 0x31, 0x09,
	0x06, 0x07, 0x2b, 0x06, 0x01, 0x01, 0x01, 0x01, 0x16, 0x06, 0x08, 0x2a,
	0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03,
};

static struct est_config cfg;
static struct est_profile *pr;

static void
setup(void)
{
	config_defaults(&cfg);
	pr = &cfg.labels[0].profile;
}

static void
teardown(void)
{
	config_free(&cfg);
}

static void
add_oid_text(struct buf *out, const ASN1_OBJECT *o)
{
	char txt[128];

	OBJ_obj2txt(txt, sizeof(txt), o, 1);
	buf_append_str(out, txt);
}

/*
 * The DER CsrAttrs as text, decoded independently of csrattrs.c: bare OIDs
 * in dotted form, attributes as OID{value,value} where a value is an OID
 * or an INTEGER in decimal. Elements are separated by spaces.
 */
static char *
describe(const struct buf *der)
{
	const unsigned char	*p = der->data, *end, *q;
	long			 len, elen;
	int			 tag, xclass, i;
	struct buf		 out;
	char			*s;

	buf_init(&out);
	ck_assert_int_eq(ASN1_get_object(&p, &len, &tag, &xclass,
	    (long)der->len) & 0x80, 0);
	ck_assert_int_eq(tag, V_ASN1_SEQUENCE);
	ck_assert_int_eq(xclass, V_ASN1_UNIVERSAL);
	ck_assert_ptr_eq(p + len, der->data + der->len);
	end = p + len;
	while (p < end) {
		if (out.len > 0)
			buf_append(&out, " ", 1);
		q = p;
		ck_assert_int_eq(ASN1_get_object(&q, &elen, &tag, &xclass,
		    end - p) & 0x80, 0);
		if (tag == V_ASN1_OBJECT) {
			ASN1_OBJECT *o = d2i_ASN1_OBJECT(NULL, &p, end - p);

			ck_assert_ptr_nonnull(o);
			add_oid_text(&out, o);
			ASN1_OBJECT_free(o);
			continue;
		}
		ck_assert_int_eq(tag, V_ASN1_SEQUENCE);
		X509_ATTRIBUTE *a = d2i_X509_ATTRIBUTE(NULL, &p, end - p);

		ck_assert_ptr_nonnull(a);
		add_oid_text(&out, X509_ATTRIBUTE_get0_object(a));
		buf_append(&out, "{", 1);
		for (i = 0; i < X509_ATTRIBUTE_count(a); i++) {
			ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(a, i);

			if (i > 0)
				buf_append(&out, ",", 1);
			if (t->type == V_ASN1_OBJECT)
				add_oid_text(&out, t->value.object);
			else if (t->type == V_ASN1_INTEGER) {
				char num[32];

				snprintf(num, sizeof(num), "%ld",
				    ASN1_INTEGER_get(t->value.integer));
				buf_append_str(&out, num);
			} else if (t->type == V_ASN1_SEQUENCE) {
				/* An extensionRequest's value: a SEQUENCE of OIDs. */
				const unsigned char *v = t->value.sequence->data;
				long vlen = t->value.sequence->length, olen;
				const unsigned char *vend;
				int vtag, vclass, first = 1;

				ck_assert_int_eq(ASN1_get_object(&v, &olen, &vtag,
				    &vclass, vlen) & 0x80, 0);
				vend = v + olen;
				buf_append(&out, "(", 1);
				while (v < vend) {
					ASN1_OBJECT *o = d2i_ASN1_OBJECT(NULL, &v,
					    vend - v);

					ck_assert_ptr_nonnull(o);
					if (!first)
						buf_append(&out, ",", 1);
					first = 0;
					add_oid_text(&out, o);
					ASN1_OBJECT_free(o);
				}
				buf_append(&out, ")", 1);
			} else
				ck_abort_msg("unexpected attribute value type %d",
				    t->type);
		}
		buf_append(&out, "}", 1);
		X509_ATTRIBUTE_free(a);
	}
	buf_append(&out, "", 1);
	s = strdup((char *)out.data);
	buf_free(&out);
	return s;
}

/* csrattrs_build for the profile, described. */
static char *
built(void)
{
	struct buf	 der;
	char		*s;

	buf_init(&der);
	ck_assert_int_eq(csrattrs_build(pr, &der), 0);
	ck_assert_uint_gt(der.len, 0);
	s = describe(&der);
	buf_free(&der);
	return s;
}

#define OID_CHALLENGE	"1.2.840.113549.1.9.7"
#define OID_EXTREQ	"1.2.840.113549.1.9.14"
#define OID_SAN		"2.5.29.17"
#define OID_ECPUB	"1.2.840.10045.2.1"
#define OID_P256	"1.2.840.10045.3.1.7"
#define OID_P384	"1.3.132.0.34"
#define OID_P521	"1.3.132.0.35"
#define OID_RSA		"1.2.840.113549.1.1.1"
#define OID_ECDSA256	"1.2.840.10045.4.3.2"
#define OID_ECDSA384	"1.2.840.10045.4.3.3"
#define OID_ECDSA512	"1.2.840.10045.4.3.4"
#define OID_RSA256	"1.2.840.113549.1.1.11"
#define OID_RSA384	"1.2.840.113549.1.1.12"
#define OID_RSA512	"1.2.840.113549.1.1.13"
#define OID_ECDSA1	"1.2.840.10045.4.1"
#define OID_RSA1	"1.2.840.113549.1.1.5"

START_TEST(derives_the_default_profile)
{
	char *s = built();

	/* The curves are a DER SET OF: sorted by encoding, shortest first. */
	ck_assert_str_eq(s,
	    OID_ECPUB "{" OID_P384 "," OID_P521 "," OID_P256 "} "
	    OID_RSA "{2048} "
	    OID_ECDSA256 " " OID_RSA256 " "
	    OID_ECDSA384 " " OID_RSA384 " "
	    OID_ECDSA512 " " OID_RSA512);
	free(s);
}
END_TEST

START_TEST(asks_for_a_challenge_password_only_with_enrollment_codes)
{
	char *s;

	pr->key_types = PROFILE_KEY_EC;
	pr->n_digests = 1;
	pr->challenge = CHALLENGE_CODE;
	s = built();
	ck_assert_str_eq(s, OID_CHALLENGE " " OID_ECPUB "{" OID_P384 "," OID_P521
	    "," OID_P256 "} " OID_ECDSA256);
	free(s);
	pr->challenge = CHALLENGE_IGNORE;
	s = built();
	ck_assert_ptr_null(strstr(s, OID_CHALLENGE));
	free(s);
	pr->challenge = CHALLENGE_REFUSE;
	s = built();
	ck_assert_ptr_null(strstr(s, OID_CHALLENGE));
	free(s);
}
END_TEST

START_TEST(asks_for_a_subject_alt_name_when_names_are_restricted)
{
	char *s;

	pr->key_types = PROFILE_KEY_EC;
	pr->n_ec_curves = 1;
	pr->n_digests = 1;
	s = built();
	ck_assert_ptr_null(strstr(s, OID_EXTREQ));
	free(s);
	pr->dns_suffixes[0] = strdup("example.com");
	pr->n_dns_suffixes = 1;
	s = built();
	ck_assert_str_eq(s, OID_EXTREQ "{" OID_SAN "} " OID_ECPUB "{" OID_P256 "} "
	    OID_ECDSA256);
	free(s);
	free(pr->dns_suffixes[0]);
	pr->n_dns_suffixes = 0;
	ck_assert_int_eq(config_parse_ip_range("10.0.0.0/8", &pr->ip_ranges[0]), 0);
	pr->n_ip_ranges = 1;
	s = built();
	ck_assert_str_eq(s, OID_EXTREQ "{" OID_SAN "} " OID_ECPUB "{" OID_P256 "} "
	    OID_ECDSA256);
	free(s);
}
END_TEST

START_TEST(lists_exactly_the_profile_curves)
{
	char *s;

	pr->key_types = PROFILE_KEY_EC;
	pr->ec_curve_nids[0] = NID_secp384r1;
	pr->ec_curve_nids[1] = NID_brainpoolP256r1;
	pr->n_ec_curves = 2;
	pr->digest_nids[0] = NID_sha384;
	pr->n_digests = 1;
	s = built();
	ck_assert_str_eq(s, OID_ECPUB "{" OID_P384 ",1.3.36.3.3.2.8.1.1.7} "
	    OID_ECDSA384);
	free(s);
	/* No curve: no EC attribute, only the signature algorithm. */
	pr->n_ec_curves = 0;
	s = built();
	ck_assert_str_eq(s, OID_ECDSA384);
	free(s);
}
END_TEST

START_TEST(gives_the_rsa_minimum_size)
{
	char *s;

	pr->key_types = PROFILE_KEY_RSA;
	pr->rsa_min_bits = 3072;
	pr->digest_nids[0] = NID_sha512;
	pr->n_digests = 1;
	s = built();
	ck_assert_str_eq(s, OID_RSA "{3072} " OID_RSA512);
	free(s);
}
END_TEST

START_TEST(lists_signature_algorithms_per_digest_and_key_type)
{
	char *s;

	pr->digest_nids[0] = NID_sha1;
	pr->digest_nids[1] = NID_sha256;
	pr->n_digests = 2;
	pr->n_ec_curves = 0;
	s = built();
	ck_assert_str_eq(s, OID_RSA "{2048} " OID_ECDSA1 " " OID_RSA1 " "
	    OID_ECDSA256 " " OID_RSA256);
	free(s);
}
END_TEST

START_TEST(builds_nothing_for_an_empty_profile)
{
	struct buf der;

	pr->key_types = 0;
	pr->n_digests = 0;
	buf_init(&der);
	ck_assert_int_eq(csrattrs_build(pr, &der), 0);
	ck_assert_uint_eq(der.len, 0);
	buf_free(&der);
}
END_TEST

START_TEST(appends_to_what_the_buffer_holds)
{
	struct buf der;

	pr->key_types = PROFILE_KEY_RSA;
	pr->n_digests = 0;
	buf_init(&der);
	buf_append(&der, "xy", 2);
	ck_assert_int_eq(csrattrs_build(pr, &der), 0);
	/* 30 len { 30 len { 06 09 rsaEncryption 31 len { 02 02 08 00 } } } */
	ck_assert_uint_eq(der.len, 2 + 2 + 2 + 11 + 2 + 4);
	ck_assert_mem_eq(der.data, "xy\x30\x13\x30\x11", 6);
	buf_free(&der);
}
END_TEST

START_TEST(accepts_the_rfc8951_example_verbatim)
{
	struct buf	 der;
	struct diag	 d;
	char		*s;

	buf_init(&der);
	diag_init(&d);
	ck_assert_int_eq(csrattrs_parse_verbatim(rfc8951_b64, &der, &d), 0);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_uint_eq(der.len, sizeof(rfc8951_der));
	ck_assert_mem_eq(der.data, rfc8951_der, sizeof(rfc8951_der));
	s = describe(&der);
	ck_assert_str_eq(s, OID_CHALLENGE " " OID_ECPUB "{" OID_P384 "} "
	    OID_EXTREQ "{1.3.6.1.1.1.1.22} " OID_ECDSA384);
	free(s);
	buf_free(&der);
	diag_free(&d);
}
END_TEST

START_TEST(accepts_what_csrattrs_build_makes)
{
	struct buf	 der, b64, again;
	struct diag	 d;
	size_t		 i, o;

	buf_init(&der);
	buf_init(&b64);
	buf_init(&again);
	diag_init(&d);
	ck_assert_int_eq(csrattrs_build(pr, &der), 0);
	/* The configuration holds one line: drop the wrapping. */
	ck_assert_int_eq(b64_encode_wrapped(der.data, der.len, &b64), 0);
	for (i = o = 0; i < b64.len; i++)
		if (b64.data[i] != '\n')
			b64.data[o++] = b64.data[i];
	b64.data[o] = '\0';
	ck_assert_int_eq(csrattrs_parse_verbatim((char *)b64.data, &again, &d), 0);
	ck_assert_uint_eq(again.len, der.len);
	ck_assert_mem_eq(again.data, der.data, der.len);
	buf_free(&der);
	buf_free(&b64);
	buf_free(&again);
	diag_free(&d);
}
END_TEST

/* b64 must be refused with the one message, leaving der as it was. */
static void
assert_refused(const char *b64)
{
	struct buf	der;
	struct diag	d;

	buf_init(&der);
	buf_append(&der, "keep", 4);
	diag_init(&d);
	ck_assert_int_eq(csrattrs_parse_verbatim(b64, &der, &d), -1);
	ck_assert_uint_eq(der.len, 4);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_str_eq(d.msgs[0], "[profile] csrattrs: not base64 of a DER "
	    "CsrAttrs SEQUENCE (or \"auto\" or \"none\")");
	buf_free(&der);
	diag_free(&d);
}

START_TEST(refuses_verbatim_values_that_are_not_a_sequence)
{
	assert_refused("AgEB");			/* INTEGER 1 */
	assert_refused("BgUrgQQAIg==");		/* a bare OID */
	assert_refused("MQMCAQE=");		/* SET { INTEGER 1 } */
}
END_TEST

START_TEST(refuses_verbatim_values_with_trailing_garbage)
{
	/* The RFC 8951 example followed by 00 00. */
	assert_refused("MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqGSIb3DQEJ"
	    "DjEJBgcrBgEBAQEWBggqhkjOPQQDAwAA");
	/* A SEQUENCE whose length runs past the end. */
	assert_refused("MAYGAyoDBA==");
	/* An OID cut short inside the SEQUENCE. */
	assert_refused("MAMGAyo=");
}
END_TEST

START_TEST(refuses_verbatim_elements_other_than_oids_and_attributes)
{
	assert_refused("MAMCAQE=");		/* SEQUENCE { INTEGER 1 } */
	assert_refused("MAQwAgUA");		/* SEQUENCE { SEQUENCE { NULL } } */
}
END_TEST

/*
 * The value is served to clients as it is: only DER. The outer tag was
 * compared by number alone, whatever its class and form, and lengths
 * were read the BER way.
 */
START_TEST(refuses_verbatim_values_that_are_not_der)
{
	assert_refused("sAsGCSqGSIb3DQEJBw==");	/* [16] { challengePassword } */
	assert_refused("cAsGCSqGSIb3DQEJBw==");	/* [APPLICATION 16] { ... } */
	assert_refused("EAsGCSqGSIb3DQEJBw==");	/* primitive 16 */
	assert_refused("MIA=");			/* SEQUENCE, indefinite, no end */
	assert_refused("MIAGCSqGSIb3DQEJBwAA");	/* SEQUENCE, indefinite */
	assert_refused("MIELBgkqhkiG9w0BCQc=");	/* length 0x81 0x0b */
	assert_refused("MAwGgQkqhkiG9w0BCQc=");	/* the OID's length 0x81 0x09 */
	/* An Attribute whose SET has a non-minimal length. */
	assert_refused("MBUwEwYJKoZIhvcNAQkOMYEFBgNVHRE=");
}
END_TEST

START_TEST(refuses_verbatim_values_that_are_not_base64)
{
	assert_refused("MEEG!!!");
	assert_refused("auto-ish");
	assert_refused("MEE");
	assert_refused("");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("csrattrs");
	TCase	*tc = tcase_create("csrattrs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, derives_the_default_profile);
	tcase_add_test(tc, asks_for_a_challenge_password_only_with_enrollment_codes);
	tcase_add_test(tc, asks_for_a_subject_alt_name_when_names_are_restricted);
	tcase_add_test(tc, lists_exactly_the_profile_curves);
	tcase_add_test(tc, gives_the_rsa_minimum_size);
	tcase_add_test(tc, lists_signature_algorithms_per_digest_and_key_type);
	tcase_add_test(tc, builds_nothing_for_an_empty_profile);
	tcase_add_test(tc, appends_to_what_the_buffer_holds);
	tcase_add_test(tc, accepts_the_rfc8951_example_verbatim);
	tcase_add_test(tc, accepts_what_csrattrs_build_makes);
	tcase_add_test(tc, refuses_verbatim_values_that_are_not_a_sequence);
	tcase_add_test(tc, refuses_verbatim_values_with_trailing_garbage);
	tcase_add_test(tc, refuses_verbatim_elements_other_than_oids_and_attributes);
	tcase_add_test(tc, refuses_verbatim_values_that_are_not_der);
	tcase_add_test(tc, refuses_verbatim_values_that_are_not_base64);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
