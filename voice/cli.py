"""``onetrip voice …``: voice packs and announcements from the command line.

onetrip voice clips [--pack PACK] [--word 顾客]   the clips a pack needs, and their files
onetrip voice check PACK [--word 顾客]           validate a pack (exit 1 when unusable)
onetrip voice say "请A001号到3号窗口办理" --out x.wav [--pack PACK] [--chime]
onetrip voice make-pack OUT [--word 顾客]        render the default pack (espeak-ng)
onetrip voice bench [--quick]                    call -> first audio sample (clips engine)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared.texts import t

from .pack import BUILTIN, MANIFEST, Pack, PackError, check_pack, render_text
from .wording import CHIME, Unspeakable, read_zh, required_clips


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("voice", help="voice packs and announcements (语音包与语音播报)")
    vsub = p.add_subparsers(dest="voice_command", metavar="ACTION", required=True)

    c = vsub.add_parser("clips", help="list the clips a voice pack needs")
    c.add_argument("--pack", type=Path, help="a pack to compare with (default: the built-in one)")
    c.add_argument("--word", action="append", default=[], help="a word of the hall's wording")
    c.set_defaults(func=cmd_clips)

    k = vsub.add_parser("check", help="validate a voice pack: clips, format, loudness")
    k.add_argument("pack", type=Path, help="the pack's folder (with pack.toml)")
    k.add_argument("--word", action="append", default=[], help="a word of the hall's wording")
    k.set_defaults(func=cmd_check)

    s = vsub.add_parser("say", help="render an announcement to a WAV file")
    s.add_argument("text", help='e.g. "请A001号到3号窗口办理"')
    out = s.add_mutually_exclusive_group(required=True)
    out.add_argument("--out", type=Path, help="the WAV file to write")
    out.add_argument("--chip", metavar="PORT", help="say it on a serial speech module instead")
    s.add_argument("--model", default="syn6288", choices=("syn6288", "xfs5152"))
    s.add_argument("--encoding", default="gb2312", choices=("gb2312", "gbk", "big5", "unicode"))
    s.add_argument("--baudrate", type=int, default=9600)
    s.add_argument("--pack", type=Path, help="a pack folder (default: the built-in one)")
    s.add_argument("--chime", action="store_true", help="the chime first")
    s.set_defaults(func=cmd_say)

    m = vsub.add_parser("make-pack", help="render the default Mandarin pack with espeak-ng")
    m.add_argument("out", type=Path, help="the folder to write")
    m.add_argument("--word", action="append", default=[], help="also a clip for this word")
    m.set_defaults(func=cmd_make_pack)

    b = vsub.add_parser("bench", help="measure a call's way to the first audio sample")
    b.add_argument("--quick", action="store_true", help="fewer calls")
    b.set_defaults(func=cmd_bench)


def both(key: str, **params: object) -> str:
    return f"{t(key, 'zh_CN', **params)} / {t(key, 'en', **params)}"


def cmd_clips(args: argparse.Namespace) -> int:
    from .make_pack import file_name

    try:
        pack = Pack.load(args.pack) if args.pack else Pack.load(BUILTIN)
    except PackError as e:
        print(f"{e.message('zh_CN')} / {e.message('en')}", file=sys.stderr)
        return 2
    for clip in required_clips(args.word):
        try:
            suggested = file_name(clip)
        except Exception:  # no pypinyin: name it after the built-in pack or the clip
            suggested = Pack.load(BUILTIN).files.get(clip, f"{clip}.wav")
        have = pack.files.get(clip)
        mark = have if have else "-"
        what = "提示音 chime" if clip == CHIME else clip
        print(f"{what}\t{suggested}\t{mark}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    findings = check_pack(args.pack, args.word)
    errors = [f for f in findings if f.level == "error"]
    warnings = [f for f in findings if f.level == "warning"]
    for f in findings:
        label = "错误 error" if f.level == "error" else "警告 warning"
        out = sys.stderr if f.level == "error" else sys.stdout
        print(f"{label}: {f.message('zh_CN')} / {f.message('en')}", file=out)
    if errors:
        print(both("voice.check.bad", pack=args.pack, errors=len(errors), warnings=len(warnings)),
              file=sys.stderr)  # fmt: skip
        return 1
    count = len(Pack.load(args.pack).files)
    if warnings:
        print(both("voice.check.warned", pack=args.pack, warnings=len(warnings)))
    else:
        print(both("voice.check.good", pack=args.pack, count=count))
    return 0


def cmd_say(args: argparse.Namespace) -> int:
    if args.chip:
        return say_on_chip(args)
    try:
        names, audio = render_text(args.text, Pack.load(args.pack).loader(), args.chime)
    except Unspeakable as e:
        print(f"{e.message('zh_CN')} / {e.message('en')}", file=sys.stderr)
        return 2
    except PackError as e:
        print(f"{e.message('zh_CN')} / {e.message('en')}", file=sys.stderr)
        return 2
    if not names:
        print(both("voice.say.empty"), file=sys.stderr)
        return 2
    audio.write(args.out)
    print(" ".join(names))
    print(both("voice.say.done", out=args.out, seconds=round(audio.seconds, 2)))
    return 0


def say_on_chip(args: argparse.Namespace, timeout: float = 30.0) -> int:
    """Speak the text on a speech module and wait until it is idle: a test of the wiring."""
    import threading

    from hardware.ttschip import ChipError, TtsChip

    from .wording import spoken

    chip = TtsChip(args.chip, baudrate=args.baudrate, model=args.model, encoding=args.encoding)
    try:
        chip.open()
    except ChipError as e:
        print(f"{e.message('zh_CN')} / {e.message('en')}", file=sys.stderr)
        return 2
    try:
        text = spoken(read_zh(args.text, (), strict=False))
        ended = threading.Event()
        if not chip.speak(text, ended.set) or not ended.wait(timeout):
            print(both("voice.chip.no_answer", port=args.chip), file=sys.stderr)
            return 1
    finally:
        chip.close()
    print(both("voice.say.chip", port=args.chip, text=text))
    return 0


def cmd_make_pack(args: argparse.Namespace) -> int:
    from .make_pack import MakeError, make_pack

    try:
        size = make_pack(args.out, args.word)
    except MakeError as e:
        print(both(e.key, **e.params), file=sys.stderr)
        return 2
    count = len(Pack.load(args.out).files)
    print(both("voice.make.done", out=args.out / MANIFEST, count=count, kib=size // 1024))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run

    run(args.quick)
    return 0
