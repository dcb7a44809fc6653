"""The kernel cache under concurrent writers (ranvier.numerics.jit).

The segmentation faults of issue 10 came from numba's cache: two processes compiling
different specialisations of one function at once could leave an index entry that names
the other process's machine code. These tests replay that interleaving deterministically
(one writer runs to completion inside the other's save), stale and foreign data files, and
many real processes writing at once; each key must always load its own data or nothing.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle

import pytest

from ranvier.numerics import jit


def _cache_file(folder) -> jit._CacheFile:
    return jit._CacheFile(str(folder), "mod.fn-1.py311", source_stamp="stamp")


def _key(i: int):
    return (f"(array(float64, {i}d, C),) -> int64", ("x86_64-unknown-linux-gnu", "znver3", ""), ("a" * 64, ""))


def test_a_writer_inside_another_writers_save_leaves_each_key_with_its_own_data(tmp_path, monkeypatch):
    a, b = _cache_file(tmp_path), _cache_file(tmp_path)
    real_save_data = jit._CacheFile._save_data
    done = []

    def save_data_then_let_b_run(self, name, data):
        real_save_data(self, name, data)
        if self is a and not done:  # b saves a different key between a's data and a's index
            done.append(True)
            b.save(_key(2), "code for key 2")

    monkeypatch.setattr(jit._CacheFile, "_save_data", save_data_then_let_b_run)
    a.save(_key(1), "code for key 1")
    fresh = _cache_file(tmp_path)
    assert fresh.load(_key(1)) == "code for key 1"
    assert fresh.load(_key(2)) == "code for key 2"


def test_an_index_entry_that_names_another_keys_data_loads_nothing(tmp_path):
    f = _cache_file(tmp_path)
    f.save(_key(1), "code for key 1")
    f.save(_key(2), "code for key 2")
    # Corrupt the index as numba's own numbering race would: key 1 -> key 2's file.
    overloads = f._load_index()
    overloads[_key(1)] = overloads[_key(2)]
    f._save_index(overloads)
    assert f.load(_key(1)) is None  # recompiled, never run with the wrong types
    assert f.load(_key(2)) == "code for key 2"


def test_a_truncated_data_file_loads_nothing(tmp_path):
    f = _cache_file(tmp_path)
    f.save(_key(1), "code for key 1")
    path = os.path.join(str(tmp_path), f._data_name_for(_key(1)))
    with open(path, "r+b") as fh:
        fh.truncate(10)
    assert f.load(_key(1)) is None


def _writer(folder: str, first: int, count: int) -> None:
    f = _cache_file(folder)
    for i in range(first, first + count):
        f.save(_key(i), f"code for key {i}")


def test_many_processes_writing_different_keys_at_once(tmp_path):
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), 100 * w, 30)) for w in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    f = _cache_file(tmp_path)
    index = f._load_index()
    assert len(index) == 6 * 30, f"index lost entries: {len(index)} of 180"
    for w in range(6):
        for i in range(100 * w, 100 * w + 30):
            assert f.load(_key(i)) == f"code for key {i}"
    leftovers = [n for n in os.listdir(tmp_path) if ".tmp." in n]
    assert not leftovers, leftovers


def test_the_cache_folder_follows_every_source_file_of_the_numerical_core(tmp_path, monkeypatch):
    """An edit to a module whose kernels are inlined elsewhere (hines.py into engine.py)
    must not leave the inlining kernels' cached code in use."""
    src = tmp_path / "numerics"
    src.mkdir()
    (src / "engine.py").write_text("def step(): pass\n")
    (src / "hines.py").write_text("def solve(): return 1\n")
    monkeypatch.setattr(jit, "_PACKAGE_DIR", src)
    jit.source_stamp.cache_clear()
    try:
        before = jit.source_stamp()
        (src / "hines.py").write_text("def solve(): return 2\n")
        jit.source_stamp.cache_clear()
        assert jit.source_stamp() != before
    finally:
        jit.source_stamp.cache_clear()


def test_cache_location_is_per_user_and_interpreter_and_can_be_moved(tmp_path, monkeypatch):
    monkeypatch.setenv("RANVIER_CACHE_DIR", str(tmp_path / "mine"))
    d = jit.cache_dir()
    assert d.parent == tmp_path / "mine"
    assert d.name.startswith(f"{__import__('sys').implementation.cache_tag}-numba")
    monkeypatch.delenv("RANVIER_CACHE_DIR")
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert jit.cache_dir().parent == tmp_path / "xdg" / "ranvier" / "numba"


def test_the_stored_key_survives_pickling_as_numba_writes_it(tmp_path):
    f = _cache_file(tmp_path)
    f.save(_key(3), {"payload": [1, 2, 3]})
    with open(os.path.join(str(tmp_path), f._data_name_for(_key(3))), "rb") as fh:
        stored_key, data = pickle.loads(fh.read())
    assert stored_key == _key(3) and data == {"payload": [1, 2, 3]}


@pytest.mark.parametrize("bad_folder", ["/proc/ranvier-not-writable"])
def test_an_unwritable_cache_folder_falls_back_to_the_temporary_folder(bad_folder, monkeypatch):
    monkeypatch.setenv("RANVIER_CACHE_DIR", bad_folder)
    locator = jit._Locator.from_function(test_the_stored_key_survives_pickling_as_numba_writes_it, __file__)
    assert locator is not None
    assert locator.get_cache_path() == str(jit._fallback_dir())
