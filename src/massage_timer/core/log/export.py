"""Exporting the log: CSV, JSON and the plain table of the command line, to a stream or a private file.

* **CSV** follows RFC 4180: rows end with CR LF and every field that holds a CR, a LF,
  a comma or a quote is quoted, so a line break in a name or a note never splits a
  row. Every text cell a spreadsheet would run as a formula (``=...``) starts with ``'``.
  It has one row per session (:data:`CSV_COLUMNS`) or one per step run
  (:data:`STEP_CSV_COLUMNS`); the headers are stable English keys.
  :data:`CSV_BOM_DEFAULT` says whether a file starts with a UTF-8 byte order mark,
  which spreadsheets need to read accents (and Cyrillic) right.
* **JSON** keeps every text exactly as written (JSON escapes control characters).
* **The table** is for a terminal: line breaks show as ``⏎`` and control characters
  (escape sequences) are dropped (:func:`massage_timer.core.text.printable`).

A file is written by :func:`write_export_file`: user-only (0600) whatever the umask,
under a temporary name that replaces the target only once it is complete.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, TextIO

from ..durations import format_duration, whole_seconds
from ..paths import private_replacement
from ..text import printable
from .edits.notes import SOAP_FIELDS, SoapNote
from .queries import LogQueries
from .records import Filter, SessionRow, StepRow, iso_utc

CSV_COLUMNS = (
    "session_id",
    "started_at",
    "ended_at",
    "person",
    "protocol_id",
    "protocol_title",
    "status",
    "planned_seconds",
    "actual_seconds",
    "steps_done",
    "steps_total",
    "side",
    "stage",
    "pain_before",
    "pain_after",
    "notes",
    "variant",
    "performed_by",
    "utc_offset_minutes",
    "client",
    "soap_subjective",
    "soap_objective",
    "soap_assessment",
    "soap_plan",
    "signed_at",
)
"""The sessions CSV, one row per session. ``client`` is the person (``person``) until client records exist.
The ``soap_*`` columns are the session's SOAP note (empty without one); ``signed_at`` when it was signed."""

STEP_CSV_COLUMNS = (
    "session_id",
    "seq",
    "step_index",
    "step_id",
    "title",
    "side",
    "timed",
    "planned_seconds",
    "initial_planned_seconds",
    "started_at",
    "ended_at",
    "active_seconds",
    "paused_seconds",
    "overrun_seconds",
    "extensions",
    "adjusted_seconds",
    "overridden",
    "slept_seconds",
    "outcome",
    "bounced",
    "body_timer",
    "guidance_paused_seconds",
    "snoozes",
    "snoozed_seconds",
    "over_max",
)
"""The steps CSV, one row per step run (oldest session first, then in the order run); flags are 1 or 0."""

CSV_BOM_DEFAULT = True
"""Whether a CSV export starts with a UTF-8 byte order mark unless told otherwise
(``--bom`` / ``--no-bom``); History's export always writes it."""

BOM = "\ufeff"

Format = Literal["csv", "json", "table"]
Rows = Literal["sessions", "steps"]
ROWS = ("sessions", "steps")


def export_csv(
    log: LogQueries | None,
    out: TextIO | io.StringIO,
    flt: Filter | None = None,
    *,
    bom: bool = False,
    rows: Rows = "sessions",
) -> int:
    """Write the filtered sessions of ``log`` as CSV (oldest first). Returns the row count.

    ``rows`` is ``"sessions"`` (one row each, :data:`CSV_COLUMNS`) or ``"steps"`` (one
    row per step run, :data:`STEP_CSV_COLUMNS`). ``out`` should be opened with
    ``newline=""`` (rows end with CR LF already). Without a log only the header is written.
    """
    if rows not in ROWS:
        raise ValueError(f"rows must be one of {ROWS}, not {rows!r}")
    if bom:
        out.write(BOM)
    # CR LF rows, as RFC 4180 says; the csv module also quotes exactly the fields holding a
    # character of the line terminator, so with "\n" alone a bare CR went out unquoted.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS if rows == "sessions" else STEP_CSV_COLUMNS)
    n = 0
    notes = log.soap_notes() if log is not None and rows == "sessions" else {}
    for s in log.sessions(flt, newest_first=False) if log is not None else ():
        if rows == "sessions":
            writer.writerow(csv_row(s, soap=notes.get(s.id)))
            n += 1
            continue
        for step in log.steps(s.id):
            writer.writerow(step_csv_row(s.id, step))
            n += 1
    return n


def csv_row(s: SessionRow, *, spreadsheet_safe: bool = True, soap: SoapNote | None = None) -> list[object]:
    """One session as export values, in :data:`CSV_COLUMNS` order (``soap``: its SOAP note, if any).

    ``spreadsheet_safe`` prefixes free text that a spreadsheet would run as a
    formula; turn it off for formats that are not opened in spreadsheets (JSON).
    """
    row: list[object] = [
        s.id,
        iso_utc(s.started_ts),
        iso_utc(s.ended_ts),
        s.person,
        s.protocol_id,
        s.protocol_title,
        s.status,
        s.planned_seconds,
        whole_seconds(s.actual_seconds),
        s.steps_done,
        s.steps_total,
        s.side or "",
        s.stage or "",
        "" if s.pain_before is None else s.pain_before,
        "" if s.pain_after is None else s.pain_after,
        s.notes,
        s.variant or "",
        s.performed_by,
        s.utc_offset_min,
        s.person,  # client: the person until client records exist
        *(getattr(soap, name) if soap is not None else "" for name in SOAP_FIELDS),
        iso_utc(s.signed_ts),
    ]
    return _spreadsheet_cells(row) if spreadsheet_safe else row


def step_csv_row(session_id: str, r: StepRow) -> list[object]:
    """One step run as export values, in :data:`STEP_CSV_COLUMNS` order, formulas neutralised."""
    return _spreadsheet_cells(
        [
            session_id,
            r.seq,
            r.step_index,
            r.step_id,
            r.title,
            r.side or "",
            int(r.timed),
            "" if r.planned is None else r.planned,
            "" if r.initial_planned is None else r.initial_planned,
            iso_utc(r.started_ts),
            iso_utc(r.ended_ts),
            round(r.active_seconds, 1),
            round(r.paused_seconds, 1),
            round(r.overrun_seconds, 1),
            r.extensions,
            r.adjusted_seconds,
            int(r.overridden),
            round(r.slept_seconds, 1),
            r.outcome,
            r.bounced,
            int(r.body_timer),
            round(r.guidance_paused_seconds, 1),
            r.snoozes,
            round(r.snoozed_seconds, 1),
            int(r.over_max),
        ]
    )


def _spreadsheet_cells(row: list[object]) -> list[object]:
    """Neutralise spreadsheet formulas in every text cell; numbers stay numbers."""
    return [_spreadsheet_text(v) if isinstance(v, str) else v for v in row]


def _spreadsheet_text(text: str) -> str:
    """Neutralise spreadsheet formulas in text (a name or note starting with '=' stays text)."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def export_json(log: LogQueries | None, out: TextIO | io.StringIO, flt: Filter | None = None) -> int:
    """Write the filtered sessions with their steps as JSON, texts exactly as written. Returns the count."""
    data = []
    notes = log.soap_notes() if log is not None else {}
    for s in log.sessions(flt, newest_first=False) if log is not None else ():
        item = dict(zip(CSV_COLUMNS, csv_row(s, spreadsheet_safe=False, soap=notes.get(s.id)), strict=True))
        item["steps"] = [
            {
                "title": r.title,
                "side": r.side,
                "planned_seconds": r.planned,
                "actual_seconds": round(r.active_seconds, 1),
                "paused_seconds": round(r.paused_seconds, 1),
                "overrun_seconds": round(r.overrun_seconds, 1),
                "extensions": r.extensions,
                "outcome": r.outcome,
            }
            for r in log.steps(s.id)
        ]
        data.append(item)
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return len(data)


def table_lines(log: LogQueries | None, flt: Filter | None = None) -> Iterator[str]:
    """The filtered sessions, newest first, one printable line each (for a terminal)."""
    for s in log.sessions(flt) if log is not None else ():
        pain = ""
        if s.pain_before is not None or s.pain_after is not None:
            pain = f"pain {s.pain_before if s.pain_before is not None else '-'}"
            pain += f"->{s.pain_after if s.pain_after is not None else '-'}"
        person, title = printable(s.person), printable(s.protocol_title)
        yield (
            f"{iso_utc(s.started_ts)}  {person[:16]:<16} {title[:30]:<30} "
            f"{format_duration(s.actual_seconds):>8} {s.status:<11} {pain}"
        )


def write_export(
    log: LogQueries | None,
    out: TextIO | io.StringIO,
    fmt: Format,
    flt: Filter | None = None,
    *,
    bom: bool = False,
    rows: Rows = "sessions",
) -> int:
    """Write the filtered sessions to ``out`` as CSV, JSON or the table; returns the row count.

    ``bom`` and ``rows`` (sessions or step runs) are for CSV only.
    """
    if fmt == "csv":
        return export_csv(log, out, flt, bom=bom, rows=rows)
    if fmt == "json":
        return export_json(log, out, flt)
    n = 0
    for line in table_lines(log, flt):
        out.write(line + "\n")
        n += 1
    return n


def write_export_file(
    log: LogQueries | None,
    path: Path,
    fmt: Format,
    flt: Filter | None = None,
    *,
    bom: bool = False,
    rows: Rows = "sessions",
) -> int:
    """Write an export to the file ``path``, user-only (0600) and complete or not at all.

    Raises:
        OSError: the file cannot be written (its ``filename`` is ``path``); an older
            file at ``path`` is then left as it was.
    """
    with private_replacement(Path(path)) as partial, open(partial, "w", encoding="utf-8", newline="") as out:
        return write_export(log, out, fmt, flt, bom=bom, rows=rows)
