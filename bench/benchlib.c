/* benchlib: identities, CSRs, response checks, /proc and statistics. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "benchlib.h"

#define IDENT_DAYS	825

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;
	size_t	n;
	char	ssl[160];

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (ERR_peek_error() != 0) {
		n = strlen(err);
		snprintf(err + n, errlen - n, " (%s)", bench_ssl_err(ssl, sizeof(ssl)));
	}
}

const char *
bench_ssl_err(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "no OpenSSL error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

/* ------------------------------------------------------------ identities */

static char *
cert_pem(X509 *x, size_t *len)
{
	BIO	*b = BIO_new(BIO_s_mem());
	char	*data, *s = NULL;
	long	 n;

	if (b == NULL)
		return NULL;
	if (PEM_write_bio_X509(b, x) == 1 && (n = BIO_get_mem_data(b, &data)) > 0 &&
	    (s = malloc((size_t)n + 1)) != NULL) {
		memcpy(s, data, (size_t)n);
		s[n] = '\0';
		*len = (size_t)n;
	}
	BIO_free(b);
	return s;
}

static int
add_ext(X509 *x, X509 *ca, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 ok;

	X509V3_set_ctx(&ctx, ca, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

static int
make_ident(struct bench_ident *id, X509 *ca, EVP_PKEY *cakey, size_t i)
{
	X509		*x = NULL;
	EVP_PKEY	*key = NULL;
	X509_NAME	*name = NULL;
	ASN1_INTEGER	*serial = NULL;
	BIGNUM		*bn = NULL;
	char		 cn[64];
	int		 rc = -1;

	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
	    (x = X509_new()) == NULL || (name = X509_NAME_new()) == NULL ||
	    (bn = BN_new()) == NULL)
		goto out;
	snprintf(cn, sizeof(cn), "bench-client-%05zu", i);
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    !BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    X509_set_serialNumber(x, serial) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
	    (const unsigned char *)"estd bench", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_subject_name(x, name) != 1 ||
	    X509_set_issuer_name(x, X509_get_subject_name(ca)) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), IDENT_DAYS, 0, NULL) == NULL ||
	    X509_set_pubkey(x, key) != 1 ||
	    add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE") == -1 ||
	    add_ext(x, ca, NID_key_usage, "critical,digitalSignature") == -1 ||
	    add_ext(x, ca, NID_ext_key_usage, "clientAuth") == -1 ||
	    add_ext(x, ca, NID_subject_key_identifier, "hash") == -1 ||
	    add_ext(x, ca, NID_authority_key_identifier, "keyid") == -1 ||
	    X509_sign(x, cakey, EVP_sha256()) <= 0)
		goto out;
	id->cert = x;
	id->key = key;
	x = NULL;
	key = NULL;
	rc = 0;
out:
	X509_free(x);
	EVP_PKEY_free(key);
	X509_NAME_free(name);
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	return rc;
}

X509 *
bench_read_cert(const char *path)
{
	FILE	*f = fopen(path, "r");
	X509	*x;

	if (f == NULL)
		return NULL;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return x;
}

EVP_PKEY *
bench_read_key(const char *path)
{
	FILE		*f = fopen(path, "r");
	EVP_PKEY	*k;

	if (f == NULL)
		return NULL;
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return k;
}

/* Reads up to n identities; returns how many were read and are good. */
static size_t
read_cache(const char *cache, X509 *ca, struct bench_ident *ids, size_t n)
{
	BIO		*b;
	EVP_PKEY	*capub = ca != NULL ? X509_get0_pubkey(ca) : NULL;
	time_t		 soon = time(NULL) + 86400;
	size_t		 i;

	if ((b = BIO_new_file(cache, "r")) == NULL) {
		ERR_clear_error();
		return 0;
	}
	for (i = 0; i < n; i++) {
		ids[i].key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
		ids[i].cert = ids[i].key != NULL ?
		    PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
		if (ids[i].cert == NULL ||
		    X509_cmp_time(X509_get0_notAfter(ids[i].cert), &soon) <= 0 ||
		    X509_check_private_key(ids[i].cert, ids[i].key) != 1 ||
		    (capub != NULL && X509_verify(ids[i].cert, capub) != 1)) {
			X509_free(ids[i].cert);
			EVP_PKEY_free(ids[i].key);
			ids[i].cert = NULL;
			ids[i].key = NULL;
			break;
		}
	}
	BIO_free(b);
	ERR_clear_error();
	return i;
}

int
bench_idents_load(const char *cache, const char *pki, size_t n,
    struct bench_ident **out, char *err, size_t errlen)
{
	struct bench_ident *ids;
	X509		*ca = NULL;
	EVP_PKEY	*cakey = NULL;
	BIO		*b = NULL;
	char		 path[4096], tmp[4096];
	size_t		 i, have;
	int		 rc = -1;

	*out = NULL;
	if ((ids = calloc(n, sizeof(*ids))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	if (pki != NULL) {
		snprintf(path, sizeof(path), "%s/trust_store/bootstrap-ca.pem", pki);
		if ((ca = bench_read_cert(path)) == NULL) {
			seterr(err, errlen, "cannot read %s", path);
			goto out;
		}
	}
	have = read_cache(cache, ca, ids, n);
	if (have < n) {
		if (pki == NULL) {
			seterr(err, errlen, "%s holds %zu good identities, %zu wanted, "
			    "and no PKI directory to make more", cache, have, n);
			goto out;
		}
		snprintf(path, sizeof(path), "%s/bootstrap-ca.key", pki);
		if ((cakey = bench_read_key(path)) == NULL) {
			seterr(err, errlen, "cannot read %s", path);
			goto out;
		}
		for (i = have; i < n; i++)
			if (make_ident(&ids[i], ca, cakey, i) == -1) {
				seterr(err, errlen, "cannot make client identity %zu", i);
				goto out;
			}
		snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", cache, (long)getpid());
		if ((b = BIO_new_file(tmp, "w")) == NULL) {
			seterr(err, errlen, "cannot write %s", tmp);
			goto out;
		}
		for (i = 0; i < n; i++)
			if (PEM_write_bio_PrivateKey(b, ids[i].key, NULL, NULL, 0,
			    NULL, NULL) != 1 || PEM_write_bio_X509(b, ids[i].cert) != 1) {
				seterr(err, errlen, "cannot write %s", tmp);
				goto out;
			}
		if (BIO_flush(b) != 1) {
			seterr(err, errlen, "cannot write %s", tmp);
			goto out;
		}
		BIO_free(b);
		b = NULL;
		if (rename(tmp, cache) == -1) {
			seterr(err, errlen, "rename %s: %s", cache, strerror(errno));
			unlink(tmp);
			goto out;
		}
	}
	for (i = 0; i < n; i++)
		if ((ids[i].pem = cert_pem(ids[i].cert, &ids[i].pem_len)) == NULL) {
			seterr(err, errlen, "out of memory");
			goto out;
		}
	*out = ids;
	ids = NULL;
	rc = 0;
out:
	BIO_free(b);
	bench_idents_free(ids, n);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	return rc;
}

void
bench_idents_free(struct bench_ident *ids, size_t n)
{
	size_t i;

	if (ids == NULL)
		return;
	for (i = 0; i < n; i++) {
		X509_free(ids[i].cert);
		EVP_PKEY_free(ids[i].key);
		free(ids[i].pem);
	}
	free(ids);
}

/* ------------------------------------------------------------------ CSRs */

static int
b64_lines(const uint8_t *der, size_t len, char **out, size_t *outlen)
{
	size_t	 i, chunk, n = 0, cap = (len + 2) / 3 * 4 + len / 48 + 4;
	char	*s = malloc(cap + 1);

	if (s == NULL)
		return -1;
	for (i = 0; i < len; i += chunk) {
		chunk = len - i > 48 ? 48 : len - i;	/* 48 bytes = 64 columns */
		n += (size_t)EVP_EncodeBlock((unsigned char *)s + n, der + i, (int)chunk);
		s[n++] = '\n';
	}
	s[n] = '\0';
	*out = s;
	*outlen = n;
	return 0;
}

/*
 * CSRs are encoded by hand: going through X509_REQ costs OpenSSL 3.0 some
 * 400 us per CSR in its generic key encoders and decoders, too slow to make
 * tens of thousands before every run. The DER is the same as openssl req's:
 *
 *   CertificationRequest ::= SEQUENCE {
 *     certificationRequestInfo SEQUENCE { version INTEGER 0,
 *       subject Name (O=estd bench, CN=<prefix>-<i>), SubjectPublicKeyInfo,
 *       attributes [0] IMPLICIT SET OF Attribute (empty) },
 *     signatureAlgorithm ecdsa-with-SHA256, signature BIT STRING }
 */
struct der {
	uint8_t	b[1024];
	size_t	n;
};

static void
der_raw(struct der *d, const void *p, size_t len)
{
	if (d->n + len <= sizeof(d->b))
		memcpy(d->b + d->n, p, len);
	d->n += len;
}

/* Appends tag, length and the content c (which may be another der). */
static void
der_tlv(struct der *d, uint8_t tag, const uint8_t *c, size_t len)
{
	uint8_t h[4];
	size_t	hn = 0;

	h[hn++] = tag;
	if (len < 0x80)
		h[hn++] = (uint8_t)len;
	else if (len < 0x100) {
		h[hn++] = 0x81;
		h[hn++] = (uint8_t)len;
	} else {
		h[hn++] = 0x82;
		h[hn++] = (uint8_t)(len >> 8);
		h[hn++] = (uint8_t)len;
	}
	der_raw(d, h, hn);
	der_raw(d, c, len);
}

static void
der_rdn(struct der *d, const uint8_t *oid, size_t oidlen, const char *val)
{
	struct der atv = { .n = 0 }, set = { .n = 0 };

	der_tlv(&atv, 0x06, oid, oidlen);
	der_tlv(&atv, 0x0c, (const uint8_t *)val, strlen(val));	/* UTF8String */
	der_tlv(&set, 0x30, atv.b, atv.n);
	der_tlv(d, 0x31, set.b, set.n);
}

/* id-ecPublicKey, prime256v1: the SubjectPublicKeyInfo up to the point. */
static const uint8_t spki_p256_prefix[] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
	0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03,
	0x42, 0x00
};
/* AlgorithmIdentifier ecdsa-with-SHA256 (no parameters). */
static const uint8_t alg_ecdsa_sha256[] = {
	0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02
};
static const uint8_t oid_o[] = { 0x55, 0x04, 0x0a };
static const uint8_t oid_cn[] = { 0x55, 0x04, 0x03 };

static int
make_csr(struct bench_csr *c, EVP_PKEY_CTX *gen, const char *prefix, size_t i,
    int keep)
{
	EVP_PKEY	*key = NULL;
	EVP_PKEY_CTX	*sctx = NULL;
	struct der	 name = { .n = 0 }, subj = { .n = 0 }, info = { .n = 0 };
	struct der	 cri = { .n = 0 }, all = { .n = 0 }, csr = { .n = 0 };
	uint8_t		 point[65], dg[32], sig[80], bits[81];
	const uint8_t	*p;
	size_t		 plen = 0, siglen = sizeof(sig);
	unsigned int	 dlen;
	char		 cn[128];
	int		 rc = -1;

	snprintf(cn, sizeof(cn), "%s-%zu", prefix, i);
	if (EVP_PKEY_generate(gen, &key) != 1 ||
	    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
	    point, sizeof(point), &plen) != 1 || plen != 65 || point[0] != 0x04)
		goto out;
	c->spki_len = sizeof(spki_p256_prefix) + plen;
	if ((c->spki = malloc(c->spki_len)) == NULL)
		goto out;
	memcpy(c->spki, spki_p256_prefix, sizeof(spki_p256_prefix));
	memcpy(c->spki + sizeof(spki_p256_prefix), point, plen);

	der_rdn(&name, oid_o, sizeof(oid_o), "estd bench");
	der_rdn(&name, oid_cn, sizeof(oid_cn), cn);
	der_tlv(&subj, 0x30, name.b, name.n);
	der_raw(&info, "\x02\x01\x00", 3);			/* version 0 */
	der_raw(&info, subj.b, subj.n);
	der_raw(&info, c->spki, c->spki_len);
	der_raw(&info, "\xa0\x00", 2);				/* no attributes */
	der_tlv(&cri, 0x30, info.b, info.n);
	if (cri.n > sizeof(cri.b) ||
	    EVP_Digest(cri.b, cri.n, dg, &dlen, EVP_sha256(), NULL) != 1 ||
	    (sctx = EVP_PKEY_CTX_new(key, NULL)) == NULL ||
	    EVP_PKEY_sign_init(sctx) != 1 ||
	    EVP_PKEY_sign(sctx, sig, &siglen, dg, dlen) != 1)
		goto out;
	bits[0] = 0;						/* unused bits */
	memcpy(bits + 1, sig, siglen);
	der_raw(&all, cri.b, cri.n);
	der_raw(&all, alg_ecdsa_sha256, sizeof(alg_ecdsa_sha256));
	der_tlv(&all, 0x03, bits, siglen + 1);
	der_tlv(&csr, 0x30, all.b, all.n);
	if (csr.n > sizeof(csr.b) ||
	    b64_lines(csr.b, csr.n, &c->b64, &c->b64_len) == -1)
		goto out;
	if (keep) {
		p = csr.b;
		if ((c->req = d2i_X509_REQ(NULL, &p, (long)csr.n)) == NULL)
			goto out;
		c->key = key;
		key = NULL;
	}
	rc = 0;
out:
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(sctx);
	return rc;
}

struct csr_job {
	struct bench_csr *csrs;
	size_t		 n, keep, first, step;
	const char	*prefix;
	int		 failed;
};

static void *
csr_worker(void *arg)
{
	struct csr_job	*j = arg;
	EVP_PKEY_CTX	*gen;
	size_t		 i;

	if ((gen = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_keygen_init(gen) != 1 ||
	    EVP_PKEY_CTX_set_group_name(gen, "P-256") != 1) {
		EVP_PKEY_CTX_free(gen);
		j->failed = 1;
		return NULL;
	}
	for (i = j->first; i < j->n; i += j->step)
		if (make_csr(&j->csrs[i], gen, j->prefix, i, i < j->keep) == -1) {
			j->failed = 1;
			break;
		}
	EVP_PKEY_CTX_free(gen);
	return NULL;
}

int
bench_csrs_make(struct bench_csr *csrs, size_t n, const char *prefix,
    int threads, size_t keep, char *err, size_t errlen)
{
	pthread_t	 tid[64];
	struct csr_job	 jobs[64];
	int		 t, started = 0, failed = 0;

	if (threads < 1)
		threads = 1;
	if (threads > 64)
		threads = 64;
	memset(csrs, 0, n * sizeof(*csrs));
	for (t = 0; t < threads; t++) {
		jobs[t] = (struct csr_job){ csrs, n, keep, (size_t)t,
		    (size_t)threads, prefix, 0 };
		if (t > 0 && pthread_create(&tid[t], NULL, csr_worker, &jobs[t]) != 0)
			break;
		started = t + 1;
	}
	csr_worker(&jobs[0]);
	for (t = 1; t < started; t++)
		pthread_join(tid[t], NULL);
	for (t = 0; t < started; t++)
		failed |= jobs[t].failed;
	if (started < threads) {
		/* Fill what the missing threads would have made. */
		for (t = started; t < threads; t++) {
			jobs[t] = (struct csr_job){ csrs, n, keep, (size_t)t,
			    (size_t)threads, prefix, 0 };
			csr_worker(&jobs[t]);
			failed |= jobs[t].failed;
		}
	}
	if (failed) {
		seterr(err, errlen, "cannot make CSRs");
		return -1;
	}
	return 0;
}

void
bench_csrs_free(struct bench_csr *csrs, size_t n)
{
	size_t i;

	if (csrs == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(csrs[i].b64);
		free(csrs[i].spki);
		EVP_PKEY_free(csrs[i].key);
		X509_REQ_free(csrs[i].req);
	}
}

/* -------------------------------------------------------------- responses */

int
bench_b64_decode(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	EVP_ENCODE_CTX	*ctx;
	uint8_t		*buf;
	int		 n1 = 0, n2 = 0, ok;

	if (len > 16 * 1024 * 1024 || (buf = malloc(len / 4 * 3 + 4)) == NULL)
		return -1;
	if ((ctx = EVP_ENCODE_CTX_new()) == NULL) {
		free(buf);
		return -1;
	}
	EVP_DecodeInit(ctx);
	ok = EVP_DecodeUpdate(ctx, buf, &n1, in, (int)len) >= 0 &&
	    EVP_DecodeFinal(ctx, buf + n1, &n2) == 1;
	EVP_ENCODE_CTX_free(ctx);
	if (!ok) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = (size_t)(n1 + n2);
	return 0;
}

int
bench_check_certs_only(const uint8_t *b64, size_t len, const uint8_t *spki,
    size_t spki_len, X509 *ca, X509 **issued, char *why, size_t whylen)
{
	uint8_t		*der = NULL, *got = NULL;
	const uint8_t	*p;
	size_t		 dlen;
	PKCS7		*p7 = NULL;
	STACK_OF(X509)	*certs;
	X509		*x;
	time_t		 now;
	int		 glen, rc = -1, v;

	if (bench_b64_decode(b64, len, &der, &dlen) == -1 || dlen == 0) {
		snprintf(why, whylen, "body is not base64");
		goto out;
	}
	p = der;
	if ((p7 = d2i_PKCS7(NULL, &p, (long)dlen)) == NULL || p != der + dlen) {
		snprintf(why, whylen, "body is not one DER PKCS#7");
		goto out;
	}
	if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL) {
		snprintf(why, whylen, "PKCS#7 is not signedData");
		goto out;
	}
	if (sk_PKCS7_SIGNER_INFO_num(p7->d.sign->signer_info) != 0) {
		snprintf(why, whylen, "PKCS#7 has signers: not certs-only");
		goto out;
	}
	certs = p7->d.sign->cert;
	if (sk_X509_num(certs) != 1) {
		snprintf(why, whylen, "PKCS#7 holds %d certificates, not 1",
		    sk_X509_num(certs));
		goto out;
	}
	x = sk_X509_value(certs, 0);
	if ((glen = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &got)) <= 0 ||
	    (size_t)glen != spki_len || memcmp(got, spki, spki_len) != 0) {
		snprintf(why, whylen, "issued certificate is not for the CSR's key");
		goto out;
	}
	/* A good signature alone would pass a certificate naming another issuer. */
	if (ca != NULL && (v = X509_check_issued(ca, x)) != X509_V_OK) {
		snprintf(why, whylen, "issued certificate is not issued by the CA: %s",
		    X509_verify_cert_error_string(v));
		goto out;
	}
	if (ca != NULL && X509_verify(x, X509_get0_pubkey(ca)) != 1) {
		snprintf(why, whylen, "issued certificate does not verify with the CA key");
		goto out;
	}
	/* estd backdates notBefore (backdate_seconds): it must not be ahead of now. */
	now = time(NULL);
	if ((v = ASN1_TIME_cmp_time_t(X509_get0_notBefore(x), now)) > 0 || v == -2) {
		snprintf(why, whylen, "issued certificate is not valid yet (notBefore)");
		goto out;
	}
	if (ASN1_TIME_cmp_time_t(X509_get0_notAfter(x), now) != 1) {
		snprintf(why, whylen, "issued certificate has expired (notAfter)");
		goto out;
	}
	if (issued != NULL) {
		X509_up_ref(x);
		*issued = x;
	}
	rc = 0;
out:
	ERR_clear_error();
	OPENSSL_free(got);
	PKCS7_free(p7);
	free(der);
	return rc;
}

/* ------------------------------------------------------------------ /proc */

double
bench_clk_tck(void)
{
	long t = sysconf(_SC_CLK_TCK);

	return t > 0 ? (double)t : 100.0;
}

int
bench_proc_read(pid_t pid, struct bench_proc *pr)
{
	char	 path[64], buf[2048], *p;
	FILE	*f;
	size_t	 n;
	int	 found = 0;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	/* After "comm)": state ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime stime */
	if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	    &pr->utime, &pr->stime) != 2)
		return -1;
	if (p[2] == 'Z')
		return -1;	/* a zombie is gone for our purposes */
	/* Context switches: voluntary ones are the process going to sleep
	 * (each later costs a wake-up), involuntary ones are preemptions. */
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(buf, sizeof(buf), f) != NULL)
		if (sscanf(buf, "voluntary_ctxt_switches: %llu", &pr->sleeps) == 1 ||
		    sscanf(buf, "nonvoluntary_ctxt_switches: %llu", &pr->preempted) == 1)
			found++;
	fclose(f);
	return found == 2 ? 0 : -1;
}

long
bench_proc_rss_kib(pid_t pid)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 kib = -1;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
bench_cpu_self(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
bench_cpu_thread(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
bench_percentile(double *v, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return 0.0;
	qsort(v, n, sizeof(*v), cmp_double);
	rank = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

double
bench_load1(void)
{
	FILE	*f;
	double	 l = -1;

	if ((f = fopen("/proc/loadavg", "r")) != NULL) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

void
bench_machine_line(char *out, size_t outlen)
{
	char	 load[128] = "?", model[128] = "?", line[256], *p;
	FILE	*f;
	double	 l1, l5, l15;

	if ((f = fopen("/proc/loadavg", "r")) != NULL) {
		if (fscanf(f, "%lf %lf %lf", &l1, &l5, &l15) == 3)
			snprintf(load, sizeof(load), "%.2f %.2f %.2f", l1, l5, l15);
		fclose(f);
	}
	if ((f = fopen("/proc/cpuinfo", "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "model name", 10) == 0 &&
			    (p = strchr(line, ':')) != NULL) {
				snprintf(model, sizeof(model), "%s", p + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		fclose(f);
	}
	snprintf(out, outlen, "%ld cores (%s), load average %s",
	    sysconf(_SC_NPROCESSORS_ONLN), model, load);
}
