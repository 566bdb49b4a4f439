/* fuzz_qmp.c — the QMP client on whatever a monitor socket sends: the input
 * is the byte stream from "QEMU" (greeting, the qmp_capabilities reply,
 * query-blockstats replies, events, garbage), fed through a socketpair and
 * then closed; the client connects, then asks for block stats until it
 * fails. Each device name and counter is checked on the way. */
#include "fuzz_common.h"

#include <sys/socket.h>
#include <unistd.h>

#include "platform/qemu/qmp.h"

static void on_blk(void *arg, const xg_qmp_blk *b)
{
    (void)arg;
    if (!b->device || !*b->device)
        abort(); /* entries without a name are skipped, never passed */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    int sv[2];
    xg_qmp *q;

    if (size > (128u << 10)) /* the whole input must fit the socket buffer */
        return 0;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    int big = 1 << 20;
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    for (size_t off = 0; off < size;) {
        ssize_t w = send(sv[1], data + off, size - off, MSG_NOSIGNAL);
        if (w <= 0)
            abort();
        off += (size_t)w;
    }
    shutdown(sv[1], SHUT_WR); /* EOF after the input, no waiting */
    q = xg_qmp_start(sv[0], 1000, err, sizeof(err));
    if (q) {
        for (int i = 0; i < 16 && xg_qmp_blockstats(q, on_blk, NULL) == 0; i++)
            ;
        xg_qmp_close(q);
    } else if (!err[0]) {
        abort();
    }
    close(sv[1]);
    return 0;
}
