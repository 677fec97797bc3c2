"""The hub's web pages follow the same seq/prev rule as the Python clients: the one table of
``tests/core/test_sync.py`` run through ``shared/sync.js`` in a real headless Chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from display import browser
from shared.sync import Step, sync_js

from ..core.test_sync import CASES, run

pytestmark = pytest.mark.skipif(
    browser.found() is None, reason="no Chromium here: apt-get install chromium chromium-driver"
)

RUN = """
const sync = new Sync(), out = [];
for (const [what, ...args] of arguments[0]) {
  if (what === 'push') { const s = sync.push(...args); out.push([s.deliver, s.resync]); }
  else if (what === 'snapshot') out.push(sync.snapshot(...args));
  else { sync[what](...args); out.push(what); }
}
return [out, sync.seq, sync.resyncs];
"""


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    driver = browser.chromium(400, 300)
    driver.get("data:text/html,<!doctype html><title>sync</title>")
    yield driver
    driver.quit()


def plain(outcome: Step | str) -> Any:
    return [outcome.deliver, outcome.resync] if isinstance(outcome, Step) else outcome


@pytest.mark.parametrize("name", CASES)
def test_the_pages_follow_the_same_rule(chrome: Any, name: str) -> None:
    script = CASES[name][0]
    sync, expected = run(script)
    # a push's optional event is passed as undefined in JS, as None is left out in Python
    steps = json.loads(json.dumps(script))
    out, seq, resyncs = chrome.execute_script(sync_js() + RUN, steps)
    assert out == [plain(o) for o in expected]
    assert (seq, resyncs) == (sync.seq, sync.resyncs)
