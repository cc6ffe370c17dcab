"""ember.save / ember.load: tensors, state_dicts and optimizer state in a safe file format.

A file is a NumPy ``.npz`` archive: one array per tensor (``t0``, ``t1``, ...) and a
``structure`` entry holding JSON that describes the saved object (dicts, lists, tuples, numbers,
strings, None, and tensors by reference). Nothing is pickled, so loading a file never runs
code from it. Files are written to a temporary name and moved into place, so a crash leaves
either the old file or the new one, never half of one; a truncated or foreign file fails to
load with a clear error before any object is built.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import zipfile
from collections import OrderedDict

import numpy as np

from ._tensor import Tensor

__all__ = ["save", "load"]

FORMAT = "ember.save"
VERSION = 1


def save(obj, f):
    """Save ``obj`` (a tensor, or nested dicts/lists/tuples of tensors, numbers and strings,
    such as ``model.state_dict()`` or ``optimizer.state_dict()``) to the path or binary file
    ``f``.

    >>> import ember, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "w.pt")
    >>> ember.save({"w": ember.ones(2), "step": 3}, path)
    >>> ember.load(path)
    {'w': tensor([1., 1.]), 'step': 3}
    """
    arrays = {}
    seen = {}
    structure = {"format": FORMAT, "version": VERSION, "object": _encode(obj, arrays, seen)}
    arrays["structure"] = np.frombuffer(json.dumps(structure).encode("utf-8"), dtype=np.uint8)
    if isinstance(f, (str, os.PathLike)):
        _write_atomically(os.fspath(f), arrays)
    else:
        np.savez(f, **arrays)


def load(f, map_location=None, weights_only=True, mmap=None, **pickle_load_args):
    """Load what :func:`save` wrote. ``map_location`` is accepted for PyTorch compatibility
    (ember tensors live on the CPU)."""
    name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else getattr(f, "name", "<file>")
    if not _starts_like_zip(f):
        raise RuntimeError(f"{name} is not an ember checkpoint (not a zip archive); ember.load "
                           "reads files written by ember.save")
    try:
        with np.load(f, allow_pickle=False) as archive:
            if "structure" not in archive.files:
                raise RuntimeError(f"{name} is not an ember checkpoint (no 'structure' entry); "
                                   "was it written by ember.save?")
            structure = json.loads(bytes(archive["structure"]).decode("utf-8"))
            # Read every array before building anything: a damaged archive fails here.
            arrays = {key: archive[key] for key in archive.files if key != "structure"}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError,
            UnicodeDecodeError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise RuntimeError(f"{name} is not a readable ember checkpoint (truncated or not "
                           f"written by ember.save): {error}") from None
    if not isinstance(structure, dict) or structure.get("format") != FORMAT:
        raise RuntimeError(f"{name} is not an ember checkpoint (unknown format)")
    if structure.get("version", 0) > VERSION:
        raise RuntimeError(f"{name} was written by a newer ember (format version "
                           f"{structure['version']}, this ember reads {VERSION})")
    try:
        return _decode(structure["object"], arrays, {})
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise RuntimeError(f"{name} is a damaged ember checkpoint: {error}") from None


def _starts_like_zip(f):
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as handle:
            head = handle.read(4)
    else:
        start = f.tell()
        head = f.read(4)
        f.seek(start)
    return head == b"PK\x03\x04"


# --- encoding ---------------------------------------------------------------------------------
def _encode(obj, arrays, seen):
    if isinstance(obj, Tensor):
        key = seen.get(id(obj))
        if key is None:  # a tensor saved twice is stored once and comes back as one object
            key = seen[id(obj)] = f"t{len(seen)}"
            arrays[key] = np.asarray(obj.detach().numpy(), order="C")  # keeps 0-dim shapes
        return {"tensor": key, "requires_grad": obj.requires_grad}
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        # JSON has no inf/nan: spell them out
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(obj, dict):
        kind = "OrderedDict" if isinstance(obj, OrderedDict) else "dict"
        items = []
        for key, value in obj.items():
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise TypeError(f"ember.save: dict keys must be str, int, float, bool or None, "
                                f"not {type(key).__name__}")
            items.append([key, _encode(value, arrays, seen)])
        encoded = {kind: items}
        metadata = getattr(obj, "_metadata", None)
        if metadata is not None:
            encoded["metadata"] = _encode(dict(metadata), arrays, seen)
        return encoded
    if isinstance(obj, tuple):
        return {"tuple": [_encode(v, arrays, seen) for v in obj]}
    if isinstance(obj, list):
        return [_encode(v, arrays, seen) for v in obj]
    if isinstance(obj, np.ndarray):
        return _encode(Tensor._make(obj), arrays, seen)
    raise TypeError(f"ember.save cannot store objects of type {type(obj).__name__} (it saves "
                    "tensors, numbers, strings, None, and dicts, lists and tuples of them)")


def _decode(node, arrays, built):
    if isinstance(node, list):
        return [_decode(v, arrays, built) for v in node]
    if not isinstance(node, dict):
        return node
    if "tensor" in node:
        key = node["tensor"]
        if key not in built:
            t = Tensor._make(np.array(arrays[key]))
            if node.get("requires_grad"):
                t.requires_grad_(True)
            built[key] = t
        return built[key]
    if "float" in node:
        return float(node["float"])
    if "tuple" in node:
        return tuple(_decode(v, arrays, built) for v in node["tuple"])
    for kind, cls in (("OrderedDict", OrderedDict), ("dict", dict)):
        if kind in node:
            out = cls((k, _decode(v, arrays, built)) for k, v in node[kind])
            if "metadata" in node:
                out._metadata = _decode(node["metadata"], arrays, built)
            return out
    raise ValueError(f"unknown entry {sorted(node)}")


def _write_atomically(path, arrays):
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=os.path.basename(path) + ".",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
