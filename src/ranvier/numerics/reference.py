"""Slow, obviously right NumPy twins of the compiled kernels. They exist only for tests.

Each function restates what a kernel in ``ranvier.numerics`` computes, written from
the physics and the kernel's documented contract rather than from its code, and
without calling any kernel:

- the tree solve builds the dense matrix and calls ``np.linalg.solve``;
- a time step writes each cell's current balance
  ``C (v' - v)/h + I_m(v') + sum of axial currents = I_stim`` as a dense linear
  system per cell (cells of a batch are independent) and solves it;
- gates use the closed-form solution of ``dm/dt = (inf - m)/tau`` at fixed v;
- rate forms, GHK and waveforms are written from their formulas with NumPy.

They return new arrays instead of writing in place, and are vectorised over v
where that is natural. Nothing in ranvier calls them at run time; the tests in
``tests/numerics`` compare kernel and twin on random inputs. Units are the kernel
units (mV, ms, nA, uS, nF, cm2, mM) described in ``ranvier.numerics.arrays``.
"""

from __future__ import annotations

import math

import numpy as np

from ranvier.constants import FARADAY_C_PER_MOL
from ranvier.numerics.status import NONFINITE_VOLTAGE, OK

GHK_SLOPE_STEP_MV = 1e-3
"""The documented linearisation of a GHK current over an implicit step: a one-sided
difference of 0.001 mV, the step NEURON's NMODL-generated code uses for slope
conductances (it evaluates the current again at v + 0.001 mV)."""

DAMPED_STEPS_AFTER_JUMP = 2
"""Crank-Nicolson steps taken as two backward-Euler half steps from the step that holds
a stimulus jump: that step and the next one (Rannacher 1984, Numer Math 43:309)."""


# --------------------------------------------------------------------------- tree solve


def hines_solve_dense(parent, diag, offd, rhs) -> np.ndarray:
    """Solve the tree matrix (``diag`` on the diagonal, ``offd[i]`` at (i, parent[i]) and
    (parent[i], i)) by building it densely and calling ``np.linalg.solve``."""
    parent = np.asarray(parent)
    n = parent.shape[0]
    a = np.diag(np.asarray(diag, dtype=float)).copy()
    for i in range(n):
        p = int(parent[i])
        if p >= 0:
            a[i, p] = offd[i]
            a[p, i] = offd[i]
    return np.linalg.solve(a, np.asarray(rhs, dtype=float))


# --------------------------------------------------------------------------- rate forms


def _x_over_one_minus_exp(x: np.ndarray) -> np.ndarray:
    """x / (1 - exp(-x)), with its Taylor series 1 + x/2 + x^2/12 - x^4/720 + x^6/30240
    (Bernoulli numbers) for |x| < 1e-3, where the truncation error is below 1e-28."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-3
    xs = np.where(small, 1.0, x)
    with np.errstate(over="ignore"):
        direct = xs / -np.expm1(-xs)
    x2 = x * x
    series = 1.0 + x / 2.0 + x2 / 12.0 - x2 * x2 / 720.0 + x2 * x2 * x2 / 30240.0
    return np.where(small, series, direct)


def rate_value(form, p0, p1, p2, v):
    """A rate form (1/ms, or a steady state / time constant) at v (mV), from its formula:

    0 exponential ``p0 exp((v - p1)/p2)``; 1 sigmoid ``p0 / (1 + exp(-(v - p1)/p2))``;
    2 linoid ``p0 x / (1 - exp(-x))`` with ``x = (v - p1)/p2`` (equal to p0 at x = 0);
    3 constant ``p0``.
    """
    v = np.asarray(v, dtype=float)
    form = int(form)
    with np.errstate(over="ignore"):
        if form == 0:
            out = p0 * np.exp((v - p1) / p2)
        elif form == 1:
            out = p0 / (1.0 + np.exp(-(v - p1) / p2))
        elif form == 2:
            out = p0 * _x_over_one_minus_exp((v - p1) / p2)
        elif form == 3:
            out = np.full(v.shape, float(p0))
        else:
            raise ValueError(f"unknown rate form code {form}")
    return float(out) if out.ndim == 0 else out


def gate_inf_rate(kind, form, par, v):
    """(steady state, 1/tau in 1/ms) of one gate type at v (mV), before temperature scaling.

    Kind 0 gives rates alpha, beta: inf = alpha/(alpha + beta), 1/tau = alpha + beta.
    Kind 1 gives inf and tau (ms) directly.
    """
    a = rate_value(form[0], par[0][0], par[0][1], par[0][2], v)
    b = rate_value(form[1], par[1][0], par[1][1], par[1][2], v)
    if int(kind) == 0:
        return a / (a + b), a + b
    return a, 1.0 / b


def steady_gates(v, m) -> np.ndarray:
    """Every gate instance at its steady state at the voltage of its node."""
    out = np.empty(m.gate_node.shape[0])
    for k in range(out.shape[0]):
        gt = m.gate_type[k]
        out[k] = gate_inf_rate(m.type_kind[gt], m.type_form[gt], m.type_par[gt], v[m.gate_node[k]])[0]
    return out


def update_gates(v, gate_node, gate_type, gate_phi, type_kind, type_form, type_par, state, dt) -> np.ndarray:
    """Gate states after ``dt`` ms at the fixed node voltages ``v``: the exact solution
    m(dt) = inf + (m(0) - inf) exp(-dt/tau) of dm/dt = (inf - m)/tau, with the rates
    multiplied (tau divided) by the temperature factor phi."""
    new = np.empty(len(state))
    for k in range(len(state)):
        gt = gate_type[k]
        inf, rate = gate_inf_rate(type_kind[gt], type_form[gt], type_par[gt], v[gate_node[k]])
        tau = 1.0 / (rate * gate_phi[k])
        new[k] = inf + (state[k] - inf) * math.exp(-dt / tau)
    return new


# --------------------------------------------------------------------------- membrane


def ghk_unit_density(v, z, cin, cout, vt):
    """GHK current density (mA/cm2, outward positive) for a permeability of 1 cm/s.

    I = P z F xi (c_in - c_out e^-xi) / (1 - e^-xi), xi = z v / vt, vt = RT/F (mV);
    with P in cm/s, F in C/mol and c in mM (= 1e-6 mol/cm3) the product is in
    1e-6 A/cm2 = 1e-3 mA/cm2 (Hille 2001, Ion Channels of Excitable Membranes, ch. 14).
    """
    xi = z * np.asarray(v, dtype=float) / vt
    out = 1e-3 * z * FARADAY_C_PER_MOL * _x_over_one_minus_exp(xi) * (cin - cout * np.exp(-xi))
    return float(out) if np.ndim(out) == 0 else out


def open_fraction(m, c, state) -> float:
    """Product of state**power over the gates of channel instance ``c``."""
    s = m.chan_gate_start[c]
    k = m.chan_gate_count[c]
    return float(np.prod(np.asarray(state[s : s + k], dtype=float) ** m.gate_power[s : s + k]))


def channel_current_nA(m, c, v_node, state) -> float:
    """Current (nA, outward positive) of channel instance ``c`` at its node voltage."""
    g = m.chan_gmax[c] * open_fraction(m, c, state)
    if m.chan_law[c] == 0:
        return g * (v_node - m.chan_erev[c])
    return g * ghk_unit_density(v_node, m.chan_z[c], m.chan_cin[c], m.chan_cout[c], m.chan_vt[c])


def membrane_current_nA(m, v, state) -> np.ndarray:
    """Total membrane current of every node (nA, outward positive), not linearised."""
    out = np.zeros(len(v))
    for c in range(m.chan_node.shape[0]):
        node = m.chan_node[c]
        out[node] += channel_current_nA(m, c, v[node], state)
    return out


def accumulate_membrane(v, m, state):
    """Linearisation I(v') ~= g_sum v' - e_sum (nA) of each node's membrane current about v.

    Ohmic channels are linear: g_sum += g, e_sum += g E. A GHK channel contributes
    its present current i0 and a slope di from a one-sided difference of
    GHK_SLOPE_STEP_MV: I(v') ~= i0 + di (v' - v).
    """
    n = len(v)
    g_sum = np.zeros(n)
    e_sum = np.zeros(n)
    for c in range(m.chan_node.shape[0]):
        node = m.chan_node[c]
        if m.chan_law[c] == 0:
            g = m.chan_gmax[c] * open_fraction(m, c, state)
            g_sum[node] += g
            e_sum[node] += g * m.chan_erev[c]
        else:
            i0 = channel_current_nA(m, c, v[node], state)
            i1 = channel_current_nA(m, c, v[node] + GHK_SLOPE_STEP_MV, state)
            di = (i1 - i0) / GHK_SLOPE_STEP_MV
            g_sum[node] += di
            e_sum[node] += di * v[node] - i0
    return g_sum, e_sum


# --------------------------------------------------------------------------- waveforms


def wave_value(t, wt, wy, start, count, interp) -> float:
    """Waveform ``wt[start:start+count], wy[...]`` at time t (ms).

    Step (interp 0): the value of the last breakpoint at or before t. Linear (1):
    straight lines between breakpoints; where two breakpoints share a time (a jump)
    the later value holds from that time on. Before the first / after the last
    breakpoint the end values hold.
    """
    tt = np.asarray(wt[start : start + count], dtype=float)
    yy = np.asarray(wy[start : start + count], dtype=float)
    k = int(np.searchsorted(tt, t, side="right")) - 1  # last breakpoint with time <= t
    if k < 0:
        return float(yy[0])
    if k >= count - 1 or interp == 0:
        return float(yy[k])
    # tt[k] <= t < tt[k + 1]: a proper interval, never a duplicate time
    return float(np.interp(t, tt[k : k + 2], yy[k : k + 2]))


# --------------------------------------------------------------------------- time step


def _cells(m) -> list[np.ndarray]:
    node_cell = np.asarray(m.node_cell)
    ncell = int(node_cell.max()) + 1 if node_cell.size else 1
    return [np.flatnonzero(node_cell == c) for c in range(ncell)]


def _implicit_step_cell(m, nodes, v_old, h, t_eval, g_lin, e_lin) -> np.ndarray:
    """Backward Euler over h (ms) for the nodes of one cell, stimuli at t_eval (ms).

    Node i's current balance (nA): C_i (v'_i - v_i)/h + (g_lin_i v'_i - e_lin_i)
    + sum_j g_ij (v'_i - v'_j) + sum_clamps g_vc (v'_i - V_cmd) = sum_iclamps I.
    """
    local = {int(i): k for k, i in enumerate(nodes)}
    n = len(nodes)
    a = np.zeros((n, n))
    b = np.zeros(n)
    for k, i in enumerate(nodes):
        cap = m.cap_nF[i] / h
        a[k, k] += cap + g_lin[i]
        b[k] += cap * v_old[i] + e_lin[i]
        p = int(m.parent[i])
        if p >= 0:  # axial conductance between i and its parent
            g = m.g_axial_uS[i]
            q = local[p]
            a[k, k] += g
            a[q, q] += g
            a[k, q] -= g
            a[q, k] -= g
    for s in range(m.ic_node.shape[0]):
        i = int(m.ic_node[s])
        if i in local:
            b[local[i]] += wave_value(t_eval, m.wave_t, m.wave_y, m.ic_start[s], m.ic_count[s], m.ic_interp[s])
    for s in range(m.vc_node.shape[0]):
        i = int(m.vc_node[s])
        if i in local:
            cmd = wave_value(t_eval, m.wave_t, m.wave_y, m.vc_start[s], m.vc_count[s], m.vc_interp[s])
            a[local[i], local[i]] += m.vc_g_uS[s]
            b[local[i]] += m.vc_g_uS[s] * cmd
    return np.linalg.solve(a, b)


def advance(m, v, state, t, dt, cn, damp=None):
    """One step from t to t + dt (ms); returns (v', state').

    Backward Euler: one implicit solve over dt with stimuli at t + dt/2.
    Crank-Nicolson: an implicit solve over dt/2 (stimuli at t + dt/2) to v_half,
    then v' = 2 v_half - v. A cell whose ``damp`` entry is true instead takes two
    backward-Euler half steps, stimuli at t + dt/4 and t + 3dt/4, re-linearising the
    membrane in between. Gates then advance over dt at v' (staggered by half a step
    under Crank-Nicolson). Membrane currents are linearised about the voltage at the
    start of each solve.
    """
    v = np.asarray(v, dtype=float)
    v_new = v.copy()
    cells = _cells(m)
    damp = np.zeros(len(cells), bool) if damp is None else np.asarray(damp) > 0
    g_lin, e_lin = accumulate_membrane(v, m, state)
    for c, nodes in enumerate(cells):
        if not cn:
            v_new[nodes] = _implicit_step_cell(m, nodes, v, dt, t + 0.5 * dt, g_lin, e_lin)
        elif not damp[c]:
            v_half = _implicit_step_cell(m, nodes, v, 0.5 * dt, t + 0.5 * dt, g_lin, e_lin)
            v_new[nodes] = 2.0 * v_half - v[nodes]
        else:
            v_mid = v.copy()
            v_mid[nodes] = _implicit_step_cell(m, nodes, v, 0.5 * dt, t + 0.25 * dt, g_lin, e_lin)
            g_mid, e_mid = accumulate_membrane(v_mid, m, state)
            v_new[nodes] = _implicit_step_cell(m, nodes, v_mid, 0.5 * dt, t + 0.75 * dt, g_mid, e_mid)
    state_new = update_gates(
        v_new, m.gate_node, m.gate_type, m.gate_phi, m.type_kind, m.type_form, m.type_par, state, dt
    )
    return v_new, state_new


# --------------------------------------------------------------------------- recording and the loop


def record(m, v, state, t) -> np.ndarray:
    """One sample of every recording: node voltage (mV), gate state, ion current density
    (mA/cm2, the sum of the listed channels at the node over its area), clamp current
    (nA into the cell, g_vc (V_cmd(t) - v))."""
    row = np.empty(m.rec_kind.shape[0])
    for r in range(row.shape[0]):
        kind, idx = int(m.rec_kind[r]), int(m.rec_index[r])
        if kind == 0:
            row[r] = v[idx]
        elif kind == 1:
            row[r] = state[idx]
        elif kind == 2:
            members = m.rec_list[m.rec_list_start[r] : m.rec_list_start[r] + m.rec_list_count[r]]
            total_nA = sum(channel_current_nA(m, int(c), v[idx], state) for c in members)
            row[r] = total_nA * 1e-6 / m.area_cm2[idx]
        else:
            cmd = wave_value(t, m.wave_t, m.wave_y, m.vc_start[idx], m.vc_count[idx], m.vc_interp[idx])
            row[r] = m.vc_g_uS[idx] * (cmd - v[m.vc_node[idx]])
    return row


def integrate(m, v, state, t0, dt, n_steps, cn, rec_every, damp=None):
    """Run n_steps steps of dt (ms) from t0, recording every rec_every steps.

    Returns (status, steps done, v, state, out, damp): ``out`` has
    n_steps // rec_every + 1 rows (row k at t0 + k rec_every dt; unwritten rows NaN);
    ``damp`` counts the damped Crank-Nicolson steps each cell still owes.

    Step s covers [t_s, t_s + dt) with t_s = t0 + s dt. Under Crank-Nicolson, a
    stimulus jump of cell c at time tau belongs to the step with
    t_s - eps <= tau < t_s + dt - eps (eps = 1e-9 dt absorbs round-off in t); that
    step and the next one are damped for cell c.
    """
    v = np.array(v, dtype=float)
    state = np.array(state, dtype=float)
    cells = _cells(m)
    owed = np.zeros(len(cells), np.int64) if damp is None else np.array(damp, dtype=np.int64)
    out = np.full((n_steps // rec_every + 1, m.rec_kind.shape[0]), np.nan)
    eps = 1e-9 * dt
    jump_t = np.asarray(m.jump_t)
    jump_cell = np.asarray(m.jump_cell)
    for s in range(n_steps):
        t = t0 + s * dt
        if s % rec_every == 0:
            out[s // rec_every] = record(m, v, state, t)
            if not np.all(np.isfinite(v[m.rec_index[m.rec_kind == 0]])):
                return NONFINITE_VOLTAGE, s, v, state, out, owed
        if cn:
            lower = t0 - eps if s == 0 else (t0 + (s - 1) * dt) + dt - eps
            held = (jump_t >= lower) & (jump_t < t + dt - eps)
            for c in np.unique(jump_cell[held]):
                owed[c] = DAMPED_STEPS_AFTER_JUMP
        v, state = advance(m, v, state, t, dt, cn, owed > 0 if cn else None)
        owed = np.maximum(owed - 1, 0)
    if n_steps % rec_every == 0:
        out[n_steps // rec_every] = record(m, v, state, t0 + n_steps * dt)
    if not np.all(np.isfinite(v)):
        return NONFINITE_VOLTAGE, n_steps, v, state, out, owed
    return OK, n_steps, v, state, out, owed


# --------------------------------------------------------------------------- resting state


def rest_residual(m, v) -> np.ndarray:
    """Net current leaving every node (nA) with all gates at steady state and no stimuli:
    membrane current plus axial currents to the neighbours. Zero at a resting state."""
    v = np.asarray(v, dtype=float)
    res = membrane_current_nA(m, v, steady_gates(v, m))
    for i in range(len(v)):
        p = int(m.parent[i])
        if p >= 0:
            flow = m.g_axial_uS[i] * (v[i] - v[p])
            res[i] += flow
            res[p] -= flow
    return res


def find_rest(m, v0, tol_mV=1e-12, max_iter=100):
    """A resting state near v0: a root of :func:`rest_residual` by Newton's method on the
    dense Jacobian (axial conductances exactly, each node's steady-state membrane slope
    by a centred difference of 1e-3 mV; updates limited to 10 mV). Returns (v, gate
    states); raises if the update does not fall below ``tol_mV``."""
    v = np.array(v0, dtype=float)
    n = v.shape[0]
    lap = np.zeros((n, n))
    for i in range(n):
        p = int(m.parent[i])
        if p >= 0:
            g = m.g_axial_uS[i]
            lap[i, i] += g
            lap[p, p] += g
            lap[i, p] -= g
            lap[p, i] -= g
    h = 1e-3

    def i_ss(x):
        return membrane_current_nA(m, x, steady_gates(x, m))

    for _ in range(max_iter):
        slope = (i_ss(v + h) - i_ss(v - h)) / (2 * h)
        dv = np.clip(np.linalg.solve(lap + np.diag(slope), -rest_residual(m, v)), -10.0, 10.0)
        v += dv
        if np.max(np.abs(dv)) < tol_mV:
            return v, steady_gates(v, m)
    raise RuntimeError(f"reference find_rest did not converge in {max_iter} iterations")
