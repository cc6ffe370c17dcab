"""AdaptiveLogSoftmaxWithLoss, FractionalMaxPool2d, CrossMapLRN2d and the lazy convolutions and
normalisations (LazyConv1d/2d/3d, LazyConvTranspose1d/2d, LazyBatchNorm1d/2d/3d,
LazyInstanceNorm1d/2d/3d)."""

from __future__ import annotations

from collections import namedtuple

from ... import argmax, empty
from ..._tensor import Tensor
from ...ops import nn_extra2 as X2
from .. import functional as F
from .container import ModuleList, Sequential
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, _ConvNd)
from .linear import Linear
from .module import Module
from .more import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, UninitializedParameter
from .normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d

# --- adaptive softmax ---------------------------------------------------------------------------
_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Efficient softmax over many classes (Grave et al., 2016): frequent classes (below
    ``cutoffs[0]``) and one entry per cluster share the ``head``; each cluster's classes get a
    low-rank ``tail`` (in -> in / div_value^(i+1) -> cluster size).

    ``forward(input, target)`` returns ``(output, loss)``: each target's log-probability and
    their negated mean.

    >>> import ember
    >>> asm = ember.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 7])
    >>> asm(ember.randn(3, 8), ember.tensor([0, 5, 9])).output.shape
    torch.Size([3])
    """

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False,
                 device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted "
                             "in an increasing order, where each value is between 1 and "
                             "n_classes-1")
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, dtype=dtype),
                                        Linear(hidden, size, bias=False, dtype=dtype)))

    def reset_parameters(self):
        self.head.reset_parameters()
        for projection, output in self.tail:
            projection.reset_parameters()
            output.reset_parameters()

    def forward(self, input_, target_):
        if target_.ndim == 1:
            if input_.shape[0] != target_.shape[0]:
                raise RuntimeError("Input and target should have the same size in the batch "
                                   "dimension.")
            if input_.ndim != 2:
                raise RuntimeError("1D target tensor expects 2D input tensors, but found inputs "
                                   f"with size {input_.shape}")
        elif target_.ndim == 0:
            if input_.ndim != 1:
                raise RuntimeError("0D target tensor expects 1D input tensors, but found inputs "
                                   f"with size {input_.shape}")
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        batched = target_.ndim > 0
        input = input_ if batched else input_.unsqueeze(0)  # noqa: A001
        target = target_ if batched else target_.unsqueeze(0)
        batch = target.shape[0]
        output = input.new_zeros(batch)
        # The head entry each row is scored by: its own class in the shortlist, else its cluster.
        head_targets = target.new_empty(batch)
        bounds = [0] + self.cutoffs
        covered = 0
        for i in range(len(bounds) - 1):
            low, high = bounds[i], bounds[i + 1]
            in_range = (target >= low) & (target < high)
            rows = in_range.nonzero().squeeze(-1)
            if rows.numel() == 0:
                continue
            if i == 0:
                head_targets = head_targets.index_copy(0, rows, target[in_range])
            else:
                cluster_logprob = F.log_softmax(self.tail[i - 1](input.index_select(0, rows)),
                                                dim=1)
                local = cluster_logprob.gather(1, (target[in_range] - low).unsqueeze(1))
                head_targets = head_targets.index_fill(0, rows, self.shortlist_size + i - 1)
                output = output.index_copy(0, rows, local.squeeze(1))
            covered += rows.numel()
        if covered != batch:
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values "
                               f"in range [{target.min().item()}, {target.max().item()}] were "
                               "found. ")
        head_logprob = F.log_softmax(self.head(input), dim=1)
        output = output + head_logprob.gather(1, head_targets.unsqueeze(1)).squeeze()
        loss = (-output).mean()
        if not batched:
            output = output.squeeze(0)
        return _ASMoutput(output, loss)

    def _get_full_log_prob(self, input, head_output):  # noqa: A002
        out = input.new_empty((head_output.shape[0], self.n_classes))
        head_logprob = F.log_softmax(head_output, dim=1)
        out[:, :self.shortlist_size] = head_logprob[:, :self.shortlist_size]
        for i, (start, stop) in enumerate(zip(self.cutoffs, self.cutoffs[1:])):
            cluster_logprob = F.log_softmax(self.tail[i](input), dim=1)
            out[:, start:stop] = (cluster_logprob
                                  + head_logprob[:, self.shortlist_size + i].unsqueeze(1))
        return out

    def log_prob(self, input):  # noqa: A002
        """Log-probabilities of every class, (N, n_classes)."""
        return self._get_full_log_prob(input, self.head(input))

    def predict(self, input):  # noqa: A002
        """The most probable class of each row: ``log_prob(input).argmax(1)``, computing the
        clusters only for rows whose best head entry is a cluster."""
        head_output = self.head(input)
        output = argmax(head_output, dim=1)
        outside = output >= self.shortlist_size
        if not outside.any():
            return output
        if outside.all():
            return argmax(self._get_full_log_prob(input, head_output), dim=1)
        log_prob = self._get_full_log_prob(input[outside], head_output[outside])
        output[outside] = argmax(log_prob, dim=1)
        return output


# --- pooling and normalisation ------------------------------------------------------------------
def _pair2(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


class FractionalMaxPool2d(Module):
    """Fractional max pooling to ``output_size`` or ``output_ratio`` of the input.

    >>> ember.nn.FractionalMaxPool2d(3, output_ratio=0.5)
    FractionalMaxPool2d()
    """

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        self.kernel_size = _pair2(kernel_size)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _pair2(output_size) if output_size is not None else None
        self.output_ratio = _pair2(output_ratio) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError("FractionalMaxPool2d requires specifying either an output size, or "
                             "a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input):  # noqa: A002
        return F.fractional_max_pool2d(input, self.kernel_size, self.output_size,
                                       self.output_ratio, self.return_indices,
                                       _random_samples=self._random_samples)


class CrossMapLRN2d(Module):
    """PyTorch's legacy response normalisation across channels of (N, C, H, W) (its own window
    bookkeeping and backward, reproduced).

    >>> ember.nn.CrossMapLRN2d(3)
    CrossMapLRN2d(3, alpha=0.0001, beta=0.75, k=1)
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):  # noqa: A002
        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D "
                             "instead.")
        return X2.cross_map_lrn2d(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


# --- lazy modules -------------------------------------------------------------------------------
class UninitializedBuffer(Tensor):
    """A buffer whose shape a lazy module learns from its first input; it becomes an ordinary
    Tensor (the same object) once materialized."""

    __slots__ = ()

    def __new__(cls, dtype=None):
        buffer = empty(0, dtype=dtype)
        buffer.__class__ = cls
        return buffer

    def __init__(self, dtype=None):
        pass

    def __repr__(self):
        return "<UninitializedBuffer>"

    def materialize(self, shape, dtype=None):
        self.data = empty(*shape, dtype=dtype or self.dtype)
        self.__class__ = Tensor


class _LazyConvMixin:
    """Convolutions whose ``in_channels`` comes from the first input (dim 1, or 0 unbatched);
    the module then becomes its ``cls_to_become`` (as PyTorch's lazy modules do)."""

    cls_to_become: type = _ConvNd

    def __init__(self, out_channels, *args, **kwargs):
        # (the base's arguments after in_channels, which stays 0 until the first input)
        super().__init__(0, out_channels, *args, **kwargs)

    def _create_parameters(self, channels, bias, dtype):
        self.weight = UninitializedParameter(empty(0, dtype=dtype))
        if bias:
            self.bias = UninitializedParameter(empty(0, dtype=dtype))
        else:
            self.register_parameter("bias", None)

    def reset_parameters(self):
        if not isinstance(self.weight, UninitializedParameter) and self.in_channels:
            super().reset_parameters()

    def __call__(self, input, *args, **kwargs):  # noqa: A002
        if isinstance(self.weight, UninitializedParameter):
            n = self._dims
            if input.ndim not in (n + 1, n + 2):
                raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input "
                                   f"to {type(self).__name__}, but got input of size: "
                                   f"{input.shape}")
            self.in_channels = input.shape[1] if input.ndim == n + 2 else input.shape[0]
            if self.transposed:
                channels = (self.in_channels, self.out_channels // self.groups)
            else:
                channels = (self.out_channels, self.in_channels // self.groups)
            self.weight.materialize(channels + tuple(self.kernel_size))
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.__class__ = self.cls_to_become
            self.reset_parameters()
        return Module.__call__(self, input, *args, **kwargs)


def _lazy_conv(name, base, doc):
    return type(name, (_LazyConvMixin, base), {"cls_to_become": base, "__doc__": doc,
                                               "__module__": __name__})


LazyConv1d = _lazy_conv("LazyConv1d", Conv1d, "A Conv1d whose in_channels is inferred.")
LazyConv2d = _lazy_conv("LazyConv2d", Conv2d, """A Conv2d whose ``in_channels`` is taken from the
    first input.

    >>> ember.nn.LazyConv2d(4, 3)
    LazyConv2d(0, 4, kernel_size=(3, 3), stride=(1, 1))
    """)
LazyConv3d = _lazy_conv("LazyConv3d", Conv3d, "A Conv3d whose in_channels is inferred.")
LazyConvTranspose1d = _lazy_conv("LazyConvTranspose1d", ConvTranspose1d,
                                 "A ConvTranspose1d whose in_channels is inferred.")
LazyConvTranspose2d = _lazy_conv("LazyConvTranspose2d", ConvTranspose2d,
                                 "A ConvTranspose2d whose in_channels is inferred.")


class _LazyNormMixin:
    """Batch/instance norms whose ``num_features`` is taken from the first input's dim 1 (even
    for an unbatched instance-norm input, as in PyTorch)."""

    cls_to_become: type = Module

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None):
        super().__init__(0, eps, momentum, affine, track_running_stats, device, dtype)
        if affine:
            self.weight = UninitializedParameter(empty(0, dtype=dtype))
            self.bias = UninitializedParameter(empty(0, dtype=dtype))
        if track_running_stats:
            self.running_mean = UninitializedBuffer(dtype)
            self.running_var = UninitializedBuffer(dtype)

    def reset_parameters(self):
        if self.num_features:
            super().reset_parameters()

    def _uninitialized(self):
        return [t for t in (self.weight, self.bias, self.running_mean, self.running_var)
                if isinstance(t, (UninitializedParameter, UninitializedBuffer))]

    def __call__(self, input, *args, **kwargs):  # noqa: A002
        pending = self._uninitialized()
        if pending:
            self.num_features = input.shape[1]
            for t in pending:
                t.materialize((self.num_features,))
            self.reset_parameters()
        if type(self).__dict__.get("cls_to_become") is not None:
            self.__class__ = self.cls_to_become
        return Module.__call__(self, input, *args, **kwargs)


def _lazy_norm(name, base):
    doc = f"A {base.__name__} whose num_features is taken from the first input."
    return type(name, (_LazyNormMixin, base), {"cls_to_become": base, "__doc__": doc,
                                               "__module__": __name__})


LazyBatchNorm1d = _lazy_norm("LazyBatchNorm1d", BatchNorm1d)
LazyBatchNorm2d = _lazy_norm("LazyBatchNorm2d", BatchNorm2d)
LazyBatchNorm3d = _lazy_norm("LazyBatchNorm3d", BatchNorm3d)
LazyInstanceNorm1d = _lazy_norm("LazyInstanceNorm1d", InstanceNorm1d)
LazyInstanceNorm2d = _lazy_norm("LazyInstanceNorm2d", InstanceNorm2d)
LazyInstanceNorm3d = _lazy_norm("LazyInstanceNorm3d", InstanceNorm3d)
