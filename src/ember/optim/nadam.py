"""NAdam (Adam with Nesterov momentum and a momentum schedule), following PyTorch's update."""

from __future__ import annotations

from .. import _dtype
from .._creation import ones, zeros_like
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_adam_like, _check_lr


class NAdam(Optimizer):
    r"""Adam with Nesterov momentum, whose momentum coefficient warms up over the steps.

    ``mu_t = beta1 (1 - 0.96^(t psi) / 2)`` (``psi = momentum_decay``), ``P_t = mu_1 ... mu_t``;
    ``m``, ``v`` as in Adam; ``p -= lr (1 - mu_t) / (1 - P_t) g / d
    + lr mu_{t+1} / (1 - P_t mu_{t+1}) m / d`` with ``d = sqrt(v / (1 - beta2^t)) + eps``.
    ``weight_decay`` adds ``weight_decay * p`` to the gradient, or with
    ``decoupled_weight_decay`` shrinks ``p`` by ``lr * weight_decay`` first.

    >>> import ember
    >>> w = ember.tensor([1.0], requires_grad=True)
    >>> opt = ember.optim.NAdam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> w
    tensor([0.8944], requires_grad=True)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        _check_lr(lr)
        _check_adam_like(eps, betas, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _new_state(self, group, p, state):
        # PyTorch keeps the running product of the mu_t as a float32 scalar
        # tensor, so it is rounded to float32 after every step.
        state["mu_product"] = ones((), dtype=_dtype.float32)
        state["exp_avg"] = zeros_like(p)
        state["exp_avg_sq"] = zeros_like(p)

    def step(self, closure=None):
        """Perform one update; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                beta1, beta2 = group["betas"]
                lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
                momentum_decay = group["momentum_decay"]
                for p, grad, state in self._updates(group):
                    step = state["step"].item()
                    bias_correction2 = 1 - beta2 ** step
                    if weight_decay != 0:
                        if group["decoupled_weight_decay"]:
                            p.mul_(1 - lr * weight_decay)
                        else:
                            grad = grad.add(p, alpha=weight_decay)
                    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
                    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
                    mu_product = state["mu_product"]
                    mu_product *= mu
                    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                    exp_avg.lerp_(grad, 1 - beta1)
                    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                    denom = exp_avg_sq.div(bias_correction2).sqrt_().add_(eps)
                    product = mu_product.item()
                    product_next = product * mu_next
                    p.addcdiv_(grad, denom, value=-lr * (1.0 - mu) / (1.0 - product))
                    p.addcdiv_(exp_avg, denom, value=-lr * mu_next / (1.0 - product_next))
        return loss
