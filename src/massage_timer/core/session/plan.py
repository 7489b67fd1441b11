"""Turning a protocol plus the user's choices into the list of steps to run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ..durations import format_duration
from ..protocols.format import Protocol, Step

SideChoice = Literal["left", "right", "both"]
SIDE_LABELS = {"left": "left side", "right": "right side"}


@dataclass(frozen=True)
class PlannedStep:
    """One step as it will run: a protocol step, for a side, with its planned duration."""

    step: Step
    side: str | None
    planned: int | None
    """Planned seconds; None for an untimed (stopwatch) step."""

    @property
    def timed(self) -> bool:
        return self.planned is not None

    @property
    def title(self) -> str:
        if self.side:
            return f"{self.step.title} ({SIDE_LABELS.get(self.side, self.side)})"
        return self.step.title

    @property
    def min(self) -> int | None:
        return int(self.step.duration.min) if self.step.duration else None

    @property
    def max(self) -> int | None:
        return int(self.step.duration.max) if self.step.duration else None

    @property
    def waits(self) -> bool:
        """True when the step waits for the caregiver at its end (untimed steps always do)."""
        return self.step.duration is None or self.step.advance == "wait"

    @property
    def body_timer(self) -> bool:
        """True when the step's time runs on the body: a pause leaves its end where it is."""
        return self.step.body_timer and self.step.duration is not None

    @property
    def image(self) -> str | None:
        return self.step.image_for(self.side)


class PlanError(ValueError):
    """A choice that does not fit the protocol (unknown variant, duration out of range)."""


def check_planned(step: Step, seconds: int, override: bool = False) -> int:
    """``seconds`` if it lies in the step's range (or ``override``), else PlanError."""
    if step.duration is None:
        raise PlanError(f"step {step.id!r} is untimed")
    if seconds < 1:
        raise PlanError("a step lasts at least one second")
    lo, hi = int(step.duration.min), int(step.duration.max)
    if not override and not lo <= seconds <= hi:
        raise PlanError(
            f"{step.title}: {format_duration(seconds)} is outside {format_duration(lo)}-{format_duration(hi)}"
        )
    return seconds


def build_plan(
    protocol: Protocol,
    variant: str | None = None,
    side: SideChoice | None = None,
    durations: Mapping[str, int] | None = None,
) -> list[PlannedStep]:
    """The steps to run, in order.

    A consecutive block of per-side steps runs once for the chosen side, or
    twice (left block, then right block) when ``side`` is ``"both"``.

    Raises:
        PlanError: for an unknown variant or a duration outside a step's range.
    """
    if variant is not None and variant not in {v.id for v in protocol.variants}:
        raise PlanError(f"{protocol.id} has no variant {variant!r}")
    if variant is None and protocol.variants:
        variant = protocol.variants[0].id
    durations = durations or {}
    unknown = set(durations) - {s.id for s in protocol.steps}
    if unknown:
        raise PlanError(f"{protocol.id} has no step {sorted(unknown)[0]!r}")

    def planned_for(step: Step) -> int | None:
        if step.id in durations:
            return check_planned(step, int(durations[step.id]))  # refuses untimed steps too
        if step.duration is None:
            return None
        return int(step.duration.default)

    plan: list[PlannedStep] = []
    steps = protocol.steps_for(variant)
    i = 0
    while i < len(steps):
        step = steps[i]
        if not step.per_side:
            plan.append(PlannedStep(step, None, planned_for(step)))
            i += 1
            continue
        block = []
        while i < len(steps) and steps[i].per_side:
            block.append(steps[i])
            i += 1
        sides = ["left", "right"] if side == "both" else [side] if side else [None]
        for one in sides:
            plan.extend(PlannedStep(s, one, planned_for(s)) for s in block)
    return plan
