"""A neuron's shape: sections joined in a tree, checked when built."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ranvier.errors import RanvierError, check_name
from ranvier.morphology.section import Section


def _cycle(by_name: Mapping[str, Section], start: str) -> str:
    """The parent cycle reached from ``start``, written "a -> b -> a" (each arrow points to a parent)."""
    path: list[str] = []
    name: str | None = start
    while name is not None and name not in path:
        path.append(name)
        name = by_name[name].parent
    if name is None:
        return ""
    loop = path[path.index(name):] + [name]
    return " -> ".join(loop)


@dataclass(frozen=True, init=False)
class Morphology:
    """Sections joined in one tree.

    Sections may be given in any order; they are stored parents-first.
    Exactly one section has no parent (the root). Names are unique, every
    parent exists, and there is no cycle: each is checked here with a message
    naming the offending section.
    """

    sections: tuple[Section, ...]

    def __init__(self, sections: Iterable[Section]):
        secs = tuple(sections)
        if not secs:
            raise RanvierError("a morphology needs at least one section, got none")
        for s in secs:
            if not isinstance(s, Section):
                raise RanvierError(f"morphology sections must be Section objects, got {type(s).__name__}")
        by_name: dict[str, Section] = {}
        for s in secs:
            if s.name in by_name:
                raise RanvierError(f"section name {s.name!r} is used twice; section names must be unique")
            by_name[s.name] = s
        for s in secs:
            if s.parent is not None:
                if s.parent == s.name:
                    raise RanvierError(f"section {s.name!r} is its own parent: the morphology has a cycle")
                check_name(f"parent section (of {s.name!r})", s.parent, by_name)
        roots = [s.name for s in secs if s.parent is None]
        if len(roots) != 1:
            if not roots:
                # every section has a parent: there must be a cycle
                raise RanvierError(
                    "no root section (every section has a parent): "
                    f"the morphology has a cycle {_cycle(by_name, secs[0].name)}"
                )
            raise RanvierError(f"a morphology has exactly one root section; found {len(roots)}: {roots}")
        children: dict[str, list[str]] = {n: [] for n in by_name}
        for s in secs:
            if s.parent is not None:
                children[s.parent].append(s.name)
        order: list[str] = []
        stack = [roots[0]]
        while stack:  # depth first, children in the order given
            name = stack.pop()
            order.append(name)
            stack.extend(reversed(children[name]))
        if len(order) != len(secs):
            lost = sorted(set(by_name) - set(order))
            raise RanvierError(
                f"sections {lost} are not reachable from the root {roots[0]!r}: "
                f"the morphology has a cycle {_cycle(by_name, lost[0])}"
            )
        object.__setattr__(self, "sections", tuple(by_name[n] for n in order))

    # -- queries -------------------------------------------------------------------------
    # Lookups are cached on first use (a reconstructed cell has thousands of sections, and
    # assembly asks which paints cover each one: without the index that is quadratic).
    def _cached(self, key: str, make):
        value = self.__dict__.get(key)
        if value is None:
            value = make()
            object.__setattr__(self, key, value)
        return value

    @property
    def names(self) -> tuple[str, ...]:
        return self._cached("_names", lambda: tuple(s.name for s in self.sections))

    @property
    def by_name(self) -> Mapping[str, Section]:
        return self._cached("_by_name", lambda: MappingProxyType({s.name: s for s in self.sections}))

    def section(self, name: str) -> Section:
        by_name = self.by_name
        if not isinstance(name, str) or name not in by_name:
            check_name("section", name, self.names)
        return by_name[name]

    def _select_index(self) -> dict[str, tuple[str, ...]]:
        """Name or tag -> the sections it selects, in tree order (built once: the sections never change).

        ``Cell.channels_on`` selects every paint's region for every section; scanning all sections
        for each name made assembling the seed circuit's 249 sections take ~1 s, and a myelinated
        fibre's assembly 1.7 of 1.8 s (lab and sweep measurements); a dict lookup makes it negligible.
        """

        def make():
            idx: dict[str, list[str]] = {}
            for s in self.sections:
                for key in dict.fromkeys((s.name, *s.tags)):
                    idx.setdefault(key, []).append(s.name)
            return {k: tuple(v) for k, v in idx.items()}

        return self._cached("_index", make)

    def select(self, where: str | Iterable[str]) -> tuple[str, ...]:
        """Section names matching ``where``: "all", a section name, a tag, or a collection of these."""
        index = self._select_index()
        if isinstance(where, str):
            if where == "all":
                return self.names
            hits = index.get(where, ())
            if not hits:
                check_name("section or region", where, set(index) | {"all"})
            return hits
        out: dict[str, None] = {}
        for w in where:
            for n in self.select(w):
                out[n] = None
        return tuple(out)

    @property
    def total_area_um2(self) -> float:
        return sum(s.area_um2 for s in self.sections)

    def path_length_um(self, name: str, x: float) -> float:
        """Distance along the tree from the root's 0 end to (name, x), in um."""
        sec = self.section(name)
        d = x * sec.length_um
        while sec.parent is not None:
            parent = self.by_name[sec.parent]
            d += sec.parent_x * parent.length_um
            sec = parent
        return d
