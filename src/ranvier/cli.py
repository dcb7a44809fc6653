"""Command line: ``ranvier run | validate``. Uses only the public API."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ranvier.errors import RanvierError, SimulationError


def _run(args: argparse.Namespace) -> int:
    from ranvier.defaults import AXON_A, AXON_B, SOMA, DefaultSettings, default_simulation
    from ranvier.ions import Concentrations
    from ranvier.result import save
    from ranvier.summary import format_summary, summarize

    settings = DefaultSettings(
        temperature_degC=args.temperature,
        stim_amp_nA=args.amp,
        stim_delay_ms=args.delay,
        stim_duration_ms=args.duration,
        tstop_ms=args.tstop,
        dt_ms=args.dt,
        method=args.method,
        axon_diam_um=args.axon_diam,
        axon_length_um=args.axon_length,
    )
    conc = Concentrations().with_(**{k: v for k, v in vars(args).items() if k.endswith("_mM") and v is not None})
    sim = default_simulation(settings, conc)
    if not args.json:
        print(f"ranvier: simulating the default neuron for {settings.tstop_ms:g} ms at {settings.temperature_degC:g} degC ...",
              file=sys.stderr)
    result = sim.run(progress=None if not args.json else False)
    summary = summarize(result, SOMA.label, AXON_A.label, AXON_B.label, sim.cells[0].reversal_potentials_mV())
    if args.out:
        path = save(result, args.out)
        summary["saved_to"] = str(path)
    if args.report:
        summary["report"] = str(_write_run_report(args.report, result, summary, sim))
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(format_summary(summary))
        if args.out:
            print(f"recordings saved to {summary['saved_to']} (NetCDF; load with ranvier.load)")
        if args.report:
            print(f"report written to {summary['report']} (open it in a browser; it needs no network)")
    return 0


def _write_run_report(path: Path, result, summary: dict, sim) -> Path:
    from ranvier.defaults import AXON_A, AXON_B, SOMA
    from ranvier.report import ion_currents, morphology, propagation, provenance_from, voltage_traces, write_report

    cell = sim.cells[0]
    figures = [
        ("The neuron: sections drawn to length, recording sites marked", morphology(cell.morphology,
         recording_sites=[p.site for p in sim.probes], stimulus_sites=[s.site for s in sim.stimuli])),
        ("Membrane potential at the dendrite, soma and along the axon", voltage_traces(result)),
        ("Which ion carries which current at the soma: Na+ in on the upstroke, K+ out on the way down",
         ion_currents(result, SOMA.label)),
        ("The action potential travelling along the axon", propagation(result, [AXON_A.label, AXON_B.label])),
    ]
    body = {k: v for k, v in summary.items() if k not in ("spike_times_ms", "saved_to", "report")}
    return write_report(path, "ranvier run: the default neuron", body, figures, provenance_from(result))


def _validate(args: argparse.Namespace) -> int:
    from ranvier.validation import validate

    report = validate(progress=not args.json)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.to_table())
        print("PASSED: every error is within its tolerance" if report.passed else "FAILED: see the rows marked FAIL")
    return 0 if report.passed else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ranvier", description="The neuron action potential, simulated from physics.")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="simulate the default neuron and print what was measured")
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    r.add_argument("--out", type=Path, help="save all recordings to this NetCDF file (.nc)")
    r.add_argument("--report", type=Path, metavar="FILE.html", help="write a self-contained HTML report with figures")
    r.add_argument("--temperature", type=float, default=37.0, metavar="DEGC", help="temperature (degC), default 37")
    r.add_argument("--amp", type=float, default=0.3, metavar="NA", help="current step at the soma (nA), default 0.3")
    r.add_argument("--delay", type=float, default=5.0, metavar="MS", help="step onset (ms), default 5")
    r.add_argument("--duration", type=float, default=40.0, metavar="MS", help="step duration (ms), default 40")
    r.add_argument("--tstop", type=float, default=50.0, metavar="MS", help="simulated time (ms), default 50")
    r.add_argument("--dt", type=float, default=0.025, metavar="MS", help="time step (ms), default 0.025")
    r.add_argument("--method", default="cn", help="cn (Crank-Nicolson, default) or be (backward Euler)")
    r.add_argument("--axon-diam", type=float, default=1.0, metavar="UM", help="axon diameter (um), default 1")
    r.add_argument("--axon-length", type=float, default=2000.0, metavar="UM", help="axon length (um), default 2000")
    for ion in ("na", "k", "cl", "ca"):
        for side in ("in", "out"):
            r.add_argument(f"--{ion}-{side}", dest=f"{ion}_{side}_mM", type=float, metavar="MM",
                           help=f"{ion} concentration {side}side (mM)")
    r.set_defaults(func=_run)

    v = sub.add_parser("validate", help="run Rallpacks 1-3 and print the error against the references")
    v.add_argument("--json", action="store_true", help="print the table as JSON")
    v.set_defaults(func=_validate)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (RanvierError, SimulationError) as e:
        print(f"ranvier: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
