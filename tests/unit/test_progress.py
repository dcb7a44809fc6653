"""No silent wait: compilation is announced, and the CLI speaks before loading the simulator."""

from __future__ import annotations

import io
import subprocess
import sys

from ranvier.numerics.jit import kernel
from ranvier.progress import FIRST_LINE, compile_messages


def _add_one(x):
    return x + 1.0


def test_a_compile_is_announced_and_a_cache_hit_is_silent(tmp_path, monkeypatch):
    monkeypatch.setenv("RANVIER_CACHE_DIR", str(tmp_path))
    out = io.StringIO()
    with compile_messages(stream=out, live=False):
        assert kernel(_add_one)(1.0) == 2.0
    text = out.getvalue()
    assert text.startswith(FIRST_LINE), text
    assert "compiling _add_one" in text and "compiled in" in text, text
    quiet = io.StringIO()
    with compile_messages(stream=quiet, live=False):
        assert kernel(_add_one)(2.0) == 3.0  # a new dispatcher: loads from the cache just written
    assert quiet.getvalue() == "", quiet.getvalue()


def test_the_command_line_starts_without_the_heavy_libraries():
    code = ("import sys, ranvier, ranvier.cli; ranvier.cli.build_parser(); "
            "print(sorted(m for m in ('numba', 'xarray', 'matplotlib', 'scipy', 'dask') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out
