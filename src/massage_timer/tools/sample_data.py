"""Sample session logs: a realistic small history for screenshots, and bulk logs for benchmarks.

Both are deterministic for a given seed and ``now``. Nothing here imports Qt:
the functions only write to a :class:`~massage_timer.core.log.store.Store`.
"""

from __future__ import annotations

import random
import time
import uuid

from ..core.log import SessionInfo, Store, local_offset_minutes
from ..core.session.events import Outcome, StepRun

# (protocol_id, title, steps as (step_id, title, planned seconds or None for untimed))
PROTOCOLS: tuple[tuple[str, str, tuple[tuple[str, str, int | None], ...]], ...] = (
    (
        "classic-relaxing",
        "Classic relaxing massage",
        (
            ("lie-relaxed", "Lie on the stomach, relaxed", None),
            ("warm-up-stroking", "Warm up the painful area by stroking", 180),
            ("circular-ridge", "Circular and ridge-like movements", 300),
            ("leg", "Massage the leg in the same way", 180),
            ("closing-strokes", "Finish with light strokes", 120),
        ),
    ),
    (
        "cupping-static",
        "Placing jars (static cupping)",
        (
            ("warm-up", "Lie on the stomach; warm up the lower back", 180),
            ("torch", "Prepare the torch and the jars", None),
            ("cover-and-wait", "Place the jars, cover and wait, remove them one by one", 900),
            ("soothing-massage", "Light soothing massage with stroking", 120),
            ("rest", "Rest under a blanket", 1800),
        ),
    ),
    (
        "cupping-dynamic",
        "Dynamic cupping (moving the cup)",
        (
            ("oil-skin", "Oil the skin generously", None),
            ("apply-cup", "Apply the cup where there is pain", None),
            ("move-cup", "Move the cup slowly", 600),
            ("wrap-warm", "Wrap the lower back and keep warm", None),
        ),
    ),
    (
        "acupressure",
        "Acupressure of four standard points",
        (
            ("find-point-1", "Find the point of greatest pain (sacrum)", None),
            ("point-1-sacral", "Point 1: the point of greatest pain (sacrum)", 60),
            ("point-2-gluteal", "Point 2: the gluteal fossa", 60),
            ("point-3-knee", "Point 3: under the knee", 60),
            ("point-4-ankle", "Point 4: where the foot meets the shin", 60),
        ),
    ),
    (
        "honey",
        "Honey massage",
        (
            ("apply-honey", "Apply a tablespoon of honey to the lower back", None),
            ("absorb", "Let the honey absorb", 150),
            ("rub-in", "Rub the remaining honey into the skin", None),
            ("pats", "Light pats with the palms", None),
            ("wipe", "Remove the coating", None),
            ("wrap", "Wrap the lower back", None),
        ),
    ),
)

PEOPLE = ("Me", "Anna", "Grandpa Jo")
_FIRST_NAMES = (
    "Anna",
    "Maria",
    "Olga",
    "Ivan",
    "Peter",
    "John",
    "Elena",
    "Sergei",
    "Nina",
    "Paul",
    "Анна",
    "Мария",
    "Ольга",
    "Иван",
    "Пётр",
    "Елена",
    "Сергей",
    "Нина",
    "Юлия",
    "Алексей",
    "Hanna",
    "Jörg",
    "Zoë",
    "Lena",
    "Mark",
)
_LAST_NAMES = (
    "Smith",
    "Brown",
    "Miller",
    "Weber",
    "Novak",
    "Garcia",
    "Keller",
    "Fischer",
    "Wagner",
    "Moreau",
    "Иванова",
    "Петрова",
    "Смирнова",
    "Ёлкина",
    "Кузнецова",
    "Попова",
    "Соколова",
    "Лебедева",
    "Козлова",
    "Новикова",
)
NOTES = (
    "",
    "",
    "",
    "Felt warm and relaxed afterwards.",
    "Left leg tingled a little during the session.",
    "Slept better that night.",
    "Stiff in the morning, easier by the evening.",
    "Skin slightly red where the jars were; gone the next day.",
    "Shorter session, had to leave early.",
)
_WEEK_SHARE = (0.35, 0.2, 0.15, 0.2, 0.1)  # how often each protocol is chosen


def _untimed_seconds(rng: random.Random) -> float:
    return rng.uniform(30, 150)


def _steps(
    rng: random.Random,
    steps: tuple[tuple[str, str, int | None], ...],
    start: float,
    stop_at: int | None,
) -> tuple[list[StepRun], float]:
    """Step runs for one session from ``start``; ``stop_at`` cuts the session at that step."""
    runs: list[StepRun] = []
    t = start
    last = len(steps) if stop_at is None else stop_at + 1
    for i, (step_id, title, planned) in enumerate(steps[:last]):
        cut = stop_at is not None and i == stop_at
        paused = rng.choice((0.0, 0.0, 0.0, rng.uniform(10, 90)))
        extensions = 0
        adjusted = 0
        if planned is not None:
            if rng.random() < 0.15:
                extensions = 1
                adjusted = 30 * rng.choice((1, 1, 2, -1))
            plan = planned + adjusted
            active = plan * (rng.uniform(0.2, 0.8) if cut else rng.uniform(0.99, 1.01))
        else:
            plan = None
            active = _untimed_seconds(rng) * (0.5 if cut else 1.0)
        overrun = rng.uniform(5, 60) if step_id in ("cover-and-wait",) and not cut else 0.0
        active += overrun
        outcome = Outcome.STOPPED if cut else Outcome.COMPLETED
        runs.append(
            StepRun(
                seq=i,
                index=i,
                step_id=step_id,
                title=title,
                side=None,
                timed=planned is not None,
                planned=plan,
                initial_planned=planned,
                started_wall=t,
                ended_wall=t + active + paused,
                active=active,
                paused=paused,
                overrun=overrun,
                extensions=extensions,
                adjusted=adjusted,
                outcome=outcome,
            )
        )
        t += active + paused
    return runs, t


def fill_sample_history(store: Store, n: int = 60, seed: int = 1, now: float | None = None) -> list[str]:
    """Create ``n`` realistic sessions over the last ~3 months; returns their ids.

    Two or three people, the five built-in protocols, pain easing a little over
    time, a few sessions stopped early and one interrupted. Deterministic for a
    given ``seed`` and ``now``.
    """
    rng = random.Random(seed)
    now = time.time() if now is None else now
    span = 90 * 86400.0
    day0 = now - span
    # Sessions spread evenly with some jitter, in the evening or the morning.
    starts = sorted(day0 + span * (i + rng.uniform(0.0, 0.8)) / n for i in range(n))
    ids: list[str] = []
    for k, approx in enumerate(starts):
        lt = time.localtime(approx)
        hour = rng.choice((8, 9, 18, 19, 20))
        start = time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, hour, rng.choice((0, 15, 30, 45)), 0, 0, 0, -1))
        start = min(start, now - 3 * 3600)
        pid, title, steps = rng.choices(PROTOCOLS, weights=_WEEK_SHARE)[0]
        person = rng.choices(PEOPLE, weights=(0.55, 0.3, 0.15))[0]
        progress = k / max(1, n - 1)
        before = max(1, min(10, round(7.5 - 3 * progress + rng.gauss(0, 1.0))))
        after = max(0, min(10, before - rng.choice((0, 1, 1, 2, 2, 3))))
        rated_before = rng.random() > 0.08
        rated_after = rng.random() > 0.12
        roll = rng.random()
        status = "stopped" if roll < 0.1 else ("interrupted" if roll < 0.13 else "completed")
        stop_at = rng.randrange(1, len(steps)) if status != "completed" else None
        sid = store.begin_session(
            SessionInfo(
                protocol_id=pid,
                protocol_title=title,
                person=person,
                steps_total=len(steps),
                side=rng.choice(("left", "right", "both")),
                stage="remission"
                if pid in ("cupping-static", "cupping-dynamic", "acupressure")
                else rng.choice(("acute", "remission")),
                pain_before=before if rated_before else None,
                variant="lower" if pid == "classic-relaxing" else None,
            ),
            start,
            session_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        )
        runs, end = _steps(rng, steps, start + rng.uniform(5, 40), stop_at)
        for run in runs:
            store.save_step(sid, run)
        if status != "interrupted":
            store.end_session(sid, status, end)
        else:
            runs[-1].outcome = Outcome.RUNNING  # as a crash leaves it
            store.save_step(sid, runs[-1])
        store.update_session(
            sid,
            pain_after=after if (rated_after and status == "completed") else None,
            notes=rng.choice(NOTES),
        )
        ids.append(sid)
    # What the next start-up does with sessions a crash left running; mark them as seen.
    for sid in store.mark_interrupted():
        store.update_session(sid, reviewed=True)
    return ids


def client_names(n: int) -> list[str]:
    """``n`` different client names, Latin and Cyrillic, in a fixed order (bulk logs)."""
    names = [f"{first} {last}" for last in _LAST_NAMES for first in _FIRST_NAMES]
    names += [f"{name} {k}" for k in range(2, n // len(names) + 2) for name in names[: n - len(names)]]
    return names[:n]


def generate_bulk(
    store: Store, n: int, seed: int = 7, now: float | None = None, years: float = 10.0, clients: int = 0
) -> None:
    """Insert ``n`` completed sessions with their steps in one transaction (benchmarks).

    Sessions are spread over the last ``years`` years, for a few people (or, with
    ``clients``, that many clients: :func:`client_names`) and the five built-in
    protocols, with pain ratings that drift down over time. The clients are created
    first, then the sessions are inserted linked to them (:meth:`Store.bulk_insert`).
    """
    rng = random.Random(seed)
    now = time.time() if now is None else now
    span = years * 365.25 * 86400
    t0 = now - span
    offset = local_offset_minutes(now)
    people = (
        tuple(client_names(clients))
        if clients
        else (*PEOPLE, "Client A", "Client B", "Client C", "Client D", "Client E")
    )
    sessions: list[tuple[object, ...]] = []
    step_rows: list[tuple[object, ...]] = []
    for i in range(n):
        start = t0 + span * (i + rng.random() * 0.9) / n
        pid, title, steps = PROTOCOLS[rng.randrange(len(PROTOCOLS))]
        progress = i / max(1, n - 1)
        before = max(1, min(10, round(7 - 3 * progress + rng.gauss(0, 1.2))))
        after = max(0, before - rng.randrange(0, 4))
        sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        t = start
        for k, (step_id, step_title, planned) in enumerate(steps):
            active = float(planned) if planned is not None else 60.0
            step_rows.append(
                (
                    sid,
                    k,
                    k,
                    step_id,
                    step_title,
                    None,
                    int(planned is not None),
                    planned,
                    planned,
                    t,
                    t + active,
                    active,
                    0.0,
                    0.0,
                    0,
                    0,
                    0,
                    0.0,
                    "completed",
                )
            )
            t += active
        sessions.append(
            (
                sid,
                pid,
                title,
                "",
                None,
                people[rng.randrange(len(people))],
                "",
                "both",
                "remission",
                start,
                offset,
                t,
                "completed",
                len(steps),
                before,
                after,
                "",
                1,
            )
        )
    store.bulk_insert(sessions, step_rows)
