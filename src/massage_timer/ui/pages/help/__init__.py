"""The Help page (:class:`HelpPage`): its texts, kept apart from the page that lays them out, and its views."""

from .page import HelpPage

__all__ = ["HelpPage"]
