"""The hub client for Qt apps: the asyncio ``HubClient`` on a worker thread, Qt signals out.

    hub = QtHubClient(url, device="caller-3", token=TOKEN, topics=["window:3"])
    hub.event.connect(on_event)               # every push, in the UI thread
    hub.replied.connect(on_reply)             # (request id, result)
    hub.failed.connect(on_error)              # (request id, {code, message, message_en})
    hub.start()
    rid = hub.request("call_next", window=3)  # returns at once

Requests never block the UI thread: they are handed to the worker's event loop and their
outcome comes back as a signal, queued to the thread this object lives in. Only the two ends
of its life wait: ``start`` until the worker runs (milliseconds; connecting goes on after),
``stop`` up to ``timeout`` for a clean close, when the app quits.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from shared import eventloop
from shared.client import HubClient, HubError


class QtHubClient(QObject):
    event = Signal(dict)  # a push: {"event": kind, "seq", "prev", ...}
    snapshot = Signal(dict, str)  # the snapshot result and why (connect, gap, day, request)
    connection = Signal(bool)  # connected (and subscribed) / lost
    replied = Signal(str, dict)  # request id, result
    failed = Signal(str, dict)  # request id, error {code, message, message_en}
    _incoming = Signal(str, object)  # worker thread -> this object's thread

    def __init__(
        self,
        url: str,
        *,
        device: str | None = None,
        token: str | None = None,
        topics: Iterable[str] = (),
        parent: QObject | None = None,
        **options: Any,
    ) -> None:
        super().__init__(parent)
        self._args = dict(url=url, device=device, token=token, topics=list(topics), **options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: HubClient | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self.is_connected = False
        self._incoming.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)

    # -- life ---------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._work, name="onetrip-hub-client", daemon=True)
        self._thread.start()
        self._started.wait(5)

    def stop(self, timeout: float = 5.0) -> None:
        loop, client = self._loop, self._client
        if loop is None or client is None or self._thread is None:
            return
        future = asyncio.run_coroutine_threadsafe(client.close(), loop)
        with contextlib.suppress(Exception):  # closing is best effort
            future.result(timeout)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(timeout)
        self._thread = None

    def _work(self) -> None:
        loop = eventloop.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop

        async def begin() -> None:
            self._client = HubClient(
                **self._args,
                on_event=lambda m: self._incoming.emit("event", m),
                on_snapshot=lambda r, why: self._incoming.emit("snapshot", (r, why)),
                on_state=lambda up: self._incoming.emit("connection", up),
            )
            await self._client.start()

        loop.run_until_complete(begin())
        self._started.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    # -- requests -----------------------------------------------------------------------------
    def request(
        self, op: str, *, request_id: str | None = None, timeout: float | None = None, **fields: Any
    ) -> str:
        """Send ``op`` without waiting; ``replied`` or ``failed`` says how it went."""
        rid = request_id or uuid.uuid4().hex
        if self._loop is None or self._client is None:
            self.failed.emit(
                rid,
                {
                    "code": "not_started",
                    "message": "未连接",
                    "message_en": "The client is not started",
                },
            )
            return rid
        asyncio.run_coroutine_threadsafe(self._send(op, rid, timeout, fields), self._loop)
        return rid

    def subscribe(self, *topics: str) -> str:
        return self.request("subscribe", topics=list(topics))

    async def _send(self, op: str, rid: str, timeout: float | None, fields: dict[str, Any]) -> None:
        assert self._client is not None
        try:
            if op == "subscribe":
                result = await self._client.subscribe(*fields["topics"])
            else:
                result = await self._client.request(op, request_id=rid, timeout=timeout, **fields)
        except HubError as e:
            self._incoming.emit(
                "failed", (rid, {"code": e.code, "message": e.message, "message_en": e.message_en})
            )
        except Exception as e:  # reported to the UI, never raised into Qt
            self._incoming.emit(
                "failed", (rid, {"code": "internal", "message": str(e), "message_en": str(e)})
            )
        else:
            self._incoming.emit("replied", (rid, result))

    # -- in this object's (the UI) thread ------------------------------------------------
    @Slot(str, object)
    def _dispatch(self, kind: str, payload: Any) -> None:
        if kind == "event":
            self.event.emit(payload)
        elif kind == "snapshot":
            self.snapshot.emit(*payload)
        elif kind == "connection":
            self.is_connected = bool(payload)
            self.connection.emit(bool(payload))
        elif kind == "replied":
            self.replied.emit(*payload)
        elif kind == "failed":
            self.failed.emit(*payload)
