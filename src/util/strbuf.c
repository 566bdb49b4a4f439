/* strbuf.c — see strbuf.h. */
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes room for need more bytes and the NUL. 0, or -1 (sb->oom). */
static int reserve(xg_sb *sb, size_t need)
{
    size_t cap = sb->cap ? sb->cap : 64;
    char *s;

    if (sb->oom || need > (size_t)-1 / 2 - sb->len)
        return sb->oom = true, -1;
    if (sb->len + need < sb->cap)
        return 0;
    while (cap <= sb->len + need)
        cap *= 2;
    if (!(s = realloc(sb->s, cap)))
        return sb->oom = true, -1;
    sb->s = s;
    sb->cap = cap;
    return 0;
}

int xg_sb_vprintf(xg_sb *sb, const char *fmt, va_list ap)
{
    va_list again;
    int n;

    va_copy(again, ap);
    n = vsnprintf(NULL, 0, fmt, again);
    va_end(again);
    if (n < 0 || reserve(sb, (size_t)n) < 0)
        return sb->oom = true, -1;
    vsnprintf(sb->s + sb->len, sb->cap - sb->len, fmt, ap);
    sb->len += (size_t)n;
    return 0;
}

int xg_sb_printf(xg_sb *sb, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = xg_sb_vprintf(sb, fmt, ap);
    va_end(ap);
    return rc;
}

int xg_sb_add(xg_sb *sb, const char *p, size_t n)
{
    if (reserve(sb, n) < 0)
        return -1;
    memcpy(sb->s + sb->len, p, n);
    sb->len += n;
    sb->s[sb->len] = '\0';
    return 0;
}

const char *xg_sb_str(const xg_sb *sb)
{
    return sb->s ? sb->s : "";
}

void xg_sb_clear(xg_sb *sb)
{
    sb->len = 0;
    sb->oom = false;
    if (sb->s)
        sb->s[0] = '\0';
}

void xg_sb_free(xg_sb *sb)
{
    free(sb->s);
    *sb = (xg_sb)XG_SB_INIT;
}

int xg_sb_put(const xg_sb *sb, char *dst, size_t len)
{
    const char *s = sb->oom && !sb->len ? "out of memory" : xg_sb_str(sb);
    size_t n = strlen(s);

    if (!dst || len == 0)
        return -1;
    if (n < len) {
        memcpy(dst, s, n + 1);
        return 0;
    }
    if (len > 3) {
        memcpy(dst, s, len - 4);
        memcpy(dst + len - 4, "...", 4);
    } else {
        dst[0] = '\0';
    }
    return -1;
}

int xg_mark_cut(char *buf, size_t len)
{
    if (!buf || len <= 3 || strnlen(buf, len) != len - 1)
        return 0;
    memcpy(buf + len - 4, "...", 4);
    return 1;
}

char *xg_strfmt(const char *fmt, ...)
{
    xg_sb sb = XG_SB_INIT;
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = xg_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    if (rc < 0) {
        xg_sb_free(&sb);
        return NULL;
    }
    return sb.s;
}

int xg_lines_vaddf(xg_lines *l, const char *fmt, va_list ap)
{
    xg_sb sb = XG_SB_INIT;

    if (l->oom || xg_sb_vprintf(&sb, fmt, ap) < 0 || !sb.s)
        goto fail;
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 8;
        char **nv = realloc(l->v, nc * sizeof(*nv));
        if (!nv)
            goto fail;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = sb.s; /* handed over */
    return 0;
fail:
    xg_sb_free(&sb);
    l->oom = true;
    return -1;
}

int xg_lines_addf(xg_lines *l, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = xg_lines_vaddf(l, fmt, ap);
    va_end(ap);
    return rc;
}

void xg_lines_free(xg_lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}
