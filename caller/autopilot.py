"""Window staff on autopilot: log in, call, serve, now and then recall, miss, transfer,
suspend, pause, hand out a 续办服务卡, and ask for a rating. Used by ``onetrip demo``.

    python -m caller.autopilot DEMO_DIR URL --windows 1 2 3 --speed 60
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

from shared import eventloop
from shared.client import HubClient, HubError
from shared.config import HallConfig, load_config
from shared.domain import RATING_LEVELS
from shared.sim import CARDS, DemoDir

log = logging.getLogger("onetrip.caller.autopilot")

# How often a window does each of the less common things (per ticket).
RECALL, NO_SHOW, TRANSFER, SUSPEND, PAUSE, CARD, RATED = 0.1, 0.03, 0.03, 0.02, 0.01, 0.1, 0.8
RATING_WEIGHTS = [80, 14, 4, 1.5, 0.5]  # for RATING_LEVELS: halls report 99 %+ satisfied
CARD_TIPS = ["请带齐补正材料原件"]


@dataclass(frozen=True)
class Service:
    """How one ticket goes at a window, drawn when it is called: whether the citizen is slow to
    come (a recall) or never comes (过号), how long the service takes (hall minutes), and how it
    ends: transferred to another zone, suspended while they fetch a paper, a 续办服务卡 for a
    second visit, and the rating they give (None: they do not rate)."""

    recall: bool = False
    no_show: bool = False
    minutes: float = 8.0
    transfer_to: str | None = None
    suspend: bool = False
    card: bool = False
    rating: int | None = None
    pause_after: bool = False


def plan(rng: random.Random, config: HallConfig, ticket: dict[str, Any]) -> Service:
    """The draw for ``ticket`` (a ticket view: ``zone``, ``matter``, ``kind``). The headless
    windows and the on-screen caller's autopilot both follow it."""
    recall = rng.random() < RECALL
    no_show = recall and rng.random() < NO_SHOW / RECALL
    zone = config.zones[ticket["zone"]]
    matter = zone.matters.get(ticket.get("matter") or "")
    mean = matter.service_minutes if matter else 8.0
    minutes = rng.gammavariate(4, mean / 4)
    roll = rng.random()
    others = [z for z in config.zones if z != zone.id]
    transfer_to = rng.choice(others) if roll < TRANSFER and others else None
    suspend = transfer_to is None and roll < TRANSFER + SUSPEND
    card = transfer_to is None and ticket.get("kind") != "followup" and rng.random() < CARD
    rating = rng.choices(RATING_LEVELS, RATING_WEIGHTS)[0] if rng.random() < RATED else None
    return Service(
        recall=recall,
        no_show=no_show,
        minutes=minutes,
        transfer_to=transfer_to,
        suspend=suspend,
        card=card,
        rating=rating,
        pause_after=rng.random() < PAUSE,
    )


class Window:
    def __init__(
        self,
        demo: DemoDir,
        config: HallConfig,
        client: HubClient,
        number: int,
        staff: str,
        speed: float,
        rng: random.Random,
    ) -> None:
        self.demo, self.config, self.client = demo, config, client
        self.number, self.staff, self.speed, self.rng = number, staff, speed, rng
        self.stats = {
            "window": number,
            "staff": staff,
            "served": 0,
            "missed": 0,
            "recalls": 0,
            "transfers": 0,
            "cards": 0,
            "rated": 0,
            "refused": 0,
        }

    async def ask(self, op: str, **fields: Any) -> dict[str, Any] | None:
        try:
            return await self.client.request(op, window=self.number, **fields)
        except HubError as e:
            if e.code != "queue_empty":
                self.stats["refused"] += 1
                log.info("window %d: %s refused: %s", self.number, op, e.message)
            return None

    def minutes(self, minutes: float) -> float:
        """Hall minutes as demo seconds."""
        return minutes * 60 / self.speed

    async def run(self) -> dict[str, Any]:
        pins = self.demo.pins()
        await self.ask("login", staff=self.staff, pin=pins[self.staff])
        while not self.demo.stopped():
            called = await self.ask("call_next")
            if called is None:
                if not await self.demo.sleep(0.3):
                    break
                continue
            service = plan(self.rng, self.config, called["ticket"])
            await self.serve(called["ticket"], service)
            if service.pause_after and await self.ask("pause", reason="临时离岗"):
                await self.demo.sleep(self.minutes(3))
                await self.ask("resume")
        # Finish what is in hand, so the day ends clean.
        await self.ask("finish")
        await self.ask("logout")
        return self.stats

    async def serve(self, ticket: dict[str, Any], service: Service) -> None:
        if service.recall:  # nobody came at once
            await self.demo.sleep(self.minutes(0.5))
            if await self.ask("recall"):
                self.stats["recalls"] += 1
            if service.no_show:
                await self.demo.sleep(self.minutes(0.5))
                if await self.ask("no_show"):
                    self.stats["missed"] += 1
                return
        await self.ask("start")
        await self.demo.sleep(self.minutes(service.minutes))
        if service.transfer_to is not None:
            if await self.ask(
                "transfer", to_zone=service.transfer_to, at_head=True, note="需其他服务区办理"
            ):
                self.stats["transfers"] += 1
            return
        if service.suspend and await self.ask("suspend", note="回去取材料"):
            await self.demo.sleep(self.minutes(2))
            if await self.ask("call_back", ticket=ticket["id"]) is None:
                return
            await self.ask("start")
        case_done = True
        if service.card:
            card = await self.ask("issue_card", tips=CARD_TIPS)
            if card:
                self.stats["cards"] += 1
                case_done = False  # 承诺件: the citizen comes back with the card
                self.demo.append(CARDS, card_record(card["card"], self.staff, self.rng))
        if await self.ask("finish", case_done=case_done):
            self.stats["served"] += 1
            if service.rating is not None and await self.ask("evaluate", level=service.rating):
                self.stats["rated"] += 1


def card_record(card: dict[str, Any], staff: str, rng: random.Random) -> dict[str, Any]:
    """A 续办服务卡 handed out, for ``CARDS``: its holder comes back a few seconds later (a
    few days, in the demo's time) to a kiosk."""
    return {"code": card["code"], "staff": staff, "back_at": time.time() + rng.uniform(3, 10)}


async def run(
    demo: DemoDir, url: str, windows: dict[int, str], speed: float, seed: int
) -> list[dict[str, Any]]:
    config = load_config(demo.config)
    tokens = demo.tokens()
    clients = {
        n: HubClient(url, device=f"caller-{n}", token=tokens[f"caller-{n}"], name=f"caller-{n}")
        for n in windows
    }
    await asyncio.gather(*(c.connect(10) for c in clients.values()))
    rng = random.Random(seed)
    desks = [
        Window(demo, config, clients[n], n, staff, speed, random.Random(rng.random()))
        for n, staff in windows.items()
    ]
    try:
        return list(await asyncio.gather(*(d.run() for d in desks)))
    finally:
        await asyncio.gather(*(c.close() for c in clients.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("demo_dir")
    parser.add_argument("url")
    parser.add_argument(
        "--desk",
        action="append",
        default=[],
        metavar="WINDOW=STAFF",
        help="a window and who works it, e.g. 3=s001",
    )
    parser.add_argument("--speed", type=float, default=60, help="hall minutes per minute")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    demo = DemoDir(args.demo_dir)
    windows = {int(w): s for w, s in (d.split("=") for d in args.desk)}
    for stats in eventloop.run(run(demo, args.url, windows, args.speed, args.seed)):
        demo.append("summary.jsonl", {"kind": "window", **stats})


if __name__ == "__main__":
    main()
