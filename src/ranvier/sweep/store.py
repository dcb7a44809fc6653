"""The sweep's store: one NetCDF file per chunk of points, named by the hash of what it computes.

* ``chunk-<hash>.nc`` appears only complete: it is written under a hidden temporary name in
  the same folder, flushed to disk (fsync), then renamed over its final name (``os.replace``
  is atomic on POSIX file systems) and the folder entry flushed. A process killed while
  writing leaves at most a hidden ``.chunk-<hash>.nc.*.part`` file, which no reader opens
  (:meth:`Store.read` globs nothing: it opens exactly ``chunk-<hash>.nc``).
* A chunk that cannot run at all (the task itself raised, or killed its workers
  repeatedly) is recorded as ``failed-<hash>.json`` with the error; a resumed sweep does not
  run it again unless asked (``retry_failed=True``).
* ``sweep.json`` describes the sweep (target, parameters, chunks); ``sweep.nc`` is the
  assembled result, rewritten at the end of each run.

The hash covers the target's name, the chunk's points (parameter names and values, to the
bit) and the chunk's settings, so a re-run of the same sweep finds its chunks and a changed
sweep does not mistake another's for its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import xarray as xr

from ranvier.errors import RanvierError

PART_MAX_AGE_S = 3600.0  # leftover temporaries older than this are removed when a sweep starts


def chunk_hash(target_name: str, rows: list[dict[str, float]]) -> str:
    """SHA-256 (first 20 hex digits) of the target's name and the chunk's points, exact to the bit."""
    payload = {"target": target_name,
               "points": [[(k, float(v).hex()) for k, v in sorted(r.items())] for r in rows]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:20]


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover (platforms that cannot open folders)
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _atomic_write(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    """A folder of chunk files (see the module docstring)."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise RanvierError(f"the sweep output {str(self.folder)!r} exists and is not a folder")
        self.folder.mkdir(parents=True, exist_ok=True)

    def chunk_path(self, h: str) -> Path:
        return self.folder / f"chunk-{h}.nc"

    def failed_path(self, h: str) -> Path:
        return self.folder / f"failed-{h}.json"

    def has(self, h: str) -> bool:
        return self.chunk_path(h).is_file()

    def has_failed(self, h: str) -> bool:
        return self.failed_path(h).is_file()

    def write(self, h: str, ds: xr.Dataset) -> Path:
        path = self.chunk_path(h)
        _atomic_write(path, lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))
        self.failed_path(h).unlink(missing_ok=True)
        return path

    def read(self, h: str) -> xr.Dataset | None:
        """The chunk, or None if it is absent or unreadable (then it is computed again; an
        unreadable file is renamed ``*.unreadable`` so that it is kept for inspection)."""
        path = self.chunk_path(h)
        if not path.is_file():
            return None
        try:
            with xr.open_dataset(path, engine="h5netcdf") as ds:
                return ds.load()
        except (OSError, ValueError, RuntimeError):
            os.replace(path, path.with_name(path.name + ".unreadable"))
            return None

    def write_failed(self, h: str, rows: list[dict], error: str) -> None:
        text = json.dumps({"chunk": h, "error": error, "points": rows,
                           "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, indent=1)
        path = self.failed_path(h)

        def write(tmp):
            Path(tmp).write_text(text)

        _atomic_write(path, write)

    def read_failed(self, h: str) -> str | None:
        try:
            return json.loads(self.failed_path(h).read_text())["error"]
        except (OSError, ValueError, KeyError):
            return None

    def write_manifest(self, info: dict) -> None:
        text = json.dumps(info, indent=1, default=lambda o: o.tolist() if isinstance(o, np.ndarray) else str(o))
        _atomic_write(self.folder / "sweep.json", lambda tmp: Path(tmp).write_text(text))

    def write_result(self, ds: xr.Dataset) -> Path:
        path = self.folder / "sweep.nc"
        _atomic_write(path, lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))
        return path

    def clean_parts(self, max_age_s: float = PART_MAX_AGE_S) -> int:
        """Remove temporaries left by killed writers (older than ``max_age_s``, so that a
        writer still at work is not disturbed); returns how many."""
        now = time.time()
        n = 0
        for p in self.folder.glob(".*.part"):
            try:
                if now - p.stat().st_mtime > max_age_s:
                    p.unlink()
                    n += 1
            except OSError:
                pass
        return n
