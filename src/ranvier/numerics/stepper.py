"""One implicit step of the whole model, recording, and the resting state.

``advance`` is the readable single-step form of the schemes; the production time loop
is :mod:`ranvier.numerics.engine`, which does the same per cell (the tests check both
against the NumPy twins).

Backward Euler solves C (v' - v)/dt = -I_m(v') + I_axial(v') + I_stim over a whole
step. Crank-Nicolson solves the same system over half a step and extrapolates,
v' = 2 v_half - v (Hines 1984; Carnevale & Hines 2006, The NEURON Book, ch. 4);
gates live half a step out of phase with v and are advanced with v' so that the
pair is second order. Stimuli are evaluated at the middle of each solve. Where a
stimulus jumps, Crank-Nicolson would ring on the stiff cable modes, so the step
that holds the jump and the next one are taken as two backward-Euler half steps
(Rannacher 1984, Numer Math 43:309), which keeps second order and removes the ringing.
"""

from __future__ import annotations

import math

import numpy as np

from ranvier.numerics.jit import kernel


from ranvier.numerics.hines import hines_solve
from ranvier.numerics.membrane import accumulate_membrane
from ranvier.numerics.rates import steady_gates, update_gates
from ranvier.numerics.tables import tabulated_steady_states
from ranvier.numerics.status import NONFINITE_VOLTAGE, NOT_CONVERGED, OK
from ranvier.numerics.waveform import wave_value

REST_DV_MV = 1e-4  # difference step for the slope of the steady-state current (mV)
REST_MAX_STEP_MV = 10.0  # largest Newton update per iteration (mV)
N_DAMPED_STEPS = 2


@kernel
def implicit_solve(m, v_old, h, t_eval, g_sum, e_sum, diag, offd, rhs, v_new, with_stimuli):
    """One backward-Euler solve over ``h`` (ms) with membrane currents linearised in g_sum, e_sum.

    ``t_eval[c]`` is the time (ms) at which the stimuli of cell ``c`` are evaluated.
    """
    n = v_old.shape[0]
    for i in range(n):
        c = m.cap_nF[i] / h
        diag[i] = c + g_sum[i]
        rhs[i] = c * v_old[i] + e_sum[i]
    for i in range(n):
        p = m.parent[i]
        if p >= 0:
            g = m.g_axial_uS[i]
            diag[i] += g
            diag[p] += g
            offd[i] = -g
        else:
            offd[i] = 0.0
    if with_stimuli:
        for k in range(m.ic_node.shape[0]):
            te = t_eval[m.ic_cell[k]]
            rhs[m.ic_node[k]] += wave_value(te, m.wave_t, m.wave_y, m.ic_start[k], m.ic_count[k], m.ic_interp[k])
        for k in range(m.vc_node.shape[0]):
            g = m.vc_g_uS[k]
            te = t_eval[m.vc_cell[k]]
            vc = wave_value(te, m.wave_t, m.wave_y, m.vc_start[k], m.vc_count[k], m.vc_interp[k])
            diag[m.vc_node[k]] += g
            rhs[m.vc_node[k]] += g * vc
    hines_solve(m.parent, diag, offd, rhs, v_new)


@kernel
def advance(m, v, state, t, dt, cn, damp, any_damped, t_eval, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v):
    """Advance voltages and gates from t to t + dt (ms) in place.

    With Crank-Nicolson, cells with ``damp[c] > 0`` take two backward-Euler half
    steps instead (their solves are independent of the other cells' in the forest).
    """
    accumulate_membrane(v, m, state, ws_g, ws_e)
    n = v.shape[0]
    ncell = t_eval.shape[0]
    if not cn:
        for c in range(ncell):
            t_eval[c] = t + 0.5 * dt
        implicit_solve(m, v, dt, t_eval, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v, True)
        for i in range(n):
            v[i] = ws_v[i]
    else:
        for c in range(ncell):
            t_eval[c] = t + (0.25 if damp[c] > 0 else 0.5) * dt
        implicit_solve(m, v, 0.5 * dt, t_eval, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v, True)
        if not any_damped:
            for i in range(n):
                v[i] = 2.0 * ws_v[i] - v[i]
        else:
            for i in range(n):
                if damp[m.node_cell[i]] > 0:
                    v[i] = ws_v[i]
                else:
                    v[i] = 2.0 * ws_v[i] - v[i]
            accumulate_membrane(v, m, state, ws_g, ws_e)
            for c in range(ncell):
                t_eval[c] = t + 0.75 * dt
            implicit_solve(m, v, 0.5 * dt, t_eval, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v, True)
            for i in range(n):
                if damp[m.node_cell[i]] > 0:
                    v[i] = ws_v[i]
    update_gates(v, m.gate_node, m.gate_type, m.gate_phi, m.type_kind, m.type_form, m.type_par, state, dt)


def n_cells(m) -> int:
    return int(m.cell_node_start.shape[0]) - 1


@kernel
def _steady(m, tabs, v, state):
    steady_gates(v, m.gate_node, m.gate_type, m.type_kind, m.type_form, m.type_par, state)
    tabulated_steady_states(v, m.gate_node, tabs.gate_table, tabs.tab, tabs.vmin, tabs.inv_dv, state)


@kernel
def _steady_current(m, tabs, v, state, g_sum, e_sum, out):
    """Membrane current per node (nA) with every gate at its steady state at ``v``."""
    _steady(m, tabs, v, state)
    accumulate_membrane(v, m, state, g_sum, e_sum)
    for i in range(v.shape[0]):
        out[i] = g_sum[i] * v[i] - e_sum[i]


@kernel
def find_rest(m, v, state, tol_mV, max_iter, tabs):
    """Newton's method for the resting state: zero net membrane plus axial current at every node.

    Gates sit at their steady states, so the membrane current of a node is a function
    of its own voltage only; its slope is taken by a one-sided difference of
    REST_DV_MV, and the Jacobian keeps the tree structure, so each iteration is
    one Hines solve. Steps are limited to REST_MAX_STEP_MV. Returns (status,
    iterations, last change in mV); v and state hold the result. With rate tables
    (``tabs``) the steady states are the tables', so the state found is the resting state
    of the model the engine integrates.
    """
    n = v.shape[0]
    g_sum = np.empty(n)
    e_sum = np.empty(n)
    i0 = np.empty(n)
    i1 = np.empty(n)
    vp = np.empty(n)
    diag = np.empty(n)
    offd = np.empty(n)
    rhs = np.empty(n)
    dv = np.empty(n)
    change = np.inf
    for it in range(max_iter):
        _steady_current(m, tabs, v, state, g_sum, e_sum, i0)
        for i in range(n):
            vp[i] = v[i] + REST_DV_MV
        _steady_current(m, tabs, vp, state, g_sum, e_sum, i1)
        for i in range(n):
            diag[i] = (i1[i] - i0[i]) / REST_DV_MV
            rhs[i] = -i0[i]
            offd[i] = 0.0
        for i in range(n):
            p = m.parent[i]
            if p >= 0:
                g = m.g_axial_uS[i]
                diag[i] += g
                diag[p] += g
                offd[i] = -g
                flow = g * (v[i] - v[p])  # current leaving i towards p
                rhs[i] -= flow
                rhs[p] += flow
        hines_solve(m.parent, diag, offd, rhs, dv)
        change = 0.0
        for i in range(n):
            d = dv[i]
            if not math.isfinite(d):
                return NONFINITE_VOLTAGE, it, change
            if d > REST_MAX_STEP_MV:
                d = REST_MAX_STEP_MV
            elif d < -REST_MAX_STEP_MV:
                d = -REST_MAX_STEP_MV
            v[i] += d
            if abs(d) > change:
                change = abs(d)
        if change < tol_mV:
            _steady(m, tabs, v, state)
            return OK, it + 1, change
    _steady(m, tabs, v, state)
    return NOT_CONVERGED, max_iter, change


@kernel
def relax(m, v, state, dt, max_steps, tol_mV):
    """Backward-Euler time stepping without stimuli until no node changes by more than ``tol_mV`` in a step.

    The fallback for :func:`find_rest`: where Newton's iteration cycles, time
    stepping follows the cell's own dynamics to its stable resting state (if it
    has one). Returns (status, steps, last change in mV).
    """
    n = v.shape[0]
    ws_g = np.empty(n)
    ws_e = np.empty(n)
    ws_d = np.empty(n)
    ws_o = np.empty(n)
    ws_r = np.empty(n)
    ws_v = np.empty(n)
    t_eval = np.zeros(1)
    change = np.inf
    for s in range(max_steps):
        accumulate_membrane(v, m, state, ws_g, ws_e)
        implicit_solve(m, v, dt, t_eval, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v, False)
        change = 0.0
        for i in range(n):
            if not math.isfinite(ws_v[i]):
                return NONFINITE_VOLTAGE, s, change
            d = abs(ws_v[i] - v[i])
            if d > change:
                change = d
            v[i] = ws_v[i]
        update_gates(v, m.gate_node, m.gate_type, m.gate_phi, m.type_kind, m.type_form, m.type_par, state, dt)
        if change < tol_mV:
            return OK, s + 1, change
    return NOT_CONVERGED, max_steps, change
