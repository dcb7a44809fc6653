"""Synapses: transmitter in a cleft acting on receptors at a site, from spike times or a terminal.

A synapse's transmitter comes either from a list of presynaptic spike times (each
releasing a square pulse of transmitter, 1 mM for 1 ms as in Destexhe, Mainen &
Sejnowski 1994, J Comput Neurosci 1:195) or from a :class:`Terminal`: a release site on
a simulated presynaptic cell, where the spike opens voltage-gated Ca2+ channels, Ca2+
accumulates in a submembrane shell (:class:`CalciumPool`) and drives cooperative
transmitter release from a depleting vesicle pool (:class:`Release`) into the cleft.
Nothing about the delay or the strength of transmission is typed in: both come from
the simulated terminal.
"""

from __future__ import annotations


from dataclasses import dataclass

import numpy as np

from ranvier.errors import RanvierError, check_positive
from ranvier.plausibility import check_band
from ranvier.mechanisms.receptors import Receptor
from ranvier.site import Site
from ranvier.stimulus import Waveform


@dataclass(frozen=True)
class CalciumPool:
    """Free Ca2+ in a submembrane shell of ``depth_um``, painted on the sections of a terminal.

    d[Ca]/dt = -f i_Ca / (2 F depth) - ([Ca] - [Ca]_rest) / tau, with f = 1 / (1 + kappa)
    the free fraction left by fast buffers (Helmchen, Imoto & Sakmann 1996, Biophys J
    70:1069, doi:10.1016/S0006-3495(96)79653-4) and the shell model of Destexhe et al.
    (1994, "cadecay"). The resting [Ca] is the cell's ca_in_mM. Ca2+ channels on the
    same compartments (GHK law) see this [Ca] as their inside concentration.
    """

    depth_um: float = 0.1
    tau_ms: float = 5.0
    buffer_capacity: float = 20.0

    def __post_init__(self) -> None:
        check_positive("CalciumPool.depth_um", self.depth_um, "um")
        check_positive("CalciumPool.tau_ms", self.tau_ms, "ms")
        check_positive("CalciumPool.buffer_capacity", self.buffer_capacity, allow_zero=True)

    @property
    def free_fraction(self) -> float:
        return 1.0 / (1.0 + self.buffer_capacity)


@dataclass(frozen=True)
class Release:
    """Ca2+-triggered release from a depleting vesicle pool into the cleft.

    The release rate per available vesicle is cooperative in Ca2+, k = k_max [Ca]^n /
    ([Ca]^n + K^n) with n = 4 (Dodge & Rahamimoff 1967, J Physiol 193:419,
    doi:10.1113/jphysiol.1967.sp008367; half-activation near 10 uM, Bollmann, Sakmann &
    Borst 2000, Science 289:953, doi:10.1126/science.289.5481.953). The available fraction x
    recovers with tau_recovery (Tsodyks & Markram 1997, PNAS 94:719,
    doi:10.1073/pnas.94.2.719): dx/dt = (1 - x)/tau_rec - k x. Released transmitter
    enters the cleft and is cleared with tau_clearance (Clements et al. 1992, Science
    258:1498, doi:10.1126/science.1359647): dT/dt = A k x - T / tau_clear, with A the
    cleft concentration (mM) a whole vesicle pool would produce.
    """

    kd_mM: float = 0.010
    hill: float = 4.0
    k_max_per_ms: float = 2.0
    tau_recovery_ms: float = 800.0
    cleft_mM_per_pool: float = 5.0
    tau_clearance_ms: float = 1.2

    def __post_init__(self) -> None:
        check_positive("Release.kd_mM", self.kd_mM, "mM")
        check_positive("Release.hill", self.hill)
        check_positive("Release.k_max_per_ms", self.k_max_per_ms, "1/ms")
        check_positive("Release.tau_recovery_ms", self.tau_recovery_ms, "ms")
        check_positive("Release.cleft_mM_per_pool", self.cleft_mM_per_pool, "mM")
        check_positive("Release.tau_clearance_ms", self.tau_clearance_ms, "ms")


@dataclass(frozen=True)
class Terminal:
    """A release site at ``site`` of a presynaptic cell; its section must carry a CalciumPool."""

    site: Site
    release: Release = Release()

    def __post_init__(self) -> None:
        if not isinstance(self.site, Site):
            raise RanvierError(f"Terminal.site must be a Site, got {self.site!r}")
        if not isinstance(self.release, Release):
            raise RanvierError(f"Terminal.release must be a Release, got {self.release!r}")


@dataclass(frozen=True)
class SpikeTrain:
    """Presynaptic spike times (ms); each releases ``transmitter_mM`` for ``pulse_ms``."""

    times_ms: tuple[float, ...]
    transmitter_mM: float = 1.0
    pulse_ms: float = 1.0

    def __post_init__(self) -> None:
        t = np.asarray(self.times_ms, dtype=float).ravel()
        if t.size and (not np.all(np.isfinite(t)) or np.any(t < 0)):
            raise RanvierError("SpikeTrain.times_ms must be finite and >= 0 ms")
        object.__setattr__(self, "times_ms", tuple(float(x) for x in np.sort(t)))
        check_positive("SpikeTrain.transmitter_mM", self.transmitter_mM, "mM")
        check_positive("SpikeTrain.pulse_ms", self.pulse_ms, "ms")

    @classmethod
    def regular(cls, rate_hz: float, start_ms: float = 0.0, count: int = 1, **kw) -> "SpikeTrain":
        r = check_positive("rate_hz", rate_hz, "Hz")
        r = check_band("rate_hz", r, "input_rate_hz")
        s = check_positive("start_ms", start_ms, "ms", allow_zero=True)
        return cls(tuple(s + 1000.0 / r * k for k in range(int(count))), **kw)

    @classmethod
    def poisson(cls, rate_hz: float, tstop_ms: float, seed: int = 0, start_ms: float = 0.0, **kw) -> "SpikeTrain":
        """Spikes of a Poisson process of ``rate_hz`` between start_ms and tstop_ms (reproducible by seed)."""
        r = check_positive("rate_hz", rate_hz, "Hz")
        r = check_band("rate_hz", r, "input_rate_hz")
        T = check_positive("tstop_ms", tstop_ms, "ms")
        rng = np.random.default_rng(seed)
        n = rng.poisson(r * (T - start_ms) / 1000.0)
        return cls(tuple(np.sort(rng.uniform(start_ms, T, n))), **kw)

    def waveform(self) -> Waveform:
        """Transmitter concentration (mM) as a step waveform; overlapping pulses merge."""
        merged: list[list[float]] = []
        for start in self.times_ms:  # sorted
            end = start + self.pulse_ms
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        t = [0.0]
        y = [0.0]
        for start, end in merged:
            if start == 0.0:
                y[0] = self.transmitter_mM
            else:
                t.append(start)
                y.append(self.transmitter_mM)
            t.append(end)
            y.append(0.0)
        return Waveform(tuple(t), tuple(y), "step")


@dataclass(frozen=True)
class Synapse:
    """``receptor`` with peak conductance ``gmax_uS`` at ``site``, gated by transmitter from ``source``."""

    receptor: Receptor
    site: Site
    gmax_uS: float
    source: SpikeTrain | Terminal

    def __post_init__(self) -> None:
        if not isinstance(self.receptor, Receptor):
            raise RanvierError(f"Synapse.receptor must be a Receptor, got {self.receptor!r}")
        if not isinstance(self.site, Site):
            raise RanvierError(f"Synapse.site must be a Site, got {self.site!r}")
        check_positive("Synapse.gmax_uS", self.gmax_uS, "uS", allow_zero=True)
        if not isinstance(self.source, (SpikeTrain, Terminal)):
            raise RanvierError(f"Synapse.source must be a SpikeTrain or a Terminal, got {self.source!r}")




