"""The admin pages the hub serves: /monitor (the live 大厅经理 view), /monitor.json (its data),
/reports (today's and this month's figures) and /reports.xlsx (the workbook to download).

Every one needs the admin role: ``?device=ID&token=TOKEN`` (a browser cannot set headers; the
same credentials authenticate the page's websocket with a first message). Figures are read
from the database on a read-only connection in a worker thread: the hall never waits on them.
"""

from __future__ import annotations

import asyncio
import html
import io
import time
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit
from weakref import WeakKeyDictionary

from websockets.http11 import Request, Response

from shared.protocol import encode
from shared.texts import TEXTS, t

from . import periods, source
from .cache import DayCache
from .errors import ReportError
from .figures import build
from .monitor import Pauses, monitor_view
from .periods import GROUPINGS
from .tables import cell_text, heading, sheet

if TYPE_CHECKING:
    from server.hub.hub import Hub

PATHS = ("/monitor", "/monitor.json", "/reports", "/reports.xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_pauses: WeakKeyDictionary[Any, Pauses] = WeakKeyDictionary()


def _respond(
    status: int, body: bytes, kind: str, extra: tuple[tuple[str, str], ...] = ()
) -> Response:
    from server.hub.pages import respond

    response = respond(status, body, kind)
    for name, value in extra:
        response.headers[name] = value
    return response


def _html(status: int, text: str) -> Response:
    return _respond(status, text.encode(), "text/html; charset=utf-8")


async def serve(hub: Hub, request: Request, path: str) -> Response:
    query = parse_qs(urlsplit(request.path).query)
    device_id = (query.get("device") or [""])[0]
    token = (query.get("token") or [""])[0]
    device = hub.device_for(device_id, token)
    if device is None or device.role != "admin":
        from server.hub.html import page

        denied = f"{t('report.page.denied')}<br>{t('report.page.denied', 'en')}"
        return _html(401, page(t("report.page.denied"), f"<p class=big>401</p><p>{denied}</p>"))
    if hub.committer.busy:
        await hub.committer.settled()  # what the page shows is on disk
    if path == "/monitor":
        return _html(200, MONITOR_PAGE)
    if path == "/monitor.json":
        return _respond(200, encode(view(hub)).encode(), "application/json; charset=utf-8")
    loop = asyncio.get_running_loop()
    if path == "/reports.xlsx":
        which = (query.get("period") or ["month"])[0]
        try:
            body = await loop.run_in_executor(None, _workbook, hub, which)
        except ReportError as e:
            return _html(404, _error_page(e))
        name = f"report-{which}-{hub.hall.state.day}.xlsx"
        return _respond(
            200, body, XLSX, (("Content-Disposition", f'attachment; filename="{name}"'),)
        )
    text = await loop.run_in_executor(None, _reports_page, hub, device_id, token)
    return _html(200, text)


def view(hub: Hub) -> dict[str, Any]:
    pauses = _pauses.get(hub)
    if pauses is None:
        pauses = _pauses[hub] = Pauses(hub.hall.store.path, time.time())
    pauses.update()
    online = {s.device.id for s in hub.fanout.sessions if s.device is not None}
    return monitor_view(
        hub.config,
        hub.hall.state,
        time.time(),
        paused_since=pauses.paused,
        online=online,
        devices=hub.device_states,
    )


def _period(hub: Hub, which: str) -> tuple[Any, Any]:
    today = datetime.fromtimestamp(time.time(), hub.config.tz).date()
    return (today, today) if which == "day" else periods.parse_month("this", today)


def _report(hub: Hub, which: str, groupings: tuple[str, ...]) -> Any:
    first, last = periods.checked(*_period(hub, which), _period(hub, "day")[0])
    conn = source.connect(hub.hall.store.path)
    try:
        cache = DayCache.for_db(conn, hub.hall.store.path)  # this month's closed days
        data = source.read_period(conn, first, last, hub.config.tz, time.time(), cache=cache)
    finally:
        conn.close()
    if not data.tickets:
        raise ReportError("report.empty", first=first, last=last)
    return build(data, hub.config, groupings)


def _workbook(hub: Hub, which: str) -> bytes:
    from .excel import write_workbook

    report = _report(hub, which, GROUPINGS)
    out = io.BytesIO()
    write_workbook(report, hub.config, out)  # type: ignore[arg-type]
    return out.getvalue()


def _error_page(error: ReportError) -> str:
    from server.hub.html import page

    return page(t("report.page.title"), f"<p>{html.escape(error.message())}</p>")


def _reports_page(hub: Hub, device: str, token: str) -> str:
    from server.hub.html import page

    auth = f"device={html.escape(device)}&amp;token={html.escape(token)}"
    parts = [f"<h1>{html.escape(hub.config.name)} · {t('report.page.title')}</h1>"]
    for which in ("day", "month"):
        parts.append(f"<h2>{t('report.page.' + which)}</h2>")
        try:
            report = _report(hub, which, ("zone",))
        except ReportError as e:
            parts.append(f"<p class=muted>{html.escape(e.message())}</p>")
            continue
        s = sheet(report, hub.config, "zone")
        parts.append(f"<p class=muted>{html.escape(heading(report, 'zh_CN', hub.config))}</p>")
        rows = ["<tr>" + "".join(f"<th>{html.escape(r[0])}</th>" for r in s.rows) + "</tr>"]
        names = "<th></th>" + "".join(f"<th>{html.escape(str(r[0]))}</th>" for r in s.rows)
        rows = [f"<tr>{names}</tr>"]
        for i, title in enumerate(s.header[1:], start=1):
            cells = "".join(f"<td>{cell_text(s.kinds[i], r[i])}</td>" for r in s.rows)
            rows.append(f"<tr><th>{html.escape(title)}</th>{cells}</tr>")
        parts.append(f"<table>{''.join(rows)}</table>")
        parts.append(f'<p><a class=button href="/reports.xlsx?period={which}&amp;{auth}">'
                     f"{t('report.page.download')}</a></p>")  # fmt: skip
    return page(t("report.page.title"), f"<main class=wide>{''.join(parts)}</main>", "", _STYLE)


_STYLE = """
main.wide{max-width:none;text-align:left;padding:1rem 2rem}table{border-collapse:collapse;
background:#fff;font-size:.9rem}th,td{border:1px solid #d5dbe1;padding:.25rem .6rem}
td{text-align:right}th{background:#eef3f8;text-align:left}a.button{display:inline-block;
padding:.5rem 1rem;background:#0b5cad;color:#fff;border-radius:6px;text-decoration:none}
"""


def _texts() -> str:
    import json

    return json.dumps(
        {k: v[0] for k, v in TEXTS.items() if k.startswith("report.monitor.")},
        ensure_ascii=False,
    )


_MONITOR_STYLE = resources.files(__package__).joinpath("monitor.css").read_text("utf-8")
_MONITOR_SCRIPT = resources.files(__package__).joinpath("monitor.js").read_text("utf-8")


def _monitor_page() -> str:
    from server.hub.html import page

    body = (
        '<main class=mon><span id="live" class="muted"></span><h1 id="name"></h1>'
        f'<div id="alarms"></div><h2>{t("report.monitor.today")}</h2>'
        '<div id="totals" class=row></div>'
        f'<h2>{t("report.monitor.zones")}</h2><div id="zones" class=row></div>'
        f'<h2>{t("report.monitor.windows")}</h2><div id="windows" class=row></div></main>'
    )
    script = _MONITOR_SCRIPT.replace("__TEXTS__", _texts())
    return page(t("report.monitor.title"), body, script, _MONITOR_STYLE)


MONITOR_PAGE = _monitor_page()
