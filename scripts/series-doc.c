/* series-doc.c — writes docs/series.md's catalogue table from the schema
 * (src/core/schema.c), between its marker lines, in place:
 *   series-doc FILE          rewrite FILE's table when it differs
 *   series-doc --check FILE  exit 1 when FILE's table differs
 * `ninja -C build series-doc` runs the first on docs/series.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schema.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    xg_sb sb = XG_SB_INIT;
    char buf[4096];
    size_t n;

    if (!f)
        return NULL;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        xg_sb_add(&sb, buf, n);
    if (ferror(f) || sb.oom) {
        fclose(f);
        xg_sb_free(&sb);
        return NULL;
    }
    fclose(f);
    return sb.s ? sb.s : calloc(1, 1);
}

static int write_whole(const char *path, const char *text)
{
    xg_sb tmp = XG_SB_INIT;
    FILE *f;
    int rc = -1;

    if (xg_sb_printf(&tmp, "%s.tmp", path) < 0)
        return -1;
    if ((f = fopen(xg_sb_str(&tmp), "wb"))) {
        size_t len = strlen(text);
        rc = fwrite(text, 1, len, f) == len ? 0 : -1;
        if (fclose(f) != 0)
            rc = -1;
        if (rc == 0)
            rc = rename(xg_sb_str(&tmp), path);
        if (rc != 0)
            remove(xg_sb_str(&tmp));
    }
    xg_sb_free(&tmp);
    return rc;
}

int main(int argc, char **argv)
{
    int check = argc == 3 && strcmp(argv[1], "--check") == 0;
    const char *path = argv[argc - 1];
    xg_sb out = XG_SB_INIT;
    char err[256], *doc;
    int rc = 0;

    if (argc != 2 + check) {
        fprintf(stderr, "usage: series-doc [--check] docs/series.md\n");
        return 2;
    }
    if (!(doc = slurp(path))) {
        fprintf(stderr, "series-doc: %s: %s\n", path, strerror(errno));
        return 2;
    }
    if (xg_schema_doc_splice(doc, &out, err, sizeof(err)) < 0) {
        fprintf(stderr, "series-doc: %s: %s\n", path, err);
        rc = 2;
    } else if (strcmp(doc, xg_sb_str(&out)) == 0) {
        printf("%s: the series table is up to date\n", path);
    } else if (check) {
        printf("%s: the series table differs from src/core/schema.c "
               "(ninja -C build series-doc rewrites it)\n", path);
        rc = 1;
    } else if (write_whole(path, xg_sb_str(&out)) < 0) {
        fprintf(stderr, "series-doc: %s: %s\n", path, strerror(errno));
        rc = 2;
    } else {
        printf("%s: the series table rewritten from src/core/schema.c\n",
               path);
    }
    xg_sb_free(&out);
    free(doc);
    return rc;
}
