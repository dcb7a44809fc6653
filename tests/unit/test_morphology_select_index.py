"""Morphology.select answers from an index built once; it must agree with a plain scan of the sections."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ranvier.errors import RanvierError
from ranvier.seed import SeedSettings, seed_neuron

MORPH = seed_neuron(SeedSettings())[0].morphology
KEYS = sorted(set(MORPH.names) | {t for s in MORPH.sections for t in s.tags})


def scan(where) -> tuple[str, ...]:
    """The obvious reference: every section whose name or one of whose tags matches, in tree order."""
    if isinstance(where, str):
        return MORPH.names if where == "all" else tuple(
            s.name for s in MORPH.sections if s.name == where or where in s.tags)
    out: list[str] = []
    for w in where:
        for n in scan(w):
            if n not in out:
                out.append(n)
    return tuple(out)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.sampled_from([*KEYS, "all"]), st.lists(st.sampled_from([*KEYS, "all"]), max_size=8)))
def test_select_matches_a_scan_of_the_sections(where):
    assert MORPH.select(where) == scan(where)


def test_an_unknown_region_is_still_named():
    with pytest.raises(RanvierError, match="unknown section or region 'axn'"):
        MORPH.select("axn")
