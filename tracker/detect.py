"""What a file is, from its content: the one sniffing of every file tracker is given.

:func:`detect` reads a file (or bytes) once and names its format from the bytes, never from the
suffix alone (a clerk renames files):

* an **OLE** container (:data:`OLE_MAGIC`): an encrypted Office file (an ``EncryptedPackage``
  stream, :data:`ENCRYPTED_PACKAGE`: Office wraps a password-protected xlsx/docx this way) is
  refused; a ``WordDocument`` stream is an old Word ``doc``; anything else is an old Excel ``xls``;
* ``%PDF``: ``pdf``;
* a **zip**: ``xlsx`` (``xl/workbook.xml``), ``docx`` (``word/document.xml``), ``ods`` (a
  ``mimetype`` naming a spreadsheet); an OpenDocument text (.odt), a damaged zip or a zip of
  something else is refused;
* a **web page** or web archive (.htm/.html/.mht, :func:`looks_html`): ``html`` (decoded by the
  page's own charset in :mod:`tracker.importers.html`);
* binary junk (a NUL byte in the first 4 KB without a UTF-16 BOM) is refused;
* anything else is ``text``, decoded here by :func:`decode_text`, **the one encoding policy** of
  the guard (:mod:`tracker.safety`) and every importer (see docs/importers.md).

Which importer reads a ``text`` (csv, box-drawing text, narrative plan) is the importers' registry
to decide (:mod:`tracker.importers`), from :attr:`Detected.text`. A file that cannot be used is an
:class:`~tracker.problems.InputError` naming it, with a Chinese message.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from tracker.problems import InputError, Problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
WORD_DOCUMENT = "WordDocument".encode("utf-16-le")[:-1]  # as the OLE directory names a stream
ZIP_MAGIC = b"PK"
PDF_MAGIC = b"%PDF"
FORMATS = ("xlsx", "xls", "ods", "docx", "doc", "pdf", "html", "text")


@dataclass(frozen=True)
class Detected:
    """A file as :func:`detect` found it: its name (for messages), its format (one of
    :data:`FORMATS`), its bytes, its path when it came from one, and for ``text`` the decoded text."""

    name: str
    format: str
    data: bytes = field(repr=False)
    path: Path | None = None
    text: str | None = field(default=None, repr=False)


def container(head: bytes) -> str:
    """"ole", "zip", "pdf" or "" (anything else) from a file's first bytes."""
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(PDF_MAGIC):
        return "pdf"
    return ""


def detect(source: Path | str | bytes, name: str = "") -> Detected:
    """What a file (a path, or bytes with their file's ``name``) is: see the module docstring.
    Raises InputError ("unreadable", "empty-file", "encrypted", "odt-format", "corrupt-file",
    "unknown-format", "unknown-encoding") for a file no importer can read."""
    from tracker.files import read_input

    if isinstance(source, (bytes, bytearray, memoryview)):
        path, data = None, bytes(source)
        if not data:
            raise InputError(Problem("empty-file", "文件是空的", file=name))
    else:
        path = Path(source)
        name = name or path.name
        data = read_input(path, name=name)

    def found(fmt: str, text: str | None = None) -> Detected:
        return Detected(name=name, format=fmt, data=data, path=path, text=text)

    def refuse(code: str, message: str) -> InputError:
        return InputError(Problem(code, message, file=name))

    kind = container(data[:8])
    if kind == "ole":
        if ENCRYPTED_PACKAGE in data:
            raise refuse("encrypted", "文件有密码保护 (已加密), 请去掉密码后重新保存再导入")
        return found("doc" if WORD_DOCUMENT in data else "xls")
    if kind == "pdf":
        return found("pdf")
    if kind == "zip":
        return found(_zip_format(data, refuse))
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse("unknown-format", "无法识别的文件格式 (不是文本, 也不是表格或 Word 文档)")
    if looks_html(data):
        return found("html")
    return found("text", decode_text(data, name))


def _zip_format(data: bytes, refuse) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names:
                mt = z.read("mimetype")[:100]
                if b"spreadsheet" in mt:
                    return "ods"
                if b"text" in mt:
                    raise refuse("odt-format", "这是 .odt 文字文件, 请另存为 .docx 后再导入")
    except zipfile.BadZipFile:
        raise refuse("corrupt-file", "文件已损坏 (不是完整的 xlsx/docx/ods 压缩包)") from None
    raise refuse("unknown-format", "无法识别的文件格式 (压缩包里不是表格或 Word 文档)")


def looks_html(data: bytes) -> bool:
    """A web page or a web archive, from its first bytes."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lower()
    if head.startswith(b"mime-version:") or b"\nmime-version:" in head[:1024]:
        return b"text/html" in data[:65536].lower()
    for enc in ("utf-8", "utf-16"):
        try:
            t = data[:4096].decode(enc, errors="ignore").lower()
        except LookupError:
            continue
        if re.search(r"<\s*(!doctype\s+html|html[\s>]|table[\s>]|head[\s>]|body[\s>])", t):
            return True
    return False


_RESAVE_UTF8 = ("请在 Excel 中“另存为”选择“CSV UTF-8 (逗号分隔)”, 或在记事本中“另存为”选择编码 UTF-8, "
                "然后重新导入")


def decode_text(data: bytes, file: str = "") -> str:
    """The text of a text file (csv, box text, narrative), or InputError naming the file and why.

    The one encoding policy, for the guard (:func:`tracker.safety.check_text`) and every importer alike:

    * a UTF-8 BOM: the rest must be UTF-8 (a BOM before GBK bytes is refused, not guessed);
    * a UTF-16 BOM (LE or BE): the rest must be whole UTF-16 (a file cut by one byte, or with a
      lone surrogate, is refused);
    * a NUL byte in the first 4 KB without a BOM: not text;
    * else UTF-8, else GBK/GB18030 when at least 80 % of its non-ASCII characters are common
      (GB2312) Chinese; anything else (a Windows-1252 csv) is refused with how to re-save it.
    Never a fallback that replaces what it cannot read: no mojibake reaches unit names."""
    def refuse(code: str, message: str):
        return InputError(Problem(code, message, file=file))

    if not data:
        raise refuse("empty-file", "文件是空的")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as e:
            raise refuse("unknown-encoding", f"文件开头标明是 UTF-8 编码 (BOM), 但第 {e.start + 4} 个字节起不是 UTF-8 "
                         f"(可能是 GBK 等编码的内容被加上了 UTF-8 标记)。{_RESAVE_UTF8}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        try:
            return data[2:].decode(codec)
        except UnicodeDecodeError as e:
            why = ("字节数为奇数, 文件可能被截断或未下载完整" if (len(data) - 2) % 2
                   else f"第 {e.start + 3} 个字节处的内容无效")
            raise refuse("unknown-encoding", f"文件开头标明是 UTF-16 编码, 但{why}。{_RESAVE_UTF8}") from None
    if b"\x00" in data[:4096]:
        raise refuse("unknown-format", "无法识别的文件格式: 不是文本 (含二进制内容), 也不是表格或 Word 文档")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as e:
        raise refuse("unknown-encoding", "文件编码无法识别: 既不是 UTF-8, 也不是中文 GBK/GB18030 "
                     f"(第 {e.start + 1} 个字节起无法解码; 可能是西文 Windows-1252 编码, 其中不能包含中文)。"
                     f"{_RESAVE_UTF8}") from None
    non_ascii = [ch for ch in text if ord(ch) > 127]
    common = 0
    for ch in non_ascii:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    if non_ascii and common < 0.8 * len(non_ascii):
        raise refuse("unknown-encoding", "文件编码无法识别: 按中文 GBK/GB18030 解码后大多是生僻字, "
                     f"很可能是西文 Windows-1252 等编码, 按中文读取会得到乱码。{_RESAVE_UTF8}")
    return text


__all__ = ["ENCRYPTED_PACKAGE", "FORMATS", "OLE_MAGIC", "Detected", "container", "decode_text", "detect",
           "looks_html"]
