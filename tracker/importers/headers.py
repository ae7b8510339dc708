"""One header vocabulary for every importer (spreadsheets, csv, Word, HTML, PDF, box text).

A header cell is compared with every space, line break and punctuation removed, full-width forms
folded (NFKC) and a bracketed note dropped ("责任单位（排在第一位的为牵头单位）" is 责任单位). The roles:

| role | wordings (most specific first) |
|---|---|
| category_no | 类号, 类别编号, 分类号 … |
| category | 项目分类, 任务类别, 领域, 重点领域 … — and 重点任务/主要任务/工作任务/重点工作 when another column is the content |
| number | 序号, 编号 … |
| content | 工作内容, 具体工作任务, 任务内容, 具体措施, 工作措施, 主要内容, 工作举措 … |
| lead | 负责单位, 牵头单位, 责任单位, 牵头部门, 主办单位 … |
| participants | 参与单位, 配合单位, 协办单位, 配合部门, 协同单位 … |
| mandatory | 必做/选做, 是否必做 … and 任务类型 when its cells read 必做/选做 |

**Ambiguous words, decided by the table** (issue 11):

* 重点任务, 主要任务, 工作任务, 重点工作, 主要工作 (:data:`CATEGORY_OR_CONTENT`) are the content
  when the header has no other content column, and the category when it has one ("重点任务 | 具体措施").
* 任务类型 (:data:`KIND_WORDS`) meant "mandatory" in the spreadsheet reader and "category" in the
  box-text reader before. It is now one rule for all: the column is 必做/选做 when every filled cell
  of it reads as such (必做, 选做, 必选, 可选, 是, 否 …), else it is the category.

Deadline (完成时限, 时间节点 …) and remarks (备注, 说明) columns are not roles: like every other
column they are kept in ``RawRow.extra`` under their header text. They are named here so that an
explicit mapping may say ``deadline=…`` / ``remarks=…``.

**Explicit mapping.** ``columns={"content": "具体措施", "lead": "牵头单位"}`` (the CLI's
``--columns content=具体措施,lead=牵头单位``) overrides the guess: a header cell whose text equals the
given wording (compared the same normalised way) takes that role, and no other column is guessed
into a role the mapping names. A value of one or two capital letters is a column letter ("content=D").
"""

from __future__ import annotations

import re
import unicodedata

from tracker.problems import UsageError

ROLES: dict[str, tuple[str, ...]] = {
    "category_no": ("类号", "类别编号", "类别号", "类别序号", "大类号", "类序号", "分类号", "分类编号", "类"),
    "mandatory": ("必做选做", "必做或选做", "必选选做", "必选可选", "是否必做", "是否必选", "任务性质",
                  "必做", "选做", "必选"),
    "category": ("项目分类", "任务类别", "任务分类", "工作类别", "项目类别", "类别名称", "分类名称",
                 "类别", "分类", "大类", "工作分类", "项目类型", "工作领域", "重点领域", "领域"),
    "number": ("序号", "编号", "任务序号", "项目序号", "任务编号", "项目编号", "工作序号", "序"),
    "content": ("工作内容", "具体工作任务", "任务内容", "具体工作内容", "具体任务", "工作事项", "具体措施",
                "工作措施", "主要内容", "工作举措", "主要措施", "具体内容", "工作目标及任务", "目标任务",
                "具体工作", "任务名称", "工作要求", "内容", "任务",
                "工作任务", "主要任务", "重点任务", "重点工作", "主要工作"),
    "lead": ("负责单位", "牵头单位", "责任单位", "主办单位", "牵头部门", "责任部门", "负责部门", "主责单位",
             "主办部门", "牵头责任单位", "主要责任单位", "承办单位", "牵头"),
    "participants": ("参与单位", "配合单位", "协办单位", "参与部门", "配合部门", "协办部门", "参加单位",
                     "协作单位", "协助单位", "协同单位", "协同部门", "配合", "参与", "协办"),
}
#: content by default, the category when another column of the header is the content
CATEGORY_OR_CONTENT = ("工作任务", "主要任务", "重点任务", "重点工作", "主要工作")
#: mandatory when the column's cells read 必做/选做, else the category
KIND_WORDS = ("任务类型", "工作类型", "任务类别属性")
#: roles an explicit mapping may also name; kept in RawRow.extra under their header text
EXTRA_ROLES = {"deadline": ("完成时限", "时间节点", "完成时间", "完成期限", "时限", "时间安排", "进度安排"),
               "remarks": ("备注", "说明")}
EXACT_ONLY = {"类", "序", "任务", "牵头", "配合", "参与", "协办", "领域", "必选"}  # too short to match as a prefix
ROLE_NAMES = tuple(ROLES) + tuple(EXTRA_ROLES)
MANDATORY_WORDS = {"必做", "选做", "必选", "可选", "选择", "是", "否", "√", "×", "✓", "Y", "N", "必做任务",
                   "选做任务", "必做工作", "选做工作"}

_PUNCT = re.compile(r"[\s、,\uff0c.。;\uff1b:\uff1a/\uff0f()\uff08\uff09\[\]【】<>《》\"'“”‘’*\uff0a\-—_|]+")
_NOTE = re.compile(r"[(\uff08\[【][^)\uff09\]】]*[)\uff09\]】]")


def norm_header(s: str) -> str:
    """Header text as compared: NFKC, no bracketed note, no spaces or punctuation."""
    s = unicodedata.normalize("NFKC", s or "")
    bare = _NOTE.sub("", s)
    return _PUNCT.sub("", bare if _PUNCT.sub("", bare) else s)


def header_role(text: str) -> str | None:
    """The role a header cell names, or None: "负责\\n单位" -> "lead", "完成时限" -> None.

    任务类型 gives "kind" (see the module docstring: decided from the column's cells)."""
    h = norm_header(text)
    if not h:
        return None
    if h in KIND_WORDS:
        return "kind"
    for role, words in ROLES.items():
        if h in words:
            return role
    if len(h) > 12:
        return None
    # "工作内容及要求", "负责单位牵头", "序号No.": a wording at the start, or a long wording inside
    for role, words in ROLES.items():
        for w in words:
            if w in EXACT_ONLY:
                continue
            if h.startswith(w) or (len(w) >= 4 and w in h):
                return role
    return None


def is_category_or_content(text: str) -> bool:
    return norm_header(text) in CATEGORY_OR_CONTENT


def kind_is_mandatory(values) -> bool:
    """Whether a 任务类型 column holds 必做/选做 (every filled cell), rather than category names."""
    vals = [norm_header(v) for v in values if norm_header(v)]
    return bool(vals) and all(v in MANDATORY_WORDS for v in vals)


def settle_roles(texts: dict[int, str], columns: dict[str, str] | None = None) -> dict[int, str]:
    """Column -> role for one header row: the explicit mapping first, then the guess, with
    重点任务-like words moved to the category when another column is the content. Roles that
    appear twice keep their first column (the others become extra columns). "kind" columns are
    left for the caller to settle from their cells (:func:`kind_is_mandatory`)."""
    out: dict[int, str] = {}
    mapped_roles: set[str] = set()
    if columns:
        for c, t in texts.items():
            for role, want in columns.items():
                if _matches(t, c, want):
                    out[c] = role
                    mapped_roles.add(role)
    guessed: dict[int, str] = {}
    for c, t in texts.items():
        if c in out:
            continue
        role = header_role(t)
        if role is not None and role not in mapped_roles:
            guessed[c] = role
    content_cols = [c for c, r in {**guessed, **out}.items() if r == "content"]
    if len(content_cols) > 1 or (content_cols and "content" in mapped_roles):
        strong = [c for c in content_cols if not is_category_or_content(texts[c]) or out.get(c) == "content"]
        if strong:
            for c in content_cols:
                if c not in strong and c in guessed and "category" not in mapped_roles:
                    guessed[c] = "category"
    out.update(guessed)
    first: dict[str, int] = {}
    for c in sorted(out):
        r = out[c]
        if r in first and r not in EXTRA_ROLES:
            del out[c]
        else:
            first.setdefault(r, c)
    return out


def _matches(text: str, col: int, want: str) -> bool:
    if re.fullmatch(r"[A-Z]{1,2}", want.strip()):
        return col == _col_index(want.strip())
    return bool(norm_header(want)) and norm_header(text) == norm_header(want)


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def parse_columns(spec: str | dict | None) -> dict[str, str] | None:
    """``"content=具体措施,lead=牵头单位"`` (or a dict) -> {"content": "具体措施", …}; a role that is
    not known is a UsageError naming the roles there are."""
    if not spec:
        return None
    if isinstance(spec, dict):
        pairs = list(spec.items())
    else:
        pairs = []
        for part in re.split(r"[,\uff0c;\uff1b]", spec):
            if not part.strip():
                continue
            m = re.fullmatch(r"\s*([^=\uff1d]+?)\s*[=\uff1d]\s*(.+?)\s*", part)
            if m is None:
                raise UsageError(f"--columns 的写法是 角色=表头文字, 例如 content=具体措施 (这里是“{part.strip()}”)")
            key, val = m.group(1), m.group(2)
            pairs.append((key.strip(), val.strip()))
    alias = {"participant": "participants", "category-no": "category_no", "no": "number",
             "deadline": "deadline", "remark": "remarks"}
    out = {}
    for k, v in pairs:
        k = alias.get(k, k)
        if k not in ROLE_NAMES:
            raise UsageError(f"--columns 里的“{k}”不是列的角色; 可用: {', '.join(ROLE_NAMES)}")
        out[k] = v
    return out
