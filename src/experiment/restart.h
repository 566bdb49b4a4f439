/* restart.h — a watched domain that vanished and came back inside the window
 * (a VM restarted with the same uuid, `xl reboot`, a container's cgroup made
 * again): it is watched again as a new row of its own, so nothing after the
 * restart is lost and no counter runs on across two lives. */
#ifndef XG_RESTART_H
#define XG_RESTART_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "collect/collector.h"

/* ctx->gone[i] of a domain whose restart is watched in a row of its own. */
#define XG_GONE_RESTARTED 2

/* Whether a watched domain vanished after it had been sampled and has not
 * been seen again: only then is it worth listing domains to find it. */
bool xg_restart_pending(const xg_ctx *ctx);

/* The index in ctx->doms of the vanished domain that d is a new life of:
 * same platform key (or, by_name, same name: a vmfile names domains), and a
 * different platform id (domid, pid, cgroup inode; both known, so a dying
 * domain still listed is not taken for its restart). -1 when none. */
ssize_t xg_restart_of(const xg_ctx *ctx, const xg_domain_info *d,
                      bool by_name);

/* The store key of a new life of key: "key#2", "#3"... the first one not in
 * the store. 0, or -1 when buf is too small. */
int xg_restart_key(const xg_store *s, const char *key, char *buf,
                   size_t len);

#endif
