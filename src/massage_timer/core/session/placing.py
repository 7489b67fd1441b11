"""What the caregiver does with items placed one by one on a body step: place, remove, adjust.

A step whose protocol declares ``items`` (jars on the skin) times each item from the moment
it is placed; the first item placed turns the step's own countdown into the items' times,
and the step ends when the last item placed is taken off. How the items keep time is in
:mod:`.items`; :class:`~.engine.SessionEngine` adds the rest of what the user can do.
"""

from __future__ import annotations

from .events import EngineError, Outcome, State
from .items import ItemTimers, placing_refused
from .reminders import StepAlarms
from .timing import SessionTiming


class ItemOperations(SessionTiming):
    """The item operations of a session (see :class:`~.engine.SessionEngine` for the arguments)."""

    _last_item: float | None = None
    """When an item was last placed or removed (engine time): a press this soon after is a bounce."""

    def _item_bounce(self, now: float) -> bool:
        """True (and counted on the run) for a place or remove within ``bounce_seconds`` of the last."""
        last, gap = self._last_item, self.bounce_seconds
        if last is not None and gap > 0 and 0 <= now - last < gap and self._cur is not None:
            self._cur.run.bounced += 1
            return True
        self._last_item = now
        return False

    def _items_now(self, verb: str) -> tuple[float, ItemTimers]:
        """Bring the session up to now for an item operation; the current step's items."""
        now = self._now()
        self._advance_due(now)
        cur = self._cur
        if cur is None or cur.items is None or self.state not in (State.RUNNING, State.PAUSED):
            self._flush()
            raise EngineError(f"cannot {verb}: no item is on in a session that is {self.state}")
        return now, cur.items

    def place_item(self) -> int:
        """Put the next item on (a jar on the skin): its time starts now, on the engine's time base.

        The first item turns the step's own countdown into the items' times: the step then ends
        when the last item placed is removed (see :mod:`.items`).

        Returns:
            The item's number (from 1, in the order placed); 0 for a press ignored as a bounce.

        Raises:
            EngineError: the current step has no items, the session is not running or paused, or
                ``items.most`` items were placed already.
        """
        now = self._now()
        self._advance_due(now)
        cur = self._cur
        planned = self.planned() if cur is not None else None
        refused = placing_refused(self.state, planned, cur.items if cur else None)
        if cur is None or planned is None or refused is not None:
            self._flush()
            raise EngineError(refused or f"cannot place an item in a session that is {self.state}")
        if self._item_bounce(now):
            self._flush()
            return 0
        if cur.items is None:
            assert planned.step.items is not None
            if self.state is State.WAITING:  # the step's own time ran out before the first item
                cur.alarms.end(now, cur.run)
                cur.alarms = StepAlarms(self.repeat_seconds)
                cur.waiting_since = None
                self.state = State.RUNNING
            cur.deadline = None  # from now on the items' times count, not the step's
            # Each jar lasts what was chosen for the step before the session (within the jars' range).
            cur.items = ItemTimers(
                planned.step.items, self.index, cur.run, self.repeat_seconds, default=planned.planned
            )
        event = cur.items.place(now, self._wall_at(now, now))
        self._emit(event)
        self._advance_due(now)
        self._flush()
        return event.n

    def remove_item(self, n: int | None = None) -> int:
        """Take item ``n`` off; None: the first due one, else the first still on, in the order placed.

        Records its real time on the body. Removing the last item still on ends the step
        (completed) and starts the next one.

        Returns:
            The number of the item taken off; 0 for a press ignored as a bounce.

        Raises:
            EngineError: no item is on, or item ``n`` is not on.
        """
        now, items = self._items_now("remove an item")
        if self._item_bounce(now):
            self._flush()
            return 0
        try:
            event = items.remove(n, now)
        except EngineError:
            self._flush()
            raise
        self._emit(event)
        if items.all_off:
            self._last_move = now  # a Next right after this is a bounce too
            self._end_current(now, Outcome.COMPLETED)
            self._go_to(self.index + 1, now)
        self._advance_due(now)
        self._flush()
        return event.n

    def adjust_item(self, n: int, delta: int) -> int:
        """Add ``delta`` seconds to item ``n``'s planned time (negative shortens it).

        The new time is clamped to ``items.min``-``items.max``; shortening stops at the item's
        time so far (it is then due at once).

        Returns:
            The change actually applied (0 when clamped away).

        Raises:
            EngineError: item ``n`` is not on.
        """
        now, items = self._items_now("adjust an item")
        try:
            event = items.adjust(n, int(delta), now)
        except EngineError:
            self._flush()
            raise
        if event is None:
            self._flush()
            return 0
        self._emit(event)
        self._advance_due(now)
        self._flush()
        return event.delta
