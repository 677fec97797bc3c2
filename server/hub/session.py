"""One websocket connection as the hub sees it: who it is, what it follows, what it last got."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from websockets.asyncio.server import ServerConnection

from shared.hallconfig import Device
from shared.protocol import ANONYMOUS

from .limits import Bucket

_ids = itertools.count(1)


@dataclass(eq=False)
class Session:
    conn: ServerConnection
    bucket: Bucket
    device: Device | None = None
    topics: set[str] = field(default_factory=set)
    last: int = 0  # seq of the last push or snapshot this connection got ("prev" of the next)
    auth_failures: int = 0
    id: int = field(default_factory=lambda: next(_ids))

    @property
    def role(self) -> str:
        return self.device.role if self.device else ANONYMOUS

    @property
    def name(self) -> str:
        who = self.device.id if self.device else "anonymous"
        peer = self.conn.remote_address
        return f"#{self.id} {who}@{peer[0] if peer else '?'}"
