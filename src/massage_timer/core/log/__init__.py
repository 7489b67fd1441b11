"""The session log: a local SQLite database that survives crashes and power loss.

Import from here; the modules behind this face each hold one job:

* :mod:`.schema`: the tables, their migrations, the pragmas of every connection and the checks of a log;
* :mod:`.opener`: opening a log (checked, migrated after a backup, never silently replaced);
* :mod:`.store`: writing (one committed transaction per change), on top of
* :mod:`.queries`: reading for History, reports and the command line;
* :mod:`.records`: what the log holds, as plain values;
* :mod:`.recorder`: writing a running session from the engine's events;
* :mod:`.export`: CSV, JSON and the command line's table, to a stream or a private file;
* :mod:`.pending`: the writes the log could not take yet (a full disk), replayed when it can;
* :mod:`.edits`: what is changed in a session later, with the original kept (:mod:`.edits.amendments`),
  notes in the SOAP form, signing and addenda (:mod:`.edits.notes`);
* :mod:`.disk`: the log as files: what is at its path before SQLite opens it (:mod:`.disk.files`),
  backups and restore (:mod:`.disk.backups`), the full integrity check (:mod:`.disk.integrity`),
  importing another computer's log (:mod:`.disk.merge`);
* :mod:`.people`: the clients, their near duplicates and merges, and the answers remembered for them;
* :mod:`.errors`: the ways the log can fail.
"""

from .disk.backups import (
    DEFAULT_KEEP,
    BackupInfo,
    backup_due,
    backup_failure_message,
    list_backups,
    make_backup,
    prune,
    restore_backup,
)
from .disk.integrity import IntegrityCheck, IntegrityResult
from .disk.merge import ImportReport, LogImportError, import_log
from .edits.amendments import AmendmentError, is_resumption
from .edits.notes import Addendum, NoteError, SessionSigned, SoapNote
from .errors import NotesTooLong, StoreError, StoreReadOnly, StoreTooNew, StoreWriteError
from .export import CSV_BOM_DEFAULT, CSV_COLUMNS, csv_row, export_csv, write_export, write_export_file
from .opener import OPEN_BUSY_SECONDS, OpenReport, open_store, reopen_writable
from .pending import PendingWrites
from .people import (
    DEFAULT_MAX_AGE_DAYS,
    AnswerState,
    Client,
    ClientError,
    MergeOutcome,
    RememberedAnswer,
    answer_state,
)
from .recorder import SessionRecorder
from .records import (
    Amendment,
    Filter,
    ItemRow,
    SessionInfo,
    SessionRow,
    StepRow,
    Summary,
    WeekTotal,
    iso_utc,
    local_offset_minutes,
)
from .schema import SCHEMA_VERSION, STATUSES
from .store import Store

__all__ = [
    "CSV_BOM_DEFAULT",
    "CSV_COLUMNS",
    "DEFAULT_MAX_AGE_DAYS",
    "DEFAULT_KEEP",
    "OPEN_BUSY_SECONDS",
    "SCHEMA_VERSION",
    "STATUSES",
    "Addendum",
    "Amendment",
    "AnswerState",
    "AmendmentError",
    "BackupInfo",
    "Client",
    "ClientError",
    "Filter",
    "ImportReport",
    "IntegrityCheck",
    "IntegrityResult",
    "ItemRow",
    "LogImportError",
    "MergeOutcome",
    "NoteError",
    "NotesTooLong",
    "OpenReport",
    "PendingWrites",
    "RememberedAnswer",
    "SessionInfo",
    "SessionRecorder",
    "SessionRow",
    "SessionSigned",
    "SoapNote",
    "StepRow",
    "Store",
    "StoreError",
    "StoreReadOnly",
    "StoreTooNew",
    "StoreWriteError",
    "Summary",
    "WeekTotal",
    "answer_state",
    "backup_due",
    "backup_failure_message",
    "csv_row",
    "export_csv",
    "import_log",
    "is_resumption",
    "iso_utc",
    "list_backups",
    "local_offset_minutes",
    "make_backup",
    "open_store",
    "prune",
    "reopen_writable",
    "restore_backup",
    "write_export",
    "write_export_file",
]
