"""Exporting the log: CSV, JSON and the plain table of the command line, to a stream or a private file.

* **CSV** follows RFC 4180: rows end with CR LF and every field that holds a CR, a LF,
  a comma or a quote is quoted, so a line break in a name or a note never splits a
  row. Text a spreadsheet would run as a formula (``=...``) starts with ``'``.
  :data:`CSV_BOM_DEFAULT` says whether a file starts with a UTF-8 byte order mark,
  which spreadsheets need to read accents right.
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

CSV_BOM_DEFAULT = False
"""Whether a CSV export starts with a UTF-8 byte order mark unless told otherwise
(``--bom`` / ``--no-bom``, the choice of file type in History's save dialog)."""

BOM = "\ufeff"

Format = Literal["csv", "json", "table"]


def export_csv(
    log: LogQueries | None, out: TextIO | io.StringIO, flt: Filter | None = None, *, bom: bool = False
) -> int:
    """Write the filtered sessions of ``log`` as CSV (oldest first). Returns the row count.

    ``out`` should be opened with ``newline=""`` (rows end with CR LF already).
    Without a log only the header is written.
    """
    if bom:
        out.write(BOM)
    # CR LF rows, as RFC 4180 says; the csv module also quotes exactly the fields holding a
    # character of the line terminator, so with "\n" alone a bare CR went out unquoted.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    n = 0
    for s in log.sessions(flt, newest_first=False) if log is not None else ():
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
        whole_seconds(s.actual_seconds),
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


def export_json(log: LogQueries | None, out: TextIO | io.StringIO, flt: Filter | None = None) -> int:
    """Write the filtered sessions with their steps as JSON, texts exactly as written. Returns the count."""
    data = []
    for s in log.sessions(flt, newest_first=False) if log is not None else ():
        item = dict(zip(CSV_COLUMNS, csv_row(s, spreadsheet_safe=False), strict=True))
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
    log: LogQueries | None, out: TextIO | io.StringIO, fmt: Format, flt: Filter | None = None, *, bom: bool = False
) -> int:
    """Write the filtered sessions to ``out`` as CSV, JSON or the table; returns the session count.

    ``bom`` is for CSV only.
    """
    if fmt == "csv":
        return export_csv(log, out, flt, bom=bom)
    if fmt == "json":
        return export_json(log, out, flt)
    n = 0
    for line in table_lines(log, flt):
        out.write(line + "\n")
        n += 1
    return n


def write_export_file(
    log: LogQueries | None, path: Path, fmt: Format, flt: Filter | None = None, *, bom: bool = False
) -> int:
    """Write an export to the file ``path``, user-only (0600) and complete or not at all.

    Raises:
        OSError: the file cannot be written (its ``filename`` is ``path``); an older
            file at ``path`` is then left as it was.
    """
    with private_replacement(Path(path)) as partial, open(partial, "w", encoding="utf-8", newline="") as out:
        return write_export(log, out, fmt, flt, bom=bom)
