/*
 * hook: an operator's authorization program, run for each enrollment. It
 * gets the request's facts as one JSON object on stdin and allows with exit
 * status 0; any other status, a signal or the timeout denies, with its first
 * line of output as the reason. It is executed directly (no shell), with an
 * empty argument list and a fixed, minimal environment: no client string
 * ever reaches an argument or a variable.
 */
#ifndef EST_HOOK_H
#define EST_HOOK_H

#include <stddef.h>

#include "est/buf.h"

#define HOOK_OUTPUT_MAX		4096	/* bytes of output kept; the rest is read and dropped */
#define HOOK_MAX_TIMEOUT_MS	60000

/*
 * 0: allowed. -1: denied, reason says why. -2: the hook could not be
 * started (no pipes, no fork: a server error), reason says why. The caller
 * ignores SIGPIPE (estd does): a hook that exits without reading its input
 * must not kill it. It must not ignore SIGCHLD, or the hook's exit status
 * is lost (a timeout).
 */
int	hook_run(const char *program, unsigned timeout_ms, const char *json,
	    size_t jsonlen, char *reason, size_t reasonlen);

/* JSON building for the facts: appends "key":"escaped value" and friends. */
void	hook_json_begin(struct buf *);
void	hook_json_string(struct buf *, const char *key, const char *value);
void	hook_json_number(struct buf *, const char *key, long long value);
void	hook_json_bool(struct buf *, const char *key, int value);
void	hook_json_strings(struct buf *, const char *key,
	    const char *const *values, size_t n);
void	hook_json_end(struct buf *);

#endif
