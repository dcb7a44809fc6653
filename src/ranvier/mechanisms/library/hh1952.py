"""Hodgkin & Huxley (1952) squid giant axon, J Physiol 117:500-544, doi:10.1113/jphysiol.1952.sp004764.

Rates are in the modern convention with v the absolute membrane potential and
rest at -65 mV (as in NEURON's hh.mod): HH measured depolarisation from rest with
the opposite sign. Rates hold at 6.3 degC and scale with Q10 = 3 (HH 1952, p. 519).
"""

from ranvier.mechanisms.channel import Channel, Gate
from ranvier.mechanisms.forms import Exp, Linoid, Sigmoid

CITATION = "Hodgkin AL, Huxley AF (1952) J Physiol 117:500-544. doi:10.1113/jphysiol.1952.sp004764"

hh_na = Channel(
    name="hh_na",
    ion="na",
    gbar_S_cm2=0.120,
    gates=(
        # alpha_m = 0.1 (v + 40) / (1 - exp(-(v + 40)/10)),  beta_m = 4 exp(-(v + 65)/18)
        Gate("m", 3, alpha=Linoid(1.0, -40.0, 10.0), beta=Exp(4.0, -65.0, -18.0)),
        # alpha_h = 0.07 exp(-(v + 65)/20),  beta_h = 1 / (1 + exp(-(v + 35)/10))
        Gate("h", 1, alpha=Exp(0.07, -65.0, -20.0), beta=Sigmoid(1.0, -35.0, 10.0)),
    ),
    q10=3.0,
    reference_temp_degC=6.3,
    citation=CITATION,
)
"""Fast Na+ conductance, gNa = 120 mS/cm2."""

hh_k = Channel(
    name="hh_k",
    ion="k",
    gbar_S_cm2=0.036,
    gates=(
        # alpha_n = 0.01 (v + 55) / (1 - exp(-(v + 55)/10)),  beta_n = 0.125 exp(-(v + 65)/80)
        Gate("n", 4, alpha=Linoid(0.1, -55.0, 10.0), beta=Exp(0.125, -65.0, -80.0)),
    ),
    q10=3.0,
    reference_temp_degC=6.3,
    citation=CITATION,
)
"""Delayed-rectifier K+ conductance, gK = 36 mS/cm2."""

hh_leak = Channel(
    name="hh_leak",
    ion="nonspecific",
    gbar_S_cm2=0.0003,
    e_rev_mV=-54.3,
    q10=1.0,
    reference_temp_degC=6.3,
    citation=CITATION + " (leak: gL = 0.3 mS/cm2 reversing 10.6 mV above rest)",
)
"""HH leak, 0.3 mS/cm2 reversing at -54.3 mV (HH's 10.613 mV above a -65 mV rest)."""
