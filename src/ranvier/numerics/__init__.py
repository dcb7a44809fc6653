"""The compiled numerical core: pure functions over arrays, no model objects, no units.

Everything here is compiled by numba through :func:`ranvier.numerics.jit.kernel`
(a cache that concurrent processes share safely); ``reference.py`` holds slow NumPy
twins that the tests compare against.
"""
