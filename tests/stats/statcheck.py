#!/usr/bin/python3
"""statcheck.py — src/stats/stats.c against scipy.stats, the oracle.

Usage: /usr/bin/python3 statcheck.py path/to/statcheck

Generates seeded random cases (t tails and quantiles over df 0.3..1e6,
fractional df; summaries, Welch's t and Mann-Whitney U on samples of
1..200 values, with ties, zero variance and NaN), runs the C driver once
on all of them, and compares every figure with scipy: relative 1e-9 (p:
1e-9 relative or 1e-12 absolute). Then the synthetic power checks: the
verdict on same-vs-same and on a shift of two standard deviations.
Fails (exit 1) on any mismatch, and when scipy is missing: deps.sh
installs python3-scipy, so its absence is an error, not a skip."""
import math
import subprocess
import sys
import warnings

try:
    import numpy as np
    from scipy import stats
except ImportError as e:  # not a skip: deps.sh installs python3-scipy
    sys.exit(f"statcheck: scipy is missing ({e}); run scripts/deps.sh")

# numpy and scipy warn on the references of constant or nearly constant
# samples (their cases are checked against the decisions, not scipy)
warnings.simplefilter("ignore", RuntimeWarning)

REL = 1e-9
P_ABS = 1e-12
ALPHA = 0.05
NONE, WELCH, MWU = 0, 1, 2
V_NONE, V_SAME, V_HIGHER, V_LOWER = 0, 1, 2, 3


class Checker:
    def __init__(self):
        self.cmds = []      # input lines for the driver
        self.checks = []    # one function per line, given the output line
        self.failures = []
        self.worst = {}     # category -> (relative error, case)
        self.counts = {}
        self.scipy_ppf_worse = 0

    def add(self, line, fn, category):
        self.cmds.append(line)
        self.checks.append((fn, category, line))

    def close(self, cat, got, want, rel=REL, abs_=0.0, what=""):
        """got ~ want; NaN matches NaN, inf matches the same inf."""
        if math.isnan(want) or math.isnan(got):
            ok = math.isnan(want) and math.isnan(got)
            err = 0.0 if ok else math.inf
        elif math.isinf(want) or math.isinf(got):
            ok = got == want
            err = 0.0 if ok else math.inf
        else:
            d = abs(got - want)
            err = d / abs(want) if want != 0 else (0.0 if d == 0 else d)
            ok = d <= max(rel * abs(want), abs_)
            if abs_ and d <= abs_:
                err = min(err, d / abs_ * rel)  # within the absolute bound
        if err > self.worst.get(cat, (-1,))[0]:
            self.worst[cat] = (err, what, self.line)
        if not ok:
            raise AssertionError(f"{what}: got {got!r}, scipy {want!r}")

    def run(self, driver):
        inp = "\n".join(self.cmds) + "\n"
        out = subprocess.run([driver], input=inp, capture_output=True,
                             text=True, check=True).stdout.splitlines()
        if len(out) != len(self.cmds):
            sys.exit(f"statcheck: {len(out)} lines for {len(self.cmds)}")
        for (fn, cat, line), res in zip(self.checks, out):
            self.line = line
            self.counts[cat] = self.counts.get(cat, 0) + 1
            try:
                fn(res.split())
            except AssertionError as e:
                self.failures.append(f"[{cat}] {e}\n    input: {line[:200]}")


def fmt(v):
    return " ".join(repr(float(x)) for x in v)


def vec(v):
    return f"{len(v)} {fmt(v)}"


def finite(v):
    v = np.asarray(v, dtype=float)
    return v[np.isfinite(v)]


# ---------- the t distribution ----------

DFS = [1, 2, 3, 5, 10, 30, 200, 1e3, 1e4, 1e5, 1e6, 0.3, 0.5, 1.5, 2.5]


def t_cases(c, rng):
    dfs = DFS + list(np.exp(rng.uniform(math.log(0.5), math.log(1e6), 60)))
    for df in dfs:
        ts = list(rng.normal(0, 3, 6)) + list(np.exp(rng.uniform(-20, 6, 6)))
        ts += [-t for t in ts[-3:]] + [0.0]
        for t in ts:
            want = stats.t.sf(t, df)
            c.add(f"sf {t!r} {df!r}",
                  lambda r, w=want, t=t, df=df: c.close(
                      "t.sf", float(r[0]), w, abs_=0 if w < 1e-3 else P_ABS,
                      what=f"t.sf({t!r}, {df!r})"), "t.sf")
        ps = list(np.exp(rng.uniform(math.log(1e-12), math.log(0.5), 8)))
        ps += [0.025, 0.975, 0.005, 0.995, 0.5] + [1 - p for p in ps[:3]]
        for p in ps:
            c.add(f"q {p!r} {df!r}", lambda r, p=p, df=df: check_q(
                c, float(r[0]), p, df), "t.ppf")
    for z in list(rng.normal(0, 3, 50)) + [0.0, 8.0, 20.0, 37.0, -5.0]:
        want = stats.norm.sf(z)
        c.add(f"norm {z!r}", lambda r, w=want, z=z: c.close(
            "norm.sf", float(r[0]), w, what=f"norm.sf({z!r})"), "norm.sf")


def ppf_ref(p, df):
    """scipy's t.ppf polished by Newton steps on scipy's t.cdf / t.sf:
    scipy 1.10's t.ppf is only good to ~1e-9 (t.ppf(0.95, 4) is
    2.13184678133629; the closed form gives 2.1318467863266495), its
    t.sf and t.pdf to ~1e-15."""
    t = float(stats.t.ppf(p, df))
    for _ in range(4):
        if not math.isfinite(t) or stats.t.pdf(t, df) == 0:
            break
        if p < 0.5:
            t -= (stats.t.cdf(t, df) - p) / stats.t.pdf(t, df)
        else:
            t += (stats.t.sf(t, df) - (1 - p)) / stats.t.pdf(t, df)
    return t


def check_q(c, got, p, df):
    """The quantile against the polished scipy value; counts how often
    scipy's own t.ppf is further than 1e-9 from it."""
    want = ppf_ref(p, df)
    raw = float(stats.t.ppf(p, df))
    if abs(raw - want) > max(1e-9 * abs(want), 1e-12):
        c.scipy_ppf_worse += 1
    c.close("t.ppf", got, want, abs_=1e-12, what=f"t.ppf({p!r}, {df!r})")


# ---------- samples ----------

def sample(rng, n, kind):
    """n values: normal, rounded (ties), constant, or with NaN."""
    mu, sd = rng.uniform(-5, 100), math.exp(rng.uniform(-3, 3))
    v = rng.normal(mu, sd, n)
    if kind == "ties":
        v = np.round(v / sd * 2) * sd / 2
    elif kind == "const":
        v = np.full(n, round(mu, 3))
    elif kind == "nan" and n:
        v[rng.integers(0, n, max(1, n // 4))] = math.nan
    return v


def ci_scale(mean, half):
    return abs(mean) + abs(half)


def check_summary(c, r, v, conf):
    f = finite(v)
    n = len(f)
    assert int(r[0]) == n, f"n {r[0]} != {n}"
    got = [float(x) for x in r[1:]]
    mean = f.mean() if n else math.nan
    sd = f.std(ddof=1) if n > 1 else math.nan
    if n > 1:
        h = ppf_ref((1 + conf) / 2, n - 1) * sd / math.sqrt(n)
        lo, hi = mean - h, mean + h
    else:
        lo = hi = math.nan
    med = float(np.median(f)) if n else math.nan
    mad = float(np.median(abs(f - med))) if n else math.nan
    cv = sd / abs(mean) * 100 if n > 1 and mean != 0 else math.nan
    scale = ci_scale(mean, (hi - lo) / 2) if n > 1 else 0
    w = f"summary n={n}"
    c.close("summary.mean", got[0], mean, abs_=1e-12 * abs(mean), what=w)
    const = n > 1 and f.min() == f.max()
    if const:  # decided: sd 0 exactly (numpy may say 1e-17)
        assert got[1] == 0 and got[2] == got[3] == got[0], f"{w}: const"
    else:
        c.close("summary.sd", got[1], sd, what=w)
        c.close("summary.ci", got[2], lo, abs_=REL * scale, what=w)
        c.close("summary.ci", got[3], hi, abs_=REL * scale, what=w)
        c.close("summary.cv", got[6], cv, what=w)
    c.close("summary.minmax", got[4], f.min() if n else math.nan, what=w)
    c.close("summary.minmax", got[5], f.max() if n else math.nan, what=w)
    c.close("summary.median", got[7], med, abs_=1e-15 * abs(med), what=w)
    c.close("summary.mad", got[8], mad, abs_=1e-12 * (abs(med) + mad),
            what=w)


def check_outliers(c, r, v):
    f = np.asarray(v, dtype=float)
    fin = finite(f)
    med = np.median(fin) if len(fin) else math.nan
    mad = np.median(abs(fin - med)) if len(fin) else math.nan
    want = []
    if len(fin) >= 5 and mad > 0:  # XG_STATS_MIN_N values at least
        z = 0.6745 * (f - med) / mad
        want = [i for i in range(len(f))
                if math.isfinite(f[i]) and abs(z[i]) > 3.5
                and abs(abs(z[i]) - 3.5) > 1e-9]
        near = [i for i in range(len(f)) if math.isfinite(f[i])
                and abs(abs(z[i]) - 3.5) <= 1e-9]
    else:
        near = []
    got = [int(x) for x in r[1:]]
    assert int(r[0]) == len(got), "count != flags"
    assert set(want) <= set(got) <= set(want) | set(near), \
        f"outliers {got} != {want}"


def welch_ref(a, b):
    """scipy's Welch t (of B - A), p, and the df and interval by hand."""
    res = stats.ttest_ind(b, a, equal_var=False)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    diff = b.mean() - a.mean()
    h = ppf_ref(1 - ALPHA / 2, df) * math.sqrt(va + vb)
    return float(res.statistic), float(res.pvalue), df, diff - h, diff + h


def verdict_ok(kind, p, direction, verdict):
    if p < ALPHA and direction != 0:
        return verdict == (V_HIGHER if direction > 0 else V_LOWER)
    return verdict == V_SAME


def check_two(c, r, a, b, mwu):
    fa, fb = finite(a), finite(b)
    kind, na, nb = int(r[0]), int(r[1]), int(r[2])
    g = [float(x) for x in r[3:11]]  # mean_a mean_b diff lo hi stat df p
    verdict = int(r[11])
    assert (na, nb) == (len(fa), len(fb)), f"n {na},{nb}"
    cat = "mwu" if mwu else "welch"
    if len(fa) < 2 or len(fb) < 2:  # decided: no test
        assert kind == NONE and math.isnan(g[7]) and verdict == V_NONE, \
            f"{cat} with n {na},{nb}: kind {kind} p {g[7]}"
        return
    assert kind == (MWU if mwu else WELCH), f"kind {kind}"
    const = fa.min() == fa.max() and fb.min() == fb.max()
    w = f"{cat} na={na} nb={nb}"
    if const and mwu:  # decided: Welch's interval is the point diff
        assert g[3] == g[4] == g[2], f"{w} zero variance: interval"
    if const and not mwu:  # decided: p 1 when equal, 0 when not
        d = fb[0] - fa[0]
        want_p = 1.0 if d == 0 else 0.0
        assert g[7] == want_p, f"{w} zero variance: p {g[7]}"
        assert verdict == (V_SAME if d == 0 else
                           V_HIGHER if d > 0 else V_LOWER), f"{w} verdict"
        return
    t, p, df, lo, hi = welch_ref(fa, fb)
    if not const:
        scale = abs(fb.mean() - fa.mean()) + abs(hi - lo) / 2
        c.close(cat + ".ci", g[3], lo, abs_=REL * scale, what=w)
        c.close(cat + ".ci", g[4], hi, abs_=REL * scale, what=w)
    if mwu:
        res = stats.mannwhitneyu(fa, fb, alternative="two-sided",
                                 method="asymptotic", use_continuity=True)
        c.close("mwu.U", g[5], float(res.statistic), what=w)
        c.close("mwu.p", g[7], float(res.pvalue), abs_=P_ABS, what=w)
        direction = np.sign(len(fa) * len(fb) / 2 - res.statistic)
    else:
        c.close("welch.t", g[5], t, abs_=1e-12, what=w)
        c.close("welch.df", g[6], df, what=w)
        c.close("welch.p", g[7], p, abs_=P_ABS, what=w)
        direction = np.sign(t)
    assert verdict_ok(kind, g[7], direction, verdict), \
        f"{w}: verdict {verdict} with p {g[7]}"


SIZES = [0, 1, 2, 3, 5, 10, 30, 200]


def sample_cases(c, rng):
    kinds = ["normal", "ties", "const", "nan"]
    for i in range(400):
        na, nb = (int(rng.choice(SIZES)) for _ in range(2))
        ka, kb = (kinds[int(rng.integers(0, 4))] for _ in range(2))
        if i % 8 == 0:
            ka = kb = "const"
        a, b = sample(rng, na, ka), sample(rng, nb, kb)
        if i % 3 == 0 and ka != "const":  # B near A: p anywhere
            b = a[: nb] + rng.normal(0, 0.3, len(a[: nb])) * np.nanstd(a)
        conf = float(rng.choice([0.9, 0.95, 0.99]))
        c.add(f"summary {conf!r} {vec(a)}",
              lambda r, a=a, conf=conf: check_summary(c, r, a, conf),
              "summary")
        c.add(f"outliers {vec(a)}", lambda r, a=a: check_outliers(c, r, a),
              "outliers")
        for mwu in (False, True):
            c.add(f"{'mwu' if mwu else 'welch'} {ALPHA!r} {vec(a)} {vec(b)}",
                  lambda r, a=a, b=b, m=mwu: check_two(c, r, a, b, m),
                  "mwu" if mwu else "welch")


# ---------- synthetic power ----------

def power_cases(c, rng, tally):
    """20 draws each: same vs same and a shift of 2 sd; Welch at N=10,
    Mann-Whitney at N=60 on interval-like values (log-normal seconds
    rounded to the millisecond)."""
    def welch_draw(shift):
        return rng.normal(10, 1, 10), rng.normal(10 + 2 * shift, 1, 10)

    def interval_draw(shift):
        a = np.round(rng.lognormal(0, 0.1, 60), 3)
        sd = 0.1  # ~ the sd of a log-normal(0, 0.1)
        return a, np.round(rng.lognormal(0, 0.1, 60) + 2 * sd * shift, 3)

    for name, draw, test in (("welch N=10", welch_draw, "welch"),
                             ("mwu N=60", interval_draw, "mwu")):
        for shift in (0, 1):
            key = (name, "same" if shift == 0 else "+2 sd")
            tally[key] = [0, 0]
            for _ in range(20):
                a, b = draw(shift)
                c.add(f"{test} {ALPHA!r} {vec(a)} {vec(b)}",
                      lambda r, k=key: tally_verdict(tally, k, int(r[11])),
                      "power")


def tally_verdict(tally, key, verdict):
    want = V_SAME if key[1] == "same" else V_HIGHER
    tally[key][0] += verdict == want
    tally[key][1] += 1


def calibration_cases(c, rng, fp):
    """2000 same-vs-same draws for each power case: the false-positive
    rate, which 20 draws cannot pin down (at alpha 0.05, 2 or more false
    positives in 20 honest draws happen 26 % of the time)."""
    def interval():
        return np.round(rng.lognormal(0, 0.1, 60), 3)

    for test in ("welch", "mwu"):
        fp[test] = []
        for _ in range(2000):
            if test == "welch":
                a, b = rng.normal(0, 1, 10), rng.normal(0, 1, 10)
            else:
                a, b = interval(), interval()
            c.add(f"{test} {ALPHA!r} {vec(a)} {vec(b)}",
                  lambda r, t=test: fp[t].append(int(r[11]) != V_SAME),
                  "calibration")


def report_power(tally, fp):
    """Prints the counts; True when they are as they should be: a shift
    of 2 sd found in 19 of 20 draws or more, same-vs-same called the same
    in 17 of 20 or more (a 1.6 % chance to fail for an exact 5 % test),
    and a false-positive rate within 3 sigma of alpha over 2000 draws."""
    ok = True
    for key, (good, total) in tally.items():
        print(f"  power {key[0]} {key[1]}: {good}/{total} as expected")
        ok &= good >= (19 if key[1] != "same" else 17)
    for test, hits in fp.items():
        rate = sum(hits) / len(hits)
        print(f"  {test} same-vs-same false positives at alpha {ALPHA}: "
              f"{sum(hits)}/{len(hits)} = {rate:.4f}")
        ok &= 0.035 <= rate <= 0.065  # 0.05 +- 3.1 sigma
    return ok


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: statcheck.py path/to/statcheck [worst]")
    rng = np.random.default_rng(14)
    c = Checker()
    tally, fp = {}, {}
    t_cases(c, rng)
    sample_cases(c, rng)
    power_cases(c, rng, tally)
    calibration_cases(c, rng, fp)
    c.run(sys.argv[1])
    for f in c.failures[:30]:
        print("FAIL", f)
    print(f"checked {len(c.cmds)} cases:",
          ", ".join(f"{k} {v}" for k, v in sorted(c.counts.items())))
    for k, (err, what, _) in sorted(c.worst.items()):
        print(f"  worst relative error {k}: {err:.3g} ({what})")
    print(f"  scipy's raw t.ppf off its polished value by more than 1e-9 in"
          f" {c.scipy_ppf_worse} of {c.counts.get('t.ppf', 0)} quantiles")
    if len(sys.argv) > 2:  # statcheck.py DRIVER worst: the worst inputs
        for k, (err, what, line) in sorted(c.worst.items()):
            print(f"worst {k}: {line}")
    power_ok = report_power(tally, fp)
    if c.failures or not power_ok:
        print(f"statcheck: {len(c.failures)} mismatches"
              + ("" if power_ok else ", power or false-positive rate off"))
        return 1
    print("statcheck: all agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
