/*
 * fuzz_b64: the base64/PEM normaliser EST request bodies go through.
 * The input is a request body as a client sends it. Besides the sanitizers,
 * checks round trips: what b64_encode_wrapped writes, b64_decode and
 * b64_decode_body (bare and in PEM armor) read back unchanged, for the
 * input itself and for whatever it decoded to. And whatever b64_decode
 * accepts, OpenSSL's EVP_DecodeBlock decodes to the same bytes once the
 * whitespace is taken out and the padding completed: the round trips
 * only ever feed it the encoder's own layout, never blanks inside a
 * group or a group left unpadded.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "est/b64.h"
#include "est/buf.h"

#include "fuzz_pki.h"

static const char *const fz_labels[] = {
	"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", NULL
};

/* encode(in) must decode back to in, bare and as PEM. */
static void
fz_round_trip(const uint8_t *in, size_t len)
{
	static const char begin[] = "-----BEGIN CERTIFICATE REQUEST-----\r\n";
	static const char end[] = "-----END CERTIFICATE REQUEST-----\n";
	struct buf	 enc, pem, dec;
	enum b64_status	 st;

	buf_init(&enc);
	buf_init(&pem);
	buf_init(&dec);
	if (b64_encode_wrapped(in, len, &enc) == -1)
		goto out;
	if (len == 0) {
		/* Nothing encodes to nothing, which is an empty body. */
		if (enc.len != 0 || b64_decode(enc.data, enc.len, &dec) != B64_EMPTY)
			abort();
		goto out;
	}
	st = b64_decode(enc.data, enc.len, &dec);
	if (st == B64_NOMEM)
		goto out;
	if (st != B64_OK || dec.len != len || memcmp(dec.data, in, len) != 0)
		abort();
	buf_reset(&dec);
	if (buf_append_str(&pem, begin) == -1 ||
	    buf_append(&pem, enc.data, enc.len) == -1 ||
	    buf_append_str(&pem, end) == -1)
		goto out;
	st = b64_decode_body(pem.data, pem.len, fz_labels, &dec);
	if (st == B64_NOMEM)
		goto out;
	if (st != B64_OK || dec.len != len || memcmp(dec.data, in, len) != 0)
		abort();
out:
	buf_free(&enc);
	buf_free(&pem);
	buf_free(&dec);
}

/* What b64_decode made of in[0..len) must be what OpenSSL makes of it. */
static void
fz_same_as_openssl(const uint8_t *in, size_t len, const struct buf *dec)
{
	unsigned char	*canon, *ref;
	size_t		 i, n = 0, npad = 0;
	int		 rlen;

	if (len > 1 << 20 || (canon = malloc(len + 4)) == NULL)
		return;
	for (i = 0; i < len; i++)
		if (strchr(" \t\r\n", in[i]) == NULL || in[i] == '\0')
			canon[n++] = in[i];
	while (n % 4 != 0)
		canon[n++] = '=';
	for (i = n; i > 0 && canon[i - 1] == '='; i--)
		npad++;
	if ((ref = malloc(n / 4 * 3 + 1)) == NULL) {
		free(canon);
		return;
	}
	rlen = EVP_DecodeBlock(ref, canon, (int)n);
	if (rlen < 0 || (size_t)rlen < npad || (size_t)rlen - npad != dec->len ||
	    memcmp(ref, dec->data, dec->len) != 0)
		abort();
	free(ref);
	free(canon);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 out;
	enum b64_status	 st;

	buf_init(&out);
	st = b64_decode_body(data, size, fz_labels, &out);
	if ((unsigned)st >= B64_STATUS_MAX || b64_status_str(st) == NULL)
		abort();
	if (st == B64_OK)
		fz_round_trip(out.data, out.len);
	buf_free(&out);

	buf_init(&out);
	st = b64_decode(data, size, &out);
	if (st != B64_OK && st != B64_EMPTY && st != B64_BAD_CHAR &&
	    st != B64_BAD_PADDING && st != B64_NOMEM)
		abort();
	if (st == B64_OK)
		fz_same_as_openssl(data, size, &out);
	buf_free(&out);

	/* Also without labels: any PEM is then refused, never read past. */
	buf_init(&out);
	(void)b64_decode_body(data, size, NULL, &out);
	buf_free(&out);

	fz_round_trip(data, size);
	return 0;
}
