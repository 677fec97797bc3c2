"""The kiosk's own TOML (``onetrip kiosk --config KIOSK.toml``), one small file per kiosk.

``load_kiosk_config`` returns a complete ``KioskConfig`` or raises ``shared.config.ConfigError``
listing every problem as ``file: key: reason``. The device token is never in the file's
repository: ``$ONETRIP_KIOSK_TOKEN``, a ``token_file`` beside it, or ``token`` on the kiosk PC.
``sample_config`` is what ``onetrip kiosk init`` writes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardware.connections import PrinterUrlError, parse_printer_url
from shared.config import ConfigError, load_config
from shared.devconfig import HubSettings, load_device_config, read_hub
from shared.security import is_pin_hash
from shared.tomlreader import TomlReader

from .catalog import PublicHall

TOKEN_ENV = "ONETRIP_KIOSK_TOKEN"
LANGS = ("zh_CN", "en")
POLICIES = ("screen", "refuse")
ORIENTATIONS = ("landscape", "portrait")
QR_MODES = ("native", "image")
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}


@dataclass(frozen=True)
class KioskConfig:
    hub: HubSettings
    printer_url: str
    paper_width: int = 80
    qr: str = "native"
    printer_policy: str = "refuse"
    printer_poll_seconds: float = 3.0
    scanner: str = "wedge"  # "wedge" or a serial URL (serial://…, socket://…, /dev/ttyACM0)
    orientation: str = "landscape"
    lang: str = "zh_CN"
    idle_seconds: float = 60.0
    result_seconds: float = 12.0
    reprint_seconds: float = 120.0
    dpi: float | None = None
    diagonal_inches: float | None = None
    timezone: str = "Asia/Shanghai"
    pin_hash: str = field(default="", repr=False)
    public: PublicHall | None = None
    file: str = "<kiosk config>"

    @property
    def size(self) -> tuple[int, int]:
        return SIZES[self.orientation]


def load_kiosk_config(path: str | os.PathLike[str]) -> KioskConfig:
    return load_device_config(path, parse_kiosk_config)


def parse_kiosk_config(
    raw: dict[str, Any], *, file: str = "<kiosk config>", base: Path | None = None
) -> KioskConfig:
    r = TomlReader(file)
    hub = read_hub(r, raw, base=base, token_env=TOKEN_ENV)

    printer = r.table(raw, "printer")
    url = r.text(printer, "printer.url")
    if url:
        try:
            parse_printer_url(url)
        except PrinterUrlError as e:
            r.fail("printer.url", str(e))
    width = r.integer(printer, "printer.width", 80, low=58, high=80)
    if width not in (58, 80):
        r.fail("printer.width", "must be 58 or 80 (mm)")
    qr = _choice(r, printer, "printer.qr", "native", QR_MODES)
    policy = _choice(r, printer, "printer.when_broken", "refuse", POLICIES)
    poll = r.number(printer, "printer.poll_seconds", 3.0, low=0.5)
    r.unknown(printer, "printer.", {"url", "width", "qr", "when_broken", "poll_seconds"})

    scanner = r.table(raw, "scanner", required=False)
    source = r.text(scanner, "scanner.source", "wedge")
    r.unknown(scanner, "scanner.", {"source"})

    screen = r.table(raw, "screen", required=False)
    orientation = _choice(r, screen, "screen.orientation", "landscape", ORIENTATIONS)
    dpi = screen.get("dpi")
    if dpi is not None:
        dpi = r.number(screen, "screen.dpi", 96.0, low=40)
    diagonal = screen.get("diagonal_inches")
    if diagonal is not None:
        diagonal = r.number(screen, "screen.diagonal_inches", 21.5, low=5)
    r.unknown(screen, "screen.", {"orientation", "dpi", "diagonal_inches"})

    kiosk = r.table(raw, "kiosk", required=False)
    lang = _choice(r, kiosk, "kiosk.lang", "zh_CN", LANGS)
    idle = r.number(kiosk, "kiosk.idle_seconds", 60.0, low=5)
    result = r.number(kiosk, "kiosk.result_seconds", 12.0, low=2)
    reprint = r.number(kiosk, "kiosk.reprint_seconds", 120.0, low=0)
    timezone = r.text(kiosk, "kiosk.timezone", "Asia/Shanghai")
    r.unknown(
        kiosk,
        "kiosk.",
        {"lang", "idle_seconds", "result_seconds", "reprint_seconds", "timezone"},
    )

    maintenance = r.table(raw, "maintenance", required=False)
    pin_hash = r.text(maintenance, "maintenance.pin_hash", "")
    if pin_hash and not is_pin_hash(pin_hash):
        r.fail("maintenance.pin_hash", "not a PIN hash: make one with `onetrip config hash-pin`")
    r.unknown(maintenance, "maintenance.", {"pin_hash"})

    hall = r.table(raw, "hall", required=False)
    public = None
    hall_file = r.text(hall, "hall.config", "")
    r.unknown(hall, "hall.", {"config"})
    if hall_file:
        try:
            public = PublicHall.of(load_config((base or Path.cwd()) / hall_file, secret=b"-"))
        except ConfigError as e:
            r.fail("hall.config", f"{hall_file}: {len(e.issues)} error(s): {e.issues[0]}")

    r.unknown(raw, "", {"hub", "printer", "scanner", "screen", "kiosk", "maintenance", "hall"})
    if r.issues:
        raise ConfigError(r.issues)
    return KioskConfig(
        hub=hub,
        printer_url=url,
        paper_width=width or 80,
        qr=qr,
        printer_policy=policy,
        printer_poll_seconds=poll,
        scanner=source,
        orientation=orientation,
        lang=lang,
        idle_seconds=idle,
        result_seconds=result,
        reprint_seconds=reprint,
        dpi=dpi,
        diagonal_inches=diagonal,
        timezone=timezone,
        pin_hash=pin_hash,
        public=public,
        file=file,
    )


def _choice(
    r: TomlReader, table: dict[str, Any], key: str, default: str, allowed: tuple[str, ...]
) -> str:
    value = r.text(table, key, default)
    if value not in allowed:
        r.fail(key, f"must be one of {', '.join(allowed)}, not '{value}'")
        return default
    return value


def sample_config(
    *,
    url: str = "ws://127.0.0.1:8765/ws",
    device: str = "kiosk-1",
    token_file: str = "kiosk-1.token",
    printer: str = "tcp://127.0.0.1:9100",
    pin_hash: str = "",
    hall_config: str = "",
) -> str:
    """The commented sample ``onetrip kiosk init`` writes (for the sample hall)."""
    hall = f'config = "{hall_config}"' if hall_config else '# config = "hall.toml"'
    pin = f'pin_hash = "{pin_hash}"' if pin_hash else '# pin_hash = "scrypt$…"'
    return f"""# onetrip 取号机配置 / kiosk configuration
# 运行 / run:  onetrip kiosk --config kiosk.toml   (桌面试用 / desk trial: --windowed)

[hub]
# 大厅服务器地址 / the hall server
url = "{url}"
# 设备编号，须与大厅配置 [[devices]] 中 role = "kiosk" 的一项一致 / the device id
device = "{device}"
# 设备令牌：放在本文件旁的文件里（仅本机可读），或环境变量 ONETRIP_KIOSK_TOKEN；
# 不得提交到代码仓库。/ The token: a file beside this one, or $ONETRIP_KIOSK_TOKEN.
token_file = "{token_file}"
request_timeout = 10

[printer]
# 热敏打印机 / the thermal printer: tcp://IP:9100, usb://VID:PID, serial:///dev/ttyUSB0
url = "{printer}"
width = 80                 # 纸宽 58 或 80 毫米 / paper width (mm)
qr = "native"              # 二维码：native（打印机自带）或 image（位图）
# 打印机无法打印时 / when the printer cannot print:
#   refuse —— 停止取号，提示“请到咨询台取号” / stop issuing, send citizens to the desk
#   screen —— 照常取号，号码和二维码显示在屏幕上供拍照 / issue and show the number to photograph
when_broken = "refuse"
poll_seconds = 3           # 多久查询一次打印机状态 / how often to ask the printer's status

[scanner]
# 扫码枪：wedge（USB 键盘模拟，默认）或串口地址 / "wedge" or a serial URL
source = "wedge"

[screen]
orientation = "landscape"  # landscape 横屏 1920×1080 / portrait 竖屏 1080×1920
# 屏幕物理尺寸（对角线英寸），用于按实际大小排版；或直接给出 dpi
diagonal_inches = 21.5
# dpi = 102

[kiosk]
lang = "zh_CN"             # 默认语言 zh_CN 或 en
idle_seconds = 60          # 无人操作多久回到首页 / idle timeout on choosing screens
result_seconds = 12        # 号票结果页停留秒数（长辈模式加倍）/ the ticket screen's pause
reprint_seconds = 120      # 补打时限 / how long the last ticket may be reprinted
timezone = "Asia/Shanghai"

[maintenance]
# 维护密码的哈希（`onetrip config hash-pin` 生成），在本机校验，断网也可用。
# 长按屏幕左上角 3 秒进入维护界面。/ Long-press the top-left corner for 3 s.
{pin}

[hall]
# 可选：大厅配置文件，仅读取其公开部分（事项、开放时间、绿色通道类别）。
# 大厅服务器的快照目前不含这些信息；不配置时按服务区取号、不显示绿色通道。
# Optional: the hall config, read for its public parts only (matters, hours, priority kinds),
# which the server's snapshot does not carry yet.
{hall}
"""
