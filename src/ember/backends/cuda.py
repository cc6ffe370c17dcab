"""``ember.backends.cuda``: CUDA's switches; ``matmul.allow_tf32`` and friends are flags."""


def is_built() -> bool:
    """False: ember is built without CUDA."""
    return False


class _MatmulFlags:
    """``torch.backends.cuda.matmul``: the cuBLAS flags, recorded and otherwise unused."""

    _names = ("allow_tf32", "allow_fp16_reduced_precision_reduction",
              "allow_bf16_reduced_precision_reduction", "allow_fp16_accumulation")

    def __init__(self):
        object.__setattr__(self, "_values", {"allow_tf32": False,
                                             "allow_fp16_reduced_precision_reduction": True,
                                             "allow_bf16_reduced_precision_reduction": True,
                                             "allow_fp16_accumulation": False})

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"Unknown attribute {name}") from None

    def __setattr__(self, name, value):
        if name not in self._values:
            raise AttributeError(f"Unknown attribute {name}")
        self._values[name] = value


matmul = _MatmulFlags()
