/* peercert: the client certificate PEM handed over by the front server. */
#include "config.h"

#include <string.h>
#include <sys/types.h>

#include <openssl/err.h>

#include "est/b64.h"
#include "est/buf.h"
#include "est/certparse.h"
#include "est/peercert.h"

static const char peercert_begin[] = "-----BEGIN CERTIFICATE-----";
static const char peercert_end[] = "-----END CERTIFICATE-----";

static int
peercert_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
peercert_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Undoes what front servers do to the PEM: nginx's $ssl_client_escaped_cert
 * percent-encodes it (%XX only; '+' stays '+'), its older $ssl_client_cert
 * starts every line after the first with a TAB. Plain PEM passes unchanged.
 * out has room for len + 1 bytes; returns the decoded length or -1.
 */
static ssize_t
peercert_unescape(const char *in, size_t len, char *out)
{
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (in[i] == '%') {
			if (len - i < 3)
				return -1;
			if ((hi = peercert_hex(in[i + 1])) < 0 ||
			    (lo = peercert_hex(in[i + 2])) < 0)
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = in[i];
		if (o >= 2 && out[o - 1] == '\t' && out[o - 2] == '\n')
			o--;
	}
	out[o] = '\0';
	return (ssize_t)o;
}

static X509 *peercert_parse_pem(const char *, size_t, char *, size_t);

X509 *
peercert_parse(const char *text, size_t len, char *reason, size_t reasonlen)
{
	char	 pem[PEERCERT_MAX_LEN + 1];
	ssize_t	 n;

	if (len > PEERCERT_MAX_LEN) {
		snprintf(reason, reasonlen, "client certificate too large");
		return NULL;
	}
	if ((n = peercert_unescape(text, len, pem)) < 0) {
		snprintf(reason, reasonlen,
		    "client certificate has a bad percent-escape");
		return NULL;
	}
	return peercert_parse_pem(pem, (size_t)n, reason, reasonlen);
}

static X509 *
peercert_parse_pem(const char *pem, size_t len, char *reason, size_t reasonlen)
{
	struct buf	 der;
	X509		*cert = NULL;
	const char	*begin, *end, *p;
	size_t		 blen = sizeof(peercert_begin) - 1;

	buf_init(&der);

	/* Exactly one armored certificate, surrounded only by whitespace. */
	for (begin = pem; begin < pem + len && peercert_is_space(*begin); begin++)
		continue;
	if ((size_t)(pem + len - begin) < blen ||
	    memcmp(begin, peercert_begin, blen) != 0) {
		snprintf(reason, reasonlen, "client certificate is not PEM");
		goto out;
	}
	/* After the BEGIN line: the two may not share dashes. */
	end = memmem(begin + blen, (size_t)(pem + len - begin) - blen,
	    peercert_end, sizeof(peercert_end) - 1);
	if (end == NULL) {
		snprintf(reason, reasonlen, "client certificate PEM is truncated");
		goto out;
	}
	if (memmem(begin + blen, (size_t)(end - begin - (ptrdiff_t)blen),
	    "-----", 5) != NULL) {
		snprintf(reason, reasonlen, "client certificate PEM is malformed");
		goto out;
	}
	for (p = end + sizeof(peercert_end) - 1; p < pem + len; p++)
		if (!peercert_is_space(*p)) {
			snprintf(reason, reasonlen, "%s",
			    memmem(p, (size_t)(pem + len - p), "-----BEGIN", 10) ?
			    "client certificate variable holds more than one certificate" :
			    "trailing data after the client certificate");
			goto out;
		}
	/* No PEM headers in a certificate: the armor holds base64 only. */
	if (b64_decode((const uint8_t *)begin + blen,
	    (size_t)(end - begin) - blen, &der) != B64_OK ||
	    (cert = certparse_der(der.data, der.len)) == NULL)
		snprintf(reason, reasonlen, "client certificate does not decode");
out:
	ERR_clear_error();
	buf_free(&der);
	return cert;
}
