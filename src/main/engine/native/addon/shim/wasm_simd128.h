// The subset of clang's <wasm_simd128.h> that the fused kernels (src/main/engine/fused/kernels/rnn.c) use, written with
// GCC/clang vector extensions so the same kernel source compiles natively: SSE/AVX on x86-64, NEON on ARM64. Semantics
// follow the WebAssembly SIMD specification for every value the kernels pass (pmin/pmax keep their first operand when
// a comparison is false, so a NaN stays NaN as in the WebAssembly build).
#ifndef GATELAB_WASM_SIMD128_SHIM_H
#define GATELAB_WASM_SIMD128_SHIM_H

#include <stdint.h>
#include <string.h>

// GL_SHIM_BYTES widens "v128" to the native target's vectors (native_target.h sets it to 32 for AVX2, 64 for AVX-512,
// with rnn.c's lane count GATELAB_VL to match): the same lane-wise operations on more lanes at once. Default: 16.
#ifndef GL_SHIM_BYTES
#define GL_SHIM_BYTES 16
#endif
typedef int32_t v128_t __attribute__((vector_size(GL_SHIM_BYTES), aligned(GL_SHIM_BYTES)));
typedef float gl_f32x4 __attribute__((vector_size(GL_SHIM_BYTES), aligned(GL_SHIM_BYTES)));
typedef int32_t gl_i32x4 __attribute__((vector_size(GL_SHIM_BYTES), aligned(GL_SHIM_BYTES)));
#if GL_SHIM_BYTES == 16
#define GL_SHIM_SPLAT(x) {x, x, x, x}
#elif GL_SHIM_BYTES == 32
#define GL_SHIM_SPLAT(x) {x, x, x, x, x, x, x, x}
#else
#define GL_SHIM_SPLAT(x) {x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}
#endif

#define GL_INLINE static inline __attribute__((always_inline))

GL_INLINE v128_t wasm_v128_load(const void *p) {
  v128_t v;
  memcpy(&v, p, sizeof v);
  return v;
}
GL_INLINE void wasm_v128_store(void *p, v128_t v) { memcpy(p, &v, sizeof v); }
GL_INLINE v128_t wasm_f32x4_splat(float x) {
  gl_f32x4 v = GL_SHIM_SPLAT(x);
  return (v128_t)v;
}
GL_INLINE v128_t wasm_i32x4_splat(int32_t x) {
  gl_i32x4 v = GL_SHIM_SPLAT(x);
  return (v128_t)v;
}
GL_INLINE v128_t wasm_v128_load32_splat(const void *p) {
  float x;
  memcpy(&x, p, sizeof x);
  return wasm_f32x4_splat(x);
}
GL_INLINE float gl_lane(v128_t v, int i) { return ((gl_f32x4)v)[i]; }
#define wasm_f32x4_extract_lane(v, i) gl_lane((v), (i))

GL_INLINE v128_t wasm_f32x4_add(v128_t a, v128_t b) { return (v128_t)((gl_f32x4)a + (gl_f32x4)b); }
GL_INLINE v128_t wasm_f32x4_sub(v128_t a, v128_t b) { return (v128_t)((gl_f32x4)a - (gl_f32x4)b); }
GL_INLINE v128_t wasm_f32x4_mul(v128_t a, v128_t b) { return (v128_t)((gl_f32x4)a * (gl_f32x4)b); }
GL_INLINE v128_t wasm_f32x4_div(v128_t a, v128_t b) { return (v128_t)((gl_f32x4)a / (gl_f32x4)b); }
GL_INLINE v128_t wasm_f32x4_neg(v128_t a) { return (v128_t)(-(gl_f32x4)a); }
GL_INLINE v128_t wasm_v128_and(v128_t a, v128_t b) { return a & b; }
GL_INLINE v128_t wasm_v128_or(v128_t a, v128_t b) { return a | b; }
GL_INLINE v128_t wasm_f32x4_abs(v128_t a) { return a & wasm_i32x4_splat(0x7fffffff); }
GL_INLINE v128_t wasm_f32x4_gt(v128_t a, v128_t b) { return (v128_t)((gl_f32x4)a > (gl_f32x4)b); }
GL_INLINE v128_t wasm_f32x4_lt(v128_t a, v128_t b) { return (v128_t)((gl_f32x4)a < (gl_f32x4)b); }
// pmin(a, b) = b < a ? b : a; pmax(a, b) = a < b ? b : a (lane-wise selects through the comparison masks).
GL_INLINE v128_t wasm_f32x4_pmin(v128_t a, v128_t b) {
  v128_t m = wasm_f32x4_lt(b, a);
  return (b & m) | (a & ~m);
}
GL_INLINE v128_t wasm_f32x4_pmax(v128_t a, v128_t b) {
  v128_t m = wasm_f32x4_lt(a, b);
  return (b & m) | (a & ~m);
}
GL_INLINE v128_t wasm_i32x4_add(v128_t a, v128_t b) { return a + b; }
GL_INLINE v128_t wasm_i32x4_sub(v128_t a, v128_t b) { return a - b; }
GL_INLINE v128_t wasm_i32x4_shl(v128_t a, int n) { return a << n; }

#endif
