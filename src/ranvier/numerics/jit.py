"""Compiled kernels and their on-disk cache, safe for any number of concurrent processes.

Every compiled function of the numerical core is declared with :func:`kernel` instead of
``numba.njit(cache=True)``. numba's own cache has three faults that crashed users
(segmentation faults of ``ranvier experiment`` while a second process was compiling):

* **Colliding data files.** numba keeps, per function, an index that maps each compiled
  signature to a *numbered* data file. Two processes that compile different
  specialisations of one function at the same time both read an index with n entries and
  both write ``n+1.nbc``; the last index written can then name the other process's machine
  code, and the next process that loads it calls code compiled for other argument types.
  (numba issues #4807 and #10128 report the same family of races.)
* **Index before data.** numba writes the index entry first and the data file second: in
  between, a reader follows the entry to a missing file or to a stale one of an older
  source version.
* **Stale inlined code.** An entry is keyed by the function's own bytecode and its file's
  time stamp, not by the functions it inlines from other modules, so after an edit to
  ``hines.py`` the cached ``engine.py`` kernels still run the old solve.

Here each data file is named by a hash of its full key (signature, CPU, bytecode) and holds
that key, which is checked on load; data are written before the index; index updates are
serialised by a file lock; and the cache folder is named by a hash of every source file of
this package, so an edit anywhere in the numerical core starts a fresh folder. A second
lock per key makes a process that needs a kernel another process is compiling wait for it
and load the result instead of compiling it again (on two cores, two cold starts take the
time of one).

The cache lives per user and interpreter in ``$RANVIER_CACHE_DIR``, else
``$NUMBA_CACHE_DIR/ranvier``, else ``$XDG_CACHE_HOME/ranvier/numba`` (``~/.cache``), in a
sub-folder ``<python tag>-numba<version>-<source hash>``; if none is writable, in the
system's temporary folder, and if that fails too, kernels compile without a cache.

A function that calls a ``parallel=True`` kernel must not itself be a cached kernel:
numba loads such a caller from its cache without starting the thread pool the parallel
code needs (numba issue #8578, a segmentation fault on the second run). Parallel kernels
are called from Python only.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numba
from numba.core import caching, event

from ranvier import progress

try:  # POSIX; elsewhere entries are still safe (named by key, checked on load), only unlocked
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None

_PACKAGE_DIR = Path(__file__).resolve().parent
# How long a process waits for another one compiling the same kernel before compiling it
# itself (a holder that hangs must not hang everyone; a killed holder releases at once).
LOCK_WAIT_S = 600.0


@functools.cache
def source_stamp() -> str:
    """A hash of every source file of the numerical core and of the compiler versions."""
    import llvmlite

    h = hashlib.sha256(f"numba {numba.__version__} llvmlite {llvmlite.__version__}".encode())
    for path in sorted(_PACKAGE_DIR.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_root() -> Path:
    """The folder that holds one cache folder per source version (see the module notes)."""
    if os.environ.get("RANVIER_CACHE_DIR"):
        return Path(os.environ["RANVIER_CACHE_DIR"])
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"]) / "ranvier"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ranvier" / "numba"


def cache_dir() -> Path:
    """This interpreter's and this source version's cache folder."""
    return cache_root() / f"{sys.implementation.cache_tag}-numba{numba.__version__}-{source_stamp()}"


def _fallback_dir() -> Path:
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"ranvier-{uid}" / cache_dir().name


@contextlib.contextmanager
def _locked(path: str):
    """An exclusive lock on ``path`` (created if missing) for the block."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class _Locator(caching._CacheLocator):
    """Puts every kernel of this package in :func:`cache_dir` (see the module notes)."""

    def __init__(self, py_func, py_file, path: Path):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        self._cache_path = str(path)

    def get_cache_path(self):
        return self._cache_path

    def get_source_stamp(self):
        return source_stamp()

    def get_disambiguator(self):
        return str(self._lineno)

    @classmethod
    def from_function(cls, py_func, py_file):
        for path in (cache_dir(), _fallback_dir()):
            self = cls(py_func, py_file, path)
            try:
                self.ensure_cache_path()
            except OSError:
                continue
            return self
        return None


class _Impl(caching.CompileResultCacheImpl):
    _locator_classes = [_Locator]


def _key_digest(key) -> str:
    sig, magic, hashes = key
    return hashlib.sha256(repr((str(sig), magic, hashes)).encode()).hexdigest()[:20]


class _CacheFile(caching.IndexDataCacheFile):
    """numba's index and data files, with data named by key, written first, and checked on load."""

    def save(self, key, data):
        name = self._data_name_for(key)
        self._save_data(name, (key, data))
        with _locked(self._index_path + ".lock"):
            overloads = self._load_index()
            overloads[key] = name
            self._save_index(overloads)

    def load(self, key):
        name = self._load_index().get(key)
        if name is None:
            return None
        try:
            stored_key, data = self._load_data(name)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            return None
        return data if stored_key == key else None

    def _data_name_for(self, key) -> str:
        return self._data_name_pattern.replace("{number:d}", _key_digest(key))

    def lock_path_for(self, key) -> str:
        return os.path.join(self._cache_path, f"{self._index_name[:-4]}.{_key_digest(key)}.lock")


class _Cache(caching.FunctionCache):
    """numba's per-function cache over :class:`_CacheFile`, with a compile lock per key."""

    _impl_class = _Impl

    def __init__(self, py_func):
        super().__init__(py_func)
        self._cache_file = _CacheFile(self._cache_path, self._impl.filename_base,
                                      self._impl.locator.get_source_stamp())
        self._held: int | None = None  # fd of the compile lock while this process compiles

    def load_overload(self, sig, target_context):
        data = super().load_overload(sig, target_context)
        if data is not None or not self._enabled or fcntl is None or self._held is not None:
            return data
        key = self._index_key(sig, target_context.codegen())
        self._held = _acquire(self._cache_file.lock_path_for(key), self._name)
        data = super().load_overload(sig, target_context)  # compiled by whoever held the lock?
        if data is not None:
            self.release()
        return data  # None: numba compiles now; save_overload (or a failed compile) releases

    def save_overload(self, sig, data):
        try:
            super().save_overload(sig, data)
        finally:
            self.release()

    def release(self):
        if self._held is not None:
            fd, self._held = self._held, None
            os.close(fd)


def _acquire(path: str, name: str) -> int | None:
    """The compile lock at ``path`` (an fd to close later), waiting for another holder; None
    if it cannot be had (the caller then compiles without it)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        pass
    event.start_event("ranvier:compile-wait", data={"name": name})
    try:
        deadline = time.monotonic() + LOCK_WAIT_S
        while time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                continue
    finally:
        event.end_event("ranvier:compile-wait", data={"name": name})
    os.close(fd)
    return None


class _ReleaseOnFailure(event.Listener):
    """A compile that raised never reaches save_overload: release its compile lock here."""

    def on_start(self, ev):
        pass

    def on_end(self, ev):
        if getattr(ev, "_exc_details", None) is not None:  # numba's is_failed reads inverted
            cache = getattr(ev.data.get("dispatcher"), "_cache", None)
            if isinstance(cache, _Cache):
                cache.release()


event.register("numba:compile", _ReleaseOnFailure())


class _Forward(event.Listener):
    """Compile events to :func:`ranvier.progress.compile_event` (which imports no numba, so the
    command line can open its message block before loading the kernels)."""

    def on_start(self, ev):
        progress.compile_event(ev.kind, True, ev.data)

    def on_end(self, ev):
        progress.compile_event(ev.kind, False, ev.data)


event.register("numba:compile", _Forward())
event.register("ranvier:compile-wait", _Forward())


def kernel(fn=None, **options):
    """``numba.njit(**options)`` with the process-safe cache above: ``@kernel`` or
    ``@kernel(inline="always")``, ``@kernel(parallel=True)``, ...
    """

    def wrap(f):
        dispatcher = numba.njit(**options)(f)
        try:
            dispatcher._cache = _Cache(f)
        except (OSError, RuntimeError) as e:  # no writable folder anywhere: compile every time
            warnings.warn(f"ranvier: compiled kernels cannot be cached ({e}); each run compiles them again",
                          RuntimeWarning, stacklevel=2)
        return dispatcher

    return wrap(fn) if fn is not None else wrap
