"""Conv1d and Conv2d (im2col + BLAS; one ConvolutionBackward0 node), and their transposes
ConvTranspose1d and ConvTranspose2d (the same kernels, PyTorch's ConvolutionBackward0 node too)."""

from __future__ import annotations

from collections.abc import Iterable

from ... import Size, zeros
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module


def _check_groups(in_channels, out_channels, groups):
    if groups <= 0:
        raise ValueError("groups must be a positive integer")
    if in_channels % groups != 0:
        raise ValueError("in_channels must be divisible by groups")
    if out_channels % groups != 0:
        raise ValueError("out_channels must be divisible by groups")


class _ConvNd(Module):
    _dims = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        n = self._dims
        _check_groups(in_channels, out_channels, groups)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and any(s != 1 for s in F._pair(stride, n)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode != "zeros":
            raise NotImplementedError("ember's convolutions pad with zeros only")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = F._pair(kernel_size, n)
        self.stride = F._pair(stride, n)
        self.padding = padding if isinstance(padding, str) else F._pair(padding, n)
        self.dilation = F._pair(dilation, n)
        self.groups = groups
        self.padding_mode = padding_mode
        self.transposed = False
        self.output_padding = (0,) * n
        self._create_parameters((out_channels, in_channels // groups), bias, dtype)

    def _create_parameters(self, channels, bias, dtype):
        """The weight, (*channels, *kernel_size), and the bias, then their initialisation."""
        self.weight = Parameter(zeros(*channels, *self.kernel_size, dtype=dtype))
        if bias:
            self.bias = Parameter(zeros(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init._default_layer_init_(self.weight, self.bias)

    def extra_repr(self):
        n = self._dims
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * n:
            padding = self.padding if isinstance(self.padding, str) else self.padding
            text += f", padding={padding}"
        if self.dilation != (1,) * n:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv1d(_ConvNd):
    """1-D convolution over (N, C, L)."""

    _dims = 1

    def forward(self, input):  # noqa: A002
        return F.conv1d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)


class Conv2d(_ConvNd):
    """2-D convolution over (N, C, H, W).

    >>> import ember
    >>> ember.nn.Conv2d(1, 4, 3, padding=1)(ember.ones(2, 1, 8, 8)).shape
    torch.Size([2, 4, 8, 8])
    """

    def forward(self, input):  # noqa: A002
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)


def _tuple(value, n):
    """PyTorch's ``_pair``/``_single`` for module arguments: an iterable is kept as given (so a
    wrong length or a string surfaces in forward, as in PyTorch), anything else repeated."""
    if isinstance(value, Iterable):
        return tuple(value)
    return (value,) * n


class _ConvTransposeNd(_ConvNd):
    """The weight is (in_channels, out_channels // groups, *kernel_size): PyTorch's layout, whose
    fan-in for the default initialisation is out_channels // groups * kernel size."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(
                f'Only "zeros" padding mode is supported for {type(self).__name__}')
        Module.__init__(self)
        n = self._dims
        _check_groups(in_channels, out_channels, groups)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _tuple(kernel_size, n)
        self.stride = _tuple(stride, n)
        self.padding = _tuple(padding, n)
        self.dilation = _tuple(dilation, n)
        self.transposed = True
        self.output_padding = _tuple(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        self._create_parameters((in_channels, out_channels // groups), bias, dtype)

    def _output_padding(self, input, output_size):  # noqa: A002
        """The output_padding that gives ``output_size`` (PyTorch's checks and messages)."""
        if output_size is None:
            return self.output_padding
        n = self._dims
        leading = 2 if input.ndim == n + 2 else 1
        if len(output_size) == leading + n:
            output_size = output_size[leading:]
        if len(output_size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.ndim}D input, output_size must have "
                             f"{n} or {leading + n} elements (got {len(output_size)})")
        smallest = [(input.shape[d + leading] - 1) * self.stride[d] - 2 * self.padding[d]
                    + self.dilation[d] * (self.kernel_size[d] - 1) + 1 for d in range(n)]
        largest = [size + self.stride[d] - 1 for d, size in enumerate(smallest)]
        if any(not low <= size <= high
               for size, low, high in zip(output_size, smallest, largest)):
            # PyTorch names input.shape[2:] here, even for an unbatched input.
            raise ValueError(f"requested an output size of {output_size}, but valid sizes range "
                             f"from {smallest} to {largest} "
                             f"(for an input of {Size(input.shape[2:])})")
        return tuple(size - low for size, low in zip(output_size, smallest))


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution over (N, C, L): the gradient of Conv1d as a layer."""

    _dims = 1

    def forward(self, input, output_size=None):  # noqa: A002
        return F.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(input, output_size), self.groups,
                                  self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution over (N, C, H, W): upsamples by ``stride``.

    >>> import ember
    >>> up = ember.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1)
    >>> up(ember.ones(1, 4, 5, 5)).shape
    torch.Size([1, 2, 10, 10])
    >>> up(ember.ones(1, 4, 5, 5), output_size=[9, 9]).shape
    torch.Size([1, 2, 9, 9])
    """

    def forward(self, input, output_size=None):  # noqa: A002
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(input, output_size), self.groups,
                                  self.dilation)


class Conv3d(_ConvNd):
    """3-D convolution over (N, C, D, H, W).

    >>> import ember
    >>> ember.nn.Conv3d(1, 4, 3, padding=1)(ember.ones(2, 1, 4, 4, 4)).shape
    torch.Size([2, 4, 4, 4, 4])
    """

    _dims = 3

    def forward(self, input):  # noqa: A002
        return F.conv3d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution over (N, C, D, H, W): upsamples by ``stride``.

    >>> import ember
    >>> ember.nn.ConvTranspose3d(2, 1, 2, stride=2)(ember.ones(1, 2, 2, 2, 2)).shape
    torch.Size([1, 1, 4, 4, 4])
    """

    _dims = 3

    def forward(self, input, output_size=None):  # noqa: A002
        return F.conv_transpose3d(input, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(input, output_size), self.groups,
                                  self.dilation)
