#!/usr/bin/env python3
"""Writes rnn_graph.json: the whole autograd graph PyTorch 1.13 records for nn.LSTM, nn.GRU and
nn.RNN (ATen's composite CPU path: one input projection per layer, then per step a hidden linear,
the gates' chunk, sigmoid/tanh, mul, add, ...; outputs stacked), as a listing that names every
node once. xgrad must record the same graph, node for node and edge for edge, however it computes
the values (design.md: the observable graph stays PyTorch's). Run by hand with Debian's
python3-torch:

    /usr/bin/python3 tests/reference/make_rnn_graph_reference.py

tests/nn/test_rnn_graph.cpp builds the same modules and compares its listing with these.
"""
import json
import os

import torch


def listing(root):
    """One line per node, in depth-first preorder from root (next_functions in order):
    'id Name child_id:input_nr ...', '-' for an input that needs no gradient."""
    ids, order, stack = {}, [], [root]
    while stack:
        fn = stack.pop()
        if fn in ids:
            continue
        ids[fn] = len(order)
        order.append(fn)
        stack.extend(n for n, _ in reversed(fn.next_functions) if n is not None and n not in ids)
    lines = []
    for fn in order:
        edges = ["-" if n is None else "%d:%d" % (ids[n], nr) for n, nr in fn.next_functions]
        lines.append(" ".join(["%d" % ids[fn], type(fn).__name__] + edges))
    return lines


CASES = []


def case(name, kind, opts, input_shape, hx=False):
    cls = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[kind]
    torch.manual_seed(0)
    m = cls(**opts)
    x = torch.randn(*input_shape, requires_grad=True)
    state = None
    if hx:
        d = 2 if m.bidirectional else 1
        b = input_shape[0 if m.batch_first else 1]
        real = m.proj_size if getattr(m, "proj_size", 0) > 0 else m.hidden_size
        h0 = torch.randn(m.num_layers * d, b, real, requires_grad=True)
        state = h0
        if kind == "LSTM":
            state = (h0, torch.randn(m.num_layers * d, b, m.hidden_size, requires_grad=True))
    output, h = m(x, state)
    loss = output.sum()
    for t in (h if isinstance(h, tuple) else (h,)):
        loss = loss + t.sum()
    CASES.append({"name": name, "kind": kind, "opts": opts, "input_shape": list(input_shape), "hx": hx,
                  "graph": listing(loss.grad_fn)})


# The benchmark's model in small (lstm_35x20x200: 2 layers, output.sum().backward()).
case("lstm_2layer", "LSTM", {"input_size": 4, "hidden_size": 3, "num_layers": 2}, (3, 2, 4))
case("lstm_bidir_batch_first_hx", "LSTM",
     {"input_size": 4, "hidden_size": 3, "bidirectional": True, "batch_first": True}, (2, 3, 4), hx=True)
case("lstm_proj", "LSTM", {"input_size": 4, "hidden_size": 3, "proj_size": 2}, (3, 2, 4), hx=True)
case("lstm_no_bias", "LSTM", {"input_size": 4, "hidden_size": 3, "bias": False}, (2, 2, 4))
case("gru_2layer", "GRU", {"input_size": 4, "hidden_size": 3, "num_layers": 2}, (3, 2, 4))
case("rnn_relu_bidir", "RNN", {"input_size": 4, "hidden_size": 3, "nonlinearity": "relu", "bidirectional": True},
     (3, 2, 4), hx=True)

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rnn_graph.json")
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "cases": CASES}, f, indent=1)
        f.write("\n")
