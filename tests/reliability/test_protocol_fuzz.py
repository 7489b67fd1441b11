"""Promise 5: bad protocol files never crash anything.

Hypothesis feeds the loader arbitrary bytes, arbitrary text, and TOML that is
well formed and shaped like a protocol but carries wrong values (generated
from the schema: every field may get a value of any TOML type). Every outcome
must be a protocol or a :class:`ProtocolError` whose every line names the
file; no other exception, no hang.

The TOML for the third test is written by a tiny emitter below (the standard
library reads TOML but does not write it); each document is read back with
``tomllib`` and compared, so the emitter cannot silently produce something
else than intended.
"""

from __future__ import annotations

import copy
import math
import tempfile
import time
import tomllib
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from massage_timer.core.protocols.format import MAX_FILE_BYTES, Protocol
from massage_timer.core.protocols.problems import ProtocolError
from massage_timer.core.protocols.reading import parse_protocol, read_protocol

NAME = "fuzzed.toml"
EXAMPLES = 1000
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
IMAGE_ROOT = Path(tempfile.mkdtemp(prefix="massage-timer-fuzz-"))
(IMAGE_ROOT / "step.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")

tried = {"bytes": 0, "text": 0, "schema": 0, "valid": 0}


def check_outcome(data: bytes) -> Protocol | ProtocolError:
    """Parse; anything but a Protocol or a well-formed ProtocolError fails the test."""
    t0 = time.perf_counter()
    try:
        result: Protocol | ProtocolError = parse_protocol(data, NAME, (IMAGE_ROOT,))
    except ProtocolError as exc:
        assert exc.file == NAME and exc.problems
        for line in str(exc).split("\n"):
            assert line.startswith(f"{NAME}: "), line
        result = exc
    assert time.perf_counter() - t0 < 2.0, "parsing took too long"
    return result


# ------------------------------------------------------------------ arbitrary input


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data: bytes) -> None:
    tried["bytes"] += 1
    check_outcome(data)


@FUZZ
@given(st.text(max_size=2048))
def test_arbitrary_text(text: str) -> None:
    tried["text"] += 1
    check_outcome(text.encode("utf-8", "surrogatepass"))


# ------------------------------------------------------------------ TOML shaped like a protocol


def toml_key(key: str) -> str:
    if key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key):
        return key
    return toml_string(key)


def toml_string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(value: object) -> str:
    """One TOML value, written inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, dtime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(table: dict) -> str:
    return "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in table.items())


def same(a: object, b: object) -> bool:
    """Equality that counts nan as equal to nan (TOML has nan)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.just("x" * 4001),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0, tzinfo=UTC)
    ),
    st.dates(),
    st.sampled_from(["", " ", "30s", "2m", "-1m", "1h", "50%", "150%", "0%", "99.9%", "x%", "1m30s", "9" * 30]),
    st.sampled_from(["acute", "remission", "auto", "wait", "left", "right", "both", "a-b", "A B", "1"]),
)
anything = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=12,
)

IDS = st.sampled_from(["step-a", "step-b", "x", "upper", "lower", "a" * 70, "Bad Id", ""])
IMAGES = st.sampled_from(
    [
        "step.svg",
        "missing.png",
        "../step.svg",
        "/etc/passwd.svg",
        "C:\\x.svg",
        "\\\\server\\share\\x.svg",
        "file:///etc/x.svg",
        "step.jpg",
        "images/{side}.svg",
        "",
    ]
)


def field(good: st.SearchStrategy) -> st.SearchStrategy:
    """A field's value: usually a plausible one, now and then anything at all."""
    return st.integers(0, 5).flatmap(lambda n: good if n else anything)


def table(required: dict, optional: dict) -> st.SearchStrategy:
    """A dict with the schema's keys (some dropped), plus now and then an unknown key."""
    keys = {**required, **optional}

    @st.composite
    def build(draw: st.DrawFn) -> dict:
        out = {}
        for key, strategy in keys.items():
            if key in optional and draw(st.booleans()):
                continue
            if key in required and draw(st.integers(0, 19)) == 0:
                continue  # a missing required field
            out[key] = draw(strategy)
        if draw(st.integers(0, 9)) == 0:
            out[draw(st.sampled_from(["extra", "Title", "step", "durations"]))] = draw(anything)
        return out

    return build()


duration = table(
    {
        "min": field(st.sampled_from(["30s", "1m", 10, 60])),
        "default": field(st.sampled_from(["1m", "2m", 60, 120])),
        "max": field(st.sampled_from(["5m", "10m", 300, 4 * 3600 + 1])),
    },
    {"suggested": field(st.booleans())},
)
cue = table(
    {
        "at": field(st.sampled_from(["50%", "-1m", "30s", 20, "0%", "100%"])),
        "text": field(st.text(min_size=1, max_size=30)),
    },
    {"image": field(IMAGES)},
)
step = table(
    {
        "id": field(IDS),
        "title": field(st.text(min_size=1, max_size=30)),
        "instructions": field(st.text(min_size=1, max_size=60)),
    },
    {
        "image": field(IMAGES),
        "duration": field(duration),
        "advance": field(st.sampled_from(["auto", "wait", "later"])),
        "per_side": field(st.booleans()),
        "variants": field(st.lists(st.sampled_from(["upper", "lower", "other"]), max_size=3)),
        "cues": field(st.lists(cue, max_size=3)),
        "optional": field(st.booleans()),
    },
)
protocol_table = table(
    {
        "schema": field(st.sampled_from([1, 0, 2, -1])),
        "id": field(IDS),
        "title": field(st.text(min_size=1, max_size=30)),
        "summary": field(st.text(min_size=1, max_size=60)),
        "stages": field(st.lists(st.sampled_from(["acute", "remission", "chronic"]), max_size=3)),
        "steps": field(st.lists(step, max_size=4)),
    },
    {
        "contraindications": field(
            st.lists(
                table(
                    {"id": field(IDS), "question": field(st.text(max_size=20)), "reason": field(st.text(max_size=20))},
                    {},
                ),
                max_size=2,
            )
        ),
        "precautions": field(st.lists(st.text(max_size=20), max_size=3)),
        "equipment": field(st.lists(st.text(max_size=20), max_size=3)),
        "variants": field(
            st.lists(
                table(
                    {"id": field(st.sampled_from(["upper", "lower"])), "title": field(st.text(max_size=20))},
                    {"description": field(st.text(max_size=20))},
                ),
                max_size=2,
            )
        ),
        "source": field(st.text(max_size=20)),
    },
)


VALID = {
    "schema": 1,
    "id": "fuzz-base",
    "title": "Fuzz base",
    "summary": "A valid protocol that the fuzzer damages.",
    "stages": ["acute", "remission"],
    "precautions": ["Keep warm."],
    "equipment": ["Oil"],
    "variants": [{"id": "upper", "title": "Upper"}, {"id": "lower", "title": "Lower"}],
    "contraindications": [{"id": "fever", "question": "Fever?", "reason": "Not with fever."}],
    "steps": [
        {
            "id": "warm-up",
            "title": "Warm up",
            "instructions": "Stroke the back.",
            "image": "step.svg",
            "duration": {"min": "2m", "default": "5m", "max": "10m"},
            "cues": [{"at": "50%", "text": "Change direction"}, {"at": "-1m", "text": "One minute left"}],
        },
        {
            "id": "cups",
            "title": "Cups on",
            "instructions": "Leave them on.",
            "duration": {"min": "30s", "default": "2m", "max": "5m", "suggested": True},
            "advance": "wait",
            "per_side": True,
            "variants": ["lower"],
        },
        {"id": "arms", "title": "Arms", "instructions": "Arms.", "variants": ["upper"]},
        {"id": "rest", "title": "Rest", "instructions": "Rest.", "optional": True},
    ],
}


def paths_in(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every place in a document (dict keys and list indexes)."""
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(paths_in(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(paths_in(v, (*prefix, i)))
    return out


@st.composite
def mutated_valid(draw: st.DrawFn) -> dict:
    """A valid protocol with up to three fields replaced by anything, or removed."""
    doc = copy.deepcopy(VALID)
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        places = paths_in(doc)
        place = draw(st.sampled_from(places))
        parent = doc
        for part in place[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and draw(st.integers(0, 3)) == 0:
            del parent[place[-1]]
        else:
            parent[place[-1]] = draw(anything)
    return doc


@FUZZ
@given(st.one_of(protocol_table, mutated_valid()))
def test_toml_shaped_like_a_protocol_with_wrong_values(doc: dict) -> None:
    tried["schema"] += 1
    text = toml_document(doc)
    assert same(tomllib.loads(text), doc), "the test's TOML writer is wrong"
    outcome = check_outcome(text.encode())
    if isinstance(outcome, Protocol):
        tried["valid"] += 1


def test_the_generator_reaches_valid_protocols_and_many_kinds_of_error() -> None:
    """The schema strategy is not just noise: some documents are valid, errors vary."""
    found_valid = False
    wheres: set[str] = set()

    @settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(protocol_table, mutated_valid()))
    def probe(doc: dict) -> None:
        nonlocal found_valid
        outcome = check_outcome(toml_document(doc).encode())
        if isinstance(outcome, Protocol):
            found_valid = True
        else:
            wheres.update(p.where.split("[")[0].split(".")[0] for p in outcome.problems)

    probe()
    assert found_valid
    assert len(wheres) >= 5, wheres


# ------------------------------------------------------------------ size and nesting limits


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 100_000 + "]" * 100_000,
        "a = " + "[" * 100_000,
        "a = " + "{b = " * 50_000 + "}" * 50_000,
        "steps = [" + "[" * 30 + "]" * 30 + "]",
        "[" + "a." * 5000 + "b]\nc = 1",
    ],
    ids=["arrays-100000", "unclosed-100000", "tables-50000", "arrays-32", "dotted-5000"],
)
def test_deep_nesting_is_rejected_fast(text: str) -> None:
    t0 = time.perf_counter()
    outcome = check_outcome(text.encode())
    assert isinstance(outcome, ProtocolError)
    assert time.perf_counter() - t0 < 1.0


def test_a_huge_file_is_refused_before_it_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with open(path, "wb") as handle:
        handle.write(b"# " + b"x" * (64 * 1024 * 1024) + b"\n")
    t0 = time.perf_counter()
    with pytest.raises(ProtocolError) as info:
        read_protocol(path)
    assert time.perf_counter() - t0 < 1.0
    assert str(info.value).startswith("huge.toml: ") and f"{MAX_FILE_BYTES // 1024} KB" in str(info.value)


def test_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints how many examples ran (for the README's figures) when run with -s."""
    with capsys.disabled():
        print(f"\nprotocol fuzzing: {tried}")
