"""ranvier's benchmark harness: ranvier against NEURON and Arbor (see bench/README.md).

Run ``python -m bench`` from the repository root. Nothing here is imported by ranvier,
and this package imports no simulator itself: each simulator runs in its own child
process (:mod:`bench.child`).
"""
