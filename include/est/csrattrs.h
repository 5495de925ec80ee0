/*
 * csrattrs: the CsrAttrs a label publishes at /csrattrs (RFC 8951 section 4):
 * derived from its profile (key type and curves, signature algorithms, an
 * extensionRequest for what the profile requires, challengePassword when
 * enrollment codes are used), or given verbatim as base64 in the
 * configuration. Built once at start-up.
 */
#ifndef EST_CSRATTRS_H
#define EST_CSRATTRS_H

#include "est/buf.h"
#include "est/config.h"
#include "est/diag.h"

/* DER CsrAttrs for pr, appended to der; nothing appended means none. */
int	csrattrs_build(const struct est_profile *pr, struct buf *der);
/* Checks that b64 decodes to a DER SEQUENCE of OIDs and attributes. */
int	csrattrs_parse_verbatim(const char *b64, struct buf *der, struct diag *d);

#endif
