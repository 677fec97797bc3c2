"""A hall board nobody looks at: it keeps every call it is pushed, so that ``onetrip demo``
can check that every call reached every board.

    python -m display.autopilot DEMO_DIR URL DEVICE
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from shared import eventloop
from shared.client import HubClient
from shared.protocol import HALL, Events
from shared.sim import STOP_BOARDS, DemoDir


async def run(demo: DemoDir, url: str, device: str) -> dict[str, Any]:
    calls: list[dict[str, Any]] = []

    def on_event(push: dict[str, Any]) -> None:
        if push.get("event") in (Events.CALLED, Events.RECALLED):
            call = push["call"]
            calls.append(
                {
                    "seq": push["seq"],
                    "ticket": call["ticket_id"],
                    "window": call["window"],
                    "announce": call["announce"]["zh_CN"],
                }
            )

    client = HubClient(
        url,
        device=device,
        token=demo.tokens()[device],
        topics=[HALL],
        on_event=on_event,
        name=device,
    )
    await client.connect(10)
    # A board stays until the very end: the demo stops the windows first and the boards last.
    while await demo.sleep(3600, STOP_BOARDS):
        pass
    await client.close()
    for call in calls:
        demo.append(f"calls-{device}.jsonl", call)
    return {
        "device": device,
        "calls": len(calls),
        "connects": client.connects,
        "resyncs": client.resyncs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("demo_dir")
    parser.add_argument("url")
    parser.add_argument("device")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    demo = DemoDir(args.demo_dir)
    stats = eventloop.run(run(demo, args.url, args.device))
    demo.append("summary.jsonl", {"kind": "display", **stats})


if __name__ == "__main__":
    main()
