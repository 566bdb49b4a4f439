/* fuzz_qemu_proc.c — the qemu platform's /proc parsers on the same bytes:
 * a /proc/PID/cmdline image (NULs included), and, up to the first NUL,
 * /proc/PID/stat, schedstat, io and a thread's comm. */
#include "fuzz_common.h"

#include "platform/qemu/qemu_proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fz_strdup(data, size), key[512];
    qp_cmd c;
    qp_stat st;
    uint64_t a, b;

    if (!text)
        return 0;
    if (qp_parse_cmdline(text, size, &c) == 0) {
        /* every field is a terminated string */
        if (!memchr(c.name, '\0', sizeof(c.name)) ||
            !memchr(c.uuid, '\0', sizeof(c.uuid)) ||
            !memchr(c.qmp, '\0', sizeof(c.qmp)))
            abort();
        (void)qp_key(&c, 1234, 5678, key, sizeof(key));
    }
    (void)qp_is_qemu(text);
    (void)qp_parse_stat(text, &st);
    (void)qp_parse_schedstat(text, &a, &b);
    (void)qp_parse_io(text, &a, &b);
    (void)qp_vcpu_index(text);
    free(text);
    return 0;
}
