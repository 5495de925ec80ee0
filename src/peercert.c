/* peercert: the client certificate PEM handed over by the front server. */
#include "config.h"

#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "est/peercert.h"

static const char peercert_begin[] = "-----BEGIN CERTIFICATE-----";
static const char peercert_end[] = "-----END CERTIFICATE-----";

static int
peercert_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

X509 *
peercert_parse(const char *pem, size_t len, char *reason, size_t reasonlen)
{
	BIO		*bio = NULL;
	X509		*cert = NULL;
	const char	*begin, *end, *p;
	size_t		 blen = sizeof(peercert_begin) - 1;

	if (len > PEERCERT_MAX_LEN) {
		snprintf(reason, reasonlen, "client certificate too large");
		goto out;
	}
	/* Exactly one armored certificate, surrounded only by whitespace. */
	for (begin = pem; begin < pem + len && peercert_is_space(*begin); begin++)
		continue;
	if ((size_t)(pem + len - begin) < blen ||
	    memcmp(begin, peercert_begin, blen) != 0) {
		snprintf(reason, reasonlen, "client certificate is not PEM");
		goto out;
	}
	end = memmem(begin, (size_t)(pem + len - begin), peercert_end,
	    sizeof(peercert_end) - 1);
	if (end == NULL) {
		snprintf(reason, reasonlen, "client certificate PEM is truncated");
		goto out;
	}
	if (memmem(begin + blen, (size_t)(end - begin - (ptrdiff_t)blen),
	    "-----", 5) != NULL) {
		snprintf(reason, reasonlen, "client certificate PEM is malformed");
		goto out;
	}
	end += sizeof(peercert_end) - 1;
	for (p = end; p < pem + len; p++)
		if (!peercert_is_space(*p)) {
			snprintf(reason, reasonlen, "%s",
			    memmem(p, (size_t)(pem + len - p), "-----BEGIN", 10) ?
			    "client certificate variable holds more than one certificate" :
			    "trailing data after the client certificate");
			goto out;
		}
	if ((bio = BIO_new_mem_buf(begin, (int)(end - begin))) == NULL) {
		snprintf(reason, reasonlen, "out of memory");
		goto out;
	}
	if ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL)
		snprintf(reason, reasonlen, "client certificate does not decode");
out:
	ERR_clear_error();
	BIO_free(bio);
	return cert;
}
