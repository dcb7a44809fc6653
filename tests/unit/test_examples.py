"""Every script in examples/ runs and prints what it measured."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))
# what each example must print (every one reports the resting potential it measured)
PRINTS = {
    "seed_circuit.py": ("resting potential", "synaptic delay"),
    "own_cell.py": ("resting potential", "axon spike at", "saved NWB"),
}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(path, tmp_path, monkeypatch, capsys):
    report = tmp_path / "example.html"
    monkeypatch.setattr(sys, "argv", [str(path), str(report)])
    runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    for phrase in PRINTS.get(path.name, ("resting potential",)):
        assert phrase in out, f"{path.name} did not print {phrase!r}:\n{out}"
    assert report.is_file() and report.stat().st_size > 10_000


def test_there_is_an_example():
    assert EXAMPLES
