/* pkcs7: certs-only SignedData: no signers, no content, just certificates. */
#include "config.h"

#include <limits.h>
#include <string.h>

#include <openssl/err.h>

#include "est/b64.h"
#include "est/pkcs7.h"

/*
 * The structure is fixed around the certificates, so it is written
 * directly rather than built as a PKCS7 object and re-encoded: that cost
 * about as much as the rest of the response. check_pkcs7 holds the
 * result equal, byte for byte, to OpenSSL's i2d_PKCS7 of the same thing.
 *
 * ContentInfo ::= SEQUENCE { contentType signedData,
 *   content [0] EXPLICIT SignedData ::= SEQUENCE {
 *     version 1, digestAlgorithms SET {}, encapContentInfo SEQUENCE { data },
 *     certificates [0] IMPLICIT (in the order given), signerInfos SET {} } }
 * (RFC 5652 5.1; RFC 7030 4.1.3 calls it a "certs-only" message.)
 */
static const uint8_t pkcs7_oid_signed_data[] = {
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02
};
static const uint8_t pkcs7_signed_data_head[] = {
	0x02, 0x01, 0x01,			/* version 1 */
	0x31, 0x00,				/* digestAlgorithms */
	0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86,	/* encapContentInfo: data */
	0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01
};
static const uint8_t pkcs7_signer_infos[] = { 0x31, 0x00 };

/* Size of a DER tag byte plus the length octets for len. */
static size_t
pkcs7_header_len(size_t len)
{
	size_t n = 1;

	if (len < 0x80)
		return n + 1;
	for (n = 2; len > 0; len >>= 8)
		n++;
	return n;
}

static int
pkcs7_header(struct buf *out, uint8_t tag, size_t len)
{
	uint8_t	 h[1 + 1 + sizeof(size_t)];
	size_t	 n = 0, bytes = 0, v;

	h[n++] = tag;
	if (len < 0x80)
		h[n++] = (uint8_t)len;
	else {
		for (v = len; v > 0; v >>= 8)
			bytes++;
		h[n++] = (uint8_t)(0x80 | bytes);
		while (bytes-- > 0)
			h[n++] = (uint8_t)(len >> (8 * bytes));
	}
	return buf_append(out, h, n);
}

int
pkcs7_certs_only_der(X509 *const *certs, size_t n, struct buf *out)
{
	struct buf	 certder;
	unsigned char	*p;
	size_t		 i, signed_len, explicit_len, outer_len;
	size_t		 out_len = out->len;
	int		 len, rc = -1;

	buf_init(&certder);
	for (i = 0; i < n; i++) {
		if ((len = i2d_X509(certs[i], NULL)) <= 0 ||
		    buf_reserve(&certder, (size_t)len) != 0)
			goto out;
		p = certder.data + certder.len;
		if (i2d_X509(certs[i], &p) != len)
			goto out;
		certder.len += (size_t)len;
	}
	signed_len = sizeof(pkcs7_signed_data_head) +
	    sizeof(pkcs7_signer_infos);
	/* OpenSSL leaves an empty certificates field out; so do we. */
	if (n > 0)
		signed_len += pkcs7_header_len(certder.len) + certder.len;
	explicit_len = pkcs7_header_len(signed_len) + signed_len;
	outer_len = sizeof(pkcs7_oid_signed_data) +
	    pkcs7_header_len(explicit_len) + explicit_len;
	if (outer_len > INT_MAX ||
	    buf_reserve(out, pkcs7_header_len(outer_len) + outer_len) != 0)
		goto out;
	if (pkcs7_header(out, 0x30, outer_len) != 0 ||
	    buf_append(out, pkcs7_oid_signed_data,
	    sizeof(pkcs7_oid_signed_data)) != 0 ||
	    pkcs7_header(out, 0xa0, explicit_len) != 0 ||
	    pkcs7_header(out, 0x30, signed_len) != 0 ||
	    buf_append(out, pkcs7_signed_data_head,
	    sizeof(pkcs7_signed_data_head)) != 0)
		goto out;
	if (n > 0 && (pkcs7_header(out, 0xa0, certder.len) != 0 ||
	    buf_append(out, certder.data, certder.len) != 0))
		goto out;
	if (buf_append(out, pkcs7_signer_infos,
	    sizeof(pkcs7_signer_infos)) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0 && out->data != NULL) {
		out->len = out_len;	/* nothing appended on failure */
		out->data[out->len] = '\0';
	}
	ERR_clear_error();
	buf_free(&certder);
	return rc;
}

int
pkcs7_certs_only_base64(X509 *const *certs, size_t n, struct buf *out)
{
	struct buf	der;
	int		rc;

	buf_init(&der);
	rc = pkcs7_certs_only_der(certs, n, &der);
	if (rc == 0)
		rc = b64_encode_wrapped(der.data, der.len, out);
	buf_free(&der);
	return rc;
}
