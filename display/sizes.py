"""Type sizes of the boards, from the screen's physical size. No Qt.

A hall board is read from across the hall: the number being called must be readable from
10 m. Its size is asked for in millimetres of glass (``Units``), so a 43" and a 65" TV show
the same physical size, and then kept within a share of the screen's height so that every
part of the board still fits: never below 8 % of the height (the issue's floor), never so large
that the recent list is pushed off the screen.

Legibility: a character's height of about 1/250 of the reading distance is still legible for
normal sight, 1/150 is comfortable. At 10 m that is 40 mm and 67 mm: the number aims at 80 mm
of font size (digits are about 0.72 of it: 58 mm), the recent list at 40 mm.
"""

from __future__ import annotations

from dataclasses import dataclass

from qtkit.units import Units

NUMBER_MM = 80.0
RECENT_MM = 40.0
BODY_MM = 22.0
NUMBER_MIN_SHARE = 0.08  # of the screen's height, whatever the glass


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


@dataclass(frozen=True)
class BoardSizes:
    """Font pixel sizes of the hall board for one screen."""

    width: int
    height: int
    number: int  # the newest call's number
    call_line: int  # 请到 3 号窗口办理
    recent: int  # a line of the recent list
    body: int  # zones, windows, header
    small: int  # English lines, the footer
    gap: int

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @classmethod
    def for_units(cls, units: Units) -> BoardSizes:
        h, w = units.height_px, units.width_px
        # In portrait the board is a column: the height is shared by more parts.
        ref = min(h, round(w * 1.25)) if h > w else h
        number = _clamp(units.mm(NUMBER_MM), round(ref * 0.10), round(ref * 0.14))
        number = max(number, round(h * NUMBER_MIN_SHARE))
        recent = _clamp(units.mm(RECENT_MM), round(ref * 0.034), round(ref * 0.042))
        body = _clamp(units.mm(BODY_MM), round(ref * 0.024), round(ref * 0.03))
        return cls(
            width=w,
            height=h,
            number=number,
            call_line=round(number * 0.38),
            recent=recent,
            body=body,
            small=max(round(body * 0.72), 10),
            gap=max(round(ref * 0.008), 4),
        )


@dataclass(frozen=True)
class WindowSizes:
    """The window screen: a small screen read from the queue in front of a window (2–5 m)."""

    width: int
    height: int
    title: int
    number: int
    body: int
    small: int
    gap: int

    @classmethod
    def for_units(cls, units: Units) -> WindowSizes:
        h, w = units.height_px, units.width_px
        ref = min(h, round(w * 0.6))
        return cls(
            width=w,
            height=h,
            title=round(ref * 0.09),
            number=round(ref * 0.28),
            body=round(ref * 0.065),
            small=max(round(ref * 0.045), 10),
            gap=max(round(ref * 0.015), 4),
        )


# The screens the boards are laid out for and measured on: width, height, diagonal inches.
SCREENS: dict[str, tuple[int, int, float]] = {
    "1080p": (1920, 1080, 55.0),
    "4k": (3840, 2160, 65.0),
    "portrait": (1080, 1920, 55.0),
}
WINDOW_SCREEN = (1280, 800, 10.1)  # a 10" screen above a window
