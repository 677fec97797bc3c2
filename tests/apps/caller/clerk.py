"""What the caller tests share: caller apps on windows of a real server process, a kiosk client
to issue tickets, and helpers that press like a clerk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.conftest import HallFiles, ServerProcess
from PySide6.QtCore import Qt
from support import PIN

from caller.app import CallerApp, build
from caller.bar import CallerBar
from caller.config import CallerConfig, EvaluatorConfig
from shared import eventloop
from shared.client import HubClient


def caller_config(
    files: HallFiles,
    url: str,
    window: int,
    *,
    printer: str = "",
    evaluator: bool = False,
    **kw: Any,
) -> CallerConfig:
    return CallerConfig(
        hub_url=url,
        device=f"caller-{window}",
        token=files.tokens[f"caller-{window}"],
        window=window,
        printer=printer,
        tips={"default": ("请携带本卡",)},  # the window's own, after the hall's for the matter
        evaluator=EvaluatorConfig(
            enabled=evaluator,
            timeout=kw.pop("timeout", 30),
            thanks=1,
            photos=kw.pop("photos", ""),
        ),
        request_timeout=kw.pop("request_timeout", 8.0),
        **kw,
    )


class Callers:
    """Makes caller apps (bar + optional evaluator) and stops them at the end."""

    def __init__(self, files: HallFiles, server: ServerProcess, qtbot: Any) -> None:
        self.files, self.server, self.qtbot = files, server, qtbot
        self.made: list[CallerApp] = []

    def __call__(self, window: int = 3, **kw: Any) -> CallerApp:
        app = build(caller_config(self.files, self.server.url, window, **kw))
        self.made.append(app)
        if app.bar is not None:
            self.qtbot.addWidget(app.bar)
            app.bar.show()
        if app.evaluator is not None:
            self.qtbot.addWidget(app.evaluator)
            app.evaluator.show()
        bar = app.bar
        if bar is not None:
            self.qtbot.waitUntil(
                lambda: bar.hub.is_connected and bar.model.window is not None, timeout=10000
            )
        return app

    def close(self) -> None:
        for app in self.made:
            app.stop()


class Kiosk:
    """A kiosk (and the admin) on the same server, speaking the protocol synchronously."""

    def __init__(self, files: HallFiles, url: str) -> None:
        self.files, self.url = files, url

    def _run(self, device: str, op: str, **fields: Any) -> dict[str, Any]:
        async def go() -> dict[str, Any]:
            client = HubClient(self.url, device=device, token=self.files.tokens[device])
            await client.connect(10)
            try:
                return await client.request(op, **fields)
            finally:
                await client.close()

        return eventloop.run(go())

    def issue(self, zone: str = "shangshi", **fields: Any) -> dict[str, Any]:
        return self._run("kiosk-1", "issue", zone=zone, **fields)["ticket"]

    def issue_many(self, n: int, zone: str = "shangshi") -> list[str]:
        async def go() -> list[str]:
            client = HubClient(self.url, device="admin", token=self.files.tokens["admin"])
            await client.connect(10)
            try:
                return [
                    (await client.request("issue", zone=zone))["ticket"]["label"] for _ in range(n)
                ]
            finally:
                await client.close()

        return eventloop.run(go())

    def admin(self, op: str, **fields: Any) -> dict[str, Any]:
        return self._run("admin", op, **fields)


def click(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def press_and_wait(qtbot: Any, bar: CallerBar, action: str, timeout: int = 8000) -> None:
    """Click an action's button and wait until its reply is on the bar."""
    with qtbot.waitSignal(bar.shown, timeout=timeout, check_params_cb=lambda a: a == action):
        click(qtbot, bar.buttons[action])


def login(qtbot: Any, bar: CallerBar, staff: str, pin: str = PIN) -> None:
    bar.staff_edit.clear()
    bar.pin_edit.clear()
    qtbot.keyClicks(bar.staff_edit, staff)
    qtbot.keyClicks(bar.pin_edit, pin)
    with qtbot.waitSignal(bar.shown, timeout=8000):
        click(qtbot, bar.login_button)


LoginFn = Callable[..., None]


def db_rows(server: ServerProcess, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Read the hall's database as the reports would (read-only)."""
    import sqlite3

    with sqlite3.connect(server.db_uri, uri=True) as db:
        return list(db.execute(sql, args))


def pick(qtbot: Any, bar: CallerBar, label: str, action: str) -> None:
    """In the open pick dialog (选呼, 回呼), choose ``label`` and wait for the reply."""
    from caller.dialogs import PickDialog

    dialog = bar.dialog
    assert isinstance(dialog, PickDialog)
    rows = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    row = next(i for i, text in enumerate(rows) if text.split()[0] == label)
    dialog.pick(row)
    with qtbot.waitSignal(bar.shown, timeout=8000, check_params_cb=lambda a: a == action):
        click(qtbot, dialog.ok)


def scan(qtbot: Any, bar: CallerBar, code: str) -> None:
    """A keyboard-wedge scanner reading ``code``: keys at machine speed into the focused bar."""
    from PySide6.QtWidgets import QApplication

    bar.activateWindow()
    bar.setFocus()
    target = QApplication.focusWidget() or bar
    qtbot.keyClicks(target, code)
    qtbot.keyClick(target, Qt.Key.Key_Return)
