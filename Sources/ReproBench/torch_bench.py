"""PyTorch CPU reference timings for `make bench` (run by repro-bench when .venv-bench exists).

Same models and shapes as TrainingSteps.swift on the Swift side (the char GPT without biases,
separate Q, K, V projections, causal softmax attention with the scores materialised as ours are).
Prints one JSON object {"torch": version, "blas": "MKL" or not, "threads": n, "cases": {case: {"seconds": [per step]}}}.
Usage: python torch_bench.py THREADS WARMUP REPETITIONS
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def zeropower_via_newtonschulz5(g, steps=5):
    # K. Jordan's quintic, (3.4445, -4.7750, 2.0315), Float32 on CPU (no bfloat16 here).
    a, b, c = 3.4445, -4.7750, 2.0315
    x = g / (g.norm() + 1e-7)
    transposed = x.size(0) > x.size(1)
    if transposed:
        x = x.T
    for _ in range(steps):
        A = x @ x.T
        B = b * A + c * A @ A
        x = a * x + B @ x
    return x.T if transposed else x


class Muon(torch.optim.Optimizer):
    """Minimal Muon as in KellerJordan/Muon: Nesterov momentum 0.95, NS5, shape scale."""

    def __init__(self, params, lr=0.02, momentum=0.95):
        super().__init__(params, dict(lr=lr, momentum=momentum))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                if "buf" not in state:
                    state["buf"] = torch.zeros_like(p)
                buf = state["buf"]
                buf.lerp_(p.grad, 1 - group["momentum"])
                update = p.grad.lerp(buf, group["momentum"])
                update = zeropower_via_newtonschulz5(update)
                scale = max(1, p.size(-2) / p.size(-1)) ** 0.5
                p.add_(update, alpha=-group["lr"] * scale)


def mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(d, bias=False), nn.LayerNorm(d, bias=False)
        self.q, self.k, self.v = (nn.Linear(d, d, bias=False) for _ in range(3))
        self.proj = nn.Linear(d, d, bias=False)
        self.fc, self.out = nn.Linear(d, 4 * d, bias=False), nn.Linear(4 * d, d, bias=False)

    def forward(self, x):
        B, T, D = x.shape
        h = self.ln1(x)
        q, k, v = self.q(h), self.k(h), self.v(h)
        q, k, v = (t.view(B, T, self.heads, D // self.heads).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(D // self.heads)
        att = att.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab=65, context=64, d=128, layers=2, heads=4):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, d), nn.Embedding(context, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln, self.head = nn.LayerNorm(d, bias=False), nn.Linear(d, vocab, bias=False)

    def forward(self, idx):
        x = self.tok(idx) + self.pos(torch.arange(idx.size(1)))
        for b in self.blocks:
            x = b(x)
        return self.head(self.ln(x))


# The `lipschitz` experiment's step (LipschitzTrainingStep.swift): modula's GPT without layer norm,
# Muon as lipschitz-transformers applies it, then the spectral soft cap on every matrix.
YOU = [(3955 / 1024, -8306 / 1024, 5008 / 1024), (3735 / 1024, -6681 / 1024, 3463 / 1024),
       (3799 / 1024, -6499 / 1024, 3211 / 1024), (4019 / 1024, -6385 / 1024, 2906 / 1024),
       (2677 / 1024, -3029 / 1024, 1162 / 1024), (2172 / 1024, -1833 / 1024, 682 / 1024)]


def orthogonalize_you(g):
    x = g / (g.norm() + 1e-7)
    transposed = x.size(0) > x.size(1)
    if transposed:
        x = x.T
    for a, b, c in YOU:
        A = x @ x.T
        x = a * x + (b * A + c * A @ A) @ x
    return x.T if transposed else x


def soft_cap_alpha(w_max, update):
    """The coupling root in beta = alpha k^2 of q(beta) = w_max/k by bisection (WeightConstraints.swift)."""
    k = w_max + update
    target, lo, hi = w_max / k, 0.0, 1.0
    q = lambda b: 1 - b * b * (3 - 3 * b + b * b)
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if q(mid) > target else (lo, mid)
    return (lo + hi) / 2 / (k * k)


class ModulaBlock(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = (nn.Linear(d, d, bias=False) for _ in range(3))
        self.proj = nn.Linear(d, d, bias=False)
        self.fc, self.out = nn.Linear(d, 4 * d, bias=False), nn.Linear(4 * d, d, bias=False)

    def forward(self, x, a):
        B, T, D = x.shape
        q, k, v = self.q(x), self.k(x), self.v(x)
        q, k, v = (t.view(B, T, self.heads, D // self.heads).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / (D // self.heads)
        att = att.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        x = (1 - a) * x + (a / 3) * self.proj(y)
        return (1 - a) * x + (a / 1.1289) * self.out(F.gelu(self.fc(x), approximate="tanh"))


class ModulaGPT(nn.Module):
    def __init__(self, vocab=65, d=48, layers=2, heads=4):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.blocks = nn.ModuleList(ModulaBlock(d, heads) for _ in range(layers))
        self.head = nn.Linear(d, vocab, bias=False)

    def forward(self, idx):
        x = self.tok(idx)
        a = 1 / (2 * len(self.blocks))
        for b in self.blocks:
            x = b(x, a)
        return self.head(x)


def modula_muon_soft_cap_step(model, buffers, lr, w_max):
    with torch.no_grad():
        for p in model.parameters():
            buf = buffers.setdefault(p, torch.zeros_like(p))
            buf.mul_(0.9).add_(p.grad, alpha=0.1)
            if p is model.tok.weight:
                rms = buf.pow(2).mean(1, keepdim=True).sqrt()
                p.sub_(lr * buf / rms.clamp(min=1 / 16))
                p.div_(p.pow(2).mean(1, keepdim=True).sqrt().clamp(min=1))
                continue
            fan_out, fan_in = p.shape
            s2 = fan_out / fan_in
            p.sub_(orthogonalize_you(buf), alpha=lr * s2 ** 0.5)
            alpha = soft_cap_alpha(w_max, lr * 1.2) / s2
            for sign in (-1, 1):
                if fan_out <= fan_in:
                    p.copy_(p + sign * alpha * (p @ p.T) @ p)
                else:
                    p.copy_(p + sign * alpha * p @ (p.T @ p))


def time_steps(step, warmup, repetitions):
    for _ in range(warmup):
        step()
    seconds = []
    for _ in range(repetitions):
        start = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
    return {"seconds": seconds}


def main():
    threads, warmup, repetitions = (int(a) for a in sys.argv[1:4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    results = {}

    x, y = torch.randn(128, 784), torch.randint(0, 10, (128,))
    model = mlp()
    adamw = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)

    def mlp_adamw():
        adamw.zero_grad(set_to_none=False)
        F.cross_entropy(model(x), y).backward()
        adamw.step()

    results["mlp-adamw"] = time_steps(mlp_adamw, warmup, repetitions)

    model = mlp()
    hidden = [model[0].weight, model[2].weight]
    rest = [p for p in model.parameters() if all(p is not h for h in hidden)]
    muon, adamw_rest = Muon(hidden), torch.optim.AdamW(rest, lr=1e-3, weight_decay=0.01)

    def mlp_muon():
        muon.zero_grad(set_to_none=False)
        adamw_rest.zero_grad(set_to_none=False)
        F.cross_entropy(model(x), y).backward()
        muon.step()
        adamw_rest.step()

    results["mlp-muon"] = time_steps(mlp_muon, warmup, repetitions)

    gpt = GPT()
    idx, targets = torch.randint(0, 65, (32, 64)), torch.randint(0, 65, (32, 64))
    adamw = torch.optim.AdamW(gpt.parameters(), lr=1e-3, weight_decay=0.01)

    def gpt_adamw():
        adamw.zero_grad(set_to_none=False)
        F.cross_entropy(gpt(idx).view(-1, 65), targets.view(-1)).backward()
        adamw.step()

    results["gpt-adamw"] = time_steps(gpt_adamw, warmup, repetitions)

    torch.manual_seed(0)
    modula = ModulaGPT()
    idx, targets = torch.randint(0, 65, (16, 32)), torch.randint(0, 65, (16, 32))
    buffers = {}

    def lipschitz_gpt():
        modula.zero_grad(set_to_none=False)
        F.cross_entropy(modula(idx).view(-1, 65), targets.view(-1)).backward()
        modula_muon_soft_cap_step(modula, buffers, 0.1, 2.0)

    results["lipschitz-gpt"] = time_steps(lipschitz_gpt, warmup, repetitions)
    blas = "MKL" if torch.backends.mkl.is_available() else "not MKL"
    print(json.dumps({"torch": torch.__version__, "blas": blas, "threads": torch.get_num_threads(), "cases": results}))


if __name__ == "__main__":
    main()
