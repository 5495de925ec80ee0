/*
 * fuzz_csr: the CSR checks. The input is a DER PKCS#10 request (what a
 * base64 body decodes to). csr_parse reads and verifies it; when it is
 * accepted, policy_decide judges it for simpleenroll and simplereenroll
 * with the default label's profile, and certgen_issue signs what policy accepted,
 * with a CA generated at start-up. A request csr_parse accepts through its
 * fast path (key imported, not decoded) must be one OpenSSL's own parse
 * accepts too, with the same key and signature verdict (a differential check).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "est/certgen.h"
#include "est/config.h"
#include "est/csr.h"
#include "est/diag.h"
#include "est/issuer.h"
#include "est/policy.h"

#include "fuzz_pki.h"

static struct est_config	 fz_cfg;
static struct issuer		 fz_issuer;
static X509			*fz_client;	/* the certificate a renewal renews */

static void
fz_csr_cleanup(void)
{
	issuer_free(&fz_issuer);
	X509_free(fz_client);
	config_free(&fz_cfg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct fz_cert_spec ca = { "estd fuzz CA", FZ_CLIENT_O, NULL, 1, -3600,
	    10L * 365 * 86400 };
	struct fz_cert_spec client = { FZ_CLIENT_CN, FZ_CLIENT_O, FZ_CLIENT_SAN,
	    0, -3600, 365L * 86400 };
	EVP_PKEY	*ca_key, *client_key;
	X509		*ca_cert;
	struct diag	 d;
	char		*dir, cert_path[1024], key_path[1024];
	size_t		 i;

	(void)argc;
	(void)argv;
	fz_quiet();
	config_defaults(&fz_cfg);
	ca_key = fz_key_p256();
	client_key = fz_key_p256();
	ca_cert = fz_cert(&ca, ca_key, NULL, NULL);
	fz_client = fz_cert(&client, client_key, ca_cert, ca_key);

	dir = fz_mkdtemp("fuzz-csr");
	snprintf(cert_path, sizeof(cert_path), "%s/ca_cert.pem", dir);
	snprintf(key_path, sizeof(key_path), "%s/ca_key.pem", dir);
	fz_write_cert(cert_path, ca_cert);
	fz_write_key(key_path, ca_key);
	diag_init(&d);
	if (issuer_load(&fz_issuer, cert_path, key_path, NULL, &d) == -1) {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.msgs[i]);
		fz_die("loading the CA");
	}
	diag_free(&d);
	fz_rmtree(dir);
	free(dir);
	X509_free(ca_cert);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(client_key);
	atexit(fz_csr_cleanup);
	return 0;
}

static void
fz_decide(const struct csr_info *csr, enum est_op op, int issued_by_ca)
{
	struct policy_client	 client = { .cert = fz_client,
	    .issued_by_ca = issued_by_ca,
	    .enroll_renews = op == EST_OP_SIMPLEENROLL && issued_by_ca };
	struct issue_plan	 plan;
	time_t			 now = time(NULL);
	X509			*cert;
	char			 reason[200];

	if (policy_decide(&fz_cfg.labels[0].profile, op, csr, &client, now,
	    fz_issuer.not_after, &plan, reason, sizeof(reason)) == -1)
		return;
	if (plan.not_after > fz_issuer.not_after || plan.not_before > plan.not_after)
		abort();
	if ((cert = certgen_issue(&fz_issuer, csr, &plan, reason,
	    sizeof(reason))) == NULL)
		return;
	/* Whatever the CSR asked for, never a CA. */
	if (X509_check_ca(cert) != 0)
		abort();
	X509_free(cert);
}

/* The fast path may only accept what d2i_X509_REQ + X509_REQ_verify accept. */
static void
fz_same_as_openssl(const uint8_t *data, size_t size, const struct csr_info *csr)
{
	const unsigned char	*p = data;
	X509_REQ		*ref;
	EVP_PKEY		*key;

	if (csr->own_pkey == NULL)
		return;		/* the complete path parsed it: nothing to compare */
	ref = d2i_X509_REQ(NULL, &p, (long)size);
	if (ref == NULL || p != data + size ||
	    (key = X509_REQ_get0_pubkey(ref)) == NULL ||
	    X509_REQ_verify(ref, key) != 1 || EVP_PKEY_eq(key, csr->pkey) != 1 ||
	    X509_NAME_cmp(X509_REQ_get_subject_name(ref), csr->subject) != 0 ||
	    X509_REQ_get_attr_count(ref) != X509_REQ_get_attr_count(csr->req))
		abort();
	X509_REQ_free(ref);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csr_info	 csr;
	char		 reason[200], desc[64];

	reason[0] = '\0';
	if (csr_parse(data, size, &csr, reason, sizeof(reason)) != CSR_OK) {
		/* On failure nothing is kept, and the reason is set. */
		if (csr.req != NULL || csr.san != NULL || reason[0] == '\0')
			abort();
		ERR_clear_error();
		return 0;
	}
	csr_key_describe(&csr, desc, sizeof(desc));
	fz_same_as_openssl(data, size, &csr);
	fz_decide(&csr, EST_OP_SIMPLEENROLL, 0);
	fz_decide(&csr, EST_OP_SIMPLEENROLL, 1);	/* this CA's client renewing */
	fz_decide(&csr, EST_OP_SIMPLEREENROLL, 1);
	fz_decide(&csr, EST_OP_CACERTS, 0);
	csr_info_free(&csr);
	ERR_clear_error();
	return 0;
}
