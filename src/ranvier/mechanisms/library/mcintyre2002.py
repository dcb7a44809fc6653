"""Mammalian node of Ranvier: fast Na+, persistent Na+, slow K+ and leak (the "MRG" node).

McIntyre CC, Richardson AG, Grill WM (2002) Modeling the excitability of mammalian
nerve fibers: influence of afterpotentials on the recovery cycle. J Neurophysiol
87:995-1006, doi:10.1152/jn.00353.2001 (Appendix). The kinetics are those of the
human node (Schwarz JR, Reid G, Bostock H (1995) Pflugers Arch 430:283-292,
doi:10.1007/BF00374660) refitted by McIntyre et al. to rat and cat motor fibres.

The Appendix prints the rate constants at 36 degC (v in mV, rates in 1/ms)::

    fast Na+   I = gNaf m^3 h (v - ENa),  gNaf = 3.0 S/cm2
        alpha_m = 6.57 (v + 21.4) / (1 - exp(-(v + 21.4)/10.3))
        beta_m  = 0.304 (-(v + 25.7)) / (1 - exp((v + 25.7)/9.16))
        alpha_h = 0.34 (-(v + 114)) / (1 - exp((v + 114)/11))
        beta_h  = 12.6 / (1 + exp(-(v + 31.8)/13.4))
    persistent Na+   I = gNap p^3 (v - ENa),  gNap = 0.01 S/cm2
        alpha_p = 0.0353 (v + 27) / (1 - exp(-(v + 27)/10.2))
        beta_p  = 0.000883 (-(v + 34)) / (1 - exp((v + 34)/10))
    slow K+   I = gKs s (v - EK),  gKs = 0.08 S/cm2
        alpha_s = 0.3 / (1 + exp(-(v + 53)/5))
        beta_s  = 0.03 / (1 + exp(-(v + 90)/1))
    leak   I = gL (v - EL),  gL = 0.007 S/cm2,  EL = -90 mV
    nodal capacitance 2 uF/cm2, axoplasmic resistivity 70 ohm*cm.

The paper prints 20.4 mV in alpha_m; the authors' published implementation (ModelDB
accession 3810, AXNODE.mod), which produced the paper's figures, uses 21.4 mV, and
that is the value used here.

Temperature: the Appendix rates are the 20 degC rates of ModelDB 3810 multiplied by
Q10 = 2.2 (m, p) and 2.9 (h) over 16 degC (e.g. 1.86 x 2.2^1.6 = 6.57); s holds at
36 degC with Q10 = 3.0 (the Q10s and reference temperatures of ModelDB 3810, after
Schwarz et al. 1995). A
ranvier Channel has one Q10, so :func:`mrg_node_channels` folds each gate's own Q10
into its rates at the temperature asked for (exact there) and declares that
temperature as the channel's reference, with the activation gate's Q10 for small
departures from it. The module-level channels are built for 37 degC.

Reversal potentials: McIntyre et al. fix ENa = 50 mV and EK = -90 mV. Here the Na+
and K+ channels take the Nernst potentials of the cell's concentrations (ranvier's
default, ENa = +67 and EK = -89 mV at 37 degC; pass ``reversal_mV`` to the Cell for
the paper's values); the leak keeps its fixed EL = -90 mV.

Rest: a node membrane made of these four channels alone is bistable. Its
steady-state current crosses zero at -88 (stable), -83 (unstable) and -54 mV (stable)
with the default concentrations (-88, -81 and -62 mV with ENa = 50 mV): the fast Na+
window current outweighs slow K+ and leak between the last two. In McIntyre et al.'s
fibre the node rests at -80 mV because the paranodal axolemma (leak reversing at
-80 mV) is tied to it through the periaxonal space; :mod:`ranvier.myelin` builds
those paranodes. Use these channels on a node with its paranodes, not on their own.
"""

from __future__ import annotations

from ranvier.errors import check_positive, check_real
from ranvier.mechanisms.channel import Channel, Gate
from ranvier.mechanisms.forms import Linoid, Sigmoid

CITATION = (
    "McIntyre CC, Richardson AG, Grill WM (2002) J Neurophysiol 87:995-1006, doi:10.1152/jn.00353.2001 "
    "(node kinetics after Schwarz JR, Reid G, Bostock H (1995) Pflugers Arch 430:283-292, doi:10.1007/BF00374660)"
)

RATES_TEMP_DEGC = 36.0
"""Temperature (degC) at which the Appendix rates of McIntyre et al. (2002) hold."""

Q10_M = 2.2  # m and p (activation), McIntyre et al. 2002 / Schwarz et al. 1995
Q10_H = 2.9  # h (inactivation)
Q10_S = 3.0  # s (slow K+)

GNAF_S_CM2 = 3.0
GNAP_S_CM2 = 0.01
GKS_S_CM2 = 0.08
GL_S_CM2 = 0.007
EL_MV = -90.0
ENA_MV = 50.0
EK_MV = -90.0
"""The paper's fixed nodal reversal potentials (mV). They are part of the published parameter
set: with Nernst potentials of typical mammalian concentrations instead (ENa ~ +67 mV), the
persistent Na+ current makes the depolarising afterpotential cross threshold and a fibre
fires two to four spikes for one brief stimulus (measured), which real fibres do not. Pass
``e_na_mV=None, e_k_mV=None`` to follow the cell's concentrations instead."""
NODE_CM_UF_CM2 = 2.0
"""Nodal membrane capacitance (uF/cm2), McIntyre et al. 2002, Table 1."""
RA_OHM_CM = 70.0
"""Axoplasmic resistivity (ohm*cm), McIntyre et al. 2002, Table 1."""


def _phi(q10: float, temperature_degC: float) -> float:
    return float(q10 ** ((temperature_degC - RATES_TEMP_DEGC) / 10.0))


def mrg_naf(temperature_degC: float = 37.0, gbar_S_cm2: float = GNAF_S_CM2, name: str = "mrg_naf",
            e_na_mV: float | None = ENA_MV) -> Channel:
    """Fast Na+ channel m^3 h of the MRG node, rates exact at ``temperature_degC``."""
    t = check_real("temperature_degC", temperature_degC, "degC")
    fm, fh = _phi(Q10_M, t), _phi(Q10_H, t)
    return Channel(
        name=name,
        ion="na",
        gbar_S_cm2=check_positive("gbar_S_cm2", gbar_S_cm2, "S/cm2", allow_zero=True),
        e_rev_mV=e_na_mV,
        gates=(
            # a (v - v0) / (1 - exp(-(v - v0)/k)) = Linoid(a k, v0, k); a negative k mirrors it
            Gate("m", 3, alpha=Linoid(fm * 6.57 * 10.3, -21.4, 10.3), beta=Linoid(fm * 0.304 * 9.16, -25.7, -9.16)),
            Gate("h", 1, alpha=Linoid(fh * 0.34 * 11.0, -114.0, -11.0), beta=Sigmoid(fh * 12.6, -31.8, 13.4)),
        ),
        q10=Q10_M,
        reference_temp_degC=t,
        citation=CITATION,
    )


def mrg_nap(temperature_degC: float = 37.0, gbar_S_cm2: float = GNAP_S_CM2, name: str = "mrg_nap",
            e_na_mV: float | None = ENA_MV) -> Channel:
    """Persistent Na+ channel p^3 of the MRG node, rates exact at ``temperature_degC``."""
    t = check_real("temperature_degC", temperature_degC, "degC")
    fp = _phi(Q10_M, t)
    return Channel(
        name=name,
        ion="na",
        gbar_S_cm2=check_positive("gbar_S_cm2", gbar_S_cm2, "S/cm2", allow_zero=True),
        e_rev_mV=e_na_mV,
        gates=(Gate("p", 3, alpha=Linoid(fp * 0.0353 * 10.2, -27.0, 10.2), beta=Linoid(fp * 0.000883 * 10.0, -34.0, -10.0)),),
        q10=Q10_M,
        reference_temp_degC=t,
        citation=CITATION,
    )


def mrg_ks(temperature_degC: float = 37.0, gbar_S_cm2: float = GKS_S_CM2, name: str = "mrg_ks",
           e_k_mV: float | None = EK_MV) -> Channel:
    """Slow K+ channel s of the MRG node, rates exact at ``temperature_degC``."""
    t = check_real("temperature_degC", temperature_degC, "degC")
    fs = _phi(Q10_S, t)
    return Channel(
        name=name,
        ion="k",
        gbar_S_cm2=check_positive("gbar_S_cm2", gbar_S_cm2, "S/cm2", allow_zero=True),
        e_rev_mV=e_k_mV,
        gates=(Gate("s", 1, alpha=Sigmoid(fs * 0.3, -53.0, 5.0), beta=Sigmoid(fs * 0.03, -90.0, 1.0)),),
        q10=Q10_S,
        reference_temp_degC=t,
        citation=CITATION,
    )


def mrg_leak(g_S_cm2: float = GL_S_CM2, e_rev_mV: float = EL_MV, name: str = "mrg_leak") -> Channel:
    """Nodal leak of the MRG node: 7 mS/cm2 reversing at -90 mV."""
    return Channel(
        name=name,
        ion="nonspecific",
        gbar_S_cm2=check_positive("g_S_cm2", g_S_cm2, "S/cm2", allow_zero=True),
        e_rev_mV=e_rev_mV,
        q10=1.0,
        reference_temp_degC=RATES_TEMP_DEGC,
        citation=CITATION,
    )


def mrg_node_channels(temperature_degC: float = 37.0, scale: float = 1.0) -> tuple[Channel, ...]:
    """The four MRG nodal channels (fast Na+, persistent Na+, slow K+, leak) for ``temperature_degC``.

    ``scale`` multiplies every nodal conductance (e.g. for a membrane with a lower
    channel density than the node); 1 gives the published nodal densities.
    """
    k = check_positive("scale", scale, allow_zero=True)
    return (
        mrg_naf(temperature_degC, GNAF_S_CM2 * k),
        mrg_nap(temperature_degC, GNAP_S_CM2 * k),
        mrg_ks(temperature_degC, GKS_S_CM2 * k),
        mrg_leak(GL_S_CM2 * k),
    )


mrg_naf_37 = mrg_naf()
mrg_nap_37 = mrg_nap()
mrg_ks_37 = mrg_ks()
mrg_leak_node = mrg_leak()
