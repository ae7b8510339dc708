"""The store owns all SQL (issue #8): no module of tracker/ outside tracker/store/ writes SQL text or
imports a database library. A newcomer who wants to know what tracker asks of its database reads
tracker/store/ and nothing else.

Checked over every .py file of tracker/ but tracker/store/: (a) every string constant of the module
(docstrings excepted) that looks like SQL; (b) every import of sqlalchemy, sqlite3 or a psycopg
driver, at the top of the module or inside a function; (c) every import of the store's tables (or
its ``metadata``), from which SQLAlchemy statements are built; (d) every call of ``.execute`` or
``.exec_driver_sql``: a statement run on a connection.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tracker"
STORE = PACKAGE / "store"

# SELECT as SQL writes it (columns FROM, or a function called), not the word "select" in a message
SQL = re.compile(r"\b(SELECT\s+\S.*\bFROM\b|SELECT\s+\w+\s*\(|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|ALTER\s+TABLE"
                 r"|DROP\s+TABLE|PRAGMA|BEGIN\s+IMMEDIATE)\b", re.IGNORECASE)
DATABASE_LIBRARIES = ("sqlalchemy", "sqlite3", "psycopg", "psycopg2")
RUN_STATEMENT = ("execute", "exec_driver_sql", "executemany", "executescript")


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if STORE not in p.parents)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the Constant nodes that are docstrings (of the module, a class or a function)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                out.add(id(body[0].value))
    return out


def sql_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string constant that looks like SQL, docstrings excepted."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = sorted((node.lineno, node.col_offset, node.value[:60]) for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
                   and SQL.search(node.value))
    return [(line, text) for line, _, text in found]


def database_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import of a database library, inside functions included."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        out += [(node.lineno, n) for n in names if n.split(".")[0] in DATABASE_LIBRARIES]
    return sorted(out)


def is_table(module: str, name: str) -> bool:
    """Whether ``from module import name`` gives a table of the store or its metadata."""
    from sqlalchemy import MetaData, Table

    try:
        value = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return False
    return isinstance(value, Table | MetaData)


def table_imports(source: str) -> list[tuple[int, str]]:
    """(line, name) of every table (or the metadata) imported from tracker.store or its modules."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("tracker.store"):
            out += [(node.lineno, a.name) for a in node.names if is_table(node.module, a.name)]
    return sorted(out)


def statements_run(source: str) -> list[tuple[int, str]]:
    """(line, method) of every call of a connection's (or cursor's) execute methods."""
    return sorted((node.lineno, node.func.attr) for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in RUN_STATEMENT)


def findings(root: Path = PACKAGE) -> list[str]:
    out = []
    for path in modules():
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(root.parent)
        out += [f"{rel}:{line}: SQL text {text!r}" for line, text in sql_strings(source)]
        out += [f"{rel}:{line}: imports {name}" for line, name in database_imports(source)]
        out += [f"{rel}:{line}: imports the store's table {name}" for line, name in table_imports(source)]
        out += [f"{rel}:{line}: runs a statement (.{name})" for line, name in statements_run(source)]
    return out


def test_no_sql_outside_the_store():
    found = findings()
    assert not found, "SQL belongs to tracker/store/ (move it there, call a store function):\n" + "\n".join(found)


def test_the_check_sees_sql_and_database_imports():
    """The check itself: SQL text and database imports anywhere in a module are found; Chinese
    text, docstrings and the word "select" in prose are not."""
    source = '''
"""Module docstring: SELECT * FROM returns is documentation, not SQL."""
import os


def f(conn):
    """Docstring: DELETE FROM received."""
    from sqlalchemy import text

    conn.execute(text("select unit from returns where period = :p"))
    conn.execute("PRAGMA integrity_check")
    return "请选择 (select) 一个单位", "update the plan", "insert a row"


def g():
    import sqlite3
    import sqlalchemy.exc as exc
    return "UPDATE returns SET unit = 'x'", "CREATE INDEX ix ON t (a)", "begin immediate"
'''
    assert [t for _, t in sql_strings(source)] == [
        "select unit from returns where period = :p", "PRAGMA integrity_check",
        "UPDATE returns SET unit = 'x'", "CREATE INDEX ix ON t (a)", "begin immediate"]
    assert [n for _, n in database_imports(source)] == ["sqlalchemy", "sqlite3", "sqlalchemy.exc"]
    assert [m for _, m in statements_run(source)] == ["execute", "execute"]


def test_the_check_sees_statements_built_on_the_store_tables():
    """SQLAlchemy Core needs no SQL text and no sqlalchemy import when the tables are imported."""
    source = '''
def f(conn):
    from tracker.store import Store, now_iso, plans, received
    from tracker.store.schema import contacts, metadata, returns as r

    conn.execute(received.insert().values(sha256="x"))
'''
    assert [n for _, n in table_imports(source)] == ["received", "contacts", "metadata", "returns"]


def test_the_store_is_where_the_sql_is():
    """The store itself is not exempt by accident: it does hold SQL (so the walk above skips it
    on purpose, and would see SQL moved out of it)."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in STORE.rglob("*.py"))
    assert database_imports(source) and sql_strings(source) and statements_run(source)
