"""Analysis of simulated voltage traces: spikes, AP shape, conduction.

Pure NumPy functions on plain arrays, plus ``*_xr`` wrappers that take an
:class:`xarray.DataArray` with a ``time`` coordinate in ms.

Units: time in ms, voltage in mV, distance in um, velocity in m/s.
"""

from .conduction import (
    conduction_velocity_from_traces,
    conduction_velocity_from_traces_xr,
    conduction_velocity_m_s,
    latency_ms,
    match_spikes,
)
from .features import APFeatures, ap_features, ap_features_xr
from .spikes import spike_times, spike_times_xr

__all__ = [
    "spike_times",
    "spike_times_xr",
    "APFeatures",
    "ap_features",
    "ap_features_xr",
    "match_spikes",
    "latency_ms",
    "conduction_velocity_m_s",
    "conduction_velocity_from_traces",
    "conduction_velocity_from_traces_xr",
]
