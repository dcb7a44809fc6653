"""Mammalian cortical Na+ and K+ channels for 36-37 degC.

Pospischil M, Toledo-Rodriguez M, Monier C, Piwkowska Z, Bal T, Fregnac Y,
Markram H, Destexhe A (2008) Minimal Hodgkin-Huxley type models for different
classes of cortical and thalamic neurons. Biol Cybern 99:427-441,
doi:10.1007/s00422-008-0263-8. The kinetics are Traub & Miles (1991) as
reformulated there, with the threshold shift V_T = -56.2 mV of their regular
spiking cell, gNa = 56 mS/cm2 and gKd = 6 mS/cm2, at 36 degC. The paper gives no
Q10; ranvier uses 3 so that other temperatures remain usable (an assumption,
stated here so that it can be changed with ``.with_(q10=...)``).
"""

from ranvier.mechanisms.channel import Channel, Gate
from ranvier.mechanisms.forms import Exp, Linoid, Sigmoid

CITATION = (
    "Pospischil M et al. (2008) Biol Cybern 99:427-441. doi:10.1007/s00422-008-0263-8 "
    "(Traub RD, Miles R (1991) Neuronal Networks of the Hippocampus)"
)
VT_MV = -56.2


def traub_miles_na(vt_mV: float = VT_MV, gbar_S_cm2: float = 0.056) -> Channel:
    """Fast Na+ channel; ``vt_mV`` shifts all rates (mV)."""
    return Channel(
        name="tm_na",
        ion="na",
        gbar_S_cm2=gbar_S_cm2,
        gates=(
            # alpha_m = 0.32 (v - VT - 13) / (1 - exp(-(v - VT - 13)/4))
            # beta_m  = 0.28 (v - VT - 40) / (exp((v - VT - 40)/5) - 1)
            Gate("m", 3, alpha=Linoid(0.32 * 4.0, vt_mV + 13.0, 4.0), beta=Linoid(0.28 * 5.0, vt_mV + 40.0, -5.0)),
            # alpha_h = 0.128 exp(-(v - VT - 17)/18),  beta_h = 4 / (1 + exp(-(v - VT - 40)/5))
            Gate("h", 1, alpha=Exp(0.128, vt_mV + 17.0, -18.0), beta=Sigmoid(4.0, vt_mV + 40.0, 5.0)),
        ),
        q10=3.0,
        reference_temp_degC=36.0,
        citation=CITATION,
    )


def traub_miles_kd(vt_mV: float = VT_MV, gbar_S_cm2: float = 0.006) -> Channel:
    """Delayed-rectifier K+ channel; ``vt_mV`` shifts all rates (mV)."""
    return Channel(
        name="tm_kd",
        ion="k",
        gbar_S_cm2=gbar_S_cm2,
        gates=(
            # alpha_n = 0.032 (v - VT - 15) / (1 - exp(-(v - VT - 15)/5)),  beta_n = 0.5 exp(-(v - VT - 10)/40)
            Gate("n", 4, alpha=Linoid(0.032 * 5.0, vt_mV + 15.0, 5.0), beta=Exp(0.5, vt_mV + 10.0, -40.0)),
        ),
        q10=3.0,
        reference_temp_degC=36.0,
        citation=CITATION,
    )


tm_na = traub_miles_na()
tm_kd = traub_miles_kd()
