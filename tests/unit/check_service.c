/* check_service: loading everything a configuration names. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <openssl/pkcs7.h>

#include "est/b64.h"
#include "est/log.h"
#include "est/service.h"
#include "testpki.h"

static struct tp_env env;

static void
setup(void)
{
	tp_env_init(&env);
}

static void
teardown(void)
{
	tp_env_free(&env);
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

/* Loads estd.conf (with extra) and the service; returns service_load's result. */
static int
load(const char *extra, struct est_service *svc, struct diag *d)
{
	diag_init(d);
	ck_assert_int_eq(tp_env_config(&env, extra, d), 0);
	return service_load(svc, &env.cfg, d);
}

/* The certificates of the /cacerts body, which must decode. */
static PKCS7 *
cacerts(const struct est_service *svc)
{
	struct buf		 der;
	const unsigned char	*p;
	PKCS7			*p7;

	buf_init(&der);
	ck_assert_int_eq(b64_decode(svc->labels[0].cacerts_body.data, svc->labels[0].cacerts_body.len,
	    &der), B64_OK);
	p = der.data;
	p7 = d2i_PKCS7(NULL, &p, (long)der.len);
	ck_assert_ptr_nonnull(p7);
	ck_assert_int_eq(OBJ_obj2nid(p7->type), NID_pkcs7_signed);
	buf_free(&der);
	return p7;
}

START_TEST(loads_a_complete_configuration)
{
	struct est_service	 svc;
	struct diag		 d;
	PKCS7			*p7;

	ck_assert_int_eq(load(NULL, &svc, &d), 0);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_ptr_eq(svc.cfg, &env.cfg);
	ck_assert_int_eq(X509_cmp(svc.labels[0].issuer.cert, env.ca), 0);
	/* Enrollment: the trust store plus this CA (accept_issued = yes). */
	ck_assert_uint_eq(trust_store_count(svc.labels[0].enroll_trust), 2);
	ck_assert_int_eq(X509_cmp(trust_store_cert(svc.labels[0].enroll_trust, 0),
	    env.boot_ca), 0);
	ck_assert_int_eq(X509_cmp(trust_store_cert(svc.labels[0].enroll_trust, 1), env.ca), 0);
	/* Re-enrollment: this CA only. */
	ck_assert_uint_eq(trust_store_count(svc.labels[0].reenroll_trust), 1);
	ck_assert_int_eq(X509_cmp(trust_store_cert(svc.labels[0].reenroll_trust, 0), env.ca), 0);
	ck_assert_uint_eq(svc.labels[0].n_cacerts, 1);
	p7 = cacerts(&svc);
	ck_assert_int_eq(sk_X509_num(p7->d.sign->cert), 1);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 0), env.ca), 0);
	PKCS7_free(p7);
	service_free(&svc);
	ck_assert_ptr_null(svc.labels[0].enroll_trust);
	ck_assert_ptr_null(svc.labels[0].issuer.cert);
	ck_assert_ptr_null(svc.labels[0].cacerts_body.data);
	diag_free(&d);
}
END_TEST

START_TEST(accept_issued_no_keeps_this_ca_out_of_enrollment)
{
	struct est_service	svc;
	struct diag		d;

	ck_assert_int_eq(load("accept_issued = no\n", &svc, &d), 0);
	ck_assert_uint_eq(trust_store_count(svc.labels[0].enroll_trust), 1);
	ck_assert_int_eq(X509_cmp(trust_store_cert(svc.labels[0].enroll_trust, 0),
	    env.boot_ca), 0);
	ck_assert_uint_eq(trust_store_count(svc.labels[0].reenroll_trust), 1);
	service_free(&svc);
	diag_free(&d);
}
END_TEST

START_TEST(serves_the_ca_and_its_chain_in_cacerts)
{
	EVP_PKEY		*root_key = tp_key(TP_EC_P256);
	X509			*root = tp_ca(root_key, "Root CA");
	struct tp_cert_spec	 s = { .cn = "EST Test CA", .ca = 1, .ku = "keyCertSign" };
	X509			*sub = tp_cert(&s, env.ca_key, root, root_key);
	struct est_service	 svc;
	struct diag		 d;
	PKCS7			*p7;

	tp_write_certs(env.dir, "ca.pem", &sub, 1);
	tp_write_certs(env.dir, "chain.pem", &root, 1);
	ck_assert_int_eq(load("[ca]\nchain = chain.pem\n", &svc, &d), 0);
	ck_assert_uint_eq(svc.labels[0].n_cacerts, 2);
	p7 = cacerts(&svc);
	ck_assert_int_eq(sk_X509_num(p7->d.sign->cert), 2);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 0), sub), 0);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 1), root), 0);
	PKCS7_free(p7);
	service_free(&svc);
	diag_free(&d);
	X509_free(sub);
	X509_free(root);
	EVP_PKEY_free(root_key);
}
END_TEST

START_TEST(serves_the_cacerts_bundle_when_one_is_configured)
{
	X509			*bundle[3] = { env.boot_ca, env.ca, env.boot_ca };
	struct est_service	 svc;
	struct diag		 d;
	PKCS7			*p7;

	tp_write_certs(env.dir, "bundle.pem", bundle, 3);
	ck_assert_int_eq(load("[ca]\ncacerts_bundle = bundle.pem\n", &svc, &d), 0);
	/* File order, duplicates dropped. */
	ck_assert_uint_eq(svc.labels[0].n_cacerts, 2);
	p7 = cacerts(&svc);
	ck_assert_int_eq(sk_X509_num(p7->d.sign->cert), 2);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 0), env.boot_ca), 0);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 1), env.ca), 0);
	PKCS7_free(p7);
	service_free(&svc);
	diag_free(&d);
}
END_TEST

START_TEST(reports_a_cacerts_bundle_without_certificates)
{
	struct est_service	svc;
	struct diag		d;

	tp_write_str(env.dir, "bundle.pem", "nothing\n");
	ck_assert_int_eq(load("[ca]\ncacerts_bundle = bundle.pem\n", &svc, &d), -1);
	ck_assert(has(&d, "bundle.pem: no PEM certificate in file"));
	service_free(&svc);
	diag_free(&d);
}
END_TEST

START_TEST(refuses_a_ca_key_readable_by_others)
{
	struct est_service	svc;
	struct diag		d;
	char			key[TP_PATH_MAX];

	tp_path(key, env.dir, "ca.key");
	ck_assert_int_eq(chmod(key, 0644), 0);
	ck_assert_int_eq(load(NULL, &svc, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "ca.key: CA key is accessible by other users (mode 644); "
	    "chmod 600 it"));
	service_free(&svc);
	diag_free(&d);
	ck_assert_int_eq(chmod(key, 0602), 0);
	ck_assert_int_eq(load(NULL, &svc, &d), -1);
	ck_assert(has(&d, "(mode 602)"));
	service_free(&svc);
	diag_free(&d);
}
END_TEST

/* A "file:" URI names a file: its permissions are checked too. */
START_TEST(refuses_a_ca_key_readable_by_others_named_by_a_file_uri)
{
	struct est_service	svc;
	struct diag		d;
	char			key[TP_PATH_MAX], extra[TP_PATH_MAX + 32];
	int			rc, reported;

	tp_path(key, env.dir, "ca.key");
	ck_assert_int_eq(chmod(key, 0644), 0);
	snprintf(extra, sizeof(extra), "[ca]\nkey = file:%s\n", key);
	rc = load(extra, &svc, &d);
	reported = has(&d, "CA key is accessible by other users (mode 644)");
	/* Free before asserting: the failure must not show up as a leak. */
	service_free(&svc);
	diag_free(&d);
	teardown();
	ck_assert_int_eq(rc, -1);
	ck_assert(reported);
}
END_TEST

START_TEST(accepts_a_group_readable_ca_key)
{
	struct est_service	svc;
	struct diag		d;
	char			key[TP_PATH_MAX];

	tp_path(key, env.dir, "ca.key");
	ck_assert_int_eq(chmod(key, 0640), 0);
	ck_assert_int_eq(load(NULL, &svc, &d), 0);
	service_free(&svc);
	diag_free(&d);
}
END_TEST

START_TEST(reports_an_empty_trust_store)
{
	struct est_service	svc;
	struct diag		d;
	char			pem[TP_PATH_MAX];

	tp_path(pem, env.dir, "trust/boot-ca.pem");
	ck_assert_int_eq(unlink(pem), 0);
	ck_assert_int_eq(load(NULL, &svc, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "trust: trust store is empty"));
	service_free(&svc);
	diag_free(&d);
}
END_TEST

START_TEST(reports_a_missing_trust_store)
{
	struct est_service	svc;
	struct diag		d;

	ck_assert_int_eq(load("store = nowhere\n", &svc, &d), -1);
	ck_assert(has(&d, "nowhere: cannot open trust store directory"));
	service_free(&svc);
	diag_free(&d);
}
END_TEST

START_TEST(reports_ca_and_trust_store_problems_together)
{
	EVP_PKEY		*other = tp_key(TP_EC_P256);
	struct est_service	 svc;
	struct diag		 d;

	tp_write_key(env.dir, "ca.key", other);
	ck_assert_int_eq(load("store = nowhere\n", &svc, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 2);
	ck_assert(has(&d, "CA key does not match CA certificate"));
	ck_assert(has(&d, "nowhere: cannot open trust store directory"));
	ck_assert_uint_eq(svc.labels[0].cacerts_body.len, 0);
	service_free(&svc);
	diag_free(&d);
	EVP_PKEY_free(other);
}
END_TEST

START_TEST(summary_logs_the_ca_cacerts_and_trust_store)
{
	struct est_service	 svc;
	struct diag		 d;
	char			*text;

	ck_assert_int_eq(load(NULL, &svc, &d), 0);
	log_open("estd", LOG_TARGET_STDERR, LOG_LEVEL_INFO);
	tp_capture_begin(env.dir);
	service_log_summary(&svc);
	text = tp_capture_end();
	log_close();
	ck_assert_ptr_nonnull(strstr(text, "info: label (default): /.well-known/est/\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:   CA certificate: CN=EST Test CA (valid "));
	ck_assert_ptr_nonnull(strstr(text, "info:     issuer: CN=EST Test CA\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:     key: EC prime256v1 256 bits, "
	    "signing with SHA256\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:     basicConstraints: CA:TRUE\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:     extendedKeyUsage: (none)\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:   /cacerts serves 1 certificate(s)\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:   auth: certificate\n"));
	ck_assert_ptr_nonnull(strstr(text, "trust: 1 certificate(s), and this CA's "
	    "own clients (accept_issued = yes)\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:     trusted: CN=Bootstrap CA (valid "));
	ck_assert_ptr_null(strstr(text, "trusted: CN=EST Test CA"));
	ck_assert_ptr_nonnull(strstr(text, "max_body_bytes=65536"));
	ck_assert_ptr_nonnull(strstr(text, "validity_days=365"));
	ck_assert_ptr_nonnull(strstr(text, "max_san_entries=64"));
	free(text);
	service_free(&svc);
	diag_free(&d);
}
END_TEST

/* A second CA for label sections, written as NAME-ca.pem / NAME-ca.key. */
static X509 *
label_ca(const char *name, EVP_PKEY **keyp)
{
	char		 file[TP_PATH_MAX];
	EVP_PKEY	*k = tp_key(TP_EC_P256);
	X509		*ca = tp_ca(k, name);

	snprintf(file, sizeof(file), "%s-ca.pem", name);
	tp_write_certs(env.dir, file, &ca, 1);
	snprintf(file, sizeof(file), "%s-ca.key", name);
	tp_write_key(env.dir, file, k);
	*keyp = k;
	return ca;
}

START_TEST(loads_every_label_with_its_own_ca)
{
	struct est_service	 svc;
	struct diag		 d;
	EVP_PKEY		*k;
	X509			*iot = label_ca("iot", &k);
	char			*hash = tp_crypt("$6$", "pw"), *users;

	ck_assert_int_ne(asprintf(&users, "u:%s\n", hash), -1);
	tp_write_str(env.dir, "users", users);
	ck_assert_int_eq(load("[ca iot]\ncertificate = iot-ca.pem\nkey = iot-ca.key\n"
	    "[auth iot]\nmethods = password\nhtpasswd = users\n", &svc, &d), 0);
	ck_assert_uint_eq(svc.n_labels, 2);
	ck_assert_ptr_eq(service_label(&svc, NULL), &svc.labels[0]);
	ck_assert_ptr_eq(service_label(&svc, "iot"), &svc.labels[1]);
	ck_assert_ptr_null(service_label(&svc, "other"));
	ck_assert_int_eq(X509_cmp(svc.labels[1].issuer.cert, iot), 0);
	ck_assert_int_eq(X509_cmp(svc.labels[0].issuer.cert, env.ca), 0);
	ck_assert_ptr_nonnull(svc.labels[1].users);
	ck_assert_ptr_null(svc.labels[0].users);
	ck_assert_ptr_null(svc.labels[1].codes);
	ck_assert_uint_eq(htpasswd_count(svc.labels[1].users), 1);
	/* A password-only label trusts only its own CA's clients. */
	ck_assert_uint_eq(trust_store_count(svc.labels[1].enroll_trust), 1);
	ck_assert_uint_gt(svc.labels[0].csrattrs_body.len, 0);
	ck_assert_uint_gt(svc.labels[1].cacerts_body.len, 0);
	service_free(&svc);
	diag_free(&d);
	free(users);
	free(hash);
	X509_free(iot);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(reports_label_problems_each_in_its_place)
{
	struct est_service	 svc;
	struct diag		 d;
	EVP_PKEY		*k;
	X509			*iot = label_ca("iot", &k);
	char			 path[TP_PATH_MAX], want[TP_PATH_MAX + 96];

	tp_write_str(env.dir, "users", "");
	tp_write_str(env.dir, "codes", "one\n");
	tp_write_file(env.dir, "hook", "#!/bin/sh\nexit 0\n", 17, 0644);
	ck_assert_int_eq(load("[ca iot]\ncertificate = iot-ca.pem\nkey = iot-ca.key\n"
	    "[auth iot]\nmethods = password\nhtpasswd = users\n"
	    "[profile iot]\nchallenge_password = code\nenrollment_codes = codes\n"
	    "enrollment_code_state = absent\nhook = hook\ncsrattrs = AgEB\n",
	    &svc, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 4);
	tp_path(path, env.dir, "users");
	snprintf(want, sizeof(want), "%s: no users", path);
	ck_assert(has(&d, want));
	tp_path(path, env.dir, "absent");
	snprintf(want, sizeof(want), "%s: enrollment code state directory must "
	    "exist and be writable", path);
	ck_assert(has(&d, want));
	tp_path(path, env.dir, "hook");
	snprintf(want, sizeof(want), "%s: authorization hook is not executable: "
	    "Permission denied", path);
	/* access(X_OK) fails without an x bit, even for root. */
	ck_assert(has(&d, want));
	ck_assert(has(&d, "csrattrs: not base64 of a DER CsrAttrs SEQUENCE"));
	service_free(&svc);
	diag_free(&d);
	X509_free(iot);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(csrattrs_none_leaves_the_body_empty)
{
	struct est_service	svc;
	struct diag		d;

	ck_assert_int_eq(load("[profile]\ncsrattrs = none\n", &svc, &d), 0);
	ck_assert_uint_eq(svc.labels[0].csrattrs_body.len, 0);
	service_free(&svc);
	diag_free(&d);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("service");
	TCase	*tc = tcase_create("service");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, loads_a_complete_configuration);
	tcase_add_test(tc, accept_issued_no_keeps_this_ca_out_of_enrollment);
	tcase_add_test(tc, serves_the_ca_and_its_chain_in_cacerts);
	tcase_add_test(tc, serves_the_cacerts_bundle_when_one_is_configured);
	tcase_add_test(tc, reports_a_cacerts_bundle_without_certificates);
	tcase_add_test(tc, refuses_a_ca_key_readable_by_others);
	tcase_add_test(tc, refuses_a_ca_key_readable_by_others_named_by_a_file_uri);
	tcase_add_test(tc, accepts_a_group_readable_ca_key);
	tcase_add_test(tc, reports_an_empty_trust_store);
	tcase_add_test(tc, reports_a_missing_trust_store);
	tcase_add_test(tc, reports_ca_and_trust_store_problems_together);
	tcase_add_test(tc, summary_logs_the_ca_cacerts_and_trust_store);
	tcase_add_test(tc, loads_every_label_with_its_own_ca);
	tcase_add_test(tc, reports_label_problems_each_in_its_place);
	tcase_add_test(tc, csrattrs_none_leaves_the_body_empty);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
