"""scaled_dot_product_attention, MultiheadAttention and the Transformer layers against PyTorch:
values, attention weights, gradients of inputs and of every parameter (the same weights loaded
into both), second derivatives, finite differences, masks of each kind, layouts, dropout,
parameter names/shapes/initialisation, reprs and errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ember
from oracle import assert_close, check, expect_error, gradcheck, require_torch

rng = np.random.default_rng(7)
# Both libraries warn when a bool padding mask meets a float attention mask (the tests mix them
# on purpose); PyTorch also announces its nested-tensor prototype. Neither is under test here.
pytestmark = pytest.mark.filterwarnings("ignore:Support for mismatched",
                                        "ignore:The PyTorch API of nested tensors")


def _sdpa(lib):
    if lib is ember or not KERNEL["math"]:
        return lib.nn.functional.scaled_dot_product_attention

    def reference(*args, **kwargs):
        # PyTorch's fused CPU kernel has no second derivative; its reference kernel does.
        from torch.nn.attention import SDPBackend, sdpa_kernel

        with sdpa_kernel(SDPBackend.MATH):
            return lib.nn.functional.scaled_dot_product_attention(*args, **kwargs)

    return reference


KERNEL = {"math": True}


# --- scaled_dot_product_attention ---------------------------------------------------------------
Q = rng.standard_normal((2, 3, 4, 5))
K = rng.standard_normal((2, 3, 6, 5))
V = rng.standard_normal((2, 3, 6, 7))
BOOL_MASK = rng.uniform(size=(4, 6)) > 0.3
BOOL_MASK[1] = False  # a query that may attend to nothing: PyTorch gives zeros there
BOOL_MASK[2] = True
FLOAT_MASK = rng.standard_normal((2, 1, 4, 6))
FLOAT_MASK[0, 0, 3] = -np.inf  # a fully masked row through a float mask
FLOAT_MASK[1, 0, 0, :3] = -np.inf

SDPA_CASES = [
    ("plain", lambda L, q, k, v: _sdpa(L)(q, k, v), [Q, K, V]),
    ("3d", lambda L, q, k, v: _sdpa(L)(q, k, v), [Q[0], K[0], V[0]]),
    ("2d", lambda L, q, k, v: _sdpa(L)(q, k, v), [Q[0, 0], K[0, 0], V[0, 0]]),
    ("5d", lambda L, q, k, v: _sdpa(L)(q, k, v), [Q[None], K[None], V[None]]),
    ("bool_mask", lambda L, q, k, v: _sdpa(L)(q, k, v, attn_mask=L.tensor(BOOL_MASK)),
     [Q, K, V]),
    ("float_mask", lambda L, q, k, v: _sdpa(L)(
        q, k, v, attn_mask=L.tensor(FLOAT_MASK).to(q.dtype)),
     [Q, K, V]),
    ("float32_mask_on_float64", lambda L, q, k, v: _sdpa(L)(
        q, k, v, attn_mask=L.tensor(FLOAT_MASK[0, 0].astype(np.float32))), [Q, K, V]),
    ("causal_short_query", lambda L, q, k, v: _sdpa(L)(q, k, v, is_causal=True), [Q, K, V]),
    ("causal_long_query", lambda L, q, k, v: _sdpa(L)(q, k, v, is_causal=True),
     [K, Q, Q[..., :7]]),
    ("scale", lambda L, q, k, v: _sdpa(L)(q, k, v, scale=0.7), [Q, K, V]),
    ("scale_and_mask", lambda L, q, k, v: _sdpa(L)(
        q, k, v, attn_mask=L.tensor(BOOL_MASK), scale=2.0), [Q, K, V]),
    ("gqa", lambda L, q, k, v: _sdpa(L)(q, k, v, enable_gqa=True),
     [rng.standard_normal((2, 4, 3, 5)), K[:, :2], V[:, :2]]),
    ("broadcast_kv_batch", lambda L, q, k, v: _sdpa(L)(q, k, v), [Q, K[:1, :1], V[:1, :1]]),
    ("dropout_zero", lambda L, q, k, v: _sdpa(L)(q, k, v, dropout_p=0.0), [Q, K, V]),
]


@pytest.mark.parametrize("name,fn,arrays", SDPA_CASES, ids=[c[0] for c in SDPA_CASES])
def test_sdpa_value_gradient_and_second_derivative_match_torch(name, fn, arrays):
    check(fn, *arrays)


@pytest.mark.parametrize("name,fn,arrays", SDPA_CASES, ids=[c[0] for c in SDPA_CASES])
def test_sdpa_matches_torch_default_kernels(name, fn, arrays, monkeypatch):
    monkeypatch.setitem(KERNEL, "math", False)
    check(fn, *arrays, gradgrad=False)


@pytest.mark.parametrize("name,fn,arrays", SDPA_CASES[:1] + SDPA_CASES[4:6],
                         ids=["plain", "bool_mask", "float_mask"])
def test_sdpa_float32_matches_torch(name, fn, arrays):
    check(fn, *[a.astype(np.float32) for a in arrays], gradgrad=False)


@pytest.mark.parametrize("name,fn,arrays", [SDPA_CASES[i] for i in (0, 4, 5, 7, 11)],
                         ids=["plain", "bool_mask", "float_mask", "causal", "gqa"])
def test_sdpa_finite_differences(name, fn, arrays):
    small = [a[:1, :2] if a.ndim == 4 else a for a in arrays]
    gradcheck(fn, *small)


def test_sdpa_fully_masked_rows_give_zeros_and_no_nan_gradients():
    q, k, v = (ember.tensor(a, requires_grad=True) for a in (Q, K, V))
    out = ember.nn.functional.scaled_dot_product_attention(q, k, v,
                                                           attn_mask=ember.tensor(BOOL_MASK))
    assert np.all(out.detach().numpy()[:, :, 1] == 0)
    out.sum().backward()
    for grad in (q.grad, k.grad, v.grad):
        assert np.all(np.isfinite(grad.numpy()))
    assert np.all(q.grad.numpy()[:, :, 1] == 0)


def test_sdpa_is_composed_of_public_ops():
    q = ember.tensor(Q, requires_grad=True)
    out = ember.nn.functional.scaled_dot_product_attention(q, ember.tensor(K), ember.tensor(V))
    assert out.grad_fn is not None
    assert "Attention" not in type(out.grad_fn).__name__


def test_sdpa_dropout_keeps_scaled_weights():
    # With value = identity the output is the attention matrix itself, after dropout.
    F = ember.nn.functional
    q = ember.tensor(rng.standard_normal((64, 8, 4)))
    k = ember.tensor(rng.standard_normal((64, 16, 4)))
    eye = ember.eye(16, dtype=ember.float64).expand(64, 16, 16)
    weights = F.scaled_dot_product_attention(q, k, eye).numpy()
    ember.manual_seed(0)
    dropped = F.scaled_dot_product_attention(q, k, eye, dropout_p=0.25).numpy()
    kept = dropped != 0
    assert 0.70 < kept.mean() < 0.80
    np.testing.assert_allclose(dropped[kept], weights[kept] / 0.75, rtol=1e-12)
    ember.manual_seed(1)
    again = F.scaled_dot_product_attention(q, k, eye, dropout_p=0.25).numpy()
    assert not np.array_equal(again != 0, kept)
    assert np.all(F.scaled_dot_product_attention(q, k, eye, dropout_p=1.0).numpy() == 0)


@pytest.mark.parametrize("call,exception,message", [
    (lambda L: _sdpa(L)(L.ones(2, 3), L.ones(4, 3), L.ones(4, 3), is_causal=True,
                        attn_mask=L.ones(2, 4, dtype=L.bool)),
     RuntimeError, "_scaled_dot_product_attention: Explicit attn_mask should not be set"),
    (lambda L: _sdpa(L)(L.ones(2, 3), L.ones(4, 3, dtype=L.float64), L.ones(4, 3)),
     RuntimeError, "Expected query, key, and value to have the same dtype, but got "
                   "query.dtype: float key.dtype: double and value.dtype: float instead."),
    (lambda L: _sdpa(L)(L.ones(2, 3), L.ones(4, 3), L.ones(4, 3),
                        attn_mask=L.ones(2, 4, dtype=L.int64)),
     RuntimeError, "Expected attn_mask dtype to be bool or float or to match query dtype, but "
                   "got attn_mask.dtype: long int and  query.dtype: float instead."),
    (lambda L: _sdpa(L)(L.ones(3), L.ones(4, 3), L.ones(4, 3)),
     RuntimeError, "Expected query, key, and value to all be  at least 2 dimensional, but got "
                   "query.dim: 1 key.dim: 2 and value.dim: 2 instead."),
    (lambda L: _sdpa(L)(L.ones(3, 2, 4), L.ones(2, 5, 4), L.ones(2, 5, 4), enable_gqa=True),
     RuntimeError, "Number of heads in key and value must divide the number of heads in"),
    (lambda L: _sdpa(L)(L.ones(2, 3), L.ones(4, 3), L.ones(4, 3), dropout_p=1.5),
     RuntimeError, "dropout probability has to be between 0 and 1, but got 1.5"),
])
def test_sdpa_errors_match_torch(call, exception, message):
    expect_error(call, exception, message)


# --- MultiheadAttention -------------------------------------------------------------------------
def _load(ours, theirs):
    result = ours.load_state_dict({k: ember.tensor(v.detach().numpy())
                                   for k, v in theirs.state_dict().items()})
    assert not result.missing_keys and not result.unexpected_keys


def _pair(ember_cls, torch_cls, *args, **kwargs):
    torch = require_torch()
    torch.manual_seed(0)
    theirs = torch_cls(*args, **kwargs).double()
    ours = ember_cls(*args, dtype=ember.float64, **kwargs)
    _load(ours, theirs)
    return ours, theirs


def _mha_pair(**kwargs):
    torch = require_torch()
    return _pair(ember.nn.MultiheadAttention, torch.nn.MultiheadAttention, 8, 2, **kwargs)


def _run_both(ours, theirs, arrays, call, masks=()):
    """call(module, lib, *tensors, *masks) in both libraries; a weighted sum of the outputs is
    differentiated. Returns [(outputs, input grads, {parameter name: grad})] for ember, torch."""
    torch = require_torch()
    results = []
    for lib, module in ((ember, ours), (torch, theirs)):
        tensors = [lib.tensor(a, requires_grad=True) for a in arrays]
        lib_masks = [None if m is None else lib.tensor(m) for m in masks]
        outs = [o for o in call(module, lib, *tensors, *lib_masks) if o is not None]
        weights = np.random.default_rng(3)
        loss = sum((o * lib.tensor(weights.standard_normal(tuple(o.shape)))).nansum()
                   for o in outs)
        loss.backward()
        results.append((outs, [t.grad for t in tensors],
                        {n: p.grad for n, p in module.named_parameters()}))
    return results


def _assert_same(results):
    (e_outs, e_grads, e_params), (t_outs, t_grads, t_params) = results
    assert len(e_outs) == len(t_outs)
    for i, (a, b) in enumerate(zip(e_outs, t_outs)):
        assert_close(a, b, what=f"output {i}")
    for i, (a, b) in enumerate(zip(e_grads, t_grads)):
        assert_close(a, b, what=f"gradient of input {i}")
    assert list(e_params) == list(t_params)
    for name in t_params:
        if t_params[name] is None:
            assert e_params[name] is None or np.all(e_params[name].numpy() == 0), name
        else:
            assert_close(e_params[name], t_params[name], what=f"gradient of {name}")


MHA_OPTIONS = [
    {},
    {"batch_first": True},
    {"kdim": 3, "vdim": 5},
    {"add_bias_kv": True},
    {"add_zero_attn": True},
    {"bias": False},
    {"add_bias_kv": True, "add_zero_attn": True, "kdim": 6, "batch_first": True},
]


def _mha_inputs(options, batch=2, target=4, source=5):
    kdim, vdim = options.get("kdim", 8), options.get("vdim", 8)
    if options.get("batch_first"):
        shapes = [(batch, target, 8), (batch, source, kdim), (batch, source, vdim)]
    else:
        shapes = [(target, batch, 8), (source, batch, kdim), (source, batch, vdim)]
    return [rng.standard_normal(s) for s in shapes]


PADDING = np.array([[False, False, False, True, True], [False, False, False, False, False]])
ATTN_2D = rng.uniform(size=(4, 5)) > 0.7
ATTN_2D[:, 0] = False  # every query keeps at least one key
ATTN_3D = rng.standard_normal((4, 4, 5))


@pytest.mark.parametrize("options", MHA_OPTIONS, ids=[str(o) for o in MHA_OPTIONS])
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("masks", ["none", "padding", "attn_2d", "both_float"])
def test_mha_matches_torch(options, need_weights, average, masks):
    ours, theirs = _mha_pair(**options)
    arrays = _mha_inputs(options)
    mask_arrays = {"none": (None, None), "padding": (PADDING, None),
                   "attn_2d": (None, ATTN_2D),
                   "both_float": (np.where(PADDING, -1e9, 0.0), ATTN_3D)}[masks]

    def call(module, lib, q, k, v, padding, attn):
        return module(q, k, v, key_padding_mask=padding, attn_mask=attn,
                      need_weights=need_weights, average_attn_weights=average)

    results = _run_both(ours, theirs, arrays, call, mask_arrays)
    _assert_same(results)
    assert (len(results[0][0]) == 2) == need_weights


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_self_attention_one_tensor(batch_first, need_weights):
    ours, theirs = _mha_pair(batch_first=batch_first)
    x = rng.standard_normal((3, 4, 8))

    def call(module, lib, x):
        return module(x, x, x, need_weights=need_weights)

    _assert_same(_run_both(ours, theirs, [x], call))

    def cross(module, lib, x, memory):
        return module(x, memory, memory, need_weights=need_weights)

    _assert_same(_run_both(ours, theirs, [x, rng.standard_normal((3, 4, 8))], cross))


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("masks", ["none", "padding", "attn_3d"])
def test_mha_unbatched_matches_torch(need_weights, masks):
    ours, theirs = _mha_pair(kdim=3, vdim=5)
    arrays = [rng.standard_normal((4, 8)), rng.standard_normal((5, 3)),
              rng.standard_normal((5, 5))]
    mask_arrays = {"none": (None, None), "padding": (PADDING[0], None),
                   "attn_3d": (None, ATTN_3D[:2])}[masks]

    def call(module, lib, q, k, v, padding, attn):
        return module(q, k, v, key_padding_mask=padding, attn_mask=attn,
                      need_weights=need_weights)

    results = _run_both(ours, theirs, arrays, call, mask_arrays)
    _assert_same(results)
    assert tuple(results[0][0][0].shape) == (4, 8)


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_is_causal_hint_and_fully_masked_rows(need_weights):
    ours, theirs = _mha_pair()
    arrays = _mha_inputs({}, target=5)
    causal = np.triu(np.ones((5, 5), bool), 1)

    def call(module, lib, q, k, v, attn):
        return module(q, k, v, attn_mask=attn, is_causal=True, need_weights=need_weights)

    _assert_same(_run_both(ours, theirs, arrays, call, (causal,)))

    # A key padding mask that hides every key of one batch entry: NaN in the weights path,
    # zeros through scaled_dot_product_attention, as in PyTorch.
    padding = np.array([[True] * 5, [False] * 5])

    def padded(module, lib, q, k, v, mask):
        return module(q, k, v, key_padding_mask=mask, need_weights=need_weights)

    results = _run_both(ours, theirs, arrays, padded, (padding,))
    out = results[0][0][0].detach().numpy()
    assert np.isnan(out[:, 0]).all() == need_weights
    assert_close(results[0][0][0], results[1][0][0], what="output")


def test_mha_eval_mode_turns_dropout_off_and_train_mode_uses_it():
    torch = require_torch()
    ours, theirs = _mha_pair(dropout=0.5)
    q, k, v = _mha_inputs({})
    ours.eval()
    theirs.eval()
    for need_weights in (True, False):
        a = ours(ember.tensor(q), ember.tensor(k), ember.tensor(v), need_weights=need_weights)
        b = theirs(torch.tensor(q), torch.tensor(k), torch.tensor(v),
                   need_weights=need_weights)
        assert_close(a[0], b[0])
    ours.train()
    ember.manual_seed(0)
    out, weights = ours(ember.tensor(q), ember.tensor(k), ember.tensor(v),
                        average_attn_weights=False)
    weights = weights.detach().numpy()
    assert 0.3 < (weights == 0).mean() < 0.7  # dropped attention weights are exactly 0
    assert np.all(weights[weights != 0] > 0)
    ember.manual_seed(1)
    assert not np.allclose(ours(ember.tensor(q), ember.tensor(k), ember.tensor(v))[0].detach()
                           .numpy(), out.detach().numpy())


def test_mha_names_shapes_init_and_repr_match_torch():
    torch = require_torch()
    for options in MHA_OPTIONS:
        ours = ember.nn.MultiheadAttention(64, 4, **options)
        theirs = torch.nn.MultiheadAttention(64, 4, **options)
        assert repr(ours) == repr(theirs)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert (ours.in_proj_weight is None) == (theirs.in_proj_weight is None)
        assert (ours.bias_k is None) == (theirs.bias_k is None)
    ours = ember.nn.MultiheadAttention(64, 4, add_bias_kv=True)
    weight = ours.in_proj_weight.detach().numpy()
    bound = math.sqrt(6.0 / (64 + 3 * 64))  # xavier_uniform_ over a (3E, E) matrix
    assert np.abs(weight).max() <= bound and np.abs(weight).max() > 0.95 * bound
    assert abs(weight.std() - bound / math.sqrt(3)) < 0.05 * bound
    assert np.all(ours.in_proj_bias.detach().numpy() == 0)
    assert np.all(ours.out_proj.bias.detach().numpy() == 0)
    linear_bound = 1 / math.sqrt(64)  # out_proj.weight keeps Linear's initialisation
    assert np.abs(ours.out_proj.weight.detach().numpy()).max() <= linear_bound
    separate = ember.nn.MultiheadAttention(64, 4, kdim=32, vdim=16)
    k_bound = math.sqrt(6.0 / (32 + 64))
    assert np.abs(separate.k_proj_weight.detach().numpy()).max() <= k_bound
    assert np.abs(separate.k_proj_weight.detach().numpy()).max() > 0.9 * k_bound


@pytest.mark.parametrize("call,exception,message", [
    (lambda L: L.nn.MultiheadAttention(10, 3), AssertionError,
     "embed_dim must be divisible by num_heads"),
    (lambda L: L.nn.MultiheadAttention(0, 2), ValueError,
     "embed_dim and num_heads must be greater than 0, got embed_dim=0 and num_heads=2 instead"),
    (lambda L: L.nn.MultiheadAttention(4, 2)(L.ones(3, 2, 4), L.ones(5, 2, 4), L.ones(5, 2, 4),
                                             attn_mask=L.ones(3, 4, dtype=L.bool)),
     RuntimeError, "The shape of the 2D attn_mask is torch.Size([3, 4]), but should be (3, 5)."),
    (lambda L: L.nn.MultiheadAttention(4, 2)(L.ones(3, 2, 4), L.ones(5, 2, 4), L.ones(5, 2, 4),
                                             attn_mask=L.ones(2, 3, 5)),
     RuntimeError, "The shape of the 3D attn_mask is torch.Size([2, 3, 5]), but should be "
                   "(4, 3, 5)."),
    (lambda L: L.nn.MultiheadAttention(4, 2)(L.ones(3, 2, 4), L.ones(5, 2, 4), L.ones(5, 2, 4),
                                             is_causal=True),
     RuntimeError, "Need attn_mask if specifying the is_causal hint."),
    (lambda L: L.nn.MultiheadAttention(4, 2)(L.ones(1, 3, 2, 4), L.ones(5, 2, 4),
                                             L.ones(5, 2, 4)),
     AssertionError, "query should be unbatched 2D or batched 3D tensor but received 4-D"),
    (lambda L: L.nn.MultiheadAttention(4, 2)(L.ones(3, 2, 4), L.ones(5, 4), L.ones(5, 2, 4)),
     AssertionError, "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                     "2-D and 3-D tensors respectively"),
    (lambda L: L.nn.MultiheadAttention(4, 2)(L.ones(3, 2, 4), L.ones(5, 2, 4), L.ones(5, 2, 4),
                                             key_padding_mask=L.zeros(2, 5, dtype=L.int64)),
     AssertionError, "only bool and floating types of key_padding_mask are supported"),
    (lambda L: L.nn.MultiheadAttention(4, 2)(L.ones(3, 2, 6), L.ones(5, 2, 6), L.ones(5, 2, 6)),
     AssertionError, "was expecting embedding dimension of 4, but got 6"),
])
def test_mha_errors_match_torch(call, exception, message):
    expect_error(call, exception, message)


def test_mha_mismatched_mask_types_warn_as_torch_does():
    torch = require_torch()
    messages = []
    for lib in (ember, torch):
        module = lib.nn.MultiheadAttention(4, 2)
        x = lib.ones(3, 2, 4)
        with pytest.warns(UserWarning) as caught:
            module(x, x, x, key_padding_mask=lib.zeros(2, 3, dtype=lib.bool),
                   attn_mask=lib.zeros(3, 3))
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1]


# --- Transformer layers -------------------------------------------------------------------------
def _encoder_layer_pair(**options):
    torch = require_torch()
    return _pair(ember.nn.TransformerEncoderLayer, torch.nn.TransformerEncoderLayer, 8, 2, 16,
                 **options)


SRC_PADDING = np.array([[False] * 5, [False, False, False, True, True], [False] * 4 + [True]])


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu", "module_gelu", "callable"])
def test_encoder_layer_matches_torch(norm_first, batch_first, activation):
    torch = require_torch()
    chosen = {"relu": ("relu", "relu"), "gelu": ("gelu", "gelu"),
              "module_gelu": (ember.nn.GELU(), torch.nn.GELU()),
              "callable": (ember.nn.functional.silu, torch.nn.functional.silu)}[activation]
    torch.manual_seed(0)
    theirs = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=chosen[1],
                                              batch_first=batch_first,
                                              norm_first=norm_first).double()
    ours = ember.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=chosen[0],
                                            batch_first=batch_first, norm_first=norm_first,
                                            dtype=ember.float64)
    _load(ours, theirs)
    assert repr(ours) == repr(theirs)
    assert ours.activation_relu_or_gelu == theirs.activation_relu_or_gelu
    shape = (3, 5, 8) if batch_first else (5, 3, 8)
    causal = np.triu(np.full((5, 5), -np.inf), 1)

    def call(module, lib, src, mask, padding):
        return (module(src, src_mask=mask, src_key_padding_mask=padding),)

    for masks in ((None, None), (causal, None), (None, SRC_PADDING), (causal, SRC_PADDING)):
        _assert_same(_run_both(ours, theirs, [rng.standard_normal(shape)], call, masks))


def test_encoder_layer_unbatched_and_is_causal():
    ours, theirs = _encoder_layer_pair(dropout=0.0)
    causal = np.triu(np.full((5, 5), -np.inf), 1)

    def call(module, lib, src, mask):
        return (module(src, src_mask=mask, is_causal=True),)

    _assert_same(_run_both(ours, theirs, [rng.standard_normal((5, 8))], call, (causal,)))


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_dropout_train_and_eval(norm_first):
    torch = require_torch()
    ours, theirs = _encoder_layer_pair(dropout=0.5, norm_first=norm_first)
    x = rng.standard_normal((5, 3, 8))
    ours.eval()
    theirs.eval()
    assert_close(ours(ember.tensor(x)), theirs(torch.tensor(x)))
    ours.train()
    ember.manual_seed(0)
    first = ours(ember.tensor(x)).detach().numpy()
    ember.manual_seed(0)
    same = ours(ember.tensor(x)).detach().numpy()
    ember.manual_seed(1)
    other = ours(ember.tensor(x)).detach().numpy()
    assert first.shape == (5, 3, 8)
    np.testing.assert_array_equal(first, same)
    assert not np.allclose(first, other)
    if not norm_first:  # the last LayerNorm still normalises each position
        np.testing.assert_allclose(first.mean(-1), 0, atol=1e-9)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("with_norm", [False, True])
def test_encoder_matches_torch(batch_first, with_norm):
    torch = require_torch()
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=batch_first)
        theirs = torch.nn.TransformerEncoder(
            layer, 2, norm=torch.nn.LayerNorm(8) if with_norm else None).double()
        ours = ember.nn.TransformerEncoder(
            ember.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=batch_first),
            2, norm=ember.nn.LayerNorm(8) if with_norm else None).double()
    _load(ours, theirs)
    assert repr(ours) == repr(theirs)
    shape = (3, 5, 8) if batch_first else (5, 3, 8)
    causal = np.triu(np.full((5, 5), -np.inf), 1)

    def call(module, lib, src, mask, padding):
        return (module(src, mask=mask, src_key_padding_mask=padding),)

    for masks in ((None, None), (causal, None), (None, SRC_PADDING)):
        _assert_same(_run_both(ours, theirs, [rng.standard_normal(shape)], call, masks))


def test_encoder_inference_with_padding_zeroes_padded_positions_as_torch_does():
    # In eval mode without gradients PyTorch runs batch_first encoders on nested tensors
    # and pads the result with zeros; ember reproduces the values it prints.
    torch = require_torch()
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
    theirs = torch.nn.TransformerEncoder(layer, 2, norm=torch.nn.LayerNorm(8)).double().eval()
    ours = ember.nn.TransformerEncoder(
        ember.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2,
        norm=ember.nn.LayerNorm(8)).double().eval()
    _load(ours, theirs)
    x = rng.standard_normal((3, 5, 8))
    not_left_aligned = np.array([[True] + [False] * 4, [False] * 5, [False] * 5])
    for padding in (SRC_PADDING, not_left_aligned):
        with torch.no_grad(), ember.no_grad():
            a = ours(ember.tensor(x), src_key_padding_mask=ember.tensor(padding))
            b = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(padding))
        assert_close(a, b)
    with torch.no_grad(), ember.no_grad():
        a = ours(ember.tensor(x), src_key_padding_mask=ember.tensor(SRC_PADDING))
    # with gradients on, both libraries keep the padded positions' values
    b = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(SRC_PADDING))
    c = ours(ember.tensor(x), src_key_padding_mask=ember.tensor(SRC_PADDING))
    assert_close(c, b)
    assert not np.allclose(a.numpy()[1, 3], c.detach().numpy()[1, 3])


def test_encoder_nested_tensor_warning_matches_torch():
    torch = require_torch()
    messages = []
    for lib in (ember, torch):
        with pytest.warns(UserWarning) as caught:
            lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16), 2)
        messages.append([str(w.message) for w in caught])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16), 2,
                                      enable_nested_tensor=False)
    assert messages[0] == messages[1]


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_decoder_layer_matches_torch(norm_first, batch_first):
    torch = require_torch()
    ours, theirs = _pair(ember.nn.TransformerDecoderLayer, torch.nn.TransformerDecoderLayer, 8,
                         2, 16, dropout=0.0, batch_first=batch_first, norm_first=norm_first)
    assert repr(ours) == repr(theirs)
    tgt_shape, mem_shape = ((3, 4, 8), (3, 5, 8)) if batch_first else ((4, 3, 8), (5, 3, 8))
    causal = np.triu(np.full((4, 4), -np.inf), 1)
    memory_mask = rng.uniform(size=(4, 5)) > 0.7
    memory_mask[:, 0] = False

    def call(module, lib, tgt, memory, tgt_mask, memory_mask, tgt_padding, memory_padding):
        return (module(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                       tgt_key_padding_mask=tgt_padding,
                       memory_key_padding_mask=memory_padding),)

    arrays = [rng.standard_normal(tgt_shape), rng.standard_normal(mem_shape)]
    for masks in ((None,) * 4, (causal, memory_mask, SRC_PADDING[:, :4], SRC_PADDING)):
        _assert_same(_run_both(ours, theirs, arrays, call, masks))


@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_matches_torch(batch_first):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = _pair(ember.nn.Transformer, torch.nn.Transformer, d_model=8, nhead=2,
                             num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=16,
                             dropout=0.0, batch_first=batch_first)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    src_shape, tgt_shape = ((3, 5, 8), (3, 4, 8)) if batch_first else ((5, 3, 8), (4, 3, 8))
    tgt_mask = ember.nn.Transformer.generate_square_subsequent_mask(4).numpy()
    np.testing.assert_array_equal(
        tgt_mask, torch.nn.Transformer.generate_square_subsequent_mask(4).numpy())

    def call(module, lib, src, tgt, tgt_mask, src_padding):
        return (module(src, tgt, tgt_mask=tgt_mask, src_key_padding_mask=src_padding,
                       memory_key_padding_mask=src_padding),)

    arrays = [rng.standard_normal(src_shape), rng.standard_normal(tgt_shape)]
    for masks in ((None, None), (tgt_mask, SRC_PADDING)):
        _assert_same(_run_both(ours, theirs, arrays, call, masks))


def test_transformer_initialises_matrices_with_xavier():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ember.nn.Transformer(d_model=32, nhead=4, num_encoder_layers=1,
                                     num_decoder_layers=1, dim_feedforward=64)
    weight = model.encoder.layers[0].linear1.weight.detach().numpy()
    bound = math.sqrt(6.0 / (32 + 64))
    assert np.abs(weight).max() <= bound and np.abs(weight).max() > 0.9 * bound
    out_proj = model.decoder.layers[0].self_attn.out_proj.weight.detach().numpy()
    assert np.abs(out_proj).max() > 0.9 / math.sqrt(32)  # re-drawn: wider than Linear's bound
    assert np.all(model.encoder.norm.weight.detach().numpy() == 1)


@pytest.mark.parametrize("call,exception,message", [
    (lambda L: L.nn.TransformerEncoderLayer(8, 2, activation="tanh"), RuntimeError,
     "activation should be relu/gelu, not tanh"),
    (lambda L: L.nn.TransformerEncoderLayer(9, 2), AssertionError,
     "embed_dim must be divisible by num_heads"),
    (lambda L: L.nn.Transformer(8, 2, 1, 1, 16)(L.ones(5, 3, 8), L.ones(4, 2, 8)),
     RuntimeError, "the batch number of src and tgt must be equal"),
    (lambda L: L.nn.Transformer(8, 2, 1, 1, 16)(L.ones(5, 3, 8), L.ones(4, 3, 6)),
     RuntimeError, "the feature number of src and tgt must be equal to d_model"),
])
def test_transformer_errors_match_torch(call, exception, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expect_error(call, exception, message)
