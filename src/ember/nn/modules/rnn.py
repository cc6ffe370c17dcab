"""Recurrent layers: RNN, LSTM, GRU and their one-step cells, with PyTorch's parameters.

Parameters have PyTorch's names, shapes, gate order and initialisation (uniform in
``[-1/sqrt(hidden_size), 1/sqrt(hidden_size)]``), so a ``state_dict`` moves between the two
libraries. The forward pass is written with the public tensor API: each layer projects the whole
input sequence at once (one matrix product), then steps through time with the hidden product.
The graph is that composition (PyTorch's fused kernels record their own nodes); gradients and
values are PyTorch's. Gate order: LSTM ``i, f, g, o``; GRU ``r, z, n``.

A :class:`~ember.nn.utils.rnn.PackedSequence` input runs each sequence for its own length: at
step ``t`` only the first ``batch_sizes[t]`` rows of the state advance, and a sequence's final
state is the one it had at its last step (PyTorch's packed CPU path composes the same way, so
its output data shows ``CatBackward0`` and its final state ``StackBackward0``). An LSTM with
``proj_size > 0`` projects each new hidden state with ``weight_hr_l{k}``.
"""

from __future__ import annotations

import math
import warnings

from ... import cat, stack, zeros
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _rnn_step(nonlinearity):
    def step(projected, h, w_hh, b_hh, w_hr=None):
        return nonlinearity(projected + F.linear(h, w_hh, b_hh))

    return step


def _lstm_step(projected, state, w_hh, b_hh, w_hr=None):
    h, c = state
    gates = projected + F.linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    return (h if w_hr is None else F.linear(h, w_hr)), c


def _gru_step(projected, h, w_hh, b_hh, w_hr=None):
    x_r, x_z, x_n = projected.chunk(3, -1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, -1)
    r = (x_r + h_r).sigmoid()
    z = (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return (1 - z) * n + z * h


def _step_for(mode):
    if mode == "LSTM":
        return _lstm_step
    if mode == "GRU":
        return _gru_step
    return _rnn_step(F.tanh if mode == "RNN_TANH" else F.relu)


def _rows(state, start, stop):
    """Rows ``start:stop`` of a state (a tensor, or the LSTM's ``(h, c)``)."""
    if isinstance(state, tuple):
        return tuple(s[start:stop] for s in state)
    return state[start:stop]


def _join(states):
    """Stack the rows of several states back into one (in the order given)."""
    if len(states) == 1:
        return states[0]
    if isinstance(states[0], tuple):
        return tuple(cat(parts) for parts in zip(*states))
    return cat(states)


def _hidden(state):
    return state[0] if isinstance(state, tuple) else state


def _run_forward(step, inputs, batch_sizes, state, weights):
    """Step forwards in time. Where the batch shrinks, the sequences that ended keep their
    state as their final state; returns the per-step outputs and the final state."""
    outputs, ended = [], []
    rows = batch_sizes[0] if batch_sizes else None
    for t, x in enumerate(inputs):
        if batch_sizes and batch_sizes[t] < rows:
            ended.append(_rows(state, batch_sizes[t], rows))
            state = _rows(state, 0, batch_sizes[t])
            rows = batch_sizes[t]
        state = step(x, state, *weights)
        outputs.append(_hidden(state))
    return outputs, _join([state] + ended[::-1])


def _run_backward(step, inputs, batch_sizes, initial, weights):
    """Step backwards in time. A sequence joins, from its initial state, at its last step."""
    outputs, state, rows = [], None, 0
    for t in reversed(range(len(inputs))):
        if batch_sizes is None:
            state = initial if state is None else state
        elif batch_sizes[t] > rows:
            whole = rows == 0 and batch_sizes[t] == batch_sizes[0]
            joining = initial if whole else _rows(initial, rows, batch_sizes[t])
            state = joining if state is None else _join([state, joining])
            rows = batch_sizes[t]
        state = step(inputs[t], state, *weights)
        outputs.append(_hidden(state))
    outputs.reverse()
    return outputs, state


class RNNBase(Module):
    """The multi-layer, optionally bidirectional recurrence shared by RNN, LSTM and GRU."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0, device=None,
                 dtype=None):
        super().__init__()
        if not (isinstance(dropout, (int, float)) and 0 <= dropout <= 1) or isinstance(
                dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", UserWarning,
                          stacklevel=3)
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        gate_size = _GATES[mode] * hidden_size
        output_size = proj_size or hidden_size  # the size of h (and of each layer's output)
        directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else output_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = [("weight_ih", (gate_size, layer_input)),
                          ("weight_hh", (gate_size, output_size))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    setattr(self, name + suffix, Parameter(zeros(*shape, dtype=dtype)))
                    self._flat_weights_names.append(name + suffix)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    @property
    def all_weights(self):
        """The parameters by layer and direction, as lists ``[w_ih, w_hh, b_ih, b_hh]``
        (then ``w_hr`` with ``proj_size``)."""
        per = (4 if self.bias else 2) + (1 if self.proj_size else 0)
        names = self._flat_weights_names
        return [[getattr(self, n) for n in names[i:i + per]] for i in range(0, len(names), per)]

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first is not False:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            text += f", bidirectional={self.bidirectional}"
        return text

    def _check_input(self, input, packed):  # noqa: A002
        if packed:
            if input.ndim != 2:
                raise RuntimeError(f"input must have 2 dimensions, got {input.ndim}")
        elif input.ndim not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got "
                             f"{input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")

    def _check_state_dims(self, hx, unbatched):
        """PyTorch's check that the states have the input's batchedness (padded input)."""
        dims = 2 if unbatched else 3
        states = hx if self.mode == "LSTM" else (hx,)
        if all(s.ndim == dims for s in states):
            return
        kind = "unbatched 2-D" if unbatched else "batched 3-D"
        if self.mode == "LSTM":
            got = ", ".join(f"{s.ndim}-D" for s in states)
            raise RuntimeError(f"For {kind} input, hx and cx should also be {dims}-D but got "
                               f"({got}) tensors")
        raise RuntimeError(f"For {kind} input, hx should also be {dims}-D but got "
                           f"{hx.ndim}-D tensor")

    def _initial(self, hx, batch, size, dtype, message):
        directions = 2 if self.bidirectional else 1
        expected = (self.num_layers * directions, batch, size)
        if hx is None:
            return zeros(*expected, dtype=dtype)
        if tuple(hx.shape) != expected:
            raise RuntimeError(message.format(expected, list(hx.shape)))
        return hx

    def _initial_states(self, hx, batch, dtype):
        output_size = self.proj_size or self.hidden_size
        if self.mode != "LSTM":
            return self._initial(hx, batch, output_size, dtype, "Expected hidden size {}, got {}")
        h0, c0 = (None, None) if hx is None else hx
        return (self._initial(h0, batch, output_size, dtype, "Expected hidden[0] size {}, got {}"),
                self._initial(c0, batch, self.hidden_size, dtype,
                              "Expected hidden[1] size {}, got {}"))

    def forward(self, input, hx=None):  # noqa: A002
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes = input.data, input.batch_sizes
            sorted_indices, unsorted_indices = input.sorted_indices, input.unsorted_indices
            self._check_input(data, True)
            sizes = batch_sizes.tolist()
            unbatched = False
            batch = sizes[0]
            if hx is not None and sorted_indices is not None:
                # The states come in the caller's batch order; the packed rows are by length.
                hx = (tuple(h.index_select(1, sorted_indices) for h in hx)
                      if self.mode == "LSTM" else hx.index_select(1, sorted_indices))
        else:
            self._check_input(input, False)
            unbatched = input.ndim == 2
            if hx is not None:
                self._check_state_dims(hx, unbatched)
            if unbatched:
                input = input.unsqueeze(1)  # noqa: A001
                if hx is not None:
                    hx = (tuple(h.unsqueeze(1) for h in hx) if self.mode == "LSTM"
                          else hx.unsqueeze(1))
            elif self.batch_first:
                input = input.transpose(0, 1)  # noqa: A001
            data, sizes, batch = input, None, input.shape[1]
        h0 = self._initial_states(hx, batch, data.dtype)
        outputs, h_n, c_n = self._run_layers(data, sizes, h0)
        if packed:
            if unsorted_indices is not None:
                h_n = h_n.index_select(1, unsorted_indices)
                c_n = None if c_n is None else c_n.index_select(1, unsorted_indices)
            output = PackedSequence(outputs, batch_sizes, sorted_indices, unsorted_indices)
        elif unbatched:
            output, h_n = outputs.squeeze(1), h_n.squeeze(1)
            c_n = c_n.squeeze(1) if c_n is not None else None
        else:
            output = outputs.transpose(0, 1) if self.batch_first else outputs
        return (output, (h_n, c_n)) if self.mode == "LSTM" else (output, h_n)

    def _run_layers(self, data, sizes, h0):
        """Run every layer and direction over time-major ``data`` ``(T, B, *)``, or packed
        ``data`` ``(sum(sizes), *)`` with per-step batch sizes ``sizes``."""
        step = _step_for(self.mode)
        lstm = self.mode == "LSTM"
        directions = 2 if self.bidirectional else 1
        finals_h, finals_c = [], []
        all_weights = self.all_weights  # (built once: a list of lists over the parameters)
        offsets = [0]
        for size in sizes or ():
            offsets.append(offsets[-1] + size)
        layer_input = data
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                weights = all_weights[index]
                w_hh = weights[1]
                b_hh = weights[3] if self.bias else None
                w_hr = weights[-1] if self.proj_size else None
                projected = F.linear(layer_input, weights[0], weights[2] if self.bias else None)
                # Every time step projected at once; then each step takes its own rows.
                if sizes is None:
                    inputs = [projected[t] for t in range(projected.shape[0])]
                else:
                    inputs = [projected[offsets[t]:offsets[t + 1]] for t in range(len(sizes))]
                state = (h0[0][index], h0[1][index]) if lstm else h0[index]
                run = _run_backward if direction else _run_forward
                seen, state = run(step, inputs, sizes, state, (w_hh, b_hh, w_hr))
                outputs.append(stack(seen) if sizes is None else cat(seen))
                finals_h.append(_hidden(state))
                if lstm:
                    finals_c.append(state[1])
            layer_input = outputs[0] if directions == 1 else cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, stack(finals_h), (stack(finals_c) if lstm else None)


class RNN(RNNBase):
    """Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu), layer by layer."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)



class LSTM(RNNBase):
    """Long short-term memory; ``forward(input, (h_0, c_0))`` returns
    ``(output, (h_n, c_n))``. With ``proj_size > 0`` each new hidden state is projected to
    ``proj_size`` features by ``weight_hr_l{k}``, so ``output`` and ``h_n`` have that size.

    >>> lstm = nn.LSTM(3, 4, proj_size=2)
    >>> out, (h_n, c_n) = lstm(ember.randn(5, 3))
    >>> out.shape, h_n.shape, c_n.shape
    (torch.Size([5, 2]), torch.Size([1, 2]), torch.Size([1, 4]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit (PyTorch's form: the reset gate scales h W_hn^T + b_hn)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)


class RNNCellBase(Module):
    """One time step of a recurrence, on a batch ``(N, input_size)`` or one ``(input_size,)``."""

    def __init__(self, mode, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__()
        self.mode, self.input_size, self.hidden_size, self.bias = (mode, input_size,
                                                                   hidden_size, bias)
        gate_size = _GATES[mode] * hidden_size
        self.weight_ih = Parameter(zeros(gate_size, input_size, dtype=dtype))
        self.weight_hh = Parameter(zeros(gate_size, hidden_size, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(zeros(gate_size, dtype=dtype))
            self.bias_hh = Parameter(zeros(gate_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self):
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            text += f", nonlinearity={nonlinearity}"
        return text

    def _step(self, input, hx):  # noqa: A002
        if input.ndim not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size}")
        unbatched = input.ndim == 1
        if unbatched:
            input = input.unsqueeze(0)
            hx = None if hx is None else (tuple(h.unsqueeze(0) for h in hx)
                                          if isinstance(hx, tuple) else hx.unsqueeze(0))
        if hx is None:
            hidden = zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
            hx = (hidden, hidden) if self.mode == "LSTM" else hidden
        projected = F.linear(input, self.weight_ih, self.bias_ih)
        out = _step_for(self.mode)(projected, hx, self.weight_hh, self.bias_hh)
        if unbatched:
            out = tuple(o.squeeze(0) for o in out) if isinstance(out, tuple) else out.squeeze(0)
        return out


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, bias, device, dtype)

    def forward(self, input, hx=None):  # noqa: A002
        return self._step(input, hx)


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, bias, device, dtype)

    def forward(self, input, hx=None):  # noqa: A002
        return self._step(input, hx)


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, bias, device, dtype)

    def forward(self, input, hx=None):  # noqa: A002
        return self._step(input, hx)
