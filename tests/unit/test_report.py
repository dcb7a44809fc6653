"""The HTML report: one self-contained file, every figure embedded, numbers with units, safe to write."""

from __future__ import annotations

import base64
import os
import re
import struct

import pytest

import ranvier as rv
from ranvier.errors import RanvierError
from ranvier.report import (
    flatten,
    format_number,
    gates,
    ion_currents,
    morphology,
    propagation,
    provenance_from,
    render_report,
    split_unit,
    voltage_traces,
    write_report,
)
from ranvier.summary import summarize

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DATA_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


# ------------------------------------------------------------------------------------------
# fixtures
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def run():
    cell = rv.Cell(
        rv.soma_dendrites_axon(),
        mechanisms=[(rv.tm_na, ("soma", "axon")), (rv.tm_kd, ("soma", "axon")), *rv.ion_leak()],
    )
    stim = rv.CurrentClamp.step(rv.Site("soma"), 0.3, 2.0, 5.0)
    probes = [rv.Site("soma"), rv.Site("axon", 0.2), rv.Site("axon", 0.8)]
    res = rv.Simulation(cell, stimuli=[stim], probes=probes, tstop_ms=15.0).run()
    summary = summarize(res, "soma(0.5)", "axon(0.2)", "axon(0.8)", cell.reversal_potentials_mV())
    assert summary["spike_count"] >= 1  # the report below describes a real action potential
    return cell, stim, probes, res, summary


@pytest.fixture(scope="module")
def figs(run):
    pytest.importorskip("matplotlib")
    cell, stim, probes, res, _ = run
    return [
        ("Membrane potential at each recording site.", voltage_traces(res)),
        ("Na+ and K+ currents at the soma.", ion_currents(res, "soma")),
        ("The spike travelling along the axon.", propagation(res, ["axon(0.2)", "axon(0.8)"])),
        ("The cell, with recording sites and the stimulus.", morphology(cell, probes, [stim])),
        ("Gates at the soma.", gates(res, rv.Site("soma"))),
    ]


@pytest.fixture(scope="module")
def page(run, figs):
    *_, res, summary = run
    return render_report("Default neuron", summary, figs, provenance_from(res), ["A note."])


def _row(html: str, key: str) -> str:
    """The table row whose key path is ``key``."""
    m = re.search(r"<tr[^>]*>(?:(?!</tr>).)*?<span class=\"key\">" + re.escape(key) + r"</span>.*?</tr>", html, re.S)
    assert m, f"no row for {key}"
    return m.group(0)


def _text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment).replace("&nbsp;", " ")


# ------------------------------------------------------------------------------------------
# the page
# ------------------------------------------------------------------------------------------
def test_report_is_one_offline_file(page):
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"https?://", page, re.I)
    assert not re.search(r"""(?:src|href|action)\s*=\s*(?!["']?(?:data:|#))""", page, re.I)
    assert not re.search(r"@import|url\(|<script|<link|<iframe", page, re.I)
    # nothing protocol-relative either, once the base64 payloads (which may contain "//") are removed
    assert "//" not in DATA_URI.sub("data:image/png;base64,", page)


def test_every_figure_is_an_embedded_png(page, figs):
    payloads = DATA_URI.findall(page)
    assert len(payloads) == page.count("data:image/png;base64,") == len(figs)
    for p in payloads:
        png = base64.b64decode(p, validate=True)
        assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
        width, height = struct.unpack(">II", png[16:24])
        assert width > 300 and height > 200
    for k, (caption, _) in enumerate(figs, start=1):
        assert f"<b>Figure {k}.</b> {caption}" in page


def test_summary_numbers_appear_with_their_units(page, run):
    summary = run[-1]
    checks = {
        "resting_potential_mV": (summary["resting_potential_mV"], "mV"),
        "nernst_mV.k": (summary["nernst_mV"]["k"], "mV"),
        "first_ap.peak_mV": (summary["first_ap"]["peak_mV"], "mV"),
        "first_ap.half_width_ms": (summary["first_ap"]["half_width_ms"], "ms"),
        "first_ap.charge_uC_cm2.na": (summary["first_ap"]["charge_uC_cm2"]["na"], "µC/cm²"),
        "conduction_velocity_m_s": (summary["conduction_velocity_m_s"], "m/s"),
        "conduction_distance_um": (600.0, "µm"),
        "temperature_degC": (37.0, "°C"),
    }
    for key, (value, unit) in checks.items():
        assert f"{format_number(value)} {unit}" in _text(_row(page, key)), key
    assert _text(_row(page, "spike_count")).endswith(str(summary["spike_count"]))
    assert "axon(0.2), axon(0.8)" in _row(page, "conduction_between")
    assert "What was measured" in page and "Provenance" in page and "A note." in page


def test_units_come_from_key_suffixes_and_numbers_read_well():
    assert split_unit("conduction_velocity_m_s") == ("conduction_velocity", "m/s")
    assert split_unit("charge_uC_cm2") == ("charge", "µC/cm²")
    assert split_unit("spike_times_ms") == ("spike_times", "ms")
    assert split_unit("resting_potential_mV") == ("resting_potential", "mV")
    assert split_unit("temperature_degC") == ("temperature", "°C")
    assert split_unit("method") == ("method", None)
    assert [format_number(x) for x in (-68.49877, 0.494053, 600.0, 7, 1.5e-7, 0.0, float("nan"))] == [
        "-68.5", "0.4941", "600", "7", "1.5e-07", "0", "n/a"]
    assert flatten({"a_mV": 1, "b": {"c_ms": 2, "d": {"e": 3}}}) == [
        (("a_mV",), 1), (("b", "c_ms"), 2), (("b", "d", "e"), 3)]
    html = render_report("t", {"v_mV": -68.49877, "ions_mV": {"na": 50.0}, "n": 3, "list_ms": [1.0, 2.5]}, [], {})
    assert "-68.5&nbsp;<span class=\"unit\">mV</span>" in html
    assert "50&nbsp;<span class=\"unit\">mV</span>" in _row(html, "ions_mV.na")  # unit inherited from the parent key
    assert "1, 2.5&nbsp;<span class=\"unit\">ms</span>" in html


def test_provenance_values_appear(page, run):
    res = run[3]
    prov = provenance_from(res)
    for key in ("ranvier_version", "dt_ms", "method", "temperature_degC", "model_hash", "created"):
        assert key in prov
    assert prov["ranvier_version"] == rv.__version__
    section = page[page.index('id="provenance"'):]
    assert res.attrs["model_hash"] in _row(section, "model_hash")
    assert res.attrs["created"] in _row(section, "created")
    assert rv.__version__ in _row(section, "ranvier_version")
    assert "0.025 ms" in _text(_row(section, "dt_ms"))
    assert "Crank-Nicolson" in _row(section, "method")
    assert "37 °C" in _text(_row(section, "temperature_degC"))
    # a provenance without a version still says which ranvier wrote it
    assert rv.__version__ in _row(render_report("t", {}, [], {"dt_ms": 0.01}), "ranvier_version")


def test_user_strings_are_escaped():
    evil = "<script>alert('x')</script>"
    html = render_report(evil, {"<b>key</b>_mV": 1.0, "name": evil}, [], {"who": "A & B <i>"}, [evil])
    assert "<script>" not in html and "<b>key" not in html and "<i>" not in html
    assert html.count("&lt;script&gt;") >= 4  # <title>, <h1>, the summary value, the note
    assert "A &amp; B &lt;i&gt;" in html


def test_caption_is_escaped_and_bad_figures_are_refused(figs):
    fig = figs[0][1]
    html = render_report("t", {}, [('<img src=x onerror="alert(1)">', fig)], {})
    assert "<img src=x" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    with pytest.raises(RanvierError, match="caption, Figure"):
        render_report("t", {}, [fig], {})
    with pytest.raises(RanvierError, match="matplotlib Figure"):
        render_report("t", {}, [("caption", "not a figure")], {})


# ------------------------------------------------------------------------------------------
# writing
# ------------------------------------------------------------------------------------------
def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path, run, figs):
    *_, res, summary = run
    out = write_report(tmp_path / "report.html", "Report", summary, figs[:1], provenance_from(res))
    assert out == tmp_path / "report.html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.count("data:image/png;base64,") == 1
    # overwriting replaces the file whole
    write_report(out, "Second", {}, [], {})
    assert "<title>Second</title>" in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_failing_write_keeps_the_existing_file(tmp_path, monkeypatch):
    path = tmp_path / "report.html"
    path.write_text("the earlier report")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_report(path, "New", {"x_mV": 1.0}, [], {})
    monkeypatch.undo()
    assert path.read_text() == "the earlier report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_failing_figure_writes_nothing(tmp_path):
    path = tmp_path / "report.html"
    path.write_text("the earlier report")

    class Broken:
        def savefig(self, *args, **kwargs):
            raise RuntimeError("cannot draw")

    with pytest.raises(RuntimeError, match="cannot draw"):
        write_report(path, "New", {}, [("a figure", Broken())], {})
    assert path.read_text() == "the earlier report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.parametrize("name", ["report.htm", "report.txt", "report", "report.html.bak"])
def test_a_path_not_ending_in_html_is_refused(tmp_path, name):
    with pytest.raises(RanvierError, match=r"\.html"):
        write_report(tmp_path / name, "t", {}, [], {})
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(RanvierError, match="does not exist"):
        write_report(tmp_path / "nowhere" / "report.html", "t", {}, [], {})


# ------------------------------------------------------------------------------------------
# the figures say what they show
# ------------------------------------------------------------------------------------------
def _legend_texts(fig) -> list[str]:
    out = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    out += [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    return out


def test_voltage_traces_are_labelled_with_units(run, figs):
    fig = figs[0][1]
    ax = fig.axes[0]
    assert "ms" in ax.get_xlabel() and "mV" in ax.get_ylabel()
    labels = _legend_texts(fig)
    assert len(labels) == 3 and all(any(s in lab for lab in labels) for s in ("soma(0.5)", "axon(0.2)", "axon(0.8)"))
    one = voltage_traces(run[3], [rv.Site("axon", 0.8)])
    assert len(one.axes[0].get_lines()) == 2  # the trace and the 0 mV reference line


def test_ion_currents_say_which_ion_flows_which_way(figs):
    fig = figs[1][1]
    labels = " | ".join(_legend_texts(fig))
    assert re.search(r"Na⁺ current: inward", labels) and re.search(r"K⁺ current: outward", labels)
    assert "action potential" in labels  # the shaded AP is in the legend
    assert "mA/cm²" in fig.axes[1].get_ylabel() and "ms" in fig.axes[1].get_xlabel()


def test_propagation_slope_is_the_conduction_velocity(run, figs):
    summary = run[-1]
    fig = figs[2][1]
    ax = fig.axes[0]
    m = re.search(r"([0-9.]+) m/s", ax.get_title())
    assert m and float(m.group(1)) == pytest.approx(summary["conduction_velocity_m_s"], rel=5e-3)
    assert "µm" in ax.get_ylabel() and "ms" in ax.get_xlabel()
    with pytest.raises(RanvierError, match="at least two"):
        propagation(run[3], ["axon(0.2)"])


def test_morphology_draws_sections_to_scale(run, figs):
    cell = run[0]
    ax = figs[3][1].axes[0]
    widths = {}
    for line in ax.get_lines():
        x, y = line.get_xdata(), line.get_ydata()
        if len(x) == 2 and y[0] == y[1]:
            widths[round(abs(x[1] - x[0]), 6)] = line.get_linewidth()
    assert {1000.0, 200.0, 20.0} <= set(widths)  # axon, dendrites and soma lengths in um
    assert widths[20.0] > widths[200.0] > widths[1000.0]  # soma 20 um > dendrite 2 um > axon 1 um thick
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "axon(0.2)" in texts and "stimulus" in texts and "µm" in ax.get_xlabel()
    with pytest.raises(RanvierError, match="unknown section"):
        morphology(cell, recording_sites=["axom(0.5)"])


def test_gates_tell_activation_from_inactivation(figs):
    labels = _legend_texts(figs[4][1])
    assert any("gate h" in lab and "inactivation" in lab for lab in labels)
    assert any("gate m" in lab and "activation" in lab and "inactivation" not in lab for lab in labels)
    assert any("tm_kd gate n" in lab for lab in labels)


def test_unknown_sites_are_refused_with_a_suggestion(run):
    pytest.importorskip("matplotlib")
    res = run[3]
    with pytest.raises(RanvierError, match="Did you mean 'soma"):
        voltage_traces(res, ["soma(0.6)"])
    with pytest.raises(RanvierError, match="name one of them"):
        ion_currents(res, "axon")
