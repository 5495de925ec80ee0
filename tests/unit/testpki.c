/* testpki: keys, certificates and CSRs generated in memory for the unit tests. */
#include "config.h"

#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "testpki.h"

#ifndef TP_DATADIR
#define TP_DATADIR "tests/unit/data"
#endif

static EVP_PKEY	*tp_rsa_cache[2];	/* 1024, 2048 */
static long	 tp_serial = 1000;
static int	 tp_saved_stderr = -1;
static char	 tp_capture_path[TP_PATH_MAX];

static void tp_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
tp_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "testpki: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	ERR_print_errors_fp(stderr);
	abort();
}

static EVP_PKEY *
tp_rsa(int idx, unsigned bits)
{
	if (tp_rsa_cache[idx] == NULL &&
	    (tp_rsa_cache[idx] = EVP_RSA_gen(bits)) == NULL)
		tp_die("RSA-%u keygen", bits);
	if (!EVP_PKEY_up_ref(tp_rsa_cache[idx]))
		tp_die("EVP_PKEY_up_ref");
	return tp_rsa_cache[idx];
}

/* EVP_PKEY_Q_keygen knows "RSA" only: the long way. */
static EVP_PKEY *
tp_rsa_pss(unsigned bits)
{
	EVP_PKEY_CTX	*kctx;
	EVP_PKEY	*k = NULL;

	if ((kctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA-PSS", NULL)) == NULL ||
	    EVP_PKEY_keygen_init(kctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(kctx, (int)bits) != 1 ||
	    EVP_PKEY_keygen(kctx, &k) != 1)
		tp_die("RSA-PSS-%u keygen", bits);
	EVP_PKEY_CTX_free(kctx);
	return k;
}

EVP_PKEY *
tp_key(enum tp_key_type t)
{
	EVP_PKEY *k = NULL;

	switch (t) {
	case TP_EC_P256:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case TP_EC_P384:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case TP_EC_P521:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
		break;
	case TP_EC_SECP256K1:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
		break;
	case TP_RSA_1024:
		return tp_rsa(0, 1024);
	case TP_RSA_2048:
		return tp_rsa(1, 2048);
	case TP_ED25519:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	case TP_RSA_PSS_2048:
		return tp_rsa_pss(2048);
	default:
		break;
	}
	if (k == NULL)
		tp_die("keygen %d", (int)t);
	return k;
}

void
tp_preload_rsa(void)
{
	EVP_PKEY_free(tp_key(TP_RSA_1024));
	EVP_PKEY_free(tp_key(TP_RSA_2048));
}

void
tp_cleanup(void)
{
	size_t i;

	for (i = 0; i < sizeof(tp_rsa_cache) / sizeof(tp_rsa_cache[0]); i++) {
		EVP_PKEY_free(tp_rsa_cache[i]);
		tp_rsa_cache[i] = NULL;
	}
}

static const EVP_MD *
tp_md(EVP_PKEY *key)
{
	int id = EVP_PKEY_get_base_id(key);

	return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448 ? NULL : EVP_sha256();
}

static X509_NAME *
tp_name(const char *cn, const char *o)
{
	X509_NAME *n;

	if ((n = X509_NAME_new()) == NULL)
		tp_die("X509_NAME_new");
	if (o != NULL && !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)o, -1, -1, 0))
		tp_die("O");
	if (cn != NULL && !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0))
		tp_die("CN");
	return n;
}

static void
tp_add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext;

	if ((ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL)
		tp_die("extension %s = %s", OBJ_nid2sn(nid), value);
	if (!X509_add_ext(x, ext, -1))
		tp_die("X509_add_ext");
	X509_EXTENSION_free(ext);
}

X509 *
tp_cert(const struct tp_cert_spec *s, EVP_PKEY *key, X509 *issuer,
    EVP_PKEY *issuer_key)
{
	X509		*x;
	X509_NAME	*name;
	X509V3_CTX	 ctx;
	time_t		 now = time(NULL);

	if ((x = X509_new()) == NULL)
		tp_die("X509_new");
	name = tp_name(s->cn, s->o);
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(x),
	    s->serial != 0 ? s->serial : tp_serial++) ||
	    !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : name) ||
	    !ASN1_TIME_set(X509_getm_notBefore(x),
	    s->not_before != 0 ? s->not_before : now - 3600) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x),
	    s->not_after != 0 ? s->not_after : now + 30 * 86400) ||
	    !X509_set_pubkey(x, key))
		tp_die("certificate fields");
	X509_NAME_free(name);
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if (s->ca)
		tp_add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE");
	else if (!s->no_bc)
		tp_add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
	if (s->ku != NULL)
		tp_add_ext(x, &ctx, NID_key_usage, s->ku);
	if (s->eku != NULL)
		tp_add_ext(x, &ctx, NID_ext_key_usage, s->eku);
	if (!s->no_ski)
		tp_add_ext(x, &ctx, NID_subject_key_identifier, "hash");
	if (issuer != NULL && X509_get0_subject_key_id(issuer) != NULL)
		tp_add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
	if (s->san != NULL)
		tp_add_ext(x, &ctx, NID_subject_alt_name, s->san);
	if (X509_sign(x, issuer_key != NULL ? issuer_key : key,
	    tp_md(issuer_key != NULL ? issuer_key : key)) <= 0)
		tp_die("X509_sign");
	return x;
}

X509 *
tp_ca(EVP_PKEY *key, const char *cn)
{
	struct tp_cert_spec s = {
		.cn = cn, .ca = 1, .ku = "critical,keyCertSign,cRLSign",
		.not_before = time(NULL) - 365L * 86400,
		.not_after = time(NULL) + 3650L * 86400,
	};

	return tp_cert(&s, key, NULL, NULL);
}

X509 *
tp_client(EVP_PKEY *key, const char *cn, X509 *ca, EVP_PKEY *ca_key)
{
	struct tp_cert_spec s = {
		.cn = cn, .ku = "critical,digitalSignature", .eku = "clientAuth",
	};

	return tp_cert(&s, key, ca, ca_key);
}

static void
tp_push_ext(STACK_OF(X509_EXTENSION) *exts, int nid, const char *value)
{
	X509_EXTENSION *ext;

	if ((ext = X509V3_EXT_conf_nid(NULL, NULL, nid, value)) == NULL)
		tp_die("extension %s = %s", OBJ_nid2sn(nid), value);
	if (!sk_X509_EXTENSION_push(exts, ext))
		tp_die("push");
}

X509_REQ *
tp_csr(EVP_PKEY *key, const struct tp_csr_spec *s)
{
	static const unsigned char garbage[] = { 0x01, 0x02, 0x03 };
	static const unsigned char empty_seq[] = { 0x30, 0x00 };
	static const unsigned char one[] = { 0x01 };
	X509_REQ			*req;
	X509_NAME			*name;
	STACK_OF(X509_EXTENSION)	*exts;
	X509_EXTENSION			*ext;
	ASN1_OCTET_STRING		*os;
	ASN1_OBJECT			*obj;

	if ((req = X509_REQ_new()) == NULL ||
	    (exts = sk_X509_EXTENSION_new_null()) == NULL)
		tp_die("X509_REQ_new");
	name = tp_name(s->cn, s->o);
	if (s->cn2 != NULL && !X509_NAME_add_entry_by_NID(name, NID_commonName,
	    MBSTRING_ASC, (const unsigned char *)s->cn2, -1, -1, 0))
		tp_die("second CN");
	if (s->email != NULL && !X509_NAME_add_entry_by_NID(name,
	    NID_pkcs9_emailAddress, MBSTRING_ASC, (const unsigned char *)s->email,
	    -1, -1, 0))
		tp_die("emailAddress");
	if (s->cn_bmp != NULL) {
		unsigned char	ucs2[256];
		size_t		i, n = strlen(s->cn_bmp);

		if (2 * n > sizeof(ucs2))
			tp_die("BMPString CN too long");
		for (i = 0; i < n; i++) {
			ucs2[2 * i] = 0;
			ucs2[2 * i + 1] = (unsigned char)s->cn_bmp[i];
		}
		if (!X509_NAME_add_entry_by_NID(name, NID_commonName,
		    V_ASN1_BMPSTRING, ucs2, (int)(2 * n), -1, 0))
			tp_die("BMPString CN");
	}
	if (!X509_REQ_set_version(req, X509_REQ_VERSION_1) ||
	    !X509_REQ_set_subject_name(req, name) ||
	    !X509_REQ_set_pubkey(req, key))
		tp_die("request fields");
	X509_NAME_free(name);
	if (s->san != NULL) {
		tp_push_ext(exts, NID_subject_alt_name, s->san);
		if (s->san_twice)
			tp_push_ext(exts, NID_subject_alt_name, s->san);
	}
	if (s->san_garbage) {
		if ((os = ASN1_OCTET_STRING_new()) == NULL ||
		    !ASN1_OCTET_STRING_set(os, garbage, sizeof(garbage)) ||
		    (ext = X509_EXTENSION_create_by_NID(NULL,
		    NID_subject_alt_name, 0, os)) == NULL ||
		    !sk_X509_EXTENSION_push(exts, ext))
			tp_die("garbage SAN");
		ASN1_OCTET_STRING_free(os);
	}
	if (s->bc_ca)
		tp_push_ext(exts, NID_basic_constraints, "critical,CA:TRUE");
	if (s->ns_comment != NULL)
		tp_push_ext(exts, NID_netscape_comment, s->ns_comment);
	if (sk_X509_EXTENSION_num(exts) > 0 && !X509_REQ_add_extensions(req, exts))
		tp_die("X509_REQ_add_extensions");
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	if (s->bad_ext_request && !X509_REQ_add1_attr_by_NID(req, NID_ext_req,
	    V_ASN1_INTEGER, one, sizeof(one)))
		tp_die("bad extensionRequest");
	if (s->challenge_password != NULL &&
	    !X509_REQ_add1_attr_by_NID(req, NID_pkcs9_challengePassword,
	    MBSTRING_ASC, (const unsigned char *)s->challenge_password, -1))
		tp_die("challengePassword");
	if (s->change_subject_name) {
		if ((obj = OBJ_txt2obj("1.3.6.1.5.5.7.7.36", 1)) == NULL ||
		    !X509_REQ_add1_attr_by_OBJ(req, obj, V_ASN1_SEQUENCE,
		    empty_seq, sizeof(empty_seq)))
			tp_die("changeSubjectName");
		ASN1_OBJECT_free(obj);
	}
	if (X509_REQ_sign(req, key, s->digest != NULL ?
	    EVP_get_digestbyname(s->digest) : tp_md(key)) <= 0)
		tp_die("X509_REQ_sign");
	return req;
}

void
tp_csr_der(EVP_PKEY *key, const struct tp_csr_spec *s, struct buf *out)
{
	X509_REQ	*req = tp_csr(key, s);
	unsigned char	*der = NULL;
	int		 len;

	if ((len = i2d_X509_REQ(req, &der)) <= 0)
		tp_die("i2d_X509_REQ");
	/* The last byte lies in the signature BIT STRING. */
	if (s->corrupt_signature)
		der[len - 1] ^= 0x01;
	if (buf_append(out, der, (size_t)len) == -1)
		tp_die("buf_append");
	OPENSSL_free(der);
	X509_REQ_free(req);
}

static char *
tp_bio_text(BIO *bio)
{
	char	*p, *s;
	long	 n;

	n = BIO_get_mem_data(bio, &p);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		tp_die("BIO text");
	memcpy(s, p, (size_t)n);
	s[n] = '\0';
	BIO_free(bio);
	return s;
}

char *
tp_cert_pem(X509 *x)
{
	BIO *bio;

	if ((bio = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509(bio, x))
		tp_die("PEM_write_bio_X509");
	return tp_bio_text(bio);
}

char *
tp_der_to_pem(const char *label, const uint8_t *der, size_t len)
{
	BIO *bio;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio(bio, label, "", der, (long)len) <= 0)
		tp_die("PEM_write_bio");
	return tp_bio_text(bio);
}

void
tp_cert_der(X509 *x, struct buf *out)
{
	unsigned char	*der = NULL;
	int		 len;

	if ((len = i2d_X509(x, &der)) <= 0 || buf_append(out, der, (size_t)len) == -1)
		tp_die("i2d_X509");
	OPENSSL_free(der);
}

void
tp_mkdtemp(char dir[TP_PATH_MAX])
{
	snprintf(dir, TP_PATH_MAX, "/tmp/estd-unit-XXXXXX");
	if (mkdtemp(dir) == NULL)
		tp_die("mkdtemp: %s", strerror(errno));
}

void
tp_rmtree(const char *dir)
{
	DIR		*dp;
	struct dirent	*de;
	struct stat	 st;
	char		 path[TP_PATH_MAX];

	if (dir == NULL || dir[0] == '\0' || strncmp(dir, "/tmp/", 5) != 0)
		return;
	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		tp_path(path, dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			tp_rmtree(path);
		else
			unlink(path);
	}
	closedir(dp);
	rmdir(dir);
}

void
tp_path(char out[TP_PATH_MAX], const char *dir, const char *name)
{
	if ((size_t)snprintf(out, TP_PATH_MAX, "%s/%s", dir, name) >= TP_PATH_MAX)
		tp_die("path too long");
}

void
tp_write_file(const char *dir, const char *name, const void *data, size_t len,
    mode_t mode)
{
	char	 path[TP_PATH_MAX];
	int	 fd;

	tp_path(path, dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) == -1)
		tp_die("open %s: %s", path, strerror(errno));
	if (fchmod(fd, mode) == -1 ||
	    (len > 0 && write(fd, data, len) != (ssize_t)len))
		tp_die("write %s: %s", path, strerror(errno));
	close(fd);
}

void
tp_write_str(const char *dir, const char *name, const char *text)
{
	tp_write_file(dir, name, text, strlen(text), 0644);
}

void
tp_write_certs(const char *dir, const char *name, X509 *const *certs, size_t n)
{
	struct buf	 b;
	char		*pem;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		pem = tp_cert_pem(certs[i]);
		buf_append_str(&b, pem);
		free(pem);
	}
	tp_write_file(dir, name, b.data, b.len, 0644);
	buf_free(&b);
}

static void
tp_write_key_with(const char *dir, const char *name, EVP_PKEY *key,
    const EVP_CIPHER *cipher, const char *pass)
{
	BIO	*bio;
	char	*pem;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_PKCS8PrivateKey(bio, key, cipher, NULL, 0, NULL,
	    (void *)pass))
		tp_die("PEM_write_bio_PKCS8PrivateKey");
	pem = tp_bio_text(bio);
	tp_write_file(dir, name, pem, strlen(pem), 0600);
	OPENSSL_cleanse(pem, strlen(pem));
	free(pem);
}

void
tp_write_key(const char *dir, const char *name, EVP_PKEY *key)
{
	tp_write_key_with(dir, name, key, NULL, NULL);
}

void
tp_write_key_encrypted(const char *dir, const char *name, EVP_PKEY *key,
    const char *pass)
{
	tp_write_key_with(dir, name, key, EVP_aes_256_cbc(), pass);
}

void
tp_write_script(const char *dir, const char *name, const char *text)
{
	tp_write_file(dir, name, text, strlen(text), 0755);
}

char *
tp_crypt(const char *prefix, const char *password)
{
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE], *s;
	struct crypt_data	*cd;
	const char		*h;

	/* bcrypt's cost 5 and the other defaults keep the tests fast. */
	if (crypt_gensalt_rn(prefix, strncmp(prefix, "$2", 2) == 0 ? 5 : 0,
	    NULL, 0, salt, (int)sizeof(salt)) == NULL)
		tp_die("crypt_gensalt_rn %s", prefix);
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		tp_die("calloc");
	if ((h = crypt_rn(password, salt, cd, (int)sizeof(*cd))) == NULL ||
	    h[0] == '*' || (s = strdup(h)) == NULL)
		tp_die("crypt_rn %s", prefix);
	free(cd);
	return s;
}

void
tp_read_data(const char *name, struct buf *out)
{
	char	 path[TP_PATH_MAX], chunk[4096];
	FILE	*f;
	size_t	 n;

	tp_path(path, TP_DATADIR, name);
	if ((f = fopen(path, "r")) == NULL)
		tp_die("open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(out, chunk, n) == -1)
			tp_die("buf_append");
	fclose(f);
}

time_t
tp_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm))
		tp_die("ASN1_TIME_to_tm");
	return timegm(&tm);
}

void
tp_capture_begin(const char *dir)
{
	int fd;

	tp_path(tp_capture_path, dir, "stderr.txt");
	fflush(stderr);
	if ((fd = open(tp_capture_path, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (tp_saved_stderr = dup(STDERR_FILENO)) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		tp_die("capture stderr: %s", strerror(errno));
	close(fd);
}

char *
tp_capture_end(void)
{
	struct buf	 b;
	FILE		*f;
	char		 chunk[4096], *s;
	size_t		 n;

	fflush(stderr);
	if (dup2(tp_saved_stderr, STDERR_FILENO) == -1)
		tp_die("restore stderr");
	close(tp_saved_stderr);
	tp_saved_stderr = -1;
	buf_init(&b);
	if ((f = fopen(tp_capture_path, "r")) == NULL)
		tp_die("open %s", tp_capture_path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	unlink(tp_capture_path);
	if ((s = strdup(b.data != NULL ? (char *)b.data : "")) == NULL)
		tp_die("strdup");
	buf_free(&b);
	return s;
}

void
tp_env_init(struct tp_env *env)
{
	char trust[TP_PATH_MAX];

	memset(env, 0, sizeof(*env));
	tp_mkdtemp(env->dir);
	env->ca_key = tp_key(TP_EC_P256);
	env->ca = tp_ca(env->ca_key, "EST Test CA");
	env->boot_key = tp_key(TP_EC_P256);
	env->boot_ca = tp_ca(env->boot_key, "Bootstrap CA");
	tp_write_key(env->dir, "ca.key", env->ca_key);
	tp_write_certs(env->dir, "ca.pem", &env->ca, 1);
	tp_path(trust, env->dir, "trust");
	if (mkdir(trust, 0700) == -1)
		tp_die("mkdir %s: %s", trust, strerror(errno));
	tp_write_certs(trust, "boot-ca.pem", &env->boot_ca, 1);
	tp_path(env->conf, env->dir, "estd.conf");
	config_defaults(&env->cfg);
}

int
tp_env_config(struct tp_env *env, const char *extra_conf, struct diag *d)
{
	char *text;

	if (asprintf(&text, "[ca]\ncertificate = ca.pem\nkey = ca.key\n"
	    "[trust]\nstore = trust\n%s", extra_conf != NULL ? extra_conf : "") < 0)
		tp_die("asprintf");
	tp_write_str(env->dir, "estd.conf", text);
	free(text);
	config_free(&env->cfg);
	config_defaults(&env->cfg);
	return config_load(&env->cfg, env->conf, d);
}

void
tp_env_free(struct tp_env *env)
{
	config_free(&env->cfg);
	X509_free(env->ca);
	X509_free(env->boot_ca);
	EVP_PKEY_free(env->ca_key);
	EVP_PKEY_free(env->boot_key);
	tp_rmtree(env->dir);
	memset(env, 0, sizeof(*env));
}

int
tp_run(Suite *s)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	tp_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
