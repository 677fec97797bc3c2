"""Start and stop the hub: in-process (tests, demo, benchmarks) or as ``onetrip server``.

    async with await start_hub(config, "hall.db", port=0) as running:
        print(running.url)          # ws://127.0.0.1:<the port the OS chose>

``HubThread`` runs the same in a background thread for code that is not async.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import ssl as ssl_module
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from websockets.asyncio.server import Server, ServerConnection, serve

from server.hall import Hall
from shared import eventloop
from shared.hallconfig import HallConfig

from .hub import Hub
from .limits import HubLimits
from .pages import Pages

log = logging.getLogger("onetrip.hub")


@dataclass
class RunningHub:
    hub: Hub
    server: Server
    host: str
    port: int
    tls: bool = False

    @property
    def url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://{self.host}:{self.port}/ws"

    @property
    def http_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    @property
    def hall(self) -> Hall:
        return self.hub.hall

    async def close(self) -> None:
        """Tell every client, close the connections (1012: restarting), close the store."""
        self.hub.notify_all("hub.notice.shutdown")
        self.server.close(close_connections=False)
        # All at once, two seconds in all: a thousand sleeping phones must not hold up a stop.
        await asyncio.gather(*(_close(s.conn) for s in list(self.hub.fanout.sessions)))
        await self.server.wait_closed()
        await self.hub.committer.close()
        self.hub.close()
        self.hub.hall.close()

    async def __aenter__(self) -> RunningHub:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def _close(conn: ServerConnection, seconds: float = 2) -> None:
    try:
        await asyncio.wait_for(conn.close(1012, "server restarting"), seconds)
    except (TimeoutError, OSError):
        conn.transport.abort()


def tls_context(cert: str | Path, key: str | Path) -> ssl_module.SSLContext:
    context = ssl_module.SSLContext(ssl_module.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl_module.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert), str(key))
    return context


async def start_hub(
    config: HallConfig,
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    ssl: ssl_module.SSLContext | None = None,
    limits: HubLimits | None = None,
    clock: Callable[[], float] = time.time,
    synchronous: str = "FULL",
    hall: Hall | None = None,
) -> RunningHub:
    """Open the hall and listen; ``port=0`` lets the OS choose (read it from ``.port``)."""
    hall = hall or Hall(config, db, clock=clock, synchronous=synchronous)
    hub = Hub(hall, limits)
    server = await serve(
        hub.handler,
        host,
        port,
        process_request=Pages(hub),
        ssl=ssl,
        max_size=hub.limits.max_message,
        compression=None,
        ping_interval=hub.limits.ping_interval,
        ping_timeout=hub.limits.ping_timeout,
        # Replies wait for a client's buffer only past this; pushes never wait (see fanout).
        write_limit=64 * 1024,
        max_queue=64,
        logger=logging.getLogger("onetrip.hub.ws"),
    )
    sockname = next(iter(server.sockets)).getsockname()
    return RunningHub(hub, server, host, int(sockname[1]), tls=ssl is not None)


GC_YOUNG = 50_000  # allocations between two collections of the youngest generation


def settle_heap() -> None:
    """Once the hall is loaded: keep what is loaded out of the cyclic collector's scans, and
    let it run less often. The state holds every ticket of the day, and each full collection
    walked all of it (about a tenth of the server's time at 2,000 tickets/s); nearly all the
    hub's garbage is freed by reference counting, the collector only finds the rare cycle."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG, 20, 100)


class HubThread:
    """A hub on its own event loop in a daemon thread: ``start()`` returns once it listens."""

    def __init__(self, config: HallConfig, db: str | Path, **options: object) -> None:
        self.config, self.db, self.options = config, db, options
        self.loop = eventloop.new_event_loop()
        self.running: RunningHub | None = None
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="onetrip-hub", daemon=True
        )

    def start(self) -> HubThread:
        self._thread.start()
        self.running = asyncio.run_coroutine_threadsafe(
            start_hub(self.config, self.db, **self.options),  # type: ignore[arg-type]
            self.loop,
        ).result(30)
        return self

    @property
    def url(self) -> str:
        assert self.running is not None
        return self.running.url

    @property
    def port(self) -> int:
        assert self.running is not None
        return self.running.port

    def stop(self) -> None:
        if self.running is not None:
            asyncio.run_coroutine_threadsafe(self.running.close(), self.loop).result(30)
            self.running = None
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

    def __enter__(self) -> HubThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
