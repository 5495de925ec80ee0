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

/*
 * Loads an estd.conf of text alone (no base to add to: a setting may not be
 * given twice) and the service; returns service_load's result.
 */
static int
load_text(const char *text, struct est_service *svc, struct diag *d)
{
	diag_init(d);
	tp_write_str(env.dir, "estd.conf", text);
	config_free(&env.cfg);
	config_defaults(&env.cfg);
	ck_assert_int_eq(config_load(&env.cfg, env.conf, d), 0);
	return service_load(svc, &env.cfg, d);
}

/* What service_log_summary() logs for svc (a new string). */
static char *
summary_text(const struct est_service *svc)
{
	char *text;

	log_open("estd", LOG_TARGET_STDERR, LOG_LEVEL_INFO);
	tp_capture_begin(env.dir);
	service_log_summary(svc);
	text = tp_capture_end();
	log_close();
	return text;
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

/* Root <- Mid <- the test CA (env.ca_key), written as ca.pem. */
struct three_levels {
	EVP_PKEY	*root_key, *mid_key;
	X509		*root, *mid, *ca;
};

static void
three_levels_make(struct three_levels *t)
{
	struct tp_cert_spec ms = { .cn = "Mid CA", .ca = 1, .ku = "keyCertSign" };
	struct tp_cert_spec cs = { .cn = "EST Test CA", .ca = 1, .ku = "keyCertSign" };

	t->root_key = tp_key(TP_EC_P256);
	t->mid_key = tp_key(TP_EC_P256);
	t->root = tp_ca(t->root_key, "Root CA");
	t->mid = tp_cert(&ms, t->mid_key, t->root, t->root_key);
	t->ca = tp_cert(&cs, env.ca_key, t->mid, t->mid_key);
	tp_write_certs(env.dir, "ca.pem", &t->ca, 1);
}

static void
three_levels_free(struct three_levels *t)
{
	X509_free(t->ca);
	X509_free(t->mid);
	X509_free(t->root);
	EVP_PKEY_free(t->mid_key);
	EVP_PKEY_free(t->root_key);
}

START_TEST(serves_the_chain_in_path_order_whatever_the_file_order)
{
	struct three_levels	 t;
	struct est_service	 svc;
	struct diag		 d;
	PKCS7			*p7;
	X509			*chain[2];

	three_levels_make(&t);
	chain[0] = t.root;
	chain[1] = t.mid;
	tp_write_certs(env.dir, "chain.pem", chain, 2);
	ck_assert_int_eq(load("[ca]\nchain = chain.pem\n", &svc, &d), 0);
	p7 = cacerts(&svc);
	ck_assert_int_eq(sk_X509_num(p7->d.sign->cert), 3);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 0), t.ca), 0);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 1), t.mid), 0);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 2), t.root), 0);
	PKCS7_free(p7);
	service_free(&svc);
	diag_free(&d);
	three_levels_free(&t);
}
END_TEST

/* RFC 7030 4.1.3: /cacerts MUST include the current root. */
START_TEST(refuses_a_cacerts_that_would_not_reach_the_root)
{
	struct three_levels	 t;
	struct est_service	 svc;
	struct diag		 d;

	three_levels_make(&t);
	ck_assert_int_eq(load("", &svc, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "[ca] chain (not set): /cacerts would not reach the "
	    "root: nothing there issued \"CN=EST Test CA\"; add the certificates "
	    "above it up to the self-signed root (RFC 7030 4.1.3)"));
	service_free(&svc);
	diag_free(&d);
	tp_write_certs(env.dir, "chain.pem", &t.mid, 1);
	ck_assert_int_eq(load("[ca]\nchain = chain.pem\n", &svc, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "chain.pem: /cacerts would not reach the root: nothing "
	    "there issued \"CN=Mid CA\""));
	service_free(&svc);
	diag_free(&d);
	three_levels_free(&t);
}
END_TEST

START_TEST(refuses_chain_certificates_off_the_path)
{
	struct three_levels	 t;
	struct est_service	 svc;
	struct diag		 d;
	X509			*chain[4];

	three_levels_make(&t);
	chain[0] = t.mid;
	chain[1] = env.boot_ca;
	chain[2] = t.ca;
	chain[3] = t.root;
	tp_write_certs(env.dir, "chain.pem", chain, 4);
	ck_assert_int_eq(load("[ca]\nchain = chain.pem\n", &svc, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "chain.pem: \"CN=Bootstrap CA\" is not on the path from "
	    "the CA certificate to its root"));
	service_free(&svc);
	diag_free(&d);
	three_levels_free(&t);
}
END_TEST

/* A full-chain file: the CA itself and repeats are dropped, not refused. */
START_TEST(drops_the_ca_and_repeats_from_the_chain)
{
	struct three_levels	 t;
	struct est_service	 svc;
	struct diag		 d;
	PKCS7			*p7;
	X509			*chain[4];

	three_levels_make(&t);
	chain[0] = t.ca;
	chain[1] = t.mid;
	chain[2] = t.root;
	chain[3] = t.mid;
	tp_write_certs(env.dir, "chain.pem", chain, 4);
	ck_assert_int_eq(load("[ca]\nchain = chain.pem\n", &svc, &d), 0);
	p7 = cacerts(&svc);
	ck_assert_int_eq(sk_X509_num(p7->d.sign->cert), 3);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 0), t.ca), 0);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 1), t.mid), 0);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 2), t.root), 0);
	PKCS7_free(p7);
	service_free(&svc);
	diag_free(&d);
	three_levels_free(&t);
}
END_TEST

/* More than the bound: refused before anything is built (ASan watches). */
START_TEST(refuses_a_chain_of_64_certificates)
{
	struct three_levels	 t;
	struct est_service	 svc;
	struct diag		 d;
	X509			*chain[70];
	size_t			 i;

	three_levels_make(&t);
	for (i = 0; i < 70; i++)
		chain[i] = i % 2 ? t.root : t.mid;
	tp_write_certs(env.dir, "chain.pem", chain, 70);
	ck_assert_int_eq(load("[ca]\nchain = chain.pem\n", &svc, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "chain.pem: more than 63 certificates"));
	ck_assert_uint_eq(svc.labels[0].cacerts_body.len, 0);
	service_free(&svc);
	diag_free(&d);
	three_levels_free(&t);
}
END_TEST

/* During a key rollover the new root also comes certified by the old one. */
START_TEST(a_bundle_with_rollover_certificates_reaches_the_new_root)
{
	struct three_levels	 t;
	struct tp_cert_spec	 xs = { .cn = "Root CA", .ca = 1, .ku = "keyCertSign" };
	EVP_PKEY		*old_key = tp_key(TP_EC_P256);
	X509			*old_root = tp_ca(old_key, "Old Root CA");
	X509			*new_by_old, *bundle[4];
	struct est_service	 svc;
	struct diag		 d;

	three_levels_make(&t);
	/* The new root's key and name, certified by the old root. */
	new_by_old = tp_cert(&xs, t.root_key, old_root, old_key);
	/* The certified copy first, and the old root not there: a path through
	 * the copy would end nowhere. */
	bundle[0] = t.ca;
	bundle[1] = t.mid;
	bundle[2] = new_by_old;
	bundle[3] = t.root;
	tp_write_certs(env.dir, "bundle.pem", bundle, 4);
	ck_assert_int_eq(load("[ca]\ncacerts_bundle = bundle.pem\n", &svc, &d), 0);
	ck_assert_uint_eq(svc.labels[0].n_cacerts, 4);
	service_free(&svc);
	diag_free(&d);
	X509_free(new_by_old);
	X509_free(old_root);
	EVP_PKEY_free(old_key);
	three_levels_free(&t);
}
END_TEST

START_TEST(refuses_a_chain_certificate_that_is_not_a_valid_ca)
{
	struct tp_cert_spec	 es = { .cn = "Expired Root", .ca = 1,
	    .ku = "keyCertSign", .not_before = 1000000000, .not_after = 1100000000 };
	struct tp_cert_spec	 cs = { .cn = "EST Test CA", .ca = 1, .ku = "keyCertSign" };
	EVP_PKEY		*old_key = tp_key(TP_EC_P256);
	X509			*old_root = tp_cert(&es, old_key, NULL, NULL);
	X509			*ca = tp_cert(&cs, env.ca_key, old_root, old_key);
	struct est_service	 svc;
	struct diag		 d;

	tp_write_certs(env.dir, "ca.pem", &ca, 1);
	tp_write_certs(env.dir, "chain.pem", &old_root, 1);
	ck_assert_int_eq(load("[ca]\nchain = chain.pem\n", &svc, &d), -1);
	ck_assert(has(&d, "chain.pem: \"CN=Expired Root\": CA certificate has "
	    "expired"));
	service_free(&svc);
	diag_free(&d);
	X509_free(ca);
	X509_free(old_root);
	EVP_PKEY_free(old_key);
}
END_TEST

START_TEST(refuses_a_cacerts_bundle_without_the_ca_or_its_root)
{
	struct three_levels	 t;
	struct est_service	 svc;
	struct diag		 d;
	X509			*bundle[3];

	three_levels_make(&t);
	tp_write_certs(env.dir, "bundle.pem", &env.boot_ca, 1);
	ck_assert_int_eq(load("[ca]\ncacerts_bundle = bundle.pem\n", &svc, &d), -1);
	ck_assert(has(&d, "bundle.pem: does not hold the CA certificate"));
	service_free(&svc);
	diag_free(&d);
	bundle[0] = t.ca;
	bundle[1] = t.mid;
	tp_write_certs(env.dir, "bundle.pem", bundle, 2);
	ck_assert_int_eq(load("[ca]\ncacerts_bundle = bundle.pem\n", &svc, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "bundle.pem: /cacerts would not reach the root"));
	service_free(&svc);
	diag_free(&d);
	/* With the root, and a stranger (a rollover certificate, say). */
	bundle[2] = t.root;
	bundle[1] = env.boot_ca;
	bundle[0] = t.mid;
	tp_write_certs(env.dir, "bundle2.pem", bundle, 3);
	ck_assert_int_eq(load("[ca]\ncacerts_bundle = bundle2.pem\n", &svc, &d), -1);
	ck_assert(has(&d, "does not hold the CA certificate"));
	service_free(&svc);
	diag_free(&d);
	three_levels_free(&t);
}
END_TEST

START_TEST(refuses_a_cacerts_bundle_of_more_than_64_certificates)
{
	X509			*many[65];
	EVP_PKEY		*k = tp_key(TP_EC_P256);
	struct est_service	 svc;
	struct diag		 d;
	char			 cn[16];
	size_t			 i;

	many[0] = env.ca;
	X509_up_ref(env.ca);
	for (i = 1; i < 65; i++) {
		snprintf(cn, sizeof(cn), "CA %zu", i);
		many[i] = tp_ca(k, cn);
	}
	tp_write_certs(env.dir, "bundle.pem", many, 65);
	ck_assert_int_eq(load("[ca]\ncacerts_bundle = bundle.pem\n", &svc, &d), -1);
	ck_assert(has(&d, "bundle.pem: more than 64 certificates"));
	service_free(&svc);
	diag_free(&d);
	for (i = 0; i < 65; i++)
		X509_free(many[i]);
	EVP_PKEY_free(k);
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
	char			key[TP_PATH_MAX], extra[TP_PATH_MAX + 96];
	int			rc, reported;

	tp_path(key, env.dir, "ca.key");
	ck_assert_int_eq(chmod(key, 0644), 0);
	snprintf(extra, sizeof(extra), "[ca]\ncertificate = ca.pem\n"
	    "key = file:%s\n[trust]\nstore = trust\n", key);
	rc = load_text(extra, &svc, &d);
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

	ck_assert_int_eq(load_text("[ca]\ncertificate = ca.pem\nkey = ca.key\n"
	    "[trust]\nstore = nowhere\n", &svc, &d), -1);
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
	ck_assert_int_eq(load_text("[ca]\ncertificate = ca.pem\nkey = ca.key\n"
	    "[trust]\nstore = nowhere\n", &svc, &d), -1);
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
	text = summary_text(&svc);
	ck_assert_ptr_nonnull(strstr(text, "info: label (default): /.well-known/est/\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:   CA certificate: CN=EST Test CA (valid "));
	ck_assert_ptr_nonnull(strstr(text, "info:     issuer: CN=EST Test CA\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:     key: EC prime256v1 256 bits, "
	    "signing with SHA256, from /"));
	/* Which files: the operator sees what was loaded, never the key itself. */
	ck_assert_ptr_nonnull(strstr(text, "/ca.key\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:     file: /"));
	ck_assert_ptr_nonnull(strstr(text, "/ca.pem\n"));
	ck_assert_ptr_null(strstr(text, "PRIVATE"));
	ck_assert_ptr_nonnull(strstr(text, "info:     basicConstraints: CA:TRUE\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:     extendedKeyUsage: (none)\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:   /cacerts serves 1 certificate(s)\n"));
	ck_assert_ptr_nonnull(strstr(text, "info:   auth: certificate\n"));
	ck_assert_ptr_nonnull(strstr(text, "trust: 1 certificate(s), and this CA's "
	    "own clients (accept_issued = yes: to renew themselves)\n"));
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

/* accept_issued = no cannot keep out a CA the directory itself trusts. */
START_TEST(summary_shows_this_ca_when_the_trust_store_holds_it)
{
	struct est_service	 svc;
	struct diag		 d;
	char			 trust[TP_PATH_MAX], *text;

	tp_path(trust, env.dir, "trust");
	tp_write_certs(trust, "est-ca.pem", &env.ca, 1);
	ck_assert_int_eq(load("accept_issued = no\n", &svc, &d), 0);
	text = summary_text(&svc);
	ck_assert_ptr_nonnull(strstr(text, "trust: 2 certificate(s)\n"));
	ck_assert_ptr_nonnull(strstr(text, "trusted: CN=Bootstrap CA (valid "));
	ck_assert_ptr_nonnull(strstr(text, "trusted: CN=EST Test CA (valid "));
	ck_assert_ptr_nonnull(strstr(text, "warning:   the trust store holds this "
	    "CA's own certificate: its clients may use simpleenroll (to renew "
	    "themselves) although accept_issued = no\n"));
	ck_assert_ptr_nonnull(strstr(text, "signature_digests=SHA256,SHA384,SHA512 "));
	free(text);
	service_free(&svc);
	diag_free(&d);
	/* With accept_issued = yes the count is the directory's, no warning. */
	ck_assert_int_eq(load(NULL, &svc, &d), 0);
	text = summary_text(&svc);
	ck_assert_ptr_nonnull(strstr(text, "trust: 2 certificate(s), and this CA's "
	    "own clients (accept_issued = yes: to renew themselves)\n"));
	ck_assert_ptr_null(strstr(text, "warning:"));
	free(text);
	service_free(&svc);
	diag_free(&d);
	ck_assert_int_eq(load("accept_issued = any\n", &svc, &d), 0);
	text = summary_text(&svc);
	ck_assert_ptr_nonnull(strstr(text, "and this CA's own clients "
	    "(accept_issued = any: for any names)\n"));
	free(text);
	service_free(&svc);
	diag_free(&d);
}
END_TEST

START_TEST(warns_of_a_ca_certificate_that_ends_before_validity_days)
{
	struct tp_cert_spec	 ca_spec = { .cn = "EST Test CA", .ca = 1,
	    .ku = "keyCertSign", .not_after = time(NULL) + 10 * 86400 + 600 };
	X509			*ca = tp_cert(&ca_spec, env.ca_key, NULL, NULL);
	struct est_service	 svc;
	struct diag		 d;
	char			 warning[1536], *text;

	tp_write_certs(env.dir, "ca.pem", &ca, 1);
	ck_assert_int_eq(load(NULL, &svc, &d), 0);
	ck_assert_int_eq(service_ca_expiry_warning(&svc.labels[0], time(NULL),
	    warning, sizeof(warning)), 1);
	ck_assert_ptr_nonnull(strstr(warning, ", in 10 day(s): certificates "
	    "issued now end then, before validity_days (365); renew the CA "
	    "certificate"));
	text = summary_text(&svc);
	ck_assert_ptr_nonnull(strstr(text, "warning:   the CA certificate "));
	ck_assert_ptr_nonnull(strstr(text, "expires on "));
	free(text);
	service_free(&svc);
	diag_free(&d);
	/* validity_days within what is left: nothing to say. */
	ck_assert_int_eq(load("[profile]\nvalidity_days = 7\n", &svc, &d), 0);
	ck_assert_int_eq(service_ca_expiry_warning(&svc.labels[0], time(NULL),
	    warning, sizeof(warning)), 0);
	text = summary_text(&svc);
	ck_assert_ptr_null(strstr(text, "expires on "));
	free(text);
	service_free(&svc);
	diag_free(&d);
	X509_free(ca);
}
END_TEST

START_TEST(summary_warns_of_anchors_and_a_ca_that_cannot_serve)
{
	struct tp_cert_spec	 old_spec = { .cn = "Old CA", .ca = 1,
	    .ku = "keyCertSign", .not_before = 1000000000, .not_after = 1100000000 };
	struct tp_cert_spec	 ee_spec = { .cn = "A device", .eku = "clientAuth" };
	struct tp_cert_spec	 web_spec = { .cn = "Web CA", .ca = 1,
	    .ku = "keyCertSign", .eku = "serverAuth" };
	struct tp_cert_spec	 new_spec = { .cn = "Next CA", .ca = 1,
	    .ku = "keyCertSign", .not_before = time(NULL) + 86400,
	    .not_after = time(NULL) + 10 * 86400 };
	struct tp_cert_spec	 ca_spec = { .cn = "EST Test CA", .ca = 1,
	    .ku = "keyCertSign", .eku = "serverAuth" };
	EVP_PKEY		*k = tp_key(TP_EC_P256);
	X509			*old = tp_cert(&old_spec, k, NULL, NULL);
	X509			*ee = tp_cert(&ee_spec, k, NULL, NULL);
	X509			*web = tp_cert(&web_spec, k, NULL, NULL);
	X509			*next = tp_cert(&new_spec, k, NULL, NULL);
	X509			*ca = tp_cert(&ca_spec, env.ca_key, NULL, NULL);
	struct est_service	 svc;
	struct diag		 d;
	char			 trust[TP_PATH_MAX], *text;

	tp_path(trust, env.dir, "trust");
	tp_write_certs(trust, "old.pem", &old, 1);
	tp_write_certs(trust, "device.pem", &ee, 1);
	tp_write_certs(trust, "web.pem", &web, 1);
	tp_write_certs(trust, "next.pem", &next, 1);
	tp_write_certs(env.dir, "ca.pem", &ca, 1);
	ck_assert_int_eq(load(NULL, &svc, &d), 0);
	text = summary_text(&svc);
	ck_assert_ptr_nonnull(strstr(text, "trusted: CN=Old CA (valid "));
	ck_assert_ptr_nonnull(strstr(text, "warning:     it has expired: every "
	    "client certificate under it is refused\n"));
	ck_assert_ptr_nonnull(strstr(text, "trusted: CN=A device (valid "));
	ck_assert_ptr_nonnull(strstr(text, "warning:     it is not a CA (no "
	    "basicConstraints CA:TRUE): it authenticates only its own holder\n"));
	ck_assert_ptr_nonnull(strstr(text, "warning:   the CA certificate's "
	    "extendedKeyUsage lacks clientAuth: certificates it issues cannot "
	    "authenticate simplereenroll\n"));
	/* An anchor for servers only, and one not valid yet, admit nobody. */
	ck_assert_ptr_nonnull(strstr(text, "trusted: CN=Web CA (valid "));
	ck_assert_ptr_nonnull(strstr(text, "warning:     its extendedKeyUsage "
	    "lacks clientAuth: every client certificate under it is refused\n"));
	ck_assert_ptr_nonnull(strstr(text, "trusted: CN=Next CA (valid "));
	ck_assert_ptr_nonnull(strstr(text, "warning:     it is not valid yet: "
	    "every client certificate under it is refused until then\n"));
	/* The bootstrap CA draws no warning: "expired" only once. */
	ck_assert_ptr_null(strstr(strstr(text, "expired") + 1, "expired"));
	free(text);
	service_free(&svc);
	diag_free(&d);
	X509_free(ca);
	X509_free(next);
	X509_free(web);
	X509_free(ee);
	X509_free(old);
	EVP_PKEY_free(k);
}
END_TEST

/*
 * The summary is what an operator reads to see what a worker enforces: every
 * setting that decides who gets which certificate is in it, with its value.
 */
START_TEST(summary_logs_every_effective_setting)
{
	struct est_service	 svc;
	struct diag		 d;
	char			 dir[TP_PATH_MAX], *text, *hash = tp_crypt("$6$", "pw");
	char			 users[256];

	tp_path(dir, env.dir, "spent");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	tp_write_file(env.dir, "codes", "CODE-A1\nCODE-B2\n", 16, 0600);
	snprintf(users, sizeof(users), "alice:%s\nbob:%s\n", hash, hash);
	tp_write_file(env.dir, "users", users, strlen(users), 0600);
	ck_assert_int_eq(load("[auth]\nmethods = certificate-or-password\n"
	    "htpasswd = users\nrealm = EST devices\n"
	    "[profile]\nsan_types = dns, ip\n"
	    "dns_suffixes = a.example, b.example\n"
	    "ip_ranges = 10.0.0.0/8, 2001:db8::/32\nallow_wildcard = no\n"
	    "allow_change_subject_name = yes\nhook_timeout_ms = 250\n"
	    "challenge_password = code\nenrollment_codes = codes\n"
	    "enrollment_code_state = spent\nkey_usage = digitalSignature\n",
	    &svc, &d), 0);
	text = summary_text(&svc);
	ck_assert_msg(strstr(text, "san_types=dns,ip ") != NULL, "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "dns_suffixes=a.example,b.example "));
	ck_assert_ptr_nonnull(strstr(text, "ip_ranges=10.0.0.0/8,2001:db8::/32 "));
	ck_assert_ptr_nonnull(strstr(text, "allow_wildcard=no"));
	ck_assert_ptr_nonnull(strstr(text, "allow_change_subject_name=yes "));
	ck_assert_ptr_nonnull(strstr(text, "hook_timeout_ms=250"));
	ck_assert_ptr_nonnull(strstr(text, "challenge_password=code (2 codes from "));
	ck_assert_ptr_nonnull(strstr(text, "/spent)"));
	ck_assert_ptr_nonnull(strstr(text, "(2 user(s), realm \"EST devices\")"));
	/* Nothing secret: no hash, no code. */
	ck_assert_ptr_null(strstr(text, hash));
	ck_assert_ptr_null(strstr(text, "CODE-"));
	free(text);
	service_free(&svc);
	diag_free(&d);
	/* The defaults say so. */
	ck_assert_int_eq(load(NULL, &svc, &d), 0);
	text = summary_text(&svc);
	ck_assert_msg(strstr(text, "san_types=dns,ip,email,uri dns_suffixes=(any) "
	    "ip_ranges=(any) allow_wildcard=yes") != NULL, "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "allow_change_subject_name=no "
	    "challenge_password=refuse hook=- hook_timeout_ms=5000"));
	free(text);
	service_free(&svc);
	diag_free(&d);
	free(hash);
}
END_TEST

/*
 * Renewal is authenticated by the issued certificate: a profile that leaves
 * clientAuth out issues certificates the front server refuses for it.
 */
START_TEST(summary_warns_of_a_profile_without_client_auth)
{
	struct est_service	 svc;
	struct diag		 d;
	char			*text;
	const char		*warn = "warning:   the profile's extended_key_usage "
	    "lacks clientAuth: the certificates it issues cannot authenticate "
	    "simplereenroll\n";

	ck_assert_int_eq(load("[profile]\nextended_key_usage = serverAuth\n",
	    &svc, &d), 0);
	text = summary_text(&svc);
	ck_assert_ptr_nonnull(strstr(text, warn));
	free(text);
	service_free(&svc);
	diag_free(&d);
	ck_assert_int_eq(load("[profile]\nextended_key_usage = serverAuth, "
	    "clientAuth\n", &svc, &d), 0);
	text = summary_text(&svc);
	ck_assert_ptr_null(strstr(text, "lacks clientAuth"));
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
	tp_write_file(env.dir, "codes", "one\n", 4, 0600);
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
	tcase_add_test(tc, serves_the_chain_in_path_order_whatever_the_file_order);
	tcase_add_test(tc, refuses_a_cacerts_that_would_not_reach_the_root);
	tcase_add_test(tc, refuses_chain_certificates_off_the_path);
	tcase_add_test(tc, drops_the_ca_and_repeats_from_the_chain);
	tcase_add_test(tc, refuses_a_chain_of_64_certificates);
	tcase_add_test(tc, a_bundle_with_rollover_certificates_reaches_the_new_root);
	tcase_add_test(tc, refuses_a_chain_certificate_that_is_not_a_valid_ca);
	tcase_add_test(tc, refuses_a_cacerts_bundle_without_the_ca_or_its_root);
	tcase_add_test(tc, refuses_a_cacerts_bundle_of_more_than_64_certificates);
	tcase_add_test(tc, refuses_a_ca_key_readable_by_others);
	tcase_add_test(tc, refuses_a_ca_key_readable_by_others_named_by_a_file_uri);
	tcase_add_test(tc, accepts_a_group_readable_ca_key);
	tcase_add_test(tc, reports_an_empty_trust_store);
	tcase_add_test(tc, reports_a_missing_trust_store);
	tcase_add_test(tc, reports_ca_and_trust_store_problems_together);
	tcase_add_test(tc, summary_logs_the_ca_cacerts_and_trust_store);
	tcase_add_test(tc, summary_shows_this_ca_when_the_trust_store_holds_it);
	tcase_add_test(tc, summary_warns_of_anchors_and_a_ca_that_cannot_serve);
	tcase_add_test(tc, warns_of_a_ca_certificate_that_ends_before_validity_days);
	tcase_add_test(tc, summary_logs_every_effective_setting);
	tcase_add_test(tc, summary_warns_of_a_profile_without_client_auth);
	tcase_add_test(tc, loads_every_label_with_its_own_ca);
	tcase_add_test(tc, reports_label_problems_each_in_its_place);
	tcase_add_test(tc, csrattrs_none_leaves_the_body_empty);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
