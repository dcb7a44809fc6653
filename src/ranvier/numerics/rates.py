"""Rate forms and gate updates, evaluated from rows of a table.

Form codes (p0, p1, p2 are the row's parameters, v in mV, rates in 1/ms):
  0  exponential  p0 * exp((v - p1) / p2)
  1  sigmoid      p0 / (1 + exp(-(v - p1) / p2))
  2  linoid       p0 * x / (1 - exp(-x)),  x = (v - p1) / p2   (safe at x = 0)
  3  constant     p0
Gate kinds: 0 = (alpha, beta) rates; 1 = (steady state, time constant in ms);
2 = ligand binding, alpha T and beta from row 0 (p0 = alpha in 1/(mM ms), p1 = beta),
with T the transmitter concentration of the gate's source (0 at rest); 3 = instantaneous
Mg2+ block 1 / (1 + exp(-v / p0) p1) with p1 = [Mg]o / Kd.
"""

from __future__ import annotations

import math

from ranvier.numerics.jit import kernel

FORM_EXP = 0
FORM_SIGMOID = 1
FORM_LINOID = 2
FORM_CONSTANT = 3

KIND_ALPHA_BETA = 0
KIND_INF_TAU = 1


@kernel(inline="always")
def rate_value(form, p0, p1, p2, v):
    if form == 0:
        return p0 * math.exp((v - p1) / p2)
    elif form == 1:
        return p0 / (1.0 + math.exp(-(v - p1) / p2))
    elif form == 2:
        x = (v - p1) / p2
        if abs(x) < 1e-6:
            return p0 * (1.0 + x * (0.5 + x / 12.0))  # x / (1 - e^-x) = 1 + x/2 + x^2/12 + O(x^4)
        return p0 * x / (-math.expm1(-x))
    else:
        return p0


@kernel(inline="always")
def gate_inf_rate(kind, form, par, v):
    """Steady state and total rate 1/tau (1/ms, before temperature scaling) of one gate type."""
    if kind == 2:  # ligand gate without transmitter (rest): closes at beta
        return 0.0, par[0, 1]
    if kind == 3:  # instantaneous Mg2+ block: 1 / (1 + exp(-v / k) [Mg]o / Kd)
        return 1.0 / (1.0 + math.exp(-v / par[0, 0]) * par[0, 1]), 1e9
    a = rate_value(form[0], par[0, 0], par[0, 1], par[0, 2], v)
    b = rate_value(form[1], par[1, 0], par[1, 1], par[1, 2], v)
    if kind == 0:
        s = a + b
        return a / s, s
    return a, 1.0 / b


@kernel
def update_gates(v, gate_node, gate_type, gate_phi, type_kind, type_form, type_par, state, dt):
    """Exponential Euler over ``dt`` (ms) for every gate instance, at the node voltages ``v``."""
    for k in range(state.shape[0]):
        gt = gate_type[k]
        inf, r = gate_inf_rate(type_kind[gt], type_form[gt], type_par[gt], v[gate_node[k]])
        state[k] = inf + (state[k] - inf) * math.exp(-dt * r * gate_phi[k])


@kernel
def steady_gates(v, gate_node, gate_type, type_kind, type_form, type_par, state):
    """Set every gate to its steady state at the node voltages ``v``."""
    for k in range(state.shape[0]):
        gt = gate_type[k]
        inf, r = gate_inf_rate(type_kind[gt], type_form[gt], type_par[gt], v[gate_node[k]])
        state[k] = inf
