"""The kiosk's rules, without Qt, sockets or a clock: what a tap, a scan, a reply, a print
result or a printer status means, and what to do about it.

``KioskFlow`` takes inputs (``tap``, ``scan``, ``reply``, ``failed``, ``printed``,
``printer_status``, ``connection``, ``tick``), each with the time, changes its state and
returns *effects* for the edges to carry out: ``Send`` a request to the hub, ``Print`` a slip,
``Quit``. The Qt screens draw its state; the hub client and the printer worker feed its inputs.

The rules that matter most:

- **One intent, one ticket.** An intent (a zone's matter, a scanned card, a requeue) gets one
  request id, made once; while it is in flight every other tap and scan that would start one is
  ignored. The client library resends the same id after a reconnect, and the hub answers a
  resend with its first reply, so a dropped connection never makes a second ticket.
- **Shown and printed only once acknowledged, printed at most once.** The ticket screen and the
  print come from the hub's reply to the intent's id, and only the first reply to it counts.
- **No ghost number.** A print that fails voids the ticket (reason ``print_failed``) unless the
  printer policy is ``screen`` (the citizen photographs the number on the screen). A request the
  client gave up on (timeout) may still have been done by the hub: it is sent again with the
  same id once the hub is back, and a ticket that comes back is voided (nobody holds it).
- **Printer policy.** While the printer cannot print, ``refuse`` disables the tiles
  (请到咨询台取号) and ``screen`` issues anyway and shows the ticket with its QR.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from hardware.layouts import TicketSlip
from hardware.status import PrinterStatus
from shared.security import CARD_CODE_PREFIX, verify_pin
from shared.texts import t

from .catalog import Catalog, Matter, ZoneView

Policy = Literal["screen", "refuse"]
PIN_TRIES = 5
PIN_LOCK_SECONDS = 300.0
ORPHAN_RETRY = 5.0  # seconds between asks about a request given up on
DISMISS_AFTER = 1.0  # a touch on a result screen goes home once it has been up this long


class Screen(StrEnum):
    HOME = "home"
    MATTERS = "matters"
    PRIORITY = "priority"
    CARD_HINT = "card_hint"  # 请扫描续办服务卡
    WAIT = "wait"  # a request in flight: 正在取号…
    PRINTING = "printing"  # 正在打印…
    TICKET = "ticket"  # the number, ahead, wait, QR
    CARD = "card"  # a follow-up ticket and where to go
    STATUS = "status"  # a scanned ticket's place
    REQUEUE = "requeue"  # 过号重排: confirm with the penalty explained
    REPRINT = "reprint"  # 补打: confirm
    MESSAGE = "message"  # a refusal or a failure, in plain words
    PIN = "pin"  # maintenance PIN
    MAINTENANCE = "maintenance"


ACTING = (Screen.MATTERS, Screen.PRIORITY, Screen.CARD_HINT, Screen.REQUEUE, Screen.REPRINT)
STAFF = (Screen.PIN, Screen.MAINTENANCE)
RESULTS = (Screen.TICKET, Screen.CARD, Screen.STATUS, Screen.MESSAGE)
BUSY = (Screen.WAIT, Screen.PRINTING)


# -- effects ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Send:
    rid: str
    op: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Print:
    job: str
    slip: TicketSlip


@dataclass(frozen=True)
class PrintTestPage:
    job: str
    slip: TicketSlip


@dataclass(frozen=True)
class Quit:
    pass


Effect = Send | Print | PrintTestPage | Quit


@dataclass(frozen=True)
class Settings:
    policy: Policy = "refuse"
    result_seconds: float = 12.0  # the ticket screen, then home (or at once on a touch)
    idle_seconds: float = 60.0  # nobody touched for this long on a choosing screen: home
    reprint_seconds: float = 120.0
    lang: str = "zh_CN"
    request_timeout: float = 10.0
    pin_hash: str = ""  # scrypt hash of the maintenance PIN; empty: no maintenance screen
    matters_per_page: int = 6
    elderly_matters_per_page: int = 4


@dataclass(frozen=True)
class Message:
    """A line for the citizen: a text key with its parameters, or the server's own words."""

    key: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    words: dict[str, str] | None = None

    def text(self, lang: str) -> str:
        if self.words is not None:
            return self.words.get(lang) or self.words.get("zh_CN", "")
        return t(self.key, lang, **self.params)


def say(key: str, **params: Any) -> Message:
    return Message(key, params)


def server_words(error: dict[str, Any]) -> Message:
    zh = str(error.get("message") or error.get("code") or "")
    return Message(words={"zh_CN": zh, "en": str(error.get("message_en") or zh)})


@dataclass
class Pending:
    """The one request in flight for the citizen at the screen."""

    rid: str
    op: str
    fields: dict[str, Any]
    purpose: str  # issue | redeem | status | requeue | requeue_status | staff


@dataclass
class Shown:
    """The ticket (or follow-up) on the screen, and what happened to its print."""

    ticket: dict[str, Any]
    printed: bool = False
    print_failed: str | None = None  # PrintFailed.reason when the print failed
    voided: bool = False
    on_screen_only: bool = False  # policy screen with the printer down: not printed at all
    route: list[Message] = field(default_factory=list)  # where a follow-up goes
    requeued: bool = False


@dataclass
class LastTicket:
    ticket: dict[str, Any]
    at: float
    reprinted: bool = False


class KioskFlow:
    def __init__(
        self,
        catalog: Catalog,
        settings: Settings | None = None,
        *,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self.catalog = catalog
        self.settings = settings or Settings()
        self.new_id = new_id
        self.default_lang = self.settings.lang
        self.lang = self.default_lang
        self.elderly = False
        self.screen = Screen.HOME
        self.connected = False
        self.printer: PrinterStatus | None = None  # None: not asked yet
        self.paper_acknowledged = False
        self.reported: str | None = None  # the printer state the hub was last told
        self.zone: str | None = None
        self.matter: Matter | None = None
        self.page = 0
        self.pending: Pending | None = None
        self.printing: str | None = None  # the job id of the print in flight
        self.shown: Shown | None = None
        self.message: Message | None = None
        self.hint: Message | None = None  # a second line under the message (what to do next)
        self.status: dict[str, Any] | None = None  # a scanned ticket's status view
        self.last: LastTicket | None = None
        self.orphans: dict[str, tuple[str, dict[str, Any]]] = {}  # rid -> (op, fields)
        self.orphans_at = 0.0  # when to ask about them again
        self.voids: set[str] = set()  # rids of void requests
        self.pin_failures = 0
        self.locked_until = 0.0
        self.pin_error: Message | None = None
        self.test_result: Message | None = None
        self.touched = 0.0
        self.until = 0.0  # when a result screen goes home by itself
        self.result_at = 0.0  # when it was shown
        self.issued = 0  # tickets acknowledged by the hub for this kiosk (this run)
        self.prints = 0  # slips sent to the printer (tickets, copies, test pages)

    # -- what the screens ask ----------------------------------------------------------------
    @property
    def printer_ok(self) -> bool:
        return self.printer is not None and self.printer.ok

    @property
    def can_issue(self) -> bool:
        """Tiles are offered: the hub is there, the printer was asked, and it can print (or
        the policy is to show the ticket on the screen)."""
        if not self.connected or self.printer is None:
            return False
        return self.printer.ok or self.settings.policy == "screen"

    def notice(self) -> Message | None:
        """The home screen's plain line about the printer, or None."""
        if self.printer is None:
            return say("kiosk.printer.checking")
        if self.printer.ok:
            return None
        problem = Message(words={lang: self.printer.message(lang) for lang in ("zh_CN", "en")})
        if self.settings.policy == "screen":
            return Message(
                words={
                    lang: t("kiosk.printer.photo", lang, problem=problem.text(lang))
                    for lang in ("zh_CN", "en")
                }
            )
        return Message(
            words={
                lang: t("kiosk.printer.refuse", lang, problem=problem.text(lang))
                for lang in ("zh_CN", "en")
            }
        )

    def staff_notice(self) -> Message | None:
        if self.printer is not None and self.printer.paper == "near_end":
            return None if self.paper_acknowledged else say("kiosk.printer.near_end")
        return None

    def zone_views(self, now: float) -> list[ZoneView]:
        return self.catalog.zone_views(now)

    def matters(self, now: float) -> list[Matter]:
        if self.zone is None or self.zone not in self.catalog.zones:
            return []
        return list(self.catalog.zone_view(self.zone, now).matters)

    @property
    def per_page(self) -> int:
        s = self.settings
        return s.elderly_matters_per_page if self.elderly else s.matters_per_page

    def page_of_matters(self, now: float) -> tuple[list[Matter], int]:
        """The matters on the current page, and how many pages there are."""
        matters = self.matters(now)
        pages = max(1, -(-len(matters) // self.per_page))
        page = min(self.page, pages - 1)
        return matters[page * self.per_page : (page + 1) * self.per_page], pages

    def can_reprint(self, now: float) -> bool:
        last = self.last
        return (
            last is not None
            and not last.reprinted
            and now - last.at <= self.settings.reprint_seconds
            and self.printer_ok
        )

    def locked(self, now: float) -> bool:
        return now < self.locked_until

    # -- inputs --------------------------------------------------------------------------------
    def tap(self, what: str, now: float) -> list[Effect]:
        """A touch on something named ``what`` (``zone:<id>``, ``matter:<id>``, ``priority:<kind>``,
        ``home``, ``back``, ``next``, ``prev``, ``lang``, ``elderly``, ``card``, ``reprint``,
        ``confirm``, ``dismiss``, ``corner``, ``pin:<digits>``, ``maint:<action>``)."""
        self.touched = now
        name, _, arg = what.partition(":")
        screen = self.screen
        if screen in BUSY:
            return []  # taps while a ticket is on its way do nothing
        if screen in RESULTS:
            # the second tap of a double tap must not take the ticket off the screen
            if name == "home" or (name == "dismiss" and now - self.result_at >= DISMISS_AFTER):
                self._home()
            return []
        if name == "corner":
            if screen is Screen.HOME and self.settings.pin_hash:
                self.screen, self.pin_error = Screen.PIN, None
            return []
        if screen in STAFF:
            return self._staff_tap(name, arg, now)
        if name == "home":
            self._home()
            return []
        if screen is Screen.HOME:
            return self._home_tap(name, arg, now)
        if screen is Screen.MATTERS:
            return self._matters_tap(name, arg, now)
        if screen is Screen.PRIORITY:
            if name == "priority":
                return self._issue(None if arg == "none" else arg, now)
            if name == "back":
                self._back_from_priority(now)
            return []
        if screen is Screen.CARD_HINT:
            if name == "back":
                self._home(keep=True)
            return []
        if screen is Screen.REQUEUE:
            if name == "confirm" and self.status is not None:
                label = self.status["label"]
                day = self.catalog.day.replace("-", "")
                return self._start("requeue", "requeue", ticket=f"{day}-{label}" if day else label)
            if name == "back":
                self._home()
            return []
        if screen is Screen.REPRINT:
            if name == "confirm":
                return self._reprint(now)
            if name == "back":
                self._home()
            return []
        return []

    def _home_tap(self, name: str, arg: str, now: float) -> list[Effect]:
        if name == "lang":
            self.lang = "en" if self.lang == "zh_CN" else "zh_CN"
        elif name == "elderly":
            self.elderly = not self.elderly
        elif name == "card":
            if self.connected:
                self.screen = Screen.CARD_HINT
        elif name == "reprint":
            if self.can_reprint(now):
                self.screen = Screen.REPRINT
        elif name == "zone":
            return self._choose_zone(arg, now)
        return []

    def _choose_zone(self, zone: str, now: float) -> list[Effect]:
        if not self.can_issue or zone not in self.catalog.zones:
            return []  # a tile during an outage, or one no longer there: nothing, silently
        view = self.catalog.zone_view(zone, now)
        if view.closed:
            return []
        self.zone, self.matter, self.page = zone, None, 0
        if len(view.matters) > 1:
            self.screen = Screen.MATTERS
            return []
        self.matter = view.matters[0] if view.matters else None
        return self._after_matter(now)

    def _matters_tap(self, name: str, arg: str, now: float) -> list[Effect]:
        shown, pages = self.page_of_matters(now)
        if name == "next":
            self.page = min(self.page + 1, pages - 1)
        elif name == "prev":
            self.page = max(self.page - 1, 0)
        elif name == "back":
            self._home(keep=True)
        elif name == "matter":
            matter = next((m for m in shown if m.id == arg), None)
            if matter is not None and self.can_issue:
                self.matter = matter
                return self._after_matter(now)
        return []

    def _after_matter(self, now: float) -> list[Effect]:
        if self.catalog.priority_kinds:
            self.screen = Screen.PRIORITY
            return []
        return self._issue(None, now)

    def _back_from_priority(self, now: float) -> None:
        if self.zone is not None and len(self.matters(now)) > 1:
            self.screen = Screen.MATTERS
        else:
            self._home(keep=True)

    def _issue(self, priority: str | None, now: float) -> list[Effect]:
        if not self.can_issue or self.zone is None:
            return []
        if priority is not None and priority not in self.catalog.priority_kinds:
            return []
        fields: dict[str, Any] = {"zone": self.zone}
        if self.matter is not None:
            fields["matter"] = self.matter.id
        if priority is not None:
            fields["priority_reason"] = priority
        return self._start("issue", "issue", **fields)

    def _start(self, purpose: str, op: str, **fields: Any) -> list[Effect]:
        rid = self.new_id()
        self.pending = Pending(rid, op, fields, purpose)
        self.screen = Screen.WAIT
        return [Send(rid, op, fields)]

    def scan(self, code: str, now: float) -> list[Effect]:
        """A code from the QR scanner, on any screen: a 续办服务卡 or a ticket's status URL."""
        self.touched = now
        code = code.strip()
        if self.screen in BUSY or self.screen in STAFF or not code:
            return []  # one intent at a time; a burst during a flow is dropped
        if not self.connected:
            return []
        if self.screen in RESULTS or self.screen in ACTING:
            self._home()
        if code.upper().startswith(CARD_CODE_PREFIX + "-"):
            return self._start("redeem", "redeem_card", code=code)
        ticket_code = _ticket_code(code)
        if ticket_code:
            return self._start("status", "ticket_status", code=ticket_code)
        self._show_message(say("kiosk.scan.unknown"), say("kiosk.next.desk"), now)
        return []

    def reply(self, rid: str, result: dict[str, Any], now: float) -> list[Effect]:
        if rid in self.voids:
            self.voids.discard(rid)
            return []
        if rid in self.orphans:
            # A request given up on was done after all: nobody holds its ticket.
            op, _ = self.orphans.pop(rid)
            ticket = result.get("ticket")
            # A follow-up stays: the card's holder who scans again is told its number.
            if op == "issue" and isinstance(ticket, dict) and ticket.get("status") == "waiting":
                return self._void(ticket, "not_delivered")
            return []
        pending = self.pending
        if pending is None or rid != pending.rid:
            return []  # not the intent on the screen: a late or repeated reply changes nothing
        self.pending = None
        purpose = pending.purpose
        if purpose in ("issue", "redeem"):
            return self._acknowledged(result["ticket"], purpose, now)
        if purpose == "staff":
            self.catalog.take_snapshot(result.get("topics") or {})
            if self.shown is not None:
                self.shown.route = self._route(self.shown.ticket)
            self._back_to_ticket(now)
            return []
        if purpose == "status":
            self.status = result["ticket"]
            if self.status.get("status") == "missed":
                self.screen = Screen.REQUEUE
            else:
                self._result(Screen.STATUS, now)
            return []
        if purpose == "requeue":
            code = self.status["code"] if self.status else result["ticket"]["code"]
            self.status = {**(self.status or {}), **result["ticket"], "requeued": True}
            effects = self._start("requeue_status", "ticket_status", code=code)
            return effects
        if purpose == "requeue_status":
            self.status = {**result["ticket"], "requeued": True}
            self._result(Screen.STATUS, now)
            return []
        return []

    def failed(self, rid: str, error: dict[str, Any], now: float) -> list[Effect]:
        code = str(error.get("code", "internal"))
        if rid in self.voids:
            self.voids.discard(rid)
            return []
        if rid in self.orphans:
            if code != "timeout":
                self.orphans.pop(rid)  # refused on the resend: it was never done
            return []
        pending = self.pending
        if pending is None or rid != pending.rid:
            return []
        self.pending = None
        if code == "timeout" and pending.op in ("issue", "redeem_card"):
            # The hub may have done it before the line went quiet: settle it when back.
            self.orphans[rid] = (pending.op, pending.fields)
            self.orphans_at = now + ORPHAN_RETRY
        if pending.purpose == "staff":
            self._back_to_ticket(now)
            return []
        if pending.purpose == "requeue_status" and self.status is not None:
            self._result(Screen.STATUS, now)  # requeued; only its new place is unknown
            return []
        if pending.purpose == "issue":
            zone = str(pending.fields.get("zone"))
            self.catalog.learn_refusal(zone, code, error, now)
        self._show_message(*_refusal(pending.purpose, code, error), now)
        return []

    def printed(self, job: str, ok: bool, reason: str | None, now: float) -> list[Effect]:
        """The printer worker's answer for ``job``: printed, or failed with ``reason``."""
        if job.startswith("test-"):
            self.test_result = say("kiosk.maint.test_ok") if ok else _print_failure(reason)
            return []
        if job != self.printing:
            return []
        self.printing = None
        if not ok:
            self.printer = PrinterStatus(online=False, reason=_status_reason(reason))
        shown = self.shown
        if job.startswith("copy-"):
            if ok:
                self._home()
            else:
                self._show_message(say("kiosk.reprint.failed"), say("kiosk.next.desk"), now)
            return []
        if shown is None:
            return []
        if ok:
            shown.printed = True
            self.last = LastTicket(shown.ticket, now)
            self._back_to_ticket(now)
            return []
        shown.print_failed = reason or "error"
        followup = shown.ticket.get("kind") == "followup"
        if self.settings.policy == "screen" or followup:
            # The ticket stands: the citizen photographs it (a follow-up is told where to go).
            self._back_to_ticket(now)
            return []
        shown.voided = True
        self._show_message(
            say("kiosk.print.voided", ticket=shown.ticket["label"]), say("kiosk.next.desk"), now
        )
        return self._void(shown.ticket, "print_failed")

    def printer_status(self, status: PrinterStatus, now: float) -> list[Effect]:
        if status.paper != "near_end":
            self.paper_acknowledged = False
        self.printer = status
        return self._report_printer()

    def _report_printer(self, *, again: bool = False) -> list[Effect]:
        """Tell the hub the printer's state when it changed (a kiosk it has not heard of is
        fine to it), for the hall monitor's alarm; ``again`` after a reconnect: a trouble is
        told again (a hub that restarted has forgotten it)."""
        state = printer_state(self.printer) if self.printer is not None else None
        if state is None or not self.connected:
            return []
        if state == (self.reported or "ok") and not (again and state != "ok"):
            return []
        self.reported = state
        return [Send(self.new_id(), "device_status", {"printer": state})]

    def connection(self, up: bool, now: float) -> list[Effect]:
        self.connected = up
        if not up:
            return []
        # Requests given up on during the outage: the same ids again, to learn their fate.
        resent = [Send(rid, op, fields) for rid, (op, fields) in self.orphans.items()]
        return resent + self._report_printer(again=True)

    def tick(self, now: float) -> list[Effect]:
        """Time passes: results go home after their pause, choosing screens after the idle
        timeout (measured from the last touch: never while the citizen is acting)."""
        effects: list[Effect] = []
        if self.orphans and self.connected and now >= self.orphans_at:
            # Still unsettled (the reply was lost on a connection that stayed up): ask again.
            self.orphans_at = now + ORPHAN_RETRY
            effects = [Send(rid, op, fields) for rid, (op, fields) in self.orphans.items()]
        done = self.screen in RESULTS and now >= self.until
        idle = now - self.touched >= self.settings.idle_seconds
        if done or (idle and (self.screen in ACTING or self.screen in STAFF)):
            self._home()
        return effects

    # -- staff ---------------------------------------------------------------------------------
    def _staff_tap(self, name: str, arg: str, now: float) -> list[Effect]:
        if name == "home" or (name == "maint" and arg == "close"):
            self._home()
            return []
        if self.screen is Screen.PIN:
            if name == "pin":
                self._check_pin(arg, now)
            return []
        if name != "maint":
            return []
        if arg == "test":
            job = f"test-{self.new_id()}"
            self.test_result = say("kiosk.maint.testing")
            self.prints += 1
            return [PrintTestPage(job, self._test_slip(now))]
        if arg == "ack":
            self.paper_acknowledged = True
        elif arg == "lang":
            self.default_lang = "en" if self.default_lang == "zh_CN" else "zh_CN"
            self.lang = self.default_lang
        elif arg == "exit":
            return [Quit()]
        return []

    def _check_pin(self, pin: str, now: float) -> None:
        if self.locked(now):
            self.pin_error = say("kiosk.pin.locked", minutes=_minutes(self.locked_until - now))
            return
        if verify_pin(pin, self.settings.pin_hash):
            self.pin_failures = 0
            self.pin_error = None
            self.test_result = None
            self.screen = Screen.MAINTENANCE
            return
        self.pin_failures += 1
        if self.pin_failures >= PIN_TRIES:
            self.pin_failures = 0
            self.locked_until = now + PIN_LOCK_SECONDS
            self.pin_error = say("kiosk.pin.locked", minutes=_minutes(PIN_LOCK_SECONDS))
        else:
            self.pin_error = say("kiosk.pin.wrong", left=PIN_TRIES - self.pin_failures)

    # -- helpers -------------------------------------------------------------------------------
    def _acknowledged(self, ticket: dict[str, Any], purpose: str, now: float) -> list[Effect]:
        self.issued += 1
        self.last = None  # the copy is for the latest ticket only
        self.shown = Shown(ticket)
        effects: list[Effect] = []
        if purpose == "redeem":
            self.shown.route = self._route(ticket)
            staff = ticket.get("to_staff")
            if staff and self.catalog.window_of(staff) is None and staff not in self.catalog.staff:
                # Routed to a staff member who is away: ask who backs them up.
                lookup = self.new_id()
                self.pending = Pending(lookup, "snapshot", {"topics": [f"staff:{staff}"]}, "staff")
                effects.append(Send(lookup, "snapshot", {"topics": [f"staff:{staff}"]}))
        followup = ticket.get("kind") == "followup"
        known_down = self.printer is not None and not self.printer.ok
        if known_down and (self.settings.policy == "screen" or followup):
            # Nothing would print: the ticket stands on the screen, to be photographed.
            self.shown.on_screen_only = True
            self._back_to_ticket(now)
            return effects
        job = f"ticket-{ticket['id']}"
        self.printing = job
        self.prints += 1
        self.screen = Screen.PRINTING
        return [Print(job, self.slip(ticket)), *effects]

    def _back_to_ticket(self, now: float) -> None:
        """Show the ticket once nothing is in flight for it (print, staff lookup)."""
        if self.printing is not None or self.pending is not None or self.shown is None:
            if self.shown is not None and self.printing is None and self.pending is not None:
                self.screen = Screen.WAIT
            return
        kind = self.shown.ticket.get("kind")
        self._result(Screen.CARD if kind == "followup" else Screen.TICKET, now)

    def _route(self, ticket: dict[str, Any]) -> list[Message]:
        """Where a follow-up ticket's holder goes, in words."""
        staff = ticket.get("to_staff")
        zone = ticket.get("zone_name") or ""
        if not staff:
            return [say("kiosk.card.head", zone=zone), say("kiosk.card.no_queue_head")]
        window = self.catalog.window_of(staff)
        if window is not None:
            return [
                say("kiosk.card.go", window=window["number"], name=window.get("staff_name") or ""),
                say("kiosk.card.no_queue"),
            ]
        info = self.catalog.staff.get(staff)
        if info is not None and info.get("backup"):
            backup = self.catalog.window_of(str(info["backup"]))
            if backup is not None:
                return [
                    say(
                        "kiosk.card.backup",
                        name=info.get("name") or staff,
                        window=backup["number"],
                        backup=backup.get("staff_name") or "",
                    ),
                    say("kiosk.card.no_queue"),
                ]
        return [say("kiosk.card.wait_call", zone=zone)]

    def _void(self, ticket: dict[str, Any], reason: str) -> list[Effect]:
        rid = self.new_id()
        self.voids.add(rid)
        return [Send(rid, "void", {"ticket": ticket["id"], "reason": reason})]

    def _reprint(self, now: float) -> list[Effect]:
        if not self.can_reprint(now) or self.last is None:
            self._home()
            return []
        self.last.reprinted = True
        job = f"copy-{self.new_id()}"
        self.printing = job
        self.prints += 1
        self.screen = Screen.PRINTING
        return [Print(job, self.slip(self.last.ticket, copy=True))]

    def slip(self, ticket: dict[str, Any], *, copy: bool = False) -> TicketSlip:
        tips = (t("kiosk.print.copy"),) if copy else ()
        return TicketSlip.from_ticket(ticket, self.catalog.name, self.catalog.tz, tips)

    def _test_slip(self, now: float) -> TicketSlip:
        return TicketSlip(
            hall=self.catalog.name or t("kiosk.title"),
            zone=t("print.test.title"),
            matter=None,
            number="A000",
            kind="normal",
            ahead=0,
            wait_minutes=None,
            issued_at=datetime.fromtimestamp(now, self.catalog.tz),
            status_url=f"{self.catalog.hall.get('public_url', 'http://127.0.0.1')}/t/TEST",
            tips=(t("print.test.sample"),),
        )

    def _result(self, screen: Screen, now: float) -> None:
        self.screen = screen
        pause = self.settings.result_seconds * (2 if self.elderly else 1)
        self.until = now + pause
        self.result_at = now

    def _show_message(self, message: Message, hint: Message | None, now: float) -> None:
        self.message, self.hint = message, hint
        self._result(Screen.MESSAGE, now)

    def _home(self, *, keep: bool = False) -> None:
        """Back to the home screen, for the next citizen: their choices and language go
        (``keep``: the same citizen went back, and keeps their language and mode)."""
        was = self.screen
        self.screen = Screen.HOME
        self.zone, self.matter, self.page = None, None, 0
        self.message = self.hint = None
        self.status = None
        self.pin_error = None
        self.shown = None
        if self.pending is not None and self.pending.purpose == "staff":
            self.pending = None
        if was not in STAFF and not keep:
            self.lang = self.default_lang
            self.elderly = False


def _ticket_code(code: str) -> str | None:
    """The ticket code in a status URL (``…/t/ABCD2345``), or None."""
    if "/t/" not in code:
        return None
    tail = code.rsplit("/t/", 1)[1].split("?")[0].split("#")[0].strip("/")
    return tail.upper() if tail.isalnum() and len(tail) <= 32 else None


def _minutes(seconds: float) -> int:
    return max(1, -(-int(seconds) // 60))


CARD_ERRORS = ("card_forged", "card_unknown", "card_expired", "card_closed", "card_in_use")
REQUEUE_ERRORS = ("bad_state", "not_today", "requeue_limit", "unknown_ticket")
OUTAGE = ("timeout", "not_started", "internal", "storage", "rate_limited")


def _refusal(purpose: str, code: str, error: dict[str, Any]) -> tuple[Message, Message]:
    """The words for a refusal: what happened (the server's, or ours) and what to do next."""
    if code in OUTAGE:
        return say("apps.banner.offline"), say("kiosk.next.retry")
    if purpose == "redeem" and code in CARD_ERRORS:
        return server_words(error), say(f"kiosk.next.{code}")
    if purpose == "requeue" and code in REQUEUE_ERRORS:
        return server_words(error), say("kiosk.next.requeue")
    if purpose == "status" and code == "unknown_code":
        return server_words(error), say("kiosk.next.desk")
    return server_words(error), say("kiosk.next.desk")


def _print_failure(reason: str | None) -> Message:
    return Message(
        words={
            lang: t(f"print.fail.{reason or 'error'}", lang, detail="") for lang in ("zh_CN", "en")
        }
    )


def printer_state(status: PrinterStatus) -> str | None:
    """What the hub is told of a printer (``shared.protocol.PRINTER_STATES``); None when the
    connection cannot read its status (a file or a Windows spooler): nothing to tell."""
    if status.reason == "paper_out":
        return "paper_out"
    if status.reason == "offline":
        return "offline"
    if status.reason is not None:
        return "error"  # the cover open, or a fault
    if status.online is None:
        return None
    return "paper_low" if status.paper == "near_end" else "ok"


def _status_reason(reason: str | None) -> str:
    return reason if reason in ("offline", "paper_out", "cover_open") else "offline"
