"""Changes made to a logged session after the fact, each kept beside the value it replaced.

* :mod:`.amendments`: pain after, notes and the status of an interrupted session, amended later
  with the original kept (the ``session_amendments`` table).
* :mod:`.notes`: notes in the SOAP form, signing a session, and addenda to a signed one.
"""
