// One native build of the fused kernels for one vector width. Included by target_<isa>.c, which defines GL_TARGET (a
// name suffix) and GL_VBYTES (vector bytes: 16 SSE/NEON, 32 AVX2, 64 AVX-512) and is compiled with that ISA's flags
// (binding.gyp). The kernels are the very source of the WebAssembly build (fused/kernels/rnn.c) on the 128-bit shim
// (shim/wasm_simd128.h); what differs is the blocked matrix product's micro-kernel, which here uses the full vector
// width: a 6 × 2V block of C in twelve vector registers (V = GL_VBYTES / 4 floats).
#include <stdint.h>
#include <stdlib.h>

#define GL_CAT2(a, b) a##_##b
#define GL_CAT(a, b) GL_CAT2(a, b)
#define GL_NAME(name) GL_CAT(name, GL_TARGET)

typedef float gl_vf __attribute__((vector_size(GL_VBYTES), aligned(4), may_alias));
#define GL_VL (GL_VBYTES / 4)

static inline gl_vf gl_vload(const float *p) { return *(const gl_vf *)p; }
static inline void gl_vstore(float *p, gl_vf v) { *(gl_vf *)p = v; }
// A broadcast written element by element: `zero vector + x` (the obvious vector-extension spelling) costs a scalar
// add before every broadcast (x + 0 is not x for x = −0, so the compiler must keep it); this is one vbroadcastss.
static inline gl_vf gl_vsplat(float x) {
#if GL_VL == 4
  return (gl_vf){x, x, x, x};
#elif GL_VL == 8
  return (gl_vf){x, x, x, x, x, x, x, x};
#else
  return (gl_vf){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x};
#endif
}

// The register block: GL_MR rows × GL_NR columns of C (two vectors per row) in 2·GL_MR = 12 vector registers, plus two
// B vectors and one broadcast: 15 of x86-64's 16 (AVX2/SSE), well inside AVX-512's and NEON's 32. Per k the block does
// 12 multiply-adds for 2 vector loads and 6 broadcasts, which keeps both FMA pipes of a Zen or Skylake core busy where
// the earlier 4-row block (8 multiply-adds per 2 loads + 4 broadcasts) could not.
#define GL_MR 6
#define GL_NR (2 * GL_VL)
// B is copied ("packed") strip by strip into a contiguous [kc][GL_NR] buffer before the row blocks pass over it: one
// sequential stream the prefetcher follows, instead of one cache line per k at a stride of a whole B row — at 256
// units that stride is 4 KiB, which maps every row of the strip into the same L1 set and evicted it between row blocks.
#define GL_KC 256

// C[0:mr, 0:GL_NR] (+)= A[0:mr, 0:K]·Bp, Bp packed [K][GL_NR]. mr ≤ GL_MR is a constant after inlining, so the row
// loops unroll and the accumulators stay in registers. Full tiles are stored with vector stores; partial ones (the
// last strip when N is not a multiple of GL_NR) column by column through a stack tile.
__attribute__((always_inline)) static inline void GL_NAME(micro)(const int mr, int nr, int K, const float *A, int sai,
                                                                  int sak, const float *Bp, float *C, int ldc,
                                                                  int accumulate) {
  gl_vf s0[GL_MR], s1[GL_MR];
  for (int r = 0; r < mr; r++) s0[r] = s1[r] = gl_vsplat(0.f);
  const float *a = A;
  for (int k = 0; k < K; k++, Bp += GL_NR, a += sak) {
    gl_vf b0 = gl_vload(Bp), b1 = gl_vload(Bp + GL_VL);
    for (int r = 0; r < mr; r++) {
      gl_vf x = gl_vsplat(a[r * sai]);
      s0[r] += x * b0;
      s1[r] += x * b1;
    }
  }
  if (nr == GL_NR) {
    for (int r = 0; r < mr; r++) {
      float *c = C + r * ldc;
      if (accumulate) {
        s0[r] += gl_vload(c);
        s1[r] += gl_vload(c + GL_VL);
      }
      gl_vstore(c, s0[r]);
      gl_vstore(c + GL_VL, s1[r]);
    }
  } else {
    float tile[GL_NR] __attribute__((aligned(64)));
    for (int r = 0; r < mr; r++) {
      float *c = C + r * ldc;
      gl_vstore(tile, s0[r]);
      gl_vstore(tile + GL_VL, s1[r]);
      for (int j = 0; j < nr; j++) c[j] = accumulate ? c[j] + tile[j] : tile[j];
    }
  }
}

// Packs B[0:K, j0:j0+nr] (row-major, ldb) into Bp [K][GL_NR], zero-padding columns nr..GL_NR.
static void GL_NAME(pack_strip)(int K, int nr, const float *B, int ldb, float *Bp) {
  if (nr == GL_NR) {
    for (int k = 0; k < K; k++, B += ldb, Bp += GL_NR) {
      gl_vstore(Bp, gl_vload(B));
      gl_vstore(Bp + GL_VL, gl_vload(B + GL_VL));
    }
  } else {
    for (int k = 0; k < K; k++, B += ldb, Bp += GL_NR) {
      int j = 0;
      for (; j < nr; j++) Bp[j] = B[j];
      for (; j < GL_NR; j++) Bp[j] = 0.f;
    }
  }
}

#define GL_GROUP 8
static void GL_NAME(pack_group)(int K, const float *B, int ldb, float *Bg) {
  for (int k = 0; k < K; k++, B += ldb)
    for (int s = 0; s < GL_GROUP; s++) {
      float *d = Bg + ((size_t)s * K + k) * GL_NR;
      gl_vstore(d, gl_vload(B + s * GL_NR));
      gl_vstore(d + GL_VL, gl_vload(B + s * GL_NR + GL_VL));
    }
}

// The row blocks a product's M rows are cut into: GL_MR rows each, except that a remainder of 1 or 2 rows is avoided
// by ending on 4 + 3 or 4 + 4 (M = 32, the batch: 6·4 + 4 + 4, not 6·5 + 2). A block of r rows keeps 2r accumulators;
// with the FMA latency of 4 cycles and two FMA pipes a block needs 8 independent chains to run at full rate, so a
// 2-row block takes as long per k as a 4-row one, and the 2-row tail cost the batch-32 products about 6%.
static inline int GL_NAME(block_rows)(int M, int i) {
  int left = M - i;
  if (left >= GL_MR + 4 || left == GL_MR) return GL_MR;
  if (left > GL_MR) return 4;  // 7 → 4 + 3, 8 → 4 + 4, 9 → 4 + 5
  return left;
}

// C[i:i+mr, strip] (+)= A[i:i+mr]·Bp for a block size known at run time (one of 1..GL_MR), each size its own
// unrolled instance of the micro-kernel.
__attribute__((always_inline)) static inline void GL_NAME(micro_any)(int mr, int nr, int K, const float *a, int sai,
                                                                      int sak, const float *Bp, float *c, int ldc,
                                                                      int accumulate) {
  switch (mr) {
    case 6: GL_NAME(micro)(6, nr, K, a, sai, sak, Bp, c, ldc, accumulate); break;
    case 5: GL_NAME(micro)(5, nr, K, a, sai, sak, Bp, c, ldc, accumulate); break;
    case 4: GL_NAME(micro)(4, nr, K, a, sai, sak, Bp, c, ldc, accumulate); break;
    case 3: GL_NAME(micro)(3, nr, K, a, sai, sak, Bp, c, ldc, accumulate); break;
    case 2: GL_NAME(micro)(2, nr, K, a, sai, sak, Bp, c, ldc, accumulate); break;
    case 1: GL_NAME(micro)(1, nr, K, a, sai, sak, Bp, c, ldc, accumulate); break;
    default: break;
  }
}

// Packs A[0:M, 0:K] (element (i, k) at A[i·sai + k·sak]) into Ap, block by block as strip_rows cuts the rows: the
// block of rows i..i+mr at Ap + i·K, laid out [K][mr], so the micro-kernel's broadcasts for one k are mr consecutive
// floats (sai = 1, sak = mr) instead of mr rows a whole A row apart (4 KiB for dZ at 256 units: one L1 set).
static void GL_NAME(pack_a)(int M, int K, const float *A, int sai, int sak, float *Ap) {
  for (int i = 0, mr; i < M; i += mr) {
    mr = GL_NAME(block_rows)(M, i);
    float *p = Ap + (int64_t)i * K;
    const float *a = A + (int64_t)i * sai;
    if (sak == 1) {
      for (int r = 0; r < mr; r++)
        for (int k = 0; k < K; k++) p[k * mr + r] = a[r * sai + k];
    } else {
      for (int k = 0; k < K; k++)
        for (int r = 0; r < mr; r++) p[k * mr + r] = a[r * sai + (int64_t)k * sak];
    }
  }
}

// All row blocks of C[0:M, strip] (+)= Ap·Bp over one packed strip, A packed by pack_a (K = the packed depth).
static void GL_NAME(strip_rows_packed)(int M, int nr, int K, const float *Ap, const float *Bp, float *C, int ldc,
                                       int accumulate) {
  for (int i = 0, mr; i < M; i += mr) {
    mr = GL_NAME(block_rows)(M, i);
    GL_NAME(micro_any)(mr, nr, K, Ap + (int64_t)i * K, 1, mr, Bp, C + (int64_t)i * ldc, ldc, accumulate);
  }
}

// All row blocks of C[0:M, strip] (+)= A·Bp over one packed strip.
static void GL_NAME(strip_rows)(int M, int nr, int K, const float *A, int sai, int sak, const float *Bp, float *C,
                                int ldc, int accumulate) {
  for (int i = 0, mr; i < M; i += mr) {
    mr = GL_NAME(block_rows)(M, i);
    GL_NAME(micro_any)(mr, nr, K, A + (int64_t)i * sai, sai, sak, Bp, C + (int64_t)i * ldc, ldc, accumulate);
  }
}

// C[M,N] (+)= A[:, 0:K]·B[0:K, :], A's element (i, k) at A[i·sai + k·sak], B row-major (ldb). Same contract as the
// WebAssembly build's gemm_panel (rnn.c), so the two differ only in the order of the additions within a product.
// Column strips of GL_NR outside (each packed once, then in L1 while every row block passes over it), row blocks of
// GL_MR inside.
static void GL_NAME(gemm_panel)(int M, int N, int K, const float *A, int sai, int sak, const float *B, int ldb, float *C,
                                int ldc, int accumulate) {
  float Bp[GL_KC * GL_NR] __attribute__((aligned(64)));
  // A is packed too (pack_a) when enough strips reuse it: in dU = Σ h_{t−1}ᵀ·dZ_t (M = H rows, K = (T−1)·B) each row
  // block otherwise broadcast from 6 rows of hᵀ a whole state row (1 KiB at 256 units) apart per k. Without the buffer,
  // A is read in place.
  float *Ap = (M >= GL_MR && N >= 4 * GL_NR) ? aligned_alloc(64, (((size_t)M * GL_KC * sizeof(float)) + 63) & ~(size_t)63) : NULL;
  float *Bg = Ap ? aligned_alloc(64, (size_t)GL_GROUP * GL_KC * GL_NR * sizeof(float)) : NULL;
  for (int k0 = 0; k0 < K; k0 += GL_KC) {
    int kc = K - k0 < GL_KC ? K - k0 : GL_KC;
    if (Ap) GL_NAME(pack_a)(M, kc, A + (int64_t)k0 * sak, sai, sak, Ap);
    int j = 0;
    if (Bg)
      for (; j + GL_GROUP * GL_NR <= N; j += GL_GROUP * GL_NR) {
        GL_NAME(pack_group)(kc, B + (int64_t)k0 * ldb + j, ldb, Bg);
        for (int s = 0; s < GL_GROUP; s++)
          GL_NAME(strip_rows_packed)(M, GL_NR, kc, Ap, Bg + (size_t)s * kc * GL_NR, C + j + s * GL_NR, ldc,
                                     accumulate || k0 > 0);
      }
    for (; j < N; j += GL_NR) {
      int nr = N - j < GL_NR ? N - j : GL_NR;
      GL_NAME(pack_strip)(kc, nr, B + (int64_t)k0 * ldb + j, ldb, Bp);
      if (Ap) {
        GL_NAME(strip_rows_packed)(M, nr, kc, Ap, Bp, C + j, ldc, accumulate || k0 > 0);
        continue;
      }
      GL_NAME(strip_rows)(M, nr, kc, A + (int64_t)k0 * sak, sai, sak, Bp, C + j, ldc, accumulate || k0 > 0);
    }
  }
  free(Ap);
  free(Bg);
}

// Weights packed once per kernel call (rnn.c's wpack): U in the forward pass, Uᵀ in the backward pass are the B operand
// of one product per time step and do not change within the call, so they are copied into the strip layout
// [N/GL_NR][K][GL_NR] once, and every step's product runs the micro-kernel on them without packing. If the buffer
// cannot be allocated the product falls back to rnn.c's gemm on the matrix as it is (same result up to rounding).
#define GATELAB_WPACK 1
typedef struct {
  const float *B;
  int ldb, K, N;
  float *p;
  unsigned calls;
} wpack;
static void gemm(int M, int N, int K, const float *A, int sai, int sak, const float *B, int ldb, float *C, int ldc,
                 int accumulate);
static wpack wpack_make(const float *B, int ldb, int K, int N) {
  wpack w = {B, ldb, K, N, NULL, 0};
  int strips = (N + GL_NR - 1) / GL_NR;
  size_t bytes = ((size_t)strips * (size_t)K * GL_NR * sizeof(float) + 63) & ~(size_t)63;
  // Short K (an input projection of a few features) runs best as rnn.c's row-streaming product on W as it is.
  if (K < 8 || N <= 0 || !(w.p = aligned_alloc(64, bytes))) return w;
  for (int s = 0; s < strips; s++) {
    int j = s * GL_NR, nr = N - j < GL_NR ? N - j : GL_NR;
    GL_NAME(pack_strip)(K, nr, B + j, ldb, w.p + (size_t)s * K * GL_NR);
  }
  return w;
}
static void wpack_gemm(int M, const float *A, int sai, int sak, wpack *w, float *C, int ldc, int accumulate) {
  if (!w->p) {
    gemm(M, w->N, w->K, A, sai, sak, w->B, w->ldb, C, ldc, accumulate);
    return;
  }
  // Strips outside, K panels of GL_KC inside (so the part of a strip all row blocks read stays in L1: Uᵀ's strips are
  // 4H deep, 64 KiB at 256 units); every element of C still adds its panels in ascending order. Successive calls on the
  // same weights walk the strips in alternate directions: at 256 units the packed U is 1 MiB (LSTM) or 768 KiB (GRU),
  // more than the 512 KiB L2, and a product that starts where the previous one ended finds its first strips still in
  // L2 instead of streaming the whole matrix from L3 again. Strips are independent, so the order changes no result.
  int strips = (w->N + GL_NR - 1) / GL_NR, rev = w->calls++ & 1;
  for (int q = 0; q < strips; q++) {
    int s = rev ? strips - 1 - q : q, j = s * GL_NR, nr = w->N - j < GL_NR ? w->N - j : GL_NR;
    for (int k0 = 0; k0 < w->K; k0 += GL_KC) {
      int kc = w->K - k0 < GL_KC ? w->K - k0 : GL_KC;
      GL_NAME(strip_rows)(M, nr, kc, A + (int64_t)k0 * sak, sai, sak, w->p + ((size_t)s * w->K + k0) * GL_NR, C + j,
                          ldc, accumulate || k0 > 0);
    }
  }
}
static void wpack_free(wpack *w) {
  free(w->p);
  w->p = NULL;
}

// The kernel source, with its exported functions renamed per target (EXPORT marks nothing natively).
#define GATELAB_GEMM_PANEL GL_NAME(gemm_panel)
// The element-wise passes (gate activations, cell updates, their derivatives) as wide as the target's vectors.
#define GL_SHIM_BYTES GL_VBYTES
#define GATELAB_VL GL_VL
#define EXPORT(name)
#define gemm_nn GL_NAME(gemm_nn)
#define lstm_forward GL_NAME(lstm_forward)
#define lstm_backward GL_NAME(lstm_backward)
#define gru_after_forward GL_NAME(gru_after_forward)
#define gru_after_backward GL_NAME(gru_after_backward)
#define gru_before_forward GL_NAME(gru_before_forward)
#define gru_before_backward GL_NAME(gru_before_backward)
#define rnn_forward GL_NAME(rnn_forward)
#define rnn_backward GL_NAME(rnn_backward)
#include "../../fused/kernels/rnn.c"

// The one entry point of this target: kernel `fn` (numbered as in addon.c) with integer arguments first and then byte
// offsets into `base`, exactly as the WebAssembly exports take them (src/main/engine/fused/kernel.ts).
#define I(k) ((int)a[k])
#define P(k) ((float *)(base + a[k]))
int GL_NAME(gatelab_call)(int fn, char *base, const int64_t *a, int n) {
  static const int arity[] = {6, 16, 23, 16, 22, 16, 23, 14, 20};
  if (fn < 0 || fn > 8 || n != arity[fn]) return -1;
  switch (fn) {
    case 0: gemm_nn(I(0), I(1), I(2), P(3), P(4), P(5)); break;
    case 1: lstm_forward(I(0), I(1), I(2), I(3), I(4), I(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12), P(13), P(14), P(15)); break;
    case 2: lstm_backward(I(0), I(1), I(2), I(3), I(4), I(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12), P(13), P(14), P(15), P(16), P(17), P(18), P(19), P(20), P(21), P(22)); break;
    case 3: gru_after_forward(I(0), I(1), I(2), I(3), I(4), I(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12), P(13), P(14), P(15)); break;
    case 4: gru_after_backward(I(0), I(1), I(2), I(3), I(4), I(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12), P(13), P(14), P(15), P(16), P(17), P(18), P(19), P(20), P(21)); break;
    case 5: gru_before_forward(I(0), I(1), I(2), I(3), I(4), I(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12), P(13), P(14), P(15)); break;
    case 6: gru_before_backward(I(0), I(1), I(2), I(3), I(4), I(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12), P(13), P(14), P(15), P(16), P(17), P(18), P(19), P(20), P(21), P(22)); break;
    case 7: rnn_forward(I(0), I(1), I(2), I(3), I(4), I(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12), P(13)); break;
    case 8: rnn_backward(I(0), I(1), I(2), I(3), I(4), I(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12), P(13), P(14), P(15), P(16), P(17), P(18), P(19)); break;
  }
  return 0;
}
