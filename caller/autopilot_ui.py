"""The on-screen caller and evaluator on autopilot (``onetrip caller --autopilot DIR``):
the clerk logs in, presses 呼叫下一位, 开始办理 and 办结 on the bar — now and then 重呼,
过号, 转移 to another zone, 挂起 and 回呼, 需再次前来 with a 续办服务卡, 暂停服务 — and
on the 好差评 screen the citizen presses a level. Every press is a real mouse click
(``QTest``) on the bar's buttons and its dialogs, the login typed into its fields, so the
window behaves exactly as when a clerk works it. How each ticket goes is
``caller.autopilot.plan``, the headless windows' draw, at the demo's speed.

A person using the bar or the evaluator (a click or a key) pauses its autopilot for
``pause_seconds``. The evaluator's autopilot is the citizen, never the clerk: it only presses
while the screen asks, as a citizen at the window would.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtWidgets import QWidget

from qtkit.autopilot import Pilot
from shared.config import HallConfig, load_config
from shared.domain import RATING_LEVELS
from shared.sim import CARDS, DemoDir

from .app import CallerApp
from .autopilot import RATED, RATING_WEIGHTS, Service, card_record, plan
from .bar import CallerBar
from .dialogs import FinishDialog, PauseDialog, PickDialog, TransferDialog
from .evaluator import EvaluatorWindow
from .rating import ASKING

PAUSE = 60.0  # seconds without a person's touch before the autopilot works again
WALK_UP = 1.5  # at least this long (real seconds) for the citizen called to reach the window
SHORTEST = 2.0  # a service shown for at least this long, whatever the speed
REPLY = 10.0  # seconds to wait for the hub's answer to a press
EMPTY_RETRY = 1.0  # seconds between presses of 呼叫下一位 while the bar shows nobody waiting


class CallerAutopilot(Pilot):
    """The clerk at the bar."""

    def __init__(
        self,
        bar: CallerBar,
        config: HallConfig,
        *,
        staff: str,
        pin: str,
        speed: float,
        seed: int,
        demo: DemoDir | None = None,
        pause_seconds: float = PAUSE,
        clock: Callable[[], float] = time.monotonic,
        planner: Callable[[random.Random, HallConfig, dict[str, Any]], Service] = plan,
    ) -> None:
        super().__init__(bar, pause_seconds=pause_seconds, clock=clock)
        self.bar, self.config, self.planner = bar, config, planner
        self.staff, self.pin, self.speed = staff, pin, speed
        self.rng = random.Random(seed)
        self.demo = demo
        self.plans: dict[str, Service] = {}  # ticket id -> how it goes
        self.suspended: set[str] = set()  # tickets suspended once already
        self.stats = {"called": 0, "served": 0, "cards": 0, "transfers": 0, "missed": 0}
        self._tried_empty = 0.0

    def seconds(self, minutes: float) -> float:
        """Hall minutes as real seconds at the demo's speed."""
        return minutes * 60 / self.speed

    @property
    def settled(self) -> bool:
        """Nothing in flight and no dialog open."""
        return not self.bar.gate.busy and self.bar.dialog is None

    def begin(self) -> Iterator[float] | None:
        bar = self.bar
        if not bar.hub.is_connected or not self.settled:
            return None
        status = bar.model.status
        if status != "logged_out" and not bar.panel.isVisible():
            return self._expand()  # 开始办理, 转移, 挂起 … are on the panel
        if status == "logged_out":
            return self._login()
        if status == "paused":
            return self._press("resume")
        if status == "idle":
            if (bar.model.window or {}).get("suspended"):
                return self._call_back()
            now = self.clock()
            if bar.model.waiting or now - self._tried_empty > EMPTY_RETRY:
                self._tried_empty = now
                return self._press("call_next")
            return None
        if status in ("calling", "serving") and bar.model.ticket:
            return self._serve(bar.model.ticket)
        return None

    def _press(self, action: str) -> Iterator[float]:
        if self.click(self.bar.buttons.get(action)):
            if action == "call_next":
                self.stats["called"] += 1
            yield from self.until(lambda: self.settled)

    def _expand(self) -> Iterator[float]:
        self.click(self.bar.expand)
        yield 0.5

    def _login(self) -> Iterator[float]:
        bar = self.bar
        bar.staff_edit.clear()
        bar.pin_edit.clear()
        self.type(bar.staff_edit, self.staff)
        yield 0.3
        self.type(bar.pin_edit, self.pin)
        yield 0.3
        if self.click(bar.login_button):
            yield from self.until(lambda: self.settled)

    def _call_back(self) -> Iterator[float]:
        yield from self.sleep(self.seconds(2))  # the citizen fetches the paper
        if not self.click(self.bar.buttons.get("call_back")):
            return
        yield 0.5
        dialog = self.bar.dialog
        if isinstance(dialog, PickDialog):
            self.click(dialog.ok)
        yield from self.until(lambda: self.settled)

    def _serve(self, ticket: dict[str, Any]) -> Iterator[float]:
        bar, tid = self.bar, str(ticket.get("id"))
        service = self.plans.get(tid)
        if service is None:
            service = self.plans[tid] = self.planner(self.rng, self.config, ticket)
        if bar.model.status == "calling":
            yield from self.sleep(max(WALK_UP, self.seconds(0.5)))
            if service.recall and int(ticket.get("recalls") or 0) == 0:
                yield from self._press("recall")
                yield from self.sleep(max(WALK_UP, self.seconds(0.5)))
                if service.no_show:
                    self.stats["missed"] += 1
                    yield from self._press("no_show")
                    return
            yield from self._press("start")
            if bar.model.status != "serving":
                return
        minutes = service.minutes if tid not in self.suspended else service.minutes / 3
        yield from self.sleep(max(SHORTEST, self.seconds(minutes)))
        if (bar.model.ticket or {}).get("id") != ticket.get("id"):
            return  # finished elsewhere (a person, the admin)
        if service.transfer_to is not None:
            yield from self._transfer(service.transfer_to)
        elif service.suspend and tid not in self.suspended:
            self.suspended.add(tid)
            yield from self._press("suspend")
        else:
            yield from self._finish(service)
            if service.pause_after and bar.model.status == "idle":
                yield from self._pause()

    def _transfer(self, zone: str) -> Iterator[float]:
        if not self.click(self.bar.buttons.get("transfer")):
            return
        yield from self.until(lambda: isinstance(self.bar.dialog, TransferDialog), 2)
        dialog = self.bar.dialog
        if not isinstance(dialog, TransferDialog):
            return
        yield from self.until(lambda: dialog.zone_box.findData(zone) >= 0, 3)
        index = dialog.zone_box.findData(zone)
        if index < 0:
            self.click(dialog.findChild(QWidget, "transfer-cancel"))
            return
        dialog.zone_box.setCurrentIndex(index)
        self.click(dialog.to_zone)
        yield 0.6
        if self.click(dialog.ok):
            self.stats["transfers"] += 1
        yield from self.until(lambda: self.settled)

    def _finish(self, service: Service) -> Iterator[float]:
        if not self.click(self.bar.buttons.get("finish")):
            return
        yield 0.6
        dialog = self.bar.dialog
        if not isinstance(dialog, FinishDialog):
            return
        if service.card:
            self.click(dialog.again_button)
            yield 1.0  # the clerk ticks what the citizen must bring
            before = set(self.bar._cards)
            if self.click(dialog.issue):
                yield from self.until(lambda: self.settled)
                self._hand_out(set(self.bar._cards) - before)
        else:
            if self.click(dialog.done_button):
                yield from self.until(lambda: self.settled)
        self.stats["served"] += 1

    def _hand_out(self, labels: set[str]) -> None:
        """The citizen leaves with the card, and comes back with it to a kiosk."""
        for label in labels:
            self.stats["cards"] += 1
            card = self.bar._cards.get(label) or {}
            if self.demo is not None and card.get("code"):
                self.demo.append(CARDS, card_record(card, self.staff, self.rng))

    def _pause(self) -> Iterator[float]:
        if not self.click(self.bar.buttons.get("pause")):
            return
        yield 0.6
        dialog = self.bar.dialog
        if isinstance(dialog, PauseDialog) and dialog.reasons:
            self.click(dialog.reasons[0])
            yield from self.until(lambda: self.settled)
            yield from self.sleep(self.seconds(3))


class EvaluatorAutopilot(Pilot):
    """The citizen at the 好差评 screen: while it asks, a press on a level, after a moment."""

    def __init__(
        self,
        evaluator: EvaluatorWindow,
        *,
        seed: int,
        rated: float = RATED,
        pause_seconds: float = PAUSE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(evaluator, pause_seconds=pause_seconds, clock=clock)
        self.evaluator, self.share = evaluator, rated
        self.rng = random.Random(seed)
        self.seen: set[str] = set()
        self.rated = 0

    def begin(self) -> Iterator[float] | None:
        ev = self.evaluator
        ticket = ev.flow.ticket or {}
        tid = str(ticket.get("id") or "")
        if ev.state != ASKING or not tid or tid in self.seen:
            return None
        self.seen.add(tid)
        if self.rng.random() >= self.share:
            return None  # this citizen does not rate: the screen times out (未评价)
        level = self.rng.choices(RATING_LEVELS, RATING_WEIGHTS)[0]
        return self._rate(tid, level)

    def _rate(self, tid: str, level: int) -> Iterator[float]:
        yield from self.sleep(self.rng.uniform(1.0, 3.0))  # reading the question
        ev = self.evaluator
        asking = ev.state == ASKING and str((ev.flow.ticket or {}).get("id")) == tid
        if asking and self.click(ev.levels[level]):
            self.rated += 1


def attach(made: CallerApp, folder: str, window: int) -> list[Pilot]:
    """The autopilots for ``onetrip caller --autopilot DEMO_DIR``: the bar's clerk (the staff
    member ``onetrip demo`` put at the window, with their PIN from the demo's credentials) and
    the evaluator's citizen, whichever of the two this process shows."""
    demo = DemoDir(folder)
    pilots: list[Pilot] = []
    if made.bar is not None:
        pace = demo.pace(f"caller-{window}")
        staff = str(pace.get("staff") or "")
        if not staff:
            raise ValueError(f"no staff member for window {window} in {folder}")
        pilots.append(
            CallerAutopilot(
                made.bar,
                load_config(demo.config),
                staff=staff,
                pin=demo.pins()[staff],
                speed=float(pace["speed"]),
                seed=int(pace.get("seed", 1)),
                demo=demo,
            ).start()
        )
    if made.evaluator is not None:
        pace = demo.pace(f"evaluator-{window}")
        pilots.append(EvaluatorAutopilot(made.evaluator, seed=int(pace.get("seed", 2))).start())
    return pilots
