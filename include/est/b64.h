/*
 * b64: base64 for EST bodies. Decoding accepts what RFC 8951 section 3 and
 * real clients send: base64 with CR, LF, space or tab anywhere, or the same
 * inside PEM armor. Encoding wraps at 64 columns. Depends on buf only.
 */
#ifndef EST_B64_H
#define EST_B64_H

#include <stddef.h>
#include <stdint.h>

#include "est/buf.h"

enum b64_status {
	B64_OK,
	B64_EMPTY,		/* nothing but whitespace */
	B64_BAD_CHAR,		/* a byte outside the base64 alphabet */
	B64_BAD_PADDING,	/* '=' in the wrong place or a dangling symbol */
	B64_BAD_PEM,		/* BEGIN without a matching END, or a label not allowed */
	B64_NOMEM,
	B64_STATUS_MAX
};

const char	*b64_status_str(enum b64_status);

/* Plain base64 (whitespace ignored) into out (appended). */
enum b64_status	 b64_decode(const uint8_t *in, size_t len, struct buf *out);

/*
 * An EST request body: base64, or PEM whose label is one of labels
 * (NULL-terminated). Decoded DER is appended to out.
 */
enum b64_status	 b64_decode_body(const uint8_t *in, size_t len,
		    const char *const *labels, struct buf *out);

/* Base64 of in appended to out, in lines of at most 64 columns, each ending in LF. */
int		 b64_encode_wrapped(const uint8_t *in, size_t len, struct buf *out);

#endif
