/*
 * estd: the FastCGI adapter. The only file that knows libfcgi and the
 * environment a front server (lighttpd, Apache) hands over; it turns a
 * request into struct est_request, lets the core answer, writes the answer.
 */
#include "config.h"

#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "est/buf.h"
#include "est/certparse.h"
#include "est/config.h"
#include "est/core.h"
#include "est/csr.h"
#include "est/diag.h"
#include "est/log.h"
#include "est/service.h"

#ifndef ESTD_CONFIG_PATH
#define ESTD_CONFIG_PATH	"/etc/estd/estd.conf"
#endif
#define ESTD_READ_CHUNK		8192
#define ESTD_DRAIN_MS		2000	/* longest wait for a front server to close */

/* Everything loaded from the configuration file; replaced whole on reload. */
struct estd_state {
	struct est_config	cfg;
	struct est_service	svc;
};

struct estd_worker {
	const char		*config_path;
	struct estd_state	*state;
	const struct est_service *svc;	/* &state->svc */
	FCGX_Request		 fcgi;
	struct buf		 body;	/* reused from request to request */
	char			 path[EST_PATH_MAX + 1];
	unsigned long		 served;
	pid_t			 pid;		/* for request ids */
	int			 stdin_done;	/* the request's stdin read to its end */
};

static void
estd_usage(FILE *f)
{
	fprintf(f, "usage: estd [-t] [-c config]\n"
	    "       estd -V | -h\n"
	    "  -c config  configuration file (default %s)\n"
	    "  -t         check the configuration and key material, then exit\n"
	    "  -V         print the version and exit\n"
	    "  -h         print this help and exit\n", ESTD_CONFIG_PATH);
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

static double
estd_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Set once the deadline for reading a request's stdin has passed. */
static volatile sig_atomic_t estd_read_expired;

static void
estd_on_alarm(int sig)
{
	(void)sig;
	estd_read_expired = 1;	/* and the read it lands in fails with EINTR */
}

/*
 * A deadline for all of stdin: a timer whose signal interrupts the read in
 * progress, and again every 100 ms after expiry in case it landed between
 * two reads. A per-read timeout would not do: libfcgi reads until it has
 * what was asked for, and a client sending a byte now and then keeps each
 * single read short. seconds = 0 disarms it.
 */
static void
estd_read_deadline(int seconds)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	if (seconds > 0) {
		it.it_value.tv_sec = seconds;
		it.it_interval.tv_usec = 100000;
	}
	estd_read_expired = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* libfcgi ignores CONTENT_LENGTH: read until the end of stdin, capped. */
static enum est_body_state
estd_read_stdin(struct estd_worker *w, size_t max)
{
	int n;

	for (;;) {
		if (buf_reserve(&w->body, ESTD_READ_CHUNK) == -1)
			return EST_BODY_NO_MEMORY;
		n = FCGX_GetStr((char *)w->body.data + w->body.len,
		    ESTD_READ_CHUNK, w->fcgi.in);
		if (n > 0)
			w->body.len += (size_t)n;
		if (w->body.len > max)
			return EST_BODY_TOO_LARGE;
		/* Short: the end of stdin, or a failure. */
		if (n < ESTD_READ_CHUNK)
			break;
	}
	if (FCGX_GetError(w->fcgi.in) != 0)
		return estd_read_expired ? EST_BODY_TIMEOUT : EST_BODY_BROKEN;
	w->stdin_done = 1;
	return EST_BODY_COMPLETE;
}

/*
 * Reads the body up to max bytes, all of it within EST_BODY_SECONDS: a
 * front server that streams the body (Apache) must not let a slow client
 * hold a worker. Over the cap the rest is left unread: answering 413 early
 * works behind lighttpd, Apache, nginx.
 */
static enum est_body_state
estd_read_body(struct estd_worker *w, size_t max)
{
	const char	*cl = estd_param(w, "CONTENT_LENGTH");
	char		*end;
	unsigned long long declared;
	enum est_body_state state;

	buf_reset(&w->body);
	if (cl != NULL && *cl != '\0') {
		/* strtoull would take "-1" (and " 1", "+1") as a number. */
		if (strspn(cl, "0123456789") != strlen(cl))
			return EST_BODY_BAD_LENGTH;
		errno = 0;
		declared = strtoull(cl, &end, 10);
		if (errno == ERANGE || declared > max)
			return EST_BODY_TOO_LARGE;
	}
	estd_read_deadline(EST_BODY_SECONDS);
	state = estd_read_stdin(w, max);
	estd_read_deadline(0);
	return state;
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
estd_write_response(struct estd_worker *w, const struct est_response *res,
    int head_only)
{
	char	 head[768];
	int	 n;

	/* snprintf, not FCGX_FPrintF: libfcgi's formatter lacks %zu. */
	n = snprintf(head, sizeof(head), "Status: %d %s\r\n", res->status,
	    est_status_text(res->status));
	/* RFC 9110 8.6: no Content-Length (and no body) on a 204. */
	if (res->status != 204 && n > 0 && (size_t)n < sizeof(head))
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		    "Content-Type: %s\r\nContent-Length: %zu\r\n",
		    res->content_type, res->body.len);
	if (res->base64_encoded && n > 0 && (size_t)n < sizeof(head))
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		    "Content-Transfer-Encoding: base64\r\n");
	if (res->allow != NULL && n > 0 && (size_t)n < sizeof(head))
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		    "Allow: %s\r\n", res->allow);
	if (res->realm != NULL && n > 0 && (size_t)n < sizeof(head))
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		    "WWW-Authenticate: Basic realm=\"%s\", charset=\"UTF-8\"\r\n",
		    res->realm);
	if (n > 0 && (size_t)n < sizeof(head))
		n += snprintf(head + n, sizeof(head) - (size_t)n, "\r\n");
	if (n < 0 || (size_t)n >= sizeof(head))
		return;
	FCGX_PutStr(head, n, w->fcgi.out);
	/* HEAD: the headers GET would have, Content-Length included, no body. */
	if (res->body.len > 0 && res->status != 204 && !head_only)
		FCGX_PutStr((const char *)res->body.data, (int)res->body.len,
		    w->fcgi.out);
}

/*
 * The client's address for the log, from the front server's REMOTE_ADDR:
 * "-" when none came, "?" for anything but an IPv4 or IPv6 address, so
 * that the value can never add fields to the log line.
 */
static const char *
estd_client_addr(struct estd_worker *w)
{
	const char	*a = estd_param(w, "REMOTE_ADDR");
	size_t		 len;

	if (a == NULL || *a == '\0')
		return "-";
	len = strlen(a);
	if (len > 45 || strspn(a, "0123456789abcdefABCDEF.:") != len)
		return "?";
	return a;
}

/*
 * Has the front server closed its connection to us? Its client left, or its
 * own timeout (nginx fastcgi_read_timeout, Apache ProxyTimeout) passed while
 * the request waited in the socket's backlog or in the hook. A Unix socket
 * whose peer closed polls POLLHUP; a peer that only shut its writing side
 * (the request sent, the answer awaited) does not, nor does a TCP peer.
 */
static int
estd_abandoned(void *arg)
{
	struct estd_worker	*w = arg;
	struct pollfd		 pfd = { .fd = w->fcgi.ipcFd, .events = 0 };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR));
}

static void
estd_serve_one(struct estd_worker *w)
{
	struct est_request	 req;
	struct est_response	 res;
	struct timespec		 t0;
	const char		*cert;
	char			 identity[sizeof(res.identity) * 4];
	int			 lost;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&req, 0, sizeof(req));
	est_response_init(&res);
	w->served++;

	req.method = estd_param(w, "REQUEST_METHOD");
	req.path = estd_path(w);
	req.content_type = estd_param(w, "CONTENT_TYPE");
	req.peer.verify = estd_tls_verify(estd_param(w, "SSL_CLIENT_VERIFY"));
	req.authorization = estd_param(w, "HTTP_AUTHORIZATION");
	req.remote_user = estd_param(w, "REMOTE_USER");
	if ((cert = estd_param(w, "SSL_CLIENT_CERT")) != NULL && *cert != '\0') {
		req.peer.cert_pem = cert;
		req.peer.cert_pem_len = strlen(cert);
	}
	w->stdin_done = 0;
	if (req.method != NULL && strcmp(req.method, "POST") == 0)
		req.body_state = estd_read_body(w, w->svc->cfg->max_body);
	else {
		char probe[1];

		buf_reset(&w->body);
		/* Nothing is read from a GET but the end of its (empty) stdin. */
		estd_read_deadline(EST_BODY_SECONDS);
		w->stdin_done = FCGX_GetStr(probe, sizeof(probe), w->fcgi.in) == 0 &&
		    FCGX_GetError(w->fcgi.in) == 0;
		estd_read_deadline(0);
	}
	req.body = w->body.data;
	req.body_len = w->body.len;
	req.abandoned = estd_abandoned;
	req.abandoned_arg = w;

	est_handle(w->svc, &req, &res);
	estd_write_response(w, &res, req.method != NULL &&
	    strcmp(req.method, "HEAD") == 0);
	/* Issued, but the front server left in the meantime: say so. */
	lost = res.status == 200 && res.body.len > 0 &&
	    (res.op == EST_OP_SIMPLEENROLL || res.op == EST_OP_SIMPLEREENROLL) &&
	    estd_abandoned(w);

	log_msg(res.status < 500 && !lost ? LOG_LEVEL_INFO : LOG_LEVEL_ERROR,
	    "req=%lx.%lu label=%s op=%s method=%s addr=%s client=\"%s\" "
	    "status=%d ms=%.2f %s%s", (unsigned long)w->pid, w->served,
	    res.label ? res.label : "-", est_op_name(res.op),
	    req.method ? req.method : "-", estd_client_addr(w),
	    log_quote(res.identity, identity, sizeof(identity)), res.status,
	    estd_ms_since(&t0), res.reason, lost ? " (not delivered: the front "
	    "server had closed the connection)" : "");
	est_response_free(&res);
	/* A huge body must not stay allocated in an idle worker. */
	if (w->body.cap > 4 * w->svc->cfg->max_body)
		buf_free(&w->body);
}

/*
 * A signal that lands while libfcgi reads the request's parameters ends
 * them early (libfcgi takes EINTR, as any read error, for their end):
 * answer what is true, not a 404 for a request that was never read whole.
 */
static void
estd_answer_interrupted(struct estd_worker *w)
{
	struct est_response res;

	est_response_init(&res);
	w->served++;
	est_response_error(&res, 503, "the request's parameters did not arrive "
	    "whole (interrupted by a signal, or the connection failed); retry");
	estd_write_response(w, &res, 0);
	log_msg(LOG_LEVEL_WARNING, "req=%lx.%lu status=503 %s",
	    (unsigned long)w->pid, w->served, res.reason);
	est_response_free(&res);
}

/*
 * After an answer given before all of stdin was read (413, 408): signal the
 * end of the answer, then read and drop what the front server still sends
 * until it closes, so that unread input cannot reset the connection before
 * it took the answer. libfcgi does the same, but waits 2 s after each read:
 * a client trickling its body would hold the worker. Here 2 s in all.
 */
static void
estd_drain(int fd)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	struct timespec	 t0;
	char		 trash[4096];
	double		 left;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (shutdown(fd, SHUT_WR) == 0)
		while ((left = ESTD_DRAIN_MS - estd_ms_since(&t0)) >= 1 &&
		    poll(&pfd, 1, (int)left) > 0 &&
		    read(fd, trash, sizeof(trash)) > 0)
			;
	close(fd);
}

/* Set by signal handlers; the loop acts on them between requests. */
static volatile sig_atomic_t estd_stop, estd_reload;

static void
estd_on_stop(int sig)
{
	(void)sig;
	estd_stop = 1;
	FCGX_ShutdownPending();
	/*
	 * Closing our copy of the shared listening socket makes an accept()
	 * that starts after this point fail at once instead of waiting for
	 * the next connection. The other workers keep theirs.
	 */
	close(FCGI_LISTENSOCK_FILENO);
}

/* A copy of the listening socket (fd 0), and a socket that does not listen. */
static int estd_listen_fd = -1, estd_deaf_fd = -1;

static void
estd_on_reload(int sig)
{
	int saved = errno;

	(void)sig;
	estd_reload = 1;
	/*
	 * Landing after the loop looked at estd_reload but before libfcgi's
	 * accept(), the signal would leave the worker waiting for the next
	 * connection, then serving it with the old configuration. With a
	 * socket that does not listen as fd 0 that accept() fails at once
	 * (EINVAL); the loop puts the listening socket back before reloading.
	 */
	if (estd_deaf_fd != -1)
		dup2(estd_deaf_fd, FCGI_LISTENSOCK_FILENO);
	errno = saved;
}

/*
 * TERM, INT and USR1 (multiwatch's graceful-stop signal) let the request in
 * hand finish, then the worker exits; HUP and USR2 (which multiwatch
 * forwards) reload the configuration between requests. No SA_RESTART, and
 * FCGI_FAIL_ACCEPT_ON_INTR: the signal wakes a worker blocked in accept().
 */
static void
estd_signals(sigset_t *held)
{
	static const int stops[] = { SIGTERM, SIGINT, SIGUSR1 };
	static const int reloads[] = { SIGHUP, SIGUSR2 };
	struct sigaction sa;
	size_t		 i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sigemptyset(held);
	sa.sa_handler = estd_on_stop;
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		sigaction(stops[i], &sa, NULL);
		sigaddset(held, stops[i]);
	}
	sa.sa_handler = estd_on_reload;
	for (i = 0; i < sizeof(reloads) / sizeof(reloads[0]); i++) {
		sigaction(reloads[i], &sa, NULL);
		sigaddset(held, reloads[i]);
	}
	sa.sa_handler = estd_on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/*
	 * An ignored SIGCHLD is inherited through exec (a parent's trap '' CHLD)
	 * and makes the kernel reap children at once: the hook's exit status
	 * would be lost and every hook would time out.
	 */
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
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

/* estd -t: what would not stop the workers but needs the operator soon. */
static void
estd_print_warnings(const struct est_service *svc)
{
	char	warning[1536];
	size_t	i;

	for (i = 0; i < svc->n_labels; i++)
		if (service_ca_expiry_warning(&svc->labels[i], time(NULL), warning,
		    sizeof(warning)))
			fprintf(stderr, "estd: warning: %s\n", warning);
}

static void
estd_state_free(struct estd_state *st)
{
	if (st == NULL)
		return;
	service_free(&st->svc);
	config_free(&st->cfg);
	free(st);
}

/* The account named by [estd] user/group must exist. */
static void
estd_check_account(const struct est_config *cfg, struct diag *d)
{
	if (cfg->user != NULL && getpwnam(cfg->user) == NULL)
		diag_add(d, "%s: [estd] user \"%s\" does not exist", cfg->path,
		    cfg->user);
	if (cfg->group != NULL && getgrnam(cfg->group) == NULL)
		diag_add(d, "%s: [estd] group \"%s\" does not exist", cfg->path,
		    cfg->group);
}

static struct estd_state *
estd_state_load(const char *path, struct diag *d)
{
	struct estd_state *st;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		diag_add(d, "out of memory");
		return NULL;
	}
	config_defaults(&st->cfg);
	if (config_load(&st->cfg, path, d) == 0) {
		estd_check_account(&st->cfg, d);
		service_load(&st->svc, &st->cfg, d);
	}
	if (diag_count(d) != 0) {
		estd_state_free(st);
		return NULL;
	}
	return st;
}

/*
 * Started as root, a worker holds the CA key only after loading it as root
 * and then becoming [estd] user; without one it refuses to run.
 */
/* initgroups() gives the user all its groups: root must not be one. */
static int
estd_in_group_root(void)
{
	gid_t	groups[NGROUPS_MAX];
	int	n, i;

	if ((n = getgroups(NGROUPS_MAX, groups)) == -1)
		return 1;
	for (i = 0; i < n; i++)
		if (groups[i] == 0)
			return 1;
	return getgid() == 0 || getegid() == 0;
}

static int
estd_drop_privileges(const struct est_config *cfg)
{
	struct passwd	*pw;
	struct group	*gr;
	gid_t		 gid;

	if (geteuid() != 0)
		return 0;
	if (cfg->user == NULL) {
		fprintf(stderr, "estd: refusing to run as root: set [estd] user "
		    "(or start it with spawn-fcgi -u)\n");
		return -1;
	}
	if ((pw = getpwnam(cfg->user)) == NULL) {
		fprintf(stderr, "estd: unknown user %s\n", cfg->user);
		return -1;
	}
	gid = pw->pw_gid;
	if (cfg->group != NULL) {
		if ((gr = getgrnam(cfg->group)) == NULL) {
			fprintf(stderr, "estd: unknown group %s\n", cfg->group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (pw->pw_uid == 0 || gid == 0) {
		fprintf(stderr, "estd: [estd] user and group must not be root\n");
		return -1;
	}
	/* The user's own groups too: files may be shared with it by group. */
	if (initgroups(pw->pw_name, gid) == -1 || setgid(gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		fprintf(stderr, "estd: cannot become %s: %s\n", cfg->user,
		    strerror(errno));
		return -1;
	}
	if (estd_in_group_root()) {
		fprintf(stderr, "estd: %s is a member of group root\n", cfg->user);
		return -1;
	}
	if (setuid(0) != -1) {
		fprintf(stderr, "estd: could regain root after dropping it\n");
		return -1;
	}
	return 0;
}

/*
 * The worker holds the CA key (or, with an HSM, a session to it): no core
 * file may hold it, and no other process of the same user may read it
 * through ptrace. Under spawn-fcgi -u the worker starts unprivileged, so
 * the kernel leaves it dumpable; a setuid of its own resets the flag to
 * fs.suid_dumpable, which may be 2. Root can still attach a debugger.
 */
static void
estd_no_core_dumps(void)
{
#ifdef __linux__
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fprintf(stderr, "estd: cannot turn core dumps off: %s\n",
		    strerror(errno));
#endif
}

static void
estd_log_start(const struct estd_state *st, const char *path, const char *what)
{
	log_msg(LOG_LEVEL_INFO, "estd %s %s, configuration %s, uid %ld",
	    PACKAGE_VERSION, what, path, (long)geteuid());
	service_log_summary(&st->svc);
}

/* 1 if two optional settings differ (either may be unset). */
static int
estd_differs(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a != b : strcmp(a, b) != 0;
}

/* Loads the file again; on any problem the running configuration stays. */
static void
estd_reload_state(struct estd_worker *w)
{
	struct estd_state	*st;
	struct diag		 d;
	size_t			 i;

	diag_init(&d);
	if ((st = estd_state_load(w->config_path, &d)) == NULL) {
		for (i = 0; i < d.n; i++)
			log_msg(LOG_LEVEL_ERROR, "reload: %s", d.msgs[i]);
		log_msg(LOG_LEVEL_ERROR, "reload failed: keeping the running "
		    "configuration");
		diag_free(&d);
		return;
	}
	diag_free(&d);
	log_close();
	log_open("estd", st->cfg.log_target, st->cfg.log_level);
	estd_log_start(st, w->config_path, "reloaded");
	/* The worker dropped its privileges at start: it cannot change again. */
	if (estd_differs(w->state->cfg.user, st->cfg.user) ||
	    estd_differs(w->state->cfg.group, st->cfg.group))
		log_msg(LOG_LEVEL_WARNING, "reload: [estd] user and group take "
		    "effect only when the workers are restarted; still uid %ld, "
		    "gid %ld", (long)geteuid(), (long)getegid());
	estd_state_free(w->state);
	w->state = st;
	w->svc = &st->svc;
}

/*
 * accept() out of descriptors or memory: the connection stays queued. A
 * worker that exited instead would be replaced, fail again, and multiwatch
 * would give up on it, leaving the pool empty after the shortage passed
 * (a system-wide ENFILE takes every worker at once). Waits a second
 * (a signal cuts it short) and says so, at first and then every minute.
 * 1: try again.
 */
static int
estd_accept_later(int err, unsigned long *failures)
{
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM)
		return 0;
	if ((*failures)++ % 60 == 0)
		log_msg(LOG_LEVEL_ERROR, "accept failed: %s (%lu time(s)); "
		    "retrying every second", strerror(err), *failures);
	poll(NULL, 0, 1000);
	return 1;
}

static int
estd_serve(struct estd_worker *w)
{
	sigset_t	 held;
	unsigned long	 accept_failures = 0;
	int		 rc, drain_fd;

	buf_init(&w->body);
	w->pid = getpid();
	if (FCGX_Init() != 0 ||
	    FCGX_InitRequest(&w->fcgi, FCGI_LISTENSOCK_FILENO,
	    FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_msg(LOG_LEVEL_ERROR, "cannot initialise libfcgi");
		return 1;
	}
	if ((estd_listen_fd = fcntl(FCGI_LISTENSOCK_FILENO, F_DUPFD_CLOEXEC,
	    3)) == -1 || (estd_deaf_fd = socket(AF_UNIX, SOCK_STREAM |
	    SOCK_CLOEXEC, 0)) == -1) {
		log_msg(LOG_LEVEL_ERROR, "cannot set up for reloads: %s",
		    strerror(errno));
		return 1;
	}
	estd_signals(&held);
	for (;;) {
		if (estd_reload) {
			estd_reload = 0;
			/* Listening again (see estd_on_reload). */
			dup2(estd_listen_fd, FCGI_LISTENSOCK_FILENO);
			estd_reload_state(w);
		}
		if (estd_stop)
			break;
		rc = FCGX_Accept_r(&w->fcgi);
		if (rc < 0) {
			if (rc == -EINTR || estd_stop || estd_reload)
				continue;
			if (estd_accept_later(-rc, &accept_failures))
				continue;
			log_msg(LOG_LEVEL_ERROR, "accept failed: %s", strerror(-rc));
			break;
		}
		if (accept_failures > 0) {
			log_msg(LOG_LEVEL_WARNING, "accepting again after %lu failed "
			    "attempt(s)", accept_failures);
			accept_failures = 0;
		}
		/* Hold signals while serving: no read is interrupted midway. */
		sigprocmask(SIG_BLOCK, &held, NULL);
		w->stdin_done = 0;
		if (FCGX_GetError(w->fcgi.in) != 0)
			estd_answer_interrupted(w);
		else
			estd_serve_one(w);
		/*
		 * With all input read, close at once and go on to the next
		 * connection; with input left, drain it first (estd_drain) on a
		 * copy of the descriptor that libfcgi's close leaves open. (On
		 * an FCGI_KEEP_CONN connection, which no shipped front server
		 * configuration uses, the drain ends it: the next read sees its
		 * end, rather than the rest of this request's input.)
		 */
		drain_fd = w->stdin_done ? -1 : dup(w->fcgi.ipcFd);
		FCGX_Detach(&w->fcgi);
		FCGX_Finish_r(&w->fcgi);
		if (drain_fd != -1)
			estd_drain(drain_fd);
		sigprocmask(SIG_UNBLOCK, &held, NULL);
	}
	FCGX_Free(&w->fcgi, 1);
	buf_free(&w->body);
	log_msg(LOG_LEVEL_INFO, "stopping after %lu request(s)", w->served);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct estd_worker	 w;
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
	estd_no_core_dumps();
	memset(&w, 0, sizeof(w));
	w.config_path = path;
	diag_init(&d);
	if ((w.state = estd_state_load(path, &d)) == NULL) {
		estd_print_problems(&d);
		goto out;
	}
	w.svc = &w.state->svc;
	if (check_only) {
		/*
		 * Root with [estd] user: check, as that user, what the worker
		 * will use after dropping root (a state directory or hook only
		 * root may use would fail every request).
		 */
		if (geteuid() == 0 && w.state->cfg.user != NULL &&
		    estd_drop_privileges(&w.state->cfg) == -1)
			goto out;
		service_check_access(w.svc, &d);
		if (diag_count(&d) > 0) {
			estd_print_problems(&d);
			goto out;
		}
		estd_print_warnings(w.svc);
		printf("estd: %s: configuration OK\n", path);
		rc = 0;
		goto out;
	}
	if (FCGX_IsCGI()) {
		fprintf(stderr, "estd: not started as a FastCGI responder: run it "
		    "under spawn-fcgi or a web server's FastCGI process manager\n");
		goto out;
	}
	if (estd_drop_privileges(&w.state->cfg) == -1)
		goto out;
	estd_no_core_dumps();
	service_check_access(w.svc, &d);
	if (diag_count(&d) > 0) {
		estd_print_problems(&d);
		goto out;
	}
	log_open("estd", w.state->cfg.log_target, w.state->cfg.log_level);
	/* Made before the first request rather than during it. */
	if (!certparse_init())
		log_msg(LOG_LEVEL_WARNING, "client certificates: the short key "
		    "decoder is unavailable, using OpenSSL's general one");
	estd_log_start(w.state, path, "starting");
	rc = estd_serve(&w);
	log_close();
out:
	estd_state_free(w.state);
	certparse_cleanup();
	csr_cleanup();
	diag_free(&d);
	return rc;
}
