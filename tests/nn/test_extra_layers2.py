"""householder_product, the orthogonal parametrization, AdaptiveLogSoftmaxWithLoss, fractional
max pooling, the lazy modules, CrossMapLRN2d and the in-place activations' nodes, against
PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(23)


def F(lib):
    return lib.nn.functional


def randn(*shape):
    return rng.standard_normal(shape)


def name(t):
    return type(t.grad_fn).__name__


# --- householder_product ------------------------------------------------------------------------
def householder(lib, A, tau):
    return lib.linalg.householder_product(A, tau)


HOUSEHOLDER = [((5, 3), (3,)), ((4, 4), (2,)), ((2, 5, 3), (2, 2)), ((3, 2), (0,))]


@pytest.mark.parametrize("shapes", HOUSEHOLDER, ids=str)
def test_householder_product(shapes):
    a_shape, tau_shape = shapes
    check(householder, randn(*a_shape), randn(*tau_shape), gradgrad=tau_shape != (0,))


def test_householder_product_float32_and_node():
    torch = require_torch()
    A, tau = randn(5, 3).astype(np.float32), randn(2).astype(np.float32)
    check(householder, A, tau, gradgrad=False)
    e = householder(ember, ember.tensor(A, requires_grad=True), ember.tensor(tau))
    t = householder(torch, torch.tensor(A, requires_grad=True), torch.tensor(tau))
    assert name(e) == name(t) == "LinalgHouseholderProductBackward0"


def test_householder_product_gradcheck():
    gradcheck(householder, randn(4, 3), randn(3))


@pytest.mark.parametrize("shapes,message", [
    (((3, 4), (2,)), "torch.linalg.householder_product: input.shape[-2] must be greater than"),
    (((4, 3), (4,)), "torch.linalg.householder_product: input.shape[-1] must be greater than"),
    (((4,), (1,)), "torch.linalg.householder_product: input must have at least 2 dimensions."),
    (((4, 3), (2, 2)), "torch.linalg.householder_product: Expected tau to have one dimension"),
    (((2, 4, 3), (3, 2)), "torch.linalg.householder_product: Expected batch dimensions of tau"),
])
def test_householder_product_errors(shapes, message):
    a, t = randn(*shapes[0]), randn(*shapes[1])
    expect_error(lambda lib: lib.linalg.householder_product(lib.tensor(a), lib.tensor(t)),
                 RuntimeError, message)


def test_householder_product_dtype_errors():
    expect_error(lambda lib: lib.linalg.householder_product(
        lib.ones(4, 3), lib.ones(2, dtype=lib.float64)), RuntimeError,
        "torch.linalg.householder_product: tau dtype Double does not match input dtype Float")
    expect_error(lambda lib: lib.linalg.householder_product(
        lib.ones(4, 3, dtype=lib.int32), lib.ones(2, dtype=lib.int32)), NotImplementedError,
        "\"orgqr_cpu\" not implemented for 'Int'")


# --- orthogonal ---------------------------------------------------------------------------------
MAPS = [None, "matrix_exp", "cayley", "householder"]
ORTH_SHAPES = [(3, 3), (5, 3), (2, 4)]
BASES = {s: np.linalg.qr(randn(max(s), max(s)))[0].astype(np.float32) for s in ORTH_SHAPES}
UPSTREAM = {s: randn(*s).astype(np.float32) for s in ORTH_SHAPES}


def orthogonal_weight(shape, orthogonal_map):
    w = (randn(*shape) * 0.5).astype(np.float32)
    if orthogonal_map == "householder" or (orthogonal_map is None and shape[0] != shape[1]):
        # the householder map reads the diagonal as signs: give it +-1 (as -Id has)
        np.fill_diagonal(w, np.where(randn(min(shape)) > 0, 1.0, -1.0))
    return w


def orthogonal_run(lib, shape, orthogonal_map, trivial, original):
    m = lib.nn.Linear(shape[1], shape[0])
    m = lib.nn.utils.parametrizations.orthogonal(m, orthogonal_map=orthogonal_map,
                                                 use_trivialization=trivial)
    with lib.no_grad():
        m.parametrizations.weight.original.copy_(lib.tensor(original))
        if trivial:
            m.parametrizations.weight[0].base = lib.tensor(BASES[shape])
    weight = m.weight
    loss = (weight * lib.tensor(UPSTREAM[shape])).sum()
    grad = lib.autograd.grad(loss, m.parametrizations.weight.original)[0]
    return m, weight, grad


@pytest.mark.parametrize("trivial", [True, False])
@pytest.mark.parametrize("orthogonal_map", MAPS)
@pytest.mark.parametrize("shape", ORTH_SHAPES, ids=str)
def test_orthogonal_against_torch(shape, orthogonal_map, trivial):
    torch = require_torch()
    original = orthogonal_weight(shape, orthogonal_map)
    e_module, e_weight, e_grad = orthogonal_run(ember, shape, orthogonal_map, trivial, original)
    t_module, t_weight, t_grad = orthogonal_run(torch, shape, orthogonal_map, trivial, original)
    assert_close(e_weight, t_weight, what="orthogonal weight")
    assert_close(e_grad, t_grad, what="gradient of original")
    assert np.abs(e_grad.numpy()).max() > 0
    assert sorted(e_module.state_dict()) == sorted(t_module.state_dict())
    assert repr(e_module) == repr(t_module)
    assert (e_module.parametrizations.weight[0].orthogonal_map.name
            == t_module.parametrizations.weight[0].orthogonal_map.name)
    if not trivial:  # then the weight is orthogonal whatever the original
        w = e_weight.detach().numpy().astype(np.float64)
        gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
        np.testing.assert_allclose(gram, np.eye(min(shape)), atol=1e-5)


@pytest.mark.parametrize("orthogonal_map", MAPS)
def test_orthogonal_registration_and_assignment(orthogonal_map):
    torch = require_torch()
    weight = randn(4, 4).astype(np.float32)
    q = np.linalg.qr(randn(4, 4))[0].astype(np.float32)
    results = []
    for lib in (ember, torch):
        m = lib.nn.Linear(4, 4)
        with lib.no_grad():
            m.weight.copy_(lib.tensor(weight))
        lib.nn.utils.parametrizations.orthogonal(m, orthogonal_map=orthogonal_map)
        registered = m.weight.detach().clone()
        m.weight = lib.tensor(q)  # right_inverse: an orthogonal matrix becomes the base
        chain = m.parametrizations.weight
        results.append((registered, m.weight, chain.original, chain[0].base))
    for e, t in zip(*results):
        assert_close(e, t, atol=1e-5, what="orthogonal registration")
    assert_close(results[0][1], ember.tensor(q), what="assigned weight")


def test_orthogonal_householder_assignment_without_trivialization():
    torch = require_torch()
    q = np.linalg.qr(randn(5, 3))[0].astype(np.float32)
    results = []
    for lib in (ember, torch):
        m = lib.nn.utils.parametrizations.orthogonal(lib.nn.Linear(3, 5),
                                                     use_trivialization=False)
        m.weight = lib.tensor(q)
        results.append((m.parametrizations.weight.original, m.weight))
    assert_close(results[0][0], results[1][0], atol=1e-6, what="original")
    assert_close(results[0][1], results[1][1], atol=1e-6, what="weight")
    assert_close(results[0][1], ember.tensor(q), atol=1e-6, what="weight")


def test_orthogonal_errors():
    expect_error(lambda lib: lib.nn.utils.parametrizations.orthogonal(
        lib.nn.Linear(3, 3), orthogonal_map="qr"), ValueError,
        'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: qr')
    expect_error(lambda lib: lib.nn.utils.parametrizations.orthogonal(
        lib.nn.Linear(3, 3), "bias"), ValueError,
        "Expected a matrix or batch of matrices. Got a tensor of 1 dimensions.")

    def assign(lib, orthogonal_map, value):
        m = lib.nn.utils.parametrizations.orthogonal(
            lib.nn.Linear(3, 3), orthogonal_map=orthogonal_map, use_trivialization=False)
        m.weight = value(lib)

    expect_error(lambda lib: assign(lib, "cayley", lambda lib: lib.eye(3)), NotImplementedError,
                 "It is not possible to assign to the matrix exponential or the Cayley")
    expect_error(lambda lib: assign(lib, "householder", lambda lib: lib.eye(2)), ValueError,
                 "Expected a matrix or batch of matrices of shape torch.Size([3, 3]). Got a "
                 "tensor of shape torch.Size([2, 2]).")


# --- AdaptiveLogSoftmaxWithLoss -----------------------------------------------------------------
ASM_INPUT = randn(7, 8).astype(np.float32)
ASM_TARGET = np.array([0, 5, 9, 3, 7, 2, 8])


def asm_pair(**kwargs):
    torch = require_torch()
    t = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 7], **kwargs)
    e = ember.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 7], **kwargs)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return e, t


@pytest.mark.parametrize("kwargs", [{}, {"div_value": 2.0, "head_bias": True}], ids=str)
def test_adaptive_log_softmax_forward_and_gradients(kwargs):
    e, t = asm_pair(**kwargs)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    outs = []
    for lib, module in ((ember, e), (require_torch(), t)):
        x = lib.tensor(ASM_INPUT, requires_grad=True)
        out = module(x, lib.tensor(ASM_TARGET))
        grads = lib.autograd.grad(out.loss, [x] + list(module.parameters()))
        outs.append((out, grads, name(out.output), name(out.loss), type(out).__name__))
    (e_out, e_grads, *e_names), (t_out, t_grads, *t_names) = outs
    assert e_names == t_names
    assert_close(e_out.output, t_out.output, what="output")
    assert_close(e_out.loss, t_out.loss, what="loss")
    assert_close(e_out[0], t_out[0])
    for i, (eg, tg) in enumerate(zip(e_grads, t_grads)):
        assert_close(eg, tg, what=f"gradient {i}")


def test_adaptive_log_softmax_log_prob_predict_unbatched():
    torch = require_torch()
    e, t = asm_pair(head_bias=True)
    for lib, module in ((ember, e), (torch, t)):
        x = lib.tensor(ASM_INPUT)
        with lib.no_grad():
            module.results = (module.log_prob(x), module.predict(x), module.predict(x[:1]),
                              module(x[2], lib.tensor(ASM_TARGET[2])).output)
    for a, b in zip(e.results, t.results):
        assert_close(a, b)
    assert np.allclose(np.exp(e.results[0].numpy()).sum(1), 1, atol=1e-5)
    # with a larger head bias on the clusters every row's best guess is in a tail
    with ember.no_grad():
        e.head.bias[4:] += 50.0
    with torch.no_grad():
        t.head.bias[4:] += 50.0
    assert_close(e.predict(ember.tensor(ASM_INPUT)), t.predict(torch.tensor(ASM_INPUT)))


def test_adaptive_log_softmax_errors():
    expect_error(lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, []), ValueError,
                 "cutoffs should be a sequence of length larger than 0")
    for cutoffs in ([4, 2], [0, 4], [4, 10], [4, 4]):
        expect_error(lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs), ValueError,
                     "cutoffs should be a sequence of unique, positive integers")
    module = {lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]) for lib in (ember,
                                                                              require_torch())}
    expect_error(lambda lib: module[lib](lib.ones(3, 8), lib.tensor([1, 2, 12])), RuntimeError,
                 "Target values should be in [0, 9], but values in range [1, 12] were found. ")
    expect_error(lambda lib: module[lib](lib.ones(3, 8), lib.tensor([1, 2])), RuntimeError,
                 "Input and target should have the same size in the batch dimension.")
    expect_error(lambda lib: module[lib](lib.ones(3, 8), lib.ones(3, 1).long()), RuntimeError,
                 "0D or 1D target tensor expected, multi-target not supported")


# --- fractional max pooling ---------------------------------------------------------------------
SAMPLES = rng.random((2, 3, 2))


def fractional(kernel_size, samples=SAMPLES, **kwargs):
    def fn(lib, x):
        values, indices = F(lib).fractional_max_pool2d(
            x, kernel_size, return_indices=True,
            _random_samples=lib.tensor(samples, dtype=x.dtype), **kwargs)
        return values, indices
    return fn


FRACTIONAL = [
    ("size", fractional((2, 3), output_size=(3, 4)), (2, 3, 7, 6)),
    ("ratio", fractional(2, output_ratio=(0.5, 0.7)), (2, 3, 8, 9)),
    ("one", fractional(3, output_size=1), (2, 3, 5, 5)),
    ("unbatched", fractional(2, SAMPLES[:1], output_size=(4, 3)), (3, 6, 5)),
]


@pytest.mark.parametrize("fn,shape", [c[1:] for c in FRACTIONAL], ids=[c[0] for c in FRACTIONAL])
def test_fractional_max_pool2d(fn, shape):
    check(fn, randn(*shape))
    torch = require_torch()
    x = randn(*shape)
    e = fn(ember, ember.tensor(x, requires_grad=True))[0]
    t = fn(torch, torch.tensor(x, requires_grad=True))[0]
    assert name(e) == name(t) == "FractionalMaxPool2DBackward0"
    names = []
    for lib, y in ((ember, e), (torch, t)):
        upstream = lib.ones(y.shape, dtype=y.dtype, requires_grad=True)
        leaf = y.grad_fn.next_functions[0][0].variable
        names.append(name(lib.autograd.grad(y, leaf, upstream, create_graph=True)[0]))
    assert names[0] == names[1] == "FractionalMaxPool2DBackwardBackward0"


def test_fractional_max_pool2d_float32_gradcheck_and_ties():
    check(FRACTIONAL[0][1], randn(2, 3, 7, 6).astype(np.float32))
    # equal values everywhere: the first position of each window wins, as in PyTorch
    check(FRACTIONAL[0][1], np.ones((2, 3, 7, 6)), grad=False)
    gradcheck(lambda lib, x: fractional(2, output_size=(3, 3))(lib, x)[0], randn(2, 3, 5, 6))


def test_fractional_max_pool2d_module():
    torch = require_torch()
    samples = rng.random((1, 2, 2)).astype(np.float32)
    x = randn(1, 2, 9, 8).astype(np.float32)
    outs = []
    for lib in (ember, torch):
        m = lib.nn.FractionalMaxPool2d((3, 2), output_ratio=(0.5, 0.5), return_indices=True,
                                       _random_samples=lib.tensor(samples))
        outs.append((repr(m), list(m.state_dict()), m.kernel_size, m.output_ratio,
                     m(lib.tensor(x))))
    assert outs[0][:4] == outs[1][:4]
    assert_close(outs[0][4][0], outs[1][4][0])
    assert_close(outs[0][4][1], outs[1][4][1])
    ember.manual_seed(0)
    y = ember.nn.FractionalMaxPool2d(2, output_size=3)(ember.tensor(x))
    assert tuple(y.shape) == (1, 2, 3, 3)


def test_fractional_max_pool2d_errors():
    expect_error(lambda lib: lib.nn.FractionalMaxPool2d(2), ValueError,
                 "FractionalMaxPool2d requires specifying either an output size, or a pooling "
                 "ratio")
    expect_error(lambda lib: lib.nn.FractionalMaxPool2d(2, 3, 0.5), ValueError,
                 "only one of output_size and output_ratio may be specified")
    expect_error(lambda lib: lib.nn.FractionalMaxPool2d(2, output_ratio=1.5), ValueError,
                 "output_ratio must be between 0 and 1 (got 1.5)")
    expect_error(lambda lib: F(lib).fractional_max_pool2d(lib.ones(1, 1, 5, 5), 2), ValueError,
                 "fractional_max_pool2d requires specifying either an output_size or an "
                 "output_ratio")
    expect_error(lambda lib: F(lib).fractional_max_pool2d(lib.ones(1, 1, 5, 5), 2,
                                                          output_ratio=0.5), TypeError,
                 "object of type 'float' has no len()")
    expect_error(lambda lib: F(lib).fractional_max_pool2d(lib.ones(1, 1, 5, 5), 4,
                                                          output_size=3), RuntimeError,
                 "fractional_max_pool2d(): pool height 4 too large relative to input height 5")
    expect_error(lambda lib: F(lib).fractional_max_pool2d(
        lib.ones(1, 1, 5, 5), 2, output_size=3, _random_samples=lib.rand(1, 2, 2)),
        RuntimeError, "Expect _random_samples.size(1) equals to input channel size.")
    expect_error(lambda lib: F(lib).fractional_max_pool2d(
        lib.ones(1, 1, 5, 5), 2, output_size=3, _random_samples=lib.rand(1, 1, 3)),
        RuntimeError, "Expect _random_samples.size(2) equals to 2; got 3.")
    expect_error(lambda lib: F(lib).fractional_max_pool2d(
        lib.ones(1, 1, 5, 5), 2, output_size=3, _random_samples=lib.rand(1, 1, 2).double()),
        RuntimeError, "Expect _random_samples to have the same dtype as input")


# --- lazy modules -------------------------------------------------------------------------------
LAZY = [
    ("LazyConv1d", (4, 3), {}, (2, 3, 7)),
    ("LazyConv2d", (4, 3), {"stride": 2, "padding": 1, "bias": False}, (2, 3, 6, 5)),
    ("LazyConv2d", (4, 3), {}, (3, 6, 5)),
    ("LazyConv3d", (2, (1, 2, 3)), {"groups": 2}, (1, 4, 3, 4, 5)),
    ("LazyConvTranspose1d", (4, 3), {}, (2, 3, 5)),
    ("LazyConvTranspose2d", (4, 3), {"groups": 2, "stride": 2, "output_padding": 1},
     (2, 6, 4, 3)),
    ("LazyBatchNorm1d", (), {}, (4, 3)),
    ("LazyBatchNorm2d", (), {"affine": False}, (2, 3, 4, 4)),
    ("LazyBatchNorm3d", (), {"track_running_stats": False}, (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
    ("LazyInstanceNorm2d", (), {"affine": False}, (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), {"momentum": 0.2}, (2, 3, 2, 2, 3)),
]


@pytest.mark.parametrize("cls,args,kwargs,shape", LAZY, ids=[c[0] for c in LAZY])
def test_lazy_modules(cls, args, kwargs, shape):
    torch = require_torch()
    x = randn(*shape).astype(np.float32)
    seen = []
    for lib in (ember, torch):
        m = getattr(lib.nn, cls)(*args, **kwargs)
        before = (repr(m), sorted(m.state_dict()), repr(getattr(m, "weight", None)))
        m(lib.tensor(x))
        after = (repr(m), type(m).__name__, sorted(m.state_dict()),
                 {k: tuple(v.shape) for k, v in m.state_dict().items()})
        seen.append((m, before, after))
    (e, e_before, e_after), (t, t_before, t_after) = seen
    assert e_before == t_before
    assert e_after == t_after
    assert all(type(p).__name__ == "Parameter" for p in e.parameters())
    # with the same parameters the materialized modules compute the same thing
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    outs = []
    for lib, m in ((ember, e), (torch, t)):
        inp = lib.tensor(x, requires_grad=True)
        y = m(inp)
        outs.append((y, lib.autograd.grad(y.sum() + (y * y).sum(), inp)[0]))
    assert_close(outs[0][0], outs[1][0], atol=1e-5)
    assert_close(outs[0][1], outs[1][1], atol=1e-4)


def test_lazy_module_errors():
    expect_error(lambda lib: lib.nn.LazyConv2d(4, 3)(lib.ones(5, 5)), RuntimeError,
                 "Expected 3D (unbatched) or 4D (batched) input to LazyConv2d, but got input of "
                 "size: torch.Size([5, 5])")
    expect_error(lambda lib: lib.nn.LazyBatchNorm2d()(lib.ones(5, 5)), ValueError,
                 "expected 4D input (got 2D input)")
    # (PyTorch takes num_features from dim 1 even for an unbatched instance-norm input)
    expect_error(lambda lib: lib.nn.LazyInstanceNorm1d()(lib.ones(3, 4)), ValueError,
                 "expected input's size at dim=0 to match num_features (4), but got: 3.")


def test_lazy_instance_norm_without_parameters_warns():
    torch = require_torch()
    messages = []
    for lib in (ember, torch):
        m = lib.nn.LazyInstanceNorm2d(affine=False, track_running_stats=False)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m(lib.ones(2, 3, 2, 2))
        messages.append((repr(m), [str(w.message) for w in caught]))
    assert messages[0] == messages[1] and messages[0][1]


# --- CrossMapLRN2d ------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [2, 3, 4, 7])
def test_cross_map_lrn2d(size):
    torch = require_torch()
    x = randn(2, 6, 3, 2).astype(np.float32)
    upstream = randn(2, 6, 3, 2).astype(np.float32)
    outs = []
    for lib in (ember, torch):
        m = lib.nn.CrossMapLRN2d(size, 0.5, 0.75, 1.5)
        inp = lib.tensor(x, requires_grad=True)
        y = m(inp)
        outs.append((repr(m), name(y), y, lib.autograd.grad(y, inp, lib.tensor(upstream))[0]))
    assert outs[0][:2] == outs[1][:2] == (outs[1][0], "CrossMapLRN2dBackward")
    assert_close(outs[0][2], outs[1][2])
    assert_close(outs[0][3], outs[1][3])


def test_cross_map_lrn2d_errors():
    expect_error(lambda lib: lib.nn.CrossMapLRN2d(3)(lib.ones(3, 3, 3)), ValueError,
                 "CrossMapLRN2d: Expected input to be 4D, got 3D instead.")

    def double_backward(lib):
        x = lib.ones(1, 3, 2, 2, requires_grad=True)
        lib.autograd.grad(lib.nn.CrossMapLRN2d(3)(x).sum(), x, create_graph=True)

    expect_error(double_backward, RuntimeError, "mul(): functions with out=... arguments don't "
                 "support automatic differentiation")
    assert repr(ember.nn.CrossMapLRN2d(4, 1e-3, 0.5, 2)) == "CrossMapLRN2d(4, alpha=0.001, " \
        "beta=0.5, k=2)"


# --- in-place activations -----------------------------------------------------------------------
INPLACE = [("elu_", (0.5,)), ("leaky_relu_", (0.2,)), ("selu_", ()), ("celu_", (1.3,)),
           ("rrelu_", (0.2, 0.4)), ("relu_", ()), ("hardtanh_", (-0.5, 0.7))]


@pytest.mark.parametrize("fn_name,args", INPLACE, ids=[c[0] for c in INPLACE])
def test_in_place_activation_nodes(fn_name, args):
    torch = require_torch()
    x = randn(3, 4)
    x[0, 0] = 0.0

    def fn(lib, leaf):
        out = getattr(F(lib), fn_name)(leaf * 1.0, *args)
        name_seen[lib] = name(out)
        return out

    name_seen = {}
    check(fn, x, gradgrad=fn_name not in ("relu_", "hardtanh_"))
    assert name_seen[ember] == name_seen[torch]
    if fn_name not in ("relu_", "hardtanh_"):
        assert name_seen[ember].endswith("Backward1")


@pytest.mark.parametrize("spelling", ["functional", "module"])
def test_inplace_flag_nodes(spelling):
    torch = require_torch()
    for fn_name, module_name in [("elu", "ELU"), ("selu", "SELU"), ("celu", "CELU"),
                                 ("leaky_relu", "LeakyReLU"), ("rrelu", "RReLU")]:
        names = []
        for lib in (ember, torch):
            y = lib.randn(3, requires_grad=True) * 1
            if spelling == "functional":
                out = getattr(F(lib), fn_name)(y, inplace=True)
            else:
                out = getattr(lib.nn, module_name)(inplace=True)(y)
            names.append(name(out))
        assert names[0] == names[1], fn_name


def test_in_place_activation_gradcheck_and_negative_slopes():
    gradcheck(lambda lib, x: F(lib).elu_(x * 1.0, 0.7), randn(3, 4))
    gradcheck(lambda lib, x: F(lib).celu_(x * 1.0, 0.8), randn(3, 4))

    def backward(fn, *args):
        def run(lib):
            y = getattr(F(lib), fn)(lib.randn(3, requires_grad=True) * 1.0, *args)
            y.sum().backward()
        return run

    expect_error(backward("elu_", -0.5), RuntimeError,
                 "In-place elu backward calculation is triggered with a negative slope")
    expect_error(backward("celu_", -1.0), RuntimeError,
                 "In-place elu backward calculation is triggered with a negative slope")
    expect_error(backward("leaky_relu_", -0.2), RuntimeError,
                 "In-place leakyReLu backward calculation is triggered with a negative slope")
