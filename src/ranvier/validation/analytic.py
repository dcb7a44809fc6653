"""Analytic solution of the passive sealed-end cable driven by a current step (Rallpacks 1 and 2).

A uniform passive cylinder of electrotonic length L, sealed at both ends, at rest
(V = Em) until t = 0, when a constant current I0 starts flowing into the X = 0 end.
With X = x/lambda, T = t/tau, r_i = 4 Ra / (pi d^2) (axial resistance per length),
lambda = sqrt(Rm d / (4 Ra)) and tau = Rm Cm, separation of variables gives
(Bhalla, Bilitch & Bower 1992, Trends Neurosci 15:453, Rallpack 1; Rall 1977):

    V(X,T) - Em = I0 r_i lambda [ cosh(L-X)/sinh(L) - exp(-T)/L
                  - (2/L) sum_{n>=1} cos(n pi X/L) exp(-(1 + (n pi/L)^2) T) / (1 + (n pi/L)^2) ]

The first term is the steady state, the second the uniform (n = 0) mode and the
series the spatially varying modes.

Series truncation
-----------------
The n-th term is bounded by  a_n = exp(-(1 + k^2 n^2) T) / (1 + k^2 n^2)  with k = pi/L,
so the tail after N terms is bounded by

    sum_{n>N} a_n <= exp(-T) exp(-k^2 (N+1)^2 T) / (k^2 N)        (using sum_{n>N} 1/n^2 <= 1/N).

Terms are added in blocks of 256 until this bound, times the prefactor
(2/L) I0 r_i lambda, is below ``tol_mV`` (default 1e-12 mV) for every requested
time. The number of terms therefore grows like sqrt(ln(1/tol)/T)/k: about 60 terms at
t = 0.05 ms on Rallpack 1 (tau = 40 ms, L = 1), about 3 on Rallpack 2 (L = 0.08).
At T = 0 the series is only conditionally useful (it sums to the steady state minus
1/L, slowly, like 1/n^2), so t <= 0 is handled exactly instead: the cable is at rest
before and at the onset of the step, V = Em. If a positive time is so small that more
than ``max_terms`` terms would be needed (t below ~1e-9 ms for Rallpack 1), a
RanvierError is raised rather than returning an unconverged value.

Rounding: each term is computed in float64, so the result carries ~1e-13 mV of
rounding on top of the truncation bound.
"""

from __future__ import annotations

import math

import numpy as np

from ranvier.errors import RanvierError, check_int, check_positive, check_real

__all__ = ["CableConstants", "cable_constants", "sealed_cable_mV", "sealed_cable_steady_mV"]

BLOCK = 256


class CableConstants:
    """Derived constants of a uniform passive cylinder.

    Attributes: ``lambda_um`` (length constant), ``tau_ms`` (membrane time constant),
    ``electrotonic_length`` (L = length/lambda), ``ri_ohm_per_cm`` (axial resistance
    per unit length) and ``scale_mV`` (I0 r_i lambda, the voltage unit of the solution).
    """

    __slots__ = ("lambda_um", "tau_ms", "electrotonic_length", "ri_ohm_per_cm", "scale_mV")

    def __init__(self, lambda_um: float, tau_ms: float, electrotonic_length: float, ri_ohm_per_cm: float,
                 scale_mV: float) -> None:
        self.lambda_um = lambda_um
        self.tau_ms = tau_ms
        self.electrotonic_length = electrotonic_length
        self.ri_ohm_per_cm = ri_ohm_per_cm
        self.scale_mV = scale_mV

    def __repr__(self) -> str:
        return (f"CableConstants(lambda_um={self.lambda_um:g}, tau_ms={self.tau_ms:g}, "
                f"electrotonic_length={self.electrotonic_length:g}, ri_ohm_per_cm={self.ri_ohm_per_cm:g}, "
                f"scale_mV={self.scale_mV:g})")


def cable_constants(*, length_um: float, diam_um: float, Ra_ohm_cm: float, rm_ohm_cm2: float, cm_uF_cm2: float,
                    i0_nA: float = 0.0) -> CableConstants:
    """lambda, tau, L, r_i and I0 r_i lambda for a cylinder (inputs in um, ohm cm, ohm cm2, uF/cm2, nA)."""
    length_cm = check_positive("length_um", length_um, "um") * 1e-4
    d_cm = check_positive("diam_um", diam_um, "um") * 1e-4
    Ra = check_positive("Ra_ohm_cm", Ra_ohm_cm, "ohm cm")
    Rm = check_positive("rm_ohm_cm2", rm_ohm_cm2, "ohm cm2")
    Cm = check_positive("cm_uF_cm2", cm_uF_cm2, "uF/cm2")
    i0 = check_real("i0_nA", i0_nA, "nA")
    lam_cm = math.sqrt(Rm * d_cm / (4.0 * Ra))
    ri = 4.0 * Ra / (math.pi * d_cm**2)  # ohm / cm
    tau_ms = Rm * Cm * 1e-6 * 1e3  # ohm cm2 * uF/cm2 -> s -> ms
    scale_mV = i0 * 1e-9 * ri * lam_cm * 1e3  # A * ohm -> V -> mV
    return CableConstants(lam_cm * 1e4, tau_ms, length_cm / lam_cm, ri, scale_mV)


def sealed_cable_steady_mV(x_um, *, length_um: float, diam_um: float, Ra_ohm_cm: float, rm_ohm_cm2: float,
                           cm_uF_cm2: float, i0_nA: float, em_mV: float) -> np.ndarray:
    """The t -> infinity limit: Em + I0 r_i lambda cosh(L - X) / sinh(L) (mV)."""
    c = cable_constants(length_um=length_um, diam_um=diam_um, Ra_ohm_cm=Ra_ohm_cm, rm_ohm_cm2=rm_ohm_cm2,
                        cm_uF_cm2=cm_uF_cm2, i0_nA=i0_nA)
    em = check_real("em_mV", em_mV, "mV")
    X = _positions(x_um, length_um) / c.lambda_um
    L = c.electrotonic_length
    return em + c.scale_mV * np.cosh(L - X) / np.sinh(L)


def sealed_cable_mV(t_ms, x_um, *, length_um: float, diam_um: float, Ra_ohm_cm: float, rm_ohm_cm2: float,
                    cm_uF_cm2: float, i0_nA: float, em_mV: float, tol_mV: float = 1e-12,
                    max_terms: int = 1_000_000) -> np.ndarray:
    """Membrane potential (mV) of a sealed-end passive cable after a current step at x = 0.

    Parameters
    ----------
    t_ms : float or array_like
        Times after the step onset (ms). ``t <= 0`` gives ``em_mV`` exactly (at rest).
    x_um : float or array_like
        Positions along the cable (um), 0 (injection end) to ``length_um``; broadcast against ``t_ms``.
    length_um, diam_um : float
        Cable length and diameter (um).
    Ra_ohm_cm : float
        Axial resistivity (ohm cm).
    rm_ohm_cm2 : float
        Specific membrane resistance (ohm cm2) = 1 / leak conductance (S/cm2).
    cm_uF_cm2 : float
        Specific membrane capacitance (uF/cm2).
    i0_nA : float
        Injected current (nA, positive into the cell) from t = 0 on.
    em_mV : float
        Resting (leak reversal) potential (mV), also the initial potential.
    tol_mV : float
        Bound on the truncation error of the series (mV); see the module docstring.
    max_terms : int
        Give up (RanvierError) if more series terms than this would be needed.

    Returns
    -------
    numpy.ndarray
        V in mV with the broadcast shape of ``t_ms`` and ``x_um``.
    """
    c = cable_constants(length_um=length_um, diam_um=diam_um, Ra_ohm_cm=Ra_ohm_cm, rm_ohm_cm2=rm_ohm_cm2,
                        cm_uF_cm2=cm_uF_cm2, i0_nA=i0_nA)
    em = check_real("em_mV", em_mV, "mV")
    tol = check_positive("tol_mV", tol_mV, "mV")
    nmax = check_int("max_terms", max_terms, 1)
    try:
        t = np.asarray(t_ms, dtype=float)
    except (TypeError, ValueError):
        raise RanvierError(f"t_ms must be a number or an array of numbers (ms), got {t_ms!r}") from None
    if not np.all(np.isfinite(t)):
        raise RanvierError("t_ms must contain only finite times (ms)")
    X = _positions(x_um, length_um) / c.lambda_um
    t, X = np.broadcast_arrays(t, X)
    L = c.electrotonic_length
    T = t / c.tau_ms
    out = np.full(t.shape, em, dtype=float)
    on = T > 0
    if not np.any(on):
        return out
    Tp = T[on]
    Xp = X[on]
    k = math.pi / L
    bracket = np.cosh(L - Xp) / np.sinh(L) - np.exp(-Tp) / L
    series = np.zeros_like(Tp)
    pref = abs(c.scale_mV) * 2.0 / L
    tmin = float(Tp.min())
    n0 = 1
    while True:
        n = np.arange(n0, n0 + BLOCK, dtype=float)
        kn2 = (k * n) ** 2
        # (times, terms) block; ordered smallest terms last for a tidy sum
        terms = np.cos(np.multiply.outer(Xp, k * n)) * np.exp(-np.multiply.outer(Tp, 1.0 + kn2)) / (1.0 + kn2)
        series += terms.sum(axis=1)
        N = n0 + BLOCK - 1
        tail = pref * math.exp(-tmin) * math.exp(-(k * (N + 1)) ** 2 * tmin) / (k * k * N)
        if tail <= tol:
            break
        n0 = N + 1
        if N >= nmax:
            raise RanvierError(
                f"the cable series did not converge to {tol:g} mV within {nmax} terms at t = {tmin * c.tau_ms:g} ms; "
                "times this close to the step onset need too many terms (raise max_terms or tol_mV)"
            )
    out[on] = em + c.scale_mV * (bracket - (2.0 / L) * series)
    return out


def _positions(x_um, length_um: float) -> np.ndarray:
    try:
        x = np.asarray(x_um, dtype=float)
    except (TypeError, ValueError):
        raise RanvierError(f"x_um must be a number or an array of numbers (um), got {x_um!r}") from None
    Lum = float(length_um)
    if not np.all(np.isfinite(x)) or np.any(x < 0) or np.any(x > Lum * (1 + 1e-12)):
        raise RanvierError(f"x_um must lie on the cable, in [0, {Lum:g}] um, got {x_um!r}")
    return x
