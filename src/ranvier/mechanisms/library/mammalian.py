"""A mammalian channel set for central neurons and myelinated axons, declared as data.

Every channel here is built from the standard rate forms (:mod:`ranvier.mechanisms.forms`);
nothing is compiled per channel. Each one states its source, the temperature its rates hold
at (``reference_temp_degC``) and its Q10, so that it can be used at 37 degC or at the
temperature of the recordings it was fitted to. The gates are written in one of two shapes:

* the **functional forms of a published model**, with the parameters the authors fitted
  (stated per channel), or
* the **thermodynamic (Borg-Graham) form**, alpha = r exp(+(v - V)/(k/a)),
  beta = r exp(-(v - V)/(k/(1 - a))), which gives an exact Boltzmann steady state
  1/(1 + exp(-(v - V)/k)) and a bell-shaped time constant whose peak 1/(2r) lies at V when
  a = 1/2 (Destexhe A, Huguenard JR (2000) J Comput Neurosci 9:259-270,
  doi:10.1023/A:1026535704537). It lets a measured midpoint, slope and time constant be
  written down directly.

What a measurement reports and what a gate declares differ for gates raised to a power:
a conductance-voltage (G-V) curve is m_inf**p, so an m**3 channel's G-V midpoint lies
1.35 k positive of m's own midpoint. The tests in tests/physiology/test_mammalian_channels.py
measure the G-V (m_inf**p) and availability (h_inf) curves of these declarations and compare
them with the published bands.

Channels (name: what it is; where it sits in a cortical pyramidal neuron or myelinated axon)

* ``nav16``: Nav1.6, distal AIS and nodes of Ranvier. Activation of the human nodal Na+
  channel (Schwarz et al. 1995, as used by McIntyre et al. 2002), which is Nav1.6 (Caldwell
  JH et al. (2000) PNAS 97:5616, doi:10.1073/pnas.090034797); inactivation re-centred to
  the availability midpoint measured for Nav1.6 in neurones.
* ``nav12``: Nav1.2, soma and proximal AIS: the same forms, activation +10 mV and
  availability +5 mV relative to Nav1.6 (Rush et al. 2005; Hu et al. 2009).
* ``nap``: persistent Na+ current.
* ``kv1``: Kv1 (D-type), AIS and juxtaparanodes; 4-aminopyridine-sensitive.
* ``kv3``: Kv3, fast repolarisation; high-threshold, fast; TEA-sensitive at < 1 mM.
* ``km``: Kv7/M-current, slow, subthreshold; adaptation and the medium afterhyperpolarisation.
* ``ih``: HCN, hyperpolarisation-activated cation current.
* ``kir``: inward rectifier K+ (Kir2), instantaneous.
* ``cat``: T-type (Cav3) Ca2+ current, GHK.
* ``cav2``: presynaptic HVA (P/Q-, N-type) Ca2+ current, fast, GHK.
* ``hva_ca``: the HVA Ca2+ channel of :mod:`ranvier.mechanisms.library.reuveni1993`.

Left for later (they need a Ca2+-dependent gate, which the current gate forms cannot
declare; issue 12): BK (Kca1.1, fast AHP) and SK (Kca2, medium AHP).

Densities given as defaults are the ones the seed circuit uses for a soma; each place that
paints a channel sets its own ``gbar_S_cm2``.
"""

from __future__ import annotations

from ranvier.errors import RanvierError, check_positive, check_real
from ranvier.mechanisms.channel import Channel, Gate
from ranvier.mechanisms.forms import Constant, Exp, Linoid, Sigmoid

# ---------------------------------------------------------------------------- citations

SCHWARZ_1995 = ("Schwarz JR, Reid G, Bostock H (1995) Pflugers Arch 430:283-292, doi:10.1007/BF00374660; "
                "rates as in McIntyre CC, Richardson AG, Grill WM (2002) J Neurophysiol 87:995-1006, "
                "doi:10.1152/jn.00353.2001")
RUSH_2005 = ("Rush AM, Dib-Hajj SD, Waxman SG (2005) J Physiol 564:803-815, doi:10.1113/jphysiol.2005.083089")
HU_2009 = ("Hu W, Tian C, Li T, Yang M, Hou H, Shu Y (2009) Nat Neurosci 12:996-1002, doi:10.1038/nn.2359")
MAGISTRETTI_1999 = ("Magistretti J, Alonso A (1999) J Gen Physiol 114:491-509, doi:10.1085/jgp.114.4.491; "
                    "French CR, Sah P, Buckett KJ, Gage PW (1990) J Gen Physiol 95:1139-1157, doi:10.1085/jgp.95.6.1139")
KV1_SOURCE = ("Kole MHP, Letzkus JJ, Stuart GJ (2007) Neuron 55:633-647, doi:10.1016/j.neuron.2007.07.031; "
              "Storm JF (1988) Nature 336:379-381, doi:10.1038/336379a0")
KV3_SOURCE = ("Rudy B, McBain CJ (2001) Trends Neurosci 24:517-526, doi:10.1016/S0166-2236(00)01892-0; "
              "Lien CC, Jonas P (2003) J Neurosci 23:2058-2068, doi:10.1523/JNEUROSCI.23-06-02058.2003")
KM_SOURCE = ("Adams PR, Brown DA, Constanti A (1982) J Physiol 330:537-572, doi:10.1113/jphysiol.1982.sp014357; "
             "Wang HS et al. (1998) Science 282:1890-1893, doi:10.1126/science.282.5395.1890")
IH_SOURCE = ("Magee JC (1998) J Neurosci 18:7613-7624, doi:10.1523/JNEUROSCI.18-19-07613.1998; "
             "Kole MHP, Hallermann S, Stuart GJ (2006) J Neurosci 26:1677-1687, doi:10.1523/JNEUROSCI.3664-05.2006")
KIR_SOURCE = ("Hille B (2001) Ion Channels of Excitable Membranes, 3rd ed., ch. 5 (inward rectifiers); "
              "Day M et al. (2005) J Neurosci 25:8776-8787, doi:10.1523/JNEUROSCI.2650-05.2005")
CAT_SOURCE = ("Huguenard JR, McCormick DA (1992) J Neurophysiol 68:1373-1383, doi:10.1152/jn.1992.68.4.1373; "
              "Huguenard JR (1996) Annu Rev Physiol 58:329-348, doi:10.1146/annurev.ph.58.030196.001553")
BORG_GRAHAM = "thermodynamic form: Destexhe A, Huguenard JR (2000) J Comput Neurosci 9:259-270, doi:10.1023/A:1026535704537"


def thermodynamic_gate(name: str, power: int, v_half_mV: float, k_mV: float, tau_peak_ms: float,
                       asymmetry: float = 0.5) -> Gate:
    """A gate with Boltzmann steady state 1/(1 + exp(-(v - v_half_mV)/k_mV)) (k > 0 opens with
    depolarisation, k < 0 with hyperpolarisation) and time constant 1/(alpha + beta), whose value
    at ``v_half_mV`` is ``tau_peak_ms`` (ms, at the channel's reference temperature).

    ``asymmetry`` in (0, 1) is the share of the voltage dependence carried by the opening rate.
    """
    v0 = check_real("v_half_mV", v_half_mV, "mV")
    k = check_real("k_mV", k_mV, "mV")
    tau = check_positive("tau_peak_ms", tau_peak_ms, "ms")
    a = check_real("asymmetry", asymmetry)
    if not 0.0 < a < 1.0 or k == 0.0:
        raise RanvierError(f"asymmetry must be in (0, 1) and k_mV non-zero, got {a!r}, {k!r}")
    r = 1.0 / (2.0 * tau)
    return Gate(name, power, alpha=Exp(r, v0, k / a), beta=Exp(r, v0, -k / (1.0 - a)))


# ---------------------------------------------------------------------------- Na+ channels

NAV_REFERENCE_TEMP_DEGC = 36.0
NAV_Q10 = 2.2
NAV16_GV_HALF_MV = -38.0
"""Midpoint (mV) of Nav1.6's conductance-voltage curve (m_inf**3)."""
NAV_M_SLOPE_MV = 6.0
"""Slope (mV) of the activation gate m; m**3 then has a Boltzmann-fit slope near 5 mV and a foot
that falls e-fold per 2 mV below threshold, as measured (a shallower foot, such as the nodal fit's,
gives a window current that fires an AIS or a node on its own once inactivation is re-centred)."""
NAV_M_TAU_PEAK_MS = 0.05
"""Largest activation time constant (ms, at 36 degC), as for the human nodal channel (Schwarz et al.
1995 rates give 0.05 ms near -40 mV at 36 degC)."""
NAV16_H_SHIFT_MV = 14.0
"""Shift (mV) of the Schwarz/McIntyre nodal inactivation gate that puts Nav1.6's availability
midpoint at -62.5 mV, inside the range measured for neuronal Nav1.6 (see the tests); the nodal
fit's -76.5 mV would leave an AIS resting at -70 mV with a quarter of its channels."""
NAV12_H_RATE_SCALE = 0.4
"""Factor on the nodal inactivation rates for Nav1.2: the human node (Nav1.6) inactivates in 0.09 ms
at 0 mV and 37 degC, somatic Na+ channels of central neurones about 2-3x more slowly (see the
tests); 0.4 gives 0.23 ms."""
NAV_S_HALF_MV = -55.0
NAV_S_SLOPE_MV = -6.0
NAV_S_TAU_PEAK_MS = 1000.0
"""Slow inactivation s (a second, slow inactivation gate: open probability m**3 h s): half-available near
-55 mV, developing and recovering over about a second at room temperature (Fleidervish IA, Gutnick MJ
(1996) J Physiol 493:83-97, doi:10.1113/jphysiol.1996.sp021366; Mickus T, Jung H, Spruston N (1999)
Biophys J 76:846-860, doi:10.1016/S0006-3495(99)77248-6). It is what keeps a depolarised neurone (high
external K+) inexcitable instead of firing on its own; at rest it removes a few per cent of the channels.
Its rates hold at 22 degC and are rescaled to the channel's reference temperature with the channel's Q10."""
NAV12_M_SHIFT_MV = 10.0
NAV12_H_SHIFT_MV = 5.0


def _nav(name: str, gbar_S_cm2: float, gv_half_mV: float, h_shift_mV: float, citation: str,
         h_rate_scale: float = 1.0) -> Channel:
    dh = h_shift_mV
    # m_inf**3 = 1/2 where m_inf = 2**(-1/3): m's own midpoint lies k ln(1/(2**(1/3) - 1)) below the G-V midpoint
    m_half = gv_half_mV - NAV_M_SLOPE_MV * 1.3493
    return Channel(
        name=name,
        ion="na",
        gbar_S_cm2=check_positive("gbar_S_cm2", gbar_S_cm2, "S/cm2", allow_zero=True),
        gates=(
            thermodynamic_gate("m", 3, m_half, NAV_M_SLOPE_MV, NAV_M_TAU_PEAK_MS),
            # human node, 36 degC (McIntyre et al. 2002 Appendix), shifted by dh:
            # alpha_h = 0.34 (-(v + 114))/(1 - exp((v + 114)/11)), beta_h = 12.6/(1 + exp(-(v + 31.8)/13.4))
            Gate("h", 1, alpha=Linoid(h_rate_scale * 0.34 * 11.0, -114.0 + dh, -11.0),
                 beta=Sigmoid(h_rate_scale * 12.6, -31.8 + dh, 13.4)),
            thermodynamic_gate("s", 1, NAV_S_HALF_MV, NAV_S_SLOPE_MV,
                               NAV_S_TAU_PEAK_MS / NAV_Q10 ** ((NAV_REFERENCE_TEMP_DEGC - 22.0) / 10.0)),
        ),
        q10=NAV_Q10,
        reference_temp_degC=NAV_REFERENCE_TEMP_DEGC,
        citation=citation,
    )


def nav16_channel(gbar_S_cm2: float = 0.5) -> Channel:
    """Nav1.6 (SCN8A): m**3 h with nodal activation kinetics; distal AIS and nodes of Ranvier."""
    return _nav("nav16", gbar_S_cm2, NAV16_GV_HALF_MV, NAV16_H_SHIFT_MV,
                f"{SCHWARZ_1995}; midpoints: {RUSH_2005}; {HU_2009}; activation in the {BORG_GRAHAM}")


def nav12_channel(gbar_S_cm2: float = 0.02) -> Channel:
    """Nav1.2 (SCN2A): Nav1.6's forms with activation +10 mV and availability +5 mV; soma, proximal AIS."""
    return _nav("nav12", gbar_S_cm2, NAV16_GV_HALF_MV + NAV12_M_SHIFT_MV, NAV16_H_SHIFT_MV + NAV12_H_SHIFT_MV,
                f"{SCHWARZ_1995}; shifts: {RUSH_2005}; {HU_2009}; activation in the {BORG_GRAHAM}",
                NAV12_H_RATE_SCALE)


def nap_channel(gbar_S_cm2: float = 5e-5) -> Channel:
    """Persistent Na+ current: non-inactivating, activating 10-20 mV below the transient current."""
    return Channel(
        name="nap", ion="na", gbar_S_cm2=check_positive("gbar_S_cm2", gbar_S_cm2, "S/cm2", allow_zero=True),
        gates=(thermodynamic_gate("p", 1, -52.0, 5.0, 0.5),),
        q10=2.5, reference_temp_degC=22.0, citation=f"{MAGISTRETTI_1999}; {BORG_GRAHAM}",
    )


# ---------------------------------------------------------------------------- K+ channels


def kv1_channel(gbar_S_cm2: float = 0.0) -> Channel:
    """Kv1 (Kv1.1/1.2, D-type): low-threshold, 4-AP-sensitive; m (fast) and h (slow, seconds) gates."""
    return Channel(
        name="kv1", ion="k", gbar_S_cm2=check_positive("gbar_S_cm2", gbar_S_cm2, "S/cm2", allow_zero=True),
        gates=(thermodynamic_gate("m", 1, -43.0, 8.0, 3.0),
               thermodynamic_gate("h", 1, -65.0, -7.0, 3000.0)),
        q10=2.3, reference_temp_degC=33.0, citation=f"{KV1_SOURCE}; {BORG_GRAHAM}",
    )


def kv3_channel(gbar_S_cm2: float = 0.0) -> Channel:
    """Kv3 (Kv3.1/3.2): high-threshold, fast-activating and fast-deactivating; TEA-sensitive."""
    return Channel(
        name="kv3", ion="k", gbar_S_cm2=check_positive("gbar_S_cm2", gbar_S_cm2, "S/cm2", allow_zero=True),
        gates=(thermodynamic_gate("n", 1, 10.0, 8.5, 3.0),),
        q10=3.0, reference_temp_degC=22.0, citation=f"{KV3_SOURCE}; {BORG_GRAHAM}",
    )


def km_channel(gbar_S_cm2: float = 0.0) -> Channel:
    """Kv7/M-current (KCNQ2/3): subthreshold, slow, non-inactivating."""
    return Channel(
        name="km", ion="k", gbar_S_cm2=check_positive("gbar_S_cm2", gbar_S_cm2, "S/cm2", allow_zero=True),
        gates=(thermodynamic_gate("n", 1, -35.0, 9.0, 150.0),),
        q10=3.0, reference_temp_degC=23.0, citation=f"{KM_SOURCE}; {BORG_GRAHAM}",
    )


IH_E_REV_MV = -45.0
"""Reversal potential of Ih (mV): Kole et al. (2006) measured -45 mV in L5 pyramidal neurons
(Na+:K+ permeability about 1:4)."""


def ih_channel(gbar_S_cm2: float = 0.0, e_rev_mV: float = IH_E_REV_MV) -> Channel:
    """HCN (Ih): a cation current opened by hyperpolarisation, slowly, reversing near -45 mV."""
    return Channel(
        name="ih", ion="nonspecific", e_rev_mV=e_rev_mV,
        gbar_S_cm2=check_positive("gbar_S_cm2", gbar_S_cm2, "S/cm2", allow_zero=True),
        gates=(thermodynamic_gate("q", 1, -90.0, -8.5, 80.0),),
        q10=3.0, reference_temp_degC=23.0, citation=f"{IH_SOURCE}; {BORG_GRAHAM}",
    )


def kir_channel(gbar_S_cm2: float = 0.0) -> Channel:
    """Inward rectifier K+ (Kir2): conducts below about -80 mV, blocked (Mg2+, polyamines) above."""
    return Channel(
        name="kir", ion="k", gbar_S_cm2=check_positive("gbar_S_cm2", gbar_S_cm2, "S/cm2", allow_zero=True),
        # block and unblock are fast next to the membrane (< 1 ms): an almost instantaneous gate
        gates=(Gate("m", 1, inf=Sigmoid(1.0, -80.0, -10.0), tau=Constant(0.1)),),
        q10=1.5, reference_temp_degC=22.0, citation=KIR_SOURCE,
    )


# ---------------------------------------------------------------------------- Ca2+ channels


def cat_channel(permeability_cm_s: float = 0.0) -> Channel:
    """T-type Ca2+ (Cav3): m**2 h, low-threshold, inactivating; GHK current."""
    return Channel(
        name="cat", ion="ca",
        permeability_cm_s=check_positive("permeability_cm_s", permeability_cm_s, "cm/s", allow_zero=True),
        # Huguenard & McCormick (1992): m_inf V1/2 -57 mV, k 6.2 mV; h_inf V1/2 -81 mV, k 4 mV; tau_m about
        # 1-2 ms and tau_h about 20-30 ms over -50 to 0 mV (24 degC). Constant time constants keep those
        # plateaus (recovery below -80 mV, slower in the data, is not modelled).
        gates=(Gate("m", 2, inf=Sigmoid(1.0, -57.0, 6.2), tau=Constant(1.5)),
               Gate("h", 1, inf=Sigmoid(1.0, -81.0, -4.0), tau=Constant(25.0))),
        q10=3.0, reference_temp_degC=24.0, citation=CAT_SOURCE,
    )


CAV2_SOURCE = ("Borst JGG, Sakmann B (1998) J Physiol 506:143-157, doi:10.1111/j.1469-7793.1998.143bx.x; "
               "Li L, Bischofberger J, Jonas P (2007) J Neurosci 27:13420-13429, doi:10.1523/JNEUROSCI.1709-07.2007")


def cav2_channel(permeability_cm_s: float = 0.0) -> Channel:
    """Presynaptic HVA Ca2+ (Cav2.1/2.2, P/Q- and N-type): m**2, fast, no inactivation within a spike; GHK."""
    return Channel(
        name="cav2", ion="ca",
        permeability_cm_s=check_positive("permeability_cm_s", permeability_cm_s, "cm/s", allow_zero=True),
        # G-V midpoint -15 mV (m's own -20.3 mV), slope of m 6 mV; activation within ~0.3 ms at room temperature
        gates=(thermodynamic_gate("m", 2, -15.0 - 6.0 * 0.8814, 6.0, 0.3),),
        q10=2.5, reference_temp_degC=24.0, citation=f"{CAV2_SOURCE}; {BORG_GRAHAM}",
    )


nav16 = nav16_channel()
nav12 = nav12_channel()
nap = nap_channel()
kv1 = kv1_channel()
kv3 = kv3_channel()
km = km_channel()
ih = ih_channel()
kir = kir_channel()
cat = cat_channel()
cav2 = cav2_channel()

MAMMALIAN = (nav16, nav12, nap, kv1, kv3, km, ih, kir, cat, cav2)
LEFT_FOR_LATER = {
    "bk": "BK (KCa1.1): opens with Ca2+ and voltage together; needs a Ca2+-dependent gate (issue 12)",
    "sk": "SK (KCa2): opens with Ca2+ alone; needs a Ca2+-dependent gate (issue 12)",
}
