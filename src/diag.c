/* diag: collects one-line problems for "estd -t" and the start-up log. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "est/diag.h"

void
diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void
diag_free(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->msgs[i]);
	diag_init(d);
}

static void
diag_vadd(struct diag *d, const char *suffix, const char *fmt, va_list ap)
{
	char	 line[512];
	int	 n;

	if (d->n == DIAG_MAX) {
		d->dropped++;
		return;
	}
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n >= 0 && suffix != NULL && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, ": %s", suffix);
	if ((d->msgs[d->n] = strdup(line)) == NULL) {
		d->dropped++;
		return;
	}
	d->n++;
}

void
diag_add(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, NULL, fmt, ap);
	va_end(ap);
}

void
diag_add_ssl(struct diag *d, const char *fmt, ...)
{
	char		 err[256];
	unsigned long	 e;
	va_list		 ap;

	e = ERR_peek_last_error();
	if (e != 0)
		ERR_error_string_n(e, err, sizeof(err));
	ERR_clear_error();
	va_start(ap, fmt);
	diag_vadd(d, e != 0 ? err : NULL, fmt, ap);
	va_end(ap);
}

size_t
diag_count(const struct diag *d)
{
	return d->n + d->dropped;
}
