/* buf: a growable byte buffer. Owns its memory; depends on nothing. */
#ifndef EST_BUF_H
#define EST_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t	*data;
	size_t	 len;
	size_t	 cap;
};

void	buf_init(struct buf *);
void	buf_free(struct buf *);
void	buf_reset(struct buf *);
int	buf_reserve(struct buf *, size_t extra);
int	buf_append(struct buf *, const void *, size_t);
int	buf_append_str(struct buf *, const char *);

#endif
