/* render_html.c — the model as one self-contained HTML page: inline CSS,
 * inline SVG charts and a little inline JS, nothing fetched, so it opens
 * offline. The header's lines and tables, then per section its tables (as
 * HTML tables) and lines, then a time-series chart per plotted column
 * (XG_COL_PLOT) of each table shown: one line per row, x in seconds since tick
 * 0, with the workloads' start and end and the spans of domains that came
 * or went inside the window. Without JS the charts are all there (static
 * SVG); the JS adds hover values and legend toggles. A table with window
 * values only (XG_TAB_NO_SERIES, SCHED) and plotted columns is one static
 * stacked-bar chart instead: a bar per row, a segment per column.
 *
 * Scale. A chart shows the busiest rows (the top XG_HTML_TOP by the
 * window's value) and "others" summed as one line; the rest have a chart
 * of their own in a <details>. The series are streamed from the tables'
 * fill functions and aggregated per pixel column (first, last, minimum and
 * maximum of the values that fall in it, as M4 does), so a one-tick spike
 * is drawn whatever the number of ticks, and memory is pixels x rows, not
 * ticks. Each chart's plotted values are also in a JSON block (class
 * xg-data) for the hover and for tests.
 *
 * Every string from the store (names, commands, notes) is escaped for HTML
 * (or for JSON inside <script>), with bytes that are not valid UTF-8 and
 * control characters as '?'. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/calc.h"
#include "report/html.h"
#include "report/model.h"
#include "util/table.h"

/* The chart's geometry (SVG user units = CSS pixels at 100 %). */
enum { CH_W = 880, CH_H = 280, CH_L = 58, CH_R = 14, CH_T = 14, CH_B = 38,
       CH_PW = CH_W - CH_L - CH_R, CH_PH = CH_H - CH_T - CH_B };

static const char *const palette[XG_HTML_N_COLORS] = {
    "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1",
    "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#17becf",
};
#define N_PALETTE XG_HTML_N_COLORS
#define OTHERS_COLOR XG_HTML_OTHERS_COLOR
/* Lines a chart shows before "others" (when more than one would be). */
#define XG_HTML_TOP 8

/* ---- escaping ---- */

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *p)
{
    size_t n;
    unsigned c = p[0];
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

/* Whether byte c is one to show as '?' (C0 controls but tab, DEL). */
static bool is_ctl(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* n bytes of s (up to a NUL) as HTML text or attribute value. */
void xg_html_escape_n(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *end = len == SIZE_MAX ? NULL : p + len;
    while ((!end || p < end) && *p) {
        size_t n = utf8_len(p);
        if (n == 0 || is_ctl(*p) ||
            (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) { /* C1 controls */
            fputc('?', out);
            p += n ? n : 1;
            continue;
        }
        if (n > 1)
            fwrite(p, 1, n, out);
        else if (*p == '&')
            fputs("&amp;", out);
        else if (*p == '<')
            fputs("&lt;", out);
        else if (*p == '>')
            fputs("&gt;", out);
        else if (*p == '"')
            fputs("&quot;", out);
        else if (*p == '\'')
            fputs("&#39;", out);
        else
            fputc(*p, out);
        p += n;
    }
}

void xg_html_escape(FILE *out, const char *s)
{
    xg_html_escape_n(out, s, SIZE_MAX);
}

/* s as a JSON string that is safe inside <script>: '<', '>' and '&' as
 * \u escapes, controls and invalid UTF-8 as '?'. */
void xg_html_json_str(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', out);
    while (*p) {
        size_t n = utf8_len(p);
        if (n == 0 || (*p < 0x20) || *p == 0x7f) {
            fputc('?', out);
            p += n ? n : 1;
            continue;
        }
        if (n > 1)
            fwrite(p, 1, n, out);
        else if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '<' || *p == '>' || *p == '&')
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
        p += n;
    }
    fputc('"', out);
}

/* A number for JSON: 4 significant digits, null when not finite. */
void xg_html_json_num(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.4g", v);
    else
        fputs("null", out);
}

/* ---- page ---- */

static const char css[] =
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,"
    "sans-serif;color:#1d232a;background:#f5f6f8;margin:0}"
    "main{max-width:940px;margin:0 auto;padding:16px 20px 40px}"
    "h1{font-size:22px;margin:8px 0 4px}"
    "h2{font-size:18px;margin:28px 0 8px;padding-bottom:4px;"
    "border-bottom:2px solid #d5d9e0}"
    "h3{font-size:15px;margin:18px 0 6px}"
    "p{margin:2px 0}p.note{color:#8a4b00}"
    ".card{background:#fff;border:1px solid #dde1e7;border-radius:6px;"
    "padding:10px 14px;margin:10px 0}"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;"
    "gap:1px 14px;margin:0}dl.meta dt{color:#5b6573}dl.meta dd{margin:0;"
    "overflow-wrap:anywhere}"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums;"
    "margin:4px 0;background:#fff}"
    "th,td{padding:3px 9px;border-bottom:1px solid #e6e9ee;"
    "white-space:nowrap}th{text-align:left;background:#eef1f5;"
    "font-weight:600}td.n,th.n{text-align:right}"
    ".wrap{overflow:auto;max-height:480px}"
    "th{position:sticky;top:0;z-index:1}"
    "nav a{margin-right:12px}"
    ".chart,.bars{position:relative;background:#fff;border:1px solid #dde1e7;"
    "border-radius:6px;padding:8px 10px 10px;margin:6px 0 14px}"
    "svg.xg-chart{width:100%;height:auto;display:block}"
    "svg text{font:11px system-ui,sans-serif;fill:#5b6573}"
    ".grid{stroke:#e8ebef}.axis{stroke:#9aa3ae}"
    ".xg-line{fill:none;stroke-width:1.6;stroke-linejoin:round;"
    "stroke-linecap:round}"
    ".wl{stroke-width:1;stroke-dasharray:4 3;opacity:.8}"
    ".legend{list-style:none;padding:0;margin:4px 0 0;display:flex;"
    "flex-wrap:wrap;gap:2px 14px}"
    ".legend li{cursor:pointer;user-select:none;white-space:nowrap}"
    ".legend li.off{opacity:.35}.bars .legend li{cursor:default}"
    "text.seg-v{fill:#fff;font-size:10px;pointer-events:none}"
    "text.bar-l{fill:#1d232a;font-size:12px}"
    ".sw{display:inline-block;width:12px;height:3px;vertical-align:middle;"
    "margin-right:5px}"
    ".cap{color:#5b6573;font-size:12px}"
    ".tip{position:absolute;pointer-events:none;background:#fff;"
    "border:1px solid #c5cbd3;border-radius:4px;padding:4px 7px;"
    "font-size:12px;box-shadow:0 1px 4px rgba(0,0,0,.15);display:none;"
    "white-space:nowrap}"
    "details{margin:6px 0}summary{cursor:pointer;color:#2f5d8a}"
    /* the statistics of repetitions (rep_html.c) and compare's */
    ".warn{color:#b8420f}td.warn{font-weight:600}"
    ".dots{position:relative;background:#fff;border:1px solid #dde1e7;"
    "border-radius:6px;padding:8px 10px 10px;margin:6px 0 14px}"
    "circle.xg-dot{fill-opacity:.75}line.xg-ci{stroke:#1d232a;"
    "stroke-width:1.5}line.xg-mean{stroke:#1d232a;stroke-width:3}";

/* Writes errors of the page's own JS into the DOM (data-js-errors), so a
 * headless browser's dumped DOM shows them. */
static const char js_errors[] =
    "window.addEventListener('error',function(e){var b=document.body;"
    "b.dataset.jsErrors=(b.dataset.jsErrors||'')+e.message+';';});";

static const char js_main[] =
    "(function(){\n"
    "function fmt(v){return v==null?'-':Math.abs(v)>=100?v.toFixed(1):"
    "v.toPrecision(3);}\n"
    "document.querySelectorAll('.chart').forEach(function(c){\n"
    " var d=JSON.parse(c.querySelector('script.xg-data').textContent);\n"
    " var svg=c.querySelector('svg'),tip=c.querySelector('.tip');\n"
    " var cur=svg.querySelector('.cursor');\n"
    " c.querySelectorAll('.legend li').forEach(function(li){\n"
    "  li.addEventListener('click',function(){\n"
    "   var off=li.classList.toggle('off');\n"
    "   svg.querySelectorAll('[data-i=\"'+li.dataset.i+'\"]').forEach("
    "function(p){p.style.display=off?'none':'';});});});\n"
    " svg.addEventListener('mouseleave',function(){tip.style.display='none';"
    "cur.style.display='none';});\n"
    " svg.addEventListener('mousemove',function(ev){\n"
    "  var r=svg.getBoundingClientRect(),k=r.width/d.w;\n"
    "  var px=(ev.clientX-r.left)/k;\n"
    "  var t=(px-d.l)/d.pw*d.end;\n"
    "  if(px<d.l||px>d.l+d.pw||!d.x.length){tip.style.display='none';"
    "return;}\n"
    "  var lo=0,hi=d.x.length-1;\n"
    "  while(lo<hi){var m=(lo+hi)>>1;if(d.x[m]<t)lo=m+1;else hi=m;}\n"
    "  if(lo>0&&t-d.x[lo-1]<d.x[lo]-t)lo--;\n"
    "  var h='<b>'+fmt(d.x[lo])+' s</b>';\n"
    "  d.series.forEach(function(s,i){\n"
    "   var li=c.querySelector('.legend li[data-i=\"'+i+'\"]');\n"
    "   if(li&&li.classList.contains('off'))return;\n"
    "   var v=s.v[lo],txt=Array.isArray(v)?fmt(v[0])+' \\u2013 '+fmt(v[1]):"
    "fmt(v);\n"
    "   var e=document.createElement('span');e.textContent=s.name;\n"
    "   h+='<br><span class=\"sw\" style=\"background:'+s.color+'\"></span>'"
    "+e.innerHTML+': '+txt+' '+d.unit;});\n"
    "  tip.innerHTML=h;tip.style.display='block';\n"
    "  var x=d.l+(d.x[lo]/d.end)*d.pw;\n"
    "  cur.setAttribute('x1',x);cur.setAttribute('x2',x);"
    "cur.style.display='';\n"
    "  var left=x*k+12;if(left+tip.offsetWidth>r.width)"
    "left=x*k-12-tip.offsetWidth;\n"
    "  tip.style.left=Math.max(0,left)+'px';"
    "tip.style.top=(ev.clientY-r.top+10)+'px';});\n"
    "});})();\n";

/* ---- tables ---- */

void xg_html_cell_num(FILE *out, double v, int prec)
{
    char buf[64];
    fprintf(out, "<td class=\"n\">%s</td>", xg_fmt_num(buf, sizeof(buf), v,
                                                       prec));
}

static void table_head(const xg_mtable *t, FILE *out)
{
    fputs("<tr>", out);
    if (!(t->flags & XG_TAB_NO_DOMAIN))
        fputs("<th>domain</th>", out);
    if (t->device_label) {
        fputs("<th>", out);
        xg_html_escape(out, t->device_label);
        fputs("</th>", out);
    }
    for (size_t c = 0; c < t->n_cols; c++)
        if (t->cols[c].label) {
            fputs("<th class=\"n\">", out);
            xg_html_escape(out, t->cols[c].label);
            fputs("</th>", out);
        }
    if (t->flags & XG_TAB_SPAN)
        fputs("<th class=\"n\">span s</th>", out);
    fputs("</tr>\n", out);
}

static void table_row(const xg_mtable *t, size_t r, FILE *out)
{
    const xg_row *row = &t->rows[r];
    char span[64];
    fputs("<tr>", out);
    if (!(t->flags & XG_TAB_NO_DOMAIN)) {
        fputs("<td>", out);
        xg_html_escape(out, xg_store_dom_label(t->s, row->dom));
        fputs("</td>", out);
    }
    if (t->device_label) {
        fputs("<td>", out);
        xg_html_escape(out, row->shown ? row->shown : row->device);
        fputs("</td>", out);
    }
    for (size_t c = 0; c < t->n_cols; c++)
        if (t->cols[c].label)
            xg_html_cell_num(out, c < row->n_cols ? xg_mtable_win(t, r, c) : NAN,
                     t->cols[c].prec);
    if (t->flags & XG_TAB_SPAN) {
        fputs("<td class=\"n\">", out);
        xg_html_escape(out, xg_calc_span_text(t->s, row->dom, span,
                                              sizeof(span)));
        fputs("</td>", out);
    }
    fputs("</tr>\n", out);
}

static void table_html(const xg_mtable *t, FILE *out)
{
    if (!t->title || !t->n_rows)
        return;
    fputs("<h3>", out);
    xg_html_escape(out, t->title);
    fputs("</h3>\n<div class=\"wrap\"><table>\n", out);
    table_head(t, out);
    for (size_t r = 0; r < t->n_rows; r++)
        table_row(t, r, out);
    fputs("</table></div>\n", out);
}

static void workloads_html(const xg_store *s, FILE *out)
{
    const char *heads[XG_WORKLOAD_COLS];
    size_t n = xg_workload_headers(s, heads), num = n - 2; /* exit, s */

    fputs("<h3>workloads</h3>\n<div class=\"wrap\"><table>\n<tr>", out);
    for (size_t c = 0; c < n; c++)
        fprintf(out, "<th%s>%s</th>", c >= num || (n > 4 && c == 0)
                ? " class=\"n\"" : "", heads[c]);
    fputs("</tr>\n", out);
    for (size_t i = 0; i < s->n_workloads; i++) {
        char buf[3][32];
        const char *cells[XG_WORKLOAD_COLS];
        xg_workload_cells(s, i, buf, cells);
        fputs("<tr>", out);
        for (size_t c = 0; c < n; c++) {
            fprintf(out, "<td%s>", c >= num || (n > 4 && c == 0)
                    ? " class=\"n\"" : "");
            xg_html_escape(out, cells[c] ? cells[c] : "-");
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table></div>\n", out);
}

void xg_html_line(const char *line, FILE *out)
{
    if (!*line)
        return;
    fputs(strncmp(line, "note:", 5) == 0 ? "<p class=\"note\">" : "<p>", out);
    xg_html_escape(out, line);
    fputs("</p>\n", out);
}

static void blocks_html(const xg_model *m, const xg_msection *ms, FILE *out)
{
    for (size_t i = 0; i < ms->n_blocks; i++) {
        const xg_block *b = &ms->blocks[i];
        if (b->kind == XG_BLOCK_LINE)
            xg_html_line(b->line, out);
        else if (b->kind == XG_BLOCK_WORKLOADS)
            workloads_html(m->s, out);
        else
            table_html(b->table, out);
    }
}

/* The header: its leading "key: value" lines as a definition list, the
 * rest (workloads, output, overhead) as they come. */
void xg_html_header(const xg_model *m, const char *h1, FILE *out)
{
    const xg_msection *ms = &m->header;
    size_t i = 0;
    fputs("<h1>", out);
    xg_html_escape(out, h1);
    fputs("</h1>\n<div class=\"card\"><dl class=\"meta\">\n", out);
    if (i < ms->n_blocks && ms->blocks[i].kind == XG_BLOCK_LINE &&
        strcmp(ms->blocks[i].line, "xengatherer report") == 0)
        i++;
    for (; i < ms->n_blocks && ms->blocks[i].kind == XG_BLOCK_LINE; i++) {
        const char *l = ms->blocks[i].line, *colon = strstr(l, ": ");
        if (!colon || colon - l > 24)
            break;
        fputs("<dt>", out);
        xg_html_escape_n(out, l, (size_t)(colon - l));
        fputs("</dt><dd>", out);
        xg_html_escape(out, colon + 2);
        fputs("</dd>\n", out);
    }
    fputs("</dl></div>\n", out);
    xg_msection rest = *ms;
    rest.blocks += i;
    rest.n_blocks -= i;
    blocks_html(m, &rest, out);
}

/* ---- charts: aggregation ---- */

/* One pixel column of one line: the values of the intervals whose middle
 * falls in it. */
typedef struct px {
    float first, last, mn, mx;
    uint8_t has;   /* any value */
    uint8_t brk;   /* a gap (not measured) came before its first value */
} px;

/* A line being aggregated. */
typedef struct line {
    px *p;         /* CH_PW columns */
    bool gap;      /* the last interval was not measured */
} line;

static void line_add(line *l, int col, double v)
{
    if (!isfinite(v)) {
        l->gap = true;
        return;
    }
    px *p = &l->p[col];
    float f = (float)v;
    if (!p->has) {
        p->first = p->mn = p->mx = f;
        p->has = 1;
        p->brk = l->gap;
    }
    if (f < p->mn)
        p->mn = f;
    if (f > p->mx)
        p->mx = f;
    p->last = f;
    l->gap = false;
}

/* The pixel column of x seconds in a window of w seconds. */
static int col_of(double x, double w)
{
    int c = w > 0 ? (int)(x / w * CH_PW) : 0;
    return c < 0 ? 0 : c >= CH_PW ? CH_PW - 1 : c;
}

/* A table's charts being built: per plotted column, its rows by
 * decreasing window value, the first n_top of them shown, and a line per
 * row plus "others". */
typedef struct chartset {
    const xg_mtable *t;
    size_t n_plot;
    size_t *plot;      /* n_plot column indexes */
    size_t *order;     /* n_plot x n_rows: rows in chart order */
    size_t *n_in;      /* n_plot: rows the column applies to */
    size_t *n_top;     /* n_plot: rows shown on the main chart */
    line *lines;       /* n_plot x (n_rows + 1): the last is "others" */
    px *pool;
    bool *other_of;    /* n_plot x n_rows: the row is summed in "others" */
} chartset;

static const xg_mtable *sort_t;
static size_t sort_c;

/* Decreasing window value, NaN last, then table order. */
static int by_win(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    double vx = xg_mtable_win(sort_t, x, sort_c);
    double vy = xg_mtable_win(sort_t, y, sort_c);
    bool fx = isfinite(vx), fy = isfinite(vy);
    if (fx != fy)
        return fx ? -1 : 1;
    if (fx && vx != vy)
        return vx > vy ? -1 : 1;
    return (x > y) - (x < y);
}

static void chartset_free(chartset *cs)
{
    free(cs->plot);
    free(cs->order);
    free(cs->n_in);
    free(cs->n_top);
    free(cs->lines);
    free(cs->pool);
    free(cs->other_of);
}

/* Orders column i's rows and picks the shown ones. */
static void rank_rows(chartset *cs, size_t i)
{
    const xg_mtable *t = cs->t;
    size_t *o = &cs->order[i * t->n_rows], n = 0, c = cs->plot[i];
    for (size_t r = 0; r < t->n_rows; r++)
        if (c < t->rows[r].n_cols)
            o[n++] = r;
    sort_t = t;
    sort_c = c;
    qsort(o, n, sizeof(*o), by_win);
    cs->n_in[i] = n;
    cs->n_top[i] = n <= XG_HTML_TOP + 1 ? n : XG_HTML_TOP;
    for (size_t j = cs->n_top[i]; j < n; j++)
        cs->other_of[i * t->n_rows + o[j]] = true;
}

static int chartset_init(chartset *cs, const xg_mtable *t)
{
    memset(cs, 0, sizeof(*cs));
    cs->t = t;
    size_t nr = t->n_rows, nl;
    if (!(cs->plot = calloc(t->n_cols, sizeof(size_t))))
        return -1;
    for (size_t c = 0; c < t->n_cols; c++)
        if (t->cols[c].flags & XG_COL_PLOT)
            cs->plot[cs->n_plot++] = c;
    nl = cs->n_plot * (nr + 1);
    cs->order = calloc(cs->n_plot * nr + 1, sizeof(size_t));
    cs->n_in = calloc(cs->n_plot + 1, sizeof(size_t));
    cs->n_top = calloc(cs->n_plot + 1, sizeof(size_t));
    cs->other_of = calloc(cs->n_plot * nr + 1, sizeof(bool));
    cs->lines = calloc(nl + 1, sizeof(line));
    cs->pool = calloc(nl * CH_PW + 1, sizeof(px));
    if (!cs->order || !cs->n_in || !cs->n_top || !cs->other_of ||
        !cs->lines || !cs->pool)
        return -1;
    for (size_t l = 0; l < nl; l++)
        cs->lines[l].p = &cs->pool[l * CH_PW];
    for (size_t i = 0; i < cs->n_plot; i++)
        rank_rows(cs, i);
    return 0;
}

/* Streams every interval of every row through the lines. */
static int chartset_fill(chartset *cs)
{
    const xg_mtable *t = cs->t;
    size_t nr = t->n_rows;
    double w = xg_calc_window_s(t->s);
    double *v = malloc((t->n_cols + 1) * sizeof(double));
    double *sum = calloc(cs->n_plot + 1, sizeof(double));
    bool *any = calloc(cs->n_plot + 1, sizeof(bool));
    if (!v || !sum || !any) {
        free(v);
        free(sum);
        free(any);
        return -1;
    }
    for (uint32_t k = 1; k < t->s->n_ticks; k++) {
        double a = 0, b = 0;
        int col = col_of((xg_calc_tick_s(t->s, k - 1) +
                          xg_calc_tick_s(t->s, k)) / 2, w);
        memset(any, 0, (cs->n_plot + 1) * sizeof(bool));
        for (size_t i = 0; i < cs->n_plot; i++)
            sum[i] = 0;
        for (size_t r = 0; r < nr; r++) {
            for (size_t c = 0; c < t->n_cols; c++)
                v[c] = NAN;
            t->fill(t, &t->rows[r], k, v, &a, &b);
            int rc = col_of((a + b) / 2, w);
            for (size_t i = 0; i < cs->n_plot; i++) {
                double x = v[cs->plot[i]];
                line_add(&cs->lines[i * (nr + 1) + r], rc, x);
                if (cs->other_of[i * nr + r] && isfinite(x)) {
                    sum[i] += x;
                    any[i] = true;
                }
            }
        }
        for (size_t i = 0; i < cs->n_plot; i++)
            line_add(&cs->lines[i * (nr + 1) + nr], col,
                     any[i] ? sum[i] : NAN);
    }
    free(v);
    free(sum);
    free(any);
    return 0;
}

/* ---- charts: drawing ---- */

/* One chart to draw: its lines, names and colours. */
typedef struct chart {
    const xg_mtable *t;
    const xg_col *col;
    double end;            /* the window, s */
    double ymin, ymax;
    size_t n;
    const line **lines;
    const size_t **rowp;   /* the row of each line, NULL for "others" */
    char others_name[48];
} chart;

static const char *row_name(const xg_mtable *t, size_t r, char *buf,
                            size_t len)
{
    const xg_row *row = &t->rows[r];
    const char *dev = row->shown ? row->shown : row->device;
    const char *dom = xg_store_dom_label(t->s, row->dom);
    if (t->flags & XG_TAB_NO_DOMAIN)
        return dev;
    if (!dev || !*dev)
        return dom;
    int n = snprintf(buf, len, "%s %s", dom, dev);
    if (n < 0 || (size_t)n >= len)
        return dom; /* the device is in the table; the name is enough */
    return buf;
}

static double ypos(const chart *ch, double v)
{
    return CH_T + CH_PH - (v - ch->ymin) / (ch->ymax - ch->ymin) * CH_PH;
}

static double xpos(int col)
{
    return CH_L + col + 0.5;
}

static double xsec(const chart *ch, double s)
{
    return CH_L + (ch->end > 0 ? s / ch->end * CH_PW : 0);
}

/* A "nice" step near range / n: 1, 2 or 5 times a power of ten. */
static double nice_step(double range, int n)
{
    double raw = range / n, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static void yrange(chart *ch)
{
    double lo = 0, hi = -INFINITY;
    for (size_t l = 0; l < ch->n; l++)
        for (int c = 0; c < CH_PW; c++) {
            const px *p = &ch->lines[l]->p[c];
            if (!p->has)
                continue;
            if (p->mx > hi)
                hi = p->mx;
            if (p->mn < lo)
                lo = p->mn;
        }
    if (!isfinite(hi) || hi <= lo)
        hi = lo + 1;
    double step = nice_step(hi - lo, 5);
    ch->ymin = floor(lo / step) * step;
    ch->ymax = ceil(hi / step) * step;
    if (ch->ymax <= ch->ymin)
        ch->ymax = ch->ymin + step;
}

static void axes(const chart *ch, FILE *out)
{
    double ys = nice_step(ch->ymax - ch->ymin, 5);
    for (int i = 0; i < 100 && ch->ymin + i * ys <= ch->ymax + ys / 2; i++) {
        double y = ch->ymin + i * ys, py = ypos(ch, y);
        fprintf(out, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" "
                "y2=\"%.1f\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
                "%g</text>\n", CH_L, CH_L + CH_PW, py, py, CH_L - 6, py + 4,
                fabs(y) < ys / 1e6 ? 0 : y);
    }
    double xs = nice_step(ch->end > 0 ? ch->end : 1, 8);
    for (int i = 0; i < 100 && i * xs <= ch->end + xs / 1e6; i++) {
        double x = i * xs;
        fprintf(out, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
                "y2=\"%d\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
                "%g</text>\n", xsec(ch, x), xsec(ch, x), CH_T + CH_PH,
                CH_T + CH_PH + 4, xsec(ch, x), CH_T + CH_PH + 16, x);
    }
    fprintf(out, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
            "y2=\"%d\"/>\n", CH_L, CH_L + CH_PW, CH_T + CH_PH, CH_T + CH_PH);
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
            "seconds since the window's start</text>\n", CH_L + CH_PW / 2,
            CH_H - 4);
    fprintf(out, "<text x=\"12\" y=\"%d\" text-anchor=\"middle\" "
            "transform=\"rotate(-90 12 %d)\">", CH_T + CH_PH / 2,
            CH_T + CH_PH / 2);
    xg_html_escape(out, ch->col->unit);
    fputs("</text>\n", out);
}

static const char *color_of(const chart *ch, size_t l)
{
    /* by the row's place in the table: a domain keeps its colour */
    return ch->rowp[l] ? palette[*ch->rowp[l] % N_PALETTE] : OTHERS_COLOR;
}

/* A line as an SVG path: per pixel column first, min, max, last. */
static void path(const chart *ch, size_t l, FILE *out)
{
    const line *ln = ch->lines[l];
    bool open = false;
    fprintf(out, "<path class=\"xg-line\" data-i=\"%zu\" stroke=\"%s\"%s d=\"",
            l, color_of(ch, l), ch->rowp[l] ? "" : " stroke-dasharray=\"5 3\"");
    for (int c = 0; c < CH_PW; c++) {
        const px *p = &ln->p[c];
        if (!p->has)
            continue;
        double x = xpos(c);
        fprintf(out, "%c%.1f %.1f", open && !p->brk ? 'L' : 'M', x,
                ypos(ch, p->first));
        if (p->mn != p->mx)
            fprintf(out, "V%.1fV%.1fV%.1f", ypos(ch, p->mn), ypos(ch, p->mx),
                    ypos(ch, p->last));
        open = true;
    }
    fputs("\"/>\n", out);
}

/* Vertical marks at each shown domain's workload start and end. */
static void workload_marks(const chart *ch, FILE *out)
{
    const xg_store *s = ch->t->s;
    if (!s->n_ticks || !s->tick_mono_ns)
        return;
    for (size_t l = 0; l < ch->n; l++) {
        if (!ch->rowp[l])
            continue;
        uint32_t dom = ch->t->rows[*ch->rowp[l]].dom;
        for (size_t w = 0; w < s->n_workloads; w++) {
            const xg_workload *wl = &s->workloads[w];
            if (wl->domain != dom)
                continue;
            int64_t ts[2] = {wl->start_ns, wl->end_ns};
            for (int e = 0; e < 2; e++) {
                if (ts[e] <= 0)
                    continue;
                double sec = (double)(ts[e] - s->tick_mono_ns[0]) / 1e9;
                if (sec < 0 || sec > ch->end)
                    continue;
                fprintf(out, "<line class=\"wl\" data-i=\"%zu\" stroke=\"%s\""
                        " x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"><title>",
                        l, color_of(ch, l), xsec(ch, sec), xsec(ch, sec),
                        CH_T, CH_T + CH_PH);
                xg_html_escape(out, xg_store_dom_label(s, dom));
                fprintf(out, ": workload %s at %.2f s</title></line>\n",
                        e ? "end" : "start", sec);
            }
        }
    }
}

/* A bar along the top for each shown domain that came or went inside the
 * window: its span. */
static void span_marks(const chart *ch, FILE *out)
{
    const xg_store *s = ch->t->s;
    for (size_t l = 0, n = 0; l < ch->n; l++) {
        if (!ch->rowp[l])
            continue;
        uint32_t dom = ch->t->rows[*ch->rowp[l]].dom;
        const xg_domain_info *d = &s->domains[dom];
        double a, b;
        if (d->first_tick < 0 || (d->first_tick == 0 &&
                                  d->last_tick + 1 >= (int64_t)s->n_ticks) ||
            !xg_calc_span(s, dom, &a, &b))
            continue;
        fprintf(out, "<rect class=\"span\" data-i=\"%zu\" fill=\"%s\" "
                "opacity=\".55\" x=\"%.1f\" y=\"%zu\" width=\"%.1f\" "
                "height=\"3\"><title>", l, color_of(ch, l), xsec(ch, a),
                (size_t)CH_T + 1 + 4 * n++, xsec(ch, b) - xsec(ch, a));
        xg_html_escape(out, xg_store_dom_label(s, dom));
        fprintf(out, ": present %.2f-%.2f s of the window</title></rect>\n",
                a, b);
    }
}

/* The shown domains' workloads as JSON objects {name, start, end}
 * (seconds since tick 0; null when not known). */
static void workloads_json(const chart *ch, FILE *out)
{
    const xg_store *s = ch->t->s;
    bool first = true;
    for (size_t l = 0; l < ch->n && s->n_ticks && s->tick_mono_ns; l++) {
        uint32_t dom = ch->rowp[l] ? ch->t->rows[*ch->rowp[l]].dom : UINT32_MAX;
        for (size_t w = 0; w < s->n_workloads; w++) {
            const xg_workload *wl = &s->workloads[w];
            if (wl->domain != dom)
                continue;
            fputs(first ? "{\"name\":" : ",{\"name\":", out);
            first = false;
            xg_html_json_str(out, xg_store_dom_label(s, dom));
            fputs(",\"start\":", out);
            xg_html_json_num(out, wl->start_ns > 0 ? (double)(wl->start_ns -
                      s->tick_mono_ns[0]) / 1e9 : NAN);
            fputs(",\"end\":", out);
            xg_html_json_num(out, wl->end_ns > 0 ? (double)(wl->end_ns -
                      s->tick_mono_ns[0]) / 1e9 : NAN);
            fputc('}', out);
        }
    }
}

/* The plotted values as JSON: the pixel columns with a value (their
 * middle in seconds) and per line its value there, or [min, max]. */
static void chart_json(const chart *ch, FILE *out)
{
    char buf[256];
    fprintf(out, "<script type=\"application/json\" class=\"xg-data\">"
            "{\"w\":%d,\"l\":%d,\"pw\":%d,\"end\":", CH_W, CH_L, CH_PW);
    xg_html_json_num(out, ch->end);
    fputs(",\"metric\":", out);
    xg_html_json_str(out, ch->col->metric);
    fputs(",\"unit\":", out);
    xg_html_json_str(out, ch->col->unit);
    fputs(",\"x\":[", out);
    bool used[CH_PW] = {false};
    for (int c = 0, first = 1; c < CH_PW; c++) {
        for (size_t l = 0; l < ch->n && !used[c]; l++)
            used[c] = ch->lines[l]->p[c].has;
        if (used[c]) {
            fprintf(out, "%s", first ? "" : ",");
            xg_html_json_num(out, (c + 0.5) / CH_PW * ch->end);
            first = 0;
        }
    }
    fputs("],\"workloads\":[", out);
    workloads_json(ch, out);
    fputs("],\"series\":[", out);
    for (size_t l = 0; l < ch->n; l++) {
        fprintf(out, "%s\n{\"name\":", l ? "," : "");
        xg_html_json_str(out, ch->rowp[l] ? row_name(ch->t, *ch->rowp[l], buf,
                                             sizeof(buf))
                                  : ch->others_name);
        fprintf(out, ",\"color\":\"%s\",\"v\":[", color_of(ch, l));
        for (int c = 0, first = 1; c < CH_PW; c++) {
            const px *p = &ch->lines[l]->p[c];
            if (!used[c])
                continue;
            fputs(first ? "" : ",", out);
            first = 0;
            if (p->has && p->mn != p->mx) {
                fputc('[', out);
                xg_html_json_num(out, p->mn);
                fputc(',', out);
                xg_html_json_num(out, p->mx);
                fputc(']', out);
            } else {
                xg_html_json_num(out, p->has ? p->mn : NAN);
            }
        }
        fputs("]}", out);
    }
    fputs("]}</script>\n", out);
}

static void legend(const chart *ch, FILE *out)
{
    char buf[256], num[64];
    fputs("<ul class=\"legend\">\n", out);
    for (size_t l = 0; l < ch->n; l++) {
        fprintf(out, "<li data-i=\"%zu\"><span class=\"sw\" "
                "style=\"background:%s\"></span>", l, color_of(ch, l));
        if (ch->rowp[l]) {
            size_t r = *ch->rowp[l];
            xg_html_escape(out, row_name(ch->t, r, buf, sizeof(buf)));
            fprintf(out, " <span class=\"cap\">%s</span>",
                    xg_fmt_num(num, sizeof(num),
                               xg_mtable_win(ch->t, r,
                                             (size_t)(ch->col - ch->t->cols)),
                               ch->col->prec));
        } else {
            xg_html_escape(out, ch->others_name);
        }
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
}

static void chart_html(chart *ch, FILE *out)
{
    yrange(ch);
    fputs("<div class=\"chart\">\n", out);
    fprintf(out, "<svg class=\"xg-chart\" viewBox=\"0 0 %d %d\" "
            "role=\"img\" "
            "data-metric=\"", CH_W, CH_H);
    xg_html_escape(out, ch->col->metric);
    fputs("\" aria-label=\"", out);
    xg_html_escape(out, ch->col->label ? ch->col->label : ch->col->metric);
    fputs(" over time\">\n", out);
    axes(ch, out);
    span_marks(ch, out);
    workload_marks(ch, out);
    for (size_t l = ch->n; l-- > 0;)
        path(ch, l, out);
    fprintf(out, "<line class=\"cursor axis\" style=\"display:none\" "
            "y1=\"%d\" y2=\"%d\"/>\n</svg>\n", CH_T, CH_T + CH_PH);
    legend(ch, out);
    chart_json(ch, out);
    fputs("<div class=\"tip\"></div></div>\n", out);
}

/* The chart of column i: the main one (top rows and "others") when rest
 * is false, else the rest, one line each. */
static int column_chart(const chartset *cs, size_t i, bool rest, FILE *out)
{
    const xg_mtable *t = cs->t;
    size_t nr = t->n_rows, top = cs->n_top[i], in = cs->n_in[i];
    size_t from = rest ? top : 0, to = rest ? in : top;
    size_t n = to - from + (!rest && in > top);
    chart ch = {.t = t, .col = &t->cols[cs->plot[i]],
                .end = xg_calc_window_s(t->s),
                .lines = calloc(n + 1, sizeof(line *)),
                .rowp = calloc(n + 1, sizeof(size_t *))};
    if (!ch.lines || !ch.rowp) {
        free(ch.lines);
        free(ch.rowp);
        return -1;
    }
    const size_t *order = &cs->order[i * nr];
    for (size_t j = from; j < to; j++) {
        ch.lines[ch.n] = &cs->lines[i * (nr + 1) + order[j]];
        ch.rowp[ch.n++] = &order[j];
    }
    if (!rest && in > top) {
        ch.lines[ch.n++] = &cs->lines[i * (nr + 1) + nr];
        snprintf(ch.others_name, sizeof(ch.others_name), "others (%zu, summed)",
                 in - top);
    }
    chart_html(&ch, out);
    free(ch.lines);
    free(ch.rowp);
    return 0;
}

static void chart_title(const chartset *cs, size_t i, FILE *out)
{
    const xg_col *col = &cs->t->cols[cs->plot[i]];
    fputs("<h3>", out);
    xg_html_escape(out, col->label ? col->label : col->metric);
    /* the table's title up to its explanation: "NET", "CPU" */
    const char *title = cs->t->title, *paren = strstr(title, " (");
    fputs(" <span class=\"cap\">&mdash; ", out);
    xg_html_escape_n(out, title, paren ? (size_t)(paren - title) : SIZE_MAX);
    fputs("</span></h3>\n", out);
}

/* Whether any row has a value in column i (a chart of nothing is left
 * out: steal % where nothing is stolen from). */
static bool column_has_data(const chartset *cs, size_t i)
{
    size_t nr = cs->t->n_rows;
    for (size_t r = 0; r <= nr; r++)
        for (int c = 0; c < CH_PW; c++)
            if (cs->lines[i * (nr + 1) + r].p[c].has)
                return true;
    return false;
}

static int table_charts(const xg_mtable *t, FILE *out)
{
    chartset cs;
    int rc = chartset_init(&cs, t);
    if (!rc && cs.n_plot)
        rc = chartset_fill(&cs);
    for (size_t i = 0; !rc && i < cs.n_plot; i++) {
        if (!cs.n_in[i] || !column_has_data(&cs, i))
            continue;
        chart_title(&cs, i, out);
        rc = column_chart(&cs, i, false, out);
        if (rc || cs.n_in[i] <= cs.n_top[i])
            continue;
        fprintf(out, "<details><summary>the other %zu rows, one line each"
                "</summary>\n", cs.n_in[i] - cs.n_top[i]);
        rc = column_chart(&cs, i, true, out);
        fputs("</details>\n", out);
    }
    chartset_free(&cs);
    return rc;
}

/* ---- bar charts: window-only tables ---- */

/* A table with no series (XG_TAB_NO_SERIES: SCHED's shares from a trace)
 * gets one horizontal stacked-bar chart of its window values: a bar per
 * row, a segment per plotted column (those of the first one's unit). */
enum { BAR_H = 18, BAR_GAP = 8, BAR_LBL = 180, BAR_B = 36,
       BAR_PW = CH_W - BAR_LBL - CH_R };

typedef struct bars {
    const xg_mtable *t;
    size_t seg[8];         /* the stacked columns */
    size_t n_seg;
    const size_t *rows;    /* the rows drawn, top to bottom */
    size_t n;
    double xmax;
} bars;

static double bar_val(const xg_mtable *t, size_t r, size_t c)
{
    return c < t->rows[r].n_cols ? xg_mtable_win(t, r, c) : NAN;
}

/* The plotted columns of t that share the first one's unit; n of them. */
static size_t bar_cols(const xg_mtable *t, size_t *seg, size_t cap)
{
    size_t n = 0;
    for (size_t c = 0; c < t->n_cols && n < cap; c++)
        if ((t->cols[c].flags & XG_COL_PLOT) &&
            (!n || strcmp(t->cols[c].unit, t->cols[seg[0]].unit) == 0))
            seg[n++] = c;
    return n;
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The x axis' end: the longest bar, up to a nice step. */
static void bar_range(bars *b)
{
    double hi = 0;
    for (size_t i = 0; i < b->n; i++) {
        double sum = 0;
        for (size_t j = 0; j < b->n_seg; j++) {
            double v = bar_val(b->t, b->rows[i], b->seg[j]);
            sum += isfinite(v) && v > 0 ? v : 0;
        }
        hi = sum > hi ? sum : hi;
    }
    if (hi <= 0)
        hi = 1;
    double step = nice_step(hi, 5);
    /* shares that sum to 100.00000001 stay on a 0..100 axis */
    b->xmax = ceil(hi / step - 1e-6) * step;
}

static double bar_x(const bars *b, double v)
{
    return BAR_LBL + v / b->xmax * BAR_PW;
}

static void bar_axes(const bars *b, int ph, FILE *out)
{
    double xs = nice_step(b->xmax, 5);
    for (int i = 0; i < 100 && i * xs <= b->xmax + xs / 1e6; i++) {
        double x = i * xs;
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
                "y2=\"%d\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
                "%g</text>\n", bar_x(b, x), bar_x(b, x), CH_T - 4, CH_T + ph,
                bar_x(b, x), CH_T + ph + 14, x);
    }
    fprintf(out, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" "
            "y2=\"%d\"/>\n", BAR_LBL, BAR_LBL, CH_T - 4, CH_T + ph);
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
            BAR_LBL + BAR_PW / 2, CH_T + ph + BAR_B - 6);
    xg_html_escape(out, b->t->cols[b->seg[0]].unit);
    fputs(" of the window</text>\n", out);
}

/* Row i's label (clipped to the label column by its own <svg>). */
static void bar_label(const bars *b, size_t i, int y, FILE *out)
{
    char buf[256];
    const char *name = row_name(b->t, b->rows[i], buf, sizeof(buf));
    fprintf(out, "<svg x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\">"
            "<text class=\"bar-l\" x=\"%d\" y=\"%d\" text-anchor=\"end\">",
            y, BAR_LBL - 8, BAR_H, BAR_LBL - 8, BAR_H - 5);
    xg_html_escape(out, name);
    fputs("<title>", out);
    xg_html_escape(out, name);
    fputs("</title></text></svg>\n", out);
}

/* Row i's bar: a segment per column, its value on hover (and in it when
 * it fits). */
static void bar_row(const bars *b, size_t i, FILE *out)
{
    char buf[256], num[64];
    int y = CH_T + (int)i * (BAR_H + BAR_GAP);
    double at = 0;
    bar_label(b, i, y, out);
    for (size_t j = 0; j < b->n_seg; j++) {
        const xg_col *col = &b->t->cols[b->seg[j]];
        double v = bar_val(b->t, b->rows[i], b->seg[j]);
        if (!isfinite(v) || v <= 0)
            continue;
        double x0 = bar_x(b, at), x1 = bar_x(b, at + v);
        fprintf(out, "<rect class=\"xg-seg\" data-i=\"%zu\" fill=\"%s\" "
                "x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>",
                j, palette[j % N_PALETTE], x0, y, x1 - x0, BAR_H);
        xg_html_escape(out, row_name(b->t, b->rows[i], buf, sizeof(buf)));
        fputs(", ", out);
        xg_html_escape(out, col->label ? col->label : col->metric);
        fprintf(out, ": %s</title></rect>\n",
                xg_fmt_num(num, sizeof(num), v, col->prec));
        if (x1 - x0 >= 40)
            fprintf(out, "<text class=\"seg-v\" x=\"%.1f\" y=\"%d\" "
                    "text-anchor=\"middle\">%s</text>\n", (x0 + x1) / 2,
                    y + BAR_H - 5, xg_fmt_num(num, sizeof(num), v,
                                              col->prec > 1 ? 1 : col->prec));
        at += v;
    }
}

static void bar_legend(const bars *b, FILE *out)
{
    fputs("<ul class=\"legend\">\n", out);
    for (size_t j = 0; j < b->n_seg; j++) {
        const xg_col *col = &b->t->cols[b->seg[j]];
        fprintf(out, "<li data-i=\"%zu\"><span class=\"sw\" "
                "style=\"background:%s\"></span>", j, palette[j % N_PALETTE]);
        xg_html_escape(out, col->label ? col->label : col->metric);
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
}

/* The drawn values as JSON: the columns, and per bar its name and the
 * window value of each (null: not measured). */
static void bar_json(const bars *b, FILE *out)
{
    char buf[256];
    fputs("<script type=\"application/json\" class=\"xg-bar-data\">"
          "{\"unit\":", out);
    xg_html_json_str(out, b->t->cols[b->seg[0]].unit);
    fputs(",\"metrics\":[", out);
    for (size_t j = 0; j < b->n_seg; j++) {
        fputs(j ? "," : "", out);
        xg_html_json_str(out, b->t->cols[b->seg[j]].metric);
    }
    fputs("],\"colors\":[", out);
    for (size_t j = 0; j < b->n_seg; j++)
        fprintf(out, "%s\"%s\"", j ? "," : "", palette[j % N_PALETTE]);
    fputs("],\"bars\":[", out);
    for (size_t i = 0; i < b->n; i++) {
        fprintf(out, "%s\n{\"name\":", i ? "," : "");
        xg_html_json_str(out, row_name(b->t, b->rows[i], buf, sizeof(buf)));
        fputs(",\"v\":[", out);
        for (size_t j = 0; j < b->n_seg; j++) {
            fputs(j ? "," : "", out);
            xg_html_json_num(out, bar_val(b->t, b->rows[i], b->seg[j]));
        }
        fputs("]}", out);
    }
    fputs("]}</script>\n", out);
}

static void bars_html(bars *b, FILE *out)
{
    int ph = (int)b->n * (BAR_H + BAR_GAP) - BAR_GAP;
    bar_range(b);
    fprintf(out, "<div class=\"bars\">\n<svg class=\"xg-chart xg-bars\" "
            "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", CH_W,
            CH_T + ph + BAR_B);
    xg_html_escape_n(out, b->t->title, strstr(b->t->title, " (")
          ? (size_t)(strstr(b->t->title, " (") - b->t->title) : SIZE_MAX);
    fputs(" over the window\">\n", out);
    bar_axes(b, ph, out);
    for (size_t i = 0; i < b->n; i++)
        bar_row(b, i, out);
    fputs("</svg>\n", out);
    bar_legend(b, out);
    bar_json(b, out);
    fputs("</div>\n", out);
}

/* The rows with a value to draw, by decreasing value of the first
 * column; n of them (caller frees). */
static size_t *bar_rank(const xg_mtable *t, const size_t *seg, size_t n_seg,
                        size_t *n)
{
    size_t *o = calloc(t->n_rows + 1, sizeof(size_t));
    *n = 0;
    for (size_t r = 0; o && r < t->n_rows; r++) {
        bool any = false;
        for (size_t j = 0; j < n_seg && !any; j++)
            any = isfinite(bar_val(t, r, seg[j]));
        if (any)
            o[(*n)++] = r;
    }
    if (!o)
        return NULL;
    sort_t = t;
    sort_c = seg[0];
    qsort(o, *n, sizeof(*o), by_win);
    return o;
}

/* The table's bar chart: the top rows (in table order), the rest in a
 * <details>. */
static int table_bars(const xg_mtable *t, FILE *out)
{
    bars b = {.t = t};
    size_t n_in, top;
    b.n_seg = bar_cols(t, b.seg, sizeof(b.seg) / sizeof(b.seg[0]));
    size_t *o = bar_rank(t, b.seg, b.n_seg, &n_in);
    if (!o)
        return -1;
    top = n_in <= XG_HTML_TOP + 1 ? n_in : XG_HTML_TOP;
    qsort(o, top, sizeof(*o), by_index);
    qsort(o + top, n_in - top, sizeof(*o), by_index);
    if (top) {
        fputs("<h3>", out);
        for (size_t j = 0; j < b.n_seg; j++) {
            const xg_col *col = &t->cols[b.seg[j]];
            fputs(j ? ", " : "", out);
            xg_html_escape(out, col->label ? col->label : col->metric);
        }
        fputs(" <span class=\"cap\">&mdash; ", out);
        const char *paren = strstr(t->title, " (");
        xg_html_escape_n(out, t->title, paren ? (size_t)(paren - t->title) : SIZE_MAX);
        fputs("</span></h3>\n", out);
        b.rows = o;
        b.n = top;
        bars_html(&b, out);
    }
    if (n_in > top) {
        fprintf(out, "<details><summary>the other %zu rows</summary>\n",
                n_in - top);
        b.rows = o + top;
        b.n = n_in - top;
        bars_html(&b, out);
        fputs("</details>\n", out);
    }
    free(o);
    return 0;
}

static bool plotted(const xg_mtable *t)
{
    /* a table without a title is JSON's only (e.g. a sum the titled
     * table shows per device): no chart either */
    if (!t->fill || !t->title || (t->flags & XG_TAB_NO_SERIES) || !t->n_rows)
        return false;
    for (size_t c = 0; c < t->n_cols; c++)
        if (t->cols[c].flags & XG_COL_PLOT)
            return true;
    return false;
}

/* A window-only table with plotted columns: a bar chart. */
static bool barred(const xg_mtable *t)
{
    if (!t->title || !(t->flags & XG_TAB_NO_SERIES) || !t->n_rows)
        return false;
    for (size_t c = 0; c < t->n_cols; c++)
        if (t->cols[c].flags & XG_COL_PLOT)
            return true;
    return false;
}

static int section_html(const xg_model *m, const xg_msection *ms, FILE *out)
{
    int rc = 0;
    bool any = false;
    fputs("<section class=\"xg-sec\" id=\"sec-", out);
    xg_html_escape(out, ms->name);
    fputs("\" data-name=\"", out);
    xg_html_escape(out, ms->name);
    fputs("\">\n<h2>", out);
    xg_html_escape(out, ms->name);
    fputs("</h2>\n", out);
    blocks_html(m, ms, out);
    for (size_t i = 0; i < ms->n_blocks && !rc; i++) {
        const xg_mtable *t = ms->blocks[i].table;
        if (ms->blocks[i].kind != XG_BLOCK_TABLE)
            continue;
        if (barred(t)) {
            rc = table_bars(t, out);
            continue;
        }
        if (!plotted(t))
            continue;
        if (!any)
            fputs("<h3 class=\"charts\">over time</h3>\n", out);
        any = true;
        rc = table_charts(t, out);
    }
    fputs("</section>\n", out);
    return rc;
}

static void nav_html(const xg_model *m, FILE *out)
{
    fputs("<nav class=\"card\">sections: ", out);
    for (size_t i = 0; i < m->n_secs; i++)
        xg_html_nav_link(out, m->secs[i].name);
    fputs("</nav>\n", out);
}

void xg_html_nav_link(FILE *out, const char *name)
{
    fputs("<a href=\"#sec-", out);
    xg_html_escape(out, name);
    fputs("\">", out);
    xg_html_escape(out, name);
    fputs("</a>", out);
}

const char *xg_html_color(size_t i)
{
    return palette[i % N_PALETTE];
}

void xg_html_head(FILE *out, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head>"
          "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
          "content=\"width=device-width,initial-scale=1\">\n<title>", out);
    xg_html_escape(out, title);
    fprintf(out, "</title>\n<style>%s</style>\n</head><body>\n"
            "<script>%s</script>\n<main>\n", css, js_errors);
}

void xg_html_tail(FILE *out)
{
    fprintf(out, "</main>\n<script>%s</script>\n</body></html>\n", js_main);
}

int xg_render_html(const xg_model *m, FILE *out)
{
    int rc = 0;
    xg_html_head(out, "xengatherer report");
    xg_html_header(m, "xengatherer report", out);
    if (m->no_interval) {
        fprintf(out, "<p class=\"note\">%s: no interval to report</p>\n",
                m->s->n_ticks ? "only one sample" : "no samples");
    } else {
        nav_html(m, out);
        for (size_t i = 0; i < m->n_secs && !rc; i++)
            rc = section_html(m, &m->secs[i], out);
    }
    if (m->left_out) {
        fputs("<p class=\"note\">note: ", out);
        xg_html_escape(out, m->left_out);
        fputs("</p>\n", out);
    }
    xg_html_tail(out);
    return rc || ferror(out) ? -1 : 0;
}
