"""Generate the bad-input corpus (issue 5, Hardening) into a directory, deterministically.

    python tests/corpus/make_corpus.py OUTDIR [--soffice]

Nothing binary is committed: every file is built here from code, with fixed zip timestamps and a
seeded random generator, so two runs give the same bytes (except the LibreOffice-encrypted file,
made only with ``--soffice``/``soffice=True``: LibreOffice salts its encryption). The whole corpus
builds in a few seconds; the 300 MB zip bomb is written from one compressed 1 MB block repeated, not
by compressing 300 MB.

:func:`make_corpus` returns ``{file name: Path}``. The tests hold what each file must do.
"""

from __future__ import annotations

import io
import random
import shutil
import struct
import subprocess
import sys
import uuid
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

from tracker.problems import col_letter

DATE = (2007, 1, 1, 0, 0, 0)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
HEADER = ["类号", "项目分类", "序号", "工作内容", "负责单位", "参与单位"]
GOOD_ROWS = [
    ["一", "建立健全知识产权管理、协调体系", 1, "制定知识产权示范城市工作方案", "市知识产权局", "市发展改革委"],
    ["一", "建立健全知识产权管理、协调体系", 2, "建立知识产权联席会议制度", "市知识产权局", "市科技局、市财政局"],
    ["二", "加强知识产权保护", 3, "全市年专利申请量增长16%以上", "市知识产权局", "各区、县级市政府"],
]
TITLE = "2007年广州市创建全国知识产权示范城市工作分解表"
LOL = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
       + "".join(f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
       + "]>")


# -- building blocks ------------------------------------------------------------------------------
def col(c: int) -> str:
    return col_letter(c)  # 0-based column -> Excel letters


def cell_xml(r: int, c: int, v) -> str:
    ref = f"{col(c)}{r + 1}"
    if v is None:
        return ""
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v}</v></c>'
    if isinstance(v, tuple):  # ("f", formula, cached or None)
        _, f, cached = v
        return f'<c r="{ref}"><f>{escape(f)}</f>' + (f"<v>{cached}</v>" if cached is not None else "") + "</c>"
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'


def sheet_xml(rows, merges: str = "") -> str:
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}><sheetData>']
    for r, row in enumerate(rows):
        out.append(f'<row r="{r + 1}">' + "".join(cell_xml(r, c, v) for c, v in enumerate(row)) + "</row>")
    out.append("</sheetData>" + merges + "</worksheet>")
    return "".join(out)


def plan_rows(rows=None):
    return [[TITLE], HEADER] + [list(r) for r in (GOOD_ROWS if rows is None else rows)]


def zip_bytes(parts: dict[str, bytes | str], compresslevel: int = 6) -> bytes:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
        for name, data in parts.items():
            zi = zipfile.ZipInfo(name, DATE)
            zi.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(zi, data.encode("utf-8") if isinstance(data, str) else data)
    return b.getvalue()


def xlsx_parts(sheets, *, sst: str | None = None, workbook: str | None = None, macro: bool = False) -> dict:
    main_ct = ("application/vnd.ms-excel.sheet.macroEnabled.main+xml" if macro else
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    ct = ['<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
          '<Default Extension="xml" ContentType="application/xml"/>',
          '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
          f'<Override PartName="/xl/workbook.xml" ContentType="{main_ct}"/>']
    wbs, rels, parts = [], [], {}
    for i, (name, body) in enumerate(sheets, 1):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        wbs.append(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>')
        parts[f"xl/worksheets/sheet{i}.xml"] = body if isinstance(body, (str, bytes)) else sheet_xml(body)
    n = len(sheets) + 1
    if sst is not None:
        ct.append('<Override PartName="/xl/sharedStrings.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        rels.append(f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/sharedStrings" Target="sharedStrings.xml"/>')
        parts["xl/sharedStrings.xml"] = sst
        n += 1
    if macro:
        rels.append(f'<Relationship Id="rId{n}" Type="http://schemas.microsoft.com/office/2006/relationships/'
                    'vbaProject" Target="vbaProject.bin"/>')
        # an OLE container as Excel writes it; its content is never read
        parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + \
            "VBA/ThisWorkbook Sub Auto_Open() Shell \"calc.exe\" End Sub".encode("utf-16-le")
    ct.append("</Types>")
    out = {"[Content_Types].xml": "".join(ct),
           "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                          'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                          'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
           "xl/workbook.xml": workbook or (f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} {RNS}><sheets>'
                                           + "".join(wbs) + "</sheets></workbook>"),
           "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                                         'openxmlformats.org/package/2006/relationships">' + "".join(rels)
                                         + "</Relationships>"}
    out.update(parts)
    return out


def xlsx(sheets, **kw) -> bytes:
    return zip_bytes(xlsx_parts(sheets, **kw))


def ods(tables: str) -> bytes:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               "<office:body><office:spreadsheet>" + tables + "</office:spreadsheet></office:body>"
               "</office:document-content>")
    return _ods_with_content(content)


def _ods_with_content(content: str) -> bytes:
    man = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
           'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
           'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
           'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    return zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                      "META-INF/manifest.xml": man, "content.xml": content})


def ods_cell(v) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'


def ods_plan() -> str:
    rows = "".join("<table:table-row>" + "".join(ods_cell(v) for v in r) + "</table:table-row>"
                   for r in [HEADER] + GOOD_ROWS)
    return f'<table:table table:name="分解表">{rows}</table:table>'


def docx_bytes(build) -> bytes:
    """A docx made with python-docx, re-zipped with fixed timestamps (deterministic)."""
    import docx

    d = docx.Document()
    build(d)
    b = io.BytesIO()
    d.save(b)
    return normalise_zip(b.getvalue())


def normalise_zip(data: bytes, replace: dict | None = None) -> bytes:
    zin = zipfile.ZipFile(io.BytesIO(data))
    parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    parts.update(replace or {})
    return zip_bytes(parts)


def with_doctype(xml: str, root: str, payload_from: str, payload_to: str) -> str:
    """Insert a billion-laughs DTD after the XML declaration and use &lol9; in the body."""
    i = xml.index("?>") + 2 if xml.lstrip().startswith("<?xml") else 0
    return xml[:i] + LOL.replace("lolz", root) + xml[i:].replace(payload_from, payload_to, 1)


def ole_encrypted() -> bytes:
    """The start of an OLE compound file as Office writes an encrypted OOXML package: the magic, a
    header, and a directory holding the streams EncryptionInfo and EncryptedPackage."""
    hdr = bytearray(512)
    hdr[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", hdr, 24, 0x3E, 3, 0xFFFE, 9)
    dirent = bytearray()
    for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"):
        e = bytearray(128)
        raw = name.encode("utf-16-le") + b"\x00\x00"
        e[:len(raw)] = raw
        struct.pack_into("<H", e, 64, len(raw))
        e[66] = 5 if name == "Root Entry" else 2
        dirent += e
    rnd = random.Random(5)
    return bytes(hdr) + bytes(dirent) + bytes(rnd.getrandbits(8) for _ in range(4096))


def _bomb_member(size: int, declared: int | None = None, name: str = "xl/worksheets/sheet1.xml",
                 base: dict | None = None) -> bytes:
    """An xlsx whose `name` member inflates to `size` bytes of spaces (declared as `declared`).

    The deflate stream is one compressed block of spaces repeated (a full flush makes blocks
    independent), so 300 MB costs milliseconds, not seconds."""
    block = b" " * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(b'<?xml version="1.0"?><worksheet ' + NS.encode() + b"><sheetData>")
    first += comp.flush(zlib.Z_FULL_FLUSH)
    mid = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    n = size // len(block)
    last = comp.compress(b"</sheetData></worksheet>") + comp.flush()
    head = b'<?xml version="1.0"?><worksheet ' + NS.encode() + b"><sheetData>"
    tail = b"</sheetData></worksheet>"
    real = len(head) + n * len(block) + len(tail)
    crc = zlib.crc32(head)
    for _ in range(n):  # crc of n repeats, block by block (n <= a few hundred)
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    data = first + mid * n + last
    parts = base if base is not None else xlsx_parts([("Sheet1", "")])
    parts = {k: v for k, v in parts.items() if k != name}
    return _zip_with_raw(parts, name, data, crc, real, real if declared is None else declared)


def _zip_with_raw(parts: dict, name: str, comp: bytes, crc: int, size: int, declared: int) -> bytes:
    """A zip of `parts` plus one member written from raw deflate data (sizes as given)."""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in parts.items():
            z.writestr(zipfile.ZipInfo(k, DATE), v.encode() if isinstance(v, str) else v)
        entries = z.filelist[:]
    out = bytearray(b.getvalue())
    # cut off the central directory and append our member, then rebuild the directory by hand
    eocd = out.rfind(b"PK\x05\x06")
    cd_off = struct.unpack("<I", out[eocd + 16:eocd + 20])[0]
    cd = bytes(out[cd_off:eocd])
    body = bytes(out[:cd_off])
    fname = name.encode()
    off = len(body)
    dos_time, dos_date = 0, (2007 - 1980) << 9 | 1 << 5 | 1
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, dos_time, dos_date, crc,
                        len(comp), declared & 0xFFFFFFFF, len(fname), 0) + fname
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, dos_time, dos_date, crc,
                          len(comp), declared & 0xFFFFFFFF, len(fname), 0, 0, 0, 0, 0, off) + fname
    body += local + comp
    new_cd = cd + central
    n = len(entries) + 1
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(new_cd), len(body), 0)
    return body + new_cd + end


# -- .xls (BIFF8 in a compound file), written by hand: no library writes hostile ones --------------------
def biff_rec(typ: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def biff_number(r: int, c: int, v: float) -> bytes:
    return biff_rec(0x0203, struct.pack("<HHHd", r, c, 15, v))


def biff_merged(r0: int, r1: int, c0: int, c1: int) -> bytes:
    return biff_rec(0x00E5, struct.pack("<HHHHH", 1, r0, r1, c0, c1))


def biff_dimensions(r0: int, r1: int, c0: int, c1: int) -> bytes:
    return biff_rec(0x0200, struct.pack("<IIHHH", r0, r1, c0, c1, 0))


def biff8(sheets) -> bytes:
    """A BIFF8 workbook stream: sheets = [(name, [records between the sheet's BOF and EOF])]."""
    bof = [biff_rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6)) for dt in (0x0005, 0x0010)]
    glob = [bof[0], biff_rec(0x0042, struct.pack("<H", 1200)),
            biff_rec(0x003D, struct.pack("<HHHHHHHHH", 0, 0, 0x4000, 0x3000, 0x38, 0, 0, 1, 600)),
            biff_rec(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + bytes([5, 1])
                     + "Arial".encode("utf-16-le"))]
    glob += [biff_rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5 if i < 15 else 1, 0x20, 0, 0, 0, 0, 0, 0x20C0))
             for i in range(16)]
    names = [struct.pack("<BB", len(n), 1) + n.encode("utf-16-le") for n, _ in sheets]
    pos = sum(map(len, glob)) + sum(4 + 6 + len(n) for n in names) + 4
    bodies, offsets = [], []
    for _, recs in sheets:
        offsets.append(pos)
        bodies.append(bof[1] + b"".join(recs) + biff_rec(0x000A))
        pos += len(bodies[-1])
    glob += [biff_rec(0x0085, struct.pack("<IBB", off, 0, 0) + n) for off, n in zip(offsets, names, strict=True)]
    return b"".join(glob) + biff_rec(0x000A) + b"".join(bodies)


def ole_file(stream: bytes, name: str = "Workbook") -> bytes:
    """A compound file ([MS-CFB], 512-byte sectors) holding one stream, padded to 4096 bytes so it
    lives in regular sectors (no mini stream)."""
    stream = stream.ljust(4096, b"\x00")
    ss, n = 512, (len(stream) + 511) // 512
    assert n + 2 <= 128
    fat = [0xFFFFFFFF] * 128
    for i in range(n - 1):
        fat[i] = i + 1
    fat[n - 1], fat[n], fat[n + 1] = 0xFFFFFFFE, 0xFFFFFFFE, 0xFFFFFFFD  # stream end, directory, FAT
    hdr = bytearray(512)
    hdr[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", hdr, 0x18, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<II", hdr, 0x2C, 1, n)
    struct.pack_into("<IIIII", hdr, 0x38, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", hdr, 0x4C, n + 1, *([0xFFFFFFFF] * 108))

    def entry(nm: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF) -> bytes:
        e = bytearray(128)
        raw = nm.encode("utf-16-le") + b"\x00\x00"
        e[:len(raw)] = raw
        struct.pack_into("<HBBIII", e, 64, len(raw), kind, 1, 0xFFFFFFFF, 0xFFFFFFFF, child)
        struct.pack_into("<II", e, 116, start, size)
        return bytes(e)

    directory = entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1) + entry(name, 2, 0, len(stream)) + bytes(256)
    return bytes(hdr) + stream.ljust(n * ss, b"\x00") + directory + struct.pack("<128I", *fat)


def xls(sheets) -> bytes:
    return ole_file(biff8(sheets))


def flip(data: bytes, at: int, n: int = 4) -> bytes:
    b = bytearray(data)
    for i in range(at, min(at + n, len(b))):
        b[i] ^= 0xFF
    return bytes(b)


def csv_bytes(rows, encoding: str, sep: str = ",") -> bytes:
    lines = [sep.join(str(v) for v in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


# -- the corpus ------------------------------------------------------------------------------------
def make_corpus(out: Path, soffice: bool = False) -> dict[str, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}
    rnd = random.Random(2007)
    good = xlsx([("分解表", plan_rows())])
    files["good.xlsx"] = good

    # truncated and corrupted zips
    for pct in (10, 50, 90):
        files[f"truncated_{pct}.xlsx"] = good[: len(good) * pct // 100]
    files["truncated_last_byte.xlsx"] = good[:-1]
    cd = good.rfind(b"PK\x01\x02")
    files["central_dir_flipped.xlsx"] = flip(good, good.find(b"PK\x01\x02") + 16, 4)  # the crc
    files["central_dir_offset_flipped.xlsx"] = flip(good, cd + 42, 4)  # local header offset
    sheet_off = good.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml") + 40
    files["data_flipped.xlsx"] = flip(good, sheet_off, 16)
    files["local_header_flipped.xlsx"] = flip(good, 0, 4)
    gdocx = docx_bytes(lambda d: d.add_paragraph("工作分解表"))
    files["truncated.docx"] = gdocx[: len(gdocx) // 2]
    gods = ods(ods_plan())
    files["truncated.ods"] = gods[: len(gods) * 2 // 3]

    # zip bombs
    files["bomb_declared_4gb.xlsx"] = _patch_declared(good, "xl/worksheets/sheet1.xml", 0xF0000000)
    files["bomb_300mb.xlsx"] = _bomb_member(300 << 20)
    files["bomb_ratio_150mb.xlsx"] = _bomb_member(150 << 20)
    files["bomb_lying_size.xlsx"] = _bomb_member(50 << 20, declared=2000)
    many = xlsx_parts([("分解表", plan_rows())])
    for i in range(12000):
        many[f"xl/media/pad{i}.xml"] = "<a/>"
    files["bomb_many_members.xlsx"] = zip_bytes(many, compresslevel=1)
    nested = xlsx_parts([("分解表", plan_rows())])
    nested["xl/payload.zip"] = zip_bytes({"inner.xlsx": good})
    files["nested_zip.xlsx"] = zip_bytes(nested)
    far = sheet_xml(plan_rows()).replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    files["far_cell.xlsx"] = xlsx([("分解表", far)])
    files["merge_bomb.xlsx"] = xlsx([("分解表", sheet_xml(plan_rows(),
                                                       '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'))])
    # the same, past guards that knew only upper-case references or the default part names (issue 9)
    files["far_cell_lower.xlsx"] = xlsx([("分解表", far.replace('r="XFD1048576"', 'r="xfd1048576"'))])
    files["merge_bomb_lower.xlsx"] = xlsx([("分解表", sheet_xml(plan_rows(), '<mergeCells count="1">'
                                                             '<mergeCell ref="a1:xfd1048576"/></mergeCells>'))])
    elsewhere = xlsx_parts([("分解表", far)])
    elsewhere["xl/tasks/data.xml"] = elsewhere.pop("xl/worksheets/sheet1.xml")  # wherever the rels point
    for part in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        elsewhere[part] = elsewhere[part].replace("worksheets/sheet1.xml", "tasks/data.xml")
    files["far_cell_other_part.xlsx"] = zip_bytes(elsewhere)
    xls_rows = [biff_number(r, c, r * 10 + c) for r in range(6) for c in range(6)]
    files["good_cells.xls"] = xls([("分解表", [biff_dimensions(0, 6, 0, 6), *xls_rows])])
    files["far_cell.xls"] = xls([("分解表", [biff_dimensions(0, 65536, 0, 256), *xls_rows,
                                             biff_number(65535, 255, 1)])])
    files["far_cell_8_sheets.xls"] = xls([(f"表{i}", [biff_number(0, 0, 1), biff_number(65535, 255, 1)])
                                          for i in range(8)])
    files["merge_bomb.xls"] = xls([("分解表", [*xls_rows, biff_merged(0, 65535, 0, 255)])])
    files["repeat_rows_bomb.ods"] = ods('<table:table table:name="分解表"><table:table-row table:number-rows-repeated='
                                        '"5000000"><table:table-cell office:value-type="string"><text:p>x</text:p>'
                                        "</table:table-cell></table:table-row></table:table>")
    files["repeat_bomb.ods"] = ods('<table:table table:name="分解表"><table:table-row table:number-rows-repeated="1000000">'
                                   '<table:table-cell office:value-type="string" table:number-columns-repeated="16000">'
                                   "<text:p>x</text:p></table:table-cell></table:table-row></table:table>")

    # XML entity bombs
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1" uniqueCount="1"><si><t>市知识产权局</t></si></sst>'
    rows = plan_rows()
    rows[2][4] = ("s", 0)  # a shared string
    body = sheet_xml([r[:4] + [None] + r[5:] for r in rows]).replace(
        '<c r="F3"', '<c r="E3" t="s"><v>0</v></c><c r="F3"', 1)
    files["lol_sharedstrings.xlsx"] = xlsx([("分解表", body)], sst=with_doctype(sst, "sst", "市知识产权局", "&lol9;"))
    wbxml = f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} {RNS}><sheets><sheet name="分解表" sheetId="1" r:id="rId1"/></sheets></workbook>'
    files["lol_workbook.xlsx"] = xlsx([("分解表", plan_rows())],
                                      workbook=with_doctype(wbxml, "workbook", 'name="分解表"', 'name="&lol9;"'))
    files["lol_sheet.xlsx"] = xlsx([("分解表", with_doctype(sheet_xml(plan_rows()), "worksheet",
                                                         "<t>市发展改革委</t>", "<t>&lol9;</t>"))])
    xxe = sheet_xml(plan_rows())
    i = xxe.index("?>") + 2
    files["xxe_external.xlsx"] = xlsx([("分解表", xxe[:i] + '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                                      + xxe[i:].replace("<t>市发展改革委</t>", "<t>&xxe;</t>", 1))])
    doc_xml = zipfile.ZipFile(io.BytesIO(gdocx)).read("word/document.xml").decode()
    files["lol_document.docx"] = normalise_zip(gdocx, {"word/document.xml": with_doctype(
        doc_xml, "w:document", "工作分解表", "&lol9;")})
    ods_content = zipfile.ZipFile(io.BytesIO(gods)).read("content.xml").decode()
    files["lol_content.ods"] = _ods_with_content(with_doctype(ods_content, "office:document-content",
                                                               "<text:p>市知识产权局</text:p>", "<text:p>&lol9;</text:p>"))

    # encrypted, macros
    files["encrypted_ole.xlsx"] = ole_encrypted()
    enc = bytearray(good)
    p = -1
    while (p := enc.find(b"PK\x03\x04", p + 1)) != -1:  # the "encrypted" flag, as a password-zip sets it
        enc[p + 6] |= 1
    p = -1
    while (p := enc.find(b"PK\x01\x02", p + 1)) != -1:
        enc[p + 8] |= 1
    files["zip_encrypted.xlsx"] = bytes(enc)
    files["macro.xlsm"] = xlsx([("分解表", plan_rows())], macro=True)

    # huge sheets
    big = ['<?xml version="1.0" encoding="UTF-8"?><worksheet ', NS, "><sheetData>",
           '<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1" t="inlineStr"><is><t>工作内容</t></is>'
           '</c><c r="C1" t="inlineStr"><is><t>负责单位</t></is></c></row>']
    for r in range(2, 150_002):
        big.append(f'<row r="{r}"><c r="A{r}"><v>{r - 1}</v></c><c r="B{r}" t="inlineStr"><is><t>任务</t></is></c>'
                   f'<c r="C{r}" t="inlineStr"><is><t>市知识产权局</t></is></c></row>')
    big.append("</sheetData></worksheet>")
    files["huge_rows.xlsx"] = xlsx([("分解表", "".join(big))])
    wide = plan_rows()
    wide[1] = wide[1] + [f"备注{i}" for i in range(300)]
    for r in wide[2:]:
        r.extend(["x"] * 300)
    files["huge_columns.xlsx"] = xlsx([("分解表", wide)])

    # formulas where values belong
    fr = plan_rows()
    fr[3][2] = ("f", "C3+1", 2)
    fr[4][2] = ("f", "C4+1", 3)
    files["formula_cached.xlsx"] = xlsx([("分解表", fr)])
    fn = plan_rows()
    fn[3][2] = ("f", "C3+1", None)
    files["formula_no_value.xlsx"] = xlsx([("分解表", fn)])

    # wrong sheets, junk, empty
    files["chart_data_only.xlsx"] = xlsx([("图表数据", [[2001, 1200, 0.12], [2002, 1350, 0.125], [2003, 1600, 0.185],
                                                       [2004, 1890, 0.18], [2005, 2300, 0.217]])])
    files["no_header.xlsx"] = xlsx([("分解表", [[TITLE]] + [list(r) for r in GOOD_ROWS])])
    for suffix in (".xlsx", ".xls", ".csv", ".docx", ".ods"):
        files[f"junk{suffix}"] = bytes(rnd.getrandbits(8) for _ in range(3000))
    files["junk_pk.xlsx"] = b"PK\x03\x04" + bytes(rnd.getrandbits(8) for _ in range(3000))
    files["junk_ole.xls"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rnd.getrandbits(8) for _ in range(3000))
    for suffix in (".xlsx", ".xls", ".ods", ".csv", ".docx", ".txt"):
        files[f"empty{suffix}"] = b""

    # text encodings
    files["windows1252.csv"] = csv_bytes([["No", "Task", "Unit"], [1, "Café “smart” plan € 2007", "Bureau de l’État"],
                                          [2, "Résumé", "Société"]], "cp1252")
    # decodes as GB18030 without error (to rare characters): caught by the GB2312 share rule
    files["windows1252_quotes_only.csv"] = csv_bytes([["No", "Task", "Unit"], [1, "“Q1”Report", "“AB”Unit"]],
                                                     "cp1252")
    files["utf16.csv"] = b"\xff\xfe" + csv_bytes([HEADER] + GOOD_ROWS, "utf-16-le", sep="\t")
    files["header_only.csv"] = csv_bytes([HEADER], "utf-8-sig")
    files["gbk.csv"] = csv_bytes([HEADER] + [[f'"{v}"' if "、" in str(v) else v for v in r] for r in GOOD_ROWS], "gbk")

    # Word
    files["docx_no_table.docx"] = docx_bytes(lambda d: (d.add_paragraph(TITLE), d.add_paragraph("本表另行印发。")))

    def table_no_header(d):
        d.add_paragraph(TITLE)
        t = d.add_table(rows=len(GOOD_ROWS), cols=len(HEADER))
        for r, row in enumerate(GOOD_ROWS):
            for c, v in enumerate(row):
                t.cell(r, c).text = str(v)

    files["docx_table_no_header.docx"] = docx_bytes(table_no_header)

    # the human mistakes in plan tables
    dup = [list(r) for r in GOOD_ROWS]
    dup[2][2] = 2
    files["mistake_duplicate_number.xlsx"] = xlsx([("分解表", plan_rows(dup))])
    gap = [list(r) for r in GOOD_ROWS]
    gap[2][2] = 5
    files["mistake_gap_in_numbers.xlsx"] = xlsx([("分解表", plan_rows(gap))])
    nolead = [list(r) for r in GOOD_ROWS]
    nolead[1][4] = ""
    files["mistake_no_lead.xlsx"] = xlsx([("分解表", plan_rows(nolead))])
    bad = [list(r) for r in GOOD_ROWS]
    bad[1][2] = "2.5"  # 序号 that is no whole number (Chinese numerals such as 二 are read as 2)
    files["mistake_number_not_integer.xlsx"] = xlsx([("分解表", plan_rows(bad))])
    foot = plan_rows() + [["注: 各区、县级市参照本表制定分解方案。"], ["本表由市知识产权局负责解释。"]]
    files["mistake_footnote_rows.xlsx"] = xlsx([("分解表", foot)])

    paths = {}
    for name, data in files.items():
        p = out / name
        p.write_bytes(data)
        paths[name] = p
    if soffice and shutil.which("soffice"):
        p = encrypt_with_libreoffice(out / "good.xlsx", out)
        if p is not None:
            paths[p.name] = p
    return paths


def _patch_declared(data: bytes, name: str, size: int) -> bytes:
    """Claim `size` bytes as the uncompressed size of member `name` (local and central headers)."""
    b = bytearray(data)
    fn = name.encode()
    p = -1
    while (p := b.find(b"PK\x03\x04", p + 1)) != -1:
        nlen = struct.unpack("<H", b[p + 26:p + 28])[0]
        if bytes(b[p + 30:p + 30 + nlen]) == fn:
            struct.pack_into("<I", b, p + 22, size)
    p = -1
    while (p := b.find(b"PK\x01\x02", p + 1)) != -1:
        nlen = struct.unpack("<H", b[p + 28:p + 30])[0]
        if bytes(b[p + 46:p + 46 + nlen]) == fn:
            struct.pack_into("<I", b, p + 24, size)
    return bytes(b)


def encrypt_with_libreoffice(src: Path, outdir: Path) -> Path | None:
    """A password-protected xlsx (an OLE container with EncryptedPackage), made by LibreOffice."""
    tmp = outdir / f"lo-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    profile = Path("/tmp") / f"lo-{uuid.uuid4().hex}"
    filt = 'xlsx:Calc MS Excel 2007 XML:{"EncryptionPassword":{"type":"string","value":"x"}}'
    try:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", filt,
                        "--outdir", str(tmp), str(src)], check=True, capture_output=True, timeout=120)
        made = tmp / src.name
        if not made.exists() or not made.read_bytes().startswith(b"\xd0\xcf\x11\xe0"):
            return None
        dest = outdir / "encrypted_libreoffice.xlsx"
        made.replace(dest)
        return dest
    except (subprocess.SubprocessError, OSError):
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
    made = make_corpus(target, soffice="--soffice" in sys.argv)
    print(f"{len(made)} files in {target}")
