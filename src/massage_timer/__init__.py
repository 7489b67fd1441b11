"""Massage Timer: a guided, illustrated session timer for massage routines against sciatica."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("massage-timer")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

APP_NAME = "Massage Timer"
APP_ID = "massage-timer"
