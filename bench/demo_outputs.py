"""The demo year's outputs, before and after a change: the same, file for file and cell for cell.

A restructuring (issue #8) must not change what tracker writes. This script runs ``tracker demo``
from the source tree it sits in (a subprocess with that tree first on ``PYTHONPATH``), reads back
every file the demo wrote and the rows of its store, and reduces each to a digest of its content:

* ``.xlsx``/``.docx`` (zip packages): each part's bytes, in order, except the creation and
  modification times in ``docProps/core.xml`` (the only thing allowed to differ);
* the store: every table's rows, sorted, with the columns that hold the clock (received, stored,
  withdrawn … at) and a received file's raw size left out;
* ``.json``/``.html``/``.svg``/text: the text, with the run's own folder and ISO timestamps of today
  replaced by placeholders;
* other files (PNG charts, archived returns): their bytes;
* the ``--json`` answers of status, report, graph stats, units, returns, remind and plan show.

Files whose names hold the SHA-256 of their content (``archive/<sha>.xlsx``) are named by the
digest of their canonical content instead, so a return written at another second matches.

::

    python bench/demo_outputs.py update   # write bench/demo_outputs.json from this tree
    python bench/demo_outputs.py check    # run the demo again, compare; exit 1 naming what differs
    python bench/demo_outputs.py check --portable   # ... all but the charts' pictures (another machine)
    python bench/demo_outputs.py show     # the digests of this tree, as JSON, on stdout

``tests/test_demo_reference.py`` runs ``check --portable``: the charts are pictures drawn with
the fonts and the matplotlib of the machine, so only the machine that wrote the reference compares
them (``check``). When a change of output is intended, run
``update`` and say so in the commit.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path(__file__).resolve().parent / "demo_outputs.json"
SEED = "2007"

_CORE_TIMES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
_ISO_NOW = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:?\d{2}|Z)?")
_SHA_NAME = re.compile(r"^[0-9a-f]{64}")
# Columns that hold when something happened on the machine (the clock), not what was received, and
# the raw size of a received file (its zip compresses the creation time, a byte more or less).
_CLOCK_COLUMNS = re.compile(r"(^|_)(at|time|created|updated|stored|mtime|imported|ts)$|_at$|^file_mtime$|^size$")


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


_MEDIA = re.compile(r"^(word|xl|ppt)/media/")
_INLINE_IMAGES = re.compile(r"<svg\b.*?</svg>|data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", re.S)
IMAGES = (".png", ".svg", ".jpg", ".jpeg")


def _zip_digest(data: bytes, portable: bool = False) -> str:
    h = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if portable and _MEDIA.match(info.filename):
                h.update(info.filename.encode() + b"\0<image>\n")
                continue
            part = z.read(info.filename)
            if info.filename == "docProps/core.xml":
                part = _CORE_TIMES.sub(b"", part)
            h.update(info.filename.encode() + b"\0" + _sha(part).encode() + b"\n")
    return h.hexdigest()


def _archive_shas(out: Path) -> dict[str, str]:
    """The SHA-256 of each archived file (its name) -> a digest of its canonical content."""
    return {p.name[:64]: file_digest(p, str(out), {})[:16]
            for p in sorted(out.rglob("*")) if p.is_file() and _SHA_NAME.match(p.name)}


_HEX = re.compile(r"(?<![0-9a-f])[0-9a-f]{8,64}(?![0-9a-f])")


def _unsha(text: str, shas: dict[str, str]) -> str:
    """Hex runs that are (prefixes of) an archived file's SHA-256 -> that file's canonical digest."""
    if not shas:
        return text
    prefixes = _prefixes(shas)

    def sub(m):
        canon = prefixes.get(m.group(0))
        return f"<sha:{canon}>" if canon else m.group(0)

    return _HEX.sub(sub, text)


_PREFIX_CACHE: dict[int, dict[str, str]] = {}


def _prefixes(shas: dict[str, str]) -> dict[str, str]:
    key = id(shas)
    if key not in _PREFIX_CACHE:
        _PREFIX_CACHE[key] = {sha[:n]: canon for sha, canon in shas.items() for n in (8, 12, 16, 64)}
    return _PREFIX_CACHE[key]


def _text_digest(text: str, run_dir: str, shas: dict[str, str], portable: bool = False) -> str:
    text = _unsha(text.replace(run_dir, "<DEMO>"), shas)
    if portable:
        text = _INLINE_IMAGES.sub("<image>", text)
    text = _ISO_NOW.sub("<TIME>", text)
    return _sha(text.encode("utf-8"))


def file_digest(path: Path, run_dir: str, shas: dict[str, str], portable: bool = False) -> str:
    """The digest of one file's content; ``portable`` leaves out the pictures (charts drawn by
    matplotlib with this machine's fonts), so two machines can compare."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if portable and suffix in IMAGES:
        return "<image>"
    if suffix in (".xlsx", ".xlsm", ".docx") and data[:2] == b"PK":
        return _zip_digest(data, portable)
    if suffix in (".json", ".html", ".htm", ".svg", ".txt", ".md", ".csv", ".toml", ".log"):
        try:
            return _text_digest(data.decode("utf-8-sig"), run_dir, shas, portable)
        except UnicodeDecodeError:
            pass
    return _sha(data)


def store_digest(db: Path, shas: dict[str, str]) -> dict[str, str]:
    """Each table of the SQLite store: a digest of its rows, sorted, clock columns left out."""
    out = {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for t in tables:
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
            keep = [c for c in cols if not _CLOCK_COLUMNS.search(c)]
            rows = con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in keep)} FROM "{t}"').fetchall()
            canon = sorted(json.dumps([_canon_value(v, shas) for v in r], ensure_ascii=False, default=str) for r in rows)
            out[t] = f"{len(rows)} rows " + _sha("\n".join(canon).encode())[:16] + " " + ",".join(keep)
    finally:
        con.close()
    return out


def _canon_value(v, shas: dict[str, str]):
    if isinstance(v, bytes):
        return "bytes:" + _sha(v)
    if isinstance(v, str):
        return _unsha(_ISO_NOW.sub("<TIME>", v), shas)
    return v


# The demo with its two random numbers pinned: the workspace secret (which signs every template's
# identity, so every workbook and hash downstream depends on it) and the links' nonces.
_DRIVER = """
import sys, types
import tracker.links, tracker.workspace
from tracker.cli import main
fixed = types.SimpleNamespace(token_hex=lambda n=32: ("5eed" * n)[: 2 * n])
tracker.workspace.secrets = tracker.links.secrets = fixed
main(["-q", "demo", "-o", sys.argv[1], "--seed", sys.argv[2]], standalone_mode=True)
"""


# What the office asks of the finished year with --json (the report's figures, each quarter's status,
# the graph's statistics, the returns of a quarter).
_JSON_COMMANDS = [["status", f"2007Q{q}", "--json"] for q in range(1, 5)] + [
    ["report", "2007", "--json"], ["graph", "stats", "--json"], ["units", "--json"],
    ["returns", "2007Q4", "--json"], ["remind", "2007Q4", "--json"], ["plan", "show", "--json"]]


def snapshot(tree: Path = ROOT) -> dict:
    """Run the demo from ``tree`` in a new folder and return ``{"files": {name: digest}, "store": …}``."""
    with tempfile.TemporaryDirectory(prefix="tracker-demo-ref-") as tmp:
        out = Path(tmp) / "demo"
        env = dict(os.environ, PYTHONPATH=str(tree) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        env.pop("TRACKER_WORKSPACE", None)
        r = subprocess.run([sys.executable, "-c", _DRIVER, str(out), SEED],
                           cwd=tmp, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"tracker demo failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
        shas = _archive_shas(out)
        files, portable = {}, {}
        for p in sorted(out.rglob("*")):
            if not p.is_file():
                continue
            rel = p.relative_to(out).as_posix()
            if rel.endswith((".db", ".db-wal", ".db-shm", ".sqlite")) or "/.tmp" in rel or rel.startswith(".tmp"):
                continue
            files[_unsha(rel, shas)] = file_digest(p, str(out), shas)
            portable[_unsha(rel, shas)] = file_digest(p, str(out), shas, portable=True)
        dbs = sorted(out.rglob("*.db")) or sorted(out.rglob("*.sqlite"))
        store = store_digest(dbs[0], shas) if dbs else {}
        for args in _JSON_COMMANDS:
            r = subprocess.run([sys.executable, "-m", "tracker", "-w", str(out), *args,
                                *(["-o", str(Path(tmp) / "again")] if args[0] == "report" else [])],
                               cwd=tmp, env=env, capture_output=True, text=True)
            name = "json:" + " ".join(args)
            files[name] = portable[name] = _text_digest(f"exit {r.returncode}\n{r.stdout}", str(tmp), shas)
    return {"files": files, "portable": portable, "store": store, "writers": writer_versions()}


WRITERS = ("openpyxl", "xlsxwriter", "python-docx", "python-calamine", "Jinja2", "SQLAlchemy")


def writer_versions() -> dict[str, str]:
    """The versions of the libraries that write (and read) the outputs: bytes compare only between
    the same writers."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in WRITERS:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out


def compare(ref: dict, now: dict, portable: bool = False) -> list[str]:
    """The differences, one line each (empty when the outputs are the same); ``portable`` compares
    everything but the pictures."""
    lines = []
    for kind in ("portable" if portable else "files", "store", "writers"):
        a, b = ref.get(kind, {}), now.get(kind, {})
        for k in sorted(set(a) | set(b)):
            if k not in b:
                lines.append(f"{kind}: missing now: {k}")
            elif k not in a:
                lines.append(f"{kind}: new: {k}")
            elif a[k] != b[k]:
                lines.append(f"{kind}: differs: {k}")
    return lines


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "check"
    if cmd == "show":
        print(json.dumps(snapshot(), ensure_ascii=False, indent=1, sort_keys=True))
        return 0
    if cmd == "update":
        snap = snapshot()
        REFERENCE.write_text(json.dumps(snap, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"wrote {REFERENCE.name}: {len(snap['files'])} files, {len(snap['store'])} tables")
        return 0
    if cmd == "check":
        ref = json.loads(REFERENCE.read_text("utf-8"))
        diff = compare(ref, snapshot(), portable="--portable" in argv)
        if diff:
            print(f"the demo's outputs differ from {REFERENCE.name} ({len(diff)}):")
            print("\n".join("  " + d for d in diff[:40]))
            if len(diff) > 40:
                print(f"  … and {len(diff) - 40} more")
            return 1
        print(f"the demo's outputs are those of {REFERENCE.name}: {len(ref['files'])} files, "
              f"{len(ref['store'])} tables")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
