"""Reading and checking protocol files: from bytes on disk to a valid :class:`Protocol`.

Loading never raises anything but :class:`ProtocolError`, whose message names
the file and the place: ``my.toml: steps[2].duration.max: must be >= min (2m)``.

A file may start with a UTF-8 byte order mark (Windows Notepad writes one). No text
may hold a control character (an escape sequence in a title could clear or retitle
the terminal of whoever lists the protocols); multi-line text (instructions, a
summary) may keep line breaks and tabs.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Iterable
from pathlib import Path

import msgspec

from ..durations import format_duration
from ..image_refs import check_image_ref, safe_join
from ..text import control_character, escaped
from .format import (
    MAX_FILE_BYTES,
    MAX_ITEMS,
    MAX_NESTING,
    MAX_STEP_SECONDS,
    MAX_STEPS,
    MAX_TEXT,
    SCHEMA_VERSION,
    SIDES,
    LoadedProtocol,
    Protocol,
    Step,
)
from .problems import Problem, ProtocolError

_MSGSPEC_PATH = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<where>[^`]*)`)?$", re.S)


def _msgspec_problem(err: msgspec.ValidationError) -> Problem:
    match = _MSGSPEC_PATH.match(str(err))
    assert match is not None
    what = match.group("what").strip()
    where = (match.group("where") or "").lstrip(".")
    what = what.replace("Object contains unknown field", "unknown field")
    what = what.replace("Object missing required field", "missing required field")
    what = what.replace("Expected `", "expected `")
    # msgspec quotes unknown keys as they are: never let a key's escape sequence reach a terminal
    return Problem(escaped(where) or "(top level)", escaped(what))


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
    text = text.removeprefix("\ufeff")  # a byte order mark, as Windows Notepad writes
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


def _texts(protocol: Protocol) -> Iterable[tuple[str, str, bool]]:
    """Every text of a protocol as (where, text, may span lines)."""
    yield "id", protocol.id, False
    yield "title", protocol.title, False
    yield "summary", protocol.summary, True
    yield "source", protocol.source, False
    yield "image", protocol.image or "", False
    for i, item in enumerate(protocol.contraindications):
        yield f"contraindications[{i}].id", item.id, False
        yield f"contraindications[{i}].question", item.question, True
        yield f"contraindications[{i}].reason", item.reason, True
    for i, text in enumerate(protocol.precautions):
        yield f"precautions[{i}]", text, True
    for i, text in enumerate(protocol.equipment):
        yield f"equipment[{i}]", text, False
    for i, variant in enumerate(protocol.variants):
        yield f"variants[{i}].id", variant.id, False
        yield f"variants[{i}].title", variant.title, False
        yield f"variants[{i}].description", variant.description, True
    for i, step in enumerate(protocol.steps):
        where = f"steps[{i}]"
        yield f"{where}.id", step.id, False
        yield f"{where}.title", step.title, False
        yield f"{where}.instructions", step.instructions, True
        yield f"{where}.image", step.image or "", False
        for j, variant_id in enumerate(step.variants):
            yield f"{where}.variants[{j}]", variant_id, False
        for j, cue in enumerate(step.cues):
            yield f"{where}.cues[{j}].at", cue.at if isinstance(cue.at, str) else "", False
            yield f"{where}.cues[{j}].text", cue.text, False
            yield f"{where}.cues[{j}].image", cue.image or "", False
        if step.items is not None:
            yield f"{where}.items.name", step.items.name, False
            yield f"{where}.items.plural", step.items.plural, False


def _control_problems(protocol: Protocol) -> Iterable[Problem]:
    for where, text, multiline in _texts(protocol):
        found = control_character(text, multiline=multiline)
        if found is not None:
            yield Problem(where, f"contains a control character ({found})")


def _semantic_problems(protocol: Protocol, roots: tuple[Path, ...]) -> Iterable[Problem]:
    controls = list(_control_problems(protocol))
    if controls:
        yield from controls
        return  # the checks below quote these texts; one problem each is enough
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
        yield from _items_problems(step, where)
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
        if step.body_timer:
            yield Problem(
                f"{where}.body_timer",
                "only a timed step can run on the body (it needs a time to end at); "
                "add a duration or remove 'body_timer'",
            )
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


def _items_problems(step: Step, where: str) -> Iterable[Problem]:
    items = step.items
    if items is None:
        return
    if not (step.body_timer and step.duration is not None):
        needs = "body_timer = true" if step.duration is not None else "a duration and body_timer = true"
        yield Problem(
            f"{where}.items",
            "only a timed step that runs on the body can have items (each item's time goes on "
            f"on the body from its placing); add {needs} or remove 'items'",
        )
    where = f"{where}.items"
    lo, default, hi = int(items.min), int(items.default), int(items.max)
    if lo < 1:
        yield Problem(f"{where}.min", "must be at least 1s")
    if hi > MAX_STEP_SECONDS:
        yield Problem(f"{where}.max", f"must be at most {format_duration(MAX_STEP_SECONDS)}")
    if hi < lo:
        yield Problem(f"{where}.max", f"must be >= min ({format_duration(lo)})")
    elif not lo <= default <= hi:
        yield Problem(
            f"{where}.default",
            f"must lie between min and max ({format_duration(lo)}-{format_duration(hi)})",
        )
    if items.most is not None and not 1 <= items.most <= MAX_ITEMS:
        yield Problem(f"{where}.most", f"must be between 1 and {MAX_ITEMS} (got {items.most})")


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
            candidate = safe_join(root, one)
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
