/* pkcs7: certs-only SignedData: no signers, no content, just certificates. */
#include "config.h"

#include <openssl/err.h>
#include <openssl/pkcs7.h>

#include "est/b64.h"
#include "est/pkcs7.h"

int
pkcs7_certs_only_der(X509 *const *certs, size_t n, struct buf *out)
{
	PKCS7		*p7;
	unsigned char	*der = NULL;
	int		 len, rc = -1;
	size_t		 i;

	if ((p7 = PKCS7_new()) == NULL)
		return -1;
	/* SignedData, version 1, empty digestAlgorithms and signerInfos,
	 * encapsulated content of type data with no content (RFC 5652 5.1). */
	if (!PKCS7_set_type(p7, NID_pkcs7_signed))
		goto out;
	p7->d.sign->contents->type = OBJ_nid2obj(NID_pkcs7_data);
	for (i = 0; i < n; i++)
		if (!PKCS7_add_certificate(p7, certs[i]))
			goto out;
	if ((len = i2d_PKCS7(p7, &der)) <= 0)
		goto out;
	if (buf_append(out, der, (size_t)len) == 0)
		rc = 0;
out:
	ERR_clear_error();
	OPENSSL_free(der);
	PKCS7_free(p7);
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
