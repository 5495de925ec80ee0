/* check_core: est_handle end to end, without FastCGI. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include <check.h>
#include <openssl/pkcs7.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "est/b64.h"
#include "est/core.h"
#include "est/csrattrs.h"
#include "est/signer.h"
#include "testpki.h"

#define ENROLL		"/.well-known/est/simpleenroll"
#define REENROLL	"/.well-known/est/simplereenroll"
#define CACERTS		"/.well-known/est/cacerts"
#define CT_P10		"application/pkcs10"

static void		 iot_teardown(void);
static void		 reload(const char *extra);
static void		 post_auth(const char *path, enum tp_key_type kt,
			    const struct tp_csr_spec *spec, const char *peer_pem,
			    const char *authorization, const char *remote_user,
			    struct est_response *res);
static void		 post_basic(const char *path, const struct tp_csr_spec *spec,
			    const char *peer_pem, const char *user,
			    const char *password, struct est_response *res);
static struct tp_env		 env;

/*
 * Linked with -Wl,--wrap=signer_sign_cert: signing fails while
 * fail_signing is set, as an HSM that went away would. wrapped_calls
 * tells whether the wrap took (link-time optimisation can bind the call
 * inside libestcore.a directly).
 */
static int			 fail_signing, wrapped_calls;
int	__real_signer_sign_cert(const struct signer *, X509 *);
int	__wrap_signer_sign_cert(const struct signer *, X509 *);

int
__wrap_signer_sign_cert(const struct signer *s, X509 *x)
{
	wrapped_calls++;
	return fail_signing ? -1 : __real_signer_sign_cert(s, x);
}
static struct est_service	 svc;
static EVP_PKEY			*client_key;
static X509			*boot_client;	/* from the external Bootstrap CA */
static X509			*own_client;	/* issued by this CA: may re-enroll */
static char			*boot_pem, *own_pem;

static void
setup(void)
{
	struct diag		d;
	struct tp_cert_spec	own = {
		.cn = "device-1", .ku = "critical,digitalSignature",
		.eku = "clientAuth", .san = "DNS:device-1.example",
	};

	tp_env_init(&env);
	diag_init(&d);
	ck_assert_int_eq(tp_env_config(&env, NULL, &d), 0);
	ck_assert_int_eq(service_load(&svc, &env.cfg, &d), 0);
	diag_free(&d);
	client_key = tp_key(TP_EC_P256);
	boot_client = tp_client(client_key, "bootstrap-7", env.boot_ca, env.boot_key);
	own_client = tp_cert(&own, client_key, env.ca, env.ca_key);
	boot_pem = tp_cert_pem(boot_client);
	own_pem = tp_cert_pem(own_client);
}

static void
teardown(void)
{
	free(boot_pem);
	free(own_pem);
	X509_free(boot_client);
	X509_free(own_client);
	EVP_PKEY_free(client_key);
	service_free(&svc);
	tp_env_free(&env);
	iot_teardown();
}

/* A request authenticated with peer_pem (NULL: no certificate). */
static void
req_init(struct est_request *req, const char *method, const char *path,
    const char *ct, const void *body, size_t len, const char *peer_pem)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->path = path;
	req->content_type = ct;
	req->body = body;
	req->body_len = len;
	req->peer.verify = peer_pem != NULL ? EST_TLS_SUCCESS : EST_TLS_NONE;
	req->peer.cert_pem = peer_pem;
	req->peer.cert_pem_len = peer_pem != NULL ? strlen(peer_pem) : 0;
}

static void
handle(const struct est_request *req, struct est_response *res)
{
	est_response_init(res);
	est_handle(&svc, req, res);
}

/* An error response: status, reason, and the reason as a text/plain line. */
static void
assert_fail(const struct est_response *res, int status, const char *reason_part)
{
	ck_assert_int_eq(res->status, status);
	ck_assert_msg(strstr(res->reason, reason_part) != NULL,
	    "reason \"%s\" lacks \"%s\"", res->reason, reason_part);
	ck_assert_str_eq(res->content_type, "text/plain");
	ck_assert_int_eq(res->base64_encoded, 0);
	ck_assert_uint_eq(res->body.len, strlen(res->reason) + 1);
	ck_assert_mem_eq(res->body.data, res->reason, strlen(res->reason));
	ck_assert_int_eq(res->body.data[res->body.len - 1], '\n');
}

/* A CSR body, base64 of the DER, for a new key of type kt. */
static char *
csr_b64(enum tp_key_type kt, const struct tp_csr_spec *spec, EVP_PKEY **keyp)
{
	EVP_PKEY	*key = tp_key(kt);
	struct buf	 der, b64;

	buf_init(&der);
	buf_init(&b64);
	tp_csr_der(key, spec, &der);
	ck_assert_int_eq(b64_encode_wrapped(der.data, der.len, &b64), 0);
	buf_free(&der);
	if (keyp != NULL)
		*keyp = key;
	else
		EVP_PKEY_free(key);
	return (char *)b64.data;
}

/* POSTs a CSR for spec to path as client; fills res. */
static void
post(const char *path, enum tp_key_type kt, const struct tp_csr_spec *spec,
    const char *peer_pem, struct est_response *res)
{
	struct est_request	 req;
	char			*body = csr_b64(kt, spec, NULL);

	req_init(&req, "POST", path, CT_P10, body, strlen(body), peer_pem);
	handle(&req, res);
	free(body);
}

/* The one certificate of a successful enrollment response (checked). */
static X509 *
issued_cert(const struct est_response *res)
{
	struct buf		 der;
	const unsigned char	*p;
	PKCS7			*p7;
	X509			*x;

	ck_assert_msg(res->status == 200, "status %d: %s", res->status, res->reason);
	ck_assert_str_eq(res->content_type,
	    "application/pkcs7-mime; smime-type=certs-only");
	ck_assert_int_eq(res->base64_encoded, 1);
	buf_init(&der);
	ck_assert_int_eq(b64_decode(res->body.data, res->body.len, &der), B64_OK);
	p = der.data;
	p7 = d2i_PKCS7(NULL, &p, (long)der.len);
	ck_assert_ptr_nonnull(p7);
	ck_assert_ptr_eq(p, der.data + der.len);
	ck_assert_int_eq(OBJ_obj2nid(p7->type), NID_pkcs7_signed);
	ck_assert_int_eq(sk_X509_num(p7->d.sign->cert), 1);
	ck_assert_int_eq(sk_PKCS7_SIGNER_INFO_num(p7->d.sign->signer_info), 0);
	x = sk_X509_value(p7->d.sign->cert, 0);
	X509_up_ref(x);
	PKCS7_free(p7);
	buf_free(&der);
	return x;
}

static void
assert_verifies_against_ca(X509 *x)
{
	X509_STORE	*store = X509_STORE_new();
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();

	X509_STORE_add_cert(store, env.ca);
	X509_STORE_CTX_init(ctx, store, x, NULL);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
	ck_assert_msg(X509_verify_cert(ctx) == 1, "%s",
	    X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
}

START_TEST(is_pkcs10_accepts_the_media_type_with_parameters)
{
	ck_assert_int_eq(est_is_pkcs10("application/pkcs10"), 1);
	ck_assert_int_eq(est_is_pkcs10("Application/PKCS10"), 1);
	ck_assert_int_eq(est_is_pkcs10("application/pkcs10; charset=utf-8"), 1);
	ck_assert_int_eq(est_is_pkcs10("application/pkcs10;name=req.p10"), 1);
	ck_assert_int_eq(est_is_pkcs10(" \tapplication/pkcs10 \t"), 1);
}
END_TEST

START_TEST(is_pkcs10_rejects_other_media_types)
{
	ck_assert_int_eq(est_is_pkcs10(NULL), 0);
	ck_assert_int_eq(est_is_pkcs10(""), 0);
	ck_assert_int_eq(est_is_pkcs10("application/pkcs10x"), 0);
	ck_assert_int_eq(est_is_pkcs10("application/pkcs10-x"), 0);
	ck_assert_int_eq(est_is_pkcs10("application/pkcs1"), 0);
	ck_assert_int_eq(est_is_pkcs10("application/pkcs7-mime"), 0);
	ck_assert_int_eq(est_is_pkcs10("text/plain; x=application/pkcs10"), 0);
	ck_assert_int_eq(est_is_pkcs10("application/pkcs10 x"), 0);
	ck_assert_int_eq(est_is_pkcs10("application/json"), 0);
}
END_TEST

START_TEST(names_statuses)
{
	ck_assert_str_eq(est_status_text(200), "OK");
	ck_assert_str_eq(est_status_text(400), "Bad Request");
	ck_assert_str_eq(est_status_text(401), "Unauthorized");
	ck_assert_str_eq(est_status_text(403), "Forbidden");
	ck_assert_str_eq(est_status_text(404), "Not Found");
	ck_assert_str_eq(est_status_text(405), "Method Not Allowed");
	ck_assert_str_eq(est_status_text(413), "Content Too Large");
	ck_assert_str_eq(est_status_text(415), "Unsupported Media Type");
	ck_assert_str_eq(est_status_text(500), "Internal Server Error");
	ck_assert_str_eq(est_status_text(302), "Error");
}
END_TEST

START_TEST(answers_404_for_unknown_paths_and_labels)
{
	static const char *const paths[] = {
		"/", "/.well-known/est/",
		"/.well-known/est/serverkeygen", "/.well-known/est/cacerts2",
		"/.well-known/est/CACERTS", "/.well-known/estcacerts",
		"/other/.well-known/est/cacerts",
	};
	struct est_request	req;
	struct est_response	res;
	size_t			i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		req_init(&req, "GET", paths[i], NULL, NULL, 0, NULL);
		handle(&req, &res);
		assert_fail(&res, 404, "unknown EST operation");
		ck_assert_int_eq(res.op, EST_OP_NONE);
		est_response_free(&res);
	}
	req_init(&req, "GET", NULL, NULL, NULL, 0, NULL);
	handle(&req, &res);
	assert_fail(&res, 404, "unknown EST operation");
	est_response_free(&res);
	req_init(&req, "GET", "/.well-known/est/arbitrary/cacerts", NULL, NULL, 0, NULL);
	handle(&req, &res);
	assert_fail(&res, 404, "unknown CA label");
	est_response_free(&res);
	/* A trailing slash after the operation is not an unknown label... */
	req_init(&req, "GET", "/.well-known/est/cacerts/", NULL, NULL, 0, NULL);
	handle(&req, &res);
	assert_fail(&res, 404, "unknown EST operation: no '/' after the "
	    "operation's name");
	est_response_free(&res);
	req_init(&req, "POST", "/.well-known/est/simpleenroll/", NULL, NULL, 0, NULL);
	handle(&req, &res);
	assert_fail(&res, 404, "unknown EST operation: no '/' after the "
	    "operation's name");
	est_response_free(&res);
	/* ...while an operation's name where a label goes is one. */
	req_init(&req, "GET", "/.well-known/est/simpleenroll/cacerts", NULL, NULL, 0,
	    NULL);
	handle(&req, &res);
	assert_fail(&res, 404, "unknown CA label");
	est_response_free(&res);
}
END_TEST

START_TEST(answers_405_with_allow_for_the_wrong_method)
{
	struct est_request	req;
	struct est_response	res;

	req_init(&req, "GET", ENROLL, NULL, NULL, 0, boot_pem);
	handle(&req, &res);
	assert_fail(&res, 405, "simpleenroll takes POST only");
	ck_assert_str_eq(res.allow, "POST");
	ck_assert_int_eq(res.op, EST_OP_SIMPLEENROLL);
	est_response_free(&res);
	req_init(&req, "POST", CACERTS, CT_P10, "x", 1, NULL);
	handle(&req, &res);
	assert_fail(&res, 405, "cacerts takes GET, HEAD only");
	ck_assert_str_eq(res.allow, "GET, HEAD");
	est_response_free(&res);
	req_init(&req, "HEAD", ENROLL, NULL, NULL, 0, boot_pem);
	handle(&req, &res);
	assert_fail(&res, 405, "simpleenroll takes POST only");
	ck_assert_str_eq(res.allow, "POST");
	est_response_free(&res);
	req_init(&req, "PUT", REENROLL, NULL, NULL, 0, NULL);
	handle(&req, &res);
	assert_fail(&res, 405, "simplereenroll takes POST only");
	est_response_free(&res);
	req_init(&req, NULL, REENROLL, NULL, NULL, 0, NULL);
	handle(&req, &res);
	ck_assert_int_eq(res.status, 405);
	est_response_free(&res);
	req_init(&req, "post", ENROLL, NULL, NULL, 0, NULL);
	handle(&req, &res);
	ck_assert_int_eq(res.status, 405);
	est_response_free(&res);
}
END_TEST

START_TEST(serves_cacerts_without_authentication)
{
	struct est_request	req;
	struct est_response	res;

	req_init(&req, "GET", CACERTS, NULL, NULL, 0, NULL);
	handle(&req, &res);
	ck_assert_int_eq(res.status, 200);
	ck_assert_str_eq(res.content_type, "application/pkcs7-mime");
	ck_assert_int_eq(res.base64_encoded, 1);
	ck_assert_int_eq(res.op, EST_OP_CACERTS);
	ck_assert_uint_eq(res.body.len, svc.labels[0].cacerts_body.len);
	ck_assert_mem_eq(res.body.data, svc.labels[0].cacerts_body.data, res.body.len);
	ck_assert_str_eq(res.reason, "1 certificate(s)");
	ck_assert_ptr_null(res.allow);
	est_response_free(&res);
	/* HEAD answers as GET does (the adapter leaves the body out). */
	req_init(&req, "HEAD", CACERTS, NULL, NULL, 0, NULL);
	handle(&req, &res);
	ck_assert_int_eq(res.status, 200);
	ck_assert_str_eq(res.content_type, "application/pkcs7-mime");
	ck_assert_uint_eq(res.body.len, svc.labels[0].cacerts_body.len);
	est_response_free(&res);
}
END_TEST

START_TEST(answers_401_without_a_client_certificate)
{
	struct tp_csr_spec	spec = { .cn = "d" };
	struct est_response	res;

	post(ENROLL, TP_EC_P256, &spec, NULL, &res);
	assert_fail(&res, 401, "client certificate required");
	ck_assert_str_eq(res.identity, "-");
	est_response_free(&res);
	post(REENROLL, TP_EC_P256, &spec, NULL, &res);
	assert_fail(&res, 401, "client certificate required");
	est_response_free(&res);
}
END_TEST

START_TEST(answers_403_when_the_front_server_rejected_the_certificate)
{
	struct est_request	req;
	struct est_response	res;

	req_init(&req, "POST", ENROLL, CT_P10, "AAAA", 4, boot_pem);
	req.peer.verify = EST_TLS_FAILED;
	handle(&req, &res);
	assert_fail(&res, 403, "client certificate rejected by the TLS front server");
	est_response_free(&res);
}
END_TEST

START_TEST(answers_500_when_the_verified_certificate_is_not_passed_on)
{
	struct est_request	req;
	struct est_response	res;

	req_init(&req, "POST", ENROLL, CT_P10, "AAAA", 4, NULL);
	req.peer.verify = EST_TLS_SUCCESS;
	handle(&req, &res);
	assert_fail(&res, 500, "did not pass it on");
	est_response_free(&res);
}
END_TEST

START_TEST(answers_403_for_a_certificate_that_is_not_pem)
{
	struct est_request	req;
	struct est_response	res;

	req_init(&req, "POST", ENROLL, CT_P10, "AAAA", 4, "garbage");
	handle(&req, &res);
	assert_fail(&res, 403, "client certificate is not PEM");
	est_response_free(&res);
}
END_TEST

START_TEST(answers_403_for_a_client_of_an_untrusted_ca)
{
	EVP_PKEY		*k = tp_key(TP_EC_P256);
	X509			*rogue_ca = tp_ca(k, "Rogue CA");
	X509			*rogue = tp_client(client_key, "rogue", rogue_ca, k);
	char			*pem = tp_cert_pem(rogue);
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct est_response	 res;

	post(ENROLL, TP_EC_P256, &spec, pem, &res);
	assert_fail(&res, 403, "client certificate not accepted: unable to get "
	    "local issuer certificate");
	ck_assert_str_eq(res.identity, "CN=rogue");
	est_response_free(&res);
	free(pem);
	X509_free(rogue);
	X509_free(rogue_ca);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(answers_403_for_an_expired_client_certificate)
{
	time_t			 now = time(NULL);
	struct tp_cert_spec	 s = {
		.cn = "old", .eku = "clientAuth", .not_before = now - 30 * 86400,
		.not_after = now - 86400,
	};
	X509			*old = tp_cert(&s, client_key, env.boot_ca, env.boot_key);
	char			*pem = tp_cert_pem(old);
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct est_response	 res;

	post(ENROLL, TP_EC_P256, &spec, pem, &res);
	assert_fail(&res, 403, "client certificate not accepted: certificate has expired");
	est_response_free(&res);
	free(pem);
	X509_free(old);
}
END_TEST

START_TEST(verifies_the_client_at_the_request_time)
{
	struct est_request	 req;
	struct est_response	 res;
	struct tp_csr_spec	 spec = { .cn = "d" };
	char			*body = csr_b64(TP_EC_P256, &spec, NULL);

	/* tp_client certificates are valid for 30 days from now. */
	req_init(&req, "POST", ENROLL, CT_P10, body, strlen(body), boot_pem);
	req.now = time(NULL) + 40 * 86400;
	handle(&req, &res);
	assert_fail(&res, 403, "certificate has expired");
	est_response_free(&res);
	free(body);
}
END_TEST

START_TEST(answers_500_once_the_ca_certificate_has_expired)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct est_response	 res;
	time_t			 saved = svc.labels[0].issuer.not_after;

	/* A running worker whose CA certificate expired since it loaded it. */
	svc.labels[0].issuer.not_after = time(NULL) - 60;
	post(ENROLL, TP_EC_P256, &spec, boot_pem, &res);
	svc.labels[0].issuer.not_after = saved;
	assert_fail(&res, 500, "the CA certificate expired on ");
	ck_assert_ptr_nonnull(strstr(res.reason, " UTC: nothing can be issued "
	    "until it is renewed (then reload)"));
	est_response_free(&res);
}
END_TEST

START_TEST(answers_403_for_a_server_only_certificate)
{
	struct tp_cert_spec	 s = { .cn = "srv", .eku = "serverAuth" };
	X509			*srv = tp_cert(&s, client_key, env.boot_ca, env.boot_key);
	char			*pem = tp_cert_pem(srv);
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct est_response	 res;

	post(ENROLL, TP_EC_P256, &spec, pem, &res);
	assert_fail(&res, 403, "unsuitable certificate purpose");
	est_response_free(&res);
	free(pem);
	X509_free(srv);
}
END_TEST

START_TEST(checks_authentication_before_the_body)
{
	struct est_request	req;
	struct est_response	res;

	req_init(&req, "POST", ENROLL, "text/plain", "!!", 2, NULL);
	req.body_state = EST_BODY_TOO_LARGE;
	handle(&req, &res);
	assert_fail(&res, 401, "client certificate required");
	est_response_free(&res);
}
END_TEST

/* How the adapter's read ended decides the answer, after authentication. */
START_TEST(answers_each_body_state_with_its_status)
{
	static const struct {
		enum est_body_state	 state;
		int			 status;
		const char		*reason;
	} cases[] = {
		{ EST_BODY_BAD_LENGTH, 400, "invalid Content-Length" },
		{ EST_BODY_TIMEOUT, 408, "request body not received within 20 s" },
		{ EST_BODY_BROKEN, 400, "request body incomplete: the connection failed" },
		{ EST_BODY_NO_MEMORY, 500, "out of memory reading the request body" },
	};
	struct est_request	req;
	struct est_response	res;
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		req_init(&req, "POST", ENROLL, CT_P10, "AAAA", 4, boot_pem);
		req.body_state = cases[i].state;
		handle(&req, &res);
		assert_fail(&res, cases[i].status, cases[i].reason);
		ck_assert_str_eq(est_status_text(res.status), i == 1 ?
		    "Request Timeout" : i == 3 ? "Internal Server Error" :
		    "Bad Request");
		est_response_free(&res);
		/* Unauthenticated, the 401 comes first. */
		req_init(&req, "POST", ENROLL, CT_P10, "AAAA", 4, NULL);
		req.body_state = cases[i].state;
		handle(&req, &res);
		assert_fail(&res, 401, "client certificate required");
		est_response_free(&res);
	}
}
END_TEST

START_TEST(response_error_is_one_text_line)
{
	struct est_response res;

	est_response_init(&res);
	est_response_error(&res, 503, "interrupted\nretry");
	ck_assert_int_eq(res.status, 503);
	ck_assert_str_eq(est_status_text(503), "Service Unavailable");
	ck_assert_str_eq(res.content_type, "text/plain");
	ck_assert_str_eq(res.reason, "interrupted\\x0aretry");
	ck_assert_uint_eq(res.body.len, strlen(res.reason) + 1);
	est_response_free(&res);
}
END_TEST

START_TEST(answers_413_for_a_body_over_the_limit)
{
	struct est_request	 req;
	struct est_response	 res;
	char			*big;

	req_init(&req, "POST", ENROLL, CT_P10, "AAAA", 4, boot_pem);
	req.body_state = EST_BODY_TOO_LARGE;
	handle(&req, &res);
	assert_fail(&res, 413, "request body exceeds 65536 bytes");
	est_response_free(&res);
	big = malloc(65537);
	memset(big, 'A', 65537);
	req_init(&req, "POST", ENROLL, CT_P10, big, 65537, boot_pem);
	handle(&req, &res);
	assert_fail(&res, 413, "request body exceeds 65536 bytes");
	est_response_free(&res);
	/* At the limit the body is read (and here found not to be a CSR). */
	req_init(&req, "POST", ENROLL, CT_P10, big, 65536, boot_pem);
	handle(&req, &res);
	ck_assert_int_eq(res.status, 400);
	est_response_free(&res);
	free(big);
}
END_TEST

START_TEST(answers_415_for_other_content_types)
{
	static const char *const cts[] = {
		"application/pkcs10x", "application/json", "text/plain", "",
		"application/pkcs7-mime",
	};
	struct tp_csr_spec	 spec = { .cn = "d" };
	char			*body = csr_b64(TP_EC_P256, &spec, NULL);
	struct est_request	 req;
	struct est_response	 res;
	size_t			 i;

	for (i = 0; i < sizeof(cts) / sizeof(cts[0]); i++) {
		req_init(&req, "POST", ENROLL, cts[i], body, strlen(body), boot_pem);
		handle(&req, &res);
		assert_fail(&res, 415, "content type must be application/pkcs10");
		est_response_free(&res);
	}
	req_init(&req, "POST", ENROLL, NULL, body, strlen(body), boot_pem);
	handle(&req, &res);
	assert_fail(&res, 415, "content type must be application/pkcs10");
	est_response_free(&res);
	free(body);
}
END_TEST

START_TEST(answers_400_for_bodies_that_are_not_base64)
{
	struct est_request	req;
	struct est_response	res;

	req_init(&req, "POST", ENROLL, CT_P10, "MIIB*AAA", 8, boot_pem);
	handle(&req, &res);
	assert_fail(&res, 400, "CSR body: invalid character in base64");
	est_response_free(&res);
	req_init(&req, "POST", ENROLL, CT_P10, "\r\n", 2, boot_pem);
	handle(&req, &res);
	assert_fail(&res, 400, "CSR body: empty body");
	est_response_free(&res);
	req_init(&req, "POST", ENROLL, CT_P10, "MIIBA", 5, boot_pem);
	handle(&req, &res);
	assert_fail(&res, 400, "CSR body: invalid base64 padding or length");
	est_response_free(&res);
	req_init(&req, "POST", ENROLL, CT_P10,
	    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 59,
	    boot_pem);
	handle(&req, &res);
	assert_fail(&res, 400, "CSR body: malformed PEM armor");
	est_response_free(&res);
}
END_TEST

START_TEST(answers_400_for_truncated_der)
{
	EVP_PKEY		*key = tp_key(TP_EC_P256);
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct buf		 der, b64;
	struct est_request	 req;
	struct est_response	 res;

	buf_init(&der);
	buf_init(&b64);
	tp_csr_der(key, &spec, &der);
	b64_encode_wrapped(der.data, der.len - 9, &b64);
	req_init(&req, "POST", ENROLL, CT_P10, b64.data, b64.len, boot_pem);
	handle(&req, &res);
	assert_fail(&res, 400, "body is not a DER PKCS#10 request");
	est_response_free(&res);
	buf_free(&der);
	buf_free(&b64);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(answers_400_for_a_bad_csr_signature)
{
	struct tp_csr_spec	spec = { .cn = "d", .corrupt_signature = 1 };
	struct est_response	res;

	post(ENROLL, TP_EC_P256, &spec, boot_pem, &res);
	assert_fail(&res, 400, "CSR signature does not verify");
	est_response_free(&res);
}
END_TEST

START_TEST(answers_403_for_requests_the_policy_refuses)
{
	struct tp_csr_spec	pw = { .cn = "d", .challenge_password = "otp" };
	struct tp_csr_spec	csn = { .cn = "d", .change_subject_name = 1 };
	struct tp_csr_spec	plain = { .cn = "d" };
	struct est_response	res;

	post(ENROLL, TP_EC_P256, &pw, boot_pem, &res);
	assert_fail(&res, 403, "CSR carries a challengePassword");
	est_response_free(&res);
	post(ENROLL, TP_EC_P256, &csn, boot_pem, &res);
	assert_fail(&res, 403, "ChangeSubjectName");
	est_response_free(&res);
	post(ENROLL, TP_RSA_1024, &plain, boot_pem, &res);
	assert_fail(&res, 403, "RSA-1024 key is below the minimum of 2048 bits");
	est_response_free(&res);
	post(ENROLL, TP_EC_SECP256K1, &plain, boot_pem, &res);
	assert_fail(&res, 403, "EC secp256k1 key: curve not allowed");
	est_response_free(&res);
	post(ENROLL, TP_ED25519, &plain, boot_pem, &res);
	assert_fail(&res, 403, "ED25519 keys are not allowed");
	est_response_free(&res);
}
END_TEST

START_TEST(answers_403_for_the_rfc7030_a3_request)
{
	struct buf		b64;
	struct est_request	req;
	struct est_response	res;

	buf_init(&b64);
	tp_read_data("rfc7030-A3-simpleenroll-request.b64", &b64);
	req_init(&req, "POST", ENROLL, CT_P10, b64.data, b64.len, boot_pem);
	handle(&req, &res);
	/* Signed with SHA-1, which the default profile refuses first (the
	 * challengePassword rule is checked in check_policy). */
	assert_fail(&res, 403, "CSR signature hash SHA1 is not allowed");
	est_response_free(&res);
	buf_free(&b64);
}
END_TEST

START_TEST(enrolls_and_returns_one_certificate_that_verifies)
{
	struct tp_csr_spec	 spec = {
		.cn = "new-device", .o = "Example", .san = "DNS:new.example",
		.bc_ca = 1, .ns_comment = "ignore me",
	};
	EVP_PKEY		*key;
	char			*body = csr_b64(TP_EC_P256, &spec, &key);
	struct est_request	 req;
	struct est_response	 res;
	X509			*x;
	BASIC_CONSTRAINTS	*bc;

	req_init(&req, "POST", ENROLL, "application/pkcs10; name=device.p10",
	    body, strlen(body), boot_pem);
	handle(&req, &res);
	x = issued_cert(&res);
	ck_assert_int_eq(res.op, EST_OP_SIMPLEENROLL);
	ck_assert_str_eq(res.identity, "CN=bootstrap-7");
	ck_assert_int_eq(strncmp(res.reason, "issued serial=", 14), 0);
	ck_assert_ptr_nonnull(strstr(res.reason, " subject=\"CN=new-device,O=Example\""));
	ck_assert_int_eq(EVP_PKEY_eq(X509_get0_pubkey(x), key), 1);
	assert_verifies_against_ca(x);
	bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
	ck_assert_ptr_nonnull(bc);
	ck_assert_int_eq(bc->ca, 0);
	BASIC_CONSTRAINTS_free(bc);
	ck_assert_int_lt(X509_get_ext_by_NID(x, NID_netscape_comment, -1), 0);
	ck_assert_uint_eq(X509_get_key_usage(x), KU_DIGITAL_SIGNATURE);
	ck_assert_uint_eq(X509_get_extended_key_usage(x), XKU_SSL_CLIENT | XKU_SSL_SERVER);
	ck_assert_int_eq(X509_check_host(x, "new.example", 0, 0, NULL), 1);
	/* 365 days from now (the profile default). */
	ck_assert_int_le(labs((long)(tp_time(X509_get0_notAfter(x)) -
	    (time(NULL) + 365L * 86400))), 60);
	X509_free(x);
	EVP_PKEY_free(key);
	est_response_free(&res);
	free(body);
}
END_TEST

START_TEST(enrolls_from_a_pem_armored_request)
{
	EVP_PKEY		*key = tp_key(TP_EC_P384);
	struct tp_csr_spec	 spec = { .cn = "pem-device" };
	struct buf		 der;
	char			*pem;
	struct est_request	 req;
	struct est_response	 res;
	X509			*x;

	buf_init(&der);
	tp_csr_der(key, &spec, &der);
	pem = tp_der_to_pem("CERTIFICATE REQUEST", der.data, der.len);
	req_init(&req, "POST", ENROLL, CT_P10, pem, strlen(pem), boot_pem);
	handle(&req, &res);
	x = issued_cert(&res);
	ck_assert_int_eq(EVP_PKEY_eq(X509_get0_pubkey(x), key), 1);
	X509_free(x);
	est_response_free(&res);
	free(pem);
	buf_free(&der);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(enrolls_an_rsa_key_with_key_encipherment)
{
	struct tp_csr_spec	 spec = { .cn = "rsa-device" };
	struct est_response	 res;
	X509			*x;

	post(ENROLL, TP_RSA_2048, &spec, boot_pem, &res);
	x = issued_cert(&res);
	ck_assert_uint_eq(X509_get_key_usage(x),
	    KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT);
	assert_verifies_against_ca(x);
	X509_free(x);
	est_response_free(&res);
}
END_TEST

START_TEST(this_cas_clients_enroll_only_to_renew_their_names)
{
	struct tp_csr_spec	 same = { .cn = "device-1", .san = "DNS:device-1.example" };
	struct tp_csr_spec	 other = { .cn = "anything" };
	struct est_response	 res;
	X509			*x;

	post(ENROLL, TP_EC_P256, &same, own_pem, &res);
	x = issued_cert(&res);
	ck_assert_str_eq(res.identity, "CN=device-1");
	ck_assert_int_eq(res.op, EST_OP_SIMPLEENROLL);
	ck_assert_int_eq(X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_subject_name(own_client)), 0);
	X509_free(x);
	est_response_free(&res);
	/* Else simpleenroll would get round simplereenroll's rules. */
	post(ENROLL, TP_EC_P256, &other, own_pem, &res);
	assert_fail(&res, 403, "re-enrollment CSR subject differs from the "
	    "certificate being renewed (a certificate from this CA renews "
	    "itself, by simpleenroll too)");
	est_response_free(&res);
}
END_TEST

START_TEST(accept_issued_any_lets_this_cas_clients_enroll_other_names)
{
	struct tp_csr_spec	 other = { .cn = "second-purpose" };
	struct est_response	 res;

	reload("[trust]\naccept_issued = any\n");
	post(ENROLL, TP_EC_P256, &other, own_pem, &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	/* simplereenroll keeps its rules. */
	post(REENROLL, TP_EC_P256, &other, own_pem, &res);
	assert_fail(&res, 403, "re-enrollment CSR subject differs from the "
	    "certificate being renewed");
	est_response_free(&res);
}
END_TEST

/* A password that alone lets the client in keeps what it allows. */
START_TEST(renewal_rules_follow_the_certificate_only_where_it_let_the_client_in)
{
	struct tp_csr_spec	 other = { .cn = "other-name" };
	struct est_response	 res;

	reload("[auth]\nmethods = certificate-or-password\nhtpasswd = users\n");
	post_basic(ENROLL, &other, own_pem, "alice", "alice-password", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	post(ENROLL, TP_EC_P256, &other, own_pem, &res);
	ck_assert_int_eq(res.status, 403);
	ck_assert_ptr_nonnull(strstr(res.reason, "by simpleenroll too"));
	est_response_free(&res);
	/* Where both are required, the certificate is part of it. */
	reload("[auth]\nmethods = certificate-and-password\nhtpasswd = users\n");
	post_basic(ENROLL, &other, own_pem, "alice", "alice-password", &res);
	ck_assert_int_eq(res.status, 403);
	ck_assert_ptr_nonnull(strstr(res.reason, "by simpleenroll too"));
	est_response_free(&res);
}
END_TEST

/* ...and the certificate lends it no name to get round the rules with. */
START_TEST(a_password_exempt_client_gets_no_name_from_this_cas_certificate)
{
	struct tp_csr_spec	 cert_name = { .cn = "device-1" };
	struct tp_csr_spec	 user_name = { .cn = "alice" };
	struct tp_csr_spec	 other = { .cn = "elsewhere" };
	struct est_response	 res;

	reload("[auth]\nmethods = certificate-or-password\nhtpasswd = users\n"
	    "[profile]\nsubject_must_match = identity\n");
	post_basic(ENROLL, &cert_name, own_pem, "alice", "alice-password", &res);
	assert_fail(&res, 403, "every name in the CSR must name the "
	    "authenticated identity (alice)");
	est_response_free(&res);
	post_basic(ENROLL, &user_name, own_pem, "alice", "alice-password", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	/* A front server's REMOTE_USER may be the certificate itself: no exemption. */
	reload("[auth]\nmethods = certificate-or-password\ntrust_remote_user = yes\n");
	post_auth(ENROLL, TP_EC_P256, &other, own_pem, NULL, "device-1", &res);
	ck_assert_int_eq(res.status, 403);
	ck_assert_ptr_nonnull(strstr(res.reason, "by simpleenroll too"));
	est_response_free(&res);
	reload("[auth]\nmethods = password\ntrust_remote_user = yes\n");
	post_auth(ENROLL, TP_EC_P256, &other, own_pem, NULL, "device-1", &res);
	ck_assert_int_eq(res.status, 403);
	ck_assert_ptr_nonnull(strstr(res.reason, "by simpleenroll too"));
	est_response_free(&res);
}
END_TEST

START_TEST(reenrolls_a_certificate_of_this_ca_with_the_same_identity)
{
	struct tp_csr_spec	 spec = { .cn = "device-1", .san = "DNS:device-1.example" };
	struct est_response	 res;
	X509			*x;

	post(REENROLL, TP_EC_P256, &spec, own_pem, &res);
	x = issued_cert(&res);
	ck_assert_int_eq(res.op, EST_OP_SIMPLEREENROLL);
	ck_assert_int_eq(X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_subject_name(own_client)), 0);
	ck_assert_int_eq(X509_check_host(x, "device-1.example", 0, 0, NULL), 1);
	assert_verifies_against_ca(x);
	X509_free(x);
	est_response_free(&res);
}
END_TEST

START_TEST(refuses_reenrollment_with_another_identity)
{
	struct tp_csr_spec	other_cn = { .cn = "device-2", .san = "DNS:device-1.example" };
	struct tp_csr_spec	other_san = { .cn = "device-1", .san = "DNS:evil.example" };
	struct est_response	res;

	post(REENROLL, TP_EC_P256, &other_cn, own_pem, &res);
	assert_fail(&res, 403, "re-enrollment CSR subject differs");
	est_response_free(&res);
	post(REENROLL, TP_EC_P256, &other_san, own_pem, &res);
	assert_fail(&res, 403, "re-enrollment CSR subjectAltName differs");
	est_response_free(&res);
}
END_TEST

START_TEST(refuses_reenrollment_for_a_certificate_of_another_ca)
{
	struct tp_csr_spec	spec = { .cn = "bootstrap-7" };
	struct est_response	res;

	post(REENROLL, TP_EC_P256, &spec, boot_pem, &res);
	assert_fail(&res, 403, "re-enrollment requires a certificate issued by "
	    "this CA: unable to get local issuer certificate");
	est_response_free(&res);
}
END_TEST

START_TEST(a_certificate_it_issued_can_reenroll)
{
	struct tp_csr_spec	 spec = { .cn = "cycle", .san = "DNS:cycle.example" };
	struct est_response	 res, res2;
	X509			*first, *second;
	char			*pem;

	post(ENROLL, TP_EC_P256, &spec, boot_pem, &res);
	first = issued_cert(&res);
	pem = tp_cert_pem(first);
	post(REENROLL, TP_EC_P256, &spec, pem, &res2);
	second = issued_cert(&res2);
	ck_assert_str_eq(res2.identity, "CN=cycle");
	ck_assert_int_ne(ASN1_INTEGER_cmp(X509_get0_serialNumber(first),
	    X509_get0_serialNumber(second)), 0);
	X509_free(first);
	X509_free(second);
	free(pem);
	est_response_free(&res);
	est_response_free(&res2);
}
END_TEST

START_TEST(refuses_control_characters_in_names_and_keeps_them_out_of_the_reason)
{
	struct tp_csr_spec	 spec = { .cn = "evil\nname" };
	struct est_response	 res;

	post(REENROLL, TP_EC_P256, &spec, own_pem, &res);
	ck_assert_int_eq(res.status, 403);
	ck_assert_ptr_null(strchr(res.reason, '\n'));
	est_response_free(&res);
	/* Such a subject is refused outright; no control byte reaches the reason. */
	post(ENROLL, TP_EC_P256, &spec, boot_pem, &res);
	assert_fail(&res, 403, "CSR subject contains control characters");
	ck_assert_ptr_null(strchr(res.reason, '\n'));
	est_response_free(&res);
}
END_TEST

/* ---- Labels, password authentication, hook, codes, csrattrs (issue 3). */

#define IOT_ENROLL	"/.well-known/est/iot/simpleenroll"
#define IOT_REENROLL	"/.well-known/est/iot/simplereenroll"
#define IOT_CACERTS	"/.well-known/est/iot/cacerts"
#define IOT_CSRATTRS	"/.well-known/est/iot/csrattrs"
/* The iot label: its own CA, HTTP Basic against the users file. */
#define IOT_BASE	"[ca iot]\ncertificate = iot-ca.pem\nkey = iot-ca.key\n" \
			"[auth iot]\nhtpasswd = users\n"
#define IOT_PASSWORD	IOT_BASE "methods = password\nrealm = IoT devices\n"

static EVP_PKEY	*iot_key;
static X509	*iot_ca;

/* Writes the iot CA and a users file (demo, alice) into the env. */
static void
iot_files(void)
{
	char *h1, *h2, *users;

	if (iot_ca == NULL) {
		iot_key = tp_key(TP_EC_P256);
		iot_ca = tp_ca(iot_key, "IoT CA");
	}
	tp_write_key(env.dir, "iot-ca.key", iot_key);
	tp_write_certs(env.dir, "iot-ca.pem", &iot_ca, 1);
	h1 = tp_crypt("$6$", "demo-password");
	h2 = tp_crypt("$y$", "alice-password");
	ck_assert_int_ne(asprintf(&users, "# demo only\ndemo:%s\nalice:%s\n", h1, h2), -1);
	tp_write_str(env.dir, "users", users);
	free(users);
	free(h1);
	free(h2);
}

/* Replaces the fixture's service with one for the base config + extra. */
static void
reload(const char *extra)
{
	struct diag	d;
	size_t		i;

	iot_files();
	service_free(&svc);
	diag_init(&d);
	if (tp_env_config(&env, extra, &d) != 0 ||
	    service_load(&svc, &env.cfg, &d) != 0) {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.msgs[i]);
		ck_abort_msg("configuration does not load");
	}
	diag_free(&d);
}

static void
iot_teardown(void)
{
	X509_free(iot_ca);
	EVP_PKEY_free(iot_key);
	iot_ca = NULL;
	iot_key = NULL;
}

/* "Basic base64(user:password)", malloc'd. */
static char *
basic(const char *user, const char *password)
{
	char		*cred, *out;
	size_t		 len;

	ck_assert_int_ne(asprintf(&cred, "%s:%s", user, password), -1);
	len = strlen(cred);
	out = malloc(6 + 4 * ((len + 2) / 3) + 1);
	memcpy(out, "Basic ", 6);
	EVP_EncodeBlock((unsigned char *)out + 6, (unsigned char *)cred, (int)len);
	free(cred);
	return out;
}

/* POSTs a CSR with authorization and remote_user (either may be NULL). */
static void
post_auth(const char *path, enum tp_key_type kt, const struct tp_csr_spec *spec,
    const char *peer_pem, const char *authorization, const char *remote_user,
    struct est_response *res)
{
	struct est_request	 req;
	char			*body = csr_b64(kt, spec, NULL);

	req_init(&req, "POST", path, CT_P10, body, strlen(body), peer_pem);
	req.authorization = authorization;
	req.remote_user = remote_user;
	handle(&req, res);
	free(body);
}

/* As post_auth, with Basic credentials for user and password. */
static void
post_basic(const char *path, const struct tp_csr_spec *spec, const char *peer_pem,
    const char *user, const char *password, struct est_response *res)
{
	char *auth = basic(user, password);

	post_auth(path, TP_EC_P256, spec, peer_pem, auth, NULL, res);
	free(auth);
}

static int
verifies_against(X509 *x, X509 *ca)
{
	X509_STORE	*store = X509_STORE_new();
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();
	int		 ok;

	X509_STORE_add_cert(store, ca);
	X509_STORE_CTX_init(ctx, store, x, NULL);
	ok = X509_verify_cert(ctx) == 1;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}

/* A 401 asking for Basic credentials in realm. */
static void
assert_401_basic(const struct est_response *res, const char *realm,
    const char *reason)
{
	assert_fail(res, 401, reason);
	ck_assert_str_eq(res->reason, reason);
	ck_assert_ptr_nonnull(res->realm);
	ck_assert_str_eq(res->realm, realm);
}

START_TEST(password_label_answers_401_with_its_realm_without_credentials)
{
	struct tp_csr_spec	spec = { .cn = "d" };
	struct est_response	res;

	reload(IOT_PASSWORD);
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, NULL, NULL, &res);
	assert_401_basic(&res, "IoT devices", "a user name and password are required");
	ck_assert_str_eq(res.label, "iot");
	est_response_free(&res);
	/* A client certificate is no password. */
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, boot_pem, NULL, NULL, &res);
	assert_401_basic(&res, "IoT devices", "a user name and password are required");
	est_response_free(&res);
}
END_TEST

START_TEST(the_realm_defaults_to_est)
{
	struct tp_csr_spec	spec = { .cn = "d" };
	struct est_response	res;

	reload(IOT_BASE "methods = password\n");
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, NULL, NULL, &res);
	assert_401_basic(&res, "EST", "a user name and password are required");
	est_response_free(&res);
}
END_TEST

START_TEST(wrong_password_and_unknown_user_get_the_same_401)
{
	struct tp_csr_spec	spec = { .cn = "d" };
	struct est_response	wrong, unknown;

	reload(IOT_PASSWORD);
	post_basic(IOT_ENROLL, &spec, NULL, "demo", "not-the-password", &wrong);
	post_basic(IOT_ENROLL, &spec, NULL, "nobody", "demo-password", &unknown);
	assert_401_basic(&wrong, "IoT devices", "wrong user name or password");
	assert_401_basic(&unknown, "IoT devices", "wrong user name or password");
	ck_assert_uint_eq(wrong.body.len, unknown.body.len);
	ck_assert_mem_eq(wrong.body.data, unknown.body.data, wrong.body.len);
	/* Neither names the user it tried. */
	ck_assert_str_eq(wrong.identity, unknown.identity);
	ck_assert_ptr_null(strstr(wrong.identity, "demo"));
	est_response_free(&wrong);
	est_response_free(&unknown);
	/* Another user's password is wrong too. */
	post_basic(IOT_ENROLL, &spec, NULL, "alice", "demo-password", &wrong);
	assert_401_basic(&wrong, "IoT devices", "wrong user name or password");
	est_response_free(&wrong);
}
END_TEST

START_TEST(malformed_authorization_headers_get_401)
{
	static const char *const not_basic[] = {
		"Bearer ZGVtbzpkZW1vLXBhc3N3b3Jk", "Basic", "Basi ZGVtbw==",
		"ZGVtbzpkZW1vLXBhc3N3b3Jk", "",
	};
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct est_response	 res;
	char			*good = basic("demo", "demo-password"), *nocolon, *emptyuser;
	char			 big[EST_AUTH_HEADER_MAX + 64];
	size_t			 i;

	reload(IOT_PASSWORD);
	for (i = 0; i < sizeof(not_basic) / sizeof(not_basic[0]); i++) {
		post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, not_basic[i], NULL, &res);
		assert_401_basic(&res, "IoT devices",
		    "a user name and password are required");
		est_response_free(&res);
	}
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, "Basic !!!!", NULL, &res);
	assert_401_basic(&res, "IoT devices", "wrong user name or password");
	est_response_free(&res);
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, "Basic ZGVtbw=", NULL, &res);
	assert_401_basic(&res, "IoT devices", "wrong user name or password");
	est_response_free(&res);
	/* "demo" alone, and ":demo-password". */
	nocolon = basic("demo", "");
	nocolon[strlen(nocolon) - 4] = '\0';	/* "ZGVtbzo=" -> "ZGVt" */
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, nocolon, NULL, &res);
	assert_401_basic(&res, "IoT devices", "wrong user name or password");
	est_response_free(&res);
	emptyuser = basic("", "demo-password");
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, emptyuser, NULL, &res);
	assert_401_basic(&res, "IoT devices", "wrong user name or password");
	est_response_free(&res);
	/* A valid header padded past the limit is not read: it fails. */
	snprintf(big, sizeof(big), "%s", good);
	memset(big + strlen(good), ' ', sizeof(big) - strlen(good) - 1);
	big[sizeof(big) - 1] = '\0';
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, big, NULL, &res);
	assert_401_basic(&res, "IoT devices", "wrong user name or password");
	est_response_free(&res);
	/* A NUL in the credentials: "demo-password\0x" is not demo's password,
	 * nor "demo\0x" demo (C strings would stop at the NUL). */
	for (i = 0; i < 2; i++) {
		static const char *const cred[] = {
			"demo:demo-password\0x", "demo\0x:demo-password",	/* one length */
		};
		char	hdr[64] = "Basic ";

		EVP_EncodeBlock((unsigned char *)hdr + 6, (const unsigned char *)cred[i],
		    (int)sizeof("demo:demo-password\0x") - 1);
		post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, hdr, NULL, &res);
		assert_401_basic(&res, "IoT devices", "wrong user name or password");
		est_response_free(&res);
	}
	/* The scheme is case-insensitive (RFC 7617); the good header works. */
	good[0] = 'b';
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, good, NULL, &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	free(good);
	free(nocolon);
	free(emptyuser);
}
END_TEST

START_TEST(password_enrollment_chains_to_the_labels_ca)
{
	struct tp_csr_spec	 spec = { .cn = "sensor-1" };
	struct est_response	 res;
	X509			*x;

	reload(IOT_PASSWORD);
	post_basic(IOT_ENROLL, &spec, NULL, "demo", "demo-password", &res);
	x = issued_cert(&res);
	ck_assert_str_eq(res.identity, "user:demo");
	ck_assert_str_eq(res.label, "iot");
	ck_assert_int_eq(res.op, EST_OP_SIMPLEENROLL);
	ck_assert_int_eq(X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(iot_ca)), 0);
	ck_assert_int_eq(verifies_against(x, iot_ca), 1);
	ck_assert_int_eq(verifies_against(x, env.ca), 0);
	X509_free(x);
	est_response_free(&res);
	/* The default label still issues from its own CA, by certificate. */
	post(ENROLL, TP_EC_P256, &spec, boot_pem, &res);
	x = issued_cert(&res);
	ck_assert_ptr_null(res.label);
	ck_assert_int_eq(verifies_against(x, env.ca), 1);
	ck_assert_int_eq(verifies_against(x, iot_ca), 0);
	X509_free(x);
	est_response_free(&res);
	/* Passwords mean nothing on the certificate-only default label. */
	post_basic(ENROLL, &spec, NULL, "demo", "demo-password", &res);
	assert_fail(&res, 401, "client certificate required");
	est_response_free(&res);
}
END_TEST

START_TEST(a_label_serves_its_own_cacerts)
{
	struct est_request	 req;
	struct est_response	 res;
	struct buf		 der;
	const unsigned char	*p;
	PKCS7			*p7;

	reload(IOT_PASSWORD);
	req_init(&req, "GET", IOT_CACERTS, NULL, NULL, 0, NULL);
	handle(&req, &res);
	ck_assert_int_eq(res.status, 200);
	ck_assert_str_eq(res.label, "iot");
	buf_init(&der);
	ck_assert_int_eq(b64_decode(res.body.data, res.body.len, &der), B64_OK);
	p = der.data;
	p7 = d2i_PKCS7(NULL, &p, (long)der.len);
	ck_assert_ptr_nonnull(p7);
	ck_assert_int_eq(sk_X509_num(p7->d.sign->cert), 1);
	ck_assert_int_eq(X509_cmp(sk_X509_value(p7->d.sign->cert, 0), iot_ca), 0);
	PKCS7_free(p7);
	buf_free(&der);
	est_response_free(&res);
}
END_TEST

START_TEST(unknown_labels_and_operations_under_a_label_get_404)
{
	static const char *const labels[] = {
		"/.well-known/est/iot2/simpleenroll", "/.well-known/est/IOT/cacerts",
		"/.well-known/est/../cacerts", "/.well-known/est//cacerts",
	};
	static const char *const ops[] = {
		"/.well-known/est/iot/", "/.well-known/est/iot/bogus",
		"/.well-known/est/iot/iot/cacerts", "/.well-known/est/iot/fullcmc",
	};
	struct est_request	req;
	struct est_response	res;
	size_t			i;

	reload(IOT_PASSWORD);
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		req_init(&req, "GET", labels[i], NULL, NULL, 0, NULL);
		handle(&req, &res);
		assert_fail(&res, 404, "unknown CA label");
		est_response_free(&res);
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		req_init(&req, "GET", ops[i], NULL, NULL, 0, NULL);
		handle(&req, &res);
		assert_fail(&res, 404, "unknown EST operation");
		est_response_free(&res);
	}
}
END_TEST

START_TEST(certificate_and_password_requires_both)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct est_response	 res;

	reload(IOT_BASE "methods = certificate-and-password\nrealm = both\n"
	    "[trust iot]\nstore = trust\n");
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, boot_pem, NULL, NULL, &res);
	assert_401_basic(&res, "both", "a user name and password are required");
	est_response_free(&res);
	post_basic(IOT_ENROLL, &spec, NULL, "demo", "demo-password", &res);
	/* A 401 carries WWW-Authenticate wherever the label takes passwords. */
	assert_401_basic(&res, "both", "client certificate required");
	est_response_free(&res);
	post_basic(IOT_ENROLL, &spec, boot_pem, "demo", "wrong", &res);
	assert_401_basic(&res, "both", "wrong user name or password");
	est_response_free(&res);
	post_basic(IOT_ENROLL, &spec, boot_pem, "demo", "demo-password", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	ck_assert_str_eq(res.identity, "user:demo");
	est_response_free(&res);
}
END_TEST

START_TEST(certificate_or_password_accepts_either)
{
	EVP_PKEY		*k = tp_key(TP_EC_P256);
	X509			*rogue_ca = tp_ca(k, "Rogue CA");
	X509			*rogue = tp_client(client_key, "rogue", rogue_ca, k);
	char			*rogue_pem = tp_cert_pem(rogue);
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct est_response	 res;

	reload(IOT_BASE "methods = certificate-or-password\n[trust iot]\nstore = trust\n");
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, boot_pem, NULL, NULL, &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	ck_assert_str_eq(res.identity, "CN=bootstrap-7");
	est_response_free(&res);
	post_basic(IOT_ENROLL, &spec, NULL, "alice", "alice-password", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	ck_assert_str_eq(res.identity, "user:alice");
	est_response_free(&res);
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, NULL, NULL, &res);
	assert_401_basic(&res, "EST", "a user name and password are required");
	est_response_free(&res);
	post_basic(IOT_ENROLL, &spec, NULL, "alice", "wrong", &res);
	assert_401_basic(&res, "EST", "wrong user name or password");
	est_response_free(&res);
	/* An untrusted certificate alone is refused for what it is... */
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, rogue_pem, NULL, NULL, &res);
	assert_fail(&res, 403, "client certificate not accepted");
	est_response_free(&res);
	/* ...and a good password still lets its holder in. */
	post_basic(IOT_ENROLL, &spec, rogue_pem, "alice", "alice-password", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	free(rogue_pem);
	X509_free(rogue);
	X509_free(rogue_ca);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(remote_user_is_trusted_only_when_configured)
{
	struct tp_csr_spec	spec = { .cn = "d" };
	struct est_response	res;
	char			*auth;

	reload(IOT_PASSWORD);
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, NULL, "demo", &res);
	assert_401_basic(&res, "IoT devices", "a user name and password are required");
	est_response_free(&res);
	reload("[ca iot]\ncertificate = iot-ca.pem\nkey = iot-ca.key\n"
	    "[auth iot]\nmethods = password\ntrust_remote_user = yes\n");
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, NULL, "carol", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	ck_assert_str_eq(res.identity, "user:carol");
	est_response_free(&res);
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, NULL, "", &res);
	assert_401_basic(&res, "EST", "a user name and password are required");
	est_response_free(&res);
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, NULL, NULL, &res);
	assert_401_basic(&res, "EST", "a user name and password are required");
	est_response_free(&res);
	/* The front server that checked the password forwards its header too. */
	auth = basic("carol", "front-server-password");
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, auth, "carol", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	ck_assert_str_eq(res.identity, "user:carol");
	est_response_free(&res);
	free(auth);
}
END_TEST

START_TEST(renewal_demands_the_certificate_even_where_passwords_suffice)
{
	struct tp_csr_spec	spec = { .cn = "demo" };
	struct est_response	res;

	reload(IOT_PASSWORD);
	post_basic(IOT_ENROLL, &spec, NULL, "demo", "demo-password", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	post_basic(IOT_REENROLL, &spec, NULL, "demo", "demo-password", &res);
	assert_401_basic(&res, "IoT devices", "client certificate required");
	est_response_free(&res);
}
END_TEST

START_TEST(a_presented_password_is_never_replaced_by_remote_user)
{
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct est_response	 res;
	char			*wrong = basic("demo", "not-the-password"), *right;
	char			 big[EST_AUTH_HEADER_MAX + 64];

	/* With an htpasswd file of our own, a Basic header is checked here. */
	reload(IOT_PASSWORD "trust_remote_user = yes\n");
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, wrong, "demo", &res);
	assert_401_basic(&res, "IoT devices", "wrong user name or password");
	est_response_free(&res);
	/* An over-long header fails; REMOTE_USER does not stand in for it. */
	snprintf(big, sizeof(big), "%s", wrong);
	memset(big + strlen(wrong), 'A', sizeof(big) - strlen(wrong) - 1);
	big[sizeof(big) - 1] = '\0';
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, big, "demo", &res);
	assert_401_basic(&res, "IoT devices", "wrong user name or password");
	est_response_free(&res);
	right = basic("demo", "demo-password");
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, right, "someone-else", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	ck_assert_str_eq(res.identity, "user:demo");
	est_response_free(&res);
	/* Without a header, REMOTE_USER is trusted as configured. */
	post_auth(IOT_ENROLL, TP_EC_P256, &spec, NULL, NULL, "demo", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	ck_assert_str_eq(res.identity, "user:demo");
	est_response_free(&res);
	free(wrong);
	free(right);
}
END_TEST

/*
 * A T61String CN reads as Latin-1: bytes "caf\xc3\xa9" name "caf\u00c3\u00a9",
 * and the CSR's UTF-8 "caf\u00e9" is another name.
 */
START_TEST(identity_rule_reads_the_certificate_cn_as_text)
{
	static const unsigned char t61[] = "caf\xc3\xa9";
	struct tp_csr_spec	utf8_of_bytes = { .cn = "caf\xc3\xa9" };
	struct tp_csr_spec	as_latin1 = { .cn = "caf\xc3\x83\xc2\xa9" };
	struct est_response	res;
	X509			*x = tp_client(client_key, "t61", env.boot_ca, env.boot_key);
	X509_NAME		*n = X509_NAME_new();
	char			*pem;

	ck_assert_int_eq(X509_NAME_add_entry_by_NID(n, NID_commonName,
	    V_ASN1_T61STRING, t61, (int)sizeof(t61) - 1, -1, 0), 1);
	ck_assert_int_eq(X509_set_subject_name(x, n), 1);
	ck_assert_int_ne(X509_sign(x, env.boot_key, EVP_sha256()), 0);
	pem = tp_cert_pem(x);
	reload("[ca iot]\ncertificate = iot-ca.pem\nkey = iot-ca.key\n"
	    "[trust iot]\nstore = trust\n"
	    "[profile iot]\nsubject_must_match = identity\n");
	post_auth(IOT_ENROLL, TP_EC_P256, &utf8_of_bytes, pem, NULL, NULL, &res);
	ck_assert_int_eq(res.status, 403);
	ck_assert_ptr_nonnull(strstr(res.reason, "must name the authenticated identity"));
	est_response_free(&res);
	post_auth(IOT_ENROLL, TP_EC_P256, &as_latin1, pem, NULL, NULL, &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	free(pem);
	X509_NAME_free(n);
	X509_free(x);
}
END_TEST

START_TEST(identity_rule_binds_the_user_name_through_the_handler)
{
	struct tp_csr_spec	mine = { .cn = "demo" };
	struct tp_csr_spec	other = { .cn = "alice" };
	struct est_response	res;

	reload(IOT_PASSWORD "[profile iot]\nsubject_must_match = identity\n");
	post_basic(IOT_ENROLL, &mine, NULL, "demo", "demo-password", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	post_basic(IOT_ENROLL, &other, NULL, "demo", "demo-password", &res);
	assert_fail(&res, 403, "every name in the CSR must name the "
	    "authenticated identity (demo)");
	est_response_free(&res);
}
END_TEST

START_TEST(serves_csrattrs_derived_from_the_profile_without_authentication)
{
	struct est_request	req;
	struct est_response	res;
	struct buf		der, want;

	reload(IOT_PASSWORD);
	req_init(&req, "GET", "/.well-known/est/csrattrs", NULL, NULL, 0, NULL);
	handle(&req, &res);
	ck_assert_int_eq(res.status, 200);
	ck_assert_int_eq(res.op, EST_OP_CSRATTRS);
	ck_assert_str_eq(res.content_type, "application/csrattrs");
	ck_assert_int_eq(res.base64_encoded, 1);
	buf_init(&der);
	buf_init(&want);
	ck_assert_int_eq(b64_decode(res.body.data, res.body.len, &der), B64_OK);
	ck_assert_int_eq(csrattrs_build(&env.cfg.labels[0].profile, &want), 0);
	ck_assert_uint_gt(want.len, 0);
	ck_assert_uint_eq(der.len, want.len);
	ck_assert_mem_eq(der.data, want.data, want.len);
	buf_free(&der);
	buf_free(&want);
	est_response_free(&res);
	req_init(&req, "POST", IOT_CSRATTRS, CT_P10, "x", 1, NULL);
	handle(&req, &res);
	assert_fail(&res, 405, "csrattrs takes GET, HEAD only");
	ck_assert_str_eq(res.allow, "GET, HEAD");
	est_response_free(&res);
}
END_TEST

START_TEST(serves_verbatim_csrattrs_and_204_for_none)
{
	struct est_request	req;
	struct est_response	res;
	struct buf		der;

	reload(IOT_PASSWORD "[profile iot]\ncsrattrs = none\n"
	    "[profile]\ncsrattrs = MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqG"
	    "SIb3DQEJDjEJBgcrBgEBAQEWBggqhkjOPQQDAw==\n");
	req_init(&req, "GET", IOT_CSRATTRS, NULL, NULL, 0, NULL);
	handle(&req, &res);
	ck_assert_int_eq(res.status, 204);
	ck_assert_ptr_null(res.content_type);
	ck_assert_uint_eq(res.body.len, 0);
	ck_assert_int_eq(res.base64_encoded, 0);
	est_response_free(&res);
	req_init(&req, "GET", "/.well-known/est/csrattrs", NULL, NULL, 0, NULL);
	handle(&req, &res);
	ck_assert_int_eq(res.status, 200);
	ck_assert_str_eq(res.content_type, "application/csrattrs");
	buf_init(&der);
	ck_assert_int_eq(b64_decode(res.body.data, res.body.len, &der), B64_OK);
	ck_assert_uint_eq(der.len, 0x43);
	ck_assert_mem_eq(der.data, "\x30\x41\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x09\x07", 13);
	buf_free(&der);
	est_response_free(&res);
}
END_TEST

START_TEST(the_hook_allows_and_denies_through_the_handler)
{
	char			 extra[4 * TP_PATH_MAX], *facts;
	struct tp_csr_spec	 ok = { .cn = "sensor-1", .san = "DNS:sensor-1.example" };
	struct tp_csr_spec	 blocked = { .cn = "blocked-1" };
	struct est_response	 res;
	struct buf		 b;
	char			 path[TP_PATH_MAX], chunk[1024];
	FILE			*f;
	size_t			 n;

	snprintf(chunk, sizeof(chunk), "#!/bin/sh\ntee '%s/facts.json' | "
	    "grep -q blocked || exit 0\necho 'serial not in inventory'\nexit 1\n",
	    env.dir);
	tp_write_script(env.dir, "hook.sh", chunk);
	snprintf(extra, sizeof(extra), IOT_PASSWORD "[profile iot]\nhook = hook.sh\n"
	    "hook_timeout_ms = 5000\n");
	reload(extra);
	post_basic(IOT_ENROLL, &ok, NULL, "demo", "demo-password", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	tp_path(path, env.dir, "facts.json");
	buf_init(&b);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	buf_append(&b, "", 1);
	facts = (char *)b.data;
	ck_assert_str_eq(facts, "{\"label\":\"iot\",\"operation\":\"simpleenroll\","
	    "\"auth_method\":\"password\",\"identity\":\"demo\","
	    "\"registration_authority\":false,\"client_subject\":null,"
	    "\"client_issuer\":null,\"client_serial\":null,"
	    "\"csr_subject\":\"CN=sensor-1\",\"csr_san\":[\"DNS:sensor-1.example\"],"
	    "\"key\":\"EC P-256\",\"key_bits\":256}\n");
	buf_free(&b);
	post_basic(IOT_ENROLL, &blocked, NULL, "demo", "demo-password", &res);
	assert_fail(&res, 403, "serial not in inventory");
	ck_assert_str_eq(res.reason, "serial not in inventory");
	est_response_free(&res);
	/* The hook runs after the built-in rules: a policy refusal wins. */
	{
		char *auth = basic("demo", "demo-password");

		post_auth(IOT_ENROLL, TP_RSA_1024, &blocked, NULL, auth, NULL, &res);
		free(auth);
	}
	assert_fail(&res, 403, "RSA-1024 key is below the minimum of 2048 bits");
	est_response_free(&res);
}
END_TEST

START_TEST(the_hook_sees_every_name_of_the_csr)
{
	char			 extra[4 * TP_PATH_MAX], san[4096], script[256];
	struct tp_csr_spec	 spec = { .cn = "sensor-1", .san = san };
	struct est_response	 res;
	size_t			 i, o = 0;

	/* Past the 64th name, where the hook's view used to end. */
	for (i = 1; i <= 100; i++)
		o += (size_t)snprintf(san + o, sizeof(san) - o, "%sDNS:n%zu.example",
		    i > 1 ? "," : "", i);
	snprintf(script, sizeof(script), "#!/bin/sh\ngrep -q 'n100.example' || "
	    "exit 0\necho 'name 100 refused'\nexit 1\n");
	tp_write_script(env.dir, "hook.sh", script);
	snprintf(extra, sizeof(extra), IOT_PASSWORD "[profile iot]\nhook = hook.sh\n"
	    "max_san_entries = 200\n");
	reload(extra);
	post_basic(IOT_ENROLL, &spec, NULL, "demo", "demo-password", &res);
	assert_fail(&res, 403, "name 100 refused");
	est_response_free(&res);
}
END_TEST

START_TEST(an_enrollment_code_is_spent_once_and_only_on_success)
{
	char			 dir[TP_PATH_MAX];
	struct tp_csr_spec	 one = { .cn = "d1", .challenge_password = "CODE-1" };
	struct tp_csr_spec	 two = { .cn = "d2", .challenge_password = "CODE-2" };
	struct tp_csr_spec	 blocked = { .cn = "blocked", .challenge_password = "CODE-3" };
	struct tp_csr_spec	 three = { .cn = "d3", .challenge_password = "CODE-3" };
	struct tp_csr_spec	 none = { .cn = "d4" };
	struct tp_csr_spec	 bad = { .cn = "d5", .challenge_password = "CODE-9" };
	struct est_response	 res;

	tp_path(dir, env.dir, "spent");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	tp_write_file(env.dir, "codes", "CODE-1\nCODE-2\nCODE-3\n", 21, 0600);
	tp_write_script(env.dir, "hook.sh", "#!/bin/sh\ngrep -q blocked || exit 0\n"
	    "echo no\nexit 1\n");
	reload(IOT_PASSWORD "[profile iot]\nchallenge_password = code\n"
	    "enrollment_codes = codes\nenrollment_code_state = spent\nhook = hook.sh\n");
	post_basic(IOT_ENROLL, &one, NULL, "demo", "demo-password", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	post_basic(IOT_ENROLL, &one, NULL, "demo", "demo-password", &res);
	assert_fail(&res, 403, "enrollment code was already used");
	est_response_free(&res);
	post_basic(IOT_ENROLL, &bad, NULL, "demo", "demo-password", &res);
	assert_fail(&res, 403, "enrollment code is not valid");
	est_response_free(&res);
	post_basic(IOT_ENROLL, &none, NULL, "demo", "demo-password", &res);
	assert_fail(&res, 403, "CSR needs an enrollment code in its challengePassword");
	est_response_free(&res);
	/* Refused by the policy (a weak key): the code is not burnt. */
	{
		char *auth = basic("demo", "demo-password");

		post_auth(IOT_ENROLL, TP_RSA_1024, &two, NULL, auth, NULL, &res);
		free(auth);
	}
	assert_fail(&res, 403, "RSA-1024 key is below the minimum of 2048 bits");
	est_response_free(&res);
	post_basic(IOT_ENROLL, &two, NULL, "demo", "demo-password", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	/* Refused by the hook: not burnt either. */
	post_basic(IOT_ENROLL, &blocked, NULL, "demo", "demo-password", &res);
	assert_fail(&res, 403, "no");
	est_response_free(&res);
	post_basic(IOT_ENROLL, &three, NULL, "demo", "demo-password", &res);
	ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
	est_response_free(&res);
	/* A server error after the code was spent gives it back. */
	{
		struct tp_csr_spec four = { .cn = "d6", .challenge_password = "CODE-4" };

		tp_write_file(env.dir, "codes", "CODE-1\nCODE-2\nCODE-3\nCODE-4\n",
		    28, 0600);
		reload(IOT_PASSWORD "[profile iot]\nchallenge_password = code\n"
		    "enrollment_codes = codes\nenrollment_code_state = spent\n");
		fail_signing = 1;
		wrapped_calls = 0;
		post_basic(IOT_ENROLL, &four, NULL, "demo", "demo-password", &res);
		fail_signing = 0;
		ck_assert_msg(wrapped_calls == 1, "the -Wl,--wrap=signer_sign_cert "
		    "seam was not reached (an LTO build?): %d calls", wrapped_calls);
		ck_assert_int_eq(res.status, 500);
		ck_assert_msg(strstr(res.reason, "(the enrollment code was not spent)")
		    != NULL, "%s", res.reason);
		est_response_free(&res);
		post_basic(IOT_ENROLL, &four, NULL, "demo", "demo-password", &res);
		ck_assert_msg(res.status == 200, "%d %s", res.status, res.reason);
		est_response_free(&res);
		post_basic(IOT_ENROLL, &four, NULL, "demo", "demo-password", &res);
		assert_fail(&res, 403, "enrollment code was already used");
		est_response_free(&res);
	}
	/* The state directory failed: a server error (500, logged as an
	 * error and retried by clients), not a refusal; nothing issued. */
	{
		struct tp_csr_spec five = { .cn = "d7", .challenge_password = "CODE-5" };

		tp_write_file(env.dir, "codes", "CODE-5\n", 7, 0600);
		reload(IOT_PASSWORD "[profile iot]\nchallenge_password = code\n"
		    "enrollment_codes = codes\nenrollment_code_state = spent\n");
		tp_rmtree(dir);	/* gone after start-up */
		post_basic(IOT_ENROLL, &five, NULL, "demo", "demo-password", &res);
		assert_fail(&res, 500, "enrollment code cannot be recorded as used");
		est_response_free(&res);
	}
	/* Refused at authentication: nothing is looked at. */
	post_basic(IOT_ENROLL, &three, NULL, "demo", "wrong", &res);
	ck_assert_int_eq(res.status, 401);
	est_response_free(&res);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("core");
	TCase	*tc = tcase_create("core");

	/* As the worker does (estd.c), for the hook's pipe. */
	signal(SIGPIPE, SIG_IGN);
	tp_preload_rsa();
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, is_pkcs10_accepts_the_media_type_with_parameters);
	tcase_add_test(tc, is_pkcs10_rejects_other_media_types);
	tcase_add_test(tc, names_statuses);
	tcase_add_test(tc, answers_404_for_unknown_paths_and_labels);
	tcase_add_test(tc, answers_405_with_allow_for_the_wrong_method);
	tcase_add_test(tc, serves_cacerts_without_authentication);
	tcase_add_test(tc, answers_401_without_a_client_certificate);
	tcase_add_test(tc, answers_403_when_the_front_server_rejected_the_certificate);
	tcase_add_test(tc, answers_500_when_the_verified_certificate_is_not_passed_on);
	tcase_add_test(tc, answers_403_for_a_certificate_that_is_not_pem);
	tcase_add_test(tc, answers_403_for_a_client_of_an_untrusted_ca);
	tcase_add_test(tc, answers_403_for_an_expired_client_certificate);
	tcase_add_test(tc, verifies_the_client_at_the_request_time);
	tcase_add_test(tc, answers_403_for_a_server_only_certificate);
	tcase_add_test(tc, checks_authentication_before_the_body);
	tcase_add_test(tc, answers_413_for_a_body_over_the_limit);
	tcase_add_test(tc, answers_each_body_state_with_its_status);
	tcase_add_test(tc, response_error_is_one_text_line);
	tcase_add_test(tc, answers_415_for_other_content_types);
	tcase_add_test(tc, answers_400_for_bodies_that_are_not_base64);
	tcase_add_test(tc, answers_400_for_truncated_der);
	tcase_add_test(tc, answers_400_for_a_bad_csr_signature);
	tcase_add_test(tc, answers_403_for_requests_the_policy_refuses);
	tcase_add_test(tc, answers_500_once_the_ca_certificate_has_expired);
	tcase_add_test(tc, answers_403_for_the_rfc7030_a3_request);
	tcase_add_test(tc, enrolls_and_returns_one_certificate_that_verifies);
	tcase_add_test(tc, enrolls_from_a_pem_armored_request);
	tcase_add_test(tc, enrolls_an_rsa_key_with_key_encipherment);
	tcase_add_test(tc, this_cas_clients_enroll_only_to_renew_their_names);
	tcase_add_test(tc, accept_issued_any_lets_this_cas_clients_enroll_other_names);
	tcase_add_test(tc, renewal_rules_follow_the_certificate_only_where_it_let_the_client_in);
	tcase_add_test(tc, a_password_exempt_client_gets_no_name_from_this_cas_certificate);
	tcase_add_test(tc, reenrolls_a_certificate_of_this_ca_with_the_same_identity);
	tcase_add_test(tc, refuses_reenrollment_with_another_identity);
	tcase_add_test(tc, refuses_reenrollment_for_a_certificate_of_another_ca);
	tcase_add_test(tc, a_certificate_it_issued_can_reenroll);
	tcase_add_test(tc, refuses_control_characters_in_names_and_keeps_them_out_of_the_reason);
	tcase_add_test(tc, password_label_answers_401_with_its_realm_without_credentials);
	tcase_add_test(tc, the_realm_defaults_to_est);
	tcase_add_test(tc, wrong_password_and_unknown_user_get_the_same_401);
	tcase_add_test(tc, malformed_authorization_headers_get_401);
	tcase_add_test(tc, password_enrollment_chains_to_the_labels_ca);
	tcase_add_test(tc, a_label_serves_its_own_cacerts);
	tcase_add_test(tc, unknown_labels_and_operations_under_a_label_get_404);
	tcase_add_test(tc, certificate_and_password_requires_both);
	tcase_add_test(tc, certificate_or_password_accepts_either);
	tcase_add_test(tc, remote_user_is_trusted_only_when_configured);
	tcase_add_test(tc, a_presented_password_is_never_replaced_by_remote_user);
	tcase_add_test(tc, renewal_demands_the_certificate_even_where_passwords_suffice);
	tcase_add_test(tc, identity_rule_binds_the_user_name_through_the_handler);
	tcase_add_test(tc, identity_rule_reads_the_certificate_cn_as_text);
	tcase_add_test(tc, serves_csrattrs_derived_from_the_profile_without_authentication);
	tcase_add_test(tc, serves_verbatim_csrattrs_and_204_for_none);
	tcase_add_test(tc, the_hook_allows_and_denies_through_the_handler);
	tcase_add_test(tc, the_hook_sees_every_name_of_the_csr);
	tcase_add_test(tc, an_enrollment_code_is_spent_once_and_only_on_success);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
