"""The announcement queue, as a pure scheduler, and driving real clips into a recording sink."""

from __future__ import annotations

import itertools
import logging

import pytest

from voice.config import VoiceConfig
from voice.queue import Item, Policy, Scheduler

from .conftest import T0, Clock, call, make_hall

ZH = "zh_CN"


def item(ticket: str, at: float = T0, recall: bool = False, window: int = 3) -> Item:
    return Item(f"{ticket}{recall}", ticket, window, {"zh_CN": ticket, "en": ticket}, at, recall)


def drive(s: Scheduler, start: float, durations: dict[str, float], seconds: float) -> list:
    """Run the scheduler with every playback lasting durations[part]; (start, end, play)."""
    out, now, playing = [], start, None
    while now < start + seconds:
        if playing and now >= playing[1]:
            s.finished(now)
            out.append(playing)
            playing = None
        p = s.next(now)
        if p is not None:
            assert playing is None, "two at once"
            playing = (now, now + durations[p.part], p)
        now = round(now + 0.01, 6)
    return out


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (Policy(repeats=1, chime=False), [("speech", 1, ZH)]),
        (Policy(repeats=2), [("chime", 0, ZH), ("speech", 1, ZH), ("speech", 2, ZH)]),
        (Policy(repeats=2, chime=False, languages=(ZH, "en")),
         [("speech", 1, ZH), ("speech", 1, "en"), ("speech", 2, ZH), ("speech", 2, "en")]),
        (Policy(repeats=3, chime=False), [("speech", r, "zh_CN") for r in (1, 2, 3)]),
    ],
)  # fmt: skip
def test_the_steps_of_one_announcement(policy: Policy, expected: list) -> None:
    s = Scheduler(policy)
    s.add(item("A001"), T0)
    done = drive(s, T0, {"chime": 0.5, "speech": 2.0}, 30)
    assert [(p.part, p.repeat, p.lang) for _, _, p in done] == expected


def test_gaps_between_playbacks_and_nothing_while_one_plays() -> None:
    s = Scheduler(Policy(repeats=2, gap=0.8, chime_gap=0.1))
    s.add(item("A001"), T0)
    s.add(item("A002"), T0)
    done = drive(s, T0, {"chime": 0.5, "speech": 2.0}, 30)
    starts = [round(a - T0, 2) for a, _, _ in done]
    # chime 0-0.5, +0.1; speech 0.6-2.6, +0.8; speech 3.4-5.4, +0.8; next chime at 6.2
    assert starts[:4] == [0.0, 0.6, 3.4, 6.2]
    for (_, end, _), (start, _, _) in itertools.pairwise(done):
        assert start >= end
    assert s.next(T0 + 100) is None and s.idle


def test_a_playback_is_never_replaced_by_a_newer_call() -> None:
    s = Scheduler(Policy(repeats=1, chime=False))
    s.add(item("A001"), T0)
    assert s.next(T0).item.ticket == "A001"
    s.add(item("A002"), T0 + 0.1)
    assert s.next(T0 + 0.2) is None  # A001 still speaking
    s.finished(T0 + 2)
    assert s.next(T0 + 2.5) is None  # the gap
    assert s.next(T0 + 2.8).item.ticket == "A002"


@pytest.mark.parametrize(
    ("waited", "read"), [(59.0, True), (61.0, False)],
)  # fmt: skip
def test_a_stale_announcement_is_dropped_and_logged(waited: float, read: bool, caplog) -> None:
    s = Scheduler(Policy(max_age=60, chime=False, repeats=1))
    s.add(item("A001"), T0)
    with caplog.at_level(logging.WARNING):
        p = s.next(T0 + waited)
    assert (p is not None) == read
    if not read:
        assert s.dropped[0].reason == "stale" and s.dropped[0].item.ticket == "A001"
        assert "A001" in caplog.text and "too old" in caplog.text


def test_once_begun_an_announcement_is_read_to_its_end() -> None:
    s = Scheduler(Policy(max_age=5, repeats=3, chime=False))
    s.add(item("A001"), T0)
    done = drive(s, T0 + 4, {"speech": 3.0}, 20)  # the last reading starts 11 s after it came
    assert [p.repeat for _, _, p in done] == [1, 2, 3]


@pytest.mark.parametrize(
    ("quiet", "hour", "minute", "read"),
    [
        ((("12:00", "13:30"),), 12, 15, False),
        ((("12:00", "13:30"),), 13, 30, True),
        ((("12:00", "13:30"),), 11, 59, True),
        ((("22:00", "07:00"),), 23, 0, False),
        ((("22:00", "07:00"),), 6, 59, False),
        ((("22:00", "07:00"),), 7, 0, True),
    ],
)  # fmt: skip
def test_quiet_hours(quiet, hour: int, minute: int, read: bool) -> None:
    config = VoiceConfig.from_table({"quiet_hours": [f"{a}-{b}" for a, b in quiet]})
    s = Scheduler(config.policy)
    now = T0 + (hour - 10) * 3600 + minute * 60  # T0 is 10:00 in Shanghai
    outcome = s.add(item("A001", now), now)
    assert (outcome == "queued") == read
    assert (s.next(now) is not None) == read


def test_quiet_hours_begin_while_calls_wait() -> None:
    s = Scheduler(VoiceConfig.from_table({"quiet_hours": ["10:01-11:00"]}).policy)
    s.add(item("A001"), T0 + 59)
    assert s.next(T0 + 61) is None
    assert s.dropped[0].reason == "quiet"


def test_a_recall_of_a_call_not_yet_read_is_not_queued_twice() -> None:
    s = Scheduler(Policy(repeats=1, chime=False))
    s.add(item("A001"), T0)
    s.add(item("A002"), T0)
    assert s.next(T0).item.ticket == "A001"
    assert s.add(item("A002", recall=True), T0 + 1) == "merged"
    # a recall of the one being read is read again after it
    assert s.add(item("A001", recall=True), T0 + 1) == "queued"
    assert s.pending == 2


def test_a_stuck_playback_is_given_up(caplog) -> None:
    s = Scheduler(Policy(repeats=1, chime=False, stuck_after=30))
    s.add(item("A001"), T0)
    s.add(item("A002"), T0)
    assert s.next(T0) is not None
    assert s.wake_at(T0) == T0 + 30
    assert s.next(T0 + 29) is None
    with caplog.at_level(logging.WARNING):
        assert s.next(T0 + 31) is None  # given up; the gap follows
    assert "no end reported" in caplog.text
    assert s.next(T0 + 32).item.ticket == "A002"


def test_an_announcement_with_nothing_to_say_is_not_even_a_chime() -> None:
    s = Scheduler(Policy(languages=("zh_CN",)))
    s.add(Item("k", "A001", 3, {"zh_CN": "", "en": "Number A001"}, T0), T0)
    s.add(item("A002"), T0)
    assert s.next(T0).item.ticket == "A002"


def test_a_full_queue_drops_the_newest() -> None:
    s = Scheduler(Policy(max_queue=3))
    assert [s.add(item(f"A{i}"), T0) for i in range(4)] == ["queued"] * 3 + ["full"]


# -- real clips into the recording sink --------------------------------------------------------
def test_a_call_is_a_chime_then_the_sentence_twice(hall) -> None:
    hall.announcer.announce(call("A001", 3))
    hall.run_until_quiet()
    played = hall.sink.played
    assert hall.plays() == [("A001", "chime", 0), ("A001", "speech", 1), ("A001", "speech", 2)]
    chime = hall.announcer.engine.clips.get("chime")
    assert played[0].audio == chime
    assert played[1].audio == played[2].audio
    assert 2.0 < played[1].audio.seconds < 8.0
    assert hall.sink.overlaps == 0


def test_a_burst_of_twenty_calls_in_one_second_in_order_without_overlap() -> None:
    hall = make_hall(VoiceConfig.from_table({"max_age": 600}))
    for i in range(20):
        hall.clock.now = T0 + i * 0.05
        hall.announcer.announce(call(f"A{i + 1:03d}", i % 7 + 1))
        hall.announcer.pump()
    hall.run_until_quiet()
    speech = [p for p in hall.plays() if p[1] == "speech"]
    assert [t for t, _, r in speech if r == 1] == [f"A{i:03d}" for i in range(1, 21)]
    assert len(hall.plays()) == 60
    assert hall.sink.overlaps == 0
    spans = [(r.started, r.ended) for r in hall.sink.played]
    assert all(e is not None for _, e in spans)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end + 0.1 - 1e-6  # silence between any two
    assert not hall.announcer.scheduler.dropped


def test_in_a_long_burst_the_ones_that_waited_too_long_are_dropped() -> None:
    hall = make_hall(VoiceConfig.from_table({"max_age": 30}))
    for i in range(20):
        hall.announcer.announce(call(f"A{i + 1:03d}", 3))
    hall.run_until_quiet()
    read = [t for t, part, _ in hall.plays() if part == "chime"]
    dropped = [d.item.ticket for d in hall.announcer.scheduler.dropped]
    assert read == [f"A{i:03d}" for i in range(1, len(read) + 1)]
    assert dropped == [f"A{i:03d}" for i in range(len(read) + 1, 21)]
    assert 2 <= len(read) <= 6
    assert all(d.reason == "stale" for d in hall.announcer.scheduler.dropped)


def test_the_same_push_twice_is_announced_once(hall) -> None:
    push = {"event": "called", "seq": 5, "prev": 4, "call": call("A001", 3)}
    assert hall.announcer.on_push(push) == "queued"
    assert hall.announcer.on_push(push) == "repeat"
    assert hall.announcer.on_push({"event": "counts", "counts": {}}) is None
    hall.run_until_quiet()
    assert len(hall.plays()) == 3


def test_a_recall_says_zaici(hall) -> None:
    engine = hall.announcer.engine
    hall.announcer.announce(call("A001", 12))
    hall.run_until_quiet()
    hall.announcer.announce(call("A001", 12, recall=1, at=5))
    hall.run_until_quiet()
    first, again = hall.sink.played[1].audio, hall.sink.played[4].audio
    assert again.seconds > first.seconds
    assert engine.names("请A001号再次到12号窗口办理")[6] == "再次"
    assert again == engine.clips.render(engine.names("请A001号再次到12号窗口办理"))


def test_volume_scales_the_samples() -> None:
    hall = make_hall(VoiceConfig.from_table({"volume": 0.5, "chime": False, "repeats": 1}))
    hall.announcer.announce(call("A001", 3))
    hall.run_until_quiet()
    loud = hall.announcer.engine.clips.render(hall.announcer.engine.names("请A001号到3号窗口办理"))
    half = hall.sink.played[0].audio
    assert max(half.samples()) == pytest.approx(max(loud.samples()) * 0.5, abs=1)


def test_no_engine_announces_nothing() -> None:
    from voice.announcer import Announcer

    a = Announcer(None, VoiceConfig.from_table({"engine": "none"}), clock=Clock())
    assert a.announce(call("A001", 3)) == "off"
    assert a.pump() is None
