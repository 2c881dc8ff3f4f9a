// What one core here does at best with 8-lane FMAs (docs/PERFORMANCE.md, "Row 9 in session 9"): twelve chains of FMAs
// on registers only (the core's peak); the same with one broadcast from L1 per FMA; and a matrix-product register tile
// of 12 accumulators in four shapes (6x16, 4x24, 3x32 and 2x48 floats) over a packed B strip in L1/L2. Thread CPU
// time; the tiles best of 5.
//   gcc -O3 -mavx2 -mfma -ffp-contract=fast bench/fma-ceiling.c -o /tmp/fma-ceiling && /tmp/fma-ceiling 256
#define _GNU_SOURCE
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef float vf __attribute__((vector_size(32), aligned(4), may_alias));
static inline vf ld(const float *p) { return *(const vf *)p; }
static inline vf sp(float x) { return (vf){x, x, x, x, x, x, x, x}; }
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// Twelve independent accumulator chains, acc += x·y, all in registers. Written as one asm loop: in C the compiler saw
// that twelve accumulators started alike and took the same steps, merged them into one chain and ran one FMA per
// iteration, which the count took for twelve (the 136-153 GFLOP/s this probe printed until session 10).
#define FMA12                                                                                                          \
  "vfmadd231ps %%ymm12,%%ymm13,%%ymm0\n vfmadd231ps %%ymm12,%%ymm13,%%ymm1\n vfmadd231ps %%ymm12,%%ymm13,%%ymm2\n" \
  "vfmadd231ps %%ymm12,%%ymm13,%%ymm3\n vfmadd231ps %%ymm12,%%ymm13,%%ymm4\n vfmadd231ps %%ymm12,%%ymm13,%%ymm5\n" \
  "vfmadd231ps %%ymm12,%%ymm13,%%ymm6\n vfmadd231ps %%ymm12,%%ymm13,%%ymm7\n vfmadd231ps %%ymm12,%%ymm13,%%ymm8\n" \
  "vfmadd231ps %%ymm12,%%ymm13,%%ymm9\n vfmadd231ps %%ymm12,%%ymm13,%%ymm10\n vfmadd231ps %%ymm12,%%ymm13,%%ymm11\n"
static double registers_only(void) {
  static const float one[8] __attribute__((aligned(32))) = {1e-7f, 1e-7f, 1e-7f, 1e-7f, 1e-7f, 1e-7f, 1e-7f, 1e-7f};
  long R = 400000000 / 12, n = R;
  double s = now();
  __asm__ volatile(
      "vxorps %%ymm0, %%ymm0, %%ymm0\n vxorps %%ymm1, %%ymm1, %%ymm1\n vxorps %%ymm2, %%ymm2, %%ymm2\n"
      "vxorps %%ymm3, %%ymm3, %%ymm3\n vxorps %%ymm4, %%ymm4, %%ymm4\n vxorps %%ymm5, %%ymm5, %%ymm5\n"
      "vxorps %%ymm6, %%ymm6, %%ymm6\n vxorps %%ymm7, %%ymm7, %%ymm7\n vxorps %%ymm8, %%ymm8, %%ymm8\n"
      "vxorps %%ymm9, %%ymm9, %%ymm9\n vxorps %%ymm10, %%ymm10, %%ymm10\n vxorps %%ymm11, %%ymm11, %%ymm11\n"
      "vmovaps (%[c]), %%ymm12\n vmovaps (%[c]), %%ymm13\n"
      "1:\n" FMA12 "dec %[n]\n jnz 1b\n vzeroupper\n"
      : [n] "+r"(n)
      : [c] "r"(one)
      : "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
        "xmm12", "xmm13");
  s = now() - s;
  return R * 12 * 16.0 / s / 1e9;
}

#define G(x, i) x = _mm256_fmadd_ps(_mm256_broadcast_ss(p + i), b, x);
static double broadcast_per_fma(void) {
  static float buf[4096] __attribute__((aligned(64)));
  for (int i = 0; i < 4096; i++) buf[i] = 1e-4f * (i % 13);
  __m256 a0 = _mm256_set1_ps(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  __m256 b = _mm256_set1_ps(0.999f);
  long R = 400000000 / 12;
  double s = now();
  for (long r = 0; r < R; r++) {
    const float *p = buf + ((r * 16) & 2047);
    G(a0, 0) G(a1, 1) G(a2, 2) G(a3, 3) G(a4, 4) G(a5, 5) G(a6, 6) G(a7, 7) G(a8, 8) G(a9, 9) G(a10, 10) G(a11, 11)
  }
  s = now() - s;
  __m256 q = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)), _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  q = _mm256_add_ps(q, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  float o[8];
  _mm256_storeu_ps(o, q);
  if (o[0] == 12345.f) puts("");
  return R * 12 * 16.0 / s / 1e9;
}

// C[MR][8·NV] = A[MR][K] · Bp[K][8·NV], the accumulators in registers, one broadcast of A per row and k.
#define TILE(NAME, MR, NV)                                                                                             \
  __attribute__((noinline)) static void NAME(int K, const float *A, int sai, const float *Bp, float *C, int ldc) {     \
    vf s[MR][NV];                                                                                                      \
    for (int r = 0; r < MR; r++)                                                                                       \
      for (int j = 0; j < NV; j++) s[r][j] = sp(0);                                                                    \
    for (int k = 0; k < K; k++, Bp += 8 * NV, A++) {                                                                   \
      vf b[NV];                                                                                                        \
      for (int j = 0; j < NV; j++) b[j] = ld(Bp + 8 * j);                                                              \
      for (int r = 0; r < MR; r++) {                                                                                   \
        vf x = sp(A[r * sai]);                                                                                         \
        for (int j = 0; j < NV; j++) s[r][j] += x * b[j];                                                              \
      }                                                                                                                \
    }                                                                                                                  \
    for (int r = 0; r < MR; r++)                                                                                       \
      for (int j = 0; j < NV; j++) *(vf *)(C + r * ldc + 8 * j) = s[r][j];                                             \
  }
TILE(tile6x16, 6, 2)
TILE(tile4x24, 4, 3)
TILE(tile3x32, 3, 4)
TILE(tile2x48, 2, 6)

int main(int argc, char **argv) {
  int K = argc > 1 ? atoi(argv[1]) : 256;
  printf("FMAs on registers: %.1f GFLOP/s\n", registers_only());
  printf("one broadcast from L1 per FMA: %.1f GFLOP/s\n", broadcast_per_fma());
  float *A = aligned_alloc(64, 8 * K * 4), *B = aligned_alloc(64, K * 48 * 4), C[8 * 48] __attribute__((aligned(64)));
  for (int i = 0; i < 8 * K; i++) A[i] = 1e-3f * (i % 7);
  for (int i = 0; i < K * 48; i++) B[i] = 1e-3f * (i % 5);
  void (*f[4])(int, const float *, int, const float *, float *, int) = {tile6x16, tile4x24, tile3x32, tile2x48};
  int mr[4] = {6, 4, 3, 2}, nv[4] = {2, 3, 4, 6};
  const char *name[4] = {"6x16", "4x24", "3x32", "2x48"};
  double best[4] = {1e9, 1e9, 1e9, 1e9};
  long reps = 200000000L / (K * 12 * 8);
  for (int r = 0; r < 5; r++)
    for (int q = 0; q < 4; q++) {
      double s = now();
      for (long i = 0; i < reps; i++) {
        f[q](K, A, K, B, C, 48);
        __asm__ volatile("" ::"r"(C) : "memory");
      }
      s = now() - s;
      if (s < best[q]) best[q] = s;
    }
  for (int q = 0; q < 4; q++) printf("tile %s, K = %d: %.1f GFLOP/s\n", name[q], K, reps * 2.0 * mr[q] * nv[q] * 8 * K / best[q] / 1e9);
  return 0;
}
