"""Random sampling rows: ``x.normal_()``, ``x.uniform_()``, ``ember.bernoulli(p)``, ...

The samples are drawn by ember._api.random before a row runs and arrive as the ``sample``
argument; a row only gives them a node. A sample does not depend smoothly on the tensor it
replaces, nor on a probability, rate, mean or standard deviation it was drawn with, so PyTorch
records a node whose derivative is zero: backward runs and the inputs get zero gradients
(the reparameterisation trick, ``mean + std * ember.randn(...)``, is how one differentiates
through a sample).
"""

from __future__ import annotations

from .op import defop


def _sample(self, sample):
    return sample


def _zero(grad):
    return grad * 0


def _fill_row(name):
    """A row for an in-place fill ``self.<dist>_(...)``: the old values get no gradient."""
    return defop(name, forward=_sample, self=_zero)


normal_fill = _fill_row("NormalBackward0")
uniform_fill = _fill_row("UniformBackward0")
bernoulli_fill = _fill_row("BernoulliBackward2")  # bernoulli_(p) with p a number
random_range_fill = _fill_row("RandomBackward0")  # random_(from, to)
random_to_fill = _fill_row("RandomBackward1")  # random_(to)
random_fill = _fill_row("RandomBackward2")  # random_()
exponential_fill = _fill_row("ExponentialBackward0")
geometric_fill = _fill_row("GeometricBackward0")
log_normal_fill = _fill_row("LogNormalBackward0")
cauchy_fill = _fill_row("CauchyBackward0")

# bernoulli_(p) with p a tensor: p (broadcast to self's shape) gets a zero gradient too.
bernoulli_tensor_fill = defop(
    "BernoulliBackward1", inputs="self p", broadcast=True,
    forward=lambda self, p, sample: sample,
    self=_zero, p=_zero,
)

# ember.bernoulli(input) and ember.poisson(input): input holds the probabilities or rates.
bernoulli = defop("BernoulliBackward0", forward=_sample, self=_zero)
poisson = defop("PoissonBackward0", forward=_sample, self=_zero)


def _not_implemented(grad):
    raise RuntimeError("derivative for aten::bernoulli is not implemented")


# ember.bernoulli(input, p) with p a number: PyTorch declares no derivative for this overload and
# names its node NotImplemented; backward through it raises.
bernoulli_scalar = defop("NotImplemented", forward=_sample, self=_not_implemented)

# ember.normal with tensor arguments (Tensor mean / float std, float mean / Tensor std, both).
normal_tensor_float = defop("NormalBackward1", inputs="mean",
                            forward=lambda mean, sample: sample, mean=_zero)
normal_float_tensor = defop("NormalBackward2", inputs="std",
                            forward=lambda std, sample: sample, std=_zero)
normal_tensor_tensor = defop(
    "NormalBackward3", inputs="mean std", broadcast=True,
    forward=lambda mean, std, sample: sample,
    mean=_zero, std=_zero,
)
