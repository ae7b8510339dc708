"""Unit names: normalising, splitting unit cells, aliases and collectives (the registry).

The rules (DOMAIN.md "Unit names"; the reasoning is in ``docs/units-and-targets.md``):

* :func:`normalize_unit` — full-width ASCII letters, digits and punctuation become half-width
  (",", ";", "/", ":" …), every whitespace character is removed (it is layout, never part of a
  name), and every kind of bracket becomes "(" / ")". The Chinese enumeration comma "、" stays.
* :func:`split_units` — a unit cell is split at "、", ",", ";", "/" and line breaks, at bracket
  depth 0 only, with three exceptions:

  1. *Collective prefixes that contain 、 are protected*: "各区、县级市政府" is one unit. The built-in
     family (:data:`BUILTIN_COLLECTIVES`: 各区、县级市, 各县、市、区, 各县市区 …) and every collective
     key of the registry are protected.
  2. *Shared prefixes are distributed*: after a unit that starts with a collective prefix beginning
     with 各 ("各区、县级市财政局"), a **bare** department name ("知识产权局") inherits the prefix
     ("各区、县级市知识产权局"). A segment is bare unless it names its owner: it starts with 各, 市,
     省, 县, 区, 全, 中, 国 …, or carries a place name ("花都区…", "广州…", "长沙海关…"), or contains
     海关, or is a unit the registry knows. Only prefixes beginning with 各 are distributed
     ("市财政局、科技局" is left alone: the office writes 市 on every unit).
  3. *Vague tails become an entry of their own*: "…等有关单位", "…及相关部门", "…等单位", "…等部门" and a
     final "…等" are cut off the unit they follow and become one entry spelled
     ``("相关" if the tail says 相关 else "有关") + (the noun of the tail, default 单位)``:
     等有关单位 → 有关单位, 及相关部门 → 相关部门, 等单位 → 有关单位, 等部门 → 有关部门, 等 → 有关单位.
     Names that are vague as a whole ("各有关单位", "市各有关单位", "各有关区知识产权局",
     "各高新技术园区管理机构") have no connector (等/及) and are kept whole.

  Duplicates are dropped (first occurrence kept). An empty cell gives [].
* :func:`is_collective` — 各…, …有关单位 / 相关部门, …各单位 / 各部门: the name stands for several units.
* :class:`Registry` — aliases (old name → current name, applied in a chain), collectives with their
  members (``expand`` distributes the suffix over the members: "各区、县级市知识产权局" →
  "越秀区知识产权局" …), and the known units used to spot a name spelled close to a known one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# -- normalising ----------------------------------------------------------------------------------
_OPEN = "(（〔【［[｛{〖〘"
_CLOSE = ")）〕】］]｝}〗〙"
_BRACKETS = {**{c: "(" for c in _OPEN}, **{c: ")" for c in _CLOSE}}
_WS = re.compile(r"\s+")


def _halfwidth(ch: str) -> str:
    o = ord(ch)
    if 0xFF01 <= o <= 0xFF5E:
        return chr(o - 0xFEE0)
    if o == 0x3000:
        return " "
    return ch


def normalize_unit(s: str) -> str:
    """Half-width ASCII, no whitespace, one kind of bracket. Idempotent.

    "市 知识产权 局" -> "市知识产权局"; "各县（市、区）" -> "各县(市、区)"; "ＡＢＣ" -> "ABC"."""
    if not s:
        return ""
    s = "".join(_BRACKETS.get(c, c) for c in map(_halfwidth, s))
    return _WS.sub("", s)


# -- collectives ----------------------------------------------------------------------------------
#: Collective prefixes known without any configuration (normalised spelling). Those that contain a
#: separator are protected while splitting; all of them are distributed over bare names.
BUILTIN_COLLECTIVES = (
    "各区、县级市", "各区县级市", "各区(县级市)", "各县、市、区", "各县市区", "各县(市、区)", "各县(市区)",
    "各县、市(区)", "各县、区", "各区、县", "各区县", "各县区", "各市、县", "各市县", "各县、市", "各县市",
    "各市、县(区)", "各市、区", "各市区", "各地、市", "各地市", "各乡镇、街道", "各镇、街", "各镇(街)",
    "各乡镇", "各街道", "各区", "各县", "各镇",
)

_VAGUE_NOUN = r"(?:单位|部门|机构|成员单位)"
_COLLECTIVE_RE = re.compile(
    r"^各|(?:有关|相关|其他|其它)" + _VAGUE_NOUN + r"|各(?:有关|相关)?" + _VAGUE_NOUN + r"|^(?:有关|相关)")


def is_collective(name: str) -> bool:
    """True for a name that stands for several units: 各…, …有关单位, 相关部门, 市直各部门 …"""
    return bool(_COLLECTIVE_RE.search(normalize_unit(name)))


# -- splitting ------------------------------------------------------------------------------------
_SEPARATORS = set("、,;/")
_TAIL = re.compile(r"(?:等|及|以及)(?:其他|其它)?(?P<kind>有关|相关)?(?P<noun>" + _VAGUE_NOUN + r")?$")
# Words inside department names that contain a place marker character but are not place names.
_NOT_PLACE = re.compile(r"城市|市场|市政|市容|城乡|社区|区域|县域|乡镇|都市|乡村|街区|园区|校区|矿区|林区|景区|郊区|辖区")
_OWNER_START = ("各", "市", "省", "县", "区", "全", "中国", "中共", "中央", "中省", "国家", "镇", "乡", "州", "自治")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,5}?(?:省|市|区|县|州|盟|旗|镇|乡|街道)")
_PLACEHOLDER_BASE = 0xE000  # private-use characters stand in for protected collectives


def _tail_entry(m: re.Match) -> str:
    return ("相关" if m.group("kind") == "相关" else "有关") + (m.group("noun") or "单位")


def _protected_keys(registry: Registry | None) -> list[str]:
    keys = set(BUILTIN_COLLECTIVES)
    if registry is not None:
        keys.update(normalize_unit(k) for k in registry.collectives)
    return sorted(keys, key=len, reverse=True)


def _collective_prefix(seg: str, keys: list[str]) -> str | None:
    """The longest collective prefix (starting with 各) that seg starts with, with something after it."""
    for k in keys:
        for prefix in (k, k if k.startswith("各") else "各" + k):
            if prefix.startswith("各") and seg.startswith(prefix) and len(seg) > len(prefix):
                return prefix
    return None


def is_bare(seg: str, registry: Registry | None = None) -> bool:
    """A department name that does not say whose it is: "知识产权局", "财政局", "政府".

    Not bare: 市工商局, 各…, 花都区知识产权局, 广州海关, 黄埔海关, 长沙海关驻郴州办事处, and any unit the
    registry knows."""
    s = normalize_unit(seg)
    if not s:
        return False
    if registry is not None and registry.knows(s):
        return False
    if "海关" in s or "驻" in s or is_collective(s):
        return False
    masked = _NOT_PLACE.sub("□□", s)
    if masked.startswith(_OWNER_START):
        return False
    return not _PLACE.match(masked)


def _split_depth0(s: str) -> list[str]:
    out, cur, depth = [], [], 0
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if depth == 0 and (ch in _SEPARATORS or ch == "\n"):
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def split_units(raw: str, registry: Registry | None = None) -> list[str]:
    """Split a unit cell into unit names (normalised, not yet aliased). See the module docstring.

    "各区、县级市财政局、知识产权局" -> ["各区、县级市财政局", "各区、县级市知识产权局"];
    "市协作办、市贸促会等有关单位" -> ["市协作办", "市贸促会", "有关单位"]."""
    if not raw or not raw.strip():
        return []
    # line breaks separate units; every other whitespace is layout
    text = "\n".join(normalize_unit(line) for line in re.split(r"[\r\n\u2028\u2029]+", raw))
    keys = _protected_keys(registry)
    protected = [k for k in keys if any(c in _SEPARATORS for c in k)]
    table: dict[str, str] = {}
    for i, k in enumerate(protected):
        if k in text:
            ph = chr(_PLACEHOLDER_BASE + i)
            table[ph] = k
            text = text.replace(k, ph)

    def restore(s: str) -> str:
        for ph, k in table.items():
            s = s.replace(ph, k)
        return s

    out: list[str] = []
    prefix: str | None = None
    for seg in (restore(p) for p in _split_depth0(text)):
        if not seg:
            continue
        tail = None
        m = _TAIL.search(seg)
        if m and (m.group(0) != "及" and m.group(0) != "以及"):
            tail = _tail_entry(m)
            seg = seg[: m.start()]
        if seg:
            own = _collective_prefix(seg, keys)
            if own is not None:
                prefix = own
            elif prefix is not None and is_bare(seg, registry):
                seg = prefix + seg
            else:
                prefix = None
            out.append(seg)
        if tail:
            out.append(tail)
    seen: dict[str, None] = {}
    for u in out:
        seen.setdefault(u, None)
    return list(seen)


# -- lead marks -------------------------------------------------------------------------------------
#: A lead mark on a unit name (after normalising): "市科技局(牵头)", "★市科技局", "市科技局*".
LEAD_MARK = re.compile(r"\((?:牵头|牵头单位|牵头部门|主责|主办)\)|^[*★☆]+|[*★☆]+$")
_LEAD_LABEL = re.compile(r"^\s*(?:责任单位\s*[:\uff1a]\s*)?(?:牵头|主办|主责)(?:单位|部门)?\s*[:\uff1a]\s*")
_OTHER_LABEL = re.compile(r"[;\uff1b,\uff0c。\s]*(?:配合|参与|协办|协同)(?:单位|部门)?\s*[:\uff1a]\s*")


def strip_lead_mark(name: str) -> tuple[str, bool]:
    """(name without its lead mark, whether it had one): "市科技局(牵头)" -> ("市科技局", True)."""
    bare = LEAD_MARK.sub("", name)
    return bare, bare != name


def split_roles(raw: str, registry: Registry | None = None) -> tuple[list[str], list[str], bool]:
    """(leads, participants, marked) of one unit cell that may say who leads.

    * "牵头:A、B;配合:C" (either colon, 牵头单位/牵头部门/主办…; 配合/参与/协办/协同…) names both sides;
    * "A(牵头)、B" / "A（牵头）、B" / "★A、B" / "A*、B": the marked units lead, the others participate;
    * no mark: every unit is in ``leads`` and ``marked`` is False (the caller decides: the whole
      cell leads, or the first unit when the table says "排在第一位的为牵头单位").

    A mark never stays in a name."""
    if not raw or not raw.strip():
        return [], [], False
    lead_label = _LEAD_LABEL.match(raw)
    other = _OTHER_LABEL.search(raw)
    if lead_label or other:
        lead_text = raw[:other.start()] if other else raw
        lead_text = _LEAD_LABEL.sub("", lead_text, count=1)
        part_text = raw[other.end():] if other else ""
        leads = [strip_lead_mark(u)[0] for u in split_units(lead_text, registry)]
        parts = [strip_lead_mark(u)[0] for u in split_units(part_text, registry)]
        return [u for u in leads if u], [u for u in parts if u], True
    names, marks = [], []
    for u in split_units(raw, registry):
        bare, had = strip_lead_mark(u)
        if bare:
            names.append(bare)
            marks.append(had)
    if any(marks):
        return ([n for n, m in zip(names, marks, strict=True) if m],
                [n for n, m in zip(names, marks, strict=True) if not m], True)
    return names, [], False


#: A note saying the first unit listed leads: "排在第一位的为牵头单位", "排名第一的为牵头单位",
#: "第一个为牵头单位", "首位为牵头单位", "牵头单位排在第一位" …
FIRST_LEADS = re.compile(
    r"(?:第一|首)(?:位|个|名)?(?:的|者)?(?:单位|部门)?\s*(?:为|是)\s*牵头"
    r"|牵头(?:单位|部门)\s*(?:排|列|位)(?:在|于|列)?\s*(?:第一|首)")


def says_first_leads(text: str) -> bool:
    return bool(FIRST_LEADS.search(re.sub(r"\s+", "", text or "")))


# -- edit distance ----------------------------------------------------------------------------------
def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, stopping early once it exceeds ``limit`` (returns limit + 1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


# -- the registry -----------------------------------------------------------------------------------
@dataclass
class Registry:
    """The office's unit registry, from tracker.toml ``[units.aliases]`` and ``[units.collectives]``.

    ``known`` holds further names the office has seen (e.g. the units of stored plans), added with
    :meth:`learn`; together with alias targets and collective members they are what
    :meth:`close_match` compares against."""

    aliases: dict[str, str] = field(default_factory=dict)
    collectives: dict[str, list[str]] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.aliases = {normalize_unit(k): normalize_unit(v) for k, v in self.aliases.items()
                        if normalize_unit(k) and normalize_unit(k) != normalize_unit(v)}
        self.collectives = {normalize_unit(k): [normalize_unit(m) for m in v if normalize_unit(m)]
                            for k, v in self.collectives.items() if normalize_unit(k)}
        self.known = {normalize_unit(n) for n in self.known if normalize_unit(n)}

    @classmethod
    def from_config(cls, cfg: dict) -> Registry:
        units = (cfg or {}).get("units", {}) or {}
        return cls(dict(units.get("aliases", {}) or {}),
                   {k: list(v) for k, v in (units.get("collectives", {}) or {}).items()})

    # names ------------------------------------------------------------------------------------
    def canonical(self, name: str) -> str:
        """The current name: normalised, then the alias chain followed (cycles stop)."""
        n = normalize_unit(name)
        seen = {n}
        while n in self.aliases:
            n = self.aliases[n]
            if n in seen:
                break
            seen.add(n)
        return n

    def learn(self, names: Iterable[str]) -> None:
        """Remember names as known units (for :meth:`close_match`)."""
        for n in names:
            n = normalize_unit(n)
            if n:
                self.known.add(n)

    def known_names(self) -> set[str]:
        names = set(self.known) | set(self.aliases.values())
        for members in self.collectives.values():
            names.update(members)
        return names

    def knows(self, name: str) -> bool:
        n = normalize_unit(name)
        return n in self.aliases or n in self.known_names()

    def close_match(self, name: str) -> str | None:
        """A known unit spelled one edit away from ``name`` (names of 4+ characters), or None.

        None when the name is itself known (or a registered alias)."""
        n = normalize_unit(name)
        if len(n) < 4 or n in self.aliases:
            return None
        known = self.known_names()
        if n in known:
            return None
        for k in sorted(known, key=lambda k: (len(k), k)):
            if len(k) >= 4 and edit_distance(n, k, 1) == 1:
                return k
        return None

    # collectives ------------------------------------------------------------------------------
    def _collective_for(self, name: str) -> tuple[str, str] | None:
        """(collective key, suffix) when name is a registered collective or starts with one."""
        for k in sorted(self.collectives, key=len, reverse=True):
            for prefix in (k, "各" + k if not k.startswith("各") else k):
                suffix = name[len(prefix):]
                if name.startswith(prefix) and suffix[:1] not in _SEPARATORS:
                    return k, suffix
        return None

    def expand(self, name: str) -> list[str]:
        """The concrete units that receive templates for a unit named in the plan.

        A normal unit -> [its canonical name]; a collective with members -> the members with the
        suffix distributed ("各区、县级市知识产权局" -> ["越秀区知识产权局", …]); a collective that
        cannot be expanded ("各有关单位", "相关部门", "各有关区知识产权局") -> []."""
        n = self.canonical(name)
        if not n:
            return []
        hit = self._collective_for(n)
        if hit is not None:
            key, suffix = hit
            out: list[str] = []
            for m in self.collectives[key]:
                u = self.canonical(m + suffix)
                if u not in out:
                    out.append(u)
            return out
        if is_collective(n):
            return []
        return [n]

    def expandable(self, name: str) -> bool:
        """Whether the name reaches at least one concrete unit (i.e. ``expand`` is not empty):
        true for a normal unit and for a collective with members, false for "各有关单位"."""
        return bool(self.expand(name))


# -- changing aliases --------------------------------------------------------------------------------
def checked_alias(aliases: dict[str, str], old: str, new: str, known: set[str],
                  replace: bool = False) -> tuple[dict[str, str], str | None]:
    """The alias table with ``old → new`` added, or :class:`~tracker.problems.Refused`.

    Refused: an alias of a name to itself; a target nobody knows (not a unit of a stored plan, a
    collective member, an alias target or an alias name) unless ``old`` is known (then it is a
    rename to a new name), and a target one character away from a known unit (a typo that would
    rename the unit's plans and returns; ``replace`` confirms it); an alias that would form a cycle
    (``new`` already leads back to ``old``); and, without ``replace``, the reverse of an existing
    alias (``new → old``) or a different target for an alias already registered. With ``replace``
    the reverse (or the old target) is dropped first. Returns (the new table, the alias replaced
    as "a → b", or None). Names are compared normalised."""
    from tracker.problems import Refused

    table = {normalize_unit(k): normalize_unit(v) for k, v in aliases.items()}
    o, n = normalize_unit(old), normalize_unit(new)
    if not o or not n or o == n:
        raise Refused(f"别名与单位名称相同或为空: “{old}” → “{new}”; 未作改动。")
    replaced = None
    if table.get(o) not in (None, n):
        if not replace:
            raise Refused(f"“{o}”已登记为“{table[o]}”的别名; 如确要改为“{n}”, 请加 --replace。未作改动。")
        replaced = f"{o} → {table.pop(o)}"
    if table.get(n) == o:
        if not replace:
            raise Refused(f"已登记相反的别名“{n}” → “{o}”; 再登记“{o}” → “{n}”会形成循环, 使该单位的模板和报表无法识别。"
                          f"如确要改用“{n}”为正式名称, 请加 --replace (将取代原别名)。未作改动。")
        replaced = f"{n} → {table.pop(n)}"
    chain, m = [n], n
    while m in table:
        m = table[m]
        chain.append(m)
        if m == o or m in chain[:-1]:
            raise Refused("该别名会形成循环: " + " → ".join([o, *chain]) + "; 未作改动。请先检查 tracker.toml 的 [units.aliases]。")
    names = {normalize_unit(k) for k in set(known) | set(aliases) | set(aliases.values())}
    if m not in names:
        near = None if replace else next((k for k in sorted(names) if len(k) >= 4 and edit_distance(m, k, 1) == 1), None)
        if near is not None:
            raise Refused(f"“{m}”不是已知的单位, 与已知的“{near}”只差一个字, 可能写错了; 未作改动。"
                          "如确为新的名称, 请加 --replace。")
        if o not in names:
            raise Refused(f"“{o}”和“{m}”都不是已知的单位 (不在已导入的计划、单位名册或别名中), 可能写错了; 未作改动。"
                          "请核对名称, 或先导入使用该名称的计划。")
    table[o] = n
    return table, replaced
