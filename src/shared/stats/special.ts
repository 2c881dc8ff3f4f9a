/**
 * Special functions and the two distributions the statistics need: Student's t and the standard normal.
 *
 * Everything is computed from two classical building blocks, both evaluated with the modified Lentz algorithm for
 * continued fractions (Press et al., Numerical Recipes, 3rd ed., §5.2, §6.2, §6.4):
 * - the regularized incomplete beta function I_x(a, b), which gives the t distribution;
 * - the regularized incomplete gamma function P(a, x) / Q(a, x), which gives erf/erfc and so the normal distribution.
 * Quantiles are found by a safeguarded Newton iteration on an accurate CDF, so their accuracy is that of the CDF
 * (relative error around 1e-13 in tests against SciPy), for any degrees of freedom from well below 1 to Infinity.
 */

const EPS = 1e-16
const TINY = 1e-300
const MAX_ITER = 100_000

// Lanczos approximation, g = 7, n = 9 (the widely used coefficient set; relative error below 1e-15 for x > 0).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
]

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma needs x > 0, got ${x}`)
  if (x < 0.5) {
    // Reflection keeps the Lanczos series in its accurate range: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x)
  }
  const z = x - 1
  let sum = LANCZOS[0] as number
  for (let i = 1; i < 9; i++) sum += (LANCZOS[i] as number) / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

// Bernoulli terms of Stirling's series for ln Γ: B_2k / (2k(2k − 1)), k = 1…8.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400]

/**
 * The remainder of Stirling's formula, ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π], for x ≥ 10, where eight terms of the
 * asymptotic series reach double precision. Differences of ln Γ at large arguments are taken through it, so that
 * ln Γ(a) − ln Γ(a + ½) for a = 10⁶ does not lose nine digits to cancellation.
 */
function stirlingRemainder(x: number): number {
  const x2 = 1 / (x * x)
  let sum = 0
  for (let k = STIRLING.length - 1; k >= 0; k--) sum = sum * x2 + (STIRLING[k] as number)
  return sum / x
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), arranged as in R's lbeta (nmath/lbeta.c) so that it stays accurate
 * when a or b is large: the large parts cancel analytically instead of numerically.
 */
export function lnBeta(a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`lnBeta needs a > 0 and b > 0, got a=${a}, b=${b}`)
  const p = Math.min(a, b)
  const q = Math.max(a, b)
  if (p >= 10) {
    const corr = stirlingRemainder(p) + stirlingRemainder(q) - stirlingRemainder(p + q)
    return -0.5 * Math.log(q) + 0.5 * Math.log(2 * Math.PI) + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q))
  }
  if (q >= 10) {
    const corr = stirlingRemainder(q) - stirlingRemainder(p + q)
    return lnGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q))
  }
  return lnGamma(p) + lnGamma(q) - lnGamma(p + q)
}

/** Continued fraction for I_x(a, b) (Numerical Recipes betacf), evaluated with the modified Lentz method. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b
  const qap = a + 1
  const qam = a - 1
  let c = 1
  let d = 1 - (qab * x) / qap
  if (Math.abs(d) < TINY) d = TINY
  d = 1 / d
  let h = d
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < EPS) return h
  }
  throw new Error(`Incomplete beta continued fraction did not converge (a=${a}, b=${b}, x=${x})`)
}

/**
 * Regularized incomplete beta I_x(a, b) and its complement 1 − I_x(a, b), both computed without cancellation.
 * `y` must be 1 − x, passed separately so callers that know it exactly (e.g. t²/(ν + t²)) do not lose digits.
 */
export function incompleteBeta(a: number, b: number, x: number, y: number = 1 - x): { lower: number; upper: number } {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`incompleteBeta needs a > 0 and b > 0, got a=${a}, b=${b}`)
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incompleteBeta needs 0 ≤ x ≤ 1, got ${x}`)
  if (x === 0) return { lower: 0, upper: 1 }
  if (y === 0) return { lower: 1, upper: 0 }
  // ln x and ln y from whichever of x, y is small (and so exact to the last bit): with a = 5·10⁵, a·ln x must not
  // inherit the rounding of x itself.
  return incompleteBetaLog(a, b, x, y, x > 0.5 ? Math.log1p(-y) : Math.log(x), y > 0.5 ? Math.log1p(-x) : Math.log(y))
}

/** incompleteBeta with ln x and ln y supplied, so x may underflow to 0 (t beyond 1e154) without losing the result. */
function incompleteBetaLog(a: number, b: number, x: number, y: number, lnX: number, lnY: number): { lower: number; upper: number } {
  const front = Math.exp(a * lnX + b * lnY - lnBeta(a, b))
  // The continued fraction converges fast for x < (a+1)/(a+b+2); otherwise use the symmetry I_x(a,b) = 1 − I_y(b,a).
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (front * betaContinuedFraction(a, b, x)) / a
    return { lower, upper: 1 - lower }
  }
  const upper = (front * betaContinuedFraction(b, a, y)) / b
  return { lower: 1 - upper, upper }
}

/** Regularized incomplete gamma P(a, x) and Q(a, x) = 1 − P(a, x) (Numerical Recipes gser / gcf). */
export function incompleteGamma(a: number, x: number): { lower: number; upper: number } {
  if (!(a > 0)) throw new RangeError(`incompleteGamma needs a > 0, got ${a}`)
  if (!(x >= 0)) throw new RangeError(`incompleteGamma needs x ≥ 0, got ${x}`)
  if (x === 0) return { lower: 0, upper: 1 }
  if (x === Infinity) return { lower: 1, upper: 0 }
  const lnFront = -x + a * Math.log(x) - lnGamma(a)
  if (x < a + 1) {
    // Series: P(a,x) = e^{−x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n)).
    let ap = a
    let term = 1 / a
    let sum = term
    for (let n = 0; n < MAX_ITER; n++) {
      ap += 1
      term *= x / ap
      sum += term
      if (Math.abs(term) < Math.abs(sum) * EPS) {
        const lower = sum * Math.exp(lnFront)
        return { lower, upper: 1 - lower }
      }
    }
    throw new Error(`Incomplete gamma series did not converge (a=${a}, x=${x})`)
  }
  // Continued fraction for Q(a, x), modified Lentz.
  let b = x + 1 - a
  let c = 1 / TINY
  let d = 1 / b
  let h = d
  for (let i = 1; i <= MAX_ITER; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < TINY) d = TINY
    c = b + an / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < EPS) {
      const upper = Math.exp(lnFront) * h
      return { lower: 1 - upper, upper }
    }
  }
  throw new Error(`Incomplete gamma continued fraction did not converge (a=${a}, x=${x})`)
}

/** Complementary error function, erfc(x) = Q(1/2, x²) for x ≥ 0. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN
  const q = incompleteGamma(0.5, x * x).upper
  return x >= 0 ? q : 2 - q
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN
  return 0.5 * erfc(-z / Math.SQRT2)
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)
}

// Acklam's rational approximation to Φ⁻¹ (relative error 1.15e-9), used only as a starting point for Newton.
const ACK_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
const ACK_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
const ACK_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
const ACK_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]

function acklam(p: number): number {
  const [a0, a1, a2, a3, a4, a5] = ACK_A as [number, number, number, number, number, number]
  const [b0, b1, b2, b3, b4] = ACK_B as [number, number, number, number, number]
  const [c0, c1, c2, c3, c4, c5] = ACK_C as [number, number, number, number, number, number]
  const [d0, d1, d2, d3] = ACK_D as [number, number, number, number]
  const pLow = 0.02425
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
  }
  if (p > 1 - pLow) return -acklam(1 - p)
  const q = p - 0.5
  const r = q * q
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
}

function checkProbability(p: number, name: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} needs a probability in [0, 1], got ${p}`)
}

/** Standard normal quantile Φ⁻¹(p). */
export function normalQuantile(p: number): number {
  checkProbability(p, 'normalQuantile')
  if (p === 0) return -Infinity
  if (p === 1) return Infinity
  if (p === 0.5) return 0
  // Work in the lower tail so the target probability keeps its relative precision.
  if (p > 0.5) return -normalQuantile(1 - p)
  let z = acklam(p)
  for (let i = 0; i < 4; i++) {
    // Halley's method on Φ(z) − p; two steps from Acklam's start already reach full precision.
    const err = normalCdf(z) - p
    const u = err / normalPdf(z)
    const step = u / (1 + (z * u) / 2)
    z -= step
    if (Math.abs(step) <= 1e-15 * Math.abs(z)) break
  }
  return z
}

function checkDf(df: number, name: string): void {
  if (!(df > 0)) throw new RangeError(`${name} needs degrees of freedom > 0, got ${df}`)
}

/** Upper tail probability of Student's t, P(T > t), for t ≥ 0 computed without cancellation. */
function tUpperTail(t: number, df: number): number {
  if (df === Infinity) return normalCdf(-t)
  // P(|T| > t) = I_x(ν/2, 1/2) with x = ν/(ν+t²); 1 − x = t²/(ν+t²) is passed exactly. Beyond t = 1e100, t² could
  // overflow, and x = (ν/t)/t is exact enough.
  if (t > 1e100) return 0.5 * incompleteBetaLog(df / 2, 0.5, df / t / t, 1, Math.log(df) - 2 * Math.log(t), 0).lower
  const t2 = t * t
  return 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2)).lower
}

/** Student's t CDF, P(T ≤ t), for ν > 0 degrees of freedom (ν = Infinity gives the normal). */
export function tCdf(t: number, df: number): number {
  checkDf(df, 'tCdf')
  if (Number.isNaN(t)) return NaN
  if (t === Infinity) return 1
  if (t === -Infinity) return 0
  return t >= 0 ? 1 - tUpperTail(t, df) : tUpperTail(-t, df)
}

/** Two-sided p-value P(|T| ≥ |t|), accurate down to the smallest representable probabilities. */
export function tTwoSidedP(t: number, df: number): number {
  checkDf(df, 'tTwoSidedP')
  if (Number.isNaN(t)) return NaN
  const a = Math.abs(t)
  if (a === Infinity) return 0
  return Math.min(1, 2 * tUpperTail(a, df))
}

/** Student's t density. */
export function tPdf(t: number, df: number): number {
  checkDf(df, 'tPdf')
  if (df === Infinity) return normalPdf(t)
  // ln(1 + t²/ν) without overflowing t² for |t| beyond 1e100.
  const a = Math.abs(t)
  if (a > 1e100) return Math.exp(-((df + 1) / 2) * (2 * Math.log(a) - Math.log(df)) - 0.5 * Math.log(df) - lnBeta(df / 2, 0.5))
  return Math.exp(-((df + 1) / 2) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - lnBeta(df / 2, 0.5))
}

/** P(0 < T < t) for t ≥ 0 = ½ I_{t²/(ν+t²)}(½, ν/2): accurate for small t, where 1/2 − P(T > t) would cancel. */
function tCentral(t: number, df: number): number {
  const t2 = t * t
  return 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2)).upper
}

/**
 * Student's t quantile: the t with P(T ≤ t) = p, for every ν > 0 and p in [0, 1]. The equation is solved in the form
 * that keeps p's digits: near the centre (¼ ≤ p ≤ ¾) on the central probability P(0 < T < t) = |p − ½|; in the tails on
 * the tail probability itself, by Newton's method on ln P(T > t) against ln t, which is nearly linear there
 * (P ~ C·t^(−ν)), so even t = 1e199 (ν = ½, p = 1e−100) takes a few steps. Both iterations are kept inside a bracket.
 */
export function tQuantile(p: number, df: number): number {
  checkProbability(p, 'tQuantile')
  checkDf(df, 'tQuantile')
  if (p === 0) return -Infinity
  if (p === 1) return Infinity
  if (p === 0.5) return 0
  if (df === Infinity) return normalQuantile(p)
  const d = p - 0.5 // exact for p ≥ 0.25 (Sterbenz)
  if (Math.abs(d) <= 0.25) return Math.sign(d) * tCentralQuantile(Math.abs(d), df)
  // Solve in the tail the probability is in, so a tiny p (1e-20) keeps its digits instead of becoming 1 − 1e-20 = 1.
  return p < 0.5 ? -tUpperQuantile(p, df) : tUpperQuantile(1 - p, df)
}

/** The t > 0 with P(0 < T < t) = d, 0 < d ≤ ¼. Newton from below: the function is concave, so steps never overshoot. */
function tCentralQuantile(d: number, df: number): number {
  let t = d / tPdf(0, df)
  for (let i = 0; i < 100; i++) {
    const step = (d - tCentral(t, df)) / tPdf(t, df)
    t += step
    if (Math.abs(step) <= 1e-15 * t) break
  }
  return t
}

/** The t > 0 with P(T > t) = q, for 0 < q < ¼. */
function tUpperQuantile(q: number, df: number): number {
  if (df === 1) return 1 / Math.tan(Math.PI * q) // Cauchy: tan(π(p − ½)) = cot(πq), without the cancellation in p − ½
  if (df === 2) return (1 - 2 * q) / Math.sqrt(2 * q * (1 - q)) // closed form (Hill 1970)
  const lnQ = Math.log(q)
  // Start: normal quantile plus the first Cornish–Fisher term; then bracket ln t in [lo, hi] with S(lo) ≥ q ≥ S(hi).
  const z = -normalQuantile(q)
  let t = z + (z * z * z + z) / (4 * df)
  if (!(t > 0) || !Number.isFinite(t)) t = 1
  let lo = 0 // ln t; t = 1 has S(1) < ¼ only for ν beyond ~2, so lo is confirmed below
  while (tUpperTail(Math.exp(lo), df) < q) lo -= 1
  let hi = Math.max(Math.log(t), lo + 1)
  while (tUpperTail(Math.exp(hi), df) > q) {
    lo = hi
    hi += 8
    if (hi > 709) return Infinity // beyond the largest double
  }
  let u = Math.min(Math.max(Math.log(t), lo), hi)
  for (let i = 0; i < 200; i++) {
    const tu = Math.exp(u)
    const s = tUpperTail(tu, df)
    if (s === q) return tu
    if (s > q) lo = u
    else hi = u
    // d ln S / d ln t = −t·f(t)/S(t).
    let next = u + ((Math.log(s) - lnQ) * s) / (tu * tPdf(tu, df))
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = (lo + hi) / 2
    if (Math.abs(next - u) <= 2e-16 * Math.max(1, Math.abs(next))) return Math.exp(next)
    u = next
    if (hi - lo <= 4e-16 * Math.max(1, Math.abs(hi))) break
  }
  return Math.exp(u)
}
