"""ASGD (averaged stochastic gradient descent), following PyTorch's update."""

from __future__ import annotations

from .. import _dtype
from .._creation import ones, tensor, zeros_like
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr


class ASGD(Optimizer):
    r"""SGD with a decaying step size that also keeps a running average ``ax`` of the iterates.

    ``p *= 1 - lambd * eta``; ``p -= eta * g``; ``ax += mu (p - ax)`` (``ax = p`` while
    ``mu == 1``); then ``eta = lr / (1 + lambd lr t)^alpha`` and ``mu = 1 / max(1, t - t0)``.
    ``eta`` and ``mu`` are float32 scalar tensors, as in PyTorch.

    >>> import ember
    >>> w = ember.tensor([1.0], requires_grad=True)
    >>> opt = ember.optim.ASGD([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> w
    tensor([0.8000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _new_state(self, group, p, state):
        state["eta"] = tensor(float(group["lr"]), dtype=_dtype.float32)
        state["mu"] = ones((), dtype=_dtype.float32)
        state["ax"] = zeros_like(p)

    def step(self, closure=None):
        """Perform one update; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, lambd, alpha, t0 = group["lr"], group["lambd"], group["alpha"], group["t0"]
                weight_decay = group["weight_decay"]
                for p, grad, state in self._updates(group):
                    step = state["step"].item()
                    if weight_decay != 0:
                        grad = grad.add(p, alpha=weight_decay)
                    eta = state["eta"].item()
                    p.mul_(1 - lambd * eta)
                    p.add_(grad, alpha=-eta)
                    mu = state["mu"].item()
                    if mu != 1:
                        state["ax"].add_(p.sub(state["ax"]).mul_(mu))
                    else:
                        state["ax"].copy_(p)
                    # PyTorch makes the new values float32 tensors before copying them in, so
                    # they are rounded to float32 even when a loaded state holds them wider
                    new_eta = lr / ((1 + lambd * lr * step) ** alpha)
                    state["eta"].copy_(tensor(new_eta, dtype=_dtype.float32))
                    state["mu"].copy_(tensor(1 / max(1, step - t0), dtype=_dtype.float32))
        return loss
