/*
 * policy: the issuance decision. Pure: facts about the CSR and the
 * authenticated client in, a verdict and an issuance plan out. It signs
 * nothing and reads no files, so every rule is unit-testable on its own.
 */
#ifndef EST_POLICY_H
#define EST_POLICY_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "est/config.h"
#include "est/csr.h"

enum est_op {
	EST_OP_NONE,
	EST_OP_CACERTS,
	EST_OP_SIMPLEENROLL,
	EST_OP_SIMPLEREENROLL,
	EST_OP_CSRATTRS,
	EST_OP_MAX
};

const char	*est_op_name(enum est_op);

/* What the certificate will say; certgen turns it into extensions. */
struct issue_plan {
	time_t		 not_before;
	time_t		 not_after;
	unsigned	 key_usage;	/* KU_* bits */
	const int	*eku_nids;
	size_t		 n_eku;
};

#define POLICY_MAX_IDENTITIES	2

/* The request's client, as authenticated. */
struct policy_client {
	X509		*cert;		/* verified certificate, or NULL */
	int		 issued_by_ca;	/* cert is this CA's own client's */
	/* simpleenroll let in by such a certificate: it renews itself. */
	int		 enroll_renews;
	int		 is_ra;		/* a registration authority (RFC 7030 3.7) */
	const char	*identities[POLICY_MAX_IDENTITIES];	/* cert CN, user name */
	size_t		 n_identities;
};

/*
 * The name's first commonName as NUL-free UTF-8 in out, or NULL (none,
 * does not decode, or too long). CSR and certificate CNs are compared so.
 */
const char *policy_subject_cn(const X509_NAME *, char *out, size_t outlen);
/* 1 if cert may act as a registration authority under pr. */
int	policy_is_ra(const struct est_profile *, X509 *cert);

/* Key type, size and curve against the profile. 0 = acceptable. */
int	policy_check_key(const struct est_profile *, const struct csr_info *,
	    char *reason, size_t reasonlen);
/* Attributes: something to name, SAN count, challengePassword, ChangeSubjectName. */
int	policy_check_request(const struct est_profile *, const struct csr_info *,
	    char *reason, size_t reasonlen);
/* SAN types, DNS suffixes, wildcards, IP ranges, CN pattern, identity. */
int	policy_check_names(const struct est_profile *, const struct csr_info *,
	    const struct policy_client *, char *reason, size_t reasonlen);
/* RFC 7030 4.2.2: subject and SAN identical to the certificate renewed. */
int	policy_check_reenroll(const struct csr_info *, X509 *current,
	    char *reason, size_t reasonlen);
/* Not earlier than window_days before current expires (0: any time). */
int	policy_check_renewal_window(unsigned window_days, X509 *current,
	    time_t now, char *reason, size_t reasonlen);
/* Validity and extensions of the certificate to issue. */
void	policy_plan(const struct est_profile *, const struct csr_info *,
	    time_t now, time_t ca_not_after, struct issue_plan *);

/* All of the above for one operation. 0 = issue according to *plan. */
int	policy_decide(const struct est_profile *, enum est_op,
	    const struct csr_info *, const struct policy_client *,
	    time_t now, time_t ca_not_after, struct issue_plan *plan,
	    char *reason, size_t reasonlen);

#endif
