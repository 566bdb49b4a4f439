/* test_exectpl.c — --exec template splitting, substitution and argv JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/exectpl.h"

static char err[256];

/* Asserts argv is exactly want[0..n) followed by NULL. */
static void argv_is(char *const *argv, const char *const *want, int n)
{
    assert_non_null(argv);
    for (int i = 0; i < n; i++) {
        if (!argv[i])
            fail_msg("argv has %d words, expected %d", i, n);
        assert_string_equal(argv[i], want[i]);
    }
    assert_null(argv[n]);
}

/* Splits tpl, builds for v with cmd and checks the result is want. */
static void build_is(const char *tpl, const xg_exec_vars *v,
                     char *const *cmd, int ncmd, const char *const *want,
                     int nwant)
{
    int n = -1;
    char **t = xg_exectpl_split(tpl, &n, err, sizeof(err));
    char **argv;

    assert_non_null(t);
    argv = xg_exectpl_build(t, n, v, cmd, ncmd, err, sizeof(err));
    argv_is(argv, want, nwant);
    xg_argv_free(argv);
    xg_argv_free(t);
}

static void default_template(void **state)
{
    static const char *const words[] = {"ssh", "-o", "BatchMode=yes",
                                        "root@{addr}"};
    static const char *const want[] = {"ssh", "-o", "BatchMode=yes",
                                       "root@10.0.0.1", "uptime"};
    xg_exec_vars v = {"web1", "10.0.0.1", "3"};
    char *cmd[] = {"uptime"};
    int n = -1;
    char **t;

    (void)state;
    t = xg_exectpl_split("ssh -o BatchMode=yes root@{addr}", &n, err,
                         sizeof(err));
    assert_int_equal(n, 4);
    argv_is(t, words, 4);
    xg_argv_free(t);
    build_is("ssh -o BatchMode=yes root@{addr}", &v, cmd, 1, want, 5);
}

static void hostile_names_stay_one_word(void **state)
{
    static const char *const names[] = {"a;rm -rf /", "$(reboot)", "x y",
                                        "`id`|&>/dev/null", "'\"\\", " "};
    char *cmd[] = {"true"};

    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        xg_exec_vars v = {names[i], "h", "1"};
        char at[64];
        const char *want[] = {"ssh", at, "echo", names[i], "true"};

        strcpy(at, "root@");
        strcat(at, names[i]);
        build_is("ssh root@{name} echo {name}", &v, cmd, 1, want, 5);
    }
}

static void values_are_not_rescanned(void **state)
{
    xg_exec_vars v = {"{addr}", NULL, "{name}"};
    const char *want[] = {"x{addr}y", "{name}"};

    (void)state;
    /* {addr} inside the name is data, so the missing address is no error */
    build_is("x{name}y {id}", &v, NULL, 0, want, 2);
}

static void quotes_in_template(void **state)
{
    static const char *const want[] = {
        "sh", "-c", "echo \"hi there\"; exit", "a \"b\" \\ c\\d", "x y",
        "", "", "abc de fg", "a\\b", "$HOME", "q'q",
    };
    int n = -1;
    char **t;

    (void)state;
    t = xg_exectpl_split("  sh\t-c 'echo \"hi there\"; exit' "
                         "\"a \\\"b\\\" \\\\ c\\d\" x\\ y '' \"\" "
                         "ab'c d'\"e f\"g 'a\\b' $HOME q\\'q  ",
                         &n, err, sizeof(err));
    assert_int_equal(n, 11);
    argv_is(t, want, 11);
    xg_argv_free(t);
}

static void placeholders_in_quotes(void **state)
{
    xg_exec_vars v = {"vm 1", "::1", "7"};
    const char *want[] = {"ssh", "-l", "root", "[::1]", "echo vm 1/7"};

    (void)state;
    build_is("ssh -l root '[{addr}]' \"echo {name}/{id}\"", &v, NULL, 0,
             want, 5);
}

static void split_errors(void **state)
{
    static const char *const bad[] = {"ssh 'root@{addr}", "ssh \"x",
                                      "ssh \"x\\\"", "a 'b\"", "", "   \t "};
    int n = 42;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        assert_null(xg_exectpl_split(bad[i], &n, err, sizeof(err)));
        assert_true(err[0] != '\0');
        if (i < 4)
            assert_non_null(strstr(err, "unterminated"));
    }
}

static void missing_placeholder_value(void **state)
{
    xg_exec_vars v = {"db", NULL, "2"};
    char **t, **argv;
    const char *want[] = {"ssh", "db"};
    int n;

    (void)state;
    t = xg_exectpl_split("ssh root@{addr}", &n, err, sizeof(err));
    assert_non_null(t);
    err[0] = '\0';
    argv = xg_exectpl_build(t, n, &v, NULL, 0, err, sizeof(err));
    assert_null(argv);
    assert_non_null(strstr(err, "{addr}"));
    xg_argv_free(t);
    /* no {addr} in the template: a missing address does not matter */
    build_is("ssh {name}", &v, NULL, 0, want, 2);
}

/* {{ and }} are one literal brace each; placeholders keep working next to
 * them. */
static void literal_braces(void **state)
{
    xg_exec_vars v = {"n", "a", "i"};
    const char *want[] = {"{foo}", "{", "{name}", "{n}", "}i{", "awk {print}"};

    (void)state;
    build_is("{{foo}} {{ {{name}} {{{name}}} }}{id}{{ 'awk {{print}}'", &v,
             NULL, 0, want, 6);
    assert_int_equal(xg_exectpl_check("{{foo}} {{ {{name}} {{{name}}} "
                                      "}}{id}{{ 'awk {{print}}'", err,
                                      sizeof(err)), 0);
}

/* A typo in the template is refused before anything starts: one line
 * naming the unknown placeholder or the unmatched brace. */
static void bad_braces_refused(void **state)
{
    static const struct { const char *tpl, *want; } bad[] = {
        {"{name", "unmatched '{' in '{name'"},
        {"ssh {bogus}", "unknown placeholder '{bogus}'"},
        {"ssh root@{Addr}", "unknown placeholder '{Addr}'"},
        {"ssh {}", "unknown placeholder '{}'"},
        {"ssh x}", "unmatched '}'"},
        {"ssh {a{name}", "unmatched '{' in '{a{name}'"},
        {"sh -c 'awk {print}'", "unknown placeholder '{print}'"},
        {"ssh 'x", "unterminated ' quote"},
        {"", "exec template is empty"},
    };
    xg_exec_vars v = {"n", "a", "i"};
    int n;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        assert_int_equal(xg_exectpl_check(bad[i].tpl, err, sizeof(err)), -1);
        if (!strstr(err, bad[i].want))
            fail_msg("'%s': error '%s' lacks '%s'", bad[i].tpl, err,
                     bad[i].want);
    }
    /* build refuses them too, should a template skip the check */
    char **t = xg_exectpl_split("ssh {bogus}", &n, err, sizeof(err));
    assert_non_null(t);
    err[0] = '\0';
    assert_null(xg_exectpl_build(t, n, &v, NULL, 0, err, sizeof(err)));
    assert_non_null(strstr(err, "{bogus}"));
    xg_argv_free(t);
    /* the good ones pass */
    assert_int_equal(xg_exectpl_check("local", err, sizeof(err)), 0);
    assert_int_equal(xg_exectpl_check("ssh -o BatchMode=yes root@{addr} "
                                      "echo {name} {id}", err, sizeof(err)),
                     0);
}

static void command_words_unchanged(void **state)
{
    xg_exec_vars v = {"vm", "10.0.0.2", "5"};
    char *cmd[] = {"sh", "-c", "echo {name} $HOME; x  y", "", "'q'"};
    const char *want[] = {"ssh", "root@10.0.0.2", "sh", "-c",
                          "echo {name} $HOME; x  y", "", "'q'"};

    (void)state;
    build_is("ssh root@{addr}", &v, cmd, 5, want, 7);
}

static void local_detection(void **state)
{
    (void)state;
    assert_true(xg_exectpl_is_local("local"));
    assert_true(xg_exectpl_is_local("  local\t"));
    assert_true(xg_exectpl_is_local("\nlocal\n"));
    assert_false(xg_exectpl_is_local("locals"));
    assert_false(xg_exectpl_is_local("local x"));
    assert_false(xg_exectpl_is_local("Local"));
    assert_false(xg_exectpl_is_local("'local'"));
    assert_false(xg_exectpl_is_local("loc"));
    assert_false(xg_exectpl_is_local(""));
}

static void argv_json(void **state)
{
    char *argv[] = {"a", "b\"c", "d\\e", "tab\there", "nl\n", "\x01\x1f",
                    "µ/日本", "$(x) {name}", NULL};
    char *empty[] = {NULL};
    char *bad[] = {"a\xff" "b", NULL};
    json_t *j;
    char *s;

    (void)state;
    s = xg_argv_json(argv);
    assert_non_null(s);
    assert_string_equal(s, "[\"a\",\"b\\\"c\",\"d\\\\e\",\"tab\\u0009here\","
                           "\"nl\\u000a\",\"\\u0001\\u001f\",\"µ/日本\","
                           "\"$(x) {name}\"]");
    /* and a JSON parser reads back the same strings */
    j = json_loads(s, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_array_size(j), 8);
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(json_string_value(json_array_get(j, i)), argv[i]);
    json_decref(j);
    free(s);

    s = xg_argv_json(empty);
    assert_string_equal(s, "[]");
    free(s);

    /* invalid UTF-8 must still give valid JSON */
    s = xg_argv_json(bad);
    j = json_loads(s, 0, NULL);
    assert_non_null(j);
    json_decref(j);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_template),
        cmocka_unit_test(hostile_names_stay_one_word),
        cmocka_unit_test(values_are_not_rescanned),
        cmocka_unit_test(quotes_in_template),
        cmocka_unit_test(placeholders_in_quotes),
        cmocka_unit_test(split_errors),
        cmocka_unit_test(missing_placeholder_value),
        cmocka_unit_test(literal_braces),
        cmocka_unit_test(bad_braces_refused),
        cmocka_unit_test(command_words_unchanged),
        cmocka_unit_test(local_detection),
        cmocka_unit_test(argv_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
