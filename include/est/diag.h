/*
 * diag: a list of one-line problems found while loading configuration and
 * key material, so that "estd -t" can print every problem, not just the first.
 */
#ifndef EST_DIAG_H
#define EST_DIAG_H

#include <stddef.h>

#define DIAG_MAX	64	/* later problems are counted, not kept */

struct diag {
	char	*msgs[DIAG_MAX];
	size_t	 n;		/* problems kept */
	size_t	 dropped;	/* problems beyond DIAG_MAX */
};

void	diag_init(struct diag *);
void	diag_free(struct diag *);
void	diag_add(struct diag *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends OpenSSL's first queued error, if any, to a problem. */
void	diag_add_ssl(struct diag *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
size_t	diag_count(const struct diag *);

#endif
