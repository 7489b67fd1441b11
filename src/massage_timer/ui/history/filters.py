"""The History page's filter bar: person, protocol, status, and a period or custom dates.

The bar turns its choices into a :class:`~massage_timer.core.log.Filter` and
says when they change. It reads nothing from the log itself: the page fills
the person and protocol lists and says where "All time" begins.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, QDateTime, QTime, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QWidget

from ...core.log import Filter
from .model import STATUS_LABELS

PERIODS = (
    ("Last 30 days", 30),
    ("Last 90 days", 90),
    ("Last year", 365),
    ("All time", None),
    ("Custom dates", -1),
)
ALL_TIME = 3
CUSTOM = 4


def _midnight_ts(day: QDate) -> float:
    return float(QDateTime(day, QTime(0, 0)).toSecsSinceEpoch())


class FilterBar(QWidget):
    """Which sessions the History page shows."""

    changed = Signal()
    """A filter changed: the page shows :meth:`current_filter`."""
    period_chosen = Signal(int)
    """A period (its index in :data:`PERIODS`) was chosen from the list, just before :attr:`changed`."""

    def __init__(self, first_day: Callable[[], QDate | None], parent: QWidget | None = None) -> None:
        """``first_day`` gives the day of the first logged session (None if there is none)."""
        super().__init__(parent)
        self._first_day = first_day
        self.setObjectName("HistoryFilters")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        self.person = QComboBox()
        self.person.setObjectName("PersonFilter")
        self.protocol = QComboBox()
        self.protocol.setObjectName("ProtocolFilter")
        self.status = QComboBox()
        self.status.setObjectName("StatusFilter")
        self.status.addItem("All statuses", None)
        for key in ("completed", "stopped", "interrupted"):
            self.status.addItem(STATUS_LABELS[key], key)
        self.period = QComboBox()
        self.period.setObjectName("PeriodFilter")
        for text, _days in PERIODS:
            self.period.addItem(text)
        self.date_from = QDateEdit()
        self.date_from.setObjectName("DateFrom")
        self.date_to = QDateEdit()
        self.date_to.setObjectName("DateTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
        for combo in (self.person, self.protocol, self.status, self.period):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.person.setMinimumContentsLength(12)
        self.protocol.setMinimumContentsLength(18)
        self.status.setMinimumContentsLength(10)
        self.period.setMinimumContentsLength(10)

        def label(text: str, buddy: QWidget) -> QLabel:
            lab = QLabel(text)
            lab.setBuddy(buddy)
            return lab

        grid.addWidget(label("&Person", self.person), 0, 0)
        grid.addWidget(self.person, 0, 1)
        grid.addWidget(label("P&rotocol", self.protocol), 0, 2)
        grid.addWidget(self.protocol, 0, 3)
        grid.addWidget(label("&Status", self.status), 0, 4)
        grid.addWidget(self.status, 0, 5)
        grid.addWidget(label("P&eriod", self.period), 1, 0)
        grid.addWidget(self.period, 1, 1)
        grid.addWidget(label("&From", self.date_from), 1, 2)
        dates = QHBoxLayout()
        dates.setSpacing(8)
        dates.addWidget(self.date_from, 1)
        dates.addWidget(label("&to", self.date_to))
        dates.addWidget(self.date_to, 1)
        grid.addLayout(dates, 1, 3)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 3)
        grid.setColumnStretch(5, 2)

        for combo in (self.person, self.protocol, self.status):
            combo.currentIndexChanged.connect(self._on_choice)
        self.period.currentIndexChanged.connect(self._on_period_changed)
        self.date_from.dateChanged.connect(self._on_dates_edited)
        self.date_to.dateChanged.connect(self._on_dates_edited)

    def current_filter(self) -> Filter:
        since = until = None
        if self.period.currentIndex() != ALL_TIME:
            since = _midnight_ts(self.date_from.date())
            until = _midnight_ts(self.date_to.date().addDays(1))
        return Filter(
            client_id=self.person.currentData(),
            protocol_id=self.protocol.currentData(),
            status=self.status.currentData(),
            since_ts=since,
            until_ts=until,
        )

    def set_choices(self, people: list[tuple[str, str]], protocols: list[tuple[str, str]]) -> None:
        """Offer these clients (``(client id, name shown)`` pairs, as ``Store.client_choices`` gives them)
        and protocols (``(id, title)`` pairs), keeping the current choices."""
        self._fill_combo(self.person, "All people", [(name, client_id) for client_id, name in people])
        self._fill_combo(self.protocol, "All protocols", [(t, pid) for pid, t in protocols])

    def sync_period_dates(self) -> None:
        """Show the dates of the chosen period (a custom range is left as it is)."""
        index = self.period.currentIndex()
        days = PERIODS[index][1]
        today = QDate.currentDate()
        if days is None:
            start = self._first_day()
            self._set_dates(today if start is None else start, today)
        elif days > 0:
            self._set_dates(today.addDays(-(days - 1)), today)

    def _set_dates(self, start: QDate, end: QDate) -> None:
        for edit, value in ((self.date_from, start), (self.date_to, end)):
            edit.blockSignals(True)
            edit.setDate(value)
            edit.blockSignals(False)

    def _on_choice(self, _index: int) -> None:
        self.changed.emit()

    def _on_period_changed(self, index: int) -> None:
        self.period_chosen.emit(index)
        self.sync_period_dates()
        self.changed.emit()

    def _on_dates_edited(self) -> None:
        if self.date_to.date() < self.date_from.date():
            sender = self.sender()
            other = self.date_to if sender is self.date_from else self.date_from
            other.blockSignals(True)
            other.setDate(sender.date())
            other.blockSignals(False)
        if self.period.currentIndex() != CUSTOM:
            self.period.blockSignals(True)
            self.period.setCurrentIndex(CUSTOM)
            self.period.blockSignals(False)
        self.changed.emit()

    def _fill_combo(self, combo: QComboBox, all_text: str, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_text, None)
        for text, data in items:
            combo.addItem(text, data)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)
