"""``HubThread``: a hub for code that is not async (benchmarks, the Qt apps' own tests)."""

from __future__ import annotations

import json

from websockets.sync.client import connect

from server.hub import HubThread


def test_hub_thread_serves_and_stops(hall_files, tmp_path):
    with HubThread(hall_files.config, tmp_path / "t.db", synchronous="NORMAL") as hub:
        assert hub.port > 0 and hub.url.endswith(f":{hub.port}/ws")
        headers = {
            "Authorization": f"Bearer {hall_files.tokens['kiosk-1']}",
            "X-Onetrip-Device": "kiosk-1",
        }
        with connect(hub.url, additional_headers=headers) as ws:
            ws.send(json.dumps({"op": "issue", "id": "t1", "zone": "gongan"}))
            reply = json.loads(ws.recv(timeout=5))
            while "re" not in reply:
                reply = json.loads(ws.recv(timeout=5))
            assert reply["result"]["ticket"]["label"] == "C001"
