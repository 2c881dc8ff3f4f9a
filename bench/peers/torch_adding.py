#!/usr/bin/env python3
"""PyTorch peer for GateLab's time-to-solve benchmark (bench/training.bench.ts, docs/PERFORMANCE.md).

The adding problem (Hochreiter & Schmidhuber 1997): two input features per step, a value in U[0, 1] and a marker;
exactly one marked step in each half of the sequence; the target is the sum of the two marked values. One recurrent
layer (nn.LSTM, nn.GRU — reset-after, PyTorch's only form — or nn.RNN with tanh), a linear head on the last step, MSE,
Adam, gradient-norm clipping; `--threads` intra-op threads (1 by default). Solved = MSE below the threshold on a fixed validation set, checked every
`--check-every` steps; gives up after `--max-steps`. Prints one JSON line:
{"cell", "seqLen", "units", "solved", "steps", "seconds", "valMse", "torch", "torchThreads", "blas"} (peer_info.py).

Usage: python3 torch_adding.py --cell lstm --seq-len 50 [--units 32] [--batch 32] [--lr 1e-2] [--clip 1]
       [--val 1000] [--threshold 0.01] [--check-every 100] [--max-steps 3000] [--seed 1] [--threads 1]
Exits with status 3 when PyTorch is missing (Debian: apt-get install -y python3-torch).
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
from torch_rnn import Net  # the same model as the throughput peer; this folder is on sys.path when run as a script


def adding_batch(n, seq_len, generator):
    values = torch.rand(n, seq_len, generator=generator)
    half = seq_len // 2
    first = torch.randint(0, half, (n,), generator=generator)
    second = torch.randint(half, seq_len, (n,), generator=generator)
    markers = torch.zeros(n, seq_len)
    rows = torch.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = torch.stack([values, markers], dim=2)
    y = (values[rows, first] + values[rows, second]).unsqueeze(1)
    return x, y


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cell", required=True, choices=["lstm", "gru", "rnn"])
    parser.add_argument("--seq-len", type=int, required=True)
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--clip", type=float, default=1.0)
    parser.add_argument("--val", type=int, default=1000)
    parser.add_argument("--threshold", type=float, default=0.01)
    parser.add_argument("--check-every", type=int, default=100)
    parser.add_argument("--max-steps", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    val_x, val_y = adding_batch(args.val, args.seq_len, generator)
    net = Net(args.cell, args.units, input_size=2)
    if args.cell == "lstm":
        # CELLS.md's standard LSTM: forget-gate bias 1 (PyTorch's gate order is i, f, g, o; two bias vectors).
        with torch.no_grad():
            net.rnn.bias_ih_l0[args.units:2 * args.units].fill_(1.0)
            net.rnn.bias_hh_l0[args.units:2 * args.units].fill_(0.0)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    loss_fn = torch.nn.MSELoss()
    started = time.perf_counter()
    solved = False
    val_mse = None
    step = 0
    while step < args.max_steps:
        x, y = adding_batch(args.batch, args.seq_len, generator)
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), args.clip)
        opt.step()
        step += 1
        if step % args.check_every == 0:
            with torch.no_grad():
                val_mse = float(loss_fn(net(val_x), val_y))
            if val_mse < args.threshold:
                solved = True
                break
    print(json.dumps({"cell": args.cell, "seqLen": args.seq_len, "units": args.units, "solved": solved, "steps": step,
                      "seconds": time.perf_counter() - started, "valMse": val_mse, **peer_record(torch)}))


if __name__ == "__main__":
    main()
