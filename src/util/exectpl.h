/* exectpl.h — the --exec template: split once into argv words (no shell, no
 * expansion), then {name}, {addr} and {id} substituted inside single words
 * and the command's words appended; {{ and }} are literal braces. An
 * outside string never becomes more or fewer words than the template had. */
#ifndef XG_EXECTPL_H
#define XG_EXECTPL_H

#include <stddef.h>

typedef struct xg_exec_vars {
    const char *name;
    const char *addr; /* NULL when the domain has none */
    const char *id;
} xg_exec_vars;

/* Splits tpl into words on blanks; '...' and "..." group, backslash escapes
 * the next char outside single quotes. Nothing else is interpreted. Returns a
 * malloc'd NULL-terminated array (free with xg_argv_free) and its length in
 * *n; NULL + err on an unterminated quote or an empty template. */
char **xg_exectpl_split(const char *tpl, int *n, char *err, size_t errlen);

/* Checks a whole --exec template before anything starts: "local", or words
 * that split and whose braces are {name}, {addr}, {id}, or {{ and }} (one
 * literal brace). 0, or -1 + err naming the unknown placeholder or the
 * unmatched brace. */
int xg_exectpl_check(const char *tpl, char *err, size_t errlen);

/* Builds the argv for one domain: every word of tpl with its placeholders
 * replaced ({{ and }} by one brace), then cmd[0..ncmd). NULL + err when a
 * placeholder's value is missing (e.g. {addr} for a domain without an
 * address), on a brace xg_exectpl_check refuses, or on ENOMEM. */
char **xg_exectpl_build(char *const *tpl, int ntpl, const xg_exec_vars *v,
                        char *const *cmd, int ncmd, char *err, size_t errlen);

/* True when the template is the word "local" (run on the host inside the
 * domain, through the platform's attach). */
int xg_exectpl_is_local(const char *tpl);

/* The argv as a JSON array string, for the recording. malloc'd. */
char *xg_argv_json(char *const *argv);

void xg_argv_free(char **argv);

#endif
