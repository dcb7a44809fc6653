"""Simulated recordings as Neurodata Without Borders (NWB 2) files, with pynwb.

NWB (Rübel et al. 2022, eLife 11:e78362, doi:10.7554/eLife.78362) is written for
recorded data; ranvier's convention for *simulated* data is:

* one ``Device`` named "ranvier simulator" whose description gives the ranvier version,
  and the integration method and time step;
* every recorded site is a virtual ``IntracellularElectrode`` (ideal: no access
  resistance, no capacitance) whose ``location`` is the site label ("soma(0.5)") and
  whose description says it is simulated;
* the membrane potential at a site is a ``CurrentClampSeries`` (data in mV,
  ``conversion`` 1e-3 to volts); where a current clamp injects at that site its
  waveform, sampled on the same clock, is the paired ``CurrentClampStimulusSeries`` (nA,
  ``conversion`` 1e-9 to amperes); otherwise the site is a recording-only electrode
  (``bias_current`` 0);
* a voltage clamp's current is a ``VoltageClampSeries`` (nA) paired with its command,
  a ``VoltageClampStimulusSeries`` (mV);
* each pair is a row of the ``IntracellularRecordingsTable``;
* ion currents, gate states and Ca2+ go into a processing module "ranvier" as
  ``TimeSeries`` with their units;
* the ``Subject`` is the model (``subject_id`` "ranvier-model-<model hash>", a description
  saying no animal was used; ``sex`` "U" and ``age`` "P0D/" (unknown, an open range) unless
  the caller gives the modelled animal's; ``species`` only when the caller names it);
* ``session_description`` names the model; ``experiment_description`` lists its
  sections, channels (with their citations) and temperature; ``notes`` holds the
  result's provenance attributes as JSON (version, method, dt, model hash, created);
  ``data_collection`` says the data are simulated and how; ``session_start_time`` is
  the result's creation time; the ``identifier`` is the model hash plus that time.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import uuid
from pathlib import Path

import numpy as np

from ranvier.errors import RanvierError


def _need_pynwb():
    try:
        import pynwb
    except ImportError:
        raise RanvierError(
            "writing NWB files needs pynwb; install it with: pip install 'ranvier[interop]' (or pip install pynwb)"
        ) from None
    return pynwb


def _jsonable(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    return x


def describe_model(simulation) -> str:
    """A plain-text description of a simulation's cells (sections, channels and their citations)."""
    lines = []
    for k, cell in enumerate(simulation.cells):
        m = cell.morphology
        lines.append(
            f"cell {k} ({cell.name}): {len(m.sections)} sections, total membrane area {m.total_area_um2:.0f} um2, "
            f"{cell.temperature_degC:g} degC"
        )
        seen = {}
        for p in cell.mechanisms:
            ch = p.channel
            name = getattr(ch, "name", type(ch).__name__)
            if name not in seen:
                seen[name] = (ch, [])
            seen[name][1].append(p.where if isinstance(p.where, str) else ",".join(p.where))
        for name, (ch, where) in seen.items():
            dens = f"gbar {ch.gbar_S_cm2:g} S/cm2" if hasattr(ch, "gbar_S_cm2") and not getattr(ch, "is_ghk", False) else ""
            cite = getattr(ch, "citation", "")
            lines.append(f"  {name} on {'; '.join(where)} {dens} [{cite}]".rstrip())
    for s in simulation.stimuli:
        lines.append(f"stimulus: {type(s).__name__} at {s.site.label}")
    return "\n".join(lines)


def to_nwb(result, path: str | os.PathLike, simulation=None, *, session_description: str | None = None,
           overwrite: bool = False, species: str | None = None, age: str = "P0D/", sex: str = "U") -> Path:
    """Write a ranvier result (and, given ``simulation``, its stimuli and model description) to an NWB file.

    Parameters
    ----------
    result : xarray.Dataset
        What :meth:`Simulation.run` returned.
    path : path
        Output file, ending in ``.nwb``.
    simulation : Simulation or None
        The simulation that made ``result``: its stimuli become stimulus series and its cells
        the model description. Without it only the recordings are written.
    session_description : str or None
        Default: "ranvier simulation of <cell names>".
    overwrite : bool
        Replace an existing file (otherwise refuse).
    species : str or None
        The species whose neuron the model represents (Latin binomial, e.g. "Rattus norvegicus"),
        stored in the NWB Subject; the Subject itself always says the data are simulated.
    age, sex : str
        The Subject's age (ISO 8601 duration; default "P0D/", NWB's open range for "unknown")
        and sex ("U", unknown, by default), both of the animal modelled, if any.
    """
    import xarray as xr

    pynwb = _need_pynwb()
    from pynwb.icephys import (
        CurrentClampSeries,
        CurrentClampStimulusSeries,
        VoltageClampSeries,
        VoltageClampStimulusSeries,
    )

    if not isinstance(result, xr.Dataset) or "time" not in result.dims or "site" not in result.dims:
        raise RanvierError(f"to_nwb expects a result Dataset from Simulation.run(), got {type(result).__name__}")
    path = Path(path)
    if path.suffix != ".nwb":
        raise RanvierError(f"NWB files end in .nwb, got {str(path)!r}")
    if not path.parent.exists():
        raise RanvierError(f"the folder {str(path.parent)!r} does not exist")
    if path.exists() and not overwrite:
        raise RanvierError(f"{str(path)!r} exists; pass overwrite=True to replace it")
    time_ms = np.asarray(result["time"].values, float)
    if time_ms.size < 2:
        raise RanvierError("the result has fewer than 2 time samples; NWB series need a sampling rate")
    dt_rec_ms = float(time_ms[1] - time_ms[0])
    rate_Hz = 1000.0 / dt_rec_ms
    attrs = {k: _jsonable(v) for k, v in result.attrs.items()}
    created = attrs.get("created")
    try:
        start = _dt.datetime.fromisoformat(created) if created else _dt.datetime.now(_dt.timezone.utc)
    except ValueError:
        start = _dt.datetime.now(_dt.timezone.utc)
    if start.tzinfo is None:
        start = start.replace(tzinfo=_dt.timezone.utc)
    names = ", ".join(c.name for c in simulation.cells) if simulation is not None else "a model neuron"
    version = attrs.get("ranvier_version", "?")
    method = attrs.get("method_description", attrs.get("method", "?"))
    nwb = pynwb.NWBFile(
        session_description=session_description or f"ranvier simulation of {names}",
        identifier=f"ranvier-{attrs.get('model_hash', uuid.uuid4().hex)}-{start.strftime('%Y%m%dT%H%M%S')}",
        session_start_time=start,
        experiment_description=describe_model(simulation) if simulation is not None else "simulated with ranvier",
        data_collection=(
            f"Simulated data, not recorded: ranvier {version}, {method}, dt {attrs.get('dt_ms')} ms, "
            f"sampled every {dt_rec_ms:g} ms. Electrodes are ideal virtual electrodes."
        ),
        notes=json.dumps(attrs, sort_keys=True, default=str),
        source_script="ranvier.to_nwb",
        keywords=["simulation", "computational model", "ranvier"],
        source_script_file_name="ranvier",
    )
    device = nwb.create_device(
        name="ranvier simulator",
        description=f"ranvier {version} (numerical simulation; {method}; dt {attrs.get('dt_ms')} ms)",
    )
    nwb.subject = pynwb.file.Subject(
        subject_id=f"ranvier-model-{attrs.get('model_hash', 'unknown')}",
        description="a computational model neuron simulated by ranvier; no animal was used",
        sex=sex,
        age=age,
        **({"species": species} if species else {}),
    )
    stim_at: dict[str, object] = {}
    if simulation is not None:
        for s in simulation.stimuli:
            stim_at[s.site.label] = s
    labels = [str(x) for x in result["site"].values]
    electrodes = {}

    def safe(label: str) -> str:  # NWB names cannot hold "/" or ":" ("cell1/soma(0.5)" -> "cell1 soma(0.5)")
        return label.replace("/", " ")

    def electrode(label: str):
        if label not in electrodes:
            electrodes[label] = nwb.create_icephys_electrode(
                name=f"electrode {safe(label)}",
                description=f"simulated ideal electrode at {label} (no access resistance, no capacitance)",
                device=device,
                location=label,
                cell_id=label.split("/")[0] if "/" in label else "cell0",
            )
        return electrodes[label]

    from ranvier.stimulus import CurrentClamp, VoltageClamp

    for i, label in enumerate(labels):
        el = electrode(label)
        st = stim_at.get(label)
        if "v" in result and isinstance(st, (CurrentClamp, type(None))):
            v = np.asarray(result["v"].values[i], float)
            if np.all(np.isnan(v)):
                continue
            resp = CurrentClampSeries(
                name=f"v {safe(label)}", data=v, electrode=el, gain=1.0, conversion=1e-3, unit="volts",
                starting_time=0.0, rate=rate_Hz, bias_current=0.0, bridge_balance=0.0, capacitance_compensation=0.0,
                description=f"simulated membrane potential at {label} (mV)",
            )
            stim = None
            if isinstance(st, CurrentClamp):
                stim = CurrentClampStimulusSeries(
                    name=f"stimulus {safe(label)}", data=np.asarray(st.waveform(time_ms), float), electrode=el, gain=1.0,
                    conversion=1e-9, unit="amperes", starting_time=0.0, rate=rate_Hz,
                    description=f"current injected at {label} (nA, positive into the cell)",
                )
            nwb.add_intracellular_recording(electrode=el, response=resp, stimulus=stim)
        elif isinstance(st, VoltageClamp) and "clamp_i_nA" in result:
            i_nA = np.asarray(result["clamp_i_nA"].values[i], float)
            resp = VoltageClampSeries(
                name=f"clamp current {safe(label)}", data=i_nA, electrode=el, gain=1.0, conversion=1e-9, unit="amperes",
                starting_time=0.0, rate=rate_Hz,
                description=f"current delivered by the simulated voltage clamp at {label} (nA, into the cell positive)",
            )
            stim = VoltageClampStimulusSeries(
                name=f"command {safe(label)}", data=np.asarray(st.waveform(time_ms), float), electrode=el, gain=1.0,
                conversion=1e-3, unit="volts", starting_time=0.0, rate=rate_Hz,
                description=f"voltage-clamp command at {label} (mV)",
            )
            nwb.add_intracellular_recording(electrode=el, response=resp, stimulus=stim)
    other = [v for v in result.data_vars if v not in ("v", "clamp_i_nA")]
    if other:
        mod = nwb.create_processing_module(name="ranvier", description="other simulated variables at each site")
        for var in other:
            unit = str(result[var].attrs.get("units", "1"))
            for i, label in enumerate(labels):
                data = np.asarray(result[var].values[i], float)
                if np.all(np.isnan(data)):
                    continue
                mod.add(pynwb.TimeSeries(
                    name=f"{var} {safe(label)}", data=data, unit=unit, starting_time=0.0, rate=rate_Hz,
                    description=str(result[var].attrs.get("long_name", var)) + f" at {label}",
                ))
    tmp = path.with_name(f".{path.stem}.part.nwb")
    try:
        with pynwb.NWBHDF5IO(str(tmp), "w") as io:
            io.write(nwb)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
