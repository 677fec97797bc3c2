"""Finding a CJK font at run time, and drawing text into bitmaps with it.

Used twice: for characters a printer cannot print (sent as a raster image) and for the
virtual printer's PNG receipts. No single path is hard-coded: a list of well-known places per
platform is tried in order, then ``fc-match``; ``ONETRIP_CJK_FONT`` overrides all of them.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from shared.texts import t

LINE_DOTS = 24  # one printed text line, and one Hanzi, is 24 dots high at size 1

# Most coverage first: Noto CJK has the rare (Ext-B) characters that WenQuanYi lacks.
CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)


class FontNotFound(RuntimeError):
    """No CJK font on this machine; the message says what to install."""

    def __init__(self) -> None:
        super().__init__(f"{t('print.no_font', 'zh_CN')} / {t('print.no_font', 'en')}")


def _fc_match() -> str | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def _loads(path: str) -> bool:
    """Whether ``path`` is a font that really draws Hanzi. ``fc-match :lang=zh-cn`` answers
    with a fallback (DejaVu Sans) on a machine without a CJK font, and such a font draws every
    Hanzi as the same missing-glyph box: two different characters drawn alike give it away."""
    try:
        font = ImageFont.truetype(path, 24)
    except OSError:
        return False
    masks = [bytes(font.getmask(ch)) for ch in ("中", "国", "\U0010fffd")]
    return masks[0] != masks[1] and masks[0] != masks[2]


@functools.cache
def find_cjk_font() -> str:
    """The path of a usable CJK font file; raises ``FontNotFound`` when there is none."""
    override = os.environ.get("ONETRIP_CJK_FONT")
    candidates = [override] if override else []
    candidates.extend(CANDIDATES)
    for path in candidates:
        if path and Path(path).is_file() and _loads(path):
            return path
    matched = _fc_match()
    if matched and Path(matched).is_file() and _loads(matched):
        return matched
    raise FontNotFound()


@functools.cache
def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(find_cjk_font(), size)


def render_line(
    text: str, *, width: int, scale_x: int = 1, scale_y: int = 1, align: str = "left"
) -> Image.Image:
    """``text`` drawn black on white into a 1-bit image ``width`` dots wide.

    Drawn as a printer does: on a 24-dot line, then stretched by the ``GS !`` multipliers.
    """
    base = LINE_DOTS
    font = cjk_font(int(base * 0.92))
    left, _top, right, _bottom = font.getbbox(text) if text else (0, 0, 1, 1)
    text_w = max(1, right - left)
    strip = Image.new("L", (text_w, base), 255)
    ImageDraw.Draw(strip).text((-left, base // 2), text, font=font, fill=0, anchor="lm")
    if scale_x > 1 or scale_y > 1:
        strip = strip.resize((text_w * scale_x, base * scale_y))
    if strip.width > width:  # never wider than the paper: squeeze rather than cut off
        strip = strip.resize((width, strip.height))
    canvas = Image.new("L", (width, strip.height), 255)
    x = {"center": (width - strip.width) // 2, "right": width - strip.width}.get(align, 0)
    canvas.paste(strip, (x, 0))
    return canvas.point(lambda v: 0 if v < 160 else 255, mode="1")
