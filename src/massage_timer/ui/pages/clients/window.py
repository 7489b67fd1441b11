"""The main window's part of the Clients page: building it, "Repeat last session", "Open in History".

:class:`ClientActions` is mixed into :class:`~massage_timer.ui.main_window.MainWindow` (as
:class:`~massage_timer.ui.log_actions.LogActions` is); it uses the window's log, library,
settings and pages, and knows the window only by those names. The page is imported when first shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ....core.log import Store
    from ....core.paths import DataPaths
    from ....core.protocols.format import LoadedProtocol
    from ....core.protocols.library import Library
    from ...settings import Settings


class ClientActions:
    """The Clients page as the main window builds and answers it (a mixin)."""

    paths: DataPaths
    settings: Settings
    library: Library
    _pages: dict[str, QWidget]

    if TYPE_CHECKING:

        @property
        def store(self) -> Store | None: ...

        @property
        def store_notice(self) -> str: ...

        def show_page(self, key: str) -> None: ...

        def prepare_session(self, loaded: LoadedProtocol, preset: dict | None = None) -> None: ...

    def _make_clients(self) -> QWidget:
        from .page import ClientsPage, unavailable

        if self.store is None:
            return unavailable("Clients are not available: " + (self.store_notice or "no session log."))
        page = ClientsPage(self.store, self.paths.backups, self.settings, lambda: self.library)
        page.repeat_requested.connect(self.repeat_last)
        page.open_history.connect(self.client_history)
        return page

    def client_history(self, client_id: str) -> None:
        """Show History, with the client's sessions when History can filter by client."""
        self.show_page("history")
        show_client = getattr(self._pages.get("history"), "show_client", None)
        if callable(show_client):
            show_client(client_id)

    def repeat_last(self, client_id: str) -> None:
        """Open the setup sheet with the client's last protocol, variant, side and durations chosen."""
        from ...widgets.basics import tell
        from .repeat import repeat_preset

        store = self.store
        found = repeat_preset(store, self.library, client_id) if store is not None else "There is no session log."
        if isinstance(found, str):
            tell(self if isinstance(self, QWidget) else None, "Repeat last session", found, warning=True)
            return
        self.prepare_session(*found)
