/* fuzz_exectpl.c — the --exec template splitter, substitution and the argv
 * JSON. Input: TEMPLATE '\0' NAME '\0' ADDR '\0' ID '\0' CMD-WORD... (the
 * parts after the template are optional; a missing ADDR is NULL). */
#include "fuzz_common.h"

#include <jansson.h>

#include "util/exectpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fz_strdup(data, size), *parts[8] = {0}, err[256];
    size_t np = 0;
    char **tpl, **argv;
    int n;

    if (!buf)
        return 0;
    /* split at NULs into at most 8 parts */
    for (size_t i = 0; np < 8 && i <= size; np++) {
        parts[np] = buf + i;
        i += strlen(buf + i) + 1;
    }
    (void)xg_exectpl_is_local(parts[0]);
    tpl = xg_exectpl_split(parts[0], &n, err, sizeof(err));
    if (tpl) {
        xg_exec_vars v = {parts[1] ? parts[1] : "vm", parts[2],
                          parts[3] ? parts[3] : "7"};
        char *const *cmd = parts[4] ? &parts[4] : NULL;
        int ncmd = 0;
        while (cmd && ncmd < 4 && cmd[ncmd])
            ncmd++;
        if (n < 1 || tpl[n] != NULL)
            abort();
        argv = xg_exectpl_build(tpl, n, &v, cmd, ncmd, err, sizeof(err));
        if (argv) {
            int k = 0;
            while (argv[k])
                k++;
            if (k != n + ncmd) /* never more or fewer words */
                abort();
            char *js = xg_argv_json(argv);
            if (js) {
                /* the JSON is always valid and gives the words back */
                json_error_t je;
                json_t *j = json_loads(js, 0, &je);
                if (!j || !json_is_array(j) || (int)json_array_size(j) != k)
                    abort();
                json_decref(j);
                free(js);
            }
            xg_argv_free(argv);
        }
        xg_argv_free(tpl);
    }
    free(buf);
    return 0;
}
