/* promapi.h — the Prometheus HTTP API's query_range, as a neutral list of
 * series: (metric name, labels, [(t, value)]). See promapi.c for why it is
 * split into a pure parser and an HTTP part. */
#ifndef XG_PROMAPI_H
#define XG_PROMAPI_H

#include <stdbool.h>
#include <stddef.h>

typedef struct xg_pm_label {
    char *name, *value;
} xg_pm_label;

typedef struct xg_pm_point {
    double t;            /* unix seconds, as Prometheus answered */
    double v;            /* the sample; NaN and +-Inf as answered */
} xg_pm_point;

typedef struct xg_pm_series {
    char *metric;        /* __name__; "" for a computed series */
    xg_pm_label *labels; /* the others, in the answer's order */
    size_t n_labels;
    xg_pm_point *pts;    /* in the answer's (time) order */
    size_t n_pts;
} xg_pm_series;

typedef struct xg_pm_result {
    xg_pm_series *v;
    size_t n;
} xg_pm_result;

/* At most this many steps in one query (Prometheus refuses more than
 * 11,000 points per series); fleet.c splits a longer window. */
#define XG_PM_MAX_STEPS 11000

/* Parses a query_range answer (a matrix; an instant query's vector is
 * taken too, each series one point) of len bytes of JSON (no NUL
 * needed) into out
 * (which it initialises). An answer with status "error" gives -1 and err
 * "Prometheus said: ERRORTYPE: ERROR"; a malformed one -1 and err saying
 * what is wrong; a value that is not a number is malformed. 0 on success. */
int xg_pm_parse(const char *json, size_t len, xg_pm_result *out, char *err,
                size_t errlen);

/* The value of label name in s, or NULL. */
const char *xg_pm_label_get(const xg_pm_series *s, const char *name);

void xg_pm_result_free(xg_pm_result *r);

/* Whether this build has the HTTP client (libcurl). */
bool xg_pm_have_http(void);

/* POSTs query, start, end and step (seconds) to URL/api/v1/query_range
 * and parses the answer into out. -1 and a one-line err naming the URL
 * and what went wrong (unreachable, HTTP status, Prometheus's error, a
 * malformed answer, built without libcurl). */
int xg_pm_query_range(const char *url, const char *query, double start,
                      double end, double step, xg_pm_result *out, char *err,
                      size_t errlen);
/* The same for an instant query (/api/v1/query) at time t. */
int xg_pm_query(const char *url, const char *query, double t,
                xg_pm_result *out, char *err, size_t errlen);

#endif
