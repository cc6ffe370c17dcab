"""Variable-length sequences for the recurrent layers: packing, padding and back, as in
``torch.nn.utils.rnn``.

A :class:`PackedSequence` stores a batch of sequences of different lengths without padding, time
step by time step: ``data`` holds, for each step ``t``, the rows of the ``batch_sizes[t]``
sequences still running, longest sequence first. ``sorted_indices`` remembers how the batch was
reordered by length (``enforce_sorted=False``) and ``unsorted_indices`` undoes it.

>>> import ember
>>> from ember.nn.utils.rnn import pack_sequence, pad_packed_sequence
>>> packed = pack_sequence([ember.tensor([1., 2., 3.]), ember.tensor([4.])])
>>> packed.data, packed.batch_sizes
(tensor([1., 4., 2., 3.]), tensor([2, 1, 1]))
>>> pad_packed_sequence(packed)
(tensor([[1., 4.],
        [2., 0.],
        [3., 0.]]), tensor([3, 1]))
"""

from __future__ import annotations

import operator
from collections import namedtuple
from collections.abc import Iterable

import numpy as np

from ... import Tensor, arange, as_tensor, float16, float32, float64, int8, int16, int32, int64
from ... import sort, tensor, uint8, zeros
from ...autograd import Function

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]


def invert_permutation(permutation):
    """The permutation that undoes ``permutation`` (``None`` stays ``None``).

    >>> invert_permutation(ember.tensor([2, 0, 1]))
    tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    inverse = zeros(permutation.numel(), dtype=permutation.dtype, device=permutation.device)
    inverse[permutation] = arange(permutation.numel(), dtype=permutation.dtype,
                                  device=permutation.device)
    return inverse


_PackedSequenceFields = namedtuple("PackedSequence_",
                                   ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


class PackedSequence(_PackedSequenceFields):
    """A batch of variable-length sequences, packed time step by time step.

    Make one with :func:`pack_padded_sequence` or :func:`pack_sequence` rather than by hand; the
    recurrent layers accept it as input and return one as output.

    >>> p = PackedSequence(ember.tensor([1., 2., 3.]), ember.tensor([2, 1]))
    >>> p.batch_sizes, p.unsorted_indices is None
    (tensor([2, 1]), True)
    """

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # the older form: PackedSequence((data, batch_sizes))
            data, batch_sizes = data[0], data[1]
        if batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence "
                             "should never be created manually. They should be instantiated "
                             "by functions like pack_sequence and pack_padded_sequences in "
                             "nn.utils.rnn. https://pytorch.org/docs/stable/nn.html"
                             "#torch.nn.utils.rnn.pack_sequence")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """Move or cast ``data`` (as ``Tensor.to``); the indices follow it to its device.
        ``batch_sizes`` stays on the CPU. Returns ``self`` when nothing changes."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        sorted_indices, unsorted_indices = self.sorted_indices, self.unsorted_indices
        if sorted_indices is not None:
            sorted_indices = sorted_indices.to(data.device)
            unsorted_indices = unsorted_indices.to(data.device)
        return type(self)(data, self.batch_sizes, sorted_indices, unsorted_indices)

    def cuda(self, device=None, non_blocking=False):
        return self.to("cuda" if device is None else device, non_blocking=non_blocking)

    def cpu(self):
        return self.to("cpu")

    def double(self):
        return self.to(dtype=float64)

    def float(self):
        return self.to(dtype=float32)

    def half(self):
        return self.to(dtype=float16)

    def long(self):
        return self.to(dtype=int64)

    def int(self):
        return self.to(dtype=int32)

    def short(self):
        return self.to(dtype=int16)

    def char(self):
        return self.to(dtype=int8)

    def byte(self):
        return self.to(dtype=uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        # ember has no page-locked host memory, so a PackedSequence is never pinned.
        return False


class _PackPadded(Function):
    """Gathers the rows of the running sequences, step by step, from a padded batch."""

    @staticmethod
    def forward(ctx, input, rows):  # noqa: A002
        ctx.input_shape = tuple(input.shape)
        ctx.rows = rows
        return input.reshape(-1, *input.shape[2:]).index_select(0, rows)

    @staticmethod
    def backward(ctx, grad):
        # Scatter the packed gradient back into a zero padded batch; index_put keeps a graph
        # for double backward.
        shape = ctx.input_shape
        padded = zeros(shape[0] * shape[1], *shape[2:], dtype=grad.dtype, device=grad.device)
        return padded.index_put((ctx.rows,), grad).reshape(shape)


# PyTorch computes packing in one native op whose node is PackPaddedSequenceBackward0; a custom
# Function's node would be called _PackPaddedBackward, so it takes PyTorch's name.
_PackPadded._node_type().__name__ = "PackPaddedSequenceBackward0"
_PackPadded._node_type().__qualname__ = "PackPaddedSequenceBackward0"


def _lengths_tensor(lengths):
    if isinstance(lengths, Tensor):
        return lengths.to(dtype=int64)
    return as_tensor(lengths, dtype=int64, device="cpu")


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):  # noqa: A002
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``) of sequences
    whose lengths are ``lengths``.

    With ``enforce_sorted=True`` the lengths must be decreasing; otherwise the batch is sorted
    by length here and the order is kept in ``sorted_indices``.

    >>> x = ember.tensor([[1., 4.], [2., 0.], [3., 0.]])
    >>> pack_padded_sequence(x, [3, 1]).data
    tensor([1., 4., 2., 3.])
    """
    lengths = _lengths_tensor(lengths)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = sort(lengths, descending=True)
        sorted_indices = sorted_indices.to(input.device)
        input = input.index_select(0 if batch_first else 1, sorted_indices)  # noqa: A001
    if lengths.ndim != 1 or lengths.device.type != "cpu":
        raise RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got "
                           f"{lengths.ndim}D {lengths.device.type} Long tensor")
    batch_size = input.size(0 if batch_first else 1)
    steps = input.size(1 if batch_first else 0)
    if len(lengths) != batch_size:
        raise RuntimeError("Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lengths)} (batch_size={batch_size})")
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    sizes = lengths.tolist()
    if sizes[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if any(a < b for a, b in zip(sizes, sizes[1:])):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                           "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                           "pack_padded_sequence and/or pack_sequence to sidestep this "
                           "requirement if you do not need ONNX exportability.")
    if sizes[0] > steps:
        # PyTorch reads past the end of the input here; ember refuses.
        raise RuntimeError(f"Expected all lengths to be at most the padded sequence length "
                           f"{steps}, but got a length of {sizes[0]}")
    counts = np.asarray(sizes)
    batch_sizes = (counts[None, :] > np.arange(sizes[0])[:, None]).sum(1)
    time = np.repeat(np.arange(sizes[0]), batch_sizes)
    member = np.concatenate([np.arange(n) for n in batch_sizes])
    rows = member * steps + time if batch_first else time * batch_size + member
    # rows by keyword: the node gets one edge, to the input, as PyTorch's does.
    data = _PackPadded.apply(input, rows=tensor(rows, dtype=int64, device=input.device))
    return PackedSequence(data, tensor(batch_sizes, dtype=int64), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo :func:`pack_padded_sequence`: returns the padded batch and the lengths (int64).

    ``total_length`` pads to that many steps (useful to match the input of a packed layer).

    >>> packed = pack_sequence([ember.tensor([1., 2.]), ember.tensor([3.])])
    >>> pad_packed_sequence(packed, batch_first=True, padding_value=-1., total_length=3)
    (tensor([[ 1.,  2., -1.],
            [ 3., -1., -1.]]), tensor([2, 1]))
    """
    data, batch_sizes = sequence.data, sequence.batch_sizes
    sizes = batch_sizes.tolist()
    steps = len(sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError("Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
        steps = operator.index(total_length)  # an int, or an integer tensor
    batch = sizes[0]
    padded = data.new_full((steps, batch, *data.shape[1:]), padding_value)
    # Copy each run of steps with the same batch size in one slice assignment.
    start, offset = 0, 0
    while start < len(sizes):
        end = start
        while end < len(sizes) and sizes[end] == sizes[start]:
            end += 1
        rows = sizes[start]
        block = data[offset:offset + (end - start) * rows]
        padded[start:end, :rows] = block.view(end - start, rows, *data.shape[1:])
        offset += (end - start) * rows
        start = end
    counts = np.asarray(sizes)
    lengths = tensor((counts[None, :] > np.arange(batch)[:, None]).sum(1), dtype=int64)
    if batch_first:
        padded = padded.transpose(0, 1)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu()]
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences of shape ``(L_i, *)`` into one ``(max L, B, *)`` batch (``(B, max L, *)``
    with ``batch_first``), filling with ``padding_value`` on ``padding_side``.

    >>> pad_sequence([ember.tensor([1, 2]), ember.tensor([3])], batch_first=True)
    tensor([[1, 2],
            [3, 0]])
    """
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of "
                           f"type: {type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError("Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    first = sequences[0]
    if first.ndim == 0:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    trailing = tuple(first.shape[1:])
    longest = max(s.size(0) for s in sequences)
    shape = (len(sequences), longest, *trailing) if batch_first else (longest, len(sequences),
                                                                      *trailing)
    padded = first.new_full(shape, padding_value)
    for i, sequence in enumerate(sequences):
        length = sequence.size(0)
        _check_fits((length, *trailing), tuple(sequence.shape))
        steps = slice(0, length) if padding_side == "right" else slice(longest - length, longest)
        if batch_first:
            padded[i, steps] = sequence
        else:
            padded[steps, i] = sequence
    return padded


def _check_fits(slot, shape):
    """PyTorch's copy error when a sequence's trailing sizes differ from the first one's."""
    for i in range(1, min(len(slot), len(shape)) + 1):
        a, b = slot[-i], shape[-i]
        if b not in (a, 1):
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b "
                               f"({b}) at non-singleton dimension {len(slot) - i}")


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of sequences, each cut to its length.

    >>> unpad_sequence(ember.tensor([[1, 3], [2, 0]]), ember.tensor([2, 1]))
    [tensor([1, 2]), tensor([3])]
    """
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    steps = arange(padded_sequences.shape[1], device=lengths.device)
    return [sequence[steps < length] for sequence, length in zip(padded_sequences, lengths)]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of sequences of shape ``(L_i, *)`` (longest first unless
    ``enforce_sorted=False``).

    >>> pack_sequence([ember.tensor([1, 2]), ember.tensor([3])]).data
    tensor([1, 3, 2])
    """
    lengths = as_tensor([s.size(0) for s in sequences], dtype=int64)
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """Undo :func:`pack_sequence`: the list of sequences, in their original order.

    >>> unpack_sequence(pack_sequence([ember.tensor([1]), ember.tensor([2, 3])], False))
    [tensor([1]), tensor([2, 3])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
