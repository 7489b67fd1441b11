"""The Session page: the running session, its cues, and the finish panel.

Nothing here measures time. Every number on screen comes from
:meth:`SessionController.snapshot`; the controller's signals only say *when*
to look again and which cue to give.

Import :class:`SessionPage` from here; the modules behind it each hold one job:

* :mod:`.page`: the page, its keys and the user's actions, wired to the controller;
* :mod:`.view`: its widgets (the empty and the running view), fonts and colours;
* :mod:`.render`: one snapshot drawn on the running view;
* :mod:`.events`: the cues and messages for what the running session reports;
* :mod:`.summary`: the end of a session, on :mod:`.finish`'s panel;
* :mod:`.wording`: lengths and counts in words.
"""

from .page import SessionPage

__all__ = ["SessionPage"]
