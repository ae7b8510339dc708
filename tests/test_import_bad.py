"""Bad input to ``tracker plan import``, driven through the CLI: every case exits 1 with a message
naming the file (and the sheet and cell where there is one), never a traceback, and leaves the
store exactly as it was (a dump taken before equals the dump taken after).

The workspace already holds a plan before each bad import, so "unchanged" is checked against a
store with rows in it, not an empty one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import clerk
from support.clerk import ITEMS, Grid

from tracker.cli import main
from tracker.workspace import find_workspace


@pytest.fixture
def ws(tmp_path):
    root = tmp_path / "ws"
    r = CliRunner().invoke(main, ["init", str(root)])
    assert r.exit_code == 0, r.output
    good = clerk.write_xlsx(tmp_path / "good.xlsx", [clerk.merged_categories(ITEMS)])
    r = CliRunner().invoke(main, ["plan", "import", "-w", str(root), str(good)])
    assert r.exit_code == 0, r.output
    return root


def dump(root: Path):
    return find_workspace(root).store().dump()


def rejected(root: Path, bad: Path | str, *must_name: str, code: str):
    """Import bad; assert exit 1, no traceback, the store unchanged, and the output names
    the file, every string in must_name and the problem code. Returns the output."""
    before = dump(root)
    assert before["items"], "the workspace should hold a plan already"
    plain = CliRunner().invoke(main, ["plan", "import", "-w", str(root), str(bad)])
    assert plain.exit_code == 1 and f"({code})" not in plain.output, plain.output  # codes only with -v
    r = CliRunner().invoke(main, ["-v", "plan", "import", "-w", str(root), str(bad)])
    out = r.output
    assert r.exit_code == 1, out
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in out
    assert Path(bad).name in out
    for s in must_name:
        assert s in out, f"{s!r} not in {out}"
    assert f"({code})" in out, out
    assert dump(root) == before
    return out


def items_grid(items=ITEMS, **kw) -> Grid:
    return clerk.merged_categories(list(items), **kw)


def replace(item, **changes):
    from dataclasses import replace as dc_replace

    return dc_replace(item, **changes)


# -- files that cannot be read at all ------------------------------------------------------------
def test_nonexistent_file(ws, tmp_path):
    rejected(ws, tmp_path / "没有这个文件.xlsx", "文件不存在", code="unreadable")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(ws, tmp_path):
    p = clerk.write_xlsx(tmp_path / "locked.xlsx", [items_grid()])
    p.chmod(0)
    try:
        rejected(ws, p, code="unreadable")
    finally:
        p.chmod(0o600)


@pytest.mark.parametrize("name", ["空.xlsx", "空.csv", "空.docx"])
def test_empty_file(ws, tmp_path, name):
    p = tmp_path / name
    p.write_bytes(b"")
    rejected(ws, p, code="empty-file")


def test_csv_with_only_blank_lines(ws, tmp_path):
    p = tmp_path / "blank.csv"
    p.write_bytes(b"\r\n , ,\r\n\r\n")
    rejected(ws, p, "没有任何内容", code="empty-file")


def test_encrypted_xlsx(ws, tmp_path):
    p = clerk.ole_encrypted_xlsx(tmp_path / "加密.xlsx")
    rejected(ws, p, "密码", code="encrypted")


@pytest.mark.libreoffice
def test_encrypted_xls(ws, tmp_path):
    if clerk.SOFFICE is None:
        pytest.skip(clerk.NO_SOFFICE)
    src = clerk.write_xlsx(tmp_path / "src.xlsx", [items_grid()])
    p = clerk.save_with_password(src, "xls", tmp_path / "加密.xls")
    rejected(ws, p, "密码", code="encrypted")


@pytest.mark.libreoffice
def test_encrypted_ods_is_reported_as_encrypted_by_the_reader(tmp_path):
    """The spreadsheet reader itself says "encrypted" for an .ods saved with a password."""
    if clerk.SOFFICE is None:
        pytest.skip(clerk.NO_SOFFICE)
    from tracker.importers import spreadsheet
    from tracker.problems import InputError, Problems

    src = clerk.write_xlsx(tmp_path / "src.xlsx", [items_grid()])
    p = clerk.save_with_password(src, "ods", tmp_path / "加密.ods")
    with pytest.raises(InputError) as e:
        spreadsheet.extract(p, Problems())
    assert [x.code for x in e.value.problems] == ["encrypted"]


@pytest.mark.libreoffice
def test_encrypted_ods_through_the_cli(ws, tmp_path):
    if clerk.SOFFICE is None:
        pytest.skip(clerk.NO_SOFFICE)
    src = clerk.write_xlsx(tmp_path / "src.xlsx", [items_grid()])
    p = clerk.save_with_password(src, "ods", tmp_path / "加密.ods")
    out = CliRunner().invoke(main, ["-v", "plan", "import", "-w", str(ws), str(p)]).output
    assert "(encrypted)" in out  # tracker/safety.py reads manifest:encryption-data before any reader
    rejected(ws, p, "密码", code="encrypted")


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_xlsx(ws, tmp_path, keep):
    good = clerk.write_xlsx(tmp_path / "good2.xlsx", [items_grid()])
    data = good.read_bytes()
    p = tmp_path / "断了.xlsx"
    p.write_bytes(data[: int(len(data) * keep)])
    rejected(ws, p, code="corrupt-file")


def test_truncated_docx(ws, tmp_path):
    good = clerk.write_docx(tmp_path / "good.docx", ITEMS)
    p = tmp_path / "断了.docx"
    p.write_bytes(good.read_bytes()[:3000])
    rejected(ws, p, code="corrupt-file")


# -- no table ------------------------------------------------------------------------------------
def test_xlsx_with_no_header(ws, tmp_path):
    rows = [["2007年工作要点"], [""], ["1", "加强知识产权保护", "市知识产权局"],
            ["2", "推进企业工作站建设", "市经贸委"]]
    p = clerk.write_xlsx(tmp_path / "无表头.xlsx", [Grid("要点", rows, [])])
    rejected(ws, p, "工作表 要点", "表头", code="no-header")


def test_header_without_a_lead_column(ws, tmp_path):
    rows = [["序号", "工作内容", "完成时限"], [1, "加强知识产权保护", "2007年底"]]
    p = clerk.write_xlsx(tmp_path / "缺列.xlsx", [Grid("Sheet1", rows, [])])
    rejected(ws, p, "工作表 Sheet1", "负责单位", code="missing-column")


def test_docx_with_no_table(ws, tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("2007年广州市创建国家知识产权示范城市工作要点")
    d.add_paragraph("各单位要认真落实各项工作。")
    p = tmp_path / "无表格.docx"
    d.save(p)
    rejected(ws, p, code="no-header")


# -- the table is there, but wrong ------------------------------------------------------------------
def test_duplicate_item_numbers(ws, tmp_path):
    items = list(ITEMS)
    items[4] = replace(items[4], number=4)  # item 5 typed as 4 again
    p = clerk.write_xlsx(tmp_path / "重复.xlsx", [items_grid(items, name="分解表")])
    out = rejected(ws, p, "工作表 分解表", "单元格 C7", "序号 4 重复", "第6行", code="duplicate-number")
    assert "缺少: 5" in out  # and the number it should have been is missing


def test_gap_in_item_numbers(ws, tmp_path):
    items = [it for it in ITEMS if it.number != 3]
    p = clerk.write_xlsx(tmp_path / "缺号.xlsx", [items_grid(items)])
    rejected(ws, p, "缺少: 3", code="missing-number")


def test_blank_item_number(ws, tmp_path):
    items = list(ITEMS)
    items[5] = replace(items[5], number="")
    p = clerk.write_xlsx(tmp_path / "空序号.xlsx", [items_grid(items, name="分解表")])
    rejected(ws, p, "工作表 分解表", "单元格 C8", "缺少序号", code="missing-number")


def test_item_number_not_a_number(ws, tmp_path):
    items = list(ITEMS)
    items[1] = replace(items[1], number="2a")
    p = clerk.write_xlsx(tmp_path / "坏序号.xlsx", [items_grid(items)])
    rejected(ws, p, "单元格 C4", "2a", code="bad-number")


def test_item_with_no_lead_unit(ws, tmp_path):
    items = list(ITEMS)
    items[6] = replace(items[6], lead="", participants="市工商局")
    p = clerk.write_xlsx(tmp_path / "无牵头.xlsx", [items_grid(items, name="分解表")])
    rejected(ws, p, "工作表 分解表", "单元格 E9", "序号 7 没有负责(牵头)单位", code="missing-lead")


def test_item_with_whitespace_only_lead(ws, tmp_path):
    items = list(ITEMS)
    items[0] = replace(items[0], lead=" \n ")
    p = clerk.write_xlsx(tmp_path / "空白牵头.xlsx", [items_grid(items)])
    rejected(ws, p, "单元格 E3", code="missing-lead")


def test_duplicate_number_on_the_continuation_sheet(ws, tmp_path):
    items = list(ITEMS)
    items[5] = replace(items[5], number=2)
    g1 = items_grid(items[:4], name="分解表")
    g2 = items_grid(items[4:], name="续表", title=None)
    p = clerk.write_xlsx(tmp_path / "续表重复.xlsx", [g1, g2])
    rejected(ws, p, "工作表 续表", "单元格 C3", "工作表 分解表 第4行", code="duplicate-number")


def test_csv_no_lead_names_the_cell(ws, tmp_path):
    items = list(ITEMS)
    items[2] = replace(items[2], lead="")
    p = clerk.write_csv(tmp_path / "无牵头.csv", clerk.blank_categories(items).rows)
    rejected(ws, p, "单元格 E4", code="missing-lead")


def test_docx_duplicate_number_names_table_and_cell(ws, tmp_path):
    items = list(ITEMS)
    items[3] = replace(items[3], number=3)
    p = clerk.write_docx(tmp_path / "重复.docx", items)
    rejected(ws, p, "表格1", "单元格 C5", code="duplicate-number")


def test_good_file_after_bad_ones_still_imports(ws, tmp_path):
    """The rejections left nothing half-done: the good file, equal to the stored plan, adds no
    version (a half-done version 2 would differ from it and make it version 3)."""
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    rejected(ws, bad, code="corrupt-file")
    good = clerk.write_xlsx(tmp_path / "good3.xlsx", [items_grid()])
    r = CliRunner().invoke(main, ["plan", "import", "-w", str(ws), str(good)])
    assert r.exit_code == 0, r.output
    assert "与现行第 1 版完全相同, 未增加新版本" in r.output
