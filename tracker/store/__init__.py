"""The store: SQLite by default (any SQLAlchemy URL, PostgreSQL included), versioned schema.

Every SQL statement of tracker is in this package, one module per area: :mod:`.schema` (tables and
migrations), :mod:`.connection` (URLs, engine, errors), :mod:`.plans`, :mod:`.queries` (what
status, reports and prefill read), :mod:`.history` (withdrawals), :mod:`.links`,
:mod:`.contacts`, :mod:`.backup`, :mod:`.synthetic`. Their functions take a connection;
:class:`Store` opens it and is what the rest of tracker calls (methods that return plain values).

Schema changes are migrations: append a function to ``MIGRATIONS``; never edit an applied one.
Every write that comes from one input runs in one transaction, so bad input leaves the store
exactly as it was.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import select

from tracker.model import Plan
from tracker.problems import WorkspaceError

# ``plans`` and ``contacts`` are modules of this package: their tables are tracker.store.schema's (the
# other tables are re-exported here too, as before the split).
from tracker.store import backup as _backup
from tracker.store import contacts as _contacts
from tracker.store import history as _history
from tracker.store import links as _links
from tracker.store import plans as _plans
from tracker.store import queries as _queries
from tracker.store import synthetic as _synthetic
from tracker.store.connection import (
    display_url,
    insert_ignore,
    make_engine,
    now_iso,
    sqlite_integrity,
    sqlite_path,
    store_error,
)
from tracker.store.plans import SavedVersion, plan_content
from tracker.store.queries import current_return_rows
from tracker.store.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
    WRITE_LOCK,
    item_units,
    items,
    link_files,
    link_nonces,
    meta,
    metadata,
    received,
    return_events,
    return_rows,
    return_targets,
    returns,
    targets,
)


class Store:
    def __init__(self, url: str, create: bool = True):
        """Open (and migrate) the store at url. ``create=False`` (every command but ``init``): a
        store that is not there — no SQLite file, or a database without tracker's tables — is a
        WorkspaceError, never silently created empty. A damaged or unreachable store is a
        WorkspaceError too (:func:`store_error`)."""
        self.url = url
        path = sqlite_path(url)
        if not create and path is not None and not path.exists():
            raise WorkspaceError(f"数据库文件 {path} 不存在 (被删除或移走了?)。tracker 不会自动新建空数据库: "
                                 f"请从备份恢复 (运行 tracker check 查看), 如确是新工作区请运行 tracker init")
        self.engine = make_engine(url)
        try:
            if not create and self.schema_version() == 0:
                raise WorkspaceError(f"数据库 {display_url(url)} 中没有 tracker 的数据 (是空库)。tracker 不会自动新建: "
                                     "请从备份恢复 (运行 tracker check 查看), 如确是新工作区请运行 tracker init")
            self.migrate()
        except Exception as e:
            self.engine.dispose()
            if isinstance(e, WorkspaceError):
                raise
            err = store_error(e, url)
            if err is None:
                raise
            raise err from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def begin(self):
        """One write transaction, and the store's write lock with it: concurrent writers queue.

        SQLite: ``BEGIN IMMEDIATE``. PostgreSQL: a transaction-level advisory lock
        (:data:`WRITE_LOCK`), taken first, released at commit or rollback (also when the process is
        killed: the server ends its session). So on both stores one write transaction runs at a
        time and whatever it reads (is this file done? the unit's returns for the period) cannot
        change under it: collect's "re-read, then decide" is correct without retries, and the
        ``UniqueViolation`` two runs inserting the same return met on PostgreSQL cannot happen.
        Reads never wait for it. Collect spends its time checking files outside any transaction, so
        serialising the short write transactions costs little (docs/hardening.md)."""
        with self.engine.connect() as conn:
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.commit()
                except BaseException:
                    conn.rollback()
                    raise
            else:
                with conn.begin():
                    if self.engine.dialect.name == "postgresql":
                        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
                    yield conn

    @contextmanager
    def read(self):
        with self.engine.connect() as conn:
            yield conn

    # -- schema ------------------------------------------------------------------------------------
    def schema_version(self) -> int:
        with self.read() as conn:
            if not self.engine.dialect.has_table(conn, "meta"):
                return 0
            v = conn.execute(select(meta.c.value).where(meta.c.key == SCHEMA_VERSION_KEY)).scalar()
            return int(v or 0)

    def migrate(self) -> None:
        current = self.schema_version()
        if current >= SCHEMA_VERSION:
            return
        with self.begin() as conn:
            # re-read inside the lock: another process may have migrated meanwhile
            if self.engine.dialect.has_table(conn, "meta"):
                v = conn.execute(select(meta.c.value).where(meta.c.key == SCHEMA_VERSION_KEY)).scalar()
                current = int(v or 0)
            for n in range(current, SCHEMA_VERSION):
                MIGRATIONS[n](conn)
                if n == 0:
                    conn.execute(meta.insert().values(key=SCHEMA_VERSION_KEY, value="1"))
                else:
                    conn.execute(meta.update().where(meta.c.key == SCHEMA_VERSION_KEY)
                                 .values(value=str(n + 1)))

    # -- meta ----------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.read() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self.begin() as conn:
            if conn.execute(select(meta.c.key).where(meta.c.key == key)).first() is None:
                conn.execute(meta.insert().values(key=key, value=value))
            else:
                conn.execute(meta.update().where(meta.c.key == key).values(value=value))

    def has_received(self) -> bool:
        with self.read() as conn:
            return conn.execute(select(received.c.sha256).limit(1)).first() is not None

    # -- plans (tracker.store.plans) -----------------------------------------------------------------
    def unit_names(self) -> set[str]:
        """Every unit named in a stored plan (any version)."""
        with self.read() as conn:
            return _plans.unit_names(conn)

    def save_plan(self, plan: Plan, conn=None) -> SavedVersion:
        """Store plan as the newest version for its year (:func:`tracker.store.plans.save_plan`)."""
        if conn is None:
            with self.begin() as c:
                return _plans.save_plan(c, plan)
        return _plans.save_plan(conn, plan)

    def plan_id(self, year: int | None = None, version: int | None = None, conn=None) -> int | None:
        """The id of a stored plan: the newest version of the given (or newest) year."""
        if conn is None:
            with self.read() as c:
                return _plans.plan_id(c, year, version)
        return _plans.plan_id(conn, year, version)

    def load_plan(self, year: int | None = None, version: int | None = None, plan_id: int | None = None,
                  conn=None) -> Plan | None:
        if conn is None:
            with self.read() as c:
                return _plans.load_plan(c, year, version, plan_id)
        return _plans.load_plan(conn, year, version, plan_id)

    def list_plans(self) -> list[dict]:
        with self.read() as conn:
            return _plans.list_plans(conn)

    def rename_unit(self, old: str, new: str, conn=None) -> int:
        """Apply an alias to every stored plan and return: old becomes new. Returns rows changed."""
        if conn is None:
            with self.begin() as c:
                return _plans.rename_unit(c, old, new)
        return _plans.rename_unit(conn, old, new)

    # -- returns as status, reports and prefill read them (tracker.store.queries) -----------------------
    def current_return_rows(self, *, period: str | None = None, year: int | None = None,
                            unit: str | None = None) -> list[dict]:
        """See :func:`tracker.store.queries.current_return_rows`."""
        with self.read() as conn:
            return current_return_rows(conn, period=period, year=year, unit=unit)

    def period_returns(self, period) -> tuple[list[dict], dict[str, dict]]:
        """(the period's current return rows, :func:`~tracker.store.queries.received_by_unit`), one read."""
        with self.read() as conn:
            return current_return_rows(conn, period=str(period)), _queries.received_by_unit(conn, period)

    def year_returns(self, year: int, periods) -> tuple[list[dict], dict[str, dict[str, dict]]]:
        """(the year's current return rows, period -> received_by_unit for each of ``periods``), one read."""
        with self.read() as conn:
            return (current_return_rows(conn, year=year),
                    {str(p): _queries.received_by_unit(conn, p) for p in periods})

    def periods_seen(self) -> tuple[list[str], list[str]]:
        """(periods of accepted returns, periods named by received files), as stored."""
        with self.read() as conn:
            return _queries.periods_seen(conn)

    def received_files(self) -> list[dict]:
        """Every received file: [{sha256, file_name, archived_as, outcome}]."""
        with self.read() as conn:
            return _queries.received_files(conn)

    # -- withdrawals and history (tracker.store.history) ---------------------------------------------
    def received_shas(self, *, prefix: str | None = None, file_name: str | None = None) -> list[str]:
        with self.read() as conn:
            return _history.received_shas(conn, prefix=prefix, file_name=file_name)

    def withdraw_return(self, sha: str, by: str, why: str) -> dict:
        """See :func:`tracker.store.history.withdraw_return` (one write transaction)."""
        with self.begin() as conn:
            return _history.withdraw_return(conn, sha, by, why)

    def return_history(self, period: str | None = None, unit: str | None = None) -> list[dict]:
        with self.read() as conn:
            return _history.return_history(conn, period, unit)

    # -- the departments' links (tracker.store.links) --------------------------------------------------
    def issue_links(self, period: str, units: list[str]) -> dict[str, str]:
        """unit -> its live nonce for period, issuing one where there is none (one transaction; when
        another process issued one meanwhile, the unique index on live nonces refuses ours and the
        transaction is read again)."""
        from sqlalchemy.exc import IntegrityError

        for attempt in range(3):
            try:
                with self.begin() as conn:
                    return _links.issue(conn, period, units)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def revoke_links(self, period: str, same_unit, unit: str) -> str:
        """See :func:`tracker.store.links.revoke` (one write transaction)."""
        with self.begin() as conn:
            return _links.revoke(conn, period, same_unit, unit)

    def link_nonce(self, nonce: str) -> dict | None:
        with self.read() as conn:
            return _links.nonce_row(conn, nonce)

    def link_uploads_since(self, nonce: str, since: str) -> int:
        with self.read() as conn:
            return _links.uploads_since(conn, nonce, since)

    def record_link_upload(self, nonce: str, sha256: str | None, at: str, kind: str = "file") -> None:
        with self.begin() as conn:
            _links.record_upload(conn, nonce, sha256, at, kind)

    def sent_through(self, unit: str, period: str) -> list[dict]:
        """See :func:`tracker.store.links.sent_through`."""
        with self.read() as conn:
            return _links.sent_through(conn, unit, period)

    # -- the contact book (tracker.store.contacts) -----------------------------------------------------
    def load_contacts(self) -> dict[str, dict]:
        with self.read() as conn:
            return _contacts.load_contacts(conn)

    def save_contacts(self, rows: list) -> None:
        with self.begin() as conn:
            _contacts.save_contacts(conn, rows, now_iso())

    # -- backup and restore (tracker.store.backup) -----------------------------------------------------
    def dump_tables(self) -> dict:
        """Every table as {columns, rows}, rows sorted (one read transaction)."""
        with self.read() as conn:
            return _backup.dump_tables(conn)

    def load_tables(self, dump: dict) -> str | None:
        """Load a dump into this store, if it is empty (one transaction). Returns None, or the name of
        a table that holds data already (then nothing is written)."""
        with self.begin() as conn:
            full = _backup.nonempty_table(conn)
            if full is None:
                _backup.load_tables(conn, dump)
            return full

    # -- a benchmark's history (tracker.store.synthetic) -----------------------------------------------
    def insert_accepted(self, plan_id: int, records: list[dict]) -> int:
        """See :func:`tracker.store.synthetic.insert_accepted` (one transaction)."""
        with self.begin() as conn:
            return _synthetic.insert_accepted(conn, plan_id, records)

    # -- for tests and diagnostics ---------------------------------------------------------------
    def dump(self) -> dict[str, list[tuple]]:
        """Every table's rows, sorted: two dumps are equal iff the stores hold the same data."""
        out = {}
        with self.read() as conn:
            for name, table in metadata.tables.items():
                rows = [tuple(r) for r in conn.execute(select(table))]
                out[name] = sorted(rows, key=lambda r: tuple("" if v is None else str(v) for v in r))
        return out


__all__ = ["Store", "SavedVersion", "plan_content", "now_iso", "current_return_rows", "insert_ignore",
           "display_url", "sqlite_path", "sqlite_integrity", "store_error", "metadata", "meta",
           "items", "item_units", "targets", "received", "returns", "return_events", "return_rows",
           "return_targets", "link_nonces", "link_files", "MIGRATIONS", "SCHEMA_VERSION",
           "SCHEMA_VERSION_KEY", "WRITE_LOCK"]
