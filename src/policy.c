/* policy: whether to issue, and what. Pure functions of their arguments. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "est/policy.h"

static const char *const est_op_names[EST_OP_MAX] = {
	[EST_OP_NONE] = "-",
	[EST_OP_CACERTS] = "cacerts",
	[EST_OP_SIMPLEENROLL] = "simpleenroll",
	[EST_OP_SIMPLEREENROLL] = "simplereenroll",
};

const char *
est_op_name(enum est_op op)
{
	if ((unsigned)op >= EST_OP_MAX)
		return "-";
	return est_op_names[op];
}

int
policy_check_key(const struct est_profile *pr, const struct csr_info *csr,
    char *reason, size_t reasonlen)
{
	size_t	 i;
	char	 desc[64];

	csr_key_describe(csr, desc, sizeof(desc));
	switch (csr->key_type) {
	case EVP_PKEY_RSA:
		if (csr->key_bits < 0 || (unsigned)csr->key_bits < pr->rsa_min_bits) {
			snprintf(reason, reasonlen,
			    "%s key is below the minimum of %u bits", desc,
			    pr->rsa_min_bits);
			return -1;
		}
		if ((unsigned)csr->key_bits > pr->rsa_max_bits) {
			snprintf(reason, reasonlen,
			    "%s key is above the maximum of %u bits", desc,
			    pr->rsa_max_bits);
			return -1;
		}
		return 0;
	case EVP_PKEY_EC:
		for (i = 0; i < pr->n_ec_curves; i++)
			if (csr->curve_nid != NID_undef &&
			    csr->curve_nid == pr->ec_curve_nids[i])
				return 0;
		snprintf(reason, reasonlen, "%s key: curve not allowed", desc);
		return -1;
	default:
		snprintf(reason, reasonlen, "%s keys are not allowed", desc);
		return -1;
	}
}

int
policy_check_request(const struct est_profile *pr, const struct csr_info *csr,
    char *reason, size_t reasonlen)
{
	if (X509_NAME_entry_count(csr->subject) == 0 && csr->n_san == 0) {
		snprintf(reason, reasonlen,
		    "CSR has neither a subject nor a subjectAltName");
		return -1;
	}
	if (csr->n_san > pr->max_san_entries) {
		snprintf(reason, reasonlen,
		    "CSR has %zu subjectAltName entries, more than the %u allowed",
		    csr->n_san, pr->max_san_entries);
		return -1;
	}
	/*
	 * RFC 7030 3.5: a challengePassword carries the TLS channel binding,
	 * which a worker behind a TLS-terminating front server cannot check.
	 * Refuse rather than accept it unchecked.
	 */
	if (csr->has_challenge_password) {
		snprintf(reason, reasonlen,
		    "CSR carries a challengePassword (proof-of-possession "
		    "linking), which this server cannot check");
		return -1;
	}
	if (csr->has_change_subject_name) {
		snprintf(reason, reasonlen,
		    "CSR carries a ChangeSubjectName attribute, which is not allowed");
		return -1;
	}
	return 0;
}

/* DER of the certificate's subjectAltName extension value, or NULL/0 if none. */
static int
policy_cert_san_der(X509 *cert, unsigned char **der)
{
	GENERAL_NAMES	*san;
	int		 crit = -1, len;

	*der = NULL;
	san = X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, NULL);
	if (san == NULL)
		return crit == -1 ? 0 : -1;	/* absent, or present twice/broken */
	len = i2d_GENERAL_NAMES(san, der);
	GENERAL_NAMES_free(san);
	return len;
}

int
policy_check_reenroll(const struct csr_info *csr, X509 *current,
    char *reason, size_t reasonlen)
{
	unsigned char	*cur_der = NULL, *req_der = NULL;
	int		 cur_len, req_len = 0, rc = -1;

	if (X509_NAME_cmp(csr->subject, X509_get_subject_name(current)) != 0) {
		snprintf(reason, reasonlen,
		    "re-enrollment CSR subject differs from the certificate being renewed");
		goto out;
	}
	if ((cur_len = policy_cert_san_der(current, &cur_der)) < 0) {
		snprintf(reason, reasonlen,
		    "the certificate being renewed has an unreadable subjectAltName");
		goto out;
	}
	if (csr->san != NULL && (req_len = i2d_GENERAL_NAMES(csr->san, &req_der)) < 0) {
		snprintf(reason, reasonlen, "CSR subjectAltName does not encode");
		goto out;
	}
	if (cur_len != req_len ||
	    (cur_len > 0 && memcmp(cur_der, req_der, (size_t)cur_len) != 0)) {
		snprintf(reason, reasonlen,
		    "re-enrollment CSR subjectAltName differs from the certificate being renewed");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_free(cur_der);
	OPENSSL_free(req_der);
	return rc;
}

void
policy_plan(const struct est_profile *pr, const struct csr_info *csr,
    time_t now, time_t ca_not_after, struct issue_plan *plan)
{
	time_t lifetime = (time_t)pr->validity_days * 86400;

	memset(plan, 0, sizeof(*plan));
	plan->not_before = now;
	plan->not_after = now + lifetime;
	/* Never outlive the CA: the certificate would stop verifying anyway. */
	if (plan->not_after > ca_not_after)
		plan->not_after = ca_not_after;
	plan->key_usage = pr->key_usage;
	/* Key encipherment is an RSA operation; keyAgreement needs an EC key. */
	if (csr->key_type != EVP_PKEY_RSA)
		plan->key_usage &= ~(unsigned)(KU_KEY_ENCIPHERMENT | KU_DATA_ENCIPHERMENT);
	if (csr->key_type != EVP_PKEY_EC)
		plan->key_usage &= ~(unsigned)KU_KEY_AGREEMENT;
	plan->eku_nids = pr->eku_nids;
	plan->n_eku = pr->n_eku;
}

int
policy_decide(const struct est_profile *pr, enum est_op op,
    const struct csr_info *csr, const struct policy_client *client,
    time_t now, time_t ca_not_after, struct issue_plan *plan,
    char *reason, size_t reasonlen)
{
	if (op != EST_OP_SIMPLEENROLL && op != EST_OP_SIMPLEREENROLL) {
		snprintf(reason, reasonlen, "operation does not issue certificates");
		return -1;
	}
	if (client == NULL || client->cert == NULL) {
		snprintf(reason, reasonlen, "no authenticated client");
		return -1;
	}
	if (policy_check_key(pr, csr, reason, reasonlen) == -1 ||
	    policy_check_request(pr, csr, reason, reasonlen) == -1)
		return -1;
	if (op == EST_OP_SIMPLEREENROLL) {
		if (!client->issued_by_ca) {
			snprintf(reason, reasonlen,
			    "re-enrollment requires a certificate issued by this CA");
			return -1;
		}
		if (policy_check_reenroll(csr, client->cert, reason, reasonlen) == -1)
			return -1;
	}
	if (ca_not_after <= now) {
		snprintf(reason, reasonlen, "the CA certificate has expired");
		return -1;
	}
	policy_plan(pr, csr, now, ca_not_after, plan);
	return 0;
}
