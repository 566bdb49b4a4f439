/* calc.h — window and per-interval arithmetic over a store's raw counters. */
#ifndef XG_CALC_H
#define XG_CALC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/schema.h"
#include "core/store.h"

/* The window is tick 0 .. n_ticks-1; interval k (1 <= k < n_ticks) is tick
 * k-1 .. k. Every delta goes through xg_counter_delta. */

typedef struct xg_win {
    bool ok;         /* at least two present values: delta and seconds mean something */
    uint64_t delta;  /* sum of deltas between consecutive present values */
    double seconds;  /* from the first to the last present value */
    uint64_t first;  /* first present value (XG_NOVALUE when none) */
} xg_win;

/* Seconds from tick 0 to tick t (CLOCK_MONOTONIC); 0 when unknown. */
double xg_calc_tick_s(const xg_store *s, uint32_t t);
/* Seconds from tick 0 to the last tick; 0 with fewer than two ticks. */
double xg_calc_window_s(const xg_store *s);
/* Seconds of interval k; 0 when k is not an interval. */
double xg_calc_interval_s(const xg_store *s, uint32_t k);

/* num / den, or NaN when den is not > 0 or either is not finite. */
double xg_calc_ratio(double num, double den);

/* The series over the whole window. */
void xg_calc_series(const xg_store *s, uint32_t series, xg_win *out);
/* The series' delta over interval k: false unless both ends are present. */
bool xg_calc_step(const xg_store *s, uint32_t series, uint32_t k,
                  uint64_t *delta);

/* Recorded series are named by their schema id (core/schema.h), so a
 * misspelt name does not compile; device stays a string ("" = the whole
 * domain). An id must not be a dynamic row (XG_S_CACHE_EVENT): a
 * --cache-events metric is named at run time, found with
 * xg_store_find_series. */

/* Whether the store's series x is of row id's family / is row id (its
 * family and metric; id not dynamic). */
bool xg_calc_of_family(const xg_series *x, xg_sid id);
bool xg_calc_is(const xg_series *x, xg_sid id);

/* The index of the domain's series id on device, or -1 when absent. */
int64_t xg_calc_series_of(const xg_store *s, uint32_t dom, xg_sid id,
                          const char *device);

/* The series id of the domain on device over the window; out->ok is false
 * when the series does not exist. */
void xg_calc_find(const xg_store *s, uint32_t dom, xg_sid id,
                  const char *device, xg_win *out);
/* Same, over interval k. */
bool xg_calc_find_step(const xg_store *s, uint32_t dom, xg_sid id,
                       const char *device, uint32_t k, uint64_t *delta);

/* Scoped forms: k = 0 is the window, k >= 1 interval k. They return the
 * delta as a double (NaN when not measured) and set *seconds to the time it
 * covers: the series' own first..last present values (window) or the
 * interval. The sum's window seconds are the domain's span instead, so a
 * device that vanishes early still counts against its domain's whole span. */
double xg_calc_delta_at(const xg_store *s, uint32_t dom, xg_sid id,
                        const char *device, uint32_t k, double *seconds);
double xg_calc_sum_at(const xg_store *s, uint32_t dom, xg_sid id, uint32_t k,
                      double *seconds);
/* The same by index, for fill functions that found their series once:
 * xg_calc_delta_at of series (-1: absent, NaN), and xg_calc_sum_at over the
 * n series ix of domain dom. */
double xg_calc_delta_idx(const xg_store *s, int64_t series, uint32_t k,
                         double *seconds);
double xg_calc_sum_idx(const xg_store *s, uint32_t dom, const uint32_t *ix,
                       uint32_t n, uint32_t k, double *seconds);

/* Sums of series id over every device of the domain: over the window (true
 * when at least one series had two present values) or over interval k
 * (true when at least one series had both ends present). */
bool xg_calc_sum(const xg_store *s, uint32_t dom, xg_sid id, uint64_t *sum);
bool xg_calc_sum_step(const xg_store *s, uint32_t dom, xg_sid id, uint32_t k,
                      uint64_t *sum);
/* Whether the domain has any series of this family; family must be one
 * the schema has (an assert: a misspelt family fails every test that
 * reaches it). */
bool xg_calc_has_family(const xg_store *s, uint32_t dom, const char *family);

/* The domain's span (first_tick .. last_tick) in seconds since tick 0.
 * false when the domain has no sample at all. */
bool xg_calc_span(const xg_store *s, uint32_t dom, double *start_s,
                  double *end_s);
/* "full" when the span is the whole window, "3.0-8.0" when shorter, "-"
 * when the domain has no sample. */
const char *xg_calc_span_text(const xg_store *s, uint32_t dom, char *buf,
                              size_t len);

/* Metadata as a number; false when missing or not a number. */
bool xg_calc_meta_u64(const xg_store *s, const char *key, uint64_t *out);
bool xg_calc_meta_double(const xg_store *s, const char *key, double *out);
/* Whether word is in the list (separated by any of seps). */
bool xg_calc_in_list(const char *list, const char *seps, const char *word);

#endif
