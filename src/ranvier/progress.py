"""Say what is happening while the user waits: compiling the numerical core, or waiting
for another process that is compiling it.

``with compile_messages():`` around any use of the API prints, on standard error, one
line when the first kernel starts compiling (the first use of a model shape on this
machine; the result is cached, see :mod:`ranvier.numerics.jit`) and a spinner with the
elapsed time and the kernel being compiled while it lasts (a terminal), or one line per
kernel (a log or a pipe). The CLI wraps every command in it.
"""

from __future__ import annotations

import contextlib
import sys
import time
from typing import IO, Iterator

FIRST_LINE = "ranvier: compiling the numerical core for this model shape (first use; cached for later runs)"


class _Reporter:
    def __init__(self, stream: IO[str], live: bool):
        self.stream = stream
        self.live = live
        self.depth = 0
        self.t0: float | None = None
        self.status = None
        self.announced = False

    def _say(self, text: str) -> None:
        if self.status is not None:
            self.status.update(text)
        else:
            print(text, file=self.stream, flush=True)

    def start(self, what: str) -> None:
        if self.t0 is None:
            self.t0 = time.monotonic()
        if not self.announced:
            self.announced = True
            if self.live:
                from rich.console import Console

                self.status = Console(file=self.stream, stderr=True).status(FIRST_LINE)
                self.status.start()
            else:
                print(FIRST_LINE, file=self.stream, flush=True)
        elapsed = time.monotonic() - self.t0
        if self.live:
            self._say(f"{FIRST_LINE}: {what} [{elapsed:.0f} s]")
        else:
            self._say(f"ranvier:   {what} (at {elapsed:.0f} s)")

    def close(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None
        if self.t0 is not None:
            print(f"ranvier: compiled in {time.monotonic() - self.t0:.0f} s", file=self.stream, flush=True)


_REPORTERS: list[_Reporter] = []


def compile_event(kind: str, start: bool, data: dict) -> None:
    """Called by :mod:`ranvier.numerics.jit` for numba's compile events and ranvier's waits for
    another process's compile; forwarded to every open :func:`compile_messages` block."""
    for rep in list(_REPORTERS):
        if kind == "numba:compile":
            rep.depth += 1 if start else -1
            if start and rep.depth == 1:
                rep.start(f"compiling {data['dispatcher'].py_func.__qualname__}")
        elif start:
            rep.start(f"waiting for another process compiling {data['name'].split(' ')[1]}")


@contextlib.contextmanager
def compile_messages(stream: IO[str] | None = None, live: bool | None = None) -> Iterator[None]:
    """Report compilation of the numerical core on ``stream`` (standard error) for the block.

    ``live``: a spinner that updates in place (default: when ``stream`` is a terminal).
    Imports nothing heavy: the kernels' module forwards numba's events here once it is loaded.
    """
    stream = stream if stream is not None else sys.stderr
    live = live if live is not None else bool(getattr(stream, "isatty", lambda: False)())
    rep = _Reporter(stream, live)
    _REPORTERS.append(rep)
    try:
        yield
    finally:
        _REPORTERS.remove(rep)
        rep.close()
