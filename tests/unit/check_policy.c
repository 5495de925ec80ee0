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

START_TEST(refuses_ec_keys_with_explicit_parameters)
{
	struct tp_csr_spec	spec = { .cn = "d" };
	struct csr_info		info;
	char			r[200];

	mk(TP_EC_P256, &spec, &info);
	ck_assert_int_eq(policy_check_key(&cfg.labels[0].profile, &info, r,
	    sizeof(r)), 0);
	info.ec_explicit = 1;	/* as csr_parse marks spelled-out parameters */
	ck_assert_int_eq(policy_check_key(&cfg.labels[0].profile, &info, r,
	    sizeof(r)), -1);
	ck_assert_str_eq(r, "EC key with explicit curve parameters: only named "
	    "curves are allowed");
	csr_info_free(&info);
}
END_TEST

START_TEST(refuses_control_characters_in_subject_and_names)
{
	struct tp_csr_spec	bad_cn = { .cn = "a\x01b" };
	struct tp_csr_spec	bad_dns = { .cn = "d", .san = "DNS:a\tb.example" };
	struct tp_csr_spec	good = { .cn = "d", .san = "DNS:ab.example" };
	char			r[200];

	ck_assert_int_eq(request_check(&bad_cn, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR subject contains control characters");
	ck_assert_int_eq(request_check(&bad_dns, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR subjectAltName contains control characters");
	ck_assert_int_eq(request_check(&good, r, sizeof(r)), 0);
}
END_TEST

START_TEST(refuses_more_than_one_common_name)
{
	struct tp_csr_spec	two = { .cn = "device-1", .o = "Org", .cn2 = "www.bank.example" };
	struct tp_csr_spec	bmp = { .cn = "device-1", .cn_bmp = "device-1" };
	char			r[200];

	ck_assert_int_eq(request_check(&two, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR subject has more than one commonName");
	ck_assert_int_eq(request_check(&bmp, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR subject has more than one commonName");
}
END_TEST

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

START_TEST(names_an_rsa_pss_key_as_such_when_refusing_it)
{
	struct tp_csr_spec	spec = { .cn = "d" };
	struct csr_info		info;
	struct buf		der;
	EVP_PKEY		*key = tp_key(TP_RSA_PSS_2048);
	char			r[200];

	buf_init(&der);
	tp_csr_der(key, &spec, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)),
	    CSR_OK);
	ck_assert_int_eq(policy_check_key(&cfg.labels[0].profile, &info, r,
	    sizeof(r)), -1);
	ck_assert_str_eq(r, "RSA-PSS-2048 keys are not allowed");
	csr_info_free(&info);
	buf_free(&der);
	EVP_PKEY_free(key);
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
	/* Identical means byte for byte: not case- or space-folded. */
	spec.cn = "DEV";
	ck_assert_int_eq(reenroll_check("dev", NULL, &spec, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "re-enrollment CSR subject differs from the "
	    "certificate being renewed");
	spec.cn = " dev ";
	ck_assert_int_eq(reenroll_check("dev", NULL, &spec, r, sizeof(r)), -1);
	spec.cn = NULL;
	spec.cn_bmp = "dev";	/* same text, another string type */
	ck_assert_int_eq(reenroll_check("dev", NULL, &spec, r, sizeof(r)), -1);
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
	ck_assert_int_eq(plan.not_before, NOW - 60);
	ck_assert_int_eq(plan.not_after, NOW + 90 * DAY);
	ck_assert_ptr_eq(plan.eku_nids, cfg.labels[0].profile.eku_nids);
	ck_assert_uint_eq(plan.n_eku, 2);
}
END_TEST

/* notBefore a little in the past, for clients whose clock lags; notAfter
 * counts from now. */
START_TEST(backdates_not_before_by_the_profile_seconds)
{
	struct issue_plan plan;

	cfg.labels[0].profile.backdate_seconds = 0;
	plan_for(TP_EC_P256, CA_END, &plan);
	ck_assert_int_eq(plan.not_before, NOW);
	ck_assert_int_eq(plan.not_after, NOW + 365 * DAY);
	cfg.labels[0].profile.backdate_seconds = 3600;
	plan_for(TP_EC_P256, CA_END, &plan);
	ck_assert_int_eq(plan.not_before, NOW - 3600);
	ck_assert_int_eq(plan.not_after, NOW + 365 * DAY);
}
END_TEST

START_TEST(caps_validity_at_ca_not_after)
{
	struct issue_plan plan;

	plan_for(TP_EC_P256, NOW + 10 * DAY, &plan);
	ck_assert_int_eq(plan.not_before, NOW - 60);
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
	struct policy_client	client = { .cert = client_cert, .issued_by_ca = issued_by_ca };
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
	ck_assert_int_eq(plan.not_before, NOW - 60);
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
	struct policy_client	 pc = { .cert = client };
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

/* policy_check_names for a P-256 CSR from spec and client; reason in r. */
static int
names_check(const struct tp_csr_spec *spec, const struct policy_client *client,
    char *r, size_t rlen)
{
	struct policy_client	none = { .cert = NULL };
	struct csr_info		info;
	int			rc;

	mk(TP_EC_P256, spec, &info);
	strcpy(r, "untouched");
	rc = policy_check_names(&cfg.labels[0].profile, &info,
	    client != NULL ? client : &none, r, rlen);
	csr_info_free(&info);
	return rc;
}

/* 0 if a CSR with SAN san passes the name rules; reason in r. */
static int
san_check(const char *san, char *r, size_t rlen)
{
	struct tp_csr_spec spec = { .cn = "d", .san = san };

	return names_check(&spec, NULL, r, rlen);
}

static void
add_suffix(const char *s)
{
	struct est_profile *pr = &cfg.labels[0].profile;

	pr->dns_suffixes[pr->n_dns_suffixes++] = (char *)s;
}

static void
add_range(const char *s)
{
	struct est_profile *pr = &cfg.labels[0].profile;

	ck_assert_int_eq(config_parse_ip_range(s, &pr->ip_ranges[pr->n_ip_ranges]), 0);
	pr->n_ip_ranges++;
}

START_TEST(key_types_limit_the_key_algorithms)
{
	char r[200];

	cfg.labels[0].profile.key_types = PROFILE_KEY_EC;
	ck_assert_int_eq(key_check(TP_RSA_2048, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "RSA-2048 keys are not allowed");
	ck_assert_int_eq(key_check(TP_EC_P256, r, sizeof(r)), 0);
	cfg.labels[0].profile.key_types = PROFILE_KEY_RSA;
	ck_assert_int_eq(key_check(TP_EC_P256, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "EC P-256 keys are not allowed");
	ck_assert_int_eq(key_check(TP_RSA_2048, r, sizeof(r)), 0);
}
END_TEST

/* policy_check_key for a P-256 CSR signed with digest. */
static int
digest_check(enum tp_key_type kt, const char *digest, char *r, size_t rlen)
{
	struct tp_csr_spec	spec = { .cn = "d", .digest = digest };
	struct csr_info		info;
	int			rc;

	mk(kt, &spec, &info);
	r[0] = '\0';
	rc = policy_check_key(&cfg.labels[0].profile, &info, r, rlen);
	csr_info_free(&info);
	return rc;
}

START_TEST(signature_digests_refuse_sha1_by_default)
{
	char r[200];

	ck_assert_int_eq(digest_check(TP_EC_P256, "SHA1", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR signature hash SHA1 is not allowed");
	ck_assert_int_eq(digest_check(TP_RSA_2048, "SHA1", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR signature hash SHA1 is not allowed");
	ck_assert_int_eq(digest_check(TP_EC_P256, "SHA256", r, sizeof(r)), 0);
	ck_assert_int_eq(digest_check(TP_EC_P384, "SHA384", r, sizeof(r)), 0);
	ck_assert_int_eq(digest_check(TP_RSA_2048, "SHA512", r, sizeof(r)), 0);
	ck_assert_int_eq(digest_check(TP_EC_P256, "SHA224", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR signature hash SHA224 is not allowed");
}
END_TEST

START_TEST(signature_digests_allow_exactly_the_configured_hashes)
{
	char r[200];

	cfg.labels[0].profile.digest_nids[0] = NID_sha384;
	cfg.labels[0].profile.n_digests = 1;
	ck_assert_int_eq(digest_check(TP_EC_P384, "SHA384", r, sizeof(r)), 0);
	ck_assert_int_eq(digest_check(TP_EC_P384, "SHA256", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR signature hash SHA256 is not allowed");
	cfg.labels[0].profile.digest_nids[1] = NID_sha1;
	cfg.labels[0].profile.n_digests = 2;
	ck_assert_int_eq(digest_check(TP_EC_P256, "SHA1", r, sizeof(r)), 0);
	cfg.labels[0].profile.n_digests = 0;
	ck_assert_int_eq(digest_check(TP_EC_P384, "SHA384", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR signature hash SHA384 is not allowed");
}
END_TEST

START_TEST(san_types_limit_the_kinds_of_names)
{
	char r[200];

	cfg.labels[0].profile.san_types = PROFILE_SAN_DNS;
	ck_assert_int_eq(san_check("DNS:a.example", r, sizeof(r)), 0);
	ck_assert_str_eq(r, "untouched");
	ck_assert_int_eq(san_check("DNS:a.example,IP:10.0.0.1", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subjectAltName type 7 is not allowed");
	ck_assert_int_eq(san_check("email:a@example.com", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subjectAltName type 1 is not allowed");
	ck_assert_int_eq(san_check("URI:https://a.example/", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subjectAltName type 6 is not allowed");
	ck_assert_int_eq(san_check("RID:1.2.3.4", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subjectAltName type 8 is not allowed");
	cfg.labels[0].profile.san_types = PROFILE_SAN_IP | PROFILE_SAN_EMAIL |
	    PROFILE_SAN_URI;
	ck_assert_int_eq(san_check("DNS:a.example", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subjectAltName type 2 is not allowed");
	ck_assert_int_eq(san_check("IP:10.0.0.1,email:a@b,URI:urn:x", r, sizeof(r)), 0);
	/* Types outside the four are never allowed. */
	cfg.labels[0].profile.san_types = ~0u;
	ck_assert_int_eq(san_check("RID:1.2.3.4", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subjectAltName type 8 is not allowed");
}
END_TEST

START_TEST(dns_suffixes_allow_the_domain_and_names_below_it)
{
	char r[200];

	add_suffix("example.com");
	ck_assert_int_eq(san_check("DNS:example.com", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("DNS:a.example.com", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("DNS:a.b.c.example.com", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("DNS:Host.EXAMPLE.Com", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("DNS:EXAMPLE.COM", r, sizeof(r)), 0);
	ck_assert_str_eq(r, "untouched");
	/* Every DNS name must fit, not just one. */
	ck_assert_int_eq(san_check("DNS:a.example.com,DNS:b.example.org", r,
	    sizeof(r)), -1);
	ck_assert_str_eq(r, "DNS name b.example.org is outside the allowed domains");
	/* Only DNS names are checked against the suffixes. */
	ck_assert_int_eq(san_check("IP:192.0.2.1,email:x@evil.net", r, sizeof(r)), 0);
}
END_TEST

START_TEST(dns_suffixes_refuse_lookalikes_and_other_domains)
{
	char r[200];

	add_suffix("example.com");
	ck_assert_int_eq(san_check("DNS:evil-example.com", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "DNS name evil-example.com is outside the allowed domains");
	ck_assert_int_eq(san_check("DNS:notexample.com", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "DNS name notexample.com is outside the allowed domains");
	ck_assert_int_eq(san_check("DNS:example.com.evil.net", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "DNS name example.com.evil.net is outside the allowed domains");
	ck_assert_int_eq(san_check("DNS:com", r, sizeof(r)), -1);
	ck_assert_int_eq(san_check("DNS:xample.com", r, sizeof(r)), -1);
	ck_assert_int_eq(san_check("DNS:.example.com", r, sizeof(r)), 0);
}
END_TEST

START_TEST(dns_suffixes_any_of_several)
{
	char r[200];

	add_suffix("example.com");
	add_suffix("Devices.Example.NET");
	ck_assert_int_eq(san_check("DNS:a.example.com,DNS:x.devices.example.net", r,
	    sizeof(r)), 0);
	ck_assert_int_eq(san_check("DNS:example.net", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "DNS name example.net is outside the allowed domains");
}
END_TEST

START_TEST(wildcards_are_refused_when_not_allowed)
{
	char r[200];

	ck_assert_int_eq(san_check("DNS:*.example.com", r, sizeof(r)), 0);
	cfg.labels[0].profile.allow_wildcard = 0;
	ck_assert_int_eq(san_check("DNS:*.example.com", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "wildcard DNS name *.example.com is not allowed");
	ck_assert_int_eq(san_check("DNS:a*b.example.com", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "wildcard DNS name a*b.example.com is not allowed");
	ck_assert_int_eq(san_check("DNS:a.example.com", r, sizeof(r)), 0);
	/* Allowed wildcards still have to be inside the suffixes. */
	cfg.labels[0].profile.allow_wildcard = 1;
	add_suffix("example.com");
	ck_assert_int_eq(san_check("DNS:*.example.com", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("DNS:*.com", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "DNS name *.com is outside the allowed domains");
}
END_TEST

START_TEST(ip_ranges_allow_ipv4_addresses_inside_the_prefix)
{
	static const char out[] = "IP address in subjectAltName is outside the "
	    "allowed ranges";
	char r[200];

	ck_assert_int_eq(san_check("IP:203.0.113.9", r, sizeof(r)), 0);
	add_range("10.0.0.0/8");
	ck_assert_int_eq(san_check("IP:10.0.0.0", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("IP:10.255.255.255", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("IP:11.0.0.0", r, sizeof(r)), -1);
	ck_assert_str_eq(r, out);
	ck_assert_int_eq(san_check("IP:9.255.255.255", r, sizeof(r)), -1);
	/* A prefix that does not end on a byte boundary. */
	cfg.labels[0].profile.n_ip_ranges = 0;
	add_range("172.16.0.0/12");
	ck_assert_int_eq(san_check("IP:172.16.0.1", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("IP:172.31.255.255", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("IP:172.32.0.0", r, sizeof(r)), -1);
	ck_assert_int_eq(san_check("IP:172.15.255.255", r, sizeof(r)), -1);
	/* A single address. */
	cfg.labels[0].profile.n_ip_ranges = 0;
	add_range("192.0.2.7");
	ck_assert_int_eq(san_check("IP:192.0.2.7", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("IP:192.0.2.6", r, sizeof(r)), -1);
	/* Every address must fit; IPv6 addresses are not in IPv4 ranges. */
	ck_assert_int_eq(san_check("IP:192.0.2.7,IP:192.0.2.8", r, sizeof(r)), -1);
	ck_assert_int_eq(san_check("IP:::ffff:192.0.2.7", r, sizeof(r)), -1);
	ck_assert_str_eq(r, out);
	/* /0 is everything of its family. */
	cfg.labels[0].profile.n_ip_ranges = 0;
	add_range("0.0.0.0/0");
	ck_assert_int_eq(san_check("IP:255.1.2.3", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("IP:2001:db8::1", r, sizeof(r)), -1);
}
END_TEST

START_TEST(ip_ranges_allow_ipv6_addresses_inside_the_prefix)
{
	char r[200];

	add_range("2001:db8::/32");
	add_range("fe80::/10");
	ck_assert_int_eq(san_check("IP:2001:db8::1", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("IP:2001:db8:ffff:ffff::1", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("IP:fe80::1,IP:febf::1", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("IP:fec0::1", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "IP address in subjectAltName is outside the allowed ranges");
	ck_assert_int_eq(san_check("IP:2001:db9::1", r, sizeof(r)), -1);
	ck_assert_int_eq(san_check("IP:10.0.0.1", r, sizeof(r)), -1);
	add_range("::1/128");
	ck_assert_int_eq(san_check("IP:::1", r, sizeof(r)), 0);
	ck_assert_int_eq(san_check("IP:::2", r, sizeof(r)), -1);
}
END_TEST

START_TEST(ip_ranges_never_match_the_other_family)
{
	char r[200];

	/* Four octets never fall in an IPv6 range, even ::/0 or ::ffff:0:0/96. */
	add_range("::/0");
	add_range("::ffff:0:0/96");
	ck_assert_int_eq(san_check("IP:10.0.0.1", r, sizeof(r)), -1);
	ck_assert_str_eq(r, "IP address in subjectAltName is outside the allowed ranges");
	ck_assert_int_eq(san_check("IP:2001:db8::1", r, sizeof(r)), 0);
	cfg.labels[0].profile.n_ip_ranges = 0;
	add_range("0.0.0.0/0");
	ck_assert_int_eq(san_check("IP:::1", r, sizeof(r)), -1);
	ck_assert_int_eq(san_check("IP:192.0.2.1", r, sizeof(r)), 0);
}
END_TEST

START_TEST(cn_pattern_must_match_the_common_name)
{
	struct tp_csr_spec	ok = { .cn = "dev-42" };
	struct tp_csr_spec	bad = { .cn = "server" };
	struct tp_csr_spec	none = { .o = "Org", .san = "DNS:dev-42" };
	char			r[200];

	cfg.labels[0].profile.cn_pattern = "dev-*";
	ck_assert_int_eq(names_check(&ok, NULL, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&bad, NULL, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subject CN does not match dev-*");
	ck_assert_int_eq(names_check(&none, NULL, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subject CN does not match dev-*");
	cfg.labels[0].profile.cn_pattern = "[a-c]?.example";
	bad.cn = "dx.example";
	ok.cn = "b1.example";
	ck_assert_int_eq(names_check(&ok, NULL, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&bad, NULL, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subject CN does not match [a-c]?.example");
}
END_TEST

START_TEST(identity_rule_needs_the_cn_or_a_dns_name_to_equal_an_identity)
{
	static const char refused[] = "every name in the CSR must name the "
	    "authenticated identity (device-7)";
	struct policy_client	c = { .identities = { "device-7" }, .n_identities = 1 };
	struct tp_csr_spec	cn = { .cn = "device-7" };
	struct tp_csr_spec	dns = { .o = "Org", .san = "DNS:DEVICE-7" };
	struct tp_csr_spec	cn_dns = { .cn = "device-7", .san = "DNS:device-7" };
	struct tp_csr_spec	under = { .cn = "device-7", .san = "DNS:device-7.example" };
	struct tp_csr_spec	deeper = { .cn = "device-7", .san = "DNS:device-7.x.example" };
	struct tp_csr_spec	other_cn = { .cn = "other", .san = "DNS:DEVICE-7" };
	struct tp_csr_spec	extra_dns = { .cn = "device-7",
	    .san = "DNS:device-7.example,DNS:device-8.example" };
	struct tp_csr_spec	prefix = { .cn = "device-7", .san = "DNS:device-77.example" };
	struct tp_csr_spec	neither = { .cn = "device-8", .san = "DNS:device-7.example" };
	struct tp_csr_spec	ip = { .cn = "device-7", .san = "IP:192.0.2.10" };
	struct tp_csr_spec	uri = { .cn = "device-7", .san = "URI:spiffe://bank/admin" };
	struct tp_csr_spec	email = { .cn = "device-7", .san = "email:ceo@bank.example" };
	struct tp_csr_spec	own_email = { .cn = "device-7", .san = "email:device-7" };
	struct tp_csr_spec	nothing = { .o = "Org" };
	struct tp_csr_spec	cn_case = { .cn = "Device-7" };
	char			r[200];

	/* Without the rule, anything goes. */
	ck_assert_int_eq(names_check(&neither, &c, r, sizeof(r)), 0);
	cfg.labels[0].profile.subject_rule = NAME_RULE_IDENTITY;
	ck_assert_int_eq(names_check(&cn, &c, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&dns, &c, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&cn_dns, &c, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&own_email, &c, r, sizeof(r)), 0);
	/* The identity as first label only under a configured domain. */
	ck_assert_int_eq(names_check(&under, &c, r, sizeof(r)), -1);
	ck_assert_str_eq(r, refused);
	add_suffix("example");
	ck_assert_int_eq(names_check(&under, &c, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&deeper, &c, r, sizeof(r)), -1);
	ck_assert_str_eq(r, refused);
	/* One right name does not carry the others: each must name the identity. */
	ck_assert_int_eq(names_check(&extra_dns, &c, r, sizeof(r)), -1);
	ck_assert_str_eq(r, refused);
	ck_assert_int_eq(names_check(&prefix, &c, r, sizeof(r)), -1);
	ck_assert_int_eq(names_check(&neither, &c, r, sizeof(r)), -1);
	ck_assert_str_eq(r, refused);
	cfg.labels[0].profile.n_dns_suffixes = 0;
	ck_assert_int_eq(names_check(&other_cn, &c, r, sizeof(r)), -1);
	ck_assert_str_eq(r, refused);
	/* Names that cannot be the identity are refused. */
	ck_assert_int_eq(names_check(&ip, &c, r, sizeof(r)), -1);
	ck_assert_str_eq(r, refused);
	ck_assert_int_eq(names_check(&uri, &c, r, sizeof(r)), -1);
	ck_assert_int_eq(names_check(&email, &c, r, sizeof(r)), -1);
	ck_assert_int_eq(names_check(&nothing, &c, r, sizeof(r)), -1);
	ck_assert_str_eq(r, refused);
	/* The CN is compared exactly and whole, DNS names without case. */
	ck_assert_int_eq(names_check(&cn_case, &c, r, sizeof(r)), -1);
	ck_assert_str_eq(r, refused);
	prefix.san = NULL;
	prefix.cn = "device-";
	ck_assert_int_eq(names_check(&prefix, &c, r, sizeof(r)), -1);
	prefix.cn = "device-70";
	ck_assert_int_eq(names_check(&prefix, &c, r, sizeof(r)), -1);
}
END_TEST

START_TEST(a_cn_that_could_be_a_host_name_obeys_the_dns_rules)
{
	struct tp_csr_spec	plain = { .cn = "www.bank.example", .san = "DNS:device-1.example.com" };
	struct tp_csr_spec	single = { .cn = "localhost" };
	struct tp_csr_spec	person = { .cn = "John Q. Smith" };
	struct tp_csr_spec	mail = { .cn = "alice@bank.example" };
	struct tp_csr_spec	outside = { .cn = "www.bank.example" };
	struct tp_csr_spec	inside = { .cn = "host.example.com" };
	struct tp_csr_spec	wild = { .cn = "*.example.com" };
	struct tp_csr_spec	star = { .cn = "*" };
	struct tp_csr_spec	bmp = { .cn_bmp = "www.bank.example" };
	char			r[200];

	add_suffix("example.com");
	cfg.labels[0].profile.allow_wildcard = 0;
	/* With a DNS name the CN is not a host name: left to the other rules. */
	ck_assert_int_eq(names_check(&plain, NULL, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&inside, NULL, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&person, NULL, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&mail, NULL, r, sizeof(r)), 0);
	/* A single label is a device name or serial, not judged as a domain. */
	ck_assert_int_eq(names_check(&single, NULL, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&outside, NULL, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "DNS name www.bank.example is outside the allowed "
	    "domains (subject CN)");
	ck_assert_int_eq(names_check(&bmp, NULL, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "DNS name www.bank.example is outside the allowed "
	    "domains (subject CN)");
	ck_assert_int_eq(names_check(&wild, NULL, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "wildcard DNS name *.example.com is not allowed (subject CN)");
	/* A '*' alone makes a CN a host name too, without a dot. */
	ck_assert_int_eq(names_check(&star, NULL, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "wildcard DNS name * is not allowed (subject CN)");
	/* Where DNS names are not allowed at all, neither is such a CN. */
	cfg.labels[0].profile.san_types = PROFILE_SAN_EMAIL;
	ck_assert_int_eq(names_check(&inside, NULL, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subject CN host.example.com would name a host, and "
	    "san_types does not allow DNS names");
	ck_assert_int_eq(names_check(&single, NULL, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&person, NULL, r, sizeof(r)), 0);
}
END_TEST

START_TEST(a_subject_email_address_is_an_email_name)
{
	struct tp_csr_spec	mail = { .cn = "dev", .email = "ceo@bank.example",
	    .san = "DNS:dev.example.com" };
	struct tp_csr_spec	bare = { .email = "ceo@bank.example" };
	char			r[200];

	ck_assert_int_eq(names_check(&mail, NULL, r, sizeof(r)), 0);
	cfg.labels[0].profile.san_types = PROFILE_SAN_DNS;
	ck_assert_int_eq(names_check(&mail, NULL, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subject emailAddress is an email name, and "
	    "san_types does not allow email names");
	ck_assert_int_eq(names_check(&bare, NULL, r, sizeof(r)), -1);
}
END_TEST

START_TEST(refuses_ip_addresses_of_other_lengths)
{
	static const unsigned char five[5] = { 10, 0, 0, 1, 0 };
	struct tp_csr_spec	 spec = { .cn = "d", .san = "IP:10.0.0.1" };
	struct csr_info		 info;
	GENERAL_NAME		*gn;
	char			 r[200];

	mk(TP_EC_P256, &spec, &info);
	ck_assert_int_eq(policy_check_names(&cfg.labels[0].profile, &info,
	    &(struct policy_client){ .n_identities = 0 }, r, sizeof(r)), 0);
	gn = sk_GENERAL_NAME_value(info.san, 0);
	ck_assert_int_eq(ASN1_OCTET_STRING_set(gn->d.iPAddress, five, 5), 1);
	ck_assert_int_eq(policy_check_names(&cfg.labels[0].profile, &info,
	    &(struct policy_client){ .n_identities = 0 }, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "IP address in subjectAltName is 5 octets long, not 4 or 16");
	csr_info_free(&info);
}
END_TEST

START_TEST(identity_rule_accepts_any_of_the_identities)
{
	struct policy_client	c = { .identities = { "alice", "device-7" },
	    .n_identities = 2 };
	struct tp_csr_spec	user = { .cn = "alice" };
	struct tp_csr_spec	cert = { .cn = "device-7" };
	struct tp_csr_spec	other = { .cn = "bob" };
	struct policy_client	nobody = { .cert = NULL };
	char			r[200];

	cfg.labels[0].profile.subject_rule = NAME_RULE_IDENTITY;
	ck_assert_int_eq(names_check(&user, &c, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&cert, &c, r, sizeof(r)), 0);
	ck_assert_int_eq(names_check(&other, &c, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "every name in the CSR must name the "
	    "authenticated identity (alice)");
	ck_assert_int_eq(names_check(&user, &nobody, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "every name in the CSR must name the "
	    "authenticated identity (none)");
}
END_TEST

START_TEST(identity_rule_does_not_bind_a_registration_authority)
{
	struct policy_client	ra = { .is_ra = 1, .identities = { "ra-1" },
	    .n_identities = 1 };
	struct tp_csr_spec	other = { .cn = "device-99" };
	char			r[200];

	cfg.labels[0].profile.subject_rule = NAME_RULE_IDENTITY;
	ck_assert_int_eq(names_check(&other, &ra, r, sizeof(r)), 0);
	ra.is_ra = 0;
	ck_assert_int_eq(names_check(&other, &ra, r, sizeof(r)), -1);
	/* The other rules still bind it. */
	ra.is_ra = 1;
	cfg.labels[0].profile.cn_pattern = "dev-*";
	ck_assert_int_eq(names_check(&other, &ra, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subject CN does not match dev-*");
}
END_TEST

/* SHA-256 of cert's DER. */
static void
fingerprint(X509 *x, unsigned char out[32])
{
	unsigned int n = 0;

	ck_assert_int_eq(X509_digest(x, EVP_sha256(), out, &n), 1);
	ck_assert_uint_eq(n, 32);
}

START_TEST(is_ra_for_a_cmc_ra_certificate_when_allowed)
{
	EVP_PKEY		*k = tp_key(TP_EC_P256);
	struct tp_cert_spec	 ra_spec = { .cn = "ra", .eku = "clientAuth,1.3.6.1.5.5.7.3.28" };
	struct tp_cert_spec	 plain_spec = { .cn = "dev", .eku = "clientAuth" };
	struct tp_cert_spec	 no_eku = { .cn = "dev2" };
	X509			*ra = tp_cert(&ra_spec, k, NULL, NULL);
	X509			*plain = tp_cert(&plain_spec, k, NULL, NULL);
	X509			*bare = tp_cert(&no_eku, k, NULL, NULL);

	ck_assert_int_eq(policy_is_ra(&cfg.labels[0].profile, ra), 0);
	cfg.labels[0].profile.allow_ra = 1;
	ck_assert_int_eq(policy_is_ra(&cfg.labels[0].profile, ra), 1);
	ck_assert_int_eq(policy_is_ra(&cfg.labels[0].profile, plain), 0);
	ck_assert_int_eq(policy_is_ra(&cfg.labels[0].profile, bare), 0);
	ck_assert_int_eq(policy_is_ra(&cfg.labels[0].profile, NULL), 0);
	X509_free(ra);
	X509_free(plain);
	X509_free(bare);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(is_ra_for_a_listed_fingerprint_when_allowed)
{
	EVP_PKEY		*k = tp_key(TP_EC_P256);
	struct tp_cert_spec	 s1 = { .cn = "listed", .eku = "clientAuth" };
	struct tp_cert_spec	 s2 = { .cn = "unlisted", .eku = "clientAuth" };
	X509			*listed = tp_cert(&s1, k, NULL, NULL);
	X509			*unlisted = tp_cert(&s2, k, NULL, NULL);
	struct est_profile	*pr = &cfg.labels[0].profile;

	memset(pr->ra_fingerprints[0], 0xab, 32);
	fingerprint(listed, pr->ra_fingerprints[1]);
	pr->n_ra = 2;
	ck_assert_int_eq(policy_is_ra(pr, listed), 0);
	pr->allow_ra = 1;
	ck_assert_int_eq(policy_is_ra(pr, listed), 1);
	ck_assert_int_eq(policy_is_ra(pr, unlisted), 0);
	pr->n_ra = 1;
	ck_assert_int_eq(policy_is_ra(pr, listed), 0);
	/* All 32 bytes count: the listed fingerprint with its last byte changed. */
	fingerprint(listed, pr->ra_fingerprints[0]);
	pr->ra_fingerprints[0][31] ^= 0x01;
	ck_assert_int_eq(policy_is_ra(pr, listed), 0);
	pr->ra_fingerprints[0][31] ^= 0x01;
	ck_assert_int_eq(policy_is_ra(pr, listed), 1);
	X509_free(listed);
	X509_free(unlisted);
	EVP_PKEY_free(k);
}
END_TEST

/* A certificate to renew, expiring at not_after. */
static X509 *
expiring_cert(time_t not_after)
{
	EVP_PKEY		*k = tp_key(TP_EC_P256);
	struct tp_cert_spec	 s = {
		.cn = "dev", .eku = "clientAuth", .not_before = NOW - 300 * DAY,
		.not_after = not_after,
	};
	X509			*x = tp_cert(&s, k, NULL, NULL);

	EVP_PKEY_free(k);
	return x;
}

START_TEST(renewal_window_refuses_renewal_before_it_opens)
{
	static const char early[] = "too early to renew: renewal opens 30 days "
	    "before the certificate expires";
	X509	*x = expiring_cert(NOW + 40 * DAY);
	char	 r[200];

	ck_assert_int_eq(policy_check_renewal_window(0, x, NOW, r, sizeof(r)), 0);
	strcpy(r, "untouched");
	ck_assert_int_eq(policy_check_renewal_window(30, x, NOW, r, sizeof(r)), -1);
	ck_assert_str_eq(r, early);
	/* Exactly 30 days before expiry it opens; a second earlier it does not. */
	ck_assert_int_eq(policy_check_renewal_window(30, x, NOW + 10 * DAY - 1, r,
	    sizeof(r)), -1);
	strcpy(r, "untouched");
	ck_assert_int_eq(policy_check_renewal_window(30, x, NOW + 10 * DAY, r,
	    sizeof(r)), 0);
	ck_assert_str_eq(r, "untouched");
	ck_assert_int_eq(policy_check_renewal_window(30, x, NOW + 39 * DAY, r,
	    sizeof(r)), 0);
	ck_assert_int_eq(policy_check_renewal_window(41, x, NOW, r, sizeof(r)), 0);
	X509_free(x);
}
END_TEST

START_TEST(renewal_window_applies_to_certificates_this_ca_issued)
{
	struct tp_csr_spec	 spec = { .cn = "dev" };
	X509			*x = expiring_cert(NOW + 40 * DAY);
	struct policy_client	 renews = { .cert = x, .issued_by_ca = 1,
	    .enroll_renews = 1 };
	struct policy_client	 ra = { .cert = x, .issued_by_ca = 1,
	    .enroll_renews = 1, .is_ra = 1 };
	struct csr_info		 info;
	struct issue_plan	 plan;
	char			 r[200];

	cfg.labels[0].profile.renewal_window_days = 30;
	ck_assert_int_eq(decide(EST_OP_SIMPLEREENROLL, TP_EC_P256, &spec, x, 1,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "too early to renew: renewal opens 30 days before "
	    "the certificate expires");
	/* simpleenroll let in by the same certificate renews it just the same. */
	mk(TP_EC_P256, &spec, &info);
	ck_assert_int_eq(policy_decide(&cfg.labels[0].profile, EST_OP_SIMPLEENROLL,
	    &info, &renews, NOW, CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "too early to renew: renewal opens 30 days before "
	    "the certificate expires (a certificate from this CA renews itself, "
	    "by simpleenroll too)");
	/* Not so for an RA's, which enrolls others... */
	ck_assert_int_eq(policy_decide(&cfg.labels[0].profile, EST_OP_SIMPLEENROLL,
	    &info, &ra, NOW, CA_END, &plan, r, sizeof(r)), 0);
	csr_info_free(&info);
	/* ...nor for one that did not let the client in (or a bootstrap one). */
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &spec, x, 1,
	    CA_END, &plan, r, sizeof(r)), 0);
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &spec, x, 0,
	    CA_END, &plan, r, sizeof(r)), 0);
	cfg.labels[0].profile.renewal_window_days = 40;
	ck_assert_int_eq(decide(EST_OP_SIMPLEREENROLL, TP_EC_P256, &spec, x, 1,
	    CA_END, &plan, r, sizeof(r)), 0);
	X509_free(x);
}
END_TEST

START_TEST(change_subject_name_lets_reenrollment_change_names_when_allowed)
{
	struct tp_csr_spec	 csn = { .cn = "renamed", .san = "DNS:new.example",
	    .change_subject_name = 1 };
	struct tp_csr_spec	 plain = { .cn = "renamed" };
	X509			*x = current_cert("dev", "DNS:dev.example");
	struct issue_plan	 plan;
	char			 r[200];

	ck_assert_int_eq(decide(EST_OP_SIMPLEREENROLL, TP_EC_P256, &csn, x, 1,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR carries a ChangeSubjectName attribute, which is "
	    "not allowed");
	cfg.labels[0].profile.allow_change_subject_name = 1;
	ck_assert_int_eq(decide(EST_OP_SIMPLEREENROLL, TP_EC_P256, &csn, x, 1,
	    CA_END, &plan, r, sizeof(r)), 0);
	/* Without the attribute the names must still stay the same. */
	ck_assert_int_eq(decide(EST_OP_SIMPLEREENROLL, TP_EC_P256, &plain, x, 1,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "re-enrollment CSR subject differs from the "
	    "certificate being renewed");
	X509_free(x);
}
END_TEST

START_TEST(challenge_password_policies)
{
	struct tp_csr_spec	with = { .cn = "d", .challenge_password = "ABCD-1234" };
	struct tp_csr_spec	without = { .cn = "d" };
	char			r[200];

	cfg.labels[0].profile.challenge = CHALLENGE_CODE;
	ck_assert_int_eq(request_check(&without, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR needs an enrollment code in its challengePassword");
	ck_assert_int_eq(request_check(&with, r, sizeof(r)), 0);
	cfg.labels[0].profile.challenge = CHALLENGE_IGNORE;
	ck_assert_int_eq(request_check(&with, r, sizeof(r)), 0);
	ck_assert_int_eq(request_check(&without, r, sizeof(r)), 0);
	cfg.labels[0].profile.challenge = CHALLENGE_REFUSE;
	ck_assert_int_eq(request_check(&without, r, sizeof(r)), 0);
	ck_assert_int_eq(request_check(&with, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR carries a challengePassword (proof-of-possession "
	    "linking), which this server cannot check");
}
END_TEST

START_TEST(decide_applies_the_name_rules)
{
	struct tp_csr_spec	 spec = { .cn = "d", .san = "DNS:d.evil.net" };
	X509			*client = current_cert("c", NULL);
	struct issue_plan	 plan;
	char			 r[200];

	add_suffix("example.com");
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &spec, client, 0,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "DNS name d.evil.net is outside the allowed domains");
	X509_free(client);
}
END_TEST

START_TEST(judges_bmpstring_names_by_their_characters)
{
	struct tp_csr_spec	bad = { .o = "Org", .cn_bmp = "www.a.example\n.b" };
	struct tp_csr_spec	good = { .o = "Org", .cn_bmp = "device-1" };
	char			r[200];

	ck_assert_int_eq(request_check(&bad, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR subject contains control characters");
	ck_assert_int_eq(request_check(&good, r, sizeof(r)), 0);
	/* Decoded, the CN obeys the rules like any other. */
	cfg.labels[0].profile.cn_pattern = "device-*";
	ck_assert_int_eq(names_check(&good, NULL, r, sizeof(r)), 0);
	good.cn_bmp = "server-1";
	ck_assert_int_eq(names_check(&good, NULL, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "subject CN does not match device-*");
}
END_TEST

START_TEST(refuses_when_the_key_usage_leaves_nothing_for_the_key)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	X509			*client = current_cert("bootstrap", NULL);
	struct issue_plan	 plan;
	char			 r[200];

	/* No keyUsage extension would mean every usage: refuse instead. */
	cfg.labels[0].profile.key_usage = KU_KEY_ENCIPHERMENT;
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_EC_P256, &spec, client, 0,
	    CA_END, &plan, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "the profile's key_usage allows nothing for this key type");
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_RSA_2048, &spec, client, 0,
	    CA_END, &plan, r, sizeof(r)), 0);
	ck_assert_uint_eq(plan.key_usage, KU_KEY_ENCIPHERMENT);
	cfg.labels[0].profile.key_usage = KU_KEY_AGREEMENT;
	ck_assert_int_eq(decide(EST_OP_SIMPLEENROLL, TP_RSA_2048, &spec, client, 0,
	    CA_END, &plan, r, sizeof(r)), -1);
	X509_free(client);
}
END_TEST


START_TEST(refuses_c1_controls_direction_overrides_and_broken_utf8)
{
	struct tp_csr_spec	c1 = { .cn = "a\xc2\x85" "b" };	/* U+0085 */
	struct tp_csr_spec	rlo = { .cn = "evil\xe2\x80\xae" "gpj.exe" };	/* U+202E */
	struct tp_csr_spec	lri = { .o = "x\xe2\x81\xa6" "y", .cn = "d" };	/* U+2066 */
	struct tp_csr_spec	ok = { .cn = "Z\xc3\xbcrich \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x94\x92" };
	struct tp_csr_spec	bmp = { .cn_bmp = "a\x85" "b" };
	struct tp_csr_spec	plain = { .cn = "plain" };
	static const unsigned char broken[] = { 'a', 0xc3, 'b' };
	struct csr_info		info;
	char			r[200];

	ck_assert_int_eq(request_check(&c1, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR subject contains control characters");
	ck_assert_int_eq(request_check(&rlo, r, sizeof(r)), -1);
	ck_assert_int_eq(request_check(&lri, r, sizeof(r)), -1);
	ck_assert_int_eq(request_check(&bmp, r, sizeof(r)), -1);
	ck_assert_int_eq(request_check(&ok, r, sizeof(r)), 0);
	/* A UTF8String whose bytes are not UTF-8. */
	mk(TP_EC_P256, &plain, &info);
	ck_assert_int_eq(ASN1_STRING_set(X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(info.subject, 0)), broken, sizeof(broken)), 1);
	ck_assert_int_eq(policy_check_request(&cfg.labels[0].profile, &info, r,
	    sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR subject contains control characters");
	/* A 7-bit type with a high byte: read as Latin-1, C4 9B holds U+009B. */
	{
		static const unsigned char latin1[] = { 'a', 0xc4, 0x9b, 'b' };
		ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(
		    info.subject, 0));

		ck_assert_int_eq(ASN1_STRING_set(v, latin1, sizeof(latin1)), 1);
		v->type = V_ASN1_IA5STRING;
		ck_assert_int_eq(policy_check_request(&cfg.labels[0].profile, &info,
		    r, sizeof(r)), -1);
		v->type = V_ASN1_UTF8STRING;	/* as UTF-8 the same bytes are "ěb" */
		ck_assert_int_eq(policy_check_request(&cfg.labels[0].profile, &info,
		    r, sizeof(r)), 0);
	}
	csr_info_free(&info);
}
END_TEST

/*
 * A dotted identity is not a first label: "sub.device-7" would otherwise
 * get sub.device-7.example, a name inside device-7.example's domain.
 */
START_TEST(identity_rule_gives_a_dotted_identity_no_name_under_a_suffix)
{
	struct policy_client	c = { .identities = { "sub.device-7" }, .n_identities = 1 };
	struct tp_csr_spec	under = { .cn = "sub.device-7", .san = "DNS:sub.device-7.example" };
	struct tp_csr_spec	same = { .cn = "sub.device-7", .san = "DNS:sub.device-7" };
	char			r[200];

	cfg.labels[0].profile.subject_rule = NAME_RULE_IDENTITY;
	ck_assert_int_eq(names_check(&same, &c, r, sizeof(r)), 0);
	add_suffix("example");
	ck_assert_int_eq(names_check(&under, &c, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "every name in the CSR must name the authenticated "
	    "identity (sub.device-7)");
}
END_TEST

/* policy_check_request on a plain CSR whose CN holds exactly bytes (a UTF8String). */
static int
utf8_cn_check(const char *bytes, char *r, size_t rlen)
{
	struct tp_csr_spec	plain = { .cn = "plain" };
	struct csr_info		info;
	int			rc;

	mk(TP_EC_P256, &plain, &info);
	ck_assert_int_eq(ASN1_STRING_set(X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(info.subject, 0)), bytes, (int)strlen(bytes)), 1);
	r[0] = '\0';
	rc = policy_check_request(&cfg.labels[0].profile, &info, r, rlen);
	csr_info_free(&info);
	return rc;
}

START_TEST(refuses_every_direction_mark_and_malformed_utf8_at_the_edges)
{
	static const char *const refused[] = {
		"a\x7f" "b",			/* DEL */
		"a\xe2\x80\x8e" "b",		/* U+200E LEFT-TO-RIGHT MARK */
		"a\xe2\x80\x8f" "b",		/* U+200F RIGHT-TO-LEFT MARK */
		"a\xe2\x80\xaa" "b",		/* U+202A, first embedding */
		"a\xe2\x81\xa9" "b",		/* U+2069, last isolate */
		"a\xc0\xaf" "b",		/* '/' in two bytes (overlong) */
		"a\xe0\x83\xa9" "b",		/* U+00E9 in three bytes (overlong) */
		"a\xf0\x84\xb8\xad" "b",	/* U+4E2D in four bytes (overlong) */
		"a\xed\xa0\x80" "b",		/* U+D800, a surrogate */
		"a\xed\xbf\xbf" "b",		/* U+DFFF, a surrogate */
		"a\xf4\x90\x80\x80" "b",	/* U+110000, past Unicode */
		"a\xe2\x80",			/* a sequence cut short */
	};
	static const char *const accepted[] = {
		"a\xc2\xa0" "b",		/* U+00A0, past the C1 controls */
		"a\xe2\x80\x8d" "b",		/* U+200D, beside the marks */
		"a\xe2\x80\xaf" "b",		/* U+202F, after the embeddings */
		"a\xe2\x81\xa5" "b",		/* U+2065, before the isolates */
		"a\xe2\x81\xaa" "b",		/* U+206A, after them */
		"a\xed\x9f\xbf" "b",		/* U+D7FF, below the surrogates */
		"a\xee\x80\x80" "b",		/* U+E000, above them */
		"a\xf4\x8f\xbf\xbf" "b",	/* U+10FFFF, the last */
	};
	char	r[200];
	size_t	i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ck_assert_msg(utf8_cn_check(refused[i], r, sizeof(r)) == -1,
		    "CN %zu of the refused list was accepted", i);
		ck_assert_str_eq(r, "CSR subject contains control characters");
	}
	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++)
		ck_assert_msg(utf8_cn_check(accepted[i], r, sizeof(r)) == 0,
		    "CN %zu of the accepted list was refused: %s", i, r);
}
END_TEST

START_TEST(refuses_control_characters_in_uri_and_email_names)
{
	struct tp_csr_spec	uri = { .cn = "d", .san = "URI:https://a\x1b" "b.example/" };
	struct tp_csr_spec	email = { .cn = "d", .san = "email:a\x7f" "b@example.org" };
	struct tp_csr_spec	good = { .cn = "d",
	    .san = "URI:https://ab.example/,email:ab@example.org" };
	char			r[200];

	ck_assert_int_eq(request_check(&uri, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR subjectAltName contains control characters");
	ck_assert_int_eq(request_check(&email, r, sizeof(r)), -1);
	ck_assert_str_eq(r, "CSR subjectAltName contains control characters");
	ck_assert_int_eq(request_check(&good, r, sizeof(r)), 0);
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
	tcase_add_test(tc, refuses_ec_keys_with_explicit_parameters);
	tcase_add_test(tc, refuses_control_characters_in_subject_and_names);
	tcase_add_test(tc, judges_bmpstring_names_by_their_characters);
	tcase_add_test(tc, refuses_more_than_one_common_name);
	tcase_add_test(tc, refuses_c1_controls_direction_overrides_and_broken_utf8);
	tcase_add_test(tc, refuses_every_direction_mark_and_malformed_utf8_at_the_edges);
	tcase_add_test(tc, refuses_control_characters_in_uri_and_email_names);
	tcase_add_test(tc, a_cn_that_could_be_a_host_name_obeys_the_dns_rules);
	tcase_add_test(tc, a_subject_email_address_is_an_email_name);
	tcase_add_test(tc, refuses_ip_addresses_of_other_lengths);
	tcase_add_test(tc, ip_ranges_never_match_the_other_family);
	tcase_add_test(tc, refuses_when_the_key_usage_leaves_nothing_for_the_key);
	tcase_add_test(tc, accepts_allowed_curves_and_rsa_sizes);
	tcase_add_test(tc, rejects_a_curve_not_in_the_profile);
	tcase_add_test(tc, rejects_rsa_keys_outside_the_size_bounds);
	tcase_add_test(tc, rejects_key_types_it_does_not_know);
	tcase_add_test(tc, names_an_rsa_pss_key_as_such_when_refusing_it);
	tcase_add_test(tc, accepts_a_plain_request);
	tcase_add_test(tc, rejects_a_request_that_names_nothing);
	tcase_add_test(tc, limits_the_san_count);
	tcase_add_test(tc, refuses_a_challenge_password);
	tcase_add_test(tc, refuses_change_subject_name);
	tcase_add_test(tc, reenroll_accepts_the_same_subject_and_san);
	tcase_add_test(tc, reenroll_rejects_a_different_subject);
	tcase_add_test(tc, reenroll_rejects_a_different_san);
	tcase_add_test(tc, plans_validity_from_now_for_the_profile_days);
	tcase_add_test(tc, backdates_not_before_by_the_profile_seconds);
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
	tcase_add_test(tc, key_types_limit_the_key_algorithms);
	tcase_add_test(tc, signature_digests_refuse_sha1_by_default);
	tcase_add_test(tc, signature_digests_allow_exactly_the_configured_hashes);
	tcase_add_test(tc, san_types_limit_the_kinds_of_names);
	tcase_add_test(tc, dns_suffixes_allow_the_domain_and_names_below_it);
	tcase_add_test(tc, dns_suffixes_refuse_lookalikes_and_other_domains);
	tcase_add_test(tc, dns_suffixes_any_of_several);
	tcase_add_test(tc, wildcards_are_refused_when_not_allowed);
	tcase_add_test(tc, ip_ranges_allow_ipv4_addresses_inside_the_prefix);
	tcase_add_test(tc, ip_ranges_allow_ipv6_addresses_inside_the_prefix);
	tcase_add_test(tc, cn_pattern_must_match_the_common_name);
	tcase_add_test(tc, identity_rule_needs_the_cn_or_a_dns_name_to_equal_an_identity);
	tcase_add_test(tc, identity_rule_gives_a_dotted_identity_no_name_under_a_suffix);
	tcase_add_test(tc, identity_rule_accepts_any_of_the_identities);
	tcase_add_test(tc, identity_rule_does_not_bind_a_registration_authority);
	tcase_add_test(tc, is_ra_for_a_cmc_ra_certificate_when_allowed);
	tcase_add_test(tc, is_ra_for_a_listed_fingerprint_when_allowed);
	tcase_add_test(tc, renewal_window_refuses_renewal_before_it_opens);
	tcase_add_test(tc, renewal_window_applies_to_certificates_this_ca_issued);
	tcase_add_test(tc, change_subject_name_lets_reenrollment_change_names_when_allowed);
	tcase_add_test(tc, challenge_password_policies);
	tcase_add_test(tc, decide_applies_the_name_rules);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
