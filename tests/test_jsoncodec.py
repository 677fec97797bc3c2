"""The one JSON codec: compact UTF-8, as the protocol documents it, and strict on input."""

from __future__ import annotations

import json

import pytest

from shared import jsoncodec
from shared import protocol as p
from shared.domain import Status
from shared.errors import Refused


def test_compact_utf8_that_json_reads_back():
    value = {"zone_name": "商事登记", "at": 1795338084.9210968, "status": Status.WAITING, 3: [1]}
    text = jsoncodec.dumps(value)
    assert "商事登记" in text and ", " not in text and ": " not in text
    assert json.loads(text) == {
        "zone_name": "商事登记",
        "at": 1795338084.9210968,
        "status": "waiting",
        "3": [1],
    }
    assert jsoncodec.dumps_bytes(value) == text.encode()
    assert jsoncodec.loads(text.encode()) == jsoncodec.loads(text)


@pytest.mark.parametrize(
    "frame", ['{"op":"ping","id":NaN}', '{"op":"ping","id":1' + "0" * 30 + "}"]
)
def test_what_orjson_will_not_read_is_not_valid_json(frame):
    with pytest.raises(Refused) as info:
        p.parse_request(frame)
    assert info.value.code == "bad_request"
