/* outfile.c — safe creation of output files (see outfile.h). */
#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

FILE *xg_out_create(const char *path, bool force, char *err, size_t errlen)
{
    int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
                (force ? O_TRUNC : O_EXCL);
    int fd = open(path, flags, 0640);
    FILE *f;

    if (fd < 0) {
        if (errno == EEXIST)
            snprintf(err, errlen, "%s: already exists (use --force to "
                     "overwrite)", path);
        else if (errno == ELOOP)
            snprintf(err, errlen, "%s: is a symbolic link (refused)", path);
        else
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    f = fdopen(fd, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}
