#!/usr/bin/env python3
"""Writes the small PyTorch reference fixtures the fused-layer parity tests read (test/fixtures/torch/*.json).

Run with Debian's python3-torch (PyTorch 1.13 CPU: `apt-get install -y python3-torch`):
    /usr/bin/python3 scripts/make-torch-fixtures.py
Only this script needs PyTorch; the tests read the committed JSON.

Each fixture: one nn.LSTM or nn.GRU layer (batch_first, PyTorch's own default initialisation, biases included), an
input x [B, T, D], and the loss L = sum(out * r) for a fixed random r, either over the whole output sequence
("sequence") or over the last step only ("last"). Stored in PyTorch's layout and gate order (LSTM i,f,g,o; GRU r,z,n;
weight_ih [kH, D], weight_hh [kH, H], bias_ih, bias_hh): the output, and dL/d of x and of every parameter.
All values are float32 results written with 9 significant digits (exact round trip).
"""
import json
import os
import sys

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torch")


def flat(t):
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def make(cell, batch, steps, inputs, units, target, seed):
    torch.manual_seed(seed)
    layer = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(inputs, units, batch_first=True)
    x = torch.randn(batch, steps, inputs, requires_grad=True)
    out, _ = layer(x)
    if target == "last":
        out = out[:, -1, :]
    r = torch.randn(out.shape)
    loss = (out * r).sum()
    loss.backward()
    p = dict(layer.named_parameters())
    names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    return {
        "generator": "scripts/make-torch-fixtures.py",
        "torch": torch.__version__,
        "cell": cell,
        "form": "lstm sigmoid" if cell == "lstm" else "gru reset-after sigmoid",
        "target": target,
        "batch": batch, "steps": steps, "inputDim": inputs, "units": units,
        "x": flat(x), "r": flat(r), "y": flat(out),
        "params": {n.replace("_l0", ""): flat(p[n]) for n in names},
        "grads": {"x": flat(x.grad), **{n.replace("_l0", ""): flat(p[n].grad) for n in names}},
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = [
        ("lstm", 3, 5, 2, 4, "sequence", 1), ("lstm", 2, 7, 3, 6, "last", 2),
        ("gru", 3, 5, 2, 4, "sequence", 3), ("gru", 2, 7, 3, 6, "last", 4),
    ]
    for cell, b, t, d, h, target, seed in cases:
        fixture = make(cell, b, t, d, h, target, seed)
        path = os.path.join(OUT, f"{cell}-{target}.json")
        with open(path, "w") as f:
            json.dump(fixture, f, separators=(",", ":"))
            f.write("\n")
        print(f"wrote {os.path.relpath(path)}", file=sys.stderr)


if __name__ == "__main__":
    main()
