#!/usr/bin/env python3
"""fashion_mnist_mlp.py: samples/fashion_mnist_mlp.cpp in PyTorch, step for step (same seed, so the
same initial weights and the same shuffles). Run with Debian's python3-torch:

    /usr/bin/python3 samples/fashion_mnist_mlp.py [--json tests/reference/fashion_mnist.json]

With --json it records what PyTorch reached, for the sample's test (ctest -R fashion_mnist).
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist/"


def images(name):
    with gzip.open(DATA + name) as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16)
    return torch.from_numpy(raw.copy()).float().div(255).reshape(-1, 784)


def labels(name):
    with gzip.open(DATA + name) as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=8)
    return torch.from_numpy(raw.astype(np.int64))


parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--json")
args = parser.parse_args()

train_x, train_y = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
test_x, test_y = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
n, batch_size = train_x.shape[0], 64

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
epoch_losses, first_losses = [], []
for epoch in range(1, args.epochs + 1):
    start = time.time()
    perm = torch.randperm(n)
    total, batches = 0.0, 0
    for i in range(0, n, batch_size):
        idx = perm[i:i + batch_size]
        loss = F.cross_entropy(model(train_x[idx]), train_y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
        if len(first_losses) < 5:
            first_losses.append(loss.item())
    epoch_losses.append(total / batches)
    print(f"epoch {epoch}/{args.epochs}: {batches}/{batches} batches, loss {total / batches:.4f}, "
          f"{n / (time.time() - start):.0f} examples/s")
model.eval()
with torch.no_grad():
    accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
print(f"test accuracy: {accuracy:.4f}")
if args.json:
    with open(args.json, "w") as f:
        json.dump({"torch_version": torch.__version__, "epochs": args.epochs, "test_accuracy": accuracy,
                   "epoch_mean_loss": epoch_losses, "first_losses": first_losses}, f, indent=1)
        f.write("\n")
