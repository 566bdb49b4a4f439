/* fuzz_serve_request.c — what `serve` does with a request once
 * libmicrohttpd has parsed it, and with its --auth-file:
 * METHOD\0URL\0USER\0PASS\0AUTHFILE (USER also read as an Accept
 * header). The route must be /metrics only for
 * GET or HEAD of that path; a password accepted must be a line's exactly;
 * the URL escaped as a label value must hold no raw newline or unescaped
 * quote and unescape to itself. */
#include "fuzz_common.h"

#include <stdbool.h>

#include "serve/exposition.h"
#include "serve/request.h"

/* The next NUL-separated field of [*p, end), or "" past the end. */
static const char *field(const char **p, const char *end)
{
    const char *s = *p;

    if (s >= end)
        return "";
    *p = s + strlen(s) + 1;
    return s;
}

static void check_route(const char *method, const char *url)
{
    xg_route r = xg_serve_route(method, url);
    bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");

    if (r == XG_ROUTE_METRICS &&
        (!get || strncmp(url, "/metrics", 8) != 0 ||
         (url[8] != '\0' && url[8] != '?')))
        abort();
    if (!get && r != XG_ROUTE_BADMETHOD)
        abort();
}

static void check_auth(const char *text, size_t len, const char *user,
                       const char *pass)
{
    xg_auth a;
    char err[512];
    bool match = false;

    if (xg_auth_parse("fuzz", text, len, &a, err, sizeof(err)) < 0) {
        if (!err[0])
            abort(); /* an error always says something */
        return;
    }
    for (size_t i = 0; i < a.n; i++)
        match |= !strcmp(a.v[i].user, user) && !strcmp(a.v[i].pass, pass);
    if (xg_auth_check(&a, user, pass) != match)
        abort();
    xg_auth_free(&a);
}

/* The escaped value unescaped: equal to v, no raw newline. */
static void check_escape(const char *v)
{
    xg_sb sb = XG_SB_INIT;
    size_t j = 0;

    if (xg_expo_escape(v, &sb) < 0)
        return;
    for (size_t i = 0; i < sb.len; i++, j++) {
        char c = sb.s[i];
        if (c == '\n' || c == '"')
            abort();
        if (c == '\\') {
            c = sb.s[++i];
            c = c == 'n' ? '\n' : c;
        }
        if (c != v[j])
            abort();
    }
    if (v[j] != '\0')
        abort();
    xg_sb_free(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 5); /* NULs after: every field terminated */
    const char *p, *end, *method, *url, *user, *pass;

    if (!buf)
        return 0;
    if (size)
        memcpy(buf, data, size);
    memset(buf + size, 0, 5);
    p = buf;
    end = buf + size;
    method = field(&p, end);
    url = field(&p, end);
    user = field(&p, end);
    pass = field(&p, end);
    check_route(method, url);
    check_escape(url);
    (void)xg_serve_wants_om(user); /* an Accept header: no crash, no hang */
    if (p < end) /* the rest is the auth file, NULs and all */
        check_auth(p, (size_t)(end - p), user, pass);
    free(buf);
    return 0;
}
