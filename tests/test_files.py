"""Atomic writes and the sweep of what killed writers left behind."""

from __future__ import annotations

import os
import subprocess
import sys

from tracker.files import atomic_write, sweep_stale_tmp


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
    assert sweep_stale_tmp(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, keep.name])
    assert sweep_stale_tmp(tmp_path / "missing") == 0
