"""What "Repeat last session" sets up: the client's last protocol, variant, side and durations.

:func:`repeat_preset` reads them from the log for the setup sheet's ``preset``; the stage and
the safety answers are never repeated (the sheet asks them again).
"""

from __future__ import annotations

from ....core.log import Store
from ....core.protocols.format import LoadedProtocol
from ....core.protocols.library import Library


def variant_title(library: Library, protocol_id: str, variant_id: str) -> str | None:
    """The title of a protocol's variant in the library, or None when it is not there."""
    loaded = library.get(protocol_id)
    return next((v.title for v in loaded.protocol.variants if v.id == variant_id), None) if loaded else None


def repeat_preset(store: Store, library: Library, client_id: str) -> tuple[LoadedProtocol, dict] | str:
    """(the protocol, the sheet's preset) of the client's last session, or why it cannot be repeated."""
    client = store.client(client_id)
    if client is None:
        return "This client is no longer in the session log."
    last = store.last_session(client_id)
    if last is None:
        return f"“{client.name}” has no sessions yet, so there is no last session to repeat."
    loaded = library.get(last.protocol_id)
    if loaded is None:
        return (
            f"The last session of “{client.name}” used the protocol “{last.protocol_title}”, which is no longer "
            "in your protocol library, so it cannot be repeated. Choose a protocol on the Protocols page instead."
        )
    preset = {
        "person": client.name,
        "variant": last.variant,
        "side": last.side,
        "durations": store.planned_durations(last.id),
    }
    return loaded, preset
