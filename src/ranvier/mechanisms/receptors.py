"""Ligand-gated receptors declared as data: transmitter binding kinetics, ions, block.

Each receptor follows the two-state kinetic scheme of Destexhe, Mainen & Sejnowski
(1994, J Comput Neurosci 1:195-230, doi:10.1007/BF00961734):

    C + T  <->  O      dr/dt = alpha T (1 - r) - beta r

with T the transmitter concentration in the cleft (mM), alpha (1/(mM ms)) and beta
(1/ms) the binding and unbinding rates, and r the open fraction. The conductance
g = gmax r B(v) is split among the ions the pore passes by fixed conductance shares,
each share reversing at its own Nernst potential, so the receptor's reversal potential
follows the concentrations. NMDA receptors are blocked by external Mg2+ with the
voltage dependence of Jahr & Stevens (1990, J Neurosci 10:3178):
B(v) = 1 / (1 + exp(-0.062 v) [Mg]o / 3.57).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from ranvier.errors import RanvierError, check_name, check_positive, check_real

RECEPTOR_IONS = ("na", "k", "cl", "ca")


@dataclass(frozen=True)
class MgBlock:
    """Voltage-dependent block by external Mg2+: B = 1 / (1 + exp(-v / k_mV) [Mg]o / kd_mM)."""

    k_mV: float = 1.0 / 0.062
    kd_mM: float = 3.57
    citation: str = "Jahr CE, Stevens CF (1990) J Neurosci 10:3178-3182. doi:10.1523/JNEUROSCI.10-09-03178.1990"

    def __post_init__(self) -> None:
        check_positive("MgBlock.k_mV", self.k_mV, "mV")
        check_positive("MgBlock.kd_mM", self.kd_mM, "mM")

    def unblocked(self, v_mV, mg_out_mM: float):
        """Fraction of receptors not blocked at v (mV) with external Mg2+ (mM)."""
        return 1.0 / (1.0 + np.exp(-np.asarray(v_mV, float) / self.k_mV) * mg_out_mM / self.kd_mM)


@dataclass(frozen=True)
class Receptor:
    """A ligand-gated receptor channel.

    Parameters
    ----------
    name : str
        Name in recordings and the catalogue.
    alpha_per_mM_ms : float
        Transmitter binding rate (1/(mM ms)), > 0.
    beta_per_ms : float
        Unbinding (closing) rate (1/ms), > 0.
    ion_shares : mapping ion -> share
        Fraction of the conductance carried by each ion ("na", "k", "cl", "ca"); the
        shares are normalised to sum to 1.
    mg_block : MgBlock or None
        Voltage-dependent Mg2+ block (NMDA).
    q10, reference_temp_degC :
        Temperature scaling of both rates.
    citation : str
    """

    name: str
    alpha_per_mM_ms: float
    beta_per_ms: float
    ion_shares: Mapping[str, float] = field(default_factory=lambda: {"na": 0.5, "k": 0.5})
    mg_block: MgBlock | None = None
    q10: float = 1.0
    reference_temp_degC: float = 36.0
    citation: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise RanvierError(f"receptor name must be an identifier, got {self.name!r}")
        where = f"receptor {self.name!r}: "
        check_positive(where + "alpha_per_mM_ms", self.alpha_per_mM_ms, "1/(mM ms)")
        check_positive(where + "beta_per_ms", self.beta_per_ms, "1/ms")
        shares = {}
        for ion, w in dict(self.ion_shares).items():
            check_name(f"ion of receptor {self.name!r}", ion, RECEPTOR_IONS)
            shares[ion] = check_positive(where + f"ion_shares[{ion!r}]", w, allow_zero=True)
        total = sum(shares.values())
        if total <= 0:
            raise RanvierError(f"{where}ion_shares must contain at least one positive share")
        object.__setattr__(self, "ion_shares", MappingProxyType({k: v / total for k, v in shares.items()}))
        check_positive(where + "q10", self.q10)
        check_real(where + "reference_temp_degC", self.reference_temp_degC, "degC")
        if self.mg_block is not None and not isinstance(self.mg_block, MgBlock):
            raise RanvierError(f"{where}mg_block must be an MgBlock or None, got {self.mg_block!r}")

    def temperature_factor(self, temperature_degC: float) -> float:
        return float(self.q10 ** ((temperature_degC - self.reference_temp_degC) / 10.0))

    def reversal_mV(self, reversal_by_ion: Mapping[str, float]) -> float:
        """Reversal potential (mV): the share-weighted mean of the ions' reversal potentials."""
        return float(sum(w * reversal_by_ion[ion] for ion, w in self.ion_shares.items()))

    def with_(self, **changes) -> "Receptor":
        fields = {f.name for f in dataclasses.fields(self)}
        for k in changes:
            check_name(f"field of Receptor {self.name!r}", k, fields)
        return dataclasses.replace(self, **changes)

    def __hash__(self) -> int:
        return hash((self.name, self.alpha_per_mM_ms, self.beta_per_ms, tuple(sorted(self.ion_shares.items())),
                     self.mg_block, self.q10, self.reference_temp_degC))


DMS1994 = "Destexhe A, Mainen ZF, Sejnowski TJ (1994) J Comput Neurosci 1:195-230. doi:10.1007/BF00961734"

# Conductance shares: AMPA and NMDA pores pass Na+ and K+ about equally (PK/PNa ~ 1,
# Mayer & Westbrook 1987, Prog Neurobiol 28:197); as chord-conductance shares of the
# default concentrations, 0.57 Na+ / 0.43 K+ put the reversal potential at 0 mV, as
# measured. NMDA adds Ca2+: about 10% of its current near rest (Burnashev et al. 1995,
# J Physiol 485:403), a conductance share of ~1% given the large Ca2+ driving force.
AMPA = Receptor(
    "ampa", alpha_per_mM_ms=1.1, beta_per_ms=0.19, ion_shares={"na": 0.572, "k": 0.428},
    q10=1.0, reference_temp_degC=36.0, citation=DMS1994 + " (AMPA: alpha 1.1 /mM/ms, beta 0.19 /ms)",
)
NMDA = Receptor(
    "nmda", alpha_per_mM_ms=0.072, beta_per_ms=0.0066, ion_shares={"na": 0.562, "k": 0.428, "ca": 0.010},
    mg_block=MgBlock(), q10=1.0, reference_temp_degC=36.0,
    citation=DMS1994 + " (NMDA: alpha 0.072 /mM/ms, beta 0.0066 /ms); Mg2+ block: Jahr & Stevens 1990",
)
# GABA-A: Cl- only here (the ~20% HCO3- permeability is not modelled; it would move the
# reversal a few mV positive of E_Cl).
GABA_A = Receptor(
    "gaba_a", alpha_per_mM_ms=5.0, beta_per_ms=0.18, ion_shares={"cl": 1.0},
    q10=1.0, reference_temp_degC=36.0, citation=DMS1994 + " (GABA-A: alpha 5 /mM/ms, beta 0.18 /ms)",
)
RECEPTORS = MappingProxyType({r.name: r for r in (AMPA, NMDA, GABA_A)})
