"""Stimuli as functions of time: current clamps and voltage clamps at a site."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ranvier.errors import RanvierError, check_int, check_name, check_positive, check_real
from ranvier.site import Site

INTERPOLATIONS = ("step", "linear")


@dataclass(frozen=True)
class Waveform:
    """A function of time given by breakpoints.

    ``interpolation="step"``: the value of the last breakpoint at or before t;
    ``"linear"``: straight lines between breakpoints. Before the first and after the
    last breakpoint the end values hold. Times are in ms, values in the unit of the
    stimulus that owns the waveform (nA for current clamp, mV for voltage clamp).
    """

    times_ms: tuple[float, ...]
    values: tuple[float, ...]
    interpolation: str = "step"

    def __post_init__(self) -> None:
        try:
            t = np.asarray(self.times_ms, dtype=float).ravel()
            y = np.asarray(self.values, dtype=float).ravel()
        except (TypeError, ValueError):
            raise RanvierError(
                f"waveform times_ms and values must be sequences of numbers, got {self.times_ms!r} and {self.values!r}"
            ) from None
        if t.size == 0 or t.size != y.size:
            raise RanvierError(
                f"waveform times_ms and values must be non-empty and of equal length, got {t.size} and {y.size}"
            )
        for label, arr in (("times_ms", t), ("values", y)):
            bad = np.flatnonzero(~np.isfinite(arr))
            if bad.size:
                k = int(bad[0])
                raise RanvierError(
                    f"waveform {label}[{k}] must be a finite number (no NaN or inf), got {float(arr[k])!r}"
                )
        back = np.flatnonzero(np.diff(t) < 0)
        if back.size:
            k = int(back[0]) + 1
            raise RanvierError(
                "waveform times_ms must be non-decreasing, "
                f"got times_ms[{k}] = {t[k]:g} < times_ms[{k - 1}] = {t[k - 1]:g} ms"
            )
        if t[0] < 0:
            raise RanvierError(f"waveform times_ms must be >= 0 ms, got {t[0]:g}")
        check_name("waveform interpolation", self.interpolation, INTERPOLATIONS)
        object.__setattr__(self, "times_ms", tuple(float(x) for x in t))
        object.__setattr__(self, "values", tuple(float(x) for x in y))

    # -- constructors ------------------------------------------------------------------
    @classmethod
    def constant(cls, value: float) -> "Waveform":
        return cls((0.0,), (check_real("value", value),))

    @classmethod
    def step(cls, amplitude: float, delay_ms: float = 0.0, duration_ms: float = math.inf, baseline: float = 0.0) -> "Waveform":
        """``baseline`` until ``delay_ms``, ``amplitude`` for ``duration_ms``, then ``baseline``."""
        a = check_real("amplitude", amplitude)
        d = check_positive("delay_ms", delay_ms, "ms", allow_zero=True)
        b = check_real("baseline", baseline)
        if duration_ms != math.inf:
            dur = check_positive("duration_ms", duration_ms, "ms")
            if d == 0:
                return cls((0.0, dur), (a, b))
            return cls((0.0, d, d + dur), (b, a, b))
        if d == 0:
            return cls((0.0,), (a,))
        return cls((0.0, d), (b, a))

    @classmethod
    def pulse_train(
        cls, amplitude: float, *, delay_ms: float = 0.0, width_ms: float = 1.0, period_ms: float = 10.0, count: int = 1,
        baseline: float = 0.0,
    ) -> "Waveform":
        """``count`` rectangular pulses of ``width_ms``, one every ``period_ms``, from ``delay_ms``."""
        a = check_real("amplitude", amplitude)
        d = check_positive("delay_ms", delay_ms, "ms", allow_zero=True)
        w = check_positive("width_ms", width_ms, "ms")
        p = check_positive("period_ms", period_ms, "ms")
        n = check_int("count", count, 1, 10_000_000)
        if w >= p:
            raise RanvierError(f"width_ms must be < period_ms ({p:g} ms), got {w:g}")
        t = [0.0]
        y = [b := check_real("baseline", baseline)]
        for k in range(n):
            on = d + k * p
            if on == 0.0:
                y[0] = a
            else:
                t.append(on)
                y.append(a)
            t.append(on + w)
            y.append(b)
        return cls(tuple(t), tuple(y))

    @classmethod
    def samples(cls, times_ms: Sequence[float], values: Sequence[float], interpolation: str = "linear") -> "Waveform":
        """An arbitrary waveform from sampled values (linear between samples by default)."""
        return cls(tuple(np.asarray(times_ms, float)), tuple(np.asarray(values, float)), interpolation)

    @classmethod
    def from_function(cls, f: Callable[[np.ndarray], np.ndarray], tstop_ms: float, resolution_ms: float = 0.01) -> "Waveform":
        """Sample a function of time (ms) on a grid of ``resolution_ms`` up to ``tstop_ms``, linear between."""
        T = check_positive("tstop_ms", tstop_ms, "ms")
        r = check_positive("resolution_ms", resolution_ms, "ms")
        t = np.linspace(0.0, T, int(math.ceil(T / r)) + 1)
        y = np.asarray(f(t), dtype=float)
        if y.shape != t.shape:
            raise RanvierError(f"the waveform function must return one value per time, got shape {y.shape}")
        return cls(tuple(t), tuple(y), "linear")

    # -- evaluation --------------------------------------------------------------------
    def __call__(self, t_ms):
        t = np.asarray(t_ms, dtype=float)
        tt = np.asarray(self.times_ms)
        yy = np.asarray(self.values)
        if self.interpolation == "linear":
            return np.interp(t, tt, yy)
        idx = np.searchsorted(tt, t, side="right") - 1
        return yy[np.clip(idx, 0, len(yy) - 1)]

    def jump_times_ms(self) -> list[float]:
        """Times where the waveform is discontinuous."""
        t, y = self.times_ms, self.values
        if self.interpolation == "step":
            out = [t[0]] if t[0] > 0 and y[0] != 0 else []
            out += [t[k] for k in range(1, len(t)) if y[k] != y[k - 1]]
            if t[0] == 0 and y[0] != 0:
                out.insert(0, 0.0)
            return out
        return [t[k] for k in range(1, len(t)) if t[k] == t[k - 1] and y[k] != y[k - 1]]


@dataclass(frozen=True)
class CurrentClamp:
    """Current (nA, positive = into the cell, depolarising) injected at ``site``."""

    site: Site
    waveform: Waveform

    def __post_init__(self) -> None:
        if not isinstance(self.site, Site):
            raise RanvierError(f"CurrentClamp.site must be a Site, got {self.site!r}")
        if not isinstance(self.waveform, Waveform):
            raise RanvierError(f"CurrentClamp.waveform must be a Waveform, got {self.waveform!r}")

    @classmethod
    def step(cls, site: Site, amplitude_nA: float, delay_ms: float = 0.0, duration_ms: float = math.inf) -> "CurrentClamp":
        return cls(site, Waveform.step(amplitude_nA, delay_ms, duration_ms))


@dataclass(frozen=True)
class VoltageClamp:
    """Holds ``site`` at the command ``waveform`` (mV) through a series resistance (MOhm).

    The clamp delivers (V_command - V) / R_series; with the default 1 kOhm it is ideal
    for any cell ranvier models. The clamp current is recorded as ``clamp_i_nA``.
    """

    site: Site
    waveform: Waveform
    series_resistance_MOhm: float = 1e-3

    def __post_init__(self) -> None:
        if not isinstance(self.site, Site):
            raise RanvierError(f"VoltageClamp.site must be a Site, got {self.site!r}")
        if not isinstance(self.waveform, Waveform):
            raise RanvierError(f"VoltageClamp.waveform must be a Waveform, got {self.waveform!r}")
        object.__setattr__(
            self, "series_resistance_MOhm", check_positive("series_resistance_MOhm", self.series_resistance_MOhm, "MOhm")
        )

    @classmethod
    def steps(cls, site: Site, holding_mV: float, command_mV: float, delay_ms: float, duration_ms: float) -> "VoltageClamp":
        """Hold, step to ``command_mV`` for ``duration_ms`` after ``delay_ms``, return to hold."""
        return cls(site, Waveform.step(command_mV, delay_ms, duration_ms, baseline=holding_mV))


Stimulus = CurrentClamp | VoltageClamp
