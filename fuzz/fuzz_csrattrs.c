/*
 * fuzz_csrattrs: a verbatim "csrattrs =" value (csrattrs_parse_verbatim),
 * served to clients byte for byte. The input is the value's text. Whatever
 * is accepted must be, by OpenSSL's generic reader, one SEQUENCE whose
 * every element is an OBJECT IDENTIFIER or a SEQUENCE (RFC 8951 section 4),
 * taking every byte; a refusal must leave the buffer as it was.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>

#include "est/buf.h"
#include "est/csrattrs.h"
#include "est/diag.h"

#include "fuzz_pki.h"

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

/* 1 if der is one SEQUENCE of OIDs and SEQUENCEs, every byte used. */
static int
fz_is_csrattrs(const unsigned char *der, size_t len)
{
	const unsigned char	*p = der;
	ASN1_SEQUENCE_ANY	*seq;
	int			 i, ok;

	seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p, (long)len);
	ok = seq != NULL && p == der + len;
	for (i = 0; ok && i < sk_ASN1_TYPE_num(seq); i++) {
		int t = ASN1_TYPE_get(sk_ASN1_TYPE_value(seq, i));

		ok = t == V_ASN1_OBJECT || t == V_ASN1_SEQUENCE;
	}
	sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);
	ERR_clear_error();
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	 prefix[] = "kept";
	struct buf		 der;
	struct diag		 d;
	char			*text;
	int			 rc;

	/* A configuration value is text: up to the first NUL. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	buf_init(&der);
	if (buf_append(&der, prefix, sizeof(prefix)) == -1)
		abort();
	diag_init(&d);
	rc = csrattrs_parse_verbatim(text, &der, &d);
	if ((rc == 0) != (diag_count(&d) == 0))
		abort();
	if (der.len < sizeof(prefix) || memcmp(der.data, prefix, sizeof(prefix)) != 0)
		abort();
	if (rc == 0 && !fz_is_csrattrs(der.data + sizeof(prefix),
	    der.len - sizeof(prefix)))
		abort();
	if (rc != 0 && der.len != sizeof(prefix))
		abort();
	diag_free(&d);
	buf_free(&der);
	free(text);
	return 0;
}
