"""Guards run on every file before a reader parses it, and output safety for what we write.

Files come from people and from old software, and the readers underneath (python-calamine in Rust,
openpyxl, python-docx) trust them more than we may. Every check here is cheap, works on the raw
bytes, and ends in :class:`~tracker.problems.InputError` (or, for collect, a list of
:class:`~tracker.problems.Problem`) with a Chinese message naming the file — never a crash.

What :func:`check_xlsx_like` / :func:`workbook_problems` check (xlsx, xlsm, ods, docx, and xls):

* **Empty files.**
* **OLE containers** (.xls, or an encrypted xlsx: Office wraps it in OLE with an ``EncryptedPackage``
  stream): encrypted ones are rejected; an OLE file over :attr:`Limits.max_file` is rejected.
* **Zip structure.** Not a readable zip, a damaged central directory, a member whose data does not
  match its CRC or size, encrypted members, unknown compression methods: rejected as damaged.
  Every member is really decompressed (streaming, bounded), so sizes in the headers are never
  trusted: a member that inflates to more than it declares is rejected.
* **Zip bombs.** More than :attr:`Limits.max_members` members; a total uncompressed size (declared
  or real) over :attr:`Limits.max_total` (200 MB); a member over :attr:`Limits.ratio_min_size`
  (10 MB) that is compressed more than :attr:`Limits.max_ratio` (200:1).
* **Nested archives.** A member named like an archive (.zip .rar .7z .gz .tar …) outside the
  embeddings folders is rejected; we never open nested archives. Embedded Office objects
  (``xl/embeddings/``, ``word/embeddings/``: a chart's workbook inside a docx) are allowed and
  never opened.
* **XML entity bombs.** Office and OpenDocument XML never contains a DTD. Any XML member that
  starts with ``<!DOCTYPE`` / ``<!ENTITY`` is rejected before any parser sees it. Behind that guard:
  python-calamine (quick-xml) does not expand custom entities at all ("unrecognized entity");
  openpyxl uses defusedxml for ``iterparse`` when it is installed (``openpyxl.xml.DEFUSEDXML``) and
  lxml with ``resolve_entities=False`` for ``fromstring``; python-docx parses with lxml and
  ``resolve_entities=False``; libxml2 and expat both stop entity amplification. The tests prove
  each of these on the corpus. The XML we parse ourselves here goes through defusedxml.
* **Huge sheets.** Before calamine loads a sheet it allocates rows × columns cells for the range
  spanned by the cells that hold values: a 1 KB xlsx with values in A1 and XFD1048576 asks for
  512 GB and aborts the process (a Rust panic, no message). So each worksheet's XML is scanned
  (regex over the streamed bytes, no tree built) for the last row and column that hold a cell, and
  merged ranges; ODS content.xml is scanned (defusedxml SAX) with ``number-rows-repeated`` /
  ``number-columns-repeated`` applied. More than :attr:`Limits.max_rows` (100,000) rows,
  :attr:`Limits.max_cols` (200) columns, or :attr:`Limits.max_cells` (2,000,000) cells in the
  spanned area is rejected with the sheet named. A province's plan (2,000 items × 10 columns) is
  far below.
* **Formulas where values belong (decision).** python-calamine returns the value the spreadsheet
  program cached when it saved. A formula cell WITH a cached value is accepted and its value used,
  with a warning naming sheet and cell (``formula-cell``) — a clerk who wrote ``=A5+1`` for 序号
  sees the number Excel showed. A formula cell WITHOUT a cached value (a file written by a program
  and never opened in Excel) is an error (``formula-no-value``): we would otherwise read an empty
  cell. At most :data:`FORMULA_REPORT` cells are named per sheet.
* **Macros (decision).** .xlsm / .docm (a ``vbaProject.bin`` member) are read for their values
  only, with a warning (``macros-ignored``): we never run or keep macros in what we write, and
  rejecting would only make the office ask the department to re-save. The archived copy still
  holds the macros, which the warning says.

Text files (csv, box text, narrative) go through :func:`check_text`: binary junk is rejected, and
text that is neither UTF-8/UTF-16 (with BOM) nor Chinese GBK/GB18030 — such as a Windows-1252 csv
from a Western Excel, "Café", "€", “smart quotes” — is rejected with a message that says how to
re-save it (decision: **rejected, never guessed**; a cp1252 file cannot hold the Chinese header
words anyway, and decoding it as GB18030 would put mojibake into unit names). GB18030 is accepted
when most of its non-ASCII characters are common Chinese (GB2312); cp1252 bytes decoded as GB18030
land almost entirely outside GB2312. The policy itself is :func:`tracker.detect.decode_text`, which
every importer decodes with too.

Output safety: :func:`safe_cell_text` for csv writers (a leading ``'`` before ``=``, ``+``, ``-``,
``@``, tab or CR, the OWASP rule; plain numbers such as ``-2`` are left alone). xlsx writers must
write strings as strings (xlsxwriter ``write_string`` or ``strings_to_formulas=False``; openpyxl
``cell.data_type = "s"`` after setting a value that starts with ``=``); ``tests/test_output_safety.py``
reads every workbook the tool writes back and checks that no cell is a formula.

See docs/hardening.md.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import struct
import zlib
from collections import deque
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tracker.detect import ENCRYPTED_PACKAGE, OLE_MAGIC, container, decode_text
from tracker.problems import ERROR, WARNING, InputError, Problem, Problems, a1, col_letter

FORMULA_REPORT = 5  # formula cells named per sheet; the rest are counted
ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".cab", ".jar", ".zst")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_file: int = 100 * 1024 * 1024  # bytes on disk
    max_total: int = 200 * 1024 * 1024  # sum of uncompressed member sizes
    max_ratio: int = 200  # compression ratio of one member ...
    ratio_min_size: int = 10 * 1024 * 1024  # ... that is bigger than this
    max_members: int = 10_000
    max_rows: int = 100_000
    max_cols: int = 200
    max_cells: int = 2_000_000  # rows x columns of the area a sheet's cells span


LIMITS = Limits()


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n} 字节"


class _Reject(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


# -- public API ----------------------------------------------------------------------------------
def check_xlsx_like(path, problems: Problems | None = None, *, name: str | None = None,
                    limits: Limits = LIMITS) -> None:
    """Check a workbook or Word file (xlsx, xlsm, xls, ods, docx) before any reader opens it.

    Raises InputError (with every problem so far) on a file that must not be read; warnings
    (macros, formula cells) are appended to ``problems`` when given.
    """
    path = Path(path)
    name = name or path.name
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputError(Problem("unreadable", f"无法读取文件: {e.strerror or e}", file=name)) from None
    if size > limits.max_file:
        raise InputError(Problem("file-too-large", f"文件太大 ({_mb(size)}), 超过上限 {_mb(limits.max_file)}",
                                 file=name))
    found = workbook_problems(path, name, limits=limits)
    _raise_or_add(found, problems)


def workbook_problems(source, file: str, *, limits: Limits = LIMITS) -> list[Problem]:
    """Every problem found in a workbook/docx (bytes or a path). Never raises for bad input.

    For collect: add these to the file's problems; any error means do not read it further.
    """
    try:
        if isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
            if len(data) > limits.max_file:
                return [Problem("file-too-large", f"文件太大 ({_mb(len(data))}), 超过上限 {_mb(limits.max_file)}",
                                file=file)]
            return _Inspector(io.BytesIO(data), file, limits).run()
        with open(source, "rb") as f:
            return _Inspector(f, file, limits).run()
    except _Reject as r:
        return [r.problem]
    except OSError as e:
        return [Problem("unreadable", f"无法读取文件: {e.strerror or e}", file=file)]


OFFICE_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xls", ".ods", ".docx", ".docm", ".doc", ".et", ".wps")


def check_file(path, problems: Problems | None = None, *, name: str | None = None,
               limits: Limits = LIMITS) -> None:
    """The guard :func:`tracker.importers.extract` calls once, before identify() and any reader.

    Zip and OLE containers go through :func:`check_xlsx_like`; other files through
    :func:`check_text`, except junk named like a workbook, which gets its own message.
    """
    from tracker.files import read_input

    path = Path(path)
    name = name or path.name
    head = read_input(path, 4096, name=name)
    kind = container(head)
    if kind in ("zip", "ole"):
        check_xlsx_like(path, problems, name=name, limits=limits)
        return
    if kind == "pdf":  # read by pdfplumber (tracker/importers/pdf.py); only its size here
        if path.stat().st_size > limits.max_file:
            raise InputError(Problem("file-too-large", f"文件太大 ({_mb(path.stat().st_size)}), 超过上限 "
                                     f"{_mb(limits.max_file)}", file=name))
        return
    if path.suffix.lower() in OFFICE_SUFFIXES and (b"\x00" in head or text_problems(path.read_bytes(), name)):
        raise InputError(Problem("unknown-format", f"文件扩展名是 {path.suffix}, 但内容不是 Excel/WPS/LibreOffice "
                                 "表格或 Word 文档 (可能只是改了扩展名, 或文件已损坏)", file=name))
    check_text(path, problems, name=name, limits=limits)


def check_text(path, problems: Problems | None = None, *, name: str | None = None,
               limits: Limits = LIMITS) -> None:
    """Check a text file (csv, box-drawing text, narrative) before it is decoded."""
    path = Path(path)
    name = name or path.name
    try:
        size = path.stat().st_size
        if size > limits.max_file:
            raise InputError(Problem("file-too-large", f"文件太大 ({_mb(size)}), 超过上限 {_mb(limits.max_file)}",
                                     file=name))
        data = path.read_bytes()
    except OSError as e:
        raise InputError(Problem("unreadable", f"无法读取文件: {e.strerror or e}", file=name)) from None
    _raise_or_add(text_problems(data, name), problems)


def text_problems(data: bytes, file: str) -> list[Problem]:
    """Problems with the encoding of a text file: [] when :func:`decode_text` can read it."""
    try:
        decode_text(data, file)
    except InputError as e:
        return list(e.problems)
    return []


# -- text every writer can take ----------------------------------------------------------------------
# The characters XML 1.0 cannot hold, not even as &#…; references: C0 controls other than tab, line
# feed and carriage return, U+FFFE, U+FFFF, and lone surrogates (a str can hold them; UTF-8 cannot).
# python-docx/lxml refuse them ("All strings must be XML compatible"), xlsxwriter writes files Excel
# calls damaged, and HTML shows garbage. They come in from people's cells (pasted from a PDF or an
# old system; Excel stores them as _x0001_ escapes, which calamine decodes), so they are removed at
# the door — in returns and in plans — with a warning naming the cell.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> tuple[str, int]:
    """``text`` without the characters XML 1.0 cannot hold, and how many were removed. The one
    sanitising function: collect (:mod:`tracker.collect`) and the plan builder call it on every
    text they store."""
    if not isinstance(text, str) or text.isprintable():  # the usual case, in C: nothing to remove
        return text, 0
    clean, n = _NOT_XML.subn("", text)
    return clean, n


def xml_safe_problem(n: int, **where) -> Problem:
    """The warning for ``n`` characters :func:`xml_safe` removed from a cell."""
    return Problem("text-control-chars", f"文字中有 {n} 个不可见的控制字符 (如从 PDF 或其他系统复制带来的), "
                   "Word/Excel 无法保存, 已删除", severity=WARNING, **where)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def safe_cell_text(s) -> str:
    """Text for a csv cell that no spreadsheet program will run as a formula.

    A value starting with = + - @ (or tab / CR) gets a leading apostrophe, the OWASP rule for csv
    injection; plain numbers ("-2", "+5%") stay as they are. Non-strings are returned unchanged.
    """
    if not isinstance(s, str) or not s:
        return s
    if s.startswith(_FORMULA_START) and not _NUMBER.fullmatch(s.strip()):
        return "'" + s
    return s


def looks_like_formula(s) -> bool:
    """True for text a spreadsheet program could take for a formula."""
    return isinstance(s, str) and s.startswith(_FORMULA_START) and not _NUMBER.fullmatch(s.strip())


def _raise_or_add(found: list[Problem], problems: Problems | None) -> None:
    if any(p.is_error for p in found):
        allp = Problems(list(problems.items) if problems is not None else [])
        allp.extend(found)
        raise InputError(allp)
    if problems is not None:
        problems.extend(found)


# -- the inspector -------------------------------------------------------------------------------
_DOCTYPE = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"),
            "<!DOCTYPE".encode("utf-16-be"), "<!ENTITY".encode("utf-16-be"))


def _has_doctype(head: bytes) -> bool:
    # every marker holds the byte "!" (UTF-8 and UTF-16 alike): one memchr settles most parts
    return b"!" in head and any(m in head for m in _DOCTYPE)


class _Inspector:
    def __init__(self, f, file: str, limits: Limits):
        self.f = f
        self.file = file
        self.limits = limits
        self.out: list[Problem] = []

    def err(self, code: str, message: str, **where) -> _Reject:
        return _Reject(Problem(code, message, file=self.file, **where))

    def damaged(self, detail: str = "") -> _Reject:
        extra = f" ({detail})" if detail else ""
        return self.err("corrupt-file", f"文件已损坏或不完整, 无法读取{extra}; 请用 Excel、WPS 或 LibreOffice "
                        "打开确认, 重新保存后再发送")

    def encrypted(self) -> _Reject:
        return self.err("encrypted", "文件有密码保护 (已加密), 无法读取; 请在 Excel/WPS 中去掉密码"
                        "(文件→信息→保护工作簿→用密码进行加密, 清空密码) 后重新保存再发送")

    def run(self) -> list[Problem]:
        f = self.f
        head = f.read(8)
        if not head:
            return [Problem("empty-file", "文件是空的", file=self.file)]
        if head.startswith(OLE_MAGIC):
            self._ole()
            return self.out
        if not head.startswith(b"PK"):
            return [Problem("unknown-format", "文件内容不是 Excel/WPS/LibreOffice 表格或 Word 文档 "
                            "(可能只是改了扩展名, 或文件已损坏)", file=self.file)]
        self._zip()
        return self.out

    # OLE (xls, doc, encrypted OOXML) ------------------------------------------------------------
    def _ole(self) -> None:
        f = self.f
        f.seek(0)
        data = f.read(self.limits.max_file + 1)  # the size was checked: at most 100 MB
        if ENCRYPTED_PACKAGE in data:
            raise self.encrypted()
        try:
            book = _ole_stream(data, ("workbook", "book"))
        except ValueError as e:
            raise self.damaged(f"OLE 复合文档结构损坏: {e}") from None
        if book is not None:
            _BiffScan(self, book).run()

    # zip -----------------------------------------------------------------------------------------
    def _zip(self) -> None:
        import zipfile

        lim = self.limits
        try:
            z = zipfile.ZipFile(self.f)
            infos = z.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error) as e:
            raise self.damaged("不是完整的 xlsx/docx/ods 压缩包" if "central" in str(e) or "zip file" in str(e)
                               else str(e)[:60]) from None
        except NotImplementedError as e:
            raise self.damaged(str(e)[:60]) from None
        if len(infos) > lim.max_members:
            raise self.err("zip-bomb", f"压缩包内文件过多 ({len(infos)} 个, 上限 {lim.max_members}), "
                           "不是正常的表格或 Word 文档, 拒绝读取")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise self.damaged("压缩包内有重名文件")
        if "META-INF/manifest.xml" in names:  # OpenDocument saved with a password: parts are encrypted
            man = next(i for i in infos if i.filename == "META-INF/manifest.xml")
            if man.file_size < 1_000_000 and b"encryption-data" in z.read(man):
                raise self.err("encrypted", "文件有密码保护 (已加密), 无法读取; 请在 LibreOffice/WPS 中去掉密码"
                               "后重新保存再发送")
        declared = sum(i.file_size for i in infos)
        if declared > lim.max_total:
            raise self.err("zip-bomb", f"文件解压后过大 (声明 {_mb(declared)}, 上限 {_mb(lim.max_total)}), "
                           "可能是“压缩炸弹”, 拒绝读取")
        for i in infos:
            self._check_ratio(i.filename, i.file_size, i.compress_size)
            low = i.filename.lower()
            if low.endswith(ARCHIVE_SUFFIXES) and "/embeddings/" not in "/" + low:
                raise self.err("nested-archive", f"文件里夹带了另一个压缩包 ({i.filename}), "
                               "不是正常的表格或 Word 文档, 拒绝读取")
            if i.flag_bits & 0x1:
                raise self.err("encrypted", "压缩包内容已加密, 无法读取; 请去掉密码后重新保存再发送")
            if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise self.damaged(f"不支持的压缩方式 {i.compress_type}")
        namelow = {n.lower() for n in names}
        if any(n.endswith("vbaproject.bin") for n in namelow):
            self.out.append(Problem("macros-ignored", "文件含有宏 (VBA, 如 .xlsm/.docm); 只读取单元格中的值, "
                                    "宏不会被运行。存档中的原文件仍含宏, 请勿在启用宏的情况下打开",
                                    file=self.file, severity=WARNING))
        sheet_names = self._sheet_names(z, names)
        total = 0
        for i in infos:
            total = self._member(z, i, total, sheet_names)

    def _check_ratio(self, name: str, size: int, csize: int) -> None:
        lim = self.limits
        if size > lim.ratio_min_size and size > lim.max_ratio * max(csize, 1):
            raise self.err("zip-bomb", f"压缩包内 {name} 的压缩比异常 ({size // max(csize, 1)}:1, "
                           f"解压后 {_mb(size)}), 可能是“压缩炸弹”, 拒绝读取")

    def _raw_stream(self, z, info):
        """The member's compressed bytes, from its local header (sizes from the central directory)."""
        f = self.f
        f.seek(info.header_offset)
        h = f.read(30)
        if len(h) < 30 or h[:4] != b"PK\x03\x04":
            raise self.damaged(f"{info.filename} 的文件头损坏")
        nlen, xlen = struct.unpack("<HH", h[26:30])
        f.seek(info.header_offset + 30 + nlen + xlen)
        left = info.compress_size
        while left > 0:
            chunk = f.read(min(CHUNK, left))
            if not chunk:
                raise self.damaged(f"{info.filename} 数据不完整 (文件被截断)")
            left -= len(chunk)
            yield chunk

    def _member(self, z, info, total: int, sheet_names) -> int:
        import zipfile

        name = info.filename
        low = name.lower()
        is_xml = low.endswith((".xml", ".rels", ".vml")) or low == "[content_types].xml"
        scanner = None
        if re.fullmatch(r"xl/worksheets/[^/]+\.xml", low) or low in sheet_names.parts:
            scanner = _XlsxSheetScan(self, functools.partial(sheet_names.get, name, PurePosixPath(name).stem))
        elif low == "content.xml":
            scanner = _OdsScan(self)
        d = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        if info.compress_size <= CHUNK and info.file_size < CHUNK:
            # the usual member: one read, one bounded inflate, the same checks in the same order
            return self._small_member(info, d, total, is_xml, scanner)
        check = _MemberCheck(self, info, total, is_xml, scanner)
        take = check.take
        try:
            for chunk in self._raw_stream(z, info):
                if d is None:
                    take(chunk)
                    continue
                buf = chunk
                while buf:
                    piece = d.decompress(buf, CHUNK)
                    take(piece)
                    buf = d.unconsumed_tail
                    if d.eof:
                        break
            if d is not None:
                take(d.flush())
                if not d.eof and info.compress_size:
                    raise self.damaged(f"{name} 数据不完整")
        except zlib.error:
            raise self.damaged(f"{name} 压缩数据损坏") from None
        return check.finish()

    def _small_member(self, info, d, total: int, is_xml: bool, scanner) -> int:
        """:meth:`_member` for a member under CHUNK both ways, without the streaming machinery:
        the streaming loop would read it in one chunk and inflate it in one piece (at most CHUNK
        bytes), so this runs the same checks on the same piece, in the same order."""
        name = info.filename
        raw = b"".join(self._raw_stream(None, info))
        try:
            if d is None:
                piece, flushed, eof = raw, b"", True
            else:
                piece = d.decompress(raw, CHUNK)  # CHUNK bytes (more than declared) fail below
                flushed, eof = (b"", True) if d.eof else (d.flush(), d.eof)
        except zlib.error:
            raise self.damaged(f"{name} 压缩数据损坏") from None
        check = _MemberCheck(self, info, total, is_xml, scanner)
        check.take(piece)
        check.take(flushed)
        if d is not None and not eof and info.compress_size:
            raise self.damaged(f"{name} 数据不完整")
        return check.finish()

    def _sheet_names(self, z, names: list[str]):
        """Sheet part -> the sheet's name, from workbook.xml and its rels (defusedxml), parsed
        before any member is read: the parts they point to are the ones scanned for their size
        (:class:`_SheetNames`), and a DTD there rejects the file. (They were parsed lazily, for the
        names in messages only, until a sheet stored under another part name went unscanned.)"""
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return _SheetNames({})
        infos = {i.filename: i for i in z.infolist()}
        for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if infos[n].file_size > 5 * 1024 * 1024:  # a few KB in any real workbook
                raise self.damaged(f"{n} 过大 ({_mb(infos[n].file_size)})")
        try:
            wb_raw, rels_raw = z.read("xl/workbook.xml"), z.read("xl/_rels/workbook.xml.rels")
        except Exception:  # CRC, damage: the member scan reports it clearly
            return _SheetNames({})
        return _SheetNames(self._parse_sheet_names(wb_raw, rels_raw))

    def _parse_sheet_names(self, wb_raw: bytes, rels_raw: bytes) -> dict[str, str]:
        from defusedxml import ElementTree as DET

        try:
            wb = DET.fromstring(wb_raw, forbid_dtd=True)
            rels = DET.fromstring(rels_raw, forbid_dtd=True)
        except Exception as e:  # DTD forbidden, bad XML: the member scan reports it clearly
            if type(e).__name__ in ("DTDForbidden", "EntitiesForbidden"):
                raise self.err("xml-entities", "xl/workbook.xml 含有 XML 实体定义 (DOCTYPE/ENTITY), 正常的表格不会有; "
                               "可能是“实体炸弹”, 拒绝读取") from None
            return {}
        target = {}
        for r in rels:
            t = r.get("Target", "")
            t = t.lstrip("/") if t.startswith("/") else "xl/" + t
            target[r.get("Id")] = posixpath.normpath(t)
        out = {}
        for el in wb.iter():
            if el.tag.endswith("}sheet") or el.tag == "sheet":
                rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                if rid in target:
                    out[target[rid]] = el.get("name", "")
        return out


class _MemberCheck:
    """What every inflated piece of a zip member goes through, in this order, and the checks at its
    end: both the streaming and the one-piece path of :meth:`_Inspector._member` use it."""

    def __init__(self, insp: _Inspector, info, total: int, is_xml: bool, scanner):
        self.insp, self.info, self.total = insp, info, total
        self.is_xml, self.scanner = is_xml, scanner
        self.produced = 0
        self.crc = 0
        self.head = b""

    def take(self, piece: bytes) -> None:
        if not piece:
            return
        insp, name, lim = self.insp, self.info.filename, self.insp.limits
        self.produced += len(piece)
        self.total += len(piece)
        if self.produced > self.info.file_size:
            raise insp.damaged(f"{name} 解压后的大小与文件头不符")
        if self.total > lim.max_total:
            raise insp.err("zip-bomb", f"文件解压后过大 (超过 {_mb(lim.max_total)}), 可能是“压缩炸弹”, 拒绝读取")
        self.crc = zlib.crc32(piece, self.crc)
        if self.is_xml and len(self.head) < 65536:
            self.head += piece[:65536]
            if _has_doctype(self.head):
                raise insp.err("xml-entities", f"{name} 含有 XML 实体定义 (DOCTYPE/ENTITY), 正常的 Office/WPS/"
                               "LibreOffice 文件不会有; 可能是“实体炸弹”, 拒绝读取")
        if self.scanner is not None:
            self.scanner.feed(piece)

    def finish(self) -> int:
        """The end-of-member checks; returns the running total of inflated bytes."""
        name = self.info.filename
        if self.produced != self.info.file_size:
            raise self.insp.damaged(f"{name} 大小与文件头不符")
        if self.crc != self.info.CRC:
            raise self.insp.damaged(f"{name} 校验和不符")
        if self.scanner is not None:
            self.scanner.close()
        return self.total


# -- .xls: the compound file and its BIFF records ---------------------------------------------------
_ENDCHAIN = 0xFFFFFFFA  # sector numbers from here on are markers (free, end of chain, FAT, DIFAT)


def _ole_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """The first stream of a compound file (OLE, [MS-CFB]) whose name is one of ``names`` (any
    case), or None. Raises ValueError for a structure that does not hold together (a sector past
    the end, a chain that loops). Reads only the FAT, the directory and that stream."""
    u16 = functools.partial(struct.unpack_from, "<H")
    u32 = functools.partial(struct.unpack_from, "<I")
    if len(data) < 512:
        raise ValueError("文件头不完整")
    ss, mss = 1 << u16(data, 0x1E)[0], 1 << u16(data, 0x20)[0]
    if ss not in (512, 4096) or mss > ss:
        raise ValueError("扇区大小无效")
    nsec = (len(data) - ss) // ss + (1 if (len(data) - ss) % ss else 0) if len(data) > ss else 0

    def sector(n: int) -> bytes:
        if n >= nsec:
            raise ValueError("扇区超出文件末尾")
        return data[(n + 1) * ss:(n + 2) * ss]

    difat = [x for x in struct.unpack_from("<109I", data, 0x4C)]
    s, hops = u32(data, 0x44)[0], 0
    while s < _ENDCHAIN:
        hops += 1
        if hops > nsec:
            raise ValueError("DIFAT 链循环")
        more = struct.unpack(f"<{ss // 4}I", sector(s))
        difat.extend(more[:-1])
        s = more[-1]
    fat: list[int] = []
    for n in [x for x in difat if x < _ENDCHAIN][:u32(data, 0x2C)[0]]:
        fat.extend(struct.unpack(f"<{ss // 4}I", sector(n)))

    def chain(start: int, table: list[int]) -> list[int]:
        out, s = [], start
        while s < _ENDCHAIN:
            if s >= len(table) or len(out) > len(table):
                raise ValueError("扇区链无效")
            out.append(s)
            s = table[s]
        return out

    directory = b"".join(sector(n) for n in chain(u32(data, 0x30)[0], fat))
    entries = []
    for off in range(0, len(directory) - 127, 128):
        e = directory[off:off + 128]
        nlen = min(u16(e, 64)[0], 64)
        entries.append((e[:max(nlen - 2, 0)].decode("utf-16-le", "replace"), e[66], u32(e, 116)[0], u32(e, 120)[0]))
    if not entries:
        raise ValueError("没有目录")
    for name, kind, start, size in entries:
        if kind != 2 or name.lower() not in names:
            continue
        if size >= u32(data, 0x38)[0]:  # a regular stream
            return b"".join(sector(n) for n in chain(start, fat))[:size]
        minifat: list[int] = []
        for n in chain(u32(data, 0x3C)[0], fat):
            minifat.extend(struct.unpack(f"<{ss // 4}I", sector(n)))
        ministream = b"".join(sector(n) for n in chain(entries[0][2], fat))
        return b"".join(ministream[m * mss:(m + 1) * mss] for m in chain(start, minifat))[:size]
    return None


# BIFF records that put a value in one cell (row, column in their first four bytes): what calamine
# builds a sheet's range from. BLANK/MULBLANK (formatting only) and DIMENSIONS are not counted:
# calamine allocates nothing for them (measured, docs/hardening.md).
_BIFF_CELLS = {0x0006, 0x0203, 0x00FD, 0x027E, 0x0204, 0x0205, 0x00D6, 0x0003, 0x0004, 0x0002, 0x0005, 0x0406}
_BIFF_MULRK, _BIFF_MERGED, _BIFF_BOF, _BIFF_EOF, _BIFF_SHEET = 0x00BD, 0x00E5, (0x0809, 0x0409, 0x0209, 0x0009), 0x000A, 0x0085


class _BiffScan:
    """The workbook stream of an .xls: for every sheet (from its BOUNDSHEET offset to its EOF, as
    calamine reads it) the bounds of the cells that hold a value and of the merged ranges, checked
    against the limits before calamine allocates rows × columns for them (a value at IV65536 cost
    1 GB per sheet)."""

    def __init__(self, insp: _Inspector, stream: bytes):
        self.insp, self.s = insp, stream

    def records(self, pos: int):
        s = self.s
        while pos + 4 <= len(s):
            typ, n = struct.unpack_from("<HH", s, pos)
            yield typ, s[pos + 4:pos + 4 + n]
            pos += 4 + n

    def run(self) -> None:
        sheets = []
        for typ, body in self.records(0):
            if typ == 0x002F:  # FILEPASS: what follows is encrypted (an .xls with a password)
                raise self.insp.encrypted()
            if typ == _BIFF_SHEET and len(body) >= 6:
                sheets.append((struct.unpack_from("<I", body)[0], _biff_sheet_name(body[6:])))
            elif typ == _BIFF_EOF:
                break
        for offset, name in sheets:
            self.sheet(offset, name)

    def sheet(self, offset: int, name: str) -> None:
        b = _Bounds(self.insp, name or "?")
        depth = 0
        for typ, body in self.records(offset):
            if typ in _BIFF_BOF:
                depth += 1
            elif typ == _BIFF_EOF:
                depth -= 1
                if depth <= 0:
                    return
            elif typ in _BIFF_CELLS and len(body) >= 4:
                r, c = struct.unpack_from("<HH", body)
                b.cell(r + 1, c + 1)
            elif typ == _BIFF_MULRK and len(body) >= 6:
                r, c0 = struct.unpack_from("<HH", body)
                c1 = struct.unpack_from("<H", body, len(body) - 2)[0]
                b.cell(r + 1, c0 + 1)
                b.cell(r + 1, max(c0, c1) + 1)
            elif typ == _BIFF_MERGED and len(body) >= 2:
                n = struct.unpack_from("<H", body)[0]
                for k in range(min(n, (len(body) - 2) // 8)):
                    r0, r1, c0, c1 = struct.unpack_from("<HHHH", body, 2 + 8 * k)
                    b.cell(min(r0, r1) + 1, min(c0, c1) + 1)
                    b.cell(max(r0, r1) + 1, max(c0, c1) + 1)


def _biff_sheet_name(raw: bytes) -> str:
    """A BOUNDSHEET name (BIFF8: length, flags, then 8- or 16-bit characters; older: length, bytes)."""
    if not raw:
        return ""
    n = raw[0]
    if len(raw) >= 2 and raw[1] in (0, 1) and len(raw) >= 2 + n * (raw[1] + 1):
        chars = raw[2:2 + n * (raw[1] + 1)]
        return chars.decode("utf-16-le" if raw[1] else "latin-1", "replace")
    return raw[1:1 + n].decode("gbk", "replace")


class _SheetNames:
    """Sheet part -> sheet name (from workbook.xml and its rels), and ``parts``: every part a
    sheet of workbook.xml points to, lower-cased. Those parts are scanned for their size whatever
    they are called: calamine reads a sheet from wherever the relationship points (the task sheet
    stored as xl/tasks/data.xml was read, and allocated, without being scanned)."""

    def __init__(self, names: dict[str, str]):
        self._names = names
        self.parts = {p.lower() for p in names}

    def get(self, member: str, default: str) -> str:
        return self._names.get(member, default)


# -- sheet scanners ------------------------------------------------------------------------------
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|f|v|mergeCell)\b([^>]*)>")
# References in any case: Excel writes "A1", but calamine reads "xfd1048576" just as well (a guard
# that only knew upper case let a lower-case far cell through to a 512 GB allocation).
_ATTR_R = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]{0,3})(\d+)["\']')
_ATTR_ANY_R = re.compile(rb'\sr\s*=')  # an r= that _ATTR_R cannot read: the file is rejected
_ATTR_REF = re.compile(rb'\sref\s*=\s*["\']\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?["\']')


# the fast path of _XlsxSheetScan (see _fast): formulas, cells or rows without r= send a piece to the loop
_FAST_F = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]"
                     rb"|<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*(?![\"'][A-Za-z]{1,3}\d+[\"'])")
_FAST_C_NO_R = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?:>|\s(?![^>]*\br\s*=)[^>]*>)")
_FAST_ROW_NO_R = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?:>|\s(?![^>]*\br\s*=)[^>]*>)")
_FAST_C_R = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]{1,3})(\d+)[\"'][^>]*(?<!/)>")
_FAST_ROW_R = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br\s*=\s*[\"'](\d+)[\"']")
_FAST_C_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c>")
_FAST_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*>")

# The same patterns without the namespace prefix, for a piece where no prefixed <c>, <f>, <row> or
# <mergeCell> can occur (none of ":c", ":f", ":row", ":mergeCell" in it — the usual case): a pattern
# that starts with a literal runs several times faster. _FAST_PLAIN_BAD is _FAST_F, _FAST_C_NO_R and
# _FAST_ROW_NO_R in one pass.
_FAST_PLAIN_BAD = re.compile(rb"<(?:f[\s>/]|c(?:>|\s(?![^>]*\br\s*=)[^>]*>)|row(?:>|\s(?![^>]*\br\s*=)[^>]*>))"
                             rb"|<c\s[^>]*?\br\s*=\s*(?![\"'][A-Za-z]{1,3}\d+[\"'])")
_FAST_PLAIN_C_R = re.compile(rb"<c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]{1,3})(\d+)[\"'][^>]*(?<!/)>")
_FAST_PLAIN_ROW_R = re.compile(rb"<row\s[^>]*?\br\s*=\s*[\"'](\d+)[\"']")
_FAST_PLAIN_C_CLOSE = re.compile(rb"</c>")
_FAST_PLAIN_MERGE = re.compile(rb"<mergeCell\b[^>]*>")


def _last_match(rx: re.Pattern, body: bytes, start: bytes | None):
    """The last match of rx.finditer(body), or one that ends where it ends with the same groups.
    With ``start`` (the literal every match begins with) it is found from the end with rfind: one
    match call instead of a pass. Right for the plain patterns: they never cross a ">", so a match
    found from the end lies in the same tag as finditer's last and captures the same r=."""
    if start is None:
        last = deque(rx.finditer(body), maxlen=1)
        return last[0] if last else None
    end = len(body)
    while (i := body.rfind(start, 0, end)) != -1:
        m = rx.match(body, i)
        if m:
            return m
        end = i
    return None


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ((ch & 0xDF) - 64)  # upper and lower case alike
    return n  # 1-based


class _Bounds:
    def __init__(self, insp: _Inspector, sheet: str):
        self.insp = insp
        self._sheet = sheet  # the name, or a function that finds it (only messages need it)
        self.max_row = 0
        self.max_col = 0
        self.min_row = None
        self.min_col = None

    @property
    def sheet(self) -> str:
        if callable(self._sheet):
            self._sheet = self._sheet()
        return self._sheet

    def cell(self, row: int, col: int) -> None:
        # called for every cell: return at once unless a bound moves (then check the limits)
        if (self.min_row is not None and self.min_row <= row <= self.max_row
                and self.min_col <= col <= self.max_col):
            return
        lim = self.insp.limits
        if row > self.max_row:
            self.max_row = row
        if col > self.max_col:
            self.max_col = col
        if self.min_row is None or row < self.min_row:
            self.min_row = row
        if self.min_col is None or col < self.min_col:
            self.min_col = col
        if row > lim.max_rows:
            raise self.too_big(f"有内容的单元格到了第 {row} 行, 超过上限 {lim.max_rows} 行")
        if col > lim.max_cols:
            raise self.too_big(f"有内容的单元格到了第 {col} 列 ({col_letter(col - 1)} 列), 超过上限 {lim.max_cols} 列")
        area = (self.max_row - self.min_row + 1) * (self.max_col - self.min_col + 1)
        if area > lim.max_cells:
            raise self.too_big(f"表格范围 {self.max_row - self.min_row + 1} 行 × {self.max_col - self.min_col + 1} 列, "
                               f"超过上限 {lim.max_cells} 个单元格")

    def too_big(self, detail: str) -> _Reject:
        return self.insp.err("sheet-too-large", f"工作表太大: {detail}; 工作分解表或填报表不会这么大, "
                             "请删除多余的行列 (或检查是否误填了远处的单元格) 后重新保存", sheet=self.sheet,
                             cell=a1(self.max_row - 1, self.max_col - 1))


class _XlsxSheetScan(_Bounds):
    """Streams a worksheet part: last row/column holding a cell, merged ranges, formula cells."""

    def __init__(self, insp: _Inspector, sheet: str):
        super().__init__(insp, sheet)
        self.tail = b""
        self.row = 0
        self.col = 0
        self.cur: tuple[int, int] | None = None  # (row, col) of the open <c> element
        self.cur_formula = False
        self.has_value = False
        self.formulas: list[str] = []
        self.no_value: list[str] = []
        self.n_formulas = 0

    def feed(self, piece: bytes) -> None:
        buf = self.tail + piece
        cut = buf.rfind(b"<")
        if cut == -1:
            self.tail = b""
            return
        end = buf.find(b">", cut)
        if end == -1:  # the last tag is not complete: keep it for the next piece
            body, self.tail = buf[:cut], buf[cut:]
            if len(self.tail) > 65536:
                self.tail = b""
        else:
            body, self.tail = buf, b""
        self._scan(body)

    def _scan(self, body: bytes) -> None:
        if self._fast(body):
            return
        for m in _TAG.finditer(body):
            tag, attrs = m.group(1), m.group(2)
            if tag == b"row":
                self._end_cell()
                r = _ATTR_R.search(attrs)
                self.row = int(r.group(2)) if r and not r.group(1) else self.row + 1
                self.col = 0
            elif tag == b"c":
                self._end_cell()
                r = _ATTR_R.search(attrs)
                if r is None and _ATTR_ANY_R.search(attrs):
                    raise self.insp.damaged(f"单元格引用 {attrs[:40].decode('latin-1')} 无法识别")
                if r and r.group(1):
                    self.col = _col_index(r.group(1))
                    row = self.row = int(r.group(2))
                else:
                    self.col += 1
                    row = self.row or 1
                if attrs.rstrip().endswith(b"/"):
                    continue  # an empty (styled) cell: calamine does not count it
                self.cell(row, self.col)
                self.cur = (row, self.col)  # formatted as A1 only if it holds a formula
                self.cur_formula = False
                self.has_value = False
            elif tag == b"f" and self.cur:
                self.cur_formula = True
            elif tag == b"v" and self.cur:
                if not attrs.rstrip().endswith(b"/") and body[m.end():m.end() + 1] != b"<":
                    self.has_value = True
            elif tag == b"mergeCell":
                self._end_cell()
                self._scan_merge(attrs)

    def _fast(self, body: bytes) -> bool:
        """The same bounds from a few C-level regex passes, for the usual piece: no formula, every
        <row> and <c> with its r attribute. Returns False (use the exact loop) for anything else."""
        if self.cur is not None:
            return False
        plain = not (b":c" in body or b":f" in body or b":row" in body or b":mergeCell" in body)
        if plain:
            if _FAST_PLAIN_BAD.search(body):
                return False
            c_r, row_r, c_close = _FAST_PLAIN_C_R, _FAST_PLAIN_ROW_R, _FAST_PLAIN_C_CLOSE
        else:
            if _FAST_F.search(body) or _FAST_C_NO_R.search(body) or _FAST_ROW_NO_R.search(body):
                return False
            c_r, row_r, c_close = _FAST_C_R, _FAST_ROW_R, _FAST_C_CLOSE
        refs = c_r.findall(body)  # cells with content (self-closing empty cells are skipped)
        if refs:
            cidx = [_col_index(c) for c in {c for c, _ in refs}]
            rows = [int(r) for r in {r for _, r in refs}]
            lo_r, hi_r, lo_c, hi_c = min(rows), max(rows), min(cidx), max(cidx)
            if self.min_row is not None:
                lo_r, hi_r = min(lo_r, self.min_row), max(hi_r, self.max_row)
                lo_c, hi_c = min(lo_c, self.min_col), max(hi_c, self.max_col)
            lim = self.insp.limits
            if hi_r > lim.max_rows or hi_c > lim.max_cols or (hi_r - lo_r + 1) * (hi_c - lo_c + 1) > lim.max_cells:
                return False  # over a limit: the loop names the first cell past it, as it always has
            self.cell(lo_r, lo_c)
            self.cell(hi_r, hi_c)
            self.row, self.col = int(refs[-1][1]), _col_index(refs[-1][0])
            if not c_close.search(body, _last_match(c_r, body, b"<c" if plain else None).end()):
                # a cell left open: its <f> may come in the next piece
                self.cur, self.cur_formula, self.has_value = (self.row, self.col), False, False
        tail_row = _last_match(row_r, body, b"<row" if plain else None)  # the last <row>: a later
        if tail_row and (not refs or body.rfind(b"<c", tail_row.end()) == -1):  # piece's cells count on
            self.row, self.col = int(tail_row.group(1)), 0
        if not plain or b"<mergeCell" in body:
            for m in (_FAST_MERGE if not plain else _FAST_PLAIN_MERGE).finditer(body):
                self._scan_merge(m.group(0))
        return True

    def _scan_merge(self, attrs: bytes) -> None:
        ref = _ATTR_REF.search(attrs)
        if ref:
            c1, r1 = _col_index(ref.group(1)), int(ref.group(2))
            c2, r2 = (_col_index(ref.group(3)), int(ref.group(4))) if ref.group(3) else (c1, r1)
            if min(c1, c2) > 0 and min(r1, r2) > 0:
                self.cell(min(r1, r2), min(c1, c2))
                self.cell(max(r1, r2), max(c1, c2))

    def _end_cell(self) -> None:
        if self.cur and self.cur_formula:
            self.n_formulas += 1
            (self.formulas if self.has_value else self.no_value).append(a1(self.cur[0] - 1, self.cur[1] - 1))
        self.cur = None
        self.cur_formula = False

    def close(self) -> None:
        self._scan(self.tail)
        self._end_cell()
        insp = self.insp
        if self.no_value:
            cells = "、".join(self.no_value[:FORMULA_REPORT]) + (" 等" if len(self.no_value) > FORMULA_REPORT else "")
            raise insp.err("formula-no-value", f"单元格 {cells} 是公式, 但文件中没有保存计算结果 (文件可能由程序生成、"
                           "从未在 Excel/WPS 中打开保存); 请在 Excel/WPS 中打开并保存, 或把公式改为数值",
                           sheet=self.sheet, cell=self.no_value[0])
        for ref in self.formulas[:FORMULA_REPORT]:
            insp.out.append(Problem("formula-cell", "该单元格是公式, 已按文件中保存的计算结果读取; 请填写数值或文字, "
                                    "不要填公式", file=insp.file, sheet=self.sheet, cell=ref, severity=WARNING))
        if len(self.formulas) > FORMULA_REPORT:
            insp.out.append(Problem("formula-cell", f"另有 {len(self.formulas) - FORMULA_REPORT} 个公式单元格, "
                                    "均已按保存的计算结果读取", file=insp.file, sheet=self.sheet, severity=WARNING))


class _OdsScan:
    """Streams ODS content.xml through defusedxml's SAX parser, applying repeated rows/columns."""

    TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

    def __init__(self, insp: _Inspector):
        import xml.sax.handler

        from defusedxml import sax as dsax

        self.insp = insp
        scan = self

        class H(xml.sax.handler.ContentHandler):
            def startElementNS(self, name, qname, attrs):
                scan.start(name, attrs)

            def endElementNS(self, name, qname):
                scan.end(name)

        self.parser = dsax.make_parser()
        self.parser.setFeature(xml.sax.handler.feature_namespaces, True)
        self.parser.setContentHandler(H())
        self.bounds: _Bounds | None = None
        self.row = 0  # rows done in the current table
        self.row_repeat = 1
        self.col = 0
        self.cell_repeat = 1
        self.cell_content = False
        self.cell_span = (1, 1)
        self.row_cells: list[tuple[int, int, tuple[int, int]]] = []  # (first col, last col, span)
        self.in_cell = 0

    def _int(self, attrs, local: str, default: int = 1) -> int:
        v = attrs.get((self.TABLE_NS, local))
        try:
            return max(int(v), 1) if v is not None else default
        except ValueError:
            return default

    def start(self, name, attrs) -> None:
        ns, local = name
        if ns == self.TABLE_NS:
            if local == "table":
                self.bounds = _Bounds(self.insp, attrs.get((self.TABLE_NS, "name"), ""))
                self.row = 0
            elif local == "table-row":
                self.row_repeat = self._int(attrs, "number-rows-repeated")
                self.col = 0
                self.row_cells = []
            elif local in ("table-cell", "covered-table-cell"):
                self.cell_repeat = self._int(attrs, "number-columns-repeated")
                self.cell_content = attrs.get((self.OFFICE_NS, "value-type")) is not None
                self.cell_span = (self._int(attrs, "number-rows-spanned"), self._int(attrs, "number-columns-spanned"))
                self.in_cell += 1
        elif self.in_cell:
            self.cell_content = True  # text:p and friends

    def end(self, name) -> None:
        ns, local = name
        if ns != self.TABLE_NS or self.bounds is None:
            return
        if local in ("table-cell", "covered-table-cell"):
            self.in_cell = max(self.in_cell - 1, 0)
            first = self.col + 1
            self.col += self.cell_repeat
            if self.cell_content or self.cell_span != (1, 1):
                self.row_cells.append((first, self.col, self.cell_span))
                if self.col > self.insp.limits.max_cols:  # a row of repeated values: stop early
                    self.bounds.cell(self.row + 1, self.col)
        elif local == "table-row":
            if self.row_cells:
                last_row = self.row + self.row_repeat
                for first, last, (rs, cs) in self.row_cells:
                    self.bounds.cell(self.row + 1, first)
                    self.bounds.cell(last_row + rs - 1, last + cs - 1)
            self.row += self.row_repeat
        elif local == "table":
            self.bounds = None

    def feed(self, piece: bytes) -> None:
        try:
            self.parser.feed(piece)
        except _Reject:
            raise
        except Exception as e:
            self._fail(e)

    def close(self) -> None:
        try:
            self.parser.close()
        except _Reject:
            raise
        except Exception as e:
            self._fail(e)

    def _fail(self, e: Exception) -> None:
        if type(e).__name__ in ("DTDForbidden", "EntitiesForbidden", "ExternalReferenceForbidden"):
            raise self.insp.err("xml-entities", "content.xml 含有 XML 实体定义 (DOCTYPE/ENTITY), 正常的表格不会有; "
                                "可能是“实体炸弹”, 拒绝读取") from None
        raise self.insp.damaged(f"content.xml 不是有效的 XML: {str(e)[:60]}") from None


__all__ = ["LIMITS", "Limits", "xml_safe", "xml_safe_problem", "check_file", "check_text", "check_xlsx_like", "looks_like_formula",
           "safe_cell_text", "text_problems", "workbook_problems", "ERROR", "WARNING"]
