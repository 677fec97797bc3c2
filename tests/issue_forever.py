"""A kiosk that issues tickets into a real hall database until it is killed.

Run as ``python issue_forever.py CONFIG DB``; prints ``ACK <ticket id>`` once each issue is
committed, which is when a real kiosk would print the ticket.
"""

from __future__ import annotations

import itertools
import sys

from server.hall import Hall, Origin
from shared import commands as c
from shared.config import load_config


def main() -> None:
    config = load_config(sys.argv[1])
    hall = Hall(config, sys.argv[2])
    zones = itertools.cycle(sorted(config.zones))
    for n in itertools.count():
        reply = hall.handle(c.Issue(zone=next(zones)), Origin("kiosk-1", "", f"{sys.argv[3]}-{n}"))
        # one write: a kill between "ACK" and the id would leave a torn line
        sys.stdout.write(f"ACK {reply.reply['ticket']['id']}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
