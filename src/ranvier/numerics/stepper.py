"""The time loop: implicit cable step on the tree, exponential-Euler gates, recording.

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
from numba import njit

from ranvier.numerics.hines import hines_solve
from ranvier.numerics.membrane import accumulate_membrane, channel_current_nA
from ranvier.numerics.rates import steady_gates, update_gates
from ranvier.numerics.status import NONFINITE_VOLTAGE, NOT_CONVERGED, OK
from ranvier.numerics.waveform import wave_value

REST_STEP_MS = 1.0e4  # pseudo-time step for the resting-state iteration
N_DAMPED_STEPS = 2


@njit(cache=True)
def implicit_solve(m, v_old, h, t_eval, g_sum, e_sum, diag, offd, rhs, v_new, with_stimuli):
    """One backward-Euler solve over ``h`` (ms) with membrane currents linearised in g_sum, e_sum."""
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
            rhs[m.ic_node[k]] += wave_value(t_eval, m.wave_t, m.wave_y, m.ic_start[k], m.ic_count[k], m.ic_interp[k])
        for k in range(m.vc_node.shape[0]):
            g = m.vc_g_uS[k]
            vc = wave_value(t_eval, m.wave_t, m.wave_y, m.vc_start[k], m.vc_count[k], m.vc_interp[k])
            diag[m.vc_node[k]] += g
            rhs[m.vc_node[k]] += g * vc
    hines_solve(m.parent, diag, offd, rhs, v_new)


@njit(cache=True)
def advance(m, v, state, t, dt, cn, damped, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v):
    """Advance voltages and gates from t to t + dt (ms) in place."""
    accumulate_membrane(v, m, state, ws_g, ws_e)
    n = v.shape[0]
    if not cn:
        implicit_solve(m, v, dt, t + 0.5 * dt, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v, True)
        for i in range(n):
            v[i] = ws_v[i]
    elif damped:
        implicit_solve(m, v, 0.5 * dt, t + 0.25 * dt, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v, True)
        for i in range(n):
            v[i] = ws_v[i]
        accumulate_membrane(v, m, state, ws_g, ws_e)
        implicit_solve(m, v, 0.5 * dt, t + 0.75 * dt, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v, True)
        for i in range(n):
            v[i] = ws_v[i]
    else:
        implicit_solve(m, v, 0.5 * dt, t + 0.5 * dt, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v, True)
        for i in range(n):
            v[i] = 2.0 * ws_v[i] - v[i]
    update_gates(v, m.gate_node, m.gate_type, m.gate_phi, m.type_kind, m.type_form, m.type_par, state, dt)


@njit(cache=True)
def record(m, v, state, t, out_row):
    """Write one sample of every recording into ``out_row``; return False if v is not finite."""
    ok = True
    for r in range(m.rec_kind.shape[0]):
        kind = m.rec_kind[r]
        idx = m.rec_index[r]
        if kind == 0:
            x = v[idx]
            if not math.isfinite(x):
                ok = False
            out_row[r] = x
        elif kind == 1:
            out_row[r] = state[idx]
        elif kind == 2:
            total = 0.0
            node = idx
            for j in range(m.rec_list_start[r], m.rec_list_start[r] + m.rec_list_count[r]):
                total += channel_current_nA(m.rec_list[j], v[node], m, state)
            out_row[r] = total * 1e-6 / m.area_cm2[node]  # nA -> mA/cm2
        else:
            vc = wave_value(t, m.wave_t, m.wave_y, m.vc_start[idx], m.vc_count[idx], m.vc_interp[idx])
            out_row[r] = m.vc_g_uS[idx] * (vc - v[m.vc_node[idx]])  # nA delivered by the clamp
    return ok


@njit(cache=True)
def integrate(m, v, state, t0, dt, n_steps, cn, rec_every, out):
    """Run ``n_steps`` steps of ``dt`` ms from ``t0``; sample every ``rec_every`` steps into ``out``.

    ``out`` has n_steps // rec_every + 1 rows (the first is the initial state).
    Returns (status, step at which it stopped).
    """
    n = v.shape[0]
    ws_g = np.empty(n)
    ws_e = np.empty(n)
    ws_d = np.empty(n)
    ws_o = np.empty(n)
    ws_r = np.empty(n)
    ws_v = np.empty(n)
    nj = m.jump_t.shape[0]
    jp = 0
    while jp < nj and m.jump_t[jp] < t0:
        jp += 1
    damp_left = 0
    eps = 1e-9 * dt
    for s in range(n_steps):
        t = t0 + s * dt
        if s % rec_every == 0:
            if not record(m, v, state, t, out[s // rec_every]):
                return NONFINITE_VOLTAGE, s
        if cn:
            while jp < nj and m.jump_t[jp] < t + dt - eps:
                damp_left = N_DAMPED_STEPS
                jp += 1
        advance(m, v, state, t, dt, cn, damp_left > 0, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v)
        if damp_left > 0:
            damp_left -= 1
    if n_steps % rec_every == 0:
        if not record(m, v, state, t0 + n_steps * dt, out[n_steps // rec_every]):
            return NONFINITE_VOLTAGE, n_steps
    for i in range(n):
        if not math.isfinite(v[i]):
            return NONFINITE_VOLTAGE, n_steps
    return OK, n_steps


@njit(cache=True)
def find_rest(m, v, state, tol_mV, max_iter):
    """Iterate to the resting state (no stimuli, gates at steady state).

    Each iteration sets the gates to steady state at v and takes one implicit step
    of REST_STEP_MS, a damped Newton-like fixed point of the membrane equations.
    Returns (status, iterations, last change in mV); v and state hold the result.
    """
    n = v.shape[0]
    ws_g = np.empty(n)
    ws_e = np.empty(n)
    ws_d = np.empty(n)
    ws_o = np.empty(n)
    ws_r = np.empty(n)
    ws_v = np.empty(n)
    change = np.inf
    for it in range(max_iter):
        steady_gates(v, m.gate_node, m.gate_type, m.type_kind, m.type_form, m.type_par, state)
        accumulate_membrane(v, m, state, ws_g, ws_e)
        implicit_solve(m, v, REST_STEP_MS, 0.0, ws_g, ws_e, ws_d, ws_o, ws_r, ws_v, False)
        change = 0.0
        for i in range(n):
            d = abs(ws_v[i] - v[i])
            if not math.isfinite(ws_v[i]):
                return NONFINITE_VOLTAGE, it, change
            if d > change:
                change = d
            v[i] = ws_v[i]
        if change < tol_mV:
            steady_gates(v, m.gate_node, m.gate_type, m.type_kind, m.type_form, m.type_par, state)
            return OK, it + 1, change
    steady_gates(v, m.gate_node, m.gate_type, m.type_kind, m.type_form, m.type_par, state)
    return NOT_CONVERGED, max_iter, change
