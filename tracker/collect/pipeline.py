"""Collecting returns: filled workbooks in, checked, archived, stored, answered with a receipt.

``collect(ws, paths)`` handles each file in this order:

1. Read its bytes, compute SHA-256, copy it to ``archive/<sha256><ext>`` (written to a temporary
   name then ``os.replace``: atomic and idempotent, so two runs at once cannot corrupt it) and
   record it in ``received`` with outcome ``pending`` (nothing received is ever lost). This step
   runs for a batch of files at once (:data:`BATCH_FILES`): every copy of the batch is written, ONE
   durability barrier makes them all durable under their final names
   (:func:`tracker.files.durable_write_many`: ``syncfs`` on Linux, else an ``fsync`` per file, then
   an ``fsync`` of the folder), and ONE transaction records them all. Only then is the first of them
   checked, so each file is still archived, durably, before anything else happens to it.
2. Read every sheet with python-calamine (.xlsx, .xls, .ods — whatever program saved it last) and
   check it (:func:`check_workbook`), collecting every problem of the file.
3. In ONE transaction: re-read ``received`` (another run may have done the file meanwhile), then
   either mark it rejected (errors: nothing else is stored) or store the return, its rows and
   target actuals, supersede the unit's earlier return for the period and mark it accepted.
4. Write the receipt (回执) from what the store now holds, so a rerun writes the same text.

Steps 2–3 (the safety scan, the read and the checks: pure functions of the bytes and the plan) run
in forked worker processes on Linux with several cores (:func:`check_workers`); steps 1, 3's
transaction and 4 stay in this process, in the order of the files. With workers, archive copies
and receipts are written by an I/O thread (creating a file is kernel time this process need not
wait for; the batch is recorded only once its copies are durable); receipts are rendered from the
store, so a receipt a kill lost is written by the rerun.

A crash at any point leaves the file ``pending`` (or done); a rerun re-processes pending files and
ends in the same store as one clean run. The same bytes collected again change nothing
(``duplicate``). A return whose content equals the unit's current return for the period is also a
"""

from __future__ import annotations

import collections
import hashlib
import json
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from tracker import jsonout
from tracker.collect.checks import check_workbook
from tracker.collect.outcome import Checked, CollectResult, FileOutcome
from tracker.collect.receipts import receipt_bytes, receipt_name
from tracker.files import atomic_write, durable_write_many, sweep_stale_tmp, sync_folder
from tracker.form import ITEM_FIELDS, TASK_SHEET
from tracker.i18n import cn_date
from tracker.inbox import DONE_FOLDERS, EXTENSIONS
from tracker.links import link_problems
from tracker.problems import WARNING, Problem, Problems, UsageError
from tracker.store import collect as db


def expected_periods(received: date, explicit: str | None = None) -> set[str]:
    """The periods a return received on that date may be for (see module docstring)."""
    from tracker.periods import Period, parse_period

    if explicit:
        return {str(parse_period(explicit))}
    q = (received.month - 1) // 3 + 1
    cur = Period(received.year, q)
    prev = Period(received.year, q - 1) if q > 1 else Period(received.year - 1, 4)
    return {str(cur), str(prev)}


def find_files(paths: list[Path]) -> list[Path]:
    """Files to collect: given files as they are, folders searched for spreadsheets (sorted)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in EXTENSIONS
                              and not f.name.startswith(("~$", ".~lock", "."))
                              and not DONE_FOLDERS & set(f.relative_to(p).parts[:-1])))
        elif p.exists():
            out.append(p)
        elif (moved := _moved_copy(p)) is not None:
            out.append(moved)  # another collect moved it meanwhile: the same file, collected as it left it
        else:
            raise UsageError(f"找不到文件或目录: {p}")
    seen, uniq = set(), []
    for f in out:
        k = f.resolve()
        if k not in seen:
            seen.add(k)
            uniq.append(f)
    return uniq


def _moved_copy(p: Path) -> Path | None:
    """A file given by name that a collect running at the same time has just moved from the inbox
    into inbox/已处理/ or inbox/已退回/ (:mod:`tracker.inbox`): that copy, else None."""
    for folder in sorted(DONE_FOLDERS):
        cand = p.parent / folder / p.name
        if cand.is_file():
            return cand
    return None


def archive_file(ws, sha: str, ext: str, data: bytes) -> Path:
    """Copy into archive/<sha256><ext>; atomic, durable and idempotent (two writers write the same bytes)."""
    return archive_files(ws, [(sha, ext, data)])[0]


def archive_files(ws, files: list[tuple[str, str, bytes]]) -> list[Path]:
    """Copy each (sha256, ext, data) into archive/<sha256><ext>, with ONE durability barrier for the
    batch (:func:`tracker.files.durable_write_many`): when this returns, every copy is on disk under
    its final name. A copy already there with the same bytes is kept (a rerun, or another run)."""
    out, todo, there = [], {}, False
    folder = ws.folder("archive")  # made once, not per file
    for sha, ext, data in files:
        dest = folder / f"{sha}{ext}"
        out.append(dest)
        if dest in todo:
            continue
        if _archived(dest, data):
            there = True
            continue
        todo[dest] = data
    durable_write_many(list(todo.items()))
    if there and not todo:  # copies an earlier (killed) run renamed: their names made durable too
        sync_folder(folder)
    return out


def _archived(dest: Path, data: bytes) -> bool:
    """The copy is there and whole: compared byte for byte (not only its size), so a copy torn by
    a crash of the machine before its barrier is written again."""
    try:
        if dest.stat().st_size != len(data):
            return False
        return dest.read_bytes() == data
    except OSError:
        return False


class _ExpandOnce:
    """The registry as ``assign`` uses it, each name expanded once: a plan names the same few
    hundred units in thousands of places (2,000 items: 9,000 expansions of 500 names)."""

    def __init__(self, registry):
        self._registry = registry
        self._done: dict[str, list[str]] = {}

    def expand(self, name: str) -> list[str]:
        got = self._done.get(name)
        if got is None:
            got = self._done[name] = self._registry.expand(name)
        return list(got)


def _archive_ext(path: Path) -> str:
    return path.suffix.lower() if path.suffix.lower() in EXTENSIONS else (path.suffix.lower() or ".bin")


# -- check workers ---------------------------------------------------------------------------------------
PARALLEL_MIN_FILES = 24


def check_workers(n_files: int, workers: int | None = None) -> int:
    """How many processes collect: this one (it receives, stores and writes receipts, in order)
    and N−1 forked workers that check (safety scan, read, checks: pure functions of the bytes and
    the plan, about 60 % of collect's CPU). One per core, at most 4: this process is the slower
    stage, so on 2 cores one worker checks while it stores (two workers were slower: three
    processes on two cores took CPU from the storing one). Only where ``fork`` exists (Linux), with
    at least PARALLEL_MIN_FILES files. ``workers`` (N processes in all; ``tracker collect`` takes it
    from ``TRACKER_WORKERS``) sets N, and 1 checks in this process; None or 0: one per core."""
    import os
    import sys

    n = workers if workers is not None and workers > 0 else min(os.cpu_count() or 1, 4)
    if n <= 1 or n_files < PARALLEL_MIN_FILES or not sys.platform.startswith("linux"):
        return 1
    return n


# The Collector a check worker process checks with: set in the WORKER by the pool's initializer
# (the pool forks, so the Collector reaches it without pickling); never set in the parent process,
# where several Collectors may run at once (threads of the web server).
_worker: dict[str, Collector] = {}


def _worker_start(checker: Collector) -> None:
    """The initializer of a check worker process."""
    # the store's pooled connections belong to the parent: never use them here (SQLAlchemy's rule
    # for forked processes); a plan not loaded before the fork is read through new connections
    checker.store.engine.dispose(close=False)
    _worker["checker"] = checker


def _check_in_worker(job: tuple[bytes, str]) -> Checked:
    data, name = job
    c = _worker["checker"]
    checked = c.check(data, name)
    if checked.plan is not None:
        checked.plan = checked.plan.db_id  # the parent has the plan: send its id, not 2,000 items
    return checked


def _chain(*iterators):
    for it in iterators:
        yield from it


BATCH_FILES = 64  # files received (read, archived, recorded) together, before the first is checked
BATCH_BYTES = 64 * 1024 * 1024  # ... and at most this many bytes of them held in memory


@dataclass
class _Incoming:
    """A file received by :meth:`Collector._start_batch` and ``_finish_batch``: read, archived
    (durable), recorded."""

    path: Path
    pos: int = 0  # its place in Collector._queue
    data: bytes | None = None  # None: it could not be read
    error: str = ""
    sha: str = ""
    rec: dict | None = None  # its ``received`` row before this run recorded it (None: new)
    checking: bool = False  # sent to the check workers: its result is next in Collector._results
    mtime: str | None = None  # the file's modification time (received.file_mtime)


def _mtime(path: Path) -> str:
    """A file's modification time as received.file_mtime holds it (UTC, microseconds: sortable)."""
    from datetime import UTC

    return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


class Collector:
    """Collects files in the order given. Files are RECEIVED in batches (:meth:`expect`): up to
    :data:`BATCH_FILES` files are read, archived with one durability barrier and recorded as
    ``pending`` in one transaction, and only then is the first of them checked; each file is then
    checked, stored in its own transaction and answered with a receipt, in order. With
    :func:`check_workers` > 1 the checks run in forked worker processes (pure functions of the
    bytes and the plan); every write stays in this process, in order."""

    def __init__(self, ws, received: date | None = None, period: str | None = None, dry_run: bool = False,
                 link: tuple[str, str] | None = None, workers: int | None = None):
        """``link``: (unit, period) of the unit's link the files came through (docs/links.md): a
        workbook of another unit or period is rejected (``link-unit-mismatch``,
        ``link-period-mismatch``) and nothing of it is stored; the link names the period, so the
        received date does not limit it. ``workers``: see :func:`check_workers`."""
        from tracker.assignments import assign
        from tracker.units import Registry

        self.ws = ws
        self.store = ws.store()
        self.config = ws.config()
        self.registry = Registry.from_config(self.config)
        self.secret = ws.secret()
        self.received = received or date.today()
        self.explicit_received = received is not None  # then it wins over a date stored before
        self.link = link
        self.periods = {str(link[1])} if link else expected_periods(self.received, period)
        self._check_periods = None if link else self.periods  # a link checks its period itself
        self.dry_run = dry_run
        self.workers = workers
        self._plans: dict[int, tuple | None] = {}
        self._older: dict[tuple[int, int], tuple | None] = {}
        self._progress: dict[int, dict] = {}  # year -> unit -> item -> [(period, progress)], see _prefill_progress
        self._plans_by_id: dict[int, object] = {}
        self._assign = assign
        self._queue: list[Path] = []  # the files expected, in order (see expect)
        self._next = 0  # the first file of _queue not yet read
        self._pos = 0  # the file of _queue collect_file is at
        self._batch: tuple[list[_Incoming], Future] | None = None  # read, being archived (_start_batch)
        self._ahead: dict[int, _Incoming] = {}  # position in _queue -> received, not yet collected
        self._done_shas: set[str] = set()  # files collected in this run
        self._pool = None
        self._results = None  # the workers' check results, in the order the files were sent
        self._receipts: set[Path] = set()  # receipts written by this run
        self._receipt_dir: Path | None = None
        self._writer = None  # the I/O thread: archive copies and receipts (many files only)
        self._written = collections.deque()  # its futures, oldest first
        if not dry_run:  # what a killed run left half-written goes before this run writes anything
            for folder in (ws.archive, ws.outbox / "receipts"):
                sweep_stale_tmp(folder)

    def plan_version_for(self, year: int, version: int):
        """(Plan, Assignments) of an earlier version of the year's plan, or None."""
        key = (year, version)
        if key not in self._older:
            plan = self.store.load_plan(year=year, version=version)
            self._older[key] = None if plan is None else (plan, self._assign(plan, _ExpandOnce(self.registry)))
        return self._older[key]

    def check(self, data: bytes, name: str) -> Checked:
        """One workbook checked as this run collects it (its periods, plans, registry, secret and
        configuration), then :meth:`untouched`."""
        return self.untouched(self._check_workbook(data, name, periods=self._check_periods), name)

    def _check_workbook(self, data: bytes, name: str, *, periods: set[str] | None) -> Checked:
        return check_workbook(data, name, secret=self.secret, plan_for=self.plan_for, registry=self.registry,
                              config=self.config, periods=periods, older=self.plan_version_for)

    def untouched(self, checked: Checked, file: str = "") -> Checked:
        """A workbook whose answers equal what the office prefilled is not a return: its problems
        become one error, ``unchanged-template`` (office-side: no receipt). Untouched means every
        input empty (a Q1 template, or one for a unit without earlier returns), or equal to the
        unit's latest accepted values of earlier quarters of the year (what templates prefill) and
        to the office's copy in ``outbox/PERIOD/`` where that is still there (a department that typed
        the same values into a blank template did fill it in)."""

        if checked.identity is None or checked.unit is None or not checked.rows or checked.period is None:
            return checked
        blank = _blank(checked)
        if blank and self.link:
            return checked  # sent by the department itself: every empty cell is its own problem
        if not blank:
            if checked.problems.errors:
                return checked
            was = self._prefill_progress(checked.unit, checked.period)
            if not was or any(v["progress"] != was.get(iid) for iid, v in checked.rows.items()):
                return checked  # (nearly every return: one dict lookup per item, no query)
            prefill = self._prefill(checked.unit, checked.period)
            if not prefill or _answers(checked)[0] != _answers(prefill)[0]:
                return checked
            self._prefill_targets(prefill)
            if _answers(checked) != _answers(prefill):
                return checked
            from tracker.templates import template_name

            copy = self.ws.outbox / checked.period / template_name(checked.period, checked.identity.unit)
            if copy.is_file():
                sent = self._check_workbook(copy.read_bytes(), copy.name, periods=None)
                if _answers(sent) != _answers(checked):
                    return checked
        checked.problems = Problems()
        if self.link:  # the department's own upload of last quarter's answers, unchanged
            checked.problems.add("template-not-filled", "报送的内容与下发模板中预填的上季度内容完全相同, 未录入",
                                 file=file, sheet=TASK_SHEET)
            return checked
        checked.problems.add("unchanged-template", "这份表格的填报内容与办公室下发的模板完全相同 (第一季度的模板为空白),"
                             " 不是单位报回的报表, 未录入。可能是把 outbox/ 中下发的模板当作报表收集了; 请收集各单位填好后报回的文件",
                             file=file)
        return checked

    def _prefill_progress(self, unit: str, period: str) -> dict[str, int | None]:
        """item id -> the progress a template of ``period`` prefills for the unit, from an index of
        the year's current rows (unit, item, period, progress) read in ONE query per run and year,
        as the store was then (loaded before the check workers fork). A return whose progress
        differs anywhere is no untouched template, which settles nearly every file without a query."""
        year = int(period[:4])
        index = self._progress.get(year)
        if index is None:
            index = self._progress[year] = {}
            with self.store.read() as conn:
                for u, iid, per, prog in db.year_progress(conn, year):
                    index.setdefault(u, {}).setdefault(iid, []).append((per, prog))
        out = {}
        for iid, seen in index.get(unit, {}).items():
            earlier = [prog for per, prog in seen if per < period]
            if earlier:
                out[iid] = earlier[-1]
        return out

    def _prefill(self, unit: str, period: str) -> dict[str, dict]:
        """item id -> what a template of ``period`` prefills for the unit: its latest current row
        of an earlier quarter of the year, targets included (as :func:`tracker.templates.previous_returns`).
        Rows only, as plain tuples of one indexed query (this runs for every file, bench/README.md);
        :meth:`_prefill_targets` adds the targets where the rows equal the workbook's."""
        out: dict[str, dict] = {}
        with self.store.read() as conn:
            for _period, iid, rid, *vals in db.earlier_rows(conn, unit, period):
                out[iid] = {"return_id": rid, "targets": [], **dict(zip(ITEM_FIELDS, vals, strict=True))}
        return out

    def _prefill_targets(self, prefill: dict[str, dict]) -> None:
        ids = {r["return_id"] for r in prefill.values()}
        with self.store.read() as conn:
            for t in db.targets_of(conn, ids):
                r = prefill.get(t["item_id"])
                if r is not None and r["return_id"] == t["return_id"]:
                    r["targets"].append({"idx": t["idx"], "actual": t["actual"], "note": t["note"]})

    def plan_for(self, year: int):
        if year not in self._plans:
            plan = self.store.load_plan(year=year)
            self._plans[year] = None if plan is None else (plan, self._assign(plan, _ExpandOnce(self.registry)))
            if plan is not None:
                self._plans_by_id[plan.db_id] = plan
        return self._plans[year]

    def close(self) -> None:
        if self._writer is not None:
            self._writer.shutdown(wait=True)  # what was queued is written (errors: see flush)
            self._writer = None
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        self.store.close()

    def expect(self, paths: list[Path]) -> None:
        """The files :meth:`collect_file` will be called with, in this order (lets it receive them
        in batches). Without it each file is received on its own."""
        self._drop_ahead()
        self._queue = list(paths)
        self._next = self._pos = 0
        if not self.dry_run and len(self._queue) >= PARALLEL_MIN_FILES:
            self._start_workers(check_workers(len(self._queue), self.workers))
            if self._writer is None and self._pool is not None:  # (one process: no gain measured)
                from concurrent.futures import ThreadPoolExecutor

                self._writer = ThreadPoolExecutor(1, thread_name_prefix="tracker-io")

    def collect_file(self, path: Path) -> FileOutcome:
        fo = FileOutcome(file=str(path), name=path.name, received_at=self.received.isoformat())
        if self.dry_run:
            try:
                data = path.read_bytes()
            except OSError as e:
                fo.problems = [Problem("unreadable", f"无法打开该文件: {e.strerror or e}", file=path.name)]
                return fo
            fo.sha256 = sha = hashlib.sha256(data).hexdigest()
            with self.store.read() as conn:
                rec = db.received_row(conn, sha)
            if rec is not None and rec["outcome"] in ("accepted", "duplicate"):
                return self._stale(self._stored_outcome(fo, duplicate=True))
            if rec is not None and rec["outcome"] == "withdrawn":
                return self._withdrawn(fo, rec)
            return self._check_only(fo, data)
        inc = self._incoming(path)
        if inc.data is None:
            fo.problems = [Problem("unreadable", f"无法打开该文件: {inc.error}", file=path.name)]
            return fo
        fo.sha256 = sha = inc.sha
        data, rec = inc.data, inc.rec
        checked = next(self._results) if inc.checking else None  # keeps the results in step
        if sha in self._done_shas:  # the same bytes twice in this run: as the first left it
            rec = self._received_row(sha)
        self._done_shas.add(sha)
        if rec is not None and rec["outcome"] == "withdrawn":
            return self._withdrawn(fo, rec)
        corrected = self._correct_date(rec) if rec is not None else None
        if rec is not None and rec["outcome"] in ("accepted", "duplicate"):
            if self.link and (rec["unit"], rec["period"]) != tuple(self.link):
                return self._link_rejected(fo, rec)
            return self._noted(self._stale(self._finish(fo, duplicate=corrected is None)), corrected)
        if checked is None:
            checked = self.check(data, path.name)
        else:
            checked = self._from_worker(checked)
        if self.link and checked.identity is not None:
            unit = self.registry.canonical(checked.identity.unit)
            checked.problems.extend(link_problems(self.link, unit, checked.identity.period, path.name))
        if rec is not None and rec["outcome"] == "rejected" and checked.problems.errors:
            # rejected before and still rejected: nothing changes (the receipt stands)
            self._finish(fo, duplicate=True)
            fo.problems = list(checked.problems)
            return self._noted(fo, corrected)
        # new, pending after a crash, or rejected before but acceptable now (e.g. --period given)
        done = self._store(sha, checked)
        if done is True:  # another run had already done the file
            return self._noted(self._finish(fo, duplicate=True), corrected)
        return self._noted(self._finish(fo, duplicate=False, known=done), corrected)

    def _correct_date(self, rec: dict) -> Problem | None:
        """An explicit --received differing from the date stored for the same file corrects it (in
        received and, if accepted, in returns) when that date was the default (today): the office's
        date wins over a default. Returns the note to show."""
        new = self.received.isoformat()
        if not self.explicit_received or rec["received_at"] == new or rec.get("date_source") != "today":
            return None  # a date given before stands (re-collecting a folder must not re-date its files)
        with self.store.begin() as conn:
            db.correct_received_date(conn, rec["sha256"], new)
        return Problem("received-corrected", f"收到日期由此前记录的 {cn_date(rec['received_at'])} 更正为 "
                       f"{cn_date(new)} (按 --received)", file=rec["file_name"], severity=WARNING)

    @staticmethod
    def _noted(fo: FileOutcome, note: Problem | None) -> FileOutcome:
        if note is not None:
            fo.problems = [note, *fo.problems]
        return fo

    def _withdrawn(self, fo: FileOutcome, rec: dict) -> FileOutcome:
        """A file whose return the office withdrew: not counted again (office-side, no receipt)."""
        fo.name, fo.received_at, fo.unit, fo.period = rec["file_name"], rec["received_at"], rec["unit"], rec["period"]
        fo.duplicate = True
        fo.problems = [Problem("return-withdrawn", "办公室已撤回这份报表 (见 tracker returns history), 不再计入;"
                               " 如需重新计入, 请让该单位重新报送", file=fo.name)]
        return fo

    # -- receiving: read, archive (durable), record; a batch at a time -------------------------------------
    def _incoming(self, path: Path) -> _Incoming:
        """The received file for the next call of collect_file (receiving the next batch if needed)."""
        if not (self._pos < len(self._queue) and self._queue[self._pos] == path):  # not what expect() said
            self._drop_ahead()
            self._queue, self._next, self._pos = [path], 0, 0
        while self._pos not in self._ahead:
            if self._batch is None:
                self._start_batch()
            self._finish_batch()
        inc = self._ahead.pop(self._pos)
        self._pos += 1
        if self._pool is not None:  # keep the worker busy: the next batch is received ahead
            if self._batch is not None and self._batch[1].done():
                self._finish_batch()
            if self._batch is None and len(self._ahead) < BATCH_FILES // 2 and self._next < len(self._queue):
                self._start_batch()
        return inc

    def _drop_ahead(self) -> None:
        """Forget the files received ahead (they stay recorded as pending: a rerun does them)."""
        self._finish_batch()
        for inc in self._ahead.values():
            if inc.checking:  # drop its result, so the next ones stay in step
                next(self._results)
        self._ahead.clear()

    def _start_batch(self) -> None:
        """Read the next files of the queue and start archiving them: all copies, ONE durability
        barrier (:func:`archive_files`), on the I/O thread when there is one (writing files is
        kernel time this thread need not wait for). :meth:`_finish_batch` waits for it."""
        batch: list[_Incoming] = []
        size = 0
        while self._next < len(self._queue) and len(batch) < BATCH_FILES and (not batch or size < BATCH_BYTES):
            path = self._queue[self._next]
            inc = _Incoming(path, pos=self._next)
            try:
                inc.mtime = _mtime(path)  # (first: data set means the file was read whole)
                inc.data = path.read_bytes()
            except OSError as e:
                inc.error = str(e.strerror or e)
            else:
                inc.sha = hashlib.sha256(inc.data).hexdigest()
                size += len(inc.data)
            batch.append(inc)
            self._next += 1
        copies = [(inc.sha, _archive_ext(inc.path), inc.data) for inc in batch if inc.data is not None]
        if self._writer is not None:
            archiving = self._writer.submit(archive_files, self.ws, copies)
        else:
            archiving = Future()
            archiving.set_result(archive_files(self.ws, copies))
        self._batch = (batch, archiving)

    def _finish_batch(self) -> None:
        """Once every copy of the started batch is durable: record each new file as ``pending`` in
        ONE transaction, and send the files to the check workers. Nothing else happens to a file
        before this: a crash after it leaves every one of them archived and recorded, and a rerun
        checks the pending ones; a crash before it leaves copies in the archive, which a rerun finds."""
        if self._batch is None:
            return
        batch, archiving = self._batch
        self._batch = None
        archived = archiving.result()  # raises what archiving raised (then nothing is recorded)
        got = [inc for inc in batch if inc.data is not None]
        rows = {}
        for inc, dest in zip(got, archived, strict=True):
            rows.setdefault(inc.sha, {
                "sha256": inc.sha, "file_name": inc.path.name, "size": len(inc.data),
                "received_at": self.received.isoformat(), "archived_as": str(dest.relative_to(self.ws.root)),
                "outcome": "pending", "problems": "[]", "file_mtime": inc.mtime,
                "date_source": "given" if self.explicit_received else "today"})
        before = self._record_pending(rows) if rows else {}
        for inc in got:
            inc.rec = before.get(inc.sha)
        if self._pool is not None:
            jobs = []
            for inc in got:
                if inc.rec is None or inc.rec["outcome"] in ("pending", "rejected"):
                    inc.checking = True
                    jobs.append((inc.data, inc.path.name))
            if jobs:
                results = self._pool.imap(_check_in_worker, jobs)
                self._results = results if self._results is None else _chain(self._results, results)
        for inc in batch:
            self._ahead[inc.pos] = inc

    def _record_pending(self, rows: dict[str, dict]) -> dict[str, dict]:
        """Record new files in ``received`` as ``pending`` (one transaction for the batch); returns
        the rows that were there before, by sha256. A row another run inserted first is kept as it
        is (INSERT … ON CONFLICT DO NOTHING, inside the store's write lock): "already received"."""
        with self.store.begin() as conn:
            return db.record_pending(conn, rows)

    def _received_row(self, sha: str) -> dict | None:
        with self.store.read() as conn:
            return db.received_row(conn, sha)

    # -- checking in worker processes ------------------------------------------------------------------------
    def _start_workers(self, n: int) -> None:
        """Fork n−1 check workers (see check_workers): each gets this Collector as it is now, plans
        and the progress index loaded (:func:`_worker_start`)."""
        if n <= 1 or self._pool is not None:
            return
        import multiprocessing

        for year in sorted({int(p[:4]) for p in self.periods}):  # loaded once, before the fork
            self.plan_for(year)
            self._prefill_progress("", f"{year}Q1")
        self._pool = multiprocessing.get_context("fork").Pool(n - 1, initializer=_worker_start, initargs=(self,))

    def _from_worker(self, checked: Checked) -> Checked:
        """A worker's result, with its plan put back (workers send the plan's id, not the plan)."""
        if checked.plan is not None:
            pid = checked.plan
            if pid not in self._plans_by_id:  # a year not loaded before the fork
                self.plan_for(checked.identity.year)
            checked.plan = self._plans_by_id.get(pid) or self.store.load_plan(plan_id=pid)
        return checked

    def _link_rejected(self, fo: FileOutcome, rec: dict) -> FileOutcome:
        """A file accepted before (as another unit's or period's return) sent through this link: it
        is rejected here and the store is unchanged; its receipt gets a name of its own, so the
        receipt of its acceptance stands."""
        fo.outcome, fo.duplicate = "rejected", True
        fo.name, fo.received_at = rec["file_name"], rec["received_at"]
        fo.unit, fo.period = rec["unit"], rec["period"]
        fo.problems = link_problems(self.link, rec["unit"], rec["period"], fo.name)
        folder = self.ws.outbox / "receipts"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / receipt_name(fo).replace("-回执.txt", "-链接退回-回执.txt")
        fo.receipt = str(path)
        atomic_write(path, receipt_bytes(fo, self.config))
        return fo

    def _stale(self, fo: FileOutcome) -> FileOutcome:
        """A file received before, sent again in a later quarter: say so (the store is unchanged)."""
        from tracker.periods import parse_period

        if self.link:  # the link names the period: link_problems said what there is to say
            return fo
        if fo.period and fo.period not in self.periods:
            main = sorted(self.periods)[0]
            fo.problems = [Problem("period-mismatch", f"这是 {fo.period} ({parse_period(fo.period).label}) 的报表, 已于"
                                   f"{cn_date(fo.received_at)}收到, 本次收集的是 {main} ({parse_period(main).label}) "
                                   "的报表。可能误发了上一季度的文件", file=fo.name, severity=WARNING), *fo.problems]
        return fo

    def _check_only(self, fo: FileOutcome, data: bytes) -> FileOutcome:
        checked = self.check(data, fo.name)
        fo.problems = list(checked.problems)
        fo.unit, fo.period, fo.items = checked.unit, checked.period, len(checked.rows)
        fo.outcome = "rejected" if checked.problems.errors else "accepted"
        return fo

    def _store(self, sha: str, checked: Checked) -> bool | dict | None:
        """One transaction. Returns True when another run had already done the file; else, for an
        accepted or rejected file, what :meth:`_stored_outcome` would read back from the store
        (known inside the transaction, which saves a read per file), or None (a duplicate)."""
        from tracker.store import now_iso

        problems_json = jsonout.dumps([p.to_dict() for p in checked.problems])
        with self.store.begin() as conn:
            rec = db.received_row(conn, sha)
            if rec["outcome"] not in ("pending", "rejected"):
                return True
            base = {"sha": sha, "problems": problems_json, "unit": checked.unit, "period": checked.period,
                    "processed_at": now_iso()}
            known = {"outcome": "rejected", "file_name": rec["file_name"], "received_at": rec["received_at"],
                     "unit": checked.unit, "period": checked.period, "problems": problems_json}
            if checked.problems.errors:
                db.mark_received(conn, {"outcome": "rejected", **base})
                return known
            current = db.current_return(conn, checked.unit, checked.period)
            if current is not None and db.stored_values(conn, current["id"]) == (checked.rows, checked.targets):
                db.mark_received(conn, {"outcome": "duplicate", **base})
                return None
            rid = db.insert_return(conn, sha=sha, plan_id=checked.plan.db_id, unit=checked.unit,
                                   period=checked.period, received_at=rec["received_at"], rows=checked.rows,
                                   targets=checked.targets)
            known.update(outcome="accepted", items=len(checked.rows), current=True, replaced=None)
            others = db.order_returns(conn, checked.unit, checked.period, rid, known)
            db.mark_received(conn, {"outcome": "accepted", **base})
            # the receipts of the unit's returns for the period, written inside the write lock:
            # another run that moves them again writes them after this (a kill before the commit
            # leaves the file pending, and the rerun writes them again)
            mine = _fill_outcome(FileOutcome(file="", name="", sha256=sha), False, known)
            self._write_receipt(mine, now=True)
            for other in others:
                fo = self._stored_outcome(FileOutcome(file="", name="", sha256=other), False, conn=conn)
                self._write_receipt(fo, now=True)
            known["receipt_written"] = True
        return known

    def _finish(self, fo: FileOutcome, duplicate: bool, known: dict | None = None) -> FileOutcome:
        if known is None:
            self._stored_outcome(fo, duplicate)
        else:
            _fill_outcome(fo, duplicate, known)
        if fo.office_side:  # the office's matter: nothing goes to the department
            fo.receipt = ""
            return fo
        path = self._receipt_path(fo)
        fo.receipt = str(path)
        if known is not None and known.get("receipt_written"):
            return fo
        # a receipt is rewritten only when the outcome changed
        if not (duplicate and (path in self._receipts or path.exists())):
            self._write_receipt(fo)
        return fo

    def _receipt_path(self, fo: FileOutcome) -> Path:
        if self._receipt_dir is None:
            self._receipt_dir = self.ws.outbox / "receipts"
        return self._receipt_dir / receipt_name(fo)

    def _write_receipt(self, fo: FileOutcome, now: bool = False) -> None:
        """Write fo's receipt; ``now``: in this thread, before returning (inside a transaction)."""
        path = self._receipt_path(fo)
        if not self._receipts:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._receipts.add(path)
        data = receipt_bytes(fo, self.config)
        if now:
            atomic_write(path, data)
        else:
            self._write(path, data)

    def _write(self, path: Path, data: bytes) -> None:
        """Write a receipt: by the I/O thread when there is one (creating a file is kernel time,
        0.05–0.3 ms here, during which this thread goes on), in the order given."""
        if self._writer is None:
            atomic_write(path, data)
            return
        self._written.append(self._writer.submit(atomic_write, path, data))
        while self._written and self._written[0].done():
            self._written.popleft().result()  # raises what the writer raised

    def flush(self) -> None:
        """Wait until every receipt is written (raises the first error of the writer thread)."""
        while self._written:
            self._written.popleft().result()

    def _stored_outcome(self, fo: FileOutcome, duplicate: bool, conn=None) -> FileOutcome:
        """Fill fo from what the store holds about its file (so receipts are the same on rerun);
        ``conn``: read inside that transaction."""
        from contextlib import nullcontext

        with self.store.read() if conn is None else nullcontext(conn) as conn:
            got = db.file_outcome(conn, fo.sha256)
        _fill_received(fo, duplicate, got["received"])
        if "current" in got:  # stored as a return
            fo.items, fo.current = got["items"], got["current"]
            fo.superseded = got["replaced"] is not None
            fo.replaced = got["replaced"]
        elif "same_as" in got:  # a duplicate of a stored return
            fo.same_as, fo.items = got["same_as"], got["items"]
        return fo


def _fill_outcome(fo: FileOutcome, duplicate: bool, known: dict) -> FileOutcome:
    """Fill fo exactly as :meth:`Collector._stored_outcome` would, from what ``_store`` just wrote."""
    _fill_received(fo, duplicate, known)
    if known["outcome"] == "accepted":
        fo.items = known["items"]
        fo.current = known["current"]
        fo.superseded = known["replaced"] is not None
        fo.replaced = known["replaced"]
    return fo


def _fill_received(fo: FileOutcome, duplicate: bool, rec: dict) -> None:
    """The fields of fo its ``received`` row gives (outcome, file name, date, unit, period, problems)."""
    fo.duplicate = duplicate
    fo.outcome = rec["outcome"]
    fo.name = rec["file_name"]
    fo.received_at = rec["received_at"]
    fo.unit, fo.period = rec["unit"], rec["period"]
    fo.problems = [Problem(**p) for p in json.loads(rec["problems"])]


def _answers(source) -> tuple[dict, dict]:
    """The answers of a checked workbook, or of prefill rows (item id -> current_return_rows row):
    ({item id: (status, progress, done, problems, next)}, {(item id, idx): (actual, note)}), with
    empty answers left out, so that a blank item and a missing one compare equal."""
    if isinstance(source, Checked):
        rows = {iid: tuple(v[k] for k in ITEM_FIELDS) for iid, v in source.rows.items()}
        targets = {key: (t["actual"], t["note"] or "") for key, t in source.targets.items()}
    else:
        rows = {iid: tuple(r[k] for k in ITEM_FIELDS) for iid, r in source.items()}
        targets = {(iid, t["idx"]): (t["actual"], t["note"] or "") for iid, r in source.items() for t in r["targets"]}
    blank = ("", None, "", "", "")
    return ({k: v for k, v in rows.items() if v != blank},
            {k: v for k, v in targets.items() if v != (None, "")})


def _blank(checked: Checked) -> bool:
    return _answers(checked) == ({}, {})


def stored_outcome(ws, sha256: str) -> FileOutcome:
    """What the store holds about a received file (``receipt``: where its receipt is written)."""
    c = Collector(ws, dry_run=True)
    try:
        fo = c._stored_outcome(FileOutcome(file="", name="", sha256=sha256), duplicate=False)
    finally:
        c.close()
    fo.file = fo.name
    fo.receipt = str(ws.outbox / "receipts" / receipt_name(fo))
    return fo


def collect(ws, paths: list[Path] | None = None, *, received: date | None = None, period: str | None = None,
            dry_run: bool = False, progress=None, keep: bool = False, workers: int | None = None) -> CollectResult:
    """Collect files and folders (default: the inbox). ``progress(list)`` may wrap the loop;
    ``workers``: how many processes check (:func:`check_workers`; None: one per core).

    ``received``: the date the office received them (default today; given, it also corrects the
    date stored for a file received before). Files collected from the inbox are then moved to
    ``inbox/已处理/`` or ``inbox/已退回/`` unless ``keep`` (:mod:`tracker.inbox`)."""
    from tracker import inbox

    given = [Path(p) for p in paths] if paths else [ws.inbox]
    files = find_files(given)
    c = Collector(ws, received=received, period=period, dry_run=dry_run, workers=workers)
    result = CollectResult(not_returns=inbox.other_files(given))
    try:
        c.expect(files)
        for f in progress(files) if progress else files:
            fo = c.collect_file(f)
            if not inbox.gone(ws, fo):
                result.files.append(fo)
        c.flush()
    finally:
        c.close()
    if not dry_run and not keep:
        inbox.tidy(ws, result.files)
    return result
