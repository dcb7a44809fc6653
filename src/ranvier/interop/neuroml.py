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
