// The whole training step's own loops (src/main/engine/step): the dense head forward and backward, the sum of squares
// for global-norm clipping, and the optimizer updates (Adam, RMSprop, SGD with and without momentum), each one call over
// flat float32 arrays the TypeScript side lays out. Compiled into the WebAssembly module beside the recurrent kernels
// (scripts/lib/kernels.mjs compiles every .c here) and once into the native module (binding.gyp: step_loops, called
// through addon.c's `step`).
//
// Every operation is a float32 operation in the order tfjs computes it (the optimizers below are tfjs' own formulas,
// constants rounded to float32 as tfjs has them), and nothing is contracted into a fused multiply-add or reassociated:
// each loop either runs its elements independently (vectorised, same per-element result) or sums in the order written.
// So these loops give the same bits in every build (WebAssembly SIMD128, relaxed SIMD, every native target), and a
// seeded run repeats exactly.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <stddef.h>
#include <stdint.h>

#ifdef __wasm__
#define STEP_EXPORT(name) __attribute__((export_name(#name)))
#else
#define STEP_EXPORT(name)
#endif

// Natively on x86-64 Linux the element-wise loops are also compiled for AVX2 and the wider version chosen at load time
// (an ifunc): 8 lanes instead of SSE's 4. AVX2 without FMA, and nothing contracted, so the bits are the same.
#if !defined(__wasm__) && defined(__x86_64__) && defined(__linux__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define STEP_WIDE __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef STEP_WIDE
#define STEP_WIDE
#endif

// out[r, o] = Σ_k h[r, k]·K[k, o] + bias[o]; h [rows, F], K [F, O] (the head's kernel, tfjs-layers layout), out [rows, O].
// Summed over k in order (as a float32 matrix product does), the bias added last.
STEP_EXPORT(step_head_forward)
STEP_WIDE void step_head_forward(int rows, int F, int O, const float *h, const float *K, const float *bias, float *out) {
  for (int r = 0; r < rows; r++) {
    float *o_ = out + (size_t)r * O;
    const float *hr = h + (size_t)r * F;
    for (int o = 0; o < O; o++) o_[o] = 0.f;
    for (int k = 0; k < F; k++) {
      float hk = hr[k];
      const float *Kk = K + (size_t)k * O;
      for (int o = 0; o < O; o++) o_[o] += hk * Kk[o];
    }
    for (int o = 0; o < O; o++) o_[o] = o_[o] + bias[o];
  }
}

// The head's backward pass from dOut = d loss / d out [rows, O]: dK = hᵀ·dOut [F, O], db = Σ_r dOut [O] (both set, not
// accumulated), and dh = dOut·Kᵀ [rows, F], the gradient that flows into the recurrent layers.
STEP_EXPORT(step_head_backward)
STEP_WIDE void step_head_backward(int rows, int F, int O, const float *h, const float *K, const float *dOut, float *dK, float *db,
                        float *dh) {
  for (int i = 0; i < F * O; i++) dK[i] = 0.f;
  for (int o = 0; o < O; o++) db[o] = 0.f;
  for (int r = 0; r < rows; r++) {
    const float *g = dOut + (size_t)r * O;
    const float *hr = h + (size_t)r * F;
    float *dhr = dh + (size_t)r * F;
    for (int o = 0; o < O; o++) db[o] += g[o];
    if (O == 1) {
      // The common head (one output): both loops run over k, element-wise, so they vectorise.
      float g0 = g[0];
      for (int k = 0; k < F; k++) dK[k] += hr[k] * g0;
      for (int k = 0; k < F; k++) dhr[k] = g0 * K[k];
      continue;
    }
    for (int k = 0; k < F; k++) {
      float hk = hr[k];
      const float *Kk = K + (size_t)k * O;
      float *dKk = dK + (size_t)k * O;
      float s = 0.f;
      for (int o = 0; o < O; o++) {
        dKk[o] += hk * g[o];
        s += g[o] * Kk[o];
      }
      dhr[k] = s;
    }
  }
}

// Σ g² over n floats, in double (each square is exact in double): eight running sums in a fixed order, so the result
// is the same in every build and the loop vectorises. Written to *out.
STEP_EXPORT(step_sum_squares)
STEP_WIDE void step_sum_squares(int n, const float *g, double *out) {
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; j++) s[j] += (double)g[i + j] * (double)g[i + j];
  }
  for (; i < n; i++) s[0] += (double)g[i] * (double)g[i];
  *out = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

// tfjs' Adam, gradients scaled by `scale` (clipping): m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
// p += −lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε). d1 = 1−β1, d2 = 1−β2, c1 = 1−β1ᵗ, c2 = 1−β2ᵗ, nlr = −lr.
STEP_EXPORT(step_adam)
STEP_WIDE void step_adam(int n, float *p, const float *g, float *m, float *v, float scale, float b1, float b2, float d1, float d2,
               float c1, float c2, float eps, float nlr) {
  for (int i = 0; i < n; i++) {
    float gi = g[i] * scale;
    float mi = m[i] * b1 + gi * d1;
    float vi = v[i] * b2 + (gi * gi) * d2;
    m[i] = mi;
    v[i] = vi;
    p[i] = ((mi / c1) / (__builtin_sqrtf(vi / c2) + eps)) * nlr + p[i];
  }
}

// tfjs' RMSprop with momentum 0, not centred: ms = ρ·ms + (1−ρ)·g²; mom = 0·mom + lr·g / √(ms + ε); p −= mom.
STEP_EXPORT(step_rmsprop)
STEP_WIDE void step_rmsprop(int n, float *p, const float *g, float *ms, float *mom, float scale, float rho, float d, float eps,
                  float lr) {
  for (int i = 0; i < n; i++) {
    float gi = g[i] * scale;
    float s = ms[i] * rho + (gi * gi) * d;
    ms[i] = s;
    float step = mom[i] * 0.f + (gi * lr) / __builtin_sqrtf(s + eps);
    mom[i] = step;
    p[i] = p[i] - step;
  }
}

// tfjs' SGD with momentum (not Nesterov): acc = μ·acc + g; p += −lr·acc.
STEP_EXPORT(step_momentum)
STEP_WIDE void step_momentum(int n, float *p, const float *g, float *acc, float scale, float mu, float nlr) {
  for (int i = 0; i < n; i++) {
    float a = mu * acc[i] + g[i] * scale;
    acc[i] = a;
    p[i] = nlr * a + p[i];
  }
}

// Plain SGD: p += −lr·g.
STEP_EXPORT(step_sgd)
STEP_WIDE void step_sgd(int n, float *p, const float *g, float scale, float nlr) {
  for (int i = 0; i < n; i++) p[i] = nlr * (g[i] * scale) + p[i];
}

#ifndef __wasm__
// The native entry point (addon.c's `step`): loop `fn` with its arguments as numbers — counts first, then byte offsets
// into `base` (`length` bytes), then float32 constants — in the order of the functions above. Every region is checked
// to lie inside the buffer. Returns 0, or −1 for an unknown loop, a wrong argument count or a region out of bounds.
int gatelab_step_call(int fn, char *base, size_t length, const double *a, int n) {
  static const int arity[] = {7, 9, 3, 14, 10, 7, 5};
  if (fn < 0 || fn > 6 || n != arity[fn]) return -1;
  for (int i = 0; i < n; i++) {
    if (!(a[i] == a[i])) return -1;
  }
#define CNT(k) (a[k] >= 0 && a[k] <= 2147483647.0)
#define REGION(k, floats) (a[k] >= 0 && (double)a[k] + 4.0 * (double)(floats) <= (double)length && ((int64_t)a[k] & 3) == 0)
#define P(k) ((float *)(base + (int64_t)a[k]))
#define I(k) ((int)a[k])
#define F(k) ((float)a[k])
  switch (fn) {
    case 0:  // head forward: rows, F, O, h, K, bias, out
    case 1: {  // head backward: rows, F, O, h, K, dOut, dK, db, dh
      if (!CNT(0) || !CNT(1) || !CNT(2)) return -1;
      double rows = a[0], F_ = a[1], O = a[2];
      if (!REGION(3, rows * F_) || !REGION(4, F_ * O)) return -1;
      if (fn == 0) {
        if (!REGION(5, O) || !REGION(6, rows * O)) return -1;
        step_head_forward(I(0), I(1), I(2), P(3), P(4), P(5), P(6));
      } else {
        if (!REGION(5, rows * O) || !REGION(6, F_ * O) || !REGION(7, O) || !REGION(8, rows * F_)) return -1;
        step_head_backward(I(0), I(1), I(2), P(3), P(4), P(5), P(6), P(7), P(8));
      }
      return 0;
    }
    case 2:  // sum of squares: n, g, out (a double)
      if (!CNT(0) || !REGION(1, a[0]) || !REGION(2, 2) || ((int64_t)a[2] & 7) != 0) return -1;
      step_sum_squares(I(0), P(1), (double *)(base + (int64_t)a[2]));
      return 0;
    case 3:  // adam: n, p, g, m, v, then 9 constants
      if (!CNT(0) || !REGION(1, a[0]) || !REGION(2, a[0]) || !REGION(3, a[0]) || !REGION(4, a[0])) return -1;
      step_adam(I(0), P(1), P(2), P(3), P(4), F(5), F(6), F(7), F(8), F(9), F(10), F(11), F(12), F(13));
      return 0;
    case 4:  // rmsprop: n, p, g, ms, mom, then 5 constants
      if (!CNT(0) || !REGION(1, a[0]) || !REGION(2, a[0]) || !REGION(3, a[0]) || !REGION(4, a[0])) return -1;
      step_rmsprop(I(0), P(1), P(2), P(3), P(4), F(5), F(6), F(7), F(8), F(9));
      return 0;
    case 5:  // momentum: n, p, g, acc, then 3 constants
      if (!CNT(0) || !REGION(1, a[0]) || !REGION(2, a[0]) || !REGION(3, a[0])) return -1;
      step_momentum(I(0), P(1), P(2), P(3), F(4), F(5), F(6));
      return 0;
    case 6:  // sgd: n, p, g, then 2 constants
      if (!CNT(0) || !REGION(1, a[0]) || !REGION(2, a[0])) return -1;
      step_sgd(I(0), P(1), P(2), F(3), F(4));
      return 0;
  }
#undef CNT
#undef REGION
#undef P
#undef I
#undef F
  return -1;
}
#endif
