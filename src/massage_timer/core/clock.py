"""Injected time sources.

The engine never reads the system time itself. It asks a :class:`Clock` for
two readings, and for a third where the clock has it:

* ``monotonic()``: seconds on a clock that never goes backwards and stands
  still while the computer is suspended.
* ``wall()``: seconds since the Unix epoch (UTC). The user or a time server
  may set it back or forward at any moment.
* ``boottime()`` (optional): seconds on a clock that never goes backwards and
  keeps counting while the computer is suspended.

How a suspend is told apart from a clock change: a suspend is the
sleep-inclusive clock (``boottime()``) growing more than ``monotonic()``
between two readings. The wall clock is never used to detect a suspend, so a
wall clock set forward (or back) is a clock change and nothing else. A clock
without ``boottime()`` cannot see suspends at all: its sessions run on
monotonic time, as if the computer had stayed awake. :func:`sleep_inclusive`
is how the engine finds out which kind of clock it has.

:class:`SystemClock` picks this computer's clocks:

* Linux: ``time.monotonic()`` and ``CLOCK_BOOTTIME``.
* macOS: ``time.monotonic()`` (``mach_absolute_time``, which stops during
  sleep) and ``clock_gettime(CLOCK_MONOTONIC)``, which keeps counting while
  the computer is asleep.
* Windows: ``QueryUnbiasedInterruptTime`` (stops during sleep and
  hibernation) and ``GetTickCount64`` (includes them).
"""

from __future__ import annotations

import ctypes
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

Reading = Callable[[], float]


class Clock(Protocol):
    """What the engine needs to know about time (``boottime()`` is optional, see the module)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards and stops during a suspend."""
        ...

    def wall(self) -> float:
        """Seconds since the Unix epoch, UTC."""
        ...


def sleep_inclusive(clock: object) -> Reading | None:
    """The clock's ``boottime`` reading, or None when it has none (then suspends go unseen)."""
    boottime = getattr(clock, "boottime", None)
    return boottime if callable(boottime) else None


@dataclass(frozen=True)
class ClockSources:
    """The readings a :class:`SystemClock` uses."""

    monotonic: Reading
    boottime: Reading | None


def system_sources(platform: str = sys.platform, *, kernel32: Any = None, clocks: ModuleType = time) -> ClockSources:
    """This computer's monotonic and sleep-inclusive clocks.

    Args:
        platform: ``sys.platform``.
        kernel32: on Windows, the library with the tick counters (loaded when None).
        clocks: the ``time`` module (or a stand-in with the same names).
    """
    if platform == "win32":
        return windows_sources(kernel32 if kernel32 is not None else ctypes.WinDLL("kernel32"))  # type: ignore[attr-defined]
    if platform == "darwin":
        return ClockSources(clocks.monotonic, lambda: clocks.clock_gettime(clocks.CLOCK_MONOTONIC))
    if hasattr(clocks, "CLOCK_BOOTTIME"):
        return ClockSources(clocks.monotonic, lambda: clocks.clock_gettime(clocks.CLOCK_BOOTTIME))
    return ClockSources(clocks.monotonic, None)


def windows_sources(kernel32: Any) -> ClockSources:
    """Windows' counters: the unbiased interrupt time excludes sleep, the tick count includes it."""
    kernel32.GetTickCount64.restype = ctypes.c_ulonglong
    kernel32.GetTickCount64.argtypes = []

    def monotonic() -> float:
        ticks = ctypes.c_ulonglong()
        if not kernel32.QueryUnbiasedInterruptTime(ctypes.byref(ticks)):
            raise OSError("QueryUnbiasedInterruptTime failed")
        return ticks.value / 1e7  # 100 ns units

    def boottime() -> float:
        return kernel32.GetTickCount64() / 1000.0

    return ClockSources(monotonic, boottime)


class SystemClock:
    """The real clocks of this computer (see the module for which they are).

    Args:
        sources: the readings to use (this computer's when None).
    """

    monotonic: Reading
    boottime: Reading | None
    """None on a system without a sleep-inclusive clock: suspends then go unseen."""

    def __init__(self, sources: ClockSources | None = None) -> None:
        sources = sources or system_sources()
        self.monotonic = sources.monotonic
        self.boottime = sources.boottime

    def wall(self) -> float:
        return time.time()


class FakeClock:
    """A clock that only moves when told to. For tests and simulations.

    It has a ``boottime()``, like the real clocks: :meth:`suspend` moves it and the wall
    clock but not monotonic time; :meth:`set_wall` moves only the wall clock. For a clock
    without boot time, use :class:`FakeClockNoBoot`.

    Args:
        start_wall: the wall time to start at (default 2026-01-05 09:00 UTC).
    """

    def __init__(self, start_wall: float = 1_767_603_600.0) -> None:
        self._mono = 1000.0
        self._since_boot = 5000.0
        self._wall = start_wall

    def monotonic(self) -> float:
        return self._mono

    def wall(self) -> float:
        return self._wall

    def boottime(self) -> float:
        return self._since_boot

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of real time pass (every clock moves)."""
        if seconds < 0:
            raise ValueError("time does not run backwards; use set_wall() for clock changes")
        self._mono += seconds
        self._since_boot += seconds
        self._wall += seconds

    def suspend(self, seconds: float) -> None:
        """Simulate a suspended computer: boot time and the wall clock move, monotonic does not."""
        if seconds < 0:
            raise ValueError("a suspend cannot last a negative time")
        self._since_boot += seconds
        self._wall += seconds

    def set_wall(self, wall: float) -> None:
        """Simulate the user or NTP setting the system clock."""
        self._wall = wall


class FakeClockNoBoot(FakeClock):
    """A :class:`FakeClock` without ``boottime()``: it cannot see a suspend (like a custom clock)."""

    boottime = None  # type: ignore[assignment]


class ScaledClock:
    """A real clock running ``factor`` times faster. For demos, soak tests and self-tests.

    It has a ``boottime()`` when ``base`` has one; a suspend then lasts ``factor`` times
    longer on it, and the wall clock follows boot time.
    """

    boottime: Reading | None

    def __init__(self, factor: float, base: Clock | None = None) -> None:
        if factor <= 0:
            raise ValueError("factor must be positive")
        self._base = base or SystemClock()
        self._factor = factor
        self._mono0 = self._base.monotonic()
        self._wall0 = self._base.wall()
        self._base_boot = sleep_inclusive(self._base)
        self._boot0 = self._base_boot() if self._base_boot is not None else None
        self.boottime = self._boottime if self._base_boot is not None else None

    def monotonic(self) -> float:
        return self._mono0 + (self._base.monotonic() - self._mono0) * self._factor

    def _boottime(self) -> float:
        assert self._base_boot is not None and self._boot0 is not None
        return self._boot0 + (self._base_boot() - self._boot0) * self._factor

    def wall(self) -> float:
        if self._base_boot is not None and self._boot0 is not None:
            return self._wall0 + (self._base_boot() - self._boot0) * self._factor
        return self._wall0 + (self._base.monotonic() - self._mono0) * self._factor
