"""Writing result and report files safely: atomic, interruptible, no debris, normal file modes.

:func:`atomic_write` is used by :func:`ranvier.save` and the HTML reports. It

* checks the destination first (:func:`check_output_path`: the suffix, a folder that exists
  and is writable), so a bad path is refused before any work;
* writes to a hidden temporary file next to the destination, ``.<name>.<pid>.<random>.part``,
  and renames it over the destination only when complete, so the destination is always the
  old file or the new one;
* removes the temporary file in a ``finally``, and on the next save removes temporary files
  left by a process that no longer exists (one killed with SIGKILL cannot clean up);
* does not swallow Ctrl-C: HDF5 may run Python code in callbacks where a KeyboardInterrupt
  is printed and dropped, so SIGINT is also recorded by a handler and re-raised after the
  writer returns, before the rename (the old file stays);
* gives the new file the mode of the file it replaces, or the mode a new file gets from the
  umask (``0o666 & ~umask``, like ``open()``), not the 0600 of a temporary file.
"""

from __future__ import annotations

import os
import re
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from ranvier.errors import RanvierError

__all__ = ["RESULT_SUFFIXES", "atomic_write", "check_output_path", "clean_stale_parts"]

RESULT_SUFFIXES = (".nc", ".nc4", ".netcdf")
"""File name endings of a saved result (NetCDF-4)."""


def check_output_path(path: object, suffixes: Iterable[str], what: str, rule: str = "") -> Path:
    """``path`` as a Path if a file of kind ``what`` can be written there; else a clear RanvierError.

    ``rule`` is a sentence put before the suffix requirement ("result files are NetCDF").

    The name must be non-empty and end in one of ``suffixes`` (case-insensitive), the folder
    must exist and be writable, and the path must not be a folder.
    """
    suffixes = tuple(suffixes)
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise RanvierError(f"the {what} path must be a file name, got {path!r}")
    p = Path(path)
    lead = f"{rule}; the path" if rule else f"the {what} path"
    if str(path).strip() == "" or p.name in ("", ".", ".."):
        raise RanvierError(f"{lead} must name a file ending in {' or '.join(suffixes)}, got {str(path)!r}")
    if p.suffix.lower() not in suffixes:
        raise RanvierError(f"{lead} must end in {' or '.join(suffixes)}, got {str(path)!r}")
    if p.is_dir():
        raise RanvierError(f"the {what} path {str(path)!r} is a folder; give a file name inside it")
    folder = p.parent
    if not folder.is_dir():
        raise RanvierError(f"the folder {str(folder)!r} does not exist (it would hold the {what}); create it first")
    try:  # the only sure test of writability (permissions, read-only mounts, root on /proc) is to write
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".ranvier-write-test.", delete=True):
            pass
    except OSError as e:
        raise RanvierError(f"the folder {str(folder)!r} is not writable (it would hold the {what}): "
                           f"{e.strerror or e}") from None
    if p.exists() and not os.access(p, os.W_OK):
        raise RanvierError(f"{str(path)!r} exists and is not writable")
    return p


_PART = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.part$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def clean_stale_parts(path: Path) -> list[Path]:
    """Remove temporary files of earlier saves to ``path`` whose writing process is gone."""
    removed = []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = _PART.match(entry.name)
        if m and m.group("name") == path.name and not _alive(int(m.group("pid"))):
            try:
                entry.unlink()
                removed.append(entry)
            except OSError:
                pass
    return removed


def _new_file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        pass
    umask = _umask()
    return 0o666 & ~umask


def _umask() -> int:
    try:  # Linux: read it without changing it (os.umask would, for a moment, for every thread)
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def atomic_write(path: Path, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp)`` to produce the file at a temporary name, then rename it to ``path``.

    ``path`` must already be checked (:func:`check_output_path`). On any exception, including
    KeyboardInterrupt, the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    clean_stale_parts(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".part", dir=path.parent)
    os.close(fd)
    interrupted: list[int] = []
    main = threading.current_thread() is threading.main_thread()
    old_handler = None
    if main:
        def on_sigint(signum, frame):  # record it (in case a C callback swallows it), then interrupt
            interrupted.append(signum)
            raise KeyboardInterrupt

        old_handler = signal.signal(signal.SIGINT, on_sigint)
    try:
        write(tmp)
        if interrupted:
            raise KeyboardInterrupt
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    finally:
        if main:
            signal.signal(signal.SIGINT, old_handler if old_handler is not None else signal.default_int_handler)
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    return path
