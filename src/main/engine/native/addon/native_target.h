// One native build of the fused kernels for one vector width. Included by target_<isa>.c, which defines GL_TARGET (a
// name suffix) and GL_VBYTES (vector bytes: 16 SSE/NEON, 32 AVX2, 64 AVX-512) and is compiled with that ISA's flags
// (binding.gyp). The kernels are the very source of the WebAssembly build (fused/kernels/rnn.c) on the 128-bit shim
// (shim/wasm_simd128.h); what differs is the blocked matrix product's micro-kernel, which here uses the full vector
// width: a 4 × 2V block of C in eight vector registers (V = GL_VBYTES / 4 floats).
#include <stdint.h>

#define GL_CAT2(a, b) a##_##b
#define GL_CAT(a, b) GL_CAT2(a, b)
#define GL_NAME(name) GL_CAT(name, GL_TARGET)

typedef float gl_vf __attribute__((vector_size(GL_VBYTES), aligned(4), may_alias));
#define GL_VL (GL_VBYTES / 4)

static inline gl_vf gl_vload(const float *p) { return *(const gl_vf *)p; }
static inline void gl_vstore(float *p, gl_vf v) { *(gl_vf *)p = v; }
static inline gl_vf gl_vsplat(float x) {
  gl_vf v = {0};
  return v + x;
}

// C[M,N] (+)= A[:, 0:K]·B[0:K, :], A's element (i, k) at A[i·sai + k·sak], B row-major (ldb). Same contract as the
// WebAssembly build's gemm_panel (rnn.c), so the two differ only in the order of the additions within a product.
static void GL_NAME(gemm_panel)(int M, int N, int K, const float *A, int sai, int sak, const float *B, int ldb, float *C,
                                int ldc, int accumulate) {
  int j = 0;
  for (; j + 2 * GL_VL <= N; j += 2 * GL_VL) {
    int i = 0;
    for (; i + 4 <= M; i += 4) {
      const float *a0 = A + (i + 0) * sai, *a1 = A + (i + 1) * sai, *a2 = A + (i + 2) * sai, *a3 = A + (i + 3) * sai;
      float *c0 = C + (i + 0) * ldc + j, *c1 = C + (i + 1) * ldc + j, *c2 = C + (i + 2) * ldc + j, *c3 = C + (i + 3) * ldc + j;
      gl_vf s00, s01, s10, s11, s20, s21, s30, s31;
      if (accumulate) {
        s00 = gl_vload(c0); s01 = gl_vload(c0 + GL_VL);
        s10 = gl_vload(c1); s11 = gl_vload(c1 + GL_VL);
        s20 = gl_vload(c2); s21 = gl_vload(c2 + GL_VL);
        s30 = gl_vload(c3); s31 = gl_vload(c3 + GL_VL);
      } else {
        s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = gl_vsplat(0.f);
      }
      const float *b = B + j;
      for (int k = 0; k < K; k++, b += ldb) {
        gl_vf b0 = gl_vload(b), b1 = gl_vload(b + GL_VL);
        int ak = k * sak;
        gl_vf x0 = gl_vsplat(a0[ak]), x1 = gl_vsplat(a1[ak]), x2 = gl_vsplat(a2[ak]), x3 = gl_vsplat(a3[ak]);
        s00 += x0 * b0; s01 += x0 * b1;
        s10 += x1 * b0; s11 += x1 * b1;
        s20 += x2 * b0; s21 += x2 * b1;
        s30 += x3 * b0; s31 += x3 * b1;
      }
      gl_vstore(c0, s00); gl_vstore(c0 + GL_VL, s01);
      gl_vstore(c1, s10); gl_vstore(c1 + GL_VL, s11);
      gl_vstore(c2, s20); gl_vstore(c2 + GL_VL, s21);
      gl_vstore(c3, s30); gl_vstore(c3 + GL_VL, s31);
    }
    for (; i < M; i++) {
      const float *a = A + i * sai;
      float *c = C + i * ldc + j;
      gl_vf s0 = accumulate ? gl_vload(c) : gl_vsplat(0.f);
      gl_vf s1 = accumulate ? gl_vload(c + GL_VL) : gl_vsplat(0.f);
      const float *b = B + j;
      for (int k = 0; k < K; k++, b += ldb) {
        gl_vf x = gl_vsplat(a[k * sak]);
        s0 += x * gl_vload(b);
        s1 += x * gl_vload(b + GL_VL);
      }
      gl_vstore(c, s0); gl_vstore(c + GL_VL, s1);
    }
  }
  for (; j + GL_VL <= N; j += GL_VL) {
    for (int i = 0; i < M; i++) {
      const float *a = A + i * sai;
      float *c = C + i * ldc + j;
      gl_vf s = accumulate ? gl_vload(c) : gl_vsplat(0.f);
      for (int k = 0; k < K; k++) s += gl_vsplat(a[k * sak]) * gl_vload(B + k * ldb + j);
      gl_vstore(c, s);
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

// The kernel source, with its exported functions renamed per target (EXPORT marks nothing natively).
#define GATELAB_GEMM_PANEL GL_NAME(gemm_panel)
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
