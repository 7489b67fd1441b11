"""The session log: a local SQLite database, how it is opened, written, read, exported and backed up."""
