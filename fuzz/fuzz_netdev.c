/* fuzz_netdev.c — /proc/net/dev (the host row's, a network namespace's
 * through /proc/PID/net/dev) as the net collector and the cgroup platform
 * read it, and a tun descriptor's fdinfo as the qemu platform reads it. */
#include "fuzz_common.h"

#include "platform/netdev.h"
#include "platform/qemu/qemu_proc.h"

static void on_net(void *arg, const xg_net_counters *c)
{
    (void)arg;
    /* a name is one non-empty word, no ':' or '/', never lo */
    if (!c->device[0] || strlen(c->device) >= 32 ||
        strpbrk(c->device, " \t\n:/|") || strcmp(c->device, "lo") == 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fz_strdup(data, size);
    char name[32];

    if (!text)
        return 0;
    xg_netdev_each(text, "fuzz", on_net, NULL);
    if (qp_parse_fdinfo_iff(text, name, sizeof(name)) == 0 &&
        (!name[0] || strlen(name) >= sizeof(name) || strchr(name, '/') ||
         strpbrk(name, " \t\n") || strcmp(name, "..") == 0 ||
         strcmp(name, ".") == 0))
        abort();
    free(text);
    return 0;
}
