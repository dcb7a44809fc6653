"""How close is ranvier's cable update to this machine's physical limits?  ``python -m bench.roofline``

Measures, on one thread:

* memory bandwidth: a STREAM-style triad ``a[i] = b[i] + s * c[i]`` (numba, best of
  several) on arrays far larger than L3 (DRAM), and on arrays that fit in L2 and in L1;
* double-precision arithmetic rate: numba loops of independent multiply-adds, scalar
  (what ranvier's engine compiles to: numba does not contract a*b+c into an FMA without
  fastmath, and its SLP vectorizer is off) and vectorized FMAs (``fastmath={"contract"}``
  only, so nothing is reassociated; the loop vectorizer over an L1-resident array: the
  machine's peak);
* latency of the Hines elimination's dependency chain: ``inv = 1/d; f = o*inv;
  d = d0 - f*o`` in registers, the same without the division, ``d = d0 - o2/d``, two
  independent chains interleaved, and the engine's own
  elimination + back-substitution loops (copied from ``run_cell``) on P1's 1002-node
  tree, where the chain also goes through memory (store, then load of ``diag[p]``);

then counts, node by node from the lowered P1 model and the rules of
``ranvier.numerics.engine.run_cell`` (listed in ``count_per_node``), the floating-point
operations and the 8-byte array elements read and written per node per step, and
derives the ceilings ``bandwidth / bytes``, ``flop rate / flops`` and the latency bound,
and ranvier's measured throughput as a fraction of each. ranvier's P1 is measured here
too (``integrate`` alone and ``Simulation.run()``), unless ``--no-ranvier``; the
benchmark's P1 and P3 throughputs (``BENCH_COMP_STEPS_PER_S``) are compared as well.
The counting rules are those of ``run_cell`` at commit 0bf7a68: when the engine changes,
``count_per_node`` has to be re-read against it.

Takes about 20 s (``--quick``: fewer repeats, about 10 s). Run it on a quiet machine:
everything here is single-threaded but timing-sensitive.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

# ranvier's single-thread throughput in the lead's full benchmark run (bench/RESULTS.md,
# 2026-11-25, commit 0bf7a68): compartments x steps / warm Simulation.run() time
BENCH_COMP_STEPS_PER_S = {"P1_bench": 3.48e7, "P3_bench": 3.41e7}


# --------------------------------------------------------------------------- kernels


@njit(cache=False)
def _triad(a, b, c, s, reps):
    n = a.shape[0]
    for _ in range(reps):
        for i in range(n):
            a[i] = b[i] + s * c[i]
        s = -s  # keeps the repeats from being merged
    return a[0]


@njit(cache=False)
def _scalar_muladd(n, x0):
    """12 independent scalar chains of a*b + c: 24 flops per iteration (mul and add separately)."""
    b = 0.9999999
    c = 1e-9
    a0 = x0
    a1 = x0 + 0.1
    a2 = x0 + 0.2
    a3 = x0 + 0.3
    a4 = x0 + 0.4
    a5 = x0 + 0.5
    a6 = x0 + 0.6
    a7 = x0 + 0.7
    a8 = x0 + 0.8
    a9 = x0 + 0.9
    a10 = x0 + 1.0
    a11 = x0 + 1.1
    for _ in range(n):
        a0 = a0 * b + c
        a1 = a1 * b + c
        a2 = a2 * b + c
        a3 = a3 * b + c
        a4 = a4 * b + c
        a5 = a5 * b + c
        a6 = a6 * b + c
        a7 = a7 * b + c
        a8 = a8 * b + c
        a9 = a9 * b + c
        a10 = a10 * b + c
        a11 = a11 * b + c
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11


# "contract" only: a*b + c may become one FMA, but nothing may be reassociated or folded
_scalar_fma = njit(cache=False, fastmath={"contract"})(_scalar_muladd.py_func)


@njit(cache=False, fastmath={"contract"})
def _vector_fma(a, reps):
    """Per element 4 independent chains of 8 FMAs (64 flops), vectorized over the L1-resident array."""
    b = 0.9999999
    c = 1e-9
    n = a.shape[0]
    for _ in range(reps):
        for i in range(n):
            x0 = a[i]
            x1 = x0 + 1.0
            x2 = x0 + 2.0
            x3 = x0 + 3.0
            x0 = x0 * b + c
            x1 = x1 * b + c
            x2 = x2 * b + c
            x3 = x3 * b + c
            x0 = x0 * b + c
            x1 = x1 * b + c
            x2 = x2 * b + c
            x3 = x3 * b + c
            x0 = x0 * b + c
            x1 = x1 * b + c
            x2 = x2 * b + c
            x3 = x3 * b + c
            x0 = x0 * b + c
            x1 = x1 * b + c
            x2 = x2 * b + c
            x3 = x3 * b + c
            x0 = x0 * b + c
            x1 = x1 * b + c
            x2 = x2 * b + c
            x3 = x3 * b + c
            x0 = x0 * b + c
            x1 = x1 * b + c
            x2 = x2 * b + c
            x3 = x3 * b + c
            x0 = x0 * b + c
            x1 = x1 * b + c
            x2 = x2 * b + c
            x3 = x3 * b + c
            x0 = x0 * b + c
            x1 = x1 * b + c
            x2 = x2 * b + c
            x3 = x3 * b + c
            a[i] = 0.25 * ((x0 + x1) + (x2 + x3)) - 1.5  # 5 more flops, not counted (keeps a[i] bounded)
    return a[0]


VECTOR_FLOPS_PER_ELEMENT = 64  # 32 FMAs


@njit(cache=False)
def _div_chain(n, d0, o):
    """The elimination's chain in registers: d <- d0 - (o * (1/d)) * o (one divide, two multiplies, one subtract)."""
    d = d0
    for _ in range(n):
        inv = 1.0 / d
        f = o * inv
        d = d0 - f * o
    return d


@njit(cache=False)
def _div_sub_chain(n, d0, o2):
    """The chain if offd**2 were kept per node: d <- d0 - o2/d (one divide, one subtract)."""
    d = d0
    for _ in range(n):
        d = d0 - o2 / d
    return d


@njit(cache=False)
def _div_chain_twice(n, d0, o):
    """Two independent elimination chains in one loop (a cable eliminated from both ends at once)."""
    d = d0
    e = d0 + 0.25
    for _ in range(n):
        inv = 1.0 / d
        f = o * inv
        d = d0 - f * o
        inv2 = 1.0 / e
        f2 = o * inv2
        e = d0 - f2 * o
    return d + e


@njit(cache=False)
def _muladd_chain(n, d0, o):
    """The same chain without the division: d <- d0 - (o * d) * o."""
    d = d0
    for _ in range(n):
        f = o * d
        d = d0 - f * o
    return d


@njit(cache=False)
def _imul_chain(n, x):
    """A dependent chain of 64-bit integer squarings (imul: 3 cycles on AMD Zen, recent Intel): the clock."""
    for _ in range(n):
        x = x * x
    return x


@njit(cache=False)
def _hines(parent, offd, diag0, rhs0, diag, rhs, x, v, reps, solve):
    """ranvier's elimination and back-substitution (engine.run_cell, n0 = 0), ``reps`` times.

    solve 0: only the reset of diag and rhs (subtracted as overhead); 1: and the
    elimination; 2: and the back-substitution.
    """
    n = parent.shape[0]
    for _ in range(reps):
        for i in range(n):
            diag[i] = diag0[i]
            rhs[i] = rhs0[i]
        if solve == 0:
            continue
        for i in range(n - 1, -1, -1):
            inv = 1.0 / diag[i]
            diag[i] = inv
            p = parent[i]
            if p >= 0:
                f = offd[i] * inv
                diag[p] -= f * offd[i]
                rhs[p] -= f * rhs[i]
        if solve == 1:
            continue
        for i in range(n):
            p = parent[i]
            if p >= 0:
                xi = (rhs[i] - offd[i] * x[p]) * diag[i]
            else:
                xi = rhs[i] * diag[i]
            x[i] = xi
            v[i] = xi
    return x[n - 1]


# --------------------------------------------------------------------------- measuring


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def triad_GBps(n_elements: int, target_s: float, repeat: int) -> dict:
    """Best triad bandwidth in GB/s (1e9 B/s) for arrays of ``n_elements`` doubles.

    STREAM's convention counts 24 bytes per element (read b, read c, write a); a
    write-allocate cache also reads a first, so the bus carries 32: both are reported.
    """
    a = np.zeros(n_elements)
    b = np.full(n_elements, 1.0)
    c = np.full(n_elements, 2.0)
    _triad(a, b, c, 0.5, 1)  # compile + first touch
    t1 = _best(lambda: _triad(a, b, c, 0.5, 1), 2)
    reps = max(1, int(target_s / max(t1, 1e-9)))
    t = _best(lambda: _triad(a, b, c, 0.5, reps), repeat)
    per_rep = t / reps
    return {"n_elements": n_elements, "array_KiB": n_elements * 8 / 1024, "reps": reps,
            "GBps_stream_24B": 24 * n_elements / per_rep / 1e9,
            "GBps_with_write_allocate_32B": 32 * n_elements / per_rep / 1e9}


def flop_rates(repeat: int) -> dict:
    n = 20_000_000
    _scalar_muladd(10, 1.0)
    _scalar_fma(10, 1.0)
    t_s = _best(lambda: _scalar_muladd(n, 1.0), repeat)
    t_f = _best(lambda: _scalar_fma(n, 1.0), repeat)
    a = np.linspace(0.0, 1.0, 1024)  # 8 KiB: L1
    _vector_fma(a, 1)
    reps = 20_000
    t_v = _best(lambda: _vector_fma(a, reps), repeat)
    return {
        "scalar_mul_add_Gflops": 24 * n / t_s / 1e9,
        "scalar_fma_Gflops": 24 * n / t_f / 1e9,
        "vector_fma_Gflops": VECTOR_FLOPS_PER_ELEMENT * a.shape[0] * reps / t_v / 1e9,
        "vector_isa": _vector_isa(),
    }


def _vector_isa() -> str:
    try:
        asm = next(iter(_vector_fma.inspect_asm().values()))
    except Exception:  # noqa: BLE001 - diagnostic only
        return "unknown"
    if "zmm" in asm and "vfmadd" in asm:
        return "AVX-512 FMA (zmm)"
    if "ymm" in asm and "vfmadd" in asm:
        return "AVX2 FMA (ymm)"
    return "FMA not found in the generated code"


def chain_latencies(repeat: int) -> dict:
    n = 20_000_000
    _div_chain(10, 2.5, 1.0)
    _muladd_chain(10, 2.5, 1.0)
    _imul_chain(10, 3)
    _div_sub_chain(10, 2.5, 1.0)
    _div_chain_twice(10, 2.5, 1.0)
    t_div = _best(lambda: _div_chain(n, 2.5, 1.0), repeat)
    t_div_sub = _best(lambda: _div_sub_chain(n, 2.5, 1.0), repeat)
    t_two = _best(lambda: _div_chain_twice(n, 2.5, 1.0), repeat)
    t_mul = _best(lambda: _muladd_chain(n, 2.5, 1.0), repeat)
    t_imul = _best(lambda: _imul_chain(n, 3), repeat)
    ghz = 3 * n / t_imul / 1e9  # assumes 3-cycle imul latency
    return {
        "div_mul_mul_sub_ns": t_div / n * 1e9,
        "mul_mul_sub_ns": t_mul / n * 1e9,
        "div_sub_ns": t_div_sub / n * 1e9,
        "two_chains_div_mul_mul_sub_ns_per_node": t_two / n / 2 * 1e9,
        "imul_ns": t_imul / n * 1e9,
        "clock_GHz_estimate": ghz,
        "div_mul_mul_sub_cycles": t_div / n * 1e9 * ghz,
        "mul_mul_sub_cycles": t_mul / n * 1e9 * ghz,
        "div_sub_cycles": t_div_sub / n * 1e9 * ghz,
    }


def hines_ns_per_node(parent, offd, diag0, rhs0, repeat: int, reps: int = 20_000) -> dict:
    n = parent.shape[0]
    diag = np.empty(n)
    rhs = np.empty(n)
    x = np.zeros(n)
    v = np.zeros(n)
    _hines(parent, offd, diag0, rhs0, diag, rhs, x, v, 1, 2)
    t = [_best(lambda: _hines(parent, offd, diag0, rhs0, diag, rhs, x, v, reps, mode), repeat) for mode in (0, 1, 2)]
    ns = [ti / reps / n * 1e9 for ti in t]
    return {"n_nodes": n, "reset_ns_per_node": ns[0], "elimination_ns_per_node": ns[1] - ns[0],
            "back_substitution_ns_per_node": ns[2] - ns[1], "solve_ns_per_node": ns[2] - ns[0]}


# --------------------------------------------------------------------------- counting


def count_per_node(m, tabs) -> dict:
    """Flops and 8-byte array elements per node per backward-Euler step, from run_cell's code.

    Counted for the path P1 takes (backward Euler, rate tables on, ohmic channels, one
    current clamp, recording ignored). Per node i of the cell:

    system pass (gates, conductances, diag/rhs):
      reads v[i], dbase, cap_h, e_static[i], node_dyn_start[i+1]          5 elements
      r = cap_h*v + e_static                                              2 flops
      if the node has gated channels: xt = (v - vmin)*inv_dv, fr = xt - j  3 flops
      per gated channel: reads dyn_chan[q], chan_gate_start, chan_gate_count,
        chan_gmax, chan_law, chan_erev                                    6 elements
        g = gmax*f, d += g, r += g*erev                                   4 flops
      per gate k: reads gate_table[k], gate_power[k], state[k], the table's
        (inf, decay) at j and j+1                                         7 elements
        writes state[k]                                                   1 element
        inf and decay interpolated (3 flops each), s' = inf + (s - inf)*decay (3)
                                                                          9 flops
        the power: f *= s ... (p multiplies)                              p flops
      writes diag[i], rhs[i]                                              2 elements
    elimination (leaves to root):
      reads diag[i], parent[i], offd[i], rhs[i], diag[p], rhs[p]; writes diag[i], diag[p], rhs[p]
      1/diag (1 divide); with a parent: f = offd*inv, diag[p] -= f*offd, rhs[p] -= f*rhs[i] (5)
    back-substitution (root to leaves):
      reads parent[i], rhs[i], offd[i], x[p], diag[i]; writes x[i], v[i]
      (rhs - offd*x[p])*inv (3 flops; 1 at the root)

    Loads/stores counts every access the code makes ("references"); "distinct" counts
    every array element the step touches once (what would move if nothing stayed
    in cache from one loop to the next or from one step to the next): the lower bound
    on memory traffic.
    """
    n = m.parent.shape[0]
    flops = 0
    divides = 0
    loads = 0
    stores = 0
    for i in range(n):
        flops += 2
        loads += 5
        q0, q1 = m.node_dyn_start[i], m.node_dyn_start[i + 1]
        if q1 > q0:
            flops += 3
        for q in range(q0, q1):
            ch = m.dyn_chan[q]
            if m.chan_law[ch] != 0:
                raise ValueError("the count covers ohmic channels only (P1 has no GHK channel)")
            loads += 6
            flops += 4
            for k in range(m.chan_gate_start[ch], m.chan_gate_start[ch] + m.chan_gate_count[ch]):
                loads += 7
                stores += 1
                flops += 9 + int(m.gate_power[k])
        stores += 2
        # elimination
        divides += 1
        flops += 1
        if m.parent[i] >= 0:
            flops += 5
            loads += 6
            stores += 3
        else:
            loads += 2
            stores += 1
        # back-substitution
        if m.parent[i] >= 0:
            flops += 3
            loads += 5
        else:
            flops += 1
            loads += 3
        stores += 2
    n_gates = int(m.gate_node.shape[0])
    n_dyn = int(m.dyn_chan.shape[0])
    # distinct elements per step: read-only node arrays dbase, cap_h, e_static, node_dyn_start, parent,
    # offd (6 per node); read-write v, diag, rhs, x (4 per node, each read and written); per gated
    # channel 6 read-only; per gate gate_table, gate_power, 4 table values read, state read and written
    distinct_read = 6 * n + 4 * n + 6 * n_dyn + 7 * n_gates
    distinct_write = 4 * n + n_gates
    distinct_read_no_table = distinct_read - 4 * n_gates
    return {
        "nodes": n,
        "gated_channels": n_dyn,
        "gates": n_gates,
        "flops_per_node": flops / n,
        "divides_per_node": divides / n,
        "loads_per_node": loads / n,
        "stores_per_node": stores / n,
        "reference_bytes_per_node": 8 * (loads + stores) / n,
        "distinct_bytes_per_node": 8 * (distinct_read + distinct_write) / n,
        "distinct_bytes_per_node_table_cached": 8 * (distinct_read_no_table + distinct_write) / n,
        "table_grid_points": int(tabs.tab.shape[1]),
        "table_KiB": tabs.tab.nbytes / 1024,
    }


def working_set_KiB(m, n_nodes: int, n_dyn: int, n_gates: int) -> float:
    """Bytes of the arrays run_cell touches for one cell (the table not included)."""
    # node arrays: parent, offd, e_static, node_dyn_start, v + scratch dbase, cap_h, diag, rhs, x
    node = 10 * 8 * n_nodes
    # channel arrays hold every channel (passive ones too, never read): whole cache lines come in
    chans_per_node = m.chan_gmax.shape[0] / m.parent.shape[0]
    chan = 8 * n_dyn + 5 * 8 * chans_per_node * n_nodes
    gate = 3 * 8 * n_gates
    return (node + chan + gate) / 1024


def cache_sizes() -> dict:
    out = {}
    base = "/sys/devices/system/cpu/cpu0/cache"
    try:
        for idx in sorted(os.listdir(base)):
            if not idx.startswith("index"):
                continue
            d = os.path.join(base, idx)
            level = open(os.path.join(d, "level")).read().strip()
            kind = open(os.path.join(d, "type")).read().strip()
            size = open(os.path.join(d, "size")).read().strip()
            if kind != "Instruction":
                out[f"L{level}"] = size
    except OSError:
        pass
    return out


def cpu_model() -> str:
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


# --------------------------------------------------------------------------- ranvier


def ranvier_p1(repeat: int) -> dict:
    """P1 as the benchmark builds it, best of ``repeat`` warm runs: the whole ``Simulation.run()``
    and the engine call inside it (``integrate``, timed by wrapping the name ranvier.simulation
    calls, so this works whatever its arguments are)."""
    import ranvier.simulation as rsim

    from bench import problems as pb
    from bench.model_ranvier import simulation

    p = pb.P1
    sim = simulation(p, p.tstop_ms)
    inner: list[float] = []
    original = rsim.integrate

    def timed(*a, **k):
        t0 = time.perf_counter()
        r = original(*a, **k)
        inner.append(time.perf_counter() - t0)
        return r

    rsim.integrate = timed
    try:
        sim.run(progress=False, threads=1)
        inner.clear()
        t_run = _best(lambda: sim.run(progress=False, threads=1), repeat)
    finally:
        rsim.integrate = original
    t_int = min(inner)
    model = sim.prepare()[1]
    n = model.parent.shape[0]
    nsteps = p.steps(False)
    comp = p.compartments
    return {"steps": nsteps, "nodes": n, "compartments": comp, "run_s": t_run, "integrate_s": t_int,
            "run_comp_steps_per_s": comp * nsteps / t_run, "integrate_comp_steps_per_s": comp * nsteps / t_int,
            "integrate_ns_per_node_step": t_int / (n * nsteps) * 1e9}


def p1_model():
    from bench import problems as pb
    from bench.model_ranvier import simulation

    sim = simulation(pb.P1, pb.P1.tstop_ms)
    recs, model, layout, units, tabs, _, _ = sim.prepare()
    return model, tabs


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.roofline", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    ap.add_argument("--no-ranvier", action="store_true", help="skip timing ranvier's P1 here")
    ap.add_argument("--json", default=None, help="write the numbers to this file")
    ap.add_argument("--dram-MiB", type=float, default=256.0, help="size of each DRAM triad array (default 256)")
    args = ap.parse_args(argv)
    repeat = 3 if args.quick else 5

    res: dict = {"machine": {"cpu_model": cpu_model(), "nproc": os.cpu_count(), "caches": cache_sizes(),
                             "python": platform.python_version(),
                             "loadavg_start": list(os.getloadavg()),
                             "NUMBA_NUM_THREADS": os.environ.get("NUMBA_NUM_THREADS")}}

    print("memory bandwidth (triad, one thread) ...", flush=True)
    n_dram = int(args.dram_MiB * 2**20 / 8)
    res["bandwidth"] = {
        "DRAM": triad_GBps(n_dram, 0.0, repeat),
        "L2": triad_GBps(16 * 1024, 0.05, repeat),  # 3 x 128 KiB = 384 KiB
        "L1": triad_GBps(1024, 0.05, repeat),  # 3 x 8 KiB = 24 KiB
    }
    print("arithmetic rate ...", flush=True)
    res["flops"] = flop_rates(repeat)
    print("dependency-chain latencies ...", flush=True)
    res["latency"] = chain_latencies(repeat)

    m, tabs = p1_model()
    try:
        cnt = count_per_node(m, tabs)
    except (AttributeError, IndexError, ValueError) as e:
        raise SystemExit(f"count_per_node follows run_cell of commit 0bf7a68; the lowered model has changed ({e!r}): "
                         "update the counting rules to the engine's new code") from e
    res["count_P1"] = cnt
    res["working_set_KiB"] = {
        "P1_cell": working_set_KiB(m, cnt["nodes"], cnt["gated_channels"], cnt["gates"]),
        "P3_cell": working_set_KiB(m, 102, 200, 300),
        "table_all_rows": cnt["table_KiB"],
    }
    # the system P1 solves: diag from the passive part at rest is representative (the chain does not depend on values)
    diag0 = np.asarray(m.gax_diag + m.g_static + m.cap_nF / pb_dt(), float)
    rhs0 = np.ones_like(diag0)
    res["hines_P1"] = hines_ns_per_node(np.asarray(m.parent), np.asarray(m.offd), diag0, rhs0, repeat)

    if not args.no_ranvier:
        print("ranvier P1 ...", flush=True)
        res["ranvier_P1_here"] = ranvier_p1(3)

    res["ceilings"] = ceilings(res)
    res["machine"]["loadavg_end"] = list(os.getloadavg())
    report(res)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
        print(f"\nwritten {args.json}")
    return 0


def pb_dt() -> float:
    from bench import problems as pb

    return pb.P1.dt_ms


def ceilings(res: dict) -> dict:
    """Compartment-steps per second each limit allows, and ranvier's throughput as a fraction of it."""
    c = res["count_P1"]
    node_per_comp = c["nodes"] / 1000.0  # P1: 1002 nodes for 1000 compartments
    b_dist = c["distinct_bytes_per_node"]
    b_ref = c["reference_bytes_per_node"]
    bw = res["bandwidth"]
    fl = res["flops"]
    lat = res["latency"]

    def cs(nodes_per_s: float) -> float:
        return nodes_per_s / node_per_comp

    out = {
        "DRAM_bandwidth_distinct_bytes": cs(bw["DRAM"]["GBps_stream_24B"] * 1e9 / b_dist),
        "L2_bandwidth_distinct_bytes": cs(bw["L2"]["GBps_stream_24B"] * 1e9 / b_dist),
        "L1_bandwidth_all_references": cs(bw["L1"]["GBps_stream_24B"] * 1e9 / b_ref),
        "scalar_flops": cs(fl["scalar_mul_add_Gflops"] * 1e9 / c["flops_per_node"]),
        "vector_fma_peak_flops": cs(fl["vector_fma_Gflops"] * 1e9 / c["flops_per_node"]),
        # the solve's two serial chains with every value in a register: elimination (divide, multiply,
        # multiply, subtract) and back-substitution (multiply, subtract, multiply: timed as mul_mul_sub)
        "latency_solve_chains_in_registers": cs(1e9 / (lat["div_mul_mul_sub_ns"] + lat["mul_mul_sub_ns"])),
        "latency_hines_solve_measured": cs(1e9 / res["hines_P1"]["solve_ns_per_node"]),
    }
    # the system pass cannot start before the back-substitution has produced v, nor the elimination before
    # the system pass has finished: solve (latency) + system pass at the scalar flop rate, one after the other
    sys_flops = c["flops_per_node"] - 9.0  # elimination 6 + back-substitution 3 flops belong to the solve
    t_sys = sys_flops / (fl["scalar_mul_add_Gflops"] * 1e9)
    t_solve = res["hines_P1"]["solve_ns_per_node"] * 1e-9
    out["solve_latency_plus_system_pass_at_scalar_rate"] = cs(1.0 / (t_solve + t_sys))
    measured = dict(BENCH_COMP_STEPS_PER_S)
    if "ranvier_P1_here" in res:
        measured["P1_integrate_here"] = res["ranvier_P1_here"]["integrate_comp_steps_per_s"]
        measured["P1_run_here"] = res["ranvier_P1_here"]["run_comp_steps_per_s"]
    frac = {k: {lim: val / cap for lim, cap in out.items()} for k, val in measured.items()}
    return {"comp_steps_per_s": out, "measured_comp_steps_per_s": measured, "fraction_of_ceiling": frac}


def report(res: dict) -> None:
    m = res["machine"]
    print(f"\n{m['cpu_model']}, {m['nproc']} CPUs, caches {m['caches']}, load {m['loadavg_start'][0]:.2f}")
    print("\nbandwidth, one thread, triad (GB/s, 24 B/element; with write-allocate 32 B/element):")
    for k, b in res["bandwidth"].items():
        print(f"  {k:5s} 3 x {b['array_KiB']:9.0f} KiB: {b['GBps_stream_24B']:7.1f}  "
              f"({b['GBps_with_write_allocate_32B']:.1f})")
    f = res["flops"]
    print(f"\narithmetic, one thread: scalar mul+add {f['scalar_mul_add_Gflops']:.1f} Gflop/s, scalar FMA "
          f"{f['scalar_fma_Gflops']:.1f}, vector FMA {f['vector_fma_Gflops']:.1f} ({f['vector_isa']})")
    la = res["latency"]
    print(f"\nlatency: 1/d -> *o -> *o -> d0 - : {la['div_mul_mul_sub_ns']:.2f} ns "
          f"({la['div_mul_mul_sub_cycles']:.1f} cycles at ~{la['clock_GHz_estimate']:.2f} GHz); without the divide "
          f"{la['mul_mul_sub_ns']:.2f} ns ({la['mul_mul_sub_cycles']:.1f} cycles); d0 - o2/d "
          f"{la['div_sub_ns']:.2f} ns ({la['div_sub_cycles']:.1f} cycles); two independent chains "
          f"{la['two_chains_div_mul_mul_sub_ns_per_node']:.2f} ns per node")
    h = res["hines_P1"]
    print(f"ranvier's Hines solve on P1's {h['n_nodes']} nodes: {h['solve_ns_per_node']:.2f} ns per node "
          f"(elimination {h['elimination_ns_per_node']:.2f} + back-substitution "
          f"{h['back_substitution_ns_per_node']:.2f}; "
          f"resetting diag/rhs {h['reset_ns_per_node']:.2f} ns/node subtracted)")
    c = res["count_P1"]
    print(f"\nper node per step (P1, {c['nodes']} nodes, {c['gated_channels']} gated channels, {c['gates']} gates): "
          f"{c['flops_per_node']:.1f} flops ({c['divides_per_node']:.0f} divide), "
          f"{c['loads_per_node']:.1f} loads + {c['stores_per_node']:.1f} stores = "
          f"{c['reference_bytes_per_node']:.0f} B referenced, {c['distinct_bytes_per_node']:.0f} B distinct "
          f"({c['distinct_bytes_per_node_table_cached']:.0f} B "
          "without the table)")
    ws = res["working_set_KiB"]
    print(f"working set: P1 cell {ws['P1_cell']:.0f} KiB, P3 cell {ws['P3_cell']:.0f} KiB, "
          f"+ rate tables {ws['table_all_rows']:.0f} KiB (only rows near the visited voltages are touched)")
    if "ranvier_P1_here" in res:
        r = res["ranvier_P1_here"]
        print(f"\nranvier P1 here: integrate {r['integrate_s']:.4f} s "
              f"({r['integrate_comp_steps_per_s']:.3g} comp-steps/s, "
              f"{r['integrate_ns_per_node_step']:.1f} ns per node-step), Simulation.run {r['run_s']:.4f} s "
              f"({r['run_comp_steps_per_s']:.3g}); of the {r['integrate_ns_per_node_step']:.1f} ns, the solve above is "
              f"{h['solve_ns_per_node']:.1f} and the system pass (gates, conductances, diag/rhs) about "
              f"{r['integrate_ns_per_node_step'] - h['solve_ns_per_node']:.1f}")
    ce = res["ceilings"]
    cols = "  ".join(f"{k:>18s}" for k in ce["measured_comp_steps_per_s"])
    print(f"\n{'ceiling (compartment-steps/s)':58s}{cols}")
    for lim, cap in ce["comp_steps_per_s"].items():
        fr = "  ".join(f"{ce['fraction_of_ceiling'][k][lim]:18.2f}" for k in ce["measured_comp_steps_per_s"])
        print(f"  {lim:46s} {cap:10.3g}  {fr}")
    print("  (columns: ranvier's throughput / ceiling)")


if __name__ == "__main__":
    sys.exit(main())
