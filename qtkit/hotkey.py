"""System-wide hotkeys: a key combination that works while another program has the keyboard
(the clerk types in the department's business system and presses Ctrl+Alt+F1 to call next).

Qt has no API for this. Two small platform pumps do it, each in a thread of its own, around a
pure part:

- ``parse_hotkey("Ctrl+Alt+F1")`` -> ``Hotkey`` (or ``ValueError`` saying what is wrong), and
  the codes each platform wants: ``x11_keysym`` / ``x11_masks`` (a passive ``XGrabKey`` on the
  root window, once per NumLock/CapsLock combination, with python-xlib) and ``windows_codes``
  (``RegisterHotKey`` through ctypes, with ``MOD_NOREPEAT``).
- ``RepeatFilter``: X11 reports a held key as release+press pairs with one timestamp; the filter
  turns them into one press (the rest flagged auto-repeat) and one release.

``GlobalHotkeys(hotkeys)`` is the QObject the apps use: ``pressed(name, auto_repeat)``,
``released(name)``, ``ready()`` once the keys are taken, and ``failed(name, reason)`` with a
reason code (``no_display``, ``no_xlib``, ``taken``, ``unsupported``) for the app to word.
On Wayland the X11 route only sees keys pressed in X11 programs (XWayland).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import select
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger("onetrip.hotkey")

MODIFIERS = ("ctrl", "alt", "shift", "meta")  # the canonical order of the text
_MODIFIER_NAMES = {
    "ctrl": "ctrl",
    "control": "ctrl",
    "alt": "alt",
    "shift": "shift",
    "meta": "meta",
    "super": "meta",
    "win": "meta",
}
_SHOWN = {"ctrl": "Ctrl", "alt": "Alt", "shift": "Shift", "meta": "Meta"}

# key name -> (X11 keysym name, Windows virtual-key code); letters, digits and F1–F24 are added
_NAMED = {
    "Space": ("space", 0x20),
    "Pause": ("Pause", 0x13),
    "ScrollLock": ("Scroll_Lock", 0x91),
    "Insert": ("Insert", 0x2D),
    "Delete": ("Delete", 0x2E),
    "Home": ("Home", 0x24),
    "End": ("End", 0x23),
    "PageUp": ("Prior", 0x21),
    "PageDown": ("Next", 0x22),
}
KEYS: dict[str, tuple[str, int]] = {
    **{f"F{n}": (f"F{n}", 0x70 + n - 1) for n in range(1, 25)},
    **{chr(c): (chr(c).lower(), c) for c in range(ord("A"), ord("Z") + 1)},
    **{str(d): (str(d), 0x30 + d) for d in range(10)},
    **_NAMED,
}
_BY_LOWER = {k.lower(): k for k in KEYS}
_TYPING = {k for k in KEYS if len(k) == 1} | {"Space"}  # keys that type text

# X11 modifier masks (X.h) and Windows RegisterHotKey flags (winuser.h)
X_SHIFT, X_LOCK, X_CONTROL, X_MOD1, X_MOD2, X_MOD4 = 1, 2, 4, 8, 16, 64
_X_MASK = {"shift": X_SHIFT, "ctrl": X_CONTROL, "alt": X_MOD1, "meta": X_MOD4}
X_IGNORED = (X_LOCK, X_MOD2)  # CapsLock and NumLock: the grab must not depend on them
MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
_WIN_MOD = {"alt": MOD_ALT, "ctrl": MOD_CONTROL, "shift": MOD_SHIFT, "meta": MOD_WIN}
WM_HOTKEY, WM_QUIT = 0x0312, 0x0012


@dataclass(frozen=True)
class Hotkey:
    modifiers: frozenset[str]
    key: str  # a name of ``KEYS``

    def __str__(self) -> str:
        return "+".join([_SHOWN[m] for m in MODIFIERS if m in self.modifiers] + [self.key])


def parse_hotkey(text: str) -> Hotkey:
    """``"Ctrl+Alt+F1"`` -> ``Hotkey``; any case, ``Control``/``Super``/``Win`` accepted.

    Refused (``ValueError``): an empty text, an unknown key or modifier, a modifier twice, two
    keys, and a typing key (letter, digit, Space) without Ctrl, Alt or Meta — it would take that
    key from every program.
    """
    parts = [p.strip() for p in text.split("+")]
    if not text.strip() or any(not p for p in parts):
        raise ValueError(f"'{text}' is not a key combination such as Ctrl+Alt+F1")
    *mods, key_text = parts
    modifiers: set[str] = set()
    for m in mods:
        name = _MODIFIER_NAMES.get(m.lower())
        if name is None:
            raise ValueError(f"'{m}' is not a modifier (Ctrl, Alt, Shift, Meta)")
        if name in modifiers:
            raise ValueError(f"'{m}' is given twice")
        modifiers.add(name)
    key = _BY_LOWER.get(key_text.lower())
    if key is None:
        if _MODIFIER_NAMES.get(key_text.lower()):
            raise ValueError(f"'{text}' has no key after its modifiers")
        raise ValueError(f"'{key_text}' is not a key (F1–F24, A–Z, 0–9, {', '.join(_NAMED)})")
    if key in _TYPING and not modifiers & {"ctrl", "alt", "meta"}:
        raise ValueError(f"'{text}' would take a typing key from every program: add Ctrl or Alt")
    return Hotkey(frozenset(modifiers), key)


def reserved_on_x11(hotkey: Hotkey) -> bool:
    """Ctrl+Alt+F1–F12 switch the Linux console (XKB's ``XF86Switch_VT_n``): the X server
    acts on them itself and never reports the key, so a grab of one would never fire."""
    n = int(hotkey.key[1:]) if hotkey.key.startswith("F") and hotkey.key[1:].isdigit() else 0
    return hotkey.modifiers == {"ctrl", "alt"} and 1 <= n <= 12


def x11_keysym(hotkey: Hotkey) -> str:
    """The X11 keysym name of the key (``XStringToKeysym``'s argument)."""
    return KEYS[hotkey.key][0]


def x11_masks(hotkey: Hotkey) -> tuple[int, ...]:
    """Every modifier mask to grab: the hotkey's, with and without CapsLock and NumLock."""
    base = 0
    for m in hotkey.modifiers:
        base |= _X_MASK[m]
    extra = [0]
    for r in range(1, len(X_IGNORED) + 1):
        for combo in itertools.combinations(X_IGNORED, r):
            extra.append(sum(combo))
    return tuple(base | e for e in extra)


def windows_codes(hotkey: Hotkey) -> tuple[int, int]:
    """(``fsModifiers`` with ``MOD_NOREPEAT``, virtual-key code) for ``RegisterHotKey``."""
    mods = MOD_NOREPEAT
    for m in hotkey.modifiers:
        mods |= _WIN_MOD[m]
    return mods, KEYS[hotkey.key][1]


class RepeatFilter:
    """One key's presses and releases as X11 reports them, made into one press per hold.

    X11's auto-repeat sends KeyRelease+KeyPress pairs with one timestamp: a press carrying the
    time of the release just before it is a repeat. A release is only final when ``settle()``
    finds no such press came after it (the pump calls it when no event follows at once).

        f = RepeatFilter()
        f.press(100)     # -> "press"
        f.release(600)   # -> None (not final yet)
        f.press(600)     # -> "repeat"
        f.release(640)
        f.settle()       # -> True: released
        f.press(700); f.release(720)
        f.press(760)     # -> "again": released at 720, pressed anew
    """

    def __init__(self) -> None:
        self.down = False
        self._release: int | None = None

    def press(self, time: int) -> str:
        """ "press"; "repeat" (the key is held); or "again": the release before was real (a new
        press came before it settled) — the key went up, then down again."""
        if self._release is not None and self._release == time:
            self._release = None
            return "repeat"
        if self._release is not None:
            self._release = None
            return "again"
        if self.down:
            return "repeat"  # a press with no release between (XI2-style repeats)
        self.down = True
        return "press"

    def release(self, time: int) -> None:
        if self.down:
            self._release = time

    def settle(self) -> bool:
        """No press followed the release: the key is up now (True if it just went up)."""
        if self._release is None:
            return False
        self._release, self.down = None, False
        return True

    @property
    def unsettled(self) -> bool:
        return self._release is not None


class GlobalHotkeys(QObject):
    """The hotkeys taken for the whole desktop while this object runs (``start``/``stop``)."""

    pressed = Signal(str, bool)  # the hotkey's text (``str(Hotkey)``), auto-repeat
    released = Signal(str)
    ready = Signal()  # every hotkey that could be taken is taken
    failed = Signal(str, str)  # the hotkey's text ("" for all), a reason code

    SETTLE_SECONDS = 0.05  # how long a release waits for X11's repeat press

    def __init__(
        self,
        hotkeys: Iterable[Hotkey],
        *,
        display: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.hotkeys = tuple(hotkeys)
        self.display = display
        self.raw_presses = 0  # key presses seen, repeats included (diagnosis, tests)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._win_thread_id = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if not self.hotkeys or self.running:
            return
        self._stop.clear()
        if sys.platform == "win32":
            target = self._run_windows
        else:
            target = self._run_x11
        self._thread = threading.Thread(target=target, name="onetrip-hotkey", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if sys.platform == "win32" and self._win_thread_id:
            import ctypes

            ctypes.windll.user32.PostThreadMessageW(  # type: ignore[attr-defined]
                self._win_thread_id, WM_QUIT, 0, 0
            )
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    # -- X11 ------------------------------------------------------------------------------------
    def _run_x11(self) -> None:
        name = self.display or os.environ.get("DISPLAY", "")
        if not name:
            self.failed.emit("", "no_display")
            return
        try:
            from Xlib import XK, X, error
            from Xlib import display as xdisplay
        except ImportError:
            self.failed.emit("", "no_xlib")
            return
        try:
            d = xdisplay.Display(name)
        except Exception as e:  # no server there, or not allowed in
            log.warning("hotkeys: cannot open the display %s: %s", name, e)
            self.failed.emit("", "no_display")
            return
        root = d.screen().root
        grabbed: dict[int, str] = {}  # keycode -> the hotkey's text (its press)
        grabs: list[tuple[int, int]] = []
        for hotkey in self.hotkeys:
            keycode = d.keysym_to_keycode(XK.string_to_keysym(x11_keysym(hotkey)))
            if not keycode:
                self.failed.emit(str(hotkey), "unsupported")
                continue
            catch = error.CatchError(error.BadAccess)
            masks = x11_masks(hotkey)
            for mask in masks:
                root.grab_key(keycode, mask, True, X.GrabModeAsync, X.GrabModeAsync, onerror=catch)
            d.sync()
            if catch.get_error():  # another program holds this combination
                for mask in masks:
                    root.ungrab_key(keycode, mask)
                d.sync()
                self.failed.emit(str(hotkey), "taken")
                continue
            grabbed[keycode] = str(hotkey)
            grabs += [(keycode, m) for m in masks]
        if grabbed:
            self.ready.emit()
        filters = {code: RepeatFilter() for code in grabbed}
        try:
            while not self._stop.is_set():
                if not d.pending_events():
                    ready, _, _ = select.select([d.fileno()], [], [], self.SETTLE_SECONDS)
                    if not ready:
                        self._settle(filters, grabbed)
                        continue
                while d.pending_events():
                    ev = d.next_event()
                    code = getattr(ev, "detail", None)
                    if code not in grabbed:
                        continue
                    f = filters[code]
                    if ev.type == X.KeyPress:
                        self.raw_presses += 1
                        for other, g in filters.items():
                            if other != code and g.settle():
                                self.released.emit(grabbed[other])
                        kind = f.press(ev.time)
                        if kind == "again":
                            self.released.emit(grabbed[code])
                        self.pressed.emit(grabbed[code], kind == "repeat")
                    elif ev.type == X.KeyRelease:
                        # final unless X11's repeat press comes right behind it (settled above
                        # when nothing follows within SETTLE_SECONDS)
                        f.release(ev.time)
        finally:
            with contextlib.suppress(Exception):  # the display may have gone away first
                for keycode, mask in grabs:
                    root.ungrab_key(keycode, mask)
                d.close()

    def _settle(self, filters: dict[int, RepeatFilter], grabbed: dict[int, str]) -> None:
        for code, f in filters.items():
            if f.settle():
                self.released.emit(grabbed[code])

    # -- Windows --------------------------------------------------------------------------------
    def _run_windows(self) -> None:  # pragma: no cover - checked by hand on Windows
        import ctypes
        from ctypes import wintypes

        user32: Any = ctypes.windll.user32  # type: ignore[attr-defined]
        kernel32: Any = ctypes.windll.kernel32  # type: ignore[attr-defined]
        self._win_thread_id = kernel32.GetCurrentThreadId()
        names: dict[int, str] = {}
        for i, hotkey in enumerate(self.hotkeys, start=1):
            mods, vk = windows_codes(hotkey)
            if user32.RegisterHotKey(None, i, mods, vk):
                names[i] = str(hotkey)
            else:
                self.failed.emit(str(hotkey), "taken")
        if names:
            self.ready.emit()
        msg = wintypes.MSG()
        try:
            while not self._stop.is_set() and user32.GetMessageW(ctypes.byref(msg), None, 0, 0) > 0:
                if msg.message == WM_HOTKEY and msg.wParam in names:
                    # MOD_NOREPEAT: one WM_HOTKEY per hold; Windows reports no release
                    self.raw_presses += 1
                    self.pressed.emit(names[msg.wParam], False)
                    self.released.emit(names[msg.wParam])
        finally:
            for i in names:
                user32.UnregisterHotKey(None, i)
