/* service: load, check and describe everything the requests share. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "est/log.h"
#include "est/pkcs7.h"
#include "est/service.h"

/* Refuse a key file that anybody may read: the CA key is the CA. */
static void
service_check_key_mode(const char *key_uri, struct diag *d)
{
	struct stat st;

	if (strchr(key_uri, ':') != NULL && key_uri[0] != '/')
		return;		/* a URI, not a file */
	if (stat(key_uri, &st) == -1) {
		diag_add(d, "%s: cannot stat CA key: %s", key_uri, strerror(errno));
		return;
	}
	if (st.st_mode & (S_IROTH | S_IWOTH))
		diag_add(d, "%s: CA key is accessible by other users (mode %03o); "
		    "chmod 600 it", key_uri, (unsigned)(st.st_mode & 0777));
}

static int
service_build_cacerts(struct est_service *svc, struct diag *d)
{
	const struct est_config	*cfg = svc->cfg;
	struct trust_store	*bundle = NULL;
	X509			*certs[64];
	size_t			 n = 0, i;
	int			 rc = -1;

	if (cfg->cacerts_bundle != NULL) {
		/* A trust_store keeps file order and drops duplicates. */
		if ((bundle = trust_store_new()) == NULL ||
		    trust_store_add_file(bundle, cfg->cacerts_bundle, d) == -1)
			goto out;
		for (i = 0; i < trust_store_count(bundle) && n < 64; i++)
			certs[n++] = trust_store_cert(bundle, i);
	} else {
		certs[n++] = svc->issuer.cert;
		for (i = 0; i < (size_t)sk_X509_num(svc->issuer.chain) && n < 64; i++)
			certs[n++] = sk_X509_value(svc->issuer.chain, (int)i);
	}
	svc->n_cacerts = n;
	if (pkcs7_certs_only_base64(certs, n, &svc->cacerts_body) == -1) {
		diag_add(d, "cannot build the /cacerts response");
		goto out;
	}
	rc = 0;
out:
	trust_store_free(bundle);
	return rc;
}

int
service_load(struct est_service *svc, const struct est_config *cfg,
    struct diag *d)
{
	int n, issuer_ok;

	memset(svc, 0, sizeof(*svc));
	svc->cfg = cfg;
	buf_init(&svc->cacerts_body);
	service_check_key_mode(cfg->ca_key, d);
	/* Load the trust store even when the CA fails, to report both. */
	issuer_ok = issuer_load(&svc->issuer, cfg->ca_cert, cfg->ca_key,
	    cfg->ca_chain, d) == 0;
	if ((svc->enroll_trust = trust_store_new()) == NULL ||
	    (svc->reenroll_trust = trust_store_new()) == NULL) {
		diag_add(d, "out of memory");
		goto out;
	}
	n = trust_store_add_dir(svc->enroll_trust, cfg->trust_store, d);
	if (n == 0)
		diag_add(d, "%s: trust store is empty: put the PEM certificates "
		    "of the CAs whose clients may enroll there", cfg->trust_store);
	if (!issuer_ok)
		goto out;
	/* Re-enrollment is for this CA's own certificates, and only those. */
	if (trust_store_add_cert(svc->reenroll_trust, svc->issuer.cert) == -1 ||
	    (cfg->accept_issued &&
	    trust_store_add_cert(svc->enroll_trust, svc->issuer.cert) == -1))
		diag_add(d, "out of memory");
	service_build_cacerts(svc, d);
out:
	ERR_clear_error();
	return diag_count(d) == 0 ? 0 : -1;
}

void
service_free(struct est_service *svc)
{
	issuer_free(&svc->issuer);
	trust_store_free(svc->enroll_trust);
	trust_store_free(svc->reenroll_trust);
	buf_free(&svc->cacerts_body);
	memset(svc, 0, sizeof(*svc));
}

/* Prints with print(bio, arg) into buf; returns buf. */
static char *
service_bio_text(char *out, size_t outlen, int (*print)(BIO *, const void *),
    const void *arg)
{
	BIO	*bio;
	int	 n;

	out[0] = '\0';
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return out;
	if (print(bio, arg) > 0 && (n = BIO_read(bio, out, (int)outlen - 1)) > 0)
		out[n] = '\0';
	BIO_free(bio);
	return out;
}

static int
service_print_name(BIO *bio, const void *name)
{
	return X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0 ? 1 : 0;
}

static int
service_print_time(BIO *bio, const void *t)
{
	return ASN1_TIME_print(bio, t);
}

static int
service_print_ext(BIO *bio, const void *ext)
{
	return X509V3_EXT_print(bio, (X509_EXTENSION *)ext, 0, 0);
}

static void
service_log_ext(X509 *cert, int nid, const char *label)
{
	char	 text[1024];
	int	 i;

	if ((i = X509_get_ext_by_NID(cert, nid, -1)) < 0) {
		log_msg(LOG_LEVEL_INFO, "  %s: (none)", label);
		return;
	}
	service_bio_text(text, sizeof(text), service_print_ext,
	    X509_get_ext(cert, i));
	log_msg(LOG_LEVEL_INFO, "  %s: %s", label, text);
}

static void
service_log_cert(const char *what, X509 *cert)
{
	char subject[512], nb[64], na[64];

	log_msg(LOG_LEVEL_INFO, "%s: %s (valid %s until %s)", what,
	    service_bio_text(subject, sizeof(subject), service_print_name,
	    X509_get_subject_name(cert)),
	    service_bio_text(nb, sizeof(nb), service_print_time,
	    X509_get0_notBefore(cert)),
	    service_bio_text(na, sizeof(na), service_print_time,
	    X509_get0_notAfter(cert)));
}

/* Appends name to a comma-separated list in out. */
static void
service_list_add(char *out, size_t outlen, const char *name)
{
	size_t len = strlen(out);

	snprintf(out + len, outlen - len, "%s%s", len ? "," : "", name);
}

static void
service_log_profile(const struct est_profile *pr)
{
	static const struct { unsigned bit; const char *name; } kus[] = {
		{ KU_DIGITAL_SIGNATURE, "digitalSignature" },
		{ KU_NON_REPUDIATION, "nonRepudiation" },
		{ KU_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ KU_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ KU_KEY_AGREEMENT, "keyAgreement" },
	};
	char	 ku[128] = "", eku[128] = "", curves[128] = "";
	const char *nist;
	size_t	 i;

	for (i = 0; i < sizeof(kus) / sizeof(kus[0]); i++)
		if (pr->key_usage & kus[i].bit)
			service_list_add(ku, sizeof(ku), kus[i].name);
	for (i = 0; i < pr->n_eku; i++)
		service_list_add(eku, sizeof(eku), OBJ_nid2sn(pr->eku_nids[i]));
	for (i = 0; i < pr->n_ec_curves; i++) {
		nist = EC_curve_nid2nist(pr->ec_curve_nids[i]);
		service_list_add(curves, sizeof(curves), nist != NULL ? nist :
		    OBJ_nid2sn(pr->ec_curve_nids[i]));
	}
	log_msg(LOG_LEVEL_INFO, "profile: validity_days=%u key_usage=%s "
	    "extended_key_usage=%s rsa_bits=%u..%u ec_curves=%s max_san_entries=%u",
	    pr->validity_days, ku, eku, pr->rsa_min_bits, pr->rsa_max_bits,
	    curves, pr->max_san_entries);
}

void
service_log_summary(const struct est_service *svc)
{
	const struct est_config	*cfg = svc->cfg;
	const struct est_profile *pr = &cfg->profile;
	char			 text[256], issuer_name[512];
	size_t			 i;

	service_log_cert("CA certificate", svc->issuer.cert);
	log_msg(LOG_LEVEL_INFO, "  issuer: %s", service_bio_text(issuer_name,
	    sizeof(issuer_name), service_print_name,
	    X509_get_issuer_name(svc->issuer.cert)));
	signer_describe(svc->issuer.signer, text, sizeof(text));
	log_msg(LOG_LEVEL_INFO, "  key: %s", text);
	service_log_ext(svc->issuer.cert, NID_basic_constraints, "basicConstraints");
	service_log_ext(svc->issuer.cert, NID_key_usage, "keyUsage");
	service_log_ext(svc->issuer.cert, NID_ext_key_usage, "extendedKeyUsage");
	service_log_ext(svc->issuer.cert, NID_subject_alt_name, "subjectAltName");
	for (i = 0; i < (size_t)sk_X509_num(svc->issuer.chain); i++)
		service_log_cert("CA chain certificate",
		    sk_X509_value(svc->issuer.chain, (int)i));
	log_msg(LOG_LEVEL_INFO, "/cacerts serves %zu certificate(s)%s%s",
	    svc->n_cacerts, cfg->cacerts_bundle ? " from " : "",
	    cfg->cacerts_bundle ? cfg->cacerts_bundle : "");
	log_msg(LOG_LEVEL_INFO, "trust store %s: %zu certificate(s)%s",
	    cfg->trust_store, trust_store_count(svc->enroll_trust) -
	    (cfg->accept_issued ? 1 : 0),
	    cfg->accept_issued ? ", and this CA's own clients (accept_issued = yes)" : "");
	for (i = 0; i < trust_store_count(svc->enroll_trust); i++)
		if (X509_cmp(trust_store_cert(svc->enroll_trust, i),
		    svc->issuer.cert) != 0)
			service_log_cert("  trusted",
			    trust_store_cert(svc->enroll_trust, i));
	service_log_profile(pr);
	log_msg(LOG_LEVEL_INFO, "settings: max_body_bytes=%zu log_level=%s",
	    cfg->max_body, log_level_name(cfg->log_level));
}
