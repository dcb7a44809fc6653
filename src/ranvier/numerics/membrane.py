"""Membrane currents of channel instances, linearised for the implicit step.

Conventions: node currents in nA, conductances in uS, voltages in mV, outward
current positive. Law 0 is ohmic, i = g (v - E); law 1 is the Goldman-Hodgkin-Katz
current equation scaled by a permeability times area (``gmax`` then holds
P[cm/s] * area[cm2] * 1e6, so that the unit-permeability density in mA/cm2 times
``gmax`` is in nA).
"""

from __future__ import annotations

import math

from ranvier.numerics.jit import kernel

FARADAY = 96485.33212331001  # C/mol, exact in the 2019 SI (e * N_A)
GHK_DV_MV = 1e-3  # finite-difference step for the GHK slope conductance (mV), as NEURON uses

LAW_OHMIC = 0
LAW_GHK = 1


@kernel(inline="always")
def ghk_unit_density(v, z, cin, cout, vt):
    """GHK current density (mA/cm2) for a permeability of 1 cm/s; ``vt`` = RT/F in mV."""
    xi = z * v / vt
    if abs(xi) < 1e-9:
        w = 1.0 + 0.5 * xi
    else:
        w = xi / (-math.expm1(-xi))
    return 1e-3 * z * FARADAY * w * (cin - cout * math.exp(-xi))


@kernel(inline="always")
def open_fraction(c, chan_gate_start, chan_gate_count, gate_power, state):
    f = 1.0
    for j in range(chan_gate_start[c], chan_gate_start[c] + chan_gate_count[c]):
        p = gate_power[j]
        s = state[j]
        if p == 1:
            f *= s
        elif p == 2:
            f *= s * s
        elif p == 3:
            f *= s * s * s
        elif p == 4:
            s2 = s * s
            f *= s2 * s2
        else:
            f *= s**p
    return f


@kernel
def accumulate_membrane(v, m, state, g_sum, e_sum):
    """Linearised membrane current per node: I(v') ~= g_sum * v' - e_sum (nA)."""
    for i in range(g_sum.shape[0]):
        g_sum[i] = 0.0
        e_sum[i] = 0.0
    for c in range(m.chan_node.shape[0]):
        node = m.chan_node[c]
        g = m.chan_gmax[c] * open_fraction(c, m.chan_gate_start, m.chan_gate_count, m.gate_power, state)
        if m.chan_law[c] == 0:
            g_sum[node] += g
            e_sum[node] += g * m.chan_erev[c]
        else:
            vv = v[node]
            i0 = g * ghk_unit_density(vv, m.chan_z[c], m.chan_cin[c], m.chan_cout[c], m.chan_vt[c])
            i1 = g * ghk_unit_density(vv + GHK_DV_MV, m.chan_z[c], m.chan_cin[c], m.chan_cout[c], m.chan_vt[c])
            di = (i1 - i0) / GHK_DV_MV
            g_sum[node] += di
            e_sum[node] += di * vv - i0
