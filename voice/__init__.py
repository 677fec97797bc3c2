"""onetrip voice: Mandarin announcements of the hub's calls ("请A001号到3号窗口办理").

The API a display uses (nothing here imports Qt; ``voice.qtplayer`` and ``voice.qttts`` do):

    from voice import VoiceConfig, VoiceUnavailable
    from voice.qtplayer import QtAnnouncer

    config = VoiceConfig.from_table(raw_toml.get("voice", {}), file="display.toml")
                                        # shared.config.ConfigError: every bad key at once
    try:
        voice = QtAnnouncer.from_config(config, parent=board)
    except VoiceUnavailable as e:       # e.g. engine = "qt" where no Mandarin voice exists
        log.error(e.both())             # "本机没有普通话语音… / no Mandarin voice …"
        voice = None                    # the board runs on, silent
    client.event.connect(voice.on_push)     # QtHubClient pushes: `called`/`recalled` are read
    voice.started.connect(board.flash)      # optional: each Play as it begins
    voice.close()                           # on quit

    # Without Qt (tests, a bench, a headless speaker box), the same core:
    engine = make_engine(config, sink)      # sink: RecordingSink, or None for Qt's audio
    announcer = Announcer(engine, config, clock=time.time)
    announcer.announce(call, now)           # call: the hub's call view (a push's "call")
    wake = announcer.pump(now)              # start what is due; pump again at `wake`
                                            # and whenever announcer.on_wake() is called

``announce`` returns ``queued``, ``merged`` (a recall of a call not read yet), ``repeat`` (the
same push twice), ``quiet`` (quiet hours), ``full`` or ``off`` (engine ``none``). Only live
pushes should be announced: the ``recent`` list of a snapshot is history, not news.

The parts:

- ``wording``: templates → a sentence → the clips that speak it (tickets spelled
  ``A 零 零 一``, window numbers read ``十二``);
- ``queue``: the pure, clock-driven scheduler (one at a time, never cut off, repeats, chime,
  stale ones dropped, quiet hours);
- ``pack``: clip packs (a folder of WAVs and ``pack.toml``), checking and joining them;
- ``engines``: ``clips`` (default), ``chip`` (``hardware.ttschip``), the sinks and
  ``make_engine``; ``qttts``: the ``qt`` engine; ``qtplayer``: Qt's audio output and the pump;
- ``config``: the ``[voice]`` table; ``cli``: ``onetrip voice …``; ``make_pack``: the default
  pack's generator; ``bench``: ``onetrip bench voice``.

See docs/voice.md.
"""

from .announcer import Announcer
from .config import VoiceConfig
from .engines import ClipsEngine, Engine, RecordingSink, Sink, VoiceUnavailable, make_engine
from .pack import Audio, Pack
from .queue import Item, Play, Policy, Scheduler
from .wording import Wording

__all__ = [
    "Announcer",
    "Audio",
    "ClipsEngine",
    "Engine",
    "Item",
    "Pack",
    "Play",
    "Policy",
    "RecordingSink",
    "Scheduler",
    "Sink",
    "VoiceConfig",
    "VoiceUnavailable",
    "Wording",
    "make_engine",
]
