#!/usr/bin/env python3
"""Writes rnn.json: what PyTorch 1.13 computes for nn.RNN, nn.LSTM, nn.GRU and their cells: the
initial parameters after torch.manual_seed (bit for bit), outputs, final states, grad_fn names and
the gradients of every parameter, of the input and of the initial state, for the loss
sum(output^2) + sum(h_n) (+ sum(c_n) * 0.5), and the errors bad sizes raise. Run by hand with
Debian's python3-torch:

    /usr/bin/python3 tests/reference/make_rnn_reference.py

tests/nn/test_rnn.cpp replays every case by name, drawing in the same order: the module's
parameters, the input (randn), then h_0 (and c_0) when the case gives them, then dropout's masks.
"""
import json
import os

import torch

from second_order import enc

CASES = []


def run(name, kind, opts, input_shape, seed, hx=False, train=False):
    torch.manual_seed(seed)
    cls = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU,
           "RNNCell": torch.nn.RNNCell, "LSTMCell": torch.nn.LSTMCell, "GRUCell": torch.nn.GRUCell}[kind]
    m = cls(**opts)
    m.train(train)
    params = {k: enc(v) for k, v in m.named_parameters()}
    x = torch.randn(*input_shape, requires_grad=True)
    is_cell = kind.endswith("Cell")
    h0 = c0 = None
    if hx:
        if is_cell:
            hshape = ([input_shape[0]] if len(input_shape) == 2 else []) + [m.hidden_size]
            h0 = torch.randn(*hshape, requires_grad=True)
            if kind == "LSTMCell":
                c0 = torch.randn(*hshape, requires_grad=True)
        else:
            d = 2 if m.bidirectional else 1
            batched = len(input_shape) == 3
            b = [input_shape[0 if m.batch_first else 1]] if batched else []
            real = m.proj_size if getattr(m, "proj_size", 0) > 0 else m.hidden_size
            h0 = torch.randn(*([m.num_layers * d] + b + [real]), requires_grad=True)
            if kind == "LSTM":
                c0 = torch.randn(*([m.num_layers * d] + b + [m.hidden_size]), requires_grad=True)
    state = None if h0 is None else ((h0, c0) if c0 is not None else h0)
    out = m(x, state)
    if kind == "LSTM":
        output, (h, c) = out
    elif kind == "LSTMCell":
        output, c = out
        h = output
    elif is_cell:
        output, h, c = out, out, None
    else:
        output, h = out
        c = None
    loss = (output * output).sum()
    if not is_cell:
        loss = loss + h.sum()
    if c is not None:
        loss = loss + c.sum() * 0.5
    loss.backward()
    CASES.append({
        "name": name, "kind": kind, "opts": opts, "seed": seed, "input_shape": list(input_shape),
        "hx": hx, "train": train, "params": params,
        "output": enc(output), "h": enc(h), "c": enc(c),
        "grad_fn": type(output.grad_fn).__name__,
        "grads": {k: enc(v.grad) for k, v in m.named_parameters()},
        "input_grad": enc(x.grad), "h0_grad": enc(h0.grad if h0 is not None else None),
        "c0_grad": enc(c0.grad if c0 is not None else None),
    })


run("rnn_tanh", "RNN", dict(input_size=3, hidden_size=4), (5, 2, 3), 1)
run("rnn_relu_2layers_bidirectional_hx", "RNN",
    dict(input_size=3, hidden_size=4, num_layers=2, nonlinearity="relu", bidirectional=True), (4, 3, 3), 2, hx=True)
run("rnn_batch_first_nobias", "RNN", dict(input_size=3, hidden_size=5, batch_first=True, bias=False), (2, 4, 3), 3)
run("rnn_unbatched_hx", "RNN", dict(input_size=3, hidden_size=4, num_layers=2), (5, 3), 4, hx=True)
run("rnn_dropout_train", "RNN", dict(input_size=3, hidden_size=4, num_layers=3, dropout=0.4), (5, 2, 3), 5,
    train=True)
run("lstm", "LSTM", dict(input_size=3, hidden_size=4), (5, 2, 3), 11)
run("lstm_2layers_bidirectional_batch_first_hx", "LSTM",
    dict(input_size=3, hidden_size=4, num_layers=2, batch_first=True, bidirectional=True), (2, 5, 3), 12, hx=True)
run("lstm_nobias", "LSTM", dict(input_size=3, hidden_size=4, bias=False, num_layers=2), (4, 2, 3), 13)
run("lstm_proj", "LSTM", dict(input_size=3, hidden_size=5, num_layers=2, proj_size=2), (4, 2, 3), 14, hx=True)
run("lstm_proj_bidirectional", "LSTM", dict(input_size=3, hidden_size=5, proj_size=3, bidirectional=True),
    (4, 2, 3), 15)
run("lstm_unbatched", "LSTM", dict(input_size=3, hidden_size=4, bidirectional=True), (5, 3), 16, hx=True)
run("lstm_dropout_train", "LSTM", dict(input_size=3, hidden_size=4, num_layers=2, dropout=0.5), (5, 2, 3), 17,
    train=True)
run("lstm_dropout_eval", "LSTM", dict(input_size=3, hidden_size=4, num_layers=2, dropout=0.5), (5, 2, 3), 17)
run("gru", "GRU", dict(input_size=3, hidden_size=4), (5, 2, 3), 21)
run("gru_2layers_bidirectional_hx", "GRU", dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True),
    (4, 3, 3), 22, hx=True)
run("gru_batch_first_nobias", "GRU", dict(input_size=3, hidden_size=4, batch_first=True, bias=False), (2, 4, 3), 23)
run("gru_unbatched_batch_first", "GRU", dict(input_size=3, hidden_size=4, batch_first=True), (5, 3), 24)
run("gru_dropout_train_bidirectional", "GRU",
    dict(input_size=3, hidden_size=4, num_layers=2, dropout=0.3, bidirectional=True), (5, 2, 3), 25, train=True)
run("rnncell", "RNNCell", dict(input_size=3, hidden_size=4), (2, 3), 31, hx=True)
run("rnncell_relu_nohx", "RNNCell", dict(input_size=3, hidden_size=4, nonlinearity="relu"), (2, 3), 32)
run("rnncell_unbatched_nobias", "RNNCell", dict(input_size=3, hidden_size=4, bias=False), (3,), 33, hx=True)
run("lstmcell", "LSTMCell", dict(input_size=3, hidden_size=4), (2, 3), 34, hx=True)
run("lstmcell_nohx", "LSTMCell", dict(input_size=3, hidden_size=4), (2, 3), 35)
run("lstmcell_unbatched_nobias", "LSTMCell", dict(input_size=3, hidden_size=4, bias=False), (3,), 36, hx=True)
run("grucell", "GRUCell", dict(input_size=3, hidden_size=4), (2, 3), 37, hx=True)
run("grucell_nohx", "GRUCell", dict(input_size=3, hidden_size=4), (2, 3), 38)
run("grucell_unbatched_nobias", "GRUCell", dict(input_size=3, hidden_size=4, bias=False), (3,), 39, hx=True)

ERRORS = []


def error(name, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        ERRORS.append({"name": name, "type": type(e).__name__, "message": str(e)})
        return
    raise AssertionError(f"{name} did not raise")


lstm = torch.nn.LSTM(3, 4, num_layers=2)
gru = torch.nn.GRU(3, 4, bidirectional=True)
error("lstm_input_size", lambda: lstm(torch.randn(5, 2, 4)))
error("lstm_input_dim", lambda: lstm(torch.randn(5, 2, 3, 1)))
error("lstm_hidden_size", lambda: lstm(torch.randn(5, 2, 3), (torch.zeros(1, 2, 4), torch.zeros(2, 2, 4))))
error("lstm_cell_size", lambda: lstm(torch.randn(5, 2, 3), (torch.zeros(2, 2, 4), torch.zeros(2, 3, 4))))
error("lstm_hx_dims", lambda: lstm(torch.randn(5, 2, 3), (torch.zeros(2, 4), torch.zeros(2, 2, 4))))
error("gru_input_size", lambda: gru(torch.randn(5, 2, 4)))
error("gru_hidden_size", lambda: gru(torch.randn(5, 2, 3), torch.zeros(1, 2, 4)))
error("gru_hx_dims", lambda: gru(torch.randn(5, 3), torch.zeros(2, 1, 4)))
error("gru_empty_sequence", lambda: gru(torch.randn(0, 2, 3)))
error("lstmcell_input_size", lambda: torch.nn.LSTMCell(3, 4)(torch.randn(2, 5)))
error("lstmcell_hidden_batch", lambda: torch.nn.LSTMCell(3, 4)(torch.randn(2, 3), (torch.zeros(3, 4), torch.zeros(2, 4))))
error("lstmcell_cell_size", lambda: torch.nn.LSTMCell(3, 4)(torch.randn(2, 3), (torch.zeros(2, 4), torch.zeros(2, 5))))
error("grucell_hidden_size", lambda: torch.nn.GRUCell(3, 4)(torch.randn(2, 3), torch.zeros(2, 5)))
error("rnncell_input_dim", lambda: torch.nn.RNNCell(3, 4)(torch.randn(2, 2, 3)))
error("lstm_proj_size", lambda: torch.nn.LSTM(3, 4, proj_size=4))
error("lstm_dropout_range", lambda: torch.nn.LSTM(3, 4, dropout=1.5))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rnn.json")
with open(path, "w") as f:
    json.dump({"cases": CASES, "errors": ERRORS}, f, indent=0)
print(f"wrote {len(CASES)} cases and {len(ERRORS)} errors to {path}")
for e in ERRORS:
    print(e["name"], e["type"], e["message"])
