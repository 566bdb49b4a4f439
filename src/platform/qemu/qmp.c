/* qmp.c — the qemu platform's QMP client: a unix-socket connection with
 * bounded waits, a framer that cuts whole JSON objects out of the byte
 * stream (one per line, or pretty-printed over many), asynchronous events
 * skipped, replies parsed with jansson. */
#include "platform/qemu/qmp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define QMP_BUF0 (64u << 10)
#define QMP_BUFMAX (16u << 20)
#define QMP_MAXSKIP 1000 /* events (or other non-replies) before a reply */

struct xg_qmp {
    int fd;
    char *buf;         /* received bytes not yet consumed */
    size_t len, cap;
    size_t scan;       /* how far the framer has looked */
    int depth;         /* its state: brace depth, inside a string, escape */
    bool in_str, esc;
};

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* connect(2) that gives up after timeout_ms. 0, or -1 + errno. */
static int connect_timeout(int fd, const struct sockaddr_un *sa,
                           socklen_t salen, int timeout_ms)
{
    int64_t end = now_ms() + timeout_ms;
    int fl = fcntl(fd, F_GETFL), e = 0;
    socklen_t el = sizeof(e);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    for (;;) {
        if (connect(fd, (const struct sockaddr *)sa, salen) == 0)
            break;
        int64_t left = end - now_ms();
        if (errno == EINPROGRESS) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            int r = poll(&p, 1, left > 0 ? (int)left : 0);
            if (r == 0)
                errno = ETIMEDOUT;
            if (r <= 0 ||
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
                return -1;
            if (e) {
                errno = e;
                return -1;
            }
            break;
        }
        if (errno != EAGAIN && errno != EINTR)
            return -1;
        if (left <= 0) { /* the listener's backlog stayed full */
            errno = ETIMEDOUT;
            return -1;
        }
        poll(NULL, 0, left < 10 ? (int)left : 10);
    }
    return fcntl(fd, F_SETFL, fl);
}

xg_qmp *xg_qmp_connect(const char *path, int timeout_ms, char *err,
                       size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char alias[64];
    int fd, pfd = -1;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        /* too long for sun_path: reach it through an O_PATH descriptor */
        if ((pfd = open(path, O_PATH | O_CLOEXEC)) < 0) {
            snprintf(err, errlen, "QMP socket %s: %s", path,
                     strerror(errno));
            return NULL;
        }
        snprintf(alias, sizeof(alias), "/proc/self/fd/%d", pfd);
        path = alias;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect_timeout(fd, &sa, sizeof(sa), timeout_ms) < 0) {
        snprintf(err, errlen, "QMP socket %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        if (pfd >= 0)
            close(pfd);
        return NULL;
    }
    if (pfd >= 0)
        close(pfd);
    return xg_qmp_start(fd, timeout_ms, err, errlen);
}

void xg_qmp_close(xg_qmp *q)
{
    if (!q)
        return;
    if (q->fd >= 0)
        close(q->fd);
    free(q->buf);
    free(q);
}

/* Drops the first n buffered bytes (a message that was taken). */
static void consume(xg_qmp *q, size_t n)
{
    memmove(q->buf, q->buf + n, q->len - n);
    q->len -= n;
    q->scan = 0;
    q->depth = 0;
    q->in_str = q->esc = false;
}

/* Where the first whole top-level JSON object in the buffer ends (one past
 * its '}'): >0; 0 when more bytes are needed; -1 when the stream holds
 * something other than objects. */
static long frame(xg_qmp *q)
{
    for (; q->scan < q->len; q->scan++) {
        char c = q->buf[q->scan];
        if (q->depth == 0) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                continue;
            if (c != '{')
                return -1;
            q->depth = 1;
            continue;
        }
        if (q->in_str) {
            if (q->esc)
                q->esc = false;
            else if (c == '\\')
                q->esc = true;
            else if (c == '"')
                q->in_str = false;
        } else if (c == '"') {
            q->in_str = true;
        } else if (c == '{' || c == '[') {
            if (++q->depth > 10000)
                return -1;
        } else if (c == '}' || c == ']') {
            if (--q->depth == 0)
                return (long)++q->scan;
        }
    }
    return 0;
}

/* The next JSON object from the peer; NULL on EOF, timeout, error or
 * garbage. */
static json_t *next_msg(xg_qmp *q)
{
    for (;;) {
        long end = frame(q);
        if (end < 0)
            return NULL;
        if (end > 0) {
            json_error_t je;
            json_t *j = json_loadb(q->buf, (size_t)end, 0, &je);
            consume(q, (size_t)end);
            if (!j || !json_is_object(j)) {
                json_decref(j);
                return NULL;
            }
            return j;
        }
        if (q->len == q->cap) {
            char *nb;
            if (q->cap >= QMP_BUFMAX || !(nb = realloc(q->buf, q->cap * 2)))
                return NULL;
            q->buf = nb;
            q->cap *= 2;
        }
        ssize_t r = recv(q->fd, q->buf + q->len, q->cap - q->len, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return NULL; /* closed, or SO_RCVTIMEO ran out (EAGAIN) */
        q->len += (size_t)r;
    }
}

/* Sends a command and waits for its reply, skipping events. The reply
 * ({"return": ...}) or NULL (error reply, EOF, timeout, garbage). */
static json_t *command(xg_qmp *q, const char *cmd)
{
    size_t n = strlen(cmd), off = 0;

    while (off < n) {
        ssize_t w = send(q->fd, cmd + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return NULL;
        off += (size_t)w;
    }
    for (int i = 0; i < QMP_MAXSKIP; i++) {
        json_t *j = next_msg(q);
        if (!j)
            return NULL;
        bool ret = json_object_get(j, "return") != NULL;
        bool error = json_object_get(j, "error") != NULL;
        if (ret)
            return j;
        json_decref(j);
        if (error)
            return NULL;
        /* {"event": ...} or anything else that is not our reply */
    }
    return NULL;
}

xg_qmp *xg_qmp_start(int fd, int timeout_ms, char *err, size_t errlen)
{
    struct timeval tv = {.tv_sec = timeout_ms / 1000,
                         .tv_usec = (timeout_ms % 1000) * 1000};
    xg_qmp *q = calloc(1, sizeof(*q));
    json_t *j = NULL;

    if (!q || !(q->buf = malloc(QMP_BUF0))) {
        snprintf(err, errlen, "out of memory");
        free(q);
        close(fd);
        return NULL;
    }
    q->fd = fd;
    q->cap = QMP_BUF0;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
        snprintf(err, errlen, "QMP: setsockopt: %s", strerror(errno));
        goto fail;
    }
    j = next_msg(q);
    if (!j || !json_is_object(json_object_get(j, "QMP"))) {
        snprintf(err, errlen, "QMP: no greeting (is another client "
                 "connected, or is it not a QMP monitor?)");
        goto fail;
    }
    json_decref(j);
    if (!(j = command(q, "{\"execute\":\"qmp_capabilities\"}\n"))) {
        snprintf(err, errlen, "QMP: qmp_capabilities failed");
        goto fail;
    }
    json_decref(j);
    return q;
fail:
    json_decref(j);
    xg_qmp_close(q);
    return NULL;
}

static uint64_t stat_u64(const json_t *stats, const char *key)
{
    json_int_t v = json_integer_value(json_object_get(stats, key));

    return v > 0 ? (uint64_t)v : 0;
}

const char *xg_qmp_dev_name(const json_t *entry, char *buf, size_t len)
{
    const char *dev = json_string_value(json_object_get(entry, "device"));
    const char *qdev = json_string_value(json_object_get(entry, "qdev"));
    static const char *const pre[] = {"/machine/peripheral/",
                                      "/machine/peripheral-anon/"};

    const char *p = dev && *dev ? dev : qdev;
    size_t n;

    if (!p || !*p)
        return NULL;
    n = strlen(p);
    for (size_t i = 0; p == qdev && i < sizeof(pre) / sizeof(pre[0]); i++) {
        size_t pl = strlen(pre[i]);
        if (strncmp(qdev, pre[i], pl) == 0 && qdev[pl] && qdev[pl] != '/') {
            p = qdev + pl;
            n = strcspn(p, "/");
            break;
        }
    }
    if (n >= len)
        return NULL; /* never a cut name: another device's, maybe */
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

/* Room for any name xg_qmp_dev_name finds in entry. */
static size_t dev_name_room(const json_t *entry)
{
    return json_string_length(json_object_get(entry, "device")) +
           json_string_length(json_object_get(entry, "qdev")) + 1;
}

int xg_qmp_parse_blockstats(const json_t *reply, xg_qmp_blk_cb cb, void *arg)
{
    const json_t *list = json_object_get(reply, "return"), *e;
    char *name = NULL; /* sized to each entry's names: never cut */
    size_t i, cap = 0;
    int rc = 0;

    if (!json_is_array(list))
        return -1;
    json_array_foreach(list, i, e) {
        const json_t *st = json_object_get(e, "stats");
        size_t room = dev_name_room(e);
        xg_qmp_blk b;
        if (room > cap) {
            char *nn = realloc(name, room);
            if (!nn) {
                rc = -1; /* out of memory */
                break;
            }
            name = nn;
            cap = room;
        }
        if (!json_is_object(st) ||
            !(b.device = xg_qmp_dev_name(e, name, cap)))
            continue;
        b.rd_bytes = stat_u64(st, "rd_bytes");
        b.wr_bytes = stat_u64(st, "wr_bytes");
        b.rd_ops = stat_u64(st, "rd_operations");
        b.wr_ops = stat_u64(st, "wr_operations");
        b.rd_time_ns = stat_u64(st, "rd_total_time_ns");
        b.wr_time_ns = stat_u64(st, "wr_total_time_ns");
        cb(arg, &b);
    }
    free(name);
    return rc;
}

int xg_qmp_blockstats(xg_qmp *q, xg_qmp_blk_cb cb, void *arg)
{
    json_t *j;
    int rc;

    if (!q || q->fd < 0)
        return -1;
    if (!(j = command(q, "{\"execute\":\"query-blockstats\"}\n")))
        return -1;
    rc = xg_qmp_parse_blockstats(j, cb, arg);
    json_decref(j);
    return rc;
}

int xg_qmp_parse_version(const json_t *reply, char *buf, size_t len)
{
    const json_t *r = json_object_get(reply, "return");
    const json_t *q = json_object_get(r, "qemu");
    const char *pkg = json_string_value(json_object_get(r, "package"));
    json_t *ma = json_object_get(q, "major"), *mi = json_object_get(q, "minor"),
           *mc = json_object_get(q, "micro");
    int n;

    if (!json_is_integer(ma) || !json_is_integer(mi) || !json_is_integer(mc))
        return -1;
    while (pkg && *pkg == ' ')
        pkg++;
    n = snprintf(buf, len, "QEMU %lld.%lld.%lld%s%s%s",
                 (long long)json_integer_value(ma),
                 (long long)json_integer_value(mi),
                 (long long)json_integer_value(mc), pkg && *pkg ? " (" : "",
                 pkg && *pkg ? pkg : "", pkg && *pkg ? ")" : "");
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

int xg_qmp_version(xg_qmp *q, char *buf, size_t len)
{
    json_t *j;
    int rc;

    if (!q || q->fd < 0 ||
        !(j = command(q, "{\"execute\":\"query-version\"}\n")))
        return -1;
    rc = xg_qmp_parse_version(j, buf, len);
    json_decref(j);
    return rc;
}

int xg_qmp_memory(xg_qmp *q, uint64_t *bytes)
{
    json_t *j, *r;
    json_int_t base, plugged;

    if (!q || q->fd < 0 ||
        !(j = command(q, "{\"execute\":\"query-memory-size-summary\"}\n")))
        return -1;
    r = json_object_get(j, "return");
    base = json_integer_value(json_object_get(r, "base-memory"));
    plugged = json_integer_value(json_object_get(r, "plugged-memory"));
    json_decref(j);
    if (base <= 0)
        return -1;
    *bytes = (uint64_t)base + (plugged > 0 ? (uint64_t)plugged : 0);
    return 0;
}
