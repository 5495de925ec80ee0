/*
 * inproc: the worker's own enrollment path without HTTP, and the crypto floor.
 *
 * Loads an estd.conf the way estd does (config_load, service_load), then
 * forks one process per core; each calls est_handle() with a distinct CSR
 * (base64 body, as POSTed) and a client certificate PEM (as lighttpd exports
 * it, from a pool of distinct identities) and checks every response: status
 * 200, the certs-only content type, and (after its timed loop) that the body
 * is a PKCS#7 with one certificate for the CSR's key, valid now, that names
 * the CA as its issuer and is signed by it.
 *
 * The crypto floor, measured in the same processes with the same keys, in
 * chunks interleaved with the enrollments (after every CHUNK of them, as
 * many floor enrollments, timed apart), so that both see the same machine:
 * per enrollment one CA signature over the TBSCertificate of a certificate
 * estd issued, one verification of a CSR signature (each CSR's own key), and
 * one verification of a client certificate's signature with the bootstrap
 * CA's key (the client chain is one level deep). Keys are decoded and
 * EVP_PKEY_CTXs set up before timing: the floor is hashing plus the
 * public-key operations, nothing else.
 *
 * Output: a human report, then "RESULT key=value ..." for scripts.
 * Exit status: 0 = every enrollment succeeded, 1 = some failed, 2 = setup error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "est/config.h"
#include "est/core.h"
#include "est/diag.h"
#include "est/log.h"
#include "est/service.h"

#include "benchlib.h"

#define MAX_PROCS	64
#define CHUNK		100	/* enrollments between two floor measurements */
#define FLOOR_OFFSET	7919	/* a prime: each process starts on other floor samples */
#define STR_(x)		#x
#define STR(x)		STR_(x)

struct child_result {
	size_t	n, ok, errors;
	double	cpu, wall;		/* of the enrollments only */
	double	floor[3];		/* CPU s: CA sign, CSR verify, client verify */
	size_t	floor_n;		/* floor enrollments measured */
	long	rss0, rss1;
	char	first_error[200];
	int	done;
};

struct opts {
	const char	*conf, *pki, *clients, *label, *ca_cert, *ca_key;
	size_t		 nclients, requests, floor_samples;
	int		 procs;
	int		 gen_threads;
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: inproc -c estd.conf [options]\n"
"  -c, --config FILE      estd.conf (its directory is the PKI by default)\n"
"  --pki DIR              demo PKI (bootstrap CA for the client identities)\n"
"  --clients FILE         identity cache (PKI/bench-clients.pem)\n"
"  --nclients N           distinct client identities (1000)\n"
"  --procs N              processes, one per core (online CPUs)\n"
"  --requests N           enrollments in all (10000), each with its own CSR\n"
"  --floor-samples N      distinct CSRs and identities the crypto floor cycles\n"
"                         over (2000). The floor is measured in every process\n"
"                         between its enrollments: after each " STR(CHUNK) " of them,\n"
"                         as many floor enrollments\n"
"  --ca-cert FILE         the EST CA certificate (PKI/ca_cert.pem): issued\n"
"                         certificates must name it as issuer and verify with it\n"
"  --ca-key FILE          its key, PEM (PKI/ca_key.pem), for the crypto floor\n"
"  --label TEXT           row label for the RESULT line\n");
}

/* ---------------------------------------------------------- enrollments */

struct floor_data;
static int floor_run(const struct floor_data *, size_t, size_t, double[3],
    char *, size_t);

static void
child_run(const struct opts *o, const struct est_service *svc,
    const struct bench_ident *ids, const struct bench_csr *csrs, int k,
    struct child_result *cr, double *lat, int ready_fd, int go_fd,
    X509 *ca, const struct floor_data *fd)
{
	struct est_request	 req;
	struct est_response	 res;
	uint8_t			**bodies;
	size_t			*blen, i, j, last, mine = 0;
	double			 c0, t0, t;
	char			 why[300], go;
	int			 P = o->procs, floor_failed = 0;

	for (i = (size_t)k; i < o->requests; i += (size_t)P)
		mine++;
	bodies = calloc(mine, sizeof(*bodies));
	blen = calloc(mine, sizeof(*blen));
	if (bodies == NULL || blen == NULL) {
		snprintf(cr->first_error, sizeof(cr->first_error), "out of memory");
		cr->errors = mine;
		(void)!write(ready_fd, "x", 1);
		return;
	}
	cr->rss0 = bench_proc_rss_kib(getpid());
	(void)!write(ready_fd, "r", 1);
	if (read(go_fd, &go, 1) != 1)
		return;

	c0 = bench_cpu_self();
	t0 = bench_now();
	for (i = (size_t)k, j = 0; i < o->requests; i += (size_t)P, j++) {
		const struct bench_ident *id = &ids[i % o->nclients];

		/* Every CHUNK enrollments, as many floor ones, timed apart. */
		if (j > 0 && j % CHUNK == 0 && !floor_failed) {
			cr->cpu += bench_cpu_self() - c0;
			cr->wall += bench_now() - t0;
			if (floor_run(fd, j - CHUNK + (size_t)k * FLOOR_OFFSET, CHUNK,
			    cr->floor, why, sizeof(why)) == 0)
				cr->floor_n += CHUNK;
			else {
				floor_failed = 1;
				snprintf(cr->first_error, sizeof(cr->first_error),
				    "%.190s", why);
			}
			c0 = bench_cpu_self();
			t0 = bench_now();
		}

		t = bench_now();
		memset(&req, 0, sizeof(req));
		req.method = "POST";
		req.path = "/.well-known/est/simpleenroll";
		req.content_type = "application/pkcs10";
		req.body = (const uint8_t *)csrs[i].b64;
		req.body_len = csrs[i].b64_len;
		req.peer.verify = EST_TLS_SUCCESS;
		req.peer.cert_pem = id->pem;
		req.peer.cert_pem_len = id->pem_len;
		est_response_init(&res);
		est_handle(svc, &req, &res);
		if (res.status == 200 && res.content_type != NULL &&
		    strcmp(res.content_type, BENCH_CT_CERTS_ONLY) == 0) {
			/* Keep the body: checked after the timed loop. */
			bodies[j] = res.body.data;
			blen[j] = res.body.len;
			buf_init(&res.body);
		} else {
			cr->errors++;
			if (cr->first_error[0] == '\0')
				snprintf(cr->first_error, sizeof(cr->first_error),
				    "status %d (%.60s): %.100s", res.status,
				    res.content_type ? res.content_type : "-", res.reason);
		}
		est_response_free(&res);
		/* Negative: failed, left out of the percentiles. */
		lat[i] = bodies[j] != NULL ? bench_now() - t : -1;
	}
	cr->cpu += bench_cpu_self() - c0;
	cr->wall += bench_now() - t0;
	cr->n = mine;
	/* The floor of the last chunk, full or not. */
	last = j % CHUNK != 0 ? j % CHUNK : CHUNK;
	if (!floor_failed && j > 0) {
		if (floor_run(fd, j - last + (size_t)k * FLOOR_OFFSET, last, cr->floor,
		    why, sizeof(why)) == 0)
			cr->floor_n += last;
		else
			snprintf(cr->first_error, sizeof(cr->first_error), "%.190s", why);
	}
	cr->rss1 = bench_proc_rss_kib(getpid());

	/* The full check, outside the timed loop. */
	for (i = (size_t)k, j = 0; i < o->requests; i += (size_t)P, j++) {
		if (bodies[j] == NULL)
			continue;
		if (bench_check_certs_only(bodies[j], blen[j], csrs[i].spki,
		    csrs[i].spki_len, ca, NULL, why, sizeof(why)) == 0)
			cr->ok++;
		else {
			cr->errors++;
			lat[i] = -1;
			if (cr->first_error[0] == '\0')
				snprintf(cr->first_error, sizeof(cr->first_error),
				    "%.190s", why);
		}
		free(bodies[j]);
	}
	free(bodies);
	free(blen);
	cr->done = 1;
}

/* ------------------------------------------------------------ the floor */

struct floor_result {
	double	sign_us, csr_us, client_us, total_us;
	size_t	tbs_len, samples, ops;
	char	ca_desc[64];
};

/* md for a signature algorithm nid (NULL when the key hashes internally). */
static const EVP_MD *
sig_md(int sig_nid)
{
	int md_nid, pk_nid;

	if (!OBJ_find_sigid_algs(sig_nid, &md_nid, &pk_nid) || md_nid == NID_undef)
		return NULL;
	return EVP_get_digestbynid(md_nid);
}

static EVP_PKEY_CTX *
op_ctx(EVP_PKEY *k, const EVP_MD *md, int sign)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(k, NULL);

	if (ctx == NULL || (sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) != 1 ||
	    (md != NULL && EVP_PKEY_CTX_set_signature_md(ctx, md) != 1)) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

struct signed_blob {
	uint8_t		*tbs;
	int		 tbs_len;
	const uint8_t	*sig;
	int		 sig_len;
	const EVP_MD	*md;
};

static int
hash(const EVP_MD *md, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen)
{
	unsigned int n;

	if (EVP_Digest(in, len, out, &n, md, NULL) != 1)
		return -1;
	*outlen = n;
	return 0;
}

/*
 * What the floor needs, set up before timing and before the fork, so that
 * each enrolling process measures the floor too, in chunks interleaved
 * with its enrollments: both see the same machine at the same moments (a
 * virtual machine's speed drifts with what its host does, and processes
 * running side by side slow each other down).
 */
struct floor_data {
	EVP_PKEY		*cakey, *bootpub;
	X509			*boot;
	EVP_PKEY_CTX		*sign_ctx, *boot_ctx, **csr_ctx;
	struct signed_blob	*csr_blob, *cli_blob;
	const EVP_MD		*ca_md;
	uint8_t			*tbs, *sigbuf;
	int			 tbs_len;
	size_t			 M, sigmax;
	char			 ca_desc[64];
};

static void
floor_free(struct floor_data *fd)
{
	size_t i;

	for (i = 0; fd->csr_ctx != NULL && i < fd->M; i++)
		EVP_PKEY_CTX_free(fd->csr_ctx[i]);
	for (i = 0; fd->csr_blob != NULL && i < fd->M; i++)
		OPENSSL_free(fd->csr_blob[i].tbs);
	for (i = 0; fd->cli_blob != NULL && i < fd->M; i++)
		OPENSSL_free(fd->cli_blob[i].tbs);
	free(fd->csr_ctx);
	free(fd->csr_blob);
	free(fd->cli_blob);
	EVP_PKEY_CTX_free(fd->sign_ctx);
	EVP_PKEY_CTX_free(fd->boot_ctx);
	EVP_PKEY_free(fd->cakey);
	EVP_PKEY_free(fd->bootpub);
	X509_free(fd->boot);
	OPENSSL_free(fd->tbs);
	free(fd->sigbuf);
	memset(fd, 0, sizeof(*fd));
}

static int
floor_setup(const struct opts *o, const struct bench_ident *ids,
    const struct bench_csr *csrs, X509 *issued, struct floor_data *fd,
    char *err, size_t errlen)
{
	const ASN1_BIT_STRING	*sig;
	const X509_ALGOR	*alg;
	FILE			*f;
	char			 path[4096];
	size_t			 i;

	memset(fd, 0, sizeof(*fd));
	fd->M = o->floor_samples < o->requests ? o->floor_samples : o->requests;
	if ((fd->cakey = bench_read_key(o->ca_key)) == NULL) {
		snprintf(err, errlen, "cannot read the CA key %s as a PEM file", o->ca_key);
		goto fail;
	}
	snprintf(fd->ca_desc, sizeof(fd->ca_desc), "%s-%d",
	    EVP_PKEY_get0_type_name(fd->cakey), EVP_PKEY_get_bits(fd->cakey));
	snprintf(path, sizeof(path), "%s/trust_store/bootstrap-ca.pem", o->pki);
	if ((f = fopen(path, "r")) == NULL ||
	    (fd->boot = PEM_read_X509(f, NULL, NULL, NULL)) == NULL) {
		if (f != NULL)
			fclose(f);
		snprintf(err, errlen, "cannot read %.400s", path);
		goto fail;
	}
	fclose(f);
	fd->bootpub = X509_get_pubkey(fd->boot);

	/* The TBSCertificate of a certificate estd issued: a realistic size. */
	if ((fd->tbs_len = i2d_re_X509_tbs(issued, &fd->tbs)) <= 0) {
		snprintf(err, errlen, "cannot encode a TBSCertificate");
		goto fail;
	}
	fd->ca_md = sig_md(X509_get_signature_nid(issued));
	fd->sigmax = (size_t)EVP_PKEY_get_size(fd->cakey);
	if ((fd->sigbuf = malloc(fd->sigmax)) == NULL ||
	    (fd->sign_ctx = op_ctx(fd->cakey, fd->ca_md, 1)) == NULL ||
	    (fd->boot_ctx = op_ctx(fd->bootpub, NULL, 0)) == NULL) {
		snprintf(err, errlen, "cannot set up the CA key operations");
		goto fail;
	}
	fd->csr_ctx = calloc(fd->M, sizeof(*fd->csr_ctx));
	fd->csr_blob = calloc(fd->M, sizeof(*fd->csr_blob));
	fd->cli_blob = calloc(fd->M, sizeof(*fd->cli_blob));
	if (fd->csr_ctx == NULL || fd->csr_blob == NULL || fd->cli_blob == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < fd->M; i++) {
		X509_REQ	*req = csrs[i].req;
		X509		*cli = ids[i % o->nclients].cert;

		X509_REQ_get0_signature(req, &sig, &alg);
		fd->csr_blob[i].sig = sig->data;
		fd->csr_blob[i].sig_len = sig->length;
		fd->csr_blob[i].md = sig_md(OBJ_obj2nid(alg->algorithm));
		fd->csr_blob[i].tbs_len = i2d_re_X509_REQ_tbs(req, &fd->csr_blob[i].tbs);
		X509_get0_signature(&sig, &alg, cli);
		fd->cli_blob[i].sig = sig->data;
		fd->cli_blob[i].sig_len = sig->length;
		fd->cli_blob[i].md = sig_md(X509_get_signature_nid(cli));
		fd->cli_blob[i].tbs_len = i2d_re_X509_tbs(cli, &fd->cli_blob[i].tbs);
		if (fd->csr_blob[i].tbs_len <= 0 || fd->cli_blob[i].tbs_len <= 0 ||
		    fd->csr_blob[i].md == NULL || fd->cli_blob[i].md == NULL ||
		    (fd->csr_ctx[i] = op_ctx(csrs[i].key, fd->csr_blob[i].md, 0)) == NULL) {
			snprintf(err, errlen, "cannot set up floor sample %zu", i);
			goto fail;
		}
	}
	return 0;
fail:
	ERR_clear_error();
	floor_free(fd);
	return -1;
}

/*
 * count floor enrollments from sample start on: their CA signatures, CSR
 * verifications and client certificate verifications, whose CPU seconds
 * are added to t[0], t[1] and t[2].
 */
static int
floor_run(const struct floor_data *fd, size_t start, size_t count, double t[3],
    char *err, size_t errlen)
{
	uint8_t	 dg[EVP_MAX_MD_SIZE];
	size_t	 k, i, dlen, siglen;
	double	 c0;

	c0 = bench_cpu_self();
	for (k = 0; k < count; k++) {
		siglen = fd->sigmax;
		if (hash(fd->ca_md != NULL ? fd->ca_md : EVP_sha256(), fd->tbs,
		    (size_t)fd->tbs_len, dg, &dlen) == -1 ||
		    EVP_PKEY_sign(fd->sign_ctx, fd->sigbuf, &siglen, dg, dlen) != 1) {
			snprintf(err, errlen, "floor: CA signature failed");
			return -1;
		}
	}
	t[0] += bench_cpu_self() - c0;
	c0 = bench_cpu_self();
	for (k = 0; k < count; k++) {
		i = (start + k) % fd->M;
		if (hash(fd->csr_blob[i].md, fd->csr_blob[i].tbs,
		    (size_t)fd->csr_blob[i].tbs_len, dg, &dlen) == -1 ||
		    EVP_PKEY_verify(fd->csr_ctx[i], fd->csr_blob[i].sig,
		    (size_t)fd->csr_blob[i].sig_len, dg, dlen) != 1) {
			snprintf(err, errlen, "floor: CSR %zu signature does not verify", i);
			return -1;
		}
	}
	t[1] += bench_cpu_self() - c0;
	c0 = bench_cpu_self();
	for (k = 0; k < count; k++) {
		i = (start + k) % fd->M;
		if (hash(fd->cli_blob[i].md, fd->cli_blob[i].tbs,
		    (size_t)fd->cli_blob[i].tbs_len, dg, &dlen) == -1 ||
		    EVP_PKEY_verify(fd->boot_ctx, fd->cli_blob[i].sig,
		    (size_t)fd->cli_blob[i].sig_len, dg, dlen) != 1) {
			snprintf(err, errlen, "floor: client certificate %zu signature "
			    "does not verify", i);
			return -1;
		}
	}
	t[2] += bench_cpu_self() - c0;
	return 0;
}

/* One enrollment in this process, to get an issued certificate to look at. */
static X509 *
sample_issue(const struct est_service *svc, const struct bench_ident *id,
    const struct bench_csr *csr, X509 *ca, char *err, size_t errlen)
{
	struct est_request	 req;
	struct est_response	 res;
	X509			*x = NULL;

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = "/.well-known/est/simpleenroll";
	req.content_type = "application/pkcs10";
	req.body = (const uint8_t *)csr->b64;
	req.body_len = csr->b64_len;
	req.peer.verify = EST_TLS_SUCCESS;
	req.peer.cert_pem = id->pem;
	req.peer.cert_pem_len = id->pem_len;
	est_response_init(&res);
	est_handle(svc, &req, &res);
	if (res.status != 200)
		snprintf(err, errlen, "status %d: %s", res.status, res.reason);
	else
		bench_check_certs_only(res.body.data, res.body.len, csr->spki,
		    csr->spki_len, ca, &x, err, errlen);
	est_response_free(&res);
	return x;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "pki", required_argument, NULL, 'P' },
		{ "clients", required_argument, NULL, 'C' },
		{ "nclients", required_argument, NULL, 'N' },
		{ "procs", required_argument, NULL, 'j' },
		{ "requests", required_argument, NULL, 'n' },
		{ "floor-samples", required_argument, NULL, 'f' },
		{ "label", required_argument, NULL, 'l' },
		{ "ca-cert", required_argument, NULL, 'A' },
		{ "ca-key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts		 o;
	struct est_config	 cfg;
	struct est_service	 svc;
	struct diag		 d;
	struct bench_ident	*ids = NULL;
	struct bench_csr	*csrs = NULL;
	struct child_result	*cr = MAP_FAILED;
	struct floor_result	 fr;
	struct floor_data	 fd;
	double			 floor_cpu[3] = { 0, 0, 0 };
	size_t			 floor_n = 0;
	double			*lat = MAP_FAILED, gen0, gen_s, wall = 0, cpu = 0;
	double			 rate = 0, cpu_us = 0, p50 = 0, p90 = 0, p99 = 0, load1;
	size_t			 i, ok = 0, errors = 0, n = 0, nlat = 0;
	pid_t			 pids[MAX_PROCS];
	int			 ready[2] = { -1, -1 }, go[2] = { -1, -1 }, ch, k, st;
	int			 rc = 2, floor_ok = 0;
	char			 err[512], dirbuf[4096], pathbuf[4096], prefix[64];
	char			 cacertbuf[4096], cakeybuf[4096];
	char			 machine[256], c;
	const char		*first_error = NULL;
	X509			*ca = NULL, *issued = NULL;

	memset(&o, 0, sizeof(o));
	o.nclients = 1000;
	o.requests = 10000;
	o.floor_samples = 2000;
	o.label = "-";
	o.gen_threads = 2;
	o.procs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o.conf = optarg; break;
		case 'P': o.pki = optarg; break;
		case 'C': o.clients = optarg; break;
		case 'N': o.nclients = strtoul(optarg, NULL, 10); break;
		case 'j': o.procs = atoi(optarg); break;
		case 'n': o.requests = strtoul(optarg, NULL, 10); break;
		case 'f': o.floor_samples = strtoul(optarg, NULL, 10); break;
		case 'l': o.label = optarg; break;
		case 'A': o.ca_cert = optarg; break;
		case 'K': o.ca_key = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (o.conf == NULL || o.procs < 1 || o.procs > MAX_PROCS || o.requests == 0 ||
	    o.nclients == 0 || o.floor_samples == 0) {
		usage(stderr);
		return 2;
	}
	if (o.pki == NULL) {
		snprintf(dirbuf, sizeof(dirbuf), "%s", o.conf);
		o.pki = dirname(dirbuf);
	}
	if (o.clients == NULL) {
		snprintf(pathbuf, sizeof(pathbuf), "%s/bench-clients.pem", o.pki);
		o.clients = pathbuf;
	}
	if (o.ca_cert == NULL) {
		snprintf(cacertbuf, sizeof(cacertbuf), "%s/ca_cert.pem", o.pki);
		o.ca_cert = cacertbuf;
	}
	if (o.ca_key == NULL) {
		snprintf(cakeybuf, sizeof(cakeybuf), "%s/ca_key.pem", o.pki);
		o.ca_key = cakeybuf;
	}

	/* The service, exactly as estd loads it. */
	diag_init(&d);
	config_defaults(&cfg);
	memset(&svc, 0, sizeof(svc));
	memset(&fd, 0, sizeof(fd));
	if (config_load(&cfg, o.conf, &d) == -1 || service_load(&svc, &cfg, &d) == -1) {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "inproc: %s\n", d.msgs[i]);
		goto out;
	}
	log_open("inproc", LOG_TARGET_STDERR, LOG_LEVEL_ERROR);
	if ((ca = bench_read_cert(o.ca_cert)) == NULL) {
		fprintf(stderr, "inproc: cannot read the CA certificate %s\n", o.ca_cert);
		goto out;
	}

	if (bench_idents_load(o.clients, o.pki, o.nclients, &ids, err, sizeof(err)) == -1) {
		fprintf(stderr, "inproc: client identities: %s\n", err);
		goto out;
	}
	snprintf(prefix, sizeof(prefix), "inproc-%lx-%lx", (unsigned long)time(NULL),
	    (unsigned long)getpid());
	gen0 = bench_now();
	/* One more than the enrollments: the floor's sample issue has its own. */
	if ((csrs = calloc(o.requests + 1, sizeof(*csrs))) == NULL ||
	    bench_csrs_make(csrs, o.requests + 1, prefix, o.gen_threads,
	    o.floor_samples, err, sizeof(err)) == -1) {
		fprintf(stderr, "inproc: CSRs: %s\n", csrs ? err : "out of memory");
		goto out;
	}
	gen_s = bench_now() - gen0;

	cr = mmap(NULL, sizeof(*cr) * (size_t)o.procs, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	lat = mmap(NULL, sizeof(*lat) * o.requests, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (cr == MAP_FAILED || lat == MAP_FAILED || pipe(ready) == -1 || pipe(go) == -1) {
		fprintf(stderr, "inproc: %s\n", strerror(errno));
		goto out;
	}
	memset(cr, 0, sizeof(*cr) * (size_t)o.procs);

	/* The floor's keys and samples, inherited by the enrolling processes. */
	err[0] = '\0';
	if ((issued = sample_issue(&svc, &ids[0], &csrs[o.requests], ca, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "inproc: sample enrollment for the floor failed: %s\n", err);
		goto out;
	}
	if (floor_setup(&o, ids, csrs, issued, &fd, err, sizeof(err)) == -1) {
		fprintf(stderr, "inproc: crypto floor: %s\n", err);
		goto out;
	}
	fflush(NULL);
	for (k = 0; k < o.procs; k++) {
		if ((pids[k] = fork()) == -1) {
			fprintf(stderr, "inproc: fork: %s\n", strerror(errno));
			for (i = 0; i < (size_t)k; i++)
				kill(pids[i], SIGKILL);
			goto out;
		}
		if (pids[k] == 0) {
			close(ready[0]);
			close(go[1]);
			child_run(&o, &svc, ids, csrs, k, &cr[k], lat, ready[1], go[0],
			    ca, &fd);
			_exit(0);
		}
	}
	close(ready[1]);
	close(go[0]);
	ready[1] = go[0] = -1;
	for (k = 0; k < o.procs; k++)
		if (read(ready[0], &c, 1) != 1)
			break;
	load1 = bench_load1();
	for (k = 0; k < o.procs; k++)
		(void)!write(go[1], "g", 1);
	for (k = 0; k < o.procs; k++)
		waitpid(pids[k], &st, 0);

	for (k = 0; k < o.procs; k++) {
		if (!cr[k].done) {
			errors += cr[k].n > 0 ? cr[k].n : o.requests / (size_t)o.procs;
			if (first_error == NULL)
				first_error = cr[k].first_error[0] ? cr[k].first_error :
				    "a worker process died";
			continue;
		}
		n += cr[k].n;
		ok += cr[k].ok;
		errors += cr[k].errors;
		cpu += cr[k].cpu;
		for (i = 0; i < 3; i++)
			floor_cpu[i] += cr[k].floor[i];
		floor_n += cr[k].floor_n;
		if (cr[k].wall > wall)
			wall = cr[k].wall;
		if (first_error == NULL && cr[k].first_error[0] != '\0')
			first_error = cr[k].first_error;
	}
	/*
	 * Latencies of successful calls of the processes that finished: a
	 * failed call is no enrollment's latency, and the slots of a process
	 * that died are zeros. Compacted in place (process k had i = k mod P).
	 */
	for (i = 0; i < o.requests; i++)
		if (cr[i % (size_t)o.procs].done && lat[i] >= 0)
			lat[nlat++] = lat[i];
	if (n > 0) {
		rate = wall > 0 ? (double)ok / wall : 0;
		cpu_us = cpu * 1e6 / (double)n;
	}
	if (nlat > 0) {
		p50 = bench_percentile(lat, nlat, 50);
		p90 = bench_percentile(lat, nlat, 90);
		p99 = bench_percentile(lat, nlat, 99);
	}

	if (n > 0 && floor_n == n) {
		memset(&fr, 0, sizeof(fr));
		snprintf(fr.ca_desc, sizeof(fr.ca_desc), "%s", fd.ca_desc);
		fr.tbs_len = (size_t)fd.tbs_len;
		fr.samples = fd.M;
		fr.ops = floor_n;
		fr.sign_us = floor_cpu[0] * 1e6 / (double)floor_n;
		fr.csr_us = floor_cpu[1] * 1e6 / (double)floor_n;
		fr.client_us = floor_cpu[2] * 1e6 / (double)floor_n;
		fr.total_us = fr.sign_us + fr.csr_us + fr.client_us;
		floor_ok = 1;
	}

	bench_machine_line(machine, sizeof(machine));
	printf("inproc %s: %d process(es), %zu enrollments through est_handle (%s)\n",
	    o.label, o.procs, n, machine);
	printf("  CSRs made before timing: %zu in %.2f s; identities: %zu\n",
	    o.requests, gen_s, o.nclients);
	printf("  %zu ok, %zu errors; %.1f enrollments/s; CPU %.1f us per enrollment; "
	    "est_handle wall p50 %.0f us, p99 %.0f us (%zu successful calls)\n", ok,
	    errors, rate, cpu_us, p50 * 1e6, p99 * 1e6, nlat);
	for (k = 0; k < o.procs; k++)
		printf("  process %d: %zu enrollments, CPU %.2f s, wall %.2f s, "
		    "RSS %ld -> %ld KiB\n", k, cr[k].n, cr[k].cpu, cr[k].wall,
		    cr[k].rss0, cr[k].rss1);
	if (first_error != NULL)
		printf("  first error: %s\n", first_error);
	if (floor_ok)
		printf("  crypto floor (%s CA, TBS %zu bytes, %zu samples; %zu floor "
		    "enrollments measured in the same processes, in chunks of %d "
		    "between the real ones): CA sign %.1f + CSR verify %.1f + client "
		    "cert verify %.1f = %.1f us per enrollment; in-process/floor = %.2f\n",
		    fr.ca_desc, fr.tbs_len, fr.samples, fr.ops, CHUNK, fr.sign_us,
		    fr.csr_us, fr.client_us, fr.total_us,
		    fr.total_us > 0 ? cpu_us / fr.total_us : 0);
	printf("RESULT label=%s mode=inproc procs=%d ok=%zu errors=%zu secs=%.3f "
	    "rate=%.1f cpu_us=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f load1=%.2f",
	    o.label, o.procs, ok, errors, wall, rate, cpu_us, p50 * 1e6, p90 * 1e6,
	    p99 * 1e6, load1);
	if (floor_ok)
		printf(" floor_us=%.1f floor_sign_us=%.1f floor_csr_us=%.1f "
		    "floor_client_us=%.1f floor_n=%zu ratio=%.3f", fr.total_us,
		    fr.sign_us, fr.csr_us, fr.client_us, fr.ops,
		    cpu_us / fr.total_us);
	if (first_error != NULL) {
		printf(" first_error=\"");
		for (const char *s = first_error; *s; s++)
			putchar(*s == '"' ? '\'' : *s);
		printf("\"");
	}
	printf("\n");
	rc = errors > 0 || ok != o.requests || !floor_ok ? 1 : 0;
out:
	fflush(stdout);
	floor_free(&fd);
	X509_free(issued);
	X509_free(ca);
	if (cr != MAP_FAILED)
		munmap(cr, sizeof(*cr) * (size_t)o.procs);
	if (lat != MAP_FAILED)
		munmap(lat, sizeof(*lat) * o.requests);
	for (k = 0; k < 2; k++) {
		if (ready[k] != -1)
			close(ready[k]);
		if (go[k] != -1)
			close(go[k]);
	}
	if (csrs != NULL)
		bench_csrs_free(csrs, o.requests + 1);
	free(csrs);
	bench_idents_free(ids, o.nclients);
	service_free(&svc);
	config_free(&cfg);
	diag_free(&d);
	return rc;
}
