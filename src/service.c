/* service: load, check and describe everything the requests share. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "est/b64.h"
#include "est/csrattrs.h"
#include "est/log.h"
#include "est/pkcs7.h"
#include "est/service.h"

#define SERVICE_CACERTS_MAX	64	/* certificates /cacerts serves */

/* Refuse a key file that anybody may read: the CA key is the CA. */
static void
service_check_key_mode(const char *key_uri, struct diag *d)
{
	struct stat st;

	/* A file: URI names a file too; other URIs (pkcs11:) do not. */
	if ((key_uri = signer_key_file(key_uri)) == NULL)
		return;
	/* signer_open() reports a missing, unreadable or directory key. */
	if (stat(key_uri, &st) == -1 || !S_ISREG(st.st_mode))
		return;
	if (st.st_mode & (S_IROTH | S_IWOTH))
		diag_add(d, "%s: CA key is accessible by other users (mode %03o); "
		    "chmod 600 it", key_uri, (unsigned)(st.st_mode & 0777));
}

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

/*
 * RFC 7030 4.1.3: /cacerts holds the CA certificate and MUST hold the
 * current root. Check that pool[0..n) leads from the CA to a self-signed
 * root; where names the file (or setting) to fix.
 */
static void
service_check_root_path(X509 *ca, X509 *const *pool, size_t n,
    const char *where, struct diag *d)
{
	size_t	 order[SERVICE_CACERTS_MAX];
	X509	*stuck;
	char	 name[512];

	issuer_path(ca, pool, n, order, &stuck);
	if (stuck != NULL)
		diag_add(d, "%s: /cacerts would not reach the root: nothing there "
		    "issued \"%s\"; add the certificates above it up to the "
		    "self-signed root (RFC 7030 4.1.3)", where,
		    service_bio_text(name, sizeof(name), service_print_name,
		    X509_get_subject_name(stuck)));
}

/*
 * The chain is for the certificates between the CA and its root: put them
 * in path order and refuse any other, so /cacerts serves what clients need.
 * A full-chain file may repeat the CA or a certificate: repeats are dropped.
 * 0: a chain fit to serve.
 */
static int
service_check_chain(struct issuer *is, const char *chain_path, struct diag *d)
{
	X509		*pool[SERVICE_CACERTS_MAX], *stuck, *c;
	STACK_OF(X509)	*ordered;
	size_t		 n = (size_t)sk_X509_num(is->chain), order[SERVICE_CACERTS_MAX];
	size_t		 m = 0, used, i, j, before = diag_count(d);
	char		 name[512], what[1024];

	if (n == 0)
		return 0;
	if (n >= SERVICE_CACERTS_MAX) {
		diag_add(d, "%s: more than %d certificates", chain_path,
		    SERVICE_CACERTS_MAX - 1);
		return -1;
	}
	for (i = 0; i < n; i++) {
		c = sk_X509_value(is->chain, (int)i);
		for (j = 0; j < m && X509_cmp(pool[j], c) != 0; j++)
			;
		if (j == m && X509_cmp(c, is->cert) != 0)
			pool[m++] = c;
	}
	used = issuer_path(is->cert, pool, m, order, &stuck);
	for (i = 0; i < m; i++) {
		for (j = 0; j < used && order[j] != i; j++)
			;
		if (j == used)
			diag_add(d, "%s: \"%s\" is not on the path from the CA "
			    "certificate to its root", chain_path,
			    service_bio_text(name, sizeof(name), service_print_name,
			    X509_get_subject_name(pool[i])));
	}
	if ((ordered = sk_X509_new_reserve(NULL, (int)used)) == NULL) {
		diag_add(d, "out of memory");
		return -1;
	}
	for (j = 0; j < used; j++) {
		snprintf(what, sizeof(what), "%s: \"%s\"", chain_path,
		    service_bio_text(name, sizeof(name), service_print_name,
		    X509_get_subject_name(pool[order[j]])));
		issuer_check_ca(pool[order[j]], what, 1, d);
		X509_up_ref(pool[order[j]]);
		sk_X509_push(ordered, pool[order[j]]);
	}
	sk_X509_pop_free(is->chain, X509_free);
	is->chain = ordered;
	return diag_count(d) == before ? 0 : -1;
}

static int
service_build_cacerts(struct est_label *svc, struct diag *d)
{
	const struct est_label_config *cfg = svc->cfg;
	struct trust_store	*bundle = NULL;
	X509			*certs[SERVICE_CACERTS_MAX];
	size_t			 n = 0, i, before = diag_count(d);
	int			 rc = -1, has_ca = 0;

	if (cfg->cacerts_bundle != NULL) {
		/* A trust_store keeps file order and drops duplicates. */
		if ((bundle = trust_store_new()) == NULL ||
		    trust_store_add_file(bundle, cfg->cacerts_bundle, d) == -1)
			goto out;
		if ((n = trust_store_count(bundle)) > SERVICE_CACERTS_MAX) {
			diag_add(d, "%s: more than %d certificates",
			    cfg->cacerts_bundle, SERVICE_CACERTS_MAX);
			goto out;
		}
		for (i = 0; i < n; i++) {
			certs[i] = trust_store_cert(bundle, i);
			has_ca |= X509_cmp(certs[i], svc->issuer.cert) == 0;
		}
		/* Rollover certificates may join; the CA and its path must be there. */
		if (!has_ca)
			diag_add(d, "%s: does not hold the CA certificate %s",
			    cfg->cacerts_bundle, cfg->ca_cert);
		service_check_root_path(svc->issuer.cert, certs, n,
		    cfg->cacerts_bundle, d);
	} else {
		certs[n++] = svc->issuer.cert;
		/* service_check_chain() kept the chain under the bound. */
		for (i = 0; i < (size_t)sk_X509_num(svc->issuer.chain) &&
		    n < SERVICE_CACERTS_MAX; i++)
			certs[n++] = sk_X509_value(svc->issuer.chain, (int)i);
		service_check_root_path(svc->issuer.cert, certs + 1, n - 1,
		    cfg->ca_chain ? cfg->ca_chain : "[ca] chain (not set)", d);
	}
	if (diag_count(d) != before)
		goto out;
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

static void
service_build_csrattrs(struct est_label *lb, struct diag *d)
{
	const struct est_profile	*pr = &lb->cfg->profile;
	struct buf			 der;

	buf_init(&der);
	if (pr->csrattrs == CSRATTRS_VERBATIM)
		csrattrs_parse_verbatim(pr->csrattrs_base64, &der, d);
	else if (pr->csrattrs == CSRATTRS_AUTO && csrattrs_build(pr, &der) == -1)
		diag_add(d, "cannot build the /csrattrs response");
	if (der.len > 0 &&
	    b64_encode_wrapped(der.data, der.len, &lb->csrattrs_body) == -1)
		diag_add(d, "out of memory");
	buf_free(&der);
}

static void
service_check_hook(const struct est_profile *pr, struct diag *d)
{
	if (pr->hook != NULL && access(pr->hook, X_OK) == -1)
		diag_add(d, "%s: authorization hook is not executable: %s",
		    pr->hook, strerror(errno));
}

void
service_check_access(const struct est_service *svc, struct diag *d)
{
	const struct est_label	*lb;
	size_t			 i;

	for (i = 0; i < svc->n_labels; i++) {
		lb = &svc->labels[i];
		if (lb->codes != NULL)
			codes_check_state_dir(lb->cfg->profile.enrollment_code_state, d);
		service_check_hook(&lb->cfg->profile, d);
	}
}

static void
service_load_label(struct est_label *lb, const struct est_label_config *lc,
    struct diag *d)
{
	const struct est_profile	*pr = &lc->profile;
	int				 n, issuer_ok;

	lb->cfg = lc;
	buf_init(&lb->cacerts_body);
	buf_init(&lb->csrattrs_body);
	service_check_key_mode(lc->ca_key, d);
	/* Load the trust store even when the CA fails, to report both. */
	issuer_ok = issuer_load(&lb->issuer, lc->ca_cert, lc->ca_key,
	    lc->ca_chain, d) == 0;
	/* Without a chain fit to serve there is no /cacerts to build. */
	if (issuer_ok && service_check_chain(&lb->issuer, lc->ca_chain, d) == -1)
		issuer_ok = 0;
	if ((lb->enroll_trust = trust_store_new()) == NULL ||
	    (lb->reenroll_trust = trust_store_new()) == NULL) {
		diag_add(d, "out of memory");
		return;
	}
	if (lc->trust_store != NULL) {
		n = trust_store_add_dir(lb->enroll_trust, lc->trust_store, d);
		if (n == 0 && lc->auth.mode != AUTH_PASSWORD)
			diag_add(d, "%s: trust store is empty: put the PEM "
			    "certificates of the CAs whose clients may enroll "
			    "there", lc->trust_store);
	}
	if (lc->auth.htpasswd != NULL &&
	    (lb->users = htpasswd_load(lc->auth.htpasswd, d)) != NULL &&
	    htpasswd_count(lb->users) == 0)
		diag_add(d, "%s: no users", lc->auth.htpasswd);
	if (pr->challenge == CHALLENGE_CODE)
		lb->codes = codes_load(pr->enrollment_codes,
		    pr->enrollment_code_state, d);
	service_check_hook(pr, d);
	service_build_csrattrs(lb, d);
	if (!issuer_ok)
		return;
	for (n = 0; n < (int)trust_store_count(lb->enroll_trust); n++)
		if (X509_cmp(trust_store_cert(lb->enroll_trust, (size_t)n),
		    lb->issuer.cert) == 0)
			lb->ca_in_trust_dir = 1;
	/* Re-enrollment is for this CA's own certificates, and only those. */
	if (trust_store_add_cert(lb->reenroll_trust, lb->issuer.cert) == -1 ||
	    (lc->accept_issued &&
	    trust_store_add_cert(lb->enroll_trust, lb->issuer.cert) == -1))
		diag_add(d, "out of memory");
	service_build_cacerts(lb, d);
}

int
service_load(struct est_service *svc, const struct est_config *cfg,
    struct diag *d)
{
	size_t i;

	memset(svc, 0, sizeof(*svc));
	svc->cfg = cfg;
	for (i = 0; i < cfg->n_labels; i++) {
		service_load_label(&svc->labels[i], &cfg->labels[i], d);
		svc->n_labels++;
	}
	ERR_clear_error();
	return diag_count(d) == 0 ? 0 : -1;
}

const struct est_label *
service_label(const struct est_service *svc, const char *name)
{
	size_t i;

	if (name == NULL)
		return svc->n_labels > 0 ? &svc->labels[0] : NULL;
	for (i = 1; i < svc->n_labels; i++)
		if (strcmp(svc->labels[i].cfg->name, name) == 0)
			return &svc->labels[i];
	return NULL;
}

void
service_free(struct est_service *svc)
{
	struct est_label	*lb;
	size_t			 i;

	for (i = 0; i < svc->n_labels; i++) {
		lb = &svc->labels[i];
		issuer_free(&lb->issuer);
		trust_store_free(lb->enroll_trust);
		trust_store_free(lb->reenroll_trust);
		htpasswd_free(lb->users);
		codes_free(lb->codes);
		buf_free(&lb->cacerts_body);
		buf_free(&lb->csrattrs_body);
	}
	memset(svc, 0, sizeof(*svc));
}

/* Prints with print(bio, arg) into buf; returns buf. */
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
		log_msg(LOG_LEVEL_INFO, "    %s: (none)", label);
		return;
	}
	service_bio_text(text, sizeof(text), service_print_ext,
	    X509_get_ext(cert, i));
	log_msg(LOG_LEVEL_INFO, "    %s: %s", label, text);
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

/* A trust anchor, and what would make it useless or too wide. */
static void
service_log_trusted(X509 *cert)
{
	int ca;

	service_log_cert("    trusted", cert);
	if (X509_cmp_time(X509_get0_notAfter(cert), NULL) <= 0)
		log_msg(LOG_LEVEL_WARNING, "    it has expired: every client "
		    "certificate under it is refused");
	else if (X509_cmp_time(X509_get0_notBefore(cert), NULL) >= 0)
		log_msg(LOG_LEVEL_WARNING, "    it is not valid yet: every client "
		    "certificate under it is refused until then");
	/* Verification applies an anchor's extendedKeyUsage to its clients. */
	if ((X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) &&
	    !(X509_get_extended_key_usage(cert) & XKU_SSL_CLIENT))
		log_msg(LOG_LEVEL_WARNING, "    its extendedKeyUsage lacks "
		    "clientAuth: every client certificate under it is refused");
	ca = X509_check_ca(cert);
	if (ca != 1 && ca != 3)
		log_msg(LOG_LEVEL_WARNING, "    it is not a CA (no basicConstraints "
		    "CA:TRUE): it authenticates only its own holder");
}

/* Appends name to a comma-separated list in out. */
static void
service_list_add(char *out, size_t outlen, const char *name)
{
	size_t len = strlen(out);

	snprintf(out + len, outlen - len, "%s%s", len ? "," : "", name);
}

static void
service_log_profile(const struct est_label *lb)
{
	static const struct { unsigned bit; const char *name; } kus[] = {
		{ KU_DIGITAL_SIGNATURE, "digitalSignature" },
		{ KU_NON_REPUDIATION, "nonRepudiation" },
		{ KU_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ KU_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ KU_KEY_AGREEMENT, "keyAgreement" },
	}, sans[] = {
		{ PROFILE_SAN_DNS, "dns" },
		{ PROFILE_SAN_IP, "ip" },
		{ PROFILE_SAN_EMAIL, "email" },
		{ PROFILE_SAN_URI, "uri" },
	};
	const struct est_profile *pr = &lb->cfg->profile;
	char	 ku[128] = "", eku[128] = "", curves[128] = "", digests[128] = "";
	char	 san_types[32] = "", suffixes[1024] = "", ranges[1024] = "";
	char	 addr[INET6_ADDRSTRLEN], range[INET6_ADDRSTRLEN + 8], codes[1024];
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
	for (i = 0; i < pr->n_digests; i++)
		service_list_add(digests, sizeof(digests),
		    OBJ_nid2sn(pr->digest_nids[i]));
	for (i = 0; i < sizeof(sans) / sizeof(sans[0]); i++)
		if (pr->san_types & sans[i].bit)
			service_list_add(san_types, sizeof(san_types), sans[i].name);
	for (i = 0; i < pr->n_dns_suffixes; i++)
		service_list_add(suffixes, sizeof(suffixes), pr->dns_suffixes[i]);
	for (i = 0; i < pr->n_ip_ranges; i++) {
		if (inet_ntop(pr->ip_ranges[i].family, pr->ip_ranges[i].addr, addr,
		    sizeof(addr)) == NULL)
			snprintf(addr, sizeof(addr), "?");
		snprintf(range, sizeof(range), "%s/%u", addr,
		    pr->ip_ranges[i].prefix);
		service_list_add(ranges, sizeof(ranges), range);
	}
	if (pr->challenge == CHALLENGE_CODE)
		snprintf(codes, sizeof(codes), "code (%zu codes from %s, spent "
		    "ones in %s)", lb->codes ? codes_count(lb->codes) : 0,
		    pr->enrollment_codes, pr->enrollment_code_state);
	else
		snprintf(codes, sizeof(codes), "%s",
		    pr->challenge == CHALLENGE_REFUSE ? "refuse" : "ignore");
	log_msg(LOG_LEVEL_INFO, "  profile: validity_days=%u backdate_seconds=%u key_usage=%s "
	    "extended_key_usage=%s key_types=%s%s%s rsa_bits=%u..%u ec_curves=%s "
	    "signature_digests=%s max_san_entries=%u", pr->validity_days,
	    pr->backdate_seconds, ku[0] ? ku : "(none)", eku,
	    pr->key_types & PROFILE_KEY_RSA ? "rsa" : "",
	    pr->key_types == (PROFILE_KEY_RSA | PROFILE_KEY_EC) ? "," : "",
	    pr->key_types & PROFILE_KEY_EC ? "ec" : "",
	    pr->rsa_min_bits, pr->rsa_max_bits, curves, digests,
	    pr->max_san_entries);
	log_msg(LOG_LEVEL_INFO, "  names: subject_must_match=%s cn_pattern=%s "
	    "san_types=%s dns_suffixes=%s ip_ranges=%s allow_wildcard=%s",
	    pr->subject_rule == NAME_RULE_IDENTITY ? "identity" : "any",
	    pr->cn_pattern ? pr->cn_pattern : "-", san_types[0] ? san_types :
	    "(none)", suffixes[0] ? suffixes : "(any)",
	    ranges[0] ? ranges : "(any)", pr->allow_wildcard ? "yes" : "no");
	log_msg(LOG_LEVEL_INFO, "  policy: allow_ra=%s ra_certificates=%zu "
	    "renewal_window_days=%u allow_change_subject_name=%s "
	    "challenge_password=%s hook=%s hook_timeout_ms=%u",
	    pr->allow_ra ? "yes" : "no", pr->n_ra, pr->renewal_window_days,
	    pr->allow_change_subject_name ? "yes" : "no", codes,
	    pr->hook ? pr->hook : "-", pr->hook_timeout_ms);
}

static const char *const service_auth_names[AUTH_MODE_MAX] = {
	[AUTH_CERTIFICATE] = "certificate",
	[AUTH_PASSWORD] = "password",
	[AUTH_EITHER] = "certificate-or-password",
	[AUTH_BOTH] = "certificate-and-password",
};

static void
service_log_label(const struct est_label *lb)
{
	const struct est_label_config	*cfg = lb->cfg;
	const struct est_profile	*pr = &cfg->profile;
	char				 text[256], issuer_name[512];
	char				 users[1024] = "", key_name[1024];
	char				 warning[1536];
	const char			*name = cfg->name ? cfg->name : "(default)";
	const char			*mixed;
	size_t				 i, n_trusted;

	log_msg(LOG_LEVEL_INFO, "label %s: /.well-known/est/%s%s", name,
	    cfg->name ? cfg->name : "", cfg->name ? "/" : "");
	service_log_cert("  CA certificate", lb->issuer.cert);
	log_msg(LOG_LEVEL_INFO, "    file: %s", cfg->ca_cert);
	log_msg(LOG_LEVEL_INFO, "    issuer: %s", service_bio_text(issuer_name,
	    sizeof(issuer_name), service_print_name,
	    X509_get_issuer_name(lb->issuer.cert)));
	signer_describe(lb->issuer.signer, text, sizeof(text));
	/* The key's file or URI, a PKCS#11 PIN masked (signer_key_name). */
	log_msg(LOG_LEVEL_INFO, "    key: %s, from %s", text,
	    signer_key_name(cfg->ca_key, key_name, sizeof(key_name)));
	service_log_ext(lb->issuer.cert, NID_basic_constraints, "basicConstraints");
	service_log_ext(lb->issuer.cert, NID_key_usage, "keyUsage");
	service_log_ext(lb->issuer.cert, NID_ext_key_usage, "extendedKeyUsage");
	service_log_ext(lb->issuer.cert, NID_subject_alt_name, "subjectAltName");
	for (i = 0; i < (size_t)sk_X509_num(lb->issuer.chain); i++)
		service_log_cert("  CA chain certificate",
		    sk_X509_value(lb->issuer.chain, (int)i));
	if (cfg->ca_chain != NULL)
		log_msg(LOG_LEVEL_INFO, "    (chain from %s)", cfg->ca_chain);
	log_msg(LOG_LEVEL_INFO, "  /cacerts serves %zu certificate(s)%s%s",
	    lb->n_cacerts, cfg->cacerts_bundle ? " from " : "",
	    cfg->cacerts_bundle ? cfg->cacerts_bundle : "");
	/* accept_issued adds this CA unless the directory holds it already. */
	n_trusted = trust_store_count(lb->enroll_trust) -
	    (cfg->accept_issued && !lb->ca_in_trust_dir ? 1 : 0);
	log_msg(LOG_LEVEL_INFO, "  trust store %s: %zu certificate(s)%s",
	    cfg->trust_store ? cfg->trust_store : "(none)", n_trusted,
	    cfg->accept_issued == ACCEPT_ISSUED_ANY ? ", and this CA's own clients "
	    "(accept_issued = any: for any names)" :
	    cfg->accept_issued ? ", and this CA's own clients (accept_issued = yes: "
	    "to renew themselves)" : "");
	for (i = 0; i < trust_store_count(lb->enroll_trust); i++)
		if (lb->ca_in_trust_dir || X509_cmp(trust_store_cert(
		    lb->enroll_trust, i), lb->issuer.cert) != 0)
			service_log_trusted(trust_store_cert(lb->enroll_trust, i));
	/* OpenSSL applies a CA's extendedKeyUsage to the certificates below it. */
	if ((X509_get_extension_flags(lb->issuer.cert) & EXFLAG_XKUSAGE) &&
	    !(X509_get_extended_key_usage(lb->issuer.cert) & XKU_SSL_CLIENT))
		log_msg(LOG_LEVEL_WARNING, "  the CA certificate's "
		    "extendedKeyUsage lacks clientAuth: certificates it issues "
		    "cannot authenticate simplereenroll");
	if (service_ca_expiry_warning(lb, time(NULL), warning, sizeof(warning)))
		log_msg(LOG_LEVEL_WARNING, "  %s", warning);
	/* Renewal presents the issued certificate: TLS wants it for clientAuth. */
	for (i = 0; i < pr->n_eku && pr->eku_nids[i] != NID_client_auth; i++)
		continue;
	if (i == pr->n_eku)
		log_msg(LOG_LEVEL_WARNING, "  the profile's extended_key_usage "
		    "lacks clientAuth: the certificates it issues cannot "
		    "authenticate simplereenroll");
	if (lb->ca_in_trust_dir && !cfg->accept_issued)
		log_msg(LOG_LEVEL_WARNING, "  the trust store holds this CA's own "
		    "certificate: its clients may use simpleenroll (to renew "
		    "themselves) although accept_issued = no");
	if (lb->users != NULL && (mixed = htpasswd_mixed_costs(lb->users)) != NULL)
		log_msg(LOG_LEVEL_WARNING, "  the password file %s mixes hash "
		    "methods or costs (user %s differs from the first entry): a "
		    "401 takes as long for an unknown user as for the first one, "
		    "so such users can be told to exist by timing; rehash them "
		    "alike", cfg->auth.htpasswd, mixed);
	if (lb->users != NULL)
		snprintf(users, sizeof(users), ", password file %s (%zu user(s), "
		    "realm \"%s\")", cfg->auth.htpasswd, htpasswd_count(lb->users),
		    cfg->auth.realm ? cfg->auth.realm : CONFIG_DEFAULT_REALM);
	log_msg(LOG_LEVEL_INFO, "  auth: %s%s%s", service_auth_names[cfg->auth.mode],
	    users, cfg->auth.trust_remote_user ?
	    ", trusts the front server's REMOTE_USER" : "");
	service_log_profile(lb);
	log_msg(LOG_LEVEL_INFO, "  /csrattrs: %s", lb->csrattrs_body.len ?
	    (pr->csrattrs == CSRATTRS_VERBATIM ? "verbatim from the configuration" :
	    "derived from the profile") : "none (204)");
}

int
service_ca_expiry_warning(const struct est_label *lb, time_t now, char *out,
    size_t outlen)
{
	time_t	left = lb->issuer.not_after - now;
	char	na[64];

	if (left >= (time_t)lb->cfg->profile.validity_days * 86400)
		return 0;
	snprintf(out, outlen, "the CA certificate %s expires on %s, in %lld "
	    "day(s): certificates issued now end then, before validity_days "
	    "(%u); renew the CA certificate", lb->cfg->ca_cert,
	    service_bio_text(na, sizeof(na), service_print_time,
	    X509_get0_notAfter(lb->issuer.cert)), (long long)(left / 86400),
	    lb->cfg->profile.validity_days);
	return 1;
}

void
service_log_summary(const struct est_service *svc)
{
	size_t i;

	for (i = 0; i < svc->n_labels; i++)
		service_log_label(&svc->labels[i]);
	log_msg(LOG_LEVEL_INFO, "settings: max_body_bytes=%zu log_level=%s",
	    svc->cfg->max_body, log_level_name(svc->cfg->log_level));
}
