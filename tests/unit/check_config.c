/* check_config: estd.conf parsing and its value helpers. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/obj_mac.h>
#include <openssl/x509v3.h>

#include "est/config.h"
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
	    "[profile]\nvalidity_days = 30\nkey_usage = digitalSignature\n"
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
	char			dir[TP_PATH_MAX];
	struct est_config	cfg;
	struct diag		d;

	tp_mkdtemp(dir);
	ck_assert_int_eq(load(dir, "[ca]\ncertificate = /ca.pem\n"
	    "key = pkcs11:token=est;object=ca\n[trust]\nstore = /trust\n",
	    &cfg, &d), 0);
	ck_assert_str_eq(cfg.labels[0].ca_key, "pkcs11:token=est;object=ca");
	ck_assert_str_eq(cfg.labels[0].ca_cert, "/ca.pem");
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
	ck_assert_int_eq(cfg.labels[0].accept_issued, 1);
	config_free(&cfg);
	diag_free(&d);
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
	    "ec_curves = P-192\nrsa_min_bits = 512\nmax_san_entries = 5000\n",
	    &cfg, &d), -1);
	ck_assert_uint_eq(diag_count(&d), 9);
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
	tcase_add_test(tc, reports_every_invalid_value_with_its_setting);
	tcase_add_test(tc, reports_unknown_sections_and_settings);
	tcase_add_test(tc, requires_ca_certificate_key_and_trust_store);
	tcase_add_test(tc, rejects_empty_paths);
	tcase_add_test(tc, rejects_rsa_min_above_max_and_an_empty_eku_list);
	tcase_add_test(tc, reports_syntax_errors_with_the_line);
	tcase_add_test(tc, reports_a_missing_file);
	tcase_add_test(tc, free_releases_and_clears_everything);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
