/* request.h — what `serve` decides about a request and its inputs, apart
 * from libmicrohttpd (which parses HTTP): the route of a method and URL,
 * the --auth-file's users and the check of a user's password, the
 * --listen address. Pure functions: the fuzz harness drives them. */
#ifndef XG_REQUEST_H
#define XG_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* What a request gets. */
typedef enum xg_route {
    XG_ROUTE_METRICS,   /* GET or HEAD /metrics: the exposition */
    XG_ROUTE_INDEX,     /* GET or HEAD /: a line pointing at /metrics */
    XG_ROUTE_NOTFOUND,  /* 404: another path */
    XG_ROUTE_BADMETHOD, /* 405: a method other than GET or HEAD */
} xg_route;

/* The route of method and url (the path, without a query string: what
 * follows '?' is ignored). NULLs give 404 / 405. */
xg_route xg_serve_route(const char *method, const char *url);

/* Whether an Accept header asks for OpenMetrics text
 * (application/openmetrics-text, not with q=0) before the Prometheus
 * text format; NULL: no. */
bool xg_serve_wants_om(const char *accept);

/* The users of an --auth-file: "user:password" lines ('#' comments and
 * blank lines skipped, a trailing '\r' dropped; the password is all after
 * the first ':'). */
typedef struct xg_auth_user { char *user, *pass; } xg_auth_user;
typedef struct xg_auth {
    xg_auth_user *v;
    size_t n;
} xg_auth;

/* Parses text (len bytes, NULs are an error) into a; what names the file
 * in err. 0, or -1 + one line (the line number and what is wrong). At
 * least one user. */
int xg_auth_parse(const char *what, const char *text, size_t len,
                  xg_auth *a, char *err, size_t errlen);
/* Reads and parses the file. 0, or -1 + err. */
int xg_auth_load(const char *path, xg_auth *a, char *err, size_t errlen);
void xg_auth_free(xg_auth *a);
/* Whether user and pass (NULL: none given) match a line. The comparison
 * takes the same time wherever the strings differ (every line is
 * compared, byte by byte to the longer's end). */
bool xg_auth_check(const xg_auth *a, const char *user, const char *pass);

/* Parses --listen ADDR:PORT ("127.0.0.1:9177", "[::1]:9177",
 * "0.0.0.0:9177", "localhost:9177"; PORT 1-65535) into sa. 0, or -1 + a
 * one-line err naming the value. */
int xg_listen_parse(const char *spec, struct sockaddr_storage *sa,
                    socklen_t *len, char *err, size_t errlen);

#endif
