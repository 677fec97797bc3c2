"""What a call says, and the clips that say it.

``call_text(call, wording, lang)`` fills the hall's template with the call's ticket and window;
``read_zh(text, words)`` turns a Chinese sentence into the clips that speak it:

- a ticket (letters then digits, ``A001``) is read letter by letter and digit by digit:
  ``A 零 零 一``;
- any other run of digits (a window number) is read as a Chinese number: ``3`` → ``三``,
  ``12`` → ``十二``, ``105`` → ``一百零五``; from 1000 on digit by digit (no pack has 千);
- the rest is matched against the pack's words, longest first (``窗口`` before ``窗``);
  punctuation and spaces are pauses and need no clip.

A character that no clip speaks is an ``Unspeakable`` error naming it: a hall that changes
its wording learns at start-up which clip its pack lacks, not from a silent announcement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shared.texts import t

DIGITS = "零一二三四五六七八九"
LETTERS = tuple(chr(c) for c in range(ord("A"), ord("Z") + 1))
CHIME = "chime"
# The words of the default wording: what every pack must speak, with the digits, 十, 百,
# the letters and the chime.
WORDS = ("请", "号", "到", "窗口", "办理", "再次")
NUMBER_WORDS = (*DIGITS, "十", "百")

DEFAULT_CALL = {
    "zh_CN": "请{ticket}号到{window}号窗口办理",
    "en": "Number {ticket}, please go to window {window}",
}
DEFAULT_RECALL = {
    "zh_CN": "请{ticket}号再次到{window}号窗口办理",
    "en": "Number {ticket}, again: please go to window {window}",
}

_PAUSES = set(" \t,，.。、!！;；:：·-—")
_TICKET = re.compile(r"[A-Za-z]+[0-9]+")
_NUMBER = re.compile(r"[0-9]+")


class Unspeakable(ValueError):
    """A text holds something no clip of the pack speaks."""

    def __init__(self, text: str, at: int) -> None:
        self.text, self.at = text, at
        self.char = text[at]
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh_CN") -> str:
        return t("voice.unspeakable", lang, char=self.char, text=self.text)


@dataclass(frozen=True)
class Wording:
    """The hall's templates, per language; ``{ticket}`` and ``{window}`` are filled in."""

    call: dict[str, str]
    recall: dict[str, str]

    @classmethod
    def default(cls) -> Wording:
        return cls(dict(DEFAULT_CALL), dict(DEFAULT_RECALL))


def is_recall(call: dict[str, Any]) -> bool:
    """The hub marks a recall with ``how == "recall"`` and its count in ``recall``."""
    return call.get("how") == "recall" or int(call.get("recall") or 0) > 0


def call_text(call: dict[str, Any], wording: Wording, lang: str = "zh_CN") -> str:
    """The sentence for a call (a hub call view: ``ticket``, ``window``, ``how``, ``recall``).

    A call without ticket or window falls back to the hub's own ``announce`` text."""
    templates = wording.recall if is_recall(call) else wording.call
    template = templates.get(lang) or templates.get("zh_CN", "")
    ticket, window = call.get("ticket"), call.get("window")
    if not ticket or window is None:
        return str((call.get("announce") or {}).get(lang, ""))
    return template.format(ticket=ticket, window=window)


def chinese_number(n: int) -> list[str]:
    """``n`` as a Chinese number, one word per clip: 12 → 十 二, 105 → 一 百 零 五."""
    if n < 0:
        raise ValueError(n)
    if n >= 1000:
        return [DIGITS[int(d)] for d in str(n)]
    if n < 10:
        return [DIGITS[n]]
    if n < 20:
        return ["十"] + ([DIGITS[n - 10]] if n > 10 else [])
    if n < 100:
        tens, ones = divmod(n, 10)
        return [DIGITS[tens], "十"] + ([DIGITS[ones]] if ones else [])
    hundreds, rest = divmod(n, 100)
    out = [DIGITS[hundreds], "百"]
    if rest == 0:
        return out
    if rest < 10:
        return [*out, "零", DIGITS[rest]]
    # 110 is 一百一十, not 一百十
    tens, ones = divmod(rest, 10)
    return [*out, DIGITS[tens], "十"] + ([DIGITS[ones]] if ones else [])


def read_zh(text: str, words: Iterable[str], strict: bool = True) -> list[str]:
    """The clip names that speak ``text``; ``words`` are the pack's word clips.

    ``strict=False`` keeps what no word matches as it is (for a speech chip, which reads any
    Hanzi but guesses at ``A001``): only tickets and numbers are spelled out."""
    vocab = sorted({w for w in words if w and w != CHIME}, key=len, reverse=True)
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _PAUSES:
            i += 1
            continue
        m = _TICKET.match(text, i)
        if m:
            label = m.group().upper()
            out.extend(c if c.isalpha() else DIGITS[int(c)] for c in label)
            i = m.end()
            continue
        m = _NUMBER.match(text, i)
        if m:
            out.extend(chinese_number(int(m.group())))
            i = m.end()
            continue
        word = next((w for w in vocab if text.startswith(w, i)), None)
        if word is None:
            if ch.upper() in LETTERS:
                out.append(ch.upper())
                i += 1
                continue
            if strict:
                raise Unspeakable(text, i)
            word = ch
        out.append(word)
        i += len(word)
    return out


def spoken(clips: list[str]) -> str:
    """The clips as the text a speech chip reads without guessing: ``请A零零一号到三号窗口办理``."""
    return "".join(c for c in clips if c != CHIME)


def required_clips(extra_words: Iterable[str] = ()) -> list[str]:
    """Every clip a Mandarin pack needs for the default wording, then ``extra_words``."""
    names = [CHIME, *WORDS, *NUMBER_WORDS, *LETTERS]
    return names + [w for w in extra_words if w not in names]
