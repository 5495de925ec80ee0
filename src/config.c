/* config: estd.conf (INI, read with libinih) into struct est_config. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>
#include <openssl/obj_mac.h>
#include <openssl/x509v3.h>

#include "est/config.h"

#define CONFIG_LIST_MAX	512	/* longest comma-separated value */

struct config_parse {
	struct est_config	*cfg;
	struct diag		*d;
	char			*dir;	/* of the file, for relative paths */
	int			 errors;
};

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

void
config_defaults(struct est_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_target = LOG_TARGET_SYSLOG;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->max_body = CONFIG_DEFAULT_MAX_BODY;
	cfg->accept_issued = 1;
	cfg->profile.validity_days = 365;
	cfg->profile.key_usage = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT;
	cfg->profile.eku_nids[0] = NID_client_auth;
	cfg->profile.eku_nids[1] = NID_server_auth;
	cfg->profile.n_eku = 2;
	cfg->profile.rsa_min_bits = 2048;
	cfg->profile.rsa_max_bits = 8192;
	cfg->profile.ec_curve_nids[0] = NID_X9_62_prime256v1;
	cfg->profile.ec_curve_nids[1] = NID_secp384r1;
	cfg->profile.ec_curve_nids[2] = NID_secp521r1;
	cfg->profile.n_ec_curves = 3;
	cfg->profile.max_san_entries = 64;
}

void
config_free(struct est_config *cfg)
{
	free(cfg->path);
	free(cfg->user);
	free(cfg->group);
	free(cfg->ca_cert);
	free(cfg->ca_key);
	free(cfg->ca_chain);
	free(cfg->cacerts_bundle);
	free(cfg->trust_store);
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

/* A path from the file, made absolute against the file's directory. */
static int
config_set_path(struct config_parse *p, char **dst, const char *value)
{
	char	*s;
	size_t	 len;

	if (*value == '\0')
		return -1;
	if (value[0] == '/' || p->dir == NULL) {
		s = strdup(value);
	} else {
		len = strlen(p->dir) + 1 + strlen(value) + 1;
		if ((s = malloc(len)) != NULL)
			snprintf(s, len, "%s/%s", p->dir, value);
	}
	if (s == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

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
	} else if (strcmp(name, "user") == 0 || strcmp(name, "group") == 0) {
		char **dst = name[0] == 'u' ? &cfg->user : &cfg->group;

		if (*value == '\0')
			return -1;
		free(*dst);
		if ((*dst = strdup(value)) == NULL)
			return -1;
	} else if (strcmp(name, "max_body_bytes") == 0) {
		if (config_parse_uint(value, 1024, CONFIG_MAX_MAX_BODY, &v) == -1)
			return -1;
		cfg->max_body = v;
	} else
		return -2;
	return 0;
}

static int
config_set_ca(struct config_parse *p, const char *name, const char *value)
{
	struct est_config *cfg = p->cfg;

	if (strcmp(name, "certificate") == 0)
		return config_set_path(p, &cfg->ca_cert, value);
	if (strcmp(name, "key") == 0) {
		/* A URI (pkcs11:, file:) goes to OSSL_STORE untouched. */
		if (strchr(value, ':') != NULL && value[0] != '/') {
			free(cfg->ca_key);
			return (cfg->ca_key = strdup(value)) == NULL ? -1 : 0;
		}
		return config_set_path(p, &cfg->ca_key, value);
	}
	if (strcmp(name, "chain") == 0)
		return config_set_path(p, &cfg->ca_chain, value);
	if (strcmp(name, "cacerts_bundle") == 0)
		return config_set_path(p, &cfg->cacerts_bundle, value);
	return -2;
}

static int
config_set_trust(struct config_parse *p, const char *name, const char *value)
{
	if (strcmp(name, "store") == 0)
		return config_set_path(p, &p->cfg->trust_store, value);
	if (strcmp(name, "accept_issued") == 0)
		return config_parse_bool(value, &p->cfg->accept_issued);
	return -2;
}

static int
config_set_profile(struct config_parse *p, const char *name, const char *value)
{
	struct est_profile	*pr = &p->cfg->profile;
	unsigned long		 v;

	if (strcmp(name, "validity_days") == 0) {
		if (config_parse_uint(value, 1, 36500, &v) == -1)
			return -1;
		pr->validity_days = (unsigned)v;
	} else if (strcmp(name, "key_usage") == 0) {
		if (config_parse_key_usage(value, &pr->key_usage) == -1)
			return -1;
	} else if (strcmp(name, "extended_key_usage") == 0) {
		if (config_parse_eku(value, pr->eku_nids, CONFIG_MAX_EKU,
		    &pr->n_eku) == -1)
			return -1;
	} else if (strcmp(name, "rsa_min_bits") == 0) {
		if (config_parse_uint(value, 1024, 16384, &v) == -1)
			return -1;
		pr->rsa_min_bits = (unsigned)v;
	} else if (strcmp(name, "rsa_max_bits") == 0) {
		if (config_parse_uint(value, 1024, 16384, &v) == -1)
			return -1;
		pr->rsa_max_bits = (unsigned)v;
	} else if (strcmp(name, "ec_curves") == 0) {
		if (config_parse_curves(value, pr->ec_curve_nids,
		    CONFIG_MAX_CURVES, &pr->n_ec_curves) == -1)
			return -1;
	} else if (strcmp(name, "max_san_entries") == 0) {
		if (config_parse_uint(value, 0, 1024, &v) == -1)
			return -1;
		pr->max_san_entries = (unsigned)v;
	} else
		return -2;
	return 0;
}

static int
config_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_parse	*p = user;
	int			 rc;

	if (name == NULL)	/* a section header on its own */
		return 1;
	if (strcmp(section, "estd") == 0)
		rc = config_set_estd(p, name, value);
	else if (strcmp(section, "ca") == 0)
		rc = config_set_ca(p, name, value);
	else if (strcmp(section, "trust") == 0)
		rc = config_set_trust(p, name, value);
	else if (strcmp(section, "profile") == 0)
		rc = config_set_profile(p, name, value);
	else
		rc = -3;

	if (rc == -1)
		diag_add(p->d, "%s: [%s] %s: invalid value \"%s\"",
		    p->cfg->path, section, name, value);
	else if (rc == -2)
		diag_add(p->d, "%s: [%s]: unknown setting \"%s\"",
		    p->cfg->path, section, name);
	else if (rc == -3)
		diag_add(p->d, "%s: unknown section [%s]", p->cfg->path, section);
	if (rc != 0)
		p->errors++;
	return 1;	/* keep going: report every problem */
}

int
config_load(struct est_config *cfg, const char *path, struct diag *d)
{
	struct config_parse	 p;
	char			*slash;
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
	rc = ini_parse(path, config_handler, &p);
	if (rc == -1)
		diag_add(d, "%s: cannot open: %s", path, strerror(errno));
	else if (rc == -2)
		diag_add(d, "%s: out of memory", path);
	else if (rc > 0)
		diag_add(d, "%s:%d: syntax error", path, rc);

	if (rc >= 0) {
		if (cfg->ca_cert == NULL)
			diag_add(d, "%s: [ca] certificate is required", path);
		if (cfg->ca_key == NULL)
			diag_add(d, "%s: [ca] key is required", path);
		if (cfg->trust_store == NULL)
			diag_add(d, "%s: [trust] store is required", path);
		if (cfg->profile.rsa_min_bits > cfg->profile.rsa_max_bits)
			diag_add(d, "%s: [profile] rsa_min_bits exceeds rsa_max_bits",
			    path);
		if (cfg->profile.n_eku == 0)
			diag_add(d, "%s: [profile] extended_key_usage is empty",
			    path);
	}
	free(p.dir);
	return diag_count(d) == 0 ? 0 : -1;
}
