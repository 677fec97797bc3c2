"""Protocol v1 between the hall hub and its clients: the envelope, the ops, who may use them,
the topics and the pushed events — defined once, here. ``docs/protocol.md`` describes it.

Frames are JSON text. A request is ``{"op": ..., "id": ..., **fields}``; its reply is
``{"re": id, "ok": true, "result": {...}}`` or ``{"re": id, "ok": false, "error": {code,
message, message_en}}``. A push frame is ``{"events": [event, ...]}`` (the events of one
commit for that connection, in order); an event is ``{"event": kind, "seq": n, "prev": m,
**payload}``: ``seq`` is the hall-wide event number it comes from, ``prev`` the ``seq`` of the
previous event (or snapshot) this connection got, so a client that sees ``prev`` differ from what
it last saw knows it missed something and takes a new snapshot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from . import commands as c
from . import jsoncodec
from .errors import Refused

VERSION = 1
MAX_MESSAGE = 64 * 1024  # bytes: a bigger frame closes the connection with code 1009
MAX_ID = 64  # characters in a request id
MAX_TOPICS = c.MAX_LIST  # topics one connection may hold, and so in one subscribe

# Roles: the device roles of the hall config, and a connection that has shown no credentials.
# The roles a device can have: a protocol concept; the hall config checks its devices against it.
DEVICE_ROLES = ("kiosk", "caller", "display", "bridge", "admin")
ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, *DEVICE_ROLES)


# --- ops that read or manage the connection (the mutating ops are shared.commands) ---------
@dataclass(frozen=True)
class ReadOp:
    op: ClassVar[str]


@dataclass(frozen=True)
class Auth(ReadOp):
    """A browser's first message (browsers cannot set headers)."""

    op: ClassVar[str] = "auth"
    device: str
    token: str


@dataclass(frozen=True)
class Hello(ReadOp):
    """Who am I to the hub: role, windows, hall name, protocol version."""

    op: ClassVar[str] = "hello"
    client: str = ""


@dataclass(frozen=True)
class Ping(ReadOp):
    op: ClassVar[str] = "ping"


@dataclass(frozen=True)
class Subscribe(ReadOp):
    """Add topics; the reply carries a snapshot of every topic now held."""

    op: ClassVar[str] = "subscribe"
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Unsubscribe(ReadOp):
    op: ClassVar[str] = "unsubscribe"
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Snapshot(ReadOp):
    """The current state of the connection's topics (or of ``topics``)."""

    op: ClassVar[str] = "snapshot"
    topics: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TicketStatus(ReadOp):
    """One ticket with its place in the queue: by ``code`` (anyone holding the QR) or, for a
    device, by ``ticket`` (id or today's label)."""

    op: ClassVar[str] = "ticket_status"
    code: str | None = None
    ticket: str | None = None


@dataclass(frozen=True)
class Waiting(ReadOp):
    """Who waits for a window (its zones and what is routed to it, in calling order groups)."""

    op: ClassVar[str] = "waiting"
    window: int


@dataclass(frozen=True)
class Notice(ReadOp):
    """An announcement for the hall boards (admin)."""

    op: ClassVar[str] = "notice"
    text: str
    text_en: str = ""
    minutes: int = 60  # how long boards show it
    clear: bool = False  # take every notice down instead (text ignored)


@dataclass(frozen=True)
class Unlock(ReadOp):
    """Clear a staff id's wrong-PIN lock (admin)."""

    op: ClassVar[str] = "unlock"
    staff: str


@dataclass(frozen=True)
class Reload(ReadOp):
    """Read the configuration file again and take its safe changes (admin)."""

    op: ClassVar[str] = "reload"


PrinterState = Literal["ok", "paper_low", "paper_out", "offline", "error"]
PRINTER_STATES: tuple[str, ...] = ("ok", "paper_low", "paper_out", "offline", "error")


@dataclass(frozen=True)
class DeviceStatus(ReadOp):
    """A kiosk tells the hub its printer's state when it changes (and on each connect); the
    hub keeps the last one in memory and pushes it to the admins (the hall monitor)."""

    op: ClassVar[str] = "device_status"
    printer: PrinterState


READ_OPS: dict[str, type[ReadOp]] = {
    cls.op: cls
    for cls in (
        Auth, Hello, Ping, Subscribe, Unsubscribe, Snapshot, TicketStatus, Waiting, Notice,
        Unlock, Reload, DeviceStatus,
    )
}  # fmt: skip

# Fields a mutating op carries besides its command's: checked and removed by the hub.
EXTRA_FIELDS: dict[str, dict[str, type]] = {"login": {"pin": str}}

ALL_OPS: tuple[str, ...] = (*READ_OPS, *c.COMMANDS)

# --- who may do what: the ONE role × op table, enforced in one place in the hub ------------
_ANY = frozenset(ROLES)
_DEVICES = frozenset(DEVICE_ROLES)
_WINDOW_OPS = (
    "login",
    "logout",
    "call_next",
    "call",
    "recall",
    "no_show",
    "start",
    "finish",
    "transfer",
    "suspend",
    "call_back",
    "cancel",
    "pause",
    "resume",
    "issue_card",
)

PERMISSIONS: dict[str, frozenset[str]] = {
    # connection and reading
    "auth": _ANY,
    "hello": _ANY,
    "ping": _ANY,
    "subscribe": _ANY,
    "unsubscribe": _ANY,
    "snapshot": _ANY,
    "ticket_status": _ANY,
    "waiting": frozenset({"caller", "bridge", "admin"}),
    "notice": frozenset({"admin"}),
    "unlock": frozenset({"admin"}),
    "reload": frozenset({"admin"}),
    "device_status": frozenset({"kiosk"}),
    # kiosk
    "issue": frozenset({"kiosk", "admin"}),
    "void": frozenset({"kiosk", "admin"}),
    "redeem_card": frozenset({"kiosk", "caller", "admin"}),  # the staff may scan it too
    "requeue": frozenset({"kiosk", "admin"}),
    # window: a caller for its one window, a bridge (keypads) for its windows
    **{op: frozenset({"caller", "bridge", "admin"}) for op in _WINDOW_OPS},
    "evaluate": frozenset({"caller", "bridge", "admin"}),
    "close_rectification": frozenset({"admin"}),  # 好差评整改, by a supervisor
}
assert set(PERMISSIONS) == set(ALL_OPS), "every op needs a row in the role table"


def allowed(role: str, op: str) -> bool:
    return role in PERMISSIONS.get(op, frozenset())


def is_mutating(op: str) -> bool:
    return op in c.COMMANDS


# --- topics -------------------------------------------------------------------------------
HALL = "hall"
_TOPIC = re.compile(r"(hall)|(zone|staff|ticket):([A-Za-z0-9_-]{1,40})|(window):([0-9]{1,5})")


@dataclass(frozen=True)
class Topic:
    kind: str  # hall | zone | window | staff | ticket
    key: str = ""

    def __str__(self) -> str:
        return self.kind if not self.key else f"{self.kind}:{self.key}"


def parse_topic(text: str) -> Topic:
    """``hall``, ``zone:<id>``, ``window:<n>``, ``staff:<id>`` or ``ticket:<code>``."""
    m = _TOPIC.fullmatch(text) if isinstance(text, str) else None
    if m is None:
        raise Refused("bad_topic", topic=str(text)[:60])
    if m.group(1):
        return Topic("hall")
    if m.group(2):
        return Topic(m.group(2), m.group(3))
    return Topic("window", str(int(m.group(5))))


def zone_topic(zone: str) -> str:
    return f"zone:{zone}"


def window_topic(window: int) -> str:
    return f"window:{window}"


def staff_topic(staff: str) -> str:
    return f"staff:{staff}"


def ticket_topic(code: str) -> str:
    return f"ticket:{code}"


# --- pushed events ------------------------------------------------------------------------
class Events:
    """The ``event`` names of pushes (see docs/protocol.md for each payload)."""

    ISSUED = "issued"  # a ticket joined a queue: zone, staff (follow-ups), ticket topics
    CALLED = "called"  # ticket, window, staff, zone, kind, announce {zh_CN, en}
    RECALLED = "recalled"  # the same, with count
    TICKET = "ticket"  # any other change of a ticket (missed, started, finished …)
    WINDOW = "window"  # a window's state changed
    COUNTS = "counts"  # tickets waiting per zone (coalesced)
    FOLLOWUP = "followup"  # a follow-up or transfer waits for a staff member
    STATUS = "status"  # a ticket's place in the queue (ticket:<code> topic)
    NOTICE = "notice"  # an announcement for the boards
    DAY = "day"  # the hall opened a new day: take a new snapshot
    DEVICE = "device"  # a device's reported state (a kiosk's printer): to admins only


# --- envelope -----------------------------------------------------------------------------
def encode(message: dict[str, Any]) -> str:
    return jsoncodec.dumps(message)


def request(op: str, request_id: str | int, **fields: Any) -> dict[str, Any]:
    return {"op": op, "id": request_id, **fields}


def ok(request_id: Any, result: dict[str, Any]) -> dict[str, Any]:
    return {"re": request_id, "ok": True, "result": result}


def error(request_id: Any, refusal: Refused) -> dict[str, Any]:
    return {"re": request_id, "ok": False, "error": refusal.to_dict()}


@dataclass(frozen=True)
class Request:
    """A request frame, checked for shape: op, id and the remaining fields."""

    op: str
    id: str | int | None
    fields: dict[str, Any]

    @property
    def key(self) -> str:
        """The id as the idempotency key (per device, per day)."""
        return "" if self.id is None else str(self.id)


def parse_request(text: str | bytes) -> Request:
    """The request in a frame, or ``Refused('bad_request')`` with the id when one was readable.

    The id is attached to the refusal as ``request_id`` so the reply can name it.
    """
    if not isinstance(text, str):
        raise Refused("bad_request", detail="binary frames are not accepted; send JSON text")
    try:
        data = jsoncodec.loads(text)
    except (ValueError, RecursionError):
        raise Refused("bad_request", detail="not valid JSON") from None
    if not isinstance(data, dict):
        raise Refused("bad_request", detail="a request is a JSON object")
    rid = data.pop("id", None)
    if rid is not None and not _good_id(rid):
        raise Refused(
            "bad_request", detail=f"id must be a string of 1–{MAX_ID} characters or an integer"
        )
    op = data.pop("op", None)
    if not isinstance(op, str):
        raise _with_id(Refused("bad_request", detail="missing op"), rid)
    if rid is None and op != "ping":
        raise _with_id(Refused("bad_request", detail="missing id"), rid)
    return Request(op[:40], rid, data)


def _good_id(rid: Any) -> bool:
    if isinstance(rid, bool):
        return False
    if isinstance(rid, int):
        return abs(rid) < 2**53
    return isinstance(rid, str) and 0 < len(rid) <= MAX_ID


def _with_id(refusal: Refused, rid: Any) -> Refused:
    refusal.request_id = rid  # type: ignore[attr-defined]
    return refusal


def read_op(op: str, fields: dict[str, Any]) -> ReadOp:
    """Build a non-mutating op from its fields, with the same checks as the commands."""
    cls = READ_OPS.get(op)
    if cls is None:
        raise Refused("unknown_op", op=op)
    return c.build(cls, fields)


def split_extra(op: str, fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(command fields, extra fields) for a mutating op, the extras type-checked."""
    extra_types = EXTRA_FIELDS.get(op, {})
    extra: dict[str, Any] = {}
    rest = dict(fields)
    for name, kind in extra_types.items():
        if name not in rest:
            raise Refused("bad_request", detail=f"missing field {name}")
        value = rest.pop(name)
        if not isinstance(value, kind) or (isinstance(value, str) and len(value) > 64):
            raise Refused("bad_request", detail=f"{name} must be {kind.__name__}")
        extra[name] = value
    return rest, extra
