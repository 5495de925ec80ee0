/* check_core: est_handle end to end, without FastCGI. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/pkcs7.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "est/b64.h"
#include "est/core.h"
#include "testpki.h"

#define ENROLL		"/.well-known/est/simpleenroll"
#define REENROLL	"/.well-known/est/simplereenroll"
#define CACERTS		"/.well-known/est/cacerts"
#define CT_P10		"application/pkcs10"

static struct tp_env		 env;
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
	assert_fail(&res, 405, "cacerts takes GET only");
	ck_assert_str_eq(res.allow, "GET");
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
	req.body_too_large = 1;
	handle(&req, &res);
	assert_fail(&res, 401, "client certificate required");
	est_response_free(&res);
}
END_TEST

START_TEST(answers_413_for_a_body_over_the_limit)
{
	struct est_request	 req;
	struct est_response	 res;
	char			*big;

	req_init(&req, "POST", ENROLL, CT_P10, "AAAA", 4, boot_pem);
	req.body_too_large = 1;
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

START_TEST(accepts_this_cas_clients_for_enrollment)
{
	struct tp_csr_spec	 spec = { .cn = "anything" };
	struct est_response	 res;
	X509			*x;

	post(ENROLL, TP_EC_P256, &spec, own_pem, &res);
	x = issued_cert(&res);
	ck_assert_str_eq(res.identity, "CN=device-1");
	X509_free(x);
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

START_TEST(escapes_control_characters_in_the_reason)
{
	struct tp_csr_spec	 spec = { .cn = "evil\nname" };
	struct est_response	 res;

	post(REENROLL, TP_EC_P256, &spec, own_pem, &res);
	ck_assert_int_eq(res.status, 403);
	ck_assert_ptr_null(strchr(res.reason, '\n'));
	est_response_free(&res);
	post(ENROLL, TP_EC_P256, &spec, boot_pem, &res);
	ck_assert_int_eq(res.status, 200);
	ck_assert_ptr_null(strchr(res.reason, '\n'));
	ck_assert_ptr_nonnull(strstr(res.reason, "CN=evil\\0Aname"));
	est_response_free(&res);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("core");
	TCase	*tc = tcase_create("core");

	tp_preload_rsa();
	tcase_add_checked_fixture(tc, setup, teardown);
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
	tcase_add_test(tc, answers_415_for_other_content_types);
	tcase_add_test(tc, answers_400_for_bodies_that_are_not_base64);
	tcase_add_test(tc, answers_400_for_truncated_der);
	tcase_add_test(tc, answers_400_for_a_bad_csr_signature);
	tcase_add_test(tc, answers_403_for_requests_the_policy_refuses);
	tcase_add_test(tc, answers_403_for_the_rfc7030_a3_request);
	tcase_add_test(tc, enrolls_and_returns_one_certificate_that_verifies);
	tcase_add_test(tc, enrolls_from_a_pem_armored_request);
	tcase_add_test(tc, enrolls_an_rsa_key_with_key_encipherment);
	tcase_add_test(tc, accepts_this_cas_clients_for_enrollment);
	tcase_add_test(tc, reenrolls_a_certificate_of_this_ca_with_the_same_identity);
	tcase_add_test(tc, refuses_reenrollment_with_another_identity);
	tcase_add_test(tc, refuses_reenrollment_for_a_certificate_of_another_ca);
	tcase_add_test(tc, a_certificate_it_issued_can_reenroll);
	tcase_add_test(tc, escapes_control_characters_in_the_reason);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
