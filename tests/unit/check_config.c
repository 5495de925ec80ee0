/* check_config: estd.conf parsing and its value helpers. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/obj_mac.h>
#include <openssl/x509v3.h>

#include "est/config.h"
#include "est/signer.h"
#include "testpki.h"

/* Writes text as DIR/estd.conf and loads it into cfg; returns config_load's result. */
static int
load(const char *dir, const char *text, struct est_config *cfg, struct diag *d)
{
	char path[TP_PATH_MAX];

	tp_write_str(dir, "estd.conf", text);
	tp_path(path, dir, "estd.conf");
	config_defaults(cfg);
	diag_init(d);
	return config_load(cfg, path, d);
}

/* 1 if some problem in d contains needle. */
static int
has(const struct diag *d, const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->msgs[i], needle) != NULL)
			return 1;
	return 0;
}

static const char minimal[] =
    "[ca]\ncertificate = ca.pem\nkey = ca.key\n[trust]\nstore = trust\n";

START_TEST(parses_booleans_in_every_spelling)
{
	static const char *const yes[] = { "yes", "YES", "true", "On", "1" };
	static const char *const no[] = { "no", "False", "OFF", "0" };
	static const char *const bad[] = { "", "2", "y", "yess", " yes", "enabled" };
	size_t	i;
	int	v;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		v = -1;
		ck_assert_int_eq(config_parse_bool(yes[i], &v), 0);
		ck_assert_int_eq(v, 1);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		v = -1;
		ck_assert_int_eq(config_parse_bool(no[i], &v), 0);
		ck_assert_int_eq(v, 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		ck_assert_msg(config_parse_bool(bad[i], &v) == -1, "\"%s\"", bad[i]);
		ck_assert_int_eq(v, 7);
	}
}
END_TEST

START_TEST(parses_unsigned_integers_within_bounds)
{
	unsigned long v = 0;

	ck_assert_int_eq(config_parse_uint("365", 1, 36500, &v), 0);
	ck_assert_uint_eq(v, 365);
	ck_assert_int_eq(config_parse_uint("1", 1, 1, &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(config_parse_uint("0", 0, 10, &v), 0);
	ck_assert_uint_eq(v, 0);
}
END_TEST

START_TEST(rejects_integers_with_signs_spaces_junk_or_out_of_range)
{
	static const char *const bad[] = {
		"", "-1", "+5", " 5", "5 ", "5x", "0x10", "1e3",
		"99999999999999999999999999", "0", "36501",
	};
	unsigned long	v = 42;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(config_parse_uint(bad[i], 1, 36500, &v) == -1,
		    "\"%s\" accepted", bad[i]);
	ck_assert_uint_eq(v, 42);
}
END_TEST

START_TEST(parses_key_usage_lists)
{
	unsigned ku = 0;

	ck_assert_int_eq(config_parse_key_usage("digitalSignature, keyEncipherment",
	    &ku), 0);
	ck_assert_uint_eq(ku, KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT);
	ck_assert_int_eq(config_parse_key_usage(
	    "\tkeyagreement ,contentCommitment,,dataEncipherment\t", &ku), 0);
	ck_assert_uint_eq(ku, KU_KEY_AGREEMENT | KU_NON_REPUDIATION |
	    KU_DATA_ENCIPHERMENT);
	ck_assert_int_eq(config_parse_key_usage("", &ku), 0);
	ck_assert_uint_eq(ku, 0);
}
END_TEST

START_TEST(rejects_unknown_or_ca_only_key_usages)
{
	unsigned ku = 77;

	ck_assert_int_eq(config_parse_key_usage("digitalSignature,keyCertSign", &ku), -1);
	ck_assert_int_eq(config_parse_key_usage("cRLSign", &ku), -1);
	ck_assert_int_eq(config_parse_key_usage("digital Signature", &ku), -1);
	ck_assert_uint_eq(ku, 77);
}
END_TEST

START_TEST(parses_eku_lists_without_duplicates)
{
	int	nids[CONFIG_MAX_EKU];
	size_t	n = 99;

	ck_assert_int_eq(config_parse_eku("clientAuth, serverAuth, CLIENTAUTH",
	    nids, CONFIG_MAX_EKU, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(nids[0], NID_client_auth);
	ck_assert_int_eq(nids[1], NID_server_auth);
	ck_assert_int_eq(config_parse_eku("codeSigning,emailProtection,timeStamping,"
	    "OCSPSigning", nids, CONFIG_MAX_EKU, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(nids[3], NID_OCSP_sign);
}
END_TEST

START_TEST(rejects_eku_lists_that_are_unknown_or_too_long)
{
	int	nids[2];
	size_t	n = 99;

	ck_assert_int_eq(config_parse_eku("clientAuth,anyExtendedKeyUsage", nids, 2,
	    &n), -1);
	ck_assert_int_eq(config_parse_eku("clientAuth,serverAuth,codeSigning", nids,
	    2, &n), -1);
	ck_assert_uint_eq(n, 99);
}
END_TEST

START_TEST(parses_curve_names)
{
	int	nids[CONFIG_MAX_CURVES];
	size_t	n = 0;

	ck_assert_int_eq(config_parse_curves("P-256,P-384,P-521,secp256k1,"
	    "brainpoolP256r1", nids, CONFIG_MAX_CURVES, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(nids[0], NID_X9_62_prime256v1);
	ck_assert_int_eq(nids[1], NID_secp384r1);
	ck_assert_int_eq(nids[2], NID_secp521r1);
	ck_assert_int_eq(nids[3], NID_secp256k1);
	ck_assert_int_eq(nids[4], NID_brainpoolP256r1);
	ck_assert_int_eq(config_parse_curves("prime256v1", nids, CONFIG_MAX_CURVES,
	    &n), -1);
	ck_assert_int_eq(config_parse_curves("P-224", nids, CONFIG_MAX_CURVES, &n), -1);
}
END_TEST

START_TEST(rejects_list_values_longer_than_the_parser_buffer)
{
	char	 big[700];
	unsigned ku = 5;
	size_t	 i;

	/* 700 bytes of ", digitalSignature" repetitions and commas. */
	for (i = 0; i + 1 < sizeof(big); i++)
		big[i] = ',';
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "digitalSignature", 16);
	ck_assert_int_eq(config_parse_key_usage(big, &ku), -1);
	ck_assert_uint_eq(ku, 5);
}
END_TEST

START_TEST(defaults_are_safe_and_documented)
{
	struct est_config cfg;

	config_defaults(&cfg);
	ck_assert_int_eq(cfg.log_target, LOG_TARGET_SYSLOG);
	ck_assert_int_eq(cfg.log_level, LOG_LEVEL_INFO);
	ck_assert_uint_eq(cfg.max_body, CONFIG_DEFAULT_MAX_BODY);
	ck_assert_int_eq(cfg.labels[0].accept_issued, 1);
	ck_assert_uint_eq(cfg.labels[0].profile.validity_days, 365);
	ck_assert_uint_eq(cfg.labels[0].profile.backdate_seconds, 60);
	ck_assert_uint_eq(cfg.labels[0].profile.key_usage,
	    KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT);
	ck_assert_uint_eq(cfg.labels[0].profile.n_eku, 2);
	ck_assert_int_eq(cfg.labels[0].profile.eku_nids[0], NID_client_auth);
	ck_assert_int_eq(cfg.labels[0].profile.eku_nids[1], NID_server_auth);
	ck_assert_uint_eq(cfg.labels[0].profile.rsa_min_bits, 2048);
	ck_assert_uint_eq(cfg.labels[0].profile.rsa_max_bits, 8192);
	ck_assert_uint_eq(cfg.labels[0].profile.n_ec_curves, 3);
	ck_assert_int_eq(cfg.labels[0].profile.ec_curve_nids[0], NID_X9_62_prime256v1);
	ck_assert_uint_eq(cfg.labels[0].profile.max_san_entries, 64);
	ck_assert_ptr_null(cfg.labels[0].ca_cert);
	ck_assert_ptr_null(cfg.labels[0].trust_store);
	config_free(&cfg);
}
END_TEST

START_TEST(loads_every_setting_and_resolves_relative_paths)
{
	char			dir[TP_PATH_MAX], want[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load(dir,
	    "; comment\n"
	    "[estd]\nlog = stderr\nlog_level = debug\nmax_body_bytes = 2048\n"
	    "[ca]\ncertificate = ca.pem\nkey = private/ca.key\n"
	    "chain = /etc/estd/chain.pem\ncacerts_bundle = bundle.pem\n"
	    "[trust]\nstore = trust.d\naccept_issued = no\n"
	    "[profile]\nvalidity_days = 30\nbackdate_seconds = 300\n"
	    "key_usage = digitalSignature\n"
	    "extended_key_usage = clientAuth\nrsa_min_bits = 3072\n"
	    "rsa_max_bits = 4096\nec_curves = P-384\nmax_san_entries = 0\n",
	    &cfg, &d), 0);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_int_eq(cfg.log_target, LOG_TARGET_STDERR);
	ck_assert_int_eq(cfg.log_level, LOG_LEVEL_DEBUG);
	ck_assert_uint_eq(cfg.max_body, 2048);
	tp_path(want, dir, "ca.pem");
	ck_assert_str_eq(cfg.labels[0].ca_cert, want);
	tp_path(want, dir, "private/ca.key");
	ck_assert_str_eq(cfg.labels[0].ca_key, want);
	ck_assert_str_eq(cfg.labels[0].ca_chain, "/etc/estd/chain.pem");
	tp_path(want, dir, "bundle.pem");
	ck_assert_str_eq(cfg.labels[0].cacerts_bundle, want);
	tp_path(want, dir, "trust.d");
	ck_assert_str_eq(cfg.labels[0].trust_store, want);
	ck_assert_int_eq(cfg.labels[0].accept_issued, 0);
	ck_assert_uint_eq(cfg.labels[0].profile.validity_days, 30);
	ck_assert_uint_eq(cfg.labels[0].profile.backdate_seconds, 300);
	ck_assert_uint_eq(cfg.labels[0].profile.key_usage, KU_DIGITAL_SIGNATURE);
	ck_assert_uint_eq(cfg.labels[0].profile.n_eku, 1);
	ck_assert_int_eq(cfg.labels[0].profile.eku_nids[0], NID_client_auth);
	ck_assert_uint_eq(cfg.labels[0].profile.rsa_min_bits, 3072);
	ck_assert_uint_eq(cfg.labels[0].profile.rsa_max_bits, 4096);
	ck_assert_uint_eq(cfg.labels[0].profile.n_ec_curves, 1);
	ck_assert_int_eq(cfg.labels[0].profile.ec_curve_nids[0], NID_secp384r1);
	ck_assert_uint_eq(cfg.labels[0].profile.max_san_entries, 0);
	tp_path(want, dir, "estd.conf");
	ck_assert_str_eq(cfg.path, want);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(passes_key_uris_to_the_store_untouched)
{
	char			dir[TP_PATH_MAX], want[TP_PATH_MAX + 40];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load(dir, "[ca]\ncertificate = /ca.pem\n"
	    "key = file:/etc/estd/ca.key\n[trust]\nstore = /trust\n",
	    &cfg, &d), 0);
	ck_assert_str_eq(cfg.labels[0].ca_key, "file:/etc/estd/ca.key");
	ck_assert_str_eq(cfg.labels[0].ca_cert, "/ca.pem");
	config_free(&cfg);
	diag_free(&d);
	/* A scheme no OSSL_STORE loader serves is part of a file name. */
	ck_assert_int_eq(load(dir, "[ca]\ncertificate = /ca.pem\n"
	    "key = ca:key.pem\n[trust]\nstore = /trust\n", &cfg, &d), 0);
	snprintf(want, sizeof(want), "%s/ca:key.pem", dir);
	ck_assert_str_eq(cfg.labels[0].ca_key, want);
	config_free(&cfg);
	diag_free(&d);
	/* pkcs11: is a URI once its provider is configured. */
	ck_assert_int_eq(load(dir, "[ca]\ncertificate = /ca.pem\n"
	    "key = pkcs11:token=est;object=ca\n[trust]\nstore = /trust\n",
	    &cfg, &d), 0);
	snprintf(want, sizeof(want), "%s/pkcs11:token=est;object=ca", dir);
	ck_assert_str_eq(cfg.labels[0].ca_key,
	    signer_key_file("pkcs11:x") == NULL ? "pkcs11:token=est;object=ca" :
	    want);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(keeps_defaults_for_settings_not_given)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load(dir, minimal, &cfg, &d), 0);
	ck_assert_int_eq(cfg.log_target, LOG_TARGET_SYSLOG);
	ck_assert_uint_eq(cfg.max_body, CONFIG_DEFAULT_MAX_BODY);
	ck_assert_uint_eq(cfg.labels[0].profile.validity_days, 365);
	ck_assert_uint_eq(cfg.labels[0].profile.n_eku, 2);
	ck_assert_ptr_null(cfg.labels[0].ca_chain);
	ck_assert_ptr_null(cfg.labels[0].cacerts_bundle);
	ck_assert_int_eq(cfg.labels[0].accept_issued, ACCEPT_ISSUED_RENEW);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(accept_issued_takes_yes_no_or_any)
{
	static const struct { const char *v; enum accept_issued want; } cases[] = {
		{ "yes", ACCEPT_ISSUED_RENEW }, { "on", ACCEPT_ISSUED_RENEW },
		{ "no", ACCEPT_ISSUED_NO }, { "0", ACCEPT_ISSUED_NO },
		{ "any", ACCEPT_ISSUED_ANY }, { "ANY", ACCEPT_ISSUED_ANY },
	};
	char			dir[TP_PATH_MAX], text[256];
	struct est_config	cfg;
	struct diag		d;
	size_t			i;

	tp_mkdtemp(dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "[ca]\ncertificate = ca.pem\nkey = ca.key\n"
		    "[trust]\nstore = t\naccept_issued = %s\n", cases[i].v);
		ck_assert_int_eq(load(dir, text, &cfg, &d), 0);
		ck_assert_int_eq(cfg.labels[0].accept_issued, cases[i].want);
		config_free(&cfg);
		diag_free(&d);
	}
	tp_rmtree(dir);
}
END_TEST

START_TEST(reports_every_invalid_value_with_its_setting)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load(dir,
	    "[estd]\nlog = journald\nlog_level = loud\nmax_body_bytes = 100\n"
	    "[ca]\ncertificate = ca.pem\nkey = ca.key\n"
	    "[trust]\nstore = trust\naccept_issued = maybe\n"
	    "[profile]\nvalidity_days = 0\nkey_usage = keyCertSign\n"
	    "ec_curves = P-192\nrsa_min_bits = 512\nmax_san_entries = 5000\n"
	    "backdate_seconds = 86401\n",
	    &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 10);
	ck_assert(has(&d, "[profile] backdate_seconds: invalid value \"86401\""));
	ck_assert(has(&d, "[estd] log: invalid value \"journald\""));
	ck_assert(has(&d, "[estd] log_level: invalid value \"loud\""));
	ck_assert(has(&d, "[estd] max_body_bytes: invalid value \"100\""));
	ck_assert(has(&d, "[trust] accept_issued: invalid value \"maybe\""));
	ck_assert(has(&d, "[profile] validity_days: invalid value \"0\""));
	ck_assert(has(&d, "[profile] key_usage: invalid value \"keyCertSign\""));
	ck_assert(has(&d, "[profile] ec_curves: invalid value \"P-192\""));
	ck_assert(has(&d, "[profile] rsa_min_bits: invalid value \"512\""));
	ck_assert(has(&d, "[profile] max_san_entries: invalid value \"5000\""));
	/* An invalid value leaves the default in place. */
	ck_assert_uint_eq(cfg.labels[0].profile.validity_days, 365);
	ck_assert_uint_eq(cfg.max_body, CONFIG_DEFAULT_MAX_BODY);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(reports_unknown_sections_and_settings)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load(dir, "[ca]\ncertificate = ca.pem\nkey = ca.key\n"
	    "password = secret\n[trust]\nstore = t\n[tls]\nport = 443\n"
	    "[profile]\nvalidity = 10\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 3);
	ck_assert(has(&d, "[ca]: unknown setting \"password\""));
	ck_assert(has(&d, "unknown section [tls]"));
	ck_assert(has(&d, "[profile]: unknown setting \"validity\""));
	/* The value of an unknown setting is never echoed. */
	ck_assert(!has(&d, "secret"));
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(requires_ca_certificate_key_and_trust_store)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load(dir, "[estd]\nlog = stderr\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 3);
	ck_assert(has(&d, "[ca] certificate is required"));
	ck_assert(has(&d, "[ca] key is required"));
	ck_assert(has(&d, "[trust] store is required"));
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(rejects_empty_paths)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load(dir, "[ca]\ncertificate =\nkey = ca.key\n"
	    "[trust]\nstore = t\n", &cfg, &d), -1);
	ck_assert(has(&d, "[ca] certificate: invalid value \"\""));
	ck_assert(has(&d, "[ca] certificate is required"));
	ck_assert_uint_eq(diag_count(&d), 2);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(rejects_rsa_min_above_max_and_an_empty_eku_list)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load(dir, "[ca]\ncertificate = c\nkey = k\n[trust]\n"
	    "store = t\n[profile]\nrsa_min_bits = 4096\nrsa_max_bits = 2048\n"
	    "extended_key_usage = ,\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 2);
	ck_assert(has(&d, "[profile] rsa_min_bits exceeds rsa_max_bits"));
	ck_assert(has(&d, "[profile] extended_key_usage is empty"));
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(reports_syntax_errors_with_the_line)
{
	char			dir[TP_PATH_MAX], want[TP_PATH_MAX + 32];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load(dir, "[ca]\ncertificate = c\nkey = k\n[trust\n"
	    "store = t\n", &cfg, &d), -1);
	snprintf(want, sizeof(want), "%s/estd.conf:4: syntax error", dir);
	ck_assert(has(&d, want));
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(reports_a_missing_file)
{
	char			dir[TP_PATH_MAX], path[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	tp_path(path, dir, "absent.conf");
	config_defaults(&cfg);
	diag_init(&d);
	ck_assert_int_eq(config_load(&cfg, path, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "absent.conf: cannot open: No such file or directory"));
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(free_releases_and_clears_everything)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	load(dir, minimal, &cfg, &d);
	config_free(&cfg);
	ck_assert_ptr_null(cfg.path);
	ck_assert_ptr_null(cfg.labels[0].ca_cert);
	ck_assert_ptr_null(cfg.labels[0].ca_key);
	ck_assert_ptr_null(cfg.labels[0].trust_store);
	config_free(&cfg);	/* twice is harmless */
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

/* Loads minimal + extra; returns config_load's result. */
static int
load_extra(const char *dir, const char *extra, struct est_config *cfg,
    struct diag *d)
{
	char	*text;
	int	 rc;

	ck_assert_int_ne(asprintf(&text, "%s%s", minimal, extra), -1);
	rc = load(dir, text, cfg, d);
	free(text);
	return rc;
}

START_TEST(label_sections_parse_into_their_own_labels)
{
	char			dir[TP_PATH_MAX], want[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir,
	    "[ca iot]\ncertificate = iot/ca.pem\nkey = iot/ca.key\n"
	    "[trust iot]\nstore = iot/trust\naccept_issued = no\n"
	    "[profile iot]\nvalidity_days = 30\n"
	    "[auth iot]\nmethods = certificate-or-password\nhtpasswd = iot/users\n"
	    "realm = IoT devices\n"
	    "[ca web.v2_x-1]\ncertificate = /web.pem\nkey = /web.key\n"
	    "[auth web.v2_x-1]\nmethods = password\nhtpasswd = /users\n"
	    "[profile iot]\nmax_san_entries = 3\n",
	    &cfg, &d), 0);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_uint_eq(cfg.n_labels, 3);
	ck_assert_ptr_null(cfg.labels[0].name);
	ck_assert_str_eq(cfg.labels[1].name, "iot");
	ck_assert_str_eq(cfg.labels[2].name, "web.v2_x-1");
	tp_path(want, dir, "iot/ca.pem");
	ck_assert_str_eq(cfg.labels[1].ca_cert, want);
	tp_path(want, dir, "iot/ca.key");
	ck_assert_str_eq(cfg.labels[1].ca_key, want);
	tp_path(want, dir, "iot/trust");
	ck_assert_str_eq(cfg.labels[1].trust_store, want);
	tp_path(want, dir, "iot/users");
	ck_assert_str_eq(cfg.labels[1].auth.htpasswd, want);
	ck_assert_int_eq(cfg.labels[1].accept_issued, 0);
	ck_assert_int_eq(cfg.labels[1].auth.mode, AUTH_EITHER);
	ck_assert_str_eq(cfg.labels[1].auth.realm, "IoT devices");
	ck_assert_uint_eq(cfg.labels[1].profile.validity_days, 30);
	/* A section named twice adds to the same label. */
	ck_assert_uint_eq(cfg.labels[1].profile.max_san_entries, 3);
	ck_assert_int_eq(cfg.labels[2].auth.mode, AUTH_PASSWORD);
	ck_assert_ptr_null(cfg.labels[2].trust_store);
	/* Unnamed sections are the default label's, with defaults intact. */
	ck_assert_uint_eq(cfg.labels[0].profile.validity_days, 365);
	ck_assert_int_eq(cfg.labels[0].auth.mode, AUTH_CERTIFICATE);
	ck_assert_int_eq(cfg.labels[0].accept_issued, 1);
	ck_assert_uint_eq(cfg.labels[2].profile.validity_days, 365);
	ck_assert_ptr_eq(config_label(&cfg, NULL), &cfg.labels[0]);
	ck_assert_ptr_eq(config_label(&cfg, "iot"), &cfg.labels[1]);
	ck_assert_ptr_eq(config_label(&cfg, "web.v2_x-1"), &cfg.labels[2]);
	ck_assert_ptr_null(config_label(&cfg, "IOT"));
	ck_assert_ptr_null(config_label(&cfg, "other"));
	config_free(&cfg);
	ck_assert_uint_eq(cfg.n_labels, 0);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(label_names_are_letters_digits_dot_underscore_dash)
{
	char long_ok[CONFIG_MAX_LABEL_NAME + 1], too_long[CONFIG_MAX_LABEL_NAME + 2];

	memset(long_ok, 'a', CONFIG_MAX_LABEL_NAME);
	long_ok[CONFIG_MAX_LABEL_NAME] = '\0';
	memset(too_long, 'a', CONFIG_MAX_LABEL_NAME + 1);
	too_long[CONFIG_MAX_LABEL_NAME + 1] = '\0';
	ck_assert_int_eq(config_label_name_ok("iot"), 1);
	ck_assert_int_eq(config_label_name_ok("A.b_c-9"), 1);
	ck_assert_int_eq(config_label_name_ok(long_ok), 1);
	ck_assert_int_eq(config_label_name_ok(too_long), 0);
	ck_assert_int_eq(config_label_name_ok(""), 0);
	ck_assert_int_eq(config_label_name_ok("."), 0);
	ck_assert_int_eq(config_label_name_ok(".."), 0);
	ck_assert_int_eq(config_label_name_ok("a/b"), 0);
	ck_assert_int_eq(config_label_name_ok("a b"), 0);
	ck_assert_int_eq(config_label_name_ok("a%2f"), 0);
	ck_assert_int_eq(config_label_name_ok("caf\xc3\xa9"), 0);
	ck_assert_int_eq(config_label_name_ok("cacerts"), 0);
	ck_assert_int_eq(config_label_name_ok("simpleenroll"), 0);
	ck_assert_int_eq(config_label_name_ok("simplereenroll"), 0);
	ck_assert_int_eq(config_label_name_ok("csrattrs"), 0);
	ck_assert_int_eq(config_label_name_ok("serverkeygen"), 0);
	ck_assert_int_eq(config_label_name_ok("fullcmc"), 0);
}
END_TEST

/* The message config.c gives for a bad label section. */
static void
assert_bad_label(const char *section)
{
	char			dir[TP_PATH_MAX], want[TP_PATH_MAX + 256], *text;
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_ne(asprintf(&text, "[%s]\ncertificate = c.pem\n", section), -1);
	ck_assert_int_eq(load_extra(dir, text, &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s/estd.conf: [%s]: invalid label name "
	    "(1 to 40 letters, digits, '.', '_', '-'; not an operation name; at "
	    "most 15 labels)", dir, section);
	ck_assert_str_eq(d.msgs[0], want);
	ck_assert_uint_eq(cfg.n_labels, 1);
	free(text);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}

START_TEST(refuses_bad_label_names_with_the_exact_message)
{
	assert_bad_label("ca cacerts");
	assert_bad_label("trust simpleenroll");
	assert_bad_label("auth csrattrs");
	assert_bad_label("profile simplereenroll");
	assert_bad_label("ca fullcmc");
	assert_bad_label("ca a/b");
	assert_bad_label("ca ..");
	assert_bad_label("ca .");
	assert_bad_label("ca ");
	assert_bad_label("ca two words");
	assert_bad_label("ca a*");
}
END_TEST

/*
 * inih keeps at most 49 bytes of a section name; labels are limited to
 * CONFIG_MAX_LABEL_NAME (40) so that "[profile NAME]" fits whole, and a
 * section name that reaches inih's limit is refused, never used cut.
 */
START_TEST(a_label_name_of_the_maximum_length_is_used_whole)
{
	char			dir[TP_PATH_MAX], name[CONFIG_MAX_LABEL_NAME + 1], *text;
	struct est_config	cfg;
	struct diag		d;

	memset(name, 'n', CONFIG_MAX_LABEL_NAME);
	name[CONFIG_MAX_LABEL_NAME] = '\0';
	tp_mkdtemp(dir);
	ck_assert_int_ne(asprintf(&text, "[ca %s]\ncertificate = c\nkey = k\n"
	    "[trust %s]\nstore = t\n[profile %s]\nvalidity_days = 9\n",
	    name, name, name), -1);
	load_extra(dir, text, &cfg, &d);
	ck_assert_msg(cfg.n_labels == 2, "%zu labels (the name was cut)", cfg.n_labels);
	ck_assert_str_eq(cfg.labels[1].name, name);
	ck_assert_uint_eq(diag_count(&d), 0);
	free(text);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

/* A name one byte too long is refused, not truncated to a valid one. */
START_TEST(a_label_name_longer_than_the_maximum_is_refused_not_truncated)
{
	char section[3 + CONFIG_MAX_LABEL_NAME + 2];

	memset(section, 'x', sizeof(section));
	memcpy(section, "ca ", 3);
	section[3 + CONFIG_MAX_LABEL_NAME + 1] = '\0';
	assert_bad_label(section);
}
END_TEST

START_TEST(refuses_more_than_fifteen_labels)
{
	char			dir[TP_PATH_MAX], want[TP_PATH_MAX + 256];
	struct est_config	cfg;
	struct diag		d;
	struct buf		b;
	char			line[128];
	int			i;

	tp_mkdtemp(dir);
	buf_init(&b);
	for (i = 1; i <= CONFIG_MAX_LABELS; i++) {
		snprintf(line, sizeof(line), "[ca l%d]\ncertificate = c\nkey = k\n"
		    "[trust l%d]\nstore = t\n", i, i);
		buf_append_str(&b, line);
	}
	buf_append(&b, "", 1);
	ck_assert_int_eq(load_extra(dir, (char *)b.data, &cfg, &d), -1);
	ck_assert_uint_eq(cfg.n_labels, CONFIG_MAX_LABELS);
	ck_assert_str_eq(cfg.labels[CONFIG_MAX_LABELS - 1].name, "l15");
	/* Both lines of the sixteenth label's two sections are refused. */
	ck_assert_uint_eq(diag_count(&d), 3);
	snprintf(want, sizeof(want), "%s/estd.conf: [ca l16]: invalid label name "
	    "(1 to 40 letters, digits, '.', '_', '-'; not an operation name; at most 15 "
	    "labels)", dir);
	ck_assert_str_eq(d.msgs[0], want);
	ck_assert(has(&d, "[trust l16]: invalid label name"));
	buf_free(&b);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(requires_each_labels_ca_and_trust_store)
{
	char			dir[TP_PATH_MAX], want[TP_PATH_MAX + 128];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir, "[profile iot]\nvalidity_days = 7\n",
	    &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 3);
	snprintf(want, sizeof(want), "%s/estd.conf: [ca iot] certificate is required", dir);
	ck_assert_str_eq(d.msgs[0], want);
	snprintf(want, sizeof(want), "%s/estd.conf: [ca iot] key is required", dir);
	ck_assert_str_eq(d.msgs[1], want);
	snprintf(want, sizeof(want), "%s/estd.conf: [trust iot] store is required", dir);
	ck_assert_str_eq(d.msgs[2], want);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(password_only_labels_need_no_trust_store_but_an_htpasswd)
{
	char			dir[TP_PATH_MAX], want[TP_PATH_MAX + 128];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir, "[ca iot]\ncertificate = c\nkey = k\n"
	    "[auth iot]\nmethods = password\nhtpasswd = users\n", &cfg, &d), 0);
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[ca iot]\ncertificate = c\nkey = k\n"
	    "[auth iot]\nmethods = password\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	snprintf(want, sizeof(want), "%s/estd.conf: [auth iot] htpasswd is "
	    "required for password authentication", dir);
	ck_assert_str_eq(d.msgs[0], want);
	config_free(&cfg);
	diag_free(&d);
	/* trust_remote_user replaces the password file. */
	ck_assert_int_eq(load_extra(dir, "[ca iot]\ncertificate = c\nkey = k\n"
	    "[auth iot]\nmethods = password\ntrust_remote_user = yes\n", &cfg, &d), 0);
	ck_assert_int_eq(cfg.labels[1].auth.trust_remote_user, 1);
	config_free(&cfg);
	diag_free(&d);
	/* Other methods involving a password need it too, and a certificate
	 * method needs the trust store. */
	ck_assert_int_eq(load_extra(dir, "[ca iot]\ncertificate = c\nkey = k\n"
	    "[auth iot]\nmethods = certificate-and-password\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 2);
	ck_assert(has(&d, "[trust iot] store is required"));
	ck_assert(has(&d, "[auth iot] htpasswd is required for password authentication"));
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load(dir, "[ca]\ncertificate = c\nkey = k\n[auth]\n"
	    "methods = certificate-or-password\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 2);
	ck_assert(has(&d, "estd.conf: [trust] store is required"));
	ck_assert(has(&d, "estd.conf: [auth] htpasswd is required for password "
	    "authentication"));
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(parses_auth_settings)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir, "[auth]\nmethods = certificate-and-password\n"
	    "htpasswd = /etc/estd/users\nrealm = EST for devices (v2)\n"
	    "trust_remote_user = no\n", &cfg, &d), 0);
	ck_assert_int_eq(cfg.labels[0].auth.mode, AUTH_BOTH);
	ck_assert_str_eq(cfg.labels[0].auth.htpasswd, "/etc/estd/users");
	ck_assert_str_eq(cfg.labels[0].auth.realm, "EST for devices (v2)");
	ck_assert_int_eq(cfg.labels[0].auth.trust_remote_user, 0);
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[auth]\nmethods = basic\nrealm = say \"hi\"\n"
	    "realm = back\\slash\nrealm =\ntrust_remote_user = sometimes\n"
	    "methods = Password\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 6);
	ck_assert(has(&d, "[auth] methods: invalid value \"basic\""));
	ck_assert(has(&d, "[auth] realm: invalid value \"say \"hi\"\""));
	ck_assert(has(&d, "[auth] realm: invalid value \"back\\slash\""));
	ck_assert(has(&d, "[auth] realm: invalid value \"\""));
	ck_assert(has(&d, "[auth] trust_remote_user: invalid value \"sometimes\""));
	ck_assert(has(&d, "[auth] methods: invalid value \"Password\""));
	ck_assert_ptr_null(cfg.labels[0].auth.realm);
	ck_assert_int_eq(cfg.labels[0].auth.mode, AUTH_CERTIFICATE);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(defaults_of_the_new_profile_keys)
{
	struct est_config	 cfg;
	struct est_profile	*pr = &cfg.labels[0].profile;

	config_defaults(&cfg);
	ck_assert_uint_eq(cfg.n_labels, 1);
	ck_assert_uint_eq(pr->key_types, PROFILE_KEY_RSA | PROFILE_KEY_EC);
	ck_assert_uint_eq(pr->n_digests, 3);
	ck_assert_int_eq(pr->digest_nids[0], NID_sha256);
	ck_assert_int_eq(pr->digest_nids[1], NID_sha384);
	ck_assert_int_eq(pr->digest_nids[2], NID_sha512);
	ck_assert_uint_eq(pr->san_types, PROFILE_SAN_DNS | PROFILE_SAN_IP |
	    PROFILE_SAN_EMAIL | PROFILE_SAN_URI);
	ck_assert_uint_eq(pr->n_dns_suffixes, 0);
	ck_assert_int_eq(pr->allow_wildcard, 1);
	ck_assert_uint_eq(pr->n_ip_ranges, 0);
	ck_assert_int_eq(pr->subject_rule, NAME_RULE_ANY);
	ck_assert_ptr_null(pr->cn_pattern);
	ck_assert_int_eq(pr->allow_ra, 0);
	ck_assert_uint_eq(pr->n_ra, 0);
	ck_assert_int_eq(pr->allow_change_subject_name, 0);
	ck_assert_uint_eq(pr->renewal_window_days, 0);
	ck_assert_int_eq(pr->challenge, CHALLENGE_REFUSE);
	ck_assert_ptr_null(pr->hook);
	ck_assert_uint_eq(pr->hook_timeout_ms, 5000);
	ck_assert_int_eq(pr->csrattrs, CSRATTRS_AUTO);
	ck_assert_int_eq(cfg.labels[0].auth.mode, AUTH_CERTIFICATE);
	ck_assert_int_eq(cfg.labels[0].auth.trust_remote_user, 0);
	config_free(&cfg);
}
END_TEST

START_TEST(parses_every_new_profile_key)
{
	static const unsigned char fp[32] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xfe,
	};
	char			 dir[TP_PATH_MAX], want[TP_PATH_MAX];
	struct est_config	 cfg;
	struct est_profile	*pr;
	struct diag		 d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir, "[profile]\n"
	    "key_types = ec\nsignature_digests = sha384, SHA512\n"
	    "san_types = dns,ip\ndns_suffixes = .example.com, Devices.Example.NET\n"
	    "allow_wildcard = no\n"
	    "ip_ranges = 10.0.0.0/8, 192.168.1.7, 2001:db8::/32, ::1\n"
	    "subject_must_match = identity\ncn_pattern = dev-*\n"
	    "allow_ra = yes\n"
	    "ra_certificates = 00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeefe,"
	    "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:"
	    "88:99:AA:BB:CC:DD:EE:FE\n"
	    "allow_change_subject_name = yes\nrenewal_window_days = 30\n"
	    "challenge_password = code\nenrollment_codes = codes.txt\n"
	    "enrollment_code_state = /var/lib/estd/codes\n"
	    "hook = hooks/authorize\nhook_timeout_ms = 250\ncsrattrs = none\n",
	    &cfg, &d), 0);
	ck_assert_uint_eq(diag_count(&d), 0);
	pr = &cfg.labels[0].profile;
	ck_assert_uint_eq(pr->key_types, PROFILE_KEY_EC);
	ck_assert_uint_eq(pr->n_digests, 2);
	ck_assert_int_eq(pr->digest_nids[0], NID_sha384);
	ck_assert_int_eq(pr->digest_nids[1], NID_sha512);
	ck_assert_uint_eq(pr->san_types, PROFILE_SAN_DNS | PROFILE_SAN_IP);
	ck_assert_uint_eq(pr->n_dns_suffixes, 2);
	ck_assert_str_eq(pr->dns_suffixes[0], "example.com");
	ck_assert_str_eq(pr->dns_suffixes[1], "Devices.Example.NET");
	ck_assert_int_eq(pr->allow_wildcard, 0);
	ck_assert_uint_eq(pr->n_ip_ranges, 4);
	ck_assert_int_eq(pr->ip_ranges[0].family, AF_INET);
	ck_assert_uint_eq(pr->ip_ranges[0].prefix, 8);
	ck_assert_mem_eq(pr->ip_ranges[0].addr, "\x0a\x00\x00\x00", 4);
	ck_assert_uint_eq(pr->ip_ranges[1].prefix, 32);
	ck_assert_mem_eq(pr->ip_ranges[1].addr, "\xc0\xa8\x01\x07", 4);
	ck_assert_int_eq(pr->ip_ranges[2].family, AF_INET6);
	ck_assert_uint_eq(pr->ip_ranges[2].prefix, 32);
	ck_assert_mem_eq(pr->ip_ranges[2].addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	ck_assert_uint_eq(pr->ip_ranges[3].prefix, 128);
	ck_assert_int_eq(pr->subject_rule, NAME_RULE_IDENTITY);
	ck_assert_str_eq(pr->cn_pattern, "dev-*");
	ck_assert_int_eq(pr->allow_ra, 1);
	ck_assert_uint_eq(pr->n_ra, 2);
	ck_assert_mem_eq(pr->ra_fingerprints[0], fp, 32);
	ck_assert_mem_eq(pr->ra_fingerprints[1], fp, 32);
	ck_assert_int_eq(pr->allow_change_subject_name, 1);
	ck_assert_uint_eq(pr->renewal_window_days, 30);
	ck_assert_int_eq(pr->challenge, CHALLENGE_CODE);
	tp_path(want, dir, "codes.txt");
	ck_assert_str_eq(pr->enrollment_codes, want);
	ck_assert_str_eq(pr->enrollment_code_state, "/var/lib/estd/codes");
	tp_path(want, dir, "hooks/authorize");
	ck_assert_str_eq(pr->hook, want);
	ck_assert_uint_eq(pr->hook_timeout_ms, 250);
	ck_assert_int_eq(pr->csrattrs, CSRATTRS_NONE);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(reports_invalid_values_of_the_new_profile_keys)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir, "[profile]\n"
	    "key_types = dsa\nsignature_digests = md5\nsan_types = x400\n"
	    "dns_suffixes = *.example.com\ndns_suffixes = .\n"
	    "allow_wildcard = sometimes\n"
	    "ip_ranges = 10.0.0.0/33\nip_ranges = ::/129\nip_ranges = 10.0.0.0/\n"
	    "ip_ranges = 10.0.0/8\nip_ranges = 10.0.0.0/-1\nip_ranges = example.com\n"
	    "subject_must_match = cn\ncn_pattern =\nallow_ra = perhaps\n"
	    "ra_certificates = 0011\n"
	    "ra_certificates = 00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeefeff\n"
	    "ra_certificates = 0:0112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeefe\n"
	    "ra_certificates = zz112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeefe\n"
	    "allow_change_subject_name = 2\nrenewal_window_days = -1\n"
	    "challenge_password = accept\nhook_timeout_ms = 5\n"
	    "hook_timeout_ms = 60001\nhook =\n",
	    &cfg, &d), -1);
	ck_assert(has(&d, "[profile] key_types: invalid value \"dsa\""));
	ck_assert(has(&d, "[profile] signature_digests: invalid value \"md5\""));
	ck_assert(has(&d, "[profile] san_types: invalid value \"x400\""));
	ck_assert(has(&d, "[profile] dns_suffixes: invalid value \"*.example.com\""));
	ck_assert(has(&d, "[profile] dns_suffixes: invalid value \".\""));
	ck_assert(has(&d, "[profile] allow_wildcard: invalid value \"sometimes\""));
	ck_assert(has(&d, "[profile] ip_ranges: invalid value \"10.0.0.0/33\""));
	ck_assert(has(&d, "[profile] ip_ranges: invalid value \"::/129\""));
	ck_assert(has(&d, "[profile] ip_ranges: invalid value \"10.0.0.0/\""));
	ck_assert(has(&d, "[profile] ip_ranges: invalid value \"10.0.0/8\""));
	ck_assert(has(&d, "[profile] ip_ranges: invalid value \"10.0.0.0/-1\""));
	ck_assert(has(&d, "[profile] ip_ranges: invalid value \"example.com\""));
	ck_assert(has(&d, "[profile] subject_must_match: invalid value \"cn\""));
	ck_assert(has(&d, "[profile] cn_pattern: invalid value \"\""));
	ck_assert(has(&d, "[profile] allow_ra: invalid value \"perhaps\""));
	ck_assert(has(&d, "[profile] ra_certificates: invalid value \"0011\""));
	ck_assert(has(&d, "[profile] ra_certificates: invalid value \"00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeefeff\""));
	ck_assert(has(&d, "[profile] ra_certificates: invalid value \"0:011"));
	ck_assert(has(&d, "[profile] ra_certificates: invalid value \"zz11"));
	ck_assert(has(&d, "[profile] allow_change_subject_name: invalid value \"2\""));
	ck_assert(has(&d, "[profile] renewal_window_days: invalid value \"-1\""));
	ck_assert(has(&d, "[profile] challenge_password: invalid value \"accept\""));
	ck_assert(has(&d, "[profile] hook_timeout_ms: invalid value \"5\""));
	ck_assert(has(&d, "[profile] hook_timeout_ms: invalid value \"60001\""));
	ck_assert(has(&d, "[profile] hook: invalid value \"\""));
	/* One message per mistake: a bad key_types keeps the previous list. */
	ck_assert(!has(&d, "key_types is empty"));
	ck_assert_uint_eq(diag_count(&d), 25);
	ck_assert_uint_eq(cfg.labels[0].profile.n_ra, 0);
	ck_assert_uint_eq(cfg.labels[0].profile.n_ip_ranges, 0);
	ck_assert_uint_eq(cfg.labels[0].profile.n_dns_suffixes, 0);
	ck_assert_uint_eq(cfg.labels[0].profile.hook_timeout_ms, 5000);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(an_empty_key_types_list_is_refused)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir, "[profile]\nkey_types = ,\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "estd.conf: [profile] key_types is empty"));
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(empty_digest_and_curve_lists_are_refused)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir, "[profile]\nsignature_digests = ,\n"
	    "ec_curves = ,\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 2);
	ck_assert(has(&d, "[profile] signature_digests is empty"));
	ck_assert(has(&d, "[profile] ec_curves is empty while key_types allows ec"));
	config_free(&cfg);
	diag_free(&d);
	/* Without EC keys there is no curve to allow. */
	ck_assert_int_eq(load_extra(dir, "[profile]\nkey_types = rsa\n"
	    "ec_curves = ,\n", &cfg, &d), 0);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

/* inih alone would join an indented line to the value above it. */
START_TEST(an_indented_line_is_a_setting_of_its_own)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir, "[profile]\ncn_pattern = dev-*\n"
	    "    subject_must_match = identity\n\tallow_wildcard = no\n"
	    "  ; an indented comment\n", &cfg, &d), 0);
	ck_assert_str_eq(cfg.labels[0].profile.cn_pattern, "dev-*");
	ck_assert_int_eq(cfg.labels[0].profile.subject_rule, NAME_RULE_IDENTITY);
	ck_assert_int_eq(cfg.labels[0].profile.allow_wildcard, 0);
	config_free(&cfg);
	diag_free(&d);
	/* An indented value with no key is an error, not a continuation. */
	ck_assert_int_eq(load_extra(dir, "[profile]\ndns_suffixes = a.example\n"
	    "    b.example\n", &cfg, &d), -1);
	ck_assert(has(&d, "syntax error"));
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

/* inih alone would cut a long line and parse its tail as a line. */
START_TEST(a_line_longer_than_the_parser_buffer_is_an_error)
{
	char			dir[TP_PATH_MAX], text[600], want[TP_PATH_MAX + 64];
	struct est_config	cfg;
	struct diag		d;
	size_t			n;

	tp_mkdtemp(dir);
	/* A comment whose tail, past 199 bytes, reads as a setting. */
	n = (size_t)snprintf(text, sizeof(text), "%s[profile]\n; ", minimal);
	memset(text + n, 'y', 197);
	snprintf(text + n + 197, sizeof(text) - n - 197, "validity_days = 99\n");
	ck_assert_int_eq(load(dir, text, &cfg, &d), -1);
	snprintf(want, sizeof(want), "%s/estd.conf:7: line too long (at most "
	    "199 bytes)", dir);
	ck_assert_msg(has(&d, want), "%s", d.n ? d.msgs[0] : "no message");
	ck_assert_uint_eq(cfg.labels[0].profile.validity_days, 365);
	config_free(&cfg);
	diag_free(&d);
	/* 199 bytes is the most a line holds, indentation not counted. */
	n = (size_t)snprintf(text, sizeof(text), "%s[profile]\n   ; ", minimal);
	memset(text + n, 'y', 197);
	snprintf(text + n + 197, sizeof(text) - n - 197, "\r\n");
	ck_assert_int_eq(load(dir, text, &cfg, &d), 0);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(an_unknown_section_without_settings_is_reported)
{
	char			dir[TP_PATH_MAX], text[256];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	snprintf(text, sizeof(text), "%s[bogus]\n[estd iot]\n  [profile iot]\n",
	    minimal);
	ck_assert_int_eq(load(dir, text, &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 2);
	ck_assert(has(&d, "estd.conf:6: unknown section [bogus]"));
	ck_assert(has(&d, "estd.conf:7: unknown section [estd iot]"));
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(a_setting_given_twice_is_refused)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	/* The repeat, in the same section or in the section named again. */
	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir,
	    "[profile]\nallow_wildcard = no\nvalidity_days = 30\n"
	    "[auth]\nmethods = certificate\n"
	    "[profile]\nallow_wildcard = yes\n"
	    "[trust]\nstore = other\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 2);
	ck_assert(has(&d, "estd.conf:12: [profile] allow_wildcard: given again "
	    "(first on line 7)"));
	ck_assert(has(&d, "estd.conf:14: [trust] store: given again "
	    "(first on line 5)"));
	config_free(&cfg);
	diag_free(&d);
	/* A label's sections are its own; the lists grow line by line. */
	ck_assert_int_eq(load_extra(dir,
	    "[profile]\nvalidity_days = 30\n[profile iot]\nvalidity_days = 7\n"
	    "[ca iot]\ncertificate = c\nkey = k\n[trust iot]\nstore = t\n"
	    "[profile]\ndns_suffixes = a.example\ndns_suffixes = b.example\n"
	    "ip_ranges = 10.0.0.0/8\nip_ranges = 192.168.0.0/16\n", &cfg, &d), 0);
	ck_assert_uint_eq(cfg.labels[0].profile.validity_days, 30);
	ck_assert_uint_eq(cfg.labels[1].profile.validity_days, 7);
	ck_assert_uint_eq(cfg.labels[0].profile.n_dns_suffixes, 2);
	ck_assert_uint_eq(cfg.labels[0].profile.n_ip_ranges, 2);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(text_after_a_section_header_is_refused)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	/* inih drops it: "[profile] [auth]" would be [profile]. */
	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir,
	    "[profile] iot\nvalidity_days = 30\n[auth] [profile]\n"
	    "methods = certificate\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 2);
	ck_assert(has(&d, "estd.conf:6: text after the section header: "
	    "[profile] iot"));
	ck_assert(has(&d, "estd.conf:8: text after the section header: "
	    "[auth] [profile]"));
	config_free(&cfg);
	diag_free(&d);
	/* A comment may follow. */
	ck_assert_int_eq(load_extra(dir,
	    "[profile] ; the default label\nvalidity_days = 30\n"
	    "[auth]\t# who may enroll\nmethods = certificate\n", &cfg, &d), 0);
	ck_assert_uint_eq(cfg.labels[0].profile.validity_days, 30);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(settings_that_would_do_nothing_are_refused)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	/* A password file the default methods = certificate never asks for. */
	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir, "[auth]\nhtpasswd = users\n"
	    "[ca iot]\ncertificate = c\nkey = k\n[trust iot]\nstore = t\n"
	    "[auth iot]\nmethods = certificate\ntrust_remote_user = yes\n",
	    &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 2);
	ck_assert(has(&d, "estd.conf: [auth] htpasswd has no effect with methods "
	    "= certificate (the default)"));
	ck_assert(has(&d, "estd.conf: [auth iot] trust_remote_user has no effect "
	    "with methods = certificate"));
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[auth]\nrealm = devices\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "[auth] realm has no effect with methods = certificate"));
	config_free(&cfg);
	diag_free(&d);
	/* Codes that challenge_password = ignore would never check. */
	ck_assert_int_eq(load_extra(dir, "[profile]\nchallenge_password = ignore\n"
	    "enrollment_codes = codes\nenrollment_code_state = spent\n", &cfg, &d),
	    -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "[profile] enrollment codes are checked only with "
	    "challenge_password = code"));
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[profile]\nra_certificates = "
	    "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff\n",
	    &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert(has(&d, "[profile] ra_certificates has no effect without "
	    "allow_ra = yes"));
	config_free(&cfg);
	diag_free(&d);
	/* Where they act, or say no, they are fine. */
	ck_assert_int_eq(load_extra(dir, "[auth]\nmethods = certificate-or-password\n"
	    "htpasswd = users\nrealm = devices\n[profile]\nallow_ra = yes\n"
	    "ra_certificates = "
	    "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff\n"
	    "challenge_password = code\nenrollment_codes = codes\n"
	    "enrollment_code_state = spent\n", &cfg, &d), 0);
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[auth]\ntrust_remote_user = no\n",
	    &cfg, &d), 0);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(parses_ip_ranges)
{
	struct ip_range r;

	ck_assert_int_eq(config_parse_ip_range("0.0.0.0/0", &r), 0);
	ck_assert_int_eq(r.family, AF_INET);
	ck_assert_uint_eq(r.prefix, 0);
	ck_assert_int_eq(config_parse_ip_range("172.16.0.0/12", &r), 0);
	ck_assert_uint_eq(r.prefix, 12);
	ck_assert_mem_eq(r.addr, "\xac\x10\x00\x00", 4);
	ck_assert_int_eq(config_parse_ip_range("fe80::1%eth0", &r), -1);
	ck_assert_int_eq(config_parse_ip_range("fe80::/10", &r), 0);
	ck_assert_int_eq(r.family, AF_INET6);
	ck_assert_uint_eq(r.prefix, 10);
	ck_assert_int_eq(config_parse_ip_range("::ffff:10.0.0.1/128", &r), 0);
	ck_assert_int_eq(r.family, AF_INET6);
	ck_assert_int_eq(config_parse_ip_range("10.0.0.0/08", &r), 0);
	ck_assert_uint_eq(r.prefix, 8);
	ck_assert_int_eq(config_parse_ip_range("10.0.0.0/+8", &r), -1);
	ck_assert_int_eq(config_parse_ip_range("10.0.0.0/8/8", &r), -1);
	ck_assert_int_eq(config_parse_ip_range("", &r), -1);
	ck_assert_int_eq(config_parse_ip_range("/8", &r), -1);
	ck_assert_int_eq(config_parse_ip_range(" 10.0.0.0/8", &r), -1);
	ck_assert_int_eq(config_parse_ip_range(
	    "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000/1", &r), -1);
}
END_TEST

START_TEST(limits_the_number_of_suffixes_ranges_and_ra_fingerprints)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;
	struct buf		b;
	char			item[128];
	int			i;

	/* One item a line (a repeated key adds to the list): inih reads lines
	 * of at most 199 bytes. */
	tp_mkdtemp(dir);
	buf_init(&b);
	buf_append_str(&b, "[profile]\nallow_ra = yes\n");
	for (i = 0; i <= CONFIG_MAX_SUFFIXES; i++) {
		snprintf(item, sizeof(item), "dns_suffixes = d%d.example\n", i);
		buf_append_str(&b, item);
	}
	for (i = 0; i <= CONFIG_MAX_IP_RANGES; i++) {
		snprintf(item, sizeof(item), "ip_ranges = 10.%d.0.0/16\n", i);
		buf_append_str(&b, item);
	}
	for (i = 0; i <= CONFIG_MAX_RA; i++) {
		snprintf(item, sizeof(item), "ra_certificates = %02x%062d\n", i, 0);
		buf_append_str(&b, item);
	}
	buf_append(&b, "", 1);
	ck_assert_int_eq(load_extra(dir, (char *)b.data, &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 3);
	ck_assert(has(&d, "[profile] dns_suffixes: invalid value \"d16.example\""));
	ck_assert(has(&d, "[profile] ip_ranges: invalid value \"10.16.0.0/16\""));
	ck_assert(has(&d, "[profile] ra_certificates: invalid value \"10000000"));
	ck_assert_uint_eq(cfg.labels[0].profile.n_dns_suffixes, CONFIG_MAX_SUFFIXES);
	ck_assert_uint_eq(cfg.labels[0].profile.n_ip_ranges, CONFIG_MAX_IP_RANGES);
	ck_assert_uint_eq(cfg.labels[0].profile.n_ra, CONFIG_MAX_RA);
	ck_assert_str_eq(cfg.labels[0].profile.dns_suffixes[15], "d15.example");
	buf_free(&b);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(challenge_password_code_needs_both_files)
{
	char			dir[TP_PATH_MAX], want[TP_PATH_MAX + 128];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	snprintf(want, sizeof(want), "%s/estd.conf: [profile] challenge_password "
	    "= code needs enrollment_codes and enrollment_code_state", dir);
	ck_assert_int_eq(load_extra(dir, "[profile]\nchallenge_password = code\n",
	    &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_str_eq(d.msgs[0], want);
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[profile]\nchallenge_password = code\n"
	    "enrollment_codes = c\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_str_eq(d.msgs[0], want);
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[profile]\nchallenge_password = code\n"
	    "enrollment_code_state = s\n", &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 1);
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[profile iot]\nchallenge_password = code\n"
	    "[ca iot]\ncertificate = c\nkey = k\n[trust iot]\nstore = t\n", &cfg, &d), -1);
	ck_assert(has(&d, "[profile iot] challenge_password = code needs"));
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[profile]\nchallenge_password = code\n"
	    "enrollment_codes = c\nenrollment_code_state = s\n", &cfg, &d), 0);
	config_free(&cfg);
	diag_free(&d);
	/* The files matter only for code. */
	ck_assert_int_eq(load_extra(dir, "[profile]\nchallenge_password = ignore\n",
	    &cfg, &d), 0);
	ck_assert_int_eq(cfg.labels[0].profile.challenge, CHALLENGE_IGNORE);
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

START_TEST(csrattrs_is_auto_none_or_kept_verbatim)
{
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load_extra(dir, "[profile]\ncsrattrs = auto\n", &cfg, &d), 0);
	ck_assert_int_eq(cfg.labels[0].profile.csrattrs, CSRATTRS_AUTO);
	ck_assert_ptr_null(cfg.labels[0].profile.csrattrs_base64);
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[profile]\ncsrattrs = none\n", &cfg, &d), 0);
	ck_assert_int_eq(cfg.labels[0].profile.csrattrs, CSRATTRS_NONE);
	config_free(&cfg);
	diag_free(&d);
	/* Verbatim values are checked when the service loads (check_csrattrs). */
	ck_assert_int_eq(load_extra(dir, "[profile]\ncsrattrs = MAA=\n", &cfg, &d), 0);
	ck_assert_int_eq(cfg.labels[0].profile.csrattrs, CSRATTRS_VERBATIM);
	ck_assert_str_eq(cfg.labels[0].profile.csrattrs_base64, "MAA=");
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[profile]\ncsrattrs = Auto\n", &cfg, &d), 0);
	ck_assert_int_eq(cfg.labels[0].profile.csrattrs, CSRATTRS_VERBATIM);
	config_free(&cfg);
	diag_free(&d);
	ck_assert_int_eq(load_extra(dir, "[profile]\ncsrattrs =\n", &cfg, &d), -1);
	ck_assert(has(&d, "[profile] csrattrs: invalid value \"\""));
	config_free(&cfg);
	diag_free(&d);
	tp_rmtree(dir);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("config");

	tcase_add_test(tc, parses_booleans_in_every_spelling);
	tcase_add_test(tc, parses_unsigned_integers_within_bounds);
	tcase_add_test(tc, rejects_integers_with_signs_spaces_junk_or_out_of_range);
	tcase_add_test(tc, parses_key_usage_lists);
	tcase_add_test(tc, rejects_unknown_or_ca_only_key_usages);
	tcase_add_test(tc, parses_eku_lists_without_duplicates);
	tcase_add_test(tc, rejects_eku_lists_that_are_unknown_or_too_long);
	tcase_add_test(tc, parses_curve_names);
	tcase_add_test(tc, rejects_list_values_longer_than_the_parser_buffer);
	tcase_add_test(tc, defaults_are_safe_and_documented);
	tcase_add_test(tc, loads_every_setting_and_resolves_relative_paths);
	tcase_add_test(tc, passes_key_uris_to_the_store_untouched);
	tcase_add_test(tc, keeps_defaults_for_settings_not_given);
	tcase_add_test(tc, accept_issued_takes_yes_no_or_any);
	tcase_add_test(tc, reports_every_invalid_value_with_its_setting);
	tcase_add_test(tc, reports_unknown_sections_and_settings);
	tcase_add_test(tc, an_unknown_section_without_settings_is_reported);
	tcase_add_test(tc, a_setting_given_twice_is_refused);
	tcase_add_test(tc, text_after_a_section_header_is_refused);
	tcase_add_test(tc, settings_that_would_do_nothing_are_refused);
	tcase_add_test(tc, an_indented_line_is_a_setting_of_its_own);
	tcase_add_test(tc, a_line_longer_than_the_parser_buffer_is_an_error);
	tcase_add_test(tc, empty_digest_and_curve_lists_are_refused);
	tcase_add_test(tc, requires_ca_certificate_key_and_trust_store);
	tcase_add_test(tc, rejects_empty_paths);
	tcase_add_test(tc, rejects_rsa_min_above_max_and_an_empty_eku_list);
	tcase_add_test(tc, reports_syntax_errors_with_the_line);
	tcase_add_test(tc, reports_a_missing_file);
	tcase_add_test(tc, free_releases_and_clears_everything);
	tcase_add_test(tc, label_sections_parse_into_their_own_labels);
	tcase_add_test(tc, label_names_are_letters_digits_dot_underscore_dash);
	tcase_add_test(tc, refuses_bad_label_names_with_the_exact_message);
	tcase_add_test(tc, a_label_name_of_the_maximum_length_is_used_whole);
	tcase_add_test(tc, a_label_name_longer_than_the_maximum_is_refused_not_truncated);
	tcase_add_test(tc, refuses_more_than_fifteen_labels);
	tcase_add_test(tc, requires_each_labels_ca_and_trust_store);
	tcase_add_test(tc, password_only_labels_need_no_trust_store_but_an_htpasswd);
	tcase_add_test(tc, parses_auth_settings);
	tcase_add_test(tc, defaults_of_the_new_profile_keys);
	tcase_add_test(tc, parses_every_new_profile_key);
	tcase_add_test(tc, reports_invalid_values_of_the_new_profile_keys);
	tcase_add_test(tc, an_empty_key_types_list_is_refused);
	tcase_add_test(tc, parses_ip_ranges);
	tcase_add_test(tc, limits_the_number_of_suffixes_ranges_and_ra_fingerprints);
	tcase_add_test(tc, challenge_password_code_needs_both_files);
	tcase_add_test(tc, csrattrs_is_auto_none_or_kept_verbatim);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
