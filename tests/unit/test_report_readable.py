"""Reports a student can read (issue 10, part 7): the text of the generated figures and pages is parsed
for overlapping labels, branches that are not branches, and labels whose words or units are wrong."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
import xarray as xr

pytest.importorskip("matplotlib")

from ranvier.report import ion_currents, morphology, render_report  # noqa: E402
from ranvier.seed import SeedSettings, seed_neuron  # noqa: E402


@pytest.fixture(scope="module")
def seed_figure():
    cell, sites = seed_neuron(SeedSettings())
    fig = morphology(cell.morphology, recording_sites=list(sites.values()))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()  # lay the text out as it is in the PNG of the report
    return cell, sites, fig


def _texts(fig):
    return [t for ax in fig.axes for t in ax.texts if t.get_text().strip() and t.get_visible()]


def test_morphology_labels_do_not_overlap(seed_figure):
    _, _, fig = seed_figure
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig)]
    assert len(boxes) >= 15  # sections, the fibre and the recording sites are named
    clashes = [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]
    assert not clashes, f"labels overprint each other: {clashes[:5]}"


def test_paranodes_are_not_drawn_as_branches(seed_figure):
    cell, _, fig = seed_figure
    hidden = [s.name for s in cell.morphology.sections if {"paranode", "periaxonal"} & set(s.tags)]
    assert len(hidden) >= 40  # the MRG fibre has paranodes on both sides of each of its 11 nodes
    texts = " ".join(t.get_text() for t in _texts(fig))
    assert not any(name in texts for name in hidden)
    ax = fig.axes[0]
    rows = {round(float(line.get_ydata()[0]), 6) for line in ax.get_lines()
            if len(line.get_xdata()) == 2 and line.get_ydata()[0] == line.get_ydata()[1]}
    # the dendritic tree of 3 levels has 4 tips: 4 rows; paranodes as branches made one row each (40+)
    assert len(rows) <= 4, sorted(rows)
    assert "myelinated axon: 11 nodes" in texts
    assert "not branches" in fig.axes[-1].get_xlabel()


def test_the_close_up_names_every_dendrite(seed_figure):
    cell, _, fig = seed_figure
    near = " ".join(t.get_text() for t in fig.axes[1].texts)
    for s in cell.morphology.sections:
        if "dend" in s.tags or s.name in ("soma", "ais"):
            assert re.search(rf"\b{s.name}\b", near), f"{s.name} is not named in the close-up"


def _row(html: str, key: str) -> str:
    m = re.search(r"<tr[^>]*>(?:(?!</tr>).)*?<span class=\"key\">" + re.escape(key) + r"</span>.*?</tr>", html, re.S)
    assert m, key
    return m.group(0)


def test_a_threshold_current_is_not_labelled_as_a_voltage_threshold():
    html = render_report("hyperkalaemia", {"threshold_nA": [0.2, 0.3], "first_ap": {"threshold_mV": -50.0}}, [], {})
    current = _row(html, "threshold_nA")
    assert "threshold current" in current and "nA" in current and "dV/dt" not in current
    voltage = _row(html, "first_ap.threshold_mV")
    assert "dV/dt passes 10 mV/ms" in voltage and "mV" in voltage


def test_a_rate_of_rise_is_in_mV_per_ms():
    row = _row(render_report("ions", {"max_rise_mV_ms": 357.9}, [], {}), "max_rise_mV_ms")
    assert "max rise" in row and "mV/ms" in row and "max rise mV" not in row


def test_none_and_its_reason_are_shown():
    html = render_report("run", {"first_ap": {"undershoot_mV": None},
                                 "not_measured": {"first_ap.undershoot_mV": "stayed above rest"}}, [], {})
    assert "stayed above rest" in html and "below rest" in _row(html, "first_ap.undershoot_mV")


def test_a_zero_current_is_not_said_to_carry_ions():
    t = np.arange(0.0, 10.0, 0.01)
    v = -70.0 + 110.0 * np.exp(-(((t - 3.0) / 0.3) ** 2))
    i_na = -np.gradient(v, t) * 1e-3
    ds = xr.Dataset({"v": (("site", "time"), v[None]), "i_na": (("site", "time"), i_na[None]),
                     "i_k": (("site", "time"), -i_na[None] * 0.8), "i_ca": (("site", "time"), np.zeros((1, t.size)))},
                    coords={"site": ["soma(0.5)"], "time": t})
    for k in ("i_na", "i_k", "i_ca"):
        ds[k].attrs["units"] = "mA/cm2"
    fig = ion_currents(ds, "soma(0.5)")
    legend = [x.get_text() for leg in fig.legends for x in leg.get_texts()]
    ca = [x for x in legend if x.startswith("Ca²⁺")]
    assert ca and "none" in ca[0] and "leave" not in ca[0] and "enter" not in ca[0], ca
