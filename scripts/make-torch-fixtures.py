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

The inspector fixtures (inspect-*.json, issue 14) hold, for one sequence through a stack of nn.LSTM / nn.GRU / nn.RNN
layers (float64, bidirectional where stated): the parameters, the module's output, every gate and state recomputed
step by step from those parameters with the equations PyTorch documents (checked against the module's output here),
and, for L = sum(output * r), PyTorch autograd's dL/dh_t and dL/dc_t of every layer, direction and step and dL/dx.
Gate names follow GateLab (LSTM i,f,g,o,c,h; GRU z,r,n,h; RNN h); a backward direction's values are stored at the
input's time index t.
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


def flat64(t):
    return [float(f"{v:.17g}") for v in t.detach().reshape(-1).tolist()]


def make_inspect(cell, steps, inputs, units, layers, bidirectional, seed):
    torch.manual_seed(seed)
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
    module = cls(inputs, units, num_layers=layers, bidirectional=bidirectional, batch_first=True).double()
    x = torch.randn(1, steps, inputs, dtype=torch.float64, requires_grad=True)
    out, _ = module(x)
    p = dict(module.named_parameters())
    dirs = 2 if bidirectional else 1
    # Recompute every step from the parameters (PyTorch's documented equations), keeping each h_t and c_t for autograd.
    traces, states = {}, {}
    current = [x[0, t] for t in range(steps)]
    for layer in range(layers):
        outputs = [[None] * dirs for _ in range(steps)]
        for d in range(dirs):
            suffix = f"_l{layer}" + ("_reverse" if d == 1 else "")
            w_ih, w_hh = p["weight_ih" + suffix], p["weight_hh" + suffix]
            b_ih, b_hh = p["bias_ih" + suffix], p["bias_hh" + suffix]
            h = torch.zeros(units, dtype=torch.float64)
            c = torch.zeros(units, dtype=torch.float64)
            names = {"lstm": "ifgoch", "gru": "zrnh", "rnn": "h"}[cell]
            rec = {n: [None] * steps for n in names}
            hs, cs = [None] * steps, [None] * steps
            order = range(steps) if d == 0 else range(steps - 1, -1, -1)
            for t in order:
                gi = w_ih @ current[t] + b_ih
                gh = w_hh @ h + b_hh
                if cell == "lstm":
                    i, f, g, o = (gi + gh).chunk(4)
                    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
                    c = f * c + i * g
                    h = o * torch.tanh(c)
                    c.retain_grad()
                    vals = dict(i=i, f=f, g=g, o=o, c=c, h=h)
                    cs[t] = c
                elif cell == "gru":
                    ir, iz, inn = gi.chunk(3)
                    hr, hz, hn = gh.chunk(3)
                    r = torch.sigmoid(ir + hr)
                    z = torch.sigmoid(iz + hz)
                    n = torch.tanh(inn + r * hn)
                    h = (1 - z) * n + z * h
                    vals = dict(z=z, r=r, n=n, h=h)
                else:
                    h = torch.tanh(gi + gh)
                    vals = dict(h=h)
                h.retain_grad()
                hs[t] = h
                outputs[t][d] = h
                for n_, v in vals.items():
                    rec[n_][t] = v
            key = f"{layer}/{'forward' if d == 0 else 'backward'}"
            traces[key] = {n_: torch.stack(v) for n_, v in rec.items()}
            states[key] = (hs, cs)
        current = [torch.cat(outputs[t]) for t in range(steps)]
    manual = torch.stack(current)
    assert torch.allclose(manual, out[0], atol=1e-12, rtol=0), (manual - out[0]).abs().max()
    r = torch.randn(manual.shape, dtype=torch.float64)
    loss = (manual * r).sum()
    loss.backward()
    grads = {}
    for key, (hs, cs) in states.items():
        grads[key] = {"h": flat64(torch.stack([h.grad for h in hs]))}
        if cell == "lstm":
            grads[key]["c"] = flat64(torch.stack([c.grad for c in cs]))
    return {
        "generator": "scripts/make-torch-fixtures.py",
        "torch": torch.__version__,
        "cell": cell,
        "form": {"lstm": "lstm sigmoid", "gru": "gru reset-after sigmoid", "rnn": "rnn tanh"}[cell],
        "steps": steps, "inputDim": inputs, "units": units, "layers": layers, "bidirectional": bidirectional,
        "x": flat64(x), "r": flat64(r), "output": flat64(out[0]),
        "params": {n: flat64(v) for n, v in p.items()},
        "traces": {k: {n_: flat64(v) for n_, v in tr.items()} for k, tr in traces.items()},
        "grads": {"x": flat64(x.grad), **grads},
    }


def write_fixture(name, fixture):
    """Writes one fixture as compact JSON under test/fixtures/torch and says so on stderr."""
    path = os.path.join(OUT, f"{name}.json")
    with open(path, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path)}", file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = [
        ("lstm", 3, 5, 2, 4, "sequence", 1), ("lstm", 2, 7, 3, 6, "last", 2),
        ("gru", 3, 5, 2, 4, "sequence", 3), ("gru", 2, 7, 3, 6, "last", 4),
    ]
    for cell, b, t, d, h, target, seed in cases:
        write_fixture(f"{cell}-{target}", make(cell, b, t, d, h, target, seed))
    inspect_cases = [("lstm", 7, 3, 4, 2, True, 21), ("gru", 7, 3, 4, 2, True, 22), ("rnn", 7, 3, 4, 2, False, 23)]
    for cell, t, d, h, layers, bidirectional, seed in inspect_cases:
        write_fixture(f"inspect-{cell}", make_inspect(cell, t, d, h, layers, bidirectional, seed))


if __name__ == "__main__":
    main()
