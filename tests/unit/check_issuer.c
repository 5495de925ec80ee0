/* check_issuer: loading and checking the CA. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "est/issuer.h"
#include "testpki.h"

static char	 dir[TP_PATH_MAX];
static EVP_PKEY	*ca_key;

static void
setup(void)
{
	tp_mkdtemp(dir);
	ca_key = tp_key(TP_EC_P256);
	tp_write_key(dir, "ca.key", ca_key);
}

static void
teardown(void)
{
	EVP_PKEY_free(ca_key);
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

/* Writes cert as ca.pem and loads it with ca.key (and chain.pem if chain). */
static int
load(X509 *cert, const char *chain, struct issuer *is, struct diag *d)
{
	char cert_path[TP_PATH_MAX], key_path[TP_PATH_MAX], chain_path[TP_PATH_MAX];

	if (cert != NULL)
		tp_write_certs(dir, "ca.pem", &cert, 1);
	tp_path(cert_path, dir, "ca.pem");
	tp_path(key_path, dir, "ca.key");
	if (chain != NULL)
		tp_path(chain_path, dir, chain);
	diag_init(d);
	return issuer_load(is, cert_path, key_path, chain != NULL ? chain_path : NULL, d);
}

static void
assert_cleared(const struct issuer *is)
{
	ck_assert_ptr_null(is->cert);
	ck_assert_ptr_null(is->chain);
	ck_assert_ptr_null(is->signer);
	ck_assert_ptr_null(is->key_id);
}

START_TEST(loads_a_valid_ca)
{
	X509			*ca = tp_ca(ca_key, "Issuer CA");
	struct issuer		 is;
	struct diag		 d;

	ck_assert_int_eq(load(ca, NULL, &is, &d), 0);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_int_eq(X509_cmp(is.cert, ca), 0);
	ck_assert_ptr_nonnull(is.signer);
	ck_assert_int_eq(signer_matches(is.signer, ca), 1);
	ck_assert_ptr_nonnull(is.chain);
	ck_assert_int_eq(sk_X509_num(is.chain), 0);
	ck_assert_int_eq(is.not_after, tp_time(X509_get0_notAfter(ca)));
	/* The AKI source is the CA's own SKI. */
	ck_assert_int_eq(ASN1_OCTET_STRING_cmp(is.key_id,
	    X509_get0_subject_key_id(ca)), 0);
	issuer_free(&is);
	assert_cleared(&is);
	diag_free(&d);
	X509_free(ca);
}
END_TEST

START_TEST(computes_the_key_id_when_the_ca_has_no_ski)
{
	struct tp_cert_spec	 s = {
		.cn = "No SKI CA", .ca = 1, .ku = "keyCertSign", .no_ski = 1,
	};
	X509			*ca = tp_cert(&s, ca_key, NULL, NULL);
	struct issuer		 is;
	struct diag		 d;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;

	ck_assert_ptr_null(X509_get0_subject_key_id(ca));
	ck_assert_int_eq(load(ca, NULL, &is, &d), 0);
	ck_assert_int_eq(X509_pubkey_digest(ca, EVP_sha1(), md, &mdlen), 1);
	ck_assert_int_eq(ASN1_STRING_length(is.key_id), 20);
	ck_assert_mem_eq(ASN1_STRING_get0_data(is.key_id), md, 20);
	issuer_free(&is);
	diag_free(&d);
	X509_free(ca);
}
END_TEST

START_TEST(loads_the_chain_in_file_order)
{
	EVP_PKEY		*root_key = tp_key(TP_EC_P256);
	X509			*root = tp_ca(root_key, "Root");
	struct tp_cert_spec	 s = { .cn = "Issuing", .ca = 1, .ku = "keyCertSign" };
	X509			*ca = tp_cert(&s, ca_key, root, root_key);
	X509			*chain[2] = { root, ca };
	struct issuer		 is;
	struct diag		 d;

	tp_write_certs(dir, "chain.pem", chain, 1);
	ck_assert_int_eq(load(ca, "chain.pem", &is, &d), 0);
	ck_assert_int_eq(sk_X509_num(is.chain), 1);
	ck_assert_int_eq(X509_cmp(sk_X509_value(is.chain, 0), root), 0);
	issuer_free(&is);
	diag_free(&d);
	tp_write_certs(dir, "chain2.pem", chain, 2);
	ck_assert_int_eq(load(ca, "chain2.pem", &is, &d), 0);
	ck_assert_int_eq(sk_X509_num(is.chain), 2);
	ck_assert_int_eq(X509_cmp(sk_X509_value(is.chain, 1), ca), 0);
	issuer_free(&is);
	diag_free(&d);
	X509_free(ca);
	X509_free(root);
	EVP_PKEY_free(root_key);
}
END_TEST

START_TEST(rejects_a_key_that_does_not_match)
{
	EVP_PKEY	*other = tp_key(TP_EC_P256);
	X509		*ca = tp_ca(other, "Mismatch CA");
	struct issuer	 is;
	struct diag	 d;

	ck_assert_int_eq(load(ca, NULL, &is, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "ca.key: CA key does not match CA certificate"));
	assert_cleared(&is);
	diag_free(&d);
	X509_free(ca);
	EVP_PKEY_free(other);
}
END_TEST

START_TEST(rejects_a_certificate_without_ca_true)
{
	struct tp_cert_spec	 s = { .cn = "Not a CA", .ku = "keyCertSign" };
	struct tp_cert_spec	 nobc = { .cn = "No BC", .no_bc = 1, .ku = "keyCertSign" };
	X509			*ca = tp_cert(&s, ca_key, NULL, NULL);
	X509			*ca2 = tp_cert(&nobc, ca_key, NULL, NULL);
	struct issuer		 is;
	struct diag		 d;

	ck_assert_int_eq(load(ca, NULL, &is, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "ca.pem: CA certificate lacks basicConstraints CA:TRUE"));
	assert_cleared(&is);
	diag_free(&d);
	ck_assert_int_eq(load(ca2, NULL, &is, &d), -1);
	ck_assert(has(&d, "CA certificate lacks basicConstraints CA:TRUE"));
	diag_free(&d);
	X509_free(ca);
	X509_free(ca2);
}
END_TEST

START_TEST(rejects_a_ca_whose_key_usage_lacks_key_cert_sign)
{
	struct tp_cert_spec	 s = { .cn = "CRL only", .ca = 1, .ku = "cRLSign" };
	X509			*ca = tp_cert(&s, ca_key, NULL, NULL);
	struct issuer		 is;
	struct diag		 d;

	ck_assert_int_eq(load(ca, NULL, &is, &d), -1);
	ck_assert(has(&d, "CA certificate's keyUsage lacks keyCertSign"));
	diag_free(&d);
	X509_free(ca);
}
END_TEST

START_TEST(accepts_a_ca_without_key_usage)
{
	struct tp_cert_spec	 s = { .cn = "No KU", .ca = 1 };
	X509			*ca = tp_cert(&s, ca_key, NULL, NULL);
	struct issuer		 is;
	struct diag		 d;

	ck_assert_int_eq(load(ca, NULL, &is, &d), 0);
	issuer_free(&is);
	diag_free(&d);
	X509_free(ca);
}
END_TEST

START_TEST(rejects_an_expired_ca)
{
	time_t			 now = time(NULL);
	struct tp_cert_spec	 s = {
		.cn = "Old CA", .ca = 1, .ku = "keyCertSign",
		.not_before = now - 100 * 86400, .not_after = now - 60,
	};
	X509			*ca = tp_cert(&s, ca_key, NULL, NULL);
	struct issuer		 is;
	struct diag		 d;

	ck_assert_int_eq(load(ca, NULL, &is, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "ca.pem: CA certificate has expired"));
	diag_free(&d);
	X509_free(ca);
}
END_TEST

START_TEST(rejects_a_ca_not_yet_valid)
{
	time_t			 now = time(NULL);
	struct tp_cert_spec	 s = {
		.cn = "Future CA", .ca = 1, .ku = "keyCertSign",
		.not_before = now + 3600, .not_after = now + 100 * 86400,
	};
	X509			*ca = tp_cert(&s, ca_key, NULL, NULL);
	struct issuer		 is;
	struct diag		 d;

	ck_assert_int_eq(load(ca, NULL, &is, &d), -1);
	ck_assert(has(&d, "CA certificate is not valid yet"));
	diag_free(&d);
	X509_free(ca);
}
END_TEST

START_TEST(reports_every_problem_at_once)
{
	time_t			 now = time(NULL);
	EVP_PKEY		*other = tp_key(TP_EC_P256);
	struct tp_cert_spec	 s = {
		.cn = "Bad", .no_bc = 1, .not_before = now - 100 * 86400,
		.not_after = now - 60,
	};
	X509			*ca = tp_cert(&s, other, NULL, NULL);
	struct issuer		 is;
	struct diag		 d;

	ck_assert_int_eq(load(ca, "absent-chain.pem", &is, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 4);
	ck_assert(has(&d, "absent-chain.pem: cannot open CA chain"));
	ck_assert(has(&d, "lacks basicConstraints CA:TRUE"));
	ck_assert(has(&d, "has expired"));
	ck_assert(has(&d, "CA key does not match"));
	assert_cleared(&is);
	diag_free(&d);
	X509_free(ca);
	EVP_PKEY_free(other);
}
END_TEST

START_TEST(reports_a_missing_or_unreadable_certificate)
{
	struct issuer	is;
	struct diag	d;

	ck_assert_int_eq(load(NULL, NULL, &is, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "ca.pem: cannot open CA certificate: No such file"));
	assert_cleared(&is);
	diag_free(&d);
	tp_write_str(dir, "ca.pem", "garbage\n");
	ck_assert_int_eq(load(NULL, NULL, &is, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "ca.pem: not a PEM certificate"));
	diag_free(&d);
}
END_TEST

START_TEST(refuses_a_certificate_file_holding_a_chain)
{
	EVP_PKEY		*root_key = tp_key(TP_EC_P256);
	X509			*root = tp_ca(root_key, "Root");
	struct tp_cert_spec	 s = { .cn = "Issuing", .ca = 1, .ku = "keyCertSign" };
	X509			*ca = tp_cert(&s, ca_key, root, root_key);
	X509			*full[2] = { ca, root };
	struct issuer		 is;
	struct diag		 d;

	tp_write_certs(dir, "ca.pem", full, 2);
	ck_assert_int_eq(load(NULL, NULL, &is, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "ca.pem: holds more than one certificate: put the CA "
	    "certificate alone here and those above it in chain"));
	assert_cleared(&is);
	diag_free(&d);
	X509_free(ca);
	X509_free(root);
	EVP_PKEY_free(root_key);
}
END_TEST

/* Root <- Mid <- CA; the pool in any order, with a stranger in it. */
START_TEST(finds_the_path_to_the_root_through_a_pool)
{
	EVP_PKEY		*root_key = tp_key(TP_EC_P256);
	EVP_PKEY		*mid_key = tp_key(TP_EC_P256);
	EVP_PKEY		*other_key = tp_key(TP_EC_P256);
	X509			*root = tp_ca(root_key, "Root");
	X509			*other = tp_ca(other_key, "Root");	/* same name */
	struct tp_cert_spec	 ms = { .cn = "Mid", .ca = 1, .ku = "keyCertSign" };
	struct tp_cert_spec	 cs = { .cn = "Issuing", .ca = 1, .ku = "keyCertSign" };
	X509			*mid = tp_cert(&ms, mid_key, root, root_key);
	X509			*ca = tp_cert(&cs, ca_key, mid, mid_key);
	X509			*pool[3] = { other, root, mid }, *stuck = ca;
	size_t			 order[3];

	ck_assert_uint_eq(issuer_path(ca, pool, 3, order, &stuck), 2);
	ck_assert_ptr_null(stuck);
	ck_assert_uint_eq(order[0], 2);
	ck_assert_uint_eq(order[1], 1);
	/* Without the root the walk stops at Mid. */
	ck_assert_uint_eq(issuer_path(ca, pool + 2, 1, order, &stuck), 1);
	ck_assert_ptr_eq(stuck, mid);
	/* A self-signed CA is its own root. */
	ck_assert_uint_eq(issuer_path(root, pool, 3, order, &stuck), 0);
	ck_assert_ptr_null(stuck);
	/* A name match is not enough: the signature must verify. */
	ck_assert_uint_eq(issuer_path(mid, pool, 1, order, &stuck), 0);
	ck_assert_ptr_eq(stuck, mid);
	X509_free(ca);
	X509_free(mid);
	X509_free(other);
	X509_free(root);
	EVP_PKEY_free(other_key);
	EVP_PKEY_free(mid_key);
	EVP_PKEY_free(root_key);
}
END_TEST

START_TEST(reports_a_missing_key)
{
	X509		*ca = tp_ca(ca_key, "CA");
	struct issuer	 is;
	struct diag	 d;
	char		 key_path[TP_PATH_MAX];

	tp_path(key_path, dir, "ca.key");
	ck_assert_int_eq(unlink(key_path), 0);
	ck_assert_int_eq(load(ca, NULL, &is, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "ca.key: cannot open CA key"));
	assert_cleared(&is);
	diag_free(&d);
	X509_free(ca);
}
END_TEST

START_TEST(reports_an_empty_or_broken_chain)
{
	X509		*ca = tp_ca(ca_key, "CA");
	struct issuer	 is;
	struct diag	 d;

	tp_write_str(dir, "empty.pem", "\n");
	ck_assert_int_eq(load(ca, "empty.pem", &is, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "empty.pem: unreadable or empty CA chain"));
	diag_free(&d);
	tp_write_str(dir, "broken.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n"
	    "-----END CERTIFICATE-----\n");
	ck_assert_int_eq(load(ca, "broken.pem", &is, &d), -1);
	ck_assert(has(&d, "broken.pem: unreadable or empty CA chain"));
	diag_free(&d);
	X509_free(ca);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("issuer");
	TCase	*tc = tcase_create("issuer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, loads_a_valid_ca);
	tcase_add_test(tc, computes_the_key_id_when_the_ca_has_no_ski);
	tcase_add_test(tc, loads_the_chain_in_file_order);
	tcase_add_test(tc, refuses_a_certificate_file_holding_a_chain);
	tcase_add_test(tc, finds_the_path_to_the_root_through_a_pool);
	tcase_add_test(tc, rejects_a_key_that_does_not_match);
	tcase_add_test(tc, rejects_a_certificate_without_ca_true);
	tcase_add_test(tc, rejects_a_ca_whose_key_usage_lacks_key_cert_sign);
	tcase_add_test(tc, accepts_a_ca_without_key_usage);
	tcase_add_test(tc, rejects_an_expired_ca);
	tcase_add_test(tc, rejects_a_ca_not_yet_valid);
	tcase_add_test(tc, reports_every_problem_at_once);
	tcase_add_test(tc, reports_a_missing_or_unreadable_certificate);
	tcase_add_test(tc, reports_a_missing_key);
	tcase_add_test(tc, reports_an_empty_or_broken_chain);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
