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
#define CONFIG_MAX_MAX_BODY	(16 * 1024 * 1024)

/* What an issued certificate looks like and which CSR keys are acceptable. */
struct est_profile {
	unsigned	validity_days;
	unsigned	key_usage;		/* X509v3 KU_* bits */
	int		eku_nids[CONFIG_MAX_EKU];
	size_t		n_eku;
	unsigned	rsa_min_bits;
	unsigned	rsa_max_bits;		/* bounds the cost of one request */
	int		ec_curve_nids[CONFIG_MAX_CURVES];
	size_t		n_ec_curves;
	unsigned	max_san_entries;
};

struct est_config {
	char		*path;			/* the file read, for messages */
	enum log_target	 log_target;
	enum log_level	 log_level;
	size_t		 max_body;
	char		*user;			/* drop to this account when root */
	char		*group;

	char		*ca_cert;
	char		*ca_key;
	char		*ca_chain;		/* optional */
	char		*cacerts_bundle;	/* optional */

	char		*trust_store;
	int		 accept_issued;

	struct est_profile profile;
};

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

#endif
