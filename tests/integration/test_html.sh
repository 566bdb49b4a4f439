#!/bin/bash
# test_html.sh — report.html of a real run (a CPU burner and a 64 MiB writer
# in two cgroups) as a person sees it: rendered by headless Chromium to a
# PNG and to its DOM. No console error (nor one the page's own error hook
# wrote into the DOM), nothing fetched, a chart in every section with
# figures, a line
# per domain in the CPU chart, and the burner's plotted CPU near 100 % of
# one CPU while it burned (at nice -10, so other work on the machine does
# not starve it).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
chrome=$(command -v chromium || command -v chromium-browser) ||
    skip "chromium is not installed (scripts/deps.sh installs it)"
burn=machine.slice/xg-html-burn-$$
write=machine.slice/xg-html-write-$$
cg_make "$burn"
cg_make "$write"
out=$TMP/out
"$XG" run --platform cgroup -q --cgroup "$burn" --cgroup "$write" \
    $(blkio_flag) --exec local -i 0.25 -d 7 -o "$out" \
    -- nice -n -10 "$here/load.sh" 5 "$TMP" > /dev/null || fail "run exited $?"
html=$out/report.html
[ -s "$html" ] || fail "report.html not written"
# report --format html makes the same page from the recording
"$XG" report --format html "$out" > "$TMP/again.html" || fail "report --format html exited $?"
cmp -s "$html" "$TMP/again.html" || fail "report --format html differs from report.html"
grep -qiE '(src|href)="(https?:)?//' "$html" && fail "report.html refers to the network"

ticks=$(cat "$TMP/burn.ticks") || fail "burner did not report its CPU"
own_s=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN{print t/hz}')

# Chromium, offline: no proxy, no network service it could reach
run_chrome() {
    "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$TMP/chrome" --no-first-run --disable-extensions \
        --proxy-server='http://127.0.0.1:9' --enable-logging=stderr --v=0 \
        --virtual-time-budget=3000 "$@" "file://$html"
}
run_chrome --window-size=1000,2400 --screenshot="$TMP/report.png" \
    > /dev/null 2> "$TMP/chrome-shot.log" || fail "chromium --screenshot exited $?: $(tail -5 "$TMP/chrome-shot.log")"
run_chrome --dump-dom > "$TMP/dom.html" 2> "$TMP/chrome-dom.log" ||
    fail "chromium --dump-dom exited $?: $(tail -5 "$TMP/chrome-dom.log")"
png=$(stat -c %s "$TMP/report.png" 2>/dev/null || echo 0)
[ "$png" -gt 20000 ] || fail "screenshot is $png bytes"
head -c 8 "$TMP/report.png" | od -An -tx1 | grep -q '89 50 4e 47' || fail "screenshot is not a PNG"
if grep -E 'CONSOLE|Uncaught' "$TMP/chrome-shot.log" "$TMP/chrome-dom.log" | grep -iE 'error|uncaught'; then
    fail "console errors (above)"
fi

python3 - "$TMP/dom.html" "xg-html-burn-$$" "xg-html-write-$$" "$own_s" <<'PY' || fail "the DOM (above)"
import json, sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections = []   # [name, charts]
        self.data = []       # (section, chart JSON)
        self.in_data = False
        self.buf = ''
        self.js_errors = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'body':
            self.js_errors = a.get('data-js-errors')
        if tag == 'section' and 'xg-sec' in a.get('class', ''):
            self.sections.append([a.get('data-name'), 0, False])
        self.in_num = tag == 'td' and a.get('class') == 'n' and self.sections
        if tag == 'svg' and 'xg-chart' in a.get('class', '') and self.sections:
            self.sections[-1][1] += 1
        if tag == 'script' and 'xg-data' in a.get('class', ''):
            self.in_data, self.buf = True, ''
    def handle_data(self, d):
        if getattr(self, 'in_num', False) and d.strip() not in ('', '-'):
            self.sections[-1][2] = True   # a measured figure in a table
        if self.in_data:
            self.buf += d
    def handle_endtag(self, tag):
        if tag == 'script' and self.in_data:
            self.in_data = False
            self.data.append((self.sections[-1][0], json.loads(self.buf)))

d = Dom()
d.feed(open(sys.argv[1]).read())
burn, write, own_s = sys.argv[2], sys.argv[3], float(sys.argv[4])
bad = []
if d.js_errors:
    bad.append('the page reported JS errors: ' + d.js_errors)
names = [s[0] for s in d.sections]
print('sections and their charts:', d.sections)
if 'cpu' not in names:
    bad.append('no cpu section')
# a section with a measured figure has a chart (CACHE without counters,
# SCHED off Xen are a note only)
bad += ['section %s has figures but no chart' % n for n, c, f in d.sections if f and not c]
cpu = [j for s, j in d.data if s == 'cpu' and j['metric'] == 'cpu_pct']
if not cpu:
    bad.append('no cpu_pct chart')
else:
    c = cpu[0]
    series = {s['name']: s for s in c['series']}
    print('cpu_pct lines:', sorted(series))
    for n in (burn, write, 'host'):
        if n not in series:
            bad.append('no line for %s in the CPU chart' % n)
    wl = [w for w in c['workloads'] if w['name'] == burn]
    if burn in series and wl and wl[0]['start'] is not None and wl[0]['end'] is not None:
        a, b = wl[0]['start'] + 1, wl[0]['end'] - 1
        own = own_s / (wl[0]['end'] - wl[0]['start']) * 100
        print('burner: %.1f %% of one CPU by its own count' % own)
        if own < 80:
            bad.append('the burner got only %.1f %% of a CPU by its own count: '
                       'the machine is starved' % own)
        vals = []
        for x, v in zip(c['x'], series[burn]['v']):
            if v is None or not a <= x <= b:
                continue
            vals.append(sum(v) / 2 if isinstance(v, list) else v)
        if len(vals) < 4:
            bad.append('only %d burner points in %.2f-%.2f s' % (len(vals), a, b))
        else:
            mean = sum(vals) / len(vals)
            print('burner plotted from %.2f to %.2f s: %d points, mean %.1f %%, min %.1f, max %.1f'
                  % (a, b, len(vals), mean, min(vals), max(vals)))
            if not 80 <= mean <= 105:
                bad.append('burner plotted at %.1f %% of one CPU, expected 80-105' % mean)
    else:
        bad.append('no workload start/end for the burner in the CPU chart')
for m in bad:
    print('FAIL:', m, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
# XG_HTML_KEEP=DIR: keeps the page and its screenshot there (for docs/)
[ -n "${XG_HTML_KEEP:-}" ] && cp "$html" "$TMP/report.png" "$XG_HTML_KEEP"/
echo "PASS"
