"""The compiled numerical core: pure functions over arrays, no model objects, no units.

Everything here is numba ``@njit(cache=True)``; ``reference.py`` holds slow NumPy
twins that the tests compare against.
"""
