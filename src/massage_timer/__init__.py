"""Massage Timer: a guided, illustrated session timer for massage routines against sciatica."""

# Kept equal to pyproject.toml's version by tests/test_version.py. A constant, not an
# importlib.metadata lookup: that lookup costs tens of milliseconds at every start.
__version__ = "0.1.0"

APP_NAME = "Massage Timer"
APP_ID = "massage-timer"
