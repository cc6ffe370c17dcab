"""Adamax (Adam with an infinity-norm second moment), following PyTorch's update."""

from __future__ import annotations

from .._creation import zeros_like
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_adam_like, _check_lr


class Adamax(Optimizer):
    r"""Adam whose second moment is a decaying running maximum of ``|g|``.

    ``m = beta1 m + (1 - beta1) g``; ``u = max(beta2 u, |g| + eps)``;
    ``p -= lr / (1 - beta1^t) * m / u``.
    ``weight_decay`` adds ``weight_decay * p`` to the gradient.

    >>> import ember
    >>> w = ember.tensor([1.0], requires_grad=True)
    >>> opt = ember.optim.Adamax([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> w
    tensor([0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        _check_adam_like(eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _new_state(self, group, p, state):
        state["exp_avg"] = zeros_like(p)
        state["exp_inf"] = zeros_like(p)

    def step(self, closure=None):
        """Perform one update; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                beta1, beta2 = group["betas"]
                lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
                for p, grad, state in self._updates(group):
                    if weight_decay != 0:
                        grad = grad.add(p, alpha=weight_decay)
                    exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
                    exp_avg.lerp_(grad, 1 - beta1)
                    exp_inf.copy_(exp_inf.mul_(beta2).maximum(grad.abs().add_(eps)))
                    bias_correction = 1 - beta1 ** state["step"].item()
                    p.addcdiv_(exp_avg, exp_inf, value=-lr / bias_correction)
        return loss
