"""The losses PyTorch composes from other ops (margin ranking, hinge embedding, soft margin,
cosine embedding, triplet margin, Poisson and Gaussian NLL, multilabel soft margin): value,
gradients and second derivatives against PyTorch for each reduction, node names, modules."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(5)
A = rng.standard_normal(6)
B = rng.standard_normal(6)
SIGNS = np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])
X = rng.standard_normal((3, 5))
Y = rng.standard_normal((3, 5))
Z = rng.standard_normal((3, 5))
COUNTS = rng.integers(0, 5, (3, 5)).astype(float)
VAR = rng.uniform(0.2, 2.0, (3, 5))
LABELS = (rng.uniform(size=(3, 5)) > 0.5).astype(float)


def _F(lib):
    return lib.nn.functional


def _const(lib, array):
    return lib.tensor(array)


CASES = [
    ("margin_ranking", lambda L, r, a, b: _F(L).margin_ranking_loss(
        a, b, _const(L, SIGNS), margin=0.2, reduction=r), [A, B]),
    ("hinge_embedding", lambda L, r, a: _F(L).hinge_embedding_loss(
        a, _const(L, SIGNS), margin=0.5, reduction=r), [A]),
    ("soft_margin", lambda L, r, a: _F(L).soft_margin_loss(a, _const(L, SIGNS), reduction=r),
     [A]),
    ("cosine_embedding", lambda L, r, x, y: _F(L).cosine_embedding_loss(
        x, y, _const(L, SIGNS[:3]), margin=0.1, reduction=r), [X, Y]),
    ("triplet", lambda L, r, x, y, z: _F(L).triplet_margin_loss(x, y, z, reduction=r),
     [X, Y, Z]),
    ("triplet_swap_p1", lambda L, r, x, y, z: _F(L).triplet_margin_loss(
        x, y, z, margin=2.0, p=1, swap=True, reduction=r), [X, Y, Z]),
    ("poisson_nll", lambda L, r, x: _F(L).poisson_nll_loss(x, _const(L, COUNTS), reduction=r),
     [X]),
    ("poisson_nll_full", lambda L, r, v: _F(L).poisson_nll_loss(
        v, _const(L, COUNTS), log_input=False, full=True, reduction=r), [VAR]),
    ("gaussian_nll", lambda L, r, x, v: _F(L).gaussian_nll_loss(x, _const(L, Z), v, reduction=r),
     [X, VAR]),
    ("gaussian_nll_full_vector_var", lambda L, r, x, v: _F(L).gaussian_nll_loss(
        x, _const(L, Z), v[:, 0], full=True, reduction=r), [X, VAR]),
    ("multilabel_soft_margin", lambda L, r, x: _F(L).multilabel_soft_margin_loss(
        x, _const(L, LABELS), reduction=r), [X]),
    ("multilabel_soft_margin_weight", lambda L, r, x: _F(L).multilabel_soft_margin_loss(
        x, _const(L, LABELS), weight=_const(L, VAR[0]), reduction=r), [X]),
]


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_against_torch(name, fn, arrays, reduction):
    check(lambda L, *ts: fn(L, reduction, *ts), *arrays)


@pytest.mark.parametrize("name,fn,arrays", CASES, ids=[c[0] for c in CASES])
def test_against_finite_differences(name, fn, arrays):
    gradcheck(lambda L, *ts: fn(L, "sum", *ts), *arrays)


# (soft_margin is left out: PyTorch records one SoftMarginLossBackward0, ember the composition)
@pytest.mark.parametrize("name,fn,arrays", [c for c in CASES if c[0] != "soft_margin"],
                         ids=[c[0] for c in CASES if c[0] != "soft_margin"])
def test_node_names(name, fn, arrays):
    torch = require_torch()
    for reduction in ("mean", "sum", "none"):
        names = [type(fn(L, reduction, *[L.tensor(a, requires_grad=True) for a in arrays])
                      .grad_fn).__name__ for L in (ember, torch)]
        assert names[0] == names[1], (reduction, names)


def test_modules_match_torch():
    torch = require_torch()
    for make, args in [
            (lambda nn: nn.MarginRankingLoss(0.3), (A, B, SIGNS)),
            (lambda nn: nn.HingeEmbeddingLoss(reduction="sum"), (A, SIGNS)),
            (lambda nn: nn.SoftMarginLoss(), (A, SIGNS)),
            (lambda nn: nn.CosineEmbeddingLoss(0.1), (X, Y, SIGNS[:3])),
            (lambda nn: nn.TripletMarginLoss(p=1.0, swap=True), (X, Y, Z)),
            (lambda nn: nn.PoissonNLLLoss(log_input=False), (VAR, COUNTS)),
            (lambda nn: nn.GaussianNLLLoss(full=True), (X, Z, VAR)),
            (lambda nn: nn.MultiLabelSoftMarginLoss(weight=None), (X, LABELS))]:
        e_module, t_module = make(ember.nn), make(torch.nn)
        assert repr(e_module) == repr(t_module)
        got = e_module(*[ember.tensor(a) for a in args])
        want = t_module(*[torch.tensor(a) for a in args])
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10)


ERRORS = [
    (lambda L: L.nn.functional.gaussian_nll_loss(L.ones(2, 3), L.ones(2, 3), -L.ones(2, 3)),
     ValueError, "var has negative entry/entries"),
    (lambda L: L.nn.functional.gaussian_nll_loss(L.ones(2, 3), L.ones(2, 3), L.ones(2, 2)),
     ValueError, "var is of incorrect size"),
    (lambda L: L.nn.functional.margin_ranking_loss(L.ones(2), L.ones(2), L.ones(2, 1)),
     RuntimeError, "margin_ranking_loss : All input tensors should have same dimension"),
]


@pytest.mark.parametrize("fn,exception,message", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_errors(fn, exception, message):
    expect_error(fn, exception, message)
