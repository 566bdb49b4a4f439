/* schema.h — every series xengatherer records, in one table: family,
 * metric, unit, kind (counter or gauge), which devices and domains have it,
 * and what it means.
 *
 * Why one table: a series is found by strings (family, device, metric) in
 * the store and in the recording, and the collectors, the report sections
 * and docs/series.md used to spell those strings each on their own. A typo
 * on either side was no error: the report just showed an empty column.
 * Here each series has an identifier (XG_S_CPU_USAGE...) that indexes
 * xg_schema[]: code names a series by its identifier, so a misspelt name
 * does not compile, and the strings and the unit come from the one row
 * (the collectors create their series with xg_schema_series, so the unit
 * written to the recording is the schema's). docs/series.md's catalogue is
 * generated from the same rows (xg_schema_markdown; `ninja -C build
 * series-doc` rewrites it) and test_schema fails when the checked-in table
 * is not what the schema says.
 *
 * Metrics named at run time (the --cache-events list) have one row per
 * family with XG_SF_DYNAMIC and metric "*": xg_schema_find gives a
 * metric's own row when there is one (task-clock: ns) and the family's
 * dynamic row otherwise. A recording may hold series this build does not
 * know (a newer writer): the reader loads them all, and xg_schema_unknown
 * names them so the report can say what it left out. */
#ifndef XG_SCHEMA_H
#define XG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store.h"
#include "util/strbuf.h"

/* How a series' values read: a cumulative counter (rates are its deltas
 * over time) or a gauge (the level at the tick). */
typedef enum xg_series_kind {
    XG_COUNTER,
    XG_GAUGE,
} xg_series_kind;

/* Which device names a series is stored under (bits of devices). */
enum {
    XG_DEV_WHOLE = 1u << 0, /* "": the whole domain */
    XG_DEV_VCPU = 1u << 1,  /* "vcpuN": one vCPU */
    XG_DEV_DISK = 1u << 2,  /* a block device's name */
    XG_DEV_ALL = 1u << 3,   /* "all": the host row's sum over whole disks */
    XG_DEV_IFACE = 1u << 4, /* a network interface's name */
    XG_DEV_MODE = 1u << 5,  /* "user", "kernel", "hv" (--nosumcache) */
};

/* flags */
enum {
    XG_SF_HOST = 1u << 0,    /* only the host row has it */
    XG_SF_DYNAMIC = 1u << 1, /* metric "*": named at run time */
};

typedef struct xg_series_def {
    const char *family;      /* "cpu", "disk", "hostdisk", "net"... */
    const char *metric;      /* "usage", "rd_bytes"; "*" when dynamic */
    const char *unit;        /* "ns", "bytes", "ios", "ms", "sectors"... */
    xg_series_kind kind;
    unsigned devices;        /* XG_DEV_* */
    unsigned flags;          /* XG_SF_* */
    const char *description; /* one line: what it is, who has it */
} xg_series_def;

/* One identifier per row of xg_schema[], in its order. */
typedef enum xg_sid {
    XG_S_CPU_USAGE,
    XG_S_CPU_USER,
    XG_S_CPU_SYSTEM,
    XG_S_CPU_WAIT,
    XG_S_CPU_STEAL,
    XG_S_CPU_THROTTLED,
    XG_S_CPU_TOTAL,
    XG_S_CPU_IOWAIT,
    XG_S_DISK_RD_BYTES,
    XG_S_DISK_WR_BYTES,
    XG_S_DISK_RD_IOS,
    XG_S_DISK_WR_IOS,
    XG_S_DISK_RD_TIME,
    XG_S_DISK_WR_TIME,
    XG_S_HOSTDISK_RD_IOS,
    XG_S_HOSTDISK_WR_IOS,
    XG_S_HOSTDISK_RD_SECTORS,
    XG_S_HOSTDISK_WR_SECTORS,
    XG_S_HOSTDISK_RD_TICKS,
    XG_S_HOSTDISK_WR_TICKS,
    XG_S_HOSTDISK_IO_TICKS,
    XG_S_HOSTDISK_RQ_TICKS,
    XG_S_NET_RX_BYTES,
    XG_S_NET_TX_BYTES,
    XG_S_NET_RX_PACKETS,
    XG_S_NET_TX_PACKETS,
    XG_S_NET_RX_DROPS,
    XG_S_NET_TX_DROPS,
    XG_S_NET_RX_ERRORS,
    XG_S_NET_TX_ERRORS,
    XG_S_CACHE_REFERENCES,
    XG_S_CACHE_MISSES,
    XG_S_CACHE_EVENT,        /* dynamic: a --cache-events event */
    XG_S_CACHE_TASK_CLOCK,
    XG_S_CACHE_CPU_CLOCK,
    XG_S_CACHE_TIME_ENABLED,
    XG_S_CACHE_TIME_RUNNING,
    XG_S_CMT_LLC_OCCUPANCY,
    XG_S_CMT_MBM_TOTAL,
    XG_S_CMT_MBM_LOCAL,
    XG_S_COUNT
} xg_sid;

extern const xg_series_def xg_schema[XG_S_COUNT];

/* The row of (family, metric): its own, else the family's dynamic row;
 * NULL when the schema does not know it. */
const xg_series_def *xg_schema_find(const char *family, const char *metric);
/* The identifier of a row of xg_schema[]. */
xg_sid xg_schema_id(const xg_series_def *def);
/* Whether device is a name the row is stored under (see XG_DEV_*). */
bool xg_schema_device_ok(const xg_series_def *def, const char *device);

/* The series id of domain dom on device (NULL for ""), created with the
 * row's family, metric and unit when new; id must not be dynamic. Index,
 * or -1 (ENOMEM, or a dynamic id). */
int64_t xg_schema_series(xg_store *s, uint32_t dom, xg_sid id,
                         const char *device);
/* The series metric of dynamic row dyn's family: its unit from
 * xg_schema_find (metric's own row when there is one). -1 on ENOMEM or
 * when dyn is not dynamic. */
int64_t xg_schema_series_named(xg_store *s, uint32_t dom, xg_sid dyn,
                               const char *device, const char *metric);

/* Appends "left out: family.metric, ..." (distinct, in recording order;
 * "family.metric (unit U)" when the schema knows it in another unit) for
 * the series of s the schema does not know, and nothing when it knows
 * them all. Returns how many distinct ones there were. */
size_t xg_schema_unknown(const xg_store *s, xg_sb *out);

/* docs/series.md's catalogue table, rendered from the schema (markdown,
 * ending in a newline). */
void xg_schema_markdown(xg_sb *out);
/* The lines that open and close the generated table in docs/series.md. */
#define XG_SCHEMA_DOC_BEGIN "<!-- series table: generated from src/core/schema.c -->"
#define XG_SCHEMA_DOC_END "<!-- end of series table -->"
/* doc with the text between the two marker lines replaced by
 * xg_schema_markdown's, into out. 0, or -1 + err (a marker missing). */
int xg_schema_doc_splice(const char *doc, xg_sb *out, char *err,
                         size_t errlen);

#endif
