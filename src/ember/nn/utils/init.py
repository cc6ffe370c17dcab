"""skip_init: build a module without running its parameter initialisation."""

from __future__ import annotations

import inspect

from ..modules.module import Module


def skip_init(module_cls, *args, **kwargs):
    """An instance of ``module_cls(*args, **kwargs)`` whose parameters and buffers are left
    uninitialised (``empty``), for code that sets them itself.

    ember has no 'meta' device, so the module is built normally and its tensors are then replaced
    by empty ones: the result is the same, the initialisation work is not saved.

    >>> import ember
    >>> ember.nn.utils.skip_init(ember.nn.Linear, 3, 2).weight.shape
    torch.Size([2, 3])
    """
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    module = module_cls(*args, **kwargs)
    from ... import empty_like

    return module._apply(lambda t: empty_like(t))
