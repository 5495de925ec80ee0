/*
 * peercert: the client certificate the front server hands over as text.
 * Exactly one PEM certificate is accepted, plain (lighttpd, Apache),
 * percent-encoded or TAB-indented (nginx); anything else is an error.
 */
#ifndef EST_PEERCERT_H
#define EST_PEERCERT_H

#include <stddef.h>

#include <openssl/x509.h>

#define PEERCERT_MAX_LEN	(32 * 1024)

/* NULL with reason set when the text is not exactly one certificate. */
X509	*peercert_parse(const char *pem, size_t len, char *reason, size_t reasonlen);

#endif
