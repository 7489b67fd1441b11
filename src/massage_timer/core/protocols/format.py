"""The protocol file format (TOML): its fields, its limits, and a valid protocol as the app holds it.

A protocol file describes one massage routine: who it suits, what must be
checked before starting, and its steps with their timing. The format is
documented for users in ``protocols/README.md``. Reading and checking a file
is :mod:`massage_timer.core.protocols.reading`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import msgspec

from ..durations import parse_duration
from ..image_refs import safe_join

SCHEMA_VERSION = 1
MAX_FILE_BYTES = 256 * 1024
MAX_STEPS = 100
MAX_STEP_SECONDS = 4 * 3600
MAX_TEXT = 4000
MAX_TITLE = 120
MAX_ITEM_NAME = 40
"""An item's name in cues ("jar", "jars"): a word or two."""
MAX_ITEMS = 100
MAX_NESTING = 16
"""Arrays and tables inside each other: a protocol needs 5 levels (steps[].cues[])."""
SIDES = ("left", "right")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

Stage = Literal["acute", "remission"]
Advance = Literal["auto", "wait"]


class _Strict(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class Duration(_Strict):
    """A timed step's range. Values are human durations; after loading they are whole seconds."""

    min: int | str
    default: int | str
    max: int | str
    suggested: bool = False
    """True when the source gives no figure and the range is the app's suggestion."""

    def __post_init__(self) -> None:
        for name in ("min", "default", "max"):
            try:
                setattr(self, name, parse_duration(getattr(self, name)))
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None


class Items(_Strict):
    """Things placed on the body one by one, each with its own time (jars on the skin).

    Only a step that runs on the body (``body_timer``) may have items. Each item's time is
    counted from the moment it is placed; durations are whole seconds after loading.
    """

    name: str
    """The singular noun used in cues: "jar 1 on", "remove jar 2"."""
    plural: str
    min: int | str
    max: int | str
    default: int | str
    most: int | None = None
    """At most this many items in one run of the step (None: no limit but :data:`MAX_ITEMS`)."""

    def __post_init__(self) -> None:
        for name in ("min", "default", "max"):
            try:
                setattr(self, name, parse_duration(getattr(self, name)))
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        _check_text(self.name, "name", MAX_ITEM_NAME)
        _check_text(self.plural, "plural", MAX_ITEM_NAME)

    @property
    def limit(self) -> int:
        """How many items one run of the step takes at most."""
        return MAX_ITEMS if self.most is None else min(self.most, MAX_ITEMS)


class Cue(_Strict):
    """A prompt during a timed step, e.g. "change direction" at half time.

    ``at`` is a share of the step (``"50%"``), a time from the start (``"5m"``)
    or a time before the end (``"-1m"``).
    """

    at: str | int
    text: str
    image: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.at, str) and self.at.strip().endswith("%"):
            number = self.at.strip()[:-1].strip()
            try:
                share = float(number)
            except ValueError:
                raise ValueError(f"{self.at!r} is not a percentage") from None
            if not 0 < share < 100:
                raise ValueError(f"a cue at {self.at!r} must lie strictly between 0% and 100%")
        elif isinstance(self.at, str) and self.at.strip().startswith("-"):
            parse_duration(self.at.strip()[1:])
        else:
            parse_duration(self.at)
        _check_text(self.text, "text", MAX_TITLE * 2)

    def offset(self, duration: float) -> float:
        """Seconds from the step's start at which this cue fires for a step of ``duration``."""
        at = self.at
        if isinstance(at, str) and at.strip().endswith("%"):
            return duration * float(at.strip()[:-1]) / 100.0
        if isinstance(at, str) and at.strip().startswith("-"):
            return duration - parse_duration(at.strip()[1:])
        return float(parse_duration(at))


class Step(_Strict):
    id: str
    title: str
    instructions: str
    image: str | None = None
    duration: Duration | None = None
    """None: an untimed step, a stopwatch counts up until the user says done."""
    advance: Advance = "auto"
    """For timed steps: "auto" moves on at the end, "wait" rings and waits for the caregiver."""
    per_side: bool = False
    variants: list[str] = []
    cues: list[Cue] = []
    optional: bool = False
    body_timer: bool = False
    """For timed steps: the step's process goes on on the body whatever the app does (jars on the
    skin, honey absorbing, rest under a blanket). Pause then pauses only the guidance: the step
    still ends at its time."""
    items: Items | None = None
    """On a body step: things placed one by one, each timed from its placing (see :class:`Items`)."""

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_text(self.title, "title", MAX_TITLE)
        _check_text(self.instructions, "instructions", MAX_TEXT)

    @property
    def timed(self) -> bool:
        return self.duration is not None

    def image_for(self, side: str | None) -> str | None:
        """The image reference with ``{side}`` filled in (left when no side is chosen)."""
        if self.image is None:
            return None
        return self.image.replace("{side}", side if side in SIDES else "left")


class Contraindication(_Strict):
    id: str
    question: str
    reason: str

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_text(self.question, "question", MAX_TEXT)
        _check_text(self.reason, "reason", MAX_TEXT)


class Variant(_Strict):
    id: str
    title: str
    description: str = ""

    def __post_init__(self) -> None:
        _check_id(self.id)
        _check_text(self.title, "title", MAX_TITLE)


class Protocol(_Strict):
    schema: int
    id: str
    title: str
    summary: str
    stages: list[Stage]
    steps: list[Step]
    contraindications: list[Contraindication] = []
    precautions: list[str] = []
    equipment: list[str] = []
    variants: list[Variant] = []
    source: str = ""
    """Where the content comes from (e.g. a section of the source article)."""
    image: str | None = None
    """An overview picture (e.g. a body map of the points), shown with the protocol's details."""

    def __post_init__(self) -> None:
        if self.schema > SCHEMA_VERSION:
            raise ValueError(
                f"written for a newer Massage Timer (schema {self.schema}; this version reads schema {SCHEMA_VERSION})"
            )
        if self.schema < 1:
            raise ValueError(f"schema must be {SCHEMA_VERSION}")
        _check_id(self.id)
        _check_text(self.title, "title", MAX_TITLE)
        _check_text(self.summary, "summary", MAX_TEXT)

    def has_sides(self, variant: str | None = None) -> bool:
        """Whether a side (left/right/both) must be chosen for ``variant`` (None: any variant)."""
        steps = self.steps if variant is None else self.steps_for(variant)
        return any(step.per_side for step in steps)

    def steps_for(self, variant: str | None) -> list[Step]:
        """The steps that apply to ``variant`` (steps without variants always apply)."""
        return [s for s in self.steps if not s.variants or (variant in s.variants)]

    def duration_range(self, variant: str | None = None, both_sides: bool = False) -> tuple[int, int]:
        """Total (min, max) seconds of the timed steps; untimed steps add nothing."""
        lo = hi = 0
        for step in self.steps_for(variant):
            if step.duration is None:
                continue
            times = 2 if (both_sides and step.per_side) else 1
            if not step.optional:
                lo += int(step.duration.min) * times
            hi += int(step.duration.max) * times
        return lo, hi

    def has_untimed(self, variant: str | None = None) -> bool:
        return any(s.duration is None for s in self.steps_for(variant))

    def suits(self, stage: str) -> bool:
        return stage in self.stages


def _check_id(value: str) -> None:
    if not _ID.match(value):
        raise ValueError(
            f"id {value!r} must be 1-64 lower-case letters, digits or '-', starting with a letter or digit"
        )


def _check_text(value: str, name: str, limit: int) -> None:
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    if len(value) > limit:
        raise ValueError(f"{name} is too long ({len(value)} characters; at most {limit})")
    if "\x00" in value:
        raise ValueError(f"{name} contains a NUL character")


@dataclass
class LoadedProtocol:
    """A valid protocol plus where it came from."""

    protocol: Protocol
    path: Path
    source: bytes = field(default=b"", repr=False)
    """The file's bytes, as validated."""
    image_roots: tuple[Path, ...] = field(default=())

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of the file as validated (logged with each session; worked out when first asked)."""
        import hashlib  # loads OpenSSL: not needed before the first session

        return hashlib.sha256(self.source).hexdigest()

    def resolve_image(self, ref: str | None) -> Path | None:
        """The file behind an image reference, or None (validated at load time)."""
        if ref is None:
            return None
        for root in self.image_roots:
            candidate = safe_join(root, ref)
            if candidate is not None and candidate.is_file():
                return candidate
        return None
