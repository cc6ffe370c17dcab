"""The op table: every differentiable op as one row (forward + derivative formulas).

Families: pointwise, reduction, shape (and indexing), linalg. Rows are declared with
:func:`ember.ops.op.defop`; the public functions that call them live in ember._api.
"""
