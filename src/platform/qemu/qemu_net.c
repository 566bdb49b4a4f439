/* qemu_net.c — a qemu domain's network figures from its tap devices: the
 * process's descriptors that are /dev/net/tun name their interface in
 * <root>/proc/PID/fdinfo/N ("iff:"), whose counters are
 * <root>/sys/class/net/IFACE/statistics/ files, held open. A tap counts from
 * the host's side, so rx and tx are swapped into the guest's view. A QEMU
 * without a tap (user-mode networking, macvtap, none) has no figures; the
 * platform's note names it. The taps are found once, when the domain is
 * prepared: a tap added later is not seen, so a tap whose line shows late
 * is one whose statistics could not be read before and whose counts are
 * not from 0 (never from_zero). */
#include "platform/qemu/qemu_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/root.h"

#define QN_MAXTAP 8 /* taps of one process (multiqueue fds are one tap) */

/* The statistics files, in the guest's order: the guest receives what the
 * tap transmits. */
static const char *const stat_file[8] = {
    "tx_bytes", "rx_bytes", "tx_packets", "rx_packets",   /* guest rx, tx */
    "tx_dropped", "rx_dropped", "tx_errors", "rx_errors",
};

typedef struct qn_tap {
    char name[32];
    int fd[8];          /* by stat_file; -1 when absent */
} qn_tap;

struct qp_net {
    qn_tap tap[QN_MAXTAP];
    size_t n;
};

int qp_parse_fdinfo_iff(const char *text, char *name, size_t len)
{
    for (const char *p = text; p && *p;) {
        if (strncmp(p, "iff:", 4) == 0) {
            size_t n;
            p += 4;
            while (*p == ' ' || *p == '\t')
                p++;
            n = strcspn(p, " \t\n");
            if (n == 0 || n >= len || memchr(p, '/', n) ||
                (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.'))))
                return -1;
            memcpy(name, p, n);
            name[n] = '\0';
            return 0;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return -1;
}

/* The tap fd number fd of pid names, into name. 0, or -1 when fd is not a
 * /dev/net/tun descriptor with an interface. */
static int tap_of(pid_t pid, const char *fd, char *name, size_t len)
{
    char rel[320], path[4096], link[64], info[1024];
    ssize_t n;

    snprintf(rel, sizeof(rel), "/proc/%ld/fd/%s", (long)pid, fd);
    if (!xg_root_path(path, sizeof(path), rel) ||
        (n = readlink(path, link, sizeof(link) - 1)) < 0)
        return -1;
    link[n] = '\0';
    if (strcmp(link, "/dev/net/tun") != 0)
        return -1;
    snprintf(rel, sizeof(rel), "/proc/%ld/fdinfo/%s", (long)pid, fd);
    if (xg_read_text(rel, info, sizeof(info)) <= 0)
        return -1;
    return qp_parse_fdinfo_iff(info, name, len);
}

/* Holds the statistics files of tap name. */
static void tap_add(struct qp_net *q, const char *name)
{
    char rel[128];
    qn_tap *t;

    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->tap[i].name, name) == 0)
            return; /* another queue of the same tap */
    if (q->n == QN_MAXTAP)
        return;
    t = &q->tap[q->n];
    snprintf(t->name, sizeof(t->name), "%s", name);
    for (int k = 0; k < 8; k++) {
        snprintf(rel, sizeof(rel), "/sys/class/net/%s/statistics/%s", name,
                 stat_file[k]);
        t->fd[k] = xg_root_open(rel, O_RDONLY);
    }
    if (t->fd[0] < 0 || t->fd[1] < 0) { /* no byte counts: not worth it */
        for (int k = 0; k < 8; k++)
            if (t->fd[k] >= 0)
                close(t->fd[k]);
        return;
    }
    q->n++;
}

static int cmp_tap(const void *a, const void *b)
{
    return strcmp(((const qn_tap *)a)->name, ((const qn_tap *)b)->name);
}

struct qp_net *qp_taps_open(pid_t pid, char *why, size_t len)
{
    char rel[64], path[4096], name[32];
    struct qp_net *q;
    struct dirent *e;
    DIR *dp;

    snprintf(rel, sizeof(rel), "/proc/%ld/fd", (long)pid);
    if (!xg_root_path(path, sizeof(path), rel) || !(dp = opendir(path))) {
        snprintf(why, len, "cannot list its descriptors (%s%s)",
                 strerror(errno), errno == EACCES ? ": run as root" : "");
        return NULL;
    }
    if (!(q = calloc(1, sizeof(*q)))) {
        closedir(dp);
        snprintf(why, len, "out of memory");
        return NULL;
    }
    while ((e = readdir(dp)))
        if (e->d_name[0] >= '0' && e->d_name[0] <= '9' &&
            tap_of(pid, e->d_name, name, sizeof(name)) == 0)
            tap_add(q, name);
    closedir(dp);
    if (!q->n) {
        free(q);
        snprintf(why, len, "no tap device (user-mode networking, macvtap "
                 "or none)");
        return NULL;
    }
    qsort(q->tap, q->n, sizeof(q->tap[0]), cmp_tap); /* not readdir's order */
    return q;
}

void qp_taps_read(struct qp_net *q, xg_net_cb cb, void *arg)
{
    char b[32];

    for (size_t i = 0; i < q->n; i++) {
        const qn_tap *t = &q->tap[i];
        uint64_t v[8] = {0};
        bool have[8];
        for (int k = 0; k < 8; k++)
            have[k] = t->fd[k] >= 0 && xg_pread_text(t->fd[k], b,
                                                     sizeof(b)) > 0 &&
                      xg_parse_u64(b, &v[k]);
        if (!have[0] || !have[1])
            continue; /* the tap is gone: a gap */
        xg_net_counters c = {
            .device = t->name, .source = "tap",
            .rx_bytes = v[0], .tx_bytes = v[1],
            .rx_packets = v[2], .tx_packets = v[3],
            .have_drops = have[4] && have[5],
            .have_errors = have[6] && have[7],
            .rx_drops = v[4], .tx_drops = v[5],
            .rx_errors = v[6], .tx_errors = v[7],
            .from_zero = false, /* found at prepare: see above */
        };
        cb(arg, &c);
    }
}

void qp_taps_close(struct qp_net *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++)
        for (int k = 0; k < 8; k++)
            if (q->tap[i].fd[k] >= 0)
                close(q->tap[i].fd[k]);
    free(q);
}
