/* exectpl.c — --exec templates: no-expansion split, in-word substitution, JSON. */
#include "util/exectpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte string. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        char *p;
        while (b->n + n + 1 > cap)
            cap *= 2;
        p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_addc(sbuf *b, char c)
{
    sb_addn(b, &c, 1);
}

/* Takes the string out of b ("" when it is empty); NULL on ENOMEM. */
static char *sb_take(sbuf *b)
{
    char *s;

    if (!b->oom && !b->s)
        sb_addn(b, "", 0);
    s = b->oom ? NULL : b->s;
    if (!s)
        free(b->s);
    *b = (sbuf){0};
    return s;
}

__attribute__((format(printf, 3, 4)))
static void *fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return NULL;
}

void xg_argv_free(char **argv)
{
    if (!argv)
        return;
    for (char **p = argv; *p; p++)
        free(*p);
    free(argv);
}

/* Appends w (owned) to the NULL-terminated *argv; -1 (w freed) on ENOMEM. */
static int argv_push(char ***argv, int *n, char *w)
{
    char **a = w ? realloc(*argv, ((size_t)*n + 2) * sizeof(*a)) : NULL;

    if (!a) {
        free(w);
        return -1;
    }
    a[(*n)++] = w;
    a[*n] = NULL;
    *argv = a;
    return 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

char **xg_exectpl_split(const char *tpl, int *n, char *err, size_t errlen)
{
    char **argv = NULL;
    const char *p = tpl;
    int count = 0;

    *n = 0;
    for (;;) {
        sbuf w = {0};
        char q;

        while (is_blank(*p))
            p++;
        if (!*p)
            break;
        /* A word: runs of plain, escaped and quoted parts up to a blank. */
        while (*p && !is_blank(*p)) {
            if (*p == '\\') {
                if (p[1])
                    p++; /* a final backslash stays literal, as in sh */
                sb_addc(&w, *p++);
            } else if (*p == '\'' || *p == '"') {
                q = *p++;
                sb_addn(&w, "", 0); /* '' is an empty word, not none */
                for (; *p && *p != q; p++) {
                    if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
                        p++;
                    sb_addc(&w, *p);
                }
                if (!*p) {
                    free(w.s);
                    xg_argv_free(argv);
                    return fail(err, errlen,
                                "exec template: unterminated %c quote", q);
                }
                p++;
            } else {
                sb_addc(&w, *p++);
            }
        }
        if (argv_push(&argv, &count, sb_take(&w)) < 0) {
            xg_argv_free(argv);
            return fail(err, errlen, "exec template: out of memory");
        }
    }
    if (count == 0)
        return fail(err, errlen, "exec template is empty");
    *n = count;
    return argv;
}

static const char *const keys[] = {"{name}", "{addr}", "{id}"};
enum { NKEYS = 3, LITERAL = NKEYS };

/* What the brace at p ('{' or '}') starts: a placeholder (its index in
 * keys), LITERAL for "{{" or "}}" (one brace), or -1 + err naming the
 * unknown placeholder or the unmatched brace. *len: the chars it takes. */
static int brace_at(const char *p, size_t *len, char *err, size_t errlen)
{
    const char *close;

    *len = 2;
    if (p[0] == p[1])
        return LITERAL;
    if (*p == '}') {
        fail(err, errlen, "exec template: unmatched '}' (write }} for a "
             "literal brace)");
        return -1;
    }
    for (int k = 0; k < NKEYS; k++) {
        *len = strlen(keys[k]);
        if (strncmp(p, keys[k], *len) == 0)
            return k;
    }
    close = strpbrk(p + 1, "{}");
    if (close && *close == '}')
        fail(err, errlen, "exec template: unknown placeholder '%.*s' (known: "
             "{name}, {addr}, {id}; {{ and }} for literal braces)",
             (int)(close - p + 1), p);
    else
        fail(err, errlen, "exec template: unmatched '{' in '%s' (write {{ "
             "for a literal brace)", p);
    return -1;
}

int xg_exectpl_check(const char *tpl, char *err, size_t errlen)
{
    char **words;
    int n, rc = 0;

    if (xg_exectpl_is_local(tpl))
        return 0;
    words = xg_exectpl_split(tpl, &n, err, errlen);
    if (!words)
        return -1;
    for (int i = 0; i < n && rc == 0; i++)
        for (const char *p = words[i]; *p; p++) {
            size_t len;
            if (*p != '{' && *p != '}')
                continue;
            if (brace_at(p, &len, err, errlen) < 0) {
                rc = -1;
                break;
            }
            p += len - 1;
        }
    xg_argv_free(words);
    return rc;
}

/* Replaces {name}, {addr} and {id} in word, {{ and }} by one brace; NULL +
 * err when a value is missing, on a bad brace or on ENOMEM. */
static char *substitute(const char *word, const xg_exec_vars *v, char *err,
                        size_t errlen)
{
    const char *vals[] = {v->name, v->addr, v->id};
    sbuf b = {0};
    const char *p = word;
    char *out;

    while (*p) {
        size_t len;
        int k;

        if (*p != '{' && *p != '}') {
            sb_addc(&b, *p++);
            continue;
        }
        k = brace_at(p, &len, err, errlen);
        if (k >= 0 && k < NKEYS && !vals[k])
            fail(err, errlen, "exec template uses %s but domain '%s' has "
                 "none", keys[k], v->name ? v->name : "?");
        if (k < 0 || (k < NKEYS && !vals[k])) {
            free(b.s);
            return NULL;
        }
        if (k == LITERAL)
            sb_addc(&b, *p);
        else
            sb_addn(&b, vals[k], strlen(vals[k]));
        p += len;
    }
    out = sb_take(&b);
    if (!out)
        return fail(err, errlen, "exec template: out of memory");
    return out;
}

char **xg_exectpl_build(char *const *tpl, int ntpl, const xg_exec_vars *v,
                        char *const *cmd, int ncmd, char *err, size_t errlen)
{
    char **argv = NULL;
    int n = 0;

    for (int i = 0; i < ntpl + ncmd; i++) {
        char *w = i < ntpl ? substitute(tpl[i], v, err, errlen)
                           : strdup(cmd[i - ntpl]);
        if (i < ntpl && !w) {
            xg_argv_free(argv);
            return NULL;
        }
        if (argv_push(&argv, &n, w) < 0) {
            xg_argv_free(argv);
            return fail(err, errlen, "exec template: out of memory");
        }
    }
    if (!argv)
        return fail(err, errlen, "exec template: no words");
    return argv;
}

int xg_exectpl_is_local(const char *tpl)
{
    size_t n;

    while (is_blank(*tpl))
        tpl++;
    n = strlen(tpl);
    while (n > 0 && is_blank(tpl[n - 1]))
        n--;
    return n == 5 && strncmp(tpl, "local", 5) == 0;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n;
    unsigned min, cp;

    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xe0) == 0xc0)
        n = 2, min = 0x80, cp = s[0] & 0x1f;
    else if ((s[0] & 0xf0) == 0xe0)
        n = 3, min = 0x800, cp = s[0] & 0x0f;
    else if ((s[0] & 0xf8) == 0xf0)
        n = 4, min = 0x10000, cp = s[0] & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

char *xg_argv_json(char *const *argv)
{
    sbuf b = {0};

    sb_addc(&b, '[');
    for (size_t i = 0; argv && argv[i]; i++) {
        const unsigned char *s = (const unsigned char *)argv[i];

        sb_addn(&b, i ? ",\"" : "\"", i ? 2 : 1);
        while (*s) {
            size_t l = utf8_len(s);
            char esc[8];

            if (*s == '"' || *s == '\\') {
                esc[0] = '\\';
                esc[1] = (char)*s;
                sb_addn(&b, esc, 2);
            } else if (*s < 0x20) {
                snprintf(esc, sizeof(esc), "\\u%04x", *s);
                sb_addn(&b, esc, 6);
            } else if (l == 0) {
                sb_addn(&b, "\\ufffd", 6); /* keep the JSON valid */
                l = 1;
            } else {
                sb_addn(&b, (const char *)s, l);
            }
            s += l;
        }
        sb_addc(&b, '"');
    }
    sb_addc(&b, ']');
    return sb_take(&b);
}
