/*
 * config: the estd.conf INI file (read with libinih) into plain values.
 * It checks syntax and ranges only; whether the files it names exist and fit
 * together is service.c's job. No OpenSSL objects live here.
 */
#ifndef EST_CONFIG_H
#define EST_CONFIG_H

#include <stddef.h>

#include "est/diag.h"
#include "est/log.h"

#define CONFIG_MAX_EKU		8
#define CONFIG_MAX_CURVES	8
#define CONFIG_DEFAULT_MAX_BODY	(64 * 1024)
#define CONFIG_DEFAULT_REALM	"EST"	/* [auth] realm */
#define CONFIG_MAX_MAX_BODY	(16 * 1024 * 1024)

#define CONFIG_MAX_LABELS	16	/* the default label included */
/* inih keeps at most 49 bytes of a section name: "[profile NAME]" must fit. */
#define CONFIG_MAX_LABEL_NAME	40
#define CONFIG_INI_MAX_SECTION	49
#define CONFIG_MAX_SUFFIXES	16
#define CONFIG_MAX_IP_RANGES	16
#define CONFIG_MAX_DIGESTS	4
#define CONFIG_MAX_RA		16

/* Key types a profile accepts. */
#define PROFILE_KEY_RSA		0x01
#define PROFILE_KEY_EC		0x02

/* subjectAltName types a profile accepts. */
#define PROFILE_SAN_DNS		0x01
#define PROFILE_SAN_IP		0x02
#define PROFILE_SAN_EMAIL	0x04
#define PROFILE_SAN_URI		0x08

enum name_rule {
	NAME_RULE_ANY,		/* any subject the other rules allow */
	NAME_RULE_IDENTITY,	/* CN or a DNS SAN equals the client's identity */
	NAME_RULE_MAX
};

enum challenge_policy {
	CHALLENGE_REFUSE,	/* refuse CSRs carrying a challengePassword */
	CHALLENGE_CODE,		/* a one-time enrollment code from a list */
	CHALLENGE_IGNORE,	/* accept and ignore it (a documented deviation) */
	CHALLENGE_MAX
};

enum csrattrs_mode {
	CSRATTRS_AUTO,		/* derived from the profile */
	CSRATTRS_NONE,		/* 204 */
	CSRATTRS_VERBATIM,	/* base64 DER from the configuration */
	CSRATTRS_MAX
};

struct ip_range {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	addr[16];
	unsigned	prefix;
};

/* What an issued certificate looks like, and what a CSR may ask for. */
struct est_profile {
	unsigned	validity_days;
	unsigned	backdate_seconds;	/* notBefore this far before issue */
	unsigned	key_usage;		/* X509v3 KU_* bits */
	int		eku_nids[CONFIG_MAX_EKU];
	size_t		n_eku;
	unsigned	key_types;		/* PROFILE_KEY_* */
	unsigned	rsa_min_bits;
	unsigned	rsa_max_bits;		/* bounds the cost of one request */
	int		ec_curve_nids[CONFIG_MAX_CURVES];
	size_t		n_ec_curves;
	int		digest_nids[CONFIG_MAX_DIGESTS];	/* CSR signature hashes */
	size_t		n_digests;
	unsigned	max_san_entries;
	unsigned	san_types;		/* PROFILE_SAN_* */
	char		*dns_suffixes[CONFIG_MAX_SUFFIXES];
	size_t		n_dns_suffixes;
	int		allow_wildcard;
	struct ip_range	ip_ranges[CONFIG_MAX_IP_RANGES];
	size_t		n_ip_ranges;
	enum name_rule	subject_rule;
	char		*cn_pattern;		/* fnmatch(3) pattern, optional */
	int		allow_ra;		/* RA certificates enroll others */
	unsigned char	ra_fingerprints[CONFIG_MAX_RA][32];	/* SHA-256 */
	size_t		n_ra;
	int		allow_change_subject_name;
	unsigned	renewal_window_days;	/* 0: renew any time */
	enum challenge_policy challenge;
	char		*enrollment_codes;	/* file of one-time codes */
	char		*enrollment_code_state;	/* directory marking used codes */
	char		*hook;			/* authorization program */
	unsigned	hook_timeout_ms;
	enum csrattrs_mode csrattrs;
	char		*csrattrs_base64;
};

/* [trust] accept_issued: what this CA's own certificates may do on simpleenroll. */
enum accept_issued {
	ACCEPT_ISSUED_NO,	/* not trusted for it (unless the store holds the CA) */
	ACCEPT_ISSUED_RENEW,	/* yes: renew themselves, under simplereenroll's rules */
	ACCEPT_ISSUED_ANY	/* enroll like any trusted client (RFC 7030 4.2.1) */
};

enum auth_mode {
	AUTH_CERTIFICATE,
	AUTH_PASSWORD,
	AUTH_EITHER,
	AUTH_BOTH,
	AUTH_MODE_MAX
};

struct est_auth_config {
	enum auth_mode	 mode;
	char		*htpasswd;
	char		*realm;
	int		 trust_remote_user;	/* dangerous behind nginx */
};

/* One CA behind /.well-known/est/[LABEL/]: labels[0] is the unlabelled one. */
struct est_label_config {
	char		*name;			/* NULL for the default label */
	char		*ca_cert;
	char		*ca_key;
	char		*ca_chain;		/* optional */
	char		*cacerts_bundle;	/* optional */
	char		*trust_store;
	enum accept_issued accept_issued;
	struct est_auth_config auth;
	struct est_profile profile;
};

struct est_config {
	char		*path;			/* the file read, for messages */
	enum log_target	 log_target;
	enum log_level	 log_level;
	size_t		 max_body;
	char		*user;			/* drop to this account when root */
	char		*group;
	struct est_label_config labels[CONFIG_MAX_LABELS];
	size_t		 n_labels;
};

/* 1 if name may name a label: letters, digits, '.', '_', '-', not an operation. */
int	config_label_name_ok(const char *name);
const struct est_label_config *config_label(const struct est_config *,
	    const char *name);

/* Fills defaults; config_load then overrides them from the file. */
void	config_defaults(struct est_config *);
/* Returns 0 if the file parsed cleanly; every problem is added to d. */
int	config_load(struct est_config *, const char *path, struct diag *d);
void	config_free(struct est_config *);

/* Helpers the parser uses; exposed for tests. */
int	config_parse_key_usage(const char *, unsigned *);
int	config_parse_eku(const char *, int *nids, size_t max, size_t *n);
int	config_parse_curves(const char *, int *nids, size_t max, size_t *n);
int	config_parse_bool(const char *, int *);
int	config_parse_uint(const char *, unsigned long min, unsigned long max,
	    unsigned long *);
int	config_parse_ip_range(const char *, struct ip_range *);

#endif
