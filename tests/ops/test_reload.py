"""Which configuration changes a running server may take, and why it refuses the others."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from support import SECRET

from server.reload import changes, unsafe_changes
from shared.config import parse_config


def build(text: str, edit: Any = None) -> Any:
    raw = tomllib.loads(text)
    if edit:
        edit(raw)
    return parse_config(raw, secret=SECRET)


def add_staff(raw: dict) -> None:
    raw["staff"].append({**raw["staff"][0], "id": "s100", "name": "新同事", "backup": None})
    del raw["staff"][-1]["backup"]


def new_pin(raw: dict) -> None:
    raw["staff"][0]["pin_hash"] = raw["staff"][1]["pin_hash"]


def add_matter(raw: dict) -> None:
    raw["zones"][0]["matters"].append({"id": "new-matter", "name": "新事项"})


def hours(raw: dict) -> None:
    raw["hours"]["mon"] = ["09:00-12:00"]


def limits(raw: dict) -> None:
    raw["policy"]["recall_limit"] = 5


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (add_staff, ["ops.reload.staff_added"]),
        (new_pin, ["ops.reload.staff_changed"]),
        (add_matter, ["ops.reload.matters"]),
        (hours, ["ops.reload.hours"]),
        (limits, ["ops.reload.policy"]),
        (None, []),
    ],
)
def test_safe_changes_are_taken_and_said(sample_toml, edit, said):
    old, new = build(sample_toml), build(sample_toml, edit)
    assert unsafe_changes(old, new) == []
    assert [key for key, _ in changes(old, new)] == said


def add_zone(raw: dict) -> None:
    raw["zones"].append({"id": "extra", "name": "新区域", "prefix": "Y", "matters": []})


def prefix(raw: dict) -> None:
    raw["zones"][0]["prefix"] = "Z"


def drop_matter(raw: dict) -> None:
    raw["zones"][0]["matters"].pop()


def window_zones(raw: dict) -> None:
    raw["windows"][0]["zones"] = {raw["zones"][1]["id"]: 1}


def device_token(raw: dict) -> None:
    raw["devices"][0]["token_hash"] = raw["devices"][1]["token_hash"]


def timezone(raw: dict) -> None:
    raw["hall"]["timezone"] = "Asia/Urumqi"


@pytest.mark.parametrize(
    ("edit", "refused"),
    [
        (add_zone, "ops.reload.zones"),
        (prefix, "ops.reload.zone"),
        (drop_matter, "ops.reload.matter_gone"),
        (window_zones, "ops.reload.windows"),
        (device_token, "ops.reload.devices"),
        (timezone, "ops.reload.hall"),
    ],
)
def test_unsafe_changes_are_refused_with_the_reason(sample_toml, edit, refused):
    old, new = build(sample_toml), build(sample_toml, edit)
    assert refused in [key for key, _ in unsafe_changes(old, new)]


def test_a_logged_in_staff_member_cannot_be_removed(sample_toml):
    def drop(raw: dict) -> None:
        gone = raw["staff"].pop()
        for s in raw["staff"]:
            if s.get("backup") == gone["id"]:
                del s["backup"]

    old, new = build(sample_toml), build(sample_toml, drop)
    gone = (set(old.staff) - set(new.staff)).pop()
    assert unsafe_changes(old, new) == []
    assert unsafe_changes(old, new, logged_in={gone}) == [
        ("ops.reload.staff_busy", {"staff": gone})
    ]
