"""Hines elimination on a parent-ordered forest equals a dense linear solve.

Reference: ``reference.hines_solve_dense`` builds the full symmetric matrix and calls
``np.linalg.solve`` (LU with partial pivoting). Tolerance: both are backward stable;
the random matrices are strictly diagonally dominant with a margin of at least 1e-2
against conductances of at most 1e2 on at most 60 nodes, so the condition number is
below ~1e6 and the forward errors of both solves are below 1e6 * 2.2e-16 ~ 2e-10 in the
worst case; typically they are 1e-14. We ask for 1e-10 relative to the solution's size.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from numba import njit

from ranvier.numerics.hines import hines_solve, hines_solve_fast, hines_solve_two
from ranvier.numerics.lanes import MIN_SPLIT_PART, _split
from ranvier.numerics.reference import hines_solve_dense


@st.composite
def forests(draw):
    """Random parent arrays with parent[i] < i and possibly several roots, with a
    strictly diagonally dominant tree matrix."""
    n = draw(st.integers(1, 60))
    parent = np.full(n, -1, np.int64)
    for i in range(1, n):
        parent[i] = draw(st.integers(-1, i - 1)) if draw(st.booleans()) else draw(st.integers(max(0, i - 3), i - 1))
    mags = st.floats(1e-2, 1e2, allow_nan=False, allow_infinity=False)
    g = np.array([draw(mags) for _ in range(n)])  # coupling to the parent
    sign = np.array([draw(st.sampled_from([-1.0, 1.0])) for _ in range(n)])
    offd = np.where(parent >= 0, sign * g, 0.0)
    diag = np.array([draw(mags) for _ in range(n)])  # the dominance margin
    for i in range(n):
        if parent[i] >= 0:
            diag[i] += g[i]
            diag[parent[i]] += g[i]
    rhs = np.array([draw(st.floats(-1e3, 1e3, allow_nan=False)) for _ in range(n)])
    return parent, diag, offd, rhs


def _kernel(parent, diag, offd, rhs):
    out = np.empty(diag.shape[0])
    d, r = diag.copy(), rhs.copy()
    hines_solve(parent, d, offd.copy(), r, out)
    return out


@settings(max_examples=150, deadline=None)
@given(forests())
def test_hines_equals_dense_solve_on_random_forests(case):
    parent, diag, offd, rhs = case
    x = _kernel(parent, diag, offd, rhs)
    ref = hines_solve_dense(parent, diag, offd, rhs)
    scale = max(np.max(np.abs(ref)), 1e-300)
    np.testing.assert_allclose(x, ref, rtol=1e-10, atol=1e-10 * scale)


def test_hines_residual_is_round_off_on_a_long_cable_and_many_roots():
    # a 2000-node unbranched cable plus 500 one-node "cells": a deep and a wide forest
    rng = np.random.default_rng(0)
    parent = np.concatenate([[-1], np.arange(1999), np.full(500, -1)]).astype(np.int64)
    n = parent.shape[0]
    g = rng.uniform(0.1, 10.0, n)
    offd = np.where(parent >= 0, -g, 0.0)
    diag = rng.uniform(1e-2, 1.0, n)
    for i in range(n):
        if parent[i] >= 0:
            diag[i] += g[i]
            diag[parent[i]] += g[i]
    rhs = rng.normal(size=n)
    x = _kernel(parent, diag, offd, rhs)
    # residual of the original system, computed without forming the matrix
    r = diag * x - rhs
    for i in range(n):
        if parent[i] >= 0:
            r[i] += offd[i] * x[parent[i]]
            r[parent[i]] += offd[i] * x[i]
    assert np.max(np.abs(r)) < 1e-12 * np.max(np.abs(diag)) * np.max(np.abs(x)) * 10


def test_hines_leaves_inputs_as_documented():
    # diag and rhs are scratch (overwritten); parent and offd must be left alone
    parent = np.array([-1, 0, 0, 1], np.int64)
    offd = np.array([0.0, -1.0, -2.0, -0.5])
    diag = np.array([4.0, 3.0, 3.0, 1.0])
    rhs = np.array([1.0, 2.0, 3.0, 4.0])
    p0, o0 = parent.copy(), offd.copy()
    out = np.empty(4)
    expected = hines_solve_dense(parent, diag, offd, rhs)
    hines_solve(parent, diag, offd, rhs, out)
    np.testing.assert_array_equal(parent, p0)
    np.testing.assert_array_equal(offd, o0)
    np.testing.assert_allclose(out, expected, rtol=1e-14)


# ---- the production solvers: hines_solve_fast (any forest, written into x and v) and
# hines_solve_two (one tree in two parts eliminated side by side). Same tolerance as above:
# they reorder and regroup the elimination's arithmetic, nothing else.


@njit
def _fast(parent, offd, diag, rhs, v, extrapolate):
    x = np.empty(diag.shape[0])
    hines_solve_fast(parent, offd, 0, diag.shape[0], diag, rhs, x, v, extrapolate)
    return x


@njit
def _two(parent, offd, diag, rhs, v, extrapolate, j, a):
    x = np.empty(diag.shape[0])
    hines_solve_two(parent, offd, diag.shape[0], diag, rhs, x, v, extrapolate, j, a)
    return x


def _check(x, parent, diag, offd, rhs):
    ref = hines_solve_dense(parent, diag, offd, rhs)
    scale = max(np.max(np.abs(ref)), 1e-300)
    np.testing.assert_allclose(x, ref, rtol=1e-10, atol=1e-10 * scale)


@settings(max_examples=100, deadline=None)
@given(forests(), st.booleans())
def test_fast_solve_equals_dense_solve_and_writes_v(case, extrapolate):
    parent, diag, offd, rhs = case
    v = np.linspace(-70.0, 30.0, diag.shape[0])
    v_new = v.copy()
    x = _fast(parent, offd, diag.copy(), rhs.copy(), v_new, extrapolate)
    _check(x, parent, diag, offd, rhs)
    np.testing.assert_array_equal(v_new, 2.0 * x - v if extrapolate else x)


@st.composite
def two_part_trees(draw):
    """One tree rooted at 0: a shared part 0..j, a part j+1..a-1 hanging anywhere from the nodes
    before it, and a subtree a..n-1 hanging from j (the structure hines_solve_two takes)."""
    j = draw(st.integers(0, 6))
    nb = draw(st.integers(0, 40))
    na = draw(st.integers(1, 40))
    a = j + 1 + nb
    n = a + na
    parent = np.full(n, -1, np.int64)
    for i in range(1, n):
        if i == a:
            parent[i] = j
        else:
            lo = a if i > a else 0
            near = draw(st.booleans())
            parent[i] = i - 1 if near else draw(st.integers(lo, i - 1))
    mags = st.floats(1e-2, 1e2, allow_nan=False, allow_infinity=False)
    g = np.array([draw(mags) for _ in range(n)])
    offd = np.where(parent >= 0, -g, 0.0)
    diag = np.array([draw(mags) for _ in range(n)])
    for i in range(1, n):
        diag[i] += g[i]
        diag[parent[i]] += g[i]
    rhs = np.array([draw(st.floats(-1e3, 1e3, allow_nan=False)) for _ in range(n)])
    return parent, diag, offd, rhs, j, a


@settings(max_examples=100, deadline=None)
@given(two_part_trees(), st.booleans())
def test_two_part_solve_equals_dense_solve(case, extrapolate):
    parent, diag, offd, rhs, j, a = case
    v = np.linspace(-70.0, 30.0, diag.shape[0])
    v_new = v.copy()
    x = _two(parent, offd, diag.copy(), rhs.copy(), v_new, extrapolate, j, a)
    _check(x, parent, diag, offd, rhs)
    np.testing.assert_array_equal(v_new, 2.0 * x - v if extrapolate else x)


@settings(max_examples=100, deadline=None)
@given(two_part_trees())
def test_the_planner_finds_a_valid_two_part_split(case):
    parent = case[0]
    j, a = _split(parent)
    n = parent.shape[0]
    if a == 0:  # no split worth it: then no suffix subtree leaves two parts of MIN_SPLIT_PART
        for s in range(1, n):
            if parent[s + 1:].size == 0 or parent[s + 1:].min() >= s:
                assert min(n - s, s - 1 - parent[s]) < MIN_SPLIT_PART
        return
    assert 0 <= j < a < n and parent[a] == j
    assert (parent[a + 1:] >= a).all()  # a.. is a subtree hanging from j
    assert min(n - a, a - 1 - j) >= MIN_SPLIT_PART
    x = _two(parent, case[2], case[1].copy(), case[3].copy(), np.zeros(n), False, j, a)
    _check(x, parent, case[1], case[2], case[3])
