"""NeuroML 2 ion channels (``ionChannelHH``) in and out, with libNeuroML.

NeuroML 2 (Cannon et al. 2014, Front Neuroinform 8:79, doi:10.3389/fninf.2014.00079)
defines the HH rate types that ranvier's forms were taken from (Gleeson et al. 2010, PLoS
Comput Biol 6:e1000815), so the mapping is one to one:

=================  =====================================================  =========
NeuroML            expression (x = v - midpoint)                          ranvier
=================  =====================================================  =========
HHExpRate          rate exp(x / scale)                                    Exp
HHSigmoidRate      rate / (1 + exp(-x / scale))                           Sigmoid
HHExpLinearRate    rate (x/scale) / (1 - exp(-x / scale))                 Linoid
HHSigmoidVariable  rate / (1 + exp(-x / scale)) (a steady state)          Sigmoid
HHExpVariable      rate exp(x / scale)                                    Exp
fixedTimeCourse    tau                                                    Constant
=================  =====================================================  =========

Gates: ``gateHHrates`` (forward/reverse rate -> alpha/beta) and ``gateHHtauInf``
(timeCourse/steadyState -> tau/inf); ``q10Settings`` of type ``q10ExpTemp`` -> the
channel's Q10 and reference temperature (one per channel). The maximal conductance and a
fixed reversal come from the document's ``channelDensity`` for the channel (a cell's
biophysics), or from the ``ranvier:gbar_S_cm2`` / ``ranvier:erev_mV`` properties that
:func:`channels_to_neuroml` writes. Other gate and rate types are refused by name.

:func:`cell_from_neuroml` reads a ``cell`` too: segments as one-compartment sections,
segment groups as tags, channel densities as paints, capacitance and resistivity where
they apply to all segments.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

from ranvier.errors import RanvierError

UNIT_SCALE = {
    # to mV
    "mV": 1.0, "V": 1e3,
    # to ms
    "ms": 1.0, "s": 1e3,
    # to 1/ms
    "per_ms": 1.0, "per_s": 1e-3, "Hz": 1e-3,
    # to S/cm2
    "S_per_cm2": 1.0, "mS_per_cm2": 1e-3, "S_per_m2": 1e-4, "mS_per_m2": 1e-7, "pS_per_um2": 1e-4,
    # to degC
    "degC": 1.0,
    # to uF/cm2 and ohm*cm
    "uF_per_cm2": 1.0, "F_per_m2": 100.0, "ohm_cm": 1.0, "kohm_cm": 1e3, "ohm_m": 100.0,
}
NEUROML_ION = {"na": "na", "k": "k", "ca": "ca", "cl": "cl", "non_specific": "nonspecific", None: "nonspecific"}


def _need_neuroml():
    try:
        import neuroml
        import neuroml.loaders  # noqa: F401
    except ImportError:
        raise RanvierError(
            "NeuroML needs libNeuroML; install it with: pip install 'ranvier[interop]' (or pip install libNeuroML)"
        ) from None
    return neuroml


def _quantity(text: str | None, want: tuple[str, ...], what: str) -> float:
    if text is None:
        raise RanvierError(f"{what} is missing")
    m = re.fullmatch(r"\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z_0-9]*)\s*", str(text))
    if not m:
        raise RanvierError(f"{what} {text!r} is not a number with a unit")
    value, unit = float(m.group(1)), m.group(2)
    if unit not in want:
        raise RanvierError(f"{what} {text!r}: unit {unit!r} is not one of {list(want)}")
    return value * UNIT_SCALE[unit]


def _form(rate, where: str, kind: str):
    """A NeuroML rate/variable/time-course element as a ranvier form."""
    from ranvier.mechanisms.forms import Constant, Exp, Linoid, Sigmoid

    t = rate.type
    if kind == "tau" and t == "fixedTimeCourse":
        return Constant(_quantity(rate.tau, ("ms", "s"), f"{where} tau"))
    rate_units = ("per_ms", "per_s", "Hz") if kind == "rate" else ("",) if kind == "inf" else ("ms", "s")
    cls = {"HHExpRate": Exp, "HHSigmoidRate": Sigmoid, "HHExpLinearRate": Linoid,
           "HHSigmoidVariable": Sigmoid, "HHExpVariable": Exp, "HHExpLinearVariable": Linoid}.get(t)
    if cls is None:
        raise RanvierError(
            f"{where}: rate type {t!r} has no ranvier form (HHExpRate, HHSigmoidRate, HHExpLinearRate, "
            "HHSigmoidVariable, HHExpVariable, fixedTimeCourse); other types need the expression rates of issue 12"
        )
    if kind == "inf":
        r = float(rate.rate) if rate.rate is not None else 1.0
    elif kind == "tau" and rate.rate is not None and not re.search(r"[A-Za-z]", str(rate.rate)):
        r = float(rate.rate)
    else:
        r = _quantity(rate.rate, rate_units, f"{where} rate")
    m = _quantity(rate.midpoint, ("mV", "V"), f"{where} midpoint")
    s = _quantity(rate.scale, ("mV", "V"), f"{where} scale")
    return cls(r, m, s)


def channels_from_neuroml(path: str | os.PathLike, *, validate: bool = True):
    """The ``ionChannelHH`` (and HH-gated ``ionChannel``) elements of a NeuroML 2 file as ranvier channels.

    ``validate`` checks the file against the NeuroML 2 schema first (libNeuroML's
    ``validate_neuroml2``); an invalid file raises :class:`RanvierError` naming file, element and line.
    """
    from ranvier.mechanisms.channel import Channel, Gate

    neuroml = _need_neuroml()
    p = Path(path)
    if not p.is_file():
        raise RanvierError(f"no NeuroML file at {str(p)!r}")
    name = str(p)
    if validate:
        from neuroml.utils import validate_neuroml2

        try:
            with contextlib.redirect_stdout(io.StringIO()):  # it prints "It's valid!"
                validate_neuroml2(name)
        except Exception as e:  # libNeuroML raises a bare Exception with the parser's message
            msg = str(e.args[0]) if e.args else str(e)
            raise RanvierError(f"{name}: not valid NeuroML 2: {msg[:400]}") from None
    try:
        doc = neuroml.loaders.read_neuroml2_file(name)
    except Exception as e:
        raise RanvierError(f"{name}: libNeuroML cannot read it: {str(e)[:400]}") from None
    densities = {}
    for cell in doc.cells:
        bp = cell.biophysical_properties
        if bp is None or bp.membrane_properties is None:
            continue
        for cd in bp.membrane_properties.channel_densities:
            densities.setdefault(cd.ion_channel, cd)
    out = []
    for ch in list(doc.ion_channel_hhs) + list(doc.ion_channel):
        where = f"{name}: ionChannel {ch.id!r}"
        props = {pr.tag: pr.value for pr in (ch.properties or [])}
        gates = []
        q10s = set()
        for g in ch.gate_hh_rates:
            gw = f"{where} gate {g.id!r}"
            gates.append(Gate(g.id, int(g.instances), alpha=_form(g.forward_rate, gw + " forwardRate", "rate"),
                              beta=_form(g.reverse_rate, gw + " reverseRate", "rate")))
            q10s.add(_q10(g, gw))
        for g in ch.gate_hh_tau_infs:
            gw = f"{where} gate {g.id!r}"
            gates.append(Gate(g.id, int(g.instances), inf=_form(g.steady_state, gw + " steadyState", "inf"),
                              tau=_form(g.time_course, gw + " timeCourse", "tau")))
            q10s.add(_q10(g, gw))
        others = [kind for kind in ("gates", "gate_hh_rates_taus", "gate_hh_rates_infs", "gate_hh_rates_tau_infs",
                                    "gate_hh_instantaneouses", "gate_fractionals", "gate_kses")
                  if getattr(ch, kind, None)]
        if others:
            raise RanvierError(f"{where}: gate element(s) {others} are not imported yet (only gateHHrates and "
                               "gateHHtauInf)")
        q10s.discard(None)
        if len(q10s) > 1:
            raise RanvierError(f"{where}: gates have different q10Settings {sorted(q10s)}; ranvier channels have one Q10")
        q10, t_ref = q10s.pop() if q10s else (1.0, 6.3)
        ion = NEUROML_ION.get(ch.species, None)
        if ion is None:
            raise RanvierError(f"{where}: species {ch.species!r} is not one of na, k, ca, cl or none")
        erev = None
        if "ranvier:gbar_S_cm2" in props:
            gbar = float(props["ranvier:gbar_S_cm2"])
            erev = float(props["ranvier:erev_mV"]) if "ranvier:erev_mV" in props else None
        elif ch.id in densities:
            cd = densities[ch.id]
            gbar = _quantity(cd.cond_density, tuple(k for k in UNIT_SCALE if "per" in k and "S" in k),
                             f"{where} channelDensity condDensity")
            erev = _quantity(cd.erev, ("mV", "V"), f"{where} channelDensity erev")
            ion = NEUROML_ION.get(cd.ion, ion)
        else:
            raise RanvierError(f"{where}: no channelDensity in the file gives its conductance density; "
                               "ranvier channels carry one")
        if ion == "nonspecific" and erev is None:
            raise RanvierError(f"{where}: a non-specific channel needs a reversal potential (erev)")
        out.append(Channel(name=re.sub(r"\W", "_", ch.id), ion=ion, gbar_S_cm2=gbar, gates=tuple(gates),
                           e_rev_mV=erev, q10=q10, reference_temp_degC=t_ref,
                           citation=props.get("ranvier:citation", f"imported from NeuroML 2 file {p.name} ({ch.id})")))
    if not out:
        raise RanvierError(f"{name}: the file has no ionChannelHH or ionChannel element")
    return tuple(out)


def _q10(g, where):
    qs = getattr(g, "q10_settings", None)
    if qs is None:
        return None
    if qs.type != "q10ExpTemp":
        raise RanvierError(f"{where}: q10Settings type {qs.type!r} is not imported (only q10ExpTemp)")
    return (float(qs.q10_factor), _quantity(qs.experimental_temp, ("degC",), f"{where} experimentalTemp"))


def _rate_element(form, kind: str):
    """A ranvier form as a NeuroML HHRate / HHVariable / HHTime."""
    import neuroml

    from ranvier.mechanisms.forms import Constant, Exp, Linoid, Sigmoid

    if kind == "tau":
        if isinstance(form, Constant):
            return neuroml.HHTime(type="fixedTimeCourse", tau=f"{form.value!r}ms")
        raise RanvierError(f"a time constant of form {type(form).__name__} has no NeuroML type; "
                           "only Constant (fixedTimeCourse) is written")
    if isinstance(form, Constant):
        raise RanvierError(f"a {'rate' if kind == 'rate' else 'steady state'} of form Constant has no NeuroML HH type")
    t = {Exp: "HHExp", Sigmoid: "HHSigmoid", Linoid: "HHExpLinear"}[type(form)]
    if kind == "rate":
        return neuroml.HHRate(type=t + "Rate", rate=f"{form.rate!r}per_ms", midpoint=f"{form.midpoint_mV!r}mV",
                              scale=f"{form.scale_mV!r}mV")
    return neuroml.HHVariable(type=t + "Variable", rate=form.rate, midpoint=f"{form.midpoint_mV!r}mV",
                              scale=f"{form.scale_mV!r}mV")


def channels_to_neuroml(channels, path: str | os.PathLike, *, doc_id: str = "ranvier_channels") -> Path:
    """Write ranvier channels as NeuroML 2 ``ionChannelHH`` elements (validated against the schema).

    Values are written with Python's shortest exact repr, so reading the file back gives
    the same numbers; gbar, a fixed reversal and the citation go into ``ranvier:``
    properties of each channel.
    """
    _need_neuroml()
    import neuroml
    import neuroml.writers
    from neuroml.utils import validate_neuroml2

    from ranvier.mechanisms.channel import Channel

    chans = (channels,) if isinstance(channels, Channel) else tuple(channels)
    path = Path(path)
    if not path.name.endswith(".nml"):
        raise RanvierError(f"NeuroML files end in .nml, got {str(path)!r}")
    doc = neuroml.NeuroMLDocument(id=doc_id)
    for c in chans:
        if c.is_ghk:
            raise RanvierError(f"channel {c.name!r} is a GHK channel; NeuroML ionChannelHH is ohmic")
        species = None if c.ion == "nonspecific" else c.ion
        el = neuroml.IonChannelHH(id=c.name, conductance="10pS", species=species,
                                  notes=f"written by ranvier; {c.citation}"[:1000])
        el.properties.append(neuroml.Property(tag="ranvier:gbar_S_cm2", value=repr(c.gbar_S_cm2)))
        if c.e_rev_mV is not None:
            el.properties.append(neuroml.Property(tag="ranvier:erev_mV", value=repr(c.e_rev_mV)))
        if c.citation:
            el.properties.append(neuroml.Property(tag="ranvier:citation", value=c.citation))
        q10 = neuroml.Q10Settings(type="q10ExpTemp", q10_factor=repr(c.q10),
                                  experimental_temp=f"{c.reference_temp_degC!r} degC")
        for g in c.gates:
            if g.kind == 0:
                el.gate_hh_rates.append(neuroml.GateHHRates(
                    id=g.name, instances=g.power, q10_settings=q10,
                    forward_rate=_rate_element(g.alpha, "rate"), reverse_rate=_rate_element(g.beta, "rate")))
            else:
                el.gate_hh_tau_infs.append(neuroml.GateHHTauInf(
                    id=g.name, instances=g.power, q10_settings=q10,
                    time_course=_rate_element(g.tau, "tau"), steady_state=_rate_element(g.inf, "inf")))
        doc.ion_channel_hhs.append(el)
    neuroml.writers.NeuroMLWriter.write(doc, str(path))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            validate_neuroml2(str(path))
    except Exception as e:
        raise RanvierError(f"ranvier wrote {str(path)!r} but it is not valid NeuroML 2: {e}") from None
    return path


def cell_from_neuroml(path: str | os.PathLike, cell_id: str | None = None, *, temperature_degC: float = 6.3):
    """A NeuroML 2 ``cell`` (morphology and biophysics) as a ranvier :class:`Cell`, and its initial potential (mV).

    Each segment becomes a one-compartment section (its length, and the diameter that keeps
    the lateral area of its truncated cone; a segment whose two ends coincide is a sphere,
    given as a cylinder of length = diameter). Segment groups become tags; a channel
    density on a group paints the channel there. Specific capacitance and resistivity are
    taken where they apply to all segments (the only case imported); ``temperature_degC`` is
    the cell's temperature (NeuroML leaves it to the simulation).
    """
    import math

    from ranvier.cell import Cell, Paint
    from ranvier.morphology.section import Section
    from ranvier.morphology.tree import Morphology

    neuroml = _need_neuroml()
    name = str(Path(path))
    chans = {c.name: c for c in channels_from_neuroml(path)}
    doc = neuroml.loaders.read_neuroml2_file(name)
    cells = [c for c in doc.cells if cell_id is None or c.id == cell_id]
    if not cells:
        raise RanvierError(f"{name}: no cell{'' if cell_id is None else ' ' + repr(cell_id)} in the file "
                           f"(cells: {[c.id for c in doc.cells]})")
    cell = cells[0]
    where = f"{name}: cell {cell.id!r}"
    if cell.morphology is None or not cell.morphology.segments:
        raise RanvierError(f"{where} has no morphology segments")
    bp = cell.biophysical_properties
    if bp is None or bp.membrane_properties is None:
        raise RanvierError(f"{where} has no biophysicalProperties/membraneProperties")
    mp, ip = bp.membrane_properties, bp.intracellular_properties

    def global_value(items, units, what):
        vals = [x for x in items if x.segment_groups in (None, "all")]
        others = [x for x in items if x.segment_groups not in (None, "all")]
        if others:
            raise RanvierError(f"{where}: {what} on segment groups {[x.segment_groups for x in others]} "
                               "is not imported yet (only on 'all')")
        return _quantity(vals[0].value, units, f"{where} {what}") if vals else None

    cm = global_value(mp.specific_capacitances, ("uF_per_cm2",), "specificCapacitance") or 1.0
    ra_ohm_cm = global_value(ip.resistivities if ip is not None else [], ("kohm_cm", "ohm_cm"), "resistivity")
    ra = 100.0 if ra_ohm_cm is None else ra_ohm_cm
    v_init = global_value(mp.init_memb_potentials, ("mV", "V"), "initMembPotential")
    # groups: members and includes, resolved to segment ids
    groups = {g.id: g for g in cell.morphology.segment_groups}

    def members(gid, seen=()):
        if gid not in groups:
            raise RanvierError(f"{where}: segment group {gid!r} is not defined")
        g = groups[gid]
        out = {m.segments for m in g.members}
        for inc in g.includes:
            if inc.segment_groups in seen:
                raise RanvierError(f"{where}: segment group {gid!r} includes itself through {inc.segment_groups!r}")
            out |= members(inc.segment_groups, seen + (gid,))
        return out

    tags_of: dict[int, list[str]] = {s.id: [] for s in cell.morphology.segments}
    for gid in groups:
        for sid in members(gid):
            tags_of.setdefault(sid, []).append(gid)
    by_id = {s.id: s for s in cell.morphology.segments}
    names = {s.id: (f"{s.name}_{s.id}" if s.name else f"seg{s.id}") for s in cell.morphology.segments}
    secs = []
    for s in cell.morphology.segments:
        par = s.parent
        prox = s.proximal if s.proximal is not None else (by_id[par.segments].distal if par is not None else None)
        if prox is None:
            raise RanvierError(f"{where}: segment {s.id} has neither a proximal point nor a parent")
        d = s.distal
        length = math.dist((prox.x, prox.y, prox.z), (d.x, d.y, d.z))
        r0, r1 = prox.diameter / 2.0, d.diameter / 2.0
        if length == 0.0:  # a sphere: NeuroML's convention for a segment whose ends coincide
            diam = max(r0, r1) * 2.0
            length = diam
        else:
            area = math.pi * (r0 + r1) * math.sqrt(length**2 + (r0 - r1) ** 2)
            diam = area / (math.pi * length)
        px = 1.0
        if par is not None and par.fraction_along is not None:
            px = float(par.fraction_along)
        secs.append(Section(names[s.id], length, diam, parent=None if par is None else names[par.segments],
                            parent_x=px, Ra_ohm_cm=ra, cm_uF_cm2=cm, nseg=1, tags=tuple(tags_of.get(s.id, ()))))
    paints = []
    for cd in mp.channel_densities:
        if cd.ion_channel not in chans:
            raise RanvierError(f"{where}: channelDensity {cd.id!r} names ionChannel {cd.ion_channel!r}, "
                               f"which is not in the file (channels: {sorted(chans)})")
        gbar = _quantity(cd.cond_density, tuple(k for k in UNIT_SCALE if "per" in k and "S" in k),
                         f"{where} channelDensity {cd.id!r} condDensity")
        erev = _quantity(cd.erev, ("mV", "V"), f"{where} channelDensity {cd.id!r} erev")
        ch = chans[cd.ion_channel].with_(gbar_S_cm2=gbar, e_rev_mV=erev)
        group = cd.segment_groups or "all"
        paints.append(Paint(ch, group))
    morph = Morphology(secs)
    return Cell(morph, mechanisms=tuple(paints), temperature_degC=temperature_degC, name=cell.id), v_init
