"""Quantitative targets in an item's text: "全市年专利申请量增长16%以上" -> metric, op, value, unit.

Rules (DOMAIN.md "Quantitative targets"; reasoning in ``docs/units-and-targets.md``):

* Only Arabic digits count (full-width digits are normalised first). Chinese numerals ("两个",
  "三个网络", "三合一", "十三五") are never targets: in these plans they name things, not goals.
* A target is a number followed by a counting unit (:data:`UNITS`: %, 家, 件, 个, 项, 次, 期, 人, 名,
  所, 场, 篇, 种, 批, 户, 元/万元/亿元 …). "13万件" is 130000 件 (万/亿/千 are folded into the value);
  money keeps 万元/亿元 as its unit ("500万元" is 500 万元), as departments report money in 万元.
* The comparison: "5—10家" / "5-10家" / "5至10家" / "5~10家" -> ``range`` (value 5, value_max 10);
  "以上", "(或以上)", "不少于", "至少", "不低于", "超过", "达到…以上" -> ``>=``; "以下", "以内",
  "不超过", "不高于", "至多" -> ``<=``; "左右", "约" -> ``==``. A bare quantity ("选择20家",
  "扶持1个重点行业") is a commitment, and a commitment is a minimum: ``>=``.
* Not targets: document numbers (穗府[2006]58号, 〔2009〕306号, 国知发管字〔2004〕126号), years and
  dates (2007年, 2015年底, (2014—2020年), 4·26, 12月15日), standard numbers (GB/T29490-2013),
  "5+n", time spans ("3年内", "3个月"), ordinals ("第3批", "前4项"). Units such as 年, 月, 日, 号
  are simply not counting units; document and standard numbers are masked before scanning.
* ``text`` is the clause that holds the target (the content split at , , ; ; 。 ! ?).
  ``metric`` is that clause without the quantity phrase (number, unit and comparison words), with
  trailing 的/达到/为/有/共/累计 and leading 力争/争取/确保/今年 trimmed:
  "全市注册商标总量达到13万件以上" -> "全市注册商标总量";
  "力争今年有5件以上商标获得中国驰名商标" -> "商标获得中国驰名商标".
"""

from __future__ import annotations

import re

from tracker.model import Target

#: Counting units, longest first where one is the start of another.
UNITS = (
    "个百分点", "百分点", "人次", "家次", "场次", "件次", "课时", "学时", "万元", "亿元", "千元", "元",
    "%", "‰", "家", "件", "个", "项", "次", "期", "人", "名", "所", "场", "篇", "种", "批", "户", "台",
    "套", "部", "本", "册", "份", "条", "座", "处", "支", "门", "倍", "位", "款", "类", "组", "项次",
)
_UNIT_RE = "|".join(re.escape(u) for u in sorted(set(UNITS), key=len, reverse=True))
_MULT = {"千": 1_000, "万": 10_000, "亿": 100_000_000}
_NUM = r"\d+(?:\.\d+)?"
_DASH = r"(?:—|–|-|~|至|到)"

_QTY = re.compile(
    rf"(?P<a>{_NUM})(?:\s*(?P<ma>[千万亿])?(?P<ua>{_UNIT_RE}))?\s*{_DASH}{{1,2}}\s*(?P<b>{_NUM})\s*(?P<mb>[千万亿])?(?P<ub>{_UNIT_RE})"
    rf"|(?P<n>{_NUM})\s*(?P<m>[千万亿])?(?P<u>{_UNIT_RE})"
)

# Comparison words just before the number, longest first.
_BEFORE = (
    ("不少于", ">="), ("不低于", ">="), ("不小于", ">="), ("不超过", "<="), ("不高于", "<="),
    ("不多于", "<="), ("不大于", "<="), ("至少", ">="), ("最少", ">="), ("超过", ">="), ("多于", ">="),
    ("大于", ">="), ("高于", ">="), ("至多", "<="), ("最多", "<="), ("少于", "<="), ("低于", "<="),
    ("小于", "<="), ("约", "=="), ("大约", "=="),
)
_AFTER = re.compile(r"^\s*(?:[(\uff08]\s*(?:或|及|含)?\s*(?P<p>以上|以下|以内)\s*[)\uff09]|(?P<w>以上|以下|以内|左右|及以上|及以下))")
_AFTER_OP = {"以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<=", "左右": "=="}

_CLAUSE_SPLIT = re.compile(r"[,\uff0c;\uff1b。!\uff01?\uff1f\n]")

# Masks: spans that hold digits but are never targets.
_MASKS = (
    re.compile(r"[\[〔(【]\s*(?:19|20)\d\d\s*[\]〕)】]\s*第?\s*\d+\s*号"),  # 穗府[2006]58号
    re.compile(r"[A-Z]{1,4}(?:/[A-Z]{1,2})?\s*\d+(?:[.\-—]\d+)*"),  # GB/T29490-2013, ISO9001
    re.compile(r"\d+\s*[+\uff0b]\s*[a-zA-Z]"),  # 5+n
    re.compile(r"\d+\s*[·.]\s*\d+(?=\s*[”\"」』])"),  # “4·26”
    re.compile(r"(?:第|前|后|每|上述|下列)\s*\d+"),  # ordinals, "every N", references: 第3批, 前4项, 每3年, 上述9项
    re.compile(r"\d+\s*个?\s*(?:月|工作日|小时|季度|星期|周|年度|年|天|日)"),  # 3个月, 3年内, 2007年
)

_TRIM_END = ("的", "达到", "达", "为", "有", "共", "累计", "共计", "总计", "合计", "要", "在", "实现")
_TRIM_START = ("并且", "并", "同时", "力争", "争取", "确保", "努力", "今年", "全年内", "年内", "至少")


def _normalise(text: str) -> str:
    out = []
    for ch in text:
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:  # full-width ASCII (digits, ％, －, ．, ＋ …)
            ch = chr(o - 0xFEE0)
        elif ch == "\u3000":
            ch = " "
        out.append(ch)
    return "".join(out)


def _mask(s: str) -> str:
    """Same-length copy of s with non-target spans replaced by '□' (positions stay aligned)."""
    chars = list(s)
    for rx in _MASKS:
        for m in rx.finditer(s):
            for i in range(m.start(), m.end()):
                chars[i] = "□"
    # thousands separators: "13,000件" -> treat as one number (keep alignment with a marker)
    return "".join(chars)


def _value(num: str, mult: str | None, unit: str) -> tuple[float, str]:
    v = float(num)
    if mult:
        if unit == "元":
            return v, mult + "元"
        v *= _MULT[mult]
    return v, unit


def _trim_metric(before: str, after: str) -> str:
    before = before.strip()
    changed = True
    while changed:
        changed = False
        for w in _TRIM_END:
            if before.endswith(w):
                before = before[: -len(w)]
                changed = True
    after = after.strip()
    while after.startswith("的"):
        after = after[1:]
    metric = (before + after).strip(" :\uff1a、")
    changed = True
    while changed:
        changed = False
        for w in _TRIM_START:
            if metric.startswith(w):
                metric = metric[len(w):]
                changed = True
    return metric


def _targets_in_clause(clause: str) -> list[Target]:
    return [t for t, _ in _spans_in_clause(clause)]


def _spans_in_clause(clause: str) -> list[tuple[Target, str]]:
    """(target, the quantity phrase as written: "13万件以上", "不少于5家", "5—10家") per target."""
    masked = _mask(clause)
    out: list[tuple[Target, str]] = []
    for m in _QTY.finditer(masked):
        start, end = m.start(), m.end()
        # a number glued to a preceding digit, dot or letter is part of something else
        if start > 0 and (masked[start - 1].isdigit() or masked[start - 1] in ".□/" or
                          masked[start - 1].isascii() and masked[start - 1].isalpha()):
            continue
        if m.group("n") is not None:
            value, unit = _value(m.group("n"), m.group("m"), m.group("u"))
            op, value_max = ">=", None
            for word, wop in _BEFORE:
                if clause[:start].endswith(word):
                    op, start = wop, start - len(word)
                    break
        else:
            unit_b = m.group("ub")
            if m.group("ua") and m.group("ua") != unit_b:
                continue  # "3人-5家": two different quantities, not a range
            value, unit = _value(m.group("a"), m.group("ma") or m.group("mb"), unit_b)
            value_max, _ = _value(m.group("b"), m.group("mb"), unit_b)
            if value_max < value:
                continue
            op = "range"
        after = _AFTER.match(clause[end:])
        if after:
            word = after.group("p") or after.group("w")
            if op != "range":
                op = _AFTER_OP[word]
            end += after.end()
        metric = _trim_metric(clause[:start], clause[end:]) or clause.strip()
        out.append((Target(text=clause.strip(), metric=metric, op=op, value=value, unit=unit,
                           value_max=value_max if op == "range" else None), clause[start:end].strip()))
    return out


def written_goal(target: Target) -> str:
    """The goal as the plan wrote it ("13万件以上", not "≥130000件"), found again in the target's
    clause; :meth:`Target.describe` where the clause does not give it back."""
    for t, phrase in _spans_in_clause(_normalise(target.text or "")):
        if (t.op, t.value, t.unit, t.value_max) == (target.op, target.value, target.unit, target.value_max):
            return phrase
    return target.describe()


def extract_targets(text: str) -> list[Target]:
    """Every quantitative target in the text, in order of appearance."""
    if not text:
        return []
    s = _normalise(text)
    s = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s)  # 13,000 -> 13000
    out: list[Target] = []
    for clause in _CLAUSE_SPLIT.split(s):
        if clause.strip() and any(ch.isdigit() for ch in clause):
            out.extend(_targets_in_clause(clause.strip()))
    return out
