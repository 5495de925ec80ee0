/* log: the process-wide log sink, set once at start-up. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "est/log.h"

#define LOG_LINE_MAX	2048

static enum log_target	log_target = LOG_TARGET_STDERR;
static enum log_level	log_threshold = LOG_LEVEL_INFO;
static const char	*log_ident = "estd";
static long		 log_pid;	/* a syscall saved per line */

static const char *const log_level_names[LOG_LEVEL_MAX] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

static const int log_syslog_priority[LOG_LEVEL_MAX] = {
	[LOG_LEVEL_ERROR] = LOG_ERR,
	[LOG_LEVEL_WARNING] = LOG_WARNING,
	[LOG_LEVEL_INFO] = LOG_INFO,
	[LOG_LEVEL_DEBUG] = LOG_DEBUG,
};

void
log_open(const char *ident, enum log_target target, enum log_level level)
{
	log_ident = ident;
	log_pid = (long)getpid();
	log_target = target;
	log_threshold = level;
	if (target == LOG_TARGET_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_close(void)
{
	if (log_target == LOG_TARGET_SYSLOG)
		closelog();
}

int
log_enabled(enum log_level level)
{
	return level <= log_threshold;
}

int
log_level_parse(const char *s)
{
	int i;

	for (i = 0; i < LOG_LEVEL_MAX; i++)
		if (strcmp(s, log_level_names[i]) == 0)
			return i;
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	if ((unsigned)level >= LOG_LEVEL_MAX)
		return "unknown";
	return log_level_names[level];
}

char *
log_sanitize(const char *in, size_t inlen, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i, o = 0;
	unsigned char c;

	if (outlen == 0)
		return out;
	for (i = 0; i < inlen; i++) {
		c = (unsigned char)in[i];
		if (c >= 0x20 && c < 0x7f) {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= outlen)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	out[o] = '\0';
	return out;
}

char *
log_quote(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	if (outlen == 0)
		return out;
	for (; *in != '\0'; in++) {
		if (*in == '"') {
			if (o + 4 >= outlen)
				break;
			memcpy(out + o, "\\x22", 4);
			o += 4;
		} else {
			if (o + 1 >= outlen)
				break;
			out[o++] = *in;
		}
	}
	out[o] = '\0';
	return out;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char	 raw[LOG_LINE_MAX], clean[LOG_LINE_MAX];
	char	 stamp[32];
	va_list	 ap;
	int	 n;
	time_t	 now;
	struct tm tm;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	log_sanitize(raw, strnlen(raw, sizeof(raw)), clean, sizeof(clean));
	if (log_target == LOG_TARGET_SYSLOG) {
		syslog(log_syslog_priority[level], "%s", clean);
		return;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s[%ld] %s: %s\n", stamp, log_ident, log_pid != 0 ?
	    log_pid : (long)getpid(), log_level_names[level], clean);
}
