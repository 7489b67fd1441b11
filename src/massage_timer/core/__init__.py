"""The app's model: protocols, session engine, clock, session log, paths and the rules for text.

Nothing in this package imports Qt; ``tests/core/test_no_qt.py`` proves it.
"""
