"""Texts of announcements and voice packs (key -> (zh_CN, en))."""

TEXTS: dict[str, tuple[str, str]] = {
    # the wording and the engines
    "voice.unspeakable": (
        "语音包中没有读“{char}”的音频（“{text}”）",
        "the voice pack has no clip that says '{char}' (in '{text}')",
    ),
    "voice.engine.unknown": (
        "未知的语音引擎“{engine}”（可选 clips、qt、chip、none）",
        "unknown voice engine '{engine}' (clips, qt, chip or none)",
    ),
    "voice.qt.no_module": (
        "本机的 Qt 没有 QtTextToSpeech 模块（需要 PySide6-Addons）",
        "this Qt has no QtTextToSpeech module (PySide6-Addons is needed)",
    ),
    "voice.qt.no_voice": (
        '本机没有普通话语音（引擎：{engines}），无法使用 qt 语音；请改用 engine = "clips"（语音包）或安装中文语音（Windows：设置 → 时间和语言 → 语音 → 添加“中文(中华人民共和国)”）',
        'no Mandarin voice on this machine (engines: {engines}), so the qt voice cannot speak; use engine = "clips" (a voice pack) or install a Chinese voice (Windows: Settings → Time & language → Speech → add Chinese (PRC))',
    ),
    "voice.qt.no_en_voice": (
        "本机没有英语语音，英文播报将不会朗读",
        "no English voice on this machine: English announcements will not be read",
    ),
    "voice.clips.language": (
        "语音包只能读中文：languages 中的“{language}”请改用 qt 语音引擎",
        "a voice pack reads Chinese only: for '{language}' in languages use the qt engine",
    ),
    "voice.chip.no_port": (
        "无法打开语音模块串口 {port}：{reason}",
        "cannot open the speech module's port {port}: {reason}",
    ),
    "voice.chip.no_answer": (
        "语音模块 {port} 没有应答（请检查接线、波特率和电源）",
        "the speech module on {port} does not answer (check the wiring, baud rate and power)",
    ),
    "voice.chip.refused": (
        "语音模块拒收了一帧（应答 {code}）",
        "the speech module refused a frame (answer {code})",
    ),
    "voice.chip.encode": (
        "“{text}”无法用 {encoding} 编码",
        "'{text}' cannot be encoded as {encoding}",
    ),
    "voice.player.no_output": (
        "本机没有可用的音频输出设备",
        "this machine has no audio output device",
    ),
    # voice packs
    "voice.pack.no_manifest": ("找不到语音包清单 {path}", "no voice pack manifest at {path}"),
    "voice.pack.bad_manifest": (
        "语音包清单 {path} 有误：{reason}",
        "the voice pack manifest {path} is wrong: {reason}",
    ),
    "voice.pack.missing_clip": (
        "语音包 {pack} 缺少音频“{clip}”",
        "the voice pack {pack} has no clip '{clip}'",
    ),
    "voice.pack.bad_clip": (
        "音频“{clip}”（{file}）无法读取：{reason}",
        "the clip '{clip}' ({file}) cannot be read: {reason}",
    ),
    "voice.pack.bad_format": (
        "音频“{clip}”（{file}）格式不对：应为 {rate} Hz 单声道 16 位，实际 {found}",
        "the clip '{clip}' ({file}) has the wrong format: {rate} Hz mono 16-bit expected, {found} found",
    ),
    # onetrip voice check
    "voice.check.missing": ("缺少音频“{clip}”", "the clip '{clip}' is missing"),
    "voice.check.no_file": ("“{clip}”：找不到文件 {file}", "'{clip}': no file {file}"),
    "voice.check.not_wav": (
        "“{clip}”：{file} 不是可读的 WAV 文件（{reason}）",
        "'{clip}': {file} is no readable WAV file ({reason})",
    ),
    "voice.check.format": (
        "“{clip}”：{file} 应为 {rate} Hz 单声道 16 位 PCM，实际 {found}",
        "'{clip}': {file} must be {rate} Hz mono 16-bit PCM, it is {found}",
    ),
    "voice.check.quiet": (
        "“{clip}”：声音太小（峰值 {peak} dBFS，至少应为 {min} dBFS）",
        "'{clip}': too quiet (peak {peak} dBFS, at least {min} dBFS needed)",
    ),
    "voice.check.clipping": (
        "“{clip}”：削波失真（{share} 的采样到顶），请降低录音音量",
        "'{clip}': clipping ({share} of the samples at full scale): record it lower",
    ),
    "voice.check.long": ("“{clip}”：太长（{seconds} 秒）", "'{clip}': too long ({seconds} s)"),
    "voice.check.silence": (
        "“{clip}”：首尾静音太长（{seconds} 秒），请裁剪",
        "'{clip}': too much silence at an end ({seconds} s): trim it",
    ),
    "voice.check.uneven": (
        "“{clip}”：响度与其他音频相差 {db} dB（超过 {spread} dB）",
        "'{clip}': {db} dB louder or quieter than the other clips (more than {spread} dB)",
    ),
    "voice.check.good": (
        "语音包 {pack} 合格：{count} 段音频",
        "the voice pack {pack} is good: {count} clips",
    ),
    "voice.check.bad": (
        "语音包 {pack} 不合格：{errors} 个错误，{warnings} 个警告",
        "the voice pack {pack} is not usable: {errors} error(s), {warnings} warning(s)",
    ),
    "voice.check.warned": (
        "语音包 {pack} 可用，但有 {warnings} 个警告",
        "the voice pack {pack} is usable, with {warnings} warning(s)",
    ),
    # onetrip voice make-pack
    "voice.make.no_espeak": (
        "找不到 espeak-ng（Debian/Ubuntu：apt-get install espeak-ng）",
        "espeak-ng is not installed (Debian/Ubuntu: apt-get install espeak-ng)",
    ),
    "voice.make.no_pypinyin": (
        "缺少 pypinyin（pip install pypinyin）",
        "pypinyin is missing (pip install pypinyin)",
    ),
    "voice.make.failed": (
        "espeak-ng 合成“{clip}”失败：{reason}",
        "espeak-ng failed on '{clip}': {reason}",
    ),
    "voice.make.done": (
        "已生成语音包 {out}：{count} 段音频，{kib} KiB",
        "voice pack written to {out}: {count} clips, {kib} KiB",
    ),
    # onetrip voice say
    "voice.say.done": ("已写入 {out}：{seconds} 秒", "written to {out}: {seconds} s"),
    "voice.say.chip": (
        "语音模块 {port} 已读完：{text}",
        "the speech module on {port} has said: {text}",
    ),
    "voice.say.empty": ("没有要朗读的内容", "nothing to say"),
}
