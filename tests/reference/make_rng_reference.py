#!/usr/bin/env python3
"""Writes rng.json: what PyTorch 1.13's CPU generator draws, bit for bit, for sequences of calls.
Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_rng_reference.py

Each case is a list of steps in a small language that tests/random/test_distributions.cpp
interprets with xgrad's functions: reseeding, rand/randn/normal_/uniform_/randint/random_/randperm/
bernoulli/dropout/nn.init calls, on the default generator or an explicit one. For each step's
output it records every element's bit pattern (or, for big outputs, the first 16 and an FNV-1a
hash of all of them); after each case, a hash of the generator's state (the 624 Mersenne Twister
words, the position in them, and the cached normal sample), so the number of draws is checked too.
torch_rng_vectors.json, beside this file, holds the test vectors of the RNG spec itself.
"""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F

FLOAT = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "bool": torch.bool,
         "int32": torch.int32, "int16": torch.int16, "int8": torch.int8, "uint8": torch.uint8,
         "float16": torch.float16, "bfloat16": torch.bfloat16}
CASES = []


def fnv1a(data: bytes) -> str:
    h = 0xcbf29ce484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def bits(t):
    t = t.detach().contiguous()
    if t.dtype == torch.float32:
        return [f"{struct.unpack('<I', struct.pack('<f', v))[0]:08x}" for v in t.reshape(-1).tolist()]
    if t.dtype == torch.float64:
        return [f"{struct.unpack('<Q', struct.pack('<d', v))[0]:016x}" for v in t.reshape(-1).tolist()]
    if t.dtype in (torch.float16, torch.bfloat16):
        return [f"{v & 0xFFFF:04x}" for v in t.view(torch.int16).reshape(-1).tolist()]
    return [str(int(v)) for v in t.reshape(-1).tolist()]


def raw_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bool:
        return bytes(int(v) for v in t.reshape(-1).tolist())
    if t.dtype in (torch.float16, torch.bfloat16):
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def state_hash(g):
    s = g.get_state().numpy().tobytes()
    left = struct.unpack_from("<i", s, 8)[0]
    nxt = struct.unpack_from("<Q", s, 16)[0]
    words = struct.unpack_from("<624Q", s, 24)
    valid = struct.unpack_from("<i", s, 5040)[0]
    cached = struct.unpack_from("<d", s, 5024)[0]
    data = struct.pack("<624I", *[w & 0xFFFFFFFF for w in words])
    return {"left": left, "next": nxt, "words": fnv1a(data),
            "normal": f"{struct.unpack('<Q', struct.pack('<d', cached))[0]:016x}" if valid else None}


def run_step(step, gen):
    op = step["op"]
    kw = {"generator": gen} if gen is not None else {}
    shape = step.get("shape")
    dt = FLOAT.get(step.get("dtype", "float32"))
    if op == "rand":
        return torch.rand(shape, dtype=dt, **kw)
    if op == "randn":
        return torch.randn(shape, dtype=dt, **kw)
    if op == "normal_":
        return torch.empty(shape, dtype=dt).normal_(step["mean"], step["std"], **kw)
    if op == "uniform_":
        return torch.empty(shape, dtype=dt).uniform_(step["from"], step["to"], **kw)
    if op == "normal_transposed":
        return torch.empty(shape, dtype=dt).t().normal_(**kw)
    if op == "uniform_transposed":
        return torch.empty(shape, dtype=dt).t().uniform_(-2, 3, **kw)
    if op == "randint":
        return torch.randint(step["low"], step["high"], shape, dtype=dt, **kw)
    if op == "random_":
        t = torch.empty(shape, dtype=dt)
        a = step.get("args", [])
        if len(a) == 0:
            return t.random_(**kw)
        if len(a) == 1:
            return t.random_(a[0], **kw)
        return t.random_(a[0], a[1], **kw)
    if op == "randperm":
        return torch.randperm(step["n"], dtype=FLOAT[step.get("dtype", "int64")], **kw)
    if op == "bernoulli_":
        return torch.empty(shape, dtype=dt).bernoulli_(step["p"], **kw)
    if op == "bernoulli":
        probs = torch.rand(shape, dtype=dt, **kw)
        return torch.bernoulli(probs, **kw)
    if op == "dropout":
        x = torch.arange(1, shape[0] + 1, dtype=dt) * 0.37
        return F.dropout(x, p=step["p"], training=True)
    if op == "init":
        t = torch.empty(shape, dtype=dt)
        fn = step["fn"]
        if fn == "uniform_":
            return torch.nn.init.uniform_(t, -0.5, 1.5)
        if fn == "normal_":
            return torch.nn.init.normal_(t, 0.25, 2.0)
        if fn == "kaiming_uniform_":
            return torch.nn.init.kaiming_uniform_(t, a=math.sqrt(5))
        if fn == "kaiming_uniform_relu":
            return torch.nn.init.kaiming_uniform_(t, nonlinearity="relu")
        if fn == "kaiming_normal_":
            return torch.nn.init.kaiming_normal_(t)
        if fn == "kaiming_normal_fan_out":
            return torch.nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu")
        if fn == "xavier_uniform_":
            return torch.nn.init.xavier_uniform_(t)
        if fn == "xavier_normal_":
            return torch.nn.init.xavier_normal_(t, gain=torch.nn.init.calculate_gain("tanh"))
        if fn == "orthogonal_":
            return torch.nn.init.orthogonal_(t, gain=step.get("gain", 1.0))
        if fn == "sparse_":
            return torch.nn.init.sparse_(t, step["sparsity"], step.get("std", 0.01))
        if fn == "dirac_":
            return torch.nn.init.dirac_(t, step.get("groups", 1))
    if op == "linear":
        lin = torch.nn.Linear(step["in"], step["out"], bias=step.get("bias", True))
        return [lin.weight] + ([lin.bias] if lin.bias is not None else [])
    raise ValueError(op)


def encode(t):
    n = t.numel()
    out = {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}
    if n <= 64:
        out["bits"] = bits(t)
    else:
        out["first"] = bits(t.reshape(-1)[:16])
        out["hash"] = fnv1a(raw_bytes(t))
    return out


def case(name, seed, steps, generator=False):
    gen = None
    if generator:
        gen = torch.Generator()
        if seed is not None:
            gen.manual_seed(seed)
    else:
        torch.manual_seed(seed)
    outputs = []
    for st in steps:
        if st["op"] == "manual_seed":
            (gen.manual_seed if gen is not None else torch.manual_seed)(st["seed"])
            outputs.append(None)
            continue
        r = run_step(st, gen)
        outputs.append([encode(x) for x in (r if isinstance(r, list) else [r])])
    state = state_hash(gen if gen is not None else torch.default_generator)
    CASES.append({"name": name, "seed": None if seed is None else str(seed), "generator": generator,
                  "steps": steps, "outputs": outputs, "state": state})


SEEDS = [0, 1, 42, 1234, 2 ** 31 - 1, 2 ** 32 + 5, 2 ** 64 - 1, 987654321]
for s in SEEDS:
    for n in list(range(1, 41)) + [100, 1000, 4099]:
        case(f"randn_{n}_seed{s}", s, [{"op": "randn", "shape": [n], "dtype": "float32"}])
        if s in (0, 42):
            case(f"randn64_{n}_seed{s}", s, [{"op": "randn", "shape": [n], "dtype": "float64"}])
    case(f"rand_seed{s}", s, [{"op": "rand", "shape": [7], "dtype": "float32"}, {"op": "rand", "shape": [5], "dtype": "float64"}])

for shape in ([2, 2], [3, 5], [2, 3, 4], [4, 4], [5, 7], [1000], [128, 10]):
    case(f"randn_shape_{shape}", 0, [{"op": "randn", "shape": shape, "dtype": "float32"}])

# The Box-Muller cache carries across calls and dtypes; reseeding clears it.
case("cache_sequence", 0, [{"op": "randn", "shape": [3], "dtype": "float32"}, {"op": "randn", "shape": [1], "dtype": "float64"},
                           {"op": "randn", "shape": [100], "dtype": "float32"}, {"op": "randn", "shape": [1], "dtype": "float32"},
                           {"op": "randn", "shape": [16], "dtype": "float64"}, {"op": "randn", "shape": [5], "dtype": "float32"}])
case("reseed_clears_cache", 0, [{"op": "randn", "shape": [1], "dtype": "float32"}, {"op": "manual_seed", "seed": 0},
                                {"op": "randn", "shape": [1], "dtype": "float32"}])
for mean, std in ((0.5, 2.5), (-1.3, 0.37), (10.0, 1e-3), (3.0, 0.0)):
    for n in (1, 5, 15, 16, 17, 40, 100):
        for dt in ("float32", "float64"):
            case(f"normal_{mean}_{std}_{n}_{dt}", 7, [{"op": "normal_", "shape": [n], "dtype": dt, "mean": mean, "std": std}])
for lo, hi in ((-0.1, 0.1), (-3.7, 12.25), (2.0, 2.5), (-1e3, 1e3), (0.0, 1.0)):
    for dt in ("float32", "float64"):
        case(f"uniform_{lo}_{hi}_{dt}", 3, [{"op": "uniform_", "shape": [37], "dtype": dt, "from": lo, "to": hi}])
case("normal_transposed", 0, [{"op": "normal_transposed", "shape": [20, 20], "dtype": "float32"}])
case("normal_transposed_small", 0, [{"op": "normal_transposed", "shape": [3, 4], "dtype": "float64"}])
case("uniform_transposed", 0, [{"op": "uniform_transposed", "shape": [6, 9], "dtype": "float32"}])

for lo, hi in ((0, 10), (-5, 5), (0, 2), (3, 4), (0, 2 ** 31), (0, 2 ** 32 - 1), (0, 2 ** 32), (-2 ** 40, 2 ** 40),
               (0, 2 ** 62), (100, 1000)):
    case(f"randint_{lo}_{hi}", 0, [{"op": "randint", "low": lo, "high": hi, "shape": [9], "dtype": "int64"}])
    case(f"randint_{lo}_{hi}_float", 5, [{"op": "randint", "low": lo, "high": hi, "shape": [9], "dtype": "float32"}])
for dt in ("float32", "float64", "int64", "bool"):
    case(f"random_none_{dt}", 0, [{"op": "random_", "shape": [20], "dtype": dt}])
for dt in ("float32", "float64", "int64"):
    case(f"random_to_{dt}", 0, [{"op": "random_", "shape": [20], "dtype": dt, "args": [10]}])
    case(f"random_from_to_{dt}", 0, [{"op": "random_", "shape": [20], "dtype": dt, "args": [-3, 7]}])
    case(f"random_from_none_{dt}", 0, [{"op": "random_", "shape": [20], "dtype": dt, "args": [-11, None]}])
case("random_float_2_33", 0, [{"op": "random_", "shape": [20], "dtype": "float32", "args": [0, 2 ** 33]}])
case("random_double_2_40", 0, [{"op": "random_", "shape": [20], "dtype": "float64", "args": [0, 2 ** 40]}])
case("random_int64_min_none", 0, [{"op": "random_", "shape": [20], "dtype": "int64", "args": [-2 ** 63, None]}])
case("random_bool_0_2", 0, [{"op": "random_", "shape": [20], "dtype": "bool", "args": [0, 2]}])
case("random_docs_example", 0, [{"op": "random_", "shape": [3], "dtype": "float32", "args": [2]}])
for n in (1, 2, 10, 100, 1000):
    case(f"randperm_{n}", 0, [{"op": "randperm", "n": n}])
for p in (0.3, 0.5, 0.999, 0.0, 1.0):
    for dt in ("float32", "float64"):
        case(f"bernoulli_{p}_{dt}", 0, [{"op": "bernoulli_", "shape": [50], "dtype": dt, "p": p}])
for dt in ("float32", "float64"):
    case(f"bernoulli_probs_{dt}", 0, [{"op": "bernoulli", "shape": [30], "dtype": dt}])
for p in (0.5, 0.2, 0.9, 0.0, 1.0):
    case(f"dropout_{p}", 0, [{"op": "dropout", "shape": [40], "dtype": "float32", "p": p}])
for fn in ("uniform_", "normal_", "kaiming_uniform_", "kaiming_uniform_relu", "kaiming_normal_", "kaiming_normal_fan_out",
           "xavier_uniform_", "xavier_normal_"):
    case(f"init_{fn}", 0, [{"op": "init", "fn": fn, "shape": [6, 10], "dtype": "float32"}])
for i, o in ((10, 3), (784, 128), (1, 1), (3, 10), (128, 10)):
    for s in (0, 42):
        case(f"linear_{i}_{o}_seed{s}", s, [{"op": "linear", "in": i, "out": o}])
case("linear_no_bias", 0, [{"op": "linear", "in": 10, "out": 3, "bias": False}])
case("mlp_784_128_10", 0, [{"op": "linear", "in": 784, "out": 128}, {"op": "linear", "in": 128, "out": 10}])
# orthogonal_ draws a normal matrix and orthonormalises it with LAPACK's QR (geqrf + orgqr: the
# same OpenBLAS routines python3-torch calls, so the bits match); sparse_ draws a normal_ and one
# randperm per column; dirac_ draws nothing (the state hash checks that too).
for name, seed, shape, dt, extra in (("tall", 0, [10, 4], "float32", {}), ("wide_gain", 1, [3, 5], "float32", {"gain": 0.5}),
                                     ("square", 0, [6, 6], "float32", {}), ("conv", 3, [2, 3, 2, 2], "float32", {}),
                                     ("float64", 2, [5, 3], "float64", {}), ("blocked", 0, [64, 300], "float32", {"gain": 2.0}),
                                     ("blocked_float64", 4, [130, 70], "float64", {}), ("one_row", 0, [1, 7], "float32", {}),
                                     ("empty", 0, [0, 3], "float32", {})):
    case(f"init_orthogonal_{name}", seed, [{"op": "init", "fn": "orthogonal_", "shape": shape, "dtype": dt, **extra}])
for name, shape, extra in (("half", [4, 3], {"sparsity": 0.5}), ("std", [10, 7], {"sparsity": 0.3, "std": 0.2}),
                           ("none", [5, 2], {"sparsity": 0.0}), ("all", [3, 4], {"sparsity": 1.0})):
    case(f"init_sparse_{name}", 0, [{"op": "init", "fn": "sparse_", "shape": shape, "dtype": "float32", **extra}])
for name, shape, groups in (("3d_groups", [4, 2, 3], 2), ("4d", [3, 3, 3, 3], 1), ("5d", [2, 4, 3, 3, 3], 1),
                            ("4d_groups", [6, 2, 5, 4], 3)):
    case(f"init_dirac_{name}", 0, [{"op": "init", "fn": "dirac_", "shape": shape, "dtype": "float32", "groups": groups}])

# The other dtypes: integers of every width, and float16/bfloat16 (11- and 8-bit uniforms, their
# 16-bit Box-Muller, and the scalar path below 16 elements).
for dt in ("int32", "int16", "int8", "uint8", "float16", "bfloat16"):
    case(f"random_none_{dt}", 0, [{"op": "random_", "shape": [20], "dtype": dt}])
    case(f"random_to_{dt}", 0, [{"op": "random_", "shape": [20], "dtype": dt, "args": [10]}])
    case(f"random_from_none_{dt}", 0, [{"op": "random_", "shape": [20], "dtype": dt, "args": [3, None]}])
    case(f"randint_{dt}", 3, [{"op": "randint", "low": 0, "high": 100, "shape": [9], "dtype": dt}])
    case(f"bernoulli_0.3_{dt}", 0, [{"op": "bernoulli_", "shape": [50], "dtype": dt, "p": 0.3}] if dt != "float16" else
         [{"op": "random_", "shape": [2], "dtype": dt}])
    case(f"randperm_10_{dt}", 0, [{"op": "randperm", "n": 10, "dtype": dt}])
for dt in ("int32", "int16", "int8", "float16", "bfloat16"):
    case(f"random_from_to_{dt}", 0, [{"op": "random_", "shape": [20], "dtype": dt, "args": [-3, 7]}])
    case(f"random_from_none_neg_{dt}", 0, [{"op": "random_", "shape": [20], "dtype": dt, "args": [-11, None]}])
case("random_int16_0_300", 0, [{"op": "random_", "shape": [20], "dtype": "int16", "args": [0, 300]}])
case("random_int32_wide", 0, [{"op": "random_", "shape": [20], "dtype": "int32", "args": [-2 ** 31, 2 ** 31 - 1]}])
case("random_bfloat16_0_300", 0, [{"op": "random_", "shape": [20], "dtype": "bfloat16", "args": [0, 300]}])
case("random_bfloat16_2_32", 0, [{"op": "random_", "shape": [20], "dtype": "bfloat16", "args": [0, 2 ** 32]}])
case("random_float16_0_2000", 0, [{"op": "random_", "shape": [20], "dtype": "float16", "args": [0, 2000]}])
case("random_float16_0_5000", 0, [{"op": "random_", "shape": [20], "dtype": "float16", "args": [0, 5000]}])
case("random_bfloat16_int64_min_none", 0, [{"op": "random_", "shape": [20], "dtype": "bfloat16", "args": [-2 ** 63, None]}])
for dt in ("float16", "bfloat16"):
    for n in (1, 5, 15, 16, 17, 40, 100):
        case(f"rand_{n}_{dt}", 0, [{"op": "rand", "shape": [n], "dtype": dt}])
        case(f"randn_{n}_{dt}", 0, [{"op": "randn", "shape": [n], "dtype": dt}])
    for n in (5, 16, 40):
        case(f"normal_0.5_2.5_{n}_{dt}", 7, [{"op": "normal_", "shape": [n], "dtype": dt, "mean": 0.5, "std": 2.5}])
        case(f"normal_-1.3_0.37_{n}_{dt}", 7, [{"op": "normal_", "shape": [n], "dtype": dt, "mean": -1.3, "std": 0.37}])
    for lo, hi in ((-0.1, 0.1), (-3.7, 12.25), (2, 2.5), (-1, 1)):
        case(f"uniform_{lo}_{hi}_{dt}", 3, [{"op": "uniform_", "shape": [37], "dtype": dt, "from": lo, "to": hi}])
    case(f"normal_transposed_{dt}", 0, [{"op": "normal_transposed", "shape": [20, 20], "dtype": dt}])
    case(f"randn_seed42_1000_{dt}", 42, [{"op": "randn", "shape": [1000], "dtype": dt}])
case("bernoulli_0.5_bfloat16", 0, [{"op": "bernoulli_", "shape": [50], "dtype": "bfloat16", "p": 0.5}])
case("bernoulli_probs_bfloat16", 0, [{"op": "bernoulli", "shape": [30], "dtype": "bfloat16"}])
case("mixed_dtypes", 5, [{"op": "randn", "shape": [3], "dtype": "float16"}, {"op": "randn", "shape": [1], "dtype": "float32"},
                         {"op": "randint", "low": -5, "high": 5, "shape": [7], "dtype": "int8"},
                         {"op": "rand", "shape": [20], "dtype": "bfloat16"}, {"op": "randn", "shape": [18], "dtype": "float16"},
                         {"op": "random_", "shape": [5], "dtype": "uint8"}, {"op": "randn", "shape": [1], "dtype": "bfloat16"}])

# Everything interleaved: the state must carry over exactly from one kind of draw to the next.
case("interleaved", 11, [
    {"op": "randn", "shape": [3], "dtype": "float32"}, {"op": "rand", "shape": [4], "dtype": "float64"},
    {"op": "randint", "low": 0, "high": 7, "shape": [5], "dtype": "int64"}, {"op": "randn", "shape": [1], "dtype": "float32"},
    {"op": "randperm", "n": 9}, {"op": "bernoulli_", "shape": [6], "dtype": "float32", "p": 0.4},
    {"op": "randn", "shape": [33], "dtype": "float32"}, {"op": "uniform_", "shape": [5], "dtype": "float32", "from": -1, "to": 1},
    {"op": "random_", "shape": [4], "dtype": "int64", "args": []}, {"op": "randn", "shape": [2], "dtype": "float64"},
    {"op": "linear", "in": 5, "out": 2}, {"op": "dropout", "shape": [12], "dtype": "float32", "p": 0.3},
    {"op": "randn", "shape": [17], "dtype": "float64"}, {"op": "randn", "shape": [1], "dtype": "float32"}])

# Explicit generators: seeded, and never seeded (seed 67280421310721).
case("generator_seeded", 123, [{"op": "rand", "shape": [5], "dtype": "float32"}, {"op": "randn", "shape": [20], "dtype": "float32"},
                               {"op": "randperm", "n": 6}], generator=True)
case("generator_unseeded", None, [{"op": "rand", "shape": [5], "dtype": "float32"}], generator=True)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rng.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": CASES}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(CASES)} cases to {out}")
