/* server.h — `serve`'s HTTP side over libmicrohttpd: a snapshot of the
 * latest exposition that the sampler publishes and the scrapes copy, and
 * the daemon answering /metrics from it. */
#ifndef XG_SERVER_H
#define XG_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "serve/exposition.h"
#include "serve/request.h"
#include "util/strbuf.h"

/* What the sampler publishes and the scrapes read, under mu. */
typedef struct xg_snapshot {
    pthread_mutex_t mu;
    xg_sb text;           /* the domains' series at the last tick */
    xg_sb om_text;        /* the same in OpenMetrics, when have_om */
    bool want_om;         /* a scrape asked for OpenMetrics: render it */
    bool have_om;         /* om_text is of the last tick */
    int64_t mono_ns;      /* CLOCK_MONOTONIC of the last tick; 0 before */
    double stale_s;       /* older than this: domain series left out */
    uint64_t samples;     /* ticks taken */
    double sample_s;      /* CPU time the last tick took */
    size_t domains;       /* domains (host row too) with a value at it */
    size_t late;          /* watched domains without one */
    uint64_t sessions;    /* session restarts (memory bound) */
    /* kept by the scrapes */
    uint64_t scrapes, stale_scrapes;
    double scrape_sum_s;
    const char *host;     /* the host label of the tool's own metrics */
} xg_snapshot;

typedef struct xg_server_conf {
    const char *listen;   /* ADDR:PORT */
    const char *tls_cert, *tls_key, *auth_file; /* NULL: none */
    unsigned threads;     /* libmicrohttpd's thread pool */
} xg_server_conf;

typedef struct xg_server xg_server;

/* Checks the inputs (address, files) and binds the address, before
 * anything else starts: -1 + one line naming the bad input. */
xg_server *xg_server_prepare(const xg_server_conf *c, xg_snapshot *snap,
                             char *err, size_t errlen);
/* Starts answering (threads). 0, or -1 + err. */
int xg_server_start(xg_server *s, char *err, size_t errlen);
/* Stops answering and frees s (NULL: nothing). */
void xg_server_free(xg_server *s);

/* Appends the tool's own metrics (HELP/TYPE, values) then, when fresh,
 * the snapshot's text: the body of one scrape (snapshot.c), in fmt
 * (XG_EXPO_OM: the domains' series from om_text, have_om must be set;
 * "# EOF" at the end). Call with snap->mu held.
 * now_ns is CLOCK_MONOTONIC, cpu_s the process CPU time. 0, -1 ENOMEM. */
int xg_snapshot_body(xg_snapshot *snap, int64_t now_ns, double cpu_s,
                     xg_expo_fmt fmt, xg_sb *out);

#endif
