/*
 * benchlib: what the load generator (estload) and the in-process benchmark
 * (inproc) share: the pool of client identities, the pre-generated CSRs,
 * strict checking of an enrollment response, /proc readings and statistics.
 * Nothing here links the EST core.
 */
#ifndef BENCH_BENCHLIB_H
#define BENCH_BENCHLIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define BENCH_CT_CERTS_ONLY	"application/pkcs7-mime; smime-type=certs-only"

/* A client identity: certificate (signed by the PKI's bootstrap CA) and key. */
struct bench_ident {
	X509		*cert;
	EVP_PKEY	*key;
	char		*pem;		/* the certificate as PEM, as lighttpd exports it */
	size_t		 pem_len;
};

/*
 * Loads n identities from the cache file, or (when it is missing, holds fewer,
 * or they expire within a day) makes them with PKI/trust_store/bootstrap-ca.pem
 * and PKI/bootstrap-ca.key and rewrites the cache. 0 = ok, else err is set.
 */
int	bench_idents_load(const char *cache, const char *pki, size_t n,
	    struct bench_ident **out, char *err, size_t errlen);
void	bench_idents_free(struct bench_ident *, size_t n);

/* A CSR made before the measured window: P-256 key, distinct subject. */
struct bench_csr {
	char		*b64;		/* body as sent: base64, 64-column lines */
	size_t		 b64_len;
	uint8_t		*spki;		/* DER SubjectPublicKeyInfo of its key */
	size_t		 spki_len;
	EVP_PKEY	*key;		/* kept only when asked (crypto floor) */
	X509_REQ	*req;		/* idem */
};

/*
 * Makes n CSRs on `threads` threads. CNs are "<prefix>-<i>"; the prefix
 * should be unique per run. keep: keep key and X509_REQ of the first `keep`.
 */
int	bench_csrs_make(struct bench_csr *csrs, size_t n, const char *prefix,
	    int threads, size_t keep, char *err, size_t errlen);
void	bench_csrs_free(struct bench_csr *, size_t n);

/*
 * The body of a 200 simpleenroll response: base64 of a certs-only PKCS#7
 * (signedData, no signers) holding exactly one certificate whose public key
 * is spki and which is valid now; when ca is not NULL it must also be issued
 * by it (issuer name and key identifiers match, the signature verifies with
 * its key). 0 = good; else why says what is wrong.
 */
int	bench_check_certs_only(const uint8_t *b64, size_t len, const uint8_t *spki,
	    size_t spki_len, X509 *ca, X509 **issued, char *why, size_t whylen);
/* The first certificate of a PEM file, or NULL. */
X509	*bench_read_cert(const char *path);

/* Base64 (with or without line breaks) to bytes; -1 on bad input. */
/* A PEM private key file, or NULL. */
EVP_PKEY *bench_read_key(const char *path);
int	bench_b64_decode(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen);

/* What /proc says about one process at one moment. */
struct bench_proc {
	unsigned long long utime, stime;	/* clock ticks, /proc/PID/stat */
	unsigned long long sleeps;		/* voluntary context switches */
	unsigned long long preempted;		/* involuntary context switches */
};
/* Reads /proc/PID/stat and /proc/PID/status; -1 if the process is gone. */
int	bench_proc_read(pid_t, struct bench_proc *);
/* /proc/PID/status VmRSS in KiB; -1 if gone. */
long	bench_proc_rss_kib(pid_t);
double	bench_clk_tck(void);

double	bench_now(void);		/* CLOCK_MONOTONIC, seconds */
double	bench_cpu_self(void);		/* this process, user+system, seconds */
double	bench_cpu_thread(void);		/* this thread */

/* Sorts v in place; returns the p-th percentile (0..100), nearest rank. */
double	bench_percentile(double *v, size_t n, double p);

/* 1-minute load average (-1 if unknown). */
double	bench_load1(void);

/* "load average: a b c" and "N cores, model" for reports. */
void	bench_machine_line(char *out, size_t outlen);

/* First OpenSSL error as text (and clears the queue). */
const char *bench_ssl_err(char *buf, size_t len);

#endif
