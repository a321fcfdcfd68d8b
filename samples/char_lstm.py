#!/usr/bin/env python3
"""char_lstm.py: samples/char_lstm.cpp in PyTorch, step for step (same seed, so the same initial
weights, the same batches and the same characters drawn when it writes). Run with Debian's python3-torch:

    /usr/bin/python3 samples/char_lstm.py [--steps N] [--text FILE] [--json tests/reference/char_lstm.json]

With --json it records the losses PyTorch printed, for the sample's test (ctest -R char_lstm).
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--text", default="/usr/share/common-licenses/GPL-3")
parser.add_argument("--steps", type=int, default=600)
parser.add_argument("--json")
args = parser.parse_args()

# The text as bytes, its words joined by single spaces (the GPL's centred titles and indented
# paragraphs are runs of spaces and line breaks that a small model would learn to repeat), each
# byte an index into the sorted list of the distinct bytes it holds.
raw = b" ".join(open(args.text, "rb").read().split())
vocab = sorted(set(raw))
index = {b: i for i, b in enumerate(vocab)}
data = torch.tensor([index[b] for b in raw], dtype=torch.int64)
n, V = len(raw), len(vocab)
seq_len, batch_size, embed_dim, hidden = 64, 32, 32, 256
prompt = "This License"  # what it writes after
if any(ord(c) not in index for c in prompt):
    raise SystemExit(f'{args.text} does not hold the letters of "{prompt}"')
print(f"{args.text}: {n} characters, {V} distinct")

torch.manual_seed(0)
embed = nn.Embedding(V, embed_dim)
lstm = nn.LSTM(embed_dim, hidden)
head = nn.Linear(hidden, V)
params = [*embed.parameters(), *lstm.parameters(), *head.parameters()]
optimizer = torch.optim.Adam(params, lr=3e-3)
offsets = torch.arange(seq_len + 1).unsqueeze(1)  # (65, 1)

losses = []
start = time.time()
for step in range(1, args.steps + 1):
    # 32 windows of 65 characters at random places, as (time, batch): inputs and next characters
    starts = torch.randint(0, n - seq_len, (batch_size,))
    chunk = data.index_select(0, (offsets + starts).reshape(-1)).view(seq_len + 1, batch_size)
    x, y = chunk[:-1], chunk[1:]
    out, _ = lstm(embed(x))
    loss = F.cross_entropy(head(out).reshape(-1, V), y.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if step <= 5 or step % 50 == 0 or step == args.steps:
        print(f"step {step:>4}: loss {losses[-1]:.4f}")
seconds = time.time() - start
print(f"{args.steps} steps in {seconds:.1f} s")

# Writing: the prompt through the LSTM, then 400 characters, each drawn from softmax(logits / 0.5).
# (char_lstm.cpp draws them as torch.multinomial does, from the same random numbers.)
with torch.no_grad():
    ids = torch.tensor([index[ord(c)] for c in prompt], dtype=torch.int64)
    out, state = lstm(embed(ids.unsqueeze(1)))
    logits = head(out[-1, 0])
    text = prompt
    for _ in range(400):
        c = torch.multinomial(torch.softmax(logits / 0.5, 0), 1)
        text += chr(vocab[c.item()])
        out, state = lstm(embed(c.view(1, 1)), state)
        logits = head(out[0, 0])
print("generated:\n" + text)
if args.json:
    with open(args.json, "w") as f:
        json.dump({"torch_version": torch.__version__, "steps": args.steps, "losses": losses}, f, indent=1)
        f.write("\n")
