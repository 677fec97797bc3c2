"""``onetrip server`` refuses misuse at start-up: one bilingual line, a non-zero exit, no
traceback; one server per database, and the lock goes with the process (SIGKILL too)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys

import pytest
from ops.opskit import Hall, onetrip, write
from support import ROOT, HubProcess

from server.dblock import DatabaseInUse, DatabaseLock, holder


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a refused start says (Chinese first, then English)."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("onetrip server: ")
    assert " / " in lines[0]
    return lines[0]


def server(hall: Hall, db: object, *extra: str) -> subprocess.CompletedProcess[str]:
    return onetrip("server", "--config", str(hall.config), "--db", str(db), "--host",
                   "127.0.0.1", "--port", "0", *extra)  # fmt: skip


def test_a_second_server_on_one_database_is_refused_with_the_holder(hall: Hall, tmp_path):
    db = tmp_path / "hall.db"
    first = HubProcess(hall.config, db).start()
    try:
        line = refused(server(hall, db))
        assert "已被另一个 onetrip 服务器使用" in line
        assert "is already in use by another onetrip server" in line
        assert f"{first.proc.pid}@{socket.gethostname()}" in line  # type: ignore[union-attr]
        # The database itself is not locked: a backup and a check read it beside the server.
        backup = tmp_path / "backup.db"
        assert onetrip("db", "backup", "--db", str(db), str(backup)).returncode == 0
        check = onetrip("db", "check", "--db", str(backup))
        assert check.returncode == 0 and "integrity: ok" in check.stdout, check.stderr
        with sqlite3.connect(first.db_uri, uri=True) as conn:
            assert conn.execute("SELECT count(*) FROM events").fetchone() is not None
    finally:
        first.kill()  # SIGKILL: nothing cleans up on the way out
    again = HubProcess(hall.config, db).start()  # no manual cleanup needed
    assert again.stop() == 0


def test_the_lock_is_the_operating_systems_and_goes_with_its_holder(tmp_path):
    db = tmp_path / "x.db"
    code = (
        "import sys, time; from server.dblock import DatabaseLock; "
        "held = DatabaseLock(sys.argv[1]).acquire(); print('locked', flush=True); time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(db)], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE)  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseInUse) as info:
            DatabaseLock(db).acquire()
        assert info.value.holder == f"{child.pid}@{socket.gethostname()}"
    finally:
        child.kill()
        child.wait(10)
    with DatabaseLock(db):  # the dead process's lock is gone with it
        assert holder(db) == f"{os.getpid()}@{socket.gethostname()}"
        with pytest.raises(DatabaseInUse):  # one holder even within one process
            DatabaseLock(db).acquire()
    DatabaseLock(db).acquire().release()


def test_no_config_suggests_init(tmp_path):
    result = onetrip(
        "server", "--config", str(tmp_path / "hall.toml"), "--db", str(tmp_path / "h.db")
    )
    line = refused(result)
    assert "请先运行 onetrip init" in line and "run `onetrip init" in line
    assert not (tmp_path / "h.db").exists()


def test_a_missing_directory_is_one_line(hall: Hall, tmp_path):
    line = refused(server(hall, tmp_path / "nowhere" / "hall.db"))
    assert "不存在" in line and "does not exist" in line


def test_a_port_in_use_is_one_line(hall: Hall, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = onetrip("server", "--config", str(hall.config), "--db", str(tmp_path / "h.db"),
                         "--host", "127.0.0.1", "--port", str(port))  # fmt: skip
    line = refused(result)
    assert f"端口 {port} 已被占用" in line and f"port {port} is already in use" in line


def test_a_file_that_is_no_database_is_one_line(hall: Hall, tmp_path):
    db = tmp_path / "hall.db"
    db.write_bytes(b"this is a spreadsheet, not a database" * 100)
    line = refused(server(hall, db))
    assert "无法读取数据库" in line and "cannot read the database" in line
    assert db.read_bytes().startswith(b"this is a spreadsheet")  # left as it was


def test_a_database_of_a_newer_schema_is_one_line(hall: Hall, tmp_path):
    db = tmp_path / "hall.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version=99")
    line = refused(server(hall, db))
    assert "请升级 onetrip" in line and "upgrade onetrip" in line and "99" in line


def test_a_missing_or_short_secret_is_refused(tmp_path):
    mine = write(tmp_path / "hall")
    secret = mine.dir / "hall.secret"
    secret.unlink()
    line = refused(server(mine, tmp_path / "h.db"))
    assert "找不到大厅密钥" in line and "onetrip init" in line
    secret.write_text("too short", encoding="utf-8")
    result = server(mine, tmp_path / "h.db")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "密钥少于 32 个字符 / the secret is shorter than 32 characters" in result.stderr
    assert "服务器未启动" in result.stderr and "the server did not start" in result.stderr


def test_bad_options_are_one_line(hall: Hall, tmp_path):
    line = refused(server(hall, tmp_path / "h.db", "--rate", "kiosk=fast"))
    assert "--rate" in line
    line = refused(server(hall, tmp_path / "h.db", "--tls-cert", str(hall.config)))
    assert "--tls-key" in line


def test_a_directory_in_the_databases_place_is_one_line(hall: Hall, tmp_path):
    db = tmp_path / "hall.db"
    db.mkdir()
    line = refused(server(hall, db))
    assert "无法读取数据库" in line and "cannot read the database" in line


def test_an_unforeseen_failure_is_one_line_and_verbose_shows_the_traceback(
    hall: Hall, tmp_path, monkeypatch, capsys
):
    import server.cli
    from onetrip.cli import main

    def broken(db: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(server.cli, "open_readonly", broken)
    assert main(["db", "check", "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "onetrip db: 命令失败：disk on fire（加 --verbose 查看详情） / "
        "the command failed: disk on fire (--verbose shows the details)"
    )
    with pytest.raises(RuntimeError, match="disk on fire"):
        main(["--verbose", "db", "check", "--db", str(tmp_path / "x.db")])
