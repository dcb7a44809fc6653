"""The lab in a real browser (headless Chromium): what a student sees and does.

The seed page runs with a 12 ms simulation (the spike starts near 8 ms and reaches neuron B
before 10 ms) to keep the tests short; users get the 30 ms default. Every page checks that no
request leaves 127.0.0.1 and that the console shows no error; screenshots go to artifacts/lab/.
"""

from __future__ import annotations

import math
import time

import pytest

from lab_helpers import get
from ranvier.experiments import catalogue
from ranvier.lab.pages import control_label

SEED = "/?tstop_ms=12"
# scenes whose default run takes well under ~3 s on CI's 2 cores: their screenshots show the result;
# the others (bisections over many runs) are shot while they compute, showing the progress indicator
QUICK_SCENES = ("resting-potential", "ions-of-the-spike", "synaptic-transmission")


UNLABELLED_JS = """() => {
  const out = [];
  const walk = (root) => root.querySelectorAll('*').forEach((el) => {
    const visible = el.offsetParent !== null || el.getClientRects().length > 0;
    const interactive = el.tagName === 'BUTTON' || el.tagName === 'INPUT' || el.getAttribute('role') === 'slider';
    if (visible && interactive) {
      const id = el.id;
      const label = (el.getAttribute('aria-label') || '').trim() || (el.textContent || '').trim() ||
        (id && root.querySelector(`label[for="${id}"]`) ? root.querySelector(`label[for="${id}"]`).textContent.trim() : '');
      if (!label) out.push(el.outerHTML.slice(0, 120));
    }
    if (el.shadowRoot) walk(el.shadowRoot);
  });
  walk(document);
  return out;
}"""


def _number(page, testid: str) -> float:
    text = page.locator(f"[data-testid={testid}]").inner_text()
    return float(text)


def _wait_for_change(page, testid: str, old: str, timeout_s: float = 120.0) -> str:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        now = page.locator(f"[data-testid={testid}]").inner_text()
        if now != old:
            return now
        page.wait_for_timeout(200)
    raise AssertionError(f"readout {testid} stayed {old!r} for {timeout_s:.0f} s after the change")


def test_seed_page_raising_k_out_with_the_keyboard_depolarises_rest(watched, lab_server):
    page = watched.page
    page.goto(lab_server.url + SEED)
    page.wait_for_selector("[data-testid=rest_mV]")
    rest0_text = page.locator("[data-testid=rest_mV]").inner_text()
    rest0 = float(rest0_text)
    # the figures are drawn: morphology, traces and currents are Bokeh canvases
    assert page.locator("canvas").count() >= 3, "the seed page must draw its morphology, traces and currents"
    assert page.locator("[data-testid=initiation_site]").inner_text() == "AIS"
    answer = page.locator("[data-testid=ais-answer]").inner_text()
    assert "Na+" in answer and "into the cell" in answer and "Na+ flows first" in answer, answer

    page.wait_for_timeout(500)  # the labelling script runs every 0.4 s
    unlabelled = page.evaluate(UNLABELLED_JS)
    assert not unlabelled, f"every control needs an accessible name; unlabelled: {unlabelled}"

    k = page.get_by_role("slider", name="external K+ (mM)")
    k.focus()
    for _ in range(10):  # PageUp = 5 steps of 0.1 mM: 5 -> 10 mM
        page.keyboard.press("PageUp")
    k_now = float(k.get_attribute("aria-valuenow"))
    assert k_now == pytest.approx(10.0), k_now
    page.wait_for_selector("[data-testid=status]:has-text('Simulating')", timeout=30_000)  # the progress indicator
    rest1 = float(_wait_for_change(page, "rest_mV", rest0_text))
    assert "k_out_mM=10" in page.url, f"the URL must hold the parameters: {page.url}"
    # Raising external K+ depolarises rest (Hodgkin & Katz 1949, J Physiol 108:37,
    # doi:10.1113/jphysiol.1949.sp004310), by at most the shift of E_K itself (the membrane is
    # also permeable to Na+ and Cl-): Nernst, 61.5 mV per decade at 37 degC.
    e_k_shift = 1e3 * 8.314462618 * 310.15 / 96485.33212 * math.log(k_now / 5.0)
    assert 0.0 < rest1 - rest0 <= e_k_shift, (
        f"rest moved from {rest0} to {rest1} mV when K+ went 5 -> {k_now} mM; expected a depolarisation of "
        f"(0, {e_k_shift:.1f}] mV")
    watched.screenshot("seed-k10")

    # a second tab is independent: opened with the default K+, it shows the default rest
    other = watched.context.new_page()
    other.goto(lab_server.url + SEED)
    other.wait_for_selector("[data-testid=rest_mV]")
    assert _number(other, "rest_mV") == rest0
    assert _number(page, "rest_mV") == rest1
    other.close()
    watched.check_clean()


def test_seed_page_downloads_its_run(watched, lab_server, tmp_path):
    import ranvier as rv

    page = watched.page
    page.goto(lab_server.url + SEED)
    page.wait_for_selector("[data-testid=rest_mV]")
    watched.screenshot("seed")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download the run (NetCDF)").click()
    path = tmp_path / "seed.nc"
    dl.value.save_as(path)
    ds = rv.load(path)
    assert float(ds.attrs["lab_param_tstop_ms"]) == 12.0
    rest = float(ds.v_rest_mV.sel(site="soma(0.5)"))
    assert rest == pytest.approx(_number(page, "rest_mV"), abs=0.05)
    watched.check_clean()


def test_scene_shows_its_finding_and_downloads_netcdf_and_figures(watched, lab_server, tmp_path):
    import ranvier as rv

    page = watched.page
    page.goto(lab_server.url + "/scene/resting-potential?k_out_mM=10")
    page.wait_for_selector("[data-testid=status]:has-text('Ready')")
    finding = page.locator("[data-testid=finding]").inner_text()
    status, api = get(f"{lab_server.url}/api/experiments/resting-potential/run?k_out_mM=10")
    assert status == 200 and finding == api["finding"], "the page's finding is the experiment's own text"
    # external K+ spans 0.5-150 mM here, three decades: a labelled number box, not a slider
    assert float(page.get_by_label("external K+ (mM)", exact=True).input_value()) == 10.0
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download the run (NetCDF)").click()
    path = tmp_path / "scene.nc"
    dl.value.save_as(path)
    ds = rv.load(path)
    assert ds.attrs["experiment"] == "resting-potential"
    assert float(ds.resting_potential_mV) == api["summary"]["resting_potential_mV"]
    assert ds.resting_potential_mV.attrs["units"] == "mV"
    with page.expect_download() as dl:
        page.get_by_role("button", name="Figure as PNG").first.click()
    png = tmp_path / "fig.png"
    dl.value.save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as dl:
        page.get_by_role("button", name="Figure as SVG").first.click()
    svg = tmp_path / "fig.svg"
    dl.value.save_as(svg)
    assert b"<svg" in svg.read_bytes()[:2000]
    # reset to defaults puts the control back (and re-runs)
    page.get_by_role("button", name="Reset to defaults").click()
    page.wait_for_function("() => !location.search.includes('k_out_mM')")
    watched.check_clean()


def test_every_page_renders_labelled_controls_and_is_screenshotted(watched, lab_server):
    page = watched.page
    names = sorted(catalogue(), key=lambda n: (n not in QUICK_SCENES, n))
    for name in names:
        ex = catalogue()[name]
        page.goto(f"{lab_server.url}/scene/{name}")
        page.wait_for_selector("[data-testid=status]")
        if name in QUICK_SCENES:
            page.wait_for_selector("[data-testid=status]:has-text('Ready')")
            page.wait_for_selector("[data-testid=finding]")
        else:
            page.wait_for_selector("[data-testid=status]:has-text('Simulating')")
        status = page.locator("[data-testid=status]").inner_text()
        assert "could not" not in status and "Not run" not in status, f"{name}: {status}"
        watched.screenshot(f"scene-{name}")
        unlabelled = page.evaluate(UNLABELLED_JS)
        assert not unlabelled, f"{name}: every control needs an accessible name; unlabelled: {unlabelled}"
        # every parameter has a keyboard-operable control whose accessible name is its label and unit
        for p in ex.params:
            label = control_label(p)
            found = page.get_by_role("slider", name=label, exact=True).count() + page.get_by_label(label, exact=True).count()
            assert found >= 1, f"{name}: no control labelled {label!r} for parameter {p.name}"
    watched.check_clean()
