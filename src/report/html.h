/* html.h — the pieces of the HTML report (render_html.c) that other HTML
 * pages reuse (the report of a repeated run, rep_html.c; compare): the
 * page shell with its CSS and JS, the header card, escaping and the
 * colours. Every string from a store goes through xg_html_escape (text
 * and attribute values) or xg_html_json_str (inside <script>). */
#ifndef XG_HTML_H
#define XG_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "report/model.h"

/* The line colours, in order (a chart's i-th line: xg_html_color(i)), and
 * the colour of "others". */
#define XG_HTML_N_COLORS 10
#define XG_HTML_OTHERS_COLOR "#8c8c8c"
const char *xg_html_color(size_t i);

/* s as HTML text or attribute value (& < > " ' escaped; controls and
 * bytes that are not valid UTF-8 as '?'); NULL as "". _n: at most len
 * bytes (SIZE_MAX: up to the NUL). */
void xg_html_escape(FILE *out, const char *s);
void xg_html_escape_n(FILE *out, const char *s, size_t len);
/* s as a JSON string safe inside <script> ('<' '>' '&' as \u escapes). */
void xg_html_json_str(FILE *out, const char *s);
/* v as a JSON number (4 significant digits), null when not finite. */
void xg_html_json_num(FILE *out, double v);

/* The page up to and including <main> (doctype, head with the CSS, title
 * escaped), and from </main> to the end (the charts' JS). The CSS has
 * classes card, note (p.note), wrap (a scrolling table), n (numbers, right
 * aligned), warn (a warning, orange), dots, xg-dot, xg-ci, xg-mean (the
 * dot charts of repetitions), chart, legend, sw (a colour swatch). */
void xg_html_head(FILE *out, const char *title);
void xg_html_tail(FILE *out);

/* The report's header as <h1>h1</h1> and a card of its "key: value"
 * lines, then the rest of m's header (workloads, output, overhead). */
void xg_html_header(const xg_model *m, const char *h1, FILE *out);
/* A model line as a paragraph (class note when it starts "note:"). */
void xg_html_line(const char *line, FILE *out);
/* A link of the sections' <nav> to section name (its id is sec-<name>). */
void xg_html_nav_link(FILE *out, const char *name);
/* <td class="n">v</td> with prec decimals ("-" when not finite). */
void xg_html_cell_num(FILE *out, double v, int prec);

#endif
