"""What the setup sheet knows of clients: the names it offers, and a client's remembered safety answers.

:func:`choice_names` tells clients of the same name apart on the "Person treated" list, as
History's person filter does (:meth:`~massage_timer.core.log.people.ClientLog.client_choices`).
:class:`LastAnswer` shows, under one safety question, what was answered for the client last time
and offers to give that answer again with one click. It never answers by itself: the sheet's
Yes and No stay unanswered until the caregiver clicks one of them or "Same as last time", and an
answer older than the setting (``answers_valid_days``) cannot be confirmed that way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QButtonGroup, QCompleter, QGridLayout, QHBoxLayout, QRadioButton, QWidget

from ...core.log import Store
from ...core.log.errors import StoreError
from ...core.log.people import AnswerState, Client, RememberedAnswer, answer_state, normalise
from ..settings import ANSWER_DAYS_RANGE
from ..widgets.basics import button, plain_label, tell


class SetupLike(Protocol):
    """The setup sheet's result as this module reads it (:class:`~.setup.SetupResult`, which ``replace`` copies)."""

    person: str
    client_id: str | None
    answers: dict[str, bool]


ResultT = TypeVar("ResultT", bound=SetupLike)


def choice_names(clients: Sequence[Client]) -> list[tuple[str, str]]:
    """(client id, name to show) for each client, in the order given.

    Clients of the same name are told apart by their dates of birth, "Anna (born 1954-03-02)",
    or else by number in the order they were added, "Anna (2)".
    """
    same: dict[str, list[Client]] = {}
    for client in clients:
        same.setdefault(client.name.strip(), []).append(client)
    shown: dict[str, str] = {}
    for name, group in same.items():
        if len(group) == 1:
            shown[group[0].id] = name
            continue
        borns = [client.born for client in group]
        for number, client in enumerate(sorted(group, key=lambda c: (c.created_ts, c.id)), start=1):
            if client.born and borns.count(client.born) == 1:
                shown[client.id] = f"{name} (born {client.born})"
            else:
                shown[client.id] = f"{name} ({number})"
    return [(client.id, shown[client.id]) for client in clients]


def answer_day(ts: float) -> str:
    """The local date of ``ts`` as the sheet shows it, such as "12 Nov 2026"."""
    day = datetime.fromtimestamp(ts)
    return f"{day.day} {day:%b %Y}"


def last_answer_text(remembered: RememberedAnswer, state: AnswerState, max_days: int) -> str:
    """The sentence shown under a question: the last answer and its date, and whether it must be given afresh."""
    day = answer_day(remembered.answered_ts)
    if state == "fresh":
        return f"Last time: Yes — {day}" if remembered.answer else f"Last time: No — {day}"
    if max_days == 1:
        if remembered.answer:
            return f"Last time: Yes — {day}. Answered more than a day ago: answer afresh."
        return f"Last time: No — {day}. Answered more than a day ago: answer afresh."
    if remembered.answer:
        return f"Last time: Yes — {day}. Answered more than {max_days} days ago: answer afresh."
    return f"Last time: No — {day}. Answered more than {max_days} days ago: answer afresh."


class LastAnswer(QWidget):
    """The client's last answer to one question, with "Same as last time" while it is recent enough.

    ``confirmed(answer)`` fires when the caregiver clicks the button; the sheet then ticks that answer.
    """

    confirmed = Signal(bool)

    def __init__(self, item_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"last-{item_id}")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 6)
        self.label = plain_label("", "muted")
        self.label.setObjectName(f"last-{item_id}-text")
        self.same = button("Same as last time", tooltip="Give the same answer as last time, after checking it")
        self.same.setObjectName(f"last-{item_id}-same")
        self.same.clicked.connect(lambda: self.remembered is not None and self.confirmed.emit(self.remembered.answer))
        row.addWidget(self.label, 1)
        row.addWidget(self.same)
        self.remembered: RememberedAnswer | None = None
        self.state: AnswerState | None = None
        self.setVisible(False)

    def show_answer(self, remembered: RememberedAnswer | None, state: AnswerState | None, max_days: int) -> None:
        """Show ``remembered`` (or nothing, when None); the button only for a ``fresh`` answer."""
        self.remembered, self.state = remembered, state
        if remembered is None or state is None:
            self.setVisible(False)
            return
        self.label.setText(last_answer_text(remembered, state, max_days))
        self.same.setVisible(state == "fresh")
        self.setVisible(True)

    @property
    def confirmable(self) -> bool:
        """Whether "Same as last time" may give the remembered answer (it is recent enough)."""
        return self.remembered is not None and self.state == "fresh"


class ClientSheet:
    """The setup sheet's client part: the picker's items, a chosen client's defaults, notes and last answers.

    Built by :class:`~.setup.SetupDialog` when it is given the log. A known client is the one
    picked from the list, or else the client in use whose name is the one typed
    (:meth:`~massage_timer.core.log.people.ClientLog.find_client`, the client the log links the
    session to). A new name is no client yet: the session start creates it. ``dialog`` is the
    :class:`~.setup.SetupDialog` (not imported here: it imports this module).
    """

    def __init__(self, dialog: Any, store: Store, now: Callable[[], float] | None = None) -> None:
        self.dialog, self.store = dialog, store
        self.now = now or time.time
        self.client: Client | None = None
        self.by_hand: set[str] = set()
        """The choices the user made by hand on this sheet ("side", "variant"): a client's defaults leave them."""
        combo = dialog.person
        current = combo.currentText()
        persons = [combo.itemText(i) for i in range(combo.count())]
        self.shown: dict[str, str] = {}
        """Name shown on the list -> client id."""
        combo.clear()
        clients = store.clients()
        for client_id, shown in choice_names(clients):
            combo.addItem(shown, client_id)
            self.shown[shown] = client_id
        known = {normalise(c.name) for c in clients}
        for person in persons:
            if normalise(person) not in known and combo.findText(person) < 0:
                combo.addItem(person)
        combo.setCurrentText(current)
        completer = QCompleter(combo.model(), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)

        self.notes = plain_label("", "muted")
        self.notes.setObjectName("ClientNotes")
        who = combo.parentWidget()  # the "Who" box; the notes go just under it (a form would not wrap them well)
        body = who.parentWidget().layout() if who is not None and who.parentWidget() is not None else None
        if isinstance(body, QBoxLayout):
            body.insertWidget(body.indexOf(who) + 1, self.notes)
        self.notes.setVisible(False)

        for key, group in (("side", dialog.side_group), ("variant", getattr(dialog, "variant_group", None))):
            if group is not None:
                group.buttonClicked.connect(lambda *_, k=key: self.by_hand.add(k))

        self.last: dict[str, LastAnswer] = {}
        self.same_all = button("Same as last time for all recent answers")
        self.same_all.setObjectName("SameAsLastTimeAll")
        self.same_all.clicked.connect(self.confirm_all)
        self.same_all.setVisible(False)
        grid = self._contra_grid()
        if grid is not None:
            for row, item in enumerate(dialog.protocol.contraindications):
                last = LastAnswer(item.id)
                last.confirmed.connect(lambda answer, i=item.id: self.give(i, answer))
                grid.addWidget(last, 2 * row + 1, 0, 1, 3)
                self.last[item.id] = last
            grid.addWidget(self.same_all, 2 * len(self.last), 0, 1, 3)
        combo.currentTextChanged.connect(self.follow)
        self.follow(combo.currentText())

    def _contra_grid(self) -> QGridLayout | None:
        items = self.dialog.protocol.contraindications
        first = self.dialog.findChild(QRadioButton, f"contra-{items[0].id}-yes") if items else None
        grid = first.parentWidget().layout() if first is not None else None
        return grid if isinstance(grid, QGridLayout) else None

    def client_for(self, text: str) -> Client | None:
        """The known client ``text`` names on the sheet, or None (a new name, or no name)."""
        text = text.strip()
        if not text:
            return None
        if text in self.shown:
            return self.store.client(self.shown[text])
        return self.store.find_client(text)

    def max_days(self) -> int:
        lo, hi = ANSWER_DAYS_RANGE
        return max(lo, min(hi, int(self.dialog.settings.get("answers_valid_days"))))

    def follow(self, text: str) -> None:
        """The person field changed: show that client's notes and last answers, and take their defaults."""
        client = self.client_for(text)
        if client == self.client:
            return
        self.client = client
        self.notes.setText(f"Client notes: {client.notes.strip()}" if client is not None else "")
        self.notes.setVisible(client is not None and bool(client.notes.strip()))
        if client is not None:
            self._take_defaults(client)
        remembered = self.store.remembered_answers(client.id, self.dialog.protocol.id) if client is not None else {}
        now, days = self.now(), self.max_days()
        for item_id, last in self.last.items():
            found = remembered.get(item_id)
            last.show_answer(found, answer_state(found, now, days) if found is not None else None, days)
        self.same_all.setVisible(sum(last.confirmable for last in self.last.values()) > 1)

    def _take_defaults(self, client: Client) -> None:
        choices = (("side", self.dialog.side_group, client.side), ("variant", None, client.level))
        for key, group, value in choices:
            group = group if key == "side" else getattr(self.dialog, "variant_group", None)
            if value is None or group is None or key in self.by_hand:
                continue
            self._check(group, value)

    @staticmethod
    def _check(group: QButtonGroup, value: str) -> None:
        for radio in group.buttons():
            if radio.property("value") == value:
                radio.setChecked(True)

    def give(self, item_id: str, answer: bool) -> None:
        """Tick ``answer`` to the question ``item_id``, as the caregiver confirmed it."""
        radio = self.dialog.findChild(QRadioButton, f"contra-{item_id}-{'yes' if answer else 'no'}")
        if radio is not None:
            radio.setChecked(True)

    def confirm_all(self) -> None:
        """Give again every last answer that is recent enough (the old ones stay for the caregiver)."""
        for item_id, last in self.last.items():
            if last.confirmable and last.remembered is not None:
                self.give(item_id, last.remembered.answer)

    def finish(self, result: ResultT) -> ResultT:
        """``result`` with the known client's id and name (the name without what tells it apart on the list)."""
        client = self.client_for(result.person)
        if client is None:
            return result
        person = client.name if result.person in self.shown else result.person
        return replace(result, person=person, client_id=client.id)


def client_at_start(store: Store, protocol_id: str, result: ResultT, parent: QWidget | None = None) -> ResultT:
    """Link the session to its client, creating the client for a new name, and remember the answers given.

    The client is created here, when the sheet is accepted, so that the answers can be remembered
    for them at once. Returns the result with its ``client_id`` (None when there is no person, or
    when the log could not be written: the log then links the session itself when it can); when
    something could not be written, a message tells the user (the session goes on).
    """
    person = result.person.strip()
    if not person:
        return result
    try:
        client_id = result.client_id
        if client_id is None:
            found = store.find_client(person)
            client_id = found.id if found is not None else store.add_client(person).id
        result = replace(result, client_id=client_id)
        if result.answers:
            store.remember_answers(client_id, protocol_id, result.answers, time.time())
    except StoreError as exc:
        tell(
            parent,
            "Safety answers not remembered",
            f"The safety answers for {person} could not be remembered for next time: {exc} "
            "The session goes on; the next time, the questions show no last answers.",
            warning=True,
        )
    return result
