"""The CJK font search accepts only a font that really draws Hanzi."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware import fonts

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_the_found_font_draws_distinct_hanzi() -> None:
    assert fonts._loads(fonts.find_cjk_font())


@pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Sans is not installed")
def test_a_latin_fallback_is_not_taken_for_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    # What fc-match answers on a machine without a CJK font.
    assert not fonts._loads(str(DEJAVU))
    monkeypatch.setattr(fonts, "CANDIDATES", ())
    monkeypatch.setattr(fonts, "_fc_match", lambda: str(DEJAVU))
    monkeypatch.setenv("ONETRIP_CJK_FONT", str(DEJAVU))
    fonts.find_cjk_font.cache_clear()
    try:
        with pytest.raises(fonts.FontNotFound, match="fonts-noto-cjk"):
            fonts.find_cjk_font()
    finally:
        fonts.find_cjk_font.cache_clear()
