"""The bridge's configuration: one TOML file per serial bus (``onetrip bridge --config``).

``load_bridge_config`` returns a complete ``BridgeConfig`` or raises ``shared.config.ConfigError``
listing every problem as ``file: key: reason``, like the hall config. The device token is never
in this file's repository: it comes from ``$ONETRIP_BRIDGE_TOKEN``, a ``token_file`` beside the
config (readable by the bridge's user only), or — on the bridge PC itself — ``token``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.config import ConfigError
from shared.devconfig import load_device_config, read_hub
from shared.tomlreader import REQUIRED, TomlReader

from .ledstrip import ADAPTERS

TOKEN_ENV = "ONETRIP_BRIDGE_TOKEN"
KINDS = ("keypad", "evaluator", "strip")
LANGS = ("zh_CN", "en")


@dataclass(frozen=True)
class BusDevice:
    address: int
    kind: str  # keypad | evaluator | strip
    window: int
    adapter: str = "generic"  # strips only: a name in hardware.ledstrip.ADAPTERS


@dataclass(frozen=True)
class BridgeConfig:
    hub_url: str
    device: str
    token: str = field(repr=False)
    port: str
    baudrate: int = 9600
    devices: dict[int, BusDevice] = field(default_factory=dict)
    staff_prefix: str = ""  # put before the staff number typed at a keypad ("s" + "002")
    error_seconds: float = 3.0  # how long a keypad shows a refusal before its state again
    rate_seconds: int = 30  # how long an evaluator waits for a rating
    pause_reasons: dict[str, str] = field(default_factory=dict)  # keypad code -> reason text
    strip_lang: str = "zh_CN"
    strip_brightness: int | None = None
    request_timeout: float = 5.0
    file: str = "<bridge config>"

    @property
    def windows(self) -> list[int]:
        return sorted({d.window for d in self.devices.values()})

    def of_kind(self, kind: str, window: int) -> list[BusDevice]:
        return [d for d in self.devices.values() if d.kind == kind and d.window == window]

    def keypad(self, window: int) -> BusDevice | None:
        found = self.of_kind("keypad", window)
        return found[0] if found else None

    def evaluator(self, window: int) -> BusDevice | None:
        found = self.of_kind("evaluator", window)
        return found[0] if found else None


def load_bridge_config(path: str | os.PathLike[str]) -> BridgeConfig:
    return load_device_config(path, parse_bridge_config)


def parse_bridge_config(
    raw: dict[str, Any], *, file: str = "<bridge config>", base: Path | None = None
) -> BridgeConfig:
    r = TomlReader(file)
    hub = read_hub(r, raw, base=base, token_env=TOKEN_ENV)

    serial = r.table(raw, "serial")
    port = r.text(serial, "serial.port")
    baudrate = r.integer(serial, "serial.baudrate", 9600, low=300, high=921600)
    r.unknown(serial, "serial.", {"port", "baudrate"})

    keypad = r.table(raw, "keypad", required=False)
    prefix = r.text(keypad, "keypad.staff_prefix", "")
    error_seconds = r.number(keypad, "keypad.error_seconds", 3.0, low=0.5)
    reasons_raw = r.table(keypad, "keypad.pause_reasons", required=False)
    reasons = {}
    for code, text in reasons_raw.items():
        if isinstance(text, str) and text:
            reasons[code] = text
        else:
            r.fail(f"keypad.pause_reasons.{code}", "must be a text")
    r.unknown(keypad, "keypad.", {"staff_prefix", "error_seconds", "pause_reasons"})

    evaluator = r.table(raw, "evaluator", required=False)
    rate_seconds = r.integer(evaluator, "evaluator.rate_seconds", 30, low=5, high=255)
    r.unknown(evaluator, "evaluator.", {"rate_seconds"})

    strip = r.table(raw, "strip", required=False)
    lang = r.text(strip, "strip.lang", "zh_CN")
    if lang not in LANGS:
        r.fail("strip.lang", f"must be one of {', '.join(LANGS)}")
    brightness = r.integer(strip, "strip.brightness", None, low=0, high=15)
    r.unknown(strip, "strip.", {"lang", "brightness"})

    devices = _devices(r, raw)
    r.unknown(raw, "", {"hub", "serial", "keypad", "evaluator", "strip", "devices"})
    if r.issues:
        raise ConfigError(r.issues)
    return BridgeConfig(
        hub_url=hub.url,
        device=hub.device,
        token=hub.token,
        port=port,
        baudrate=baudrate,
        devices=devices,
        staff_prefix=prefix,
        error_seconds=error_seconds,
        rate_seconds=rate_seconds,
        pause_reasons=reasons,
        strip_lang=lang,
        strip_brightness=brightness,
        request_timeout=hub.request_timeout,
        file=file,
    )


def _devices(r: TomlReader, raw: dict[str, Any]) -> dict[int, BusDevice]:
    devices: dict[int, BusDevice] = {}
    for i, d in enumerate(r.array(raw, "devices")):
        key = f"devices[{i}]"
        kind = r.text(d, f"{key}.kind")
        if kind and kind not in KINDS:
            r.fail(f"{key}.kind", f"'{kind}' is not one of {', '.join(KINDS)}")
        adapter = r.text(d, f"{key}.adapter", "generic")
        if adapter not in ADAPTERS:
            r.fail(f"{key}.adapter", f"'{adapter}' is not one of {', '.join(ADAPTERS)}")
        elif kind != "strip" and "adapter" in d:
            r.fail(f"{key}.adapter", "only LED strips have an adapter")
        # Frame devices have a one-byte address, 0 being broadcast; ascii strips count to 999.
        high = 999 if kind == "strip" and adapter == "ascii" else 255
        address = r.integer(d, f"{key}.address", REQUIRED, low=1, high=high)
        window = r.integer(d, f"{key}.window", REQUIRED, low=1, high=99999)
        r.unknown(d, f"{key}.", {"address", "kind", "window", "adapter"})
        if address is None or window is None or kind not in KINDS:
            continue
        if address in devices:
            r.fail(f"{key}.address", f"address {address} is used twice on this bus")
            continue
        if kind in ("keypad", "evaluator") and any(
            o.kind == kind and o.window == window for o in devices.values()
        ):
            r.fail(f"{key}.window", f"window {window} already has a {kind} on this bus")
            continue
        devices[address] = BusDevice(
            address, kind, window, adapter if kind == "strip" else "generic"
        )
    if not devices and not r.issues:
        r.fail("devices", "no devices: add at least one [[devices]]")
    return devices
