"""Random hall days: the report's counts equal counts taken straight from the event log."""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportday import hall_files
from support import at

from server.hall import Hall, Origin
from server.reports import source
from server.reports.figures import build
from server.reports.periods import GROUPINGS
from shared import commands as c
from shared.errors import Refused

WINDOWS = {1: "s001", 2: "s002", 4: "s003", 19: "s004"}
ZONES = ("shangshi", "gongjijin", "budongchan")

ACTIONS = {  # action -> weight: a day looks like a day, with every rare turn in it
    "issue": 30, "call": 25, "start": 10, "finish": 25, "no_show": 4, "requeue": 3,
    "transfer": 3, "suspend": 3, "call_back": 4, "cancel": 2, "void": 2, "pause": 2,
    "resume": 3, "card": 3, "redeem": 3, "rate": 15, "logout": 1, "login": 3, "wait": 20,
    "night": 1,
}  # fmt: skip


def command(hall: Hall, kind: str, rnd: random.Random, cards: list[str]) -> c.Command | None:
    state = hall.state
    window = rnd.choice(sorted(WINDOWS))
    labels = sorted(state.by_label)
    pick = rnd.choice(labels) if labels else None
    suspended = state.windows[window].suspended
    return {
        "issue": lambda: c.Issue(zone=rnd.choice(ZONES)),
        "login": lambda: c.Login(window=window, staff=WINDOWS[window]),
        "logout": lambda: c.Logout(window=window),
        "call": lambda: c.CallNext(window=window),
        "start": lambda: c.Start(window=window),
        "finish": lambda: c.Finish(window=window, case_done=rnd.random() < 0.8),
        "no_show": lambda: c.NoShow(window=window),
        "transfer": lambda: c.Transfer(window=window, to_zone=rnd.choice(ZONES)),
        "suspend": lambda: c.Suspend(window=window),
        "call_back": lambda: c.CallBack(window=window, ticket=suspended[0]) if suspended else None,
        "pause": lambda: c.Pause(window=window, reason="break"),
        "resume": lambda: c.Resume(window=window),
        "card": lambda: c.IssueCard(window=window),
        # (a window whose last ticket was served across midnight has it pruned from memory:
        # rating it by window raises KeyError in the engine, reported; rated by ticket here)
        "rate": lambda: (
            c.Evaluate(window=window, level=rnd.randint(1, 5))
            if state.windows[window].last_finished in state.tickets
            else None
        ),
        "requeue": lambda: c.Requeue(ticket=pick) if pick else None,
        "cancel": lambda: c.Cancel(ticket=pick) if pick else None,
        "void": lambda: c.Void(ticket=pick) if pick else None,
        "redeem": lambda: c.RedeemCard(code=rnd.choice(cards)) if cards else None,
    }[kind]()


def from_events(db: Path) -> dict[str, object]:
    """The counts, read from the event log without the reports package."""
    conn = sqlite3.connect(db)
    events = [(t, json.loads(p)) for t, p in conn.execute("SELECT type, payload FROM events")]
    conn.close()
    n = Counter(t for t, _ in events)
    case = {e["ticket"]["id"]: e["ticket"]["case"] for t, e in events if t == "issued"}
    return {
        "issued": n["issued"],
        "called": len({e["ticket"] for t, e in events if t == "called"}),
        "served": n["finished"],
        "no_shows": n["missed"],
        "requeued": n["requeued"],
        "transferred_out": n["transferred"],
        "transferred_in": n["transferred"],
        "suspended": n["suspended"],
        "cancelled": n["cancelled"],
        "voided": n["voided"],
        "expired": sum(len(e["expired"]) for t, e in events if t == "day_opened"),
        "followups": sum(
            1 for t, e in events if t == "issued" and e["ticket"]["kind"] == "followup"
        ),
        "ratings": Counter(e["level"] for t, e in events if t == "rated"),
        # distinct cases: a case can be finished twice (done, then a follow-up finishes it again)
        "cases_done": len(
            {case[e["ticket"]] for t, e in events if t == "finished" and e["case_done"]}
        ),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), steps=st.integers(50, 400))
def test_report_counts_equal_the_event_log(seed: int, steps: int):
    rnd = random.Random(seed)
    kinds, weights = list(ACTIONS), list(ACTIONS.values())
    with tempfile.TemporaryDirectory() as folder:
        _, config = hall_files(Path(folder))
        db = Path(folder) / "hall.db"
        hall = Hall(config, db, synchronous="OFF")
        now, cards = at(hour=8, minute=30), []
        first = datetime.fromtimestamp(now, config.tz).date()
        try:
            for number, staff in WINDOWS.items():
                hall.handle(c.Login(window=number, staff=staff), Origin("admin"), now)
            for kind in rnd.choices(kinds, weights, k=steps):
                if kind == "wait":
                    now += rnd.choice((30, 300, 1800, 5400))
                    continue
                if kind == "night":
                    now += 86400 - ((now - at(hour=0)) % 86400) + 8.5 * 3600
                    continue
                cmd = command(hall, kind, rnd, cards)
                if cmd is None:
                    continue
                try:
                    reply = hall.handle(cmd, Origin("admin"), now).reply
                except Refused:
                    continue
                if "card" in reply:
                    cards.append(reply["card"]["code"])
                now += 1
        finally:
            hall.close()
        last: date = datetime.fromtimestamp(now, config.tz).date()
        conn = source.connect(db)
        try:
            data = source.read_period(conn, first, last, config.tz, now + 86400)
        finally:
            conn.close()
        report = build(data, config, GROUPINGS)
        want = from_events(db)
        g = report.total
        for key in (
            "issued", "called", "served", "no_shows", "requeued", "transferred_out",
            "transferred_in", "suspended", "cancelled", "voided", "expired", "followups",
            "cases_done",
        ):  # fmt: skip
            assert getattr(g, key) == want[key], key
        assert {k: v for k, v in g.ratings.items() if v} == dict(want["ratings"])
        for grouping in GROUPINGS:  # every ticket in exactly one group
            groups = report.groups[grouping].values()
            assert sum(x.issued for x in groups) == g.issued
            assert sum(x.no_shows for x in groups) == g.no_shows
            assert sum(x.cases_done for x in groups) == g.cases_done
        assert len(g.waits) == g.called and len(g.services) == g.served
        assert all(w >= 0 for w in g.waits) and all(s >= 0 for s in g.services)
