"""The protocol file format (TOML), its validation and loading.

A protocol file describes one massage routine: who it suits, what must be
checked before starting, and its steps with their timing. The format is
documented for users in ``protocols/README.md``.

Loading never raises anything but :class:`ProtocolError`, whose message names
the file and the place: ``my.toml: steps[2].duration.max: must be >= min (2m)``.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Literal

import msgspec

from ..durations import format_duration, parse_duration

SCHEMA_VERSION = 1
MAX_FILE_BYTES = 256 * 1024
MAX_STEPS = 100
MAX_STEP_SECONDS = 4 * 3600
MAX_TEXT = 4000
MAX_TITLE = 120
MAX_NESTING = 16
"""Arrays and tables inside each other: a protocol needs 5 levels (steps[].cues[])."""
IMAGE_SUFFIXES = (".svg", ".png")
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


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a protocol file."""

    where: str
    what: str
    line: int | None = None

    def format(self, file: str) -> str:
        place = f"line {self.line}" if self.line is not None else self.where
        if self.line is not None and self.where:
            place = f"line {self.line}: {self.where}"
        return f"{file}: {place}: {self.what}" if place else f"{file}: {self.what}"


class ProtocolError(Exception):
    """A protocol file that cannot be used, with every problem found.

    ``str(error)`` gives one ``FILE: where: what`` line per problem.
    """

    def __init__(self, file: str, problems: Iterable[Problem]) -> None:
        self.file = file
        self.problems = list(problems)
        super().__init__("\n".join(p.format(file) for p in self.problems))


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
            candidate = _safe_join(root, ref)
            if candidate is not None and candidate.is_file():
                return candidate
        return None


_MSGSPEC_PATH = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<where>[^`]*)`)?$", re.S)


def _msgspec_problem(err: msgspec.ValidationError) -> Problem:
    match = _MSGSPEC_PATH.match(str(err))
    assert match is not None
    what = match.group("what").strip()
    where = (match.group("where") or "").lstrip(".")
    what = what.replace("Object contains unknown field", "unknown field")
    what = what.replace("Object missing required field", "missing required field")
    what = what.replace("Expected `", "expected `")
    return Problem(where or "(top level)", what)


def _display_name(path: Path) -> str:
    return path.name if path.name else str(path)


def read_protocol(path: Path, image_roots: Iterable[Path] = (), *, name: str | None = None) -> LoadedProtocol:
    """Read and validate one protocol file.

    Args:
        path: the TOML file.
        image_roots: folders image references may point into, besides the file's own folder.
        name: how to name the file in messages (default: its file name).

    Raises:
        ProtocolError: for anything wrong, never another exception.
    """
    shown = name or _display_name(path)
    try:
        # Non-blocking, then checked: a FIFO or device named *.toml must not hang the app.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ProtocolError(shown, [Problem("", "is not a regular file")])
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ProtocolError(shown, [Problem("", f"cannot be read: {exc.strerror or exc}")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ProtocolError(
            shown, [Problem("", f"is larger than {MAX_FILE_BYTES // 1024} KB; is it really a protocol?")]
        )
    roots = (path.parent, *image_roots)
    protocol = parse_protocol(data, shown, roots)
    return LoadedProtocol(protocol, path, data, roots)


def parse_protocol(data: bytes, name: str, image_roots: Iterable[Path] = ()) -> Protocol:
    """Validate protocol bytes. ``image_roots`` empty means image files are not checked on disk."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(name, [Problem("", f"is not UTF-8 text (byte {exc.start})")]) from None
    if "\x00" in text:
        raise ProtocolError(name, [Problem("", "contains NUL characters; is it really a TOML file?")])
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        message = str(exc)
        msg = getattr(exc, "msg", None)
        if msg:
            message = msg
        else:
            message = re.sub(r"\s*\(at line \d+, column \d+\)$", "", message)
            if line is None:
                found = re.search(r"at line (\d+)", str(exc))
                line = int(found.group(1)) if found else None
        raise ProtocolError(name, [Problem("", f"not valid TOML: {message}", line)]) from None
    except RecursionError:
        raise ProtocolError(name, [Problem("", "not valid TOML: nested too deeply")]) from None
    depth = _nesting(raw)
    if depth > MAX_NESTING:
        raise ProtocolError(
            name, [Problem("", f"nested too deeply ({depth} levels of arrays and tables; at most {MAX_NESTING})")]
        )
    schema = raw.get("schema")
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA_VERSION:
        # Before the fields: a newer file may well use fields this version does not know.
        raise ProtocolError(
            name,
            [
                Problem(
                    "schema",
                    f"written for a newer Massage Timer (schema {schema}; this version reads "
                    f"schema {SCHEMA_VERSION}); please update Massage Timer",
                )
            ],
        )
    try:
        protocol = msgspec.convert(raw, Protocol, strict=True)
    except msgspec.ValidationError as exc:
        raise ProtocolError(name, [_msgspec_problem(exc)]) from None
    except RecursionError:
        raise ProtocolError(name, [Problem("", "nested too deeply")]) from None
    problems = list(_semantic_problems(protocol, tuple(image_roots)))
    if problems:
        raise ProtocolError(name, problems)
    return protocol


def _nesting(value: object) -> int:
    """How deeply arrays and tables nest in parsed TOML (without recursion)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            return depth
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _semantic_problems(protocol: Protocol, roots: tuple[Path, ...]) -> Iterable[Problem]:
    if not protocol.steps:
        yield Problem("steps", "a protocol needs at least one step")
    if len(protocol.steps) > MAX_STEPS:
        yield Problem("steps", f"at most {MAX_STEPS} steps")
    if not protocol.stages:
        yield Problem("stages", 'name at least one stage: "acute" or "remission"')
    if len(set(protocol.stages)) != len(protocol.stages):
        yield Problem("stages", "a stage is listed twice")
    for label, items in (("precautions", protocol.precautions), ("equipment", protocol.equipment)):
        for i, item in enumerate(items):
            if not item.strip():
                yield Problem(f"{label}[{i}]", "must not be empty")
            elif len(item) > MAX_TEXT:
                yield Problem(f"{label}[{i}]", f"is too long (at most {MAX_TEXT} characters)")
    yield from _duplicates("contraindications", [c.id for c in protocol.contraindications])
    yield from _duplicates("variants", [v.id for v in protocol.variants])
    yield from _duplicates("steps", [s.id for s in protocol.steps])
    variant_ids = {v.id for v in protocol.variants}
    if protocol.image is not None:
        yield from _image_problems(protocol.image, "image", roots)
    for i, step in enumerate(protocol.steps):
        where = f"steps[{i}]"
        for j, variant in enumerate(step.variants):
            if variant not in variant_ids:
                known = ", ".join(sorted(variant_ids)) or "none are declared"
                yield Problem(f"{where}.variants[{j}]", f"unknown variant {variant!r} (known: {known})")
        yield from _duration_problems(step, where)
        if step.image is not None:
            yield from _image_problems(step.image, f"{where}.image", roots)
        for j, cue in enumerate(step.cues):
            if cue.image is not None:
                yield from _image_problems(cue.image, f"{where}.cues[{j}].image", roots)
    if protocol.variants and not any(not s.variants for s in protocol.steps):
        pass  # every step belongs to a variant: allowed, each variant is then its own routine
    for variant in protocol.variants:
        if not protocol.steps_for(variant.id):
            yield Problem("variants", f"variant {variant.id!r} has no steps")


def _duplicates(where: str, ids: list[str]) -> Iterable[Problem]:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            yield Problem(f"{where}[{i}].id", f"{ident!r} is used twice; ids must be unique")
        seen.add(ident)


def _duration_problems(step: Step, where: str) -> Iterable[Problem]:
    d = step.duration
    if d is None:
        if step.cues:
            yield Problem(f"{where}.cues", "cues need a timed step (add a duration)")
        if step.advance != "auto":
            yield Problem(f"{where}.advance", "an untimed step always waits for the user; remove 'advance'")
        return
    lo, default, hi = int(d.min), int(d.default), int(d.max)
    if lo < 1:
        yield Problem(f"{where}.duration.min", "must be at least 1s")
    if hi > MAX_STEP_SECONDS:
        yield Problem(f"{where}.duration.max", f"must be at most {format_duration(MAX_STEP_SECONDS)}")
    if hi < lo:
        yield Problem(f"{where}.duration.max", f"must be >= min ({format_duration(lo)})")
    if not lo <= default <= hi:
        yield Problem(
            f"{where}.duration.default",
            f"must lie between min and max ({format_duration(lo)}-{format_duration(hi)})",
        )
    for j, cue in enumerate(step.cues):
        for length in {lo, hi}:
            offset = cue.offset(length)
            if not 0 < offset < length:
                yield Problem(
                    f"{where}.cues[{j}].at",
                    f"{cue.at!r} falls outside a step of {format_duration(length)}",
                )
                break


_DRIVE = re.compile(r"^[A-Za-z]:")


def check_image_ref(ref: str) -> str | None:
    """Why ``ref`` is not an acceptable image reference, or None when it is."""
    if not ref.strip():
        return "must not be empty"
    if "\x00" in ref:
        return "contains a NUL character"
    lowered = ref.strip().lower()
    if re.match(r"^[a-z][a-z0-9+.-]*:", lowered) and not _DRIVE.match(ref):
        return "must be a relative file path, not a URL"
    if _DRIVE.match(ref) or ref.startswith(("/", "\\")) or PureWindowsPath(ref).is_absolute():
        return "must be a relative path (no drive letter or leading slash)"
    parts = PurePosixPath(ref.replace("\\", "/")).parts
    if ".." in parts:
        return "must not contain '..'"
    if not lowered.endswith(IMAGE_SUFFIXES):
        return "only .svg and .png images are accepted"
    return None


def _safe_join(root: Path, ref: str) -> Path | None:
    """``root/ref`` if it stays inside ``root`` once symlinks are resolved, else None."""
    if check_image_ref(ref) is not None:
        return None
    try:
        base = root.resolve()
        candidate = (base / ref.replace("\\", "/")).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if candidate != base and base not in candidate.parents:
        return None
    return candidate


def _image_problems(ref: str, where: str, roots: tuple[Path, ...]) -> Iterable[Problem]:
    why = check_image_ref(ref)
    if why is not None:
        yield Problem(where, f"{ref!r} {why}")
        return
    if not roots:
        return
    refs = [ref.replace("{side}", s) for s in SIDES] if "{side}" in ref else [ref]
    for one in refs:
        found = False
        escaped = False
        for root in roots:
            candidate = _safe_join(root, one)
            if candidate is None:
                if (root / one).exists():
                    escaped = True
                continue
            if candidate.is_file():
                found = True
                break
        if not found:
            if escaped:
                yield Problem(where, f"{one!r} leads outside its folder (a link?)")
            else:
                yield Problem(where, f"{one!r} not found next to the protocol or in the app's resources")
