"""Items placed on the body one by one during a step, each with its own time: jars on the skin.

A step whose protocol declares ``items`` (see ``protocols/README.md``) runs on the body
(``body_timer``). Each item placed gets a deadline on the engine's time base: the moment it
was placed plus its planned time (the items' ``default``, adjustable per item within
``min``-``max``). Nothing is counted: what is left of an item is ``deadline - now`` whenever
anybody asks, so a suspend, a late tick or a pause never moves an item's end.

What happens to each item, in engine time:

* at its deadline it is *due* (:class:`~.events.ItemDue`);
* while any item is due and still on, a reminder repeats every ``repeat_seconds``
  (:class:`~.events.ItemReminderDue`, naming the first due item in the order placed): one
  stream of reminders for the step, with the rules of :class:`~.reminders.StepAlarms`
  (moments missed between two looks give one reminder). It starts at the deadline of the
  item that became due first and stops once no item is due;
* once it has been on longer than ``items.max`` the app warns once (:class:`~.events.ItemPastMax`);
* removing it records its real time on the body and how long it was overdue.

These alarms are the body's time, not guidance: they ring during a pause of the guidance too,
as the end of a body step does. :class:`ItemTimers` holds the items of one step run; the
engine's ``place_item``, ``remove_item`` and ``adjust_item`` drive it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..protocols.format import Items
from .events import (
    EngineError,
    Event,
    ItemAdjusted,
    ItemDue,
    ItemPastMax,
    ItemPlaced,
    ItemReminderDue,
    ItemRemoved,
    ItemRun,
    ItemState,
    State,
    StepRun,
)
from .plan import PlannedStep
from .reminders import EPS, StepAlarms


def placing_refused(state: State, step: PlannedStep | None, timers: ItemTimers | None) -> str | None:
    """Why an item cannot be placed now; None when it can (a step with items, running or paused,
    under ``items.most``).

    Before the first item, a step whose own time ran out and now waits takes one too: the
    items' times then replace the step's.
    """
    if step is None or step.step.items is None or not step.body_timer:
        return "the current step has no items to place"
    if timers is None:
        allowed = (State.RUNNING, State.PAUSED, State.WAITING)
    elif not timers.can_place:
        return f"at most {step.step.items.limit} {step.step.items.plural} in this step"
    else:
        allowed = (State.RUNNING, State.PAUSED)
    return None if state in allowed else f"cannot place an item in a session that is {state}"


def item_fields(
    state: State, step: PlannedStep | None, timers: ItemTimers | None, now: float, guidance_paused: bool
) -> dict[str, object]:
    """The snapshot's fields about the items of the current step (none for a step without items)."""
    if step is None or step.step.items is None:
        return {}
    fields: dict[str, object] = {
        "items_name": step.step.items.name,
        "items_plural": step.step.items.plural,
        "can_place": placing_refused(state, step, timers) is None,
    }
    if timers is not None and state in (State.RUNNING, State.PAUSED):
        fields["items"] = timers.states(now)
        fields["ends_at_wall"] = timers.last_deadline_wall()
        fields["guidance_paused"] = guidance_paused
    return fields


@dataclass
class _Item:
    run: ItemRun
    placed: float
    """Engine time it was placed."""
    deadline: float
    removed: float | None = None
    due_sent: bool = False

    @property
    def on(self) -> bool:
        return self.removed is None

    def due_at(self, now: float) -> bool:
        return now + EPS >= self.deadline


@dataclass
class ItemTimers:
    """The items of one run of a step with ``items``, on the engine's time base.

    Args:
        spec: the step's ``items`` declaration.
        index: the step's place in the plan (for the events).
        run: the step run the items belong to (its ``items`` list is the log's record).
        repeat: seconds between the reminders of a due item (0: none).
        default: each item's time, e.g. the step's length chosen before the session (clamped to
            the items' range); None: the items' ``default``.
    """

    spec: Items
    index: int
    run: StepRun
    repeat: float
    default: int | None = None
    _items: list[_Item] = field(default_factory=list)
    _alarms: StepAlarms = field(init=False)

    def __post_init__(self) -> None:
        self._alarms = StepAlarms(self.repeat)

    # ----------------------------------------------------------- queries

    @property
    def placed(self) -> int:
        return len(self._items)

    @property
    def all_off(self) -> bool:
        """True once at least one item was placed and none is still on."""
        return bool(self._items) and not any(item.on for item in self._items)

    @property
    def can_place(self) -> bool:
        return self.placed < self.spec.limit

    def states(self, now: float) -> tuple[ItemState, ...]:
        out = []
        for item in self._items:
            at = now if item.removed is None else item.removed
            remaining = item.deadline - at
            overdue = max(0.0, -remaining)
            due = item.due_at(at)
            state = "off" if item.removed is not None else "due" if due else "on"
            shown = int(overdue + 1e-9) if due else math.ceil(remaining - 1e-9)
            out.append(
                ItemState(
                    n=item.run.n,
                    state=state,
                    placed_wall=item.run.placed_wall,
                    planned=item.run.planned,
                    remaining=remaining,
                    overdue=overdue,
                    on_seconds=max(0.0, at - item.placed),
                    shown=shown,
                    past_max=item.run.past_max,
                    removed_wall=item.run.removed_wall,
                )
            )
        return tuple(out)

    def left(self, now: float) -> float:
        """Seconds until the last item still on is due (0 when none is still to come)."""
        return max([0.0] + [item.deadline - now for item in self._items if item.on])

    def last_deadline_wall(self) -> float | None:
        """Wall time the last item still on is due, None when none is on."""
        on = [item for item in self._items if item.on]
        if not on:
            return None
        last = max(on, key=lambda item: item.deadline)
        return last.run.placed_wall + (last.deadline - last.placed)

    def next_moment(self, now: float) -> float | None:
        """Seconds until something about an item changes (a shown second, a deadline, an alarm)."""
        candidates = []
        for item in self._items:
            if not item.on:
                continue
            remaining = item.deadline - now
            if remaining > EPS:
                candidates.append(remaining - (math.ceil(remaining - 1e-9) - 1))
            else:
                overdue = max(0.0, -remaining)
                candidates.append(math.floor(overdue + 1e-9) + 1 - overdue)
            if not item.run.past_max:
                # Just past the limit: the warning is for a limit passed, not reached.
                candidates.append(max(0.0, item.placed + int(self.spec.max) - now) + 10 * EPS)
        if self._alarms.next_reminder is not None and any(item.on and item.due_sent for item in self._items):
            candidates.append(self._alarms.next_reminder - now)
        return max(0.0, min(candidates)) if candidates else None

    # ----------------------------------------------------------- changes

    def place(self, now: float, wall: float) -> ItemPlaced:
        """Put the next item on at ``now`` (engine time; ``wall`` is the same moment's wall time)."""
        if not self.can_place:
            raise EngineError(f"at most {self.spec.limit} {self.spec.plural} in this step")
        planned = int(self.spec.default)
        if self.default is not None:
            planned = max(int(self.spec.min), min(int(self.spec.max), int(self.default)))
        run = ItemRun(n=self.placed + 1, placed_wall=wall, planned=planned)
        self._items.append(_Item(run, now, now + planned))
        self.run.items.append(run)
        return ItemPlaced(self.index, run.n, wall + planned)

    def _find(self, n: int | None) -> _Item:
        on = [item for item in self._items if item.on]
        if not on:
            raise EngineError(f"no {self.spec.name} is on")
        if n is None:
            # The first due, in the order placed (the one the app called for), else the first on.
            due = [item for item in on if item.due_sent]
            return (due or on)[0]
        for item in on:
            if item.run.n == n:
                return item
        raise EngineError(f"{self.spec.name} {n} is not on")

    def remove(self, n: int | None, now: float) -> ItemRemoved:
        """Take item ``n`` off at ``now`` (None: the first due, else the first on, in the order placed)."""
        item = self._find(n)
        self._close(item, now)
        return ItemRemoved(self.index, item.run.n, item.run.on_seconds, item.run.overdue_seconds)

    def _close(self, item: _Item, at: float) -> None:
        item.removed = at
        item.run.removed_wall = item.run.placed_wall + (at - item.placed)
        item.run.on_seconds = max(0.0, at - item.placed)
        item.run.overdue_seconds = max(0.0, at - item.deadline)

    def close(self, at: float) -> None:
        """The step run ends at ``at``: an item still on is taken as off then."""
        for item in self._items:
            if item.on:
                self._close(item, at)

    def adjust(self, n: int, delta: int, now: float) -> ItemAdjusted | None:
        """Add ``delta`` seconds to item ``n``'s planned time, within ``items.min``-``items.max``.

        Shortening stops at the item's time so far (it is then due now). Returns the event, or
        None when nothing changed (clamped away).
        """
        item = self._find(n)
        planned = item.run.planned
        target = max(int(self.spec.min), min(int(self.spec.max), planned + delta))
        if delta < 0:
            target = max(target, min(planned, math.ceil(now - item.placed - 1e-9)))
        applied = target - planned
        if applied == 0:
            return None
        item.run.planned = target
        item.deadline = item.placed + target
        if not item.due_at(now):
            item.due_sent = False  # due later now: it is called for again at its new deadline
        return ItemAdjusted(self.index, item.run.n, target, applied)

    def due(self, now: float) -> list[Event]:
        """What came due by ``now``, in the order of its moments (deadlines, limits, reminders)."""
        moments: list[tuple[float, int, int, Event]] = []
        limit = int(self.spec.max)
        for item in self._items:
            if not item.on:
                continue
            n = item.run.n
            if not item.due_sent and item.due_at(now):
                item.due_sent = True
                moments.append((item.deadline, 0, n, ItemDue(self.index, n, float(item.run.planned))))
            if not item.run.past_max and now > item.placed + limit + EPS:
                item.run.past_max = True
                moments.append((item.placed + limit, 1, n, ItemPastMax(self.index, n, limit)))
        reminder = self._reminder(now)
        if reminder is not None:
            moments.append(reminder)
        moments.sort(key=lambda m: (m[0], m[1], m[2]))
        return [m[3] for m in moments]

    def _reminder(self, now: float) -> tuple[float, int, int, Event] | None:
        """The reminder due by ``now`` while items are due, if any (one stream for the step)."""
        due = [item for item in self._items if item.on and item.due_sent]
        alarms = self._alarms
        if not due:
            if alarms.waiting_since is not None:
                alarms.end(now, self.run)  # nothing due any more: the reminders stop
            return None
        if alarms.waiting_since is None:  # a new stream, counted from 1
            self._alarms = alarms = StepAlarms(self.repeat)
            alarms.start_waiting(min(item.deadline for item in due))
        reminder = alarms.due(now, self.index)
        if reminder is None:
            return None
        assert alarms.waiting_since is not None
        at = alarms.waiting_since + reminder.overdue_seconds
        first = due[0]
        event = ItemReminderDue(
            self.index, first.run.n, reminder.count, max(0.0, at - first.deadline), tuple(i.run.n for i in due)
        )
        return at, 2, first.run.n, event
