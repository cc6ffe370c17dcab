"""Nested Python containers of tensors ("pytrees"), as torch.func walks them.

A tree is a tuple, list or dict (namedtuples and dict subclasses included) whose items are trees,
or any other object, which is a leaf. ``flatten`` lists the leaves left to right and returns a
spec that ``unflatten`` uses to rebuild the same nesting around new leaves.
"""

from __future__ import annotations

LEAF = None  # the spec of a leaf


def _children(node):
    """``(kind, keys, items)`` for a container, or None for a leaf."""
    kind = type(node)
    if kind is tuple or kind is list:
        return kind, None, node
    if isinstance(node, tuple) and hasattr(node, "_fields"):  # a namedtuple
        return kind, None, node
    if isinstance(node, dict):
        keys = tuple(node)
        return kind, keys, [node[k] for k in keys]
    return None


def flatten(tree):
    """``(leaves, spec)``."""
    leaves = []
    return leaves, _flatten(tree, leaves)


def _flatten(node, leaves):
    parts = _children(node)
    if parts is None:
        leaves.append(node)
        return LEAF
    kind, keys, items = parts
    return kind, keys, tuple(_flatten(item, leaves) for item in items)


def unflatten(leaves, spec):
    iterator = iter(leaves)
    return _build(iterator, spec)


def _build(iterator, spec):
    if spec is LEAF:
        return next(iterator)
    kind, keys, children = spec
    items = [_build(iterator, child) for child in children]
    if keys is not None:
        return kind(zip(keys, items))
    if kind is tuple or kind is list:
        return kind(items)
    return kind(*items)  # a namedtuple


def tree_map(fn, tree):
    leaves, spec = flatten(tree)
    return unflatten([fn(leaf) for leaf in leaves], spec)


def describe(spec) -> str:
    """A short picture of a spec for error messages: ``(*, [*, *])``, ``{'a': *}``."""
    if spec is LEAF:
        return "*"
    kind, keys, children = spec
    inner = [describe(child) for child in children]
    if keys is not None:
        return "{" + ", ".join(f"{k!r}: {c}" for k, c in zip(keys, inner)) + "}"
    if kind is list:
        return "[" + ", ".join(inner) + "]"
    if kind is tuple:
        return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
    return f"{kind.__name__}(" + ", ".join(inner) + ")"


def broadcast_prefix(prefix, tree, is_leaf_value):
    """One value per leaf of ``tree``: ``prefix`` matches the top of ``tree``'s nesting, and each
    of its leaves (``is_leaf_value``) covers the whole subtree below it. Returns None when the
    structures do not match."""
    out = []
    return out if _broadcast(prefix, tree, is_leaf_value, out) else None


def _broadcast(prefix, node, is_leaf_value, out):
    if is_leaf_value(prefix):
        out.extend([prefix] * len(flatten(node)[0]))
        return True
    prefix_parts, node_parts = _children(prefix), _children(node)
    if prefix_parts is None or node_parts is None:
        return False
    (p_kind, p_keys, p_items), (n_kind, n_keys, n_items) = prefix_parts, node_parts
    if p_kind is not n_kind or len(p_items) != len(n_items):
        return False
    if p_keys is not None:
        if set(p_keys) != set(n_keys):
            return False
        p_items = [prefix[k] for k in n_keys]
    return all(_broadcast(p, n, is_leaf_value, out) for p, n in zip(p_items, n_items))
