"""In-process: the hub answers, pushes, and its pages respond."""

from __future__ import annotations


async def test_issue_call_push(hub, clients, login):
    kiosk = await clients.device(hub.url, "kiosk-1")
    display = await clients.device(hub.url, "display-hall", topics=("hall",))
    caller = await clients.device(hub.url, "caller-1", topics=("window:1",))
    issued = await kiosk.request("issue", zone="shangshi")
    label = issued["ticket"]["label"]
    await login(caller, 1, "s001")
    called = await caller.request("call_next", window=1)
    assert called["ticket"]["label"] == label
    event = await display.next_event("called")
    assert event["call"]["ticket"] == label
    assert event["call"]["announce"]["zh_CN"] == f"请{label}号到1号窗口办理"
