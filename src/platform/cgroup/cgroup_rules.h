/* cgroup_rules.h — private to the cgroup platform: the record of the no-op
 * blkio throttle rules a run relies on, kept in <root>/run/xengatherer so
 * that the rules of a run that ended without removing them (killed,
 * crashed) are removed at the next start, and a rule another live run
 * relies on is left in place. */
#ifndef XG_CGROUP_RULES_H
#define XG_CGROUP_RULES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cg_rules cg_rules;

/* This run's record (nothing written yet). Removes first the rules listed
 * by runs that are no longer alive and that no live run relies on, saying
 * so in one line each. NULL on ENOMEM. */
cg_rules *cg_rules_open(void);
/* Whether the state directory exists (else no run has a record). */
bool cg_rules_any(const cg_rules *r);
/* Takes / gives back the lock every change of the rules is made under
 * (between runs). */
void cg_rules_lock(cg_rules *r);
void cg_rules_unlock(cg_rules *r);
/* Whether another live run lists rule maj:min of blkio dir dir (a
 * root-relative cgroup directory). Under the lock. */
bool cg_rules_listed(cg_rules *r, const char *dir, unsigned maj,
                     unsigned min);
/* Adds the rule to this run's record and saves it, before the rule is
 * written. 0, or -1 + err. Under the lock. */
int cg_rules_claim(cg_rules *r, const char *dir, unsigned maj, unsigned min,
                   char *err, size_t errlen);
/* Gives the rule back: removes it ("maj:min 0") unless another live run
 * lists it, and drops it from the record. Takes the lock. 0, or -1 when
 * the rule could not be removed (the cgroup is gone: nothing to do). */
int cg_rules_drop(cg_rules *r, const char *dir, unsigned maj, unsigned min);
/* How many rules this run wrote and how many it shares, so far. */
size_t cg_rules_written(const cg_rules *r);
/* Removes this run's record file and frees r. */
void cg_rules_close(cg_rules *r);

/* Writes "maj:min 0" into dir's read and write bps files: no rule. 0, or
 * -1 when either write failed. */
int cg_rules_remove(const char *dir, unsigned maj, unsigned min);

#endif
