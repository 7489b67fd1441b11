"""The Help page: keys, safety, the sciatic nerve, prevention, a self-check, and About.

The page lays the Help texts (:mod:`.texts`) out in tabs, with the building
blocks of :mod:`.views`. The app guides a routine; it never diagnoses.
"""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSize, Qt, Signal, qVersion
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .... import APP_NAME, __version__
from ....core.diagnostics import current_log_folder
from ....core.resources import ResourceError, resource_path
from ...services.crash_dialog import open_log_folder
from ...shortcuts import GLOBAL_SHORTCUTS, SESSION_SHORTCUTS, KeyMap
from ...widgets.basics import app_icon, button, card, check_row, plain_label, set_role
from .texts import (
    APP_SUMMARY,
    ARTICLE_TITLE,
    DISCLAIMER,
    LOG_FOLDER_NOTE,
    NANTES_ADDITIONAL,
    NANTES_MAIN,
    NERVE_HTML,
    PEDAL_NOTE,
    PREVENTION_HTML,
    RED_FLAGS_TEXT,
    RED_FLAGS_TITLE,
    SAFETY_HTML,
    SELF_CHECK_ANY,
    SELF_CHECK_INTRO,
    SELF_CHECK_NONE,
    SELF_CHECK_TESTS,
)
from .views import (
    Illustration,
    Readable,
    RedFlagBox,
    browser,
    fill_keys,
    relayout_scroll_area,
    scrolling,
    shortcut_table,
)


class HelpPage(QWidget):
    """Help and About, in tabs."""

    self_test_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(plain_label("Help", "title"))

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.addTab(self._keyboard_tab(), "Keyboard")
        self.tabs.addTab(self._safety_tab(), "Safety")
        self.tabs.addTab(self._nerve_tab(), "Sciatic nerve")
        self.tabs.addTab(self._prevention_tab(), "Prevention")
        self.tabs.addTab(self._self_check_tab(), "Pudendal self-check")
        self.tabs.addTab(self._about_tab(), "About")
        layout.addWidget(self.tabs, 1)

    def show_tab(self, title: str) -> None:
        """Bring the tab whose title starts with ``title`` to the front."""
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i).startswith(title):
                self.tabs.setCurrentIndex(i)
                return
        raise KeyError(title)

    def set_keymap(self, keymap: KeyMap) -> None:
        """Show the keys the user has now (Settings → Keys and pedal)."""
        fill_keys(self.session_table, SESSION_SHORTCUTS, keymap)
        fill_keys(self.global_table, GLOBAL_SHORTCUTS, keymap)

    # Keyboard ----------------------------------------------------------------

    def _keyboard_tab(self) -> QWidget:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 16, 4, 16)
        column.setSpacing(10)

        pedal = card()
        pedal_layout = QVBoxLayout(pedal)
        pedal_layout.setContentsMargins(16, 12, 16, 12)
        pedal_layout.addWidget(plain_label(PEDAL_NOTE))
        column.addWidget(pedal)

        column.addSpacing(6)
        column.addWidget(plain_label("During a session", "heading"))
        self.session_table = shortcut_table(SESSION_SHORTCUTS)
        column.addWidget(self.session_table)
        column.addSpacing(6)
        column.addWidget(plain_label("Anywhere in the app", "heading"))
        self.global_table = shortcut_table(GLOBAL_SHORTCUTS)
        column.addWidget(self.global_table)
        column.addStretch(1)
        return scrolling(Readable(content))

    # Safety ------------------------------------------------------------------

    def _safety_tab(self) -> QWidget:
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(4, 16, 4, 8)
        column.setSpacing(12)

        self.disclaimer_label = plain_label(DISCLAIMER, "heading")
        column.addWidget(self.disclaimer_label)
        column.addWidget(plain_label(f"From the article “{ARTICLE_TITLE}”:", "muted"))

        self.safety_text = browser(SAFETY_HTML)
        column.addWidget(self.safety_text, 1)

        self.red_flags = RedFlagBox()
        box = QVBoxLayout(self.red_flags)
        box.setContentsMargins(16, 12, 16, 14)
        box.setSpacing(6)
        self.red_flags_title = plain_label(RED_FLAGS_TITLE, "danger")
        self.red_flags_text = plain_label(RED_FLAGS_TEXT)
        box.addWidget(self.red_flags_title)
        box.addWidget(self.red_flags_text)
        column.addWidget(self.red_flags)
        return Readable(inner)

    # Sciatic nerve -------------------------------------------------------------

    def _nerve_tab(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(4, 16, 4, 8)
        row.setSpacing(16)
        self.nerve_illustration: QLabel | None = None
        try:
            path = resource_path("illustrations/sciatic-nerve-map.svg")
        except ResourceError:
            path = None
        if path is not None:
            self.nerve_illustration = Illustration(path)
            self.nerve_illustration.setAccessibleName("Map of the sciatic nerve")
            row.addWidget(self.nerve_illustration, 5)
        self.nerve_text = browser(NERVE_HTML)
        row.addWidget(self.nerve_text, 6)
        return page

    # Prevention ----------------------------------------------------------------

    def _prevention_tab(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(4, 16, 4, 8)
        self.prevention_text = browser(PREVENTION_HTML)
        column.addWidget(Readable(self.prevention_text))
        return page

    # Self-check ----------------------------------------------------------------

    def _self_check_tab(self) -> QWidget:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 16, 4, 16)
        column.setSpacing(10)
        column.addWidget(plain_label(SELF_CHECK_INTRO))

        self.criteria_boxes: list[QCheckBox] = []
        self.criteria_labels: list[QLabel] = []
        for heading, criteria in (
            ("Main criteria", NANTES_MAIN),
            ("Additional criteria", NANTES_ADDITIONAL),
        ):
            column.addSpacing(6)
            column.addWidget(plain_label(heading, "heading"))
            for text in criteria:
                column.addWidget(self._criterion(text))

        column.addSpacing(8)
        self.result_frame = card()
        self.result_frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        result_layout = QHBoxLayout(self.result_frame)
        result_layout.setContentsMargins(16, 12, 16, 12)
        result_layout.setSpacing(12)
        self.self_check_result = plain_label("")
        result_layout.addWidget(self.self_check_result, 1)
        self.clear_button = button("Clear", tooltip="Untick every box")
        self.clear_button.clicked.connect(self._clear_self_check)
        result_layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addWidget(self.result_frame)
        column.addWidget(plain_label(SELF_CHECK_TESTS, "muted"))
        column.addStretch(1)
        self._update_self_check()
        return scrolling(Readable(content))

    def _criterion(self, text: str) -> QWidget:
        check = QCheckBox()
        check.setProperty("criterion", text)
        check.toggled.connect(self._update_self_check)
        row = check_row(check, text, indent=8)
        self.criteria_boxes.append(check)
        self.criteria_labels.append(check.property("row_label"))
        return row

    def _update_self_check(self) -> None:
        if any(box.isChecked() for box in self.criteria_boxes):
            self.self_check_result.setText(SELF_CHECK_ANY)
            set_role(self.self_check_result, "danger")
        else:
            self.self_check_result.setText(SELF_CHECK_NONE)
            set_role(self.self_check_result, "")
        self.self_check_result.updateGeometry()
        relayout_scroll_area(self.self_check_result)

    def _clear_self_check(self) -> None:
        for box in self.criteria_boxes:
            box.setChecked(False)

    # About ---------------------------------------------------------------------

    def _about_tab(self) -> QWidget:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 20, 4, 16)
        column.setSpacing(10)
        head = QHBoxLayout()
        head.setSpacing(16)
        icon = app_icon()
        if not icon.isNull():
            logo = QLabel()
            side = max(48, self.fontMetrics().height() * 4)
            logo.setPixmap(icon.pixmap(QSize(side, side)))
            head.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        names = QVBoxLayout()
        names.setSpacing(4)
        names.addWidget(plain_label(APP_NAME, "title"))
        names.addWidget(plain_label(APP_SUMMARY))
        self.version_label = plain_label(f"Version {__version__}", "muted")
        names.addWidget(self.version_label)
        head.addLayout(names, 1)
        column.addLayout(head)
        column.addSpacing(8)
        column.addWidget(plain_label(DISCLAIMER))
        column.addWidget(plain_label(f"Content source: the article ‘{ARTICLE_TITLE}’."))
        column.addWidget(plain_label("Your data folder is shown in Settings."))
        column.addWidget(plain_label("License: MIT"))
        column.addSpacing(8)
        self.versions_label = plain_label(
            f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version} · "
            f"{platform.system() or 'unknown system'}",
            "muted",
        )
        column.addWidget(self.versions_label)
        column.addSpacing(12)
        self.self_test_button = button(
            "Run self-test",
            tooltip="Check that sounds, voice, illustrations and the session log work here",
        )
        self.self_test_button.clicked.connect(self.self_test_requested)
        self.open_log_button = button(
            "Open log folder",
            tooltip="Show the app's log files (events and errors, no session data) in the file manager",
        )
        self.open_log_button.clicked.connect(self._open_log_folder)
        row = QHBoxLayout()
        row.addWidget(self.self_test_button)
        row.addWidget(self.open_log_button)
        row.addStretch(1)
        column.addLayout(row)
        self.log_folder_label = plain_label(LOG_FOLDER_NOTE.format(folder=current_log_folder()), "muted")
        column.addWidget(self.log_folder_label)
        self.open_log_error = plain_label("", "danger")
        self.open_log_error.hide()
        column.addWidget(self.open_log_error)
        column.addStretch(1)
        return scrolling(Readable(content))

    def _open_log_folder(self) -> None:
        problem = open_log_folder()
        self.open_log_error.setText(problem)
        self.open_log_error.setVisible(bool(problem))
