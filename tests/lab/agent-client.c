/* agent-client.c — runs one command in a lab guest through the agent on its
 * virtio-serial port (the QEMU chardev unix socket DIR/vmN.agent) and exits
 * with the command's exit status. Used by tests/lab/vm-exec; compiled by
 * tests/lab/build-images.sh (cc -O2 -o agent-client agent-client.c).
 *
 * Usage: agent-client [-t SECS] [-b SECS] SOCKET WORD...
 *   -t SECS  the command's time limit in the guest (default 600); the guest
 *            kills it after that and the client exits 124
 *   -b SECS  how long to wait for the socket and for the agent to take the
 *            request (default 30; a booting guest takes ~20 s under TCG)
 * Each WORD is single-quoted for the guest's sh (' becomes '\''), the words
 * are joined with spaces and sent base64-encoded, so no word is split,
 * expanded or cut at a newline. The guest protocol is in guest-init.sh.
 * Exit: the command's status; 124 on timeout; 255 when the agent could not
 * be reached or the connection ended early; 2 on bad usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "agent-client";

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(int rc, const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(rc);
}

struct buf {
    char *p;
    size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;

        while (cap < b->n + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p)
            die(255, "%s", "out of memory");
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void consume(struct buf *b, size_t n)
{
    memmove(b->p, b->p + n, b->n - n);
    b->n -= n;
    b->p[b->n] = '\0';
}

static void base64(struct buf *out, const unsigned char *s, size_t n)
{
    static const char t[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char q[4];

    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;

        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        q[0] = t[(v >> 18) & 63];
        q[1] = t[(v >> 12) & 63];
        q[2] = i + 1 < n ? t[(v >> 6) & 63] : '=';
        q[3] = i + 2 < n ? t[v & 63] : '=';
        put(out, q, 4);
    }
}

static void write_all(int fd, const char *s, size_t n, int rc_on_fail)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die(rc_on_fail, "write: %s", strerror(errno));
        s += w;
        n -= (size_t)w;
    }
}

static int connect_until(const char *path, double deadline)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    if (strlen(path) >= sizeof(sa.sun_path))
        die(2, "socket path too long: %s", path);
    strcpy(sa.sun_path, path);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0)
            die(255, "socket: %s", strerror(errno));
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
            return fd;
        int e = errno;

        close(fd);
        if ((e != ENOENT && e != ECONNREFUSED && e != EAGAIN) || now() >= deadline) {
            fprintf(stderr, "%s: cannot connect to %s: %s\n", prog, path, strerror(e));
            exit(255);
        }
        usleep(100 * 1000);
    }
}

static unsigned long parse_secs(const char *s, const char *opt)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);

    if (!*s || *end || v == 0 || v > 86400)
        die(2, "bad %s value (whole seconds, 1..86400)", opt);
    return v;
}

int main(int argc, char **argv)
{
    unsigned long tmo = 600, boot = 30;
    int opt;

    while ((opt = getopt(argc, argv, "+t:b:h")) != -1) {
        switch (opt) {
        case 't': tmo = parse_secs(optarg, "-t"); break;
        case 'b': boot = parse_secs(optarg, "-b"); break;
        default:
            fprintf(stderr, "usage: %s [-t SECS] [-b SECS] SOCKET WORD...\n", prog);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (argc - optind < 2) {
        fprintf(stderr, "usage: %s [-t SECS] [-b SECS] SOCKET WORD...\n", prog);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    const char *path = argv[optind++];

    /* the sh -c line: every word single-quoted */
    struct buf line = { 0 }, req = { 0 };

    for (int i = optind; i < argc; i++) {
        if (i > optind)
            put(&line, " ", 1);
        put(&line, "'", 1);
        for (const char *c = argv[i]; *c; c++) {
            if (*c == '\'')
                put(&line, "'\\''", 4);
            else
                put(&line, c, 1);
        }
        put(&line, "'", 1);
    }

    unsigned char rnd[8];
    char nonce[17];
    int ufd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

    if (ufd < 0 || read(ufd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd))
        die(255, "%s", "cannot read /dev/urandom");
    close(ufd);
    for (int i = 0; i < 8; i++)
        snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);

    char head[64];

    snprintf(head, sizeof(head), "XGREQ %s %lu ", nonce, tmo);
    put(&req, head, strlen(head));
    base64(&req, (const unsigned char *)line.p, line.n);
    put(&req, "\n", 1);

    char begin[32], end[32];

    snprintf(begin, sizeof(begin), "XGBEGIN %s\n", nonce);
    snprintf(end, sizeof(end), "\nXGEND %s ", nonce);
    size_t endlen = strlen(end);

    double t0 = now(), deadline = t0 + (double)boot;
    int fd = connect_until(path, deadline);

    write_all(fd, req.p, req.n, 255);

    struct buf in = { 0 };
    int started = 0;
    char chunk[65536];

    for (;;) {
        double left = deadline - now();

        if (left <= 0) {
            if (started) {
                fprintf(stderr, "%s: timed out after %lu s\n", prog, tmo);
                return 124;
            }
            fprintf(stderr, "%s: no answer from the agent on %s within %lu s\n",
                    prog, path, boot);
            return 255;
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, (int)(left * 1000) + 1);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            die(255, "poll: %s", strerror(errno));
        if (r == 0)
            continue;
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "%s: connection to %s closed %s (VM gone?)\n", prog, path,
                    started ? "before the command ended" : "before the agent answered");
            return 255;
        }
        put(&in, chunk, (size_t)n);
        if (!started) {
            char *b = memmem(in.p, in.n, begin, strlen(begin));

            if (!b) {
                /* keep only what may be the start of the marker */
                size_t keep = strlen(begin);

                if (in.n > keep)
                    consume(&in, in.n - keep);
                continue;
            }
            consume(&in, (size_t)(b - in.p) + strlen(begin));
            started = 1;
            deadline = now() + (double)tmo + 5.0;
        }
        char *e = memmem(in.p, in.n, end, endlen);

        if (e) {
            char *nl = memchr(e + endlen, '\n', in.n - (size_t)(e - in.p) - endlen);

            write_all(1, in.p, (size_t)(e - in.p), 1);
            if (!nl) {
                consume(&in, (size_t)(e - in.p));
                continue; /* status not complete yet */
            }
            return atoi(e + endlen) & 255;
        }
        /* all but a possible start of the end marker goes out now */
        if (in.n >= endlen) {
            size_t out = in.n - (endlen - 1);

            write_all(1, in.p, out, 1);
            consume(&in, out);
        }
    }
}
