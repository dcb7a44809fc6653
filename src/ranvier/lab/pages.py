"""The lab's pages (Panel on a Bokeh server): the seed circuit first, then one page per experiment.

Each browser tab gets its own page objects (a Panel session); the simulations of all tabs go
through the one :mod:`ranvier.lab.runner`. A control change waits a quarter second for the drag
or the key presses to settle, then submits; a newer change supersedes the older one.
"""

from __future__ import annotations

import asyncio
import html
import io
import itertools
import time
from urllib.parse import urlencode

import numpy as np

from ranvier.errors import RanvierError, SimulationError
from ranvier.lab.runner import Superseded, params_key, runner

SETTLE_S = 0.25  # a drag or a key held down sends many values: compute only once they stop
OKABE_ITO = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F")
PAGE_CSS = """
:host { --lab-accent: #0072B2; }
.lab-readout { display: inline-block; min-width: 8.5em; margin: 0 0.6em 0.6em 0; padding: 0.4em 0.7em;
  border: 1px solid #ccc; border-radius: 6px; background: #fafafa; }
.lab-readout .label { font-size: 0.8em; color: #444; display: block; }
.lab-readout .value { font-size: 1.35em; font-weight: 600; }
"""
_channels = itertools.count()


def _unit_text(unit: str) -> str:
    from ranvier.report.units import pretty_unit

    return pretty_unit(unit) if unit else ""


def control_label(p) -> str:
    """What a control is called on the page: its help text and its unit, e.g. 'external K+ (mM)'."""
    unit = _unit_text(p.unit)
    short = p.help.split(" (")[0]
    return f"{short} ({unit})" if unit else short


def _step(p) -> float:
    span = p.hi - p.lo
    step = 10 ** np.floor(np.log10(span / 100.0)) if span > 0 else 1.0
    return float(step)


def _format(p) -> str:
    step = _step(p)
    decimals = max(0, int(-np.floor(np.log10(step)))) if step < 1 else 0
    return "0" if decimals == 0 else "0." + "0" * decimals


# Bokeh's slider handle (noUiSlider) is focusable and moves with the arrow keys, PageUp/PageDown,
# Home and End, but carries no accessible name: give it its visible title, in every shadow root,
# now and whenever Bokeh re-renders a widget. The same for the play control's range and its
# icon-only buttons.
A11Y_JS = """
const PLAYER_BUTTONS = {first: 'go to the start', previous: 'one frame back', reverse: 'play backwards',
  pause: 'pause', play: 'play', next: 'one frame forward', last: 'go to the end', slower: 'slower',
  faster: 'faster'};
function ranvierLabel(root) {
  root.querySelectorAll('*').forEach((el) => {
    if (el.getAttribute && el.getAttribute('role') === 'slider' && !el.getAttribute('aria-label')) {
      const t = root.querySelector('.bk-slider-title');
      if (t) {
        const text = t.textContent.replace(/:\\s*[^:]*$/, '').trim();
        if (text) el.setAttribute('aria-label', text);
      }
    }
    if (el.tagName === 'INPUT' && el.type === 'range' && !el.getAttribute('aria-label')) {
      el.setAttribute('aria-label', 'time of the movie');
    }
    if (el.tagName === 'BUTTON' && !el.getAttribute('aria-label') && PLAYER_BUTTONS[el.className]) {
      el.setAttribute('aria-label', PLAYER_BUTTONS[el.className]);
      el.setAttribute('title', PLAYER_BUTTONS[el.className]);
    }
    if (el.tagName === 'BUTTON' && !el.getAttribute('aria-label') && el.classList.contains('bk-spin-btn')) {
      const lab = root.querySelector('label');
      const what = lab && lab.textContent.trim() ? lab.textContent.trim() : 'the value';
      el.setAttribute('aria-label', (el.classList.contains('bk-spin-btn-up') ? 'increase ' : 'decrease ') + what);
    }
    if (el.shadowRoot) ranvierLabel(el.shadowRoot);
  });
}
ranvierLabel(document);
if (!window.ranvierLabelTimer) window.ranvierLabelTimer = setInterval(() => ranvierLabel(document), 400);
"""


def accessibility_shim() -> None:
    """Run :data:`A11Y_JS` in the browser when the page's document is ready."""
    import panel as pn
    from bokeh.models import CustomJS

    if pn.state.curdoc is not None:
        pn.state.curdoc.js_on_event("document_ready", CustomJS(code=A11Y_JS))


def make_control(p):
    """A labelled, keyboard-operable control for a declared parameter (slider plus a number box)."""
    import panel as pn

    from ranvier.lab.scenes import is_integer

    label = control_label(p)
    if is_integer(p):
        w = pn.widgets.IntSlider(name=label, start=int(p.lo), end=int(p.hi), value=int(p.default), step=1)
    elif p.lo > 0 and p.hi / p.lo > 200:  # spans decades: a slider would be useless at the low end
        w = pn.widgets.FloatInput(name=label, start=p.lo, end=p.hi, value=float(p.default), step=float(p.lo),
                                  format="0[.]00000")
    else:
        w = pn.widgets.FloatSlider(name=label, start=p.lo, end=p.hi, value=float(p.default), step=_step(p),
                                   format=_format(p))
    w.description = f"{p.help}: {p.lo:g} to {p.hi:g} {_unit_text(p.unit)}, default {p.default:g} ({p.name})"
    w.sizing_mode = "stretch_width"
    return w


def nav(current: str):
    """Links to every page (plain links: keyboard and screen-reader friendly, and bookmarkable)."""
    import panel as pn

    from ranvier.experiments import catalogue

    items = [("/", "The seed circuit: one spike, synapse to synapse", current == "seed")]
    items += [(f"/scene/{n}", ex.title.split(":")[0], current == n) for n, ex in catalogue().items()]
    links = "".join(
        f'<li><a href="{href}"{" aria-current=page style=font-weight:700" if here else ""}>{html.escape(text)}</a></li>'
        for href, text, here in items)
    return pn.pane.HTML(f'<nav aria-label="lab pages"><b>ranvier lab</b><ul style="padding-left:1.1em;margin:0.3em 0">'
                        f"{links}</ul></nav>", width=270)


def _query_values(params: dict) -> tuple[dict, list[str]]:
    """Parameters given in the page's URL (?name=value), checked; problems come back as messages."""
    import panel as pn

    given, problems = {}, []
    for key, values in (pn.state.session_args or {}).items():
        if key not in params:
            problems.append(f"the link names no parameter {key!r} of this page; ignored")
            continue
        raw = values[-1].decode("utf-8", "replace") if values else ""
        try:
            given[key] = params[key].check(float(raw))
        except (RanvierError, ValueError) as e:
            problems.append(f"{e}; the default is used" if isinstance(e, RanvierError) else
                            f"{key} must be a number, got {raw!r}; the default is used")
    return given, problems


class _Page:
    """What the seed page and the scene pages share: controls from declarations, URL, status, runs."""

    what = ""

    def __init__(self, params):
        import panel as pn

        self.params = {p.name: p for p in params}
        self.controls = {p.name: make_control(p) for p in params}
        given, problems = _query_values(self.params)
        for k, v in given.items():
            self.controls[k].value = int(v) if isinstance(self.controls[k].value, int) else float(v)
        self.channel = ("page", next(_channels))
        self.doc = pn.state.curdoc  # Bokeh models may only change under this document's lock
        self.gen = 0
        self.spinner = pn.indicators.LoadingSpinner(value=False, size=22, name="simulating", visible=False)
        self.status = pn.pane.HTML("", sizing_mode="stretch_width")
        self.problems = pn.pane.Alert("\n".join(problems), alert_type="warning", visible=bool(problems))
        self.reset = pn.widgets.Button(name="Reset to defaults", button_type="default",
                                       description="put every control back to its default value")
        self.reset.on_click(self._reset)
        for w in self.controls.values():
            w.param.watch(self._changed, "value")
        pn.state.on_session_destroyed(lambda ctx: runner().forget(self.channel))

    def values(self) -> dict:
        return {k: (float(w.value) if w.value is not None else self.params[k].default) for k, w in self.controls.items()}

    def _reset(self, _event=None) -> None:
        for k, w in self.controls.items():
            d = self.params[k].default
            w.value = int(d) if isinstance(w.value, int) else float(d)

    def _sync_url(self, values: dict) -> None:
        import panel as pn

        changed = {k: f"{v:g}" for k, v in values.items() if v != self.params[k].default}
        if pn.state.location is not None:
            pn.state.location.search = f"?{urlencode(changed)}" if changed else ""

    async def _changed(self, *_events) -> None:
        self.gen += 1
        my = self.gen
        await asyncio.sleep(SETTLE_S)
        if my == self.gen:
            await self.compute(my)

    def _busy(self, on: bool, text: str) -> None:
        self.spinner.value = on
        self.spinner.visible = on
        self.status.object = f'<span role="status" data-testid="status">{html.escape(text)}</span>'

    async def compute(self, my: int | None = None) -> None:
        if my is None:
            self.gen += 1
            my = self.gen
        try:
            values = self.values()
            full = self.check(values)
        except RanvierError as e:
            self._busy(False, f"Not run: {e}")
            return
        self._sync_url(values)
        key = params_key(self.what, full)
        hit = runner().cached(key)
        t0 = time.perf_counter()
        if hit is None:
            last = runner().last_duration(self.what)
            hint = f" (the last run of this page took {last:.0f} s)" if last is not None and last >= 2 else ""
            self._busy(True, f"Simulating{hint}...")
        try:
            out = hit if hit is not None else await asyncio.wrap_future(
                runner().submit(key, lambda: self.run(full), channel=self.channel))
        except Superseded:
            return
        except (RanvierError, SimulationError) as e:
            if my == self.gen:
                self._busy(False, f"The model could not run these values: {e}")
            return
        if my != self.gen:  # a newer change is on its way
            return
        took = time.perf_counter() - t0
        done = "Ready (from the cache)." if hit is not None else f"Ready: simulated in {took:.1f} s."

        def apply() -> None:
            try:
                self.show(out)
            except Exception as e:  # a bug: say so on the page and in the server's log, not silently
                import traceback

                traceback.print_exc()
                self._busy(False, f"The lab could not draw this run ({type(e).__name__}: {e}).")
                return
            self._busy(False, done)

        if self.doc is not None:
            self.doc.add_next_tick_callback(apply)
        else:  # pragma: no cover - outside a server session (tests of the page objects)
            apply()

    # to be provided by the pages
    def check(self, values: dict) -> dict:
        raise NotImplementedError

    def run(self, full: dict):
        raise NotImplementedError

    def show(self, out) -> None:
        raise NotImplementedError

    def control_column(self, intro: str):
        import panel as pn

        return pn.Column(
            pn.pane.HTML(f"<p style='margin:0'>{intro}</p>", sizing_mode="stretch_width"),
            *self.controls.values(), pn.Row(self.reset, self.spinner), self.status, self.problems,
            width=340, styles={"background": "#f5f7fa", "border-radius": "6px"})


def _readout(key: str, label: str, value, unit: str, spec: str = ".1f") -> str:
    text = "n/a" if value is None else (f"{value:{spec}}" if isinstance(value, (int, float)) else html.escape(str(value)))
    return (f'<div class="lab-readout"><span class="label">{html.escape(label)}</span>'
            f'<span class="value" data-testid="{key}">{text}</span> {html.escape(unit)}</div>')


def _seed_inputs_text() -> str:
    from ranvier.seed import SeedSettings

    s = SeedSettings()
    return f"{s.n_excitatory} excitatory and {s.n_inhibitory} inhibitory"


class SeedPage(_Page):
    """The seed story: the two-neuron circuit, the spike travelling along it, traces, currents, readouts."""

    what = "seed"

    def __init__(self):
        import panel as pn
        from bokeh.models import ColorBar, ColumnDataSource, HoverTool, LinearColorMapper, Range1d, Span
        from bokeh.palettes import Viridis256
        from bokeh.plotting import figure

        from ranvier.lab.seed_model import SEED_PARAMS, TRACE_SITES

        super().__init__(SEED_PARAMS)
        self.run_out = None
        self.seg_src = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[], w=[], v=[], name=[]))
        self.lab_src = ColumnDataSource(dict(x=[], y=[], text=[], align=[]))
        mapper = LinearColorMapper(palette=Viridis256, low=-90.0, high=40.0)
        m = figure(height=270, sizing_mode="stretch_width", tools="", toolbar_location=None,
                   x_range=Range1d(-150, 1000), y_range=Range1d(-28, 26),
                   title="Neuron A -> neuron B, coloured by membrane potential (schematic, not to scale)")
        r = m.segment("x0", "y0", "x1", "y1", source=self.seg_src, line_width="w", line_cap="round",
                      line_color={"field": "v", "transform": mapper})
        m.text("x", "y", text="text", source=self.lab_src, text_font_size="9pt", text_align="align",
               text_baseline="bottom", text_color="#333")
        m.add_tools(HoverTool(renderers=[r], tooltips=[("section", "@name"), ("v", "@v{0.0} mV")]))
        m.add_layout(ColorBar(color_mapper=mapper, title="membrane potential (mV)", width=10), "right")
        m.axis.visible = False
        m.grid.visible = False
        m.outline_line_color = None
        self.morph_fig = m
        self.player = pn.widgets.Player(name="time", start=0, end=1, value=0, interval=60, loop_policy="once",
                                        sizing_mode="stretch_width", show_loop_controls=False,
                                        visible_buttons=["first", "previous", "reverse", "pause", "play", "next",
                                                         "last"])
        self.player.param.watch(self._frame, "value")
        self.time_text = pn.pane.HTML("", sizing_mode="stretch_width")
        self.trace_src = ColumnDataSource(dict(t=[]))
        tr = figure(height=300, sizing_mode="stretch_width", tools="xpan,xwheel_zoom,reset,save",
                    x_range=Range1d(0, 30), y_range=Range1d(-100, 60),
                    x_axis_label="time (ms)", y_axis_label="membrane potential (mV)",
                    title="Membrane potential along the way (click a legend entry to hide it)")
        for k, (_, text) in enumerate(TRACE_SITES):
            self.trace_src.data[text] = []
            tr.line("t", text, source=self.trace_src, color=OKABE_ITO[k % 8], line_width=1.6, legend_label=text)
        tr.legend.click_policy = "hide"
        tr.legend.label_text_font_size = "8pt"
        tr.add_layout(tr.legend[0], "right")
        self.cursor = Span(location=0.0, dimension="height", line_color="#D55E00", line_dash="dashed")
        tr.add_layout(self.cursor)
        self.trace_fig = tr
        self.cur_src = ColumnDataSource(dict(t=[], na=[], k=[]))
        cu = figure(height=260, sizing_mode="stretch_width", tools="xpan,xwheel_zoom,reset,save",
                    x_range=Range1d(0, 30), y_range=Range1d(-1, 1),
                    x_axis_label="time (ms)", y_axis_label="current density (mA/cm², outward +)",
                    title="The AIS during the first spike: which ion goes in, which comes out")
        cu.line("t", "na", source=self.cur_src, color="#D55E00", line_width=2, legend_label="Na+ (negative: into the cell)")
        cu.line("t", "k", source=self.cur_src, color="#0072B2", line_width=2, legend_label="K+ (positive: out of the cell)")
        cu.add_layout(Span(location=0.0, dimension="width", line_color="#999"))
        self.cursor2 = Span(location=0.0, dimension="height", line_color="#D55E00", line_dash="dashed")
        cu.add_layout(self.cursor2)
        cu.legend.location = "bottom_right"
        cu.legend.label_text_font_size = "8pt"
        self.cur_fig = cu
        self.answer = pn.pane.HTML("", sizing_mode="stretch_width")
        self.readouts = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[PAGE_CSS])
        self.download = pn.widgets.FileDownload(callback=self._netcdf, filename="ranvier-seed.nc",
                                                label="Download the run (NetCDF)", button_type="primary",
                                                description="all recordings of this run; read it with ranvier.load",
                                                visible=False)

    def check(self, values: dict) -> dict:
        from ranvier.lab.seed_model import check_seed_params

        return check_seed_params(values)

    def run(self, full: dict):
        from ranvier.lab.seed_model import run_seed

        return run_seed(full)

    def _netcdf(self):
        from ranvier.lab.scenes import netcdf_bytes
        from ranvier.lab.seed_model import seed_result_dataset

        if self.run_out is None:
            return None
        return io.BytesIO(netcdf_bytes(seed_result_dataset(self.run_out)))

    def _frame(self, event=None) -> None:
        run = self.run_out
        if run is None:
            return
        i = int(np.clip(self.player.value, 0, len(run.frame_t_ms) - 1))
        self.seg_src.patch({"v": [(slice(0, run.frame_v_mV.shape[1]), [float(x) for x in run.frame_v_mV[i]])]})
        t = float(run.frame_t_ms[i])
        self.cursor.location = t
        self.cursor2.location = t
        self.time_text.object = (f'<span data-testid="time">time {t:.3f} ms</span> <span style="color:#555">'
                                 "(press play, or drag the slider / use the arrow keys: watch the spike start "
                                 "in the AIS and jump from node to node)</span>")

    def show(self, run) -> None:
        from ranvier.lab.seed_model import describe_ais_currents, readouts

        self.run_out = run
        self.download.visible = True
        segs = run.segments
        i0 = 0
        self.seg_src.data = dict(x0=[s.x0 for s in segs], y0=[s.y0 for s in segs], x1=[s.x1 for s in segs],
                                 y1=[s.y1 for s in segs], w=[s.width for s in segs],
                                 v=[float(x) for x in run.frame_v_mV[i0]], name=[s.site_label for s in segs])
        self.lab_src.data = _morph_labels(segs)
        self.trace_src.data = {"t": run.trace_t_ms, **run.traces_mV}
        self.cur_src.data = dict(t=run.ais_t_ms, na=run.ais_i_na, k=run.ais_i_k)
        _set_range(self.morph_fig.x_range, min(min(s.x0, s.x1) for s in segs) - 30.0,
                   max(max(s.x0, s.x1) for s in segs) + 30.0)
        _set_range(self.trace_fig.x_range, 0.0, float(run.trace_t_ms[-1]))
        lo, hi = run.ais_peaks_ms.get("window_ms", (0.0, float(run.ais_t_ms[-1])))
        _set_range(self.cur_fig.x_range, lo, hi)
        inside = (run.ais_t_ms >= lo) & (run.ais_t_ms <= hi)
        i_lo = float(min(run.ais_i_na[inside].min(), run.ais_i_k[inside].min()))
        i_hi = float(max(run.ais_i_na[inside].max(), run.ais_i_k[inside].max()))
        pad = 0.08 * max(i_hi - i_lo, 1e-3)
        _set_range(self.cur_fig.y_range, i_lo - pad, i_hi + pad)
        r = readouts(run.summary)
        self.readouts.object = "".join([
            _readout("rest_mV", "resting potential (soma)", r["rest_mV"], "mV"),
            _readout("threshold_mV", "threshold (soma)", r["threshold_mV"], "mV"),
            _readout("peak_mV", "peak (soma)", r["peak_mV"], "mV"),
            _readout("cv_m_s", "conduction velocity", r["cv_m_s"], "m/s"),
            _readout("delay_ms", "synaptic delay to neuron B", r["delay_ms"], "ms", ".2f"),
            _readout("initiation_site", "spike starts in", (r["initiation_site"] or "n/a").replace("ais", "AIS"), ""),
            _readout("spikes", "spikes at the soma", r["spikes"], "", "d"),
        ])
        self.answer.object = f'<p data-testid="ais-answer">{html.escape(describe_ais_currents(run))}</p>'
        # open on the moment the spike fires in the AIS, so the first picture already shows where it starts
        onset = (run.summary.get("spike_onset_ms") or {}).get("ais")
        start = int(np.searchsorted(run.frame_t_ms, onset + 0.15)) if onset is not None else 0
        self.player.end = len(run.frame_t_ms) - 1
        if self.player.value != start:
            self.player.value = start
        else:
            self._frame()

    def view(self):
        import panel as pn

        intro = ("Change a condition and watch what happens. The circuit re-simulates after each change "
                 "(a few seconds); the link in the address bar keeps your settings.")
        _SEED_TEXT = _seed_inputs_text()
        main = pn.Column(
            pn.pane.HTML("<h1 style='margin:0.2em 0'>The seed circuit: one spike, from synapse to synapse</h1>"
                         f"<p style='margin:0'>{_SEED_TEXT} inputs on neuron A's dendrites "
                         "sum to threshold; the spike starts in the axon initial segment (AIS), jumps from node to "
                         "node along the myelinated axon, and the terminal's transmitter excites neuron B.</p>",
                         sizing_mode="stretch_width"),
            self.readouts, pn.pane.Bokeh(self.morph_fig, sizing_mode="stretch_width"), self.player, self.time_text,
            pn.pane.Bokeh(self.trace_fig, sizing_mode="stretch_width"),
            pn.pane.Bokeh(self.cur_fig, sizing_mode="stretch_width"), self.answer, self.download,
            sizing_mode="stretch_width")
        page = pn.Row(nav("seed"), self.control_column(intro), main, sizing_mode="stretch_width")
        pn.state.onload(self.compute)
        accessibility_shim()
        return page


def _set_range(r, lo: float, hi: float) -> None:
    r.start, r.end, r.reset_start, r.reset_end = lo, hi, lo, hi


def _morph_labels(segs) -> dict:
    """Names drawn on the schematic: (text, y offset, alignment) chosen so that neighbours do not overlap."""
    want = {"soma": ("soma", -9.0, "right", 1), "ais": ("AIS", 4.0, "center", None),
            "ax_node0": ("node 0", -9.0, "left", 0), "ax_node5": ("node 5", 4.0, "center", None),
            "ax_node10": ("node 10", 4.0, "center", None), "terminal": ("terminal", -9.0, "left", 0)}
    xs, ys, texts, aligns = [], [], [], []

    def add(x, y, text, align):
        xs.append(float(x)), ys.append(float(y)), texts.append(text), aligns.append(align)

    dend = [s for s in segs if not s.site_label.startswith("cell1/") and s.name.startswith("d")]
    if dend:
        add(min(min(s.x0, s.x1) for s in dend), max(max(s.y0, s.y1) for s in dend) + 2.0, "dendrites", "left")
    for s in segs:
        short = s.site_label.split("/")[-1].split("(")[0]
        if s.site_label.startswith("cell1/"):
            if short == "soma":
                add(s.x1, s.y0 + 18.0, "neuron B", "right")
            elif short == "d2_0":
                add(max(s.x0, s.x1), min(s.y0, s.y1) - 10.0, "synapse from A", "right")
        elif short in want:
            text, dy, align, end = want[short]
            x = 0.5 * (s.x0 + s.x1) if end is None else (s.x0, s.x1)[end]
            add(x, s.y0 + dy, text, align)
    return dict(x=xs, y=ys, text=texts, align=aligns)


class ScenePage(_Page):
    """One experiment: its parameters as controls, its figures, its finding, downloads."""

    def __init__(self, name: str):
        import panel as pn

        from ranvier.experiments import get

        self.ex = get(name)
        self.what = f"scene:{name}"
        super().__init__(self.ex.params)
        self.run_out = None
        self.finding = pn.pane.HTML("", sizing_mode="stretch_width")
        self.figures = pn.Column(sizing_mode="stretch_width")
        self.table = pn.pane.HTML("", sizing_mode="stretch_width")
        self.download = pn.widgets.FileDownload(callback=self._netcdf, filename=f"ranvier-{name}.nc",
                                                label="Download the run (NetCDF)", button_type="primary",
                                                description="measured numbers and figure data; read it with ranvier.load",
                                                visible=False)

    def check(self, values: dict) -> dict:
        return self.ex.check_params(**values)

    def run(self, full: dict):
        from ranvier.lab.scenes import run_scene

        return run_scene(self.ex.name, full)

    def _netcdf(self):
        from ranvier.lab.scenes import netcdf_bytes, scene_dataset

        return None if self.run_out is None else io.BytesIO(netcdf_bytes(scene_dataset(self.run_out)))

    def show(self, run) -> None:
        import panel as pn

        from ranvier.lab.scenes import figure_bytes
        from ranvier.report.html import flatten

        self.run_out = run
        items = []
        for k, (caption, fig) in enumerate(run.figures):
            def png(fig=fig):
                return io.BytesIO(figure_bytes(fig, "png"))

            def svg(fig=fig):
                return io.BytesIO(figure_bytes(fig, "svg"))

            base = f"ranvier-{run.name}-figure{k + 1}"
            items += [
                pn.pane.HTML(f"<p style='margin:0.6em 0 0 0'><b>Figure {k + 1}.</b> {html.escape(caption)}</p>",
                             sizing_mode="stretch_width"),
                pn.pane.Matplotlib(fig, dpi=90, tight=True, format="png", sizing_mode="stretch_width",
                                   alt_text=caption),
                pn.Row(pn.widgets.FileDownload(callback=png, filename=f"{base}.png", label="Figure as PNG"),
                       pn.widgets.FileDownload(callback=svg, filename=f"{base}.svg", label="Figure as SVG")),
            ]
        self.figures.objects = items
        rows = "".join(f"<tr><td>{html.escape('.'.join(path))}</td><td>{html.escape(str(v))}</td></tr>"
                       for path, v in flatten({k: v for k, v in run.summary.items() if k != "parameters"}))
        self.table.object = ("<details><summary>Every measured number</summary><table style='font-size:0.85em'>"
                             f"{rows}</table></details>")
        self.finding.object = (f'<h2 style="margin:0.3em 0">What this run found</h2>'
                               f'<p data-testid="finding" style="font-size:1.05em">{html.escape(run.finding)}</p>')
        self.download.visible = True

    def view(self):
        import panel as pn

        intro = f"<b>{html.escape(self.ex.question)}</b> Change a value and the experiment runs again."
        main = pn.Column(
            pn.pane.HTML(f"<h1 style='margin:0.2em 0'>{html.escape(self.ex.title)}</h1>", sizing_mode="stretch_width"),
            self.finding, self.figures, self.download, self.table, sizing_mode="stretch_width")
        page = pn.Row(nav(self.ex.name), self.control_column(intro), main, sizing_mode="stretch_width")
        pn.state.onload(self.compute)
        accessibility_shim()
        return page


def seed_page():
    return SeedPage().view()


def scene_page(name: str):
    return ScenePage(name).view()
