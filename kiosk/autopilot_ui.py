"""The on-screen kiosk on autopilot (``onetrip kiosk --autopilot DEMO_DIR``): citizens walk up
at the demo's pace and take their tickets through the kiosk's own widgets — a click on the
zone's tile, on the matter (paging on when it is further down the list), on 绿色通道 or 普通,
then the printed ticket is taken and the screen touched to go home; a citizen back with a
续办服务卡 presses 出示续办服务卡 and scans it. Nothing goes around the screen: each click is a real
mouse press and release on the widget (``QTest``), each scan a burst of keys.

A person touching the screen pauses it: the citizen on autopilot steps aside (the walk stops
where it is) and nobody else comes until the screen has been left alone for ``pause_seconds``.
The arrivals are the headless kiosk's (``kiosk.autopilot.Arrivals``); citizens who come while
the kiosk is busy wait in a short line, and beyond it go to another kiosk.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from qtkit.autopilot import Pilot
from shared.config import load_config
from shared.sim import DemoDir

from .app import Kiosk
from .autopilot import Arrivals, Citizen, due_cards
from .flow import BUSY, RESULTS, Screen

TICK = 0.25  # seconds between looks at the screen while a ticket is on its way
STEP = 0.8  # seconds between a citizen's taps
TAKE = 2.5  # seconds a citizen reads the ticket screen before touching it to go home
PAUSE = 45.0  # seconds nobody touched the screen before the autopilot comes back
LINE = 3  # citizens who wait for the kiosk; more go to another kiosk
GIVE_UP = 20.0  # seconds a citizen waits for a ticket on the way before leaving it


class KioskAutopilot(Pilot):
    def __init__(
        self,
        kiosk: Kiosk,
        arrivals: Arrivals,
        *,
        demo: DemoDir | None = None,
        kiosks: int = 1,
        index: int = 0,
        pause_seconds: float = PAUSE,
        step_seconds: float = STEP,
        take_seconds: float = TAKE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(kiosk.window, pause_seconds=pause_seconds, clock=clock)
        self.kiosk, self.window, self.flow = kiosk, kiosk.window, kiosk.flow
        self.arrivals, self.demo = arrivals, demo
        self.kiosks, self.index = kiosks, index
        self.step_seconds, self.take_seconds = step_seconds, take_seconds
        self.line: deque[Citizen | str] = deque()  # a str: a card's code
        self.cards: set[str] = set()
        self.taken: list[dict[str, Any]] = []  # the tickets its citizens took
        self.stats = {"issued": 0, "redeemed": 0, "elsewhere": 0, "gave_up": 0}
        self._next = clock() + arrivals.gap()

    def step(self) -> None:
        self._arrive(self.clock())
        super().step()

    def begin(self) -> Iterator[float] | None:
        if not self.line or self.flow.screen is not Screen.HOME or not self.flow.can_issue:
            return None
        who = self.line.popleft()
        return self._redeem(who) if isinstance(who, str) else self._take(who)

    def _arrive(self, now: float) -> None:
        while now >= self._next:
            self._next += self.arrivals.gap()
            if len(self.line) >= LINE:
                self.stats["elsewhere"] += 1
                continue
            self.line.append(self.arrivals.citizen(time.time()))
        if self.demo is not None:
            for code in due_cards(self.demo, self.kiosks, self.index, self.cards, time.time()):
                self.cards.add(code)
                self.line.appendleft(code)  # a card holder goes straight to the screen

    def tap(self, name: str) -> bool:
        """A click on the widget ``name`` of the current screen, if it is there and enabled."""
        return self.click(self.window.widgets.get(name))

    def _take(self, citizen: Citizen) -> Iterator[float]:
        if not self.tap(f"zone-{citizen.zone}"):
            return  # closed, or the tiles are off: they go to the desk
        yield self.step_seconds
        if self.flow.screen is Screen.MATTERS and citizen.matter is not None:
            while f"matter-{citizen.matter}" not in self.window.widgets:
                if not self.tap("next"):
                    yield from self._leave()
                    return
                yield self.step_seconds
            self.tap(f"matter-{citizen.matter}")
            yield self.step_seconds
        elif self.flow.screen is Screen.MATTERS:
            matter = next((n for n in self.window.widgets if n.startswith("matter-")), "")
            self.tap(matter)
            yield self.step_seconds
        if self.flow.screen is Screen.PRIORITY:
            self.tap(f"priority-{citizen.priority_reason or 'none'}")
        yield from self._result()

    def _redeem(self, code: str) -> Iterator[float]:
        if not self.tap("card"):
            return
        yield self.step_seconds * 2  # they find the card's QR and hold it under the scanner
        self.type(self.window, code, enter=True)
        yield from self._result(card=True)

    def _result(self, card: bool = False) -> Iterator[float]:
        """Wait for the ticket, take it, touch the screen to go home."""
        deadline = self.clock() + GIVE_UP
        while self.flow.screen in BUSY or self.flow.screen is Screen.CARD_HINT:
            if self.clock() > deadline:
                self.stats["gave_up"] += 1
                yield from self._leave()
                return
            yield TICK
        shown = self.flow.shown
        if shown is not None and self.flow.screen in (Screen.TICKET, Screen.CARD):
            self.stats["redeemed" if card else "issued"] += 1
            self._record(shown.ticket, card)
        if self.flow.screen in RESULTS:
            yield self.take_seconds
            if self.flow.screen in RESULTS and self.window.page is not None:
                self.click(self.window.page)  # a touch anywhere on a result: home
        else:
            yield from self._leave()

    def _leave(self) -> Iterator[float]:
        """Back to the home screen from a choosing screen, the way a citizen would."""
        for _ in range(4):
            if self.flow.screen is Screen.HOME:
                return
            if not (self.tap("back") or self.tap("home")):
                return
            yield self.step_seconds

    def _record(self, ticket: dict[str, Any], card: bool) -> None:
        self.taken.append(ticket)
        if self.demo is not None:
            record = {"id": ticket["id"], "label": ticket["label"]}
            if card:
                record["card"] = True
            self.demo.append(f"issued-{self.kiosk.config.hub.device}.jsonl", record)


def attach(kiosk: Kiosk, folder: str) -> KioskAutopilot:
    """The autopilot for ``onetrip kiosk --autopilot DEMO_DIR``: the hall and the pace from
    the demo's folder (``onetrip demo`` writes them; a hall folder without a pace gets one
    citizen every 20 seconds)."""
    demo = DemoDir(folder)
    pace = demo.pace(kiosk.config.hub.device)
    arrivals = Arrivals(
        load_config(demo.config),
        float(pace.get("rate", 0.05)),
        int(pace.get("seed", 1)),
        pace.get("mix") or None,
        appointments=False,  # booked elsewhere: the kiosk's screen has no appointment step
    )
    return KioskAutopilot(
        kiosk,
        arrivals,
        demo=demo,
        kiosks=int(pace.get("kiosks", 1)),
        index=int(pace.get("index", 0)),
    ).start()
