/* fuzz_vmfile.c — the --vmfile parser on arbitrary bytes (NULs included). */
#include "fuzz_common.h"

#include "util/vmfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xg_vmfile f;
    char err[512];

    /* the length is passed, so the text need not be NUL-terminated: copy it
     * into a buffer of exactly size bytes to catch any read past the end */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    if (xg_vmfile_parse("fuzz.txt", text, size, &f, err, sizeof(err)) == 0) {
        for (size_t i = 0; i < f.n; i++)
            if (!f.v[i].name || !*f.v[i].name)
                abort(); /* every entry has a name */
        xg_vmfile_free(&f);
    } else if (!memchr(err, '\0', sizeof(err)) || !err[0]) {
        abort(); /* an error always says something */
    }
    free(text);
    return 0;
}
