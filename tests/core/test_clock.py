"""The clocks: which readings each platform uses, and how the fake and scaled clocks move."""

from __future__ import annotations

import ctypes
import sys
import time
from types import SimpleNamespace

import pytest

from massage_timer.core.clock import (
    ClockSources,
    FakeClock,
    FakeClockNoBoot,
    ScaledClock,
    SystemClock,
    sleep_inclusive,
    system_sources,
    windows_sources,
)

# ------------------------------------------------------------------ the fake clocks


def test_the_fake_clock_s_boot_time_counts_suspends_but_not_clock_changes() -> None:
    clock = FakeClock()
    mono, boot, wall = clock.monotonic(), clock.boottime(), clock.wall()
    clock.advance(10)
    assert (clock.monotonic() - mono, clock.boottime() - boot, clock.wall() - wall) == (10, 10, 10)
    clock.suspend(600)
    assert (clock.monotonic() - mono, clock.boottime() - boot, clock.wall() - wall) == (10, 610, 610)
    clock.set_wall(wall + 86_400)
    assert (clock.monotonic() - mono, clock.boottime() - boot, clock.wall() - wall) == (10, 610, 86_400)
    assert sleep_inclusive(clock) == clock.boottime


def test_a_fake_clock_without_boot_time_has_none() -> None:
    clock = FakeClockNoBoot()
    assert sleep_inclusive(clock) is None
    mono, wall = clock.monotonic(), clock.wall()
    clock.suspend(600)
    assert (clock.monotonic() - mono, clock.wall() - wall) == (0, 600)


@pytest.mark.parametrize("seconds", [-1.0, -0.001])
def test_the_fake_clock_refuses_negative_time(seconds: float) -> None:
    clock = FakeClock()
    with pytest.raises(ValueError):
        clock.advance(seconds)
    with pytest.raises(ValueError):
        clock.suspend(seconds)


def test_an_object_without_a_callable_boottime_has_no_sleep_inclusive_clock() -> None:
    assert sleep_inclusive(SimpleNamespace(monotonic=time.monotonic, wall=time.time)) is None
    assert sleep_inclusive(SimpleNamespace(boottime=12.0)) is None


# ------------------------------------------------------------------ the system clock, per platform


class FakeTime:
    """The names of the ``time`` module that the clock uses, with a reading per clock id."""

    CLOCK_MONOTONIC = 1

    def monotonic(self) -> float:
        return 42.0

    def clock_gettime(self, clock_id: int) -> float:
        return {1: 111.0, 7: 777.0}[clock_id]


class FakeLinuxTime(FakeTime):
    CLOCK_BOOTTIME = 7


def test_on_linux_boot_time_is_clock_boottime() -> None:
    sources = system_sources("linux", clocks=FakeLinuxTime())  # type: ignore[arg-type]
    assert sources.monotonic() == 42.0
    assert sources.boottime is not None and sources.boottime() == 777.0


def test_on_macos_boot_time_is_clock_monotonic_which_counts_sleep() -> None:
    sources = system_sources("darwin", clocks=FakeLinuxTime())  # type: ignore[arg-type]
    assert sources.monotonic() == 42.0  # mach_absolute_time: stops during sleep
    assert sources.boottime is not None and sources.boottime() == 111.0


def test_a_system_without_a_sleep_inclusive_clock_has_no_boot_time() -> None:
    clocks = FakeTime()
    assert not hasattr(clocks, "CLOCK_BOOTTIME")
    sources = system_sources("freebsd", clocks=clocks)  # type: ignore[arg-type]
    assert sources.boottime is None
    assert sleep_inclusive(SystemClock(sources)) is None


class FakeKernel32:
    """``QueryUnbiasedInterruptTime`` and ``GetTickCount64`` as ctypes would call them."""

    def __init__(self) -> None:
        self.unbiased = 123_456_789_0  # 100 ns units: 123.456789 s
        self.ticks = 987_654  # ms
        self.fail = False

        def query(ref) -> int:  # noqa: ANN001
            if self.fail:
                return 0
            ref._obj.value = self.unbiased
            return 1

        def ticks() -> int:
            return self.ticks

        self.QueryUnbiasedInterruptTime = query
        self.GetTickCount64 = ticks


def test_on_windows_monotonic_excludes_sleep_and_boot_time_includes_it() -> None:
    kernel32 = FakeKernel32()
    sources = system_sources("win32", kernel32=kernel32)
    assert sources.monotonic() == pytest.approx(123.456789)
    assert sources.boottime is not None and sources.boottime() == pytest.approx(987.654)
    assert kernel32.GetTickCount64.restype is ctypes.c_ulonglong  # not truncated to 32 bits
    kernel32.unbiased += 10 * 10**7
    kernel32.ticks += 610_000  # ten seconds awake, ten minutes asleep
    assert sources.monotonic() == pytest.approx(133.456789)
    assert sources.boottime() == pytest.approx(1597.654)


def test_on_windows_a_failed_read_is_an_error_not_a_zero() -> None:
    kernel32 = FakeKernel32()
    kernel32.fail = True
    with pytest.raises(OSError):
        windows_sources(kernel32).monotonic()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux clocks")
def test_the_system_clock_here_has_boot_time_and_runs() -> None:
    clock = SystemClock()
    boottime = sleep_inclusive(clock)
    assert boottime is not None
    first = (clock.monotonic(), boottime())
    second = (clock.monotonic(), boottime())
    assert second[0] >= first[0] and second[1] >= first[1], "neither clock runs backwards"
    assert abs(clock.wall() - time.time()) < 1.0
    # boot time never runs slower than monotonic time
    assert (second[1] - first[1]) - (second[0] - first[0]) > -0.005


def test_a_system_clock_takes_its_sources() -> None:
    clock = SystemClock(ClockSources(monotonic=lambda: 5.0, boottime=lambda: 9.0))
    assert (clock.monotonic(), sleep_inclusive(clock)()) == (5.0, 9.0)  # type: ignore[misc]


# ------------------------------------------------------------------ the scaled clock


def test_a_scaled_clock_scales_boot_time_and_suspends() -> None:
    base = FakeClock()
    clock = ScaledClock(60, base)
    boottime = sleep_inclusive(clock)
    assert boottime is not None
    mono, boot, wall = clock.monotonic(), boottime(), clock.wall()
    base.advance(1)
    assert (clock.monotonic() - mono, boottime() - boot, clock.wall() - wall) == (60, 60, 60)
    base.suspend(10)
    assert (clock.monotonic() - mono, boottime() - boot, clock.wall() - wall) == (60, 660, 660)
    base.set_wall(base.wall() + 86_400)  # a clock change on the base does not reach the scaled clock
    assert clock.wall() - wall == 660


def test_a_scaled_clock_on_a_base_without_boot_time_has_none() -> None:
    base = FakeClockNoBoot()
    clock = ScaledClock(10, base)
    assert sleep_inclusive(clock) is None
    mono, wall = clock.monotonic(), clock.wall()
    base.advance(2)
    base.suspend(100)
    assert (clock.monotonic() - mono, clock.wall() - wall) == (20, 20)


def test_a_scaled_clock_needs_a_positive_factor() -> None:
    with pytest.raises(ValueError):
        ScaledClock(0, FakeClock())
