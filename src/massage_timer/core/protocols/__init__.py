"""Protocols: the file format, reading and checking files, the library of built-in and user protocols,
the safety gate."""
