"""nn.utils.rnn (PackedSequence, packing and padding) and the recurrent layers on packed input,
and LSTM(proj_size=...), against PyTorch with the same weights: outputs, final states, gradients
of the inputs, the initial states and every parameter; grad_fn names; round trips; errors."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import ember
import ember.nn.modules.rnn
import ember.nn.utils.rnn
from oracle import assert_close, check, expect_error, require_torch

rng = np.random.default_rng(0)


def _pair(kind, input_size=3, hidden_size=4, **options):
    torch = require_torch()
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(input_size, hidden_size, **options).double()
    ours = getattr(ember.nn, kind)(input_size, hidden_size, dtype=ember.float64, **options)
    ours.load_state_dict({k: ember.tensor(v.detach().numpy())
                          for k, v in theirs.state_dict().items()})
    return ours, theirs


def _close(got, want, what="value"):
    assert_close(got, want, rtol=1e-9, atol=1e-12, what=what)


def _names(node, depth=2):
    """The grad_fn name and, ``depth`` levels down, the names of its inputs' nodes."""
    if node is None:
        return None
    if depth == 0:
        return type(node).__name__
    return (type(node).__name__, [_names(child, depth - 1) for child, _ in node.next_functions])


PACKED_LAYERS = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2, "bidirectional": True}),
    ("LSTM", {"bidirectional": True}),
    ("LSTM", {"num_layers": 2, "proj_size": 2, "bidirectional": True}),
    ("LSTM", {"proj_size": 3, "bias": False, "num_layers": 2}),
    ("GRU", {"num_layers": 2}),
    ("GRU", {"bidirectional": True, "bias": False}),
]
# Batch of 4 padded to 6 steps (longer than every sequence), with equal lengths and a length 1.
LENGTHS = {True: [5, 3, 3, 1], False: [3, 5, 1, 3]}


@pytest.mark.parametrize("kind,options", PACKED_LAYERS, ids=[f"{k}-{o}" for k, o in PACKED_LAYERS])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_packed_layers_match_torch(kind, options, enforce_sorted, batch_first, with_state):
    torch = require_torch()
    ours, theirs = _pair(kind, batch_first=batch_first, **options)
    directions = 2 if options.get("bidirectional") else 1
    layers = options.get("num_layers", 1)
    output_size = options.get("proj_size") or 4
    lengths = LENGTHS[enforce_sorted]
    x = rng.standard_normal((4, 6, 3) if batch_first else (6, 4, 3))
    states = [rng.standard_normal((layers * directions, 4, output_size))]
    if kind == "LSTM":
        states.append(rng.standard_normal((layers * directions, 4, 4)))
    upstream_out = rng.standard_normal((sum(lengths), directions * output_size))
    upstream_states = [rng.standard_normal(s.shape) for s in states]
    results = []
    for lib, module in ((ember, ours), (torch, theirs)):
        xs = lib.tensor(x, requires_grad=True)
        hs = [lib.tensor(s, requires_grad=True) for s in states]
        packed = lib.nn.utils.rnn.pack_padded_sequence(xs, lengths, batch_first=batch_first,
                                                       enforce_sorted=enforce_sorted)
        hx = (tuple(hs) if kind == "LSTM" else hs[0]) if with_state else None
        out, final = module(packed, hx)
        assert type(out).__name__ == "PackedSequence"
        finals = list(final) if kind == "LSTM" else [final]
        loss = (out.data * lib.tensor(upstream_out)).sum()
        loss = loss + sum((f * lib.tensor(u)).sum() for f, u in zip(finals, upstream_states))
        loss.backward()
        padded, padded_lengths = lib.nn.utils.rnn.pad_packed_sequence(out,
                                                                      batch_first=batch_first)
        results.append(dict(
            data=out.data, batch_sizes=out.batch_sizes, sorted=out.sorted_indices,
            unsorted=out.unsorted_indices, finals=finals, padded=padded,
            lengths=padded_lengths, x_grad=xs.grad,
            state_grads=[h.grad for h in hs] if with_state else [],
            params=[(n, p.grad) for n, p in module.named_parameters()],
            names=[_names(out.data.grad_fn, 0)] + [_names(f.grad_fn, 0) for f in finals]))
    ours_, theirs_ = results
    _close(ours_["data"], theirs_["data"], "packed output")
    assert ours_["batch_sizes"].tolist() == theirs_["batch_sizes"].tolist()
    for key in ("sorted", "unsorted"):
        if theirs_[key] is None:
            assert ours_[key] is None
        else:
            assert ours_[key].tolist() == theirs_[key].tolist()
    for i, (a, b) in enumerate(zip(ours_["finals"], theirs_["finals"])):
        _close(a, b, f"final state {i}")
    _close(ours_["padded"], theirs_["padded"], "padded output")
    assert ours_["lengths"].tolist() == theirs_["lengths"].tolist() == lengths
    _close(ours_["x_grad"], theirs_["x_grad"], "input gradient")
    for i, (a, b) in enumerate(zip(ours_["state_grads"], theirs_["state_grads"])):
        _close(a, b, f"initial state gradient {i}")
    assert [n for n, _ in ours_["params"]] == [n for n, _ in theirs_["params"]]
    for (name, a), (_, b) in zip(ours_["params"], theirs_["params"]):
        _close(a, b, f"gradient of {name}")
    assert ours_["names"] == theirs_["names"]


def test_packed_final_state_is_each_sequences_own_last_step():
    """Independently of torch: a packed run equals running each sequence alone."""
    gru = ember.nn.GRU(3, 4, bidirectional=True, dtype=ember.float64)
    sequences = [ember.tensor(rng.standard_normal((n, 3))) for n in (2, 5, 3)]
    packed = ember.nn.utils.rnn.pack_sequence(sequences, enforce_sorted=False)
    out, h_n = gru(packed)
    outputs = ember.nn.utils.rnn.unpack_sequence(out)
    for i, sequence in enumerate(sequences):
        alone_out, alone_h = gru(sequence)
        _close(outputs[i], alone_out, f"output of sequence {i}")
        _close(h_n[:, i], alone_h, f"final state of sequence {i}")


@pytest.mark.parametrize("options", [{}, {"num_layers": 2, "bidirectional": True},
                                     {"batch_first": True, "bias": False}])
@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("unbatched", [False, True])
def test_lstm_proj_size_matches_torch(options, with_state, unbatched):
    torch = require_torch()
    ours, theirs = _pair("LSTM", 3, 5, proj_size=2, **options)
    directions = 2 if options.get("bidirectional") else 1
    layers = options.get("num_layers", 1)
    shape = (4, 3) if unbatched else ((2, 4, 3) if options.get("batch_first") else (4, 2, 3))
    x = rng.standard_normal(shape)
    batch = () if unbatched else (2,)
    states = [rng.standard_normal((layers * directions, *batch, 2)),
              rng.standard_normal((layers * directions, *batch, 5))]
    results = []
    for lib, module in ((ember, ours), (torch, theirs)):
        xs = lib.tensor(x, requires_grad=True)
        hs = [lib.tensor(s, requires_grad=True) for s in states]
        out, (h_n, c_n) = module(xs, tuple(hs) if with_state else None)
        loss = (out * out).sum() + (h_n * 1.5).sum() + (c_n * c_n * 0.5).sum()
        loss.backward()
        results.append([out, h_n, c_n, xs.grad, *([h.grad for h in hs] if with_state else []),
                        *[p.grad for p in module.parameters()]])
    for i, (a, b) in enumerate(zip(*results)):
        _close(a, b, f"result {i}")
    out, h_n, c_n = results[0][:3]
    assert out.shape[-1] == 2 * directions
    assert h_n.shape[-1] == 2 and c_n.shape[-1] == 5


def test_lstm_proj_size_parameters_state_dict_and_repr_match_torch():
    torch = require_torch()
    for options in ({"proj_size": 2}, {"proj_size": 2, "num_layers": 2, "bidirectional": True},
                    {"proj_size": 1, "bias": False, "batch_first": True}):
        ours = ember.nn.LSTM(3, 4, **options)
        theirs = torch.nn.LSTM(3, 4, **options)
        assert repr(ours) == repr(theirs)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert [[tuple(w.shape) for w in ws] for ws in ours.all_weights] == \
            [[tuple(w.shape) for w in ws] for ws in theirs.all_weights]
        assert all(float(p.abs().max()) <= 0.5 for p in ours.parameters())
    # The state_dict loads into the other library and gives the same results.
    ours, theirs = _pair("LSTM", 3, 4, proj_size=2)
    x = rng.standard_normal((3, 2, 3))
    _close(ours(ember.tensor(x))[0], theirs(torch.tensor(x))[0])
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_pad_round_trip_values_gradients_and_nodes(batch_first, enforce_sorted):
    torch = require_torch()
    lengths = LENGTHS[enforce_sorted]
    x = rng.standard_normal((4, 6, 2) if batch_first else (6, 4, 2))
    upstream = rng.standard_normal((4, 7, 2) if batch_first else (7, 4, 2))
    results = []
    for lib in (ember, torch):
        utils = lib.nn.utils.rnn
        xs = lib.tensor(x, requires_grad=True)
        packed = utils.pack_padded_sequence(xs, lib.tensor(lengths), batch_first=batch_first,
                                            enforce_sorted=enforce_sorted)
        padded, out_lengths = utils.pad_packed_sequence(packed, batch_first=batch_first,
                                                        padding_value=-2.0, total_length=7)
        (padded * lib.tensor(upstream)).sum().backward()
        results.append((packed, padded, out_lengths, xs.grad))
    (p1, o1, l1, g1), (p2, o2, l2, g2) = results
    _close(p1.data, p2.data, "packed data")
    assert p1.batch_sizes.tolist() == p2.batch_sizes.tolist()
    assert p1.batch_sizes.dtype == ember.int64 and l1.dtype == ember.int64
    _close(o1, o2, "padded")
    assert l1.tolist() == l2.tolist() == lengths
    _close(g1, g2, "input gradient")
    assert _names(p1.data.grad_fn) == _names(p2.data.grad_fn)
    assert type(o1.grad_fn).__name__ == type(o2.grad_fn).__name__
    # The round trip gives back the input where the sequences run.
    time_major = np.swapaxes(x, 0, 1) if batch_first else x
    back = o1.detach().numpy()
    back = np.swapaxes(back, 0, 1) if batch_first else back
    for b, n in enumerate(lengths):
        np.testing.assert_array_equal(back[:n, b], time_major[:n, b])
        assert (back[n:, b] == -2.0).all()


def test_packing_and_padding_second_derivatives_match_torch():
    x = rng.standard_normal((5, 3, 2))

    def pack_then_pad(lib, x):
        utils = lib.nn.utils.rnn
        packed = utils.pack_padded_sequence(x * x, [4, 5, 2], enforce_sorted=False)
        return utils.pad_packed_sequence(packed, batch_first=True)[0]

    check(pack_then_pad, x)
    check(lambda lib, x: lib.nn.utils.rnn.pack_padded_sequence(x * x, [5, 3, 3]).data, x)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_matches_torch(batch_first, padding_side):
    torch = require_torch()
    arrays = [rng.standard_normal((n, 2, 3)) for n in (2, 4, 1)]
    upstream = rng.standard_normal((3, 4, 2, 3) if batch_first else (4, 3, 2, 3))
    results = []
    for lib in (ember, torch):
        sequences = [lib.tensor(a, requires_grad=True) for a in arrays]
        padded = lib.nn.utils.rnn.pad_sequence(sequences, batch_first=batch_first,
                                               padding_value=0.5, padding_side=padding_side)
        (padded * lib.tensor(upstream)).sum().backward()
        results.append([padded] + [s.grad for s in sequences] + [type(padded.grad_fn).__name__])
    for a, b in zip(results[0][:-1], results[1][:-1]):
        _close(a, b)
    assert results[0][-1] == results[1][-1] == "CopySlices"


def test_pad_sequence_dtypes_and_tensor_input_match_torch():
    torch = require_torch()
    for make in (
        lambda L: L.nn.utils.rnn.pad_sequence([L.ones(2, 3, dtype=L.int64),
                                               L.ones(1, 3, dtype=L.int64)], padding_value=-1),
        lambda L: L.nn.utils.rnn.pad_sequence([L.ones(2, 3, dtype=L.float64), L.ones(1, 3)]),
        lambda L: L.nn.utils.rnn.pad_sequence(L.arange(6.).reshape(2, 3), batch_first=True),
        lambda L: L.nn.utils.rnn.pad_sequence([L.zeros(3, 4), L.ones(2, 1)]),
        lambda L: L.nn.utils.rnn.pad_sequence([L.ones(0, 3), L.ones(0, 3)]),
    ):
        ours, theirs = make(ember), make(torch)
        assert_close(ours, theirs)


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_unpack_and_unpad_sequence_match_torch(enforce_sorted):
    torch = require_torch()
    sizes = (4, 2, 2, 1) if enforce_sorted else (2, 4, 1, 2)
    arrays = [rng.standard_normal((n, 3)) for n in sizes]
    results = []
    for lib in (ember, torch):
        utils = lib.nn.utils.rnn
        sequences = [lib.tensor(a, requires_grad=True) for a in arrays]
        packed = utils.pack_sequence(sequences, enforce_sorted=enforce_sorted)
        unpacked = utils.unpack_sequence(packed)
        padded = utils.pad_sequence(sequences, batch_first=True)
        unpadded = utils.unpad_sequence(padded, lib.tensor(sizes), batch_first=True)
        unpadded_time = utils.unpad_sequence(padded.transpose(0, 1), lib.tensor(sizes))
        total = sum(((u * (i + 1)) ** 2).sum() for i, u in enumerate(unpacked))
        (total + sum(u.sum() for u in unpadded + unpadded_time)).backward()
        results.append(dict(packed=packed, unpacked=unpacked, unpadded=unpadded + unpadded_time,
                            grads=[s.grad for s in sequences],
                            names=[_names(packed.data.grad_fn, 1)]
                            + [type(u.grad_fn).__name__ for u in unpacked + unpadded]))
    ours, theirs = results
    _close(ours["packed"].data, theirs["packed"].data)
    assert ours["packed"].batch_sizes.tolist() == theirs["packed"].batch_sizes.tolist()
    for key, count in (("unpacked", 4), ("unpadded", 8), ("grads", 4)):
        assert len(ours[key]) == len(theirs[key]) == count
        for a, b in zip(ours[key], theirs[key]):
            _close(a, b, key)
    for a, array in zip(ours["unpacked"], arrays):
        np.testing.assert_array_equal(a.detach().numpy(), array)
    assert ours["names"] == theirs["names"]


def test_packed_sequence_class_matches_torch():
    torch = require_torch()
    results = []
    for lib in (ember, torch):
        rnn = lib.nn.utils.rnn
        packed = rnn.PackedSequence(lib.tensor([1.0, 2.0, 3.0]), lib.tensor([2, 1]),
                                    lib.tensor([1, 0]))
        legacy = rnn.PackedSequence((lib.tensor([1.0, 2.0]), lib.tensor([1, 1])))
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        doubled = packed.double()
        results.append(dict(
            repr=repr(legacy), fields=packed._fields, unsorted=unsorted_indices.tolist(),
            same=packed.to(lib.float32) is packed, cpu=packed.cpu() is packed,
            doubled=(str(doubled.data.dtype), doubled.sorted_indices.tolist(),
                     doubled.batch_sizes.tolist()),
            long=str(packed.long().data.dtype), is_cuda=packed.is_cuda,
            pinned=packed.is_pinned(), is_tuple=isinstance(packed, tuple), length=len(packed),
            inverse=rnn.invert_permutation(lib.tensor([2, 0, 3, 1])).tolist(),
            none=rnn.invert_permutation(None), data=data.tolist(),
            batch_sizes=batch_sizes.tolist(), sorted=sorted_indices.tolist()))
    assert results[0] == results[1]
    assert type(results[0]["repr"]) is str and results[0]["repr"].startswith("PackedSequence(")


def test_packed_layer_nodes_match_torch():
    torch = require_torch()
    names = []
    for lib in (ember, torch):
        lstm = lib.nn.LSTM(3, 4, bidirectional=True)
        x = lib.randn(5, 3, 3, requires_grad=True)
        packed = lib.nn.utils.rnn.pack_padded_sequence(x, [5, 2, 4], enforce_sorted=False)
        out, (h_n, c_n) = lstm(packed)
        gru = lib.nn.GRU(3, 4)
        sorted_out, g_n = gru(lib.nn.utils.rnn.pack_padded_sequence(x, [5, 4, 2]))
        names.append([out.data.grad_fn.name(), h_n.grad_fn.name(), c_n.grad_fn.name(),
                      sorted_out.data.grad_fn.name(), g_n.grad_fn.name()])
    assert names[0] == names[1]


@pytest.mark.parametrize("module", [ember.nn.utils.rnn, ember.nn.modules.rnn])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, extraglobs={"ember": ember, "nn": ember.nn})
    assert result.attempted > 0 and result.failed == 0


def test_total_length_may_be_an_integer_tensor():
    torch = require_torch()
    shapes = [tuple(L.nn.utils.rnn.pad_packed_sequence(_pack(L, [3, 2, 1]), batch_first=True,
                                                       total_length=L.tensor(5))[0].shape)
              for L in (ember, torch)]
    assert shapes[0] == shapes[1] == (3, 5, 2)


def _pack(L, lengths, enforce_sorted=True, shape=(4, 3, 2), **options):
    return L.nn.utils.rnn.pack_padded_sequence(L.zeros(*shape), lengths,
                                               enforce_sorted=enforce_sorted, **options)


def _packed_input(L, size=3):
    return L.nn.utils.rnn.pack_padded_sequence(L.randn(4, 3, size), [4, 2, 1])


SORTED_MESSAGE = ("`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                  "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                  "pack_sequence to sidestep this requirement if you do not need ONNX "
                  "exportability.")
ZERO_MESSAGE = ("Length of all samples has to be greater than 0, but found an element in "
                "'lengths' that is <= 0")

ERRORS = [
    (lambda L: _pack(L, [2, 4, 1]), RuntimeError, SORTED_MESSAGE),
    (lambda L: L.nn.utils.rnn.pack_sequence([L.ones(1, 2), L.ones(3, 2)]), RuntimeError,
     SORTED_MESSAGE),
    (lambda L: _pack(L, [4, 2, 0]), RuntimeError, ZERO_MESSAGE),
    (lambda L: _pack(L, [0, 2, 3], enforce_sorted=False), RuntimeError, ZERO_MESSAGE),
    (lambda L: _pack(L, [4, -1, -2]), RuntimeError, ZERO_MESSAGE),
    (lambda L: _pack(L, [4, 2]), RuntimeError,
     "Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)"),
    (lambda L: _pack(L, [3, 2, 1], batch_first=True), RuntimeError,
     "Expected `len(lengths)` to be equal to batch_size, but got 3 (batch_size=4)"),
    (lambda L: _pack(L, L.tensor([[4, 2, 1]])), RuntimeError,
     "'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu Long tensor"),
    (lambda L: _pack(L, [0, 0, 0], shape=(0, 3, 2)), RuntimeError, "Cannot pack empty tensors."),
    (lambda L: _pack(L, [1], shape=(2,)), IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    (lambda L: L.nn.utils.rnn.pad_packed_sequence(_pack(L, [3, 2, 1]), total_length=2),
     ValueError, "Expected total_length to be at least the length of the longest sequence in "
     "input, but got total_length=2 and max sequence length being 3"),
    (lambda L: L.nn.utils.rnn.pad_sequence([]), RuntimeError,
     "received an empty list of sequences"),
    (lambda L: L.nn.utils.rnn.pack_sequence([]), RuntimeError,
     "received an empty list of sequences"),
    (lambda L: L.nn.utils.rnn.pad_sequence([L.ones(2, 3), L.ones(2, 4)]), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"),
    (lambda L: L.nn.utils.rnn.pad_sequence([L.ones(2, 3), L.ones(2)]), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1"),
    (lambda L: L.nn.utils.rnn.pad_sequence([L.ones(2)], padding_side="middle"), RuntimeError,
     "Expected padding_side to be one of left or right, but got middle."),
    (lambda L: L.nn.utils.rnn.unpad_sequence(L.ones(3, 2, 2), [3, 2]), AttributeError,
     "'list' object has no attribute 'device'"),
    (lambda L: L.nn.GRU(4, 4)(_packed_input(L)), RuntimeError,
     "input.size(-1) must be equal to input_size. Expected 4, got 3"),
    (lambda L: L.nn.GRU(3, 4)(L.nn.utils.rnn.PackedSequence(L.randn(7, 2, 3),
                                                            L.tensor([3, 2, 1, 1]))),
     RuntimeError, "input must have 2 dimensions, got 3"),
    (lambda L: L.nn.GRU(3, 4)(_packed_input(L), L.randn(1, 2, 4)), RuntimeError,
     "Expected hidden size (1, 3, 4), got [1, 2, 4]"),
    (lambda L: L.nn.RNN(3, 4)(_packed_input(L), L.randn(1, 4)), RuntimeError,
     "Expected hidden size (1, 3, 4), got [1, 4]"),
    (lambda L: L.nn.LSTM(3, 4, proj_size=4), ValueError,
     "proj_size has to be smaller than hidden_size"),
    (lambda L: L.nn.LSTM(3, 4, proj_size=-1), ValueError,
     "proj_size should be a positive integer or zero to disable projections"),
    (lambda L: L.nn.LSTM(3, 4, proj_size=2)(L.randn(5, 2, 3), (L.randn(1, 2, 4),
                                                               L.randn(1, 2, 4))),
     RuntimeError, "Expected hidden[0] size (1, 2, 2), got [1, 2, 4]"),
    (lambda L: L.nn.LSTM(3, 4, proj_size=2)(L.randn(5, 2, 3), (L.randn(1, 2, 2),
                                                               L.randn(1, 2, 2))),
     RuntimeError, "Expected hidden[1] size (1, 2, 4), got [1, 2, 2]"),
    (lambda L: L.nn.LSTM(3, 4, proj_size=2)(L.randn(5, 3), (L.randn(1, 4), L.randn(1, 4))),
     RuntimeError, "Expected hidden[0] size (1, 1, 2), got [1, 1, 4]"),
    (lambda L: L.nn.LSTM(3, 4)(L.randn(5, 2, 3), (L.randn(1, 3, 4), L.randn(1, 2, 4))),
     RuntimeError, "Expected hidden[0] size (1, 2, 4), got [1, 3, 4]"),
    (lambda L: L.nn.GRU(3, 4)(L.randn(5, 3), L.randn(2, 4)), RuntimeError,
     "Expected hidden size (1, 1, 4), got [2, 1, 4]"),
    (lambda L: L.nn.LSTM(3, 4)(L.randn(5, 3), (L.randn(1, 3, 4), L.randn(1, 2, 4))),
     RuntimeError,
     "For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 3-D) tensors"),
    (lambda L: L.nn.LSTM(3, 4)(L.randn(5, 2, 3), (L.randn(1, 4), L.randn(1, 4))), RuntimeError,
     "For batched 3-D input, hx and cx should also be 3-D but got (2-D, 2-D) tensors"),
    (lambda L: L.nn.GRU(3, 4)(L.randn(5, 3), L.randn(1, 1, 4)), RuntimeError,
     "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"),
    (lambda L: L.nn.RNN(3, 4)(L.randn(5, 2, 3), L.randn(1, 4)), RuntimeError,
     "For batched 3-D input, hx should also be 3-D but got 2-D tensor"),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:50] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)


def test_refused_where_torch_does_not_check():
    # PyTorch reads past the end of the padded input here; ember raises instead.
    with pytest.raises(RuntimeError, match="at most the padded sequence length 4"):
        _pack(ember, [5, 2, 1])
    # PyTorch's packed LSTM does not check its states' shapes (a broadcast error, or a crash);
    # ember gives the message of its padded path.
    lstm = ember.nn.LSTM(3, 4)
    for h, c, message in (((1, 2, 4), (1, 3, 4), "Expected hidden[0] size (1, 3, 4), got [1, 2, 4]"),
                          ((1, 3, 4), (2, 3, 4), "Expected hidden[1] size (1, 3, 4), got [2, 3, 4]")):
        with pytest.raises(RuntimeError) as error:
            lstm(_packed_input(ember), (ember.randn(*h), ember.randn(*c)))
        assert str(error.value) == message
