"""Reconstructed morphologies from SWC files: checked line by line, read with MorphIO, cut into sections.

SWC (Cannon et al. 1998, J Neurosci Methods 84:49, doi:10.1016/S0165-0270(98)00091-0;
the NeuroMorpho.Org standardised form, Ascoli et al. 2007, J Neurosci 27:9247,
doi:10.1523/JNEUROSCI.2055-07.2007) lists points ``id type x y z radius parent``.
Types 1 soma, 2 axon, 3 basal dendrite, 4 apical dendrite, 5 and above custom.

What this module does, in order:

1. **Checks the text itself**, so that a broken file fails with its file name, line and
   problem rather than a message from deep inside a reader: wrong column count, a
   non-number, a duplicate id, a parent that is not in the file, a negative radius, a
   parent cycle. Fixable defects (zero radius, zero-length segments, neurites not
   attached to the soma, undefined types) are counted and reported as one
   :class:`SwcWarning` with the counts and first lines.
2. **Reads the points with MorphIO** (the reader of the Blue Brain Project,
   `morphio` on PyPI, optional extra ``interop``), which groups points into unbranched
   sections and recognises the soma forms of the standards: a single point (sphere), the
   NeuroMorpho three-point soma (a cylinder with length = diameter; Ascoli et al. 2007),
   a stack of cylinders, or a contour. The soma becomes one cylinder section of the
   area MorphIO computes for that soma form (``Soma.surface``), length = diameter.
3. **Cuts each neurite section into pieces** by a :class:`Discretization` rule (the
   d_lambda rule, a largest length, or both). Each piece becomes a one-compartment
   :class:`~ranvier.morphology.section.Section` whose length is the piece's path
   length and whose diameter gives the lateral area of the truncated cones it covers
   (area-preserving, as NEURON's segment area is). A piece is then exactly what a
   NEURON segment is for a section of 3-D points.

Names: the soma is ``soma``; the k-th neurite section of each group is ``axon[k]``,
``dend[k]`` (basal), ``apic[k]`` (apical) or ``custom<type>[k]``, numbered in
MorphIO's depth-first order. When a section is cut into several pieces they are named
``dend[3].0``, ``dend[3].1``, ... and all carry the tag ``dend[3]``, so
``Paint(channel, "dend[3]")`` still selects the whole section;
:meth:`SwcNeuron.site` turns (section, x) into the piece's :class:`~ranvier.site.Site`.
Tags: ``soma``; ``axon``; ``dend`` and ``basal``; ``apic`` and ``apical``;
``custom<type>``; and ``neurite`` on everything but the soma.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ranvier.errors import RanvierError
from ranvier.morphology.discretize import Discretization, lambda_ac_um
from ranvier.morphology.section import DEFAULT_CM_UF_CM2, DEFAULT_RA_OHM_CM, Section
from ranvier.morphology.tree import Morphology
from ranvier.site import Site


class SwcWarning(UserWarning):
    """A fixable defect of an SWC file (counted and fixed while reading)."""


GROUPS = {2: "axon", 3: "dend", 4: "apic"}
GROUP_TAGS = {"soma": ("soma",), "axon": ("axon", "neurite"), "dend": ("dend", "basal", "neurite"),
              "apic": ("apic", "apical", "neurite")}


def _group(swc_type: int) -> str:
    return GROUPS.get(swc_type, f"custom{swc_type}")


def _need_morphio():
    try:
        import morphio
    except ImportError:
        raise RanvierError(
            "reading SWC files needs MorphIO; install it with: pip install 'ranvier[interop]' (or pip install morphio)"
        ) from None
    return morphio


# -- 1. the text, line by line -------------------------------------------------------------
@dataclass
class SwcCheck:
    """What the line-by-line check of an SWC file found (before MorphIO reads it)."""

    path: str
    n_points: int = 0
    line_of: dict[int, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    first_lines: dict[str, list[int]] = field(default_factory=dict)

    def note(self, kind: str, line: int | None = None) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.first_lines.setdefault(kind, [])
        if line is not None and len(self.first_lines[kind]) < 5:
            self.first_lines[kind].append(line)

    def summary(self) -> str:
        parts = []
        for kind, n in self.counts.items():
            lines = ", ".join(str(x) for x in self.first_lines[kind])
            more = ", ..." if n > len(self.first_lines[kind]) else ""
            parts.append(f"{n} {kind}" + (f" (line {lines}{more})" if lines else ""))
        return "; ".join(parts)


FIX_ZERO_RADIUS = "point(s) with zero radius, given the radius of the nearest point with one"
FIX_ZERO_LENGTH = "zero-length segment(s) (a point repeating its parent's position), kept (they add no length)"
FIX_DETACHED = "neurite(s) starting without a parent (parent -1) besides the soma, attached to the soma"
FIX_NO_LENGTH = "section(s) of no length, given a length equal to their radius"
NOTE_INSIDE_SOMA = ("neurite(s) starting inside the soma (first point closer to the soma centre than its "
                    "radius), kept as drawn: that stretch adds area the soma already has")
FIX_UNDEFINED = "point(s) of type 0 (undefined), kept as group 'custom0'"


def check_swc_text(path: str | os.PathLike) -> SwcCheck:
    """Check an SWC file's text: raise :class:`RanvierError` naming file, line and problem; count fixable defects."""
    p = Path(path)
    if not p.is_file():
        raise RanvierError(f"no SWC file at {str(p)!r}")
    name = str(p)
    rows: dict[int, tuple[int, float, float, float, float, int]] = {}
    chk = SwcCheck(name)
    try:
        text = p.read_text(encoding="utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise RanvierError(f"{name}: not a text file (byte {e.start} is not UTF-8); an SWC file is plain text") from None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        cols = line.split()
        if len(cols) != 7:
            raise RanvierError(
                f"{name}, line {lineno}: an SWC point has 7 columns (id type x y z radius parent), "
                f"found {len(cols)}: {raw.strip()!r}" + (" (is the file truncated?)" if len(cols) < 7 else "")
            )
        try:
            pid, typ = int(cols[0]), int(cols[1])
            x, y, z, r = (float(c) for c in cols[2:6])
            parent = int(cols[6])
        except ValueError:
            raise RanvierError(
                f"{name}, line {lineno}: id, type and parent must be whole numbers and x, y, z, radius numbers, "
                f"got {raw.strip()!r}"
            ) from None
        if not all(math.isfinite(v) for v in (x, y, z, r)):
            raise RanvierError(f"{name}, line {lineno}: coordinates and radius must be finite, got {raw.strip()!r}")
        if pid in rows:
            raise RanvierError(
                f"{name}, line {lineno}: point id {pid} is used twice (first on line {chk.line_of[pid]}); ids must be unique"
            )
        if typ < 0:
            raise RanvierError(f"{name}, line {lineno}: point {pid} has type {typ}; SWC types are >= 0")
        if r < 0:
            raise RanvierError(f"{name}, line {lineno}: point {pid} has radius {r:g} um; a radius must be >= 0")
        if parent == pid:
            raise RanvierError(f"{name}, line {lineno}: point {pid} is its own parent (a cycle of one point)")
        rows[pid] = (typ, x, y, z, r, parent)
        chk.line_of[pid] = lineno
    if not rows:
        raise RanvierError(f"{name}: the file has no SWC points (only comments or blank lines)")
    chk.n_points = len(rows)
    roots = []
    for pid, (typ, x, y, z, r, parent) in rows.items():
        if parent < 0:
            roots.append(pid)
        elif parent not in rows:
            raise RanvierError(
                f"{name}, line {chk.line_of[pid]}: point {pid} names parent {parent}, which is not in the file "
                "(an unconnected point)"
            )
    # cycles: follow parents from every point, memoising points known to reach a root
    reaches_root: set[int] = set(roots)
    for start in rows:
        path_ids: list[int] = []
        seen: set[int] = set()
        pid = start
        while pid not in reaches_root:
            if pid in seen:
                loop = path_ids[path_ids.index(pid):] + [pid]
                where = ", ".join(f"{i} (line {chk.line_of[i]})" for i in loop[:-1])
                raise RanvierError(
                    f"{name}: the parents of points {where} form a cycle "
                    f"{' -> '.join(str(i) for i in loop)}; an SWC file is a tree"
                )
            seen.add(pid)
            path_ids.append(pid)
            pid = rows[pid][5]
        reaches_root.update(path_ids)
    if not roots:  # unreachable: every chain ends at a root or a cycle
        raise RanvierError(f"{name}: no point has parent -1, so the file has no root")
    soma_roots = [i for i in roots if rows[i][0] == 1]
    if soma_roots:
        for i in roots:
            if rows[i][0] != 1:
                chk.note(FIX_DETACHED, chk.line_of[i])
    elif len(roots) > 1:
        raise RanvierError(
            f"{name}: {len(roots)} points start a tree (parent -1) on lines "
            f"{', '.join(str(chk.line_of[i]) for i in roots[:5])} and there is no soma to join them; "
            "a neuron is one tree"
        )
    for pid, (typ, x, y, z, r, parent) in rows.items():
        if r == 0:
            chk.note(FIX_ZERO_RADIUS, chk.line_of[pid])
        if typ == 0:
            chk.note(FIX_UNDEFINED, chk.line_of[pid])
        if parent >= 0 and typ != 1:
            pt, px, py, pz = rows[parent][:4]
            if pt != 1 and (px, py, pz) == (x, y, z):
                chk.note(FIX_ZERO_LENGTH, chk.line_of[pid])
    return chk


# -- 2. reading with MorphIO --------------------------------------------------------------
@dataclass(frozen=True)
class SwcSection:
    """One unbranched neurite section of an SWC file (points in um)."""

    name: str
    group: str
    points_um: np.ndarray
    radii_um: np.ndarray
    parent: str  # "soma" or another section's name

    @property
    def length_um(self) -> float:
        return float(np.sum(np.linalg.norm(np.diff(self.points_um, axis=0), axis=1)))

    @property
    def area_um2(self) -> float:
        """Lateral area of the truncated cones between consecutive points (um2)."""
        h = np.linalg.norm(np.diff(self.points_um, axis=0), axis=1)
        r0, r1 = self.radii_um[:-1], self.radii_um[1:]
        return float(np.sum(math.pi * (r0 + r1) * np.sqrt(h**2 + (r0 - r1) ** 2)))


@dataclass(frozen=True)
class SwcNeuron:
    """A neuron read from an SWC file: soma, neurite sections, and the validation report.

    Attributes
    ----------
    path : str
        The file read.
    soma_type : str
        MorphIO's name for the soma form (e.g. ``SOMA_NEUROMORPHO_THREE_POINT_CYLINDERS``).
    soma_area_um2 : float
        Soma surface area for that form (um2).
    sections : tuple of SwcSection
        Neurite sections, parents before children.
    defects : dict
        Counts of fixable defects found and fixed (see :class:`SwcWarning`).
    """

    path: str
    soma_type: str
    soma_area_um2: float
    soma_center_um: np.ndarray
    sections: tuple[SwcSection, ...]
    defects: dict

    @property
    def total_length_um(self) -> float:
        """Summed path length of all neurite sections (um); the soma is not included."""
        return sum(s.length_um for s in self.sections)

    @property
    def neurite_area_um2(self) -> float:
        return sum(s.area_um2 for s in self.sections)

    def counts(self) -> dict[str, int]:
        """Number of neurite sections per group."""
        out: dict[str, int] = {}
        for s in self.sections:
            out[s.group] = out.get(s.group, 0) + 1
        return out

    # -- 3. sections for ranvier ----------------------------------------------------------
    def pieces(self, discretization: Discretization | None, Ra_ohm_cm: float, cm_uF_cm2: float) -> dict[str, int]:
        """How many pieces each section is cut into under ``discretization`` (1 each when None)."""
        out = {}
        for s in self.sections:
            if discretization is None:
                out[s.name] = 1
                continue
            d_eq = s.area_um2 / (math.pi * s.length_um) if s.length_um > 0 else float(np.mean(s.radii_um)) * 2
            probe = Section("probe", max(s.length_um, 1e-6), max(d_eq, 1e-6), Ra_ohm_cm=Ra_ohm_cm, cm_uF_cm2=cm_uF_cm2)
            out[s.name] = discretization.nseg(probe)
        return out

    def to_morphology(
        self,
        discretization: Discretization | None = Discretization(),
        *,
        Ra_ohm_cm: float = DEFAULT_RA_OHM_CM,
        cm_uF_cm2: float = DEFAULT_CM_UF_CM2,
    ) -> Morphology:
        """A :class:`Morphology`: the soma cylinder and each neurite section cut into pieces.

        ``discretization`` None keeps one section per SWC section (an area-preserving
        cylinder whose compartments the cell's own rule then sets).
        """
        d_soma = math.sqrt(self.soma_area_um2 / math.pi)
        secs = [Section("soma", d_soma, d_soma, Ra_ohm_cm=Ra_ohm_cm, cm_uF_cm2=cm_uF_cm2, nseg=1, tags=("soma",))]
        n_pieces = self.pieces(discretization, Ra_ohm_cm, cm_uF_cm2)
        last_piece: dict[str, str] = {"soma": "soma"}
        for s in self.sections:
            n = n_pieces[s.name]
            tags = GROUP_TAGS.get(s.group, (s.group, "neurite"))
            parent = last_piece[s.parent]
            parent_x = 0.5 if s.parent == "soma" else 1.0
            pts, rad = _fixed(s.points_um, s.radii_um)
            for k, (length, diam) in enumerate(_cut(pts, rad, n)):
                name = s.name if n == 1 else f"{s.name}.{k}"
                secs.append(Section(name, length, diam, parent=parent, parent_x=parent_x, Ra_ohm_cm=Ra_ohm_cm,
                                    cm_uF_cm2=cm_uF_cm2, nseg=None if discretization is None else 1,
                                    tags=tags + ((s.name,) if n > 1 else ())))
                parent, parent_x = name, 1.0
            last_piece[s.name] = parent
        return Morphology(secs)

    def site(self, section: str, x: float = 0.5, *, discretization: Discretization | None = Discretization(),
             Ra_ohm_cm: float = DEFAULT_RA_OHM_CM, cm_uF_cm2: float = DEFAULT_CM_UF_CM2) -> Site:
        """The :class:`Site` at fraction ``x`` of SWC section ``section`` in :meth:`to_morphology` with the same rule."""
        if section == "soma":
            return Site("soma", x)
        names = [s.name for s in self.sections]
        if section not in names:
            from ranvier.errors import check_name

            check_name("SWC section", section, ["soma", *names])
        n = self.pieces(discretization, Ra_ohm_cm, cm_uF_cm2)[section]
        if n == 1:
            return Site(section, x)
        k = min(int(x * n), n - 1)
        return Site(f"{section}.{k}", x * n - k)


def _cut(points: np.ndarray, radii: np.ndarray, n: int) -> list[tuple[float, float]]:
    """(length, area-preserving diameter) of ``n`` pieces of equal path length of a polyline of frusta."""
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    s = np.concatenate(([0.0], np.cumsum(seg)))
    total = float(s[-1])
    out = []
    for k in range(n):
        a, b = total * k / n, total * (k + 1) / n
        # the polyline between arc lengths a and b, radii interpolated at the cut points
        inner = (s > a) & (s < b)
        ss = np.concatenate(([a], s[inner], [b]))
        rr = np.interp(ss, s, radii)
        hh = np.diff(ss)
        # lateral area of each frustum, with the slant height of its share of the segment
        dr = np.diff(rr)
        area = float(np.sum(math.pi * (rr[:-1] + rr[1:]) * np.sqrt(hh**2 + dr**2)))
        length = b - a
        out.append((length, area / (math.pi * length)))
    return out


def read_swc(path: str | os.PathLike, *, warn: bool = True) -> SwcNeuron:
    """Check and read an SWC file. Broken files raise :class:`RanvierError` naming file, line and problem.

    Fixable defects are fixed and, with ``warn``, reported in one :class:`SwcWarning` with counts.
    """
    chk = check_swc_text(path)
    morphio = _need_morphio()
    name = chk.path
    try:
        morphio.set_raise_warnings(False)
        morphio.set_maximum_warnings(0)
        m = morphio.Morphology(name)
    except morphio.MorphioError as e:
        first = str(e).strip().splitlines()
        raise RanvierError(f"{name}: MorphIO cannot read it: {' '.join(first)[:500]}") from None
    soma_type = str(m.soma.type).split(".")[-1]
    if len(m.soma.points) == 0:
        raise RanvierError(f"{name}: the file has no soma (no point of type 1); ranvier needs one to root the cell")
    soma_area = float(m.soma.surface)
    if not soma_area > 0:
        # a soma of zero radius: MorphIO's surface is 0; use the neurites' starting radii instead
        r = max((float(s.diameters[0]) / 2 for s in m.root_sections), default=1.0)
        soma_area = 4 * math.pi * r * r
        chk.note("soma of zero size, given the area of a sphere as wide as the thickest neurite start")
    centre = np.asarray(m.soma.center, float)
    r_soma = math.sqrt(soma_area / (4 * math.pi))  # the radius of a sphere of the soma's area
    for root in m.root_sections:
        if np.linalg.norm(np.asarray(root.points[0], float) - centre) < 0.999 * r_soma:
            chk.note(NOTE_INSIDE_SOMA)
    counters: dict[str, int] = {}
    names: dict[int, str] = {}
    sections: list[SwcSection] = []
    for sec in m.iter():  # depth first, parents before children
        swc_type = int(sec.type)
        group = _group(swc_type)
        k = counters.get(group, 0)
        counters[group] = k + 1
        sname = f"{group}[{k}]"
        names[sec.id] = sname
        pts = np.asarray(sec.points, dtype=float)
        rad = np.asarray(sec.diameters, dtype=float) / 2.0
        if sec.is_root:
            parent = "soma"
            # a neurite section starts at its first point; the path from the soma centre is not membrane
        else:
            parent = names[sec.parent.id]
        if len(pts) < 2 or not np.any(np.linalg.norm(np.diff(pts, axis=0), axis=1) > 0):
            chk.note(FIX_NO_LENGTH)
        sections.append(SwcSection(sname, group, pts, rad, parent))
    if chk.counts and warn:
        warnings.warn(SwcWarning(f"{name}: defects found and handled: {chk.summary()}"), stacklevel=2)
    return SwcNeuron(name, soma_type, soma_area, np.asarray(m.soma.center, float), tuple(sections), dict(chk.counts))


def _fixed(pts: np.ndarray, rad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The fixes a section needs before it becomes cylinders: zero radii filled, a length where it has none."""
    rad = _fill_zero_radii(rad)
    if len(pts) < 2 or not np.any(np.linalg.norm(np.diff(pts, axis=0), axis=1) > 0):
        # a section of no length: the length of its radius, so that it keeps its place in the tree
        pts = np.vstack([pts[0], pts[0] + np.array([max(rad[0], 1e-3), 0.0, 0.0])])
        rad = np.array([rad[0], rad[-1]])
    return pts, rad


def _fill_zero_radii(rad: np.ndarray) -> np.ndarray:
    if np.all(rad > 0):
        return rad
    good = np.flatnonzero(rad > 0)
    if good.size == 0:
        return np.full_like(rad, 0.05)  # a section of only zero radii: 0.1 um diameter, the thinnest axons
    idx = np.arange(rad.size)
    nearest = good[np.abs(idx[:, None] - good[None, :]).argmin(axis=1)]
    return rad[nearest]


def from_swc(
    path: str | os.PathLike,
    discretization: Discretization | None = Discretization(),
    *,
    Ra_ohm_cm: float = DEFAULT_RA_OHM_CM,
    cm_uF_cm2: float = DEFAULT_CM_UF_CM2,
    warn: bool = True,
) -> Morphology:
    """Read an SWC file into a :class:`Morphology` (see the module docstring for names and tags).

    Parameters
    ----------
    path : path
        The SWC file.
    discretization : Discretization or None
        How each SWC section is cut into one-compartment pieces: by the d_lambda rule
        (default 0.1 at 100 Hz; Hines & Carnevale 2001, Neuroscientist 7:123) and/or a
        largest piece length ``max_length_um``. None: one section per SWC section, an
        area-preserving cylinder, compartments left to the cell's rule.
    Ra_ohm_cm, cm_uF_cm2 : float
        Axial resistivity (ohm*cm) and membrane capacitance (uF/cm2) of every section;
        the d_lambda rule depends on both.
    """
    return read_swc(path, warn=warn).to_morphology(discretization, Ra_ohm_cm=Ra_ohm_cm, cm_uF_cm2=cm_uF_cm2)


__all__ = ["SwcNeuron", "SwcSection", "SwcWarning", "check_swc_text", "from_swc", "lambda_ac_um", "read_swc"]
