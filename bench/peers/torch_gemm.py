#!/usr/bin/env python3
"""The native single-core sgemm ceiling on given shapes, through PyTorch's BLAS (torch.mm, one thread): what an optimized
BLAS does on the products of a training step, for bench/fused.bench.ts. Best of the timed runs (a ceiling).

Usage: python3 torch_gemm.py --shape 32,512,128 [--shape M,N,K ...] [--threads 1] [--serve]
Prints one JSON line: {"shapes": [{"m", "n", "k", "gflops"}], "torch", "torchThreads", "blas"} (peer_info.py).
--serve: print {"ready": true, "torch", "torchThreads", "blas"}, then for each line "BURSTS" read from stdin measure
every shape again, best of BURSTS timed runs of about 2 ms, and print {"shapes": [...]}; end of input ends it (a
ceiling sampled many times in one run, between GateLab's steps, without restarting: bench/peer.ts, PeerSession).
"""
import argparse
import json
import sys
import time

try:
    import torch
except ImportError:
    print(json.dumps({"error": "PyTorch is not installed (Debian: apt-get install -y python3-torch)"}))
    sys.exit(3)

from peer_info import peer_record


def rate(m, n, k, bursts=40):
    a = torch.rand(m, k)
    b = torch.rand(k, n)
    c = torch.empty(m, n)
    reps = max(3, round(4e7 / (2 * m * n * k)))
    best = float("inf")
    for _ in range(bursts):
        t = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b, out=c)
        best = min(best, (time.perf_counter() - t) / reps)
    return 2 * m * n * k / best / 1e9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", action="append", required=True, help="M,N,K")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--serve", action="store_true", help="measure again for each line BURSTS read from stdin")
    args = parser.parse_args()
    dims = [tuple(int(v) for v in spec.split(",")) for spec in args.shape]
    torch.set_num_threads(args.threads)
    if args.serve:
        for m, n, k in dims:
            rate(m, n, k, 5)  # warm up: first calls size OpenBLAS's buffers
        print(json.dumps({"ready": True, **peer_record(torch)}), flush=True)
        for line in sys.stdin:
            bursts = int(line)
            shapes = [{"m": m, "n": n, "k": k, "gflops": rate(m, n, k, bursts)} for m, n, k in dims]
            print(json.dumps({"shapes": shapes}), flush=True)
        return
    shapes = [{"m": m, "n": n, "k": k, "gflops": rate(m, n, k)} for m, n, k in dims]
    print(json.dumps({"shapes": shapes, **peer_record(torch)}))


if __name__ == "__main__":
    main()
