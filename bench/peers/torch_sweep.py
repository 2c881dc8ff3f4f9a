#!/usr/bin/env python3
"""PyTorch peer for GateLab's sweep-of-8 benchmark (bench/sweep.bench.ts, issue 18 item 5).

The same eight runs a GateLab sweep trains — LSTM and GRU × seeds, on the adding problem — in a process pool of
`--processes` one-thread processes (multiprocessing.Pool, fork; torch.set_num_threads(1) in each), PyTorch's best way
to train many small runs on N cores. Each run does what a GateLab trainer does with the same settings: generates its
data (train/validation/test sizes as given), then per epoch shuffles the training set, trains on every batch (the last
one partial, as GateLab's) with Adam, and computes the validation loss over the whole validation set; after the last
epoch, the test loss. One recurrent layer (nn.LSTM with forget-gate bias 1, as GateLab's unitForgetBias; nn.GRU,
reset-after), a linear head on the last step, MSE (torch_rnn.Net, the model of every peer).

Prints one JSON line: {"wallSeconds" (pool start to the last run's end, torch already imported), "runs": [{"cell",
"seed", "seconds", "valLoss", "testLoss"}], "processes", "torch", "torchThreads", "blas"} — the runtime record comes
from a pool worker (peer_info.py), so it shows what the runs themselves used.

Usage: python3 torch_sweep.py --runs lstm:1,lstm:2,gru:1,gru:2 [--units 64] [--seq-len 50] [--samples 2000]
       [--val 1000] [--test 1000] [--batch 32] [--epochs 5] [--lr 1e-3] [--processes N] [--threads 1]
Run it through bench/peer.ts (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for this process only). Exits with status 3
when PyTorch is missing (Debian: apt-get install -y python3-torch).
"""
import argparse
import json
import multiprocessing
import sys
import time

try:
    import torch
except ImportError:
    print(json.dumps({"error": "PyTorch is not installed (Debian: apt-get install -y python3-torch)"}))
    sys.exit(3)

from peer_info import peer_record
from torch_adding import adding_batch
from torch_rnn import Net

ARGS = None


def train_one(job):
    cell, seed = job
    a = ARGS
    torch.set_num_threads(1)
    started = time.perf_counter()
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    train_x, train_y = adding_batch(a.samples, a.seq_len, generator)
    val_x, val_y = adding_batch(a.val, a.seq_len, generator)
    test_x, test_y = adding_batch(a.test, a.seq_len, generator)
    net = Net(cell, a.units, input_size=2)
    if cell == "lstm":
        with torch.no_grad():
            net.rnn.bias_ih_l0[a.units:2 * a.units].fill_(1.0)
            net.rnn.bias_hh_l0[a.units:2 * a.units].fill_(0.0)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    loss_fn = torch.nn.MSELoss()

    def evaluate(x, y):
        with torch.no_grad():
            total = 0.0
            for start in range(0, x.shape[0], 256):
                xb, yb = x[start:start + 256], y[start:start + 256]
                total += float(loss_fn(net(xb), yb)) * xb.shape[0]
            return total / x.shape[0]

    val_loss = None
    for _ in range(a.epochs):
        order = torch.randperm(a.samples, generator=generator)
        for start in range(0, a.samples, a.batch):
            idx = order[start:start + a.batch]
            opt.zero_grad()
            loss = loss_fn(net(train_x[idx]), train_y[idx])
            loss.backward()
            opt.step()
        val_loss = evaluate(val_x, val_y)
    test_loss = evaluate(test_x, test_y)
    return {"cell": cell, "seed": seed, "seconds": time.perf_counter() - started, "valLoss": val_loss,
            "testLoss": test_loss}


def worker_record(_):
    torch.set_num_threads(1)
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # call into BLAS once, as the runs do
    return peer_record(torch)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", required=True, help="cell:seed,cell:seed,...")
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--seq-len", type=int, default=50)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--val", type=int, default=1000)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--processes", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--threads", type=int, default=1, help="threads per process (the pool form: 1)")
    ARGS = parser.parse_args()
    if ARGS.threads != 1:
        parser.error("the pool peer runs one thread per process: --threads 1")
    torch.set_num_threads(1)
    jobs = [(cell, int(seed)) for cell, seed in (spec.split(":") for spec in ARGS.runs.split(","))]
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(ARGS.processes) as pool:
        runs = pool.map(train_one, jobs, chunksize=1)
        wall = time.perf_counter() - started
        record = pool.map(worker_record, [0])[0]
    print(json.dumps({"wallSeconds": wall, "runs": runs, "processes": ARGS.processes, **record}))


if __name__ == "__main__":
    main()
