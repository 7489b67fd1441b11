"""The session log as files on disk, kept whole over the months.

* :mod:`.files`: what is at the log's path, judged before SQLite opens it, and the one checked way to connect;
* :mod:`.backups`: backups with SQLite's backup API, and restore;
* :mod:`.integrity`: SQLite's full ``integrity_check``, run in the background, and what to offer on damage;
* :mod:`.merge`: importing the sessions of another computer's log (or a backup) into this one,
  and :mod:`.merge_report`: what an import did, in plain lines.
"""
