// GateLab fused recurrent kernels: LSTM, GRU (reset-after and reset-before) and the vanilla tanh RNN, forward over a
// whole sequence and backward through time, each as ONE call from JavaScript. Compiled to wasm32 with SIMD128 by
// scripts/build-kernels.mjs (Debian's clang + lld). See docs/KERNELS.md for the design.
//
// Conventions shared with the TypeScript side (src/main/engine/fused/kernel.ts):
// - All tensors are float32, row-major. Inputs arrive batch-major as TF.js hands them over (x [B,T,D], y [B,T,H] or
//   [B,H]); inside, everything is time-major ([T][B][...]) so that each step's state is one contiguous [B, n] matrix
//   and each step's recurrent product is one blocked matrix product.
// - Weights use the tfjs-layers / Keras layout and gate order: kernel W [D, G], recurrent kernel U [H, G], bias [G]
//   (GRU reset-after: bias [2, G], input bias then recurrent bias), G = 4H (LSTM i,f,c,o), 3H (GRU z,r,h), H (RNN).
// - JavaScript owns the memory layout: every buffer is passed as a pointer. The activation buffers written by a
//   forward call are read by the backward call of the same layer, which overwrites them with gate gradients.
// - No libc: the module is freestanding, so exp, memcpy and friends are written here.

#include <wasm_simd128.h>
#include <stdint.h>

#ifndef EXPORT
#define EXPORT(name) __attribute__((export_name(#name)))
#endif

typedef v128_t f4;

// Lanes per f4: 4 in WebAssembly. Native builds widen the shim's vectors to the target's (8 on AVX2, 16 on AVX-512) and
// set GATELAB_VL to match, so the gate activations and other element-wise passes run as wide as the CPU allows. Lanes
// are independent, so the width changes no result.
#ifdef GATELAB_VL
#define VL GATELAB_VL
#else
#define VL 4
#endif

// a·b + c on 4 lanes. The module is compiled twice (scripts/lib/kernels.mjs): with relaxed SIMD this is one fused
// multiply-add where the CPU has FMA (x86 FMA3, ARM NEON), otherwise a multiply and an add. Fused or not, it differs
// only in rounding (one instead of two), far below the 1e-5 the exactness tests ask.
#ifdef __wasm_relaxed_simd__
#define MADD(a, b, c) wasm_f32x4_relaxed_madd((a), (b), (c))
#else
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul((a), (b)), (c))
#endif

// ---------------------------------------------------------------------------------------------------------------------
// Small helpers

static void zero(float *p, int n) {
  int i = 0;
  f4 z = wasm_f32x4_splat(0.f);
  for (; i + VL <= n; i += VL) wasm_v128_store(p + i, z);
  for (; i < n; i++) p[i] = 0.f;
}

static void copy(float *dst, const float *src, int n) {
  int i = 0;
  for (; i + VL <= n; i += VL) wasm_v128_store(dst + i, wasm_v128_load(src + i));
  for (; i < n; i++) dst[i] = src[i];
}

// exp for 4 lanes: x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-6 polynomial (relative error ≤ 2.5e-7, about two
// float ulps), 2^n assembled in the exponent bits. Inputs are clamped so the result stays finite and normal; the gates
// and tanh built on it saturate long before the clamp matters. Written for what V8 emits on x86: pmin/pmax and the
// rounding by a magic constant are one instruction each, where wasm's min/max and float→int conversion (NaN and
// saturation semantics) are sequences of six to ten; this made the LSTM forward pass about 30% faster.
static inline f4 exp4(f4 x) {
  // With x as the first operand of pmax/pmin a NaN input stays NaN, so a diverging run still shows NaN.
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, wasm_f32x4_splat(-87.f)), wasm_f32x4_splat(88.f));
  // n = round(x·log2 e) by adding 1.5·2^23: the sum's low mantissa bits are n as an integer, read back for 2^n.
  const float magic = 12582912.f;
  f4 t = MADD(x, wasm_f32x4_splat(1.44269504088896341f), wasm_f32x4_splat(magic));
  f4 n = wasm_f32x4_sub(t, wasm_f32x4_splat(magic));
  f4 r = MADD(n, wasm_f32x4_splat(-0.693359375f), x);
  r = MADD(n, wasm_f32x4_splat(2.12194440e-4f), r);
  f4 p = wasm_f32x4_splat(1.f / 720.f);
  p = MADD(p, r, wasm_f32x4_splat(1.f / 120.f));
  p = MADD(p, r, wasm_f32x4_splat(1.f / 24.f));
  p = MADD(p, r, wasm_f32x4_splat(1.f / 6.f));
  p = MADD(p, r, wasm_f32x4_splat(0.5f));
  p = MADD(p, r, wasm_f32x4_splat(1.f));
  p = MADD(p, r, wasm_f32x4_splat(1.f));
  f4 scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_sub(t, wasm_f32x4_splat(magic)), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, scale);
}

static inline f4 sigmoid4(f4 x) {
  f4 one = wasm_f32x4_splat(1.f);
  return wasm_f32x4_div(one, wasm_f32x4_add(one, exp4(wasm_f32x4_neg(x))));
}

// tfjs-layers' hardSigmoid: clip(0.2·x + 0.5, 0, 1).
static inline f4 hard_sigmoid4(f4 x) {
  f4 y = wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(0.2f)), wasm_f32x4_splat(0.5f));
  return wasm_f32x4_pmin(wasm_f32x4_pmax(y, wasm_f32x4_splat(0.f)), wasm_f32x4_splat(1.f));
}

// tanh(x) = sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|): never overflows; absolute error ~1e-7 near 0.
static inline f4 tanh4(f4 x) {
  f4 ax = wasm_f32x4_abs(x);
  f4 e = exp4(wasm_f32x4_mul(ax, wasm_f32x4_splat(-2.f)));
  f4 one = wasm_f32x4_splat(1.f);
  f4 t = wasm_f32x4_div(wasm_f32x4_sub(one, e), wasm_f32x4_add(one, e));
  f4 sign = wasm_v128_and(x, wasm_i32x4_splat((int32_t)0x80000000));
  return wasm_v128_or(t, sign);
}

// Scalar versions for the tails of rows whose length is not a multiple of 4: the same arithmetic on lane 0.
static inline float sigmoid1(float x) { return wasm_f32x4_extract_lane(sigmoid4(wasm_f32x4_splat(x)), 0); }
static inline float hard_sigmoid1(float x) { return wasm_f32x4_extract_lane(hard_sigmoid4(wasm_f32x4_splat(x)), 0); }
static inline float tanh1(float x) { return wasm_f32x4_extract_lane(tanh4(wasm_f32x4_splat(x)), 0); }

// Gate activation over a row: sigmoid or hardSigmoid (flag), in place.
static void gate_act(float *p, int n, int hard) {
  int i = 0;
  if (hard) {
    for (; i + VL <= n; i += VL) wasm_v128_store(p + i, hard_sigmoid4(wasm_v128_load(p + i)));
    for (; i < n; i++) p[i] = hard_sigmoid1(p[i]);
  } else {
    for (; i + VL <= n; i += VL) wasm_v128_store(p + i, sigmoid4(wasm_v128_load(p + i)));
    for (; i < n; i++) p[i] = sigmoid1(p[i]);
  }
}

static void tanh_row(float *p, int n) {
  int i = 0;
  for (; i + VL <= n; i += VL) wasm_v128_store(p + i, tanh4(wasm_v128_load(p + i)));
  for (; i < n; i++) p[i] = tanh1(p[i]);
}

// Derivative of the gate activation expressed through its output y: σ' = y(1 − y); hardSigmoid' = 0.2 inside (0, 1)
// and 0 where it is clipped (matching tf.clipByValue's gradient except on the measure-zero boundary itself).
static inline f4 gate_grad4(f4 y, int hard) {
  if (hard) {
    f4 inside = wasm_v128_and(wasm_f32x4_gt(y, wasm_f32x4_splat(0.f)), wasm_f32x4_lt(y, wasm_f32x4_splat(1.f)));
    return wasm_v128_and(inside, wasm_f32x4_splat(0.2f));
  }
  return wasm_f32x4_mul(y, wasm_f32x4_sub(wasm_f32x4_splat(1.f), y));
}
static inline float gate_grad1(float y, int hard) {
  if (hard) return (y > 0.f && y < 1.f) ? 0.2f : 0.f;
  return y * (1.f - y);
}

// ---------------------------------------------------------------------------------------------------------------------
// Matrix product, register-blocked for wasm SIMD.
//
// C[M,N] (+)= A·B where A's element (i, k) is A[i·sai + k·sak] (so A may be a transposed view, as in dU = Hᵀ·dZ) and
// B is row-major with leading dimension ldb. The micro-kernel keeps a 4×8 block of C in eight 128-bit registers and
// walks k: per k it loads two vectors of a B row and broadcasts four A values, 16 multiply-adds. 4×8 is the largest
// block whose accumulators, B vectors and broadcast fit x86-64's sixteen vector registers without spilling under V8.

// Native builds (src/main/engine/native/addon/) define GATELAB_GEMM_PANEL as a micro-kernel as wide as the CPU's vectors
// (AVX2, AVX-512, NEON); the WebAssembly builds use this one.
#ifdef GATELAB_GEMM_PANEL
#define gemm_panel GATELAB_GEMM_PANEL
#else
// One K-panel of the product: C[M,N] (+)= A[:, k0:k0+K]·B[k0:k0+K, :] (pointers already offset to k0).
// Loop order: column strips of 8 outside, row blocks of 4 inside, so the strip of B (K × 8 floats) stays in L1 while
// every row block of A passes over it, and A (the [B, H] state in the recurrent products) stays in L1 too.
static void gemm_panel(int M, int N, int K, const float *A, int sai, int sak, const float *B, int ldb, float *C, int ldc,
                       int accumulate) {
  int j = 0;
  for (; j + 8 <= N; j += 8) {
    int i = 0;
    for (; i + 4 <= M; i += 4) {
      const float *a0 = A + (i + 0) * sai, *a1 = A + (i + 1) * sai, *a2 = A + (i + 2) * sai, *a3 = A + (i + 3) * sai;
      float *c0 = C + (i + 0) * ldc + j, *c1 = C + (i + 1) * ldc + j, *c2 = C + (i + 2) * ldc + j, *c3 = C + (i + 3) * ldc + j;
      f4 s00, s01, s10, s11, s20, s21, s30, s31;
      if (accumulate) {
        s00 = wasm_v128_load(c0); s01 = wasm_v128_load(c0 + 4);
        s10 = wasm_v128_load(c1); s11 = wasm_v128_load(c1 + 4);
        s20 = wasm_v128_load(c2); s21 = wasm_v128_load(c2 + 4);
        s30 = wasm_v128_load(c3); s31 = wasm_v128_load(c3 + 4);
      } else {
        s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = wasm_f32x4_splat(0.f);
      }
      const float *b = B + j;
      for (int k = 0; k < K; k++, b += ldb) {
        f4 b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        int ak = k * sak;
        f4 x0 = wasm_v128_load32_splat(a0 + ak);
        f4 x1 = wasm_v128_load32_splat(a1 + ak);
        f4 x2 = wasm_v128_load32_splat(a2 + ak);
        f4 x3 = wasm_v128_load32_splat(a3 + ak);
        s00 = MADD(x0, b0, s00); s01 = MADD(x0, b1, s01);
        s10 = MADD(x1, b0, s10); s11 = MADD(x1, b1, s11);
        s20 = MADD(x2, b0, s20); s21 = MADD(x2, b1, s21);
        s30 = MADD(x3, b0, s30); s31 = MADD(x3, b1, s31);
      }
      wasm_v128_store(c0, s00); wasm_v128_store(c0 + 4, s01);
      wasm_v128_store(c1, s10); wasm_v128_store(c1 + 4, s11);
      wasm_v128_store(c2, s20); wasm_v128_store(c2 + 4, s21);
      wasm_v128_store(c3, s30); wasm_v128_store(c3 + 4, s31);
    }
    for (; i < M; i++) {
      const float *a = A + i * sai;
      float *c = C + i * ldc + j;
      f4 s0 = accumulate ? wasm_v128_load(c) : wasm_f32x4_splat(0.f);
      f4 s1 = accumulate ? wasm_v128_load(c + 4) : wasm_f32x4_splat(0.f);
      const float *b = B + j;
      for (int k = 0; k < K; k++, b += ldb) {
        f4 x = wasm_v128_load32_splat(a + k * sak);
        s0 = MADD(x, wasm_v128_load(b), s0);
        s1 = MADD(x, wasm_v128_load(b + 4), s1);
      }
      wasm_v128_store(c, s0); wasm_v128_store(c + 4, s1);
    }
  }
  for (; j + 4 <= N; j += 4) {
    for (int i = 0; i < M; i++) {
      const float *a = A + i * sai;
      float *c = C + i * ldc + j;
      f4 s = accumulate ? wasm_v128_load(c) : wasm_f32x4_splat(0.f);
      for (int k = 0; k < K; k++) s = MADD(wasm_v128_load32_splat(a + k * sak), wasm_v128_load(B + k * ldb + j), s);
      wasm_v128_store(c, s);
    }
  }
  for (; j < N; j++) {
    for (int i = 0; i < M; i++) {
      const float *a = A + i * sai;
      float s = accumulate ? C[i * ldc + j] : 0.f;
      for (int k = 0; k < K; k++) s += a[k * sak] * B[k * ldb + j];
      C[i * ldc + j] = s;
    }
  }
}

#endif

// C[M,N] (+)= A·B where A's element (i, k) is A[i·sai + k·sak] (so A may be a transposed view, as in dU = Hᵀ·dZ) and
// B is row-major with leading dimension ldb. The micro-kernel keeps a 4×8 block of C in eight 128-bit registers and
// walks k: per k it loads two vectors of a B row and broadcasts four A values, 16 multiply-adds. 4×8 is the largest
// block whose accumulators, B vectors and broadcast fit x86-64's sixteen vector registers without spilling under V8.
// Long K (the weight gradients sum over all T·B rows) is cut into panels of KC rows so each panel of B stays in cache
// instead of streaming the whole [T·B, G] gradient matrix from memory once per row block.
#define KC 256
// Row-streaming order for the shapes the blocked kernel handles badly: few rows (dW = xᵀ·dZ with a small input size)
// or a short K (the input projection x·W with one feature). Each row of C is built by axpy over the rows of B, so B and
// C are each read once, in order, instead of in 8-column strips that touch a new cache line per row.
// c[0:N] += xs·b[0:N]: one row of the row-streaming product.
static inline void axpy_row(float *c, float xs, const float *b, int N) {
  f4 x = wasm_f32x4_splat(xs);
  int j = 0;
  for (; j + 2 * VL <= N; j += 2 * VL) {
    wasm_v128_store(c + j, MADD(x, wasm_v128_load(b + j), wasm_v128_load(c + j)));
    wasm_v128_store(c + j + VL, MADD(x, wasm_v128_load(b + j + VL), wasm_v128_load(c + j + VL)));
  }
  for (; j + VL <= N; j += VL) wasm_v128_store(c + j, MADD(x, wasm_v128_load(b + j), wasm_v128_load(c + j)));
  for (; j < N; j++) c[j] += xs * b[j];
}

static void gemm_rows(int M, int N, int K, const float *A, int sai, int sak, const float *B, int ldb, float *C, int ldc,
                      int accumulate) {
  for (int i = 0; i < M; i++) {
    float *c = C + i * ldc;
    if (!accumulate) zero(c, N);
    const float *a = A + i * sai;
    for (int k = 0; k < K; k++) axpy_row(c, a[k * sak], B + k * ldb, N);
  }
}

static void gemm(int M, int N, int K, const float *A, int sai, int sak, const float *B, int ldb, float *C, int ldc,
                 int accumulate) {
  if (K <= 0) {
    if (!accumulate)
      for (int i = 0; i < M; i++) zero(C + i * ldc, N);
    return;
  }
  if (M < 4 || K < 8) {
    gemm_rows(M, N, K, A, sai, sak, B, ldb, C, ldc, accumulate);
    return;
  }
  for (int k0 = 0; k0 < K; k0 += KC) {
    int kc = K - k0 < KC ? K - k0 : KC;
    gemm_panel(M, N, kc, A + k0 * sak, sai, sak, B + k0 * ldb, ldb, C, ldc, accumulate || k0 > 0);
  }
}

// Σ_k a[k]·b[k] over two contiguous rows.
static inline float dot_row(const float *a, const float *b, int K) {
  f4 s0 = wasm_f32x4_splat(0.f), s1 = wasm_f32x4_splat(0.f);
  int k = 0;
  for (; k + 2 * VL <= K; k += 2 * VL) {
    s0 = MADD(wasm_v128_load(a + k), wasm_v128_load(b + k), s0);
    s1 = MADD(wasm_v128_load(a + k + VL), wasm_v128_load(b + k + VL), s1);
  }
  s0 = wasm_f32x4_add(s0, s1);
#if VL == 4
  float s = wasm_f32x4_extract_lane(s0, 0) + wasm_f32x4_extract_lane(s0, 1) + wasm_f32x4_extract_lane(s0, 2) +
            wasm_f32x4_extract_lane(s0, 3);
#else
  float s = 0.f;
  for (int l = 0; l < VL; l++) s += gl_lane(s0, l);
#endif
  for (; k < K; k++) s += a[k] * b[k];
  return s;
}

// C[M,N] = A[M,K]·Bᵀ with B given as [N,K] row-major: dot products along contiguous rows. Used for dx = dZ·Wᵀ when the
// input has fewer than 8 features (one, in the benchmarks), where a blocked product would be all edge cases.
static void gemm_abt(int M, int N, int K, const float *A, const float *B, float *C) {
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) C[i * N + j] = dot_row(A + i * K, B + j * K, K);
}


// A weight matrix used as the B operand of one product per time step (U in the forward pass, Uᵀ in the backward
// pass): constant for the whole call. Native builds (native_target.h defines GATELAB_WPACK) copy it once per call into
// the layout their micro-kernel streams and skip that copy at every step; here it is used as it is.
#ifndef GATELAB_WPACK
typedef struct {
  const float *B;
  int ldb, K, N;
} wpack;
static wpack wpack_make(const float *B, int ldb, int K, int N) {
  wpack w = {B, ldb, K, N};
  return w;
}
// C[M, N] (+)= A·w, A's element (i, k) at A[i·sai + k·sak].
static void wpack_gemm(int M, const float *A, int sai, int sak, wpack *w, float *C, int ldc, int accumulate) {
  gemm(M, w->N, w->K, A, sai, sak, w->B, w->ldb, C, ldc, accumulate);
}
static void wpack_free(wpack *w) { (void)w; }
#endif

// The throughput ceiling the benchmark prints beside each row: C[M,N] = A[M,K]·B[K,N], all row-major.
EXPORT(gemm_nn) void gemm_nn(int M, int N, int K, const float *A, const float *B, float *C) {
  gemm(M, N, K, A, K, 1, B, N, C, N, 0);
}

// ---------------------------------------------------------------------------------------------------------------------
// Shared pieces of every cell

// x [B,T,D] → xt [T,B,D] (time-major); optionally reading time backwards for goBackwards layers is done in TS.
static void to_time_major(const float *x, float *xt, int B, int T, int D) {
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++) copy(xt + (t * B + b) * D, x + (b * T + t) * D, D);
}

// Input projection of one step: Z[B, G] (row stride ldz) = x_t[B, D]·W[D, G] + bias, done inside the time loop just
// before the step's recurrent product adds to Z (or its gate pass reads it), so Z_t is in cache when it is used. Done
// for all T·B rows before the loop (as before), the product found each step's Z_t evicted to memory at 256 units.
// Rows are independent, so per step or all at once gives the same sums.
static void step_projection(const float *x_t, wpack *w, const float *bias, float *Z, int B, int ldz) {
  for (int b = 0; b < B; b++) copy(Z + b * ldz, bias, w->N);
  wpack_gemm(B, x_t, w->K, 1, w, Z, ldz, 1);
}

// Transposes U [H, G] into UT [G, H] so the backward step dh = dZ·Uᵀ streams rows like the forward step does.
static void transpose(const float *U, float *UT, int R, int C) {
  for (int r = 0; r < R; r++)
    for (int c = 0; c < C; c++) UT[c * R + r] = U[r * C + c];
}

// Writes the layer output: the whole sequence as [B,T,H] from hs [T+1][B][H] (hs[0] is the zero initial state), or
// only the last step as [B,H].
static void write_output(const float *hs, float *y, int B, int T, int H, int seq) {
  if (seq) {
    for (int b = 0; b < B; b++)
      for (int t = 0; t < T; t++) copy(y + (b * T + t) * H, hs + ((t + 1) * B + b) * H, H);
  } else {
    copy(y, hs + T * B * H, B * H);
  }
}

// Adds the incoming gradient of step t's output into dh [B,H].
static void add_output_grad(float *dh, const float *dy, int B, int T, int H, int t, int seq) {
  if (seq) {
    for (int b = 0; b < B; b++) {
      const float *g = dy + (b * T + t) * H;
      float *d = dh + b * H;
      int i = 0;
      for (; i + VL <= H; i += VL) wasm_v128_store(d + i, wasm_f32x4_add(wasm_v128_load(d + i), wasm_v128_load(g + i)));
      for (; i < H; i++) d[i] += g[i];
    }
  } else if (t == T - 1) {
    copy(dh, dy, B * H);
  }
}

// Column sums: db[G] (+)= Σ_m dZ[m, G].
static inline void add_row(float *db, const float *r, int G) {
  int i = 0;
  for (; i + VL <= G; i += VL) wasm_v128_store(db + i, wasm_f32x4_add(wasm_v128_load(db + i), wasm_v128_load(r + i)));
  for (; i < G; i++) db[i] += r[i];
}
static void col_sums(const float *dZ, int rows, int G, int ld, float *db, int accumulate) {
  if (!accumulate) zero(db, G);
  for (int m = 0; m < rows; m++) add_row(db, dZ + m * ld, G);
}

// The gradients every cell shares once the gate gradients dZ [T·B, G] are known:
// dW = xtᵀ·dZ, dx = dZ·Wᵀ (written back batch-major), and db = Σ dZ. WT and dxt are scratch.
static void input_grads(const float *xt, const float *W, const float *dZ, int T, int B, int D, int G, float *dW,
                        float *db, float *dx, float *WT, float *dxt) {
  int TB = T * B;
  if (D < 4 && TB >= 8) {
    // A few input features (one in the benchmarks): dW, db and dx in ONE pass over the [T·B, G] gate gradients, each
    // row read once while in L1, instead of three passes over the whole matrix (13 MB at LSTM 256: 4.5 ms of the
    // backward call as three passes). Each sum adds in the same order as the separate products did.
    zero(dW, D * G);
    zero(db, G);
    for (int m = 0; m < TB; m++) {
      const float *z = dZ + m * G;
      add_row(db, z, G);
      for (int d = 0; d < D; d++) {
        axpy_row(dW + d * G, xt[m * D + d], z, G);
        dxt[m * D + d] = dot_row(z, W + d * G, G);
      }
    }
    for (int b = 0; b < B; b++)
      for (int t = 0; t < T; t++) copy(dx + (b * T + t) * D, dxt + (t * B + b) * D, D);
    return;
  }
  gemm(D, G, TB, xt, 1, D, dZ, G, dW, G, 0);
  col_sums(dZ, TB, G, G, db, 0);
  if (D < 8) {
    gemm_abt(TB, D, G, dZ, W, dxt);
  } else {
    transpose(W, WT, D, G);
    gemm(TB, D, G, dZ, G, 1, WT, D, dxt, D, 0);
  }
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++) copy(dx + (b * T + t) * D, dxt + (t * B + b) * D, D);
}

// The recurrent-weight gradient dU[H, N] (ldu) = Σ_{t≥1} S_tᵀ·dZ_t, S_t = the [B,H] state that multiplied U at step t
// (h_{t-1}, or r ⊙ h_{t-1} for the reset-before GRU's candidate), as ONE product over all (T−1)·B rows after the time
// loop: S is time-major [T][B][H] and dZ [T][B][ldz] holds every step's gate gradients by then, so rows 1..T−1 of both
// are contiguous. Step 0 adds nothing (h0 = 0). Summed per step, as rank-B updates, the whole [H, N] matrix went
// through the cache once per step; as one long product it stays in registers for GL_KC-deep panels.
static void recurrent_grad(const float *S, const float *dZ, int ldz, int T, int B, int H, int N, float *dU, int ldu) {
  gemm(H, N, (T - 1) * B, S + B * H, 1, H, dZ + B * ldz, ldz, dU, ldu, 0);
}

// ---------------------------------------------------------------------------------------------------------------------
// LSTM.  acts holds, time-major: gates [T][B][4H] (after activation: i, f, g, o), cs [T+1][B][H] (cs[0] = 0),
// tcs [T][B][H] = tanh(c_t), hs [T+1][B][H] (hs[0] = 0); xt [T][B][D] is kept for dW.

EXPORT(lstm_forward)
void lstm_forward(int T, int B, int D, int H, int hard, int seq, const float *x, const float *W, const float *U,
                  const float *bias, float *xt, float *gates, float *cs, float *tcs, float *hs, float *y) {
  int G = 4 * H, BH = B * H;
  to_time_major(x, xt, B, T, D);
  zero(cs, BH);
  zero(hs, BH);
  wpack u = wpack_make(U, G, H, G), w = wpack_make(W, G, D, G);
  for (int t = 0; t < T; t++) {
    float *Z = gates + t * B * G;
    const float *hp = hs + t * BH, *cp = cs + t * BH;
    float *c = cs + (t + 1) * BH, *tc = tcs + t * BH, *h = hs + (t + 1) * BH;
    step_projection(xt + t * B * D, &w, bias, Z, B, G);
    if (t > 0) wpack_gemm(B, hp, H, 1, &u, Z, G, 1);  // h0 = 0: nothing to add at t = 0
    // One pass per sample: gate activations, cell update, tanh(c) and h, all on the same four vectors.
    for (int b = 0; b < B; b++) {
      float *ig = Z + b * G, *fg = ig + H, *gg = ig + 2 * H, *og = ig + 3 * H;
      const float *cpb = cp + b * H;
      float *cb = c + b * H, *tcb = tc + b * H, *hb = h + b * H;
      int k = 0;
      for (; k + VL <= H; k += VL) {
        f4 zi = wasm_v128_load(ig + k), zf = wasm_v128_load(fg + k), zo = wasm_v128_load(og + k);
        f4 i = hard ? hard_sigmoid4(zi) : sigmoid4(zi);
        f4 f = hard ? hard_sigmoid4(zf) : sigmoid4(zf);
        f4 o = hard ? hard_sigmoid4(zo) : sigmoid4(zo);
        f4 g = tanh4(wasm_v128_load(gg + k));
        f4 cn = wasm_f32x4_add(wasm_f32x4_mul(f, wasm_v128_load(cpb + k)), wasm_f32x4_mul(i, g));
        f4 th = tanh4(cn);
        wasm_v128_store(ig + k, i);
        wasm_v128_store(fg + k, f);
        wasm_v128_store(gg + k, g);
        wasm_v128_store(og + k, o);
        wasm_v128_store(cb + k, cn);
        wasm_v128_store(tcb + k, th);
        wasm_v128_store(hb + k, wasm_f32x4_mul(o, th));
      }
      for (; k < H; k++) {
        float i = hard ? hard_sigmoid1(ig[k]) : sigmoid1(ig[k]);
        float f = hard ? hard_sigmoid1(fg[k]) : sigmoid1(fg[k]);
        float o = hard ? hard_sigmoid1(og[k]) : sigmoid1(og[k]);
        float g = tanh1(gg[k]);
        float cn = f * cpb[k] + i * g;
        float th = tanh1(cn);
        ig[k] = i; fg[k] = f; gg[k] = g; og[k] = o;
        cb[k] = cn; tcb[k] = th; hb[k] = o * th;
      }
    }
  }
  wpack_free(&u);
  wpack_free(&w);
  write_output(hs, y, B, T, H, seq);
}

// dy: [B,T,H] (seq) or [B,H]. Writes dx [B,T,D], dW [D,4H], dU [H,4H], db [4H]. Scratch: UT [4H,H], WT [4H,D],
// dh, dc, dhn [B,H] and dxt [T,B,D]. Overwrites gates with dZ (pre-activation gradients).
EXPORT(lstm_backward)
void lstm_backward(int T, int B, int D, int H, int hard, int seq, const float *W, const float *U, const float *xt,
                   float *gates, const float *cs, const float *tcs, const float *hs, const float *dy, float *dx,
                   float *dW, float *dU, float *db, float *UT, float *WT, float *dh, float *dc, float *dxt) {
  int G = 4 * H, BH = B * H;
  transpose(U, UT, H, G);
  wpack ut = wpack_make(UT, H, G, H);
  zero(dh, BH);
  zero(dc, BH);
  f4 one = wasm_f32x4_splat(1.f);
  for (int t = T - 1; t >= 0; t--) {
    add_output_grad(dh, dy, B, T, H, t, seq);
    float *Z = gates + t * B * G;
    const float *cp = cs + t * BH, *tc = tcs + t * BH;
    for (int b = 0; b < B; b++) {
      float *z = Z + b * G;
      float *ig = z, *fg = z + H, *gg = z + 2 * H, *og = z + 3 * H;
      const float *dhb = dh + b * H, *cpb = cp + b * H, *tcb = tc + b * H;
      float *dcb = dc + b * H;
      int k = 0;
      for (; k + VL <= H; k += VL) {
        f4 i = wasm_v128_load(ig + k), f = wasm_v128_load(fg + k), g = wasm_v128_load(gg + k), o = wasm_v128_load(og + k);
        f4 d = wasm_v128_load(dhb + k), th = wasm_v128_load(tcb + k);
        f4 dcn = wasm_f32x4_add(wasm_v128_load(dcb + k),
                                wasm_f32x4_mul(wasm_f32x4_mul(d, o), wasm_f32x4_sub(one, wasm_f32x4_mul(th, th))));
        wasm_v128_store(ig + k, wasm_f32x4_mul(wasm_f32x4_mul(dcn, g), gate_grad4(i, hard)));
        wasm_v128_store(fg + k, wasm_f32x4_mul(wasm_f32x4_mul(dcn, wasm_v128_load(cpb + k)), gate_grad4(f, hard)));
        wasm_v128_store(gg + k, wasm_f32x4_mul(wasm_f32x4_mul(dcn, i), wasm_f32x4_sub(one, wasm_f32x4_mul(g, g))));
        wasm_v128_store(og + k, wasm_f32x4_mul(wasm_f32x4_mul(d, th), gate_grad4(o, hard)));
        wasm_v128_store(dcb + k, wasm_f32x4_mul(dcn, f));
      }
      for (; k < H; k++) {
        float i = ig[k], f = fg[k], g = gg[k], o = og[k], d = dhb[k], th = tcb[k];
        float dcn = dcb[k] + d * o * (1.f - th * th);
        ig[k] = dcn * g * gate_grad1(i, hard);
        fg[k] = dcn * cpb[k] * gate_grad1(f, hard);
        gg[k] = dcn * i * (1.f - g * g);
        og[k] = d * th * gate_grad1(o, hard);
        dcb[k] = dcn * f;
      }
    }
    if (t > 0) wpack_gemm(B, Z, G, 1, &ut, dh, H, 0);  // dh_{t-1} = dZ_t·Uᵀ
  }
  wpack_free(&ut);
  recurrent_grad(hs, gates, G, T, B, H, G, dU, G);
  input_grads(xt, W, gates, T, B, D, G, dW, db, dx, WT, dxt);
}

// ---------------------------------------------------------------------------------------------------------------------
// GRU, reset-after (Keras ≥ 2 / PyTorch / cuDNN form):
//   n = tanh(W_n x + b_n + r ⊙ (U_n h + b_hn)).  bias = [2, 3H]: input bias row, then recurrent bias row.
// acts: gates [T][B][3H] = z, r, n after activation; rn [T][B][H] = U_n h + b_hn; hs [T+1][B][H].
// Scratch for the forward: R [B, 3H].

EXPORT(gru_after_forward)
void gru_after_forward(int T, int B, int D, int H, int hard, int seq, const float *x, const float *W, const float *U,
                       const float *bias, float *xt, float *gates, float *rn, float *hs, float *R, float *y) {
  int G = 3 * H, BH = B * H;
  const float *brec = bias + G;
  to_time_major(x, xt, B, T, D);
  zero(hs, BH);
  wpack u = wpack_make(U, G, H, G), w = wpack_make(W, G, D, G);
  for (int t = 0; t < T; t++) {
    float *Z = gates + t * B * G;
    const float *hp = hs + t * BH;
    float *h = hs + (t + 1) * BH, *rnt = rn + t * BH;
    step_projection(xt + t * B * D, &w, bias, Z, B, G);
    for (int b = 0; b < B; b++) copy(R + b * G, brec, G);
    if (t > 0) wpack_gemm(B, hp, H, 1, &u, R, G, 1);
    // One pass per sample: add the recurrent product, gate activations, candidate and h on the same vectors.
    for (int b = 0; b < B; b++) {
      float *zg = Z + b * G, *rg = zg + H, *ng = zg + 2 * H;
      const float *rz = R + b * G, *rr = rz + H, *rh = rz + 2 * H, *hpb = hp + b * H;
      float *hb = h + b * H, *rnb = rnt + b * H;
      int k = 0;
      for (; k + VL <= H; k += VL) {
        f4 az = wasm_f32x4_add(wasm_v128_load(zg + k), wasm_v128_load(rz + k));
        f4 ar = wasm_f32x4_add(wasm_v128_load(rg + k), wasm_v128_load(rr + k));
        f4 zz = hard ? hard_sigmoid4(az) : sigmoid4(az);
        f4 r = hard ? hard_sigmoid4(ar) : sigmoid4(ar);
        f4 u = wasm_v128_load(rh + k);
        f4 n = tanh4(wasm_f32x4_add(wasm_v128_load(ng + k), wasm_f32x4_mul(r, u)));
        wasm_v128_store(zg + k, zz);
        wasm_v128_store(rg + k, r);
        wasm_v128_store(ng + k, n);
        wasm_v128_store(rnb + k, u);
        // h = z ⊙ h_prev + (1 − z) ⊙ n, written as n + z ⊙ (h_prev − n)
        wasm_v128_store(hb + k, wasm_f32x4_add(n, wasm_f32x4_mul(zz, wasm_f32x4_sub(wasm_v128_load(hpb + k), n))));
      }
      for (; k < H; k++) {
        float zz = hard ? hard_sigmoid1(zg[k] + rz[k]) : sigmoid1(zg[k] + rz[k]);
        float r = hard ? hard_sigmoid1(rg[k] + rr[k]) : sigmoid1(rg[k] + rr[k]);
        float n = tanh1(ng[k] + r * rh[k]);
        zg[k] = zz; rg[k] = r; ng[k] = n;
        rnb[k] = rh[k];
        hb[k] = n + zz * (hpb[k] - n);
      }
    }
  }
  wpack_free(&u);
  wpack_free(&w);
  write_output(hs, y, B, T, H, seq);
}

// Writes dx, dW [D,3H], dU [H,3H], db [2,3H]. Scratch: UT [3H,H], WT [3H,D], dh, dhn [B,H], dxt [T,B,D].
// Overwrites gates with the recurrent-side gate gradients [daz, dar, dan ⊙ r] and rn with the input-side candidate
// gradient dan, so that each step's dh_{t-1} is ONE product with Uᵀ (K = 3H) and dU one product over all 3H columns,
// without a second [T,B,3H] buffer; the input side [daz, dar, dan] is put back together in gates for the input-side
// gradients at the end. (Until 2026-12-02 it was the other way round: two products per step, U_zrᵀ then U_nᵀ, and two
// for dU, each packing hᵀ.)
EXPORT(gru_after_backward)
void gru_after_backward(int T, int B, int D, int H, int hard, int seq, const float *W, const float *U, const float *xt,
                        float *gates, float *rn, const float *hs, const float *dy, float *dx, float *dW, float *dU,
                        float *db, float *UT, float *WT, float *dh, float *dhn, float *dxt) {
  int G = 3 * H, BH = B * H;
  transpose(U, UT, H, G);
  wpack ut = wpack_make(UT, H, G, H);
  zero(dh, BH);
  f4 one = wasm_f32x4_splat(1.f);
  for (int t = T - 1; t >= 0; t--) {
    add_output_grad(dh, dy, B, T, H, t, seq);
    float *Z = gates + t * B * G, *rnt = rn + t * BH;
    const float *hp = hs + t * BH;
    for (int b = 0; b < B; b++) {
      float *zg = Z + b * G, *rg = zg + H, *ng = zg + 2 * H, *rnb = rnt + b * H;
      const float *dhb = dh + b * H, *hpb = hp + b * H;
      float *dhnb = dhn + b * H;
      int k = 0;
      for (; k + VL <= H; k += VL) {
        f4 z = wasm_v128_load(zg + k), r = wasm_v128_load(rg + k), n = wasm_v128_load(ng + k);
        f4 d = wasm_v128_load(dhb + k), hpv = wasm_v128_load(hpb + k), u = wasm_v128_load(rnb + k);
        f4 dan = wasm_f32x4_mul(wasm_f32x4_mul(d, wasm_f32x4_sub(one, z)), wasm_f32x4_sub(one, wasm_f32x4_mul(n, n)));
        f4 daz = wasm_f32x4_mul(wasm_f32x4_mul(d, wasm_f32x4_sub(hpv, n)), gate_grad4(z, hard));
        f4 dar = wasm_f32x4_mul(wasm_f32x4_mul(dan, u), gate_grad4(r, hard));
        wasm_v128_store(dhnb + k, wasm_f32x4_mul(d, z));
        wasm_v128_store(zg + k, daz);
        wasm_v128_store(rg + k, dar);
        wasm_v128_store(ng + k, wasm_f32x4_mul(dan, r));
        wasm_v128_store(rnb + k, dan);
      }
      for (; k < H; k++) {
        float z = zg[k], r = rg[k], n = ng[k], d = dhb[k];
        float dan = d * (1.f - z) * (1.f - n * n);
        float daz = d * (hpb[k] - n) * gate_grad1(z, hard);
        float dar = dan * rnb[k] * gate_grad1(r, hard);
        dhnb[k] = d * z;
        zg[k] = daz; rg[k] = dar; ng[k] = dan * r;
        rnb[k] = dan;
      }
    }
    if (t > 0) {
      wpack_gemm(B, Z, G, 1, &ut, dhn, H, 1);  // dh_{t-1} = d ⊙ z + [daz, dar, dan ⊙ r]·Uᵀ
      float *swap = dh;  // dhn holds dh_{t-1} now: the two scratch rows trade places instead of a copy
      dh = dhn;
      dhn = swap;
    }
  }
  wpack_free(&ut);
  int TB = T * B;
  // dU = Σ_t h_{t-1}ᵀ·[daz, dar, dan ⊙ r]: one product over all steps t ≥ 1 and all 3H columns.
  recurrent_grad(hs, gates, G, T, B, H, G, dU, G);
  // The recurrent bias acts at every step, t = 0 included. Its z and r parts are the input bias's (Σ daz, Σ dar over
  // the same rows in the same order), so they are copied from db rather than summed in a second pass over the
  // [T·B, 3H] gate gradients (about 4% of a GRU 128 backward pass, for a pass that read memory and added nothing new).
  float *dbrec = db + G;
  col_sums(gates + 2 * H, TB, H, G, dbrec + 2 * H, 0);
  for (int m = 0; m < TB; m++) copy(gates + m * G + 2 * H, rn + m * H, H);  // the input side: [daz, dar, dan]
  input_grads(xt, W, gates, T, B, D, G, dW, db, dx, WT, dxt);
  copy(dbrec, db, 2 * H);
}

// ---------------------------------------------------------------------------------------------------------------------
// GRU, reset-before (original paper, tfjs-layers): n = tanh(W_n x + U_n (r ⊙ h) + b_n).  bias = [3H].
// acts: gates [T][B][3H] = z, r, n after activation; rh [T][B][H] = r ⊙ h_{t-1}; hs [T+1][B][H].
// Scratch for the forward: R [B, 3H] (only the first 2H columns and the last H are used, one product each).

EXPORT(gru_before_forward)
void gru_before_forward(int T, int B, int D, int H, int hard, int seq, const float *x, const float *W, const float *U,
                        const float *bias, float *xt, float *gates, float *rh, float *hs, float *R, float *y) {
  int G = 3 * H, BH = B * H;
  to_time_major(x, xt, B, T, D);
  zero(hs, BH);
  wpack u_zr = wpack_make(U, G, H, 2 * H), u_n = wpack_make(U + 2 * H, G, H, H), w = wpack_make(W, G, D, G);
  for (int t = 0; t < T; t++) {
    float *Z = gates + t * B * G;
    const float *hp = hs + t * BH;
    float *h = hs + (t + 1) * BH, *rht = rh + t * BH;
    step_projection(xt + t * B * D, &w, bias, Z, B, G);
    if (t > 0) wpack_gemm(B, hp, H, 1, &u_zr, Z, G, 1);
    for (int b = 0; b < B; b++) {
      float *z = Z + b * G;
      gate_act(z, 2 * H, hard);
      const float *rg = z + H, *hpb = hp + b * H;
      float *rhb = rht + b * H;
      int k = 0;
      for (; k + VL <= H; k += VL) wasm_v128_store(rhb + k, wasm_f32x4_mul(wasm_v128_load(rg + k), wasm_v128_load(hpb + k)));
      for (; k < H; k++) rhb[k] = rg[k] * hpb[k];
    }
    if (t > 0) wpack_gemm(B, rht, H, 1, &u_n, Z + 2 * H, G, 1);
    for (int b = 0; b < B; b++) {
      float *z = Z + b * G, *ng = z + 2 * H;
      tanh_row(ng, H);
      const float *zg = z, *hpb = hp + b * H;
      float *hb = h + b * H;
      int k = 0;
      for (; k + VL <= H; k += VL) {
        f4 n = wasm_v128_load(ng + k);
        wasm_v128_store(hb + k, wasm_f32x4_add(n, wasm_f32x4_mul(wasm_v128_load(zg + k), wasm_f32x4_sub(wasm_v128_load(hpb + k), n))));
      }
      for (; k < H; k++) hb[k] = ng[k] + zg[k] * (hpb[k] - ng[k]);
    }
  }
  wpack_free(&u_zr);
  wpack_free(&u_n);
  wpack_free(&w);
  write_output(hs, y, B, T, H, seq);
}

// Writes dx, dW [D,3H], dU [H,3H], db [3H]. Scratch: UT [3H,H], WT [3H,D], dh, dhn, drh [B,H], dxt [T,B,D].
EXPORT(gru_before_backward)
void gru_before_backward(int T, int B, int D, int H, int hard, int seq, const float *W, const float *U, const float *xt,
                         float *gates, const float *rh, const float *hs, const float *dy, float *dx, float *dW,
                         float *dU, float *db, float *UT, float *WT, float *dh, float *dhn, float *drh, float *dxt) {
  int G = 3 * H, BH = B * H;
  transpose(U, UT, H, G);
  wpack ut_zr = wpack_make(UT, H, 2 * H, H), ut_n = wpack_make(UT + 2 * H * H, H, H, H);
  zero(dh, BH);
  f4 one = wasm_f32x4_splat(1.f);
  for (int t = T - 1; t >= 0; t--) {
    add_output_grad(dh, dy, B, T, H, t, seq);
    float *Z = gates + t * B * G;
    const float *hp = hs + t * BH;
    for (int b = 0; b < B; b++) {
      float *zg = Z + b * G, *ng = zg + 2 * H;
      const float *dhb = dh + b * H, *hpb = hp + b * H;
      float *dhnb = dhn + b * H;
      int k = 0;
      for (; k + VL <= H; k += VL) {
        f4 z = wasm_v128_load(zg + k), n = wasm_v128_load(ng + k), d = wasm_v128_load(dhb + k);
        f4 dan = wasm_f32x4_mul(wasm_f32x4_mul(d, wasm_f32x4_sub(one, z)), wasm_f32x4_sub(one, wasm_f32x4_mul(n, n)));
        f4 daz = wasm_f32x4_mul(wasm_f32x4_mul(d, wasm_f32x4_sub(wasm_v128_load(hpb + k), n)), gate_grad4(z, hard));
        wasm_v128_store(dhnb + k, wasm_f32x4_mul(d, z));
        wasm_v128_store(zg + k, daz);
        wasm_v128_store(ng + k, dan);
      }
      for (; k < H; k++) {
        float z = zg[k], n = ng[k], d = dhb[k];
        float dan = d * (1.f - z) * (1.f - n * n);
        dhnb[k] = d * z;
        zg[k] = d * (hpb[k] - n) * gate_grad1(z, hard);
        ng[k] = dan;
      }
    }
    if (t > 0) {
      // d(r ⊙ h_prev) = dan·U_nᵀ; then dr and the two direct paths into h_prev.
      wpack_gemm(B, Z + 2 * H, G, 1, &ut_n, drh, H, 0);
      for (int b = 0; b < B; b++) {
        float *rg = Z + b * G + H;
        const float *drhb = drh + b * H, *hpb = hp + b * H;
        float *dhnb = dhn + b * H;
        int k = 0;
        for (; k + VL <= H; k += VL) {
          f4 r = wasm_v128_load(rg + k), dr = wasm_v128_load(drhb + k);
          wasm_v128_store(dhnb + k, wasm_f32x4_add(wasm_v128_load(dhnb + k), wasm_f32x4_mul(dr, r)));
          wasm_v128_store(rg + k, wasm_f32x4_mul(wasm_f32x4_mul(dr, wasm_v128_load(hpb + k)), gate_grad4(r, hard)));
        }
        for (; k < H; k++) {
          float r = rg[k], dr = drhb[k];
          dhnb[k] += dr * r;
          rg[k] = dr * hpb[k] * gate_grad1(r, hard);
        }
      }
      wpack_gemm(B, Z, G, 1, &ut_zr, dhn, H, 1);  // + [daz, dar]·U_zrᵀ
      copy(dh, dhn, BH);
    } else {
      // h0 = 0: r ⊙ h0 = 0, so dr = 0 at the first step.
      for (int b = 0; b < B; b++) zero(Z + b * G + H, H);
    }
  }
  wpack_free(&ut_zr);
  wpack_free(&ut_n);
  // dU_zr = Σ_t h_{t-1}ᵀ·[daz, dar], dU_n = Σ_t (r ⊙ h_{t-1})ᵀ·dan, each one product over all steps t ≥ 1.
  recurrent_grad(hs, gates, G, T, B, H, 2 * H, dU, G);
  recurrent_grad(rh, gates + 2 * H, G, T, B, H, H, dU + 2 * H, G);
  input_grads(xt, W, gates, T, B, D, G, dW, db, dx, WT, dxt);
}

// ---------------------------------------------------------------------------------------------------------------------
// Vanilla RNN: h = tanh(W x + U h_prev + b).  acts: pre [T][B][H] (scratch, then the gradient), hs [T+1][B][H].

EXPORT(rnn_forward)
void rnn_forward(int T, int B, int D, int H, int hard, int seq, const float *x, const float *W, const float *U,
                 const float *bias, float *xt, float *pre, float *hs, float *y) {
  (void)hard;
  int BH = B * H;
  to_time_major(x, xt, B, T, D);
  zero(hs, BH);
  wpack u = wpack_make(U, H, H, H), w = wpack_make(W, H, D, H);
  for (int t = 0; t < T; t++) {
    float *Z = pre + t * BH, *h = hs + (t + 1) * BH;
    step_projection(xt + t * B * D, &w, bias, Z, B, H);
    if (t > 0) wpack_gemm(B, hs + t * BH, H, 1, &u, Z, H, 1);
    copy(h, Z, BH);
    tanh_row(h, BH);
  }
  wpack_free(&u);
  wpack_free(&w);
  write_output(hs, y, B, T, H, seq);
}

EXPORT(rnn_backward)
void rnn_backward(int T, int B, int D, int H, int hard, int seq, const float *W, const float *U, const float *xt,
                  float *pre, const float *hs, const float *dy, float *dx, float *dW, float *dU, float *db, float *UT,
                  float *WT, float *dh, float *dxt) {
  (void)hard;
  int BH = B * H;
  transpose(U, UT, H, H);
  wpack ut = wpack_make(UT, H, H, H);
  zero(dh, BH);
  f4 one = wasm_f32x4_splat(1.f);
  for (int t = T - 1; t >= 0; t--) {
    add_output_grad(dh, dy, B, T, H, t, seq);
    float *Z = pre + t * BH;
    const float *h = hs + (t + 1) * BH;
    int k = 0;
    for (; k + VL <= BH; k += VL) {
      f4 hv = wasm_v128_load(h + k);
      wasm_v128_store(Z + k, wasm_f32x4_mul(wasm_v128_load(dh + k), wasm_f32x4_sub(one, wasm_f32x4_mul(hv, hv))));
    }
    for (; k < BH; k++) Z[k] = dh[k] * (1.f - h[k] * h[k]);
    if (t > 0) wpack_gemm(B, Z, H, 1, &ut, dh, H, 0);
  }
  wpack_free(&ut);
  recurrent_grad(hs, pre, H, T, B, H, H, dU, H);
  input_grads(xt, W, pre, T, B, D, H, dW, db, dx, WT, dxt);
}

