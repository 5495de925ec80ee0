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

static int
b64_is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

enum b64_status
b64_decode(const uint8_t *in, size_t len, struct buf *out)
{
	uint32_t acc = 0;
	size_t	 i, nsym = 0, npad = 0;
	int	 v;
	uint8_t	 bytes[3];

	/* Decoded size is at most 3/4 of the input: reserve once. */
	if (buf_reserve(out, len / 4 * 3 + 3) == -1)
		return B64_NOMEM;
	for (i = 0; i < len; i++) {
		if (b64_is_space(in[i]))
			continue;
		if (in[i] == '=') {
			npad++;
			continue;
		}
		if (npad > 0)	/* data after padding */
			return B64_BAD_PADDING;
		if ((v = b64_value(in[i])) < 0)
			return B64_BAD_CHAR;
		acc = (acc << 6) | (uint32_t)v;
		if (++nsym % 4 == 0) {
			bytes[0] = (uint8_t)(acc >> 16);
			bytes[1] = (uint8_t)(acc >> 8);
			bytes[2] = (uint8_t)acc;
			buf_append(out, bytes, 3);
			acc = 0;
		}
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
		bytes[0] = (uint8_t)(acc >> 4);
		buf_append(out, bytes, 1);
		break;
	case 3:
		if (npad != 0 && npad != 1)
			return B64_BAD_PADDING;
		bytes[0] = (uint8_t)(acc >> 10);
		bytes[1] = (uint8_t)(acc >> 2);
		buf_append(out, bytes, 2);
		break;
	}
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
