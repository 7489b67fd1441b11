"""The session log: a local SQLite database that survives crashes and power loss.

Import from here; the modules behind this face each hold one job:

* :mod:`.schema`: the tables, their migrations and the pragmas of every connection;
* :mod:`.opener`: opening a log (checked, migrated after a backup, never silently replaced);
* :mod:`.store`: writing (one committed transaction per change), on top of
* :mod:`.queries`: reading for History, reports and the command line;
* :mod:`.records`: what the log holds, as plain values;
* :mod:`.recorder`: writing a running session from the engine's events;
* :mod:`.export`: CSV;
* :mod:`.backups`: backups with SQLite's backup API, and restore;
* :mod:`.errors`: the ways the log can fail.
"""

from .backups import DEFAULT_KEEP, BackupInfo, backup_due, list_backups, make_backup, prune, restore_backup
from .errors import StoreError, StoreReadOnly, StoreTooNew, StoreWriteError
from .export import CSV_COLUMNS, csv_row, export_csv
from .opener import OPEN_BUSY_SECONDS, OpenReport, open_store
from .recorder import SessionRecorder
from .records import Filter, SessionInfo, SessionRow, StepRow, Summary, WeekTotal, iso_utc, local_offset_minutes
from .schema import SCHEMA_VERSION, STATUSES
from .store import Store

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_KEEP",
    "OPEN_BUSY_SECONDS",
    "SCHEMA_VERSION",
    "STATUSES",
    "BackupInfo",
    "Filter",
    "OpenReport",
    "SessionInfo",
    "SessionRecorder",
    "SessionRow",
    "StepRow",
    "Store",
    "StoreError",
    "StoreReadOnly",
    "StoreTooNew",
    "StoreWriteError",
    "Summary",
    "WeekTotal",
    "backup_due",
    "csv_row",
    "export_csv",
    "iso_utc",
    "list_backups",
    "local_offset_minutes",
    "make_backup",
    "open_store",
    "prune",
    "restore_backup",
]
