"""The display app: the hub client's signals into the board model, the model onto the widgets,
the calls into the voice.

    app = DisplayApp(config)        # builds the client, the model and the widget
    app.start()                     # connects (and keeps reconnecting)
    run(qapp, app.widget, fullscreen=True, on_quit=app.stop)

The hall's time zone and today's opening hours come from the hub's ``/display/hall.json``,
fetched on every (re)connection; until then the config's ``timezone`` is used.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest

from qtkit.hubclient import QtHubClient
from qtkit.units import Units

from .config import DisplayConfig
from .hallboard import HallBoard
from .model import Board, Change, WindowBoard
from .sizes import BoardSizes, WindowSizes
from .voicehook import Silent, Voice
from .windowscreen import WindowScreen

log = logging.getLogger(__name__)


def info_url(hub_url: str) -> str:
    """ws://host:port/ws -> http://host:port/display/hall.json"""
    parts = urlsplit(hub_url)
    scheme = "https" if parts.scheme == "wss" else "http"
    return urlunsplit((scheme, parts.netloc, "/display/hall.json", "", ""))


class DisplayApp(QObject):
    changed = Signal()  # after every render: the tests and the bench wait on it

    def __init__(
        self,
        config: DisplayConfig,
        units: Units,
        *,
        voice: Voice | None = None,
        client: QtHubClient | None = None,
        client_options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.voice: Voice = voice or Silent()
        self.model: Board | WindowBoard
        self.widget: HallBoard | WindowScreen
        if config.mode == "window":
            assert config.window is not None
            self.model = WindowBoard(config.window)
            topics = self.model.topics
            self.widget = WindowScreen(
                WindowSizes.for_units(units),
                english=config.english,
                highlight_seconds=config.highlight_seconds,
                photos=config.photos,
            )
        else:
            self.model = Board(recent_size=config.recent)
            topics = [self.model.topic]
            self.widget = HallBoard(
                BoardSizes.for_units(units),
                recent=config.recent,
                english=config.english,
                highlight_seconds=config.highlight_seconds,
                tz=_zone(config.timezone),
            )
        options = {"keep_events": 0, "request_timeout": config.request_timeout}
        options.update(client_options or {})
        self.client = client or QtHubClient(
            config.hub_url,
            device=config.device,
            token=config.token,
            topics=topics,
            name=config.device,
            **options,
        )
        self.client.snapshot.connect(self.on_snapshot)
        self.client.event.connect(self.on_event)
        self.client.connection.connect(self.on_connection)
        self._net = QNetworkAccessManager(self)
        self._net.finished.connect(self._info_reply)
        self.info: dict[str, Any] = {}
        self.widget.render(self.model)  # type: ignore[arg-type]

    def start(self) -> None:
        self.client.start()

    def stop(self) -> None:
        self.client.stop()
        self.voice.close()

    # -- from the client ------------------------------------------------------------------
    def on_snapshot(self, result: dict[str, Any], why: str) -> None:
        if self.model.snapshot(result):
            self._render(Change())

    def on_event(self, push: dict[str, Any]) -> None:
        change = self.model.event(push)
        if change:
            self._render(change)
        if change.call is not None:
            self.widget.highlight()
            self.voice.on_push(push)

    def on_connection(self, up: bool) -> None:
        if self.model.set_connected(up):
            self._render(Change(frozenset({"connection"})))
        if up and isinstance(self.widget, HallBoard):
            self.fetch_info()

    def _render(self, change: Change) -> None:
        parts = change.parts or frozenset({"all"})
        self.widget.render(self.model, parts)  # type: ignore[arg-type]
        self.changed.emit()

    # -- the hall's time zone and hours -------------------------------------------------------
    def fetch_info(self) -> None:
        request = QNetworkRequest(QUrl(info_url(self.config.hub_url)))
        request.setTransferTimeout(5000)
        self._net.get(request)

    def _info_reply(self, reply: QNetworkReply) -> None:
        reply.deleteLater()
        if reply.error() != QNetworkReply.NetworkError.NoError:
            log.info("display: no hall info: %s", reply.errorString())
            return
        try:
            info = json.loads(bytes(reply.readAll().data()))
        except ValueError:
            return
        self.info = info
        if isinstance(self.widget, HallBoard):
            self.widget.set_timezone(_zone(str(info.get("timezone") or self.config.timezone)))
            hours = info.get("hours_today")
            self.widget.set_hours(list(hours) if isinstance(hours, list) else None)
        self.changed.emit()


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("display: unknown time zone %r, using Asia/Shanghai", name)
        return ZoneInfo("Asia/Shanghai")
