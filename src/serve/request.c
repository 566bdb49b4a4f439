/* request.c — routes, --auth-file and --listen for `serve` (request.h).
 * HTTP itself is libmicrohttpd's: nothing here parses a request; these
 * decide what the already parsed method, path and credentials get. */
#include "serve/request.h"

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

/* Whether url's path (up to '?') is exactly path. */
static bool path_is(const char *url, const char *path)
{
    size_t n = strlen(path);

    return !strncmp(url, path, n) && (url[n] == '\0' || url[n] == '?');
}

xg_route xg_serve_route(const char *method, const char *url)
{
    if (!method || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0))
        return XG_ROUTE_BADMETHOD;
    if (!url)
        return XG_ROUTE_NOTFOUND;
    if (path_is(url, "/metrics"))
        return XG_ROUTE_METRICS;
    if (path_is(url, "/"))
        return XG_ROUTE_INDEX;
    return XG_ROUTE_NOTFOUND;
}

/* The q of the media range starting at p (up to ',' or the end): 1 when
 * not given. */
static double q_of(const char *p)
{
    const char *end = strchr(p, ',');
    const char *q = strstr(p, ";q=");

    if (!q || (end && q > end))
        q = strstr(p, "; q=");
    if (!q || (end && q > end))
        return 1;
    return strtod(strchr(q, '=') + 1, NULL);
}

bool xg_serve_wants_om(const char *accept)
{
    const char *om = accept ? strstr(accept, "application/openmetrics-text")
                            : NULL;
    const char *prom = accept ? strstr(accept, "text/plain") : NULL;
    double qo, qp;

    if (!om)
        return false;
    qo = q_of(om);
    qp = prom ? q_of(prom) : 0;
    return qo > 0 && (qo > qp || (qo == qp && om < prom));
}

void xg_auth_free(xg_auth *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].user);
        if (a->v[i].pass) /* no password left in freed memory */
            explicit_bzero(a->v[i].pass, strlen(a->v[i].pass));
        free(a->v[i].pass);
    }
    free(a->v);
    memset(a, 0, sizeof(*a));
}

/* Adds the line [p, e) ("user:password") as a user. */
static int add_user(xg_auth *a, const char *p, const char *e,
                    const char *what, unsigned line, char *err,
                    size_t errlen)
{
    const char *colon = memchr(p, ':', (size_t)(e - p));
    xg_auth_user *nv;

    if (!colon || colon == p) {
        snprintf(err, errlen, "%s:%u: not user:password", what, line);
        return -1;
    }
    nv = realloc(a->v, (a->n + 1) * sizeof(*nv));
    if (!nv)
        goto oom;
    a->v = nv;
    nv[a->n].user = strndup(p, (size_t)(colon - p));
    nv[a->n].pass = strndup(colon + 1, (size_t)(e - colon - 1));
    a->n++;
    if (!nv[a->n - 1].user || !nv[a->n - 1].pass)
        goto oom;
    return 0;
oom:
    snprintf(err, errlen, "%s: out of memory", what);
    return -1;
}

int xg_auth_parse(const char *what, const char *text, size_t len,
                  xg_auth *a, char *err, size_t errlen)
{
    const char *p = text, *end = text + len;
    unsigned line = 0;

    memset(a, 0, sizeof(*a));
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "%s: a NUL byte: not a text file", what);
        return -1;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line++;
        if (e > p && e[-1] == '\r')
            e--;
        if (e > p && *p != '#' &&
            add_user(a, p, e, what, line, err, errlen) < 0) {
            xg_auth_free(a);
            return -1;
        }
        p = nl ? nl + 1 : end;
    }
    if (a->n == 0) {
        snprintf(err, errlen, "%s: no user:password line", what);
        return -1;
    }
    return 0;
}

int xg_auth_load(const char *path, xg_auth *a, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    xg_sb sb = XG_SB_INIT;
    char buf[4096];
    size_t n;
    int rc;

    if (!f) {
        snprintf(err, errlen, "--auth-file %s: %s", path, strerror(errno));
        return -1;
    }
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len < (1u << 20))
        xg_sb_add(&sb, buf, n);
    rc = ferror(f) || sb.oom ? -1 : 0;
    fclose(f);
    explicit_bzero(buf, sizeof(buf));
    if (rc < 0)
        snprintf(err, errlen, "--auth-file %s: cannot read it", path);
    else
        rc = xg_auth_parse(path, sb.s ? sb.s : "", sb.len, a, err, errlen);
    if (sb.s)
        explicit_bzero(sb.s, sb.len);
    xg_sb_free(&sb);
    return rc;
}

/* 0 when a and b are equal; the time depends on their lengths only. */
static unsigned ct_diff(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), n = la > lb ? la : lb;
    unsigned d = la != lb;

    for (size_t i = 0; i < n; i++)
        d |= (unsigned char)(i < la ? a[i] : 0) ^
             (unsigned char)(i < lb ? b[i] : 0);
    return d;
}

bool xg_auth_check(const xg_auth *a, const char *user, const char *pass)
{
    unsigned ok = 0;

    if (!user || !pass)
        return false;
    for (size_t i = 0; i < a->n; i++) /* every line: no early exit */
        ok |= (ct_diff(a->v[i].user, user) | ct_diff(a->v[i].pass, pass))
                  == 0;
    return ok != 0;
}

/* Splits spec into host and port (brackets around an IPv6 host). */
static int split(const char *spec, char *host, size_t hlen, const char **port)
{
    const char *colon, *h = spec, *he;

    if (spec[0] == '[') {
        he = strchr(spec, ']');
        if (!he || he[1] != ':')
            return -1;
        h = spec + 1;
        colon = he + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon || memchr(spec, ':', (size_t)(colon - spec)))
            return -1; /* none, or an IPv6 address without brackets */
        he = colon;
    }
    if (he == h || (size_t)(he - h) >= hlen)
        return -1;
    memcpy(host, h, (size_t)(he - h));
    host[he - h] = '\0';
    *port = colon + 1;
    return 0;
}

static bool port_ok(const char *p)
{
    long v = 0;

    if (!*p || strlen(p) > 5)
        return false;
    for (const char *q = p; *q; q++) {
        if (*q < '0' || *q > '9')
            return false;
        v = v * 10 + (*q - '0');
    }
    return v >= 1 && v <= 65535;
}

int xg_listen_parse(const char *spec, struct sockaddr_storage *sa,
                    socklen_t *len, char *err, size_t errlen)
{
    struct addrinfo hints = {0}, *res = NULL;
    char host[256];
    const char *port;
    int rc;

    if (split(spec, host, sizeof(host), &port) < 0 || !port_ok(port)) {
        snprintf(err, errlen, "--listen '%s': not ADDR:PORT (e.g. "
                 "127.0.0.1:9177, [::1]:9177; PORT 1-65535)", spec);
        return -1;
    }
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || !res || res->ai_addrlen > sizeof(*sa)) {
        snprintf(err, errlen, "--listen '%s': address '%s': %s", spec, host,
                 rc ? gai_strerror(rc) : "unusable");
        if (res)
            freeaddrinfo(res);
        return -1;
    }
    memcpy(sa, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}
