"""The commands a client can send: one dataclass per protocol op, validated once, here.

The engine takes these as they are; the hub builds them from JSON with ``from_json``, which
refuses unknown ops, missing or unknown fields and wrong types with ``Refused('bad_request')``.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar, get_args, get_origin

from .errors import Refused
from .hallconfig import MAX_RATING_REASONS, MAX_REASON_LENGTH

T = TypeVar("T")


Reply = Literal["ticket", "queued", "window", "card"]


@dataclass(frozen=True)
class Command:
    op: ClassVar[str]
    # What the reply holds: ``{ticket}`` the ticket acted on; ``queued`` the new ticket with
    # its place (``ahead``, ``wait_minutes``); ``{window}``; ``{card}`` the new 续办服务卡.
    reply: ClassVar[Reply] = "ticket"


# --- kiosk ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Issue(Command):
    """取号. ``priority_reason`` (one of the hall's priority kinds) makes a 绿色通道 ticket;
    ``appointment_at`` (epoch seconds) an appointment checked in at the kiosk."""

    op: ClassVar[str] = "issue"
    reply: ClassVar[Reply] = "queued"
    zone: str
    matter: str | None = None
    priority_reason: str | None = None
    appointment_at: float | None = None
    appointment_ref: str | None = None


@dataclass(frozen=True)
class Void(Command):
    """The kiosk could not print the ticket it was given: nobody will answer that number."""

    op: ClassVar[str] = "void"
    ticket: str
    reason: str = ""


@dataclass(frozen=True)
class RedeemCard(Command):
    """A returning holder scans a 续办服务卡: a follow-up ticket for the card's staff member."""

    op: ClassVar[str] = "redeem_card"
    reply: ClassVar[Reply] = "queued"
    code: str


@dataclass(frozen=True)
class Requeue(Command):
    """过号 re-queue, the same day, behind ``requeue_penalty`` waiting tickets."""

    op: ClassVar[str] = "requeue"
    ticket: str


# --- window (caller) -----------------------------------------------------------------------
@dataclass(frozen=True)
class Login(Command):
    """The hub has checked the PIN; the engine checks the window and the staff member."""

    op: ClassVar[str] = "login"
    reply: ClassVar[Reply] = "window"
    window: int
    staff: str


@dataclass(frozen=True)
class Logout(Command):
    op: ClassVar[str] = "logout"
    reply: ClassVar[Reply] = "window"
    window: int


@dataclass(frozen=True)
class CallNext(Command):
    op: ClassVar[str] = "call_next"
    window: int


@dataclass(frozen=True)
class CallTicket(Command):
    """选呼: call a chosen waiting or missed ticket."""

    op: ClassVar[str] = "call"
    window: int
    ticket: str


@dataclass(frozen=True)
class Recall(Command):
    op: ClassVar[str] = "recall"
    window: int


@dataclass(frozen=True)
class NoShow(Command):
    op: ClassVar[str] = "no_show"
    window: int


@dataclass(frozen=True)
class Start(Command):
    op: ClassVar[str] = "start"
    window: int


@dataclass(frozen=True)
class Finish(Command):
    """办结. ``case_done`` false means the case goes on (承诺件, 补正): the citizen comes back.

    Left out (None), it is false when a 续办服务卡 was issued during this visit (the card says
    the citizen returns) and true otherwise; true closes the case and its open card."""

    op: ClassVar[str] = "finish"
    window: int
    case_done: bool | None = None


@dataclass(frozen=True)
class Transfer(Command):
    """转移 the window's ticket to one target: a zone, a window or a staff member."""

    op: ClassVar[str] = "transfer"
    window: int
    to_zone: str | None = None
    to_window: int | None = None
    to_staff: str | None = None
    at_head: bool = False
    note: str = ""


@dataclass(frozen=True)
class Suspend(Command):
    """挂起: the citizen steps away (fetch a document); the window serves others meanwhile."""

    op: ClassVar[str] = "suspend"
    window: int
    note: str = ""


@dataclass(frozen=True)
class CallBack(Command):
    """回呼 one of the window's suspended tickets."""

    op: ClassVar[str] = "call_back"
    window: int
    ticket: str


@dataclass(frozen=True)
class Cancel(Command):
    op: ClassVar[str] = "cancel"
    ticket: str
    reason: str = ""


@dataclass(frozen=True)
class Pause(Command):
    op: ClassVar[str] = "pause"
    reply: ClassVar[Reply] = "window"
    window: int
    reason: str


@dataclass(frozen=True)
class Resume(Command):
    op: ClassVar[str] = "resume"
    reply: ClassVar[Reply] = "window"
    window: int


@dataclass(frozen=True)
class IssueCard(Command):
    """Give the citizen being served a 续办服务卡 for this case."""

    op: ClassVar[str] = "issue_card"
    reply: ClassVar[Reply] = "card"
    window: int
    tips: tuple[str, ...] = ()


# --- evaluator -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Evaluate(Command):
    """好差评, once per ticket: the ticket named, or the one the window finished last.

    ``reasons``: with a 差评 (不满意 / 非常不满意), what the citizen chose of the hall's
    ``policy.rating_reasons`` (the engine checks they are the hall's); none otherwise.
    """

    op: ClassVar[str] = "evaluate"
    level: int
    ticket: str | None = None
    window: int | None = None
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        reasons = self.reasons
        if (
            len(reasons) > MAX_RATING_REASONS
            or len(set(reasons)) != len(reasons)
            or any(not r.strip() or len(r) > MAX_REASON_LENGTH for r in reasons)
        ):
            raise Refused("bad_reasons", most=MAX_RATING_REASONS, length=MAX_REASON_LENGTH)


# --- supervisor (admin) ----------------------------------------------------------------------
@dataclass(frozen=True)
class CloseRectification(Command):
    """好差评整改: a supervisor closes the follow-up item of a 差评 (rating 1 or 2) with a note."""

    op: ClassVar[str] = "close_rectification"
    ticket: str  # the rated ticket's id, e.g. 20261124-A002
    note: str


COMMANDS: dict[str, type[Command]] = {
    c.op: c
    for c in (
        Issue,
        Void,
        RedeemCard,
        Requeue,
        Login,
        Logout,
        CallNext,
        CallTicket,
        Recall,
        NoShow,
        Start,
        Finish,
        Transfer,
        Suspend,
        CallBack,
        Cancel,
        Pause,
        Resume,
        IssueCard,
        Evaluate,
        CloseRectification,
    )
}


def from_json(op: str, fields: dict[str, Any]) -> Command:
    """Build the command for ``op`` from JSON-decoded ``fields``, or refuse it."""
    cls = COMMANDS.get(op)
    if cls is None:
        raise Refused("unknown_op", op=op)
    return build(cls, fields)


def build(cls: type[T], fields: dict[str, Any]) -> T:
    """An instance of the dataclass ``cls`` from JSON fields, every field checked.

    Unknown fields, missing fields and wrong types are refused with ``bad_request``.
    """
    required, hints = _shape(cls)  # type: ignore[arg-type]  # a class is hashable
    unknown = sorted(set(fields) - hints.keys())
    if unknown:
        raise Refused("bad_request", detail=f"unknown field {unknown[0]}")
    for name in required:
        if name not in fields:
            raise Refused("bad_request", detail=f"missing field {name}")
    return cls(**{name: _check(hints[name])(value, name) for name, value in fields.items()})


@functools.cache
def _shape(cls: type) -> tuple[tuple[str, ...], dict[str, Any]]:
    """(required field names, field types) of a dataclass, worked out once."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    required = tuple(
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    return required, {f.name: hints[f.name] for f in fields}


def to_json(command: Command) -> dict[str, Any]:
    data = dataclasses.asdict(command)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


_MAX_TEXT = 500
MAX_LIST = 64  # the longest list field: the topics one connection may hold


_SCALARS: dict[Any, Callable[[Any], bool]] = {
    str: lambda v: isinstance(v, str) and len(v) <= _MAX_TEXT,
    int: lambda v: isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**31,
    float: lambda v: isinstance(v, int | float) and not isinstance(v, bool) and abs(v) < 2**40,
    bool: lambda v: isinstance(v, bool),
}
Check = Callable[[Any, str], Any]


@functools.cache
def _check(hint: Any) -> Check:
    """The function that checks (and converts) a JSON value for a field typed ``hint``,
    worked out once per type: every request's every field goes through one."""
    origin = get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        nullable = type(None) in get_args(hint)
        (inner,) = [a for a in get_args(hint) if a is not type(None)]
        check_inner = _check(inner)

        def optional(value: Any, name: str) -> Any:
            if value is None and nullable:
                return None
            return check_inner(value, name)

        return optional
    if origin is tuple:
        check_item = _check(get_args(hint)[0])

        def items(value: Any, name: str) -> Any:
            if not isinstance(value, list) or len(value) > MAX_LIST:
                raise Refused("bad_request", detail=f"{name} must be a short list")
            return tuple(check_item(v, name) for v in value)

        return items
    if origin is Literal:
        allowed = get_args(hint)

        def one_of(value: Any, name: str) -> Any:
            if value not in allowed:
                raise Refused("bad_request", detail=f"{name} must be one of {allowed}")
            return value

        return one_of
    test = _SCALARS[hint]

    def scalar(value: Any, name: str) -> Any:
        if not test(value):
            raise Refused("bad_request", detail=f"{name} must be {hint.__name__}")
        return float(value) if hint is float else value

    return scalar
