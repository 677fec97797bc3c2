"""Records in, pushes out: what each committed event means for each topic, without sockets."""

from __future__ import annotations

from desk import Desk

from server.hub.pushes import Memory, pushes
from server.store import Record
from shared import commands as c

FOLLOWED = {"hall", "zone:shangshi", "window:1", "staff:s001", "staff:s002"}


class Pump:
    """An engine whose events become records and then pushes, as the hub does."""

    def __init__(self, config) -> None:
        self.desk = Desk(config)
        self.desk.login(1, "s001")
        self.memory = Memory.of(config, self.desk.state)
        self.seq = 0
        self.followed = set(FOLLOWED)

    def run(self, command: c.Command) -> tuple[list[tuple[str, tuple[str, ...] | None]], bool]:
        desk = self.desk
        desk.now += 1
        events, reply = desk.engine.execute(command, desk.now)
        records = []
        for event in events:
            self.seq += 1
            records.append(Record(self.seq, desk.now, event))
        out = pushes(desk.config, desk.state, self.memory, records, self.followed, self.seq)
        self.reply = reply
        return [(p.event, p.topics) for p in out.pushes], out.queues_changed


def test_what_each_step_pushes_to_whom(open_config):
    pump = Pump(open_config)
    steps = [
        (c.Issue(zone="shangshi"), [("issued", ("zone:shangshi",))], True),
        (
            c.CallNext(window=1),
            [
                ("called", ("hall", "zone:shangshi", "window:1", "staff:s001")),
                ("window", ("hall", "window:1")),
            ],
            True,
        ),
        (
            c.Recall(window=1),
            [("recalled", ("hall", "zone:shangshi", "window:1", "staff:s001"))],
            True,
        ),
        (
            c.Transfer(window=1, to_staff="s002"),
            [
                ("ticket", ("zone:shangshi", "window:1")),
                ("window", ("hall", "window:1")),
                ("followup", ("staff:s002",)),  # it joined s002's list
            ],
            True,
        ),
        (c.Pause(window=1, reason="午休"), [("window", ("hall", "window:1"))], False),
        (c.Resume(window=1), [("window", ("hall", "window:1"))], False),
        (
            c.Cancel(ticket="A001"),
            # to the window that last had it; it left s002's list
            [("ticket", ("zone:shangshi", "window:1")), ("followup", ("staff:s002",))],
            True,
        ),
    ]
    for command, expected, queues in steps:
        assert pump.run(command) == (expected, queues), command


def test_a_followed_ticket_gets_its_status_only_when_it_changes(open_config):
    pump = Pump(open_config)
    pump.run(c.Issue(zone="shangshi"))
    code = pump.reply["ticket"]["code"]
    pump.followed.add(f"ticket:{code}")
    got, _ = pump.run(c.Issue(zone="shangshi"))  # one more behind it: its place is the same
    assert got == [("issued", ("zone:shangshi",))]
    got, _ = pump.run(c.CallTicket(window=1, ticket="A001"))
    assert ("status", (f"ticket:{code}",)) in got
    assert pump.memory.statuses[f"ticket:{code}"]["status"] == "called"


def test_nothing_is_built_for_a_topic_nobody_follows(open_config):
    pump = Pump(open_config)
    pump.followed = set()
    got, queues = pump.run(c.Issue(zone="shangshi"))
    assert got == [] and queues  # no push, no status built; the counts are still due
    assert pump.memory.statuses == {}
    assert pump.run(c.CallNext(window=1))[0] == []
    assert pump.memory.recent[0]["ticket"] == "A001"  # the recent calls are kept all the same
    assert pump.memory.windows[1]["ticket"] == "A001"  # and so is each window's last view
    pump.followed = {"hall"}
    got, _ = pump.run(c.Finish(window=1))
    assert got == [("window", ("hall", "window:1"))]  # the board's; the zone's is not built


def test_a_new_day_goes_to_everyone_and_clears_the_recent_calls(open_config):
    pump = Pump(open_config)
    pump.run(c.Issue(zone="shangshi"))
    pump.run(c.CallNext(window=1))
    assert len(pump.memory.recent) == 1
    pump.desk.now += 86400
    got, queues = pump.run(c.Issue(zone="shangshi"))
    assert got[0] == ("day", None) and queues
    assert ("window", ("hall", "window:1")) in got  # yesterday's call left the window
    assert len(pump.memory.recent) == 0
