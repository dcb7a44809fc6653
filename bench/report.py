"""The results table: rich on the terminal, Markdown for RESULTS.md."""

from __future__ import annotations

import math

COLUMNS = ("problem", "simulator", "compartments", "steps", "warm sim (s)", "cold (s)", "peak RSS (MiB)",
           "comp-steps/s", "error vs reference", "ranvier/peer warm (cold)")


def _fmt_s(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def _fmt_rate(x) -> str:
    return "-" if x is None else f"{x:.3g}"


def cells(row: dict) -> list[str]:
    if row.get("failed"):
        return [row["problem"], row["label"], str(row["compartments"]), str(row["steps"]), "failed", "", "", "",
                row["failed"].splitlines()[0][:60], ""]
    units = row["compartments"]
    comp = f"{units}" if row["sim_units"] == units else f"{units} ({row['sim_units']})"
    ratio = row.get("ratio_warm")
    return [
        row["problem"], row["label"], comp, str(row["steps"]), _fmt_s(row["warm_s"]), _fmt_s(row["cold_s"]),
        f"{row['max_rss_MiB']:.0f}", _fmt_rate(row["comp_steps_per_s"]), row["error_summary"],
        "" if ratio is None else f"{ratio:.2f} ({row['ratio_cold']:.2f})",
    ]


def print_table(rows: list[dict], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, show_lines=False)
    for c in COLUMNS:
        t.add_column(c, justify="left" if c in ("problem", "simulator", "error vs reference") else "right")
    last = None
    for r in rows:
        if last is not None and r["problem"] != last:
            t.add_section()
        last = r["problem"]
        t.add_row(*cells(r))
    Console(width=200).print(t)


def markdown(rows: list[dict]) -> str:
    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(r)) + " |")
    return "\n".join(out) + "\n"
