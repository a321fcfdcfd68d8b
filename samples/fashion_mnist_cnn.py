#!/usr/bin/env python3
"""fashion_mnist_cnn.py: samples/fashion_mnist_cnn.cpp in PyTorch, step for step (same seed, so the
same initial weights, the same shuffles and the same dropout masks). Run with Debian's python3-torch:

    /usr/bin/python3 samples/fashion_mnist_cnn.py [--epochs N] [--steps N] [--json FILE]

--steps cuts each epoch to its first N batches (the short run the test suite checks). With --json
it records what PyTorch reached, for the sample's test (ctest -R fashion_mnist_cnn):
    --json tests/reference/fashion_mnist_cnn.json                     (the two full epochs)
    --epochs 1 --steps 150 --json tests/reference/fashion_mnist_cnn_short.json
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
    return torch.from_numpy(raw.copy()).float().div(255).reshape(-1, 1, 28, 28)


def labels(name):
    with gzip.open(DATA + name) as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=8)
    return torch.from_numpy(raw.astype(np.int64))


parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--steps", type=int, default=0)
parser.add_argument("--json")
args = parser.parse_args()

train_x, train_y = images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")
test_x, test_y = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
n, batch_size = train_x.shape[0], 64
batches = (n + batch_size - 1) // batch_size
if args.steps > 0:
    batches = min(batches, args.steps)

torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # 16 x 14 x 14
    nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 7 x 7
    nn.Flatten(), nn.Dropout(0.25),
    nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
epoch_losses, first_losses = [], []
for epoch in range(1, args.epochs + 1):
    model.train()
    start = time.time()
    perm = torch.randperm(n)
    total = 0.0
    for b in range(batches):
        idx = perm[b * batch_size:(b + 1) * batch_size]
        loss = F.cross_entropy(model(train_x[idx]), train_y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
        if len(first_losses) < 5:
            first_losses.append(loss.item())
    epoch_losses.append(total / batches)
    print(f"epoch {epoch}/{args.epochs}: {batches}/{batches} batches, loss {total / batches:.4f}, "
          f"{min(n, batches * batch_size) / (time.time() - start):.0f} examples/s")
model.eval()
with torch.no_grad():
    correct = sum((model(test_x[i:i + 1000]).argmax(1) == test_y[i:i + 1000]).sum().item()
                  for i in range(0, test_x.shape[0], 1000))
accuracy = correct / test_x.shape[0]
print(f"test accuracy: {accuracy:.4f}")
if args.json:
    with open(args.json, "w") as f:
        json.dump({"torch_version": torch.__version__, "epochs": args.epochs, "steps": batches,
                   "test_accuracy": accuracy, "epoch_mean_loss": epoch_losses, "first_losses": first_losses},
                  f, indent=1)
        f.write("\n")
