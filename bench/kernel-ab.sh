#!/bin/bash
# Paired A/B of two builds of the native kernels (docs/KERNELS.md "Measuring a kernel change"): both builds linked into
# ONE process that alternates them repetition by repetition (LSTM or reset-after GRU, forward + backward, T = 100,
# batch 32, one feature; thread CPU time), so the minute-to-minute speed swings of a shared VM hit both alike. Prints
# each build's best and median and the median of the paired differences, and whether every output (hs, dx, dW, dU,
# db) is bit-identical between the two.
#   bash bench/kernel-ab.sh OLD/native_target.h NEW/native_target.h 256 lstm 60
# A and B are native_target.h files (each includes the rnn.c beside it: ../../fused/kernels/rnn.c), e.g. a copy of
# main's src/main/engine (cp -r) against the worktree's. AVX2 target, the flags of binding.gyp; AB_ISA=avx512 in front
# builds both as the AVX-512 target instead.
set -euo pipefail
A=$(realpath "$1"); B=$(realpath "$2"); UNITS=${3:-256}; CELL=${4:-lstm}; REPS=${5:-40}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
isa="-mavx2 -mfma"; vbytes=32
if [ "${AB_ISA:-avx2}" = avx512 ]; then isa="-mavx512f -mavx512vl -mavx2 -mfma -mprefer-vector-width=512"; vbytes=64; fi
flags="-O3 -std=gnu11 -fno-math-errno -ffp-contract=fast $isa -I$here/../src/main/engine/native/addon/shim"
printf '#define GL_TARGET va\n#define GL_VBYTES %s\n#include "%s"\n' "$vbytes" "$A" > "$out/a.c"
printf '#define GL_TARGET vb\n#define GL_VBYTES %s\n#include "%s"\n' "$vbytes" "$B" > "$out/b.c"
gcc $flags -c "$out/a.c" -o "$out/a.o"
gcc $flags -c "$out/b.c" -o "$out/b.o"
gcc $flags "$here/kernel-ab.c" "$out/a.o" "$out/b.o" -o "$out/ab"
"$out/ab" "$UNITS" "$([ "$CELL" = gru ] && echo 1 || echo 0)" "$REPS"
rm -rf "$out"
