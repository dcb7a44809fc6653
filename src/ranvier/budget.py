"""How much memory and time a simulation will take, known before anything is allocated.

:func:`estimate_run` counts from the description alone (compartments from each cell's
discretisation, steps from ``tstop_ms``/``dt_ms``, recorded variables from the probes),
so it costs milliseconds. :func:`check_budget` refuses a run above a limit the caller sets,
with the estimate and how to raise the limit in the message; ``ranvier run`` calls both
before it simulates (``--max-memory``, ``--max-minutes``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ranvier.errors import RanvierError, check_positive

__all__ = ["RunEstimate", "estimate_run", "check_budget", "NS_PER_COMPARTMENT_STEP", "BYTES_PER_COMPARTMENT"]

NS_PER_COMPARTMENT_STEP = 150.0
"""Wall time per compartment and time step (ns) of a warm run with active channels.

Measured 2026-12-02 on an AMD EPYC (Zen, avx2), 2 cores shared with other work (load ~9): the
seed circuit (two cells, 1,760 compartments, 6,000 steps, 47 recordings) integrated in 1.58 s,
150 ns per compartment-step including recording (finding rest took another 4.6 s). A rough,
deliberately pessimistic figure: the estimate is meant to tell seconds from minutes from hours.
"""
BYTES_PER_COMPARTMENT = 40 * 8
"""Voltages, gate states, matrix coefficients and their copies: ~40 float64 per compartment."""
COMPILE_NOTE = "plus about a minute of compilation on the first run"


@dataclass(frozen=True)
class RunEstimate:
    """What a run will need: sizes counted from the description and the resulting memory and time."""

    n_cells: int
    n_compartments: int
    n_steps: int
    n_samples: int
    n_recordings: int
    recording_bytes: int
    state_bytes: int
    seconds: float

    @property
    def memory_bytes(self) -> int:
        return self.recording_bytes + self.state_bytes

    def describe(self) -> str:
        return (f"{self.n_cells} cell(s), {self.n_compartments:,} compartments, {self.n_steps:,} steps; "
                f"recordings {self.n_recordings} variables x {self.n_samples:,} samples = "
                f"{_human_bytes(self.recording_bytes)}, total about {_human_bytes(self.memory_bytes)} and "
                f"about {_human_seconds(self.seconds)}")


def estimate_run(sim) -> RunEstimate:
    """Estimate the memory and time :meth:`Simulation.run` will need, from its description only."""
    from ranvier.simulation import Simulation

    if not isinstance(sim, Simulation):
        raise RanvierError(f"estimate_run needs a Simulation, got {type(sim).__name__}")
    n_comp = 0
    for cell in sim.cells:
        secs = cell.morphology.sections
        n_comp += sum(cell.discretization.nseg(sec) for sec in secs) + len(secs)  # + a node where sections join
    n_steps = max(1, int(round(sim.tstop_ms / sim.dt_ms)))
    every = max(1, int(round(sim.record_dt_ms / sim.dt_ms)))
    n_samp = n_steps // every + 1
    n_rec = max(1, len(sim.recordings()))
    rec_bytes = n_samp * n_rec * 8
    state_bytes = n_comp * BYTES_PER_COMPARTMENT
    seconds = n_comp * n_steps * NS_PER_COMPARTMENT_STEP * 1e-9
    return RunEstimate(len(sim.cells), n_comp, n_steps, n_samp, n_rec, rec_bytes, state_bytes, seconds)


def check_budget(estimate: RunEstimate, max_memory_GiB: float, max_minutes: float) -> RunEstimate:
    """Raise :class:`RanvierError` if ``estimate`` exceeds either limit; the message gives the estimate."""
    mem = check_positive("max_memory_GiB", max_memory_GiB, "GiB")
    minutes = check_positive("max_minutes", max_minutes, "min")
    if estimate.memory_bytes > mem * 1024**3:
        raise RanvierError(
            f"this run would need about {_human_bytes(estimate.memory_bytes)} of memory, above the limit of "
            f"{mem:g} GiB ({estimate.describe()}); shorten tstop, raise dt or record_dt, or raise the limit "
            f"(ranvier run --max-memory GIB)"
        )
    if estimate.seconds > minutes * 60.0:
        raise RanvierError(
            f"this run would take about {_human_seconds(estimate.seconds)}, above the limit of {minutes:g} min "
            f"({estimate.describe()}); shorten tstop, raise dt, or raise the limit (ranvier run --max-minutes MIN)"
        )
    return estimate


def _human_bytes(n: float) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} B"


def _human_seconds(s: float) -> str:
    if s < 60.0:
        return f"{max(s, 0.1):.2g} s"
    if s < 3600.0:
        return f"{s / 60.0:.2g} min"
    return f"{s / 3600.0:.3g} h" if math.isfinite(s) else "forever"
