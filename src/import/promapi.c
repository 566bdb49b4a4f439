/* promapi.c — reads a Prometheus server's figures through its HTTP API
 * (/api/v1/query_range) into a neutral list of series: metric name,
 * labels, and (time, value) points.
 *
 * Design, and why:
 * - Two halves. xg_pm_parse turns the JSON answer into the list and knows
 *   nothing of HTTP, so the unit tests and the fuzz harness feed it
 *   captured and hand-made answers; xg_pm_query_range is the HTTP part
 *   (libcurl) and hands the body to the parser. Neither knows the schema
 *   or the store: mapping names to series is fleet.c's.
 * - libcurl, not a hand-written HTTP client: redirects off, http and
 *   https only, a time limit and a size limit on the answer. The query
 *   goes as a POST form (Prometheus accepts it for query_range) with each
 *   field URL-encoded by libcurl, so a long --match needs no URL length
 *   and no shell ever sees the URL or the query.
 * - jansson parses the JSON. Values come as strings ("12.5", "NaN",
 *   "+Inf"); NaN and infinities are kept (the caller leaves them out), a
 *   string that is no number makes the answer malformed: Prometheus never
 *   sends one, so something else answered.
 * - Prometheus's own error answer (status "error", errorType, error) is
 *   given back as one line, as is an HTTP error status with no such
 *   answer. */
#include "import/promapi.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "util/strbuf.h"

#ifdef XG_HAVE_CURL
#include <curl/curl.h>
#endif

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!errlen)
        return;
    va_start(ap, fmt);
    n = vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= errlen)
        xg_mark_cut(err, errlen);
}

const char *xg_pm_label_get(const xg_pm_series *s, const char *name)
{
    for (size_t i = 0; i < s->n_labels; i++)
        if (strcmp(s->labels[i].name, name) == 0)
            return s->labels[i].value;
    return NULL;
}

static void series_free(xg_pm_series *s)
{
    free(s->metric);
    for (size_t i = 0; i < s->n_labels; i++) {
        free(s->labels[i].name);
        free(s->labels[i].value);
    }
    free(s->labels);
    free(s->pts);
}

void xg_pm_result_free(xg_pm_result *r)
{
    for (size_t i = 0; i < r->n; i++)
        series_free(&r->v[i]);
    free(r->v);
    memset(r, 0, sizeof(*r));
}

/* "NaN", "+Inf", "-Inf" or a decimal number, the whole string. */
static int parse_value(const char *s, double *v)
{
    char *end;

    if (!strcmp(s, "NaN")) {
        *v = NAN;
        return 0;
    }
    if (!strcmp(s, "+Inf") || !strcmp(s, "Inf")) {
        *v = INFINITY;
        return 0;
    }
    if (!strcmp(s, "-Inf")) {
        *v = -INFINITY;
        return 0;
    }
    errno = 0;
    *v = strtod(s, &end);
    /* strtod takes "nan", "inf", hex: Prometheus writes none of them */
    if (end == s || *end || strpbrk(s, "nNiIxX"))
        return -1;
    return 0; /* ERANGE: +-HUGE_VAL or 0, the caller judges */
}

static int parse_labels(json_t *m, xg_pm_series *s, size_t idx, char *err,
                        size_t errlen)
{
    const char *k;
    json_t *v;

    if (!json_is_object(m)) {
        seterr(err, errlen, "result %zu: \"metric\" is not an object", idx);
        return -1;
    }
    s->labels = calloc(json_object_size(m) + 1, sizeof(*s->labels));
    if (!s->labels)
        goto nomem;
    json_object_foreach(m, k, v) {
        if (!json_is_string(v)) {
            seterr(err, errlen, "result %zu: label '%s' is not a string",
                   idx, k);
            return -1;
        }
        if (!strcmp(k, "__name__")) {
            if (!(s->metric = strdup(json_string_value(v))))
                goto nomem;
            continue;
        }
        xg_pm_label *l = &s->labels[s->n_labels];
        if (!(l->name = strdup(k)) ||
            !(l->value = strdup(json_string_value(v)))) {
            free(l->name);
            goto nomem;
        }
        s->n_labels++;
    }
    return 0;
nomem:
    seterr(err, errlen, "out of memory");
    return -1;
}

static int parse_points(json_t *a, xg_pm_series *s, size_t idx, char *err,
                        size_t errlen)
{
    size_t i;
    json_t *p;

    if (!json_is_array(a)) {
        seterr(err, errlen, "result %zu: \"values\" is not an array", idx);
        return -1;
    }
    s->pts = malloc((json_array_size(a) + 1) * sizeof(*s->pts));
    if (!s->pts) {
        seterr(err, errlen, "out of memory");
        return -1;
    }
    json_array_foreach(a, i, p) {
        json_t *t = json_array_get(p, 0), *v = json_array_get(p, 1);
        xg_pm_point *pt = &s->pts[s->n_pts];
        if (json_array_size(p) != 2 || !json_is_number(t) ||
            !json_is_string(v)) {
            seterr(err, errlen, "result %zu, point %zu: not [time, "
                   "\"value\"]", idx, i);
            return -1;
        }
        pt->t = json_number_value(t);
        if (parse_value(json_string_value(v), &pt->v) < 0) {
            seterr(err, errlen, "result %zu, point %zu: value '%.40s' is "
                   "not a number", idx, i, json_string_value(v));
            return -1;
        }
        s->n_pts++;
    }
    return 0;
}

/* The "error" answer as one line. */
static void error_answer(json_t *root, char *err, size_t errlen)
{
    const char *type = json_string_value(json_object_get(root, "errorType"));
    const char *msg = json_string_value(json_object_get(root, "error"));

    seterr(err, errlen, "Prometheus said: %s%s%s", type ? type : "",
           type ? ": " : "", msg ? msg : "(no error message)");
}

static int parse_result(json_t *res, xg_pm_result *out, char *err,
                        size_t errlen)
{
    size_t i;
    json_t *e;

    out->v = calloc(json_array_size(res) + 1, sizeof(*out->v));
    if (!out->v) {
        seterr(err, errlen, "out of memory");
        return -1;
    }
    json_array_foreach(res, i, e) {
        xg_pm_series *s = &out->v[out->n];
        if (!json_is_object(e)) {
            seterr(err, errlen, "result %zu is not an object", i);
            return -1;
        }
        out->n++; /* freed with the rest from here on */
        json_t *one = json_object_get(e, "value"), *pts = one;
        if (one && !(pts = json_pack("[O]", one))) {
            seterr(err, errlen, "out of memory");
            return -1;
        }
        int rc = parse_labels(json_object_get(e, "metric"), s, i, err,
                              errlen);
        if (rc == 0)
            rc = parse_points(one ? pts : json_object_get(e, "values"), s, i,
                              err, errlen);
        if (one)
            json_decref(pts);
        if (rc < 0)
            return -1;
        if (!s->metric && !(s->metric = strdup(""))) { /* computed */
            seterr(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

static int parse_root(json_t *root, xg_pm_result *out, char *err,
                      size_t errlen)
{
    const char *status = json_string_value(json_object_get(root, "status"));
    json_t *data = json_object_get(root, "data"), *res;
    const char *type;

    if (!json_is_object(root) || !status) {
        seterr(err, errlen, "not a Prometheus API answer (no \"status\")");
        return -1;
    }
    if (strcmp(status, "success") != 0) {
        error_answer(root, err, errlen);
        return -1;
    }
    type = json_string_value(json_object_get(data, "resultType"));
    res = json_object_get(data, "result");
    if (!type || (strcmp(type, "matrix") && strcmp(type, "vector")) ||
        !json_is_array(res)) {
        seterr(err, errlen, "the answer is not a matrix or a vector "
               "(resultType %s)",
               type ? type : "missing");
        return -1;
    }
    return parse_result(res, out, err, errlen);
}

int xg_pm_parse(const char *json, size_t len, xg_pm_result *out, char *err,
                size_t errlen)
{
    json_error_t je;
    json_t *root;
    int rc;

    memset(out, 0, sizeof(*out));
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        seterr(err, errlen, "the answer is not JSON: line %d: %s", je.line,
               je.text);
        return -1;
    }
    rc = parse_root(root, out, err, errlen);
    json_decref(root);
    if (rc < 0)
        xg_pm_result_free(out);
    return rc;
}

#ifdef XG_HAVE_CURL

/* The answer is refused past this (a year of 1 s steps for 1000 series
 * would be far more: ask for less, or a larger --step). */
#define MAX_BODY ((size_t)1 << 30)

typedef struct body {
    xg_sb sb;
    bool too_big, nomem;
} body;

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    body *b = arg;
    size_t len = size * n;

    if (b->sb.len + len > MAX_BODY) {
        b->too_big = true;
        return 0;
    }
    if (xg_sb_add(&b->sb, p, len) < 0) {
        b->nomem = true;
        return 0;
    }
    return len;
}

bool xg_pm_have_http(void)
{
    return true;
}

/* The form: query=Q then the rest (numbers only), Q URL-encoded. */
static char *form(CURL *c, const char *query, const char *rest)
{
    char *q = curl_easy_escape(c, query, 0), *f = NULL;

    if (q)
        f = xg_strfmt("query=%s&%s", q, rest);
    curl_free(q);
    return f;
}

/* The endpoint: url without trailing slashes, then the API path. */
static char *endpoint(const char *url, const char *api)
{
    size_t n = strlen(url);

    while (n > 0 && url[n - 1] == '/')
        n--;
    return xg_strfmt("%.*s/api/v1/%s", (int)n, url, api);
}

static void setup(CURL *c, const char *ep, const char *f, body *b,
                  char *cerr)
{
    curl_easy_setopt(c, CURLOPT_URL, ep);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, f);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "xengatherer/" XG_VERSION);
}

/* The answer (any status: Prometheus's errors are JSON too) parsed; an
 * HTTP error without a Prometheus error in it said as the status. */
static int answer(const char *ep, long status, body *b, xg_pm_result *out,
                  char *err, size_t errlen)
{
    char e2[1024];

    if (xg_pm_parse(xg_sb_str(&b->sb), b->sb.len, out, e2,
                    sizeof(e2)) == 0) {
        if (status == 200)
            return 0;
        xg_pm_result_free(out);
        seterr(err, errlen, "%s: HTTP %ld", ep, status);
        return -1;
    }
    if (status != 200 && strncmp(e2, "Prometheus said", 15) != 0)
        seterr(err, errlen, "%s: HTTP %ld (%s)", ep, status, e2);
    else
        seterr(err, errlen, "%s: %s", ep, e2);
    return -1;
}

/* POSTs query and rest to url's API api, the answer into out. */
static int request(const char *url, const char *api, const char *query,
                   const char *rest, xg_pm_result *out, char *err,
                   size_t errlen)
{
    char cerr[CURL_ERROR_SIZE] = "";
    char *ep = endpoint(url, api), *f = NULL;
    body b = {0};
    long status = 0;
    int rc = -1;
    CURLcode cc;
    CURL *c;

    memset(out, 0, sizeof(*out));
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
        !(c = curl_easy_init())) {
        seterr(err, errlen, "%s: libcurl could not start", url);
        free(ep);
        return -1;
    }
    if (!ep || !rest || !(f = form(c, query, rest))) {
        seterr(err, errlen, "out of memory");
        goto out;
    }
    setup(c, ep, f, &b, cerr);
    cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (b.too_big)
        seterr(err, errlen, "%s: the answer is larger than %zu MiB (ask for "
               "a shorter window or a larger --step)", ep, MAX_BODY >> 20);
    else if (b.nomem)
        seterr(err, errlen, "out of memory");
    else if (cc != CURLE_OK)
        seterr(err, errlen, "%s: %s", ep, cerr[0] ? cerr
                                                  : curl_easy_strerror(cc));
    else
        rc = answer(ep, status, &b, out, err, errlen);
out:
    curl_easy_cleanup(c);
    xg_sb_free(&b.sb);
    free(f);
    free(ep);
    return rc;
}

int xg_pm_query_range(const char *url, const char *query, double start,
                      double end, double step, xg_pm_result *out, char *err,
                      size_t errlen)
{
    char *rest = xg_strfmt("start=%.3f&end=%.3f&step=%.3f", start, end, step);
    int rc = request(url, "query_range", query, rest, out, err, errlen);

    free(rest);
    return rc;
}

int xg_pm_query(const char *url, const char *query, double t,
                xg_pm_result *out, char *err, size_t errlen)
{
    char *rest = xg_strfmt("time=%.3f", t);
    int rc = request(url, "query", query, rest, out, err, errlen);

    free(rest);
    return rc;
}

#else /* no libcurl */

bool xg_pm_have_http(void)
{
    return false;
}

int xg_pm_query_range(const char *url, const char *query, double start,
                      double end, double step, xg_pm_result *out, char *err,
                      size_t errlen)
{
    (void)query, (void)start, (void)end, (void)step;
    memset(out, 0, sizeof(*out));
    seterr(err, errlen, "%s: built without libcurl", url);
    return -1;
}

int xg_pm_query(const char *url, const char *query, double t,
                xg_pm_result *out, char *err, size_t errlen)
{
    return xg_pm_query_range(url, query, t, t, 1, out, err, errlen);
}

#endif
