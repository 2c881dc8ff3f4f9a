#!/usr/bin/env python3
"""PyTorch peer for GateLab's recurrent throughput benchmarks (bench/fused.bench.ts).

The closest computation to GateLab's: one recurrent layer (nn.LSTM or nn.GRU, sigmoid gates; PyTorch's GRU is the
reset-after form), a linear head on the last step, MSE, Adam; one input feature; `--threads` intra-op threads
(torch.set_num_threads; 1 by default). Measures training steps (forward + backward + Adam update) after a warm-up and
prints one JSON line per configuration: {"cell", "units", "seqLen", "batch", "msPerBatch" (median of the repetitions),
"cpuMsPerBatch" (the process's CPU time per step over all its threads, median of the repetitions), "samplesPerSec", "torch", "torchThreads", "blas": {library, path, coreType, version, threads, ...}} (peer_info.py: the
BLAS library torch actually loaded and OpenBLAS's core type, so a row proves which peer it measured).

Usage: python3 torch_rnn.py --config lstm,64,50,32 [--config gru,32,50,32 ...] [--steps 20] [--reps 5] [--warmup 3]
       [--threads 1] [--start-at UNIX_MS]
--start-at waits until that wall-clock time before warming up, so several peer processes started together (the
all-cores peer as a process pool, bench/peer.ts) time the same window.
--serve (one --config): build the model, warm up, print {"ready": true, "torch", "torchThreads", "blas"}, then for each
line "STEPS" read from stdin time STEPS steps back to back and print {"msPerBatch", "cpuMsPerBatch"}; end of input ends
it. A benchmark can so alternate this peer and GateLab's step many times, in short turns, without restarting either
(bench/peer.ts, PeerSession): while GateLab runs, this process waits on its input and takes no CPU.
Run it through bench/peer.ts, which unsets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for this process only.
Uses Debian's python3-torch (apt-get install -y python3-torch libopenblas0-pthread python3-threadpoolctl); exits with
status 3 when PyTorch is missing.
"""
import argparse
import json
import statistics
import sys
import time

try:
    import torch
except ImportError:
    print(json.dumps({"error": "PyTorch is not installed (Debian: apt-get install -y python3-torch)"}))
    sys.exit(3)

from peer_info import peer_record  # this folder is on sys.path when run as a script


class Net(torch.nn.Module):
    """One recurrent layer and a linear head on the last step (also used by torch_adding.py)."""

    def __init__(self, cell, units, input_size=1):
        super().__init__()
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
        self.rnn = rnn(input_size=input_size, hidden_size=units, batch_first=True)
        self.head = torch.nn.Linear(units, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


def training_step(cell, units, seq_len, batch):
    """One training step's closure on a fixed batch: zero_grad, forward, MSE, backward, Adam."""
    torch.manual_seed(0)
    net = Net(cell, units)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()
    x = torch.rand(batch, seq_len, 1)
    y = torch.rand(batch, 1)

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    return step


def measure(cell, units, seq_len, batch, steps, reps, warmup):
    step = training_step(cell, units, seq_len, batch)
    for _ in range(warmup):
        step()
    times = []
    cpu_times = []
    for _ in range(reps):
        t = time.perf_counter()
        c = time.process_time()
        for _ in range(steps):
            step()
        times.append((time.perf_counter() - t) * 1000 / steps)
        cpu_times.append((time.process_time() - c) * 1000 / steps)
    ms = statistics.median(times)
    # CPU time of the whole process (every thread) per step: above msPerBatch when more than one thread worked.
    cpu_ms = statistics.median(cpu_times)
    return {"cell": cell, "units": units, "seqLen": seq_len, "batch": batch, "msPerBatch": ms, "cpuMsPerBatch": cpu_ms,
            "samplesPerSec": batch * 1000 / ms, **peer_record(torch)}


def serve(cell, units, seq_len, batch, warmup):
    """The --serve loop (see the module's docstring)."""
    step = training_step(cell, units, seq_len, batch)
    for _ in range(warmup):
        step()
    print(json.dumps({"ready": True, "cell": cell, "units": units, "seqLen": seq_len, "batch": batch, **peer_record(torch)}),
          flush=True)
    for line in sys.stdin:
        steps = int(line)
        t = time.perf_counter()
        c = time.process_time()
        for _ in range(steps):
            step()
        print(json.dumps({"msPerBatch": (time.perf_counter() - t) * 1000 / steps,
                          "cpuMsPerBatch": (time.process_time() - c) * 1000 / steps}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", action="append", required=True, help="cell,units,seqLen,batch")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--start-at", type=float, default=0, help="unix ms: wait until then before starting")
    parser.add_argument("--serve", action="store_true", help="time STEPS steps for each line STEPS read from stdin")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.serve:
        cell, units, seq_len, batch = args.config[0].split(",")
        serve(cell, int(units), int(seq_len), int(batch), args.warmup)
        return
    wait = args.start_at / 1000 - time.time()
    if wait > 0:
        time.sleep(wait)
    for spec in args.config:
        cell, units, seq_len, batch = spec.split(",")
        row = measure(cell, int(units), int(seq_len), int(batch), args.steps, args.reps, args.warmup)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
