"""A session engine on a fake clock with every event it sent: the rig of the body-step and reminder tests."""

from __future__ import annotations

from massage_timer.core.clock import FakeClock
from massage_timer.core.protocols.format import Protocol
from massage_timer.core.protocols.reading import read_protocol
from massage_timer.core.resources import builtin_protocols_dir, resources_dir
from massage_timer.core.session.engine import SessionEngine
from massage_timer.core.session.events import Event

MINUTE = 60
JARS = 2
"""The index of cupping-static's "cover-and-wait" step (10-20 minutes, waits, on the body)."""


def builtin(protocol_id: str) -> Protocol:
    return read_protocol(builtin_protocols_dir() / f"{protocol_id}.toml", (resources_dir(),)).protocol


class Session:
    """An engine on a fake clock plus every event it sent."""

    def __init__(self, plan, clock: FakeClock, **kwargs) -> None:  # noqa: ANN001
        self.clock = clock
        self.engine = SessionEngine(plan, clock, **kwargs)
        self.events: list[Event] = []
        self.engine.subscribe(self.events.append)

    def of(self, kind: type[Event]) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    def tick(self, seconds: float, every: float | None = None) -> None:
        """Let ``seconds`` pass, looking at the clock every ``every`` seconds (once at the end by default)."""
        step = every or seconds
        left = seconds
        while left > 1e-9:
            one = min(step, left)
            self.clock.advance(one)
            self.engine.poll()
            left -= one
