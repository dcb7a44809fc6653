"""Command line: ``ranvier run | validate``. Uses only the public API."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from ranvier.errors import PhysiologyWarning, RanvierError, SimulationError

DEFAULT_MAX_MEMORY_GIB = 2.0
DEFAULT_MAX_MINUTES = 10.0


def _run(args: argparse.Namespace) -> int:
    _check_outputs(args)  # a bad --out or --report is refused before anything is built or run (light imports)
    if not args.json:  # first, before the imports and the build that take a second or more
        print(f"ranvier: simulating the seed circuit (neuron A -> neuron B) for {args.tstop:g} ms "
              f"at {args.temperature:g} degC ...", file=sys.stderr, flush=True)
    from ranvier.circuit_summary import format_circuit_summary, summarize_circuit
    from ranvier.result import save
    from ranvier.seed import SeedSettings, seed_circuit

    # start from the seed's own concentrations (its mature-neurone internal Cl-), then apply the options
    conc = SeedSettings().concentrations.with_(**{k: v for k, v in vars(args).items() if k.endswith("_mM") and v is not None})
    settings = SeedSettings(
        temperature_degC=args.temperature, fiber_diam_um=args.fiber_diam, myelinated=not args.unmyelinated,
        myelin_fraction=args.myelin_fraction, input_rate_hz=args.input_rate, tstop_ms=args.tstop, dt_ms=args.dt,
        method=args.method, concentrations=conc,
    )
    sim, sites = seed_circuit(settings)
    _check_run_budget(sim, args)  # memory and time estimated from the description, before any allocation
    result = sim.run(progress=None if not args.json else False)
    summary = summarize_circuit(result, sites, sim.cells[0].reversal_potentials_mV(),
                                settings.fiber_diam_um if settings.myelinated else None)
    if _WARNED:
        summary["warnings"] = list(_WARNED)
    if args.out:
        summary["saved_to"] = str(save(result, args.out))
    if args.report:
        summary["report"] = str(_write_run_report(args.report, result, summary, sim, sites))
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(format_circuit_summary(summary))
        if args.out:
            print(f"recordings saved to {summary['saved_to']} (NetCDF; load with ranvier.load)")
        if args.report:
            print(f"report written to {summary['report']} (open it in a browser; it needs no network)")
    return 0


def _write_run_report(path: Path, result, summary: dict, sim, sites) -> Path:
    from ranvier.report import ion_currents, morphology, propagation, provenance_from, voltage_traces, write_report

    nodes = [s for k, s in sites.items() if k.startswith("node")]
    figures = [
        ("Neuron A: dendrites, soma, AIS, myelinated axon and terminal, drawn to length; recording sites marked",
         morphology(sim.cells[0].morphology, recording_sites=[s for s in sites.values() if s.cell == 0])),
        ("Neuron A: synaptic potentials sum in the dendrite and soma until the AIS fires",
         voltage_traces(result, [sites["dendrite"], sites["soma"], sites["ais"]])),
        ("Which ion carries which current in the AIS: Na+ in on the upstroke, K+ out on the way down",
         ion_currents(result, sites["ais"])),
        ("The action potential jumping from node to node along the myelinated axon", propagation(result, nodes)),
        ("The terminal fires, Ca2+ enters, transmitter is released: neuron B's dendrite and soma respond",
         voltage_traces(result, [sites["terminal"], sites["b_dendrite"], sites["b_soma"]])),
    ]
    body = {k: v for k, v in summary.items() if k not in ("saved_to", "report")}
    return write_report(path, "ranvier run: a neuron, end to end", body, figures, provenance_from(result))


def _experiment(args: argparse.Namespace) -> int:
    from ranvier.experiments import catalogue, get
    from ranvier.report import write_report

    if args.name == "list":
        for name, ex in catalogue().items():
            print(f"{name:24s} {ex.question}")
        return 0
    ex = get(args.name)
    given: dict[str, float] = {}
    rest = list(args.params)
    while rest:
        key = rest.pop(0)
        if key == "--json":  # options may also follow the experiment's name
            args.json = True
            continue
        if key == "--report" or key.startswith("--report="):
            args.report = Path(key.split("=", 1)[1] if "=" in key else (rest.pop(0) if rest else ""))
            continue
        if key in ("-h", "--help"):
            print(f"{ex.name}: {ex.question}\nparameters:")
            for p_ in ex.params:
                print(f"  --{p_.name} VALUE   {p_.help} ({p_.unit or 'no unit'}; {p_.lo:g}..{p_.hi:g}; default {p_.default:g})")
            return 0
        if not key.startswith("--"):
            raise RanvierError(f"experiment parameters are given as --name value, got {key!r}")
        key = key[2:]
        if "=" in key:
            key, value = key.split("=", 1)
        elif rest:
            value = rest.pop(0)
        else:
            raise RanvierError(f"parameter --{key} needs a value")
        try:
            given[key.replace("-", "_")] = float(value)
        except ValueError:
            raise RanvierError(f"parameter --{key} must be a number, got {value!r}") from None
    ex.check_params(**given)  # every parameter and the report path are checked before the experiment runs
    _check_outputs(args)
    if not args.json:
        print(f"ranvier: running experiment {ex.name!r}: {ex.question}", file=sys.stderr)
    outcome, finding = ex.run(**given)
    if args.report:
        write_report(args.report, ex.title, outcome.summary, outcome.figures, {"experiment": ex.name},
                     notes=[finding])
    if args.json:
        print(json.dumps({"experiment": ex.name, "summary": outcome.summary, "finding": finding}, indent=2))
    else:
        from ranvier.report.html import flatten

        for path, v in flatten(outcome.summary):
            print(f"  {'.'.join(path):44s} {v}")
        print()
        print(finding)
        if args.report:
            print(f"report written to {args.report}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from ranvier.validation import validate

    report = validate(progress=not args.json)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.to_table())
        print("PASSED: every error is within its tolerance" if report.passed else "FAILED: see the rows marked FAIL")
    return 0 if report.passed else 1


def _lab(args: argparse.Namespace) -> int:
    try:
        from ranvier.lab.server import serve
    except ImportError as e:
        raise RanvierError(f"the lab needs its optional dependencies ({e.name}): pip install 'ranvier[lab]'") from None
    serve(host=args.host, port=args.port, open_browser=not args.no_browser)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ranvier", description="The neuron action potential, simulated from physics.")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="simulate the seed circuit (synapses -> AIS -> myelinated axon -> terminal -> "
                                   "second neuron) and print what was measured")
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    r.add_argument("--out", type=Path, help="save all recordings to this NetCDF file (.nc)")
    r.add_argument("--report", type=Path, metavar="FILE.html", help="write a self-contained HTML report with figures")
    r.add_argument("--temperature", type=float, default=37.0, metavar="DEGC", help="temperature (degC), default 37")
    r.add_argument("--fiber-diam", type=float, default=4.0, metavar="UM", help="axon fibre diameter (um), default 4")
    r.add_argument("--unmyelinated", action="store_true", help="an unmyelinated axon instead of a myelinated one")
    r.add_argument("--myelin-fraction", type=float, default=1.0, metavar="F",
                   help="myelin left over the middle third of the internodes, 0-1 (demyelination), default 1")
    # the defaults are those of ranvier.seed.SeedSettings (tests/physiology/test_seed_mammalian.py checks it)
    r.add_argument("--input-rate", type=float, default=200.0, metavar="HZ",
                   help="rate of each presynaptic input during the 5 ms volley (Hz), default 200")
    r.add_argument("--tstop", type=float, default=50.0, metavar="MS", help="simulated time (ms), default 50")
    r.add_argument("--dt", type=float, default=0.005, metavar="MS", help="time step (ms), default 0.005")
    r.add_argument("--method", default="cn", help="cn (Crank-Nicolson, default) or be (backward Euler)")
    for ion in ("na", "k", "cl", "ca"):
        for side in ("in", "out"):
            r.add_argument(f"--{ion}-{side}", dest=f"{ion}_{side}_mM", type=float, metavar="MM",
                           help=f"{ion} concentration {side}side (mM)")
    r.add_argument("--mg-out", dest="mg_out_mM", type=float, metavar="MM", help="external Mg2+ (mM), default 1")
    r.add_argument("--max-memory", type=float, default=DEFAULT_MAX_MEMORY_GIB, metavar="GIB",
                   help=f"refuse a run estimated to need more memory than this (GiB), default {DEFAULT_MAX_MEMORY_GIB:g}")
    r.add_argument("--max-minutes", type=float, default=DEFAULT_MAX_MINUTES, metavar="MIN",
                   help=f"refuse a run estimated to take longer than this (minutes), default {DEFAULT_MAX_MINUTES:g}")
    r.set_defaults(func=_run)

    e = sub.add_parser("experiment", help="run a named experiment ('ranvier experiment list' shows them)")
    e.add_argument("name", help="experiment name, or 'list'")
    e.add_argument("--json", action="store_true", help="print the measured summary and the finding as JSON")
    e.add_argument("--report", type=Path, metavar="FILE.html", help="write a self-contained HTML report")
    e.add_argument("params", nargs=argparse.REMAINDER, help="--parameter value ...")
    e.set_defaults(func=_experiment)

    v = sub.add_parser("validate", help="run Rallpacks 1-3 and print the error against the references")
    v.add_argument("--json", action="store_true", help="print the table as JSON")
    v.set_defaults(func=_validate)

    lab = sub.add_parser("lab", help="the interactive lab in your browser (needs: pip install 'ranvier[lab]')")
    lab.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1, this machine "
                                                         "only; anything else is reachable by others: warned)")
    lab.add_argument("--port", type=int, default=5006, help="port (default 5006)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser (for servers)")
    lab.set_defaults(func=_lab)

    from ranvier.sweep.cli import add_parser as add_sweep_parser  # `ranvier sweep` (issue 17)

    add_sweep_parser(sub)
    return p


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse a bad output path (suffix, missing or unwritable folder) before any simulation."""
    from ranvier.files import RESULT_SUFFIXES, check_output_path

    if getattr(args, "out", None) is not None:
        check_output_path(args.out, RESULT_SUFFIXES, "result", "--out saves a NetCDF file")
    if getattr(args, "report", None) is not None:
        check_output_path(args.report, (".html",), "report", "--report writes an HTML file")


def _check_run_budget(sim, args: argparse.Namespace) -> None:
    """Estimate memory and time from the description and refuse a run above the limits, before allocating."""
    from ranvier.budget import check_budget, estimate_run

    check_budget(estimate_run(sim), args.max_memory, args.max_minutes)


_WARNED: list[str] = []


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A PhysiologyWarning is one line on stderr (and goes into the JSON summary), not a source listing."""
    if issubclass(category, PhysiologyWarning):
        _WARNED.append(str(message))
        print(f"ranvier: warning: {message}", file=sys.stderr)
    else:
        print(f"ranvier: warning: {category.__name__}: {message}", file=sys.stderr)


def _dispatch(args: argparse.Namespace) -> int:
    """Run a subcommand: errors, warnings and Ctrl-C each end in one line on stderr, never a traceback."""
    from ranvier.progress import compile_messages

    _WARNED.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("always", PhysiologyWarning)
        warnings.showwarning = _show_warning
        try:
            with compile_messages():  # the first use of a model shape compiles: say so, never wait silently
                return args.func(args)
        except (RanvierError, SimulationError) as e:
            print(f"ranvier: error: {e}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("ranvier: interrupted (Ctrl-C); files being written were left as they were", file=sys.stderr)
            return 130
        except OSError as e:  # a full disk, a file removed under us: say what, not where in the code
            print(f"ranvier: error: {e}", file=sys.stderr)
            return 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return _dispatch(args)


if __name__ == "__main__":
    sys.exit(main())
