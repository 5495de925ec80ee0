/* check_truststore: in-memory anchors and TLS client verification. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <openssl/x509_vfy.h>

#include "est/truststore.h"
#include "testpki.h"

static EVP_PKEY	*ca_key, *other_key, *leaf_key;
static X509	*ca, *other_ca;
static time_t	 now;

static void
setup(void)
{
	now = time(NULL);
	ca_key = tp_key(TP_EC_P256);
	other_key = tp_key(TP_EC_P256);
	leaf_key = tp_key(TP_EC_P256);
	ca = tp_ca(ca_key, "Trust Test CA");
	other_ca = tp_ca(other_key, "Other CA");
}

static void
teardown(void)
{
	X509_free(ca);
	X509_free(other_ca);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(other_key);
	EVP_PKEY_free(leaf_key);
}

static struct trust_store *
store_with(X509 *anchor)
{
	struct trust_store *ts = trust_store_new();

	ck_assert_ptr_nonnull(ts);
	ck_assert_int_eq(trust_store_add_cert(ts, anchor), 0);
	return ts;
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

/* Verifies leaf at t and checks the result and a reason substring. */
static void
expect(struct trust_store *ts, X509 *leaf, time_t t, enum trust_result want,
    const char *reason_part)
{
	char			reason[200] = "";
	enum trust_result	r;

	r = trust_store_verify(ts, leaf, NULL, t, NULL, reason, sizeof(reason));
	ck_assert_msg(r == want, "result %d, want %d (%s)", r, want, reason);
	if (reason_part != NULL)
		ck_assert_msg(strstr(reason, reason_part) != NULL, "reason \"%s\"",
		    reason);
}

START_TEST(new_store_is_empty)
{
	struct trust_store *ts = trust_store_new();

	ck_assert_uint_eq(trust_store_count(ts), 0);
	trust_store_free(ts);
	trust_store_free(NULL);
}
END_TEST

START_TEST(adds_a_certificate_once)
{
	struct trust_store *ts = store_with(ca);

	ck_assert_int_eq(trust_store_add_cert(ts, ca), 0);
	ck_assert_int_eq(trust_store_add_cert(ts, other_ca), 0);
	ck_assert_uint_eq(trust_store_count(ts), 2);
	ck_assert_int_eq(X509_cmp(trust_store_cert(ts, 0), ca), 0);
	ck_assert_int_eq(X509_cmp(trust_store_cert(ts, 1), other_ca), 0);
	trust_store_free(ts);
}
END_TEST

START_TEST(verifies_a_client_certificate_and_returns_the_chain)
{
	struct trust_store	*ts = store_with(ca);
	X509			*leaf = tp_client(leaf_key, "client", ca, ca_key);
	STACK_OF(X509)		*chain = NULL;
	char			 reason[200] = "untouched";

	ck_assert_int_eq(trust_store_verify(ts, leaf, NULL, 0, &chain, reason,
	    sizeof(reason)), TRUST_OK);
	ck_assert_ptr_nonnull(chain);
	ck_assert_int_eq(sk_X509_num(chain), 2);
	ck_assert_int_eq(X509_cmp(sk_X509_value(chain, 0), leaf), 0);
	ck_assert_int_eq(X509_cmp(sk_X509_value(chain, 1), ca), 0);
	ck_assert_str_eq(reason, "untouched");
	sk_X509_pop_free(chain, X509_free);
	X509_free(leaf);
	trust_store_free(ts);
}
END_TEST

START_TEST(rejects_a_certificate_from_another_ca)
{
	struct trust_store	*ts = store_with(ca);
	X509			*leaf = tp_client(leaf_key, "client", other_ca, other_key);
	STACK_OF(X509)		*chain = NULL;
	char			 reason[200];

	ck_assert_int_eq(trust_store_verify(ts, leaf, NULL, 0, &chain, reason,
	    sizeof(reason)), TRUST_UNTRUSTED);
	ck_assert_ptr_null(chain);
	ck_assert_str_eq(reason, "unable to get local issuer certificate (depth 0)");
	X509_free(leaf);
	trust_store_free(ts);
}
END_TEST

START_TEST(rejects_a_certificate_with_a_forged_signature)
{
	struct trust_store	*ts = store_with(ca);
	X509			*leaf;
	struct tp_cert_spec	 s = {
		.cn = "forged", .ku = "digitalSignature", .eku = "clientAuth",
	};

	/* Names the trusted CA as issuer, but signed by another key. */
	leaf = tp_cert(&s, leaf_key, ca, other_key);
	expect(ts, leaf, 0, TRUST_UNTRUSTED, "signature");
	X509_free(leaf);
	trust_store_free(ts);
}
END_TEST

START_TEST(rejects_an_expired_certificate)
{
	struct trust_store	*ts = store_with(ca);
	struct tp_cert_spec	 s = {
		.cn = "old", .eku = "clientAuth", .not_before = now - 10 * 86400,
		.not_after = now - 86400,
	};
	X509			*leaf = tp_cert(&s, leaf_key, ca, ca_key);

	expect(ts, leaf, 0, TRUST_EXPIRED, "certificate has expired (depth 0)");
	/* At a time inside its validity it verifies. */
	expect(ts, leaf, now - 5 * 86400, TRUST_OK, NULL);
	X509_free(leaf);
	trust_store_free(ts);
}
END_TEST

START_TEST(rejects_a_certificate_not_yet_valid)
{
	struct trust_store	*ts = store_with(ca);
	struct tp_cert_spec	 s = {
		.cn = "future", .eku = "clientAuth", .not_before = now + 86400,
		.not_after = now + 10 * 86400,
	};
	X509			*leaf = tp_cert(&s, leaf_key, ca, ca_key);

	expect(ts, leaf, 0, TRUST_NOT_YET_VALID, "certificate is not yet valid");
	expect(ts, leaf, now + 2 * 86400, TRUST_OK, NULL);
	X509_free(leaf);
	trust_store_free(ts);
}
END_TEST

START_TEST(uses_the_given_time_not_the_clock)
{
	struct trust_store	*ts = store_with(ca);
	X509			*leaf = tp_client(leaf_key, "client", ca, ca_key);

	/* tp_client is valid for 30 days. */
	expect(ts, leaf, now + 31 * 86400, TRUST_EXPIRED, "expired");
	expect(ts, leaf, now - 2 * 86400, TRUST_NOT_YET_VALID, NULL);
	X509_free(leaf);
	trust_store_free(ts);
}
END_TEST

START_TEST(rejects_a_certificate_only_for_server_auth)
{
	struct trust_store	*ts = store_with(ca);
	struct tp_cert_spec	 s = { .cn = "server", .eku = "serverAuth" };
	X509			*leaf = tp_cert(&s, leaf_key, ca, ca_key);

	expect(ts, leaf, 0, TRUST_WRONG_PURPOSE, "unsuitable certificate purpose (depth 0)");
	X509_free(leaf);
	trust_store_free(ts);
}
END_TEST

START_TEST(rejects_a_certificate_whose_key_usage_forbids_signing)
{
	struct trust_store	*ts = store_with(ca);
	struct tp_cert_spec	 s = { .cn = "enc", .ku = "keyEncipherment" };
	X509			*leaf = tp_cert(&s, leaf_key, ca, ca_key);

	expect(ts, leaf, 0, TRUST_WRONG_PURPOSE, NULL);
	X509_free(leaf);
	trust_store_free(ts);
}
END_TEST

START_TEST(rejects_a_chain_through_a_certificate_that_is_not_a_ca)
{
	struct trust_store	*ts = store_with(ca);
	struct tp_cert_spec	 mid_spec = { .cn = "not a CA", .eku = "clientAuth" };
	EVP_PKEY		*mid_key = tp_key(TP_EC_P256);
	X509			*mid = tp_cert(&mid_spec, mid_key, ca, ca_key);
	X509			*leaf = tp_client(leaf_key, "leaf", mid, mid_key);
	STACK_OF(X509)		*untrusted = sk_X509_new_null();
	char			 reason[200];

	sk_X509_push(untrusted, mid);
	ck_assert_int_eq(trust_store_verify(ts, leaf, untrusted, 0, NULL, reason,
	    sizeof(reason)), TRUST_UNTRUSTED);
	ck_assert_ptr_nonnull(strstr(reason, "invalid CA certificate (depth 1)"));
	sk_X509_free(untrusted);
	X509_free(leaf);
	X509_free(mid);
	EVP_PKEY_free(mid_key);
	trust_store_free(ts);
}
END_TEST

START_TEST(rejects_a_ca_certificate_as_the_client_certificate)
{
	struct trust_store	*ts = store_with(ca);
	struct tp_cert_spec	 sub_spec = {
		.cn = "Sub CA", .ca = 1, .ku = "digitalSignature,keyCertSign",
	};
	EVP_PKEY		*sub_key = tp_key(TP_EC_P256);
	X509			*sub = tp_cert(&sub_spec, sub_key, ca, ca_key);

	expect(ts, sub, 0, TRUST_UNTRUSTED,
	    "a CA certificate is not a client certificate");
	/* Pinned, the anchor itself, it is (openssl req -x509 says CA:TRUE). */
	trust_store_free(ts);
	ts = store_with(sub);
	expect(ts, sub, 0, TRUST_OK, NULL);
	X509_free(sub);
	EVP_PKEY_free(sub_key);
	trust_store_free(ts);
}
END_TEST

/* OpenSSL accepts keyCertSign alone as a CA; RFC 5280 does not. */
START_TEST(rejects_an_issuer_with_key_cert_sign_but_no_basic_constraints)
{
	struct tp_cert_spec	 kcs_spec = {
		.cn = "keyCertSign only", .no_bc = 1,
		.ku = "digitalSignature,keyCertSign",
	};
	EVP_PKEY		*kcs_key = tp_key(TP_EC_P256);
	X509			*kcs = tp_cert(&kcs_spec, kcs_key, NULL, NULL);
	X509			*leaf = tp_client(leaf_key, "device", kcs, kcs_key);
	struct trust_store	*ts = store_with(kcs);

	expect(ts, leaf, 0, TRUST_UNTRUSTED,
	    "issuer is not a CA: no basicConstraints CA:TRUE (depth 1)");
	X509_free(leaf);
	X509_free(kcs);
	EVP_PKEY_free(kcs_key);
	trust_store_free(ts);
}
END_TEST

START_TEST(builds_the_chain_through_untrusted_intermediates)
{
	struct trust_store	*ts = store_with(ca);
	struct tp_cert_spec	 mid_spec = {
		.cn = "Issuing CA", .ca = 1, .ku = "keyCertSign",
	};
	EVP_PKEY		*mid_key = tp_key(TP_EC_P256);
	X509			*mid = tp_cert(&mid_spec, mid_key, ca, ca_key);
	X509			*leaf = tp_client(leaf_key, "leaf", mid, mid_key);
	STACK_OF(X509)		*untrusted = sk_X509_new_null(), *chain = NULL;
	char			 reason[200];

	/* Without the intermediate there is no path. */
	expect(ts, leaf, 0, TRUST_UNTRUSTED, "unable to get local issuer");
	sk_X509_push(untrusted, mid);
	ck_assert_int_eq(trust_store_verify(ts, leaf, untrusted, 0, &chain, reason,
	    sizeof(reason)), TRUST_OK);
	ck_assert_int_eq(sk_X509_num(chain), 3);
	ck_assert_int_eq(X509_cmp(sk_X509_value(chain, 1), mid), 0);
	ck_assert_int_eq(X509_cmp(sk_X509_value(chain, 2), ca), 0);
	sk_X509_pop_free(chain, X509_free);
	sk_X509_free(untrusted);
	X509_free(leaf);
	X509_free(mid);
	EVP_PKEY_free(mid_key);
	trust_store_free(ts);
}
END_TEST

START_TEST(trusts_an_intermediate_as_an_anchor)
{
	struct tp_cert_spec	 mid_spec = {
		.cn = "Manufacturer CA", .ca = 1, .ku = "keyCertSign",
	};
	EVP_PKEY		*mid_key = tp_key(TP_EC_P256);
	X509			*mid = tp_cert(&mid_spec, mid_key, ca, ca_key);
	X509			*leaf = tp_client(leaf_key, "device", mid, mid_key);
	struct trust_store	*ts = store_with(mid);

	/* The root is not in the store: the partial chain is enough. */
	expect(ts, leaf, 0, TRUST_OK, NULL);
	X509_free(leaf);
	X509_free(mid);
	EVP_PKEY_free(mid_key);
	trust_store_free(ts);
}
END_TEST

START_TEST(loads_every_certificate_of_a_pem_file)
{
	char			 dir[TP_PATH_MAX], path[TP_PATH_MAX];
	X509			*both[2] = { ca, other_ca };
	struct trust_store	*ts = trust_store_new();
	struct diag		 d;

	tp_mkdtemp(dir);
	tp_write_certs(dir, "bundle.pem", both, 2);
	tp_path(path, dir, "bundle.pem");
	diag_init(&d);
	ck_assert_int_eq(trust_store_add_file(ts, path, &d), 2);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_uint_eq(trust_store_count(ts), 2);
	ck_assert_int_eq(X509_cmp(trust_store_cert(ts, 1), other_ca), 0);
	diag_free(&d);
	trust_store_free(ts);
	tp_rmtree(dir);
}
END_TEST

START_TEST(reports_files_that_are_missing_empty_or_broken)
{
	char			 dir[TP_PATH_MAX], path[TP_PATH_MAX], *pem, *cut, *both;
	struct trust_store	*ts = trust_store_new();
	struct diag		 d;

	tp_mkdtemp(dir);
	diag_init(&d);
	tp_path(path, dir, "absent.pem");
	ck_assert_int_eq(trust_store_add_file(ts, path, &d), -1);
	ck_assert(has(&d, "absent.pem: cannot open: No such file or directory"));

	tp_write_str(dir, "readme.txt", "no certificates here\n");
	tp_path(path, dir, "readme.txt");
	ck_assert_int_eq(trust_store_add_file(ts, path, &d), -1);
	ck_assert(has(&d, "readme.txt: no PEM certificate in file"));

	/* A good certificate followed by a damaged one. */
	pem = tp_cert_pem(ca);
	cut = tp_cert_pem(other_ca);
	memcpy(cut + 40, "@@@@", 4);
	ck_assert_int_gt(asprintf(&both, "%s%s", pem, cut), 0);
	tp_write_str(dir, "broken.pem", both);
	tp_path(path, dir, "broken.pem");
	ck_assert_int_eq(trust_store_add_file(ts, path, &d), -1);
	ck_assert(has(&d, "broken.pem: unreadable certificate"));
	ck_assert_uint_eq(diag_count(&d), 3);
	free(pem);
	free(cut);
	free(both);
	diag_free(&d);
	trust_store_free(ts);
	tp_rmtree(dir);
}
END_TEST

START_TEST(loads_a_directory_skipping_hidden_files_readme_and_subdirs)
{
	char			 dir[TP_PATH_MAX], sub[TP_PATH_MAX];
	struct trust_store	*ts = trust_store_new();
	struct diag		 d;
	EVP_PKEY		*k3 = tp_key(TP_EC_P256);
	X509			*third = tp_ca(k3, "Third CA");

	tp_mkdtemp(dir);
	tp_write_certs(dir, "b.pem", &other_ca, 1);
	tp_write_certs(dir, "a.pem", &ca, 1);
	tp_write_certs(dir, ".hidden.pem", &third, 1);
	tp_write_str(dir, "README", "Put CA certificates here.\n");
	tp_write_str(dir, "README.md", "# not a certificate\n");
	tp_path(sub, dir, "sub");
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	tp_write_certs(sub, "c.pem", &third, 1);
	diag_init(&d);
	ck_assert_int_eq(trust_store_add_dir(ts, dir, &d), 2);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_uint_eq(trust_store_count(ts), 2);
	/* In name order. */
	ck_assert_int_eq(X509_cmp(trust_store_cert(ts, 0), ca), 0);
	ck_assert_int_eq(X509_cmp(trust_store_cert(ts, 1), other_ca), 0);
	diag_free(&d);
	trust_store_free(ts);
	X509_free(third);
	EVP_PKEY_free(k3);
	tp_rmtree(dir);
}
END_TEST

START_TEST(refuses_the_systems_public_ca_store)
{
	char			 dir[TP_PATH_MAX], link[TP_PATH_MAX], *real;
	struct trust_store	*ts = trust_store_new();
	struct diag		 d;

	/* OpenSSL's default directory, where the system has one. */
	if ((real = realpath(X509_get_default_cert_dir(), NULL)) != NULL) {
		diag_init(&d);
		ck_assert_int_eq(trust_store_add_dir(ts, real, &d), -1);
		ck_assert(has(&d, "is the system's store of public CAs"));
		ck_assert_uint_eq(trust_store_count(ts), 0);
		diag_free(&d);
		free(real);
	}
	/* Its bundle file, linked into a directory of estd's own. */
	if ((real = realpath(X509_get_default_cert_file(), NULL)) != NULL) {
		tp_mkdtemp(dir);
		tp_write_certs(dir, "a.pem", &ca, 1);
		tp_path(link, dir, "public.pem");
		ck_assert_int_eq(symlink(real, link), 0);
		diag_init(&d);
		ck_assert_int_eq(trust_store_add_dir(ts, dir, &d), -1);
		ck_assert_uint_eq(diag_count(&d), 1);
		ck_assert(has(&d, "public.pem: is the system's bundle of public CAs"));
		ck_assert_uint_eq(trust_store_count(ts), 1);
		diag_free(&d);
		tp_rmtree(dir);
		free(real);
	}
	trust_store_free(ts);
}
END_TEST

/* Writes text as dir/name; loading it alone must fail with one message, why. */
static void
assert_file_refused(struct trust_store *ts, const char *dir, const char *name,
    const char *text, const char *why)
{
	char		 path[TP_PATH_MAX];
	struct diag	 d;

	tp_write_str(dir, name, text);
	tp_path(path, dir, name);
	diag_init(&d);
	ck_assert_int_eq(trust_store_add_file(ts, path, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_msg(has(&d, why), "%s: %s", name, d.n ? d.msgs[0] : "-");
	diag_free(&d);
}

START_TEST(refuses_a_file_holding_a_crl_or_a_key)
{
	char			 dir[TP_PATH_MAX], *pem, *text;
	struct trust_store	*ts = trust_store_new();
	struct diag		 d;

	/* Skipped without a word, a CRL here would look as if it were checked. */
	tp_mkdtemp(dir);
	pem = tp_cert_pem(ca);
	ck_assert_int_gt(asprintf(&text, "%s-----BEGIN X509 CRL-----\nMAA=\n"
	    "-----END X509 CRL-----\n", pem), 0);
	assert_file_refused(ts, dir, "ca-and-crl.pem", text, "ca-and-crl.pem: "
	    "holds a X509 CRL block, not a certificate (estd checks no "
	    "revocation lists: the front server does");
	free(text);
	ck_assert_int_gt(asprintf(&text, "-----BEGIN PRIVATE KEY-----\nMAA=\n"
	    "-----END PRIVATE KEY-----\n%s", pem), 0);
	assert_file_refused(ts, dir, "ca-and-key.pem", text, "ca-and-key.pem: "
	    "holds a PRIVATE KEY block, not a certificate");
	free(text);
	/* In a directory too; the certificate alone is fine. */
	tp_write_str(dir, "ca.pem", pem);
	diag_init(&d);
	ck_assert_int_eq(trust_store_add_dir(ts, dir, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 2);
	diag_free(&d);
	free(pem);
	trust_store_free(ts);
	tp_rmtree(dir);
}
END_TEST

START_TEST(reports_a_dangling_link_in_the_directory)
{
	char			 dir[TP_PATH_MAX], link[TP_PATH_MAX];
	struct trust_store	*ts = trust_store_new();
	struct diag		 d;

	tp_mkdtemp(dir);
	tp_write_certs(dir, "a.pem", &ca, 1);
	tp_path(link, dir, "manufacturer.pem");
	ck_assert_int_eq(symlink("/nonexistent/manufacturer-ca.pem", link), 0);
	diag_init(&d);
	ck_assert_int_eq(trust_store_add_dir(ts, dir, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "manufacturer.pem: cannot read: No such file or directory"));
	diag_free(&d);
	trust_store_free(ts);
	tp_rmtree(dir);
}
END_TEST

START_TEST(reports_a_directory_with_a_bad_file_or_that_is_missing)
{
	char			 dir[TP_PATH_MAX], path[TP_PATH_MAX];
	struct trust_store	*ts = trust_store_new();
	struct diag		 d;

	tp_mkdtemp(dir);
	diag_init(&d);
	tp_write_certs(dir, "a.pem", &ca, 1);
	tp_write_str(dir, "notes.txt", "hello\n");
	ck_assert_int_eq(trust_store_add_dir(ts, dir, &d), -1);
	ck_assert(has(&d, "notes.txt: no PEM certificate in file"));
	tp_path(path, dir, "absent");
	ck_assert_int_eq(trust_store_add_dir(ts, path, &d), -1);
	ck_assert(has(&d, "absent: cannot open trust store directory"));
	ck_assert_uint_eq(diag_count(&d), 2);
	diag_free(&d);
	trust_store_free(ts);
	tp_rmtree(dir);
}
END_TEST

START_TEST(an_empty_directory_adds_nothing)
{
	char			 dir[TP_PATH_MAX];
	struct trust_store	*ts = trust_store_new();
	struct diag		 d;

	tp_mkdtemp(dir);
	diag_init(&d);
	ck_assert_int_eq(trust_store_add_dir(ts, dir, &d), 0);
	ck_assert_uint_eq(diag_count(&d), 0);
	diag_free(&d);
	trust_store_free(ts);
	tp_rmtree(dir);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("truststore");
	TCase	*tc = tcase_create("truststore");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, new_store_is_empty);
	tcase_add_test(tc, adds_a_certificate_once);
	tcase_add_test(tc, verifies_a_client_certificate_and_returns_the_chain);
	tcase_add_test(tc, rejects_a_certificate_from_another_ca);
	tcase_add_test(tc, rejects_a_certificate_with_a_forged_signature);
	tcase_add_test(tc, rejects_an_expired_certificate);
	tcase_add_test(tc, rejects_a_certificate_not_yet_valid);
	tcase_add_test(tc, uses_the_given_time_not_the_clock);
	tcase_add_test(tc, rejects_a_certificate_only_for_server_auth);
	tcase_add_test(tc, rejects_a_certificate_whose_key_usage_forbids_signing);
	tcase_add_test(tc, rejects_a_chain_through_a_certificate_that_is_not_a_ca);
	tcase_add_test(tc, rejects_a_ca_certificate_as_the_client_certificate);
	tcase_add_test(tc, rejects_an_issuer_with_key_cert_sign_but_no_basic_constraints);
	tcase_add_test(tc, builds_the_chain_through_untrusted_intermediates);
	tcase_add_test(tc, reports_a_dangling_link_in_the_directory);
	tcase_add_test(tc, refuses_a_file_holding_a_crl_or_a_key);
	tcase_add_test(tc, refuses_the_systems_public_ca_store);
	tcase_add_test(tc, trusts_an_intermediate_as_an_anchor);
	tcase_add_test(tc, loads_every_certificate_of_a_pem_file);
	tcase_add_test(tc, reports_files_that_are_missing_empty_or_broken);
	tcase_add_test(tc, loads_a_directory_skipping_hidden_files_readme_and_subdirs);
	tcase_add_test(tc, reports_a_directory_with_a_bad_file_or_that_is_missing);
	tcase_add_test(tc, an_empty_directory_adds_nothing);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
