/* b64.h — base64 (RFC 4648, with padding) for binary data kept in text
 * fields of the recording, e.g. the raw xentrace trace. */
#ifndef XG_B64_H
#define XG_B64_H

#include <stddef.h>

/* A malloc'd NUL-terminated encoding of buf[0..len); NULL on ENOMEM. */
char *xg_b64_encode(const unsigned char *buf, size_t len);
/* Decodes text (whitespace ignored) into a malloc'd buffer, its length in
 * *len; NULL when text is not base64 or on ENOMEM. */
unsigned char *xg_b64_decode(const char *text, size_t *len);

#endif
