"""Figures for a report: each function takes a result Dataset (or a Morphology) and returns a Figure.

The figures are matplotlib ``Figure`` objects made without pyplot (no global state,
no display needed: PNG output goes through the Agg renderer), so they can be made in
threads, in tests and on servers. Every axis says what it shows and in which unit.

Sites can be given as a :class:`ranvier.Site`, as the label the result uses
(``"axon(0.2)"``), or as a bare section name when exactly one recording site lies
on that section (``"soma"``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

from ranvier.errors import RanvierError, check_name
from ranvier.report.units import ION_TEXT, format_number, pretty_unit

__all__ = ["gates", "ion_currents", "morphology", "propagation", "voltage_traces"]

SPIKE_THRESHOLD_MV = -20.0  # the level `ranvier run` counts spikes at (ranvier.summary)

# Okabe & Ito colour-blind-safe palette.
SITE_COLOURS = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F")
ION_COLOURS = {"na": "#D55E00", "k": "#0072B2", "cl": "#009E73", "ca": "#CC79A7", "nonspecific": "#7F7F7F"}
AP_SHADE = "#F0E442"
_NOT_GATES = {"v", "clamp_i_nA"}


# ------------------------------------------------------------------------------------------
# plumbing
# ------------------------------------------------------------------------------------------
def _figure(width_in: float, height_in: float):
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the installation
        raise RanvierError(
            "report figures need matplotlib; install it with: pip install 'ranvier[plot]'"
        ) from None
    return Figure(figsize=(width_in, height_in), layout="constrained")


def _check_result(result) -> None:
    import xarray as xr

    if not isinstance(result, xr.Dataset) or "time" not in result.dims or "site" not in result.dims:
        raise RanvierError(
            f"expected a result Dataset from Simulation.run() (dims site x time), got {type(result).__name__}"
        )


def _site_label(result, site) -> str:
    """The result's label for ``site`` (a Site, a label or a section name)."""
    labels = [str(s) for s in result.site.values]
    if hasattr(site, "label") and hasattr(site, "section"):
        want = site.label
    elif isinstance(site, str):
        want = site
    else:
        raise RanvierError(f"a site must be a ranvier.Site or a site label such as 'soma(0.5)', got {site!r}")
    if want in labels:
        return want
    on_section = [lab for lab, sec in zip(labels, result.section.values) if str(sec) == want]
    if len(on_section) == 1:
        return on_section[0]
    if len(on_section) > 1:
        raise RanvierError(
            f"section {want!r} has {len(on_section)} recording sites ({', '.join(on_section)}); name one of them"
        )
    check_name("recording site", want, labels)
    return want  # pragma: no cover - check_name raised


def _trace(result, var: str, label: str) -> np.ndarray:
    if var not in result:
        raise RanvierError(f"the result has no {var!r} recording")
    y = np.asarray(result[var].sel(site=label).values, dtype=float)
    if np.all(np.isnan(y)):
        raise RanvierError(f"{var!r} was not recorded at {label}; add it to that site's Probe")
    return y


def _unit(result, var: str) -> str:
    return pretty_unit(result[var].attrs.get("units", ""))


def _distance(result, label: str) -> float:
    return float(result.distance_um.sel(site=label)) if "distance_um" in result.coords else float("nan")


def _ap_windows(t: np.ndarray, v: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) of each action potential (ms): from its onset (dV/dt > 10 mV/ms) until V
    has fallen back 90 % of the way from the peak to the onset potential, or the next
    onset. Spikes are upward crossings of -20 mV."""
    from ranvier.analysis import ap_features

    try:
        feats = ap_features(t, v, spike_threshold_mV=SPIKE_THRESHOLD_MV)
    except RanvierError:
        return []
    starts = [f.onset_ms if np.isfinite(f.onset_ms) else f.peak_ms - 0.5 for f in feats]
    out = []
    for k, f in enumerate(feats):
        base = f.threshold_mV if np.isfinite(f.threshold_mV) else SPIKE_THRESHOLD_MV
        level = base + 0.1 * (f.peak_mV - base)
        after = np.flatnonzero((t > f.peak_ms) & (v <= level))
        end = float(t[after[0]]) if after.size else float(t[-1])
        if k + 1 < len(feats):
            end = min(end, float(starts[k + 1]))
        out.append((max(float(starts[k]), float(t[0])), end))
    return out


def _shade_aps(ax, windows, label: bool) -> None:
    for k, (a, b) in enumerate(windows):
        ax.axvspan(a, b, color=AP_SHADE, alpha=0.35, lw=0,
                   label="action potential (onset to repolarisation)" if (label and k == 0) else None)


def _direction(ion: str, charge: float, when: str, scale: float = 0.0) -> str:
    """Which way an ion's current flows (sign of its charge, outward positive) and what it does to V.

    A charge that is zero, or below 1e-6 of the largest ion's (``scale``), is no current at all:
    saying that such ions "leave the cell" would describe a current that is not there.
    """
    name = ION_TEXT.get(ion, ion)
    if charge == 0.0 or abs(charge) <= 1e-6 * abs(scale):
        return f"none {when} (zero: no open {name} channels here)" if ion != "nonspecific" else f"none {when}"
    if ion in ("cl",):  # an anion: inward current means the ions leave the cell
        moves = f"{name} ions leave the cell" if charge < 0 else f"{name} ions enter the cell"
    elif ion == "nonspecific":
        moves = "net positive charge enters" if charge < 0 else "net positive charge leaves"
    else:
        moves = f"{name} ions enter the cell" if charge < 0 else f"{name} ions leave the cell"
    effect = "depolarises" if charge < 0 else "repolarises"
    way = "inward" if charge < 0 else "outward"
    return f"{way} {when} ({moves}; {effect})"


def _voltage_panel(ax, result, label: str, windows) -> None:
    t = result.time.values
    ax.plot(t, _trace(result, "v", label), color="black", lw=1.2)
    _shade_aps(ax, windows, label=False)
    ax.set_ylabel(f"V at {label}\n({_unit(result, 'v') or 'mV'})")
    ax.grid(alpha=0.25)


def _legend_below(ax, ncol: int = 1, title: str | None = None) -> None:
    """The axes' legend at the bottom of the figure, where it can never hide data."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.figure.legend(handles, labels, loc="outside lower center", ncol=ncol, fontsize=8, frameon=False,
                         title=title, title_fontsize=8)


def _style(ax) -> None:
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)


# ------------------------------------------------------------------------------------------
# figures from a result
# ------------------------------------------------------------------------------------------
def voltage_traces(result, sites: Iterable | None = None):
    """Membrane potential V(t) (mV) at ``sites`` (default: every site where V was recorded)."""
    _check_result(result)
    if sites is None:
        labels = [str(s) for s in result.site.values
                  if "v" in result and not np.all(np.isnan(result.v.sel(site=s).values))]
        if not labels:
            raise RanvierError("the result has no membrane potential recording")
    else:
        if isinstance(sites, str) or hasattr(sites, "section"):
            sites = [sites]
        labels = [_site_label(result, s) for s in sites]
        if not labels:
            raise RanvierError("voltage_traces needs at least one site")
    t = result.time.values
    fig = _figure(7.5, 4.0 + 0.18 * ((len(labels) + 1) // 2))
    ax = fig.add_subplot()
    many = len(labels) > len(SITE_COLOURS)
    cmap = None
    if many:
        from matplotlib import colormaps

        cmap = colormaps["viridis"]
    for k, lab in enumerate(labels):
        colour = cmap(k / max(len(labels) - 1, 1)) if many else SITE_COLOURS[k]
        d = _distance(result, lab)
        where = f"{lab}, {format_number(d, 3)} µm" if np.isfinite(d) else lab
        ax.plot(t, _trace(result, "v", lab), color=colour, lw=1.3, label=where)
    ax.axhline(0.0, color="0.6", lw=0.6, ls=":")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(f"membrane potential V ({_unit(result, 'v') or 'mV'})")
    ax.set_title("Membrane potential at the recording sites")
    ax.set_xlim(t[0], t[-1])
    ax.grid(alpha=0.25)
    _style(ax)
    _legend_below(ax, ncol=2 if len(labels) > 1 else 1,
                  title="recording site (path distance from the root section's 0 end)")
    return fig


def ion_currents(result, site):
    """Current density carried by each ion at ``site`` (mA/cm², outward positive), under V(t).

    The legend says which way each ion's current flows during the action potentials
    (from the sign of the charge it carries there), and the action potentials are shaded.
    """
    _check_result(result)
    label = _site_label(result, site)
    t = result.time.values
    v = _trace(result, "v", label)
    windows = _ap_windows(t, v)
    ions = [ion for ion in ("na", "k", "ca", "cl", "nonspecific")
            if f"i_{ion}" in result and not np.all(np.isnan(result[f"i_{ion}"].sel(site=label).values))]
    if not ions:
        raise RanvierError(f"no ion current was recorded at {label}")
    fig = _figure(7.5, 6.0 + 0.16 * len(ions))
    ax_v, ax_i = fig.subplots(2, 1, sharex=True, height_ratios=[1, 2])
    _voltage_panel(ax_v, result, label, windows)
    ax_v.set_title(f"Ion currents at {label}" + (" during the action potential" if len(windows) == 1 else "")
                   + ("" if windows else " (no action potential here)"))
    mask = np.zeros(t.size, bool)
    for a, b in windows:
        mask |= (t >= a) & (t <= b)
    if not mask.any():
        mask[:] = True
    unit = _unit(result, f"i_{ions[0]}") or "mA/cm²"
    charges = {ion: float(np.trapezoid(np.where(mask, _trace(result, f"i_{ion}", label), 0.0), t)) for ion in ions}
    scale = max(abs(c) for c in charges.values())
    for ion in ions:
        i = _trace(result, f"i_{ion}", label)
        when = ("during the APs" if len(windows) > 1 else "during the AP") if windows else "overall"
        name = ION_TEXT.get(ion, ion)
        ax_i.plot(t, i, color=ION_COLOURS.get(ion, "0.3"), lw=1.6 if ion in ("na", "k") else 1.0,
                  label=f"{name} current: {_direction(ion, charges[ion], when, scale)}")
    _shade_aps(ax_i, windows, label=True)
    ax_i.axhline(0.0, color="0.3", lw=0.7)
    ax_i.text(0.005, 0.98, "↑ outward (+): positive charge leaves the cell", transform=ax_i.transAxes,
              va="top", ha="left", fontsize=8, color="0.25")
    ax_i.text(0.005, 0.02, "↓ inward (−): positive charge enters the cell", transform=ax_i.transAxes,
              va="bottom", ha="left", fontsize=8, color="0.25")
    ax_i.set_ylabel(f"membrane current density ({unit})")
    ax_i.set_xlabel("time (ms)")
    ax_i.set_xlim(t[0], t[-1])
    ax_i.grid(alpha=0.25)
    _legend_below(ax_i)
    _style(ax_v)
    _style(ax_i)
    return fig


def propagation(result, sites_along_axon: Sequence, *, threshold_mV: float = SPIKE_THRESHOLD_MV,
                window_ms: tuple[float, float] | None = None):
    """The first spike travelling along the axon: V(t) stacked at each site's distance.

    Each trace sits at its site's path distance (µm) on the y axis; a dot marks when
    V first crosses ``threshold_mV`` there. The dashed line through the dots has slope
    distance/time, the conduction velocity (1 µm/ms = 1 mm/s). ``window_ms`` sets the
    time axis (default: around the first spike).
    """
    _check_result(result)
    if isinstance(sites_along_axon, str) or hasattr(sites_along_axon, "section"):
        sites_along_axon = [sites_along_axon]
    labels = [_site_label(result, s) for s in sites_along_axon]
    if len(labels) < 2:
        raise RanvierError("propagation needs at least two sites along the axon")
    if len(set(labels)) != len(labels):
        raise RanvierError(f"propagation sites must differ, got {labels}")
    from ranvier.analysis import spike_times

    t = result.time.values
    dist = np.array([_distance(result, lab) for lab in labels])
    order = np.argsort(dist)
    labels = [labels[i] for i in order]
    dist = dist[order]
    if np.any(np.diff(dist) <= 0):
        raise RanvierError("propagation sites must lie at different distances from the root")
    traces = [_trace(result, "v", lab) for lab in labels]
    first = np.array([(lambda s: s[0] if s.size else np.nan)(spike_times(t, v, threshold_mV)) for v in traces])
    v_rest = np.array([float(v[0]) for v in traces])
    span = max(float(np.nanmax([np.max(v) - v[0] for v in traces])), 20.0)  # mV
    gap = float(np.min(np.diff(dist)))
    um_per_mV = 0.85 * gap / span

    fig = _figure(7.5, 5.2)
    ax = fig.add_subplot()
    for k, (lab, d, v) in enumerate(zip(labels, dist, traces)):
        ax.plot(t, d + (v - v_rest[k]) * um_per_mV, color="black", lw=1.1)
        ax.text(1.01, d, lab, transform=ax.get_yaxis_transform(), va="center", ha="left", fontsize=8)
    fired = np.isfinite(first)
    y_cross = dist + (threshold_mV - v_rest) * um_per_mV
    ax.plot(first[fired], y_cross[fired], "o", color="#D55E00", ms=6, zorder=5,
            label=f"V crosses {format_number(threshold_mV)} mV (first spike)")
    title = "Action potential propagation along the axon"
    if fired.sum() >= 2:
        slope, icpt = np.polyfit(first[fired], dist[fired], 1)  # um/ms
        offset = float(np.mean(y_cross[fired] - dist[fired]))
        tt = np.array([np.min(first[fired]), np.max(first[fired])])
        pad = 0.15 * (tt[1] - tt[0] + 1e-9)
        tt = np.array([tt[0] - pad, tt[1] + pad])
        velocity = slope / 1000.0  # um/ms -> m/s
        ax.plot(tt, slope * tt + icpt + offset, "--", color="#D55E00", lw=1.2,
                label=f"line fitted through the dots: slope = conduction velocity ≈ {format_number(velocity, 3)} m/s")
        title += f": {format_number(velocity, 3)} m/s"
    else:
        title += " (fewer than two sites fired)"
    if window_ms is not None:
        lo, hi = float(window_ms[0]), float(window_ms[1])
    elif fired.any():
        lo = max(t[0], float(np.nanmin(first)) - 2.0)
        hi = min(t[-1], float(np.nanmax(first)) + 4.0)
    else:
        lo, hi = t[0], t[-1]
    ax.set_xlim(lo, hi)
    # a voltage scale bar, so the trace heights can be read in mV
    bar_mV = 50.0 if span >= 60 else 20.0
    x_bar = lo + 0.015 * (hi - lo)
    y0 = dist[0] - 0.08 * gap - bar_mV * um_per_mV
    ax.plot([x_bar, x_bar], [y0, y0 + bar_mV * um_per_mV], color="0.2", lw=2.5, solid_capstyle="butt")
    ax.text(x_bar + 0.01 * (hi - lo), y0 + 0.5 * bar_mV * um_per_mV, f"{bar_mV:g} mV (scale of the traces)",
            ha="left", va="center", fontsize=8)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("path distance from the root (µm)\n(each trace drawn at its site's distance)")
    ax.set_title(title)
    ax.grid(alpha=0.25)
    _legend_below(ax)
    ax.set_ylim(y0 - 0.05 * gap, dist[-1] + 1.05 * gap)
    _style(ax)
    return fig


def gates(result, site):
    """Every gate state recorded at ``site`` (fraction of gates in the permissive state, 0..1), under V(t)."""
    _check_result(result)
    label = _site_label(result, site)
    t = result.time.values
    v = _trace(result, "v", label)
    names = [str(n) for n in result.data_vars
             if str(n) not in _NOT_GATES and not str(n).startswith("i_")
             and "site" in result[n].dims and not np.all(np.isnan(result[n].sel(site=label).values))]
    if not names:
        raise RanvierError(f"no gate state was recorded at {label}")
    windows = _ap_windows(t, v)
    fig = _figure(7.5, 5.8 + 0.16 * len(names))
    ax_v, ax_g = fig.subplots(2, 1, sharex=True, height_ratios=[1, 2])
    _voltage_panel(ax_v, result, label, windows)
    ax_v.set_title(f"Channel gates at {label}")
    styles = ("-", "--", "-.", ":")
    channels: list[str] = []
    for k, n in enumerate(names):
        g = _trace(result, n, label)
        channel, _, gate = n.rpartition("_")
        channel = channel or n
        if channel not in channels:
            channels.append(channel)
        dev = g - g[0]
        big = float(dev[np.argmax(np.abs(dev))])
        if abs(big) < 1e-6:
            how = "stays at rest"
        elif big > 0:
            how = "opens on depolarisation: activation"
        else:
            how = "closes on depolarisation: inactivation"
        colour = SITE_COLOURS[(channels.index(channel) + 1) % len(SITE_COLOURS)]
        ax_g.plot(t, g, color=colour, ls=styles[k % len(styles)], lw=1.5,
                  label=f"{channel} gate {gate} ({how})")
    _shade_aps(ax_g, windows, label=True)
    ax_g.set_ylim(-0.03, 1.03)
    ax_g.set_ylabel("gate state\n(fraction permissive, 0 to 1)")
    ax_g.set_xlabel("time (ms)")
    ax_g.set_xlim(t[0], t[-1])
    ax_g.grid(alpha=0.25)
    _legend_below(ax_g)
    _style(ax_v)
    _style(ax_g)
    return fig


# ------------------------------------------------------------------------------------------
# the morphology schematic
# ------------------------------------------------------------------------------------------
_LABEL_RE = re.compile(r"^(?:cell\d+/)?(?P<sec>.+?)(?:\((?P<x>[^()]*)\))?$")


def _as_point(spec, names) -> tuple[str, float, str]:
    """(section, x, label) of a Site, Probe, stimulus, (section, x) pair or label string."""
    site = getattr(spec, "site", spec)  # Probe and CurrentClamp/VoltageClamp carry .site
    if hasattr(site, "section") and hasattr(site, "x"):
        sec, x = site.section, float(site.x)
    elif isinstance(site, tuple) and len(site) == 2:
        sec, x = str(site[0]), float(site[1])
    elif isinstance(site, str):
        m = _LABEL_RE.match(site.strip())
        sec = m.group("sec") if m else site
        try:
            x = float(m.group("x")) if m and m.group("x") else 0.5
        except ValueError:
            raise RanvierError(f"cannot read a site from {site!r}; write it as 'section(x)'") from None
    else:
        raise RanvierError(f"a site must be a ranvier.Site, a stimulus, 'section(x)' or (section, x); got {spec!r}")
    check_name("section", sec, names)
    if not 0.0 <= x <= 1.0:
        raise RanvierError(f"site x must be in [0, 1] (a fraction of the section), got {x!r} on {sec!r}")
    return sec, x, f"{sec}({x:g})"


def _layout(morph) -> dict[str, tuple[float, int, int]]:
    """Section name -> (start position um, direction +1/-1, row).

    The root runs rightwards from 0; sections attached at the root's 0 end run
    leftwards (dendrites to the left of the soma, the axon to the right). At each
    end one child, the one reaching furthest, continues on its parent's row; the
    others branch onto new rows below, allocated depth first (separately on the left
    and the right of the root) so that branches do not cross.
    """
    secs = morph.by_name
    kids: dict[str, list[str]] = {n: [] for n in secs}
    for s in morph.sections:
        if s.parent is not None:
            kids[s.parent].append(s.name)
    reach: dict[str, float] = {}
    for s in reversed(morph.sections):  # stored parents-first: children are done before parents
        reach[s.name] = s.length_um + max((reach[c] for c in kids[s.name]), default=0.0)
    root = morph.sections[0]
    out: dict[str, tuple[float, int, int]] = {}
    next_row = {+1: 1, -1: 1}  # the next free row on each side of the root

    def place(name: str, x0: float, direction: int, row: int, side: int | None) -> None:
        s = secs[name]
        out[name] = (x0, direction, row)
        is_root = side is None

        def way(c: str) -> int:
            return -direction if (is_root and secs[c].parent_x == 0.0) else direction

        groups: dict[tuple[float, int], list[str]] = {}
        for c in kids[name]:
            groups.setdefault((secs[c].parent_x, way(c)), []).append(c)
        continued: set[str] = set()
        for (px, d), members in groups.items():
            if (px == 1.0 and d == direction) or (is_root and px == 0.0 and d == -direction):
                continued.add(max(members, key=lambda c: reach[c]))
        ordered = [c for c in kids[name] if c in continued] + [c for c in kids[name] if c not in continued]
        for c in ordered:  # continuations first: each subtree's rows stay together
            d = way(c)
            c_side = d if is_root else side
            if c in continued:
                r = row
            else:
                r = next_row[c_side]
                next_row[c_side] += 1
            place(c, x0 + direction * secs[c].parent_x * s.length_um, d, r, c_side)

    place(root.name, 0.0, +1, 0, None)
    return out


HIDDEN_TAGS = ("paranode", "periaxonal")
"""Sections with these tags are parts of a myelin sheath's attachment beside a node (MYSA, FLUT and the
periaxonal gap of the double cable), not branches of the cell: the drawing leaves them out."""
MYELIN_COLOUR = "#E69F00"
NODE_COLOUR = "#D55E00"


class _Labels:
    """Places text on the drawing without overlap: each row keeps the boxes (in points, relative to its
    line) already taken above and below it; a label that would touch one moves out a line or is dropped."""

    CHAR_PT = {7: 4.6, 8: 5.3}  # glyph width of the default sans-serif font (DejaVu Sans), in points, generous

    def __init__(self, ax, pt_per_um: float):
        self.ax, self.pt_per_um = ax, pt_per_um
        self.taken: dict[float, list[tuple[float, float, float, float]]] = {}  # row -> boxes (points)
        self.placed: list[str] = []

    def put(self, text: str, x: float, y: float, side: str, *, ha: str = "center", dx: float = 0.0,
            gap: float = 3.0, fontsize: int = 8, levels: int = 1, **kw) -> bool:
        """Annotate ``text`` at (x, y), offset ``gap`` points above or below, or further out by up to
        ``levels - 1`` lines; False (and nothing drawn) when every position would touch a placed label."""
        width = self.CHAR_PT.get(fontsize, 0.66 * fontsize) * len(text) + 4.0
        x_pt = x * self.pt_per_um + dx
        lo = x_pt - width / 2 if ha == "center" else (x_pt if ha == "left" else x_pt - width)
        height = 1.3 * fontsize
        boxes = self.taken.setdefault(round(y, 6), [])
        for level in range(levels):
            off = gap + level * (fontsize + 4)
            y0, y1 = (off, off + height) if side == "above" else (-off - height, -off)
            box = (lo, lo + width, y0, y1)
            if any(a < box[1] and box[0] < b and c < box[3] and box[2] < d for a, b, c, d in boxes):
                continue
            boxes.append(box)
            self.ax.annotate(text, (x, y), xytext=(dx, off if side == "above" else -off),
                             textcoords="offset points", ha=ha, va="bottom" if side == "above" else "top",
                             fontsize=fontsize, **kw)
            self.placed.append(text)
            return True
        return False


def _visible(morph):
    """The morphology without the sections of :data:`HIDDEN_TAGS` (and anything hanging from them)."""
    from ranvier.morphology import Morphology

    hidden: set[str] = set()
    for s in morph.sections:  # parents come first
        if any(t in s.tags for t in HIDDEN_TAGS) or (s.parent is not None and s.parent in hidden):
            hidden.add(s.name)
    if not hidden:
        return morph, hidden
    return Morphology([s for s in morph.sections if s.name not in hidden]), hidden


def _myelinated_runs(morph, lay) -> list[list[str]]:
    """Maximal chains of node/internode sections drawn on one row (a myelinated axon), parents first."""
    runs: list[list[str]] = []
    by_run: dict[str, int] = {}
    for s in morph.sections:
        if not ({"node", "internode"} & set(s.tags)):
            continue
        if s.parent in by_run and lay[s.parent][2] == lay[s.name][2]:
            by_run[s.name] = by_run[s.parent]
            runs[by_run[s.name]].append(s.name)
        else:
            by_run[s.name] = len(runs)
            runs.append([s.name])
    return [r for r in runs if any("internode" in morph.by_name[n].tags for n in r)]


def morphology(morph, recording_sites: Iterable = (), stimulus_sites: Iterable = ()):
    """A schematic dendrogram of a Morphology (or a Cell's morphology).

    Each section is a line whose length is its length (µm) and whose width grows with
    its diameter; sections attached at the root's 0 end are drawn to the left. Side
    branches drop to rows below, joined by thin grey vertical connectors (which have
    no length). The x axis is the path distance from the root's 0 end. A myelinated
    axon is drawn as one line: internodes in the myelin colour, nodes of Ranvier as
    ticks, and one label for the whole fibre; its paranodes and periaxonal sections
    (tags in :data:`HIDDEN_TAGS`) are parts of the sheath, not branches, and are not
    drawn. Names and dimensions are printed only where they fit without touching
    another label. Recording sites are dots, stimuli are arrows; both accept Sites,
    Probes, stimuli, labels such as ``"axon(0.2)"`` or ``(section, x)`` pairs (a site
    on a hidden section is drawn where that section joins the axon).
    """
    from ranvier.morphology import Morphology

    morph = getattr(morph, "morphology", morph)
    if not isinstance(morph, Morphology):
        raise RanvierError(f"morphology() needs a ranvier Morphology or Cell, got {type(morph).__name__}")
    names = morph.names
    rec = [_as_point(s, names) for s in ([recording_sites] if isinstance(recording_sites, str) else recording_sites)]
    stim = [_as_point(s, names) for s in ([stimulus_sites] if isinstance(stimulus_sites, str) else stimulus_sites)]
    shown, hidden = _visible(morph)
    lay = _layout(shown)
    secs = morph.by_name
    n_rows = 1 + max(r for _, _, r in lay.values())

    def pos(sec: str, x: float) -> tuple[float, float]:
        while sec in hidden:  # drawn where the hidden part joins what is shown
            sec, x = secs[sec].parent, secs[sec].parent_x
        x0, d, r = lay[sec]
        return x0 + d * x * secs[sec].length_um, -float(r)

    def span(names_) -> tuple[float, float]:
        ends = [x for n in names_ for x in (lay[n][0], lay[n][0] + lay[n][1] * secs[n].length_um)]
        return min(ends), max(ends)

    runs = _myelinated_runs(shown, lay)
    in_run = {n for r in runs for n in r}
    lo, hi = span(lay)
    extent = max(hi - lo, 1e-9)
    beyond: set[str] = set()  # what hangs from the far side of a myelinated axon (a preterminal, a bouton)
    for sec_ in shown.sections:
        if sec_.parent is not None and (sec_.parent in in_run or sec_.parent in beyond) and sec_.name not in in_run:
            beyond.add(sec_.name)
    rest = [n for n in lay if n not in in_run and n not in beyond]
    # a long myelinated axon dwarfs the dendrites: then a second panel shows the rest close up
    d_lo, d_hi = span(rest) if rest else (lo, hi)
    close_up = bool(runs) and (d_hi - d_lo) < 0.25 * extent
    width_in = 8.0
    row_in = 0.55
    height = 1.9 + row_in * n_rows * (2 if close_up else 1) + (0.5 if stim else 0.0) + (0.6 if close_up else 0.0)
    fig = _figure(width_in, min(height, 12.0))
    if close_up:
        ax_all, ax_near = fig.subplots(2, 1, height_ratios=[1, 1.3])
        pad = 0.08 * (d_hi - d_lo) + 1.0
        _draw_morphology(ax_near, shown, hidden, lay, secs, rec, stim, runs, pos, (d_lo - pad, d_hi + 4 * pad),
                         n_rows, width_in, legend=False)
        ax_near.set_title("close-up of the same cell: soma, dendrites and the start of the axon", fontsize=9)
    else:
        ax_all, ax_near = fig.add_subplot(), None
    _draw_morphology(ax_all, shown, hidden, lay, secs, rec, stim, runs, pos,
                     (lo - 0.05 * extent, hi + 0.05 * extent), n_rows, width_in, legend=True,
                     skip_sites=(d_lo, d_hi) if close_up else (np.inf, -np.inf))  # named in the close-up
    left = "\n(sections attached at the root's 0 end are drawn to the left)" if lo < 0 else ""
    sheath = ("\n(paranodes belong to the myelin sheath beside each node: not branches, not drawn)"
              if hidden else "")
    (ax_near or ax_all).set_xlabel(f"path distance from the root section's 0 end (µm){left}{sheath}")
    if close_up:
        ax_all.set_xlabel("path distance (µm), whole cell")
    fig.suptitle("Cell morphology, schematic: line length = section length, line width grows with diameter",
                 fontsize=11)
    _legend_below(ax_all, ncol=2)
    return fig


def _draw_morphology(ax, shown, hidden, lay, secs, rec, stim, runs, pos, xlim, n_rows, width_in, legend,
                     skip_sites=(np.inf, -np.inf)):
    """Lines, node ticks, sites and non-overlapping labels of :func:`morphology` on one axes, for x in ``xlim``."""
    x_lo, x_hi = xlim
    pt_per_um = 0.85 * (width_in - 0.5) * 72.0 / (x_hi - x_lo)  # the axes' share of the width, roughly
    labels = _Labels(ax, pt_per_um)
    in_run = {n for r in runs for n in r}
    internodes = {s.name for s in shown.sections if "internode" in s.tags}
    nodes_all = {s.name for s in shown.sections if "node" in s.tags}

    def inside(x: float) -> bool:
        return x_lo <= x <= x_hi

    for s in shown.sections:
        x0, d, r = lay[s.name]
        y = -float(r)
        x1 = x0 + d * s.length_um
        lw = float(np.clip(0.65 * s.diam_um, 0.8, 16.0))
        if "internode" in s.tags:
            ax.plot([x0, x1], [y, y], color=MYELIN_COLOUR, lw=max(lw * 2.0, 4.0), solid_capstyle="butt", zorder=1,
                    alpha=0.6, label="myelin (internodes)" if legend and _first(s, internodes, secs) else None)
        colour = "#222222" if "soma" in s.tags else ("#0072B2" if "axon" in s.tags else "#666666")
        ax.plot([x0, x1], [y, y], color=colour, lw=lw, solid_capstyle="butt", zorder=2)
        if "node" in s.tags:
            ax.plot([x0, x0], [y - 0.12, y + 0.12], color=NODE_COLOUR, lw=1.2, zorder=3,
                    label="node of Ranvier" if legend and _first(s, nodes_all, secs) else None)
        if s.parent is not None:
            px, py = pos(s.parent, s.parent_x)
            if abs(py - y) > 1e-9:
                ax.plot([px, px], [py, y], color="0.7", lw=0.8, zorder=1)
    # labels, most important first: each myelinated fibre, the root, then the longest sections
    for run_ in runs:
        inter = [secs[n] for n in run_ if "internode" in secs[n].tags]
        nodes_ = [n for n in run_ if "node" in secs[n].tags]
        xs = [pos(n, 0.0)[0] for n in run_] + [pos(n, 1.0)[0] for n in run_]
        a, b = max(min(xs), x_lo), min(max(xs), x_hi)
        text = (f"myelinated axon: {len(nodes_)} nodes (ticks), internodes "
                f"{format_number(inter[0].length_um, 3)} µm, ⌀ {format_number(inter[0].diam_um, 3)} µm")
        if (b - a) * pt_per_um < labels.CHAR_PT[8] * len(text) + 4:
            text = "myelinated axon →" if max(xs) > x_hi else "myelinated axon"
        if a < b and (b - a) * pt_per_um >= labels.CHAR_PT[8] * len(text) + 4:
            labels.put(text, 0.5 * (a + b), pos(run_[0], 0.0)[1], "above", gap=6.0, fontweight="bold")
    order = [shown.sections[0]] + sorted((s for s in shown.sections[1:] if s.name not in in_run),
                                         key=lambda s: -s.length_um)
    stim_x = {}
    for sec_, x, _ in stim:
        stim_x.setdefault(sec_, []).append(pos(sec_, x)[0])
    for s in order:
        x0, d, r = lay[s.name]
        y, x1 = -float(r), x0 + d * s.length_um
        lw = float(np.clip(0.65 * s.diam_um, 0.8, 16.0))
        mid = 0.5 * (x0 + x1)
        room_pt = s.length_um * pt_per_um
        if room_pt >= 4.7 * len(s.name) + 4 and inside(mid):
            anchor, ha, dx = mid, "center", 0.0
            for sx in stim_x.get(s.name, ()):  # keep clear of a stimulus arrow
                if abs(sx - anchor) * pt_per_um < 3.0 * len(s.name) + 8:
                    anchor, ha, dx = sx, "left", 6.0
            labels.put(s.name, anchor, y, "above", ha=ha, dx=dx, gap=3 + lw / 2, fontweight="bold")
        elif s.parent is None and inside(max(x0, x1)):  # a short root (a soma): name it beside its far end
            labels.put(s.name, max(x0, x1), y, "above", ha="left", dx=3.0, gap=3 + lw / 2, fontweight="bold")
    for k, (sec, x, lab) in enumerate(rec):
        px, py = pos(sec, x)
        colour = SITE_COLOURS[k % len(SITE_COLOURS)]
        lw = float(np.clip(0.65 * secs[sec].diam_um, 0.8, 16.0))
        ax.plot(px, py, "o", ms=8, mfc=colour, mec="white", mew=1.2, zorder=5,
                label="recording site" if (legend and k == 0) else None)
        if inside(px) and not (skip_sites[0] <= px <= skip_sites[1]):
            labels.put(lab, px, py, "below", gap=7 + lw / 2, levels=4, color=colour)
    for s in order:  # dimensions last: they give way to everything else
        x0, d, r = lay[s.name]
        y, x1 = -float(r), x0 + d * s.length_um
        lw = float(np.clip(0.65 * s.diam_um, 0.8, 16.0))
        mid = 0.5 * (x0 + x1)
        dims = f"{format_number(s.length_um, 3)} µm, ⌀ {format_number(s.diam_um, 3)} µm"
        if s.length_um * pt_per_um >= 4.1 * len(dims) + 4 and inside(mid):
            labels.put(dims, mid, y, "below", gap=3 + lw / 2, fontsize=7, color="0.35")
    for sec, x, lab in stim:
        px, py = pos(sec, x)
        if inside(px):
            ax.annotate(f"stimulus at {lab}", (px, py), xytext=(0, 30), textcoords="offset points", ha="center",
                        va="bottom", fontsize=8, color="#D55E00",
                        arrowprops=dict(arrowstyle="-|>", color="#D55E00", lw=1.5, shrinkA=1, shrinkB=2))
    if stim and legend:
        ax.plot([], [], marker=r"$\downarrow$", ls="none", color="#D55E00", ms=10, label="current stimulus")
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(-(n_rows - 1) - 0.9, 0.8)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(abs(v), 4)))


def _first(s, group: set, secs) -> bool:
    """Whether ``s`` is the first (in morphology order) of ``group``: it alone carries the legend entry."""
    for name in secs:
        if name in group:
            return name == s.name
    return False
