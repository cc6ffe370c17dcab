"""Module backward hooks, built on the public autograd API as PyTorch builds them: identity
nodes (``BackwardHookFunctionBackward``) around a module's tensor inputs and outputs, whose node
hooks see the gradients flowing in and out of the module."""

from __future__ import annotations

import warnings

from .._tensor import Tensor
from ..autograd.function import Function


class _InplaceGuard:
    """The first replay step of an output of a hook node: writing into it in place would hide
    the hook node from the graph, which PyTorch forbids, and so does ember."""

    __slots__ = ("message",)

    def __init__(self, output_nr):
        self.message = (
            f"Output {output_nr} of BackwardHookFunction is a view and is being modified inplace."
            " This view was created inside a custom Function (or because an input was "
            "returned as-is) and the autograd logic to handle view+inplace would override the "
            "custom backward associated with the custom Function, leading to incorrect "
            "gradients. This behavior is forbidden. You can fix this by cloning the output of "
            "the custom Function.")

    def on(self, *args):
        raise RuntimeError(self.message)


class BackwardHookFunction(Function):
    """Identity on its tensor arguments; its node is where module backward hooks attach."""

    @staticmethod
    def forward(ctx, *args):
        outputs = []
        for i, arg in enumerate(args):
            out = arg.detach()
            out._share_version(arg)
            out._view_replay = ((_InplaceGuard(i), ()),)
            if not arg.requires_grad:
                ctx.mark_non_differentiable(*ctx._non_differentiable, out)
            outputs.append(out)
        return tuple(outputs)

    @staticmethod
    def backward(ctx, *grads):
        return grads


def _tensor_positions(values):
    return [i for i, v in enumerate(values) if isinstance(v, Tensor)]


def _unpack(values, positions, count):
    full = [None] * count
    for position, value in zip(positions, values):
        full[position] = value
    return tuple(full)


class BackwardHook:
    """One forward call's worth of module backward hooks: wraps the inputs and outputs, and
    calls ``hook(module, grad_input, grad_output)`` and ``pre_hook(module, grad_output)``."""

    def __init__(self, module, hooks, pre_hooks):
        self.module = module
        self.hooks = hooks
        self.pre_hooks = pre_hooks
        self.grad_outputs = None
        self.input_node = None
        self.num_inputs = 0

    def _wrap(self, values):
        """Apply the identity Function to the tensors in ``values``; None when none needs
        grad (no node would be made)."""
        positions = _tensor_positions(values)
        tensors = [values[i] for i in positions]
        if not any(t.requires_grad for t in tensors):
            return None, values
        wrapped = BackwardHookFunction.apply(*tensors)
        out = list(values)
        for position, tensor in zip(positions, wrapped):
            out[position] = tensor
        node = next(t.grad_fn for t in wrapped if t.grad_fn is not None)
        return (node, positions), tuple(out)

    def setup_input_hook(self, args):
        self.num_inputs = len(args)
        found, args = self._wrap(args)
        if found is not None:
            node, positions = found
            self.input_node = node

            def on_input(grad_inputs, _):
                grad_input = _unpack(grad_inputs, positions, self.num_inputs)
                for hook in tuple(self.hooks.values()):
                    given = hook(self.module, grad_input, self.grad_outputs)
                    if given is None:
                        continue
                    given = given if isinstance(given, tuple) else (given,)
                    if len(given) != len(grad_input):
                        raise RuntimeError(
                            f"Backward hook returned an invalid number of grad_input, got "
                            f"{len(given)}, but expected {len(grad_input)}")
                    grad_input = given
                self.grad_outputs = None
                return tuple(grad_input[i] for i in positions)

            node.register_hook(on_input)
        return args

    def setup_output_hook(self, result):
        single = isinstance(result, Tensor)
        outputs = (result,) if single else tuple(result) if isinstance(result, tuple) else None
        if outputs is None:
            return result
        found, outputs = self._wrap(outputs)
        if found is None:
            return result
        node, positions = found
        count = len(outputs)

        def on_output(grad_outputs):
            grad_output = _unpack(grad_outputs, positions, count)
            for hook in tuple(self.pre_hooks.values()):
                given = hook(self.module, grad_output)
                if given is None:
                    continue
                given = given if isinstance(given, tuple) else (given,)
                if len(given) != len(grad_output):
                    raise RuntimeError(
                        f"Backward pre hook returned an invalid number of grad_output, got "
                        f"{len(given)}, but expected {len(grad_output)}")
                grad_output = given
            self.grad_outputs = grad_output
            if self.input_node is None and self.hooks:  # no input needs grad: run them here
                warnings.warn("Full backward hook is firing when gradients are computed with "
                              "respect to module outputs since no inputs require gradients. See "
                              "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                              "#torch.nn.Module.register_full_backward_hook for more details.",
                              stacklevel=2)
                grad_input = (None,) * self.num_inputs
                for hook in tuple(self.hooks.values()):
                    given = hook(self.module, grad_input, grad_output)
                    if given is not None and any(g is not None for g in given):
                        raise RuntimeError(
                            "Backward hook for Modules where no input requires gradient should "
                            "always return None or None for all gradients.")
                self.grad_outputs = None
            return tuple(grad_output[i] for i in positions)

        node.register_prehook(on_output)
        return outputs[0] if single else outputs
