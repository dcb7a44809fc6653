"""High-voltage-activated Ca2+ channel of neocortical pyramidal neurons.

Reuveni I, Friedman A, Amitai Y, Gutnick MJ (1993) Stepwise repolarization from Ca2+
plateaus in neocortical pyramidal cells: evidence for nonhomogeneous distribution of
HVA Ca2+ channels in dendrites. J Neurosci 13:4609-4621,
doi:10.1523/JNEUROSCI.13-11-04609.1993; kinetics as used by Mainen & Sejnowski (1996,
Nature 382:363, doi:10.1038/382363a0), measured at 23 degC with Q10 = 2.3. ranvier
drives the current with the Goldman-Hodgkin-Katz equation (permeability in cm/s), so it
follows the inside [Ca2+] of a CalciumPool where one is painted.
"""

from ranvier.mechanisms.channel import Channel, Gate
from ranvier.mechanisms.forms import Exp, Linoid, Sigmoid

CITATION = (
    "Reuveni I et al. (1993) J Neurosci 13:4609-4621. doi:10.1523/JNEUROSCI.13-11-04609.1993; "
    "Mainen ZF, Sejnowski TJ (1996) Nature 382:363. doi:10.1038/382363a0"
)

hva_ca = Channel(
    name="hva_ca",
    ion="ca",
    permeability_cm_s=5e-5,
    gates=(
        # alpha_m = 0.055 (-27 - v) / (exp((-27 - v)/3.8) - 1),  beta_m = 0.94 exp((-75 - v)/17)
        Gate("m", 2, alpha=Linoid(0.055 * 3.8, -27.0, 3.8), beta=Exp(0.94, -75.0, -17.0)),
        # alpha_h = 0.000457 exp((-13 - v)/50),  beta_h = 0.0065 / (exp((-v - 15)/28) + 1)
        Gate("h", 1, alpha=Exp(0.000457, -13.0, -50.0), beta=Sigmoid(0.0065, -15.0, 28.0)),
    ),
    q10=2.3,
    reference_temp_degC=23.0,
    citation=CITATION,
)
"""HVA Ca2+ channel (m^2 h); the default permeability suits a presynaptic terminal."""
