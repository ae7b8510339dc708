"""No character class in the package holds the same character twice.

An editor (or a paste through a half-width input method) can silently turn ``[（(]`` into ``[((]``:
the pattern still compiles, and from then on a full-width bracket, colon or comma in a table is no
longer matched (issue 11: "（一）建立…" section rows, "备注：…" footnotes and "七（续）" categories
rejected whole tables because of it). Python's own parser folds ``[((]`` into a plain ``(``, so the
classes are read here from the pattern text itself.

Patterns looked at, in every module of ``tracker``:

* every module-level ``re.Pattern`` global (this covers f-string patterns built from constants);
* every string (or f-string whose parts are module constants) passed as the pattern of ``re.compile``,
  ``re.match``, ``re.search``, ``re.fullmatch``, ``re.sub``, ``re.subn``, ``re.split``,
  ``re.findall`` or ``re.finditer`` anywhere in the source, functions included (found with ``ast``);
* the character sets given to ``str.strip`` / ``lstrip`` / ``rstrip`` as a constant (the same
  slip there drops the full-width form: ``s.strip("()()")``).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import tracker

RE_FUNCS = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
_ESC = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "0": "\0"}


def class_duplicates(pattern: str) -> list[str]:
    """Characters that occur twice in one character class of a regular expression."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch != "[":
            i += 1
            continue
        i += 1
        if i < n and pattern[i] == "^":
            i += 1
        seen: list[str] = []
        first = True
        while i < n and (pattern[i] != "]" or first):
            first = False
            c, i = _class_char(pattern, i)
            if c is None:
                continue
            if i + 1 < n and pattern[i] == "-" and pattern[i + 1] != "]":
                hi, i = _class_char(pattern, i + 1)
                if hi is not None:
                    seen.extend(chr(x) for x in range(ord(c), ord(hi) + 1) if ord(hi) - ord(c) < 200)
                continue
            if c in seen:
                out.append(c)
            seen.append(c)
        i += 1
    return out


def _class_char(p: str, i: int) -> tuple[str | None, int]:
    """The character at p[i] inside a class (escapes decoded) and the index after it; None for a
    category such as \\d or \\s."""
    if p[i] != "\\":
        return p[i], i + 1
    e = p[i + 1] if i + 1 < len(p) else ""
    if e == "u":
        return chr(int(p[i + 2:i + 6], 16)), i + 6
    if e == "U":
        return chr(int(p[i + 2:i + 10], 16)), i + 10
    if e == "x":
        return chr(int(p[i + 2:i + 4], 16)), i + 4
    if e == "N":
        end = p.index("}", i)
        import unicodedata

        return unicodedata.lookup(p[i + 3:end]), end + 1
    if e in _ESC:
        return _ESC[e], i + 2
    if e in "dDsSwWbB":
        return None, i + 2
    return e, i + 2


def _modules():
    yield tracker
    for info in pkgutil.walk_packages(tracker.__path__, "tracker."):
        if not info.name.endswith("__main__"):  # importing it would run the CLI
            yield importlib.import_module(info.name)


def _eval_str(node: ast.AST, env: dict) -> str | None:
    """A constant string, or an f-string whose parts are module constants, evaluated; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            elif (isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name)
                  and isinstance(env.get(v.value.id), str)):
                parts.append(env[v.value.id])
            else:
                parts.append("")  # a local value: the literal parts are still checked
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = _eval_str(node.left, env), _eval_str(node.right, env)
        return None if a is None or b is None else a + b
    if isinstance(node, ast.Name) and isinstance(env.get(node.id), str):
        return env[node.id]
    return None


def found_patterns() -> list[tuple[str, str, str]]:
    """(where, kind, text) for every pattern and strip set of the package."""
    out = []
    for mod in _modules():
        env = vars(mod)
        name = mod.__name__
        for key, value in env.items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                out.append((f"{name}.{key}", "re", value.pattern))
        src = Path(mod.__file__).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(src)):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            f = node.func
            if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "re"
                    and f.attr in RE_FUNCS):
                text = _eval_str(node.args[0], env)
                if text is not None:
                    out.append((f"{name}:{node.lineno}", "re", text))
            elif isinstance(f, ast.Attribute) and f.attr in ("strip", "lstrip", "rstrip"):
                text = _eval_str(node.args[0], env)
                if text is not None:
                    out.append((f"{name}:{node.lineno}", "strip", text))
    return out


def test_the_scanner_sees_a_doubled_class():
    assert class_duplicates("[((]\\s*续") == ["("]
    assert class_duplicates(r"[:\uff1a]") == []
    assert class_duplicates("[:\uff1a:]") == [":"]
    assert class_duplicates(r"[\uFF08(]") == []
    assert class_duplicates(r"[(\x28]") == ["("]
    assert class_duplicates(r"[a-z]x[ab]") == []
    assert class_duplicates(r"\[[]]") == []
    assert class_duplicates(r"[\d\d]") == []


def test_the_walk_finds_patterns_inside_functions():
    found = found_patterns()
    where = {w.split(":")[0] for w, _k, _t in found if ":" in w}
    assert {"tracker.importers.narrative", "tracker.plan_builder", "tracker.importers.boxtext"} <= where
    assert any(k == "strip" for _w, k, _t in found)
    assert len(found) > 100


def test_no_character_class_holds_a_character_twice():
    bad = []
    for where, kind, text in found_patterns():
        if kind == "re":
            dups = class_duplicates(text)
        else:
            dups = [c for i, c in enumerate(text) if c in text[:i]]
        if dups:
            bad.append(f"{where}: {kind} {text!r} holds {''.join(sorted(set(dups)))!r} twice")
    assert not bad, "\n".join(bad)
