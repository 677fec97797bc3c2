"""Physical units on the screen the app really runs on.

Touch targets and reading distance are physical facts: a 60 dp button must be as large on a
32" 1080p kiosk as on a 21.5" one, and a board's number must be readable from 10 m whatever the
TV's resolution. Qt's logical pixels follow the OS scaling, not the glass, so each app asks for
sizes in millimetres, dp (1/160 inch, the 适老化 spec's unit) or points and gets device-
independent pixels for the screen's real density.

The density comes, in order, from the app's config (``dpi``, or ``diagonal_inches`` with the
screen's resolution: TVs and touch monitors often report a made-up DPI over HDMI), then from
what the screen reports. ``Units`` itself is a plain value: no Qt needed to compute with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MM_PER_INCH = 25.4
DP_PER_INCH = 160.0
PT_PER_INCH = 72.0


@dataclass(frozen=True)
class Units:
    """Logical pixels per inch of one screen (the DPI divided by the OS scale factor)."""

    px_per_inch: float
    width_px: int = 1920  # the screen's logical size, for sizes given as a share of it
    height_px: int = 1080

    def __post_init__(self) -> None:
        if not (self.px_per_inch > 0 and math.isfinite(self.px_per_inch)):
            raise ValueError(f"px_per_inch must be a positive number, not {self.px_per_inch}")

    @classmethod
    def from_diagonal(cls, diagonal_inches: float, width_px: int, height_px: int) -> Units:
        """The density of a panel of ``diagonal_inches`` showing ``width_px``×``height_px``."""
        if diagonal_inches <= 0:
            raise ValueError("diagonal_inches must be positive")
        return cls(math.hypot(width_px, height_px) / diagonal_inches, width_px, height_px)

    def mm(self, millimetres: float) -> int:
        return max(1, round(millimetres * self.px_per_inch / MM_PER_INCH))

    def dp(self, dps: float) -> int:
        return max(1, round(dps * self.px_per_inch / DP_PER_INCH))

    def pt(self, points: float) -> int:
        """A font size in points, as pixels (Qt's ``setPixelSize``): 18 pt is 0.25 inch."""
        return max(1, round(points * self.px_per_inch / PT_PER_INCH))

    def share_of_height(self, share: float) -> int:
        return max(1, round(self.height_px * share))

    def to_mm(self, pixels: float) -> float:
        return pixels * MM_PER_INCH / self.px_per_inch

    def to_dp(self, pixels: float) -> float:
        return pixels * DP_PER_INCH / self.px_per_inch

    @property
    def portrait(self) -> bool:
        return self.height_px > self.width_px


def units_for_screen(
    screen: object | None = None,
    *,
    dpi: float | None = None,
    diagonal_inches: float | None = None,
    size: tuple[int, int] | None = None,
) -> Units:
    """The units of ``screen`` (a QScreen; the primary one when None), the config's ``dpi``
    or ``diagonal_inches`` taking precedence over what the screen reports. ``size`` replaces
    the screen's logical size (a windowed desk trial of a 1080×1920 kiosk)."""
    from PySide6.QtGui import QGuiApplication, QScreen

    qscreen = screen if isinstance(screen, QScreen) else QGuiApplication.primaryScreen()
    if size is not None:
        width, height = size
    elif qscreen is not None:
        geometry = qscreen.geometry()
        width, height = geometry.width(), geometry.height()
    else:
        width, height = 1920, 1080
    ratio = qscreen.devicePixelRatio() if qscreen is not None else 1.0
    if dpi:
        return Units(dpi / ratio, width, height)
    if diagonal_inches:
        # The diagonal is of the glass: in device pixels, then back to logical ones.
        units = Units.from_diagonal(diagonal_inches, round(width * ratio), round(height * ratio))
        return Units(units.px_per_inch / ratio, width, height)
    reported = qscreen.physicalDotsPerInch() if qscreen is not None else 96.0
    if not (reported and 40 <= reported <= 1000):  # absurd reports: take the common desktop
        reported = 96.0
    return Units(reported / ratio, width, height)
