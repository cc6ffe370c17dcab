"""Helpers the distribution tests share: seeded parameter draws and building a distribution."""

import numpy as np


class Draws:
    """Random parameters from one seeded generator (one per test module, so each module's
    draws do not depend on the others)."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def pos(self, *shape):
        return self.rng.uniform(0.5, 2.5, shape)

    def real(self, *shape):
        return self.rng.normal(size=shape)

    def unit(self, *shape):
        return self.rng.uniform(0.1, 0.9, shape)

    def simplex(self, *shape):
        x = self.rng.uniform(0.2, 1.0, shape)
        return x / x.sum(-1, keepdims=True)


def make_distribution(lib, name, params, keywords):
    """``lib.distributions.<name>`` from positional parameters (keyword None) and named ones."""
    positional = [p for p, k in zip(params, keywords) if k is None]
    named = {k: p for p, k in zip(params, keywords) if k is not None}
    return getattr(lib.distributions, name)(*positional, **named)
