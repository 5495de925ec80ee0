/*
 * estload: a load generator for estd. It performs real EST enrollments
 * (POST /.well-known/est/simpleenroll) over HTTPS, TLS 1.3, with a TLS client
 * certificate from a pool of distinct identities and a distinct, pre-generated
 * CSR per request, and checks every response. It reports enrollments/s,
 * latency percentiles, errors, and the CPU that it and the server processes
 * used during the measured window (from /proc/PID/stat).
 *
 * One thread per connection slot (blocking sockets): with 2 cores and at most
 * a few dozen connections that costs little and keeps the code obvious.
 *
 *   --mode new        a new TLS connection per enrollment ("Connection: close")
 *   --mode keepalive  persistent HTTP/1.1 connections, one identity each
 *   --mode trivial    like new, against any responder that answers 200: the
 *                     TLS-handshake reference (bench/trivial-fcgi)
 *   --mode trivial-keepalive  the same over kept-alive connections: what
 *                     the front server and FastCGI cost per request alone
 *
 * Output: a human report, then one line "RESULT key=value ..." for scripts.
 * Exit status: 0 = no errors, 1 = some requests failed, 2 = setup error.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "benchlib.h"

#define MAX_SERVER_PIDS	64
#define MAX_REASONS	8
#define RBUF_SIZE	(256 * 1024)

enum mode { MODE_NEW, MODE_KEEPALIVE, MODE_TRIVIAL, MODE_TRIVIAL_KEEPALIVE };

/* Trivial modes: any 200 will do (bench/trivial-fcgi); the transport's cost. */
static int
mode_is_trivial(enum mode m)
{
	return m == MODE_TRIVIAL || m == MODE_TRIVIAL_KEEPALIVE;
}

static int
mode_is_keepalive(enum mode m)
{
	return m == MODE_KEEPALIVE || m == MODE_TRIVIAL_KEEPALIVE;
}

struct server_pid {
	char			 name[32];
	pid_t			 pid;
	struct bench_proc	 p0, p1;	/* around the window */
	long			 rss0, rss1;
	int			 gone;
};

struct opts {
	const char	*host, *sni, *cacert, *pki, *clients, *ca_cert, *label, *path;
	int		 port;
	enum mode	 mode;
	int		 concurrency;
	double		 duration;
	size_t		 requests;	/* 0: duration-bound */
	size_t		 csrs;		/* pre-generated CSRs (0: derived) */
	size_t		 nclients;
	size_t		 warmup;
	size_t		 conn_requests;	/* keepalive: reconnect after this many */
	int		 inline_verify;
	double		 timeout;
	double		 wait_ready;
	int		 gen_threads;
	int		 make_clients_only;
};

/*
 * Per CSR (= per measured request) outcome, for the deferred check; the
 * latency waits here too, as only the check tells a good request from a bad.
 */
struct slot {
	uint8_t		*body;
	size_t		 body_len;
	double		 lat;
	unsigned char	 state;		/* 0 unused, 1 answered 200, 2 error */
};

struct reason {
	char	text[200];
	size_t	count;
};

struct run {
	const struct opts	*o;
	SSL_CTX			*ctx;
	struct bench_ident	*ids;
	struct bench_csr	*csrs;
	size_t			 ncsrs;
	struct slot		*slots;		/* ncsrs; NULL in trivial mode */
	X509			*ca;		/* EST CA, inline verification */
	size_t			 limit;		/* requests to make at most */
	double			 deadline;	/* 0: none */
	double			 load1;		/* load average at the start */

	atomic_size_t		 next_req;
	atomic_size_t		 next_ident;
	atomic_size_t		 conns;
	atomic_size_t		 server_closes;
	atomic_int		 stop;
	atomic_int		 finished;
	atomic_int		 exhausted;
	/*
	 * The start gate: threads wait until go is set. Not a barrier, whose
	 * count must be met: a thread that failed to start would leave the
	 * others (and main) waiting for ever.
	 */
	pthread_mutex_t		 gate_mu;
	pthread_cond_t		 gate_cv;
	int			 go;

	pthread_mutex_t		 mu;		/* guards what follows */
	struct reason		 reasons[MAX_REASONS];
	size_t			 nreasons, other_reasons;
	double			*lat;		/* latencies (s) of good requests */
	size_t			 nlat, caplat;
	size_t			 ok, errors;
	/* Failed requests of the window, and the slowest (s): the percentiles
	 * leave them out, so a run with errors would look faster than it was. */
	size_t			 nfail;
	double			 fail_max;
};

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: estload [options]\n"
"  --port N             TLS port on --host (required)\n"
"  --host ADDR          IPv4 address to connect to (127.0.0.1)\n"
"  --sni NAME           server name to send and verify (localhost)\n"
"  --pki DIR            demo PKI (tests/demo-pki.sh): bootstrap CA for the client\n"
"                       identities, defaults for --cacert and --ca-cert\n"
"  --cacert FILE        CA of the TLS server certificate (PKI/server-ca.pem)\n"
"  --ca-cert FILE       EST CA: issued certificates must name it as issuer and\n"
"                       verify with its key (PKI/ca_cert.pem)\n"
"  --clients FILE       identity cache (PKI/bench-clients.pem); made when missing\n"
"  --nclients N         distinct client identities (1000)\n"
"  --mode M             new | keepalive | trivial | trivial-keepalive (new)\n"
"  --concurrency N      connections in flight (16)\n"
"  --duration S         measured window in seconds (10; 0 = until --requests)\n"
"  --requests N         stop after N requests (0 = duration-bound)\n"
"  --csrs N             pre-generated CSRs, bounds the requests (default: --requests,\n"
"                       or 4000 per second of --duration)\n"
"  --warmup N           unmeasured, checked requests first (0)\n"
"  --conn-requests N    keepalive: reconnect (next identity) after N requests (0 = never)\n"
"  --verify W           deferred (check every response after the window) | inline\n"
"  --server-pids LIST   comma-separated [name:]pid, or @FILE holding such items;\n"
"                       their CPU (utime+stime) and RSS are read around the window\n"
"  --label TEXT         row label for the RESULT line\n"
"  --path PATH          request path (/.well-known/est/simpleenroll)\n"
"  --timeout S          socket timeout (30)\n"
"  --wait-ready S       first poll GET /.well-known/est/cacerts up to S seconds\n"
"  --gen-threads N      threads making CSRs before the window (2)\n"
"  --make-clients       only make (or check) the identity cache, then exit\n");
}

/* ---------------------------------------------------------------- errors */

static void
add_reason(struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
add_reason(struct run *r, const char *fmt, ...)
{
	char	 text[200];
	va_list	 ap;
	size_t	 i;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	text[strcspn(text, "\r\n")] = '\0';
	pthread_mutex_lock(&r->mu);
	r->errors++;
	for (i = 0; i < r->nreasons; i++)
		if (strcmp(r->reasons[i].text, text) == 0)
			break;
	if (i < r->nreasons)
		r->reasons[i].count++;
	else if (r->nreasons < MAX_REASONS) {
		snprintf(r->reasons[i].text, sizeof(r->reasons[i].text), "%s", text);
		r->reasons[i].count = 1;
		r->nreasons++;
	} else
		r->other_reasons++;
	pthread_mutex_unlock(&r->mu);
}

/* ------------------------------------------------------------ connections */

struct conn {
	int	 fd;
	SSL	*ssl;
	size_t	 served;
	int	 ident;
};

static void
conn_close(struct conn *c, int graceful)
{
	if (c->ssl != NULL) {
		if (graceful)
			SSL_shutdown(c->ssl);	/* send close_notify, do not wait */
		SSL_free(c->ssl);
	}
	if (c->fd != -1)
		close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
	c->served = 0;
}

static int
conn_open(struct run *r, struct conn *c, int with_cert, char *why, size_t whylen)
{
	const struct opts	*o = r->o;
	struct sockaddr_in	 sin;
	struct timeval		 tv;
	struct bench_ident	*id;
	char			 ssl[160];
	int			 one = 1;

	c->fd = -1;
	c->ssl = NULL;
	c->served = 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)o->port);
	inet_pton(AF_INET, o->host, &sin.sin_addr);
	tv.tv_sec = (time_t)o->timeout;
	tv.tv_usec = (suseconds_t)((o->timeout - (double)tv.tv_sec) * 1e6);
	if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(why, whylen, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		snprintf(why, whylen, "connect: %s", strerror(errno));
		goto fail;
	}
	if ((c->ssl = SSL_new(r->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set_tlsext_host_name(c->ssl, o->sni) != 1 ||
	    SSL_set1_host(c->ssl, o->sni) != 1) {
		snprintf(why, whylen, "SSL_new: %s", bench_ssl_err(ssl, sizeof(ssl)));
		goto fail;
	}
	if (with_cert) {
		c->ident = (int)(atomic_fetch_add(&r->next_ident, 1) % o->nclients);
		id = &r->ids[c->ident];
		if (SSL_use_certificate(c->ssl, id->cert) != 1 ||
		    SSL_use_PrivateKey(c->ssl, id->key) != 1) {
			snprintf(why, whylen, "client identity: %s",
			    bench_ssl_err(ssl, sizeof(ssl)));
			goto fail;
		}
	}
	if (SSL_connect(c->ssl) != 1) {
		snprintf(why, whylen, "TLS handshake: %s", bench_ssl_err(ssl, sizeof(ssl)));
		goto fail;
	}
	atomic_fetch_add(&r->conns, 1);
	return 0;
fail:
	ERR_clear_error();
	conn_close(c, 0);
	return -1;
}

/* ---------------------------------------------------------------- HTTP */

struct response {
	int		 status;
	char		 ctype[128];
	int		 close;		/* Connection: close */
	const uint8_t	*body;
	size_t		 body_len;
};

static int
send_all(SSL *ssl, const char *data, size_t len, char *why, size_t whylen)
{
	int n;

	ERR_clear_error();
	if ((n = SSL_write(ssl, data, (int)len)) <= 0 || (size_t)n != len) {
		snprintf(why, whylen, "write failed (SSL error %d)", SSL_get_error(ssl, n));
		ERR_clear_error();
		return -1;
	}
	return 0;
}

static void
trim(char **s, char *end)
{
	while (**s == ' ' || **s == '\t')
		(*s)++;
	while (end > *s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
}

/* Reads one response with a Content-Length body into buf (RBUF_SIZE). */
static int
read_response(SSL *ssl, char *buf, struct response *res, char *why, size_t whylen)
{
	size_t	 have = 0, hlen = 0, clen = 0;
	char	*eoh = NULL, *line, *next, *colon, *name, *val;
	int	 n, got_cl = 0, chunked = 0;

	memset(res, 0, sizeof(*res));
	for (;;) {
		if (have >= RBUF_SIZE - 1) {
			snprintf(why, whylen, "response too large");
			return -1;
		}
		ERR_clear_error();
		n = SSL_read(ssl, buf + have, (int)(RBUF_SIZE - 1 - have));
		if (n <= 0) {
			snprintf(why, whylen, have == 0 ?
			    "connection closed before a response (SSL error %d)" :
			    "connection closed mid-response (SSL error %d)",
			    SSL_get_error(ssl, n));
			ERR_clear_error();
			return -1;
		}
		have += (size_t)n;
		buf[have] = '\0';
		if (eoh == NULL && (eoh = strstr(buf, "\r\n\r\n")) != NULL) {
			hlen = (size_t)(eoh - buf) + 4;
			*eoh = '\0';
			/* Status line. */
			if (sscanf(buf, "HTTP/1.%*1[01] %3d", &res->status) != 1) {
				snprintf(why, whylen, "bad status line");
				return -1;
			}
			line = strstr(buf, "\r\n");
			for (; line != NULL; line = next) {
				line += 2;
				next = strstr(line, "\r\n");
				if (next != NULL)
					*next = '\0';
				if ((colon = strchr(line, ':')) == NULL)
					continue;
				*colon = '\0';
				name = line;
				val = colon + 1;
				trim(&val, val + strlen(val));
				if (strcasecmp(name, "Content-Length") == 0) {
					clen = strtoul(val, NULL, 10);
					got_cl = 1;
				} else if (strcasecmp(name, "Content-Type") == 0)
					snprintf(res->ctype, sizeof(res->ctype), "%s", val);
				else if (strcasecmp(name, "Connection") == 0 &&
				    strcasecmp(val, "close") == 0)
					res->close = 1;
				else if (strcasecmp(name, "Transfer-Encoding") == 0)
					chunked = 1;
			}
			if (chunked || !got_cl) {
				snprintf(why, whylen, "status %d without Content-Length",
				    res->status);
				return -1;
			}
			if (hlen + clen >= RBUF_SIZE) {
				snprintf(why, whylen, "response too large");
				return -1;
			}
		}
		if (eoh != NULL && have >= hlen + clen)
			break;
	}
	if (have > hlen + clen) {
		snprintf(why, whylen, "bytes after the response body");
		return -1;
	}
	res->body = (const uint8_t *)buf + hlen;
	res->body_len = clen;
	return 0;
}

/* ---------------------------------------------------------------- workers */

struct worker {
	struct run	*r;
	pthread_t	 tid;
	double		*lat;
	size_t		 nlat, caplat;
	size_t		 ok, nfail;
	double		 fail_max;
	char		*req;		/* request buffer */
	size_t		 reqcap;
	char		*rbuf;
};

static int
lat_push(struct worker *w, double v)
{
	double *p;

	if (w->nlat == w->caplat) {
		w->caplat = w->caplat ? w->caplat * 2 : 4096;
		if ((p = realloc(w->lat, w->caplat * sizeof(*p))) == NULL)
			return -1;
		w->lat = p;
	}
	w->lat[w->nlat++] = v;
	return 0;
}

/* Checks a response; 0 = good. Stores the body for the deferred check. */
static int
check_response(struct run *r, size_t idx, const struct response *res,
    char *why, size_t whylen)
{
	const struct opts	*o = r->o;
	struct bench_csr	*csr = &r->csrs[idx];
	struct slot		*sl;
	int			 n;

	if (res->status != 200) {
		n = (int)(res->body_len > 120 ? 120 : res->body_len);
		snprintf(why, whylen, "status %d: %.*s", res->status, n,
		    (const char *)res->body);
		return -1;
	}
	if (mode_is_trivial(o->mode))
		return 0;
	if (strcmp(res->ctype, BENCH_CT_CERTS_ONLY) != 0) {
		snprintf(why, whylen, "Content-Type \"%s\"", res->ctype);
		return -1;
	}
	if (o->inline_verify)
		return bench_check_certs_only(res->body, res->body_len, csr->spki,
		    csr->spki_len, r->ca, NULL, why, whylen);
	sl = &r->slots[idx];
	if ((sl->body = malloc(res->body_len)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	memcpy(sl->body, res->body, res->body_len);
	sl->body_len = res->body_len;
	sl->state = 1;
	return 0;
}

static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct run		*r = w->r;
	const struct opts	*o = r->o;
	struct conn		 c = { -1, NULL, 0, 0 };
	struct response		 res;
	struct bench_csr	*csr;
	char			 why[300], head[512];
	size_t			 idx, ci, need;
	double			 t0, t1;
	int			 hl, fresh = !mode_is_keepalive(o->mode), bad;

	pthread_mutex_lock(&r->gate_mu);
	while (!r->go)
		pthread_cond_wait(&r->gate_cv, &r->gate_mu);
	pthread_mutex_unlock(&r->gate_mu);
	for (;;) {
		if (atomic_load(&r->stop) || interrupted ||
		    (r->deadline > 0 && bench_now() >= r->deadline))
			break;
		idx = atomic_fetch_add(&r->next_req, 1);
		if (idx >= r->limit) {
			/* The pool ran out before the deadline or --requests. */
			if (!mode_is_trivial(o->mode) && idx >= r->ncsrs &&
			    (o->requests == 0 || o->requests > r->ncsrs))
				atomic_store(&r->exhausted, 1);
			break;
		}
		ci = mode_is_trivial(o->mode) ? idx % r->ncsrs : idx;
		csr = &r->csrs[ci];
		hl = snprintf(head, sizeof(head), "POST %s HTTP/1.1\r\n"
		    "Host: %s:%d\r\nUser-Agent: estload\r\n"
		    "Content-Type: application/pkcs10\r\nContent-Length: %zu\r\n"
		    "%s\r\n", o->path, o->sni, o->port, csr->b64_len,
		    fresh ? "Connection: close\r\n" : "");
		need = (size_t)hl + csr->b64_len;
		if (need > w->reqcap) {
			free(w->req);
			w->reqcap = need * 2;
			if ((w->req = malloc(w->reqcap)) == NULL) {
				add_reason(r, "out of memory");
				break;
			}
		}
		memcpy(w->req, head, (size_t)hl);
		memcpy(w->req + hl, csr->b64, csr->b64_len);

		t0 = bench_now();
		bad = 0;
		if (c.ssl == NULL && conn_open(r, &c, 1, why, sizeof(why)) == -1)
			bad = 1;
		else if (send_all(c.ssl, w->req, need, why, sizeof(why)) == -1 ||
		    read_response(c.ssl, w->rbuf, &res, why, sizeof(why)) == -1)
			bad = 2;
		else if (check_response(r, ci, &res, why, sizeof(why)) == -1)
			bad = 3;
		t1 = bench_now();
		if (bad) {
			if (r->slots != NULL && !mode_is_trivial(o->mode))
				r->slots[idx].state = 2;
			add_reason(r, "%s", why);
			w->nfail++;
			if (t1 - t0 > w->fail_max)
				w->fail_max = t1 - t0;
			conn_close(&c, 0);
			continue;
		}
		w->ok++;
		if (r->slots != NULL)
			r->slots[idx].lat = t1 - t0;
		else if (lat_push(w, t1 - t0) == -1) {
			add_reason(r, "out of memory");
			break;
		}
		c.served++;
		if (res.close && !fresh)
			atomic_fetch_add(&r->server_closes, 1);
		if (fresh || res.close ||
		    (o->conn_requests > 0 && c.served >= o->conn_requests))
			conn_close(&c, 1);
	}
	conn_close(&c, 1);
	atomic_fetch_add(&r->finished, 1);
	return NULL;
}

static void
open_gate(struct run *r)
{
	pthread_mutex_lock(&r->gate_mu);
	r->go = 1;
	pthread_cond_broadcast(&r->gate_cv);
	pthread_mutex_unlock(&r->gate_mu);
}

/*
 * Runs the request loop on o->concurrency threads; 0 = done, with the wall
 * and own CPU seconds of the window, -1 = it could not start.
 */
static int
run_load(struct run *r, struct server_pid *sp, size_t nsp, double *wall,
    double *selfcpu)
{
	const struct opts	*o = r->o;
	struct worker		*w;
	double			 t0, c0;
	size_t			 i;
	int			 n = o->concurrency, started = 0, rc = -1;

	if ((w = calloc((size_t)n, sizeof(*w))) == NULL)
		return -1;
	if (pthread_mutex_init(&r->gate_mu, NULL) != 0) {
		free(w);
		return -1;
	}
	if (pthread_cond_init(&r->gate_cv, NULL) != 0) {
		pthread_mutex_destroy(&r->gate_mu);
		free(w);
		return -1;
	}
	r->go = 0;
	for (i = 0; i < (size_t)n; i++) {
		w[i].r = r;
		if ((w[i].rbuf = malloc(RBUF_SIZE)) == NULL ||
		    pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0) {
			fprintf(stderr, "estload: cannot start thread %zu\n", i);
			/* Release the ones started; they see stop and end at once. */
			atomic_store(&r->stop, 1);
			open_gate(r);
			goto join;
		}
		started++;
	}
	for (i = 0; i < nsp; i++) {
		sp[i].rss0 = bench_proc_rss_kib(sp[i].pid);
		if (bench_proc_read(sp[i].pid, &sp[i].p0) == -1) {
			fprintf(stderr, "estload: server process %s:%ld not found\n",
			    sp[i].name, (long)sp[i].pid);
			atomic_store(&r->stop, 1);
			open_gate(r);
			goto join;
		}
	}
	r->load1 = bench_load1();
	c0 = bench_cpu_self();
	t0 = bench_now();
	r->deadline = o->duration > 0 ? t0 + o->duration : 0;
	open_gate(r);
	while (atomic_load(&r->finished) < n && !interrupted &&
	    (r->deadline == 0 || bench_now() < r->deadline))
		usleep(5000);
	atomic_store(&r->stop, 1);
	rc = 0;
join:
	for (i = 0; i < (size_t)started; i++)
		pthread_join(w[i].tid, NULL);
	if (rc == 0) {
		*wall = bench_now() - t0;
		*selfcpu = bench_cpu_self() - c0;
		for (i = 0; i < nsp; i++) {
			sp[i].rss1 = bench_proc_rss_kib(sp[i].pid);
			if (bench_proc_read(sp[i].pid, &sp[i].p1) == -1)
				sp[i].gone = 1;
		}
	}
	/* Collect latencies. */
	for (i = 0; i < (size_t)n; i++) {
		if (rc == 0 && w[i].nlat > 0) {
			double *p = realloc(r->lat, (r->nlat + w[i].nlat) * sizeof(*p));

			if (p != NULL) {
				r->lat = p;
				memcpy(r->lat + r->nlat, w[i].lat, w[i].nlat * sizeof(*p));
				r->nlat += w[i].nlat;
			}
		}
		r->ok += w[i].ok;
		r->nfail += w[i].nfail;
		if (w[i].fail_max > r->fail_max)
			r->fail_max = w[i].fail_max;
		free(w[i].lat);
		free(w[i].req);
		free(w[i].rbuf);
	}
	pthread_cond_destroy(&r->gate_cv);
	pthread_mutex_destroy(&r->gate_mu);
	free(w);
	return rc;
}

/* ---------------------------------------------------------------- set-up */

static SSL_CTX *
make_ctx(const struct opts *o)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	/* Every connection is a full handshake, as a fresh device makes it. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_load_verify_locations(ctx, o->cacert, NULL) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int
parse_pids(const char *spec, struct server_pid *sp, size_t *nsp)
{
	char	 buf[8192], *tok, *save = NULL, *colon, *end;
	FILE	*f;
	size_t	 n;
	long	 pid;

	if (spec[0] == '@') {
		if ((f = fopen(spec + 1, "r")) == NULL)
			return -1;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
	} else
		snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, ", \t\n", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t\n", &save)) {
		if (*nsp >= MAX_SERVER_PIDS)
			return -1;
		colon = strchr(tok, ':');
		pid = strtol(colon ? colon + 1 : tok, &end, 10);
		if (*end != '\0' || pid <= 0)
			return -1;
		snprintf(sp[*nsp].name, sizeof(sp[*nsp].name), "%.*s",
		    colon ? (int)(colon - tok < 31 ? colon - tok : 31) : 3,
		    colon ? tok : "srv");
		sp[*nsp].pid = (pid_t)pid;
		(*nsp)++;
	}
	return 0;
}

/* Polls GET /cacerts until a 200; 0 = ready. */
static int
wait_ready(struct run *r)
{
	const struct opts	*o = r->o;
	struct conn		 c;
	struct response		 res;
	char			 req[512], why[300], *buf;
	double			 end = bench_now() + o->wait_ready;
	int			 n, rc = -1;

	if ((buf = malloc(RBUF_SIZE)) == NULL)
		return -1;
	n = snprintf(req, sizeof(req), "GET /.well-known/est/cacerts HTTP/1.1\r\n"
	    "Host: %s:%d\r\nConnection: close\r\n\r\n", o->sni, o->port);
	snprintf(why, sizeof(why), "no attempt");
	do {
		if (conn_open(r, &c, 0, why, sizeof(why)) == 0) {
			if (send_all(c.ssl, req, (size_t)n, why, sizeof(why)) == 0 &&
			    read_response(c.ssl, buf, &res, why, sizeof(why)) == 0) {
				if (res.status == 200)
					rc = 0;
				else
					snprintf(why, sizeof(why), "status %d", res.status);
			}
			conn_close(&c, 1);
		}
		if (rc == 0)
			break;
		usleep(100000);
	} while (bench_now() < end && !interrupted);
	if (rc != 0)
		fprintf(stderr, "estload: server not ready after %.0f s: %s\n",
		    o->wait_ready, why);
	atomic_store(&r->conns, 0);
	free(buf);
	return rc;
}

static void
print_reasons(const struct run *r, const char *what)
{
	size_t i;

	for (i = 0; i < r->nreasons; i++)
		printf("  %s error x%zu: %s\n", what, r->reasons[i].count,
		    r->reasons[i].text);
	if (r->other_reasons > 0)
		printf("  %s errors with other reasons: %zu\n", what, r->other_reasons);
}

static const char *
mode_name(enum mode m)
{
	return m == MODE_NEW ? "new" : m == MODE_KEEPALIVE ? "keepalive" :
	    m == MODE_TRIVIAL ? "trivial" : "trivial-keepalive";
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "host", required_argument, NULL, 'H' },
		{ "sni", required_argument, NULL, 'S' },
		{ "pki", required_argument, NULL, 'P' },
		{ "cacert", required_argument, NULL, 'a' },
		{ "ca-cert", required_argument, NULL, 'A' },
		{ "clients", required_argument, NULL, 'C' },
		{ "nclients", required_argument, NULL, 'N' },
		{ "mode", required_argument, NULL, 'm' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "requests", required_argument, NULL, 'n' },
		{ "csrs", required_argument, NULL, 'q' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "conn-requests", required_argument, NULL, 'k' },
		{ "verify", required_argument, NULL, 'v' },
		{ "server-pids", required_argument, NULL, 's' },
		{ "label", required_argument, NULL, 'l' },
		{ "path", required_argument, NULL, 'u' },
		{ "timeout", required_argument, NULL, 't' },
		{ "wait-ready", required_argument, NULL, 'W' },
		{ "gen-threads", required_argument, NULL, 'g' },
		{ "make-clients", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts		 o;
	struct server_pid	 sp[MAX_SERVER_PIDS];
	size_t			 nsp = 0, i, j, nwarm = 0, deferred_bad = 0;
	struct bench_ident	*ids = NULL;
	struct bench_csr	*csrs = NULL, *warm = NULL;
	struct run		*r = NULL, *wr = NULL;
	char			 err[512], why[300], pathbuf[3][4096], prefix[64];
	char			 machine[256], names[MAX_SERVER_PIDS][32];
	double			 wall = 0, selfcpu = 0, gen0, gen_s, tck = bench_clk_tck();
	double			 srv_total = 0, p50 = 0, p90 = 0, p99 = 0, pmax = 0, rate;
	/* Per process name: CPU and system CPU in seconds, context switches. */
	double			 name_cpu[MAX_SERVER_PIDS], name_sys[MAX_SERVER_PIDS];
	unsigned long long	 name_sleeps[MAX_SERVER_PIDS], name_preempted[MAX_SERVER_PIDS];
	size_t			 nnames = 0, ok, errors;
	struct sigaction	 sa;
	int			 ch, rc = 2, srv_valid = 1;
	char			 gone[64] = "";

	memset(&o, 0, sizeof(o));
	/* parse_pids fills name and pid only; gone and the readings start at 0. */
	memset(sp, 0, sizeof(sp));
	o.host = "127.0.0.1";
	o.sni = "localhost";
	o.label = "-";
	o.path = "/.well-known/est/simpleenroll";
	o.mode = MODE_NEW;
	o.concurrency = 16;
	o.duration = 10;
	o.nclients = 1000;
	o.timeout = 30;
	o.gen_threads = 2;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': o.port = atoi(optarg); break;
		case 'H': o.host = optarg; break;
		case 'S': o.sni = optarg; break;
		case 'P': o.pki = optarg; break;
		case 'a': o.cacert = optarg; break;
		case 'A': o.ca_cert = optarg; break;
		case 'C': o.clients = optarg; break;
		case 'N': o.nclients = strtoul(optarg, NULL, 10); break;
		case 'm':
			if (strcmp(optarg, "new") == 0)
				o.mode = MODE_NEW;
			else if (strcmp(optarg, "keepalive") == 0)
				o.mode = MODE_KEEPALIVE;
			else if (strcmp(optarg, "trivial") == 0)
				o.mode = MODE_TRIVIAL;
			else if (strcmp(optarg, "trivial-keepalive") == 0)
				o.mode = MODE_TRIVIAL_KEEPALIVE;
			else {
				usage(stderr);
				return 2;
			}
			break;
		case 'c': o.concurrency = atoi(optarg); break;
		case 'd': o.duration = atof(optarg); break;
		case 'n': o.requests = strtoul(optarg, NULL, 10); break;
		case 'q': o.csrs = strtoul(optarg, NULL, 10); break;
		case 'w': o.warmup = strtoul(optarg, NULL, 10); break;
		case 'k': o.conn_requests = strtoul(optarg, NULL, 10); break;
		case 'v':
			if (strcmp(optarg, "inline") == 0)
				o.inline_verify = 1;
			else if (strcmp(optarg, "deferred") != 0) {
				usage(stderr);
				return 2;
			}
			break;
		case 's':
			if (parse_pids(optarg, sp, &nsp) == -1) {
				fprintf(stderr, "estload: bad --server-pids %s\n", optarg);
				return 2;
			}
			break;
		case 'l': o.label = optarg; break;
		case 'u': o.path = optarg; break;
		case 't': o.timeout = atof(optarg); break;
		case 'W': o.wait_ready = atof(optarg); break;
		case 'g': o.gen_threads = atoi(optarg); break;
		case 'M': o.make_clients_only = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (o.pki != NULL) {
		snprintf(pathbuf[0], sizeof(pathbuf[0]), "%s/server-ca.pem", o.pki);
		snprintf(pathbuf[1], sizeof(pathbuf[1]), "%s/ca_cert.pem", o.pki);
		snprintf(pathbuf[2], sizeof(pathbuf[2]), "%s/bench-clients.pem", o.pki);
		if (o.cacert == NULL)
			o.cacert = pathbuf[0];
		if (o.ca_cert == NULL && !mode_is_trivial(o.mode))
			o.ca_cert = pathbuf[1];
		if (o.clients == NULL)
			o.clients = pathbuf[2];
	}
	if (o.clients == NULL || o.nclients == 0) {
		fprintf(stderr, "estload: --pki or --clients is required\n");
		return 2;
	}
	if (!o.make_clients_only && (o.port <= 0 || o.port > 65535 ||
	    o.cacert == NULL || o.concurrency < 1 || o.concurrency > 1024 ||
	    o.timeout <= 0 || (o.duration <= 0 && o.requests == 0))) {
		usage(stderr);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	gen0 = bench_now();
	if (bench_idents_load(o.clients, o.pki, o.nclients, &ids, err, sizeof(err)) == -1) {
		fprintf(stderr, "estload: client identities: %s\n", err);
		return 2;
	}
	if (o.make_clients_only) {
		printf("estload: %zu client identities in %s (%.2f s)\n", o.nclients,
		    o.clients, bench_now() - gen0);
		bench_idents_free(ids, o.nclients);
		return 0;
	}

	if ((r = calloc(1, sizeof(*r))) == NULL || (wr = calloc(1, sizeof(*wr))) == NULL)
		goto out;
	r->o = &o;
	pthread_mutex_init(&r->mu, NULL);
	r->ids = ids;
	if ((r->ctx = make_ctx(&o)) == NULL) {
		fprintf(stderr, "estload: TLS context (--cacert %s): %s\n", o.cacert,
		    bench_ssl_err(err, sizeof(err)));
		goto out;
	}
	if (o.ca_cert != NULL && (r->ca = bench_read_cert(o.ca_cert)) == NULL) {
		fprintf(stderr, "estload: cannot read --ca-cert %s\n", o.ca_cert);
		goto out;
	}
	if (o.wait_ready > 0 && wait_ready(r) == -1)
		goto out;

	/* CSRs: made before the window, none of their cost lands in it. */
	if (mode_is_trivial(o.mode))
		r->ncsrs = 256;
	else if (o.csrs > 0)
		r->ncsrs = o.csrs;
	else if (o.requests > 0)
		r->ncsrs = o.requests;
	else
		r->ncsrs = (size_t)(4000 * o.duration);
	r->limit = o.requests > 0 ? o.requests : (size_t)-1;
	if (!mode_is_trivial(o.mode) && r->limit > r->ncsrs)
		r->limit = r->ncsrs;
	snprintf(prefix, sizeof(prefix), "bench-%lx-%lx", (unsigned long)time(NULL),
	    (unsigned long)getpid());
	gen0 = bench_now();
	if ((csrs = calloc(r->ncsrs, sizeof(*csrs))) == NULL ||
	    bench_csrs_make(csrs, r->ncsrs, prefix, o.gen_threads, 0, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "estload: CSRs: %s\n", csrs ? err : "out of memory");
		goto out;
	}
	gen_s = bench_now() - gen0;
	r->csrs = csrs;
	if (!mode_is_trivial(o.mode) && !o.inline_verify &&
	    (r->slots = calloc(r->ncsrs, sizeof(*r->slots))) == NULL)
		goto out;

	/* Warm-up: its own CSRs, checked inline, not measured. */
	if (o.warmup > 0) {
		char wprefix[80];

		snprintf(wprefix, sizeof(wprefix), "%s-warm", prefix);
		nwarm = mode_is_trivial(o.mode) ? 1 : o.warmup;
		if ((warm = calloc(nwarm, sizeof(*warm))) == NULL ||
		    bench_csrs_make(warm, nwarm, wprefix, o.gen_threads, 0, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "estload: warm-up CSRs: %s\n", err);
			goto out;
		}
		struct opts wo = o;

		wo.inline_verify = 1;
		wo.duration = 0;
		wo.requests = o.warmup;
		wr->o = &wo;
		pthread_mutex_init(&wr->mu, NULL);
		wr->ctx = r->ctx;
		wr->ids = ids;
		wr->csrs = warm;
		wr->ncsrs = nwarm;
		wr->ca = r->ca;
		wr->limit = o.warmup;
		atomic_store(&wr->next_ident, o.nclients / 2);
		if (run_load(wr, NULL, 0, &wall, &selfcpu) == -1)
			goto out;
		wr->o = &o;
	}

	if (run_load(r, sp, nsp, &wall, &selfcpu) == -1)
		goto out;

	/* The deferred check: every stored body, outside the window. */
	if (r->slots != NULL) {
		if ((r->lat = calloc(r->ok + 1, sizeof(*r->lat))) == NULL) {
			fprintf(stderr, "estload: out of memory\n");
			goto out;
		}
		for (i = 0; i < r->ncsrs; i++) {
			if (r->slots[i].state != 1)
				continue;
			if (bench_check_certs_only(r->slots[i].body, r->slots[i].body_len,
			    csrs[i].spki, csrs[i].spki_len, r->ca, NULL, why,
			    sizeof(why)) == -1) {
				add_reason(r, "%s", why);
				deferred_bad++;
				r->nfail++;
				if (r->slots[i].lat > r->fail_max)
					r->fail_max = r->slots[i].lat;
			} else
				r->lat[r->nlat++] = r->slots[i].lat;
			free(r->slots[i].body);
			r->slots[i].body = NULL;
		}
	}
	ok = r->ok - deferred_bad;
	errors = r->errors + wr->errors;

	/* Report. */
	for (i = 0; i < nsp; i++) {
		/*
		 * Its CPU is lost with it, and a worker multiwatch started in
		 * its place was never read: no server CPU figure for the row.
		 */
		if (sp[i].gone) {
			add_reason(r, "server process %s:%ld gone after the window",
			    sp[i].name, (long)sp[i].pid);
			errors++;
			if (srv_valid)
				snprintf(gone, sizeof(gone), "%.31s:%ld", sp[i].name,
				    (long)sp[i].pid);
			srv_valid = 0;
			continue;
		}
		const struct bench_proc *a = &sp[i].p0, *b = &sp[i].p1;
		double	 cpu = (double)(b->utime + b->stime - a->utime - a->stime) / tck;

		srv_total += cpu;
		for (j = 0; j < nnames; j++)
			if (strcmp(names[j], sp[i].name) == 0)
				break;
		if (j == nnames) {
			snprintf(names[nnames], sizeof(names[0]), "%.31s", sp[i].name);
			name_cpu[j] = name_sys[j] = 0;
			name_sleeps[j] = name_preempted[j] = 0;
			nnames++;
		}
		name_cpu[j] += cpu;
		name_sys[j] += (double)(b->stime - a->stime) / tck;
		name_sleeps[j] += b->sleeps - a->sleeps;
		name_preempted[j] += b->preempted - a->preempted;
	}
	if (r->nlat > 0) {
		p50 = bench_percentile(r->lat, r->nlat, 50);
		p90 = bench_percentile(r->lat, r->nlat, 90);
		p99 = bench_percentile(r->lat, r->nlat, 99);
		pmax = r->lat[r->nlat - 1];
	}
	rate = wall > 0 ? (double)ok / wall : 0;
	bench_machine_line(machine, sizeof(machine));
	printf("estload %s: mode=%s concurrency=%d window=%.2f s (%s)\n", o.label,
	    mode_name(o.mode), o.concurrency, wall, machine);
	printf("  CSRs made before the window: %zu in %.2f s; identities: %zu; "
	    "TLS connections: %zu%s\n", r->ncsrs, gen_s, o.nclients,
	    (size_t)atomic_load(&r->conns),
	    atomic_load(&r->exhausted) ? "; CSR pool EXHAUSTED before the deadline "
	    "(raise --csrs)" : "");
	if (mode_is_keepalive(o.mode))
		printf("  keep-alive connections closed by the server: %zu\n",
		    (size_t)atomic_load(&r->server_closes));
	printf("  %s: %zu ok, %zu errors, %.1f/s\n",
	    mode_is_trivial(o.mode) ? "requests" : "enrollments", ok, errors, rate);
	printf("  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", p50 * 1e3,
	    p90 * 1e3, p99 * 1e3, pmax * 1e3);
	if (errors > 0)
		printf("  failed requests in the window: %zu, the slowest %.2f ms "
		    "(the percentiles are of good requests only)\n", r->nfail,
		    r->fail_max * 1e3);
	printf("  load generator CPU: %.2f s (%.0f us per request)\n", selfcpu,
	    ok ? selfcpu * 1e6 / (double)ok : 0);
	if (nsp > 0 && !srv_valid)
		printf("  server CPU: not measured: server process %s went away "
		    "during the window (its CPU is lost)\n", gone);
	else if (nsp > 0) {
		printf("  server CPU: %.2f s (%.0f us per request)", srv_total,
		    ok ? srv_total * 1e6 / (double)ok : 0);
		for (j = 0; j < nnames; j++)
			printf("; %s %.2f s (%.0f us)", names[j], name_cpu[j],
			    ok ? name_cpu[j] * 1e6 / (double)ok : 0);
		printf("\n  per request:");
		for (j = 0; j < nnames; j++)
			printf("%s %s system CPU %.0f us, slept %.2f times, preempted %.2f times",
			    j ? ";" : "", names[j], ok ? name_sys[j] * 1e6 / (double)ok : 0,
			    ok ? (double)name_sleeps[j] / (double)ok : 0,
			    ok ? (double)name_preempted[j] / (double)ok : 0);
		printf("\n");
	}
	if (nsp > 0) {
		printf("  server RSS KiB before -> after:");
		for (i = 0; i < nsp; i++)
			printf(" %s:%ld %ld->%ld", sp[i].name, (long)sp[i].pid,
			    sp[i].rss0, sp[i].rss1);
		printf("\n");
	}
	if (wr->errors > 0)
		print_reasons(wr, "warm-up");
	print_reasons(r, "");

	/* srv_cpu_s=-1 srv_us=-1, and no per-name figures: not measured. */
	printf("RESULT label=%s mode=%s conc=%d ok=%zu errors=%zu secs=%.3f rate=%.1f "
	    "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f self_cpu_s=%.3f self_us=%.1f "
	    "srv_cpu_s=%.3f srv_us=%.1f conns=%zu exhausted=%d load1=%.2f", o.label,
	    mode_name(o.mode), o.concurrency, ok, errors, wall, rate, p50 * 1e3,
	    p90 * 1e3, p99 * 1e3, selfcpu, ok ? selfcpu * 1e6 / (double)ok : 0,
	    srv_valid ? srv_total : -1,
	    !srv_valid ? -1 : ok ? srv_total * 1e6 / (double)ok : 0,
	    (size_t)atomic_load(&r->conns), atomic_load(&r->exhausted), r->load1);
	for (j = 0; srv_valid && j < nnames; j++)
		printf(" cpu_%s_us=%.1f sys_%s_us=%.1f sleeps_%s=%.3f preempted_%s=%.3f",
		    names[j], ok ? name_cpu[j] * 1e6 / (double)ok : 0,
		    names[j], ok ? name_sys[j] * 1e6 / (double)ok : 0,
		    names[j], ok ? (double)name_sleeps[j] / (double)ok : 0,
		    names[j], ok ? (double)name_preempted[j] / (double)ok : 0);
	for (i = 0; i < nsp; i++)
		printf(" rss_%s_%ld=%ld/%ld", sp[i].name, (long)sp[i].pid, sp[i].rss0,
		    sp[i].rss1);
	if (errors > 0)
		printf(" fail_n=%zu fail_max_ms=%.3f", r->nfail, r->fail_max * 1e3);
	if (r->nreasons > 0) {
		printf(" first_error=\"");
		for (const char *s = r->reasons[0].text; *s; s++)
			putchar(*s == '"' ? '\'' : *s);
		printf("\"");
	}
	printf("\n");
	rc = errors > 0 || interrupted ? 1 : 0;
out:
	fflush(stdout);
	if (r != NULL) {
		if (r->slots != NULL)
			for (i = 0; i < r->ncsrs; i++)
				free(r->slots[i].body);
		free(r->slots);
		free(r->lat);
		SSL_CTX_free(r->ctx);
		X509_free(r->ca);
		bench_csrs_free(csrs, r->ncsrs);
		pthread_mutex_destroy(&r->mu);
	}
	if (wr != NULL)
		free(wr->lat);
	free(csrs);
	bench_csrs_free(warm, nwarm);
	free(warm);
	free(r);
	free(wr);
	bench_idents_free(ids, o.nclients);
	return rc;
}
