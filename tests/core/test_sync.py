"""The client's place in the stream of pushes: a table of what each message does."""

from __future__ import annotations

import pytest

from shared.sync import Step, Sync


def run(script: list[tuple]) -> tuple[Sync, list[Step | str]]:
    """Feed ``script`` to a fresh ``Sync``; the outcome of each line, in order."""
    sync, out = Sync(), []
    for what, *args in script:
        if what == "push":
            out.append(sync.push(*args))
        elif what == "snapshot":
            out.append(sync.snapshot(*args))
        else:
            getattr(sync, what)(*args)
            out.append(what)
    return sync, out


TAKE, GAP, DROP = Step(True), Step(False, "gap"), Step(False)

CASES = {
    "pushes that follow are taken in": (
        [("hello", 5), ("push", 6, 5), ("push", 9, 6)],
        ["hello", TAKE, TAKE],
        9,
        0,
    ),
    "a gap drops the push and asks for one snapshot": (
        [("hello", 5), ("push", 8, 7), ("push", 9, 8)],
        ["hello", GAP, DROP],
        5,
        1,
    ),
    "the snapshot's seq is where pushes continue": (
        [("hello", 5), ("push", 8, 7), ("snapshot", 8), ("push", 9, 8)],
        ["hello", GAP, "gap", TAKE],
        9,
        1,
    ),
    "a day push is taken in, then a snapshot asked for": (
        [("hello", 1), ("push", 2, 1, "day"), ("push", 3, 2), ("snapshot", 3)],
        ["hello", Step(True, "day"), TAKE, "day"],
        3,
        1,
    ),
    "a day push while a snapshot is coming asks for no second one": (
        [("hello", 1), ("push", 5, 4), ("snapshot", 4), ("push", 5, 4, "day")],
        ["hello", GAP, "gap", Step(True, "day")],
        5,
        2,
    ),
    "a failed snapshot lets the next gap ask again": (
        [("hello", 1), ("push", 5, 4), ("failed",), ("push", 6, 5)],
        ["hello", GAP, "failed", GAP],
        1,
        2,
    ),
    "a lost connection forgets the snapshot it waited for": (
        [("hello", 1), ("push", 5, 4), ("lost",), ("hello", 7), ("push", 8, 7)],
        ["hello", GAP, "lost", "hello", TAKE],
        8,
        1,
    ),
    "a subscribe on connecting says so, later ones are requests": (
        [("expect", "connect"), ("snapshot", 3), ("snapshot", 4)],
        ["expect", "connect", "request"],
        4,
        0,
    ),
    "a push older than the snapshot is a gap, not a step back": (
        [("hello", 1), ("snapshot", 10), ("push", 9, 8)],
        ["hello", "request", GAP],
        10,
        1,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_sync(name: str) -> None:
    script, outcomes, seq, resyncs = CASES[name]
    sync, out = run(script)
    assert out == outcomes
    assert (sync.seq, sync.resyncs) == (seq, resyncs)
