"""ember.utils: data loading, activation checkpointing and module backward hooks."""

from . import checkpoint, data, hooks

__all__ = ["checkpoint", "data", "hooks"]
