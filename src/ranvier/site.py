"""A place on a cell: a section, a fraction along it, and which cell of a batch."""

from __future__ import annotations

from dataclasses import dataclass

from ranvier.errors import RanvierError, check_int, check_range


@dataclass(frozen=True)
class Site:
    """Location ``x`` (0 = the section's 0 end, 1 = its far end) on ``section`` of cell number ``cell``."""

    section: str
    x: float = 0.5
    cell: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.section, str) or not self.section:
            raise RanvierError(f"Site.section must be a section name, got {self.section!r}")
        object.__setattr__(self, "x", check_range("Site.x", self.x, 0.0, 1.0, remedy="x is a fraction of the section length"))
        object.__setattr__(self, "cell", check_int("Site.cell", self.cell, 0))

    @property
    def label(self) -> str:
        base = f"{self.section}({self.x:g})"
        return base if self.cell == 0 else f"cell{self.cell}/{base}"
