"""Ticket (号票) and follow-up card (续办服务卡) layouts: pure functions from data to bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from shared.texts import t

from .escpos_writer import EscPosWriter, PrintSettings, text_columns

KINDS = ("normal", "priority", "appointment", "followup")


@dataclass(frozen=True)
class TicketSlip:
    hall: str  # 余姚市行政服务中心
    zone: str  # 商事登记
    matter: str | None  # 企业设立登记
    number: str  # A001
    kind: str  # "normal" | "priority" | "appointment" | "followup"
    ahead: int  # people ahead
    wait_minutes: int | None  # estimated wait
    issued_at: datetime  # aware, hall-local
    status_url: str  # https://hall.example/t/ABCD2345 -> QR payload
    tips: tuple[str, ...] = ()
    appointment_at: datetime | None = None  # aware, hall-local: an appointment's booked time

    @classmethod
    def from_ticket(
        cls, ticket: dict[str, Any], hall: str, tz: tzinfo, tips: tuple[str, ...] = ()
    ) -> TicketSlip:
        """The slip of a ticket as the hub describes it (the ``issue`` reply's ``ticket``)."""
        booked = ticket.get("appointment_at")
        return cls(
            hall=hall,
            zone=str(ticket.get("zone_name") or ""),
            matter=ticket.get("matter_name"),
            number=str(ticket["label"]),
            kind=str(ticket.get("kind") or "normal"),
            ahead=int(ticket.get("ahead") or 0),
            wait_minutes=ticket.get("wait_minutes"),
            issued_at=datetime.fromtimestamp(float(ticket["issued_at"]), tz),
            status_url=str(ticket["status_url"]),
            tips=tips,
            appointment_at=datetime.fromtimestamp(float(booked), tz) if booked else None,
        )


@dataclass(frozen=True)
class CardSlip:  # 最多跑一次续办服务卡
    hall: str
    card_no: str  # XB20261122-0007
    staff_name: str  # 业务受理人员
    window: str  # "3"
    phone: str  # 联系电话
    zone: str
    matter: str | None
    tips: tuple[str, ...]  # 温馨提示, e.g. what to bring next time
    code: str  # signed card code -> QR payload
    valid_until: date


def _fitting_size(text: str, columns: int, largest: int) -> int:
    """The largest ``GS !`` multiplier (<= ``largest``) at which ``text`` fits on one line."""
    for n in range(largest, 1, -1):
        if text_columns(text) * n <= columns:
            return n
    return 1


def _heading(w: EscPosWriter, text: str, largest: int = 2) -> None:
    n = _fitting_size(text, w.settings.columns, largest)
    height = n if n > 1 else 2  # too wide to double: at least make it tall
    w.size(n, height).bold().paragraph(text).bold(False).size()


def _rule(w: EscPosWriter) -> None:
    w.line("-" * w.settings.columns)


def _module(settings: PrintSettings, payload: str) -> int:
    # ~25-33 modules for a short URL or card code: 6 dots/module fits both papers comfortably
    # and stays readable by phones; long payloads step down so the code never overflows 58 mm.
    size = 6 if settings.width == 80 else 5
    return size if len(payload) <= 80 else size - 1


def _date(d: date, lang: str) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh_CN" else d.isoformat()


def ticket_bytes(
    slip: TicketSlip, settings: PrintSettings | None = None, lang: str = "zh_CN"
) -> bytes:
    """The bytes of one ticket, ending with the cut."""
    if slip.kind not in KINDS:
        raise ValueError(f"unknown ticket kind {slip.kind!r}")
    s = settings or PrintSettings()
    w = EscPosWriter(s).init().align("center")
    _heading(w, slip.hall)
    _rule(w)
    w.size(1, 2).paragraph(t("print.zone", lang, zone=slip.zone)).size()
    if slip.matter:
        w.paragraph(t("print.matter", lang, matter=slip.matter))
    w.feed(1).line(t("print.your_number", lang))
    big = _fitting_size(slip.number, s.columns, 6 if s.width == 80 else 4)
    w.size(big, big).bold().line(slip.number).bold(False).size()
    if slip.kind != "normal":
        label = t(f"print.kind.{slip.kind}", lang)
        w.size(2, 2).reverse().line(f" {label} ").reverse(False).size()
    if slip.appointment_at is not None:
        # An appointment is called at its time, not in turn: the time, not a wait.
        booked = slip.appointment_at
        w.feed(1).size(1, 2).bold()
        w.paragraph(t("print.appointment_at", lang, time=f"{booked:%H:%M}")).bold(False).size()
        w.paragraph(t("print.appointment_note", lang))
    else:
        w.feed(1).size(1, 2).line(t("print.people_ahead", lang, n=slip.ahead)).size()
        if slip.wait_minutes is not None:
            w.line(t("print.wait_minutes", lang, minutes=slip.wait_minutes))
    when = slip.issued_at
    issued = t("print.issued_at", lang, time=f"{_date(when.date(), lang)} {when:%H:%M:%S}")
    if text_columns(issued) > s.columns:  # 58 mm: the short form fits on one line
        issued = t("print.issued_at", lang, time=f"{when:%Y-%m-%d %H:%M:%S}")
    w.paragraph(issued).feed(1)
    w.qr(slip.status_url, _module(s, slip.status_url))
    w.line(t("print.scan_status", lang))
    _rule(w)
    w.align("left")
    for tip in slip.tips:
        w.paragraph(tip)
    w.paragraph(t("print.keep_ticket", lang))
    return w.cut().getvalue()


def card_bytes(slip: CardSlip, settings: PrintSettings | None = None, lang: str = "zh_CN") -> bytes:
    """The bytes of one 续办服务卡, ending with the cut."""
    s = settings or PrintSettings()
    w = EscPosWriter(s).init().align("center")
    w.paragraph(slip.hall)
    _heading(w, t("print.card.title", lang))
    _rule(w)
    w.align("left").size(1, 2).bold()
    w.paragraph(t("print.card.staff", lang, name=slip.staff_name))
    w.bold(False).size()
    w.paragraph(t("print.card.window", lang, window=slip.window))
    w.paragraph(t("print.card.phone", lang, phone=slip.phone))
    w.paragraph(t("print.card.zone", lang, zone=slip.zone))
    if slip.matter:
        w.paragraph(t("print.card.matter", lang, matter=slip.matter), indent="  ")
    if slip.tips:
        w.bold().line(t("print.card.tips", lang)).bold(False)
        for n, tip in enumerate(slip.tips, 1):
            w.paragraph(f"{n}. {tip}", indent="   ")
    _rule(w)
    w.align("center").qr(slip.code, _module(s, slip.code))
    w.paragraph(t("print.card.scan", lang))
    w.line(t("print.card.number", lang, card_no=slip.card_no))
    w.bold().line(t("print.card.valid_until", lang, date=_date(slip.valid_until, lang))).bold(False)
    return w.cut().getvalue()
