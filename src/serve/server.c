/* server.c — `xengatherer serve`'s HTTP side, over libmicrohttpd.
 *
 * Design, and why:
 * - The sampler (builtin-serve.c) samples at -i and publishes each tick's
 *   exposition text into an xg_snapshot; a scrape only copies that text
 *   under the snapshot's mutex. So a scrape never waits for a platform
 *   (a slow libvirt or QEMU monitor delays the sampler, not the answer),
 *   its cost is a copy whatever the number of domains, and any number of
 *   scrapes between two ticks see the same values. The copy is built
 *   into one malloc'd body (MHD_RESPMEM_MUST_FREE): a client that goes
 *   away mid-response costs MHD nothing but freeing it.
 * - A snapshot older than its bound (the sampler stuck) is not served as
 *   current: the domain series are left out, the tool's own metrics say
 *   the age, and xengatherer_scrapes_stale_total counts it.
 * - libmicrohttpd parses HTTP (never a hand-written parser); its thread
 *   pool serves concurrent scrapes; TLS is its GnuTLS support with the
 *   PEM files' contents; basic auth its own functions, the password
 *   compared in constant time (request.c).
 * - The listening socket is made and bound here, before the sampler
 *   starts, so a port in use or a bad address is one line and exit 2. */
#include "serve/server.h"

#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "serve/exposition.h"

#define PROM_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define OM_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"
#define REALM "xengatherer"

struct xg_server {
    xg_snapshot *snap;
    struct MHD_Daemon *d;
    int fd;
    char *cert, *key;
    xg_auth auth;
    bool have_auth;
    unsigned threads;
};

static int64_t mono_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status,
                                 const char *text, const char *allow)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "text/plain; charset=utf-8");
    if (allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_metrics(struct MHD_Connection *c, xg_snapshot *p)
{
    int64_t t0 = mono_now();
    double cpu = cpu_now();
    bool om = xg_serve_wants_om(MHD_lookup_connection_value(
        c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));
    struct MHD_Response *r;
    xg_sb body = XG_SB_INIT;
    enum MHD_Result ret;
    int rc;

    pthread_mutex_lock(&p->mu);
    /* OpenMetrics once the sampler renders it (from its next tick on):
     * till then the Prometheus text, said so by its Content-Type */
    p->want_om |= om;
    om = om && p->have_om;
    rc = xg_snapshot_body(p, t0, cpu, om ? XG_EXPO_OM : XG_EXPO_PROM,
                          &body);
    p->scrapes++;
    p->scrape_sum_s += (double)(mono_now() - t0) / 1e9;
    pthread_mutex_unlock(&p->mu);
    if (rc < 0 || !body.s) {
        xg_sb_free(&body);
        return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                         "out of memory\n", NULL);
    }
    r = MHD_create_response_from_buffer(body.len, body.s,
                                        MHD_RESPMEM_MUST_FREE);
    if (!r) {
        xg_sb_free(&body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            om ? OM_TYPE : PROM_TYPE);
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* Basic auth: true when not asked for or the credentials match. */
static bool authorised(xg_server *s, struct MHD_Connection *c)
{
    char *pass = NULL, *user;
    bool ok;

    if (!s->have_auth)
        return true;
    user = MHD_basic_auth_get_username_password(c, &pass);
    ok = xg_auth_check(&s->auth, user, pass);
    if (pass)
        explicit_bzero(pass, strlen(pass));
    MHD_free(user);
    MHD_free(pass);
    return ok;
}

static enum MHD_Result deny(struct MHD_Connection *c)
{
    static const char msg[] = "authentication required\n";
    struct MHD_Response *r = MHD_create_response_from_buffer(
        sizeof(msg) - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    if (!r)
        return MHD_NO;
    ret = MHD_queue_basic_auth_fail_response(c, REALM, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    xg_server *s = cls;

    (void)version, (void)upload, (void)con_cls;
    *upload_size = 0; /* a body is never read: the answer does not need it */
    if (!authorised(s, c))
        return deny(c);
    switch (xg_serve_route(method, url)) {
    case XG_ROUTE_METRICS:
        return send_metrics(c, s->snap);
    case XG_ROUTE_INDEX:
        return send_text(c, MHD_HTTP_OK,
                         "xengatherer serve: the metrics are at /metrics\n",
                         NULL);
    case XG_ROUTE_BADMETHOD:
        return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                         "method not allowed (GET or HEAD)\n", "GET, HEAD");
    default:
        return send_text(c, MHD_HTTP_NOT_FOUND,
                         "not found (the metrics are at /metrics)\n", NULL);
    }
}

/* A PEM file's contents (NUL-terminated), or NULL + err. */
static char *read_pem(const char *opt, const char *path, char *err,
                      size_t errlen)
{
    FILE *f = fopen(path, "r");
    xg_sb sb = XG_SB_INIT;
    char buf[4096];
    size_t n;

    if (!f) {
        snprintf(err, errlen, "%s %s: %s", opt, path, strerror(errno));
        return NULL;
    }
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len < (1u << 20))
        xg_sb_add(&sb, buf, n);
    if (ferror(f) || sb.oom || !sb.s || !strstr(sb.s, "-----BEGIN ")) {
        snprintf(err, errlen, "%s %s: %s", opt, path,
                 ferror(f) ? strerror(errno) : "not a PEM file");
        xg_sb_free(&sb);
        sb.s = NULL;
    }
    fclose(f);
    return sb.s;
}

/* The listening socket on spec, or -1 + err. */
static int bind_listen(const char *spec, char *err, size_t errlen)
{
    struct sockaddr_storage sa;
    socklen_t len;
    int fd, one = 1;

    if (xg_listen_parse(spec, &sa, &len, err, errlen) < 0)
        return -1;
    fd = socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "--listen %s: %s", spec, strerror(errno));
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (sa.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 128) < 0) {
        snprintf(err, errlen, "--listen %s: %s", spec, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

xg_server *xg_server_prepare(const xg_server_conf *c, xg_snapshot *snap,
                             char *err, size_t errlen)
{
    xg_server *s = calloc(1, sizeof(*s));

    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->snap = snap;
    s->fd = -1;
    s->threads = c->threads ? c->threads : 2;
    if (c->tls_cert && !MHD_is_feature_supported(MHD_FEATURE_TLS)) {
        snprintf(err, errlen, "--tls-cert: this libmicrohttpd has no TLS");
        goto fail;
    }
    if (c->tls_cert &&
        (!(s->cert = read_pem("--tls-cert", c->tls_cert, err, errlen)) ||
         !(s->key = read_pem("--tls-key", c->tls_key, err, errlen))))
        goto fail;
    if (c->auth_file) {
        if (xg_auth_load(c->auth_file, &s->auth, err, errlen) < 0)
            goto fail;
        s->have_auth = true;
    }
    if ((s->fd = bind_listen(c->listen, err, errlen)) < 0)
        goto fail;
    return s;
fail:
    xg_server_free(s);
    return NULL;
}

int xg_server_start(xg_server *s, char *err, size_t errlen)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;

    if (s->cert)
        flags |= MHD_USE_TLS;
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
        MHD_OPTION_LISTEN_SOCKET, s->fd,
        MHD_OPTION_THREAD_POOL_SIZE, s->threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
        s->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, s->cert,
        MHD_OPTION_HTTPS_MEM_KEY, s->key,
        MHD_OPTION_END);
    if (!s->d) {
        snprintf(err, errlen, "%s", s->cert
                 ? "--tls-cert/--tls-key: libmicrohttpd did not start with "
                   "them (a key that does not match the certificate?)"
                 : "libmicrohttpd did not start");
        return -1;
    }
    s->fd = -1; /* the daemon's now: it closes it */
    return 0;
}

void xg_server_free(xg_server *s)
{
    if (!s)
        return;
    if (s->d)
        MHD_stop_daemon(s->d);
    if (s->fd >= 0)
        close(s->fd);
    if (s->key)
        explicit_bzero(s->key, strlen(s->key));
    free(s->cert);
    free(s->key);
    xg_auth_free(&s->auth);
    free(s);
}
