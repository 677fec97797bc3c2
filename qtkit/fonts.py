"""A CJK font for the apps, checked to really draw Hanzi.

The PySide6 wheel ships no CJK font, and a machine without one draws Chinese as boxes. The
font file is found once, by ``hardware.fonts.find_cjk_font`` (the printer uses the same one),
registered with Qt and made the application's font; then Qt is asked whether that font really
has the characters the apps show. A machine without one gets a clear message naming the package
to install, never boxes.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QRawFont
from PySide6.QtWidgets import QApplication

from hardware.fonts import FontNotFound, find_cjk_font

# Characters every onetrip screen shows: if one is missing the font is not a CJK font.
PROBE = "请号到窗口办理续服务卡满意排队取"


def has_hanzi(family: str, probe: str = PROBE) -> bool:
    raw = QRawFont.fromFont(QFont(family, 12))
    # by code point: PySide passes a one-character str as a QChar and gets some of them wrong
    return raw.isValid() and all(raw.supportsCharacter(ord(ch)) for ch in probe)


def _simplified(family: str) -> bool:
    return any(tag in family for tag in (" SC", " CN", "GB", "WenQuanYi", "YaHei", "Hei"))


def install_cjk_font(app: QApplication) -> str:
    """Register the CJK font and make it the app's font; returns its family name."""
    path = find_cjk_font()
    font_id = QFontDatabase.addApplicationFont(path)
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    # A .ttc holds one face per region (Noto: JP, KR, SC, TC, HK): take the simplified-Chinese
    # one, whose glyph shapes are the ones mainland readers learnt.
    families = sorted(families, key=lambda f: (not _simplified(f), "Mono" in f))
    for family in families:
        if has_hanzi(family):
            font = QFont(family)
            font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
            app.setFont(font)
            return family
    raise FontNotFound()
