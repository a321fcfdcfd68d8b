#!/usr/bin/env python3
"""Writes rnn_packed.json: what PyTorch 1.13 computes for packed sequences (torch.nn.utils.rnn:
pack_padded_sequence, pad_packed_sequence, pad_sequence, pack_sequence) and for nn.RNN, nn.LSTM,
nn.GRU run on them: values, batch_sizes, sorted/unsorted indices, grad_fn names, gradients and the
errors bad input raises. Run by hand with Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_rnn_packed_reference.py

tests/nn/test_rnn_packed.cpp replays every case by name. The layer cases draw in this order after
torch.manual_seed(seed): the module's parameters, the padded input (randn), h_0 (and c_0), then
dropout's masks; their loss is sum(padded^2) + sum(h_n) (+ 0.5 sum(c_n)), padded being
pad_packed_sequence of the output.
"""
import json
import os

import torch
from torch.nn.utils import rnn as rnn_utils

from second_order import enc

UTILS = []
LAYERS = []


def utils_case(name, fn, inputs):
    """fn(*leaves) -> (tensor outputs...); the gradient of sum_k sum(out_k * w_k) with w_k = k + 1
    + arange / 10 (floating outputs only), so every position has its own weight."""
    leaves = [t.detach().clone().requires_grad_(t.is_floating_point()) for t in inputs]
    outs = fn(*leaves)
    loss = 0
    for k, o in enumerate(outs):
        if o is not None and o.is_floating_point() and o.requires_grad:
            w = (k + 1 + torch.arange(o.numel(), dtype=o.dtype) / 10).reshape(o.shape)
            loss = loss + (o * w).sum()
    if not isinstance(loss, int):
        loss.backward()
    UTILS.append({
        "name": name,
        "inputs": [enc(t) for t in leaves],
        "outputs": [enc(o) for o in outs],
        "grad_fns": [type(o.grad_fn).__name__ if o is not None and o.grad_fn is not None else None for o in outs],
        "grads": [enc(t.grad) for t in leaves],
    })


torch.manual_seed(0)
padded = torch.randn(5, 4, 3)
lengths = torch.tensor([5, 3, 3, 1])
shuffled_lengths = torch.tensor([3, 5, 1, 3])
utils_case("pack_padded", lambda x: list(rnn_utils.pack_padded_sequence(x, lengths)), [padded])
utils_case("pack_padded_batch_first",
           lambda x: list(rnn_utils.pack_padded_sequence(x, lengths, batch_first=True)), [padded.transpose(0, 1)])
utils_case("pack_padded_unsorted",
           lambda x: list(rnn_utils.pack_padded_sequence(x, shuffled_lengths, enforce_sorted=False)), [padded])
utils_case("pack_padded_unsorted_batch_first",
           lambda x: list(rnn_utils.pack_padded_sequence(x, shuffled_lengths, batch_first=True,
                                                         enforce_sorted=False)), [padded.transpose(0, 1)])
# Ties: which of two sequences of equal length goes first is torch.sort's choice.
tied = torch.tensor([2, 4, 2, 4, 1, 2, 4, 3, 2, 1, 4, 2, 2, 3, 4, 1, 2, 2, 4, 3])
utils_case("pack_padded_unsorted_ties",
           lambda x: list(rnn_utils.pack_padded_sequence(x, tied, enforce_sorted=False)), [torch.randn(4, 20, 2)])
utils_case("pack_padded_2d", lambda x: list(rnn_utils.pack_padded_sequence(x, torch.tensor([3, 2, 2]))),
           [torch.randn(3, 3)])


def pad_packed(lengths_, enforce_sorted, batch_first, padding_value, total_length):
    def fn(x):
        packed = rnn_utils.pack_padded_sequence(x, lengths_, enforce_sorted=enforce_sorted)
        data = packed.data  # a leaf of its own, so the gradient of pad_packed_sequence is seen alone
        packed = rnn_utils.PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
        out, lens = rnn_utils.pad_packed_sequence(packed, batch_first=batch_first, padding_value=padding_value,
                                                  total_length=total_length)
        return [out, lens]
    return fn


utils_case("pad_packed", pad_packed(lengths, True, False, 0.0, None), [padded])
utils_case("pad_packed_batch_first_value_total", pad_packed(lengths, True, True, -1.5, 7), [padded])
utils_case("pad_packed_unsorted", pad_packed(shuffled_lengths, False, False, 2.0, None), [padded])
utils_case("pad_packed_unsorted_batch_first_total", pad_packed(shuffled_lengths, False, True, 0.0, 6), [padded])

seqs = [torch.randn(3, 2), torch.randn(5, 2), torch.randn(1, 2)]
utils_case("pad_sequence", lambda a, b, c: [rnn_utils.pad_sequence([a, b, c])], seqs)
utils_case("pad_sequence_batch_first_value",
           lambda a, b, c: [rnn_utils.pad_sequence([a, b, c], batch_first=True, padding_value=0.25)], seqs)
utils_case("pad_sequence_1d", lambda a, b: [rnn_utils.pad_sequence([a, b], batch_first=True)],
           [torch.randn(2), torch.randn(4)])
utils_case("pack_sequence_unsorted",
           lambda a, b, c: list(rnn_utils.pack_sequence([a, b, c], enforce_sorted=False)), seqs)
utils_case("pack_sequence_sorted",
           lambda a, b, c: list(rnn_utils.pack_sequence([b, a, c])), seqs)


def layer_case(name, kind, opts, input_shape, lengths_, seed, hx=False, train=False, enforce_sorted=True):
    torch.manual_seed(seed)
    m = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[kind](**opts)
    m.train(train)
    x = torch.randn(*input_shape, requires_grad=True)
    batch = input_shape[0 if m.batch_first else 1]
    d = 2 if m.bidirectional else 1
    real = m.proj_size if getattr(m, "proj_size", 0) > 0 else m.hidden_size
    h0 = c0 = None
    if hx:
        h0 = torch.randn(m.num_layers * d, batch, real, requires_grad=True)
        if kind == "LSTM":
            c0 = torch.randn(m.num_layers * d, batch, m.hidden_size, requires_grad=True)
    packed = rnn_utils.pack_padded_sequence(x, torch.tensor(lengths_), batch_first=m.batch_first,
                                            enforce_sorted=enforce_sorted)
    state = None if h0 is None else ((h0, c0) if c0 is not None else h0)
    out, hidden = m(packed, state)
    h, c = hidden if kind == "LSTM" else (hidden, None)
    padded_out, out_lengths = rnn_utils.pad_packed_sequence(out, batch_first=m.batch_first)
    loss = (padded_out * padded_out).sum() + h.sum()
    if c is not None:
        loss = loss + c.sum() * 0.5
    loss.backward()
    LAYERS.append({
        "name": name, "kind": kind, "opts": opts, "seed": seed, "input_shape": list(input_shape),
        "lengths": lengths_, "hx": hx, "train": train, "enforce_sorted": enforce_sorted,
        "data": enc(out.data), "batch_sizes": enc(out.batch_sizes), "padded": enc(padded_out),
        "out_lengths": enc(out_lengths), "h": enc(h), "c": enc(c),
        "data_grad_fn": type(out.data.grad_fn).__name__, "h_grad_fn": type(h.grad_fn).__name__,
        "padded_grad_fn": type(padded_out.grad_fn).__name__,
        "grads": {k: enc(v.grad) for k, v in m.named_parameters()},
        "input_grad": enc(x.grad), "h0_grad": enc(h0.grad if h0 is not None else None),
        "c0_grad": enc(c0.grad if c0 is not None else None),
    })


layer_case("rnn_tanh", "RNN", dict(input_size=3, hidden_size=4), (5, 3, 3), [5, 3, 2], 1)
layer_case("rnn_relu_2layers_bidirectional_hx_unsorted", "RNN",
           dict(input_size=3, hidden_size=4, num_layers=2, nonlinearity="relu", bidirectional=True), (4, 3, 3),
           [2, 4, 1], 2, hx=True, enforce_sorted=False)
layer_case("rnn_batch_first_nobias", "RNN", dict(input_size=3, hidden_size=5, batch_first=True, bias=False),
           (3, 4, 3), [4, 4, 2], 3)
layer_case("lstm", "LSTM", dict(input_size=3, hidden_size=4), (5, 3, 3), [5, 4, 2], 11)
layer_case("lstm_2layers_bidirectional_batch_first_hx_unsorted", "LSTM",
           dict(input_size=3, hidden_size=4, num_layers=2, batch_first=True, bidirectional=True), (4, 5, 3),
           [3, 5, 1, 5], 12, hx=True, enforce_sorted=False)
layer_case("lstm_proj_2layers_hx", "LSTM", dict(input_size=3, hidden_size=5, num_layers=2, proj_size=2),
           (4, 3, 3), [4, 2, 1], 14, hx=True)
layer_case("lstm_proj_bidirectional_unsorted", "LSTM",
           dict(input_size=3, hidden_size=5, proj_size=3, bidirectional=True), (4, 3, 3), [1, 4, 3], 15,
           enforce_sorted=False)
layer_case("lstm_dropout_train", "LSTM", dict(input_size=3, hidden_size=4, num_layers=3, dropout=0.5), (5, 3, 3),
           [5, 3, 3], 17, train=True)
layer_case("gru", "GRU", dict(input_size=3, hidden_size=4), (5, 2, 3), [5, 2], 21)
layer_case("gru_2layers_bidirectional_hx_unsorted", "GRU",
           dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True), (4, 4, 3), [2, 4, 4, 1], 22,
           hx=True, enforce_sorted=False)
layer_case("gru_dropout_train_bidirectional", "GRU",
           dict(input_size=3, hidden_size=4, num_layers=2, dropout=0.3, bidirectional=True), (5, 2, 3), [5, 3], 25,
           train=True)

ERRORS = []


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        ERRORS.append({"name": name, "type": type(e).__name__, "message": str(e)})
        return
    raise AssertionError(f"{name} did not raise")


error("unsorted_lengths", lambda: rnn_utils.pack_padded_sequence(torch.randn(3, 3), torch.tensor([1, 3, 2])))
error("empty", lambda: rnn_utils.pack_padded_sequence(torch.randn(0, 0), torch.tensor([], dtype=torch.int64)))
error("lengths_count", lambda: rnn_utils.pack_padded_sequence(torch.randn(3, 2), torch.tensor([3, 2, 1])))
error("zero_length", lambda: rnn_utils.pack_padded_sequence(torch.randn(3, 2), torch.tensor([3, 0])))
error("total_length", lambda: rnn_utils.pad_packed_sequence(
    rnn_utils.pack_padded_sequence(torch.randn(3, 2), torch.tensor([3, 2])), total_length=2))
error("pad_sequence_empty", lambda: rnn_utils.pad_sequence([]))
error("packed_input_dim", lambda: torch.nn.GRU(3, 4)(
    rnn_utils.PackedSequence(torch.randn(4, 2, 3), torch.tensor([2, 2]))))
error("packed_hidden_size", lambda: torch.nn.GRU(3, 4)(
    rnn_utils.pack_padded_sequence(torch.randn(3, 2, 3), torch.tensor([3, 2])), torch.zeros(1, 3, 4)))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rnn_packed.json")
with open(path, "w") as f:
    json.dump({"utils": UTILS, "layers": LAYERS, "errors": ERRORS}, f, indent=0)
print(f"wrote {len(UTILS)} utility cases, {len(LAYERS)} layer cases and {len(ERRORS)} errors to {path}")
for u in UTILS:
    print(u["name"], u["grad_fns"])
for c in LAYERS:
    print(c["name"], c["data_grad_fn"], c["h_grad_fn"], c["padded_grad_fn"])
for e in ERRORS:
    print(e["name"], e["type"], e["message"])
