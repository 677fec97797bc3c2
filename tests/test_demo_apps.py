"""The demo's screen layout: every app in its own slot, on screens of every shape."""

from __future__ import annotations

import pytest

from onetrip.demo_apps import APPS, DESIGN, layout


@pytest.mark.parametrize(
    "screen", [(0, 0, 1920, 1080), (0, 0, 3840, 2160), (0, 27, 1366, 741), (1920, 0, 1080, 1920)]
)
def test_every_app_has_a_slot_on_the_screen_and_none_overlap(screen):
    x, y, w, h = screen
    slots = layout(*screen)
    assert set(slots) == set(APPS)
    for slot in slots.values():
        assert x <= slot.x and slot.x + slot.width <= x + w
        assert y <= slot.y and slot.y + slot.height <= y + h
    rects = list(slots.values())
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            apart = (
                a.x + a.width <= b.x or b.x + b.width <= a.x
                or a.y + a.height <= b.y or b.y + b.height <= a.y
            )  # fmt: skip
            assert apart, (a, b)


def test_the_kiosk_and_board_keep_their_design_shape_scaled_down():
    slots = layout(0, 0, 1920, 1080)
    for name in ("kiosk", "board"):
        slot = slots[name]
        assert 0 < slot.scale < 1
        assert abs(slot.width / slot.height - DESIGN[0] / DESIGN[1]) < 0.01
        _, _, w, h = (int(v) for v in slot.geometry.split(","))
        assert (w, h) == pytest.approx(DESIGN, abs=2)  # the app lays itself out for 1920×1080
    assert slots["caller"].scale == 1.0
