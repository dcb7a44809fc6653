"""A self-contained HTML report: one file, readable offline and printable.

No external CSS, scripts, fonts or images: the style sheet is inline and every
figure is an inline base64 PNG rendered by matplotlib's Agg renderer. Every string
that comes from the caller (title, keys, values, captions, notes) is HTML-escaped.
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from numbers import Real
from pathlib import Path

from ranvier.errors import RanvierError
from ranvier.files import atomic_write, check_output_path
from ranvier.report.units import ION_TEXT, format_number, split_unit

__all__ = ["flatten", "provenance_from", "render_report", "write_report"]

FIGURE_DPI = 150
MAX_LIST_ITEMS = 20

# Readable names for the keys ranvier writes (summary.py, Dataset attrs); other keys
# are shown with underscores turned into spaces.
LABELS = {
    "resting_potential": "resting potential",
    "nernst": "Nernst (reversal) potential",
    "spike_count": "spikes (number)",
    "spike_times": "spike times",
    "temperature": "temperature",
    "dt": "time step dt",
    "tstop": "simulated time",
    "record_dt": "recording interval",
    "method": "integration method",
    "method_description": "integration method",
    "first_ap": "first action potential",
    "threshold": "threshold",  # the dV/dt definition below applies to a voltage only (see UNIT_LABELS)
    "peak": "peak",
    "undershoot": "undershoot (lowest V within 5 ms after the peak, below rest)",
    "not_measured": "not measured, and why",
    "warnings": "warnings (values outside the physiological range)",
    "half_width": "half-width (at half the threshold-to-peak height)",
    "afterhyperpolarisation": "afterhyperpolarisation (lowest V after the peak)",
    "charge": "charge carried (outward +, inward −)",
    "conduction_velocity": "conduction velocity",
    "conduction_between": "conduction measured between",
    "conduction_distance": "distance between those sites",
    "saved_to": "recordings saved to",
    "ranvier_version": "ranvier version",
    "model_hash": "model hash",
    "created": "simulated on (UTC)",
    "v_init": "initial state",
    "n_cells": "cells",
    "n_nodes": "compartment nodes",
    "rate_tables": "rate tables",
    "ap": "AP",
}

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1b1b1b;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: 1.8rem; line-height: 1.25; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid #ddd; }
.subtitle { color: #555; margin: 0 0 1.5rem; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e6e6e6; vertical-align: top; }
td.value { font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
td.value.num { white-space: nowrap; }
td.value .unit { color: #555; }
tr.group th { background: #f4f4f4; font-weight: 600; padding-top: .5rem; }
tr.sub td.quantity { padding-left: 1.6rem; }
.key { display: block; font: .75rem/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #888; }
figure { margin: 1.8rem 0; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; border: 1px solid #eee; }
figcaption { font-size: .92rem; color: #333; margin-top: .5rem; }
figcaption b { color: #000; }
ul.notes li { margin: .3rem 0; }
footer { margin-top: 3rem; font-size: .8rem; color: #777; border-top: 1px solid #ddd; padding-top: .6rem; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  figure, table tr { break-inside: avoid; }
  figure img { border: none; max-height: 23cm; }
}
"""


# ------------------------------------------------------------------------------------------
# tables
# ------------------------------------------------------------------------------------------
def flatten(d: Mapping, _path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    """Nested dicts as ``[(key path, leaf value), ...]`` in insertion order."""
    out: list[tuple[tuple[str, ...], object]] = []
    for k, v in d.items():
        path = (*_path, str(k))
        if isinstance(v, Mapping) and v:
            out.extend(flatten(v, path))
        else:
            if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
                v = v.tolist()  # numpy scalars and arrays as plain Python values
            out.append((path, v))
    return out


def _unit_of(path: tuple[str, ...]) -> str | None:
    """The unit of a leaf: from its own key's suffix, else from the nearest enclosing key's."""
    for key in reversed(path):
        _, unit = split_unit(key)
        if unit is not None:
            return unit
    return None


# Labels that hold for one unit only: a threshold in mV is a voltage (where dV/dt passes 10 mV/ms),
# a threshold in nA is the smallest stimulus current that fires a spike.
UNIT_LABELS = {
    ("threshold", "mV"): "threshold (where dV/dt passes 10 mV/ms)",
    ("threshold", "nA"): "threshold current (smallest pulse that fires a spike)",
}


def _label_html(key: str) -> str:
    base, unit = split_unit(key)
    if base.lower() in ION_TEXT:
        return escape(ION_TEXT[base.lower()])
    if (base, unit) in UNIT_LABELS:
        return escape(UNIT_LABELS[(base, unit)])
    if base in LABELS:
        return escape(LABELS[base])
    return escape(base.replace("_", " "))


METHOD_NAMES = {"cn": "Crank-Nicolson", "be": "backward Euler"}


def _value_text(v: object, key: str = "") -> str:
    """A leaf value as plain text (not yet escaped)."""
    if v is None:
        return "n/a"
    if key == "method" and isinstance(v, str) and v in METHOD_NAMES:
        return f"{v} ({METHOD_NAMES[v]})"
    if isinstance(v, (str, Path)):
        return str(v)
    if isinstance(v, Real):
        return format_number(v)
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
        v = v.tolist()
    if isinstance(v, Mapping):  # an empty dict
        return "none"
    if isinstance(v, (list, tuple, set, frozenset)):
        items = list(v)
        if not items:
            return "none"
        shown = [_value_text(x) for x in items[:MAX_LIST_ITEMS]]
        more = f", … ({len(items)} in all)" if len(items) > MAX_LIST_ITEMS else ""
        return ", ".join(shown) + more
    return str(v)


def _raw_text(v: object) -> str:
    if isinstance(v, float) and math.isfinite(v):
        return repr(v)
    return ""


def _is_numeric(v: object) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, Real):
        return True
    if isinstance(v, (list, tuple)) and v:
        return all(isinstance(x, Real) and not isinstance(x, bool) for x in v)
    return False


def _table(d: Mapping, css_class: str) -> str:
    rows: list[str] = []
    last_group: str | None = None
    for path, value in flatten(d):
        unit = _unit_of(path) if _is_numeric(value) else None
        text = escape(_value_text(value, path[-1]))
        raw = _raw_text(value)
        title = f' title="{escape(raw)}"' if raw else ""
        cls = "value num" if _is_numeric(value) else "value"
        unit_html = f'&nbsp;<span class="unit">{escape(unit)}</span>' if unit else ""
        key_html = f'<span class="key">{escape(".".join(path))}</span>'
        if len(path) == 1:
            last_group = None
            label = _label_html(path[0])
            rows.append(f'<tr><td class="quantity">{label}{key_html}</td>'
                        f'<td class="{cls}"{title}>{text}{unit_html}</td></tr>')
            continue
        group = path[0]
        if group != last_group:
            rows.append(f'<tr class="group"><th colspan="2">{_label_html(group)}</th></tr>')
            last_group = group
        label = " – ".join(_label_html(p) for p in path[1:])
        rows.append(f'<tr class="sub"><td class="quantity">{label}{key_html}</td>'
                    f'<td class="{cls}"{title}>{text}{unit_html}</td></tr>')
    if not rows:
        rows.append('<tr><td colspan="2">(nothing recorded)</td></tr>')
    return (f'<table class="{css_class}">\n<thead><tr><th scope="col">quantity</th>'
            f'<th scope="col">value</th></tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>")


# ------------------------------------------------------------------------------------------
# figures
# ------------------------------------------------------------------------------------------
def _png_base64(fig) -> str:
    if not hasattr(fig, "savefig"):
        raise RanvierError(f"a report figure must be a matplotlib Figure, got {type(fig).__name__}")
    buf = io.BytesIO()
    # matplotlib writes PNG with its Agg renderer whatever the interactive backend
    fig.savefig(buf, format="png", dpi=FIGURE_DPI, facecolor="white", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figures_html(figures: Sequence) -> str:
    parts = []
    for k, item in enumerate(figures, start=1):
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], str)):
            raise RanvierError(f"figures must be (caption, Figure) pairs; item {k} is {item!r}")
        caption, fig = item
        data = _png_base64(fig)
        alt = escape(caption, quote=True)
        parts.append(
            f'<figure id="figure-{k}">\n<img src="data:image/png;base64,{data}" alt="{alt}">\n'
            f"<figcaption><b>Figure {k}.</b> {escape(caption)}</figcaption>\n</figure>"
        )
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------
# the page
# ------------------------------------------------------------------------------------------
def provenance_from(result) -> dict:
    """The provenance a result Dataset carries (its attrs): version, dt, method, temperature, hash, date."""
    attrs = dict(getattr(result, "attrs", {}))
    keys = ("ranvier_version", "dt_ms", "tstop_ms", "record_dt_ms", "method", "temperature_degC", "v_init",
            "n_cells", "n_nodes", "rate_tables", "model_hash", "created")
    out = {}
    for k in keys:
        if k in attrs:
            v = attrs[k]
            out[k] = v.tolist() if hasattr(v, "tolist") else v
    if "method" in out and "method_description" in attrs:
        out["method"] = f"{out['method']} ({attrs['method_description']})"
    return out


def render_report(
    title: str,
    summary: Mapping,
    figures: Sequence[tuple[str, object]],
    provenance: Mapping,
    notes: Iterable[str] = (),
) -> str:
    """The report as one HTML document (a str).

    ``summary``: the measured quantities (e.g. ``ranvier.summary.summarize``'s dict);
    nested dicts become grouped rows and units come from the key suffixes (``_mV``,
    ``_ms``, ``_m_s``, ``_uC_cm2``, ...). ``figures``: ``(caption, Figure)`` pairs,
    embedded as PNG. ``provenance``: how the numbers were made (e.g.
    :func:`provenance_from`); the ranvier version is added when missing.
    ``notes``: short paragraphs shown after the figures.
    """
    from ranvier import __version__

    if not isinstance(title, str):
        raise RanvierError(f"the report title must be a string, got {title!r}")
    if not isinstance(summary, Mapping):
        raise RanvierError(f"summary must be a dict, got {type(summary).__name__}")
    if not isinstance(provenance, Mapping):
        raise RanvierError(f"provenance must be a dict, got {type(provenance).__name__}")
    if isinstance(notes, str):
        notes = [notes]
    notes = [str(n) for n in notes]
    prov = dict(provenance)
    prov.setdefault("ranvier_version", __version__)
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    body = [
        f"<h1>{escape(title)}</h1>",
        '<p class="subtitle">A ranvier simulation report. Hover over a number to see it in full.</p>',
        '<section id="measured">\n<h2>What was measured</h2>',
        _table(summary, "summary"),
        "</section>",
    ]
    if figures:
        body += ['<section id="figures">\n<h2>Figures</h2>', _figures_html(figures), "</section>"]
    if notes:
        items = "\n".join(f"<li>{escape(n)}</li>" for n in notes)
        body += ['<section id="notes">\n<h2>Notes</h2>', f'<ul class="notes">\n{items}\n</ul>', "</section>"]
    body += [
        '<section id="provenance">\n<h2>Provenance</h2>',
        "<p>How these numbers were made: the same settings and model give the same result again.</p>",
        _table(prov, "provenance"),
        "</section>",
        f"<footer>Report written by ranvier {escape(__version__)} on {escape(now)}. "
        "Self-contained: no network access needed to view or print it.</footer>",
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="ranvier">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


def write_report(
    path: str | os.PathLike,
    title: str,
    summary: Mapping,
    figures: Sequence[tuple[str, object]],
    provenance: Mapping,
    notes: Iterable[str] = (),
) -> Path:
    """Render the report and write it to ``path`` (which must end in .html), atomically.

    The page is rendered first, then written next to its destination under a temporary
    name and renamed over it when complete: a failure at any point leaves an existing
    file unchanged and no temporary file behind.
    """
    path = check_output_path(path, (".html",), "report", "a report is an HTML file")
    data = render_report(title, summary, figures, provenance, notes).encode("utf-8")

    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    atomic_write(path, write)
    return path
