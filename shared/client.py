"""The asyncio client of the hall hub, for every onetrip program (kiosk, caller, display,
bridge, demo, benchmarks).

    client = HubClient(url, device="kiosk-1", token=TOKEN, topics=["zone:shangshi"])
    await client.start()                      # connects in the background, keeps connecting
    await client.wait_connected(5)
    result = await client.request("issue", zone="shangshi")
    event = await client.next_event("called")
    await client.close()

It reconnects by itself (exponential backoff with jitter), authenticates again, subscribes
again and takes a fresh snapshot each time, so the program shows the right state at once.
A push frame carries one or more events, and every event carries ``prev``: an event that does
not follow what the client last saw means it missed something, and it takes a new snapshot. A
request keeps its id across retries: a request whose reply was lost with the connection is sent
again on the next one, and the hub answers it with the first reply instead of doing it twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import random
import ssl as ssl_module
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from . import jsoncodec
from . import protocol as p
from .sync import Sync

log = logging.getLogger("onetrip.client")

EventHandler = Callable[[dict[str, Any]], Awaitable[None] | None]
SnapshotHandler = Callable[[dict[str, Any], str], Awaitable[None] | None]
StateHandler = Callable[[bool], Awaitable[None] | None]


class HubError(Exception):
    """The hub refused a request (``code`` is stable), or the client gave up on it."""

    def __init__(self, code: str, message: str = "", message_en: str = "") -> None:
        self.code = code
        self.message = message or code
        self.message_en = message_en or self.message
        super().__init__(f"{code}: {self.message_en}")

    @classmethod
    def from_reply(cls, error: dict[str, Any]) -> HubError:
        return cls(
            str(error.get("code", "internal")),
            str(error.get("message", "")),
            str(error.get("message_en", "")),
        )


class RequestTimeout(HubError):
    def __init__(self, op: str) -> None:
        super().__init__("timeout", f"请求超时：{op}", f"No reply in time: {op}")


class _Lost(Exception):
    """The connection dropped while a request was in flight: send it again."""


class HubClient:
    def __init__(
        self,
        url: str,
        *,
        device: str | None = None,
        token: str | None = None,
        topics: Iterable[str] = (),
        header_auth: bool = True,
        request_timeout: float = 10.0,
        connect_timeout: float = 5.0,
        backoff: tuple[float, float] = (0.1, 5.0),
        ssl: ssl_module.SSLContext | None = None,
        keep_events: int = 10_000,
        on_event: EventHandler | None = None,
        on_snapshot: SnapshotHandler | None = None,
        on_state: StateHandler | None = None,
        name: str = "",
    ) -> None:
        self.url = url
        self.device = device
        self.token = token
        self.topics: list[str] = list(dict.fromkeys(topics))
        if len(self.topics) > p.MAX_TOPICS:
            raise ValueError(f"a connection follows at most {p.MAX_TOPICS} topics")
        self.header_auth = header_auth
        self.request_timeout = request_timeout
        self.connect_timeout = connect_timeout
        self.backoff = backoff
        self.ssl = ssl
        self.keep_events = keep_events
        self.on_event = on_event
        self.on_snapshot = on_snapshot
        self.on_state = on_state
        self.name = name or device or "anonymous"
        # what the client knows
        self.hello: dict[str, Any] = {}
        self.sync = Sync()  # where the client stands in the hub's stream (seq, resyncs)
        self.snapshot: dict[str, Any] = {}  # topic -> its latest snapshot
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.connects = 0  # successful connections so far (1 + reconnects)
        self.failure: HubError | None = None  # set when the hub refused our credentials
        # machinery
        self._ws: ClientConnection | None = None
        self._ready = asyncio.Event()  # connected, authenticated and subscribed
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- life -----------------------------------------------------------------------------------
    async def start(self) -> HubClient:
        """Start connecting (and reconnecting) in the background; returns at once."""
        if self._task is None:
            self._closing = False
            self._task = asyncio.create_task(self._run(), name=f"hub-client {self.name}")
        return self

    async def connect(self, timeout: float | None = None) -> HubClient:
        """Start and wait until connected, authenticated and subscribed."""
        await self.start()
        await self.wait_connected(self.connect_timeout if timeout is None else timeout)
        return self

    async def wait_connected(self, timeout: float | None = None) -> None:
        waiter = asyncio.ensure_future(self._ready.wait())
        try:
            await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except TimeoutError:
            raise self.failure or RequestTimeout("connect") from None
        finally:
            waiter.cancel()
        if self.failure:
            raise self.failure

    @property
    def seq(self) -> int:
        """The seq of the last snapshot or push taken in."""
        return self.sync.seq

    @property
    def resyncs(self) -> int:
        """Snapshots taken because of a gap or a new day."""
        return self.sync.resyncs

    @property
    def connected(self) -> bool:
        return self._ready.is_set()

    async def close(self) -> None:
        self._closing = True
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        for task in list(self._tasks):
            task.cancel()
        self._ready.clear()

    async def __aenter__(self) -> HubClient:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- requests ---------------------------------------------------------------------------------
    async def request(
        self, op: str, *, request_id: str | None = None, timeout: float | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Send ``op`` and return its result; ``HubError`` when refused, ``RequestTimeout``
        when no reply came in ``timeout`` seconds (across reconnects, with the same id)."""
        reply = await self.request_reply(op, request_id=request_id, timeout=timeout, **fields)
        if not reply.get("ok"):
            raise HubError.from_reply(reply.get("error") or {})
        return reply.get("result") or {}

    async def request_reply(
        self, op: str, *, request_id: str | None = None, timeout: float | None = None, **fields: Any
    ) -> dict[str, Any]:
        """The whole reply envelope (``ok``, ``result`` or ``error``, ``repeated``)."""
        rid = request_id or uuid.uuid4().hex
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.request_timeout if timeout is None else timeout)
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise RequestTimeout(op)
            if not self._ready.is_set():
                try:
                    await self.wait_connected(left)
                except RequestTimeout:
                    raise RequestTimeout(op) from None
            try:
                return await self._exchange(op, rid, fields, deadline - loop.time())
            except _Lost:
                continue  # same id on the next connection: the hub will not do it twice

    async def _exchange(
        self, op: str, rid: str, fields: dict[str, Any], timeout: float
    ) -> dict[str, Any]:
        ws = self._ws
        if ws is None:
            raise _Lost
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[rid] = future
        try:
            try:
                await ws.send(p.encode(p.request(op, rid, **fields)))
            except ConnectionClosed:
                raise _Lost from None
            try:
                async with asyncio.timeout(max(timeout, 0.001)):  # lighter than wait_for
                    return await future
            except TimeoutError:
                raise RequestTimeout(op) from None
        finally:
            if self._pending.get(rid) is future:
                del self._pending[rid]

    # convenience
    async def ping(self) -> dict[str, Any]:
        return await self.request("ping")

    async def subscribe(self, *topics: str) -> dict[str, Any]:
        """Follow more topics (kept across reconnects); returns the snapshot."""
        result = await self.request("subscribe", topics=list(topics))
        for topic in topics:
            if topic not in self.topics:
                self.topics.append(topic)
        return result

    async def unsubscribe(self, *topics: str) -> None:
        self.topics = [t for t in self.topics if t not in topics]
        await self.request("unsubscribe", topics=list(topics))

    async def resync(self) -> dict[str, Any]:
        """Take a fresh snapshot of every followed topic now."""
        return await self.request("snapshot")

    async def next_event(
        self,
        kinds: str | Iterable[str] | None = None,
        timeout: float = 5.0,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        """The next pushed event of ``kinds`` (matching ``where``), skipping the others."""
        wanted = {kinds} if isinstance(kinds, str) else set(kinds) if kinds else None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise RequestTimeout(f"event {kinds}")
            try:
                event = await asyncio.wait_for(self.events.get(), left)
            except TimeoutError:
                raise RequestTimeout(f"event {kinds}") from None
            if (wanted is None or event.get("event") in wanted) and (where is None or where(event)):
                return event

    # -- the connection loop ---------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        if self.header_auth and self.device and self.token:
            return {"Authorization": f"Bearer {self.token}", "X-Onetrip-Device": self.device}
        return {}

    async def _run(self) -> None:
        delay = self.backoff[0]
        while not self._closing:
            try:
                async with connect(
                    self.url,
                    additional_headers=self._headers(),
                    ssl=self.ssl,
                    open_timeout=self.connect_timeout,
                    max_size=p.MAX_MESSAGE * 16,
                    compression=None,
                    ping_interval=10,
                    ping_timeout=10,
                    close_timeout=2,
                ) as ws:
                    self._ws = ws
                    reader = asyncio.create_task(self._read(ws))
                    try:
                        await self._setup()
                        delay = self.backoff[0]
                        await reader
                    finally:
                        reader.cancel()
            except InvalidStatus as e:
                if e.response.status_code == 401:
                    self._fail(_error_of(e.response.body) or HubError("bad_token"))
                    return
                log.info("%s: hub refused the connection: %s", self.name, e)
            except HubError as e:
                # what another try would meet again: give up and say why
                if e.code in ("bad_token", "unauthenticated", "forbidden", "bad_request"):
                    self._fail(e)
                    return
                log.info("%s: setting up failed: %s", self.name, e)
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError, _Lost) as e:
                log.debug("%s: connection lost: %r", self.name, e)
            finally:
                self._lost()
            if self._closing:
                return
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, self.backoff[1])

    async def _setup(self) -> None:
        """Authenticate (browsers' way when asked), say hello, subscribe and take a snapshot."""
        timeout = self.connect_timeout
        if self.device and self.token and not self.header_auth:
            await self._setup_request("auth", timeout, device=self.device, token=self.token)
        self.hello = await self._setup_request("hello", timeout, client=self.name)
        if self.topics:
            self.sync.expect("connect")
            await self._setup_request("subscribe", timeout, topics=self.topics)
        self.connects += 1
        self._ready.set()
        await self._call(self.on_state, True)

    async def _setup_request(self, op: str, timeout: float, **fields: Any) -> dict[str, Any]:
        reply = await self._exchange(op, uuid.uuid4().hex, fields, timeout)
        if not reply.get("ok"):
            raise HubError.from_reply(reply.get("error") or {})
        return reply.get("result") or {}

    def _lost(self) -> None:
        was = self._ready.is_set()
        self._ready.clear()
        self._ws = None
        self.sync.lost()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(_Lost())
        self._pending.clear()
        if was:
            self._spawn(self._call(self.on_state, False))

    def _fail(self, error: HubError) -> None:
        log.error("%s: %s", self.name, error)
        self.failure = error
        self._closing = True
        self._ready.set()  # wake waiters: wait_connected raises the failure

    async def _read(self, ws: ClientConnection) -> None:
        async for frame in ws:
            try:
                message = jsoncodec.loads(frame)
            except ValueError:
                log.warning("%s: not JSON from the hub", self.name)
                continue
            if "re" in message:
                result = message.get("result")
                if message.get("ok") and isinstance(result, dict) and "seq" in result:
                    # Sync points are taken in here, in stream order: the hub's next push
                    # to this connection follows exactly them.
                    if isinstance(result.get("topics"), dict):
                        await self._take_snapshot(result)
                    elif "protocol" in result:  # hello
                        self.sync.hello(int(result["seq"]))
                future = self._pending.get(str(message["re"]))
                if future is not None and not future.done():
                    future.set_result(message)
            elif isinstance(message.get("events"), list):
                # One push frame carries the events of one commit, in order.
                for push in message["events"]:
                    await self._on_push(push)

    # -- pushes and snapshots --------------------------------------------------------------
    async def _on_push(self, message: dict[str, Any]) -> None:
        prev, seq = message.get("prev", 0), message.get("seq", 0)
        step = self.sync.push(seq, prev, message.get("event"))
        if not step.deliver and step.resync:
            log.info("%s: gap (had %s, push follows %s): new snapshot", self.name, self.seq, prev)
        if step.deliver:
            await self._deliver(message)
        if step.resync:
            self._spawn(self._resync())

    async def _resync(self) -> None:
        try:
            await self.request("snapshot", timeout=self.request_timeout)
        except HubError as e:
            log.warning("%s: resync failed: %s", self.name, e)
            self.sync.failed()

    async def _take_snapshot(self, result: dict[str, Any]) -> None:
        reason = self.sync.snapshot(int(result.get("seq", self.seq)))
        self.snapshot.update(result.get("topics") or {})
        await self._call(self.on_snapshot, result, reason)

    async def _deliver(self, message: dict[str, Any]) -> None:
        if self.keep_events:
            if self.events.qsize() >= self.keep_events:
                self.events.get_nowait()  # nobody reads them: keep the newest
            self.events.put_nowait(message)
        await self._call(self.on_event, message)

    async def _call(self, handler: Callable[..., Any] | None, *args: Any) -> None:
        if handler is None:
            return
        try:
            result = handler(*args)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("%s: a handler failed", self.name)

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _error_of(body: bytes | bytearray | None) -> HubError | None:
    try:
        data = jsoncodec.loads(bytes(body or b""))
        return HubError.from_reply(data["error"])
    except (ValueError, KeyError, TypeError):
        return None
