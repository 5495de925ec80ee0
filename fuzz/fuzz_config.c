/*
 * fuzz_config: the estd.conf parser (libinih + config.c). The input is the
 * file's content; it is written to the same path in a private temporary
 * directory for every run, loaded, and freed again.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "est/config.h"
#include "est/diag.h"

#include "fuzz_pki.h"

static char	*fz_dir;
static char	*fz_conf;

static void
fz_config_cleanup(void)
{
	fz_rmtree(fz_dir);
	free(fz_dir);
	free(fz_conf);
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
	fz_dir = fz_mkdtemp("fuzz-config");
	len = strlen(fz_dir) + sizeof("/estd.conf");
	if ((fz_conf = malloc(len)) == NULL)
		fz_die("out of memory");
	snprintf(fz_conf, len, "%s/estd.conf", fz_dir);
	atexit(fz_config_cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct est_config	 cfg;
	struct diag		 d;
	size_t			 i;
	int			 rc;

	fz_write_text(fz_conf, data, size);
	diag_init(&d);
	config_defaults(&cfg);
	rc = config_load(&cfg, fz_conf, &d);
	/* 0 exactly when nothing was wrong, and then every path is set. */
	if ((rc == 0) != (diag_count(&d) == 0))
		abort();
	if (rc == 0 && (cfg.labels[0].ca_cert == NULL || cfg.labels[0].ca_key == NULL ||
	    cfg.labels[0].trust_store == NULL || cfg.labels[0].profile.n_eku == 0 ||
	    cfg.labels[0].profile.n_eku > CONFIG_MAX_EKU ||
	    cfg.labels[0].profile.n_ec_curves > CONFIG_MAX_CURVES ||
	    cfg.max_body > CONFIG_MAX_MAX_BODY ||
	    cfg.labels[0].profile.rsa_min_bits > cfg.labels[0].profile.rsa_max_bits))
		abort();
	for (i = 0; i < d.n; i++)
		if (d.msgs[i] == NULL)
			abort();
	config_free(&cfg);
	diag_free(&d);
	return 0;
}
