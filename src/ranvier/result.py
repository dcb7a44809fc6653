"""Results as xarray Datasets: building them, and saving and loading them without loss."""

from __future__ import annotations

import os
from pathlib import Path

import xarray as xr

from ranvier.errors import RanvierError
from ranvier.files import RESULT_SUFFIXES, atomic_write, check_output_path

LONG_NAMES = {
    "v": "membrane potential",
    "i_na": "Na+ current density (outward positive)",
    "i_k": "K+ current density (outward positive)",
    "i_cl": "Cl- current density (outward positive)",
    "i_ca": "Ca2+ current density (outward positive)",
    "i_nonspecific": "nonspecific (leak) current density (outward positive)",
    "clamp_i_nA": "current delivered by the voltage clamp (into the cell positive)",
    "ca_i_mM": "free Ca2+ concentration in the submembrane shell",
}


def save(result: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write ``result`` to NetCDF-4 at ``path`` atomically.

    The file is written next to its destination under a temporary name and renamed
    over it only when complete, so an interrupted save never leaves a half-written
    file and never destroys an earlier one; Ctrl-C during the write raises
    KeyboardInterrupt (the old file stays), the temporary file is removed, and ones
    left by a killed process are removed on the next save. The new file gets the
    mode of a normally created file (see :mod:`ranvier.files`).
    """
    if not isinstance(result, xr.Dataset):
        raise RanvierError(f"save expects an xarray Dataset from Simulation.run(), got {type(result).__name__}")
    path = check_output_path(path, RESULT_SUFFIXES, "result", "result files are NetCDF")
    return atomic_write(path, lambda tmp: result.to_netcdf(tmp, engine="h5netcdf"))


def load(path: str | os.PathLike) -> xr.Dataset:
    """Read a result saved by :func:`save` (fully into memory; the file is closed on return)."""
    path = Path(path)
    if not path.is_file():
        raise RanvierError(f"no result file at {str(path)!r}")
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            out = ds.load()
    except (OSError, ValueError) as e:
        raise RanvierError(f"{str(path)!r} is not a readable NetCDF result file: {e}") from None
    if "v" not in out.data_vars and "time" not in out.dims and out.attrs.get("ranvier_kind") != "experiment":
        raise RanvierError(f"{str(path)!r} is NetCDF but not a ranvier result (no 'time' dimension)")
    return out
