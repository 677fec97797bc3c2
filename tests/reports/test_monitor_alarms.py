"""The monitor's device alarms, pure: who is online and what each device last said of itself."""

from __future__ import annotations

import pytest
from support import at

from server.engine.state import HallState
from server.reports.monitor import monitor_view


def device_alarms(config, online: set[str], devices: dict) -> list[tuple[str, str]]:
    view = monitor_view(
        config, HallState.empty(config), at(), paused_since={}, online=online, devices=devices
    )
    return sorted(
        (a["kind"], a["device"])
        for a in view["alarms"]
        if a["kind"] == "offline" or a["kind"].startswith("printer.")
    )


@pytest.mark.parametrize(
    ("kiosk_1_online", "printer", "expected"),
    [
        (True, "ok", []),
        (True, "paper_out", [("printer.paper_out", "kiosk-1")]),
        (True, "paper_low", [("printer.paper_low", "kiosk-1")]),
        (True, "offline", [("printer.offline", "kiosk-1")]),  # the kiosk is, its printer not
        # gone: what it said of its printer before is stale, the one alarm is that it is gone
        (False, "paper_out", [("offline", "kiosk-1")]),
        (False, "ok", [("offline", "kiosk-1")]),
    ],
)
def test_an_offline_kiosk_is_one_alarm_whatever_its_printer_said(
    open_config, kiosk_1_online, printer, expected
):
    watched = {
        d.id for d in open_config.devices.values() if d.role in ("kiosk", "display", "bridge")
    }
    online = watched - ({"kiosk-1"} if not kiosk_1_online else set())
    devices = {"kiosk-1": {"device": "kiosk-1", "printer": printer}}
    assert device_alarms(open_config, online, devices) == expected
