/*
 * log: the process-wide log sink (syslog or stderr), set once at start-up.
 * Every line is passed through log_sanitize, so client-supplied strings
 * cannot forge lines or terminal escapes. Never pass keys or passwords.
 */
#ifndef EST_LOG_H
#define EST_LOG_H

#include <stddef.h>

enum log_target {
	LOG_TARGET_STDERR,
	LOG_TARGET_SYSLOG,
	LOG_TARGET_MAX
};

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_MAX
};

void	log_open(const char *ident, enum log_target, enum log_level);
void	log_close(void);
void	log_msg(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	log_enabled(enum log_level);

/* Parses "error", "warning", "info", "debug"; -1 if unknown. */
int	log_level_parse(const char *);
const char *log_level_name(enum log_level);

/*
 * Copies in to out (always NUL-terminated, truncated to outlen), replacing
 * control characters and bytes >= 0x7f by "\xNN". Returns out.
 */
char	*log_sanitize(const char *in, size_t inlen, char *out, size_t outlen);
/*
 * Copies in to out for a "quoted" log field, '"' written as "\x22" so that
 * a client's text cannot end the field and add fields of its own. Returns out.
 */
char	*log_quote(const char *in, char *out, size_t outlen);

#endif
