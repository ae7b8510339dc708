"""Test helpers: fill a template in code as a department would, and re-save it with LibreOffice.

``fill(path, values, targets)`` opens the template with openpyxl, types into the input cells of
任务填报 (found by header, so the helper works on any layout a test produces) and 指标填报, and saves.
``resave(paths, "xls", outdir)`` converts several files in ONE soffice call (each call costs ~1 s),
with a private LibreOffice profile so parallel runs do not collide.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

from tracker.templates import FIRST_ROW, HEADER_ROW, STATUSES, TARGET_SHEET, TASK_SHEET

SOFFICE = shutil.which("soffice")
NO_SOFFICE = ("LibreOffice (soffice) is not installed: "
              "apt-get install -y --no-install-recommends libreoffice-calc-nogui")


def header_columns(sheet) -> dict[str, int]:
    """Header label -> 1-based column of an openpyxl sheet (header in row HEADER_ROW + 1)."""
    return {c.value: c.column for c in sheet[HEADER_ROW + 1] if c.value}


def template_rows(path) -> list[dict]:
    """The rows of a template's 任务填报: {row, item, role, number, content}, in sheet order."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    sh = wb[TASK_SHEET]
    cols = header_columns(sh)
    out = []
    for r in range(FIRST_ROW + 1, sh.max_row + 1):
        iid = sh.cell(r, cols["任务编号"]).value
        if iid:
            out.append({"row": r, "item": iid, "role": sh.cell(r, cols["本单位角色"]).value,
                        "number": sh.cell(r, cols["序号"]).value, "content": sh.cell(r, cols["工作内容"]).value})
    return out


def target_rows(path) -> list[dict]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    if TARGET_SHEET not in wb.sheetnames:
        return []
    sh = wb[TARGET_SHEET]
    cols = header_columns(sh)
    return [{"row": r, "item": sh.cell(r, cols["任务编号"]).value, "metric": sh.cell(r, cols["指标"]).value}
            for r in range(FIRST_ROW + 1, sh.max_row + 1) if sh.cell(r, cols["任务编号"]).value]


def distinct_values(seed: int, k: int) -> dict:
    """Values a department might type for its k-th item; distinct for every (seed, k)."""
    status = STATUSES[(seed + k) % 4]
    progress = {"未启动": 0, "已完成": 100}.get(status, (seed * 7 + k * 13) % 98 + 1)
    return {"status": status, "progress": progress,
            "done": f"单位{seed}第{k}项: 已召开专题会议 {seed + k} 次,\n印发文件 {k} 份",
            "problems": "" if k % 3 == 0 else f"经费不足 ({seed}-{k})",
            "next": f"下季度继续推进第{k}项 #{seed}"}


def fill(path, values: dict[str, dict], targets: dict[tuple[str, str], dict] | None = None, out=None,
         raw: dict[str, dict] | None = None) -> Path:
    """Type values into a template and save it (to ``out``, default in place).

    values: item id -> {status, progress, done, problems, next} (any key may be left out);
    raw: item id -> {header label: any cell value} typed as given (for mistakes);
    targets: (item id, metric) -> {actual, note}.
    """
    import openpyxl

    wb = openpyxl.load_workbook(path)
    sh = wb[TASK_SHEET]
    cols = header_columns(sh)
    keys = {"status": "进展状态", "progress": "完成进度(%)", "done": "工作完成情况", "problems": "存在问题",
            "next": "下步计划"}
    for r in range(FIRST_ROW + 1, sh.max_row + 1):
        iid = sh.cell(r, cols["任务编号"]).value
        for k, v in (values or {}).get(iid, {}).items():
            sh.cell(r, cols[keys[k]]).value = v
        for label, v in (raw or {}).get(iid, {}).items():
            sh.cell(r, cols[label]).value = v
    if targets and TARGET_SHEET in wb.sheetnames:
        tsh = wb[TARGET_SHEET]
        tcols = header_columns(tsh)
        for r in range(FIRST_ROW + 1, tsh.max_row + 1):
            key = (tsh.cell(r, tcols["任务编号"]).value, tsh.cell(r, tcols["指标"]).value)
            if key in targets:
                tsh.cell(r, tcols["完成值"]).value = targets[key].get("actual")
                tsh.cell(r, tcols["说明"]).value = targets[key].get("note", "")
    out = Path(out or path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def resave(paths: list[Path], fmt: str, outdir: Path) -> list[Path]:
    """Re-save files with LibreOffice as fmt ("xls", "ods", "xlsx") into outdir, in one call."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    profile = Path("/tmp") / f"lo-profile-{uuid.uuid4().hex}"
    try:
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", fmt, "--outdir", str(outdir), *map(str, paths)],
                       check=True, capture_output=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = [outdir / (Path(p).stem + "." + fmt) for p in paths]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}"
    return out


def resave_formats(paths: list[Path], fmts: list[str], base: Path, chunk: int = 12) -> dict[str, list[Path]]:
    """resave() into base/<fmt>/ for several formats at once: parallel soffice processes, each
    converting up to ``chunk`` files (one process per file would cost a start-up each)."""
    from concurrent.futures import ThreadPoolExecutor

    paths = list(paths)
    jobs = [(fmt, paths[i:i + chunk]) for fmt in fmts for i in range(0, len(paths), chunk)]
    with ThreadPoolExecutor(min(len(jobs), 4) or 1) as pool:
        futures = [(fmt, pool.submit(resave, part, fmt, Path(base) / fmt)) for fmt, part in jobs]
        out: dict[str, list[Path]] = {fmt: [] for fmt in fmts}
        for fmt, f in futures:
            out[fmt] += f.result()
        return out


# -- a Guangzhou-like plan, built in code -------------------------------------------------------------
UNITS_TOML = Path(__file__).resolve().parents[2] / "tracker" / "data" / "samples" / "guangzhou-2007.units.toml"


def guangzhou_like_plan(year: int = 2007):
    """Nine items shaped like the 2007 Guangzhou decomposition table: several lead units, collectives
    that the registry expands (各区、县级市政府 / 知识产权局), ones it cannot (各有关单位, 相关部门),
    and quantitative targets."""
    from tracker.model import Item, Plan, Target, item_id

    def it(no, cat_no, cat, content, lead, part=(), targets=()):
        return Item(id=item_id(year, no), number=no, content=content, lead=list(lead), participants=list(part),
                    lead_raw="、".join(lead), participants_raw="、".join(part), category_no=cat_no, category=cat,
                    targets=[Target(text=t[0], metric=t[1], op=">=", value=t[2], unit=t[3]) for t in targets])

    c1, c2, c3, c4 = "建立健全知识产权管理、协调体系", "加大政策、资金的引导扶持力度", "提高知识产权创造能力", "推进企业知识产权工作"
    items = [
        it(1, "一", c1, "加强市级有关知识产权协调管理职能和工作,完善政务信息系统和联络员制度建设;做好《知识产权白皮书》、"
           "《知识产权年报》等的编制工作。", ["市知识产权局"], ["各有关单位"]),
        it(2, "一", c1, "各区、县级市建立完善知识产权管理体制,落实领导责任制,成立知识产权协调领导小组。",
           ["市编委办", "各区、县级市政府"]),
        it(3, "二", c2, "贯彻落实《关于加强知识产权工作的意见》(穗府[2006]58号),研究制定《广州市知识产权战略纲要》。",
           ["市知识产权局"], ["各有关单位"]),
        it(5, "二", c2, "市财政设立和安排知识产权专项资金,不断加大资金引导和扶持力度。", ["市财政局"]),
        it(6, "二", c2, "各区、县级市参照穗府[2006]58号文,结合实际设立和安排知识产权专项资金,完善配套措施。",
           ["各区、县级市政府"], ["各区、县级市知识产权局"]),
        it(10, "三", c3, "全市年专利申请量增长16%以上,发明专利申请量占全部专利申请的20%以上。", ["市知识产权局"],
           ["市科技局"], [("全市年专利申请量增长16%以上", "全市年专利申请量增长", 16, "%"),
                         ("发明专利申请量占全部专利申请的20%以上", "发明专利申请量占全部专利申请的比例", 20, "%")]),
        it(20, "三", c3, "全市注册商标总量达到13万件以上,力争今年有5件以上商标获得中国驰名商标。", ["市工商局"], [],
           [("全市注册商标总量达到13万件以上", "全市注册商标总量", 130000, "件"),
            ("力争今年有5件以上商标获得中国驰名商标", "获得中国驰名商标的商标", 5, "件")]),
        it(25, "四", c4, "建立各类知识产权工作站10家以上。", ["市科技局", "市知识产权局"], [],
           [("建立各类知识产权工作站10家以上", "知识产权工作站", 10, "家")]),
        it(30, "四", c4, "每个区、县级市选择不少于5家企业开展知识产权试点。", ["各区、县级市知识产权局"], ["相关部门"],
           [("每个区、县级市选择不少于5家企业", "试点企业", 5, "家")]),
    ]
    return Plan(name="2007年广州市创建国家知识产权示范城市工作分解表", year=year, items=items, source="test")


def make_workspace(root: Path, plan=None):
    """A workspace with the Guangzhou registry and a plan stored (returns the Workspace)."""
    from tracker.workspace import init_workspace

    ws = init_workspace(Path(root), units_file=UNITS_TOML)
    store = ws.store()
    store.save_plan(plan or guangzhou_like_plan())
    store.close()
    return ws


def fill_all(template_dir: Path, out_dir: Path, seed: int = 0) -> dict:
    """Fill every template in a folder with distinct values; returns what was typed:
    {(unit file stem, item id): values} and {(stem, item id, metric): {actual, note}}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    typed, typed_targets = {}, {}
    for i, p in enumerate(sorted(Path(template_dir).glob("*.xlsx"))):
        vals = {r["item"]: distinct_values(seed * 1000 + i, k) for k, r in enumerate(template_rows(p))}
        tg = {(t["item"], t["metric"]): {"actual": 10 + i * 1.5 + k, "note": f"说明{i}-{k}"}
              for k, t in enumerate(target_rows(p))}
        fill(p, vals, tg, out=out_dir / p.name)
        for iid, v in vals.items():
            typed[(p.stem, iid)] = v
        for (iid, metric), v in tg.items():
            typed_targets[(p.stem, iid, metric)] = v
    return {"rows": typed, "targets": typed_targets}
