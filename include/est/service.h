/*
 * service: everything loaded once at start-up and shared by every request:
 * configuration, the CA, the trust stores and the ready-made /cacerts body.
 */
#ifndef EST_SERVICE_H
#define EST_SERVICE_H

#include "est/buf.h"
#include "est/config.h"
#include "est/diag.h"
#include "est/issuer.h"
#include "est/truststore.h"

struct est_service {
	const struct est_config	*cfg;
	struct issuer		 issuer;
	struct trust_store	*enroll_trust;	/* who may simpleenroll */
	struct trust_store	*reenroll_trust;/* this CA: who may simplereenroll */
	struct buf		 cacerts_body;	/* base64 certs-only PKCS#7 */
	size_t			 n_cacerts;
};

/* Loads and checks everything cfg names. 0 = ready; problems go to d. */
int	service_load(struct est_service *, const struct est_config *, struct diag *d);
void	service_free(struct est_service *);
/* Logs what was loaded: CA subject, key, validity, usages, trust store. */
void	service_log_summary(const struct est_service *);

#endif
