"""A kiosk's printer out of paper reaches the hall monitor (大厅经理): the real kiosk app on a
virtual ESC/POS printer, a real ``onetrip server``, an admin connection and the monitor's
data (``/monitor.json``, what the page draws its alarms from)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from hub.conftest import HallFiles

from shared.client import HubClient


def monitor(server: Any, tokens: dict[str, str]) -> dict[str, Any]:
    url = f"{server.http}/monitor.json?device=admin&token={tokens['admin']}"
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def printer_alarms(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in view["alarms"] if a["kind"].startswith("printer.")]


def test_paper_out_is_an_alarm_on_the_monitor(
    make_kiosk: Any, desk: Any, kiosk_server: Any, app_hall: HallFiles, qtbot: Any
) -> None:
    k = make_kiosk(device="kiosk-2")
    events: list[dict[str, Any]] = []
    admin = HubClient(
        kiosk_server.url, device="admin", token=app_hall.tokens["admin"], on_event=events.append
    )
    desk._run(admin.connect(10))
    try:
        assert printer_alarms(monitor(kiosk_server, app_hall.tokens)) == []  # paper in: nothing
        k.printer.printer.set_fault("paper_out")
        qtbot.waitUntil(
            lambda: bool(printer_alarms(monitor(kiosk_server, app_hall.tokens))), timeout=8000
        )
        view = monitor(kiosk_server, app_hall.tokens)
        (alarm,) = printer_alarms(view)
        assert alarm["kind"] == "printer.paper_out" and alarm["device"] == "kiosk-2"
        assert alarm["text"]["zh_CN"] == "取号机 kiosk-2 打印机缺纸，请更换纸卷"
        assert "out of paper" in alarm["text"]["en"]
        assert {"device": "kiosk-2", "printer": "paper_out"}.items() <= view["devices"][0].items()

        # the admin connection was told at once (the monitor page redraws on any push)
        def told(printer: str) -> list[dict[str, Any]]:
            return [
                e["status"]
                for e in events
                if e.get("event") == "device" and e["status"].get("printer") == printer
            ]

        qtbot.waitUntil(lambda: bool(told("paper_out")), timeout=5000)
        assert told("paper_out")[0]["device"] == "kiosk-2" and told("paper_out")[0]["online"]
        # paper low is told too; a new roll ends the alarm
        k.printer.printer.set_fault("near_end")
        qtbot.waitUntil(
            lambda: (
                [a["kind"] for a in printer_alarms(monitor(kiosk_server, app_hall.tokens))]
                == ["printer.paper_low"]
            ),
            timeout=8000,
        )
        k.printer.printer.set_fault(None)
        qtbot.waitUntil(
            lambda: not printer_alarms(monitor(kiosk_server, app_hall.tokens)), timeout=8000
        )
    finally:
        k.printer.printer.set_fault(None)
        desk._run(admin.close())


def test_only_a_kiosk_tells_its_printer_state(desk: Any) -> None:
    from shared.client import HubError

    for device, fields, code in (
        ("caller-3", {"printer": "paper_out"}, "forbidden"),
        ("admin", {"printer": "paper_out"}, "forbidden"),
        ("kiosk-1", {"printer": "empty"}, "bad_request"),  # not a state
        ("kiosk-1", {}, "bad_request"),
    ):
        try:
            desk.request(device, "device_status", **fields)
        except HubError as e:
            assert e.code == code, (device, fields)
            assert e.message and e.message_en  # Chinese first, and English
        else:
            raise AssertionError(f"{device} {fields} was taken")
