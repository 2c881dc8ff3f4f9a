// Phase timing of the native fused kernels alone (docs/KERNELS.md "What the 256-unit targets ask"): LSTM or GRU
// (reset-after) forward and backward over T = 100, batch 32, one input feature, in one arena laid out like
// src/main/engine/fused/kernel.ts does; then each per-batch product phase on its own: the forward recurrent products
// h·U, the backward dZ·Uᵀ, and dU as one product. Thread CPU time, best of the repetitions (so other processes on a
// busy machine count less). Build and run (AVX2 target, the flags of binding.gyp):
//   gcc -O3 -std=gnu11 -fno-math-errno -ffp-contract=fast -mavx2 -mfma -Isrc/main/engine/native/addon/shim
//       bench/kernel-phases.c -o /tmp/phases && /tmp/phases 256 0 10     (units, 0 LSTM / 1 GRU, repetitions)
// For an A/B run build two binaries (e.g. with -DSRC='"/path/to/other/native_target.h"') and alternate them.
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>
#ifndef SRC
#define SRC "../src/main/engine/native/addon/native_target.h"
#endif
#define GL_TARGET avx2
#define GL_VBYTES 32
#include SRC

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}
static float frand(float s) { return ((rand() / (float)RAND_MAX) - 0.5f) * s; }

int main(int argc, char **argv) {
  int H = argc > 1 ? atoi(argv[1]) : 256, gru = argc > 2 ? atoi(argv[2]) : 0, reps = argc > 3 ? atoi(argv[3]) : 10;
  int T = 100, B = 32, D = 1, G = gru ? 3 * H : 4 * H;
  size_t off = 0, cap = (size_t)256 << 20;
  char *arena = aligned_alloc(64, cap);
  memset(arena, 0, cap);
#define REGION(n) ((float *)(arena + (off += (((size_t)(n)*4 + 63) & ~(size_t)63)) - (((size_t)(n)*4 + 63) & ~(size_t)63)))
  float *x = REGION(B * T * D), *W = REGION(D * G), *U = REGION(H * G), *bias = REGION(gru ? 2 * G : G);
  float *xt = REGION(T * B * D), *gates = REGION((size_t)T * B * G);
  float *aux = REGION(gru ? (size_t)T * B * H : (size_t)(T + 1) * B * H), *aux2 = REGION(gru ? B * G : (size_t)T * B * H);
  float *hs = REGION((size_t)(T + 1) * B * H), *y = REGION(B * H), *dy = REGION(B * H), *dx = REGION(B * T * D);
  float *dW = REGION(D * G), *dU = REGION(H * G), *db = REGION(gru ? 2 * G : G), *UT = REGION(G * H), *WT = REGION(G * D);
  float *dh = REGION(B * H), *dh2 = REGION(B * H), *drh = REGION(B * H), *dxt = REGION(T * B * D);
  (void)drh;
  srand(1);
  for (int i = 0; i < B * T * D; i++) x[i] = frand(2);
  for (int i = 0; i < H * G; i++) U[i] = frand(2.f / __builtin_sqrtf((float)H));
  for (int i = 0; i < D * G; i++) W[i] = frand(0.4f);
  for (int i = 0; i < B * H; i++) dy[i] = frand(0.2f);
  double tf = 1e9, tb = 1e9, t1u = 1e9, t2u = 1e9, t3u = 1e9;
  for (int r = 0; r < reps; r++) {
    double a = now();
    if (!gru) lstm_forward(T, B, D, H, 0, 0, x, W, U, bias, xt, gates, aux, aux2, hs, y);
    else gru_after_forward(T, B, D, H, 0, 0, x, W, U, bias, xt, gates, aux, hs, aux2, y);
    double b = now();
    if (!gru) lstm_backward(T, B, D, H, 0, 0, W, U, xt, gates, aux, aux2, hs, dy, dx, dW, dU, db, UT, WT, dh, dh2, dxt);
    else gru_after_backward(T, B, D, H, 0, 0, W, U, xt, gates, aux, hs, dy, dx, dW, dU, db, UT, WT, dh, dh2, dxt);
    double c = now();
    if (b - a < tf) tf = b - a;
    if (c - b < tb) tb = c - b;
    wpack u = wpack_make(U, G, H, G);
    a = now();
    for (int t = 1; t < T; t++) wpack_gemm(B, hs + t * B * H, H, 1, &u, gates + t * B * G, G, 1);
    b = now();
    wpack_free(&u);
    if (b - a < t1u) t1u = b - a;
    transpose(U, UT, H, G);
    wpack ut = wpack_make(UT, H, G, H);
    a = now();
    for (int t = 1; t < T; t++) wpack_gemm(B, gates + t * B * G, G, 1, &ut, dh, H, 0);
    b = now();
    wpack_free(&ut);
    if (b - a < t2u) t2u = b - a;
    a = now();
    recurrent_grad(hs, gates, G, T, B, H, G, dU, G);
    b = now();
    if (b - a < t3u) t3u = b - a;
  }
  double f = 2.0 * B * H * G * (T - 1);
  printf("%s %d units: forward %.2f ms, backward %.2f ms, total %.2f ms | products alone: h·U %.2f ms (%.1f GFLOP/s), "
         "dZ·Uᵀ %.2f ms (%.1f), dU %.2f ms (%.1f)\n",
         gru ? "GRU" : "LSTM", H, tf * 1e3, tb * 1e3, (tf + tb) * 1e3, t1u * 1e3, f / t1u / 1e9, t2u * 1e3, f / t2u / 1e9,
         t3u * 1e3, f / t3u / 1e9);
  return 0;
}
