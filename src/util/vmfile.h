/* vmfile.h — the --vmfile format: one domain a line, "NAME [ADDRESS]",
 * '#' comments and blank lines allowed. */
#ifndef XG_VMFILE_H
#define XG_VMFILE_H

#include <stddef.h>

typedef struct xg_vm_entry {
    char *name;
    char *address; /* NULL when the line has none */
    unsigned line; /* 1-based line number in the file */
} xg_vm_entry;

typedef struct xg_vmfile {
    xg_vm_entry *v;
    size_t n;
} xg_vmfile;

/* Reads and parses path. On error returns -1 and writes one line into err
 * naming the file and, where it applies, the line: "vms.txt:3: duplicate
 * name 'a' (first on line 1)". */
int xg_vmfile_load(const char *path, xg_vmfile *out, char *err, size_t errlen);
/* Parses text (len bytes, may hold NULs, which are an error); path is only
 * used in messages. */
int xg_vmfile_parse(const char *path, const char *text, size_t len,
                    xg_vmfile *out, char *err, size_t errlen);
void xg_vmfile_free(xg_vmfile *f);

#endif
