/* codes: one-time enrollment codes, spent atomically in a state directory. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "est/codes.h"

struct codes {
	unsigned char	(*hashes)[32];
	size_t		  n;
	char		 *state_dir;
};

static int
codes_hash(const char *code, size_t len, unsigned char out[32])
{
	unsigned int n = 0;

	return EVP_Digest(code, len, out, &n, EVP_sha256(), NULL) == 1 &&
	    n == 32 ? 0 : -1;
}

void
codes_free(struct codes *c)
{
	if (c == NULL)
		return;
	if (c->hashes != NULL)
		OPENSSL_cleanse(c->hashes, c->n * sizeof(*c->hashes));
	free(c->hashes);
	free(c->state_dir);
	free(c);
}

size_t
codes_count(const struct codes *c)
{
	return c->n;
}

void
codes_check_state_dir(const char *state_dir, struct diag *d)
{
	struct stat st;

	if (stat(state_dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    access(state_dir, W_OK | X_OK) == -1)
		diag_add(d, "%s: enrollment code state directory must exist and "
		    "be writable", state_dir);
	/* Whoever may write it may delete a marker and spend a code again. */
	else if (st.st_mode & S_IWOTH)
		diag_add(d, "%s: enrollment code state directory is writable by "
		    "other users (mode %03o); chmod o-w it", state_dir,
		    (unsigned)(st.st_mode & 0777));
}

struct codes *
codes_load(const char *path, const char *state_dir, struct diag *d)
{
	struct codes	*c;
	struct stat	 st;
	FILE		*f = NULL;
	char		 line[CODES_MAX_LEN + 2];
	size_t		 cap = 0, len, before = diag_count(d);
	void		*p;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->state_dir = strdup(state_dir)) == NULL) {
		diag_add(d, "out of memory");
		goto out;
	}
	codes_check_state_dir(state_dir, d);
	if ((f = fopen(path, "r")) == NULL) {
		diag_add(d, "%s: cannot open enrollment codes: %s", path,
		    strerror(errno));
		goto out;
	}
	/* Each code enrolls a device once: as secret as a password. */
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IROTH | S_IWOTH))) {
		diag_add(d, "%s: enrollment codes are accessible by other users "
		    "(mode %03o); chmod 600 it", path, (unsigned)(st.st_mode & 0777));
		goto out;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		len = strcspn(line, "\r\n");
		if (line[len] == '\0' && !feof(f)) {
			diag_add(d, "%s: a code is longer than %d bytes", path,
			    CODES_MAX_LEN);
			break;
		}
		if (len == 0 || line[0] == '#')
			continue;
		if (c->n == CODES_MAX) {
			diag_add(d, "%s: more than %d codes", path, CODES_MAX);
			break;
		}
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((p = reallocarray(c->hashes, cap, 32)) == NULL) {
				diag_add(d, "out of memory");
				break;
			}
			c->hashes = p;
		}
		if (codes_hash(line, len, c->hashes[c->n]) == -1) {
			diag_add(d, "%s: cannot hash codes", path);
			break;
		}
		c->n++;
	}
	OPENSSL_cleanse(line, sizeof(line));
	if (c->n == 0 && diag_count(d) == before)
		diag_add(d, "%s: no enrollment codes", path);
out:
	if (f != NULL)
		fclose(f);
	if (diag_count(d) != before) {
		codes_free(c);
		return NULL;
	}
	return c;
}

/* The state file that marks the code hashed to h as spent. */
static int
codes_state_path(const struct codes *c, const unsigned char h[32], char *path,
    size_t pathlen)
{
	char	hex[65];
	size_t	i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	return (size_t)snprintf(path, pathlen, "%s/%s", c->state_dir, hex) >=
	    pathlen ? -1 : 0;
}

int
codes_redeem(const struct codes *c, const char *code, size_t len,
    char *reason, size_t reasonlen)
{
	unsigned char	 h[32];
	char		 path[4096];
	size_t		 i;
	int		 found = 0, fd;

	if (len == 0 || len > CODES_MAX_LEN || codes_hash(code, len, h) == -1) {
		snprintf(reason, reasonlen, "enrollment code is not valid");
		return -1;
	}
	/* Look at every entry: the time taken does not depend on which matched. */
	for (i = 0; i < c->n; i++)
		found |= CRYPTO_memcmp(h, c->hashes[i], sizeof(h)) == 0;
	if (!found) {
		snprintf(reason, reasonlen, "enrollment code is not valid");
		return -1;
	}
	if (codes_state_path(c, h, path, sizeof(path)) == -1) {
		snprintf(reason, reasonlen, "enrollment code state path too long");
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1) {
		if (errno == EEXIST) {
			snprintf(reason, reasonlen, "enrollment code was already used");
			return -1;
		}
		/* The state directory failed us (full, read-only, gone): not the client. */
		snprintf(reason, reasonlen, "enrollment code cannot be recorded as "
		    "used: %s", strerror(errno));
		return -2;
	}
	close(fd);
	/*
	 * The marker is an empty file: only its directory entry says the code
	 * is spent, and a power loss before that entry reaches the disk would
	 * make the code good again. Filesystems that cannot sync a directory
	 * (EINVAL) are taken as they are.
	 */
	if ((fd = open(c->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (fsync(fd) == -1 && errno != EINVAL)) {
		snprintf(reason, reasonlen, "enrollment code cannot be recorded as "
		    "used: %s: %s", c->state_dir, strerror(errno));
		if (fd != -1)
			close(fd);
		unlink(path);
		return -2;
	}
	close(fd);
	return 0;
}

int
codes_release(const struct codes *c, const char *code, size_t len)
{
	unsigned char	h[32];
	char		path[4096];

	if (len == 0 || len > CODES_MAX_LEN || codes_hash(code, len, h) == -1 ||
	    codes_state_path(c, h, path, sizeof(path)) == -1)
		return -1;
	return unlink(path) == 0 ? 0 : -1;
}
