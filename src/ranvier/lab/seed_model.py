"""What the lab's first page computes: the seed circuit with extra voltage probes along neuron A.

Plain data only (NumPy, xarray, the public API); the page in :mod:`ranvier.lab.pages` draws it.
The controls are declared with the experiments' own :class:`~ranvier.experiments.base.Param`
(default, unit, range, help), so the page, the URL and the JSON API check them the same way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import xarray as xr

from ranvier.errors import check_name
from ranvier.experiments.base import Param
from ranvier.seed import SeedSettings

# Defaults are the seed's own (ranvier.seed.SeedSettings and its concentrations); ranges are what
# the seed model is built for: the MRG node model is fitted for 20-42 degC fibres of >= 2 um.
_SEED = SeedSettings()
SEED_PARAMS: tuple[Param, ...] = (
    Param("k_out_mM", _SEED.concentrations.k_out_mM, "mM", 1.0, 20.0,
          "external K+ (below 3.5 mM hypokalaemia, above 5.5 mM hyperkalaemia)"),
    Param("na_out_mM", _SEED.concentrations.na_out_mM, "mM", 50.0, 200.0, "external Na+"),
    Param("temperature_degC", _SEED.temperature_degC, "degC", 20.0, 42.0, "temperature (cool the axon, or give it a fever)"),
    Param("myelin_fraction", _SEED.myelin_fraction, "", 0.0, 1.0,
          "myelin left (over the middle third of the axon; 0 = stripped)"),
    Param("fiber_diam_um", _SEED.fiber_diam_um, "um", 2.0, 16.0, "fibre diameter (of the myelinated axon)"),
    Param("input_rate_hz", _SEED.input_rate_hz, "Hz", 0.0, 400.0,
          f"input rate (of each synapse during the {_SEED.input_window_ms:g} ms volley)"),
    Param("g_gaba_uS", _SEED.g_gaba_uS, "uS", 0.0, 0.01, "GABA-A conductance (of each inhibitory synapse; 0 = blocked)"),
    Param("tstop_ms", _SEED.tstop_ms, "ms", 10.0, 100.0, "simulated time"),
)
SEED_BY_NAME = {p.name: p for p in SEED_PARAMS}

# Where the page draws traces: (summary site key, legend text).
TRACE_SITES = (("dendrite", "dendrite"), ("soma", "soma"), ("ais", "AIS"), ("node0", "node 0"),
               ("node5", "node 5"), ("node10", "node 10"), ("terminal", "terminal"), ("b_soma", "neuron B soma"))
FRAME_MS = 0.025  # time between the frames of the voltage movie (the spike crosses an internode in ~20 us)
TRACE_MS = 0.025  # sampling of the traces sent to the browser


def check_seed_params(given: dict) -> dict[str, float]:
    """Defaults overridden by ``given``, each checked against its declared range (RanvierError names it)."""
    out = {p.name: p.default for p in SEED_PARAMS}
    for k, v in given.items():
        check_name("parameter of the seed page", k, SEED_BY_NAME)
        out[k] = SEED_BY_NAME[k].check(v)
    return out


def _settings(params: dict[str, float]) -> SeedSettings:
    conc = _SEED.concentrations.with_(k_out_mM=params["k_out_mM"], na_out_mM=params["na_out_mM"])
    return _SEED.with_(temperature_degC=params["temperature_degC"], fiber_diam_um=params["fiber_diam_um"],
                       myelin_fraction=params["myelin_fraction"], input_rate_hz=params["input_rate_hz"],
                       g_gaba_uS=params["g_gaba_uS"], tstop_ms=params["tstop_ms"], concentrations=conc)


@dataclass(frozen=True)
class Segment:
    """One drawn piece of neuron A (or B): where it is drawn and the site whose voltage colours it."""

    name: str
    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    site_label: str


def _schematic(morph, cell: int = 0, x_offset: float = 0.0) -> list[Segment]:
    """A schematic drawing of a seed neuron: dendrites fanning left, soma, AIS and axon to the right.

    Not to scale (the axon is ~100x longer than the dendrites): drawn lengths grow with the square
    root of the real length, so that a 1 um node and a 400 um internode are both visible.
    """
    secs = morph.by_name
    kids: dict[str, list[str]] = {n: [] for n in secs}
    for s in morph.sections:
        if s.parent is not None:
            kids[s.parent].append(s.name)

    def drawn(name: str) -> float:
        return 4.0 * float(np.sqrt(secs[name].length_um)) + 3.0

    def label(name: str) -> str:
        return f"{name}(0.5)" if cell == 0 else f"cell{cell}/{name}(0.5)"

    out: list[Segment] = []
    soma = morph.sections[0]
    ls = drawn(soma.name)
    out.append(Segment(soma.name, x_offset, 0.0, x_offset + ls, 0.0, 14.0, label(soma.name)))
    # dendrites: a tree growing leftwards from the soma's 0 end; leaves spread evenly in y
    dend_roots = [c for c in kids[soma.name] if secs[c].parent_x == 0.0]
    leaves: list[str] = []

    def collect(n: str) -> None:
        if not kids[n]:
            leaves.append(n)
        for c in kids[n]:
            collect(c)

    for r in dend_roots:
        collect(r)
    y_of: dict[str, float] = {}
    spread = 10.0
    for k, n in enumerate(leaves):
        y_of[n] = spread * (k - (len(leaves) - 1) / 2.0)

    def y(n: str) -> float:
        if n not in y_of:
            y_of[n] = float(np.mean([y(c) for c in kids[n]]))
        return y_of[n]

    def place_dend(n: str, x_start: float, y_start: float) -> None:
        x_end = x_start - drawn(n)
        out.append(Segment(n, x_start, y_start, x_end, y(n), max(1.5, 2.0 * secs[n].diam_um), label(n)))
        for c in kids[n]:
            place_dend(c, x_end, y(n))

    for r in dend_roots:
        place_dend(r, x_offset, 0.0)
    # the axon: follow the main path from the soma's 1 end; paranodes are drawn as part of their internode
    x = x_offset + ls
    n = next((c for c in kids[soma.name] if secs[c].parent_x == 1.0), None)
    while n is not None:
        s = secs[n]
        skip = "paranode" in s.tags or "periaxonal" in s.tags
        if not skip:
            length = 8.0 if "node" in s.tags else drawn(n)
            out.append(Segment(n, x, 0.0, x + length, 0.0, 6.0 if "node" in s.tags else
                               (9.0 if "internode" in s.tags else max(2.0, 2.5 * s.diam_um)), label(n)))
            x += length
        # continue along the child at the far end that leads furthest (the main axon)
        nxt = [c for c in kids[n] if secs[c].parent_x == 1.0]
        if not nxt:
            break

        def depth(c: str) -> int:
            return 1 + max((depth(g) for g in kids[c]), default=0)

        n = max(nxt, key=depth)
    return out


def _site_probes(segments: list[Segment], cell: int):
    from ranvier.probe import Probe
    from ranvier.site import Site

    return [Probe(Site(s.name, 0.5, cell=cell), ("v",)) for s in segments]


@dataclass
class SeedRun:
    """One run of the seed page: the full result, the summary ``ranvier run`` prints, and what is drawn."""

    params: dict
    result: xr.Dataset
    summary: dict
    segments: list[Segment]
    frame_t_ms: np.ndarray  # (n_frames,)
    frame_v_mV: np.ndarray  # (n_frames, n_segments)
    trace_t_ms: np.ndarray
    traces_mV: dict[str, np.ndarray]  # legend text -> v at TRACE_SITES
    ais_t_ms: np.ndarray
    ais_i_na: np.ndarray  # mA/cm2, outward positive
    ais_i_k: np.ndarray
    ais_peaks_ms: dict  # "na"/"k" -> time of the largest inward Na+ / outward K+ current in the first spike


def run_seed(params: dict) -> SeedRun:
    """Simulate the seed circuit with the page's parameters (checked here) and measure it."""
    from ranvier.circuit_summary import summarize_circuit
    from ranvier.seed import seed_circuit

    p = check_seed_params(params)
    settings = _settings(p)
    sim, sites = seed_circuit(settings)
    cell_a, cell_b = sim.cells[0], sim.cells[1]
    seg_a = _schematic(cell_a.morphology, 0)
    x_end = max(max(s.x0, s.x1) for s in seg_a)
    seg_b = [s for s in _schematic(cell_b.morphology, 1, x_offset=x_end + 60.0)
             if s.name == "soma" or s.name.startswith("d")]
    segments = seg_a + seg_b
    have = {pr.site.label for pr in sim.probes}
    extra = [pr for pr in _site_probes(seg_a, 0) + _site_probes(seg_b, 1) if pr.site.label not in have]
    sim = dataclasses.replace(sim, probes=tuple(sim.probes) + tuple(extra))
    result = sim.run(progress=False)
    summary = summarize_circuit(result, sites, cell_a.reversal_potentials_mV())
    t = result.time.values
    stride = max(1, int(round(FRAME_MS / float(result.attrs["dt_ms"]))))
    v_all = result.v.sel(site=[s.site_label for s in segments]).values  # (n_segments, n_time)
    frame_t = t[::stride]
    frame_v = np.ascontiguousarray(v_all[:, ::stride].T)
    tstride = max(1, int(round(TRACE_MS / float(result.attrs["dt_ms"]))))
    traces = {text: result.v.sel(site=sites[key].label).values[::tstride] for key, text in TRACE_SITES if key in sites}
    ais = sites["ais"].label
    i_na = result.i_na.sel(site=ais).values
    i_k = result.i_k.sel(site=ais).values
    peaks: dict = {}
    first = (summary.get("summation") or {}).get("first_spike_ms")
    if first is not None:
        win = (t > first - 1.5) & (t < first + 2.5)
        peaks = {"na": float(t[win][np.argmin(i_na[win])]), "k": float(t[win][np.argmax(i_k[win])]),
                 "window_ms": (float(first - 1.5), float(first + 2.5))}
    return SeedRun(p, result, summary, segments, frame_t, frame_v, t[::tstride], traces, t[::tstride],
                   i_na[::tstride], i_k[::tstride], peaks)


def seed_result_dataset(run: SeedRun) -> xr.Dataset:
    """The recordings to download: the simulation's Dataset with the page's parameters in its attributes."""
    ds = run.result.copy()
    ds.attrs = dict(ds.attrs)
    ds.attrs["lab_page"] = "seed"
    for k, v in run.params.items():
        ds.attrs[f"lab_param_{k}"] = float(v)
    return ds


def readouts(summary: dict) -> dict[str, float | str | None]:
    """The page's numeric readouts, taken from the summary (None where the run did not produce one)."""
    ap = summary.get("first_ap") or {}
    cond = summary.get("conduction") or {}
    post = summary.get("neuron_b") or {}
    return {
        "rest_mV": summary.get("resting_potential_mV"),
        "threshold_mV": ap.get("threshold_mV"),
        "peak_mV": ap.get("peak_mV"),
        "cv_m_s": cond.get("velocity_m_s"),
        "delay_ms": post.get("synaptic_delay_ms"),
        "initiation_site": summary.get("initiation_site"),
        "spikes": summary.get("soma_spike_count"),
    }


def describe_ais_currents(run: SeedRun) -> str:
    """One measured sentence answering the seed's exam question (which ion goes in first, which goes out)."""
    q = ((run.summary.get("first_ap") or {}).get("charge_at_ais_uC_cm2")) or {}
    if not run.ais_peaks_ms or "na" not in q or "k" not in q:
        return "Neuron A did not fire in this run, so there is no spike whose currents could be compared."
    na_dir = "into" if q["na"] < 0 else "out of"
    k_dir = "out of" if q["k"] > 0 else "into"
    first = "Na+" if run.ais_peaks_ms["na"] < run.ais_peaks_ms["k"] else "K+"
    return (f"In the AIS, Na+ carries {abs(q['na']):.3f} uC/cm2 {na_dir} the cell (largest at "
            f"{run.ais_peaks_ms['na']:.2f} ms) and K+ {abs(q['k']):.3f} uC/cm2 {k_dir} it (largest at "
            f"{run.ais_peaks_ms['k']:.2f} ms): {first} flows first.")
