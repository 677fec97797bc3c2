"""The ticket rules: a command and the state in, events out (or a refusal).

Nothing here reads a clock, a socket or a file: the time comes in with the command. Every
function checks all it needs before it returns events, so a refusal changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from shared import commands as c
from shared.domain import FINAL, POOR_LEVELS, RATING_LEVELS, Kind, Status, WindowStatus
from shared.errors import Refused
from shared.hallconfig import HallConfig
from shared.security import card_code, read_card_code, ticket_code

from . import events as e
from .lifecycle import check, refuse_state
from .queue import choose_next, order_key, present_staff
from .state import Card, HallState, Ticket, Window

Rule = Callable[[HallState, HallConfig, Any, float], list[e.Event]]
_R = TypeVar("_R", bound=Rule)  # a rule keeps its own signature (redeem takes one more)
RULES: dict[type[c.Command], Rule] = {}
# A closed card by number, from wherever the history is kept (the hall's store): closed cards
# leave the live state, and one redeemed years later must still say closed or expired.
PastCard = Callable[[int], Card | None]


def no_past_card(number: int) -> Card | None:
    """An engine without a store knows no card beyond memory."""
    return None


def rule(command: type[c.Command]) -> Callable[[_R], _R]:
    def register(fn: _R) -> _R:
        RULES[command] = fn
        return fn

    return register


def local(config: HallConfig, now: float) -> datetime:
    return datetime.fromtimestamp(now, config.tz)


_DAY: list[Any] = [None, 0.0, 0.0, ""]  # the last day asked for: tz, its start, end, name


def day_of(config: HallConfig, now: float) -> str:
    """The hall's local date at ``now`` (asked several times for every command: the day
    last asked for is kept, with the span of time it covers)."""
    tz, start, end, name = _DAY
    if tz is config.tz and start <= now < end:
        return str(name)
    day = local(config, now).date()
    start = datetime.combine(day, datetime.min.time(), config.tz).timestamp()
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), config.tz).timestamp()
    # a zone whose clocks jump at midnight gets no span: its days are worked out each time
    if local(config, start).date() == day and local(config, end - 0.001).date() == day:
        _DAY[:] = [config.tz, start, end, day.isoformat()]
    return day.isoformat()


def decide(
    state: HallState,
    config: HallConfig,
    command: c.Command,
    now: float,
    past_card: PastCard = no_past_card,
) -> list[e.Event]:
    """The events ``command`` causes at ``now``; raises ``Refused`` and changes nothing.
    ``past_card`` looks up a card that is no longer in the live state (only a redeem asks)."""
    if state.day != day_of(config, now):
        raise RuntimeError("open the day first (open_day) before deciding commands")
    if isinstance(command, c.RedeemCard):
        return redeem(state, config, command, now, past_card)
    return RULES[type(command)](state, config, command, now)


def open_day(state: HallState, config: HallConfig, now: float) -> e.DayOpened | None:
    """The event that starts the hall's new local day, or None when it has already started."""
    today = day_of(config, now)
    if state.day == today:
        return None
    expired = sorted(
        t.id
        for t in state.tickets.values()
        if t.status not in FINAL and t.status is not Status.SERVING and t.day < today
    )
    closed = sorted(
        n for n, card in state.cards.items() if card.closed_at is None and card.valid_until < today
    )
    return e.DayOpened(day=today, expired=expired, closed_cards=closed)


# --- lookups ---------------------------------------------------------------------------------
def find_ticket(state: HallState, ref: str) -> Ticket:
    """A ticket by id (20261122-A001) or by today's label (A001)."""
    tid = state.by_label.get(ref.strip().upper(), ref)
    ticket = state.tickets.get(tid)
    if ticket is None:
        raise Refused("unknown_ticket", ticket=ref)
    return ticket


def staffed_window(state: HallState, number: int) -> Window:
    window = state.windows.get(number)
    if window is None:
        raise Refused("unknown_window", window=number)
    if window.status is WindowStatus.LOGGED_OUT:
        raise Refused("window_logged_out", window=number)
    return window


def idle_window(state: HallState, number: int) -> Window:
    window = staffed_window(state, number)
    if window.status is WindowStatus.PAUSED:
        raise Refused("window_paused", window=number)
    if window.ticket is not None:
        raise Refused("window_busy", window=number, ticket=state.tickets[window.ticket].label)
    return window


def current_ticket(state: HallState, number: int) -> Ticket:
    window = staffed_window(state, number)
    if window.ticket is None:
        raise Refused("no_ticket_at_window", window=number)
    return state.tickets[window.ticket]


def ticket_at_window(state: HallState, number: int, command: type[c.Command]) -> Ticket:
    """The window's ticket, which ``command`` must accept (``lifecycle.LIFECYCLE``)."""
    ticket = current_ticket(state, number)
    check(ticket, command)
    return ticket


# --- issuing ---------------------------------------------------------------------------------
def _new_ticket(
    state: HallState, config: HallConfig, now: float, zone: str, kind: Kind, **extra: Any
) -> Ticket:
    number = state.numbers.get(zone, 0) + 1
    label = f"{config.zones[zone].prefix}{number:03d}"
    tid = f"{state.day.replace('-', '')}-{label}"
    return Ticket(
        id=tid,
        day=state.day,
        zone=zone,
        number=number,
        label=label,
        kind=kind,
        status=Status.WAITING,
        issued_at=now,
        serial=state.serial + 1,
        band=extra.pop("band", 1),
        key=now,
        case=extra.pop("case", tid),
        code=ticket_code(config.secret, tid),
        **extra,
    )


def _check_hours(config: HallConfig, zone: str, now: float, *, cutoff: bool = True) -> None:
    refusal = config.hours.issuing_refusal(
        local(config, now),
        noon_duty=config.zones[zone].noon_duty,
        cutoff=config.policy.issue_cutoff_minutes if cutoff else 0,
    )
    if refusal:
        raise Refused(refusal)


@rule(c.Issue)
def issue(state: HallState, config: HallConfig, cmd: c.Issue, now: float) -> list[e.Event]:
    zone = config.zones.get(cmd.zone)
    if zone is None:
        raise Refused("unknown_zone", zone=cmd.zone)
    matter = None
    if cmd.matter is not None:
        matter = zone.matters.get(cmd.matter)
        if matter is None:
            raise Refused("unknown_matter", matter=cmd.matter)
    if cmd.priority_reason is not None and cmd.priority_reason not in config.policy.priority_kinds:
        raise Refused("bad_priority", reason=cmd.priority_reason)
    kind = Kind.NORMAL
    if cmd.appointment_at is not None:
        # An appointment is called near its time: one of another day would jump the queue
        # at once, or never be called.
        try:
            booked = day_of(config, cmd.appointment_at)
        except (ValueError, OverflowError, OSError):
            booked = "?"
        if booked != day_of(config, now):
            raise Refused("appointment_not_today", day=booked)
        kind = Kind.APPOINTMENT
    elif cmd.priority_reason is not None:
        kind = Kind.PRIORITY
    # An appointment was booked against its own quota; only walk-ins count here.
    _check_hours(config, zone.id, now, cutoff=kind is not Kind.APPOINTMENT)
    quota: list[str] = []
    if matter is not None and kind is not Kind.APPOINTMENT:
        if matter.daily_limit is not None:
            key = matter.id
            if state.taken.get(key, 0) >= matter.daily_limit:
                raise Refused("daily_limit", matter=matter.name)
            quota.append(key)
        if matter.slot_limit is not None:
            at = local(config, now)
            slot = (at.hour * 60 + at.minute) // config.policy.slot_minutes
            key = f"{matter.id}@{slot}"
            if state.taken.get(key, 0) >= matter.slot_limit:
                raise Refused("slot_limit", matter=matter.name)
            quota.append(key)
    ticket = _new_ticket(
        state,
        config,
        now,
        zone.id,
        kind,
        matter=cmd.matter,
        priority_reason=cmd.priority_reason,
        appointment_at=cmd.appointment_at,
        appointment_ref=cmd.appointment_ref,
        quota=quota,
    )
    return [e.Issued(ticket)]


@rule(c.Void)
def void(state: HallState, config: HallConfig, cmd: c.Void, now: float) -> list[e.Event]:
    ticket = find_ticket(state, cmd.ticket)
    check(ticket, c.Void)
    if ticket.first_called_at is not None:
        raise refuse_state(ticket, c.Void.op)
    return [e.Voided(ticket.id, cmd.reason or "print failed")]


@rule(c.RedeemCard)
def redeem(
    state: HallState,
    config: HallConfig,
    cmd: c.RedeemCard,
    now: float,
    past_card: PastCard = no_past_card,
) -> list[e.Event]:
    claim = read_card_code(config.secret, cmd.code)
    if claim is None:
        raise Refused("card_forged")
    card = state.cards.get(claim.number)
    live = card is not None
    if card is None:  # closed: it left memory (its last change may not be stored yet)
        card = state.retired.get(("card", claim.number)) or past_card(claim.number)
    if card is None or card.valid_until != claim.valid_until.isoformat():
        raise Refused("card_unknown")
    if card.closed_reason == "done":
        raise Refused("card_closed")
    if not live or card.closed_at is not None or card.valid_until < state.day:
        raise Refused("card_expired", date=card.valid_until)
    if card.ticket is not None:
        raise Refused("card_in_use", ticket=state.tickets[card.ticket].label)
    _check_hours(config, card.zone, now, cutoff=False)
    present = present_staff(state)
    backup = config.staff[card.staff].backup if card.staff in config.staff else None
    routed = card.staff in present or (backup is not None and backup in present)
    ticket = _new_ticket(
        state,
        config,
        now,
        card.zone,
        Kind.FOLLOWUP,
        matter=card.matter,
        case=card.case,
        card=card.number,
        to_staff=card.staff if routed else None,
        band=1 if routed else 0,
    )
    return [e.Issued(ticket)]


@rule(c.Requeue)
def requeue(state: HallState, config: HallConfig, cmd: c.Requeue, now: float) -> list[e.Event]:
    ticket = find_ticket(state, cmd.ticket)
    check(ticket, c.Requeue)
    if ticket.day != state.day:
        raise Refused("not_today", ticket=ticket.label)
    if ticket.requeues >= config.policy.requeue_limit:
        raise Refused("requeue_limit", ticket=ticket.label, count=ticket.requeues)
    # Behind the first ``requeue_penalty`` tickets waiting in turn in its zone, else at the end.
    queue = sorted((state.tickets[i] for i in state.waiting), key=order_key)
    queue = [
        t
        for t in queue
        if t.zone == ticket.zone
        and t.band == 1
        and t.to_staff is None
        and t.to_window is None
        and t.kind is Kind.NORMAL
    ]
    penalty = config.policy.requeue_penalty
    if penalty >= len(queue):
        key = now
    elif penalty == 0:
        key = queue[0].key - 1e-3
    else:
        key = (queue[penalty - 1].key + queue[penalty].key) / 2
    return [e.Requeued(ticket.id, band=1, key=key)]


# --- windows ---------------------------------------------------------------------------------
@rule(c.Login)
def login(state: HallState, config: HallConfig, cmd: c.Login, now: float) -> list[e.Event]:
    window = state.windows.get(cmd.window)
    if window is None:
        raise Refused("unknown_window", window=cmd.window)
    if cmd.staff not in config.staff:
        raise Refused("unknown_staff", staff=cmd.staff)
    if window.staff is not None and window.staff != cmd.staff:
        raise Refused("window_taken", window=cmd.window, staff=config.staff[window.staff].name)
    for other in state.windows.values():
        if other.staff == cmd.staff and other.number != cmd.window:
            raise Refused(
                "staff_elsewhere", staff=config.staff[cmd.staff].name, window=other.number
            )
    if window.staff == cmd.staff:
        return []  # already there: logging in again is harmless
    return [e.LoggedIn(cmd.window, cmd.staff)]


@rule(c.Logout)
def logout(state: HallState, config: HallConfig, cmd: c.Logout, now: float) -> list[e.Event]:
    window = staffed_window(state, cmd.window)
    if window.ticket is not None:
        raise Refused("window_busy", window=cmd.window, ticket=state.tickets[window.ticket].label)
    return [e.LoggedOut(cmd.window, window.staff)]


@rule(c.Pause)
def pause(state: HallState, config: HallConfig, cmd: c.Pause, now: float) -> list[e.Event]:
    idle_window(state, cmd.window)
    return [e.Paused(cmd.window, cmd.reason)]


@rule(c.Resume)
def resume(state: HallState, config: HallConfig, cmd: c.Resume, now: float) -> list[e.Event]:
    window = staffed_window(state, cmd.window)
    if window.status is not WindowStatus.PAUSED:
        raise Refused("window_not_paused", window=cmd.window)
    return [e.Resumed(cmd.window)]


# --- calling ---------------------------------------------------------------------------------
@rule(c.CallNext)
def call_next(state: HallState, config: HallConfig, cmd: c.CallNext, now: float) -> list[e.Event]:
    window = idle_window(state, cmd.window)
    choice = choose_next(state, config, window, now)
    if choice is None:
        raise Refused("queue_empty")
    return [e.Called(choice.ticket.id, cmd.window, window.staff, "next", choice.priority_run)]


@rule(c.CallTicket)
def call_ticket(
    state: HallState, config: HallConfig, cmd: c.CallTicket, now: float
) -> list[e.Event]:
    window = idle_window(state, cmd.window)
    ticket = find_ticket(state, cmd.ticket)
    check(ticket, c.CallTicket)
    return [e.Called(ticket.id, cmd.window, window.staff, "chosen", window.priority_run)]


@rule(c.CallBack)
def call_back(state: HallState, config: HallConfig, cmd: c.CallBack, now: float) -> list[e.Event]:
    window = idle_window(state, cmd.window)
    ticket = find_ticket(state, cmd.ticket)
    check(ticket, c.CallBack)
    if ticket.id not in window.suspended:  # suspended at another window
        raise refuse_state(ticket, c.CallBack.op)
    return [e.Called(ticket.id, cmd.window, window.staff, "callback", window.priority_run)]


@rule(c.Recall)
def recall(state: HallState, config: HallConfig, cmd: c.Recall, now: float) -> list[e.Event]:
    ticket = ticket_at_window(state, cmd.window, c.Recall)
    if ticket.recalls >= config.policy.recall_limit:
        raise Refused("recall_limit", ticket=ticket.label, count=ticket.recalls)
    return [e.Recalled(ticket.id, cmd.window, ticket.recalls + 1)]


@rule(c.NoShow)
def no_show(state: HallState, config: HallConfig, cmd: c.NoShow, now: float) -> list[e.Event]:
    ticket = ticket_at_window(state, cmd.window, c.NoShow)
    return [e.Missed(ticket.id, cmd.window)]


@rule(c.Start)
def start(state: HallState, config: HallConfig, cmd: c.Start, now: float) -> list[e.Event]:
    ticket = ticket_at_window(state, cmd.window, c.Start)
    return [e.Started(ticket.id, cmd.window)]


@rule(c.Finish)
def finish(state: HallState, config: HallConfig, cmd: c.Finish, now: float) -> list[e.Event]:
    ticket = ticket_at_window(state, cmd.window, c.Finish)
    out: list[e.Event] = []
    if ticket.status is Status.CALLED:  # many windows never press "start"
        out.append(e.Started(ticket.id, cmd.window))
    case = state.cases.get(ticket.case)
    open_card = state.cards.get(case.card) if case and case.card is not None else None
    case_done = cmd.case_done
    if case_done is None:  # a card issued on this visit means the citizen comes back
        case_done = open_card is None or open_card.issued_at < ticket.issued_at
    out.append(e.Finished(ticket.id, cmd.window, case_done))
    if case_done and open_card is not None:
        out.append(e.CardClosed(open_card.number, "done"))
    return out


@rule(c.Transfer)
def transfer(state: HallState, config: HallConfig, cmd: c.Transfer, now: float) -> list[e.Event]:
    ticket = ticket_at_window(state, cmd.window, c.Transfer)
    targets = [x for x in (cmd.to_zone, cmd.to_window, cmd.to_staff) if x is not None]
    if len(targets) != 1:
        raise Refused("bad_transfer")
    zone = ticket.zone
    if cmd.to_zone is not None:
        if cmd.to_zone not in config.zones:
            raise Refused("unknown_zone", zone=cmd.to_zone)
        zone = cmd.to_zone
    if cmd.to_window is not None and cmd.to_window not in config.windows:
        raise Refused("unknown_window", window=cmd.to_window)
    if cmd.to_staff is not None and cmd.to_staff not in config.staff:
        raise Refused("unknown_staff", staff=cmd.to_staff)
    return [
        e.Transferred(
            ticket.id,
            cmd.window,
            zone,
            cmd.to_window,
            cmd.to_staff,
            band=0 if cmd.at_head else 1,
            key=now,
            note=cmd.note,
        )
    ]


@rule(c.Suspend)
def suspend(state: HallState, config: HallConfig, cmd: c.Suspend, now: float) -> list[e.Event]:
    ticket = ticket_at_window(state, cmd.window, c.Suspend)
    return [e.Suspended(ticket.id, cmd.window, cmd.note)]


@rule(c.Cancel)
def cancel(state: HallState, config: HallConfig, cmd: c.Cancel, now: float) -> list[e.Event]:
    ticket = find_ticket(state, cmd.ticket)
    check(ticket, c.Cancel)
    return [e.Cancelled(ticket.id, cmd.reason)]


@rule(c.Evaluate)
def evaluate(state: HallState, config: HallConfig, cmd: c.Evaluate, now: float) -> list[e.Event]:
    if cmd.level not in RATING_LEVELS:
        raise Refused("bad_rating")
    if cmd.ticket is not None:
        ticket = find_ticket(state, cmd.ticket)
    elif cmd.window is not None:
        window = state.windows.get(cmd.window)
        if window is None:
            raise Refused("unknown_window", window=cmd.window)
        if window.last_finished is None:
            raise Refused("no_ticket_at_window", window=cmd.window)
        ticket = state.tickets[window.last_finished]
    else:
        raise Refused("bad_request", detail="ticket or window")
    if ticket.rating is not None:
        raise Refused("already_rated", ticket=ticket.label)
    check(ticket, c.Evaluate)
    if cmd.reasons:
        if cmd.level not in POOR_LEVELS:
            raise Refused("reasons_not_poor")
        for reason in cmd.reasons:
            if reason not in config.policy.rating_reasons:
                raise Refused("unknown_reason", reason=reason)
    return [e.Rated(ticket.id, cmd.level, ticket.window, ticket.staff, list(cmd.reasons))]


# --- 好差评整改 ----------------------------------------------------------------------------------
_TICKET_ID = re.compile(r"\d{8}-[A-Z]\d{3,}")


@rule(c.CloseRectification)
def close_rectification(
    state: HallState, config: HallConfig, cmd: c.CloseRectification, now: float
) -> list[e.Event]:
    """Any day's ticket (the live state knows only today's: the reports match the close to
    its 差评); today's must be one."""
    if not _TICKET_ID.fullmatch(cmd.ticket):
        raise Refused("unknown_ticket", ticket=cmd.ticket)
    if not cmd.note.strip():
        raise Refused("bad_request", detail="note")
    ticket = state.tickets.get(cmd.ticket)
    if ticket is not None and (ticket.rating is None or ticket.rating > 2):
        raise Refused("bad_request", detail="not a poor rating")
    return [e.RectificationClosed(cmd.ticket, cmd.note.strip())]


# --- 续办服务卡 --------------------------------------------------------------------------------
@rule(c.IssueCard)
def issue_card(state: HallState, config: HallConfig, cmd: c.IssueCard, now: float) -> list[e.Event]:
    ticket = ticket_at_window(state, cmd.window, c.IssueCard)
    window = state.windows[cmd.window]
    case = state.cases[ticket.case]
    if case.card is not None and case.card in state.cards:  # only open cards are in memory
        raise Refused("card_exists", card=state.cards[case.card].label)
    number = state.next_card
    until = date.fromisoformat(state.day) + timedelta(days=config.policy.card_valid_days)
    card = Card(
        number=number,
        case=case.id,
        staff=window.staff or "",
        window=cmd.window,
        zone=ticket.zone,
        matter=ticket.matter,
        issued_at=now,
        valid_until=until.isoformat(),
        code=card_code(config.secret, number, until),
        tips=list(cmd.tips),
    )
    return [e.CardIssued(card)]
