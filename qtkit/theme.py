"""Colours and sizes of every onetrip screen, and the style sheet made from them.

One palette for all apps so a hall looks like one product: a deep 政务 blue, white, and a warm
accent for what is being called. Each pair of text and background colour is checked against
WCAG's contrast ratio (the 适老化 spec asks ≥ 4.5:1 for body text, 3:1 above 18 dp), by
``contrast`` here and by the tests. Sizes are physical (``Units``) so a kiosk, a caller on a
150 % Windows desktop and a 4K board all get the size meant, not a pixel count.
"""

from __future__ import annotations

from dataclasses import dataclass

from .units import Units


@dataclass(frozen=True)
class Palette:
    background: str = "#F2F5FA"
    surface: str = "#FFFFFF"
    primary: str = "#0B3C7D"  # 政务蓝: headers, tiles
    on_primary: str = "#FFFFFF"
    text: str = "#1A1A1A"
    muted: str = "#4A5566"  # secondary text, still ≥ 4.5:1 on surface
    accent: str = "#B3261E"  # the number being called, warnings
    on_accent: str = "#FFFFFF"
    ok: str = "#1B6B35"
    disabled_bg: str = "#D5DAE1"
    disabled_text: str = "#4F5864"
    banner_bg: str = "#8C1D18"
    banner_text: str = "#FFFFFF"
    board_bg: str = "#06182F"  # boards: light on dark carries further in a bright hall
    board_text: str = "#FFFFFF"
    board_call: str = "#FFD54A"


PALETTE = Palette()

# The pairs a person reads: (text, background). Each must reach 4.5:1.
READ_PAIRS = (
    ("text", "background"),
    ("text", "surface"),
    ("muted", "surface"),
    ("muted", "background"),
    ("on_primary", "primary"),
    ("on_accent", "accent"),
    ("accent", "surface"),
    ("disabled_text", "disabled_bg"),
    ("banner_text", "banner_bg"),
    ("board_text", "board_bg"),
    ("board_call", "board_bg"),
    ("ok", "surface"),
)


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours, from 1 to 21."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True)
class Sizes:
    """Font sizes (pixels) and touch targets (pixels) for one screen and one mode."""

    body: int
    heading: int
    title: int
    small: int
    target: int  # the least side of anything touched
    gap: int
    radius: int

    @classmethod
    def for_units(cls, units: Units, *, elderly: bool = False, touch: bool = True) -> Sizes:
        """Sizes for a touch screen read at arm's length (the kiosk, the evaluator), or for a
        desktop app beside other windows (``touch=False``: the caller's bar).

        The 适老化 spec's numbers (body ≥ 18, headings ≥ 30, targets ≥ 60×60 dp) are for a
        phone held at 30 cm; a kiosk is read from 50–60 cm, so its text is sized in points
        (18 pt is 6.4 mm high) and it meets the spec's dp figures with room to spare."""
        if not touch:
            return cls(
                body=units.pt(10),
                heading=units.pt(14),
                title=units.pt(18),
                small=units.pt(9),
                target=units.dp(36),
                gap=units.dp(6),
                radius=units.dp(4),
            )
        if elderly:
            return cls(
                body=units.pt(22),
                heading=units.pt(34),
                title=units.pt(44),
                small=units.pt(18),
                target=max(units.dp(80), units.mm(15)),  # 15 mm: our own bar for the kiosk
                gap=units.dp(20),
                radius=units.dp(12),
            )
        return cls(
            body=units.pt(16),
            heading=units.pt(26),
            title=units.pt(34),
            small=units.pt(13),
            target=max(units.dp(60), units.mm(12)),
            gap=units.dp(14),
            radius=units.dp(10),
        )


def style_sheet(sizes: Sizes, palette: Palette = PALETTE) -> str:
    """The application's style sheet. Widgets pick their role with ``setObjectName`` or the
    ``role`` property (``tile``, ``primary``, ``danger``, ``quiet``, ``title``, ``muted``)."""
    p = palette
    return f"""
QWidget {{ color: {p.text}; font-size: {sizes.body}px; }}
QMainWindow, QDialog, QStackedWidget > QWidget {{ background: {p.background}; }}
QLabel[role="title"] {{ font-size: {sizes.title}px; font-weight: bold; color: {p.primary}; }}
QLabel[role="heading"] {{ font-size: {sizes.heading}px; font-weight: bold; }}
QLabel[role="muted"] {{ color: {p.muted}; font-size: {sizes.small}px; }}
QLabel[role="error"] {{ color: {p.accent}; font-weight: bold; }}
QPushButton {{
    min-height: {sizes.target}px; min-width: {sizes.target}px;
    padding: 0 {sizes.gap}px; border-radius: {sizes.radius}px;
    background: {p.surface}; color: {p.primary}; border: 2px solid {p.primary};
    font-size: {sizes.body}px; font-weight: bold;
}}
QPushButton[role="primary"], QPushButton[role="tile"] {{
    background: {p.primary}; color: {p.on_primary}; border: none;
}}
QPushButton[role="tile"] {{ font-size: {sizes.heading}px; text-align: center; }}
QPushButton[role="danger"] {{ background: {p.accent}; color: {p.on_accent}; border: none; }}
QPushButton[role="quiet"] {{ border: none; background: transparent; }}
QPushButton:disabled, QPushButton[role="tile"]:disabled, QPushButton[role="primary"]:disabled {{
    background: {p.disabled_bg}; color: {p.disabled_text}; border: none;
}}
QLineEdit {{
    min-height: {sizes.target}px; font-size: {sizes.heading}px; padding: 0 {sizes.gap}px;
    border: 2px solid {p.primary}; border-radius: {sizes.radius}px; background: {p.surface};
}}
"""
