"""The kiosk on autopilot (``onetrip demo --autopilot``): citizens tap through the real screens
at the demo's pace, and a person's touch pauses them."""

from __future__ import annotations

from typing import Any

import pytest
from hub.conftest import HallFiles
from PySide6.QtCore import Qt

from kiosk.autopilot import APPOINTMENT_SHARE, PRIORITY_SHARE, Arrivals, Citizen
from kiosk.autopilot_ui import KioskAutopilot
from shared.config import load_config


@pytest.mark.parametrize(
    ("citizen", "fields"),
    [
        (Citizen("shangshi"), {"zone": "shangshi"}),
        (Citizen("shangshi", "qysl"), {"zone": "shangshi", "matter": "qysl"}),
        (
            Citizen("gongan", None, priority_reason="elderly"),
            {"zone": "gongan", "priority_reason": "elderly"},
        ),
        (
            Citizen("budongchan", "x", appointment_at=100.0),
            {"zone": "budongchan", "matter": "x", "appointment_at": 100.0},
        ),
    ],
)
def test_a_citizen_asks_for_what_they_came_for(citizen: Citizen, fields: dict[str, Any]) -> None:
    assert citizen.fields() == fields


def test_arrivals_follow_the_rate_and_the_mix(app_hall: HallFiles) -> None:
    config = load_config(app_hall.config_path)
    arrivals = Arrivals(config, 2.0, 7, {"shangshi": 0.75, "gongan": 0.25})
    gaps = [arrivals.gap() for _ in range(4000)]
    assert sum(gaps) / len(gaps) == pytest.approx(0.5, rel=0.06)  # 2 a second
    people = [arrivals.citizen(1000.0) for _ in range(4000)]
    share = sum(p.zone == "shangshi" for p in people) / len(people)
    assert share == pytest.approx(0.75, abs=0.03)
    assert all(p.matter in config.zones[p.zone].matters for p in people)
    green = sum(p.priority_reason is not None for p in people) / len(people)
    booked = [p for p in people if p.appointment_at is not None]
    assert green == pytest.approx(PRIORITY_SHARE, abs=0.015)
    assert len(booked) / len(people) == pytest.approx(APPOINTMENT_SHARE, abs=0.015)
    assert all(1000.0 <= p.appointment_at <= 1030.0 for p in booked)  # type: ignore[operator]
    # the kiosk's screen has no appointment step: its autopilot's citizens never book
    walk_ins = Arrivals(config, 2.0, 7, appointments=False)
    assert all(walk_ins.citizen(0.0).appointment_at is None for _ in range(500))
    # the same seed, the same hall
    again = Arrivals(config, 2.0, 7, {"shangshi": 0.75, "gongan": 0.25})
    assert [again.gap() for _ in range(4000)] == gaps


def test_citizens_tap_through_the_kiosk_and_a_touch_pauses_them(
    make_kiosk: Any, app_hall: HallFiles, qtbot: Any
) -> None:
    driver = make_kiosk()
    arrivals = Arrivals(
        load_config(app_hall.config_path), 20.0, 3, {"shangshi": 1.0}, appointments=False
    )
    pilot = KioskAutopilot(
        driver.kiosk,
        arrivals,
        step_seconds=0.1,
        take_seconds=0.3,
        pause_seconds=30,
        clock=driver.clock,
    ).start()
    try:
        qtbot.waitUntil(lambda: len(pilot.taken) >= 2, timeout=30_000)
        # each one through the screens: the tile, the matter, 普通; printed, and taken home
        assert driver.printer.printer.wait_for(2)
        receipts = driver.receipts()
        assert all("服务区：商事登记" in r.text and r.cut for r in receipts[:2])
        assert [t["label"] for t in pilot.taken[:2]] == [r.lines[r.lines.index("您的号码") + 1]
                                                          for r in receipts[:2]]  # fmt: skip
        assert driver.flow.issued >= 2

        # a person touches the screen: the autopilot steps aside and waits
        qtbot.mouseClick(driver.window.hall_label, Qt.MouseButton.LeftButton)
        assert pilot.paused and pilot.touches == 1 and pilot.walk is None
        busy = ("wait", "printing")
        qtbot.waitUntil(lambda: driver.flow.screen.value not in busy, timeout=20_000)
        issued, away = driver.flow.issued, pilot.stats["elsewhere"]
        # two seconds of arrivals (40 at 20 a second): three wait, the rest go elsewhere
        qtbot.waitUntil(lambda: pilot.stats["elsewhere"] >= away + 40, timeout=20_000)
        assert len(pilot.line) == 3
        assert driver.flow.issued == issued  # nobody took a ticket meanwhile
        # left alone for the pause: citizens come again
        driver.clock.advance(31)
        qtbot.waitUntil(lambda: driver.flow.issued > issued, timeout=30_000)
        assert not pilot.paused
    finally:
        pilot.stop()
        # no print in flight when the kiosk is closed
        qtbot.waitUntil(lambda: driver.flow.printing is None, timeout=20_000)
