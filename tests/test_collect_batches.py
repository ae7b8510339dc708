"""collect receives files in batches (read, archived with one durability barrier, recorded in one
transaction) and checks them in forked worker processes while it stores, in order. Whatever the
batch size and the number of processes, a run ends in the same store, archive, receipts and
answers — the same bytes twice in one run (in one batch, and in two batches) included."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from support.collecting import archive, base, copy_ws, normalised_dump, receipts, tpl, values  # noqa: F401
from support.filling import fill, fill_all

from tracker.collect import pipeline as R

pytestmark = pytest.mark.slow  # collects many files in batches, with and without workers


@pytest.fixture
def inbox(base, tmp_path):  # noqa: F811
    box = tmp_path / "in"
    fill_all(base.outbox / "2007Q1", box / "a", seed=0)
    fill_all(base.outbox / "2007Q1", box / "b", seed=1)  # a second round: supersedes the first
    first = sorted((box / "a").glob("*.xlsx"))
    shutil.copy(first[0], box / "a" / "aa-same-bytes.xlsx")  # the same bytes, same batch (size 3)
    shutil.copy(first[1], box / "zz-same-bytes-later.xlsx")  # the same bytes, a later batch
    bad = fill(tpl(base, "市工商局"), values(base, "市工商局"), raw={"2007-020": {"完成进度(%)": 101}},
               out=box / "zz-bad.xlsx")
    shutil.copy(bad, box / "zz-bad-again.xlsx")  # rejected twice
    (box / "zz-junk.xlsx").write_bytes(b"junk")
    return box


def run(ws, box, monkeypatch, batch: int, workers: str) -> dict:
    monkeypatch.setattr(R, "BATCH_FILES", batch)
    res = R.collect(ws, [box], received=date(2007, 4, 8), workers=int(workers))
    assert not R._worker  # the check workers' Collector is set in the workers only, never in this process
    answers = res.to_dict()
    for side in answers.values():
        for f in side:
            f["receipt"] = Path(f["receipt"]).name
    return answers


@pytest.mark.parametrize("batch, workers", [(3, "2"), (3, "1"), (64, "3")])
def test_batches_and_workers_end_as_one_file_at_a_time(base, inbox, tmp_path, monkeypatch, batch, workers):  # noqa: F811
    one = copy_ws(base, tmp_path / "one")
    many = copy_ws(base, tmp_path / "many")
    expected = run(one, inbox, monkeypatch, 1, "1")  # one file per batch, no worker: as before
    got = run(many, inbox, monkeypatch, batch, workers)
    assert got == expected
    assert normalised_dump(many) == normalised_dump(one)
    assert archive(many) == archive(one)
    assert receipts(many) == receipts(one)
    n = len(list(inbox.rglob("*.xlsx")))
    assert len(got["accepted"]) + len(got["rejected"]) == n
    dup = [f for f in got["accepted"] if f["file"].endswith("same-bytes.xlsx")]
    assert dup and all(f["duplicate"] for f in dup)
    assert sum(f["file"].endswith(("zz-bad.xlsx", "zz-bad-again.xlsx")) for f in got["rejected"]) == 2


def test_rerun_after_everything_was_received_changes_nothing(base, inbox, tmp_path, monkeypatch):  # noqa: F811
    ws = copy_ws(base, tmp_path / "ws")
    run(ws, inbox, monkeypatch, 5, "2")
    before = (normalised_dump(ws), archive(ws), receipts(ws))
    again = run(ws, inbox, monkeypatch, 5, "2")
    assert (normalised_dump(ws), archive(ws), receipts(ws)) == before
    assert all(f["duplicate"] for f in again["accepted"])
