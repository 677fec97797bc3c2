"""A big hall for the benchmarks: 200 windows, 200 staff, 20 kiosks, 100 boards."""

from __future__ import annotations

from pathlib import Path

from shared.sample import Credentials
from shared.security import hash_pin, hash_token, new_hall_secret, new_token

ZONES = [
    ("shangshi", "商事登记", "A"),
    ("budongchan", "不动产登记", "B"),
    ("gongan", "公安", "C"),
    ("shehui", "社会事务", "D"),
    ("gongjijin", "公积金", "E"),
]
PIN = "123456"


def write_big_hall(
    folder: Path, *, windows: int = 200, kiosks: int = 20, boards: int = 100
) -> Credentials:
    """hall.toml, hall.secret and the device tokens for a hall of ``windows`` windows.

    PINs use the cheap KDF setting: the benchmarks measure the queue, not 200 scrypt logins.
    """
    creds = Credentials()
    lines = [
        "[hall]",
        'name = "基准测试大厅"',
        'timezone = "Asia/Shanghai"',
        'secret_file = "hall.secret"',
        'public_url = "http://127.0.0.1"',
        "",
    ]
    for zid, name, prefix in ZONES:
        lines += [
            "[[zones]]",
            f'id = "{zid}"',
            f'name = "{name}"',
            f'prefix = "{prefix}"',
            f'matters = [{{ id = "{zid}-1", name = "{name}事项", service_minutes = 8 }}]',
            "",
        ]
    pin_hash = hash_pin(PIN, fast=True)
    for n in range(1, windows + 1):
        zone = ZONES[(n - 1) % len(ZONES)][0]
        lines += ["[[windows]]", f"number = {n}", f"zones = {{ {zone} = 1 }}", ""]
        lines += [
            "[[staff]]",
            f'id = "s{n}"',
            f'name = "工作人员{n}"',
            f'pin_hash = "{pin_hash}"',
            "",
        ]
        creds.pins[f"s{n}"] = PIN
    devices = [(f"caller-{n}", "caller", n) for n in range(1, windows + 1)]
    devices += [(f"kiosk-{n}", "kiosk", None) for n in range(1, kiosks + 1)]
    devices += [(f"display-{n}", "display", None) for n in range(1, boards + 1)]
    for device, role, window in devices:
        creds.tokens[device] = new_token()
        lines += [
            "[[devices]]",
            f'id = "{device}"',
            f'role = "{role}"',
            f'token_hash = "{hash_token(creds.tokens[device])}"',
        ]
        lines += [f"window = {window}", ""] if window else [""]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hall.toml").write_text("\n".join(lines), encoding="utf-8")
    (folder / "hall.secret").write_text(new_hall_secret(), encoding="utf-8")
    (folder / "hall.credentials.toml").write_text(creds.to_text(), encoding="utf-8")
    return creds
