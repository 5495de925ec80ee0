/* core: route one EST request, authenticate, decide, issue, respond. */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>

#include "est/b64.h"
#include "est/codes.h"
#include "est/hook.h"
#include "est/htpasswd.h"
#include "est/certgen.h"
#include "est/core.h"
#include "est/csr.h"
#include "est/log.h"
#include "est/peercert.h"
#include "est/pkcs7.h"

#define CT_PKCS7		"application/pkcs7-mime"
#define CT_PKCS7_CERTS_ONLY	"application/pkcs7-mime; smime-type=certs-only"
#define CT_TEXT			"text/plain"
#define CT_CSRATTRS		"application/csrattrs"
#define CORE_DEFAULT_REALM	CONFIG_DEFAULT_REALM

static const char *const core_csr_labels[] = {
	"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", NULL
};

struct core_op_route {
	const char	*name;
	enum est_op	 op;
	const char	*method;
};

static const struct core_op_route core_routes[] = {
	{ "cacerts", EST_OP_CACERTS, "GET" },
	{ "simpleenroll", EST_OP_SIMPLEENROLL, "POST" },
	{ "simplereenroll", EST_OP_SIMPLEREENROLL, "POST" },
	{ "csrattrs", EST_OP_CSRATTRS, "GET" },
	{ NULL, EST_OP_NONE, NULL }
};

void
est_response_init(struct est_response *res)
{
	memset(res, 0, sizeof(*res));
	buf_init(&res->body);
	res->identity[0] = '-';
}

void
est_response_free(struct est_response *res)
{
	buf_free(&res->body);
}

const char *
est_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

/* An error: status, one line of text/plain, the same line in the log. */
static void
core_fail(struct est_response *res, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
core_fail(struct est_response *res, int status, const char *fmt, ...)
{
	char	 raw[sizeof(res->reason)];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	log_sanitize(raw, strlen(raw), res->reason, sizeof(res->reason));
	res->status = status;
	res->content_type = CT_TEXT;
	res->base64_encoded = 0;
	buf_reset(&res->body);
	if (buf_append_str(&res->body, res->reason) == -1 ||
	    buf_append(&res->body, "\n", 1) == -1)
		buf_reset(&res->body);
}

void
est_response_error(struct est_response *res, int status, const char *reason)
{
	core_fail(res, status, "%s", reason);
}

/* The body as the adapter read it: whole, or why not. */
static int
core_body_state(const struct est_service *svc, const struct est_request *req,
    struct est_response *res)
{
	switch (req->body_state) {
	case EST_BODY_COMPLETE:
		if (req->body_len <= svc->cfg->max_body)
			return 0;
		/* FALLTHROUGH */
	case EST_BODY_TOO_LARGE:
		core_fail(res, 413, "request body exceeds %zu bytes",
		    svc->cfg->max_body);
		break;
	case EST_BODY_BAD_LENGTH:
		core_fail(res, 400, "invalid Content-Length");
		break;
	case EST_BODY_TIMEOUT:
		core_fail(res, 408, "request body not received within %d s",
		    EST_BODY_SECONDS);
		break;
	case EST_BODY_BROKEN:
		core_fail(res, 400, "request body incomplete: the connection "
		    "failed");
		break;
	default:
		core_fail(res, 500, "out of memory reading the request body");
		break;
	}
	return -1;
}

int
est_is_pkcs10(const char *ct)
{
	static const char want[] = "application/pkcs10";
	size_t n = sizeof(want) - 1;

	if (ct == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, want, n) != 0)
		return 0;
	/* The whole token: end, or whitespace/parameters after it. */
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/*
 * "/.well-known/est/OP" or "/.well-known/est/LABEL/OP". Returns the route
 * and sets *label (NULL for the default), or NULL with *why set.
 */
static const struct core_op_route *
core_route(const struct est_service *svc, const char *path,
    const struct est_label **label, const char **why)
{
	char		 name[CONFIG_MAX_LABEL_NAME + 1];
	const char	*op, *slash;
	size_t		 i, plen = sizeof(EST_PATH_PREFIX) - 1;

	*label = NULL;
	*why = "unknown EST operation";
	if (path == NULL || strncmp(path, EST_PATH_PREFIX, plen) != 0)
		return NULL;
	op = path + plen;
	if ((slash = strchr(op, '/')) != NULL) {
		*why = "unknown CA label";
		if ((size_t)(slash - op) > CONFIG_MAX_LABEL_NAME)
			return NULL;
		memcpy(name, op, (size_t)(slash - op));
		name[slash - op] = '\0';
		/* "simpleenroll/" is a trailing slash, not a label (none may be named so). */
		for (i = 0; slash[1] == '\0' && core_routes[i].name != NULL; i++)
			if (strcmp(name, core_routes[i].name) == 0) {
				*why = "unknown EST operation: no '/' after the "
				    "operation's name";
				return NULL;
			}
		if (!config_label_name_ok(name) ||
		    (*label = service_label(svc, name)) == NULL)
			return NULL;
		op = slash + 1;
		*why = "unknown EST operation";
	} else
		*label = service_label(svc, NULL);
	for (i = 0; core_routes[i].name != NULL; i++)
		if (strcmp(op, core_routes[i].name) == 0)
			return &core_routes[i];
	return NULL;
}

static int
core_print_name(const X509_NAME *name, char *out, size_t outlen)
{
	BIO	*bio;
	int	 n = 0;

	out[0] = '\0';
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	/* RFC 2253 with control characters and non-ASCII escaped. */
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0)
		n = BIO_read(bio, out, (int)outlen - 1);
	out[n > 0 ? n : 0] = '\0';
	BIO_free(bio);
	return 0;
}

/* What the request proved about its client. */
struct core_auth {
	X509		*cert;		/* verified client certificate */
	int		 cert_presented;
	char		 cert_why[200];	/* why a presented certificate failed */
	int		 issued_by_ca;	/* cert was issued by this label's CA */
	char		 cn[128];	/* its commonName, for the identity rules */
	int		 password_presented;
	int		 password_ok;
	int		 via_remote_user;
	char		 user[HTPASSWD_MAX_USER + 1];
};

static void
core_auth_free(struct core_auth *a)
{
	X509_free(a->cert);
	OPENSSL_cleanse(a, sizeof(*a));
}

/* Presented, verified by the front server, and verified again here. */
static int
core_auth_cert(const struct est_label *lb, const struct est_request *req,
    enum est_op op, struct core_auth *a, struct est_response *res)
{
	const struct trust_store *ts;
	enum trust_result	 tr;
	X509			*cert;
	char			 why[160];

	if (req->peer.verify == EST_TLS_NONE)
		return 0;
	a->cert_presented = 1;
	if (req->peer.verify == EST_TLS_FAILED) {
		snprintf(a->cert_why, sizeof(a->cert_why),
		    "client certificate rejected by the TLS front server");
		return 0;
	}
	if (req->peer.cert_pem == NULL || req->peer.cert_pem_len == 0) {
		core_fail(res, 500, "front server verified a client certificate "
		    "but did not pass it on (enable exportcert)");
		return -1;
	}
	if ((cert = peercert_parse(req->peer.cert_pem, req->peer.cert_pem_len,
	    why, sizeof(why))) == NULL) {
		snprintf(a->cert_why, sizeof(a->cert_why), "%s", why);
		return 0;
	}
	core_print_name(X509_get_subject_name(cert), res->identity,
	    sizeof(res->identity));
	ts = op == EST_OP_SIMPLEREENROLL ? lb->reenroll_trust : lb->enroll_trust;
	tr = trust_store_verify(ts, cert, NULL, req->now, NULL, why, sizeof(why));
	/*
	 * This CA's own client: reenroll trusts nothing else; on simpleenroll
	 * its issuer's name is this CA's. (A name shared with another trusted
	 * CA, or a predecessor key's certificate, counts too: the rules this
	 * sets off only restrict.)
	 */
	if (tr == TRUST_OK)
		a->issued_by_ca = op == EST_OP_SIMPLEREENROLL ||
		    X509_NAME_cmp(X509_get_issuer_name(cert),
		    X509_get_subject_name(lb->issuer.cert)) == 0;
	if (tr == TRUST_ERROR) {
		X509_free(cert);
		core_fail(res, 500, "client certificate verification failed: %s", why);
		return -1;
	}
	if (tr != TRUST_OK) {
		snprintf(a->cert_why, sizeof(a->cert_why),
		    op == EST_OP_SIMPLEREENROLL && tr == TRUST_UNTRUSTED ?
		    "re-enrollment requires a certificate issued by this CA: %s" :
		    "client certificate not accepted: %s", why);
		X509_free(cert);
		return 0;
	}
	a->cert = cert;
	/* Read as the CSR's CN is (UTF-8), or a T61String reads two ways. */
	if (policy_subject_cn(X509_get_subject_name(cert), a->cn,
	    sizeof(a->cn)) == NULL)
		a->cn[0] = '\0';
	return 0;
}

/* "Authorization: Basic base64(user:password)", checked against htpasswd. */
static void
core_auth_password(const struct est_label *lb, const struct est_request *req,
    struct core_auth *a)
{
	const struct est_auth_config	*ac = &lb->cfg->auth;
	const char			*h = req->authorization, *colon;
	struct buf			 cred;
	char				 password[HTPASSWD_MAX_PASSWORD + 1];
	size_t				 ulen, plen;
	int				 basic;

	if (ac->mode == AUTH_CERTIFICATE)
		return;
	basic = h != NULL && strncasecmp(h, "Basic ", 6) == 0;
	/*
	 * Only where configured: nginx lets any client forge REMOTE_USER. A
	 * front server that checked the password forwards the header too; it
	 * decides unless we have an htpasswd file of our own to check it with.
	 */
	if (ac->trust_remote_user && req->remote_user != NULL &&
	    *req->remote_user != '\0' &&
	    strlen(req->remote_user) <= HTPASSWD_MAX_USER &&
	    (!basic || lb->users == NULL)) {
		snprintf(a->user, sizeof(a->user), "%s", req->remote_user);
		a->password_ok = 1;
		a->via_remote_user = 1;
		return;
	}
	if (!basic)
		return;
	/* Presented: from here on a failure is a wrong password, never a fallback. */
	a->password_presented = 1;
	if (strlen(h) <= EST_AUTH_HEADER_MAX) {
		buf_init(&cred);
		for (h += 6; *h == ' '; h++)
			continue;
		if (b64_decode((const uint8_t *)h, strlen(h), &cred) == B64_OK &&
		    (colon = memchr(cred.data, ':', cred.len)) != NULL &&
		    (ulen = (size_t)(colon - (char *)cred.data)) > 0 &&
		    ulen <= HTPASSWD_MAX_USER &&
		    (plen = cred.len - ulen - 1) <= HTPASSWD_MAX_PASSWORD &&
		    memchr(cred.data, '\0', cred.len) == NULL && lb->users != NULL) {
			memcpy(a->user, cred.data, ulen);
			a->user[ulen] = '\0';
			memcpy(password, colon + 1, plen);
			password[plen] = '\0';
			a->password_ok = htpasswd_check(lb->users, a->user, password);
			OPENSSL_cleanse(password, sizeof(password));
		}
		if (cred.data != NULL)
			OPENSSL_cleanse(cred.data, cred.cap);
		buf_free(&cred);
	}
	if (!a->password_ok)
		a->user[0] = '\0';
}

/* 401 asking for Basic credentials (RFC 7030 3.2.3). */
static void
core_fail_basic(const struct est_label *lb, struct est_response *res,
    const char *why)
{
	core_fail(res, 401, "%s", why);
	res->realm = lb->cfg->auth.realm ? lb->cfg->auth.realm : CORE_DEFAULT_REALM;
}

/*
 * Applies the label's authentication mode. Returns 0 with *a filled, or
 * -1 with the response set (401 or 403).
 */
static int
core_authenticate(const struct est_label *lb, const struct est_request *req,
    enum est_op op, struct core_auth *a, struct est_response *res)
{
	enum auth_mode	 mode = lb->cfg->auth.mode;
	int		 want_cert, want_password;
	const char	*no_password = "a user name and password are required";

	if (core_auth_cert(lb, req, op, a, res) == -1)
		return -1;
	core_auth_password(lb, req, a);
	if (a->password_presented && !a->password_ok)
		no_password = "wrong user name or password";
	if (a->password_ok) {
		res->identity[0] = '\0';
		snprintf(res->identity, sizeof(res->identity), "user:%s", a->user);
	}
	/* Renewal always proves possession of the certificate being renewed. */
	want_cert = mode == AUTH_CERTIFICATE || mode == AUTH_BOTH ||
	    op == EST_OP_SIMPLEREENROLL;
	want_password = mode == AUTH_PASSWORD || mode == AUTH_BOTH;
	if (mode == AUTH_EITHER && op != EST_OP_SIMPLEREENROLL) {
		if (a->cert != NULL || a->password_ok)
			return 0;
		if (a->password_presented || !a->cert_presented)
			core_fail_basic(lb, res, no_password);
		else
			core_fail(res, 403, "%s", a->cert_why);
		return -1;
	}
	if (want_cert && a->cert == NULL) {
		if (a->cert_presented)
			core_fail(res, 403, "%s", a->cert_why);
		else if (mode != AUTH_CERTIFICATE)
			core_fail_basic(lb, res, "client certificate required");
		else
			core_fail(res, 401, "client certificate required");
		return -1;
	}
	if ((want_password || (mode == AUTH_EITHER && !a->cert)) &&
	    !a->password_ok) {
		core_fail_basic(lb, res, no_password);
		return -1;
	}
	return 0;
}

static void
core_csrattrs(const struct est_label *lb, struct est_response *res)
{
	if (lb->csrattrs_body.len == 0) {
		res->status = 204;
		res->content_type = NULL;
		snprintf(res->reason, sizeof(res->reason), "no CSR attributes");
		return;
	}
	res->status = 200;
	res->content_type = CT_CSRATTRS;
	res->base64_encoded = 1;
	if (buf_append(&res->body, lb->csrattrs_body.data,
	    lb->csrattrs_body.len) == -1)
		core_fail(res, 500, "out of memory");
	else
		snprintf(res->reason, sizeof(res->reason), "CSR attributes");
}

static void
core_cacerts(const struct est_label *svc, struct est_response *res)
{
	res->status = 200;
	res->content_type = CT_PKCS7;
	res->base64_encoded = 1;
	if (buf_append(&res->body, svc->cacerts_body.data,
	    svc->cacerts_body.len) == -1)
		core_fail(res, 500, "out of memory");
	else
		snprintf(res->reason, sizeof(res->reason), "%zu certificate(s)",
		    svc->n_cacerts);
}

/* "DNS:name", "IP:addr", "email:x", "URI:x" for the hook; OPENSSL_free it. */
static char *
core_san_text(const GENERAL_NAME *gn)
{
	const ASN1_STRING	*v = NULL;
	const char		*kind = NULL;
	char			*out, ip[64];
	size_t			 len;

	switch (gn->type) {
	case GEN_DNS: kind = "DNS"; v = gn->d.dNSName; break;
	case GEN_EMAIL: kind = "email"; v = gn->d.rfc822Name; break;
	case GEN_URI: kind = "URI"; v = gn->d.uniformResourceIdentifier; break;
	case GEN_IPADD:
		if (gn->d.iPAddress->length == 4)
			inet_ntop(AF_INET, gn->d.iPAddress->data, ip, sizeof(ip));
		else if (gn->d.iPAddress->length == 16)
			inet_ntop(AF_INET6, gn->d.iPAddress->data, ip, sizeof(ip));
		else
			return NULL;
		len = strlen(ip) + 4;
		if ((out = OPENSSL_malloc(len)) != NULL)
			snprintf(out, len, "IP:%s", ip);
		return out;
	default:
		return NULL;
	}
	len = strlen(kind) + 1 + (size_t)ASN1_STRING_length(v) + 1;
	if ((out = OPENSSL_malloc(len)) == NULL)
		return NULL;
	snprintf(out, len, "%s:%.*s", kind, ASN1_STRING_length(v),
	    (const char *)ASN1_STRING_get0_data(v));
	return out;
}

static void
core_describe_issued(X509 *cert, struct est_response *res)
{
	BIGNUM	*bn;
	char	*hex = NULL, subject[128];

	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL)) != NULL)
		hex = BN_bn2hex(bn);
	core_print_name(X509_get_subject_name(cert), subject, sizeof(subject));
	snprintf(res->reason, sizeof(res->reason), "issued serial=%s subject=\"%s\"",
	    hex != NULL ? hex : "?", subject);
	OPENSSL_free(hex);
	BN_free(bn);
}

/* A whole name in RFC 2253 form, as core_print_name; OPENSSL_free it. */
static char *
core_name_text(const X509_NAME *name)
{
	BIO	*bio;
	char	*out = NULL;
	long	 n;
	char	*p;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(bio, &p)) >= 0 &&
	    (out = OPENSSL_malloc((size_t)n + 1)) != NULL) {
		if (n > 0)	/* an empty name has no data pointer */
			memcpy(out, p, (size_t)n);
		out[n] = '\0';
	}
	BIO_free(bio);
	return out;
}

/*
 * The request's facts for the authorization hook, as one JSON object: all
 * of them, whole (the policy bounds their number), or -1 and no hook run.
 */
static int
core_hook_facts(const struct est_label *lb, enum est_op op,
    const struct core_auth *a, const struct policy_client *client,
    const struct csr_info *csr, struct buf *json)
{
	char		 key[64], *serial = NULL, *subject = NULL, *issuer = NULL;
	char		*csr_subject = NULL, **sans = NULL;
	const char	*method;
	BIGNUM		*bn = NULL;
	size_t		 i;
	int		 rc = -1;

	method = a->cert != NULL && a->password_ok ? "certificate+password" :
	    a->cert != NULL ? "certificate" :
	    a->via_remote_user ? "remote_user" : "password";
	hook_json_begin(json);
	hook_json_string(json, "label", lb->cfg->name ? lb->cfg->name : "");
	hook_json_string(json, "operation", est_op_name(op));
	hook_json_string(json, "auth_method", method);
	hook_json_string(json, "identity", client->n_identities > 0 ?
	    client->identities[0] : NULL);
	hook_json_bool(json, "registration_authority", client->is_ra);
	if (a->cert != NULL &&
	    ((subject = core_name_text(X509_get_subject_name(a->cert))) == NULL ||
	    (issuer = core_name_text(X509_get_issuer_name(a->cert))) == NULL ||
	    (bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(a->cert), NULL)) == NULL ||
	    (serial = BN_bn2hex(bn)) == NULL))
		goto out;
	hook_json_string(json, "client_subject", subject);
	hook_json_string(json, "client_issuer", issuer);
	hook_json_string(json, "client_serial", serial);
	if ((csr_subject = core_name_text(csr->subject)) == NULL)
		goto out;
	hook_json_string(json, "csr_subject", csr_subject);
	if (csr->n_san > 0 &&
	    (sans = OPENSSL_zalloc(csr->n_san * sizeof(*sans))) == NULL)
		goto out;
	/* A name the hook could not see would pass unjudged: all or nothing. */
	for (i = 0; i < csr->n_san; i++)
		if ((sans[i] = core_san_text(sk_GENERAL_NAME_value(csr->san,
		    (int)i))) == NULL)
			goto out;
	hook_json_strings(json, "csr_san", (const char *const *)sans, csr->n_san);
	csr_key_describe(csr, key, sizeof(key));
	hook_json_string(json, "key", key);
	hook_json_number(json, "key_bits", csr->key_bits);
	hook_json_end(json);
	rc = 0;
out:
	for (i = 0; sans != NULL && i < csr->n_san; i++)
		OPENSSL_free(sans[i]);
	OPENSSL_free(sans);
	OPENSSL_free(csr_subject);
	OPENSSL_free(subject);
	OPENSSL_free(issuer);
	OPENSSL_free(serial);
	BN_free(bn);
	return rc;
}

/* "YYYY-MM-DD HH:MM:SS" in UTC. */
static const char *
core_utc(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, outlen, "?");
	return out;
}

/* The checks after the policy: the operator's hook, then the enrollment code. */
static int
core_authorize_extra(const struct est_label *lb, enum est_op op,
    const struct core_auth *a, const struct policy_client *client,
    const struct csr_info *csr, struct est_response *res)
{
	const struct est_profile	*pr = &lb->cfg->profile;
	struct buf			 json;
	char				 why[200];
	int				 rc = 0;

	if (pr->hook != NULL) {
		buf_init(&json);
		if (core_hook_facts(lb, op, a, client, csr, &json) == -1) {
			buf_free(&json);
			core_fail(res, 500, "cannot describe the request to the "
			    "authorization hook");
			return -1;
		}
		rc = hook_run(pr->hook, pr->hook_timeout_ms, (const char *)json.data,
		    json.len, why, sizeof(why));
		buf_free(&json);
		if (rc != 0) {
			core_fail(res, rc == -2 ? 500 : 403, "%s", why);
			return -1;
		}
	}
	/* Spent last, so that a refused request does not burn the code. */
	if (pr->challenge == CHALLENGE_CODE &&
	    (rc = codes_redeem(lb->codes, csr->challenge_password,
	    csr->challenge_password_len, why, sizeof(why))) != 0) {
		core_fail(res, rc == -2 ? 500 : 403, "%s", why);
		return -1;
	}
	return 0;
}

/* A code the list accepts must fit in the CSR's challengePassword. */
_Static_assert(CODES_MAX_LEN <= CSR_MAX_CHALLENGE, "codes longer than a challengePassword");

/*
 * After a server error nothing was issued: give back the enrollment code
 * the request spent. Returns what to add to the reason.
 */
static const char *
core_unspend_code(const struct est_label *lb, const struct csr_info *csr)
{
	if (lb->cfg->profile.challenge != CHALLENGE_CODE)
		return "";
	if (codes_release(lb->codes, csr->challenge_password,
	    csr->challenge_password_len) == -1)
		return " (and the enrollment code stays spent)";
	return " (the enrollment code was not spent)";
}

/*
 * Did the certificate let this client in? Not where a good password
 * alone would have: a client that always sends its certificate keeps
 * what its password allows. A REMOTE_USER may be the certificate itself
 * (lighttpd ssl.verifyclient.username, Apache SSLUserName): no password.
 */
static int
core_cert_authorizes(const struct est_label *lb, const struct core_auth *a)
{
	switch (lb->cfg->auth.mode) {
	case AUTH_PASSWORD:
		return a->via_remote_user;
	case AUTH_EITHER:
		return !a->password_ok || a->via_remote_user;
	default:
		return 1;
	}
}

static void
core_enroll(const struct est_service *svc, const struct est_label *lb,
    const struct est_request *req, enum est_op op, struct est_response *res)
{
	const struct est_profile *pr = &lb->cfg->profile;
	struct policy_client	 client;
	struct core_auth	 auth;
	struct csr_info		 csr;
	struct issue_plan	 plan;
	struct buf		 der;
	enum b64_status		 bs;
	X509			*issued = NULL;
	char			 why[200], stamp[32];
	time_t			 now = req->now != 0 ? req->now : time(NULL);
	int			 lends_name = 1;

	memset(&csr, 0, sizeof(csr));
	memset(&auth, 0, sizeof(auth));
	memset(&client, 0, sizeof(client));
	buf_init(&der);
	if (core_authenticate(lb, req, op, &auth, res) == -1)
		goto out;
	client.cert = auth.cert;
	client.issued_by_ca = auth.cert != NULL && auth.issued_by_ca;
	if (op == EST_OP_SIMPLEENROLL && client.issued_by_ca &&
	    lb->cfg->accept_issued != ACCEPT_ISSUED_ANY) {
		client.enroll_renews = core_cert_authorizes(lb, &auth);
		/* Let in by its password: the certificate lends no name either. */
		lends_name = client.enroll_renews;
	}
	client.is_ra = auth.cert != NULL && policy_is_ra(pr, auth.cert);
	if (auth.password_ok)
		client.identities[client.n_identities++] = auth.user;
	if (auth.cert != NULL && auth.cn[0] != '\0' && lends_name)
		client.identities[client.n_identities++] = auth.cn;
	if (core_body_state(svc, req, res) == -1)
		goto out;
	if (!est_is_pkcs10(req->content_type)) {
		core_fail(res, 415, "content type must be application/pkcs10");
		goto out;
	}
	bs = b64_decode_body(req->body, req->body_len, core_csr_labels, &der);
	if (bs != B64_OK) {
		core_fail(res, bs == B64_NOMEM ? 500 : 400, "CSR body: %s",
		    b64_status_str(bs));
		goto out;
	}
	if (csr_parse(der.data, der.len, &csr, why, sizeof(why)) != CSR_OK) {
		core_fail(res, 400, "%s", why);
		goto out;
	}
	/*
	 * The CA's own expiry is the server's failure, not the client's: 500
	 * (logged at error level) with what to do, rather than a 403.
	 */
	if (lb->issuer.not_after <= now) {
		core_fail(res, 500, "the CA certificate expired on %s UTC: "
		    "nothing can be issued until it is renewed (then reload)",
		    core_utc(lb->issuer.not_after, stamp, sizeof(stamp)));
		goto out;
	}
	if (policy_decide(pr, op, &csr, &client, now, lb->issuer.not_after,
	    &plan, why, sizeof(why)) == -1) {
		core_fail(res, 403, "%s", why);
		goto out;
	}
	if (core_authorize_extra(lb, op, &auth, &client, &csr, res) == -1)
		goto out;
	if (req->abandoned != NULL && req->abandoned(req->abandoned_arg)) {
		core_fail(res, 503, "the front server closed the connection before "
		    "the answer (its client left, or its timeout passed while the "
		    "request waited): nothing issued%s", core_unspend_code(lb, &csr));
		goto out;
	}
	if ((issued = certgen_issue(&lb->issuer, &csr, &plan, why,
	    sizeof(why))) == NULL) {
		core_fail(res, 500, "%s%s", why, core_unspend_code(lb, &csr));
		goto out;
	}
	if (pkcs7_certs_only_base64(&issued, 1, &res->body) == -1) {
		core_fail(res, 500, "cannot encode the issued certificate%s",
		    core_unspend_code(lb, &csr));
		goto out;
	}
	res->status = 200;
	res->content_type = CT_PKCS7_CERTS_ONLY;
	res->base64_encoded = 1;
	core_describe_issued(issued, res);
out:
	ERR_clear_error();
	X509_free(issued);
	core_auth_free(&auth);
	csr_info_free(&csr);
	buf_free(&der);
}

void
est_handle(const struct est_service *svc, const struct est_request *req,
    struct est_response *res)
{
	const struct core_op_route	*route;
	const struct est_label		*lb;
	const char			*why;
	int				 head_as_get;

	if ((route = core_route(svc, req->path, &lb, &why)) == NULL || lb == NULL) {
		core_fail(res, 404, "%s", why);
		return;
	}
	res->op = route->op;
	res->label = lb->cfg->name;
	/* RFC 9110 9.3.2: HEAD answers like GET; the adapter sends no body. */
	head_as_get = req->method != NULL && strcmp(req->method, "HEAD") == 0 &&
	    strcmp(route->method, "GET") == 0;
	if (req->method == NULL || (strcmp(req->method, route->method) != 0 &&
	    !head_as_get)) {
		res->allow = strcmp(route->method, "GET") == 0 ? "GET, HEAD" :
		    route->method;
		core_fail(res, 405, "%s takes %s only", route->name, res->allow);
		return;
	}
	if (route->op == EST_OP_CACERTS)
		core_cacerts(lb, res);
	else if (route->op == EST_OP_CSRATTRS)
		core_csrattrs(lb, res);
	else
		core_enroll(svc, lb, req, route->op, res);
}
