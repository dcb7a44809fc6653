"""The fast time loop: each cell of the batch integrated on its own, cells in parallel.

Cells in a batch are independent, so the whole time loop of one cell runs in one call
of a GIL-free kernel, parts of the batch on threads (:mod:`ranvier.numerics.pool`): a
cell's arrays stay in cache for all its steps and both cores work on different cells.
Within a step the order is NEURON's (Hines
1984; Carnevale & Hines 2006, ch. 4): solve the cable with the present conductances
(linear in v for ohmic channels, linearised for GHK ones), then advance every gate by
exponential Euler with the new v and fold the new conductances straight into the
per-node sums used by the next solve. Passive (gateless ohmic) channels never change
and are pre-summed per node at assembly. Gate updates read (inf, decay) from
:mod:`ranvier.numerics.tables` when tables are given, else evaluate the rates.

The schemes are those of :mod:`ranvier.numerics.stepper` (whose ``advance`` is the
readable single-step version the tests also check): backward Euler, or Crank-Nicolson
as a half-step solve and extrapolation, with two backward-Euler half steps for the step
that holds a stimulus jump and the next one (Rannacher 1984).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ranvier.numerics.jit import kernel
from ranvier.numerics.hines import hines_solve_fast
from ranvier.numerics.pool import run_split
from ranvier.numerics.membrane import FARADAY, GHK_DV_MV, ghk_unit_density
from ranvier.numerics.rates import gate_inf_rate
from ranvier.numerics.waveform import wave_at, wave_value
from ranvier.numerics.status import NONFINITE_VOLTAGE, OK
from ranvier.numerics.stepper import N_DAMPED_STEPS

# A jump exactly on a step boundary belongs to the step that starts there.
JUMP_EPS = 1e-9


@njit(inline="always")
def step_scheme(s, n_steps, cn, t, dt, eps, jump_t, jp, jend, damp_left):
    """How step ``s`` is taken: (sub-steps, extrapolate, jump pointer, damped steps still owed).

    Backward Euler: one solve. Crank-Nicolson: a half-step solve and extrapolation, except
    that a stimulus jump inside the step owes N_DAMPED_STEPS steps of two backward-Euler
    half steps (Rannacher 1984), this one and the next. Inlined into both time loops.
    """
    nsub = 1
    extrapolate = False
    if s < n_steps and cn:
        while jp < jend and jump_t[jp] < t + dt - eps:
            damp_left = N_DAMPED_STEPS
            jp += 1
        if damp_left > 0:
            nsub = 2
            damp_left -= 1
        else:
            extrapolate = True
    return nsub, extrapolate, jp, damp_left


@kernel
def run_cell(c, m, tabs, v, state, xstate, t0, dt, n_steps, cn, rec_every, out, damp):
    """Integrate cell ``c`` over n_steps; returns (status, step reached).

    Written as one function on purpose. The model's arrays are taken out of the
    NamedTuple once, here: reading them from it inside loops, or passing arrays to small
    helper functions per step or per gate, costs reference counting per access or call
    (measured up to 15x slower, and ~0.5 us per step for a one-compartment cell).

    Per step: gates advance by exponential Euler with the new v and the backward-Euler
    system (diag, rhs) for v is built node by node, the voltage and its place in the rate
    table found once per node for all its gates; then recording; then the stimuli and the
    Hines solve (one BE solve, a CN half-step solve with extrapolation, or two damped BE
    half steps, the second on a system rebuilt at the intermediate v).
    """
    n0 = m.cell_node_start[c]
    n1 = m.cell_node_start[c + 1]
    n = n1 - n0
    parent = m.parent
    offd = m.offd
    cap_nF = m.cap_nF
    gax_diag = m.gax_diag
    g_static = m.g_static
    e_static = m.e_static
    dyn_chan = m.dyn_chan
    node_dyn_start = m.node_dyn_start
    chan_gate_start = m.chan_gate_start
    chan_gate_count = m.chan_gate_count
    gate_power = m.gate_power
    chan_gmax = m.chan_gmax
    chan_law = m.chan_law
    chan_erev = m.chan_erev
    chan_z = m.chan_z
    chan_cin = m.chan_cin
    chan_cout = m.chan_cout
    chan_vt = m.chan_vt
    gate_type = m.gate_type
    gate_phi = m.gate_phi
    type_kind = m.type_kind
    type_form = m.type_form
    type_par = m.type_par
    ic0 = m.cell_ic_start[c]
    ic1 = m.cell_ic_start[c + 1]
    ic_order = m.ic_order
    ic_node = m.ic_node
    ic_start = m.ic_start
    ic_count = m.ic_count
    ic_interp = m.ic_interp
    vc0 = m.cell_vc_start[c]
    vc1 = m.cell_vc_start[c + 1]
    vc_order = m.vc_order
    vc_node = m.vc_node
    vc_start = m.vc_start
    vc_count = m.vc_count
    vc_interp = m.vc_interp
    vc_g_uS = m.vc_g_uS
    wave_t = m.wave_t
    wave_y = m.wave_y
    jump_t = m.jump_t
    rq0 = m.cell_rec_start[c]
    rq1 = m.cell_rec_start[c + 1]
    rec_order = m.rec_order
    rec_kind = m.rec_kind
    rec_index = m.rec_index
    rec_list_start = m.rec_list_start
    rec_list_count = m.rec_list_count
    rec_list = m.rec_list
    area_cm2 = m.area_cm2
    gate_src = m.gate_src
    chan_pool = m.chan_pool
    node_pool = m.node_pool
    pool_depth_um = m.pool_depth_um
    pool_tau_ms = m.pool_tau_ms
    pool_free = m.pool_free
    pool_rest_mM = m.pool_rest_mM
    pool_cleft_start = m.pool_cleft_start
    cleft_order = m.cleft_order
    cleft_par = m.cleft_par
    n_pool = pool_depth_um.shape[0]
    has_pools = False  # does this group have any Ca2+ pool? (skips a load per node when not)
    for i in range(n0, n1):
        if node_pool[i] >= 0:
            has_pools = True
            break
    n_cleft = cleft_par.shape[0]
    src_kind = m.src_kind
    src_cleft = m.src_cleft
    src_wstart = m.src_wstart
    src_wcount = m.src_wcount
    s0 = m.cell_src_start[c]
    s1 = m.cell_src_start[c + 1]
    tnow = np.zeros(s1 - s0)
    ptr_src = np.empty(s1 - s0, np.int64)
    for q in range(s0, s1):
        ptr_src[q - s0] = src_wstart[q]
    rec_list_w = m.rec_list_w
    rec_list_e = m.rec_list_e
    tab = tabs.tab
    vmin = tabs.vmin
    inv_dv = tabs.inv_dv
    gate_table = tabs.gate_table
    kmax = tab.shape[1] - 1

    diag = np.empty(n)
    rhs = np.empty(n)
    x = np.empty(n)
    # the system solved is always backward Euler over h: dt (BE) or dt/2 (CN and its damped halves)
    h = dt if not cn else 0.5 * dt
    cap_h = np.empty(n)
    dbase = np.empty(n)
    for i in range(n):
        cap_h[i] = cap_nF[n0 + i] / h
        dbase[i] = cap_h[i] + gax_diag[n0 + i] + g_static[n0 + i]
    # search hints into each stimulus's breakpoints (time only increases)
    ptr_ic = np.empty(ic1 - ic0, np.int64)
    for q in range(ic0, ic1):
        ptr_ic[q - ic0] = ic_start[ic_order[q]]
    ptr_vc = np.empty(vc1 - vc0, np.int64)
    for q in range(vc0, vc1):
        ptr_vc[q - vc0] = vc_start[vc_order[q]]
    jp = m.cell_jump_start[c]
    jend = m.cell_jump_start[c + 1]
    eps = JUMP_EPS * dt
    while jp < jend and jump_t[jp] < t0 - eps:
        jp += 1

    rec_next = 0  # the next step recorded, into row rec_row of out
    rec_row = 0
    for s in range(n_steps + 1):
        t = t0 + s * dt
        nsub, extrapolate, jp, damp[c] = step_scheme(s, n_steps, cn, t, dt, eps, jump_t, jp, jend, damp[c])
        for sub in range(nsub):
            # ---- gates (first pass of a step after the first) and the system for the present v
            update = sub == 0 and s > 0
            if update:
                # transmitter seen by ligand gates over the step just taken: spike-train pulses at
                # its middle, cleft concentrations as they were at its start
                tm = t - 0.5 * dt
                for q in range(s0, s1):
                    if src_kind[q] == 0:
                        lo = src_wstart[q]
                        hi = lo + src_wcount[q]
                        jj = ptr_src[q - s0]
                        while jj + 1 < hi and wave_t[jj + 1] <= tm:
                            jj += 1
                        ptr_src[q - s0] = jj
                        tnow[q - s0] = wave_y[lo] if tm < wave_t[lo] else wave_y[jj]
                    else:
                        tnow[q - s0] = xstate[n_pool + n_cleft + src_cleft[q]]
            for i in range(n0, n1):
                vv = v[i]
                d = dbase[i - n0]
                r = cap_h[i - n0] * vv + e_static[i]
                q0 = node_dyn_start[i]
                q1 = node_dyn_start[i + 1]
                ica = 0.0
                if q1 > q0:
                    xt = (vv - vmin) * inv_dv
                    in_table = kmax > 0 and xt >= 0.0 and xt < kmax
                    j = 0
                    fr = 0.0
                    if in_table:
                        j = int(xt)
                        fr = xt - j
                    for q in range(q0, q1):
                        ch = dyn_chan[q]
                        g0 = chan_gate_start[ch]
                        f = 1.0
                        for k in range(g0, g0 + chan_gate_count[ch]):
                            if update:
                                row = gate_table[k]
                                if in_table and row >= 0:
                                    a0 = tab[row, j, 0]
                                    d0 = tab[row, j, 1]
                                    inf = a0 + fr * (tab[row, j + 1, 0] - a0)
                                    dec = d0 + fr * (tab[row, j + 1, 1] - d0)
                                else:
                                    gt = gate_type[k]
                                    kind = type_kind[gt]
                                    if kind == 2:  # transmitter binding: exact for the step's T
                                        aT = type_par[gt, 0, 0] * tnow[gate_src[k] - s0]
                                        rate = aT + type_par[gt, 0, 1]
                                        inf = aT / rate
                                        dec = math.exp(-dt * gate_phi[k] * rate)
                                    elif kind == 3:  # Mg2+ block follows v instantly
                                        inf = 1.0 / (1.0 + math.exp(-vv / type_par[gt, 0, 0]) * type_par[gt, 0, 1])
                                        dec = 0.0
                                    else:
                                        inf, rate = gate_inf_rate(type_kind[gt], type_form[gt], type_par[gt], vv)
                                        dec = math.exp(-dt * gate_phi[k] * rate)
                                sk = inf + (state[k] - inf) * dec
                                state[k] = sk
                            else:
                                sk = state[k]
                            p = gate_power[k]
                            if p == 1:
                                f *= sk
                            elif p == 2:
                                f *= sk * sk
                            elif p == 3:
                                f *= sk * sk * sk
                            else:
                                for _ in range(p):
                                    f *= sk
                        g = chan_gmax[ch] * f
                        if chan_law[ch] == 0:
                            d += g
                            r += g * chan_erev[ch]
                        else:
                            pl = chan_pool[ch]
                            cin = xstate[pl] if pl >= 0 else chan_cin[ch]
                            i0 = g * ghk_unit_density(vv, chan_z[ch], cin, chan_cout[ch], chan_vt[ch])
                            i1 = g * ghk_unit_density(vv + GHK_DV_MV, chan_z[ch], cin, chan_cout[ch], chan_vt[ch])
                            di = (i1 - i0) / GHK_DV_MV
                            d += di
                            r += di * vv - i0
                            if pl >= 0:
                                ica += i0
                diag[i - n0] = d
                rhs[i - n0] = r
                pl = node_pool[i] if has_pools else -1
                if update and pl >= 0:
                    # Ca2+ shell: d[Ca]/dt = -f i_Ca / (2 F depth) - ([Ca] - rest) / tau, exact for this
                    # step's current; 1e4 turns mA/cm2 over um into mM/ms (i in nA here -> mA/cm2)
                    dens = ica * 1e-6 / area_cm2[i]
                    tau = pool_tau_ms[pl]
                    c_inf = pool_rest_mM[pl] - 1e4 * pool_free[pl] * dens / (2.0 * FARADAY * pool_depth_um[pl]) * tau
                    ca = c_inf + (xstate[pl] - c_inf) * math.exp(-dt / tau)
                    if ca < 1e-9:
                        ca = 1e-9
                    xstate[pl] = ca
                    # release into each cleft this pool feeds: vesicles x, cleft transmitter T
                    for qq in range(pool_cleft_start[pl], pool_cleft_start[pl + 1]):
                        cl = cleft_order[qq]
                        kd = cleft_par[cl, 0]
                        hill = cleft_par[cl, 1]
                        krel = cleft_par[cl, 2] / (1.0 + (kd / ca) ** hill)
                        xo = n_pool + cl
                        to = n_pool + n_cleft + cl
                        x_old = xstate[xo]
                        rec_rate = 1.0 / cleft_par[cl, 3]
                        x_inf = rec_rate / (rec_rate + krel)
                        xstate[xo] = x_inf + (x_old - x_inf) * math.exp(-dt * (rec_rate + krel))
                        t_inf = cleft_par[cl, 4] * krel * x_old * cleft_par[cl, 5]
                        xstate[to] = t_inf + (xstate[to] - t_inf) * math.exp(-dt / cleft_par[cl, 5])
            # ---- recording, at the start of each step (and after the last)
            if sub == 0 and s == rec_next:  # (a countdown: s % rec_every cost two divisions a step)
                # out[row, col] rather than a row view: making the view costs a reference count
                # up and down, atomically (measured on P2, one recording: 45 -> 38 ns a step)
                row = rec_row
                rec_row += 1
                rec_next += rec_every
                for q in range(rq0, rq1):
                    rr = rec_order[q]
                    kind = rec_kind[rr]
                    idx = rec_index[rr]
                    if kind == 0:
                        if not math.isfinite(v[idx]):
                            return NONFINITE_VOLTAGE, s
                        out[row, rr] = v[idx]
                    elif kind == 1:
                        out[row, rr] = state[idx]
                    elif kind == 4:
                        out[row, rr] = xstate[idx]
                    else:
                        out[row, rr] = _record_other(rr, kind, idx, rec_list_start, rec_list_count, rec_list,
                                                    rec_list_w, rec_list_e, chan_pool, xstate, area_cm2, chan_gmax, chan_law, chan_erev, chan_z, chan_cin,
                                                    chan_cout, chan_vt, chan_gate_start, chan_gate_count, gate_power,
                                                    vc_node, vc_g_uS, vc_start, vc_count, vc_interp, wave_t, wave_y,
                                                    v, state, t)
            if s == n_steps:
                break
            # ---- stimuli at the middle of this solve (waveforms read with a search hint, inlined),
            # then the Hines solve
            if nsub == 2:
                t_eval = t + (0.25 + 0.5 * sub) * dt
            else:
                t_eval = t + 0.5 * dt
            for q in range(ic0, ic1):
                k = ic_order[q]
                val, ptr_ic[q - ic0] = wave_at(t_eval, wave_t, wave_y, ic_start[k], ic_count[k], ic_interp[k],
                                               ptr_ic[q - ic0])
                rhs[ic_node[k] - n0] += val
            for q in range(vc0, vc1):
                k = vc_order[q]
                val, ptr_vc[q - vc0] = wave_at(t_eval, wave_t, wave_y, vc_start[k], vc_count[k], vc_interp[k],
                                               ptr_vc[q - vc0])
                g = vc_g_uS[k]
                diag[vc_node[k] - n0] += g
                rhs[vc_node[k] - n0] += g * val
            hines_solve_fast(parent, offd, n0, n, diag, rhs, x, v, extrapolate)
    for i in range(n):
        if not math.isfinite(v[n0 + i]):
            return NONFINITE_VOLTAGE, n_steps
    return OK, n_steps


@kernel
def _record_other(r, kind, idx, rec_list_start, rec_list_count, rec_list, rec_list_w, rec_list_e, chan_pool, xstate,
                  area_cm2, chan_gmax, chan_law, chan_erev,
                  chan_z, chan_cin, chan_cout, chan_vt, chan_gate_start, chan_gate_count, gate_power,
                  vc_node, vc_g_uS, vc_start, vc_count, vc_interp, wave_t, wave_y, v, state, t):
    """An ion current density (kind 2, mA/cm2) or a voltage-clamp current (kind 3, nA) at time t."""
    if kind == 2:
        total = 0.0
        vv = v[idx]
        for jj in range(rec_list_start[r], rec_list_start[r] + rec_list_count[r]):
            ch = rec_list[jj]
            f = 1.0
            for k in range(chan_gate_start[ch], chan_gate_start[ch] + chan_gate_count[ch]):
                f *= state[k] ** gate_power[k]
            g = chan_gmax[ch] * f
            if chan_law[ch] == 0:
                total += rec_list_w[jj] * g * (vv - rec_list_e[jj])
            else:
                pl = chan_pool[ch]
                cin = xstate[pl] if pl >= 0 else chan_cin[ch]
                total += g * ghk_unit_density(vv, chan_z[ch], cin, chan_cout[ch], chan_vt[ch])
        return total * 1e-6 / area_cm2[idx]  # nA -> mA/cm2
    vc = wave_value(t, wave_t, wave_y, vc_start[idx], vc_count[idx], vc_interp[idx])
    return vc_g_uS[idx] * (vc - v[vc_node[idx]])  # nA delivered by the clamp


@kernel(nogil=True)
def integrate_cells(m, tabs, v, state, xstate, t0, dt, n_steps, cn, rec_every, out, damp, cells):
    """The cells (groups) listed in ``cells`` for n_steps, one after the other; (status, step)
    of the first that failed. Releases the GIL: :func:`integrate` runs parts on threads."""
    for q in range(cells.shape[0]):
        code, at = run_cell(cells[q], m, tabs, v, state, xstate, t0, dt, n_steps, cn, rec_every, out, damp)
        if code != OK:
            return code, at
    return OK, n_steps


def integrate(m, tabs, v, state, xstate, t0, dt, n_steps, cn, rec_every, out, damp, threads=None, cells=None):
    """Run every cell of the batch for ``n_steps`` steps of ``dt`` ms from ``t0``, cells in parallel.

    ``xstate`` holds the other state variables: [Ca2+] of every pool, then the available
    vesicle fraction and the transmitter concentration of every cleft.
    ``out`` has n_steps // rec_every + 1 rows (the first is the initial state);
    ``damp`` (int64 per cell, zeros at the start of a run) carries the damped
    Crank-Nicolson steps still owed from one call to the next.
    ``threads``: how many threads share the cells (None: :func:`ranvier.numerics.pool.default_threads`);
    ``cells``: only these cells (groups), in this order (None: all).
    Returns (status, step) of the first cell that failed, else (OK, n_steps).
    """
    if cells is None:
        cells = np.arange(m.cell_node_start.shape[0] - 1)
    return run_split(integrate_cells, (m, tabs, v, state, xstate, t0, dt, n_steps, cn, rec_every, out, damp),
                     cells, threads)
