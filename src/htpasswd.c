/* htpasswd: in-memory users and crypt(3) hashes. */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "est/htpasswd.h"

struct htpasswd_entry {
	char	*user;
	char	*hash;
	size_t	 line;	/* in the file, for messages */
};

struct htpasswd {
	struct htpasswd_entry	*entries;
	size_t			 n;
	char			*dummy;	/* hashed for unknown users */
};

/* Hash prefixes libcrypt checks and that are not weak. */
static const char *const htpasswd_prefixes[] = {
	"$2y$", "$2b$", "$2a$", "$y$", "$7$", "$gy$", "$6$", "$5$", NULL
};

static int
htpasswd_hash_supported(const char *hash)
{
	size_t i;

	for (i = 0; htpasswd_prefixes[i] != NULL; i++)
		if (strncmp(hash, htpasswd_prefixes[i],
		    strlen(htpasswd_prefixes[i])) == 0)
			return 1;
	return 0;
}

/*
 * Whether hash has the shape crypt(3) writes for its method: only
 * ./0-9A-Za-z between the '$'s ('=' for SHA-crypt's rounds=), and a
 * final field of the method's exact length (bcrypt: 60 characters in
 * all). Cheap, unlike hashing each entry once: it catches a hash cut
 * short or followed by blanks, which libcrypt refuses at once, so that
 * user could never log in and, as the dummy, it would answer unknown
 * users faster than known ones.
 */
static int
htpasswd_hash_well_formed(const char *hash)
{
	const char	*last;
	size_t		 i, want;

	for (i = 0; hash[i] != '\0'; i++)
		if (strchr("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz$=", hash[i]) == NULL)
			return 0;
	if (strncmp(hash, "$2", 2) == 0)
		return i == 60 && hash[4] >= '0' && hash[4] <= '3' &&
		    hash[5] >= '0' && hash[5] <= '9' && hash[6] == '$' &&
		    strchr(hash + 7, '$') == NULL;
	want = strncmp(hash, "$6$", 3) == 0 ? 86 : 43;
	last = strrchr(hash, '$');
	return last - hash > 3 && strlen(last + 1) == want;
}

void
htpasswd_free(struct htpasswd *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++) {
		free(h->entries[i].user);
		OPENSSL_cleanse(h->entries[i].hash, strlen(h->entries[i].hash));
		free(h->entries[i].hash);
	}
	free(h->entries);
	free(h->dummy);
	free(h);
}

/*
 * Length of the part of hash that sets the method and its cost, without
 * the salt: "$2y$12$", "$6$rounds=N$" or "$6$", "$y$j9T$", the 11
 * parameter characters after "$7$". Equal for two hashes that cost the same.
 */
static size_t
htpasswd_setting_len(const char *hash)
{
	const char	*p, *last, *salt = NULL;

	if (strncmp(hash, "$2", 2) == 0)
		return 7;
	if (strncmp(hash, "$7$", 3) == 0)
		return strlen(hash) < 14 ? strlen(hash) : 14;
	/* Else "...$salt$hash": everything before the salt. */
	last = strrchr(hash, '$');
	for (p = hash; p < last; p++)
		if (*p == '$')
			salt = p;
	return salt != NULL ? (size_t)(salt - hash) + 1 : 0;
}

const char *
htpasswd_mixed_costs(const struct htpasswd *h)
{
	size_t i, n0;

	if (h->n == 0)
		return NULL;
	n0 = htpasswd_setting_len(h->entries[0].hash);
	for (i = 1; i < h->n; i++)
		if (htpasswd_setting_len(h->entries[i].hash) != n0 ||
		    strncmp(h->entries[i].hash, h->entries[0].hash, n0) != 0)
			return h->entries[i].user;
	return NULL;
}

size_t
htpasswd_count(const struct htpasswd *h)
{
	return h->n;
}

static int
htpasswd_add(struct htpasswd *h, size_t *cap, const char *user,
    const char *hash, size_t line)
{
	struct htpasswd_entry *e;

	if (h->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((e = reallocarray(h->entries, *cap, sizeof(*e))) == NULL)
			return -1;
		h->entries = e;
	}
	e = &h->entries[h->n];
	if ((e->user = strdup(user)) == NULL)
		return -1;
	if ((e->hash = strdup(hash)) == NULL) {
		free(e->user);
		return -1;
	}
	e->line = line;
	h->n++;
	return 0;
}

static int
htpasswd_cmp_user(const void *a, const void *b)
{
	const struct htpasswd_entry *const *x = a, *const *y = b;
	int c = strcmp((*x)->user, (*y)->user);

	if (c != 0)
		return c;
	return (*x)->line < (*y)->line ? -1 : (*x)->line > (*y)->line;
}

/*
 * A user listed twice is an error: "htpasswd -B" changes the first line
 * (and Apache's mod_authn_file reads it), so whichever line estd took,
 * a password thought changed could stay valid. Sorted, not pairwise: up
 * to HTPASSWD_MAX_USERS entries.
 */
static void
htpasswd_check_duplicates(const struct htpasswd *h, const char *path,
    struct diag *d)
{
	const struct htpasswd_entry **v;
	size_t i;

	if (h->n < 2)
		return;
	if ((v = calloc(h->n, sizeof(*v))) == NULL) {
		diag_add(d, "%s: out of memory", path);
		return;
	}
	for (i = 0; i < h->n; i++)
		v[i] = &h->entries[i];
	qsort(v, h->n, sizeof(*v), htpasswd_cmp_user);
	for (i = 1; i < h->n; i++)
		if (strcmp(v[i - 1]->user, v[i]->user) == 0)
			diag_add(d, "%s:%zu: user %s is already on line %zu",
			    path, v[i]->line, v[i]->user, v[i - 1]->line);
	free(v);
}

struct htpasswd *
htpasswd_load(const char *path, struct diag *d)
{
	struct htpasswd	*h;
	struct stat	 st;
	FILE		*f;
	char		 line[1024], *colon, *end;
	size_t		 lineno = 0, cap = 0, before = diag_count(d);

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((f = fopen(path, "r")) == NULL) {
		diag_add(d, "%s: cannot open password file: %s", path,
		    strerror(errno));
		free(h);
		return NULL;
	}
	/* Whoever may write it may add a user of their own: a way past auth. */
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & S_IWOTH)) {
		diag_add(d, "%s: password file is writable by other users "
		    "(mode %03o); chmod o-w it", path, (unsigned)(st.st_mode & 0777));
		fclose(f);
		free(h);
		return NULL;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if ((end = strchr(line, '\n')) == NULL && !feof(f)) {
			diag_add(d, "%s:%zu: line too long", path, lineno);
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if ((colon = strchr(line, ':')) == NULL || colon == line ||
		    (size_t)(colon - line) > HTPASSWD_MAX_USER) {
			diag_add(d, "%s:%zu: not \"user:hash\"", path, lineno);
			continue;
		}
		*colon = '\0';
		if (!htpasswd_hash_supported(colon + 1)) {
			/* Name the user, never the hash. */
			diag_add(d, "%s:%zu: user %s: unsupported or weak hash "
			    "(use htpasswd -B for bcrypt)", path, lineno, line);
			continue;
		}
		if (!htpasswd_hash_well_formed(colon + 1)) {
			diag_add(d, "%s:%zu: user %s: malformed hash (cut short, "
			    "or text after it?)", path, lineno, line);
			continue;
		}
		if (h->n == HTPASSWD_MAX_USERS) {
			diag_add(d, "%s: more than %d users", path,
			    HTPASSWD_MAX_USERS);
			break;
		}
		if (htpasswd_add(h, &cap, line, colon + 1, lineno) == -1) {
			diag_add(d, "%s: out of memory", path);
			break;
		}
	}
	OPENSSL_cleanse(line, sizeof(line));
	fclose(f);
	htpasswd_check_duplicates(h, path, d);
	/* An unknown user costs one hash of the same kind as a real one. */
	if (h->n > 0 && (h->dummy = strdup(h->entries[0].hash)) == NULL)
		diag_add(d, "%s: out of memory", path);
	if (diag_count(d) != before) {
		htpasswd_free(h);
		return NULL;
	}
	return h;
}

int
htpasswd_check(const struct htpasswd *h, const char *user, const char *password)
{
	struct crypt_data	*cd;
	const char		*hash = NULL, *out;
	size_t			 i, hlen;
	int			 ok = 0;

	if (h->n == 0 || strlen(user) > HTPASSWD_MAX_USER ||
	    strlen(password) > HTPASSWD_MAX_PASSWORD)
		return 0;
	for (i = 0; i < h->n; i++)
		if (strcmp(h->entries[i].user, user) == 0)
			hash = h->entries[i].hash;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return 0;
	out = crypt_rn(password, hash != NULL ? hash : h->dummy, cd,
	    (int)sizeof(*cd));
	if (out != NULL && hash != NULL) {
		hlen = strlen(hash);
		ok = strlen(out) == hlen && CRYPTO_memcmp(out, hash, hlen) == 0;
	}
	OPENSSL_cleanse(cd, sizeof(*cd));
	free(cd);
	return ok;
}
