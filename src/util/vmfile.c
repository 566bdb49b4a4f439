/* vmfile.c — reads and checks the --vmfile list of domains ("NAME [ADDRESS]"). */
#include "util/vmfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VM_MAX_LINE 4096
#define VM_MAX_FILE ((size_t)16 << 20)

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void xg_vmfile_free(xg_vmfile *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].name);
        free(f->v[i].address);
    }
    free(f->v);
    f->v = NULL;
    f->n = 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Copies the next blank-separated field of [*p, end) or returns NULL with
 * *p == end when there is none; *oom is set on allocation failure. */
static char *next_field(const char **p, const char *end, int *oom)
{
    const char *s = *p, *e;
    char *w;

    while (s < end && is_blank(*s))
        s++;
    for (e = s; e < end && !is_blank(*e); e++)
        ;
    *p = e;
    if (s == e)
        return NULL;
    w = strndup(s, (size_t)(e - s));
    if (!w)
        *oom = 1;
    return w;
}

/* Parses one line (no '\n', CR already stripped) into *e; 1 = entry,
 * 0 = nothing on it, -1 = error. */
static int parse_line(const char *path, unsigned ln, const char *s, size_t len,
                      xg_vm_entry *e, char *err, size_t errlen)
{
    const char *end, *p = s;
    char *extra;
    int oom = 0;

    if (len > VM_MAX_LINE)
        return fail(err, errlen, "%s:%u: line too long (more than %d bytes)",
                    path, ln, VM_MAX_LINE);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return fail(err, errlen,
                        "%s:%u: binary data (control byte 0x%02x)", path, ln, c);
    }
    end = memchr(s, '#', len);
    if (!end)
        end = s + len;
    e->line = ln;
    e->name = next_field(&p, end, &oom);
    e->address = next_field(&p, end, &oom);
    extra = next_field(&p, end, &oom);
    if (!oom && !extra) {
        if (e->name)
            return 1;
        free(e->address); /* NULL: no name is no field at all */
        return 0;
    }
    free(e->name);
    free(e->address);
    free(extra);
    if (oom)
        return fail(err, errlen, "%s: out of memory", path);
    return fail(err, errlen, "%s:%u: expected NAME [ADDRESS], found more fields",
                path, ln);
}

static int by_name_line(const void *a, const void *b)
{
    const xg_vm_entry *x = *(xg_vm_entry *const *)a;
    const xg_vm_entry *y = *(xg_vm_entry *const *)b;
    int c = strcmp(x->name, y->name);

    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Finds the earliest line repeating a name; -1 with err if there is one. */
static int check_dups(const char *path, const xg_vmfile *f, char *err,
                      size_t errlen)
{
    const xg_vm_entry **idx, *dup = NULL, *first = NULL;

    if (f->n < 2)
        return 0;
    /* an array of pointers to the entries, sorted: sizeof(*idx) is meant */
    idx = malloc(f->n * sizeof(*idx)); // NOLINT(bugprone-sizeof-expression)
    if (!idx)
        return fail(err, errlen, "%s: out of memory", path);
    for (size_t i = 0; i < f->n; i++)
        idx[i] = &f->v[i];
    qsort(idx, f->n, sizeof(*idx), by_name_line); // NOLINT(bugprone-sizeof-expression)
    for (size_t i = 0, g = 0; i < f->n; i++) {
        if (strcmp(idx[g]->name, idx[i]->name) != 0)
            g = i; /* idx[g] starts the run of this name */
        else if (i > g && (!dup || idx[i]->line < dup->line)) {
            dup = idx[i];
            first = idx[g];
        }
    }
    free(idx);
    if (!dup)
        return 0;
    return fail(err, errlen, "%s:%u: duplicate name '%s' (first on line %u)",
                path, dup->line, dup->name, first->line);
}

int xg_vmfile_parse(const char *path, const char *text, size_t len,
                    xg_vmfile *out, char *err, size_t errlen)
{
    xg_vmfile f = {NULL, 0};
    size_t cap = 0, pos = 0;
    unsigned ln = 0;

    out->v = NULL;
    out->n = 0;
    while (pos < len) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - s) : len - pos;
        xg_vm_entry e;
        int r;

        pos += l + (nl ? 1 : 0);
        ln++;
        if (l > 0 && s[l - 1] == '\r')
            l--;
        if (f.n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            xg_vm_entry *nv = realloc(f.v, ncap * sizeof(*nv));
            if (!nv) {
                xg_vmfile_free(&f);
                return fail(err, errlen, "%s: out of memory", path);
            }
            f.v = nv;
            cap = ncap;
        }
        r = parse_line(path, ln, s, l, &e, err, errlen);
        if (r < 0) {
            xg_vmfile_free(&f);
            return -1;
        }
        if (r > 0)
            f.v[f.n++] = e;
    }
    if (f.n == 0) {
        xg_vmfile_free(&f);
        return fail(err, errlen, "%s: no domains listed", path);
    }
    if (check_dups(path, &f, err, errlen) < 0) {
        xg_vmfile_free(&f);
        return -1;
    }
    *out = f;
    return 0;
}

int xg_vmfile_load(const char *path, xg_vmfile *out, char *err, size_t errlen)
{
    struct stat st;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int fd, r, e;

    out->v = NULL;
    out->n = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    e = fstat(fd, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (e) {
        close(fd);
        return fail(err, errlen, "%s: %s", path, strerror(e));
    }
    /* Read to EOF rather than trusting st_size, so pipes work too; one byte
     * more than the limit is enough to know the file is too large. */
    if (S_ISREG(st.st_mode) && (size_t)st.st_size > VM_MAX_FILE)
        len = VM_MAX_FILE + 1;
    while (len <= VM_MAX_FILE) {
        ssize_t got;

        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb;
            if (ncap > VM_MAX_FILE + 1)
                ncap = VM_MAX_FILE + 1;
            nb = realloc(buf, ncap);
            if (!nb) {
                r = fail(err, errlen, "%s: out of memory", path);
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            r = fail(err, errlen, "%s: %s", path, strerror(errno));
            goto out;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    if (len > VM_MAX_FILE)
        r = fail(err, errlen, "%s: file too large (more than 16 MiB)", path);
    else
        r = xg_vmfile_parse(path, buf, len, out, err, errlen);
out:
    free(buf);
    close(fd);
    return r;
}
