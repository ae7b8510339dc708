"""Atomic writes, durable batches (one barrier), and the sweep of what killed writers left behind."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tracker import files
from tracker.files import atomic_write, durable_write_many, sweep_stale_tmp


def test_atomic_write_replaces_whole_file(tmp_path):
    p = tmp_path / "a.txt"
    atomic_write(p, b"one")
    atomic_write(p, b"two", fsync=True)
    assert p.read_bytes() == b"two"
    assert [x.name for x in tmp_path.iterdir()] == ["a.txt"]


def test_sweep_removes_only_dead_writers_files(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    (tmp_path / f".r.txt.{dead}.tmp").write_bytes(b"half")
    (tmp_path / f".{'a' * 64}.{dead}.0f3a9c1d.tmp").write_bytes(b"half")
    mine = tmp_path / f".r.txt.{os.getpid()}.tmp"  # a live writer (this process)
    mine.write_bytes(b"in progress")
    keep = tmp_path / ".hidden.tmp"  # not ours: no pid in the name
    keep.write_bytes(b"x")
    digits = tmp_path / f".{'b' * 64}.xlsx.{os.getpid()}.{dead:0>8}.tmp"  # a live writer's token of digits
    digits.write_bytes(b"in progress")
    assert sweep_stale_tmp(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, keep.name, digits.name])
    assert sweep_stale_tmp(tmp_path / "missing") == 0


def _calls(monkeypatch, files, syncfs_ok: bool):
    """Run durable_write_many's barriers through counters: (fsync of files, fsync of folders)."""
    seen = {"fsync": 0, "folder": 0}
    real_fsync = os.fsync

    def fsync(fd):
        seen["fsync"] += 1
        real_fsync(fd)

    def folder(path):
        seen["folder"] += 1

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files, "sync_folder", folder)
    monkeypatch.setattr(files, "_syncfs", lambda fd: syncfs_ok)
    return seen


def test_durable_write_many_one_barrier_for_a_batch(tmp_path, monkeypatch):
    items = [(tmp_path / f"f{i}.bin", bytes([i]) * (1000 + i)) for i in range(20)]
    seen = _calls(monkeypatch, files, syncfs_ok=True)
    assert durable_write_many(items) == [p for p, _ in items]
    assert all(p.read_bytes() == d for p, d in items)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p, _ in items)  # no temp left
    assert seen == {"fsync": 0, "folder": 1}  # syncfs, then the folder once (for the renames)


def test_durable_write_many_fsyncs_each_file_without_syncfs(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    items = [(tmp_path / "a" / "x", b"1"), (tmp_path / "b" / "y", b"22"), (tmp_path / "a" / "z", b"333")]
    seen = _calls(monkeypatch, files, syncfs_ok=False)
    durable_write_many(items)
    assert [p.read_bytes() for p, _ in items] == [b"1", b"22", b"333"]
    assert seen == {"fsync": 3, "folder": 2}


def test_durable_write_many_leaves_no_temporary_file_on_error(tmp_path):
    items = [(tmp_path / "ok", b"1"), (tmp_path / "missing" / "no", b"2")]
    with pytest.raises(FileNotFoundError):
        durable_write_many(items)
    assert [p.name for p in tmp_path.iterdir()] == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs(2) is Linux")
def test_syncfs_is_found_on_linux(tmp_path):
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        assert files._syncfs(fd) is True
    finally:
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "uname"), reason="os.uname")
def test_syncfs_only_where_it_reports_write_errors(monkeypatch):
    for release, ok in (("5.4.0-150-generic", False), ("5.8.0", True), ("6.18.44-fc", True), ("4.19.1", False)):
        monkeypatch.setattr(files.os, "uname", lambda r=release: type("Uname", (), {"release": r})())
        assert files._reports_errors() is ok
