"""Exporting the log: CSV (and the values the command line's JSON uses)."""

from __future__ import annotations

import csv
import io

from .queries import LogQueries
from .records import Filter, SessionRow, iso_utc

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
)


def export_csv(log: LogQueries, out: io.TextIOBase | io.StringIO, flt: Filter | None = None) -> int:
    """Write the filtered sessions of ``log`` as CSV (oldest first). Returns the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    for s in log.sessions(flt, newest_first=False):
        writer.writerow(csv_row(s))
        n += 1
    return n


def csv_row(s: SessionRow, *, spreadsheet_safe: bool = True) -> list[object]:
    """One session as export values, in :data:`CSV_COLUMNS` order.

    ``spreadsheet_safe`` prefixes free text that a spreadsheet would run as a
    formula; turn it off for formats that are not opened in spreadsheets (JSON).
    """
    text = _spreadsheet_text if spreadsheet_safe else str
    return [
        s.id,
        iso_utc(s.started_ts),
        iso_utc(s.ended_ts),
        text(s.person),
        text(s.protocol_id),
        text(s.protocol_title),
        s.status,
        s.planned_seconds,
        round(s.actual_seconds),
        s.steps_done,
        s.steps_total,
        s.side or "",
        s.stage or "",
        "" if s.pain_before is None else s.pain_before,
        "" if s.pain_after is None else s.pain_after,
        text(s.notes),
        text(s.variant or ""),
        text(s.performed_by),
        s.utc_offset_min,
    ]


def _spreadsheet_text(text: str) -> str:
    """Neutralise spreadsheet formulas in free text (a name or note starting with '=' stays text)."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text
