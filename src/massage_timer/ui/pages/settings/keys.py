"""The Keys and pedal group of the Settings page: which key does what during a session.

Each session action can have several keys. A key is given by pressing it (a foot
pedal or a presenter clicker presses it too) in :class:`KeyCaptureDialog`, which
says at once whether another action has it. A key can belong to one action
only: Qt fires neither of two shortcuts on the same key, so the dialog offers to
move a key from another session action and refuses the app's own keys (F1, F5,
Ctrl+Q...). The choice is saved through :meth:`Settings.set_chosen_keys`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...settings import Settings
from ...shortcuts import GLOBAL_SHORTCUTS, RESERVED_KEYS, SESSION_SHORTCUTS, KeyMap, normal, shown_key
from ...widgets.basics import plain_label


def _keys_line(keymap: KeyMap, action: str) -> str:
    keys = keymap.keys(action)
    return "   ·   ".join(shown_key(k) for k in keys) if keys else "No key: use the button on the session page"


class KeyCaptureDialog(QDialog):
    """Press a key (or the pedal): it is shown with what already uses it.

    After ``exec()``, :attr:`key` is the key pressed (portable text) and :attr:`moves_from`
    the session action it is taken from, if any.
    """

    def __init__(self, keymap: KeyMap, action: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keymap = keymap
        self.action = action
        self.key = ""
        self.moves_from: str | None = None
        self.setWindowTitle(f"A key for “{label}”")
        column = QVBoxLayout(self)
        column.addWidget(plain_label(f"Press the key, or the pedal, that should do “{label}”."))
        self.editor = QKeySequenceEdit()
        self.editor.setMaximumSequenceLength(1)
        self.editor.setClearButtonEnabled(True)
        self.editor.setAccessibleName("The key pressed")
        column.addWidget(self.editor)
        self.verdict = plain_label("", "muted")
        self.verdict.setMinimumHeight(self.verdict.fontMetrics().height() * 2)
        column.addWidget(self.verdict)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.use_button = self.buttons.addButton("Use this key", QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column.addWidget(self.buttons)
        self.editor.keySequenceChanged.connect(self._judge)
        self.editor.setFocus()
        self.resize(max(420, self.sizeHint().width()), self.sizeHint().height())

    def _judge(self, seq: QKeySequence) -> None:
        key = normal(seq.toString(QKeySequence.SequenceFormat.PortableText)) if not seq.isEmpty() else ""
        self.key, self.moves_from = "", None
        self.use_button.setText("Use this key")
        if not key:
            self.verdict.setText("")
            self.use_button.setEnabled(False)
            return
        name = shown_key(key)
        owner = self.keymap.owner(key)
        if key in RESERVED_KEYS:
            self._refuse(f"{name} moves between the controls of the window; choose another key.")
        elif owner is not None and owner.action == self.action:
            self._refuse(f"{name} already does this.")
        elif owner is not None and owner in GLOBAL_SHORTCUTS:
            self._refuse(f"{name} already does “{owner.label}” anywhere in the app; choose another key.")
        elif owner is not None:
            self.key, self.moves_from = key, owner.action
            self.verdict.setText(f"{name} now does “{owner.label}”. Use it here, and take it away from there?")
            self.verdict.setProperty("role", "warn")
            self.use_button.setText("Move the key here")
            self.use_button.setEnabled(True)
        else:
            self.key = key
            self.verdict.setText(f"{name} is free.")
            self.use_button.setEnabled(True)

    def _refuse(self, text: str) -> None:
        self.verdict.setText(text)
        self.use_button.setEnabled(False)


class KeysGroup(QGroupBox):
    """One row per session action: its keys, Add key…, Remove, Default."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Keys and pedal", parent)
        self.settings = settings
        self.capture = self._capture
        """Asks for one key (replaceable in tests): returns (key, moved-from action) or None."""
        column = QVBoxLayout(self)
        column.setSpacing(10)
        column.addWidget(
            plain_label(
                "While the Session page is shown, these keys work wherever the focus is, so a USB foot pedal "
                "or a presenter clicker can drive it. To use a pedal, press Add key… and press "
                "the pedal. A key does one thing only.",
                "muted",
            )
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 1)
        self.keys_labels: dict[str, QLabel] = {}
        self.add_buttons: dict[str, QPushButton] = {}
        self.remove_buttons: dict[str, QPushButton] = {}
        self.default_buttons: dict[str, QPushButton] = {}
        for i, sc in enumerate(SESSION_SHORTCUTS):
            title = plain_label(sc.label, "muted")
            keys = plain_label("")
            keys.setObjectName(f"keys-{sc.action}")
            buttons = QHBoxLayout()
            buttons.setSpacing(6)
            add = QPushButton("Add key…")
            add.clicked.connect(lambda _=False, a=sc.action: self.add_key(a))
            remove = QPushButton("Remove")
            remove.setToolTip("Take one of these keys away from this action")
            remove.setMenu(QMenu(remove))
            default = QPushButton("Default")
            default.setToolTip("Give this action its original keys back")
            default.clicked.connect(lambda _=False, a=sc.action: self.reset(a))
            for widget in (add, remove, default):
                widget.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
                buttons.addWidget(widget)
            grid.addWidget(title, 2 * i, 0, 1, 2)
            grid.addWidget(keys, 2 * i + 1, 0)
            grid.addLayout(buttons, 2 * i + 1, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            self.keys_labels[sc.action] = keys
            self.add_buttons[sc.action] = add
            self.remove_buttons[sc.action] = remove
            self.default_buttons[sc.action] = default
        column.addLayout(grid)
        self.problems = plain_label("", "danger")
        self.problems.hide()
        column.addWidget(self.problems)
        self.reset_all_button = QPushButton("All keys as they were")
        self.reset_all_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.reset_all_button.clicked.connect(lambda: self.settings.set_chosen_keys({}))
        column.addWidget(self.reset_all_button)
        self.refresh()

    def keymap(self) -> KeyMap:
        return KeyMap(self.settings.chosen_keys())

    def refresh(self) -> None:
        """Show the keys as they are in the settings now."""
        keymap = self.keymap()
        for sc in SESSION_SHORTCUTS:
            self.keys_labels[sc.action].setText(_keys_line(keymap, sc.action))
            menu = self.remove_buttons[sc.action].menu()
            menu.clear()
            for key in keymap.keys(sc.action):
                act = menu.addAction(shown_key(key))
                act.triggered.connect(lambda _=False, a=sc.action, k=key: self.remove_key(a, k))
            self.remove_buttons[sc.action].setEnabled(bool(keymap.keys(sc.action)))
            self.default_buttons[sc.action].setEnabled(not keymap.is_default(sc.action))
        problems = [
            f"In the settings file, “{text}” for “{_label(action)}” is no key and is left out."
            for action, text in keymap.unreadable
        ]
        problems += [
            f"{shown_key(key)} is given to {' and '.join(f'“{_label(a)}”' for a in actions)}: "
            "it does neither until one of them lets it go."
            for key, actions in keymap.conflicts()
        ]
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        self.reset_all_button.setEnabled(bool(keymap.chosen()) or bool(problems))

    # ------------------------------------------------------------ changes

    def add_key(self, action: str) -> None:
        answer = self.capture(action)
        if answer is None:
            return
        key, moved_from = answer
        chosen = self._chosen_all()
        if moved_from is not None:
            chosen[moved_from] = [k for k in chosen[moved_from] if k != key]
        if key not in chosen[action]:
            chosen[action].append(key)
        self._save(chosen)

    def remove_key(self, action: str, key: str) -> None:
        chosen = self._chosen_all()
        chosen[action] = [k for k in chosen[action] if k != key]
        self._save(chosen)

    def reset(self, action: str) -> None:
        keymap = self.keymap()
        chosen = keymap.chosen()
        chosen.pop(action, None)
        # A default key that another action has taken meanwhile stays there.
        defaults = next(sc.keys for sc in SESSION_SHORTCUTS if sc.action == action)
        taken = [k for k in defaults if keymap.owner(k, besides=action) is not None]
        if taken:
            chosen[action] = [k for k in defaults if k not in taken]
        self._save(chosen)

    def _chosen_all(self) -> dict[str, list[str]]:
        keymap = self.keymap()
        return {sc.action: list(keymap.keys(sc.action)) for sc in SESSION_SHORTCUTS}

    def _save(self, chosen: dict[str, list[str]]) -> None:
        self.settings.set_chosen_keys(KeyMap(chosen).chosen())

    def _capture(self, action: str) -> tuple[str, str | None] | None:
        dialog = KeyCaptureDialog(self.keymap(), action, _label(action), self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.key:
            return None
        return dialog.key, dialog.moves_from


def _label(action: str) -> str:
    return next((sc.label for sc in SESSION_SHORTCUTS + GLOBAL_SHORTCUTS if sc.action == action), action)
