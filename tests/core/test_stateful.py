"""Random days in a hall: after every step the invariants hold and replay rebuilds the state."""

from __future__ import annotations

import copy
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from support import at

from server.engine import Engine
from server.engine import events as ev
from server.engine.queue import ahead_of
from server.engine.rules import day_of, decide
from server.engine.state import line_of
from server.engine.views import waiting_view, zone_counts
from server.hall import Hall, Origin
from shared import commands as c
from shared.domain import FINAL, Kind, Status
from shared.errors import Refused
from shared.hallconfig import HallConfig

WINDOWS = {1: "s001", 2: "s002", 4: "s003", 5: "s004", 19: "s005"}  # 4 is weighted, 19 all
ZONES = ["shangshi", "budongchan", "gongjijin"]
PRESSES = 6  # how far down the list the presses are checked
STAFF = ["s001", "s002", "s003", "s004", "s005", "s006"]


class HallMachine(RuleBasedStateMachine):
    config: HallConfig  # set by the test

    def __init__(self) -> None:
        super().__init__()
        self.dir = tempfile.TemporaryDirectory()
        self.now = at(hour=8, minute=30)
        self.hall = Hall(self.config, Path(self.dir.name) / "hall.db", synchronous="OFF")
        self.cards: list[str] = []
        self.requests = 0
        self.last_call: tuple[int, str, dict] | None = None

    def teardown(self) -> None:
        self.hall.close()
        self.dir.cleanup()

    def run(self, command: c.Command, retry: bool = False) -> dict | None:
        self.requests += 1
        origin = Origin("dev", "", f"r{self.requests}")
        try:
            reply = self.hall.handle(command, origin, self.now).reply
        except Refused:
            return None
        if retry:  # a lost reply: the same request again must change nothing
            before = self.hall.state.canonical()
            again = self.hall.handle(command, origin, self.now + 1)
            assert again.repeated and again.reply == reply
            assert self.hall.state.canonical() == before
        return reply

    # --- time ---------------------------------------------------------------------------
    @rule(seconds=st.integers(1, 5400))
    def wait(self, seconds: int) -> None:
        self.now += seconds

    @rule()
    def next_morning(self) -> None:
        self.now += 86400 - ((self.now - at(hour=0)) % 86400) + 8.5 * 3600

    # --- kiosk --------------------------------------------------------------------------
    @rule(
        zone=st.sampled_from(ZONES),
        kind=st.sampled_from(["normal", "priority", "appt"]),
        retry=st.booleans(),
        count=st.integers(1, 3),
    )
    def issue(self, zone: str, kind: str, retry: bool, count: int) -> None:
        fields: dict = {}
        if kind == "priority":
            fields["priority_reason"] = "elderly"
        elif kind == "appt":
            fields["appointment_at"] = self.now + 1200
        for _ in range(count):
            reply = self.run(c.Issue(zone=zone, **fields), retry=retry)
            if reply:  # the quick count the kiosk prints agrees with the full one
                ticket = self.hall.state.tickets[reply["ticket"]["id"]]
                assert reply["ticket"]["ahead"] == ahead_of(self.hall.state, ticket)

    @precondition(lambda self: self.cards)
    @rule(data=st.data())
    def redeem(self, data: st.DataObject) -> None:
        self.run(c.RedeemCard(code=data.draw(st.sampled_from(self.cards))))

    @rule(data=st.data())
    def requeue_or_void(self, data: st.DataObject) -> None:
        tickets = list(self.hall.state.by_label)
        if tickets:
            label = data.draw(st.sampled_from(tickets))
            self.run(
                data.draw(
                    st.sampled_from(
                        [c.Requeue(ticket=label), c.Void(ticket=label), c.Cancel(ticket=label)]
                    )
                )
            )

    # --- windows ------------------------------------------------------------------------
    @rule(window=st.sampled_from(sorted(WINDOWS)), staff=st.sampled_from(STAFF))
    def login(self, window: int, staff: str) -> None:
        self.run(c.Login(window=window, staff=staff))

    @rule(
        window=st.sampled_from(sorted(WINDOWS)),
        retry=st.booleans(),
        then=st.sampled_from(
            [
                "finish",
                "finish",
                "finish_pending",
                "card",
                "no_show",
                "suspend",
                "transfer",
                "transfer_head",
                "transfer_staff",
                "recall",
                "stay",
            ]
        ),
    )
    def work(self, window: int, retry: bool, then: str) -> None:
        """What a window mostly does: log in if needed, call the next one, deal with them."""
        w = self.hall.state.windows[window]
        if w.staff is None:
            self.run(c.Login(window=window, staff=WINDOWS[window]))
        if w.status.value == "paused":
            self.run(c.Resume(window=window))
        if w.ticket is None:
            before = self.hall.state.canonical()
            reply = self.run(c.CallNext(window=window), retry=retry)
            if reply:
                self.check_order(window, reply["ticket"]["id"], before)
        if w.ticket is not None and then != "stay":
            self.act(window, then)

    @rule(
        window=st.sampled_from(sorted(WINDOWS)),
        action=st.sampled_from(
            [
                "call_next",
                "recall",
                "no_show",
                "start",
                "finish",
                "finish_pending",
                "suspend",
                "card",
                "logout",
                "pause",
                "resume",
                "transfer",
                "transfer_head",
                "transfer_staff",
                "evaluate",
                "callback",
            ]
        ),
    )
    def act(self, window: int, action: str) -> None:
        w = self.hall.state.windows[window]
        command: c.Command = {
            "call_next": c.CallNext(window=window),
            "recall": c.Recall(window=window),
            "no_show": c.NoShow(window=window),
            "start": c.Start(window=window),
            "finish": c.Finish(window=window),
            "finish_pending": c.Finish(window=window, case_done=False),
            "suspend": c.Suspend(window=window),
            "card": c.IssueCard(window=window),
            "logout": c.Logout(window=window),
            "pause": c.Pause(window=window, reason="x"),
            "resume": c.Resume(window=window),
            "evaluate": c.Evaluate(level=4, window=window),
            "transfer": c.Transfer(window=window, to_zone="budongchan"),
            "transfer_head": c.Transfer(window=window, to_zone="shangshi", at_head=True),
            "transfer_staff": c.Transfer(window=window, to_staff="s002"),
            "callback": c.CallBack(
                window=window,
                ticket=self.hall.state.tickets[w.suspended[0]].label if w.suspended else "A001",
            ),
        }[action]
        reply = self.run(command)
        if reply and "card" in reply:
            self.cards.append(reply["card"]["code"])

    # --- the order rule, checked against the state just before the call --------------------
    def check_order(self, window: int, tid: str, before: dict) -> None:
        state, config = self.hall.state, self.config
        ticket = state.tickets[tid]
        waiting = [t for t in before["tickets"].values() if t["status"] == "waiting"]
        staff = state.windows[window].staff
        zones = config.windows[window].zones
        present = {w["staff"] for w in before["windows"].values() if w["staff"]}
        backed = {s.id for s in config.staff.values() if s.backup == staff and s.id not in present}
        mine = [t for t in waiting if t["kind"] == "followup" and t["to_staff"] in {staff} | backed]
        if mine:  # follow-ups for this staff member (and away colleagues) always go first
            assert ticket.id in {t["id"] for t in mine}
            return
        directed = [
            t
            for t in waiting
            if t["to_window"] == window or (t["to_staff"] is not None and t["to_staff"] == staff)
        ]
        if directed:  # then what was transferred to this window or staff member
            assert ticket.id in {t["id"] for t in directed}
            return
        was = before["tickets"][tid]
        assert was["to_staff"] is None and was["to_window"] is None  # nobody else's
        plain = [
            t
            for t in waiting
            if t["to_staff"] is None
            and t["to_window"] is None
            and t["zone"] in zones
            and t["kind"] == "normal"
        ]
        if ticket.kind is Kind.NORMAL and ticket.band == 1 and len(zones) == 1:
            # the oldest plain normal ticket, and nobody at the head
            assert not [t for t in plain if t["band"] == 0]
            oldest = min(plain, key=lambda t: (t["band"], t["key"], t["serial"]))
            assert oldest["id"] == ticket.id

    # --- invariants ---------------------------------------------------------------------
    @invariant()
    def one_window_per_ticket(self) -> None:
        places: Counter[str] = Counter()
        for w in self.hall.state.windows.values():
            if w.ticket:
                places[w.ticket] += 1
                t = self.hall.state.tickets[w.ticket]
                assert t.status in (Status.CALLED, Status.SERVING) and t.window == w.number
            for tid in w.suspended:
                places[tid] += 1
                assert self.hall.state.tickets[tid].status is Status.SUSPENDED
        assert all(n == 1 for n in places.values())
        for t in self.hall.state.tickets.values():
            if t.status in (Status.CALLED, Status.SERVING, Status.SUSPENDED):
                assert places[t.id] == 1
            if t.status in FINAL or t.status is Status.WAITING:
                assert places[t.id] == 0

    @invariant()
    def indexes_agree_with_the_tickets(self) -> None:
        state = self.hall.state
        waiting = [t for t in state.tickets.values() if t.status is Status.WAITING]
        assert state.waiting == {t.id for t in waiting}
        assert state.by_code == {t.code: t.id for t in state.tickets.values()}
        assert zone_counts(state) == dict(Counter(t.zone for t in waiting))
        lines = Counter(
            (t.zone, line_of(t)) for t in waiting if t.to_staff is None and t.to_window is None
        )
        assert {k: v for k, v in state.counts.items() if v} == dict(lines)

    @invariant()
    def waiting_lists_what_call_next_takes(self) -> None:
        """The head of every window's ``waiting`` list is the ticket "call next" would take."""
        state, config = self.hall.state, self.config
        if state.day != day_of(config, self.now):
            return  # the next command opens a new day first
        for number, window in state.windows.items():
            view = waiting_view(state, config, number, self.now)
            ids = [t["id"] for t in view["tickets"]]
            assert len(ids) == len(set(ids))
            assert all(state.tickets[t].status is Status.WAITING for t in ids)
            assert [t["id"] for t in view["followups"]] == [
                t["id"] for t in view["tickets"] if t["to_staff"] is not None
            ]
            if window.staff is None or window.ticket is not None or window.status.value == "paused":
                continue  # call_next refuses here whatever waits
            try:
                events = decide(state, config, c.CallNext(window=number), self.now)
            except Refused as refused:
                assert refused.code == "queue_empty" and ids == []
            else:
                assert ids and events[0].ticket == ids[0]
                assert self.presses(number, len(ids[:PRESSES])) == ids[:PRESSES]

    def presses(self, number: int, count: int) -> list[str]:
        """What ``count`` successive "call next" presses at ``number`` take, on a copy."""
        state, config = copy.deepcopy(self.hall.state), self.config
        taken = []
        for _ in range(count):
            (called,) = decide(state, config, c.CallNext(window=number), self.now)
            called.apply(state, self.now)
            taken.append(called.ticket)
            ev.Cancelled(called.ticket, "").apply(state, self.now)  # frees the window
        return taken

    @invariant()
    def numbers_unique_per_zone_per_day(self) -> None:
        dupes = self.hall.store.conn.execute(
            "SELECT day, label, count(*) FROM tickets GROUP BY day, label HAVING count(*) > 1"
        ).fetchall()
        assert dupes == []

    @invariant()
    def times_are_sane(self) -> None:
        for t in self.hall.state.tickets.values():
            if t.first_called_at is not None:
                assert t.first_called_at >= t.issued_at
            if t.finished_at is not None:
                assert t.started_at is not None and t.finished_at >= t.started_at
                assert t.finished_at - t.issued_at >= 0

    @invariant()
    def replay_and_reload_rebuild_the_state(self) -> None:
        live = self.hall.state.canonical()
        engine = Engine(self.config)
        for record in self.hall.store.records():
            record.event.apply(engine.state, record.at)
        assert engine.state.canonical() == live
        assert self.hall.store.load_state(self.config).canonical() == live


def test_random_hall_days(open_config):
    HallMachine.config = open_config
    machine = HallMachine.TestCase
    machine.settings = settings(
        max_examples=60,
        stateful_step_count=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine().runTest()
