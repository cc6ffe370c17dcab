"""class Tensor: a backend array, its dtype, and the autograd fields.

Operators and methods delegate to the op table (ember.ops); the graph bookkeeping lives in
ember.autograd. Op results are built with :meth:`Tensor._make`, never with the public
constructor. See design.md.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _dtype
from ._dtype import from_numpy_dtype
from .backend import scalar_one


NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If "
    "you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. "
    "See github.com/pytorch/pytorch/pull/30531 for more information."
)


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    # Slices, sums and repeats of a Size are Sizes, as in PyTorch (``x.shape[2:]``).
    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return Size(item) if type(key) is slice else item

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, count):
        return Size(tuple.__mul__(self, count))

    __rmul__ = __mul__

    def numel(self) -> int:
        count = 1
        for s in self:
            count *= s
        return count


class device:
    """A device; ember computes on ``'cpu'`` (the backend seam admits CuPy for 'cuda' later)."""

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index  # noqa: A001
        self.type = str(type).split(":")[0]
        self.index = index

    def __eq__(self, other):
        other = device(other) if isinstance(other, (str, device)) else other
        return isinstance(other, device) and other.type == self.type

    def __hash__(self):
        return hash(self.type)

    def __repr__(self):
        return f"device(type='{self.type}')"

    def __str__(self):
        return self.type


_CPU = device("cpu")


NOT_COMPILED_WITH_CUDA = "Torch not compiled with CUDA enabled"
# Accelerators PyTorch knows but a CPU-only build lacks: it names them in its error.
_UNLINKED_DEVICES = frozenset({"mps", "xla", "xpu", "hpu", "mtia", "ipu", "vulkan", "hip"})


def _check_device(dev):
    if dev is None:
        return
    kind = device(dev).type
    if kind == "cpu":
        return
    # ember answers as a CPU-only PyTorch build does.
    if kind == "cuda":
        raise AssertionError(NOT_COMPILED_WITH_CUDA)
    if kind in _UNLINKED_DEVICES:
        raise RuntimeError(f"PyTorch is not linked with support for {kind} devices")
    raise RuntimeError(f"ember computes on the CPU only; device {dev!r} is not available")


def _shape_args(args, name="shape"):
    """Accept ``f(2, 3)``, ``f((2, 3))`` and ``f([2, 3])``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for a in args:
        if not isinstance(a, (int, np.integer)):
            raise TypeError(f"{name} must be a tuple of ints, but got element of type "
                            f"{type(a).__name__}")
    return tuple(int(a) for a in args)


def wrap_dim(dim, ndim):
    """Normalise a possibly negative ``dim``, raising PyTorch's IndexError when out of range."""
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not low <= dim <= high:
        raise IndexError(f"Dimension out of range (expected to be in range of [{low}, {high}], "
                         f"but got {dim})")
    return dim % ndim if ndim else 0


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

    >>> import ember
    >>> w = ember.tensor([1.], requires_grad=True)
    >>> y = (w + 2) * (w + 1)
    >>> y.backward()
    >>> w.grad
    tensor([5.])
    """

    # The three fields every op result sets are slots; the rest are class-level defaults that
    # an instance overrides (in its lazily created __dict__) only when it needs to, which keeps
    # building an op result down to three stores. See Note [Hot path] in docs/notes.md.
    __slots__ = ("_data", "_requires_grad", "grad_fn", "__dict__", "__weakref__")
    _output_nr = 0  # which output of grad_fn this tensor is
    _grad = None
    _vc = None  # version counter: a one-element list shared by a base and its views
    _base = None  # the tensor this one is a view of
    _hooks = None  # gradient hooks of a leaf
    _post_accumulate_grad_hooks = None  # hooks run after a leaf's .grad is updated
    _accumulator = None  # weak reference to the leaf's AccumulateGrad node
    _retains_grad = False
    _view_replay = None  # for a view: the (row, arguments) steps that make it from its base
    _cut = None  # (how, where) this tensor lost its graph: made under no_grad, or detached
    __array_priority__ = 1000  # so ndarray <op> Tensor defers to Tensor's reflected operators

    def __init__(self, *args, **kwargs):
        # The legacy constructor: Tensor(2, 3) is uninitialised float data, Tensor([1, 2]) data.
        from ._creation import _legacy_tensor

        _init_from(self, _legacy_tensor(*args, **kwargs))

    @staticmethod
    def _make(data, requires_grad=False, grad_fn=None, output_nr=0):
        """Wrap a backend array (an op result) without any argument parsing."""
        t = _new(Tensor)
        t._data = data
        t._requires_grad = requires_grad
        t.grad_fn = grad_fn
        if output_nr:
            t._output_nr = output_nr
        return t

    # --- version counter and views -------------------------------------------------------------
    def _version_counter(self):
        vc = self._vc
        if vc is None:
            vc = self._vc = [0]
        return vc

    @property
    def _version(self) -> int:
        vc = self._vc
        return 0 if vc is None else vc[0]

    def _bump_version(self):
        self._version_counter()[0] += 1

    def _share_version(self, base):
        """Make this tensor a view of ``base``: same storage, same version counter."""
        self._vc = base._version_counter()
        self._base = base if base._base is None else base._base

    def _shallow_copy(self, data):
        """A tensor with the same autograd identity (grad_fn, leaf edge) over other data."""
        t = Tensor._make(data, self._requires_grad, self.grad_fn, self._output_nr)
        t._accumulator = self._accumulator
        if self.grad_fn is None and self._requires_grad:
            from .autograd.graph import accumulator

            t._accumulator = self._accumulator = __import__("weakref").ref(accumulator(self))
        return t

    # --- basic attributes ---------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[wrap_dim(dim, self._data.ndim)]

    @property
    def dtype(self) -> _dtype.dtype:
        return from_numpy_dtype[self._data.dtype]

    @property
    def device(self) -> device:
        return _CPU

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_contiguous(self) -> bool:
        return self._data.flags.c_contiguous

    def stride(self, dim=None):
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[wrap_dim(dim, self._data.ndim)]

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    @property
    def T(self):
        # PyTorch reverses the dims with a permute whatever the rank (PermuteBackward0).
        return self.permute(tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self):
        if self._data.ndim < 2:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                               f"Got {self._data.ndim}-D tensor.")
        return self.transpose(-2, -1)

    def _mT(self):
        return self.transpose(-2, -1)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, force=False):
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))  # one UnbindBackward0 node, as in PyTorch

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    __hash__ = object.__hash__  # by identity, computed in C (a tensor is a dict key often)

    def __repr__(self):
        from ._printing import tensor_repr

        return tensor_repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._data, self._requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.")
        new = type(self).__new__(type(self))
        _init_from(new, Tensor._make(self._data.copy(), self._requires_grad))
        if self._grad is not None:
            new._grad = Tensor._make(self._grad._data.copy())
        memo[id(self)] = new
        return new

    # --- autograd fields ------------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if self.grad_fn is not None:
            if value:
                return
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        if value and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self):
        if self.grad_fn is not None and not self._retains_grad:
            warnings.warn(NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad "
                                f"of type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value.dtype is not self.dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self):
        """Keep this non-leaf's gradient in ``.grad`` after backward (a no-op on leaves)."""
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if not self._retains_grad:
            self._retains_grad = True
            self.grad_fn._retain(self._output_nr, self)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            self.grad_fn._add_tensor_hook(self._output_nr, hook)
            hooks = self.grad_fn._tensor_hooks[self._output_nr]
        else:
            if self._hooks is None:
                self._hooks = []
            self._hooks.append(hook)
            hooks = self._hooks
        return _RemovableHandle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` after backward has updated this leaf's ``.grad``.

        >>> import ember
        >>> w = ember.tensor([1.], requires_grad=True)
        >>> handle = w.register_post_accumulate_grad_hook(lambda t: print(t.grad))
        >>> (w * 2).sum().backward()
        tensor([2.])
        >>> handle.remove()
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if self._post_accumulate_grad_hooks is None:
            self._post_accumulate_grad_hooks = []
        self._post_accumulate_grad_hooks.append(hook)
        return _RemovableHandle(self._post_accumulate_grad_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate the gradient of this tensor into the leaves' ``.grad``."""
        data = self._data
        if gradient is None and inputs is None and not create_graph and self.grad_fn is not None \
                and data.size == 1 and data.dtype.kind == "f":
            # The common call, loss.backward(): seed with ones and go straight to the engine.
            _run_backward((self,), (scalar_one(data.shape, data.dtype),), bool(retain_graph),
                          False)
            return
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """The same data, cut from the graph (shares storage and version counter)."""
        t = Tensor._make(self._data)
        t._share_version(self)
        if self._requires_grad:
            t._cut = ("detach", _user_site())  # named if backward() is called on it
        return t

    def detach_(self):
        if self._base is not None and self.grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        """The same storage, untracked: changes made through ``.data`` are invisible to autograd."""
        return Tensor._make(self._data)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError("data must be a Tensor")
        self._data = value._data

    # --- conversion -----------------------------------------------------------------------------
    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(device)``, ``to(other)``, ``to(device, dtype)``; copy=False."""
        dtype = kwargs.pop("dtype", None)
        dev = kwargs.pop("device", None)
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
        for a in args:
            if isinstance(a, _dtype.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, device)):
                dev = a
            elif a is not None:
                dtype = _dtype.to_dtype(a)
        _check_device(dev)
        if dtype is None or dtype.np == self._data.dtype:
            return self.clone() if copy else self
        return _S.to_copy(self, dtype.np, self._data.dtype)

    def type(self, dtype=None):
        if dtype is None:
            return "torch." + self.dtype._legacy
        if isinstance(dtype, str) and dtype.startswith("torch.") and dtype.endswith("Tensor"):
            dtype = next(d for d in _dtype.ALL if d._legacy == dtype[6:])
        return self.to(_dtype.to_dtype(dtype))

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def short(self):
        return self.to(_dtype.int16)

    def char(self):
        return self.to(_dtype.int8)

    def byte(self):
        return self.to(_dtype.uint8)

    def bool(self):
        return self.to(_dtype.bool)

    def cpu(self):
        return self

    def cuda(self, *args, **kwargs):
        _check_device("cuda")

    def contiguous(self):
        return self if self._data.flags.c_contiguous else self.clone()

    def clone(self):
        return _S.clone(self)

    # --- arithmetic operators -------------------------------------------------------------------
    def __add__(self, other):
        return _P.add(self, other)

    def __radd__(self, other):
        return _P.add(self, other)

    def __sub__(self, other):
        if self._data.dtype.kind == "b" or type(other) is bool or (
                isinstance(other, Tensor) and other._data.dtype.kind == "b"):
            return Tensor.sub(self, other)  # (raises PyTorch's error: bools do not subtract)
        return _P.sub(self, other)

    def __rsub__(self, other):
        if self._data.dtype.kind == "b" or type(other) is bool:
            return Tensor.sub(other, self)
        return _P.rsub(_F._scalar_operand(self, other), other)

    def __mul__(self, other):
        return _P.mul(self, other)

    def __rmul__(self, other):
        return _P.mul(self, other)

    def __truediv__(self, other):
        return _P.div(self, other)

    def __rtruediv__(self, other):
        # PyTorch computes ``2 / x`` as reciprocal(x) * 2: a MulBackward0 over ReciprocalBackward0.
        return _P.mul(_P.reciprocal(self), other)

    def __pow__(self, exponent):
        return self.pow(exponent)

    def __rpow__(self, other):
        return _F.pow(other, self)

    def __neg__(self):
        return _P.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _P.abs(self)

    def __matmul__(self, other):
        return _L.matmul(self, other)

    def __rmatmul__(self, other):
        return _L.matmul(other, self)

    def __eq__(self, other):
        return _P.eq(self, other)

    def __ne__(self, other):
        return _P.ne(self, other)

    def __lt__(self, other):
        return _P.lt(self, other)

    def __le__(self, other):
        return _P.le(self, other)

    def __gt__(self, other):
        return _P.gt(self, other)

    def __ge__(self, other):
        return _P.ge(self, other)

    # In-place operators keep the object (``a += 1`` leaves id(a) unchanged).
    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)



def _init_from(target, source):
    """Make ``target`` (e.g. a Parameter being built) carry ``source``'s data and autograd state."""
    target._data = source._data
    target._requires_grad = source._requires_grad
    target.grad_fn = source.grad_fn
    target.__dict__.update(source.__dict__)


def _rebuild(data, requires_grad):
    return Tensor._make(data, requires_grad)


_new = object.__new__


class _RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    def __init__(self, hooks, hook):
        self._hooks = hooks
        self._hook = hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


# The op modules import Tensor, so they are bound here, after the class exists.
from . import _api  # noqa: E402,F401  (binds the public functions as methods)
from ._api import pointwise as _F  # noqa: E402
from ._api import linalg as _L  # noqa: E402
from . import autograd as _autograd  # noqa: E402
from .autograd.engine import run_backward as _run_backward  # noqa: E402
from .autograd.anomaly_mode import user_site as _user_site  # noqa: E402
from .ops import pointwise as _P  # noqa: E402
from .ops import shape as _S  # noqa: E402
