"""What to record, and where."""

from __future__ import annotations

from dataclasses import dataclass

from ranvier.errors import RanvierError
from ranvier.site import Site


@dataclass(frozen=True)
class Probe:
    """Record ``variables`` at ``site``.

    ``"all"`` records the membrane potential, the current of every ion species and
    every gate of every channel at the site. Otherwise a tuple of names among
    "v", "i_na", "i_k", "i_cl", "i_ca", "i_nonspecific", "clamp_i_nA" and
    "<channel>_<gate>" (e.g. "hh_na_m").
    """

    site: Site
    variables: str | tuple[str, ...] = "all"

    def __post_init__(self) -> None:
        if not isinstance(self.site, Site):
            raise RanvierError(f"Probe.site must be a Site, got {self.site!r}")
        if isinstance(self.variables, str):
            if self.variables != "all":
                object.__setattr__(self, "variables", (self.variables,))
        else:
            object.__setattr__(self, "variables", tuple(self.variables))
            if not self.variables:
                raise RanvierError("Probe.variables must name at least one variable, or be 'all'")
            for v in self.variables:
                if not isinstance(v, str) or not v:
                    raise RanvierError(f"Probe.variables must be variable names (strings), got {v!r}")
