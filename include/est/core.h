/*
 * core: one EST request in, one response out. Knows nothing of FastCGI,
 * environment variables or files: the adapter (estd.c) fills est_request
 * from what the front server handed over and writes est_response back.
 */
#ifndef EST_CORE_H
#define EST_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "est/buf.h"
#include "est/policy.h"
#include "est/service.h"

#define EST_PATH_PREFIX		"/.well-known/est/"
#define EST_PATH_MAX		1024
#define EST_AUTH_HEADER_MAX	1024	/* longest Authorization header read */

enum est_tls_verify {
	EST_TLS_NONE,		/* no certificate presented */
	EST_TLS_SUCCESS,	/* the front server verified one */
	EST_TLS_FAILED,		/* presented, and the front server rejected it */
	EST_TLS_VERIFY_MAX
};

struct est_peer {
	enum est_tls_verify	 verify;
	const char		*cert_pem;	/* may be NULL */
	size_t			 cert_pem_len;
};

/* How the adapter's reading of the request body ended. */
enum est_body_state {
	EST_BODY_COMPLETE,	/* read to its end (or there was none) */
	EST_BODY_TOO_LARGE,	/* reading stopped at the cap */
	EST_BODY_BAD_LENGTH,	/* CONTENT_LENGTH is not a decimal number */
	EST_BODY_TIMEOUT,	/* not all of it came within EST_BODY_SECONDS */
	EST_BODY_BROKEN,	/* the connection failed midway */
	EST_BODY_NO_MEMORY
};

/* How long the adapter waits for a whole request body. */
#define EST_BODY_SECONDS	20

struct est_request {
	const char		*method;
	const char		*path;		/* decoded: SCRIPT_NAME + PATH_INFO */
	const char		*content_type;	/* may be NULL */
	const uint8_t		*body;
	size_t			 body_len;
	enum est_body_state	 body_state;
	struct est_peer		 peer;
	const char		*authorization;	/* Authorization header, may be NULL */
	const char		*remote_user;	/* front server's REMOTE_USER, may be NULL */
	time_t			 now;		/* 0: the current time */
	/*
	 * May be NULL. Asked just before a certificate is signed: 1 when
	 * the front server has given up on the request (its client left,
	 * or its timeout passed while the request waited for a worker or
	 * in the hook), so that nothing is issued that nobody receives.
	 */
	int			(*abandoned)(void *);
	void			*abandoned_arg;
};

struct est_response {
	int			 status;
	const char		*content_type;
	const char		*allow;		/* for 405 */
	const char		*realm;		/* for 401: WWW-Authenticate: Basic */
	int			 base64_encoded;/* add Content-Transfer-Encoding: base64 */
	struct buf		 body;
	/* For the request log line. */
	enum est_op		 op;
	const char		*label;		/* NULL: the default label */
	char			 identity[160];	/* client certificate subject or user */
	char			 reason[200];	/* why it failed, or what was issued */
};

void	est_response_init(struct est_response *);
void	est_response_free(struct est_response *);
void	est_handle(const struct est_service *, const struct est_request *,
	    struct est_response *);
const char *est_status_text(int status);
/* res becomes an error: status, reason as one text/plain line and in the log. */
void	est_response_error(struct est_response *, int status, const char *reason);

/* Exposed for tests: 1 if ct is application/pkcs10, parameters allowed. */
int	est_is_pkcs10(const char *content_type);

#endif
