/* fuzz_recording.c — the recording reader on arbitrary file bytes (seeded
 * with real recordings, so mutations land in SQLite pages of a valid one),
 * then the report on whatever it accepts. */
#include "fuzz_common.h"

#include <fcntl.h>

#include "fuzz_rec_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_rec_path();
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0)
        abort();
    for (size_t off = 0; off < size;) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0)
            abort();
        off += (size_t)w;
    }
    close(fd);
    fz_rec_read_report(path);
    return 0;
}
