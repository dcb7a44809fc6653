"""A cell: a morphology, what is painted where, its ions and its temperature."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ranvier.constants import thermal_voltage_mV
from ranvier.errors import RanvierError, check_name, check_real
from ranvier.ions import Concentrations
from ranvier.mechanisms.channel import Channel
from ranvier.synapse import CalciumPool
from ranvier.morphology.discretize import Discretization
from ranvier.morphology.tree import Morphology

SPECIFIC_IONS = ("na", "k", "cl", "ca")


@dataclass(frozen=True)
class Paint:
    """Put ``channel`` (or a CalciumPool) on the sections selected by ``where``.

    ``where`` is "all", a section name, a tag, or a tuple of these.
    """

    channel: Channel | CalciumPool
    where: str | tuple[str, ...] = "all"

    def __post_init__(self) -> None:
        if not isinstance(self.channel, (Channel, CalciumPool)):
            raise RanvierError(f"Paint.channel must be a Channel or a CalciumPool, got {self.channel!r}")
        if not isinstance(self.where, str):
            object.__setattr__(self, "where", tuple(self.where))


def _as_paints(items: Iterable) -> tuple[Paint, ...]:
    out: list[Paint] = []
    for it in items:
        if isinstance(it, Paint):
            out.append(it)
        elif isinstance(it, (Channel, CalciumPool)):
            out.append(Paint(it))
        elif isinstance(it, tuple) and len(it) == 2 and isinstance(it[0], (Channel, CalciumPool, tuple)):
            chans = it[0] if isinstance(it[0], tuple) else (it[0],)
            out.extend(Paint(c, it[1]) for c in chans)
        elif isinstance(it, tuple) and all(isinstance(c, Channel) for c in it):
            out.extend(Paint(c) for c in it)
        else:
            raise RanvierError(
                f"mechanisms entries must be a Channel, a (Channel, where) pair or a Paint, got {it!r}"
            )
    return tuple(out)


@dataclass(frozen=True)
class Cell:
    """A neuron (or a piece of one) described as data.

    Parameters
    ----------
    morphology : Morphology
        The sections and how they join.
    mechanisms : iterable
        Channels to place: a Channel (everywhere), a ``(channel, where)`` pair, or a :class:`Paint`.
        Where two paints of the same channel overlap, the later one wins on the overlap.
    concentrations : Concentrations
        Ion concentrations inside and outside (mM).
    temperature_degC : float
        Temperature (degC), above absolute zero; scales rates by each channel's Q10 and sets RT/F.
    discretization : Discretization
        Compartment rule for sections that do not set their own nseg.
    reversal_mV : mapping ion -> mV
        Fixed reversal potentials that override the Nernst potential (e.g. the HH
        values ENa = 50, EK = -77 used by Rallpack 3). Empty: every reversal comes
        from the concentrations.
    name : str
        A label for results.
    """

    morphology: Morphology
    mechanisms: tuple[Paint, ...] = ()
    concentrations: Concentrations = field(default_factory=Concentrations)
    temperature_degC: float = 37.0
    discretization: Discretization = field(default_factory=Discretization)
    reversal_mV: Mapping[str, float] = field(default_factory=dict)
    name: str = "cell"

    def __post_init__(self) -> None:
        if not isinstance(self.morphology, Morphology):
            raise RanvierError(f"Cell.morphology must be a Morphology, got {type(self.morphology).__name__}")
        object.__setattr__(self, "mechanisms", _as_paints(self.mechanisms))
        for p in self.mechanisms:
            self.morphology.select(p.where)  # fails early on an unknown section or region
        t = check_real("temperature_degC", self.temperature_degC, "degC")
        if t < -273.15:
            raise RanvierError(f"temperature_degC must be >= -273.15 degC (absolute zero), got {t}")
        if t < -20.0 or t > 60.0:
            raise RanvierError(
                f"temperature_degC must be in [-20, 60] degC for living tissue, got {t}"
            )
        object.__setattr__(self, "temperature_degC", t)
        if not isinstance(self.concentrations, Concentrations):
            raise RanvierError(f"Cell.concentrations must be Concentrations, got {self.concentrations!r}")
        rev = {}
        for ion_name, e in dict(self.reversal_mV).items():
            check_name("ion in reversal_mV", ion_name, SPECIFIC_IONS)
            rev[ion_name] = check_real(f"reversal_mV[{ion_name!r}]", e, "mV")
        object.__setattr__(self, "reversal_mV", MappingProxyType(rev))

    def reversal_potentials_mV(self) -> dict[str, float]:
        """Reversal potential of each ion (mV): the override if given, else Nernst from the concentrations."""
        out = {}
        for ion_name in SPECIFIC_IONS:
            if ion_name in self.reversal_mV:
                out[ion_name] = float(self.reversal_mV[ion_name])
            else:
                out[ion_name] = float(self.concentrations.nernst_mV(ion_name, self.temperature_degC))
        return out

    @property
    def thermal_voltage_mV(self) -> float:
        return thermal_voltage_mV(self.temperature_degC)

    def channels_on(self, section: str) -> dict[str, Channel]:
        """The channels present on ``section`` after all paints, by name."""
        out: dict[str, Channel] = {}
        for p in self.mechanisms:
            if isinstance(p.channel, Channel) and section in self.morphology.select(p.where):
                out[p.channel.name] = p.channel
        return out

    def pool_on(self, section: str) -> CalciumPool | None:
        """The Ca2+ pool painted on ``section`` (the last one painted there), if any."""
        pool = None
        for p in self.mechanisms:
            if isinstance(p.channel, CalciumPool) and section in self.morphology.select(p.where):
                pool = p.channel
        return pool

    def with_(self, **changes) -> "Cell":
        import dataclasses

        fields = {f.name for f in dataclasses.fields(self)}
        for k in changes:
            check_name("field of Cell", k, fields)
        return dataclasses.replace(self, **changes)

    def __hash__(self) -> int:  # mappings inside are not hashable; identity is by content repr
        return hash(repr(self))
