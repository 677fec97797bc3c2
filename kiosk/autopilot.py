"""A kiosk with nobody at the screen: citizens arrive at a busy day's pace, take tickets and
get them printed; some come back with a 续办服务卡. Used by ``onetrip demo``.

    python -m kiosk.autopilot DEMO_DIR URL DEVICE PRINTER_URL --rate 1.4 --kiosks 2 --index 0
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

from hardware.layouts import TicketSlip
from hardware.printer import Printer, PrintFailed
from shared import eventloop
from shared.client import HubClient, HubError
from shared.config import HallConfig, load_config
from shared.sim import CARDS, DemoDir

log = logging.getLogger("onetrip.kiosk.autopilot")

# Share of arrivals per zone: 不动产 takes about half a hall's cases (余姚, October: 7,355 of
# 15,058); the rest spread over the integrated zones.
ZONE_MIX = {"budongchan": 0.45, "shangshi": 0.15, "gongan": 0.15, "shehui": 0.15, "gongjijin": 0.10}
PRIORITY_SHARE = 0.05  # on the green channel (elderly, disabled, pregnant, military)
APPOINTMENT_SHARE = 0.03  # booked beforehand (预约)


@dataclass(frozen=True)
class Citizen:
    """Who walks up to a kiosk: the zone and matter they come for, a 绿色通道 reason, or the
    time of an appointment booked beforehand."""

    zone: str
    matter: str | None = None
    priority_reason: str | None = None
    appointment_at: float | None = None

    def fields(self) -> dict[str, Any]:
        """The ``issue`` op's fields for this citizen."""
        out: dict[str, Any] = {"zone": self.zone}
        for name in ("matter", "priority_reason", "appointment_at"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


class Arrivals:
    """Citizens arriving at one kiosk: a Poisson stream at ``rate`` a second (real time), each
    coming for a zone drawn from the hall's mix, a matter of that zone, now and then on the
    green channel or with an appointment. The headless kiosk and the on-screen kiosk's
    autopilot draw from the same stream, so the demo's pace is one thing."""

    def __init__(
        self,
        config: HallConfig,
        rate: float,
        seed: int,
        mix: dict[str, float] | None = None,
        *,
        appointments: bool = True,
    ) -> None:
        self.config, self.rate = config, rate
        self.rng = random.Random(seed)
        shares = mix or ZONE_MIX
        self.zones = [z for z in shares if z in config.zones] or sorted(config.zones)
        self.weights = [shares.get(z, 0.1) for z in self.zones]
        self.appointments = appointments

    def gap(self) -> float:
        """Seconds until the next citizen arrives."""
        return self.rng.expovariate(self.rate)

    def citizen(self, now: float) -> Citizen:
        rng = self.rng
        zone = self.config.zones[rng.choices(self.zones, self.weights)[0]]
        matter = rng.choice(sorted(zone.matters)) if zone.matters else None
        roll = rng.random()
        if roll < PRIORITY_SHARE and self.config.policy.priority_kinds:
            return Citizen(zone.id, matter, priority_reason=rng.choice(
                self.config.policy.priority_kinds))  # fmt: skip
        if roll < PRIORITY_SHARE + APPOINTMENT_SHARE and self.appointments:
            return Citizen(zone.id, matter, appointment_at=now + rng.uniform(0, 30))
        return Citizen(zone.id, matter)


def due_cards(demo: DemoDir, kiosks: int, index: int, done: set[str], now: float) -> list[str]:
    """The 续办服务卡 codes whose holders come back to kiosk ``index`` of ``kiosks`` by ``now``
    (each card goes to one kiosk, by its code) and have not come yet."""
    due = []
    for card in demo.read(CARDS):
        code = card["code"]
        mine = int(hashlib.sha1(code.encode()).hexdigest(), 16) % kiosks == index
        if mine and code not in done and card["back_at"] <= now:
            due.append(code)
    return due


async def run(
    demo: DemoDir,
    url: str,
    device: str,
    printer_url: str,
    rate: float,
    kiosks: int,
    index: int,
    seed: int,
    mix: dict[str, float] | None = None,
) -> dict[str, Any]:
    config = load_config(demo.config)
    arrivals = Arrivals(config, rate, seed, mix)
    printer = Printer(printer_url)
    stats = {"device": device, "issued": 0, "printed": 0, "voided": 0, "refused": 0, "redeemed": 0}
    redeemed: set[str] = set()
    client = HubClient(url, device=device, token=demo.tokens()[device], name=device)
    await client.connect(10)
    try:
        while await demo.sleep(arrivals.gap()):
            await redeem_cards(demo, client, kiosks, index, redeemed, stats)
            citizen = arrivals.citizen(time.time())
            try:
                ticket = (await client.request("issue", **citizen.fields()))["ticket"]
            except HubError as e:
                stats["refused"] += 1
                log.info("%s: refused: %s", device, e.message)
                continue
            stats["issued"] += 1
            demo.append(f"issued-{device}.jsonl", {"id": ticket["id"], "label": ticket["label"]})
            await print_ticket(config, printer, client, ticket, stats)
    finally:
        await client.close()
    return stats


async def print_ticket(
    config: HallConfig,
    printer: Printer,
    client: HubClient,
    ticket: dict[str, Any],
    stats: dict[str, Any],
) -> None:
    slip = TicketSlip.from_ticket(ticket, config.name, config.tz)
    try:
        await asyncio.to_thread(printer.print_ticket, slip)
        stats["printed"] += 1
    except PrintFailed as failure:
        # Nobody holds this number: void it so that no window calls a ghost.
        log.warning("%s: print failed (%s): voiding %s", client.name, failure, ticket["label"])
        try:
            await client.request("void", ticket=ticket["id"], reason=failure.reason)
        except HubError as e:
            # Already called (the print went out but its check timed out): not a ghost.
            log.warning("%s: %s not voided: %s", client.name, ticket["label"], e.message)
            return
        stats["voided"] += 1


async def redeem_cards(
    demo: DemoDir,
    client: HubClient,
    kiosks: int,
    index: int,
    redeemed: set[str],
    stats: dict[str, Any],
) -> None:
    """Citizens whose 续办服务卡 says come back (a few seconds later, in demo time)."""
    for code in due_cards(demo, kiosks, index, redeemed, time.time()):
        redeemed.add(code)
        try:
            ticket = (await client.request("redeem_card", code=code))["ticket"]
        except HubError as e:
            log.info("%s: card %s refused: %s", client.name, code, e.message)
            continue
        stats["redeemed"] += 1
        demo.append(
            f"issued-{client.name}.jsonl",
            {"id": ticket["id"], "label": ticket["label"], "card": code},
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("demo_dir")
    parser.add_argument("url")
    parser.add_argument("device")
    parser.add_argument("printer")
    parser.add_argument("--rate", type=float, default=1.0, help="arrivals per second")
    parser.add_argument("--kiosks", type=int, default=1)
    parser.add_argument("--index", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--mix", default="", help="share of arrivals per zone, e.g. budongchan=0.4,shangshi=0.2"
    )
    args = parser.parse_args()
    mix = {z: float(v) for z, v in (pair.split("=") for pair in args.mix.split(",") if pair)}
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    demo = DemoDir(args.demo_dir)
    stats = eventloop.run(
        run(
            demo,
            args.url,
            args.device,
            args.printer,
            args.rate,
            args.kiosks,
            args.index,
            args.seed,
            mix or None,
        )
    )
    demo.append("summary.jsonl", {"kind": "kiosk", **stats})


if __name__ == "__main__":
    main()
