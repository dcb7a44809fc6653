"""HH-style NMODL density mechanisms (.mod files) as ranvier channels, with no compile step.

Parser: a grammar of the HH subset of NMODL (``nmodl_grammar.lark`` beside this file)
run by `lark` (pure Python, maintained, one small wheel). Why not the others: the
standalone ``nmodl`` package (Blue Brain) parses all of NMODL but is a large compiled
wheel that pulls in sympy; NEURON's wheel compiles .mod files with ``nocmodl`` to C and
exposes no parse tree to Python. The subset here is what HH-style files use; what it
does not cover is refused by name (block and line) before parsing.

How a file becomes channels, with no symbolic algebra:

1. The parse tree is *run* by a small vectorised interpreter (:class:`_Interp`) over a
   grid of voltages, exactly as NEURON runs the file: PROCEDUREs, FUNCTIONs, LOCALs,
   ``if``/``else`` (evaluated on both branches and merged by the condition), ``exp``,
   ``fabs`` and friends, PARAMETER defaults, ``celsius``.
2. Each STATE's ODE in the DERIVATIVE block is linear in the state, x' = A(v) + B(v) x,
   so A and B are read off at x = 0 and 1 (and linearity checked at x = 1/2). Then
   alpha = A and beta = -(A + B) (equivalently inf = -A/B, tau = -1/B), whichever way the
   file wrote it (``(xinf - x)/xtau`` or ``alpha*(1 - x) - beta*x``).
3. The temperature factor is found by running at two temperatures: every rate must
   scale by one factor q10 ** (dT/10) (else the file is refused).
4. alpha(v) and beta(v), or inf(v) and tau(v), are matched to ranvier's rate forms
   (Exp, Sigmoid, Linoid, Constant) by fitting and then checking the fit to 1e-9
   relative over -120..+80 mV. A rate that fits no form is refused for now with
   the gate named: expression rates arrive with the modelling-language issue 12, and
   this is the one place where they plug in (:func:`_match_form` returns None).
5. The BREAKPOINT currents are run with the states set to 1 and to 1/2, giving each
   current's conductance (S/cm2), its gates and their powers, and its reversal (a
   READ ion reversal -> the cell's; a fixed value -> ``e_rev_mV``).

Refused with file, block and line: KINETIC, NET_RECEIVE, POINT_PROCESS, POINTER,
VERBATIM, LINEAR, NONLINEAR, FUNCTION_TABLE and other blocks outside the subset,
SOLVE methods other than cnexp/derivimplicit/euler, non-ohmic currents, concentration
gates, rates depending on t. TABLE statements are accepted and ignored: ranvier
evaluates the rates exactly (NEURON's TABLE interpolates them on a 1 mV grid).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ranvier.errors import RanvierError

GRAMMAR = Path(__file__).with_name("nmodl_grammar.lark")

UNSUPPORTED = {
    "KINETIC": "a kinetic scheme (needs the kinetic-scheme declarations of issue 12)",
    "NET_RECEIVE": "an event handler (needs the event synapses of issue 12)",
    "POINT_PROCESS": "a point process (ranvier imports density mechanisms)",
    "ARTIFICIAL_CELL": "an artificial cell",
    "POINTER": "a POINTER to another mechanism's variable",
    "BBCOREPOINTER": "a POINTER to another mechanism's variable",
    "VERBATIM": "C code in a VERBATIM block",
    "LINEAR": "a LINEAR block",
    "NONLINEAR": "a NONLINEAR block",
    "FUNCTION_TABLE": "a FUNCTION_TABLE",
    "DISCRETE": "a DISCRETE block",
    "PARTIAL": "a PARTIAL block",
    "BEFORE": "a BEFORE block",
    "AFTER": "an AFTER block",
    "WATCH": "a WATCH statement",
    "NET_SEND": "a NET_SEND statement",
    "CONSERVE": "a CONSERVE statement",
    "COMPARTMENT": "a COMPARTMENT statement (diffusion)",
    "LONGITUDINAL_DIFFUSION": "longitudinal diffusion",
    "ELECTRODE_CURRENT": "an electrode current",
}
SOLVE_METHODS = ("cnexp", "derivimplicit", "euler")
V_GRID_MV = np.linspace(-120.0, 80.0, 401) + math.pi / 1000.0  # off round numbers: files guard v == -38 etc.
FIT_RTOL = 1e-9

_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        try:
            import lark
        except ImportError:
            raise RanvierError(
                "reading .mod files needs lark; install it with: pip install 'ranvier[interop]' (or pip install lark)"
            ) from None
        _PARSER = lark.Lark(GRAMMAR.read_text(), parser="lalr", lexer="contextual", propagate_positions=True)
    return _PARSER


class NmodlError(RanvierError):
    """A .mod file that ranvier cannot (yet) import; the message names file, block and line."""


def _strip_comments(text: str) -> str:
    """Blank out COMMENT ... ENDCOMMENT and TITLE lines, keeping line numbers."""
    out = re.sub(r"\bCOMMENT\b.*?\bENDCOMMENT\b", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"^[ \t]*TITLE[^\n]*", "", out, flags=re.M)


def _refuse_unsupported(name: str, text: str) -> None:
    for lineno, line in enumerate(text.splitlines(), start=1):
        code = re.split(r"[:?]", line, maxsplit=1)[0]
        for word in re.findall(r"\b[A-Z_]+\b", code):
            if word in UNSUPPORTED:
                raise NmodlError(
                    f"{name}, line {lineno}: {word} is {UNSUPPORTED[word]}, which ranvier does not import; "
                    "only HH-style density mechanisms are supported"
                )


def parse_nmodl(path: str | os.PathLike):
    """Parse a .mod file to a lark tree; unsupported blocks and syntax errors raise :class:`NmodlError`."""
    p = Path(path)
    if not p.is_file():
        raise RanvierError(f"no .mod file at {str(p)!r}")
    name = str(p)
    try:
        raw = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raw = p.read_text(encoding="latin-1")
    text = _strip_comments(raw)
    _refuse_unsupported(name, text)
    import lark

    try:
        return _parser().parse(text)
    except lark.exceptions.UnexpectedInput as e:
        line = text.splitlines()[e.line - 1] if 0 < e.line <= len(text.splitlines()) else ""
        block = _enclosing_block(text, e.line)
        raise NmodlError(
            f"{name}, line {e.line}, column {e.column}{block}: syntax error (or a construct outside the HH subset) "
            f"at {line.strip()!r}"
        ) from None


def _enclosing_block(text: str, line: int) -> str:
    blocks = r"\b(NEURON|UNITS|PARAMETER|ASSIGNED|STATE|INITIAL|BREAKPOINT|DERIVATIVE|PROCEDURE|FUNCTION|CONSTANT|INDEPENDENT)\b"
    last = ""
    for i, ln in enumerate(text.splitlines()[:line], start=1):
        m = re.match(r"\s*" + blocks + r"\s*(\w*)", ln)
        if m:
            last = f" in {m.group(1)}{' ' + m.group(2) if m.group(2) else ''} (from line {i})"
    return last


# -- the file's declarations ----------------------------------------------------------------
@dataclass
class ModFile:
    path: str
    suffix: str = ""
    useion: dict = field(default_factory=dict)  # ion -> (read names, write names)
    nonspecific: list = field(default_factory=list)
    params: dict = field(default_factory=dict)
    assigned: list = field(default_factory=list)
    states: list = field(default_factory=list)
    procedures: dict = field(default_factory=dict)  # name -> (param names, block tree, line)
    functions: dict = field(default_factory=dict)
    derivative: dict = field(default_factory=dict)  # name -> block
    breakpoint: object = None
    breakpoint_line: int = 0
    solve: tuple = ("", "")


def _names(tree) -> list[str]:
    return [str(t) for t in tree.children]


def _read(tree, path: str) -> ModFile:
    mf = ModFile(path)
    for blk in tree.children:
        if not hasattr(blk, "data"):
            continue
        kind = blk.data
        if kind == "neuron_blk":
            for st in blk.children:
                if st.data == "suffix":
                    mf.suffix = str(st.children[0])
                elif st.data == "useion":
                    ion = str(st.children[0])
                    read = [str(n) for c in st.children if getattr(c, "data", None) == "read_list" for n in c.children]
                    write = [str(n) for c in st.children if getattr(c, "data", None) == "write_list" for n in c.children]
                    mf.useion[ion] = (read, write)
                elif st.data == "nonspecific":
                    mf.nonspecific += _names(st.children[0])
        elif kind == "parameter_blk" or kind == "constant_blk":
            for d in blk.children:
                if d.data == "decl":
                    nm = str(d.children[0])
                    val = next((c for c in d.children[1:] if getattr(c, "data", None) in ("signed_number", "negative_number")), None)
                    if val is not None:
                        mf.params[nm] = _signed(val)
                    else:
                        mf.params.setdefault(nm, None)
        elif kind == "assigned_blk":
            mf.assigned += [str(d.children[0]) for d in blk.children]
        elif kind == "state_blk":
            mf.states += [str(d.children[0]) for d in blk.children]
        elif kind in ("procedure_blk", "function_blk"):
            nm = str(blk.children[0])
            params = next((c for c in blk.children if hasattr(c, "data") and c.data == "params"), None)
            pnames = [str(p.children[0]) for p in params.children] if params is not None else []
            body = blk.children[-1]
            target = mf.procedures if kind == "procedure_blk" else mf.functions
            target[nm] = (pnames, body, blk.meta.line)
        elif kind == "derivative_blk":
            mf.derivative[str(blk.children[0])] = (blk.children[1], blk.meta.line)
        elif kind == "breakpoint_blk":
            mf.breakpoint = blk.children[0]
            mf.breakpoint_line = blk.meta.line
            for st in blk.children[0].children:
                if hasattr(st, "data") and st.data == "solve":
                    method = str(st.children[1]) if len(st.children) > 1 else ""
                    mf.solve = (str(st.children[0]), method)
    return mf


def _signed(tree) -> float:
    val = float(tree.children[-1])
    return -val if tree.data == "negative_number" else val


# -- a vectorised interpreter of the parse tree -----------------------------------------------
MATH = {
    "exp": np.exp, "log": np.log, "log10": np.log10, "sqrt": np.sqrt, "fabs": np.abs, "abs": np.abs,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "tanh": np.tanh, "floor": np.floor, "ceil": np.ceil,
    "pow": np.power, "expm1": np.expm1,
    "exprelr": lambda x: np.where(np.abs(x) < 1e-8, 1.0 - x / 2.0, x / np.expm1(np.where(x == 0, 1.0, x))),
}


class _Return(Exception):
    pass


class _Interp:
    def __init__(self, mf: ModFile, env: dict):
        self.mf = mf
        self.g = env  # the mechanism's variables (PARAMETER, ASSIGNED, STATE, v, celsius, ...)

    def where(self, tree) -> str:
        line = getattr(tree.meta, "line", None) if hasattr(tree, "meta") else None
        return f"{self.mf.path}, line {line}" if line else self.mf.path

    def expr(self, t, loc):
        d = t.data if hasattr(t, "data") else None
        if d == "number":
            return float(t.children[0])
        if d == "var":
            nm = str(t.children[0])
            if nm in loc:
                return loc[nm]
            if nm in self.g:
                if self.g[nm] is None:
                    raise NmodlError(f"{self.where(t)}: {nm} is used before it has a value")
                return self.g[nm]
            if nm in ("t", "dt"):
                raise NmodlError(f"{self.where(t)}: the rates depend on {nm}; ranvier rates are functions of v only")
            raise NmodlError(f"{self.where(t)}: unknown name {nm!r} (not a PARAMETER, ASSIGNED, STATE or LOCAL)")
        if d == "call":
            nm = str(t.children[0])
            args = [self.expr(a, loc) for a in t.children[1].children] if len(t.children) > 1 else []
            if nm in MATH:
                with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                    return MATH[nm](*args)
            if nm in self.mf.functions:
                return self.call(nm, args, self.mf.functions, t)
            if nm in self.mf.procedures:
                raise NmodlError(f"{self.where(t)}: PROCEDURE {nm} is used as a value")
            raise NmodlError(f"{self.where(t)}: unknown function {nm!r}")
        a = [self.expr(c, loc) for c in t.children]
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            if d == "add":
                return a[0] + a[1]
            if d == "sub":
                return a[0] - a[1]
            if d == "mul":
                return a[0] * a[1]
            if d == "div":
                return a[0] / a[1]
            if d == "pow":
                return np.power(a[0], a[1])
            if d == "neg":
                return -a[0]
            if d == "not_":
                return np.logical_not(a[0])
            if d in ("lt", "gt", "le", "ge", "eq", "ne"):
                op = {"lt": np.less, "gt": np.greater, "le": np.less_equal, "ge": np.greater_equal,
                      "eq": np.equal, "ne": np.not_equal}[d]
                return op(a[0], a[1])
            if d == "and_":
                return np.logical_and(a[0], a[1])
            if d == "or_":
                return np.logical_or(a[0], a[1])
            if d == "unary":
                return a[0]
        raise NmodlError(f"{self.where(t)}: expression {d!r} is outside the HH subset")

    def call(self, nm, args, table, t):
        pnames, body, line = table[nm]
        if len(args) != len(pnames):
            raise NmodlError(f"{self.where(t)}: {nm} takes {len(pnames)} argument(s), got {len(args)}")
        loc = dict(zip(pnames, args))
        if table is self.mf.functions:
            loc[nm] = 0.0
        self.block(body, loc)
        return loc.get(nm)

    def block(self, blk, loc):
        for st in blk.children:
            self.stmt(st, loc)

    def stmt(self, st, loc):
        d = st.data if hasattr(st, "data") else None
        if d is None:  # UNITSOFF / UNITSON tokens
            return
        if d == "local":
            for nm in _names(st.children[0]):
                loc[nm] = 0.0
        elif d in ("table", "solve", "conductance"):
            return
        elif d == "assign":
            nm = str(st.children[0])
            val = self.expr(st.children[1], loc)
            if nm in loc:
                loc[nm] = val
            else:
                self.g[nm] = val
        elif d == "derivative":
            self.g["__d_" + str(st.children[0])] = self.expr(st.children[1], loc)
        elif d == "call_stmt":
            nm = str(st.children[0])
            args = [self.expr(a, loc) for a in st.children[1].children] if len(st.children) > 1 else []
            if nm in self.mf.procedures:
                self.call(nm, args, self.mf.procedures, st)
            elif nm in self.mf.functions:
                self.call(nm, args, self.mf.functions, st)
            else:
                raise NmodlError(f"{self.where(st)}: call of unknown PROCEDURE {nm!r}")
        elif d in ("if_", "if_stmt"):
            cond = np.asarray(self.expr(st.children[0], loc), dtype=bool)
            then_loc, then_g = dict(loc), dict(self.g)
            saved = self.g
            self.g = then_g
            self.block(st.children[1], then_loc)
            self.g = dict(saved)
            else_loc = dict(loc)
            if len(st.children) > 2:
                other = st.children[2]
                if other.data == "block":
                    self.block(other, else_loc)
                else:
                    self.stmt(other, else_loc)
            else_g = self.g
            self.g = saved
            for nm in set(then_loc) | set(else_loc):
                if nm in loc or (nm in then_loc and nm in else_loc):
                    loc[nm] = np.where(cond, then_loc.get(nm, 0.0), else_loc.get(nm, 0.0))
            for nm in set(then_g) | set(else_g):
                a, b = then_g.get(nm), else_g.get(nm)
                if a is not None and b is not None and (a is not saved.get(nm) or b is not saved.get(nm)):
                    saved[nm] = np.where(cond, a, b)
        else:
            raise NmodlError(f"{self.where(st)}: statement {d!r} is outside the HH subset")


# -- from a run of the file to rate forms ------------------------------------------------------
def _match_form(f: np.ndarray, v: np.ndarray, ref: np.ndarray | None = None):
    """The rate form (Exp, Sigmoid, Linoid, Constant) equal to samples ``f`` of a rate at ``v`` (mV), or None.

    Equal means within 1e-9 of ``f`` relative, plus 1e-12 of ``ref`` (the gate's total rate
    alpha + beta, where a file's own arithmetic, e.g. (xinf - 1)/xtau, cancels digits of a rate
    that is negligible beside the other). None means the rate needs an expression or
    tabulated form (issue 12): the caller refuses the gate for now, naming it.
    """
    from scipy.optimize import least_squares

    from ranvier.mechanisms.forms import Constant, Exp, Linoid, Sigmoid

    f = np.asarray(f, dtype=float)
    if not np.all(np.isfinite(f)) or np.any(f < 0):
        return None
    scale = np.max(np.abs(f))
    if scale == 0:
        return Constant(0.0)

    floor = 1e-12 * (np.abs(ref) if ref is not None else scale) + 1e-15 * scale

    def ok(form) -> bool:
        g = form(v)
        return bool(np.all(np.abs(g - f) <= FIT_RTOL * np.abs(f) + floor))

    if np.max(f) - np.min(f) <= FIT_RTOL * scale:
        return Constant(float(np.mean(f)))
    if np.all(f > 0):
        w = f / (f + 1e3 * floor)  # weights: trust the samples that are not lost in the floor
        c1, c0 = np.polyfit(v, np.log(f), 1, w=w)
        if c1 != 0:
            cand = Exp(float(math.exp(c0)), 0.0, float(1.0 / c1))
            if ok(cand):
                return cand
    # Sigmoid and Linoid are strictly monotonic: anything else (a bell-shaped time constant) is neither
    d = np.diff(f)
    if not (np.all(d >= -floor[1:] if np.ndim(floor) else d >= -floor) or
            np.all(d <= (floor[1:] if np.ndim(floor) else floor))):
        return None
    rising = f[-1] > f[0]
    # Sigmoid in closed form: 1/f = (1 + exp(-(v - m)/s))/r is a constant plus an exponential,
    # fixed by three equally spaced samples where f is well above the floor
    good = np.flatnonzero(f > 1e-6 * scale)
    if good.size >= 3:
        i0, i2 = good[0], good[-1]
        i1 = (i0 + i2) // 2
        i2 = 2 * i1 - i0
        y0, y1, y2 = 1 / f[i0], 1 / f[i1], 1 / f[i2]
        with np.errstate(all="ignore"):
            q = (y2 - y1) / (y1 - y0)
            if q > 0 and q != 1:
                h = v[i1] - v[i0]
                sc = -h / math.log(q)
                b = (y1 - y0) / (q - 1)  # times exp(-v[i0]/s)
                a = y0 - b
                if a > 0 and b > 0:
                    r = 1 / a
                    m = v[i0] + sc * math.log(b / a)
                    try:
                        cand = Sigmoid(float(r), float(m), float(sc))
                        if ok(cand):
                            return cand
                    except RanvierError:
                        pass
    # a Linoid's midpoint m is where f(m + u) - f(m - u) = r u / s is linear in u (L(x) - L(-x) = x
    # for L(x) = x / (1 - exp(-x))); the slope c = r/s and f(m) = r then give the rest
    starts: list[tuple[type, float, float, float]] = []
    from scipy.optimize import minimize_scalar

    def bend(m):
        u = np.linspace(0.0, min(m - v[0], v[-1] - m), 41)[1:]
        if u.size < 2 or u[-1] < 5.0:
            return 1e9
        d = np.interp(m + u, v, f) - np.interp(m - u, v, f)
        slope = np.dot(u, d) / np.dot(u, u)
        return float(np.sum((d - slope * u) ** 2) / (np.sum(d**2) + 1e-300))

    m_est = float(minimize_scalar(bend, bounds=(v[0] + 10.0, v[-1] - 10.0), method="bounded",
                                  options={"xatol": 1e-3}).x)
    u = np.linspace(0.5, min(m_est - v[0], v[-1] - m_est), 40)
    d = np.interp(m_est + u, v, f) - np.interp(m_est - u, v, f)
    c = float(np.dot(u, d) / np.dot(u, u))
    r_est = float(np.interp(m_est, v, f))
    if c != 0 and r_est > 0:
        starts.append((Linoid, r_est, m_est, r_est / c))
    # otherwise least squares on the relative error from a few starting points,
    # stopping at the first fit that passes the check
    for cls in (Sigmoid, Linoid):
        starts += [(cls, float("nan"), m0, s0) for m0 in (-40.0, -70.0, -10.0, 20.0)
                   for s0 in ((10.0, 4.0) if rising else (-10.0, -4.0))]
    for cls, r_start, m0, s0 in starts:
        r0 = r_start if r_start == r_start else (float(np.interp(m0, v, f)) or scale)
        if cls is Sigmoid and r_start != r_start:
            r0 = 2.0 * r0

        def resid(p, cls=cls):
            r, m, s = p
            if s == 0:
                return np.full_like(f, 1e6)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                x = (v - m) / s
                if cls is Sigmoid:
                    g = r / (1.0 + np.exp(-x))
                else:
                    small = np.abs(x) < 1e-6
                    xs = np.where(small, 1.0, x)
                    g = r * np.where(small, 1.0 + x / 2, xs / -np.expm1(-xs))
            out = (g - f) / (np.abs(f) + 1e3 * floor)
            return np.where(np.isfinite(out), out, 1e6)

        sol = least_squares(resid, [r0, m0, s0], xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=100)
        r, m, s = (float(x) for x in sol.x)
        if not (r > 0 and s != 0 and np.all(np.isfinite(sol.x))) or np.max(np.abs(sol.fun)) > 1e-6:
            continue
        try:
            form = cls(r, m, s)
        except RanvierError:
            continue
        if ok(form):
            return form
    return None


def _run(mf: ModFile, v: np.ndarray, celsius: float, states: dict, ions: dict) -> tuple[_Interp, dict]:
    env: dict = {k: (np.asarray(val, float) if val is not None else None) for k, val in mf.params.items()}
    for nm in mf.assigned:
        env.setdefault(nm, None)
    env["v"] = v
    env["celsius"] = celsius
    for ion, (read, write) in mf.useion.items():
        for nm in read:
            env[nm] = ions.get(nm, 0.0)
    env.update(states)
    return _Interp(mf, env), env


def channels_from_nmodl(path: str | os.PathLike, *, celsius_degC: float | None = None, name: str | None = None):
    """The channels an HH-style .mod file declares: one :class:`Channel` per current it writes.

    Parameters
    ----------
    path : path
        The .mod file.
    celsius_degC : float or None
        Only for files whose *conductance* (not only their rates) scales with temperature
        (e.g. ``gna = tadj*gbar*...``): the temperature at which to fix it (degC).
    name : str or None
        Prefix of the channel names; default the file's SUFFIX.

    Returns
    -------
    tuple of Channel
        Named ``{suffix}_{ion}`` ("hh_na", "hh_k") and ``{suffix}_{current}`` for a
        NONSPECIFIC_CURRENT ("hh_il"), with gates named as the file's STATEs.
    """
    from ranvier.mechanisms.channel import Channel

    pth = str(Path(path))
    tree = parse_nmodl(path)
    mf = _read(tree, pth)
    if not mf.suffix:
        raise NmodlError(f"{pth}: the NEURON block has no SUFFIX; ranvier imports density mechanisms (SUFFIX ...)")
    if mf.breakpoint is None:
        raise NmodlError(f"{pth}: the file has no BREAKPOINT block, so it declares no current")
    if mf.states:
        sname, method = mf.solve
        if not sname:
            raise NmodlError(f"{pth}, line {mf.breakpoint_line}: BREAKPOINT has no SOLVE, but the file has STATEs {mf.states}")
        if sname not in mf.derivative:
            raise NmodlError(
                f"{pth}, line {mf.breakpoint_line}: BREAKPOINT solves {sname!r}, which is not a DERIVATIVE block "
                f"(DERIVATIVE blocks: {sorted(mf.derivative) or 'none'})"
            )
        if method not in SOLVE_METHODS:
            raise NmodlError(
                f"{pth}, line {mf.breakpoint_line}: SOLVE {sname} METHOD {method or '(none)'} is not supported; "
                f"use one of {SOLVE_METHODS}"
            )
    prefix = name or mf.suffix
    v = V_GRID_MV
    ions = {f"e{ion}": 0.0 for ion in mf.useion}

    def rates_at(celsius: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        out = {}
        if not mf.states:
            return out
        body, line = mf.derivative[mf.solve[0]]
        results = []
        for x in (0.0, 1.0, 0.5):
            it, env = _run(mf, v, celsius, {s: np.full_like(v, x) for s in mf.states}, ions)
            it.block(body, {})
            results.append({s: np.broadcast_to(np.asarray(env.get("__d_" + s, np.nan), float), v.shape)
                            for s in mf.states})
            if any("__d_" + s not in it.g for s in mf.states):
                missing = [s for s in mf.states if "__d_" + s not in it.g]
                raise NmodlError(f"{pth}, line {line}: DERIVATIVE {mf.solve[0]} gives no equation for STATE {missing}")
            results[-1] = {s: np.broadcast_to(np.asarray(it.g["__d_" + s], float), v.shape) for s in mf.states}
        for s in mf.states:
            a = results[0][s]
            b = results[1][s] - a
            half = a + 0.5 * b
            if not np.allclose(results[2][s], half, rtol=1e-9, atol=1e-12):
                raise NmodlError(
                    f"{pth}, line {line}: the equation of STATE {s} is not linear in {s}; "
                    "an HH gate is x' = (xinf - x)/xtau or alpha*(1 - x) - beta*x"
                )
            out[s] = (a, -results[1][s])  # x' at x = 1 is -beta, without the cancellation of -(A + B)
        return out

    t_ref = _reference_temperature(mf, pth)
    r0 = rates_at(t_ref)
    r1 = rates_at(t_ref + 10.0)
    q10 = None
    for s, (alpha, beta) in r0.items():
        a1, b1 = r1[s]
        tot0, tot1 = alpha + beta, a1 + b1
        ratio = tot1 / tot0
        inf0, inf1 = alpha / tot0, a1 / tot1
        if not (np.allclose(ratio, ratio[0], rtol=1e-9) and np.allclose(inf0, inf1, rtol=1e-9, atol=1e-12)):
            raise NmodlError(
                f"{pth}: the rates of STATE {s} do not scale with temperature by one factor q10^((T - T0)/10); "
                "ranvier channels have one Q10 per channel"
            )
        if q10 is not None and not math.isclose(q10, ratio[0], rel_tol=1e-9):
            raise NmodlError(f"{pth}: STATE {s} scales with temperature by {ratio[0]:g} per 10 degC, others by {q10:g}")
        q10 = float(ratio[0])
    # currents: which states each current uses, with what power, and its conductance and reversal
    currents = [(ion, f"i{ion}") for ion, (read, write) in mf.useion.items() if f"i{ion}" in write]
    currents += [("nonspecific", nm) for nm in mf.nonspecific]
    if not currents:
        raise NmodlError(f"{pth}: the file writes no current (no USEION ... WRITE i<ion>, no NONSPECIFIC_CURRENT)")

    def current(nm: str, vv, states: dict, celsius: float, erev: float = 0.0):
        loc_ions = {f"e{ion}": erev for ion in mf.useion}
        it, env = _run(mf, np.asarray(vv, float), celsius, states, loc_ions)
        body = mf.breakpoint
        for st in body.children:
            if hasattr(st, "data") and st.data == "solve":
                continue
            it.stmt(st, {})
        val = it.g.get(nm)
        if val is None:
            raise NmodlError(f"{pth}, line {mf.breakpoint_line}: BREAKPOINT does not assign the current {nm}")
        return np.asarray(val, float)

    ones = {s: 1.0 for s in mf.states}
    chans = []
    for ion, nm in currents:
        g1 = current(nm, 1.0, ones, t_ref) - current(nm, 0.0, ones, t_ref)
        g_other_t = current(nm, 1.0, ones, t_ref + 10.0) - current(nm, 0.0, ones, t_ref + 10.0)
        g = float(g1)
        if not math.isclose(float(g_other_t), g, rel_tol=1e-9):
            if celsius_degC is None:
                raise NmodlError(
                    f"{pth}, line {mf.breakpoint_line}: the conductance of {nm} changes with temperature "
                    f"(x{float(g_other_t) / g:.4g} per 10 degC), not only its rates; give celsius_degC= to fix it at "
                    "the temperature you simulate"
                )
            g = float(current(nm, 1.0, ones, celsius_degC) - current(nm, 0.0, ones, celsius_degC))
        # ohmic check: i linear in v at fixed states
        vv = np.array([-80.0, -20.0, 40.0])
        iv = current(nm, vv, ones, t_ref)
        if not np.allclose(np.diff(iv) / np.diff(vv), g, rtol=1e-9, atol=1e-15):
            raise NmodlError(
                f"{pth}, line {mf.breakpoint_line}: the current {nm} is not ohmic (g (v - e)) at fixed gates; "
                "GHK and other non-ohmic currents are not imported yet"
            )
        gates = []
        for s in mf.states:
            st = dict(ones)
            st[s] = 0.5
            ratio = float((current(nm, 1.0, st, t_ref) - current(nm, 0.0, st, t_ref)) / g1) if g1 else 1.0
            if math.isclose(ratio, 1.0, rel_tol=1e-12):
                continue
            p = -math.log2(ratio) if ratio > 0 else float("nan")
            if not (p > 0 and math.isclose(p, round(p), abs_tol=1e-9)):
                raise NmodlError(
                    f"{pth}, line {mf.breakpoint_line}: the current {nm} depends on STATE {s} other than as "
                    f"{s}^power (halving {s} scales it by {ratio:g})"
                )
            gates.append((s, int(round(p))))
        # reversal: the zero-current voltage, and whether it follows the ion's READ reversal
        e1 = float(-current(nm, 0.0, ones, t_ref, erev=10.0) / g1) if g1 else 0.0
        e2 = float(-current(nm, 0.0, ones, t_ref, erev=20.0) / g1) if g1 else 0.0
        follows = ion != "nonspecific" and math.isclose(e2 - e1, 10.0, rel_tol=1e-9)
        if not follows and not math.isclose(e1, e2, abs_tol=1e-9):
            raise NmodlError(f"{pth}: the reversal of {nm} depends on the ion's reversal in a way ranvier cannot map")
        gate_objs = []
        for s, p in gates:
            alpha, beta = r0[s]
            gate_objs.append(_gate(pth, s, p, alpha, beta, v))
        cname = f"{prefix}_{ion}" if ion != "nonspecific" else f"{prefix}_{nm}"
        chans.append(Channel(
            name=cname,
            ion=ion,
            gbar_S_cm2=g,
            gates=tuple(gate_objs),
            e_rev_mV=None if follows else e1,
            q10=q10 if (q10 is not None and gates) else 1.0,
            reference_temp_degC=t_ref,
            citation=f"imported from {Path(pth).name} (SUFFIX {mf.suffix}) by ranvier.interop.nmodl",
        ))
    return tuple(chans)


def _gate(pth: str, s: str, power: int, alpha: np.ndarray, beta: np.ndarray, v: np.ndarray):
    from ranvier.mechanisms.channel import Gate

    tot = alpha + beta
    fa, fb = _match_form(alpha, v, tot), _match_form(beta, v, tot)
    if fa is not None and fb is not None and (fa.params[0] + fb.params[0]) > 0:
        return Gate(s, power, alpha=fa, beta=fb)
    fi, ft = _match_form(alpha / tot, v), _match_form(1.0 / tot, v)
    if fi is not None and ft is not None and ft.params[0] > 0:
        return Gate(s, power, inf=fi, tau=ft)
    raise NmodlError(
        f"{pth}: the rates of STATE {s} fit none of ranvier's rate forms (Exp, Sigmoid, Linoid, Constant) "
        "as alpha/beta or as inf/tau; expression rates need the modelling-language issue 12"
    )


def _reference_temperature(mf: ModFile, pth: str) -> float:
    """The temperature at which the file's rates are as written: a ``celsius - T0`` in the source, else 6.3 degC."""
    text = _strip_comments(Path(pth).read_text(encoding="utf-8", errors="replace"))
    m = re.search(r"celsius\s*-\s*([A-Za-z_]\w*|[0-9.]+)", text)
    if m:
        tok = m.group(1)
        if re.fullmatch(r"[0-9.]+", tok):
            return float(tok)
        if mf.params.get(tok) is not None:
            return float(mf.params[tok])
    if mf.params.get("celsius") is not None:
        return float(mf.params["celsius"])
    return 6.3
