/* b64: base64 and PEM-armored bodies, as EST clients send them. */
#include "config.h"

#include <string.h>

#include "est/b64.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static const char *const b64_status_names[B64_STATUS_MAX] = {
	[B64_OK] = "ok",
	[B64_EMPTY] = "empty body",
	[B64_BAD_CHAR] = "invalid character in base64",
	[B64_BAD_PADDING] = "invalid base64 padding or length",
	[B64_BAD_PEM] = "malformed PEM armor",
	[B64_NOMEM] = "out of memory",
};

const char *
b64_status_str(enum b64_status s)
{
	if ((unsigned)s >= B64_STATUS_MAX)
		return "unknown";
	return b64_status_names[s];
}

/*
 * What each input byte is: a symbol's value (0-63), B64_SP for the
 * whitespace allowed anywhere, B64_PAD for '=', B64_BAD for the rest.
 * A table, because the body and the client certificate of every request
 * pass through here byte by byte.
 */
#define B64_BAD	0x40
#define B64_SP	0x41
#define B64_PAD	0x42

static const uint8_t b64_class[256] = {
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x41, 0x41, 0x40, 0x40, 0x41, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x41, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x3e, 0x40, 0x40, 0x40, 0x3f,
	0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x40, 0x40, 0x40, 0x42, 0x40, 0x40,
	0x40, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
	0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
	0x17, 0x18, 0x19, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
	0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
	0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30,
	0x31, 0x32, 0x33, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
	0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40,
};

static int
b64_is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum b64_status
b64_decode(const uint8_t *in, size_t len, struct buf *out)
{
	uint32_t acc = 0;
	size_t	 i, nsym = 0, npad = 0;
	uint8_t	 c, *o;

	/* Decoded size is at most 3/4 of the input: reserve once, write in
	 * place, and make it part of out only when all of it is good. */
	if (buf_reserve(out, len / 4 * 3 + 3) == -1)
		return B64_NOMEM;
	o = out->data + out->len;
	for (i = 0; i < len; i++) {
		if ((c = b64_class[in[i]]) < 64) {
			if (npad > 0)	/* data after padding */
				return B64_BAD_PADDING;
			acc = (acc << 6) | c;
			if (++nsym % 4 == 0) {
				*o++ = (uint8_t)(acc >> 16);
				*o++ = (uint8_t)(acc >> 8);
				*o++ = (uint8_t)acc;
				acc = 0;
			}
		} else if (c == B64_PAD)
			npad++;
		else if (c == B64_BAD)
			return B64_BAD_CHAR;
	}
	if (nsym == 0 && npad == 0)
		return B64_EMPTY;
	/* A final group of 2 or 3 symbols carries 1 or 2 bytes; padding, if
	 * present, must complete the group exactly. */
	switch (nsym % 4) {
	case 0:
		if (npad != 0)
			return B64_BAD_PADDING;
		break;
	case 1:
		return B64_BAD_PADDING;
	case 2:
		if (npad != 0 && npad != 2)
			return B64_BAD_PADDING;
		*o++ = (uint8_t)(acc >> 4);
		break;
	case 3:
		if (npad != 0 && npad != 1)
			return B64_BAD_PADDING;
		*o++ = (uint8_t)(acc >> 10);
		*o++ = (uint8_t)(acc >> 2);
		break;
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';	/* as buf_append leaves it */
	return B64_OK;
}

/* Finds needle in [p, p+len); returns its offset or len. */
static size_t
b64_find(const uint8_t *p, size_t len, const char *needle)
{
	size_t nlen = strlen(needle), i;

	if (nlen > len)
		return len;
	for (i = 0; i + nlen <= len; i++)
		if (memcmp(p + i, needle, nlen) == 0)
			return i;
	return len;
}

enum b64_status
b64_decode_body(const uint8_t *in, size_t len, const char *const *labels,
    struct buf *out)
{
	static const char begin[] = "-----BEGIN ", dashes[] = "-----";
	static const char end[] = "-----END ";
	size_t	 b, lstart, lend, dstart, e, i;
	int	 known = 0;

	b = b64_find(in, len, begin);
	if (b == len)
		return b64_decode(in, len, out);

	/* PEM: "-----BEGIN <label>-----" base64 "-----END <label>-----". */
	for (i = 0; i < b; i++)
		if (!b64_is_space(in[i]))
			return B64_BAD_PEM;
	lstart = b + sizeof(begin) - 1;
	lend = lstart + b64_find(in + lstart, len - lstart, dashes);
	if (lend == len || lend == lstart)
		return B64_BAD_PEM;
	for (i = 0; labels != NULL && labels[i] != NULL; i++)
		if (strlen(labels[i]) == lend - lstart &&
		    memcmp(in + lstart, labels[i], lend - lstart) == 0)
			known = 1;
	if (!known)
		return B64_BAD_PEM;
	dstart = lend + sizeof(dashes) - 1;
	e = dstart + b64_find(in + dstart, len - dstart, end);
	if (e == len)
		return B64_BAD_PEM;
	/* The END label must repeat the BEGIN label. */
	if (len - e < sizeof(end) - 1 + (lend - lstart) + sizeof(dashes) - 1 ||
	    memcmp(in + e + sizeof(end) - 1, in + lstart, lend - lstart) != 0 ||
	    memcmp(in + e + sizeof(end) - 1 + (lend - lstart), dashes,
	    sizeof(dashes) - 1) != 0)
		return B64_BAD_PEM;
	for (i = e + sizeof(end) - 1 + (lend - lstart) + sizeof(dashes) - 1;
	    i < len; i++)
		if (!b64_is_space(in[i]))
			return B64_BAD_PEM;
	return b64_decode(in + dstart, e - dstart, out);
}

int
b64_encode_wrapped(const uint8_t *in, size_t len, struct buf *out)
{
	size_t	 i, col = 0, outlen;
	uint32_t v;
	char	 q[4];
	int	 k, n;

	outlen = (len + 2) / 3 * 4;
	if (buf_reserve(out, outlen + outlen / 64 + 2) == -1)
		return -1;
	for (i = 0; i < len; i += 3) {
		n = (int)(len - i < 3 ? len - i : 3);
		v = (uint32_t)in[i] << 16;
		if (n > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (n > 2)
			v |= in[i + 2];
		for (k = 0; k < 4; k++)
			q[k] = k <= n ? b64_alphabet[(v >> (18 - 6 * k)) & 0x3f] : '=';
		buf_append(out, q, 4);
		if ((col += 4) == 64) {
			buf_append(out, "\n", 1);
			col = 0;
		}
	}
	if (col != 0)
		buf_append(out, "\n", 1);
	return 0;
}
