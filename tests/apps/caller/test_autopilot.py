"""Window 3 on autopilot (``onetrip demo --autopilot``): the clerk works the real caller bar and
its dialogs by clicks, the citizen rates on the evaluator, each ticket as ``plan`` draws it."""

from __future__ import annotations

import random
from typing import Any

import pytest
from apps.caller.clerk import Callers, Kiosk, db_rows
from hub.conftest import HallFiles, ServerProcess
from PySide6.QtCore import Qt
from support import PIN

from caller.autopilot import CARD, RATED, RECALL, TRANSFER, Service, plan
from caller.autopilot_ui import CallerAutopilot, EvaluatorAutopilot
from hardware.virtual_printer import VirtualPrinterServer
from shared.config import load_config


def test_the_draw_follows_the_hall_shares(app_hall: HallFiles) -> None:
    config = load_config(app_hall.config_path)
    rng = random.Random(5)
    ticket = {"zone": "shangshi", "matter": "qysl", "kind": "normal"}
    draws = [plan(rng, config, ticket) for _ in range(5000)]

    def share(test: Any) -> float:
        return sum(1 for d in draws if test(d)) / len(draws)

    assert share(lambda d: d.recall) == pytest.approx(RECALL, abs=0.015)
    assert share(lambda d: d.transfer_to is not None) == pytest.approx(TRANSFER, abs=0.008)
    assert share(lambda d: d.rating is not None) == pytest.approx(RATED, abs=0.02)
    assert share(lambda d: d.card) == pytest.approx(CARD * (1 - TRANSFER), abs=0.015)
    assert all(d.no_show <= d.recall for d in draws)  # nobody is missed before a recall
    assert all(d.transfer_to != "shangshi" for d in draws)
    assert not any(d.suspend and d.transfer_to for d in draws)
    mean = config.zones["shangshi"].matters["qysl"].service_minutes
    assert sum(d.minutes for d in draws) / len(draws) == pytest.approx(mean, rel=0.05)
    # a follow-up is the case's second visit: no second card
    followup = {**ticket, "kind": "followup"}
    assert not any(plan(rng, config, followup).card for _ in range(500))


def test_the_clerk_and_the_citizen_work_window_3_by_clicks(
    callers: Callers,
    kiosk: Kiosk,
    printer: VirtualPrinterServer,
    hall_server: ServerProcess,
    app_hall: HallFiles,
    qtbot: Any,
) -> None:
    made = callers(3, printer=printer.url, evaluator=True)
    bar, evaluator = made.bar, made.evaluator
    assert bar is not None and evaluator is not None
    first = kiosk.issue(matter="qysl")
    second = kiosk.issue(matter="qysl")
    third = kiosk.issue(matter="qysl")
    ways = {
        first["id"]: Service(minutes=0, card=True),
        second["id"]: Service(minutes=0, transfer_to="budongchan"),
        third["id"]: Service(recall=True, no_show=True),
    }
    clerk = CallerAutopilot(
        bar,
        load_config(app_hall.config_path),
        staff="s001",
        pin=PIN,
        speed=600,
        seed=1,
        planner=lambda _rng, _config, ticket: ways[ticket["id"]],
    ).start()
    citizen = EvaluatorAutopilot(evaluator, seed=1, rated=1.0).start()
    try:
        # logged in by typing into the bar, the panel opened, the three tickets worked
        qtbot.waitUntil(
            lambda: (
                db_rows(hall_server, "SELECT status FROM tickets WHERE id = ?", third["id"])
                == [("missed",)]
            ),
            timeout=60_000,
        )
        rows = {r[0]: r[1:] for r in db_rows(hall_server, "SELECT id, status, zone FROM tickets")}
        assert rows[first["id"]] == ("done", "shangshi")
        assert rows[second["id"]] == ("waiting", "budongchan")  # 转移 to 不动产登记
        assert not bar.panel.isHidden()
        # the card was printed on the window's printer and handed out
        assert printer.printer.wait_for(1)
        ((code,),) = db_rows(hall_server, "SELECT code FROM cards")
        assert printer.printer.receipts[0].qr_payloads == [code]
        assert clerk.stats["cards"] == 1 and clerk.stats["transfers"] == 1
        # the citizen pressed a level on the evaluator, once, for the ticket served
        qtbot.waitUntil(lambda: citizen.rated == 1, timeout=20_000)
        qtbot.waitUntil(
            lambda: (
                db_rows(hall_server, "SELECT rating FROM tickets WHERE id = ?", first["id"])
                != [(None,)]
            ),
            timeout=10_000,
        )
        assert len(evaluator.sent) == 1 and evaluator.sent[0]["ticket"] == first["id"]

        # a person clicks the bar: the clerk's autopilot steps aside
        qtbot.mouseClick(bar.header, Qt.MouseButton.LeftButton)
        assert clerk.paused and clerk.walk is None and clerk.touches == 1
        assert not citizen.paused  # the evaluator is another screen
    finally:
        clerk.stop()
        citizen.stop()
