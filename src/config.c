/* config: estd.conf (INI, read with libinih) into struct est_config. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ini.h>
#include <openssl/crypto.h>
#include <openssl/obj_mac.h>
#include <openssl/x509v3.h>

#include "est/config.h"
#include "est/signer.h"

#define CONFIG_LIST_MAX	512	/* longest comma-separated value */

struct config_name {
	const char	*name;
	int		 value;
};

static const struct config_name config_key_usages[] = {
	{ "digitalSignature", KU_DIGITAL_SIGNATURE },
	{ "nonRepudiation", KU_NON_REPUDIATION },
	{ "contentCommitment", KU_NON_REPUDIATION },
	{ "keyEncipherment", KU_KEY_ENCIPHERMENT },
	{ "dataEncipherment", KU_DATA_ENCIPHERMENT },
	{ "keyAgreement", KU_KEY_AGREEMENT },
	{ NULL, 0 }
};

static const struct config_name config_ekus[] = {
	{ "clientAuth", NID_client_auth },
	{ "serverAuth", NID_server_auth },
	{ "codeSigning", NID_code_sign },
	{ "emailProtection", NID_email_protect },
	{ "timeStamping", NID_time_stamp },
	{ "OCSPSigning", NID_OCSP_sign },
	{ NULL, 0 }
};

static const struct config_name config_curves[] = {
	{ "P-256", NID_X9_62_prime256v1 },
	{ "P-384", NID_secp384r1 },
	{ "P-521", NID_secp521r1 },
	{ "secp256k1", NID_secp256k1 },
	{ "brainpoolP256r1", NID_brainpoolP256r1 },
	{ "brainpoolP384r1", NID_brainpoolP384r1 },
	{ "brainpoolP512r1", NID_brainpoolP512r1 },
	{ NULL, 0 }
};

static void
config_profile_defaults(struct est_profile *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->validity_days = 365;
	pr->backdate_seconds = 60;
	pr->key_usage = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT;
	pr->eku_nids[0] = NID_client_auth;
	pr->eku_nids[1] = NID_server_auth;
	pr->n_eku = 2;
	pr->key_types = PROFILE_KEY_RSA | PROFILE_KEY_EC;
	pr->rsa_min_bits = 2048;
	pr->rsa_max_bits = 8192;
	pr->ec_curve_nids[0] = NID_X9_62_prime256v1;
	pr->ec_curve_nids[1] = NID_secp384r1;
	pr->ec_curve_nids[2] = NID_secp521r1;
	pr->n_ec_curves = 3;
	pr->digest_nids[0] = NID_sha256;
	pr->digest_nids[1] = NID_sha384;
	pr->digest_nids[2] = NID_sha512;
	pr->n_digests = 3;
	pr->max_san_entries = 64;
	pr->san_types = PROFILE_SAN_DNS | PROFILE_SAN_IP | PROFILE_SAN_EMAIL |
	    PROFILE_SAN_URI;
	pr->allow_wildcard = 1;
	pr->subject_rule = NAME_RULE_ANY;
	pr->challenge = CHALLENGE_REFUSE;
	pr->hook_timeout_ms = 5000;
	pr->csrattrs = CSRATTRS_AUTO;
}

static void
config_label_defaults(struct est_label_config *lc)
{
	memset(lc, 0, sizeof(*lc));
	lc->accept_issued = ACCEPT_ISSUED_RENEW;
	lc->auth.mode = AUTH_CERTIFICATE;
	config_profile_defaults(&lc->profile);
}

void
config_defaults(struct est_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_target = LOG_TARGET_SYSLOG;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->max_body = CONFIG_DEFAULT_MAX_BODY;
	config_label_defaults(&cfg->labels[0]);
	cfg->n_labels = 1;
}

static void
config_label_free(struct est_label_config *lc)
{
	struct est_profile	*pr = &lc->profile;
	size_t			 i;

	free(lc->name);
	free(lc->ca_cert);
	free(lc->ca_key);
	free(lc->ca_chain);
	free(lc->cacerts_bundle);
	free(lc->trust_store);
	free(lc->auth.htpasswd);
	free(lc->auth.realm);
	for (i = 0; i < pr->n_dns_suffixes; i++)
		free(pr->dns_suffixes[i]);
	free(pr->cn_pattern);
	free(pr->enrollment_codes);
	free(pr->enrollment_code_state);
	free(pr->hook);
	free(pr->csrattrs_base64);
	memset(lc, 0, sizeof(*lc));
}

void
config_free(struct est_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_labels; i++)
		config_label_free(&cfg->labels[i]);
	free(cfg->path);
	free(cfg->user);
	free(cfg->group);
	memset(cfg, 0, sizeof(*cfg));
}

int
config_parse_bool(const char *s, int *out)
{
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0 ||
	    strcasecmp(s, "on") == 0 || strcmp(s, "1") == 0)
		*out = 1;
	else if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0 ||
	    strcasecmp(s, "off") == 0 || strcmp(s, "0") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

int
config_parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char		*end;
	unsigned long	 v;

	if (*s < '0' || *s > '9')	/* no sign, no space */
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Splits a comma-separated list and maps each item through names. Calls
 * add for each value; returns -1 on an unknown item or too long a list.
 */
static int
config_parse_list(const char *s, const struct config_name *names,
    int (*add)(void *, int), void *arg)
{
	char	 copy[CONFIG_LIST_MAX], *item, *save = NULL, *end;
	size_t	 i;
	int	 found;

	if (strlen(s) >= sizeof(copy))
		return -1;
	strcpy(copy, s);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		while (*item == ' ' || *item == '\t')
			item++;
		end = item + strlen(item);
		while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*item == '\0')
			continue;
		found = 0;
		for (i = 0; names[i].name != NULL; i++)
			if (strcasecmp(item, names[i].name) == 0) {
				if (add(arg, names[i].value) == -1)
					return -1;
				found = 1;
				break;
			}
		if (!found)
			return -1;
	}
	return 0;
}

static int
config_add_bits(void *arg, int v)
{
	*(unsigned *)arg |= (unsigned)v;
	return 0;
}

int
config_parse_key_usage(const char *s, unsigned *out)
{
	unsigned ku = 0;

	if (config_parse_list(s, config_key_usages, config_add_bits, &ku) == -1)
		return -1;
	*out = ku;
	return 0;
}

struct config_nid_list {
	int	*nids;
	size_t	 max;
	size_t	 n;
};

static int
config_add_nid(void *arg, int nid)
{
	struct config_nid_list	*l = arg;
	size_t			 i;

	for (i = 0; i < l->n; i++)
		if (l->nids[i] == nid)
			return 0;
	if (l->n == l->max)
		return -1;
	l->nids[l->n++] = nid;
	return 0;
}

int
config_parse_eku(const char *s, int *nids, size_t max, size_t *n)
{
	struct config_nid_list l = { nids, max, 0 };

	if (config_parse_list(s, config_ekus, config_add_nid, &l) == -1)
		return -1;
	*n = l.n;
	return 0;
}

int
config_parse_curves(const char *s, int *nids, size_t max, size_t *n)
{
	struct config_nid_list l = { nids, max, 0 };

	if (config_parse_list(s, config_curves, config_add_nid, &l) == -1)
		return -1;
	*n = l.n;
	return 0;
}

static const struct config_name config_key_types[] = {
	{ "rsa", PROFILE_KEY_RSA },
	{ "ec", PROFILE_KEY_EC },
	{ NULL, 0 }
};

static const struct config_name config_san_types[] = {
	{ "dns", PROFILE_SAN_DNS },
	{ "ip", PROFILE_SAN_IP },
	{ "email", PROFILE_SAN_EMAIL },
	{ "uri", PROFILE_SAN_URI },
	{ NULL, 0 }
};

static const struct config_name config_digests[] = {
	{ "sha1", NID_sha1 },		/* only proof of possession, but weak */
	{ "sha256", NID_sha256 },
	{ "sha384", NID_sha384 },
	{ "sha512", NID_sha512 },
	{ NULL, 0 }
};

static const struct config_name config_auth_modes[] = {
	{ "certificate", AUTH_CERTIFICATE },
	{ "password", AUTH_PASSWORD },
	{ "certificate-or-password", AUTH_EITHER },
	{ "certificate-and-password", AUTH_BOTH },
	{ NULL, 0 }
};

static const struct config_name config_name_rules[] = {
	{ "any", NAME_RULE_ANY },
	{ "identity", NAME_RULE_IDENTITY },
	{ NULL, 0 }
};

static const struct config_name config_challenges[] = {
	{ "refuse", CHALLENGE_REFUSE },
	{ "code", CHALLENGE_CODE },
	{ "ignore", CHALLENGE_IGNORE },
	{ NULL, 0 }
};

static const char *const config_operations[] = {
	"cacerts", "simpleenroll", "simplereenroll", "csrattrs",
	"serverkeygen", "fullcmc", NULL
};

int
config_label_name_ok(const char *name)
{
	size_t	 i, len = strlen(name);

	if (len == 0 || len > CONFIG_MAX_LABEL_NAME)
		return 0;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '.' || name[i] == '_' || name[i] == '-'))
			return 0;
	for (i = 0; config_operations[i] != NULL; i++)
		if (strcmp(name, config_operations[i]) == 0)
			return 0;
	return 1;
}

const struct est_label_config *
config_label(const struct est_config *cfg, const char *name)
{
	size_t i;

	if (name == NULL)
		return &cfg->labels[0];
	for (i = 1; i < cfg->n_labels; i++)
		if (strcmp(cfg->labels[i].name, name) == 0)
			return &cfg->labels[i];
	return NULL;
}

/* One word from names. */
static int
config_parse_enum(const char *s, const struct config_name *names, int *out)
{
	size_t i;

	for (i = 0; names[i].name != NULL; i++)
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].value;
			return 0;
		}
	return -1;
}

int
config_parse_ip_range(const char *s, struct ip_range *r)
{
	char		 addr[64], *slash;
	unsigned long	 prefix;

	if (strlen(s) >= sizeof(addr))
		return -1;
	strcpy(addr, s);
	memset(r, 0, sizeof(*r));
	if ((slash = strchr(addr, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, addr, r->addr) == 1)
		r->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, r->addr) == 1)
		r->family = AF_INET6;
	else
		return -1;
	if (slash == NULL)
		prefix = r->family == AF_INET ? 32 : 128;
	else if (config_parse_uint(slash, 0, r->family == AF_INET ? 32 : 128,
	    &prefix) == -1)
		return -1;
	r->prefix = (unsigned)prefix;
	return 0;
}

/* Calls item(arg, word) for each comma-separated word; -1 if one fails. */
static int
config_each_word(const char *s, int (*item)(void *, const char *), void *arg)
{
	char	 copy[CONFIG_LIST_MAX], *w, *save = NULL, *end;

	if (strlen(s) >= sizeof(copy))
		return -1;
	strcpy(copy, s);
	for (w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		while (*w == ' ' || *w == '\t')
			w++;
		end = w + strlen(w);
		while (end > w && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*w != '\0' && item(arg, w) == -1)
			return -1;
	}
	return 0;
}

static int
config_add_suffix(void *arg, const char *w)
{
	struct est_profile *pr = arg;

	if (pr->n_dns_suffixes == CONFIG_MAX_SUFFIXES)
		return -1;
	while (*w == '.')	/* ".example.com" and "example.com" mean the same */
		w++;
	if (*w == '\0' || strchr(w, '*') != NULL)
		return -1;
	if ((pr->dns_suffixes[pr->n_dns_suffixes] = strdup(w)) == NULL)
		return -1;
	pr->n_dns_suffixes++;
	return 0;
}

static int
config_add_ip_range(void *arg, const char *w)
{
	struct est_profile *pr = arg;

	if (pr->n_ip_ranges == CONFIG_MAX_IP_RANGES ||
	    config_parse_ip_range(w, &pr->ip_ranges[pr->n_ip_ranges]) == -1)
		return -1;
	pr->n_ip_ranges++;
	return 0;
}

static int
config_add_ra(void *arg, const char *w)
{
	struct est_profile	*pr = arg;
	unsigned char		*fp;
	size_t			 n = 0;
	int			 hi, lo;

	if (pr->n_ra == CONFIG_MAX_RA)
		return -1;
	fp = pr->ra_fingerprints[pr->n_ra];
	/* SHA-256 in hex, with or without colons (openssl x509 -fingerprint). */
	while (*w != '\0') {
		if (*w == ':') {
			w++;
			continue;
		}
		if (n == 32 || (hi = OPENSSL_hexchar2int((unsigned char)w[0])) < 0 ||
		    w[1] == '\0' ||
		    (lo = OPENSSL_hexchar2int((unsigned char)w[1])) < 0)
			return -1;
		fp[n++] = (unsigned char)(hi << 4 | lo);
		w += 2;
	}
	if (n != 32)
		return -1;
	pr->n_ra++;
	return 0;
}

/* A path from the file, made absolute against the file's directory. */
static int
config_set_path(const char *dir, char **dst, const char *value)
{
	char	*s;
	size_t	 len;

	if (*value == '\0')
		return -1;
	if (value[0] == '/' || dir == NULL) {
		s = strdup(value);
	} else {
		len = strlen(dir) + 1 + strlen(value) + 1;
		if ((s = malloc(len)) != NULL)
			snprintf(s, len, "%s/%s", dir, value);
	}
	if (s == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

static int
config_set_string(char **dst, const char *value)
{
	if (*value == '\0')
		return -1;
	free(*dst);
	return (*dst = strdup(value)) == NULL ? -1 : 0;
}

/* A setting given in the file: "[section] name" and its line. */
struct config_seen {
	char	section[CONFIG_INI_MAX_SECTION + 1];
	char	name[64];
	int	line;
};

struct config_parse {
	struct est_config	*cfg;
	struct diag		*d;
	char			*dir;	/* of the file, for relative paths */
	FILE			*f;
	char			*line;	/* getline()'s buffer */
	size_t			 line_cap;
	int			 line_no;
	int			 bad_line;	/* the line that stopped the reading */
	char			 bad_why[64];
	struct config_seen	*seen;	/* settings given so far, for repeats */
	size_t			 n_seen;
	size_t			 seen_cap;
};

static int
config_set_estd(struct config_parse *p, const char *name, const char *value)
{
	struct est_config	*cfg = p->cfg;
	unsigned long		 v;
	int			 level;

	if (strcmp(name, "log") == 0) {
		if (strcmp(value, "stderr") == 0)
			cfg->log_target = LOG_TARGET_STDERR;
		else if (strcmp(value, "syslog") == 0)
			cfg->log_target = LOG_TARGET_SYSLOG;
		else
			return -1;
	} else if (strcmp(name, "log_level") == 0) {
		if ((level = log_level_parse(value)) == -1)
			return -1;
		cfg->log_level = (enum log_level)level;
	} else if (strcmp(name, "user") == 0) {
		return config_set_string(&cfg->user, value);
	} else if (strcmp(name, "group") == 0) {
		return config_set_string(&cfg->group, value);
	} else if (strcmp(name, "max_body_bytes") == 0) {
		if (config_parse_uint(value, 1024, CONFIG_MAX_MAX_BODY, &v) == -1)
			return -1;
		cfg->max_body = v;
	} else
		return -2;
	return 0;
}

static int
config_set_ca(struct config_parse *p, struct est_label_config *lc,
    const char *name, const char *value)
{
	if (strcmp(name, "certificate") == 0)
		return config_set_path(p->dir, &lc->ca_cert, value);
	if (strcmp(name, "key") == 0) {
		/* A URI (pkcs11:, file:) goes to OSSL_STORE untouched. */
		if (signer_key_file(value) != value)
			return config_set_string(&lc->ca_key, value);
		return config_set_path(p->dir, &lc->ca_key, value);
	}
	if (strcmp(name, "chain") == 0)
		return config_set_path(p->dir, &lc->ca_chain, value);
	if (strcmp(name, "cacerts_bundle") == 0)
		return config_set_path(p->dir, &lc->cacerts_bundle, value);
	return -2;
}

static int
config_set_trust(struct config_parse *p, struct est_label_config *lc,
    const char *name, const char *value)
{
	if (strcmp(name, "store") == 0)
		return config_set_path(p->dir, &lc->trust_store, value);
	if (strcmp(name, "accept_issued") == 0) {
		int yes;

		if (strcasecmp(value, "any") == 0) {
			lc->accept_issued = ACCEPT_ISSUED_ANY;
			return 0;
		}
		if (config_parse_bool(value, &yes) == -1)
			return -1;
		lc->accept_issued = yes ? ACCEPT_ISSUED_RENEW : ACCEPT_ISSUED_NO;
		return 0;
	}
	return -2;
}

static int
config_set_auth(struct config_parse *p, struct est_label_config *lc,
    const char *name, const char *value)
{
	struct est_auth_config	*a = &lc->auth;
	int			 v;

	if (strcmp(name, "methods") == 0) {
		if (config_parse_enum(value, config_auth_modes, &v) == -1)
			return -1;
		a->mode = (enum auth_mode)v;
		return 0;
	}
	if (strcmp(name, "htpasswd") == 0)
		return config_set_path(p->dir, &a->htpasswd, value);
	if (strcmp(name, "realm") == 0) {
		/* It goes into a quoted header value. */
		if (strpbrk(value, "\"\\") != NULL)
			return -1;
		return config_set_string(&a->realm, value);
	}
	if (strcmp(name, "trust_remote_user") == 0)
		return config_parse_bool(value, &a->trust_remote_user);
	return -2;
}

/* Keys about the certificate issued and the keys accepted. */
static int
config_set_profile_cert(struct est_profile *pr, const char *name,
    const char *value)
{
	unsigned long v;

	if (strcmp(name, "validity_days") == 0) {
		if (config_parse_uint(value, 1, 36500, &v) == -1)
			return -1;
		pr->validity_days = (unsigned)v;
	} else if (strcmp(name, "backdate_seconds") == 0) {
		if (config_parse_uint(value, 0, 86400, &v) == -1)
			return -1;
		pr->backdate_seconds = (unsigned)v;
	} else if (strcmp(name, "key_usage") == 0)
		return config_parse_key_usage(value, &pr->key_usage);
	else if (strcmp(name, "extended_key_usage") == 0)
		return config_parse_eku(value, pr->eku_nids, CONFIG_MAX_EKU,
		    &pr->n_eku);
	else if (strcmp(name, "key_types") == 0) {
		unsigned types = 0;

		if (config_parse_list(value, config_key_types, config_add_bits,
		    &types) == -1)
			return -1;
		pr->key_types = types;
	} else if (strcmp(name, "rsa_min_bits") == 0) {
		if (config_parse_uint(value, 1024, 16384, &v) == -1)
			return -1;
		pr->rsa_min_bits = (unsigned)v;
	} else if (strcmp(name, "rsa_max_bits") == 0) {
		if (config_parse_uint(value, 1024, 16384, &v) == -1)
			return -1;
		pr->rsa_max_bits = (unsigned)v;
	} else if (strcmp(name, "ec_curves") == 0)
		return config_parse_curves(value, pr->ec_curve_nids,
		    CONFIG_MAX_CURVES, &pr->n_ec_curves);
	else if (strcmp(name, "signature_digests") == 0) {
		struct config_nid_list l = { pr->digest_nids, CONFIG_MAX_DIGESTS, 0 };

		if (config_parse_list(value, config_digests, config_add_nid, &l) == -1)
			return -1;
		pr->n_digests = l.n;
	} else
		return -2;
	return 0;
}

/* Keys about names and who may ask for them. */
static int
config_set_profile_names(struct est_profile *pr, const char *name,
    const char *value)
{
	unsigned long	v;
	int		e;

	if (strcmp(name, "max_san_entries") == 0) {
		if (config_parse_uint(value, 0, 1024, &v) == -1)
			return -1;
		pr->max_san_entries = (unsigned)v;
	} else if (strcmp(name, "san_types") == 0) {
		unsigned types = 0;

		if (config_parse_list(value, config_san_types, config_add_bits,
		    &types) == -1)
			return -1;
		pr->san_types = types;
	} else if (strcmp(name, "dns_suffixes") == 0)
		return config_each_word(value, config_add_suffix, pr);
	else if (strcmp(name, "allow_wildcard") == 0)
		return config_parse_bool(value, &pr->allow_wildcard);
	else if (strcmp(name, "ip_ranges") == 0)
		return config_each_word(value, config_add_ip_range, pr);
	else if (strcmp(name, "subject_must_match") == 0) {
		if (config_parse_enum(value, config_name_rules, &e) == -1)
			return -1;
		pr->subject_rule = (enum name_rule)e;
	} else if (strcmp(name, "cn_pattern") == 0)
		return config_set_string(&pr->cn_pattern, value);
	else if (strcmp(name, "allow_ra") == 0)
		return config_parse_bool(value, &pr->allow_ra);
	else if (strcmp(name, "ra_certificates") == 0)
		return config_each_word(value, config_add_ra, pr);
	else
		return -2;
	return 0;
}

/* Keys about re-enrollment, proof of possession, hooks and csrattrs. */
static int
config_set_profile_process(struct config_parse *p, struct est_profile *pr,
    const char *name, const char *value)
{
	unsigned long	v;
	int		e;

	if (strcmp(name, "allow_change_subject_name") == 0)
		return config_parse_bool(value, &pr->allow_change_subject_name);
	else if (strcmp(name, "renewal_window_days") == 0) {
		if (config_parse_uint(value, 0, 36500, &v) == -1)
			return -1;
		pr->renewal_window_days = (unsigned)v;
	} else if (strcmp(name, "challenge_password") == 0) {
		if (config_parse_enum(value, config_challenges, &e) == -1)
			return -1;
		pr->challenge = (enum challenge_policy)e;
	} else if (strcmp(name, "enrollment_codes") == 0)
		return config_set_path(p->dir, &pr->enrollment_codes, value);
	else if (strcmp(name, "enrollment_code_state") == 0)
		return config_set_path(p->dir, &pr->enrollment_code_state, value);
	else if (strcmp(name, "hook") == 0)
		return config_set_path(p->dir, &pr->hook, value);
	else if (strcmp(name, "hook_timeout_ms") == 0) {
		if (config_parse_uint(value, 10, 60000, &v) == -1)
			return -1;
		pr->hook_timeout_ms = (unsigned)v;
	} else if (strcmp(name, "csrattrs") == 0) {
		if (strcmp(value, "auto") == 0)
			pr->csrattrs = CSRATTRS_AUTO;
		else if (strcmp(value, "none") == 0)
			pr->csrattrs = CSRATTRS_NONE;
		else {
			pr->csrattrs = CSRATTRS_VERBATIM;
			return config_set_string(&pr->csrattrs_base64, value);
		}
	} else
		return -2;
	return 0;
}

static int
config_set_profile(struct config_parse *p, struct est_label_config *lc,
    const char *name, const char *value)
{
	int rc;

	if ((rc = config_set_profile_cert(&lc->profile, name, value)) != -2)
		return rc;
	if ((rc = config_set_profile_names(&lc->profile, name, value)) != -2)
		return rc;
	return config_set_profile_process(p, &lc->profile, name, value);
}

/* "[ca]" is the default label; "[ca NAME]" label NAME, created on first use. */
static struct est_label_config *
config_section_label(struct config_parse *p, const char *label, int *bad)
{
	struct est_config	*cfg = p->cfg;
	struct est_label_config	*lc;
	size_t			 i;

	*bad = 0;
	if (label == NULL)
		return &cfg->labels[0];
	for (i = 1; i < cfg->n_labels; i++)
		if (strcmp(cfg->labels[i].name, label) == 0)
			return &cfg->labels[i];
	if (!config_label_name_ok(label) || cfg->n_labels == CONFIG_MAX_LABELS) {
		*bad = 1;
		return NULL;
	}
	lc = &cfg->labels[cfg->n_labels];
	config_label_defaults(lc);
	if ((lc->name = strdup(label)) == NULL) {
		*bad = 1;
		return NULL;
	}
	cfg->n_labels++;
	return lc;
}

/* [estd], or [ca], [trust], [auth], [profile] with or without a label. */
static int
config_section_known(const char *section, size_t len)
{
	static const char *const kinds[] = { "ca", "trust", "auth", "profile" };
	size_t	 kind_len, i;

	kind_len = strcspn(section, " ]");
	if (kind_len > len)
		kind_len = len;
	if (kind_len == len && len == 4 && strncmp(section, "estd", 4) == 0)
		return 1;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i]) == kind_len &&
		    strncmp(section, kinds[i], kind_len) == 0)
			return 1;
	return 0;
}

/*
 * inih's line reader, made strict. inih reads into a buffer of `size`
 * bytes, splits a longer line and parses its tail as a line of its own
 * (a long comment could hide a setting); and it reads an indented line as
 * the continuation of the value above it, so "  allow_wildcard = no" would
 * silently join the previous value. Refuse the first; give the second its
 * meaning as a line of its own by dropping the indentation.
 */
static char *
config_read_line(char *str, int size, void *stream)
{
	struct config_parse	*p = stream;
	ssize_t			 n;
	size_t			 len, skip;
	char			*end;

	if ((n = getline(&p->line, &p->line_cap, p->f)) == -1)
		return NULL;
	p->line_no++;
	len = (size_t)n;
	if (memchr(p->line, '\0', len) != NULL) {
		snprintf(p->bad_why, sizeof(p->bad_why), "holds a NUL byte");
		goto bad;
	}
	while (len > 0 && (p->line[len - 1] == '\n' || p->line[len - 1] == '\r'))
		len--;
	skip = strspn(p->line, " \t");
	if (size < 1 || len - skip > (size_t)size - 1) {
		snprintf(p->bad_why, sizeof(p->bad_why),
		    "line too long (at most %d bytes)", size - 1);
		goto bad;
	}
	memcpy(str, p->line + skip, len - skip);
	str[len - skip] = '\0';
	/* inih calls no handler for a section without keys: check it here. */
	if (str[0] == '[' && (end = strchr(str, ']')) != NULL) {
		if (!config_section_known(str + 1, (size_t)(end - str - 1)))
			diag_add(p->d, "%s:%d: unknown section %.*s", p->cfg->path,
			    p->line_no, (int)(end - str + 1), str);
		/*
		 * inih drops whatever follows the "]": "[profile] [auth]" or
		 * "[ca] iot" would silently mean [profile] and [ca]. Only a
		 * comment may follow.
		 */
		end += 1 + strspn(end + 1, " \t");
		if (*end != '\0' && *end != ';' && *end != '#')
			diag_add(p->d, "%s:%d: text after the section header: %s",
			    p->cfg->path, p->line_no, str);
	}
	return str;
bad:
	p->bad_line = p->line_no;
	return NULL;
}

/* Lists that grow line by line; any other setting is given once. */
static const char *const config_list_keys[] = {
	"dns_suffixes", "ip_ranges", "ra_certificates", NULL
};

/*
 * A setting given twice in a section (or in a section named twice) would
 * silently take its last value: "allow_wildcard = no" near the top undone
 * by a forgotten "allow_wildcard = yes" further down. Refuse the repeat.
 */
static void
config_check_repeat(struct config_parse *p, const char *section,
    const char *name)
{
	struct config_seen	*s;
	size_t			 i;

	for (i = 0; config_list_keys[i] != NULL; i++)
		if (strcmp(name, config_list_keys[i]) == 0)
			return;
	for (i = 0; i < p->n_seen; i++)
		if (strcmp(p->seen[i].section, section) == 0 &&
		    strcmp(p->seen[i].name, name) == 0) {
			diag_add(p->d, "%s:%d: [%s] %s: given again (first on line "
			    "%d); give each setting once", p->cfg->path, p->line_no,
			    section, name, p->seen[i].line);
			return;
		}
	/* Known sections and settings only: their number is bounded. */
	if (strlen(section) >= sizeof(s->section) || strlen(name) >= sizeof(s->name))
		return;
	if (p->n_seen == p->seen_cap) {
		size_t cap = p->seen_cap ? p->seen_cap * 2 : 32;

		if ((s = reallocarray(p->seen, cap, sizeof(*s))) == NULL) {
			diag_add(p->d, "%s: out of memory", p->cfg->path);
			return;
		}
		p->seen = s;
		p->seen_cap = cap;
	}
	s = &p->seen[p->n_seen++];
	snprintf(s->section, sizeof(s->section), "%s", section);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->line = p->line_no;
}

static int
config_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_parse	*p = user;
	struct est_label_config	*lc = NULL;
	char			 kind[32];
	const char		*label = NULL, *space;
	int			 rc, bad = 0;

	if (name == NULL)	/* a section header on its own */
		return 1;
	/* inih cuts longer section names: never use a cut label name. */
	if (strlen(section) >= CONFIG_INI_MAX_SECTION) {
		diag_add(p->d, "%s: [%s...]: section name too long (labels have at "
		    "most %d characters)", p->cfg->path, section,
		    CONFIG_MAX_LABEL_NAME);
		return 1;
	}
	space = strchr(section, ' ');
	snprintf(kind, sizeof(kind), "%.*s", space ? (int)(space - section) :
	    (int)strlen(section), section);
	if (space != NULL)
		label = space + 1;
	if (!config_section_known(section, strlen(section)))
		return 1;	/* config_read_line() reported it */
	if (strcmp(kind, "estd") == 0 && label == NULL)
		rc = config_set_estd(p, name, value);
	else if ((lc = config_section_label(p, label, &bad)) == NULL)
		rc = -4;
	else if (kind[0] == 'c')
		rc = config_set_ca(p, lc, name, value);
	else if (kind[0] == 't')
		rc = config_set_trust(p, lc, name, value);
	else if (kind[0] == 'a')
		rc = config_set_auth(p, lc, name, value);
	else
		rc = config_set_profile(p, lc, name, value);

	if (rc == 0)	/* a value refused is reported as such */
		config_check_repeat(p, section, name);
	if (rc == -1)
		diag_add(p->d, "%s: [%s] %s: invalid value \"%s\"",
		    p->cfg->path, section, name, value);
	else if (rc == -2)
		diag_add(p->d, "%s: [%s]: unknown setting \"%s\"",
		    p->cfg->path, section, name);
	else if (rc == -4)
		diag_add(p->d, "%s: [%s]: invalid label name (1 to %d letters, "
		    "digits, '.', '_', '-'; not an operation name; at most %d "
		    "labels)", p->cfg->path, section, CONFIG_MAX_LABEL_NAME,
		    CONFIG_MAX_LABELS - 1);
	return 1;	/* keep going: report every problem */
}

/* What a label needs, once the whole file is read. */
static void
config_check_label(const struct est_config *cfg,
    const struct est_label_config *lc, struct diag *d)
{
	const struct est_profile *pr = &lc->profile;
	const char	*l = lc->name ? lc->name : "", *sp = lc->name ? " " : "";

	if (lc->ca_cert == NULL)
		diag_add(d, "%s: [ca%s%s] certificate is required", cfg->path, sp, l);
	if (lc->ca_key == NULL)
		diag_add(d, "%s: [ca%s%s] key is required", cfg->path, sp, l);
	if (lc->trust_store == NULL && lc->auth.mode != AUTH_PASSWORD)
		diag_add(d, "%s: [trust%s%s] store is required", cfg->path, sp, l);
	if (lc->auth.mode != AUTH_CERTIFICATE && lc->auth.htpasswd == NULL &&
	    !lc->auth.trust_remote_user)
		diag_add(d, "%s: [auth%s%s] htpasswd is required for password "
		    "authentication", cfg->path, sp, l);
	if (pr->rsa_min_bits > pr->rsa_max_bits)
		diag_add(d, "%s: [profile%s%s] rsa_min_bits exceeds rsa_max_bits",
		    cfg->path, sp, l);
	if (pr->n_eku == 0)
		diag_add(d, "%s: [profile%s%s] extended_key_usage is empty",
		    cfg->path, sp, l);
	if (pr->key_types == 0)
		diag_add(d, "%s: [profile%s%s] key_types is empty", cfg->path, sp, l);
	if ((pr->key_types & PROFILE_KEY_EC) && pr->n_ec_curves == 0)
		diag_add(d, "%s: [profile%s%s] ec_curves is empty while key_types "
		    "allows ec", cfg->path, sp, l);
	if (pr->n_digests == 0)
		diag_add(d, "%s: [profile%s%s] signature_digests is empty",
		    cfg->path, sp, l);
	if (pr->challenge == CHALLENGE_CODE &&
	    (pr->enrollment_codes == NULL || pr->enrollment_code_state == NULL))
		diag_add(d, "%s: [profile%s%s] challenge_password = code needs "
		    "enrollment_codes and enrollment_code_state", cfg->path, sp, l);
	/*
	 * Settings that would do nothing: the operator counts on them. A
	 * password file under methods = certificate asks for no password,
	 * and codes under challenge_password = ignore are never checked.
	 */
	if (lc->auth.mode == AUTH_CERTIFICATE && (lc->auth.htpasswd != NULL ||
	    lc->auth.realm != NULL || lc->auth.trust_remote_user))
		diag_add(d, "%s: [auth%s%s] %s has no effect with methods = "
		    "certificate (the default): set methods to password, "
		    "certificate-or-password or certificate-and-password, or "
		    "remove it", cfg->path, sp, l, lc->auth.htpasswd != NULL ?
		    "htpasswd" : lc->auth.trust_remote_user ? "trust_remote_user" :
		    "realm");
	if (pr->challenge != CHALLENGE_CODE && (pr->enrollment_codes != NULL ||
	    pr->enrollment_code_state != NULL))
		diag_add(d, "%s: [profile%s%s] enrollment codes are checked only "
		    "with challenge_password = code", cfg->path, sp, l);
	if (!pr->allow_ra && pr->n_ra > 0)
		diag_add(d, "%s: [profile%s%s] ra_certificates has no effect "
		    "without allow_ra = yes", cfg->path, sp, l);
}

int
config_load(struct est_config *cfg, const char *path, struct diag *d)
{
	struct config_parse	 p;
	struct stat		 st;
	char			*slash;
	size_t			 i;
	int			 rc;

	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.d = d;
	if ((cfg->path = strdup(path)) == NULL)
		return -1;
	if ((slash = strrchr(path, '/')) != NULL) {
		p.dir = strndup(path, (size_t)(slash - path) == 0 ? 1 :
		    (size_t)(slash - path));
		if (p.dir == NULL)
			return -1;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		diag_add(d, "%s: is a directory, not a configuration file", path);
		free(p.dir);
		return -1;
	}
	if ((p.f = fopen(path, "r")) == NULL) {
		diag_add(d, "%s: cannot open: %s", path, strerror(errno));
		free(p.dir);
		return -1;
	}
	rc = ini_parse_stream(config_read_line, &p, config_handler, &p);
	if (p.bad_line > 0)
		diag_add(d, "%s:%d: %s", path, p.bad_line, p.bad_why);
	else if (rc == -2)
		diag_add(d, "%s: out of memory", path);
	else if (rc > 0)
		diag_add(d, "%s:%d: syntax error", path, rc);
	if (rc >= 0 && p.bad_line == 0)
		for (i = 0; i < cfg->n_labels; i++)
			config_check_label(cfg, &cfg->labels[i], d);
	fclose(p.f);
	free(p.seen);
	free(p.line);
	free(p.dir);
	return diag_count(d) == 0 ? 0 : -1;
}
