/*
 * trivial-fcgi: the reference FastCGI responder for the benchmark. It reads
 * and discards the request body, then answers every request with 200 and a
 * small body, doing no other work. Run under spawn-fcgi behind the same
 * lighttpd setup as estd, it gives the cost floor of the deployment itself
 * (TLS handshake with a client certificate, HTTP, FastCGI).
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <fcgiapp.h>

static volatile sig_atomic_t stop;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
	FCGX_ShutdownPending();
}

int
main(void)
{
	static const char reply[] = "Status: 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 8\r\n\r\ntrivial\n";
	FCGX_Request	 req;
	struct sigaction sa;
	char		 buf[8192];

	if (FCGX_IsCGI() || FCGX_Init() != 0 ||
	    FCGX_InitRequest(&req, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	while (!stop && FCGX_Accept_r(&req) >= 0) {
		while (FCGX_GetStr(buf, sizeof(buf), req.in) > 0)
			;
		FCGX_PutStr(reply, (int)sizeof(reply) - 1, req.out);
		/*
		 * Close the way estd does: with the body read to its end, skip
		 * libfcgi's lingering close (shut down, then wait for lighttpd
		 * to close first), or the reference pays a wake-up estd does not.
		 */
		if (FCGX_GetError(req.in) == 0)
			FCGX_Detach(&req);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	return 0;
}
