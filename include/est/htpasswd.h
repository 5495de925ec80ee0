/*
 * htpasswd: users and password hashes from an htpasswd-format file, held in
 * memory, checked with libcrypt (bcrypt from "htpasswd -B", yescrypt and
 * SHA-crypt). Apache's MD5 ($apr1$), SHA-1 and plain entries are refused at
 * load time: libcrypt cannot check them and they are weak.
 */
#ifndef EST_HTPASSWD_H
#define EST_HTPASSWD_H

#include <stddef.h>

#include "est/diag.h"

#define HTPASSWD_MAX_USERS	100000
#define HTPASSWD_MAX_USER	128	/* bytes in a user name */
#define HTPASSWD_MAX_PASSWORD	256	/* bytes in a password */

struct htpasswd;

struct htpasswd	*htpasswd_load(const char *path, struct diag *d);
void		 htpasswd_free(struct htpasswd *);
size_t		 htpasswd_count(const struct htpasswd *);
/*
 * An unknown user costs one hash with the first entry's method and cost.
 * The name of a user whose hash has another method or cost (a 401 for
 * that name takes another time, telling that it exists), or NULL.
 */
const char	*htpasswd_mixed_costs(const struct htpasswd *);
/*
 * 1 if user exists and password matches. Takes about as long for an unknown
 * user as for a wrong password, so timing does not tell which names exist.
 */
int		 htpasswd_check(const struct htpasswd *, const char *user,
		    const char *password);

#endif
