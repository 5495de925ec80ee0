/*
 * fuzz_core: the whole EST core, est_handle(), as the FastCGI adapter calls
 * it, against a service loaded once from a PKI generated at start-up.
 *
 * The service has two labels with the same CA: the default one
 * (certificate authentication) and "iot" (certificate or HTTP Basic, user
 * "fuzz", password "fuzz-password"; the subject must name the identity).
 *
 * Input format (fuzz/make-seeds.sh writes seeds in it):
 *
 *   FLAGS METHOD \0 PATH \0 CONTENT-TYPE \0 CERT \0 AUTHORIZATION \0 REMOTE-USER \0 BODY
 *
 *   FLAGS, one byte:
 *     bits 0-1  TLS verify state from the front server:
 *               0 none, 1 SUCCESS, 2 FAILED, 3 SUCCESS
 *     bits 2-3  client certificate text handed over:
 *               0 the CERT field (none at all when it is empty)
 *               1 a valid client certificate from the bootstrap CA in the
 *                 trust store (may simpleenroll)
 *               2 a valid client certificate issued by the EST CA itself
 *                 (may simplereenroll; subject "O=estd fuzz, CN=fuzz-client",
 *                 SAN DNS:fuzz-client.example.org)
 *               3 the same as 1 but expired
 *     bit  4    body_state EST_BODY_TOO_LARGE: the adapter stopped at the cap
 *     bit  5    no Content-Type at all (NULL instead of the field)
 *     bits 6-7  how a built-in certificate (choice 1-3) is encoded:
 *               0 plain PEM, 1 percent-encoded (nginx $ssl_client_escaped_cert),
 *               2 TAB-indented (nginx $ssl_client_cert), 3 two certificates
 *   METHOD, PATH, CONTENT-TYPE, CERT, AUTHORIZATION, REMOTE-USER: strings
 *   ending at the next NUL byte; a field the input does not reach is empty;
 *   an empty AUTHORIZATION or REMOTE-USER is absent (NULL).
 *   BODY: everything after the sixth NUL, NULs included.
 *
 * FUZZ_CORE_VERBOSE=1 in the environment prints one line per input with
 * the status and reason (for checking what the seeds reach).
 *
 * Properties checked besides ASan/UBSan/LSan: every request gets a status
 * and a reason; a certificate is issued (200 on an enroll operation) only to
 * a client the front server verified and that holds a built-in certificate
 * the service trusts for that operation, or, on the "iot" label only, to a
 * request with an Authorization header.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <crypt.h>

#include <openssl/err.h>

#include "est/config.h"
#include "est/core.h"
#include "est/diag.h"
#include "est/service.h"

#include "fuzz_pki.h"

enum { CERT_FIELD, CERT_BOOTSTRAP, CERT_ISSUED, CERT_EXPIRED, CERT_CHOICES };

static struct est_config	 fz_cfg;
static struct est_service	 fz_svc;
static char			*fz_pem[CERT_CHOICES];
static size_t			 fz_pem_len[CERT_CHOICES];
static int			 fz_verbose;	/* FUZZ_CORE_VERBOSE=1: one line per input */

static void
fz_core_cleanup(void)
{
	size_t i;

	service_free(&fz_svc);
	config_free(&fz_cfg);
	for (i = 0; i < CERT_CHOICES; i++)
		free(fz_pem[i]);
}

static void
fz_path(char *out, size_t outlen, const char *dir, const char *name)
{
	snprintf(out, outlen, "%s/%s", dir, name);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char conf[] =
	    "[estd]\nlog = stderr\nlog_level = error\nmax_body_bytes = 65536\n"
	    "[ca]\ncertificate = ca_cert.pem\nkey = ca_key.pem\n"
	    "[trust]\nstore = trust_store\naccept_issued = yes\n"
	    "[profile]\nvalidity_days = 365\n"
	    "key_usage = digitalSignature, keyEncipherment\n"
	    "extended_key_usage = clientAuth, serverAuth\n"
	    "rsa_min_bits = 2048\nec_curves = P-256, P-384, P-521\n"
	    "max_san_entries = 64\n"
	    "[auth]\nmethods = certificate\ntrust_remote_user = no\n"
	    "[ca iot]\ncertificate = ca_cert.pem\nkey = ca_key.pem\n"
	    "[trust iot]\nstore = trust_store\naccept_issued = yes\n"
	    "[auth iot]\nmethods = certificate-or-password\n"
	    "htpasswd = htpasswd\nrealm = EST iot\n"
	    "[profile iot]\nvalidity_days = 90\nkey_types = ec\n"
	    "subject_must_match = identity\n";
	struct crypt_data cd;
	const char	*hash;
	char		 line[512];
	struct fz_cert_spec ca = { "estd fuzz CA", FZ_CLIENT_O, NULL, 1, -3600,
	    10L * 365 * 86400 };
	struct fz_cert_spec boot = { "estd fuzz bootstrap CA", FZ_CLIENT_O, NULL,
	    1, -3600, 10L * 365 * 86400 };
	struct fz_cert_spec client = { FZ_CLIENT_CN, FZ_CLIENT_O, FZ_CLIENT_SAN,
	    0, -3600, 365L * 86400 };
	struct fz_cert_spec expired = { FZ_CLIENT_CN, FZ_CLIENT_O, FZ_CLIENT_SAN,
	    0, -2 * 86400, -86400 };
	EVP_PKEY	*ca_key, *boot_key, *client_key;
	X509		*ca_cert, *boot_cert, *certs[CERT_CHOICES] = { NULL };
	struct diag	 d;
	char		*dir, path[1024];
	size_t		 i;

	(void)argc;
	(void)argv;
	fz_quiet();
	fz_verbose = getenv("FUZZ_CORE_VERBOSE") != NULL;
	ca_key = fz_key_p256();
	boot_key = fz_key_p256();
	client_key = fz_key_p256();
	ca_cert = fz_cert(&ca, ca_key, NULL, NULL);
	boot_cert = fz_cert(&boot, boot_key, NULL, NULL);
	certs[CERT_BOOTSTRAP] = fz_cert(&client, client_key, boot_cert, boot_key);
	certs[CERT_ISSUED] = fz_cert(&client, client_key, ca_cert, ca_key);
	certs[CERT_EXPIRED] = fz_cert(&expired, client_key, boot_cert, boot_key);
	for (i = CERT_BOOTSTRAP; i < CERT_CHOICES; i++)
		fz_pem[i] = fz_cert_pem(certs[i], &fz_pem_len[i]);

	dir = fz_mkdtemp("fuzz-core");
	fz_path(path, sizeof(path), dir, "ca_cert.pem");
	fz_write_cert(path, ca_cert);
	fz_path(path, sizeof(path), dir, "ca_key.pem");
	fz_write_key(path, ca_key);
	fz_path(path, sizeof(path), dir, "trust_store");
	if (mkdir(path, 0755) == -1)
		fz_die(path);
	fz_path(path, sizeof(path), dir, "trust_store/bootstrap-ca.pem");
	fz_write_cert(path, boot_cert);
	/* SHA-crypt with the fewest rounds: every Basic check costs one. */
	memset(&cd, 0, sizeof(cd));
	if ((hash = crypt_r("fuzz-password", "$6$rounds=1000$estdfuzzsalt$",
	    &cd)) == NULL || *hash != '$')
		fz_die("crypt");
	snprintf(line, sizeof(line), "fuzz:%s\n", hash);
	fz_path(path, sizeof(path), dir, "htpasswd");
	fz_write_text(path, line, strlen(line));
	fz_path(path, sizeof(path), dir, "estd.conf");
	fz_write_text(path, conf, sizeof(conf) - 1);

	diag_init(&d);
	config_defaults(&fz_cfg);
	if (config_load(&fz_cfg, path, &d) == -1 ||
	    service_load(&fz_svc, &fz_cfg, &d) == -1) {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.msgs[i]);
		fz_die("loading the service");
	}
	diag_free(&d);
	/* Everything is in memory now: no key stays on disk. */
	fz_rmtree(dir);
	free(dir);

	for (i = 0; i < CERT_CHOICES; i++)
		X509_free(certs[i]);
	X509_free(ca_cert);
	X509_free(boot_cert);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(boot_key);
	EVP_PKEY_free(client_key);
	atexit(fz_core_cleanup);
	return 0;
}

/* The next NUL-terminated field of [*p, end), or "" past the end. */
static const char *
fz_field(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *nul;

	if (s >= end) {
		*len = 0;
		return "";
	}
	nul = memchr(s, '\0', (size_t)(end - s));
	if (nul == NULL)
		nul = end;	/* the copy has a NUL at end */
	*len = (size_t)(nul - s);
	*p = nul + 1;
	return s;
}

/* A built-in PEM as the front server may hand it over; malloc()ed. */
static char *
fz_encode_pem(const char *pem, size_t len, unsigned how, size_t *outlen)
{
	char	*out;
	size_t	 i, o = 0;

	if ((out = malloc(len * 3 + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		switch (how) {
		case 1:
			if (strchr("+/= \n%", pem[i]) != NULL) {
				o += (size_t)sprintf(out + o, "%%%02X",
				    (unsigned char)pem[i]);
				continue;
			}
			break;
		case 2:
			if (i > 0 && pem[i - 1] == '\n')
				out[o++] = '\t';
			break;
		}
		out[o++] = pem[i];
	}
	if (how == 3) {
		memcpy(out + o, pem, len);
		o += len;
	}
	*outlen = o;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct est_request	 req;
	struct est_response	 res;
	const char		*p, *end, *method, *path, *ct, *cert, *auth, *ruser;
	char			*copy, *cert_text = NULL;
	uint8_t			*body = NULL;
	size_t			 len, cert_len = 0, alen, rlen;
	unsigned		 flags, choice, how;
	int			 trusted;

	if (size == 0)
		return 0;
	flags = data[0];
	/* Fields are C strings: work on a NUL-terminated copy. */
	if ((copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	p = copy;
	end = copy + size - 1;
	method = fz_field(&p, end, &len);
	path = fz_field(&p, end, &len);
	ct = fz_field(&p, end, &len);
	cert = fz_field(&p, end, &len);
	auth = fz_field(&p, end, &alen);
	ruser = fz_field(&p, end, &rlen);

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = path;
	req.content_type = (flags & 0x20) ? NULL : ct;
	req.body_state = (flags & 0x10) ? EST_BODY_TOO_LARGE : EST_BODY_COMPLETE;
	req.authorization = alen > 0 ? auth : NULL;
	req.remote_user = rlen > 0 ? ruser : NULL;
	switch (flags & 3) {
	case 1:
	case 3:
		req.peer.verify = EST_TLS_SUCCESS;
		break;
	case 2:
		req.peer.verify = EST_TLS_FAILED;
		break;
	default:
		req.peer.verify = EST_TLS_NONE;
		break;
	}
	choice = (flags >> 2) & 3;
	how = (flags >> 6) & 3;
	/* Exact-size copies, so that ASan sees any read past their end. */
	if (choice == CERT_FIELD) {
		cert_len = len;
		if (cert_len > 0 && (cert_text = malloc(cert_len)) != NULL)
			memcpy(cert_text, cert, cert_len);
	} else if (how == 0) {
		cert_len = fz_pem_len[choice];
		if ((cert_text = malloc(cert_len)) != NULL)
			memcpy(cert_text, fz_pem[choice], cert_len);
	} else
		cert_text = fz_encode_pem(fz_pem[choice], fz_pem_len[choice],
		    how, &cert_len);
	if (cert_text == NULL)
		cert_len = 0;
	req.peer.cert_pem = cert_text;
	req.peer.cert_pem_len = cert_len;
	if (p < end) {
		req.body_len = (size_t)(end - p);
		if ((body = malloc(req.body_len)) != NULL)
			memcpy(body, p, req.body_len);
		else
			req.body_len = 0;
	}
	req.body = body;
	req.now = 0;

	est_response_init(&res);
	est_handle(&fz_svc, &req, &res);

	if (res.status < 200 || res.status > 599 || res.content_type == NULL ||
	    memchr(res.reason, '\0', sizeof(res.reason)) == NULL ||
	    memchr(res.identity, '\0', sizeof(res.identity)) == NULL)
		abort();
	(void)est_status_text(res.status);
	if (fz_verbose)
		fprintf(stderr, "fuzz_core: flags 0x%02x -> %d %s: %s\n", flags,
		    res.status, est_status_text(res.status), res.reason);
	if (res.status == 200 && (res.op == EST_OP_SIMPLEENROLL ||
	    res.op == EST_OP_SIMPLEREENROLL)) {
		trusted = req.peer.verify == EST_TLS_SUCCESS && how != 3 &&
		    (choice == CERT_ISSUED ||
		    (choice == CERT_BOOTSTRAP && res.op == EST_OP_SIMPLEENROLL));
		if (res.label != NULL && strcmp(res.label, "iot") == 0 &&
		    res.op == EST_OP_SIMPLEENROLL && req.authorization != NULL)
			trusted = 1;
		if (!trusted || res.body.len == 0) {
			fprintf(stderr, "fuzz_core: issued a certificate to an "
			    "untrusted client (flags 0x%02x)\n", flags);
			abort();
		}
	}
	est_response_free(&res);
	ERR_clear_error();
	free(body);
	free(cert_text);
	free(copy);
	return 0;
}
