/* core: route one EST request, authenticate, decide, issue, respond. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>

#include "est/b64.h"
#include "est/certgen.h"
#include "est/core.h"
#include "est/csr.h"
#include "est/log.h"
#include "est/peercert.h"
#include "est/pkcs7.h"

#define CT_PKCS7		"application/pkcs7-mime"
#define CT_PKCS7_CERTS_ONLY	"application/pkcs7-mime; smime-type=certs-only"
#define CT_TEXT			"text/plain"

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
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 500: return "Internal Server Error";
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
 * "/.well-known/est/OP" or "/.well-known/est/LABEL/OP". Returns the route, or
 * NULL, with *has_label set when a label was given (no labels are configured).
 */
static const struct core_op_route *
core_route(const char *path, int *has_label)
{
	const char	*op;
	size_t		 i, plen = sizeof(EST_PATH_PREFIX) - 1;

	*has_label = 0;
	if (path == NULL || strncmp(path, EST_PATH_PREFIX, plen) != 0)
		return NULL;
	op = path + plen;
	if (strchr(op, '/') != NULL) {
		*has_label = 1;
		return NULL;
	}
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

/*
 * The client certificate: presented, verified by the front server, and
 * verified again here against the store for this operation.
 */
static X509 *
core_authenticate(const struct est_service *svc, const struct est_request *req,
    enum est_op op, struct est_response *res)
{
	const struct trust_store *ts;
	enum trust_result	 tr;
	X509			*cert;
	char			 why[160];

	if (req->peer.verify == EST_TLS_FAILED) {
		core_fail(res, 403, "client certificate rejected by the TLS front server");
		return NULL;
	}
	if (req->peer.verify != EST_TLS_SUCCESS) {
		core_fail(res, 401, "client certificate required");
		return NULL;
	}
	if (req->peer.cert_pem == NULL || req->peer.cert_pem_len == 0) {
		core_fail(res, 500, "front server verified a client certificate "
		    "but did not pass it on (enable exportcert)");
		return NULL;
	}
	if ((cert = peercert_parse(req->peer.cert_pem, req->peer.cert_pem_len,
	    why, sizeof(why))) == NULL) {
		core_fail(res, 403, "%s", why);
		return NULL;
	}
	core_print_name(X509_get_subject_name(cert), res->identity,
	    sizeof(res->identity));
	ts = op == EST_OP_SIMPLEREENROLL ? svc->reenroll_trust : svc->enroll_trust;
	tr = trust_store_verify(ts, cert, NULL, req->now, NULL, why, sizeof(why));
	if (tr == TRUST_OK)
		return cert;
	if (op == EST_OP_SIMPLEREENROLL && tr == TRUST_UNTRUSTED)
		core_fail(res, 403, "re-enrollment requires a certificate issued "
		    "by this CA: %s", why);
	else
		core_fail(res, tr == TRUST_ERROR ? 500 : 403,
		    "client certificate not accepted: %s", why);
	X509_free(cert);
	return NULL;
}

static void
core_cacerts(const struct est_service *svc, struct est_response *res)
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

static void
core_enroll(const struct est_service *svc, const struct est_request *req,
    enum est_op op, struct est_response *res)
{
	const struct est_config	*cfg = svc->cfg;
	struct policy_client	 client = { NULL, 0 };
	struct csr_info		 csr;
	struct issue_plan	 plan;
	struct buf		 der;
	enum b64_status		 bs;
	X509			*issued = NULL;
	char			 why[200];
	time_t			 now = req->now != 0 ? req->now : time(NULL);

	memset(&csr, 0, sizeof(csr));
	buf_init(&der);
	if ((client.cert = core_authenticate(svc, req, op, res)) == NULL)
		goto out;
	client.issued_by_ca = op == EST_OP_SIMPLEREENROLL;
	if (req->body_too_large || req->body_len > cfg->max_body) {
		core_fail(res, 413, "request body exceeds %zu bytes", cfg->max_body);
		goto out;
	}
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
	if (policy_decide(&cfg->profile, op, &csr, &client, now,
	    svc->issuer.not_after, &plan, why, sizeof(why)) == -1) {
		core_fail(res, 403, "%s", why);
		goto out;
	}
	if ((issued = certgen_issue(&svc->issuer, &csr, &plan, why,
	    sizeof(why))) == NULL) {
		core_fail(res, 500, "%s", why);
		goto out;
	}
	if (pkcs7_certs_only_base64(&issued, 1, &res->body) == -1) {
		core_fail(res, 500, "cannot encode the issued certificate");
		goto out;
	}
	res->status = 200;
	res->content_type = CT_PKCS7_CERTS_ONLY;
	res->base64_encoded = 1;
	core_describe_issued(issued, res);
out:
	ERR_clear_error();
	X509_free(issued);
	X509_free(client.cert);
	csr_info_free(&csr);
	buf_free(&der);
}

void
est_handle(const struct est_service *svc, const struct est_request *req,
    struct est_response *res)
{
	const struct core_op_route	*route;
	int				 has_label;

	if ((route = core_route(req->path, &has_label)) == NULL) {
		core_fail(res, 404, has_label ? "unknown CA label" :
		    "unknown EST operation");
		return;
	}
	res->op = route->op;
	if (req->method == NULL || strcmp(req->method, route->method) != 0) {
		core_fail(res, 405, "%s takes %s only", route->name, route->method);
		res->allow = route->method;
		return;
	}
	if (route->op == EST_OP_CACERTS)
		core_cacerts(svc, res);
	else
		core_enroll(svc, req, route->op, res);
}
