"""Rows for the bag-of-embeddings lookup and the CTC loss; PyTorch's node names.

PyTorch leaves the second derivatives of both unimplemented: the first derivative of each is a
row whose own derivative raises PyTorch's error, so a double backward fails as it does there.
"""

from __future__ import annotations

from ..backend import xp
from .activation import constant
from .formula import detached
from .nn import connected
from .op import defop

SUM, MEAN, MAX = 0, 1, 2  # embedding_bag modes, numbered as PyTorch numbers them


def _raise_not_implemented(message, exception=RuntimeError):
    def formula(grad):
        raise exception(message)

    return formula


# --- embedding_bag ------------------------------------------------------------------------------
# ``indices`` is the flat int64 array of looked-up rows, ``bags`` the bag of each position,
# ``scale`` each position's factor for sum/mean (0 for padding entries, 1 / count for mean) and
# ``keep`` marks the positions that are not padding (used by max).
def _max_positions(weight, indices, bags, num_bags, keep):
    """For each bag and feature: the position (into ``indices``) of the largest row value, or -1
    for an empty bag. The first of equal maxima wins."""
    dim = weight.shape[1]
    positions = xp.full((num_bags, dim), -1, dtype=xp.int64)
    kept = xp.flatnonzero(keep)
    if not kept.size:
        return positions
    rows = weight[indices[kept]]
    starts = xp.searchsorted(bags[kept], xp.arange(num_bags))
    ends = xp.searchsorted(bags[kept], xp.arange(num_bags), side="right")
    for b in xp.flatnonzero(ends > starts):
        best = rows[starts[b]:ends[b]].argmax(axis=0)
        positions[b] = kept[starts[b] + best]
    return positions


def _embedding_bag(weight, per_sample_weights, indices, bags, num_bags, mode, scale, keep):
    dim = weight.shape[1]
    if mode == MAX:
        positions = _max_positions(weight, indices, bags, num_bags, keep)
        filled = positions >= 0
        picked = weight[indices[xp.where(filled, positions, 0)], xp.arange(dim)]
        return xp.where(filled, picked, 0).astype(weight.dtype, copy=False)
    factor = scale if per_sample_weights is None else scale * per_sample_weights
    out = xp.zeros((num_bags, dim), dtype=weight.dtype)
    xp.add.at(out, bags, weight[indices] * factor[:, None].astype(weight.dtype, copy=False))
    return out


def _embedding_bag_weight_grad(grad, per_sample_weights, weight_shape, weight, indices, bags,
                               num_bags, mode, scale, keep):
    out = xp.zeros(weight_shape, dtype=grad.dtype)
    if mode == MAX:
        positions = _max_positions(weight, indices, bags, num_bags, keep)
        filled = positions >= 0
        columns = xp.broadcast_to(xp.arange(weight_shape[1]), positions.shape)
        xp.add.at(out, (indices[positions[filled]], columns[filled]), grad[filled])
        return out
    factor = scale if per_sample_weights is None else scale * per_sample_weights
    xp.add.at(out, indices, grad[bags] * factor[:, None].astype(grad.dtype, copy=False))
    return out


def _embedding_bag_sample_weights_grad(grad, weight, indices, bags, scale):
    # d out[bag] / d w_i = weight[index_i] (times the padding mask kept in ``scale``)
    return ((grad[bags] * weight[indices]).sum(axis=1) * scale).astype(grad.dtype, copy=False)


embedding_bag_weight_grad = defop(
    "EmbeddingBagBackwardBackward0", inputs="grad per_sample_weights",
    forward=_embedding_bag_weight_grad,
    grad=_raise_not_implemented("the derivative for '_embedding_bag_backward' is not "
                                "implemented.", NotImplementedError),
    per_sample_weights=_raise_not_implemented("the derivative for '_embedding_bag_backward' is "
                                              "not implemented.", NotImplementedError),
)
embedding_bag_sample_weights_grad = defop(
    "NotImplemented", inputs="grad weight", forward=_embedding_bag_sample_weights_grad,
    grad=_raise_not_implemented("derivative for "
                                "aten::_embedding_bag_per_sample_weights_backward is not "
                                "implemented"),
    weight=_raise_not_implemented("derivative for "
                                  "aten::_embedding_bag_per_sample_weights_backward is not "
                                  "implemented"),
)
embedding_bag = defop(
    "EmbeddingBagBackward0", inputs="weight per_sample_weights", forward=_embedding_bag,
    weight=lambda grad, per_sample_weights, weight_shape, weight, indices, bags, num_bags, mode,
    scale, keep: embedding_bag_weight_grad.on(grad, per_sample_weights, weight_shape, weight,
                                              indices, bags, num_bags, mode, scale, keep),
    per_sample_weights=lambda grad, weight, indices, bags, scale:
    embedding_bag_sample_weights_grad.on(grad, weight, indices, bags, scale),
)


# --- CTC loss -----------------------------------------------------------------------------------
# ``self`` is (T, N, C) log-probabilities; ``targets`` an (N, S) int64 array padded past each
# target length; the lengths are int64 arrays. Everything runs in log space, vectorised over the
# batch, with one step per time frame.
def _log_add(*terms):
    """log(sum(exp(terms))) elementwise, -inf where every term is -inf."""
    top = terms[0]
    for t in terms[1:]:
        top = xp.maximum(top, t)
    finite = xp.where(xp.isfinite(top), top, 0)
    with xp.errstate(divide="ignore"):
        total = sum(xp.exp(t - finite) for t in terms)
        return xp.where(xp.isneginf(top), -xp.inf, finite + xp.log(total))


def _extended(targets, target_lengths, blank):
    """The blank-interleaved labels l' (N, 2S + 1), whether l'[s] may be reached from s - 2 (a
    label place whose label differs from the previous label), and which places exist."""
    n, s = targets.shape
    labels = xp.full((n, 2 * s + 1), blank, dtype=xp.int64)
    labels[:, 1::2] = targets
    # (PyTorch decides by position, not label: a target equal to ``blank`` still skips)
    skip = xp.zeros(labels.shape, dtype=bool)
    skip[:, 3::2] = targets[:, 1:] != targets[:, :-1]
    valid = xp.arange(2 * s + 1)[None, :] < (2 * target_lengths[:, None] + 1)
    return labels, skip, valid


def _ctc_tables(self, targets, input_lengths, target_lengths, blank):
    """Forward and backward variables log alpha and log beta, (T, N, 2S + 1), and the loss."""
    steps, n, _ = self.shape
    labels, skip, valid = _extended(targets, target_lengths, blank)
    width = labels.shape[1]
    rows = xp.arange(n)[:, None]
    emit = self[:, rows, labels]  # (T, N, 2S + 1): log p of each place's label at each time
    emit = xp.where(valid[None], emit, -xp.inf)
    alpha = xp.full((steps, n, width), -xp.inf, dtype=self.dtype)
    start = xp.full((n, width), -xp.inf, dtype=self.dtype)
    start[:, :2] = 0
    alpha[0] = xp.where(xp.arange(width) < 2, emit[0], -xp.inf) if steps else start
    ninf = xp.full((n, 1), -xp.inf, dtype=self.dtype)
    for t in range(1, steps):
        prev = alpha[t - 1]
        one_back = xp.concatenate([ninf, prev[:, :-1]], axis=1)
        two_back = xp.where(skip, xp.concatenate([ninf, ninf, prev[:, :-2]], axis=1), -xp.inf)
        alpha[t] = _log_add(prev, one_back, two_back) + emit[t]
    beta = xp.full((steps, n, width), -xp.inf, dtype=self.dtype)
    last = 2 * target_lengths  # the final blank's place; the final label's is last - 1
    ends = (xp.arange(width)[None, :] == last[:, None]) | (
        xp.arange(width)[None, :] == (last - 1)[:, None])
    skip_next = xp.concatenate([skip[:, 2:], xp.zeros((n, 2), dtype=bool)], axis=1)
    for t in range(steps - 1, -1, -1):
        following = beta[t + 1] if t + 1 < steps else xp.full((n, width), -xp.inf, self.dtype)
        one_on = xp.concatenate([following[:, 1:], ninf], axis=1)
        two_on = xp.where(skip_next, xp.concatenate([following[:, 2:], ninf, ninf], axis=1),
                          -xp.inf)
        stepped = _log_add(following, one_on, two_on) + emit[t]
        beta[t] = xp.where((t == input_lengths - 1)[:, None],
                           xp.where(ends, emit[t], -xp.inf), stepped)
    final = alpha[xp.maximum(input_lengths - 1, 0), xp.arange(n)]  # (N, 2S + 1)
    at_end = xp.where(ends, final, -xp.inf)
    likelihood = _log_add(*[at_end[:, s] for s in range(width)])
    return alpha, beta, labels, -likelihood


def _ctc_loss(self, targets, input_lengths, target_lengths, blank, zero_infinity):
    return _ctc_tables(self, targets, input_lengths, target_lengths, blank)[3]


def _ctc_loss_grad(grad, self, targets, input_lengths, target_lengths, blank, zero_infinity):
    """PyTorch's gradient: exp(log_probs) - exp(log sum over places of label c of alpha * beta,
    + nll - log_probs), times the loss's gradient; zero past each input length. It assumes the
    inputs are normalised log-probabilities (the softmax's gradient is folded in)."""
    steps, n, classes = self.shape
    alpha, beta, labels, nll = _ctc_tables(self, targets, input_lengths, target_lengths, blank)
    both = alpha + beta  # (T, N, 2S + 1)
    per_class = xp.full(self.shape, -xp.inf, dtype=self.dtype)
    time = xp.broadcast_to(xp.arange(steps)[:, None, None], both.shape)
    sample = xp.broadcast_to(xp.arange(n)[None, :, None], both.shape)
    place = xp.broadcast_to(labels[None], both.shape)
    xp.logaddexp.at(per_class, (time.ravel(), sample.ravel(), place.ravel()), both.ravel())
    with xp.errstate(invalid="ignore", over="ignore"):
        out = xp.exp(self) - xp.exp(per_class + nll[None, :, None] - self)
    out = out * xp.asarray(grad, dtype=self.dtype).reshape(1, -1, 1)
    inside = (xp.arange(steps)[:, None] < input_lengths[None, :])[:, :, None]
    out = xp.where(inside, out, 0)
    if zero_infinity:
        out = xp.where(xp.isinf(nll)[None, :, None], 0, out)
    return out.astype(self.dtype, copy=False)


ctc_loss_grad = defop(
    "NotImplemented", inputs="grad self", forward=_ctc_loss_grad,
    grad=_raise_not_implemented("derivative for aten::_ctc_loss_backward is not implemented"),
    self=_raise_not_implemented("derivative for aten::_ctc_loss_backward is not implemented"),
)
ctc_loss = defop(
    "CtcLossBackward0", forward=_ctc_loss,
    self=lambda grad, self, targets, input_lengths, target_lengths, blank, zero_infinity:
    ctc_loss_grad.on(grad, self, targets, input_lengths, target_lengths, blank, zero_infinity),
)


# --- randomised leaky ReLU ----------------------------------------------------------------------
# ``noise`` holds each element's slope (1 where the input is positive), drawn by the caller.
rrelu_with_noise = defop(
    "RreluWithNoiseBackward0", forward=lambda self, noise: self * noise.astype(self.dtype),
    self=lambda grad, self, noise: connected(
        grad * constant(noise.astype(detached(grad).dtype), grad), self),
)
