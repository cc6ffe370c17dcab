"""EmbeddingBag, CTC loss, in-place and randomised activations, alpha dropout, local response
norm and LP pooling against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(11)


def F(lib):
    return lib.nn.functional


def randn(*shape):
    return rng.standard_normal(shape)


INDICES = np.array([1, 2, 4, 5, 4, 3, 2, 9, 2])
OFFSETS = np.array([0, 4, 4, 7])  # the second bag is empty


def bag(lib, w, mode, p=None, **kwargs):
    return F(lib).embedding_bag(lib.tensor(INDICES), w, lib.tensor(OFFSETS), mode=mode,
                                per_sample_weights=p, **kwargs)


def log_softmax(x, dim):
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


# (T, N, C) log-probabilities; targets padded; the third sample cannot be aligned (3 labels in
# 2 frames) and the second has a repeated label, which needs a blank between its copies.
LOG_PROBS = log_softmax(randn(6, 3, 5), 2)
TARGETS = np.array([[1, 2, 2], [3, 3, 0], [4, 1, 1]])
INPUT_LENGTHS, TARGET_LENGTHS = np.array([6, 4, 2]), np.array([3, 2, 3])


def ctc(lib, x, reduction="mean", zero_infinity=False, lengths=INPUT_LENGTHS, blank=0):
    return F(lib).ctc_loss(x, lib.tensor(TARGETS), lib.tensor(lengths),
                           lib.tensor(TARGET_LENGTHS), blank=blank, reduction=reduction,
                           zero_infinity=zero_infinity)


POSSIBLE = np.array([6, 4, 5])

# (id, fn(lib, *tensors), arrays, gradgrad)
CASES = [
    ("embedding_bag_sum", lambda lib, w: bag(lib, w, "sum"), (randn(10, 3),), False),
    ("embedding_bag_mean", lambda lib, w: bag(lib, w, "mean"), (randn(10, 3),), False),
    ("embedding_bag_max", lambda lib, w: bag(lib, w, "max"), (randn(10, 3),), False),
    ("embedding_bag_per_sample_weights", lambda lib, w, p: bag(lib, w, "sum", p),
     (randn(10, 3), randn(9)), False),
    ("embedding_bag_mean_padding", lambda lib, w: bag(lib, w, "mean", padding_idx=2),
     (randn(10, 3),), False),
    ("embedding_bag_max_padding", lambda lib, w: bag(lib, w, "max", padding_idx=4),
     (randn(10, 4),), False),
    ("embedding_bag_last_offset", lambda lib, w: F(lib).embedding_bag(
        lib.tensor(INDICES), w, lib.tensor([0, 3, 9]), mode="sum", include_last_offset=True),
     (randn(10, 3),), False),
    ("embedding_bag_2d", lambda lib, w, p: F(lib).embedding_bag(
        lib.tensor(INDICES.reshape(3, 3)), w, mode="sum", per_sample_weights=p),
     (randn(10, 2), randn(3, 3)), False),
    ("embedding_bag_2d_mean_negative_padding", lambda lib, w: F(lib).embedding_bag(
        lib.tensor(INDICES.reshape(3, 3)), w, padding_idx=-8), (randn(10, 2),), False),
    ("ctc_mean", lambda lib, x: ctc(lib, x, lengths=POSSIBLE), (LOG_PROBS,), False),
    ("ctc_none", lambda lib, x: ctc(lib, x, "none", lengths=POSSIBLE), (LOG_PROBS,), False),
    ("ctc_sum_blank", lambda lib, x: F(lib).ctc_loss(
        x, lib.tensor(TARGETS % 4), lib.tensor(POSSIBLE), lib.tensor(TARGET_LENGTHS), blank=4,
        reduction="sum"),
     (log_softmax(randn(6, 3, 5), 2),), False),
    ("ctc_impossible_zero_infinity", lambda lib, x: ctc(lib, x, "none", True), (LOG_PROBS,),
     False),
    ("ctc_impossible_mean_zero_infinity", lambda lib, x: ctc(lib, x, "mean", True),
     (LOG_PROBS,), False),
    ("ctc_unbatched", lambda lib, x: F(lib).ctc_loss(x, lib.tensor([2, 2, 1]), (7,), (3,),
                                                     reduction="none"),
     (log_softmax(randn(7, 4), 1),), False),
    ("ctc_concatenated_targets", lambda lib, x: F(lib).ctc_loss(
        x, lib.tensor([1, 2, 3, 3, 1]), (5, 4), (2, 3)), (log_softmax(randn(5, 2, 4), 2),), False),
    ("ctc_empty_target", lambda lib, x: F(lib).ctc_loss(
        x, lib.tensor([[1, 2], [0, 0]]), (4, 3), (2, 0), reduction="none"),
     (log_softmax(randn(4, 2, 3), 2),), False),
    ("rrelu_eval", lambda lib, x: F(lib).rrelu(x, 0.1, 0.3), (randn(3, 4),), True),
    ("local_response_norm_3d", lambda lib, x: F(lib).local_response_norm(x, 3, 0.5, 0.6, 2.0),
     (randn(2, 5, 4),), True),
    ("local_response_norm_4d_even", lambda lib, x: F(lib).local_response_norm(x, 2, 1.0),
     (randn(2, 4, 3, 2),), True),
    ("local_response_norm_5d", lambda lib, x: F(lib).local_response_norm(x, 4),
     (randn(1, 5, 2, 2, 3),), True),
    ("lp_pool2d", lambda lib, x: F(lib).lp_pool2d(x, 2.0, 2), (randn(2, 3, 4, 6),), True),
    ("lp_pool2d_p3_stride_ceil", lambda lib, x: F(lib).lp_pool2d(x, 3, (2, 3), 1, True),
     (np.abs(randn(1, 2, 5, 5)) + 0.1,), True),
    ("lp_pool1d", lambda lib, x: F(lib).lp_pool1d(x, 1.5, 3, 2), (np.abs(randn(2, 3, 7)) + 0.1,),
     True),
]


@pytest.mark.parametrize("name,fn,arrays,gradgrad", CASES, ids=[c[0] for c in CASES])
def test_against_torch(name, fn, arrays, gradgrad):
    check(fn, *arrays, gradgrad=gradgrad)


@pytest.mark.parametrize("name,fn,arrays,gradgrad", CASES, ids=[c[0] for c in CASES])
def test_node_names(name, fn, arrays, gradgrad):
    torch = require_torch()
    e = fn(ember, *[ember.tensor(a, requires_grad=True) for a in arrays])
    t = fn(torch, *[torch.tensor(a, requires_grad=True) for a in arrays])
    assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__


def test_float32():
    for name in ("embedding_bag_max", "ctc_mean", "local_response_norm_3d", "lp_pool2d"):
        fn, arrays = next((c[1], c[2]) for c in CASES if c[0] == name)
        check(fn, *[a.astype(np.float32) for a in arrays], gradgrad=False)


GRADCHECK = ["embedding_bag_mean", "embedding_bag_max", "embedding_bag_per_sample_weights",
             "ctc_none", "local_response_norm_4d_even", "lp_pool1d"]


@pytest.mark.parametrize("name", GRADCHECK)
def test_gradcheck(name):
    fn, arrays, gradgrad = next((c[1], c[2], c[3]) for c in CASES if c[0] == name)
    if name.startswith("ctc"):
        # PyTorch's gradient assumes normalised inputs: check it through a log_softmax.
        def fn(lib, x, inner=fn):  # noqa: F811
            return inner(lib, x.log_softmax(2))
    gradcheck(fn, *arrays, gradgrad=gradgrad)


def test_ctc_impossible_alignment_without_zero_infinity():
    # inf loss; the impossible sample's gradient is NaN up to its input length, zero after.
    torch = require_torch()
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(LOG_PROBS, requires_grad=True)
        loss = ctc(lib, x, "none")
        assert np.isinf(loss[2].item()) and np.isfinite(loss[:2].detach().numpy()).all()
        (g,) = lib.autograd.grad(loss.sum(), x)
        grads.append(g)
    assert_close(*grads)
    assert np.isnan(grads[0][:2, 2].numpy()).all() and (grads[0][2:, 2].numpy() == 0).all()


@pytest.mark.parametrize("make", [
    lambda lib, w, p: F(lib).embedding_bag(lib.tensor(INDICES), w, lib.tensor(OFFSETS),
                                           mode="sum", per_sample_weights=p),
    lambda lib, w, p: ctc(lib, w, "sum", lengths=POSSIBLE) * p.sum(),
])
def test_no_second_derivatives(make):
    # PyTorch leaves these unimplemented; ember raises the same errors.
    torch = require_torch()
    for lib in (ember, torch):
        w = lib.tensor(LOG_PROBS, requires_grad=True)
        if "embedding_bag" in make.__code__.co_names:
            w = lib.tensor(randn(10, 3), requires_grad=True)
        p = lib.tensor(rng.random(9), requires_grad=True)
        grads = lib.autograd.grad((make(lib, w, p) ** 2).sum(), [w, p], create_graph=True)
        unimplemented = [g for g in grads if type(g.grad_fn).__name__ in (
            "NotImplemented", "EmbeddingBagBackwardBackward0")]
        assert unimplemented
        for g in unimplemented:
            with pytest.raises((RuntimeError, NotImplementedError), match="derivative for"):
                lib.autograd.grad(g.sum(), [w, p], allow_unused=True)


def test_in_place_activations():
    torch = require_torch()
    x = randn(3, 4)
    for name, args in [("relu_", ()), ("elu_", (0.5,)), ("leaky_relu_", (0.2,)),
                       ("hardtanh_", (-0.5, 0.7)), ("selu_", ()), ("celu_", (1.3,)),
                       ("rrelu_", (0.2, 0.4))]:
        outs = []
        for lib in (ember, torch):
            leaf = lib.tensor(x, requires_grad=True)
            y = leaf * 1.0
            out = getattr(F(lib), name)(y, *args)
            assert out is y and y._version == 1
            out.backward(lib.tensor(np.arange(12.0).reshape(3, 4)))
            outs.append((out, leaf.grad))
        assert_close(outs[0][0], outs[1][0], what=name)
        assert_close(outs[0][1], outs[1][1], what=name)


def test_rrelu_training_samples_slopes():
    ember.manual_seed(0)
    x = -ember.ones(20000, dtype=ember.float64)
    x.requires_grad_(True)
    y = ember.nn.RReLU(0.1, 0.3)(x)
    assert type(y.grad_fn).__name__ == "RreluWithNoiseBackward0"
    slopes = -y.detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and len(np.unique(slopes)) > 1000
    assert abs(slopes.mean() - 0.2) < 0.003 and abs(slopes.var() - 0.2 ** 2 / 12) < 3e-4
    y.backward(ember.ones(20000, dtype=ember.float64))
    np.testing.assert_array_equal(x.grad.numpy(), slopes)  # the gradient is the sampled slope
    pos = ember.nn.RReLU()(ember.arange(1.0, 5.0))
    np.testing.assert_array_equal(pos.numpy(), [1.0, 2.0, 3.0, 4.0])
    evaluated = ember.nn.RReLU(0.1, 0.3).eval()(-ember.ones(3))
    np.testing.assert_allclose(evaluated.numpy(), [-0.2] * 3, rtol=1e-6)


def test_gumbel_softmax_statistics_and_straight_through():
    ember.manual_seed(0)
    logits = ember.tensor(np.log([0.1, 0.2, 0.7]), requires_grad=True)
    samples = F(ember).gumbel_softmax(logits.expand(20000, 3), tau=0.5, hard=True)
    assert type(samples.grad_fn).__name__ == "AddBackward0"
    values = samples.detach().numpy()
    assert set(np.unique(values)) == {0.0, 1.0} and (values.sum(1) == 1).all()
    np.testing.assert_allclose(values.mean(0), [0.1, 0.2, 0.7], atol=0.015)
    # straight through: the hard sample's gradient is the soft sample's
    ember.manual_seed(3)
    hard = F(ember).gumbel_softmax(logits, tau=0.7, hard=True)
    ember.manual_seed(3)
    soft = F(ember).gumbel_softmax(logits, tau=0.7)
    assert type(soft.grad_fn).__name__ == "SoftmaxBackward0"
    np.testing.assert_allclose(hard.detach().numpy(), soft.detach().numpy() == soft.max().item())
    weights = ember.tensor([1.0, -2.0, 0.5], dtype=ember.float64)
    (g_hard,) = ember.autograd.grad((hard * weights).sum(), logits)
    (g_soft,) = ember.autograd.grad((soft * weights).sum(), logits)
    np.testing.assert_allclose(g_hard.numpy(), g_soft.numpy())
    assert np.abs(g_soft.numpy()).max() > 0.01
    soft_rows = F(ember).gumbel_softmax(ember.zeros(4, 5), dim=0).detach().numpy()
    np.testing.assert_allclose(soft_rows.sum(0), np.ones(5))


@pytest.mark.parametrize("feature", [False, True])
def test_alpha_dropout(feature):
    ember.manual_seed(0)
    fn = F(ember).feature_alpha_dropout if feature else F(ember).alpha_dropout
    x = ember.randn(400, 500 if not feature else 300, *((2,) if feature else ()),
                    dtype=ember.float64)
    assert fn(x, 0.3) is x  # training=False by default in the functional form
    y = fn(x, 0.3, training=True)
    assert type(y.grad_fn).__name__ if x.requires_grad else True
    out = y.numpy()
    # zero mean and unit variance are kept
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1) < 0.02
    alpha = 1.7580993408473766
    a = 1 / np.sqrt((alpha ** 2 * 0.3 + 1) * 0.7)
    dropped = np.isclose(out, -alpha * a + alpha * a * 0.3)
    assert abs(dropped.mean() - 0.3) < 0.01
    if feature:  # whole channels are dropped together
        assert (dropped[..., 0] == dropped[..., 1]).all()
    np.testing.assert_allclose(out[~dropped], x.numpy()[~dropped] * a + alpha * a * 0.3)
    z = ember.ones(5, 4, requires_grad=True)
    w = fn(z, 1.0, training=True)
    assert (w.detach().numpy() == 0).all() and w.requires_grad
    module = (ember.nn.FeatureAlphaDropout if feature else ember.nn.AlphaDropout)(0.2)
    assert module.eval()(x) is x


def test_module_reprs_and_state_dicts():
    torch = require_torch()
    builders = [
        lambda nn: nn.EmbeddingBag(10, 3), lambda nn: nn.EmbeddingBag(
            10, 3, max_norm=1.0, norm_type=1.0, mode="max", padding_idx=-2),
        lambda nn: nn.EmbeddingBag(5, 2, mode="sum", include_last_offset=True),
        lambda nn: nn.CTCLoss(), lambda nn: nn.CTCLoss(blank=1, zero_infinity=True),
        lambda nn: nn.RReLU(), lambda nn: nn.RReLU(0.1, 0.2, inplace=True),
        lambda nn: nn.AlphaDropout(0.2), lambda nn: nn.FeatureAlphaDropout(),
        lambda nn: nn.LocalResponseNorm(3), lambda nn: nn.LocalResponseNorm(2, 1e-3, 0.5, 2.0),
        lambda nn: nn.LPPool2d(2, 3), lambda nn: nn.LPPool1d(1.5, 2, 1, ceil_mode=True),
    ]
    for build in builders:
        e, t = build(ember.nn), build(torch.nn)
        assert repr(e) == repr(t)
        assert list(e.state_dict()) == list(t.state_dict())
    padded = ember.nn.EmbeddingBag(6, 2, padding_idx=1)
    assert padded.padding_idx == 1 and (padded.weight[1].detach().numpy() == 0).all()


def test_modules_against_torch():
    torch = require_torch()
    weights = randn(6, 3)
    outs = []
    for lib in (ember, torch):
        frozen = lib.nn.EmbeddingBag.from_pretrained(lib.tensor(weights), mode="max")
        assert not frozen.weight.requires_grad and repr(frozen) == "EmbeddingBag(6, 3, mode='max')"
        trained = lib.nn.EmbeddingBag.from_pretrained(lib.tensor(weights), freeze=False,
                                                      mode="sum")
        out = trained(lib.tensor([[1, 2], [5, 5]]), per_sample_weights=lib.tensor(
            [[1.0, 2.0], [0.5, -1.0]], dtype=lib.float64))
        out.sum().backward()
        lp = lib.tensor(LOG_PROBS, requires_grad=True)
        loss = lib.nn.CTCLoss(zero_infinity=True)(lp, lib.tensor(TARGETS),
                                                  lib.tensor(INPUT_LENGTHS),
                                                  lib.tensor(TARGET_LENGTHS))
        loss.backward()
        lrn = lib.nn.LocalResponseNorm(2)(lib.tensor(weights.reshape(1, 6, 3)))
        pool = lib.nn.LPPool2d(2, 2)(lib.tensor(weights.reshape(1, 1, 6, 3)))
        outs.append((frozen(lib.tensor([0, 4, 4]), lib.tensor([0, 1])), out, trained.weight.grad,
                     loss, lp.grad, lrn, pool))
    for e, t in zip(*outs):
        assert_close(e, t)


def test_embedding_bag_max_norm_renormalises_rows():
    torch = require_torch()
    weights = randn(6, 3) * 3
    outs = []
    for lib in (ember, torch):
        w = lib.tensor(weights)
        out = F(lib).embedding_bag(lib.tensor([0, 1, 2]), w, lib.tensor([0, 2]), max_norm=1.0)
        outs.append((out, w))
    assert_close(*outs[0][:1], *outs[1][:1])
    assert_close(outs[0][1], outs[1][1])


ERRORS = [
    (lambda lib: F(lib).embedding_bag(lib.tensor([[1, 2]]), lib.ones(10, 3), lib.tensor([0])),
     ValueError, "if input is 2D, then offsets has to be None, as input is treated is a "
     "mini-batch of fixed length sequences. However, found offsets of type"),
    (lambda lib: F(lib).embedding_bag(lib.tensor([1, 2]), lib.ones(10, 3)), ValueError,
     "offsets has to be a 1D Tensor but got None"),
    (lambda lib: F(lib).embedding_bag(lib.tensor([1, 2]), lib.ones(10, 3), lib.tensor([[0]])),
     ValueError, "offsets has to be a 1D Tensor"),
    (lambda lib: F(lib).embedding_bag(lib.tensor([1, 2]), lib.ones(10, 3), lib.tensor([1])),
     RuntimeError, "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to "
     "start from position 0. However, got 1"),
    (lambda lib: F(lib).embedding_bag(lib.tensor([1, 2]), lib.ones(10, 3), lib.tensor([0]),
                                      mode="mean", per_sample_weights=lib.ones(2)),
     NotImplementedError, "embedding_bag: per_sample_weights was not None. per_sample_weights "
     "is only supported for mode='sum' (got mode='mean'). Please open a feature request on "
     "GitHub."),
    (lambda lib: F(lib).embedding_bag(lib.tensor([1, 2]), lib.ones(10, 3), lib.tensor([0]),
                                      mode="foo"), ValueError,
     "mode has to be one of sum, mean or max"),
    (lambda lib: F(lib).embedding_bag(lib.tensor([1, 12]), lib.ones(10, 3), lib.tensor([0])),
     RuntimeError, "Index 1 of input takes value 12 which is not in the valid range [0, 10)"),
    (lambda lib: F(lib).embedding_bag(lib.tensor([1, 2]), lib.ones(10, 3), lib.tensor([0]),
                                      mode="sum", per_sample_weights=lib.ones(3)), ValueError,
     "embedding_bag: If per_sample_weights (torch.Size([3])) is not None, then it must have the "
     "same shape as the input (torch.Size([2]))"),
    (lambda lib: F(lib).embedding_bag(lib.tensor([1.0, 2.0]), lib.ones(10, 3), lib.tensor([0])),
     RuntimeError, "Expected tensor for argument #1 'indices' to have one of the following "
                   "scalar types: Long, Int; but got torch.FloatTensor instead"),
    (lambda lib: ctc(lib, lib.tensor(LOG_PROBS), lengths=np.array([7, 5, 5])), RuntimeError,
     "Expected input_lengths to have value at most 6, but got value 7 (while checking "
     "arguments for ctc_loss_allocate_outputs)"),
    (lambda lib: F(lib).ctc_loss(lib.tensor(LOG_PROBS), lib.tensor(TARGETS), (6, 6, 6),
                                 (2, 4, 1)), RuntimeError,
     "Expected tensor to have size at least 4 at dimension 1, but got size 3 for argument #2 "
     "'targets' (while checking arguments for ctc_loss_allocate_outputs)"),
    (lambda lib: F(lib).ctc_loss(lib.tensor(LOG_PROBS), lib.tensor(TARGETS), (6, 6),
                                 (2, 2, 1)), RuntimeError,
     "input_lengths must be of size batch_size"),
    (lambda lib: ctc(lib, lib.tensor(LOG_PROBS), blank=5), RuntimeError,
     "blank must be in label range"),
    (lambda lib: F(lib).local_response_norm(lib.ones(2, 3), 2), ValueError,
     "Expected 3D or higher dimensionality"),
    (lambda lib: F(lib).alpha_dropout(lib.ones(2, 3), 1.5), ValueError,
     "dropout probability has to be between 0 and 1, but got 1.5"),
    (lambda lib: lib.nn.EmbeddingBag(5, 2, padding_idx=5), AssertionError,
     "padding_idx must be within num_embeddings"),
]


@pytest.mark.parametrize("fn,exc,message", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors(fn, exc, message):
    expect_error(fn, exc, message)
