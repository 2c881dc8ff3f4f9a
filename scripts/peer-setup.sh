#!/usr/bin/env bash
# Installs the PyTorch peer of `npm run bench` at its best (issue 18) and proves it: Debian's python3-torch (for
# /usr/bin/python3), OpenBLAS (libopenblas0-pthread) selected as libblas.so.3 through Debian's alternatives — with
# python3-torch alone the alternatives select the reference BLAS, 5-7x slower — and threadpoolctl, which the peer uses
# to report the BLAS and core type it loaded. Prints that record at the end (bench/peers/peer_info.py), run the way the
# bench runs the peer: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that process only. Needs root (apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
need=()
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need+=(python3-torch)
/usr/bin/python3 -c 'import threadpoolctl' >/dev/null 2>&1 || need+=(python3-threadpoolctl)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
triplet="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine)"
openblas="/usr/lib/${triplet}/openblas-pthread/libblas.so.3"
echo "== selecting OpenBLAS for libblas.so.3-${triplet}"
update-alternatives --set "libblas.so.3-${triplet}" "${openblas}"
update-alternatives --query "libblas.so.3-${triplet}" | grep -E '^(Value|Status):'
echo "== what the peer loads (OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for it only)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/peer_info.py
