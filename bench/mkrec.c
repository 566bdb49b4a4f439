/* mkrec.c — writes a synthetic recording for the report benchmark: D
 * domains x T ticks with the cpu and disk series a cgroup run stores. */
#include <stdio.h>
#include <stdlib.h>

#include "recording/recording.h"
#include "core/store.h"

int main(int argc, char **argv)
{
    static const char *const cpu[] = {"usage", "user", "system", "wait"};
    static const char *const dsk[] = {"rd_bytes", "wr_bytes", "rd_ios",
                                      "wr_ios"};
    uint32_t nd, nt, d, t, k, *ser;
    char err[512], name[32], key[48];
    xg_store s;

    if (argc != 4) {
        fprintf(stderr, "usage: mkrec DOMAINS TICKS OUT.db\n");
        return 2;
    }
    nd = (uint32_t)atoi(argv[1]);
    nt = (uint32_t)atoi(argv[2]);
    ser = calloc((size_t)nd * 8, sizeof(*ser));
    xg_store_init(&s, nt);
    for (d = 0; d < nd; d++) {
        xg_domain_info di = {0};
        snprintf(name, sizeof(name), "d%u", d);
        snprintf(key, sizeof(key), "cgroup:bench/d%u", d);
        di.key = key;
        di.name = name;
        di.platform_id = 1000000 + d;
        di.first_tick = di.last_tick = -1;
        di.is_host = d == 0;
        xg_store_add_domain(&s, &di);
        for (k = 0; k < 4; k++) {
            ser[d * 8 + k] = (uint32_t)xg_store_series(&s, d, "cpu", "",
                                                      cpu[k], "ns");
            ser[d * 8 + 4 + k] = (uint32_t)xg_store_series(
                &s, d, "disk", "vda", dsk[k], k < 2 ? "bytes" : "ios");
        }
    }
    xg_store_meta_set(&s, "families", "cpu,disk");
    xg_store_meta_set(&s, "platform", "cgroup");
    xg_store_meta_set(&s, "interval_s", "1.000");
    for (t = 0; t < nt; t++) {
        xg_store_tick(&s, (int64_t)t * 1000000000 + 1, 1764000000000000000LL +
                                                        (int64_t)t * 1000000000);
        for (d = 0; d < nd; d++)
            for (k = 0; k < 8; k++)
                xg_store_put(&s, ser[d * 8 + k],
                             (uint64_t)t * (1000 + d + k * 7));
    }
    if (xg_recording_write(&s, argv[3], true, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    printf("%u domains x %u ticks x 8 series = %llu samples\n", nd, nt,
           (unsigned long long)nd * nt * 8);
    xg_store_free(&s);
    free(ser);
    return 0;
}
