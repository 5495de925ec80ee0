/*
 * fuzz_htpasswd: the htpasswd file reader (htpasswd.c). The input is the
 * file's content, written to the same path in a private temporary directory
 * for every run, loaded and freed again. No password is checked: a hash's
 * cost is the operator's choice, and one bcrypt check at cost 31 would take
 * days. What is checked: a load fails exactly when it says why, and a loaded
 * file holds at most HTPASSWD_MAX_USERS users (none is the caller's to
 * refuse: service_load says "no users").
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "est/diag.h"
#include "est/htpasswd.h"

#include "fuzz_pki.h"

static char	*fz_dir;
static char	*fz_file;

static void
fz_htpasswd_cleanup(void)
{
	fz_rmtree(fz_dir);
	free(fz_dir);
	free(fz_file);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t len;

	(void)argc;
	(void)argv;
	fz_quiet();
	fz_dir = fz_mkdtemp("fuzz-htpasswd");
	len = strlen(fz_dir) + sizeof("/htpasswd");
	if ((fz_file = malloc(len)) == NULL)
		fz_die("out of memory");
	snprintf(fz_file, len, "%s/htpasswd", fz_dir);
	atexit(fz_htpasswd_cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct htpasswd	*h;
	struct diag	 d;
	const char	*mixed;
	size_t		 i, n;

	fz_write_text(fz_file, data, size);
	diag_init(&d);
	h = htpasswd_load(fz_file, &d);
	if ((h != NULL) != (diag_count(&d) == 0))
		abort();
	for (i = 0; i < d.n; i++)
		if (d.msgs[i] == NULL)
			abort();
	if (h != NULL) {
		n = htpasswd_count(h);
		if (n > HTPASSWD_MAX_USERS)
			abort();
		/* A user's name: NUL-terminated, as long as a name may be. */
		if ((mixed = htpasswd_mixed_costs(h)) != NULL &&
		    (*mixed == '\0' || strlen(mixed) > HTPASSWD_MAX_USER))
			abort();
		htpasswd_free(h);
	}
	diag_free(&d);
	return 0;
}
