"""Every table out of the store and into an empty one (``tracker backup`` / ``restore``). Each
function takes a connection; :mod:`tracker.backup` writes and reads the archive."""

from __future__ import annotations

from sqlalchemy import func, select, text

from tracker.store.schema import SCHEMA_VERSION_KEY, metadata


def dump_tables(conn) -> dict:
    """Every table as {columns, rows}, rows sorted."""
    out = {}
    for table in metadata.sorted_tables:
        cols = [c.name for c in table.columns]
        rows = [list(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
        out[table.name] = {"columns": cols, "rows": rows}
    return out


def nonempty_table(conn) -> str | None:
    """The name of a table (but meta) that holds rows, or None: the store is empty."""
    for table in metadata.sorted_tables:
        if table.name == "meta":
            continue
        if conn.execute(select(func.count()).select_from(table)).scalar():
            return table.name
    return None


def load_tables(conn, dump: dict) -> None:
    """Insert a dump (as :func:`dump_tables` makes it) into an empty store: columns the schema
    lacks are left out, meta keeps this store's schema version; PostgreSQL's id sequences follow."""
    for table in metadata.sorted_tables:
        got = dump.get(table.name)
        if not got:
            continue
        cols = [c for c in got["columns"] if c in table.columns]
        rows = [dict(zip(got["columns"], r, strict=True)) for r in got["rows"]]
        rows = [{c: r[c] for c in cols} for r in rows
                if not (table.name == "meta" and r.get("key") == SCHEMA_VERSION_KEY)]
        if table.name == "meta":
            for r in rows:
                conn.execute(table.delete().where(table.c.key == r["key"]))
        if rows:
            conn.execute(table.insert(), rows)
    if conn.dialect.name == "postgresql":
        for table in metadata.sorted_tables:
            idc = table.c.get("id")
            if idc is not None and idc.autoincrement is True:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
