"""Rprop (resilient backpropagation), following PyTorch's update."""

from __future__ import annotations

from .._creation import full_like, zeros_like
from ..autograd.grad_mode import no_grad
from .optimizer import Optimizer, _check_lr


class Rprop(Optimizer):
    r"""Move each coordinate by its own step size, using only the sign of the gradient.

    Each coordinate's step size starts at ``lr``; it is multiplied by ``etaplus`` when the
    gradient keeps its sign, by ``etaminus`` when it flips (and that step is skipped, the
    gradient being forgotten), and clamped to ``step_sizes``. ``p -= sign(g) * step_size``.

    >>> import ember
    >>> w = ember.tensor([1.0], requires_grad=True)
    >>> opt = ember.optim.Rprop([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> w
    tensor([0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _new_state(self, group, p, state):
        state["prev"] = zeros_like(p)
        state["step_size"] = full_like(p, group["lr"])

    def step(self, closure=None):
        """Perform one update; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                etaminus, etaplus = group["etas"]
                step_size_min, step_size_max = group["step_sizes"]
                for p, grad, state in self._updates(group):
                    prev, step_size = state["prev"], state["step_size"]
                    agreement = grad.mul(prev).sign()
                    flipped = agreement < 0
                    factor = agreement.masked_fill_(agreement > 0, etaplus)
                    factor = factor.masked_fill_(flipped, etaminus).masked_fill_(factor == 0, 1)
                    step_size.mul_(factor).clamp_(step_size_min, step_size_max)
                    # after a sign flip the gradient is treated as zero: no move now, and no
                    # sign comparison on the next step
                    grad = grad.masked_fill(flipped, 0)
                    p.addcmul_(grad.sign(), step_size, value=-1)
                    prev.copy_(grad)
        return loss
