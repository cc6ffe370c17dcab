"""nn.Module: the base class of every layer; registers parameters, buffers and submodules."""

from __future__ import annotations

import warnings
from collections import OrderedDict, namedtuple

from ... import _dtype, no_grad
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...utils.hooks import BackwardHook
from ..parameter import Buffer, Parameter


def _addindent(text, spaces):
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    first = lines.pop(0)
    return first + "\n" + "\n".join(" " * spaces + line for line in lines)


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (f"_IncompatibleKeys(missing_keys={self.missing_keys}, "
                f"unexpected_keys={self.unexpected_keys})")

    __str__ = __repr__


class RemovableHandle:
    """Returned by the register_*_hook methods; ``handle.remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks):
        self.hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self):
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class Module:
    """Base class of all layers. Assigning a Parameter, a Module or a buffer registers it.

    >>> import ember
    >>> class Net(ember.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = ember.nn.Linear(2, 1)
    ...     def forward(self, x):
    ...         return self.fc(x)
    >>> [name for name, _ in Net().named_parameters()]
    ['fc.weight', 'fc.bias']
    """

    training: bool
    _version = 1

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments")
        set_ = object.__setattr__
        set_(self, "training", True)
        set_(self, "_parameters", {})
        set_(self, "_buffers", {})
        set_(self, "_non_persistent_buffers_set", set())
        set_(self, "_modules", {})
        set_(self, "_forward_hooks", {})
        set_(self, "_forward_pre_hooks", {})

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')

    # Backward hooks are rare: class-level defaults until one is registered.
    _backward_hooks = None  # {id: hook(module, grad_input, grad_output)}
    _backward_pre_hooks = None  # {id: hook(module, grad_output)}
    _is_full_backward_hook = None  # True for register_full_backward_hook, False for the old one

    def __call__(self, *args, **kwargs):
        # The common case has no hooks: straight to forward, nothing else on the path.
        if not self._forward_hooks and not self._forward_pre_hooks \
                and self._is_full_backward_hook is None:
            return self.forward(*args, **kwargs)
        for hook in list(self._forward_pre_hooks.values()):
            changed = hook(self, args)
            if changed is not None:
                args = changed if isinstance(changed, tuple) else (changed,)
        full = None
        if self._is_full_backward_hook and grad_mode.is_grad_enabled():
            full = BackwardHook(self, self._backward_hooks or {}, self._backward_pre_hooks or {})
            args = full.setup_input_hook(args)
        result = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            changed = hook(self, args, result)
            if changed is not None:
                result = changed
        if full is not None:
            result = full.setup_output_hook(result)
        elif self._is_full_backward_hook is False and self._backward_hooks:
            self._attach_old_backward_hooks(args, result)
        return result

    def _attach_old_backward_hooks(self, args, result):
        """The deprecated ``register_backward_hook``: the hooks see the gradients of the last
        node of the forward (not the module's inputs), with PyTorch's warning when that differs."""
        outputs = (result,) if isinstance(result, Tensor) else tuple(
            r for r in result if isinstance(r, Tensor)) if isinstance(result, tuple) else ()
        nodes = {id(o.grad_fn): o.grad_fn for o in outputs if o.grad_fn is not None}
        if not nodes:
            return
        if len(nodes) > 1:
            warnings.warn("Using non-full backward hooks on a Module that does not return a "
                          "single Tensor or a tuple of Tensors is deprecated and will be removed "
                          "in future versions. This hook will be missing some of the grad_output. "
                          "Please use register_full_backward_hook to get the documented behavior.",
                          FutureWarning, stacklevel=3)
            return
        node = next(iter(nodes.values()))
        # As PyTorch checks it: every input's grad_fn (None for a leaf) must be an edge of the
        # node, or the hook misses some of the inputs' gradients.
        inputs = [a for a in args if isinstance(a, Tensor)]
        edges = {id(child) for child, _ in node.next_functions}
        if any(id(a.grad_fn) not in edges for a in inputs):
            warnings.warn("Using a non-full backward hook when the forward contains multiple "
                          "autograd Nodes is deprecated and will be removed in future versions. "
                          "This hook will be missing some grad_input. Please use "
                          "register_full_backward_hook to get the documented behavior.",
                          FutureWarning, stacklevel=3)

        def on_node(grad_inputs, grad_outputs):
            for hook in tuple(self._backward_hooks.values()):
                given = hook(self, grad_inputs, grad_outputs)
                if given is not None:
                    grad_inputs = given if isinstance(given, tuple) else (given,)
            return grad_inputs

        node.register_hook(on_node)

    def _check_hook_kind(self, full):
        if self._is_full_backward_hook is not None and self._is_full_backward_hook != full \
                and self._backward_hooks:
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks "
                               "on a single Module. Please use only one of them.")
        object.__setattr__(self, "_is_full_backward_hook", full)

    def register_full_backward_hook(self, hook, prepend=False):
        """``hook(module, grad_input, grad_output)`` runs once the gradients with respect to
        the module's inputs are computed; a returned tuple replaces ``grad_input``.

        >>> import ember
        >>> layer = ember.nn.Linear(2, 1)
        >>> handle = layer.register_full_backward_hook(
        ...     lambda m, gi, go: print(go[0].shape))
        >>> layer(ember.ones(3, 2, requires_grad=True)).sum().backward()
        torch.Size([3, 1])
        """
        self._check_hook_kind(True)
        return self._add_backward_hook("_backward_hooks", hook, prepend)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """``hook(module, grad_output)`` runs when the gradients with respect to the module's
        outputs are known, before the module's own backward; a returned tuple replaces them.

        >>> import ember
        >>> layer = ember.nn.Linear(2, 1)
        >>> handle = layer.register_full_backward_pre_hook(lambda m, go: (go[0] * 0,))
        >>> x = ember.ones(1, 2, requires_grad=True)
        >>> layer(x).sum().backward()
        >>> x.grad
        tensor([[0., 0.]])
        """
        if self._is_full_backward_hook is None:
            object.__setattr__(self, "_is_full_backward_hook", True)
        return self._add_backward_hook("_backward_pre_hooks", hook, prepend)

    def register_backward_hook(self, hook):
        """Deprecated (as in PyTorch): the hook sees the gradients of the forward's last node
        only. Use :meth:`register_full_backward_hook`."""
        self._check_hook_kind(False)
        return self._add_backward_hook("_backward_hooks", hook, False)

    def _add_backward_hook(self, table, hook, prepend):
        hooks = self.__dict__.get(table)
        if hooks is None:
            hooks = {}
            object.__setattr__(self, table, hooks)
        handle = RemovableHandle(hooks)
        if prepend:
            items = list(hooks.items())
            hooks.clear()
            hooks[handle.id] = hook
            hooks.update(items)
        else:
            hooks[handle.id] = hook
        return handle

    def register_forward_hook(self, hook):
        """``hook(module, args, output)`` runs after forward; a non-None return replaces output."""
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    def register_forward_pre_hook(self, hook):
        """``hook(module, args)`` runs before forward; a non-None return replaces the args."""
        handle = RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        return handle

    # --- registration -------------------------------------------------------------------------
    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._drop(name)
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            self.register_parameter(name, value)
            return
        modules = self.__dict__.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._drop(name)
            modules[name] = value
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' "
                                "(torch.nn.Module or None expected)")
            modules[name] = value
            return
        buffers = self.__dict__.get("_buffers")
        if isinstance(value, Buffer):
            self._drop(name)
            self.register_buffer(name, value, persistent=value.persistent)
            return
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                "(torch.Tensor or None expected)")
            buffers[name] = value
            return
        object.__setattr__(self, name, value)

    def _drop(self, name):
        self.__dict__.pop(name, None)
        for table in ("_parameters", "_buffers", "_modules"):
            self.__dict__[table].pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name):
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            entries = d.get(table)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for table in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(table, ()):
                del self.__dict__[table][name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))

    def _check_name(self, name, kind):
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')

    def register_parameter(self, name, param):
        """Add a parameter (a Parameter or None) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        self._check_name(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                            "(torch.nn.Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                f"created explicitly. To express '{name}' as a function of another Tensor, "
                "compute the value in the forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add a buffer (state that is not a parameter, e.g. running statistics)."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        self._check_name(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        if isinstance(tensor, Buffer):
            tensor = tensor.detach()
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name, module):
        """Add a child module under ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        self._check_name(name, "module")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target):
        module = self
        if target == "":
            return module
        for item in target.split("."):
            if item not in module._modules:
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = module._modules[item]
        return module

    def get_parameter(self, target):
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if name not in module._parameters:
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return module._parameters[name]

    # --- iteration ----------------------------------------------------------------------------
    def _named_members(self, table, prefix, recurse, remove_duplicate=True):
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in module.__dict__[table].items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (module_prefix + "." + name if module_prefix else name), value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, parameter) pairs, each parameter once, submodules' with dotted names."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """Every parameter once: what an optimizer takes. >>> list(nn.Linear(2, 1).parameters())"""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def named_children(self):
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self):
        for _, module in self.named_children():
            yield module

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        if memo is None:
            memo = set()
        if id(self) in memo and remove_duplicate:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    # --- modes and gradients ------------------------------------------------------------------
    def train(self, mode=True):
        """Set training mode (dropout active, batch norm uses batch statistics)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        """Set evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset every parameter's ``.grad`` (to None by default, as PyTorch does)."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                grad = param.grad
                if grad.grad_fn is not None:
                    grad = grad.detach()
                    param.grad = grad
                grad.requires_grad_(False)
                grad.zero_()

    def apply(self, fn):
        """Call ``fn`` on every submodule (children first) and on this module."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def _apply(self, fn):
        for module in self.children():
            module._apply(fn)
        with no_grad():
            for param in self._parameters.values():
                if param is None:
                    continue
                param.data = fn(param.data)
                if param.grad is not None:
                    param.grad = fn(param.grad)
            for name, buffer in self._buffers.items():
                if buffer is not None:
                    self._buffers[name] = fn(buffer)
        return self

    def to(self, *args, **kwargs):
        """Cast floating parameters and buffers: ``module.to(ember.float64)``."""
        dtype = kwargs.get("dtype")
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, _dtype.dtype):
                dtype = arg
        if dtype is None:
            return self
        if not dtype.is_floating_point:
            raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but "
                            f"got desired dtype={dtype}")
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def float(self):
        from ... import float32

        return self._apply(lambda t: t.to(float32) if t.is_floating_point() else t)

    def double(self):
        from ... import float64

        return self._apply(lambda t: t.to(float64) if t.is_floating_point() else t)

    def half(self):
        from ... import float16

        return self._apply(lambda t: t.to(float16) if t.is_floating_point() else t)

    def cpu(self):
        return self

    def cuda(self, device=None):
        """Moves parameters to 'cuda' (raises the Tensor's error: ember computes on the CPU)."""
        return self._apply(lambda t: t.cuda(device))

    def type(self, dst_type):
        return self._apply(lambda t: t.type(dst_type))

    # --- state dict ---------------------------------------------------------------------------
    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An ordered dict of every parameter and persistent buffer, by dotted name."""
        if destination is None:
            destination = OrderedDict()
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buffer if keep_vars else buffer.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".",
                                  keep_vars=keep_vars)
        return destination

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy values in by name; with ``strict``, missing and unexpected keys are errors."""
        if not hasattr(state_dict, "keys"):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        expected = set()
        # Every path to a shared module is a key of its own, as in state_dict.
        for module_prefix, module in self.named_modules(remove_duplicate=False):
            prefix = module_prefix + "." if module_prefix else ""
            local = {**{k: v for k, v in module._parameters.items() if v is not None},
                     **{k: v for k, v in module._buffers.items()
                        if v is not None and k not in module._non_persistent_buffers_set}}
            for name, target in local.items():
                key = prefix + name
                expected.add(key)
                if key not in state_dict:
                    missing.append(key)
                    continue
                value = state_dict[key]
                if not isinstance(value, Tensor):
                    errors.append(f'While copying the parameter named "{key}", expected '
                                  f"torch.Tensor or Tensor-like object from checkpoint but "
                                  f"received {type(value)}")
                    continue
                if tuple(value.shape) != tuple(target.shape):
                    errors.append(f"size mismatch for {key}: copying a param with shape "
                                  f"{value.shape} from checkpoint, the shape in current model "
                                  f"is {target.shape}.")
                    continue
                with no_grad():
                    target.zero_()  # so that NaN or inf in the old values cannot leak through
                    target.copy_(value)
        unexpected = [k for k in state_dict.keys() if k not in expected]
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                type(self).__name__, "\n\t".join(errors)))
        return _IncompatibleKeys(missing, unexpected)

    # --- printing -----------------------------------------------------------------------------
    def extra_repr(self):
        """The layer's own settings, shown inside its repr's parentheses."""
        return ""

    def _get_name(self):
        return type(self).__name__

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(module), 2)
                       for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"

    def __setstate__(self, state):
        self.__dict__.update(state)

    # --- small helpers PyTorch scripts use ------------------------------------------------------
    def get_buffer(self, target):
        """The buffer named by a dotted path (``'1.running_mean'``)."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return module._buffers[name]

    def set_submodule(self, target, module, strict=False):
        """Put ``module`` at a dotted path, replacing what is there; with ``strict=True`` the
        path must already name a submodule."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        parent_path, _, name = target.rpartition(".")
        parent = self.get_submodule(parent_path)
        if strict and name not in parent._modules:
            raise AttributeError(f"{parent._get_name()} has no attribute `{name}`")
        if name in parent._modules:
            parent._modules[name] = module  # keeps its place in the module's order
        else:
            setattr(parent, name, module)

    def get_extra_state(self):
        """Extra state for :meth:`state_dict`; a module that has some overrides this (with
        :meth:`set_extra_state`). ember's state dicts do not collect it yet."""
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never "
                           "be called.")

    def set_extra_state(self, state):
        """Restore what :meth:`get_extra_state` returned; see there."""
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never "
                           "be called.")

    def to_empty(self, *, device, recurse=True):
        """Give every parameter and buffer new memory of its shape and dtype on ``device`` (the
        CPU): the Parameter objects stay, their values do not (uninitialised, as in PyTorch)."""
        from ... import empty_like
        from ..._tensor import _check_device

        _check_device(device)

        def fresh(t):
            return empty_like(t)

        if recurse:
            return self._apply(fresh)
        with no_grad():
            for param in self._parameters.values():
                if param is not None:
                    param.data = fresh(param.data)
                    if param.grad is not None:
                        param.grad = fresh(param.grad)
            for name, buffer in self._buffers.items():
                if buffer is not None:
                    self._buffers[name] = fresh(buffer)
        return self

    def share_memory(self):
        """``share_memory_()`` on every parameter and buffer (see ``Tensor.share_memory_``)."""
        return self._apply(lambda t: t.share_memory_())

    def compile(self, *args, **kwargs):
        """Compile this module's forward in place: a no-op in ember, which runs eagerly and has
        no graph compiler yet (see ``ember.compile``). Returns None, as PyTorch's does."""
        return None


def _typename(value):
    return "torch." + type(value).__name__ if isinstance(value, Tensor) else type(value).__name__
