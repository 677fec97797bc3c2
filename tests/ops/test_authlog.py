"""A wrong device token: one line with the device id and the address, rate-limited."""

from __future__ import annotations

import logging

from server.authlog import FailureLog


def test_one_line_per_address_a_minute_with_the_count_held(caplog):
    now = [1000.0]
    failures = FailureLog(logging.getLogger("onetrip.hub"), every=60, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, "onetrip.hub"):
        assert failures.bad_token("kiosk-1", "192.168.1.77", 50312)
        for i in range(500):  # a scanner trying ids, each from a port of its own
            assert not failures.bad_token(f"guess-{i}", "192.168.1.77", 40000 + i)
        assert failures.bad_token("caller-3", "192.168.1.80", 4000)  # another host
        now[0] += 61
        assert failures.bad_token("kiosk-1", "192.168.1.77", 50312)
    assert [r.getMessage() for r in caplog.records] == [
        "wrong device token for 'kiosk-1' from 192.168.1.77:50312",
        "wrong device token for 'caller-3' from 192.168.1.80:4000",
        "wrong device token for 'kiosk-1' from 192.168.1.77:50312 (500 more in the last 60 s)",
    ]


def test_a_hostile_id_is_quoted_and_cut_and_the_memory_is_bounded(caplog):
    failures = FailureLog(logging.getLogger("onetrip.hub"), keep=8, clock=lambda: 0.0)
    with caplog.at_level(logging.WARNING, "onetrip.hub"):
        failures.bad_token("x\nFAKE LOG LINE" + "y" * 100, "10.0.0.1", 1)
        failures.bad_token("", "10.0.0.2", 1)
        for i in range(100):
            failures.bad_token("d", f"10.0.1.{i}", 1)
    first = caplog.records[0].getMessage()
    assert "\n" not in first and first.startswith("wrong device token for 'x\\nFAKE")
    assert caplog.records[1].getMessage() == "wrong device token for (no device id) from 10.0.0.2:1"
    assert len(failures._seen) <= 8
