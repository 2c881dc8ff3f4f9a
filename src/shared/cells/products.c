/*
 * The float64 cell math's matrix products (src/shared/cells/products.ts), compiled to a small WebAssembly module
 * (`npm run build:cells-wasm`, which embeds it in products.wasm.ts). Every product is the JavaScript loop it replaces,
 * operation for operation: u[j] = ((0 + v_0·M_0j) + v_1·M_1j) + … over the rows in ascending order, multiplies and
 * adds rounded one at a time (no fused multiply-add: -ffp-contract=off, and SIMD128 has none), so each result is
 * bit-identical to the plain loop. Clang vectorises across j (two outputs per f64x2 lane pair), which reorders nothing
 * within one output's sum.
 */

/*
 * u[from..to) = v[0..rows) · M[rows, stride][:, from..to), rows in ascending order, four rows per pass over u. With
 * first_row > 0 the rows before it are already summed in u (product_pair's remainder).
 */
void product_rows(const double *v, const double *M, int stride, int rows, double *u, int from, int to, int first_row) {
  if (first_row == 0)
    for (int j = from; j < to; j++) u[j] = 0;
  int k = first_row;
  for (; k + 4 <= rows; k += 4) {
    const double h0 = v[k], h1 = v[k + 1], h2 = v[k + 2], h3 = v[k + 3];
    const double *r0 = M + (long)k * stride, *r1 = r0 + stride, *r2 = r1 + stride, *r3 = r2 + stride;
    for (int j = from; j < to; j++) u[j] = u[j] + h0 * r0[j] + h1 * r1[j] + h2 * r2[j] + h3 * r3[j];
  }
  for (; k + 2 <= rows; k += 2) {
    const double h0 = v[k], h1 = v[k + 1];
    const double *r0 = M + (long)k * stride, *r1 = r0 + stride;
    for (int j = from; j < to; j++) u[j] = u[j] + h0 * r0[j] + h1 * r1[j];
  }
  if (k < rows) {
    const double hv = v[k];
    const double *r = M + (long)k * stride;
    for (int j = from; j < to; j++) u[j] = u[j] + hv * r[j];
  }
}

/* product_rows for two vectors at once: each weight is loaded once for both; each output's sum is product_rows'. */
void product_pair(const double *v0, const double *v1, const double *M, int stride, int rows, double *u0, double *u1, int from, int to) {
  for (int j = from; j < to; j++) {
    u0[j] = 0;
    u1[j] = 0;
  }
  int k = 0;
  for (; k + 4 <= rows; k += 4) {
    const double a0 = v0[k], a1 = v0[k + 1], a2 = v0[k + 2], a3 = v0[k + 3];
    const double b0 = v1[k], b1 = v1[k + 1], b2 = v1[k + 2], b3 = v1[k + 3];
    const double *r0 = M + (long)k * stride, *r1 = r0 + stride, *r2 = r1 + stride, *r3 = r2 + stride;
    for (int j = from; j < to; j++) {
      const double w0 = r0[j], w1 = r1[j], w2 = r2[j], w3 = r3[j];
      u0[j] = u0[j] + a0 * w0 + a1 * w1 + a2 * w2 + a3 * w3;
      u1[j] = u1[j] + b0 * w0 + b1 * w1 + b2 * w2 + b3 * w3;
    }
  }
  if (k < rows) {
    product_rows(v0, M, stride, rows, u0, from, to, k);
    product_rows(v1, M, stride, rows, u1, from, to, k);
  }
}
