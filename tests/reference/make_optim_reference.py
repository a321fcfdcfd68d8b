#!/usr/bin/env python3
"""Writes optim.json: the parameters PyTorch 1.13 holds after each of several optimizer steps on
a small model, for every optimizer and option xgrad implements. Run by hand with Debian's
python3-torch:

    /usr/bin/python3 tests/reference/make_optim_reference.py

The model and data are drawn after torch.manual_seed(0), so xgrad builds the very same ones
(its generator and nn.Linear initialisation match PyTorch bit for bit); tests/optim/test_optim.cpp
takes the same steps and compares every parameter after every step.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

STEPS = 5


def model_and_data():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))
    x = torch.randn(6, 4)
    y = torch.randint(0, 3, (6,))
    return model, x, y


CONFIGS = [
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.1, "momentum": 0.9}),
    ("sgd", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    ("sgd", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.001}),
    ("adam", {"lr": 0.01}),
    ("adam", {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.01}),
    ("adam", {"lr": 0.01, "amsgrad": True}),
    ("adamw", {"lr": 0.01}),
    ("adamw", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.01, "alpha": 0.9}),
    ("adagrad", {"lr": 0.1}),
    ("adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1}),
]
CLASSES = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
           "rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad}

cases = []
for name, opts in CONFIGS:
    model, x, y = model_and_data()
    kwargs = dict(opts)
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    opt = CLASSES[name](model.parameters(), **kwargs)
    steps = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        steps.append({"loss": loss.item(), "params": [p.detach().reshape(-1).tolist() for p in model.parameters()]})
    cases.append({"optimizer": name, "options": opts, "steps": steps})

# Two parameter groups with their own learning rates, and StepLR halving every 2 epochs.
model, x, y = model_and_data()
opt = torch.optim.SGD([{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": 0.01}],
                      lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
steps = []
for _ in range(STEPS):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    sched.step()
    steps.append({"loss": loss.item(), "params": [p.detach().reshape(-1).tolist() for p in model.parameters()],
                  "lrs": [g["lr"] for g in opt.param_groups]})
cases.append({"optimizer": "sgd_groups_steplr", "options": {}, "steps": steps})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {out}")
