/*
 * service: everything loaded once at start-up and shared by every request:
 * configuration, the CA, the trust stores and the ready-made /cacerts body.
 */
#ifndef EST_SERVICE_H
#define EST_SERVICE_H

#include <time.h>

#include "est/buf.h"
#include "est/config.h"
#include "est/diag.h"
#include "est/issuer.h"
#include "est/codes.h"
#include "est/htpasswd.h"
#include "est/truststore.h"

/* One label's CA, trust stores, users and ready-made responses. */
struct est_label {
	const struct est_label_config *cfg;
	struct issuer		 issuer;
	struct trust_store	*enroll_trust;	/* who may simpleenroll */
	struct trust_store	*reenroll_trust;/* this CA: who may simplereenroll */
	struct htpasswd		*users;		/* NULL without password auth */
	struct codes		*codes;		/* NULL unless challenge_password = code */
	struct buf		 cacerts_body;	/* base64 certs-only PKCS#7 */
	size_t			 n_cacerts;
	struct buf		 csrattrs_body;	/* base64 CsrAttrs; empty: 204 */
	int			 ca_in_trust_dir;	/* this CA among the trust store's files */
};

struct est_service {
	const struct est_config	*cfg;
	struct est_label	 labels[CONFIG_MAX_LABELS];
	size_t			 n_labels;
};

/* Loads and checks everything cfg names. 0 = ready; problems go to d. */
int	service_load(struct est_service *, const struct est_config *, struct diag *d);
void	service_free(struct est_service *);
/*
 * Checks again what the workers write or run while serving (the enrollment
 * code directory, the hook), as the current user: after dropping root.
 */
void	service_check_access(const struct est_service *, struct diag *d);
/* The label called name (NULL: the unlabelled default), or NULL. */
const struct est_label *service_label(const struct est_service *, const char *name);
/*
 * 1, with a one-line warning in out, when the label's CA certificate ends
 * sooner than validity_days from now (issued certificates are cut to it).
 */
int	service_ca_expiry_warning(const struct est_label *, time_t now, char *out,
	    size_t outlen);
/* Logs what was loaded: CA subject, key, validity, usages, trust store. */
void	service_log_summary(const struct est_service *);

#endif
