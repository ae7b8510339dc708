"""The one input layer (issue #8): one Sheet and workbook reader (tracker.sheets), one detect
(tracker.detect), a registry of importers that never import their package."""

from __future__ import annotations

import ast
import io
import zipfile
from pathlib import Path

import pytest

import tracker
from tracker.detect import ENCRYPTED_PACKAGE, OLE_MAGIC, Detected, container, detect
from tracker.problems import InputError

IMPORTERS_DIR = Path(tracker.__file__).parent / "importers"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, those inside functions included."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_no_importer_module_imports_its_package():
    """tracker/importers/__init__ imports its modules; what they share is in base.py."""
    for path in IMPORTERS_DIR.glob("*.py"):
        if path.name != "__init__.py":
            assert "tracker.importers" not in _imports(path), path.name


def test_every_registered_importer_identifies_and_extracts():
    from tracker.importers import FORMATS, IMPORTERS

    assert FORMATS == ("auto", "xlsx", "xls", "ods", "docx", "doc", "pdf", "html", "text", "narrative", "csv")
    for imp in IMPORTERS:
        assert callable(imp.module.identify) and callable(imp.module.extract), imp.module.__name__


def test_one_sheet_type_and_one_workbook_reader():
    from tracker import sheets
    from tracker.importers import spreadsheet, table

    assert not hasattr(table, "Sheet") or table.Sheet is sheets.Sheet
    assert not any(n.startswith("_ods") for n in vars(spreadsheet))
    for path in IMPORTERS_DIR.glob("*.py"):  # ODS merged ranges are parsed in tracker/sheets.py only
        assert "number-columns-spanned" not in path.read_text(encoding="utf-8"), path.name


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(("data", "fmt"), [
    (_zip({"xl/workbook.xml": b"<x/>"}), "xlsx"),
    (_zip({"word/document.xml": b"<x/>"}), "docx"),
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "ods"),
    (OLE_MAGIC + b"\0" * 100 + "WordDocument".encode("utf-16-le"), "doc"),
    (OLE_MAGIC + b"\0" * 100, "xls"),
    (b"%PDF-1.4\n", "pdf"),
    (b"<html><body><table></table></body></html>", "html"),
    ("序号,工作内容,负责单位\n".encode("gbk"), "text"),
])
def test_detect_names_the_format_from_the_content(data, fmt):
    d = detect(data, "renamed.bin")
    assert (d.format, d.name) == (fmt, "renamed.bin")
    assert (d.text is not None) == (fmt == "text")


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty-file"),
    (OLE_MAGIC + b"\0" * 100 + ENCRYPTED_PACKAGE, "encrypted"),
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), "odt-format"),
    (_zip({"a.txt": b"x"}), "unknown-format"),
    (b"PK\x03\x04 not really a zip", "corrupt-file"),
    (b"\x00\x01\x02junk", "unknown-format"),
    ("Café €".encode("cp1252"), "unknown-encoding"),
])
def test_detect_refuses_what_no_importer_reads(data, code):
    with pytest.raises(InputError) as e:
        detect(data, "x.bin")
    assert [p.code for p in e.value.problems] == [code]


def test_the_guard_and_detect_share_the_sniffing():
    from tracker import safety

    assert safety.OLE_MAGIC is OLE_MAGIC and safety.ENCRYPTED_PACKAGE is ENCRYPTED_PACKAGE
    assert [container(h) for h in (OLE_MAGIC, b"PK\x03\x04", b"%PDF-1.7", b"abc")] == ["ole", "zip", "pdf", ""]
    assert not hasattr(safety, "check_bytes")


def test_the_text_readers_are_chosen_by_score():
    from tracker.importers import choose

    def form(text: str) -> str:
        return choose(Detected("a.txt", "text", text.encode(), text=text))[1]

    assert form("序号,工作内容,负责单位\n1,建立制度,市知识产权局\n") == "csv"
    assert form("┌──┬──┐\n" * 10) == "text"
