#!/usr/bin/env python3
"""PyTorch peer for GateLab's peak-memory-over-epochs benchmark (bench/memory.bench.ts, issue 18 item 5).

Trains one run as a GateLab trainer would (the adding problem; the given train/validation sizes; per epoch a shuffled
pass over the training set with Adam and a validation pass; torch_rnn.Net) for `--epochs` epochs on one thread and
samples its own memory at every epoch's end: the resident set (VmRSS) and the peak resident set of that epoch (VmHWM,
reset to the current RSS after each reading by writing "5" to /proc/self/clear_refs; Linux). Prints one JSON line:
{"cell", "units", "seqLen", "epochs": [{"epoch", "rssMb", "peakMb"}], "peakResettable", "torch", "torchThreads",
"blas"} (peer_info.py).

Usage: python3 torch_memory.py --cell lstm [--units 64] [--seq-len 50] [--samples 640] [--val 320] [--batch 32]
       [--epochs 30] [--lr 1e-3] [--seed 1] [--threads 1]
Run it through bench/peer.ts. Exits with status 3 when PyTorch is missing (Debian: apt-get install -y python3-torch).
"""
import argparse
import json
import re
import sys

try:
    import torch
except ImportError:
    print(json.dumps({"error": "PyTorch is not installed (Debian: apt-get install -y python3-torch)"}))
    sys.exit(3)

from peer_info import peer_record
from torch_adding import adding_batch
from torch_rnn import Net


def memory():
    with open("/proc/self/status") as status:
        text = status.read()
    kb = lambda key: int(re.search(key + r":\s+(\d+) kB", text).group(1))  # noqa: E731
    return kb("VmRSS") / 1024, kb("VmHWM") / 1024


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cell", default="lstm", choices=["lstm", "gru", "rnn"])
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--seq-len", type=int, default=50)
    parser.add_argument("--samples", type=int, default=640)
    parser.add_argument("--val", type=int, default=320)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    a = parser.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    generator = torch.Generator().manual_seed(a.seed)
    train_x, train_y = adding_batch(a.samples, a.seq_len, generator)
    val_x, val_y = adding_batch(a.val, a.seq_len, generator)
    net = Net(a.cell, a.units, input_size=2)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    loss_fn = torch.nn.MSELoss()
    resettable = reset_peak()
    epochs = []
    for epoch in range(1, a.epochs + 1):
        order = torch.randperm(a.samples, generator=generator)
        for start in range(0, a.samples, a.batch):
            idx = order[start:start + a.batch]
            opt.zero_grad()
            loss = loss_fn(net(train_x[idx]), train_y[idx])
            loss.backward()
            opt.step()
        with torch.no_grad():
            float(loss_fn(net(val_x), val_y))
        rss, peak = memory()
        epochs.append({"epoch": epoch, "rssMb": round(rss, 2), "peakMb": round(peak, 2)})
        reset_peak()
    print(json.dumps({"cell": a.cell, "units": a.units, "seqLen": a.seq_len, "epochs": epochs,
                      "peakResettable": resettable, **peer_record(torch)}))


if __name__ == "__main__":
    main()
