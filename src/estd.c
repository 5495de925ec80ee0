/*
 * estd: the FastCGI adapter. The only file that knows libfcgi and the
 * environment a front server (lighttpd, Apache) hands over; it turns a
 * request into struct est_request, lets the core answer, writes the answer.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "est/buf.h"
#include "est/config.h"
#include "est/core.h"
#include "est/diag.h"
#include "est/log.h"
#include "est/service.h"

#ifndef ESTD_CONFIG_PATH
#define ESTD_CONFIG_PATH	"/etc/estd/estd.conf"
#endif
#define ESTD_READ_CHUNK		8192

struct estd_worker {
	const struct est_service *svc;
	FCGX_Request		 fcgi;
	struct buf		 body;	/* reused from request to request */
	char			 path[EST_PATH_MAX + 1];
	unsigned long		 served;
};

static void
estd_usage(FILE *f)
{
	fprintf(f, "usage: estd [-t] [-c config]\n"
	    "  -c config  configuration file (default %s)\n"
	    "  -t         check the configuration and key material, then exit\n"
	    "  -V         print the version and exit\n", ESTD_CONFIG_PATH);
}

static const char *
estd_param(struct estd_worker *w, const char *name)
{
	return FCGX_GetParam(name, w->fcgi.envp);
}

/* SCRIPT_NAME + PATH_INFO: the decoded path behind every front server. */
static const char *
estd_path(struct estd_worker *w)
{
	const char	*script = estd_param(w, "SCRIPT_NAME");
	const char	*info = estd_param(w, "PATH_INFO");
	int		 n;

	n = snprintf(w->path, sizeof(w->path), "%s%s", script ? script : "",
	    info ? info : "");
	if (n < 0 || (size_t)n >= sizeof(w->path))
		return NULL;
	return w->path;
}

/*
 * Reads the body up to max bytes. Returns 1 if it is larger (the rest is
 * left unread: answering 413 early works behind lighttpd, Apache, nginx).
 */
static int
estd_read_body(struct estd_worker *w, size_t max)
{
	const char	*cl = estd_param(w, "CONTENT_LENGTH");
	char		*end;
	unsigned long long declared;
	int		 n;

	buf_reset(&w->body);
	if (cl != NULL && *cl != '\0') {
		errno = 0;
		declared = strtoull(cl, &end, 10);
		if (errno == 0 && *end == '\0' && declared > max)
			return 1;
	}
	/* libfcgi ignores CONTENT_LENGTH: read until end of stream, capped. */
	for (;;) {
		if (buf_reserve(&w->body, ESTD_READ_CHUNK) == -1)
			return 1;
		n = FCGX_GetStr((char *)w->body.data + w->body.len,
		    ESTD_READ_CHUNK, w->fcgi.in);
		if (n <= 0)
			break;
		w->body.len += (size_t)n;
		if (w->body.len > max)
			return 1;
	}
	return 0;
}

static enum est_tls_verify
estd_tls_verify(const char *v)
{
	if (v == NULL || *v == '\0' || strcmp(v, "NONE") == 0)
		return EST_TLS_NONE;
	if (strcmp(v, "SUCCESS") == 0)
		return EST_TLS_SUCCESS;
	return EST_TLS_FAILED;	/* FAILED:reason, GENEROUS, anything else */
}

static void
estd_write_response(struct estd_worker *w, const struct est_response *res)
{
	char	 head[512];
	int	 n;

	/* snprintf, not FCGX_FPrintF: libfcgi's formatter lacks %zu. */
	n = snprintf(head, sizeof(head), "Status: %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\n%s%s%s%s\r\n", res->status,
	    est_status_text(res->status), res->content_type, res->body.len,
	    res->base64_encoded ? "Content-Transfer-Encoding: base64\r\n" : "",
	    res->allow != NULL ? "Allow: " : "",
	    res->allow != NULL ? res->allow : "",
	    res->allow != NULL ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return;
	FCGX_PutStr(head, n, w->fcgi.out);
	if (res->body.len > 0)
		FCGX_PutStr((const char *)res->body.data, (int)res->body.len,
		    w->fcgi.out);
}

static double
estd_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void
estd_serve_one(struct estd_worker *w)
{
	struct est_request	 req;
	struct est_response	 res;
	struct timespec		 t0;
	const char		*cert;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&req, 0, sizeof(req));
	est_response_init(&res);
	w->served++;

	req.method = estd_param(w, "REQUEST_METHOD");
	req.path = estd_path(w);
	req.content_type = estd_param(w, "CONTENT_TYPE");
	req.peer.verify = estd_tls_verify(estd_param(w, "SSL_CLIENT_VERIFY"));
	if ((cert = estd_param(w, "SSL_CLIENT_CERT")) != NULL && *cert != '\0') {
		req.peer.cert_pem = cert;
		req.peer.cert_pem_len = strlen(cert);
	}
	if (req.method != NULL && strcmp(req.method, "POST") == 0)
		req.body_too_large = estd_read_body(w, w->svc->cfg->max_body);
	else
		buf_reset(&w->body);
	req.body = w->body.data;
	req.body_len = w->body.len;

	est_handle(w->svc, &req, &res);
	estd_write_response(w, &res);

	log_msg(res.status < 500 ? LOG_LEVEL_INFO : LOG_LEVEL_ERROR,
	    "req=%lx.%lu op=%s method=%s client=\"%s\" status=%d ms=%.2f %s",
	    (unsigned long)getpid(), w->served, est_op_name(res.op),
	    req.method ? req.method : "-", res.identity, res.status,
	    estd_ms_since(&t0), res.reason);
	est_response_free(&res);
	/* A huge body must not stay allocated in an idle worker. */
	if (w->body.cap > 4 * w->svc->cfg->max_body)
		buf_free(&w->body);
}

/* Set by SIGTERM/SIGINT; the loop checks it between requests. */
static volatile sig_atomic_t estd_stop;

static void
estd_on_stop(int sig)
{
	(void)sig;
	estd_stop = 1;
	FCGX_ShutdownPending();
}

/*
 * SIGTERM lets the request in hand finish, then the worker exits. Without
 * SA_RESTART, and with FCGI_FAIL_ACCEPT_ON_INTR, it also wakes a worker
 * blocked in accept() instead of waiting for the next connection.
 */
static void
estd_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = estd_on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static int
estd_serve(const struct est_service *svc)
{
	struct estd_worker w;
	sigset_t	 stops;

	memset(&w, 0, sizeof(w));
	w.svc = svc;
	buf_init(&w.body);
	if (FCGX_Init() != 0 ||
	    FCGX_InitRequest(&w.fcgi, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_msg(LOG_LEVEL_ERROR, "cannot initialise libfcgi");
		return 1;
	}
	estd_signals();
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	while (!estd_stop && FCGX_Accept_r(&w.fcgi) >= 0) {
		/* Hold stop signals while serving: no read interrupted midway. */
		sigprocmask(SIG_BLOCK, &stops, NULL);
		estd_serve_one(&w);
		FCGX_Finish_r(&w.fcgi);
		sigprocmask(SIG_UNBLOCK, &stops, NULL);
	}
	FCGX_Free(&w.fcgi, 1);
	buf_free(&w.body);
	log_msg(LOG_LEVEL_INFO, "stopping after %lu request(s)", w.served);
	return 0;
}

static int
estd_print_problems(const struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "estd: %s\n", d->msgs[i]);
	if (d->dropped > 0)
		fprintf(stderr, "estd: ... and %zu more problems\n", d->dropped);
	return 1;
}

int
main(int argc, char *argv[])
{
	struct est_config	 cfg;
	struct est_service	 svc;
	struct diag		 d;
	const char		*path = ESTD_CONFIG_PATH;
	int			 ch, check_only = 0, rc = 1;

	while ((ch = getopt(argc, argv, "c:thV")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 't':
			check_only = 1;
			break;
		case 'V':
			printf("estd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			estd_usage(stdout);
			return 0;
		default:
			estd_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		estd_usage(stderr);
		return 2;
	}
	diag_init(&d);
	config_defaults(&cfg);
	memset(&svc, 0, sizeof(svc));
	if (config_load(&cfg, path, &d) == -1 || service_load(&svc, &cfg, &d) == -1) {
		estd_print_problems(&d);
		goto out;
	}
	if (check_only) {
		printf("estd: %s: configuration OK\n", path);
		rc = 0;
		goto out;
	}
	if (FCGX_IsCGI()) {
		fprintf(stderr, "estd: not started as a FastCGI responder: run it "
		    "under spawn-fcgi or a web server's FastCGI process manager\n");
		goto out;
	}
	log_open("estd", cfg.log_target, cfg.log_level);
	log_msg(LOG_LEVEL_INFO, "estd %s starting, configuration %s", PACKAGE_VERSION,
	    path);
	service_log_summary(&svc);
	rc = estd_serve(&svc);
	log_close();
out:
	service_free(&svc);
	config_free(&cfg);
	diag_free(&d);
	return rc;
}
