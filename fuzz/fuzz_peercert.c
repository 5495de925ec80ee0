/*
 * fuzz_peercert: decoding of the client certificate variable the front
 * server hands over (plain, percent-encoded or TAB-indented PEM). The input
 * is the variable's value, byte for byte.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "est/peercert.h"

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	X509	*cert;
	char	 reason[200];

	memset(reason, 0x55, sizeof(reason));
	cert = peercert_parse((const char *)data, size, reason, sizeof(reason));
	if (cert == NULL) {
		/* A failure always says why. */
		if (memchr(reason, '\0', sizeof(reason)) == NULL)
			abort();
	} else {
		if (X509_get_subject_name(cert) == NULL)
			abort();
		X509_free(cert);
	}
	ERR_clear_error();
	return 0;
}
