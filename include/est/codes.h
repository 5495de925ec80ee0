/*
 * codes: one-time enrollment codes (a CSR's challengePassword, when a label
 * says challenge_password = code). The list is loaded once and kept as
 * SHA-256 hashes; a code is spent by creating a file named after its hash
 * with O_EXCL in a state directory, which is atomic across workers (and
 * across hosts sharing the directory).
 */
#ifndef EST_CODES_H
#define EST_CODES_H

#include <stddef.h>

#include "est/diag.h"

#define CODES_MAX		100000
#define CODES_MAX_LEN		255	/* a challengePassword: PKCS#9 allows up to 255 */

struct codes;

struct codes	*codes_load(const char *path, const char *state_dir, struct diag *d);
/* The state directory must exist and be writable by this process's user. */
void		 codes_check_state_dir(const char *state_dir, struct diag *d);
void		 codes_free(struct codes *);
size_t		 codes_count(const struct codes *);
/*
 * 0: the code was valid and unused, and is now spent. -1: refused, reason
 * says why. -2: it could not be marked spent (the state directory failed:
 * a server error, not the client's), reason says why.
 */
int		 codes_redeem(const struct codes *, const char *code, size_t len,
		    char *reason, size_t reasonlen);
/*
 * Un-spends a code this request redeemed, when issuing failed after all
 * (a server error must not cost the device its code). 0 = usable again.
 */
int		 codes_release(const struct codes *, const char *code, size_t len);

#endif
