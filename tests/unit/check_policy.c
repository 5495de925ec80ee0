/* check_policy: the pure issuance decision. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/x509v3.h>

#include "est/b64.h"
#include "est/policy.h"
#include "testpki.h"

#define DAY	86400L

static struct est_config cfg;
static const time_t NOW = 1700000000;		/* 2023-11-14 */
static const time_t CA_END = 1700000000 + 3650L * 86400;

static void
setup(void)
{
	config_defaults(&cfg);
}

/* A parsed CSR for a fresh key of type kt. */
static void
mk(enum tp_key_type kt, const struct tp_csr_spec *spec, struct csr_info *info)
{
	EVP_PKEY	*key = tp_key(kt);
	struct buf	 der;
	char		 reason[128];

	buf_init(&der);
	tp_csr_der(key, spec, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, info, reason,
	    sizeof(reason)), CSR_OK);
	buf_free(&der);
	EVP_PKEY_free(key);
}

/* policy_check_key; returns its result, reason in r. */
static int
key_check(enum tp_key_type kt, char *r, size_t rlen)
{
	struct tp_csr_spec	spec = { .cn = "d" };
	struct csr_info		info;
	int			rc;

	mk(kt, &spec, &info);
	r[0] = '\0';
	rc = policy_check_key(&cfg.labels[0].profile, &info, r, rlen);
	csr_info_free(&info);
	return rc;
}

static int
request_check(const struct tp_csr_spec *spec, char *r, size_t rlen)
{
	struct csr_info	info;
	int		rc;

	mk(TP_EC_P256, spec, &info);
	r[0] = '\0';
	rc = policy_check_request(&cfg.labels[0].profile, &info, r, rlen);
	csr_info_free(&info);
	return rc;
}

START_TEST(names_operations)
{
	ck_assert_str_eq(est_op_name(EST_OP_NONE), "-");
	ck_assert_str_eq(est_op_name(EST_OP_CACERTS), "cacerts");
	ck_assert_str_eq(est_op_name(EST_OP_SIMPLEENROLL), "simpleenroll");
	ck_assert_str_eq(est_op_name(EST_OP_SIMPLEREENROLL), "simplereenroll");
	ck_assert_str_eq(est_op_name(EST_OP_MAX), "-");
}
END_TEST

START_TEST(accepts_allowed_curves_and_rsa_sizes)
{
	char r[200];

	ck_assert_int_eq(key_check(TP_EC_P256, r, sizeof(r)), 0);
	ck_assert_int_eq(key_check(TP_EC_P384, r, sizeof(r)), 0);
	ck_assert_int_eq(key_check(TP_RSA_2048, r, sizeof(r)), 0);
	ck_assert_str_eq(r, "");
}
END_TEST

START_TEST(rejects_a_curve_not_in_the_profile)
{
	char r[200];

	ck_assert_int_eq(key_check(TP_EC_SECP256K1, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "EC secp256k1 key: curve not allowed");
	cfg.labels[0].profile.ec_curve_nids[0] = NID_secp256k1;
	cfg.labels[0].profile.n_ec_curves = 1;
	ck_assert_int_eq(key_check(TP_EC_SECP256K1, r, sizeof(r)), 0);
	ck_assert_int_eq(key_check(TP_EC_P256, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "EC P-256 key: curve not allowed");
	cfg.labels[0].profile.n_ec_curves = 0;
	ck_assert_int_eq(key_check(TP_EC_SECP256K1, r, sizeof(r)), -1);
}
END_TEST

START_TEST(rejects_rsa_keys_outside_the_size_bounds)
{
	char r[200];

	ck_assert_int_eq(key_check(TP_RSA_1024, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "RSA-1024 key is below the minimum of 2048 bits");
	cfg.labels[0].profile.rsa_min_bits = 1024;
	ck_assert_int_eq(key_check(TP_RSA_1024, r, sizeof(r)), 0);
	cfg.labels[0].profile.rsa_max_bits = 1024;
	ck_assert_int_eq(key_check(TP_RSA_2048, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "RSA-2048 key is above the maximum of 1024 bits");
}
END_TEST

START_TEST(rejects_key_types_it_does_not_know)
{
	char r[200];

	ck_assert_int_eq(key_check(TP_ED25519, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "ED25519 keys are not allowed");
}
END_TEST

START_TEST(accepts_a_plain_request)
{
	struct tp_csr_spec	spec = { .cn = "d", .san = "DNS:a,DNS:b" };
	char			r[200];

	ck_assert_int_eq(request_check(&spec, r, sizeof(r)), 0);
	ck_assert_str_eq(r, "");
}
END_TEST

START_TEST(rejects_a_request_that_names_nothing)
{
	struct tp_csr_spec	spec = { .o = NULL };
	char			r[200];

	ck_assert_int_eq(request_check(&spec, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR has neither a subject nor a subjectAltName");
	spec.san = "DNS:only.example";
	ck_assert_int_eq(request_check(&spec, r, sizeof(r)), 0);
}
END_TEST

START_TEST(limits_the_san_count)
{
	struct tp_csr_spec	spec = { .cn = "d", .san = "DNS:a,DNS:b,DNS:c" };
	char			r[200];

	cfg.labels[0].profile.max_san_entries = 3;
	ck_assert_int_eq(request_check(&spec, r, sizeof(r)), 0);
	cfg.labels[0].profile.max_san_entries = 2;
	ck_assert_int_eq(request_check(&spec, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR has 3 subjectAltName entries, more than the 2 allowed");
	cfg.labels[0].profile.max_san_entries = 0;
	ck_assert_int_eq(request_check(&spec, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR has 3 subjectAltName entries, more than the 0 allowed");
}
END_TEST

START_TEST(refuses_a_challenge_password)
{
	struct tp_csr_spec	spec = { .cn = "d", .challenge_password = "pw" };
	char			r[200];

	ck_assert_int_eq(request_check(&spec, r, sizeof(r)), -1);
	ck_assert_ptr_nonnull(strstr(r, "CSR carries a challengePassword"));
	ck_assert_ptr_nonnull(strstr(r, "cannot check"));
}
END_TEST

START_TEST(refuses_change_subject_name)
{
	struct tp_csr_spec	spec = { .cn = "d", .change_subject_name = 1 };
	char			r[200];

	ck_assert_int_eq(request_check(&spec, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR carries a ChangeSubjectName attribute, which is not allowed");
}
END_TEST

/* The certificate being renewed: CN=cn, SAN san (may be NULL). */
static X509 *
current_cert(const char *cn, const char *san)
{
	EVP_PKEY		*k = tp_key(TP_EC_P256);
	struct tp_cert_spec	 s = { .cn = cn, .san = san, .eku = "clientAuth" };
	X509			*x = tp_cert(&s, k, NULL, NULL);

	EVP_PKEY_free(k);
	return x;
}

static int
reenroll_check(const char *cert_cn, const char *cert_san,
    const struct tp_csr_spec *spec, char *r, size_t rlen)
{
	X509		*cur = current_cert(cert_cn, cert_san);
	struct csr_info	 info;
	int		 rc;

	mk(TP_EC_P256, spec, &info);
	r[0] = '\0';
	rc = policy_check_reenroll(&info, cur, r, rlen);
	csr_info_free(&info);
	X509_free(cur);
	return rc;
}

START_TEST(reenroll_accepts_the_same_subject_and_san)
{
	struct tp_csr_spec	spec = { .cn = "dev", .san = "DNS:dev.example,IP:10.0.0.1" };
	struct tp_csr_spec	nosan = { .cn = "dev" };
	char			r[200];

	ck_assert_int_eq(reenroll_check("dev", "DNS:dev.example,IP:10.0.0.1", &spec,
	    r, sizeof(r)), 0);
	ck_assert_str_eq(r, "");
	ck_assert_int_eq(reenroll_check("dev", NULL, &nosan, r, sizeof(r)), 0);
}
END_TEST

START_TEST(reenroll_rejects_a_different_subject)
{
	struct tp_csr_spec	spec = { .cn = "other" };
	struct tp_csr_spec	more = { .cn = "dev", .o = "Org" };
	char			r[200];

	ck_assert_int_eq(reenroll_check("dev", NULL, &spec, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "re-enrollment CSR subject differs from the "
	    "certificate being renewed");
	ck_assert_int_eq(reenroll_check("dev", NULL, &more, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "re-enrollment CSR subject differs from the "
	    "certificate being renewed");
}
END_TEST

START_TEST(reenroll_rejects_a_different_san)
{
	static const char want[] = "re-enrollment CSR subjectAltName differs "
	    "from the certificate being renewed";
	struct tp_csr_spec	other = { .cn = "dev", .san = "DNS:evil.example" };
	struct tp_csr_spec	added = { .cn = "dev", .san = "DNS:dev.example,DNS:x" };
	struct tp_csr_spec	none = { .cn = "dev" };
	struct tp_csr_spec	some = { .cn = "dev", .san = "DNS:dev.example" };
	char			r[200];

	ck_assert_int_eq(reenroll_check("dev", "DNS:dev.example", &other, r,
	    sizeof(r)), -1);
	ck_assert_str_eq(r, want);
	ck_assert_int_eq(reenroll_check("dev", "DNS:dev.example", &added, r,
	    sizeof(r)), -1);
	ck_assert_str_eq(r, want);
	/* Dropping the SAN, or adding one, is a change too. */
	ck_assert_int_eq(reenroll_check("dev", "DNS:dev.example", &none, r,
	    sizeof(r)), -1);
	ck_assert_str_eq(r, want);
	ck_assert_int_eq(reenroll_check("dev", NULL, &some, r, sizeof(r)), -1);
	ck_assert_str_eq(r, want);
}
END_TEST

static void
plan_for(enum tp_key_type kt, time_t ca_end, struct issue_plan *plan)
{
	struct tp_csr_spec	spec = { .cn = "d" };
	struct csr_info		info;

	mk(kt, &spec, &info);
	memset(plan, 0x5a, sizeof(*plan));
	policy_plan(&cfg.labels[0].profile, &info, NOW, ca_end, plan);
	csr_info_free(&info);
}

START_TEST(plans_validity_from_now_for_the_profile_days)
{
	struct issue_plan plan;

	cfg.labels[0].profile.validity_days = 90;
	plan_for(TP_EC_P256, CA_END, &plan);
	ck_assert_int_eq(plan.not_before, NOW);
	ck_assert_int_eq(plan.not_after, NOW + 90 * DAY);
	ck_assert_ptr_eq(plan.eku_nids, cfg.labels[0].profile.eku_nids);
	ck_assert_uint_eq(plan.n_eku, 2);
}
END_TEST

START_TEST(caps_validity_at_ca_not_after)
{
	struct issue_plan plan;

	plan_for(TP_EC_P256, NOW + 10 * DAY, &plan);
	ck_assert_int_eq(plan.not_before, NOW);
	ck_assert_int_eq(plan.not_after, NOW + 10 * DAY);
	/* Exactly at the CA's end: not capped, not extended. */
	cfg.labels[0].profile.validity_days = 10;
	plan_for(TP_EC_P256, NOW + 10 * DAY, &plan);
	ck_assert_int_eq(plan.not_after, NOW + 10 * DAY);
}
END_TEST

START_TEST(keeps_key_encipherment_only_for_rsa)
{
	struct issue_plan plan;

	cfg.labels[0].profile.key_usage = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT |
	    KU_DATA_ENCIPHERMENT | KU_KEY_AGREEMENT;
	plan_for(TP_RSA_2048, CA_END, &plan);
	ck_assert_uint_eq(plan.key_usage, KU_DIGITAL_SIGNATURE |
	    KU_KEY_ENCIPHERMENT | KU_DATA_ENCIPHERMENT);
	plan_for(TP_EC_P256, CA_END, &plan);
	ck_assert_uint_eq(plan.key_usage, KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT);
	plan_for(TP_ED25519, CA_END, &plan);
	ck_assert_uint_eq(plan.key_usage, KU_DIGITAL_SIGNATURE);
}
END_TEST

START_TEST(keeps_other_key_usages_as_configured)
{
	struct issue_plan plan;

	cfg.labels[0].profile.key_usage = KU_NON_REPUDIATION;
	plan_for(TP_EC_P256, CA_END, &plan);
	ck_assert_uint_eq(plan.key_usage, KU_NON_REPUDIATION);
	cfg.labels[0].profile.key_usage = 0;
	plan_for(TP_RSA_2048, CA_END, &plan);
	ck_assert_uint_eq(plan.key_usage, 0);
}
END_TEST

/* policy_decide for op with a client cert, CSR from spec. */
static int
decide(enum est_op op, enum tp_key_type kt, const struct tp_csr_spec *spec,
    X509 *client_cert, int issued_by_ca, time_t ca_end, struct issue_plan *plan,
    char *r, size_t rlen)
{
	struct policy_client	client = { client_cert, issued_by_ca };
	struct csr_info		info;
	int			rc;

	mk(kt, spec, &info);
	r[0] = '\0';
	rc = policy_decide(&cfg.labels[0].profile, op, &info, &client, NOW, ca_end, plan,
	    r, rlen);
	csr_info_free(&info);
	return rc;
}

START_TEST(decides_to_issue_for_an_acceptable_enrollment)
{
	struct tp_csr_spec	 spec = { .cn = "new-device" };
	X509			*client = current_cert("bootstrap", NULL);
	struct issue_plan	 plan;
	char			 r[200];

	memset(&plan, 0, sizeof(plan));
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &spec, client, 0,
	    CA_END, &plan, r, sizeof(r)), 0);
	ck_assert_str_eq(r, "");
	ck_assert_int_eq(plan.not_before, NOW);
	ck_assert_int_eq(plan.not_after, NOW + 365 * DAY);
	ck_assert_uint_eq(plan.key_usage, KU_DIGITAL_SIGNATURE);
	ck_assert_uint_eq(plan.n_eku, 2);
	X509_free(client);
}
END_TEST

START_TEST(decides_only_for_issuing_operations)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	X509			*client = current_cert("c", NULL);
	struct issue_plan	 plan;
	char			 r[200];

	ck_assert_int_eq(decide(EST_OP_CACERTS, TP_EC_P256, &spec, client, 0,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "operation does not issue certificates");
	ck_assert_int_eq(decide(EST_OP_NONE, TP_EC_P256, &spec, client, 0,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "operation does not issue certificates");
	X509_free(client);
}
END_TEST

START_TEST(refuses_without_an_authenticated_client)
{
	struct tp_csr_spec	spec = { .cn = "d" };
	struct csr_info		info;
	struct issue_plan	plan;
	char			r[200];

	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &spec, NULL, 0,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "no authenticated client");
	mk(TP_EC_P256, &spec, &info);
	ck_assert_int_eq(policy_decide(&cfg.labels[0].profile, EST_OP_SIMPLEENROLL, &info,
	    NULL, NOW, CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "no authenticated client");
	csr_info_free(&info);
}
END_TEST

START_TEST(decide_applies_key_and_request_checks)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct tp_csr_spec	 pw = { .cn = "d", .challenge_password = "x" };
	X509			*client = current_cert("c", NULL);
	struct issue_plan	 plan;
	char			 r[200];

	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_RSA_1024, &spec, client, 0,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "RSA-1024 key is below the minimum of 2048 bits");
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &pw, client, 0,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_ptr_nonnull(strstr(r, "challengePassword"));
	X509_free(client);
}
END_TEST

START_TEST(reenroll_requires_a_certificate_from_this_ca)
{
	struct tp_csr_spec	 spec = { .cn = "dev" };
	X509			*client = current_cert("dev", NULL);
	struct issue_plan	 plan;
	char			 r[200];

	ck_assert_int_eq(decide(EST_OP_SIMPLEREENROLL, TP_EC_P256, &spec, client, 0,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "re-enrollment requires a certificate issued by this CA");
	ck_assert_int_eq(decide(EST_OP_SIMPLEREENROLL, TP_EC_P256, &spec, client, 1,
	    CA_END, &plan, r, sizeof(r)), 0);
	/* Plain enrollment does not care who issued the client certificate. */
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &spec, client, 0,
	    CA_END, &plan, r, sizeof(r)), 0);
	X509_free(client);
}
END_TEST

START_TEST(reenroll_decision_checks_identity)
{
	struct tp_csr_spec	 spec = { .cn = "someone-else" };
	X509			*client = current_cert("dev", NULL);
	struct issue_plan	 plan;
	char			 r[200];

	ck_assert_int_eq(decide(EST_OP_SIMPLEREENROLL, TP_EC_P256, &spec, client, 1,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_ptr_nonnull(strstr(r, "subject differs"));
	/* Enrollment may name anything. */
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &spec, client, 0,
	    CA_END, &plan, r, sizeof(r)), 0);
	X509_free(client);
}
END_TEST

START_TEST(refuses_to_issue_when_the_ca_has_expired)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	X509			*client = current_cert("c", NULL);
	struct issue_plan	 plan;
	char			 r[200];

	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &spec, client, 0,
	    NOW, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "the CA certificate has expired");
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &spec, client, 0,
	    NOW - 1, &plan, r, sizeof(r)), -1);
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &spec, client, 0,
	    NOW + 1, &plan, r, sizeof(r)), 0);
	ck_assert_int_eq(plan.not_after, NOW + 1);
	X509_free(client);
}
END_TEST

START_TEST(refuses_the_rfc7030_a3_request_for_its_challenge_password)
{
	struct buf		 b64, der;
	struct csr_info		 info;
	struct issue_plan	 plan;
	X509			*client = current_cert("c", NULL);
	struct policy_client	 pc = { client, 0 };
	char			 r[200];

	buf_init(&b64);
	buf_init(&der);
	tp_read_data("rfc7030-A3-simpleenroll-request.b64", &b64);
	ck_assert_int_eq(b64_decode(b64.data, b64.len, &der), B64_OK);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)), CSR_OK);
	/* Signed with SHA-1: refused by default, allowed here to reach the
	 * next rule. Its RSA-2048 key passes; the challengePassword does not. */
	ck_assert_int_eq(policy_check_key(&cfg.labels[0].profile, &info, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR signature hash SHA1 is not allowed");
	cfg.labels[0].profile.digest_nids[cfg.labels[0].profile.n_digests++] = NID_sha1;
	ck_assert_int_eq(policy_check_key(&cfg.labels[0].profile, &info, r, sizeof(r)), 0);
	ck_assert_int_eq(policy_decide(&cfg.labels[0].profile, EST_OP_SIMPLEENROLL, &info, &pc,
	    NOW, CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_ptr_nonnull(strstr(r, "CSR carries a challengePassword"));
	csr_info_free(&info);
	buf_free(&b64);
	buf_free(&der);
	X509_free(client);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("policy");
	TCase	*tc = tcase_create("policy");

	tp_preload_rsa();
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, names_operations);
	tcase_add_test(tc, accepts_allowed_curves_and_rsa_sizes);
	tcase_add_test(tc, rejects_a_curve_not_in_the_profile);
	tcase_add_test(tc, rejects_rsa_keys_outside_the_size_bounds);
	tcase_add_test(tc, rejects_key_types_it_does_not_know);
	tcase_add_test(tc, accepts_a_plain_request);
	tcase_add_test(tc, rejects_a_request_that_names_nothing);
	tcase_add_test(tc, limits_the_san_count);
	tcase_add_test(tc, refuses_a_challenge_password);
	tcase_add_test(tc, refuses_change_subject_name);
	tcase_add_test(tc, reenroll_accepts_the_same_subject_and_san);
	tcase_add_test(tc, reenroll_rejects_a_different_subject);
	tcase_add_test(tc, reenroll_rejects_a_different_san);
	tcase_add_test(tc, plans_validity_from_now_for_the_profile_days);
	tcase_add_test(tc, caps_validity_at_ca_not_after);
	tcase_add_test(tc, keeps_key_encipherment_only_for_rsa);
	tcase_add_test(tc, keeps_other_key_usages_as_configured);
	tcase_add_test(tc, decides_to_issue_for_an_acceptable_enrollment);
	tcase_add_test(tc, decides_only_for_issuing_operations);
	tcase_add_test(tc, refuses_without_an_authenticated_client);
	tcase_add_test(tc, decide_applies_key_and_request_checks);
	tcase_add_test(tc, reenroll_requires_a_certificate_from_this_ca);
	tcase_add_test(tc, reenroll_decision_checks_identity);
	tcase_add_test(tc, refuses_to_issue_when_the_ca_has_expired);
	tcase_add_test(tc, refuses_the_rfc7030_a3_request_for_its_challenge_password);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
