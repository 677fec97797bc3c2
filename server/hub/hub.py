"""The hub: one websocket connection per device, requests in, replies and pushes out.

Every request goes through ``Hub.dispatch``: the role × op table (``shared.protocol``) is checked
there and only there, then the op runs. Mutating ops go to ``Hall.handle`` on the event loop
thread — one writer, so two windows pressing "call next" at once get two tickets — and what
they committed is pushed to subscribers before the reply is sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from server import adminops
from server.authlog import FailureLog
from server.engine.rules import find_ticket
from server.engine.views import waiting_view
from server.hall import Hall, Origin
from server.store import Record, StoreError
from shared import commands as c
from shared import protocol as p
from shared.errors import Refused
from shared.hallconfig import Device, HallConfig
from shared.security import verify_pin, verify_token
from shared.texts import t

from . import policy
from .commits import Committer
from .fanout import Fanout
from .limits import Bucket, HubLimits
from .session import Session
from .stats import Latencies
from .topics import ticket_status, topic_snapshot

log = logging.getLogger("onetrip.hub")


def _peer(conn: ServerConnection) -> tuple[str, int | None]:
    address = conn.remote_address
    return (str(address[0]), int(address[1])) if address else ("", None)


# Reads that look at nothing a batch in flight could change.
_STATELESS = (p.Ping, p.Auth, p.Notice, p.Unsubscribe, p.DeviceStatus)


class Hub:
    def __init__(self, hall: Hall, limits: HubLimits | None = None) -> None:
        self.hall = hall
        self.config: HallConfig = hall.config
        self.limits = limits or HubLimits()
        self.fanout = Fanout(
            hall, max_buffer=self.limits.max_buffer, counts_interval=self.limits.counts_interval
        )
        self.committer = Committer(hall, self._published)
        self.fanout.busy = lambda: self.committer.busy
        self.lockout = policy.Lockout(self.limits.pin_failures, self.limits.lockout_seconds)
        self.latencies = Latencies()  # mutating requests, read → replied (see /healthz)
        self.notices: list[dict[str, Any]] = []
        self.device_states: dict[str, dict[str, Any]] = {}  # device id -> its last status
        self._connected: dict[str, int] = {}  # device id -> its open connections
        self.config_path: Path | None = None  # what `reload` reads (set by `onetrip server`)
        self.failures = FailureLog(log)  # wrong device tokens, one line a minute per host
        self.started = time.time()
        self.anonymous = 0
        # Devices that authenticated with headers during the handshake, until their handler runs.
        # (weak: a handshake that fails after its headers were checked leaves nothing behind)
        self.pending: WeakKeyDictionary[ServerConnection, Device] = WeakKeyDictionary()
        self._buckets: dict[str, Bucket] = {}  # per device: its rate limit

    def _published(self, records: list[Record]) -> None:
        self.fanout.publish(records)

    # -- authentication ---------------------------------------------------------------------
    def device_for(self, device_id: str, token: str) -> Device | None:
        device = self.config.devices.get(device_id)
        if device is None or not token or not verify_token(token, device.token_hash):
            return None
        return device

    # -- connections ------------------------------------------------------------------------
    async def handler(self, conn: ServerConnection) -> None:
        device = self.pending.pop(conn, None)
        if len(self.fanout.sessions) >= self.limits.max_connections or (
            device is None and self.anonymous >= self.limits.max_anonymous
        ):
            await conn.close(1013, "too many connections")
            return
        session = Session(conn, self._bucket(device), device)
        if device is None:
            self.anonymous += 1
        self.fanout.add(session)
        session.last = self.fanout.seq
        log.debug("connected %s", session.name)
        if device is not None:
            self._presence(device.id, +1)
        try:
            async for message in conn:
                await self.on_message(session, message)
        except ConnectionClosed:
            pass
        finally:
            self.fanout.remove(session)
            if session.device is None:
                self.anonymous -= 1
            else:
                self._presence(session.device.id, -1)
            log.debug("closed %s", session.name)

    def _bucket(self, device: Device | None) -> Bucket:
        """A device's one bucket, whichever of its connections a request comes on (a kiosk
        does not get more by opening more); each anonymous connection has its own."""
        if device is None:
            return Bucket(self.limits.rates[p.ANONYMOUS])
        bucket = self._buckets.get(device.id)
        if bucket is None:
            bucket = self._buckets[device.id] = Bucket(self.limits.rates[device.role])
        return bucket

    async def on_message(self, session: Session, message: str | bytes) -> None:
        rid: Any = None
        began = time.perf_counter()
        timed = False
        try:
            limited = not session.bucket.take()  # every frame counts, even broken ones
            request = p.parse_request(message)
            rid = request.id
            if limited:
                raise Refused("rate_limited")
            result, repeated = await self.dispatch(session, request)
            # only what changed the hall: not refusals, nor resends, nor the slow PIN check
            timed = p.is_mutating(request.op) and request.op != "login" and not repeated
            reply = p.ok(rid, result)
            if repeated:
                reply["repeated"] = True
        except Refused as refusal:
            reply = p.error(getattr(refusal, "request_id", rid), refusal)
        except StoreError:
            log.exception("storage failure from %s", session.name)
            reply = p.error(rid, Refused("storage"))
        except Exception:
            log.exception("internal error on a request from %s", session.name)
            reply = p.error(rid, Refused("internal"))
        self.fanout.write(session, p.encode(reply))
        if timed:
            self.latencies.add(time.perf_counter() - began)
        if session.auth_failures >= self.limits.auth_failures:
            await session.conn.close(1008, "authentication failed")

    # -- the one place where the role × op table is enforced -----------------------------------
    async def dispatch(self, session: Session, request: p.Request) -> tuple[dict[str, Any], bool]:
        op = request.op
        policy.may_send(session.device, op)
        if p.is_mutating(op):
            return await self._mutate(session, request)
        read = p.read_op(op, request.fields)
        if self.committer.busy and not isinstance(read, _STATELESS):
            await self.committer.settled()  # never show state that is not on disk yet
        return self._read(session, read), False

    # -- reading and the connection -------------------------------------------------------------
    def _read(self, session: Session, op: p.ReadOp) -> dict[str, Any]:
        if isinstance(op, p.Ping):
            return {"seq": self.fanout.seq, "time": time.time()}
        if isinstance(op, p.Hello):
            return self._hello(session)
        if isinstance(op, p.Auth):
            return self._auth(session, op)
        if isinstance(op, p.Subscribe):
            topics = [self._topic(session, t) for t in op.topics]
            if len(session.topics | set(topics)) > self.limits.max_topics:
                raise Refused("too_many_topics", limit=self.limits.max_topics)
            for topic in topics:
                self.fanout.subscribe(session, topic)
            return self._snapshot(session, sorted(session.topics))
        if isinstance(op, p.Unsubscribe):
            for text in op.topics:
                self.fanout.unsubscribe(session, text)
            return {"topics": sorted(session.topics)}
        if isinstance(op, p.Snapshot):
            names = (
                session.topics
                if op.topics is None
                else [self._topic(session, t) for t in op.topics]
            )
            return self._snapshot(session, sorted(names))
        if isinstance(op, p.TicketStatus):
            return {"ticket": self._ticket_status(session, op)}
        if isinstance(op, p.Waiting):
            self._check_window(session, op.window)
            return waiting_view(self.hall.state, self.config, op.window, self.hall.clock())
        if isinstance(op, p.Notice):
            return self.post_notice(op.text, op.text_en, op.minutes, clear=op.clear)
        if isinstance(op, p.Unlock):
            return adminops.unlock(self, op.staff)
        if isinstance(op, p.Reload):
            return adminops.reload(self, self.config_path)
        if isinstance(op, p.DeviceStatus):
            return self.device_status(session, op)
        raise Refused("unknown_op", op=op.op)  # pragma: no cover - every ReadOp is handled

    def _hello(self, session: Session) -> dict[str, Any]:
        """Who the connection is; its ``seq`` is a sync point: the next push follows it."""
        device = session.device
        session.last = self.fanout.seq
        return {
            "protocol": p.VERSION,
            "role": session.role,
            "device": device.id if device else None,
            "windows": list(device.windows) if device else [],
            "hall": {
                "name": self.config.name,
                "name_en": self.config.name_en,
                "day": self.hall.state.day,
                "public_url": self.config.public_url,
            },
            "seq": self.fanout.seq,
            "time": time.time(),
        }

    def _auth(self, session: Session, op: p.Auth) -> dict[str, Any]:
        if session.device is not None:
            raise Refused("already_authenticated")
        device = self.device_for(op.device, op.token)
        if device is None:
            session.auth_failures += 1
            self.failures.bad_token(op.device, *_peer(session.conn))
            raise Refused("bad_token")
        session.device = device
        session.bucket = self._bucket(device)
        self.anonymous -= 1
        log.info("authenticated %s as %s", session.name, device.role)
        self._presence(device.id, +1)
        return self._hello(session)

    def _topic(self, session: Session, text: str) -> str:
        topic = p.parse_topic(text)
        known = topic.kind == "ticket" and topic.key in self.hall.state.by_code
        return policy.may_follow(self.config, session.device, topic, known)

    def _snapshot(self, session: Session, topics: list[str]) -> dict[str, Any]:
        """The state of ``topics`` at the current seq; the connection's next push follows it."""
        state = self.hall.state
        recent = self.fanout.recent
        out = {
            t: topic_snapshot(
                self.config,
                state,
                p.parse_topic(t),
                recent=recent,
                notices=self.active_notices(),
                now=self.hall.clock(),
            )
            for t in topics
        }
        seq = self.fanout.seq
        session.last = seq
        return {"seq": seq, "topics": out}

    def _ticket_status(self, session: Session, op: p.TicketStatus) -> dict[str, Any]:
        state = self.hall.state
        if op.code is not None:
            tid = self.hall.state.by_code.get(op.code.strip().upper())
            if tid is None or tid not in state.tickets:
                raise Refused("unknown_code")
            ticket = state.tickets[tid]
        elif op.ticket is not None:
            if session.device is None:
                raise Refused("unauthenticated", op="ticket_status")
            ticket = find_ticket(state, op.ticket)
        else:
            raise Refused("bad_request", detail="code or ticket")
        return ticket_status(self.config, state, ticket)

    def ticket_by_code(self, code: str) -> dict[str, Any] | None:
        """For the /t/<code> page."""
        tid = self.hall.state.by_code.get(code)
        ticket = self.hall.state.tickets.get(tid) if tid else None
        return ticket_status(self.config, self.hall.state, ticket) if ticket else None

    # -- a device's own state (a kiosk's printer) ------------------------------------------------
    def device_status(self, session: Session, op: p.DeviceStatus) -> dict[str, Any]:
        """Kept in memory like notices (not an event: gone after a restart, when each kiosk
        tells it again on connecting), and pushed to the admin connections (the monitor)."""
        device = session.device
        if device is None:  # pragma: no cover - the role table lets only kiosks send it
            raise Refused("unauthenticated", op=op.op)
        status = {"device": device.id, "printer": op.printer, "at": time.time()}
        self.device_states[device.id] = status
        self._tell_admins({**status, "online": True})
        return {"status": status}

    def _presence(self, device_id: str, change: int) -> None:
        """A device's connection opened (+1) or closed (-1). When its first opens or its last
        closes, the monitor is told (an offline kiosk's last printer state is stale: the alarm
        becomes that it is gone)."""
        count = self._connected.get(device_id, 0) + change
        if count > 0:
            self._connected[device_id] = count
        else:
            self._connected.pop(device_id, None)
        if (count > 0) != (count - change > 0):
            last = self.device_states.get(device_id, {})
            online = count > 0
            self._tell_admins({**last, "device": device_id, "online": online, "at": time.time()})

    def _tell_admins(self, status: dict[str, Any]) -> None:
        admins = [s for s in self.fanout.sessions if s.role == "admin"]
        if admins:
            self.fanout.send(admins, p.Events.DEVICE, self.fanout.seq, {"status": status})

    # -- notices ---------------------------------------------------------------------------------
    def active_notices(self) -> list[dict[str, Any]]:
        now = time.time()
        self.notices = [n for n in self.notices if n["until"] > now]
        return list(self.notices)

    def post_notice(
        self,
        text: str,
        text_en: str = "",
        minutes: int = 60,
        level: str = "info",
        clear: bool = False,
    ) -> dict[str, Any]:
        if clear:  # boards drop every notice on a notice of level "clear"
            self.notices, text, text_en, minutes, level = [], "", "", 0, "clear"
        notice = {
            "text": text,
            "text_en": text_en or text,
            "level": level,
            "at": time.time(),
            "until": time.time() + max(0, minutes) * 60,
        }
        if minutes > 0:
            self.notices = [*self.active_notices(), notice][-10:]
        self.fanout.to_topics([p.HALL], p.Events.NOTICE, self.fanout.seq, {"notice": notice})
        return {"notice": notice}

    def notify_all(self, key: str, level: str = "system", **params: Any) -> None:
        """A connection notice to every client (e.g. the server is restarting): the text
        ``key`` of ``shared.texts``, in Chinese and English."""
        now = time.time()
        notice = {
            "text": t(key, "zh_CN", **params),
            "text_en": t(key, "en", **params),
            "level": level,
            "at": now,
            "until": now,
        }
        self.fanout.send(
            list(self.fanout.sessions), p.Events.NOTICE, self.fanout.seq, {"notice": notice}
        )

    # -- mutating ops ----------------------------------------------------------------------------
    async def _mutate(self, session: Session, request: p.Request) -> tuple[dict[str, Any], bool]:
        fields, extra = p.split_extra(request.op, request.fields)
        command = c.from_json(request.op, fields)
        device = session.device
        assert device is not None  # no anonymous role may mutate (checked by the table)
        # A retry of a request already done gets its first reply before any check of today's
        # state: a logout retried after its lost reply finds the window logged out.
        key = Origin(device.id, "", request.key)
        earlier = self.hall.first_reply(command.op, key)
        if earlier is None and self.committer.in_flight(device.id, request.key):
            await self.committer.settled()  # its first copy is on its way to disk
            earlier = self.hall.first_reply(command.op, key)
        if isinstance(earlier, Refused):
            raise earlier
        if earlier is not None:
            return earlier.reply, True
        actor = self._authorize(device, command)
        if isinstance(command, c.Login):
            await self._check_pin(session, device, command, extra["pin"])
            actor = command.staff
        origin = Origin(device.id, actor, request.key)
        result = await self.committer.submit(command, origin)  # published when committed
        return result.reply, result.repeated

    def _check_window(self, session: Session, window: int) -> None:
        policy.may_read_window(self.config, session.device, window)

    def _authorize(self, device: Device, command: c.Command) -> str:
        return policy.actor(self.config, self.hall.state, device, command)

    async def _check_pin(
        self, session: Session, device: Device, command: c.Login, pin: str
    ) -> None:
        keys = policy.pin_keys(command.staff, device.id, command.window, session.id)
        self.lockout.check(time.monotonic(), *keys)
        # Counted as wrong until it proves right: guesses sent at once on many connections
        # are held to the same few as guesses sent one after another.
        self.lockout.failed(time.monotonic(), *keys)
        staff = self.config.staff.get(command.staff)
        # An unknown staff id costs the same time as a known one (any hash of the hall's).
        stored = (
            staff.pin_hash if staff else next((s.pin_hash for s in self.config.staff.values()), "")
        )
        good = await asyncio.get_running_loop().run_in_executor(None, verify_pin, pin, stored)
        if not good or staff is None:
            log.warning(
                "wrong PIN for %s at window %s from %s", command.staff, command.window, session.name
            )
            self.lockout.check(time.monotonic(), *keys)
            raise Refused("bad_credentials")
        self.lockout.succeeded(*keys)

    def close(self) -> None:
        self.fanout.close()
