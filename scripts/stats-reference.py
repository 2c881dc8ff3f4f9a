#!/usr/bin/env python3
"""Generates the reference values that test/unit/stats*.test.ts check src/shared/stats against.

Independent implementations: mpmath's arbitrary-precision special functions (50 digits) for the distributions, scipy.stats.ttest_ind /
ttest_rel, scipy's own BCa routine fed with fixed bootstrap replicates, numpy.interp, and direct (non-recursive)
re-implementations of the smoothing kernel. The app and the tests never run Python; they read the committed JSON:

    python3 scripts/stats-reference.py > test/fixtures/stats/reference.json
"""
import json
import math
import sys

import mpmath
import numpy as np
import scipy
from scipy import special, stats
from scipy.stats import _resampling

out = {"generator": f"scripts/stats-reference.py with mpmath {mpmath.__version__}, SciPy {scipy.__version__}, NumPy {np.__version__}"}

# --- Student t and normal: mpmath at 50 significant digits ---------------------------------------------------------
# SciPy's own t.cdf loses digits near t = 0 (t.cdf(1e-8, 1) is off by 1.5e-9) and its t.ppf in the far tails, so the
# distribution references come from mpmath's arbitrary-precision incomplete beta instead. Each p is the exact binary
# value of the double the test passes in.
mpmath.mp.dps = 50
MAXD = mpmath.mpf(sys.float_info.max)

def t_upper(t, df):  # P(T > t) for t >= 0, exact
    t, df = mpmath.mpf(t), mpmath.mpf(df)
    try:
        return mpmath.betainc(df / 2, mpmath.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2
    except (ValueError, mpmath.libmp.libhyper.NoConvergence):
        # mpmath gives up only when the value is far below the smallest double; confirm that, then it is 0.
        assert stats.t.sf(float(t), float(df)) < 1e-300, (t, df)
        return mpmath.mpf(0)

def t_cdf(t, df):
    return 1 - t_upper(t, df) if t >= 0 else t_upper(-t, df)

def t_ppf(p, df):
    p = mpmath.mpf(p)
    if p < mpmath.mpf(1) / 2:
        v = t_ppf_upper(p, df)
        return -v
    return t_ppf_upper(1 - p, df)

def t_pdf(t, df):
    t, df = mpmath.mpf(t), mpmath.mpf(df)
    return mpmath.exp(-(df + 1) / 2 * mpmath.log1p(t * t / df)) / (mpmath.sqrt(df) * mpmath.beta(df / 2, mpmath.mpf(1) / 2))

def t_ppf_upper(q, df):
    # t > 0 with P(T > t) = q: Newton in 50-digit arithmetic from SciPy's double-precision start (quadratic
    # convergence: a handful of steps give every digit a double can hold; the last step's size is checked).
    # Newton on u = ln t for ln S(e^u) = ln q: nearly linear in the tails, where S(t) ~ C t^(-df).
    start = float(stats.t.isf(float(q), df))
    u = mpmath.log(start) if math.isfinite(start) and start > 0 else mpmath.log(MAXD)
    for _ in range(200):
        t = mpmath.exp(u)
        s_t = t_upper(t, df)
        step = (mpmath.log(s_t) - mpmath.log(q)) * s_t / (t * t_pdf(t, df))
        u += step
        if abs(step) < mpmath.mpf(10) ** -30:
            return mpmath.exp(u)
    raise RuntimeError(f"no convergence for q={q}, df={df}")

def ibeta(a, b, x):
    try:
        return mpmath.betainc(a, b, 0, x, regularized=True)
    except (ValueError, mpmath.libmp.libhyper.NoConvergence):
        assert special.betainc(a, b, x) < 1e-300, (a, b, x)  # underflow, as in t_upper
        return mpmath.mpf(0)

def num(x):
    return float(x) if abs(x) <= MAXD else (math.inf if x > 0 else -math.inf)

dfs = [0.3, 0.5, 1, 1.5, 2, 3, 4, 5, 9, 10, 17.776, 30, 100, 1000, 1e5, 1e6]
ps = [0.5000001, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9995, 1 - 1e-6, 1 - 1e-10, 1 - 1e-14]
out["tQuantile"] = [{"p": p, "df": df, "t": num(t_ppf(p, df))} for df in dfs for p in ps]
out["tQuantileLower"] = [{"p": p, "df": df, "t": num(t_ppf(p, df))} for df in dfs for p in ([1e-300, 1e-100] if df < 1e5 else []) + [1e-20, 1e-8, 0.001, 0.025]]
ts = [-1e6, -50, -5, -1.8608, -0.1, 0, 1e-8, 0.5, 2, 4.0621, 10, 100, 1e4]
out["tCdf"] = [{"t": t, "df": df, "cdf": num(t_cdf(t, df)), "p2": num(min(1, 2 * t_upper(abs(t), df)))} for df in dfs for t in ts]
zs = [-38, -20, -8, -3, -1.96, -1, -1e-3, 0, 0.5, 1.644853626951, 3, 8]
out["normalCdf"] = [{"z": z, "cdf": num(mpmath.ncdf(z))} for z in zs]
out["normalQuantile"] = [{"p": p, "z": num(-mpmath.sqrt(2) * mpmath.erfinv(1 - 2 * mpmath.mpf(p)) if p > 1e-15 else mpmath.findroot(lambda z: mpmath.ncdf(z) - mpmath.mpf(p), float(stats.norm.ppf(p))))} for p in [1e-300, 1e-50, 1e-10, 1e-5, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999999]]
out["incompleteBeta"] = [
    {"a": a, "b": b, "x": x, "value": num(ibeta(a, b, x))}
    for a, b in [(0.5, 0.5), (1, 1), (2, 3), (0.5, 50), (50, 0.5), (100, 200), (5e5, 0.5)]
    for x in [1e-10, 0.01, 0.3, 0.5, 0.7, 0.99, 0.999999]
]
out["lnGamma"] = [{"x": x, "value": num(mpmath.loggamma(x))} for x in [1e-8, 0.1, 0.5, 1, 1.5, 2, 3.7, 10, 100, 1e5, 1e10]]
out["lnBeta"] = [{"a": a, "b": b, "value": num(mpmath.log(mpmath.beta(a, b)))} for a, b in [(0.5, 0.5), (3, 4), (5e5, 0.5), (1e6, 20), (50, 60), (1e8, 1e8)]]

# --- two-sample tests on pseudo-random data -------------------------------------------------------------------------
rng = np.random.RandomState(20261128)
cases = []
for na, nb, sa, sb, shift in [(5, 5, 1.0, 1.0, 0.5), (3, 8, 0.1, 2.0, -1.0), (2, 2, 1.0, 3.0, 0.0), (20, 7, 0.01, 0.03, 0.02), (50, 50, 5.0, 5.0, 0.1), (4, 6, 1e-4, 1e-4, 1e-4)]:
    a = rng.normal(1.0 + shift, sa, na)
    b = rng.normal(1.0, sb, nb)
    w = stats.ttest_ind(a, b, equal_var=False)
    ci = w.confidence_interval(0.95)
    m = na + nb - 2
    sp = math.sqrt(((na - 1) * np.var(a, ddof=1) + (nb - 1) * np.var(b, ddof=1)) / m)
    j = math.exp(special.gammaln(m / 2) - special.gammaln((m - 1) / 2)) / math.sqrt(m / 2)
    case = {
        "a": a.tolist(), "b": b.tolist(),
        "welch": {"t": float(w.statistic), "df": float(w.df), "p": float(w.pvalue), "ci95": [float(ci.low), float(ci.high)]},
        "hedgesG": j * (a.mean() - b.mean()) / sp,
        "describeA": {"mean": float(a.mean()), "sd": float(a.std(ddof=1)),
                      "ci95": [float(x) for x in stats.t.interval(0.95, na - 1, loc=a.mean(), scale=stats.sem(a))]},
    }
    if na == nb:
        r = stats.ttest_rel(a, b)
        rci = r.confidence_interval(0.95)
        case["paired"] = {"t": float(r.statistic), "df": float(r.df), "p": float(r.pvalue), "ci95": [float(rci.low), float(rci.high)]}
    cases.append(case)
out["twoSample"] = cases

# --- BCa from fixed replicates (SciPy's own routine computes alpha_1, alpha_2 and the acceleration) ---------------
bca_cases = []
for na, nb in [(6, 9), (12, 12)]:
    a = rng.exponential(1.0, na)
    b = rng.exponential(1.5, nb)
    reps = np.array([rng.choice(a, na).mean() - rng.choice(b, nb).mean() for _ in range(2000)])
    stat = lambda x, y, axis=-1: np.mean(x, axis=axis) - np.mean(y, axis=axis)
    a1, a2, ahat = _resampling._bca_interval((a, b), stat, -1, 0.025, reps, None, np)
    a1, a2 = float(np.asarray(a1)), float(np.asarray(a2))
    theta = a.mean() - b.mean()
    jack = [[float(np.delete(a, i).mean() - b.mean()) for i in range(na)], [float(a.mean() - np.delete(b, i).mean()) for i in range(nb)]]
    bca_cases.append({
        "a": a.tolist(), "b": b.tolist(), "estimate": float(theta), "replicates": reps.tolist(), "jackknife": jack,
        "acceleration": float(np.asarray(ahat)),
        "bca": [float(np.percentile(reps, a1 * 100)), float(np.percentile(reps, a2 * 100))],
        "percentile": [float(np.percentile(reps, 2.5)), float(np.percentile(reps, 97.5))],
    })
out["bca"] = bca_cases

# --- curves: numpy.interp inside each run's range, t band across runs ---------------------------------------------
runs = [
    {"x": [0, 1, 2, 3, 4, 5], "y": [1.0, 0.8, 0.6, 0.5, 0.45, 0.42]},
    {"x": [0, 2, 4, 6], "y": [1.1, 0.7, 0.5, 0.4]},
    {"x": [0.5, 1.5, 2.5, 3.5], "y": [0.9, 0.75, 0.6, 0.55]},
]
grid = [0, 0.5, 1, 1.25, 2, 3, 3.5, 4, 5, 6]
interp = [[float(np.interp(g, r["x"], r["y"])) if r["x"][0] <= g <= r["x"][-1] else None for g in grid] for r in runs]
band = {"n": [], "mean": [], "sd": [], "lo": [], "hi": []}
for i in range(len(grid)):
    ys = np.array([v[i] for v in interp if v[i] is not None])
    band["n"].append(len(ys))
    band["mean"].append(float(ys.mean()) if len(ys) else None)
    if len(ys) >= 2:
        lo, hi = stats.t.interval(0.95, len(ys) - 1, loc=ys.mean(), scale=stats.sem(ys))
        band["sd"].append(float(ys.std(ddof=1))); band["lo"].append(float(lo)); band["hi"].append(float(hi))
    else:
        band["sd"].append(None); band["lo"].append(None); band["hi"].append(None)
out["curves"] = {"runs": runs, "grid": grid, "interp": interp, "band": band}

# --- smoothing ------------------------------------------------------------------------------------------------------
def tensorboard(ys, w):
    # Transcription of TensorBoard's resmoothDataset (vz_line_chart2/line-chart.ts).
    last, num, res = 0.0, 0, []
    const = all(v == ys[0] for v in ys)
    for v in ys:
        if const or not math.isfinite(v):
            res.append(v)
            continue
        last = last * w + (1 - w) * v
        num += 1
        res.append(last / (1 - w ** num if w != 1 else 1))
    return res

def kernel(xs, ys, w, scale):
    # Direct sum: point j holds over (x_{j-1}, x_j] (the first over one scale before it); weights are the exponential
    # kernel's mass over that interval, seen from x_k.
    tau = -scale / math.log(w)
    res = []
    for k in range(len(xs)):
        num = den = 0.0
        for j in range(k + 1):
            width = scale if j == 0 else xs[j] - xs[j - 1]
            mass = math.exp(-(xs[k] - xs[j]) / tau) * (1 - math.exp(-width / tau))
            num += mass * ys[j]
            den += mass
        res.append(num / den)
    return res

noisy = (np.sin(np.arange(40) / 5) + rng.normal(0, 0.3, 40)).tolist()
irregular_x = np.cumsum(rng.uniform(0.1, 3.0, 25)).tolist()
irregular_y = (np.exp(-np.array(irregular_x) / 20) + rng.normal(0, 0.05, 25)).tolist()
# Non-finite values pass through; the finite ones are smoothed at their own x (index), so a point after a gap holds
# over the gap.
gappy = [1.0, 2.0, float("nan"), 4.0, float("inf"), 3.0]
finite_idx = [i for i, v in enumerate(gappy) if math.isfinite(v)]
finite_smoothed = dict(zip(finite_idx, kernel(finite_idx, [gappy[i] for i in finite_idx], 0.6, 1.0)))
gappy_smoothed = [finite_smoothed.get(i, v) for i, v in enumerate(gappy)]
out["smoothing"] = {
    "tensorboard": [{"weight": w, "y": noisy, "smoothed": tensorboard(noisy, w)} for w in [0.0, 0.3, 0.6, 0.9, 0.99]],
    "tensorboardNaN": {"weight": 0.6, "y": gappy, "smoothed": gappy_smoothed},
    "kernel": [{"weight": w, "scale": s, "x": irregular_x, "y": irregular_y, "smoothed": kernel(irregular_x, irregular_y, w, s)} for w, s in [(0.6, 1.0), (0.9, 2.5), (0.99, 0.5)]],
}

def plain(v):
    # JSON has no NaN or Infinity: non-finite numbers travel as the strings "NaN", "Infinity", "-Infinity".
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v

json.dump(plain(out), sys.stdout, indent=1, allow_nan=False)
sys.stdout.write("\n")
