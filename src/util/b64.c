/* b64.c — base64 encoding and decoding (see b64.h). */
#include "util/b64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char abc[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *xg_b64_encode(const unsigned char *buf, size_t len)
{
    char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)buf[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)buf[i + 1] << 8;
        if (i + 2 < len)
            v |= buf[i + 2];
        *o++ = abc[v >> 18 & 63];
        *o++ = abc[v >> 12 & 63];
        *o++ = i + 1 < len ? abc[v >> 6 & 63] : '=';
        *o++ = i + 2 < len ? abc[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

unsigned char *xg_b64_decode(const char *text, size_t *len)
{
    unsigned char *out = malloc(strlen(text) / 4 * 3 + 3);
    uint32_t v = 0;
    int n = 0, pad = 0;
    size_t o = 0;

    if (!out)
        return NULL;
    for (const char *p = text; *p; p++) {
        const char *c = strchr(abc, *p);
        if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
            continue;
        if (*p == '=') {
            pad++;
            c = abc;
        } else if (!c || !*p || pad) {
            free(out);
            return NULL;
        }
        v = v << 6 | (uint32_t)(c - abc);
        if (++n == 4) {
            out[o++] = (unsigned char)(v >> 16);
            if (pad < 2)
                out[o++] = (unsigned char)(v >> 8);
            if (pad < 1)
                out[o++] = (unsigned char)v;
            v = 0;
            n = 0;
        }
    }
    if (n || pad > 2) {
        free(out);
        return NULL;
    }
    *len = o;
    return out;
}
