"""Injected time sources.

The engine never reads the system time itself. It asks a :class:`Clock` for
two readings:

* ``monotonic()``: seconds on a clock that never goes backwards. On Linux and
  macOS it stands still while the computer is suspended.
* ``wall()``: seconds since the Unix epoch (UTC). It keeps running during a
  suspend but may be set back or forward by the user or NTP.

Comparing how far each has moved between two readings is how the engine
notices that the computer slept (see ``SessionEngine``).
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """What the engine needs to know about time."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards."""
        ...

    def wall(self) -> float:
        """Seconds since the Unix epoch, UTC."""
        ...


class SystemClock:
    """The real clocks of this computer.

    On Linux it also offers ``boottime()`` (``CLOCK_BOOTTIME``), which keeps
    counting during a suspend; the engine then measures a suspend exactly and
    is not fooled by somebody setting the wall clock.
    """

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    if hasattr(time, "CLOCK_BOOTTIME"):

        def boottime(self) -> float:
            return time.clock_gettime(time.CLOCK_BOOTTIME)


class FakeClock:
    """A clock that only moves when told to. For tests and simulations.

    Args:
        start_wall: the wall time to start at (default 2026-01-05 09:00 UTC).
    """

    def __init__(self, start_wall: float = 1_767_603_600.0) -> None:
        self._mono = 1000.0
        self._wall = start_wall

    def monotonic(self) -> float:
        return self._mono

    def wall(self) -> float:
        return self._wall

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of real time pass (both clocks move)."""
        if seconds < 0:
            raise ValueError("time does not run backwards; use set_wall() for clock changes")
        self._mono += seconds
        self._wall += seconds

    def suspend(self, seconds: float) -> None:
        """Simulate a suspended computer: the wall clock moves, monotonic does not."""
        if seconds < 0:
            raise ValueError("a suspend cannot last a negative time")
        self._wall += seconds

    def set_wall(self, wall: float) -> None:
        """Simulate the user or NTP setting the system clock."""
        self._wall = wall


class ScaledClock:
    """A real clock running ``factor`` times faster. For demos, soak tests and self-tests."""

    def __init__(self, factor: float, base: Clock | None = None) -> None:
        if factor <= 0:
            raise ValueError("factor must be positive")
        self._base = base or SystemClock()
        self._factor = factor
        self._mono0 = self._base.monotonic()
        self._wall0 = self._base.wall()

    def monotonic(self) -> float:
        return self._mono0 + (self._base.monotonic() - self._mono0) * self._factor

    def wall(self) -> float:
        return self._wall0 + (self._base.monotonic() - self._mono0) * self._factor
