"""Plain HTTP on the websocket port: /healthz, the ticket status page, the web hall board.

websockets calls ``process_request`` for every HTTP request before the handshake; returning a
response answers it, returning None lets the websocket handshake go on. Every path is answered
here — anything unknown is a 404 — and a websocket handshake that carries device credentials
in headers is checked here too (401 when they are wrong).
"""

from __future__ import annotations

import json
import re
import time
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from shared.errors import Refused
from shared.protocol import VERSION, encode
from shared.texts import t

from .board import board_page, hall_info, say, unknown_ticket_page
from .html import TICKET_PAGE, page

if TYPE_CHECKING:
    from .hub import Hub

WS_PATHS = ("/", "/ws")
DEVICE_HEADER = "X-Onetrip-Device"
_TICKET = re.compile(r"/t/([A-Za-z2-7]{4,16})(\.json)?")


def respond(status: int, body: bytes, content_type: str, *, cache: bool = False) -> Response:
    headers = Headers(
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "max-age=60" if cache else "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("Connection", "close"),
        ]
    )
    return Response(status, HTTPStatus(status).phrase, headers, body)


def json_response(status: int, data: dict[str, Any]) -> Response:
    return respond(status, encode(data).encode(), "application/json; charset=utf-8")


def html_response(status: int, html: str) -> Response:
    return respond(status, html.encode(), "text/html; charset=utf-8")


def not_found(json_wanted: bool = False) -> Response:
    if json_wanted:
        return json_response(404, {"ok": False, "error": Refused("unknown_code").to_dict()})
    return html_response(
        404, page(t("hub.not_found"), f"<p class=big>404</p><p>{t('hub.not_found')}</p>")
    )


class Pages:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def __call__(self, conn: ServerConnection, request: Request) -> Response | None:
        if request.method != "GET":
            response = html_response(
                405, page(t("hub.get_only"), f"<p class=big>405</p><p>{t('hub.get_only')}</p>")
            )
            response.headers["Allow"] = "GET"
            return response
        path = urlsplit(request.path).path
        upgrade = "websocket" in request.headers.get("Upgrade", "").lower()
        if upgrade:
            if path not in WS_PATHS:
                return not_found()
            return self._handshake(conn, request)
        if path == "/healthz":
            return self._health()
        if path == "/display":
            return html_response(200, board_page(self.hub.config))
        if path == "/display/hall.json":
            return json_response(200, hall_info(self.hub.config))
        if path == "/display/say.wav":
            return respond(*say(urlsplit(request.path).query), cache=True)
        if path in ("/monitor", "/monitor.json", "/reports", "/reports.xlsx"):  # admin pages
            from server.reports.pages import serve

            return await serve(self.hub, request, path)
        m = _TICKET.fullmatch(path)
        if m:
            if self.hub.committer.busy:
                await self.hub.committer.settled()  # a phone is shown only what is on disk
            return self._ticket(m.group(1).upper(), json_wanted=bool(m.group(2)))
        return not_found()

    def _handshake(self, conn: ServerConnection, request: Request) -> Response | None:
        """Check device credentials sent as headers; none at all is an anonymous connection."""
        auth = request.headers.get("Authorization", "")
        device_id = request.headers.get(DEVICE_HEADER, "")
        if not auth and not device_id:
            return None
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        device = self.hub.device_for(device_id, token)
        if device is None:
            address = conn.remote_address
            self.hub.failures.bad_token(device_id, *(address[:2] if address else ("", None)))
            return json_response(401, {"ok": False, "error": Refused("bad_token").to_dict()})
        self.hub.pending[conn] = device
        return None

    def _health(self) -> Response:
        hub = self.hub
        return json_response(
            200,
            {
                "ok": True,
                "protocol": VERSION,
                "hall": hub.config.name,
                "seq": hub.fanout.seq,
                "day": hub.hall.state.day,
                "connections": len(hub.fanout.sessions),
                "dropped": hub.fanout.dropped,
                "latency_ms": hub.latencies.summary(),
                "commit_ms": hub.committer.syncs.summary(),
                "uptime": round(time.time() - hub.started, 1),
            },
        )

    def _ticket(self, code: str, json_wanted: bool) -> Response:
        view = self.hub.ticket_by_code(code)
        if view is None:
            if json_wanted:
                return not_found(json_wanted)
            return html_response(404, unknown_ticket_page())
        if json_wanted:
            return json_response(200, {"ok": True, "ticket": view})
        return html_response(
            200,
            TICKET_PAGE.replace(
                "__TICKET__", json.dumps(view, ensure_ascii=False).replace("</", "<\\/")
            )
            .replace("__LABEL__", view["label"])
            .replace("__SAY__", "<br>".join(s["zh_CN"] for s in view["say"])),
        )
