"""The store: SQLite by default (any SQLAlchemy URL, PostgreSQL included), versioned schema.

Schema changes are migrations: append a function to ``MIGRATIONS``; never edit an applied one.
Every write that comes from one input runs in one transaction, so bad input leaves the store
exactly as it was.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
    text,
)

from tracker import jsonout
from tracker.model import LEAD, PARTICIPANT, Item, Plan, Target
from tracker.problems import WorkspaceError

metadata = MetaData()

meta = Table("meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text))

plans = Table(
    "plans", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("year", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("source", Text, nullable=False, default=""),
    Column("format", String(16), nullable=False, default=""),
    Column("source_sha256", String(64), nullable=False, default=""),
    Column("imported_at", String(32), nullable=False),
    UniqueConstraint("year", "version"),
)

items = Table(
    "items", metadata,
    Column("plan_id", Integer, ForeignKey("plans.id"), primary_key=True),
    Column("item_id", String(32), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("category_no", Text, nullable=False, default=""),
    Column("category", Text, nullable=False, default=""),
    Column("content", Text, nullable=False),
    Column("lead_raw", Text, nullable=False, default=""),
    Column("participants_raw", Text, nullable=False, default=""),
    Column("mandatory", Boolean, nullable=False, default=False),
    Column("extra", Text, nullable=False, default="{}"),  # JSON
    # schema 3 (issue 11): the number as written ("1.1", "（1）") and the middle level of a
    # three-level plan; "" for every plan without them
    Column("label", Text, nullable=False, default="", server_default=""),
    Column("subcategory_no", Text, nullable=False, default="", server_default=""),
    Column("subcategory", Text, nullable=False, default="", server_default=""),
)

item_units = Table(
    "item_units", metadata,
    Column("plan_id", Integer, ForeignKey("plans.id"), primary_key=True),
    Column("item_id", String(32), primary_key=True),
    Column("role", String(16), primary_key=True),  # lead | participant
    Column("position", Integer, primary_key=True),
    Column("unit", Text, nullable=False),
)

targets = Table(
    "targets", metadata,
    Column("plan_id", Integer, ForeignKey("plans.id"), primary_key=True),
    Column("item_id", String(32), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("metric", Text, nullable=False),
    Column("op", String(8), nullable=False),
    Column("value", Float, nullable=False),
    Column("value_max", Float),
    Column("unit", String(16), nullable=False, default=""),
)

# Every file received, archived under its SHA-256 before anything else happens.
received = Table(
    "received", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("file_name", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("received_at", String(10), nullable=False),  # YYYY-MM-DD, the office's date
    Column("archived_as", Text, nullable=False),
    Column("outcome", String(16), nullable=False, default="pending"),  # accepted|rejected|duplicate
    Column("problems", Text, nullable=False, default="[]"),  # JSON list of Problem dicts
    Column("unit", Text),
    Column("period", String(8)),
    Column("processed_at", String(32)),
    # the source file's modification time (UTC ISO, microseconds) when it was received: orders two
    # returns of a unit received the same day, whatever order concurrent runs stored them in
    Column("file_mtime", String(32)),
    # schema 3: "given" (collect --received) or "today" (the default); NULL before schema 3. A date
    # given later replaces only a "today" one: the office's explicit date wins over a default.
    Column("date_source", String(8)),
)

# An accepted return: one unit, one period, one file. Superseded ones stay, marked.
returns = Table(
    "returns", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), ForeignKey("received.sha256"), nullable=False, unique=True),
    Column("plan_id", Integer, ForeignKey("plans.id"), nullable=False),
    Column("unit", Text, nullable=False),
    Column("period", String(8), nullable=False),
    Column("received_at", String(10), nullable=False),
    Column("accepted_at", String(32), nullable=False),
    Column("withdrawn_at", String(32)),  # set when the office withdrew it (schema 3): it no longer counts
    Column("superseded_by", Integer),  # returns.id of the newer return, NULL while current
)

# What the office did to a return after accepting it (schema 3): who, when, why. Append only.
return_events = Table(
    "return_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("return_id", Integer, ForeignKey("returns.id"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("action", String(16), nullable=False),  # withdrawn
    Column("by", Text, nullable=False, default=""),
    Column("at", String(32), nullable=False),
    Column("why", Text, nullable=False, default=""),
    Column("restored", Integer),  # returns.id that counts again because of it, if any
)

return_rows = Table(
    "return_rows", metadata,
    Column("return_id", Integer, ForeignKey("returns.id"), primary_key=True),
    Column("item_id", String(32), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("status", Text, nullable=False, default=""),
    Column("progress", Integer),
    Column("done", Text, nullable=False, default=""),
    Column("problems", Text, nullable=False, default=""),
    Column("next", Text, nullable=False, default=""),
)

return_targets = Table(
    "return_targets", metadata,
    Column("return_id", Integer, ForeignKey("returns.id"), primary_key=True),
    Column("item_id", String(32), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("actual", Float),
    Column("note", Text, nullable=False, default=""),
)

# Schema 6 (issue 13): the contact book and the departments' links. Self-contained: migration 6
# creates exactly these tables (checkfirst), whatever other migrations did before it.
# 联络员名册: one contact per concrete unit (the registry's canonical name).
contacts = Table(
    "contacts", metadata,
    Column("unit", String(200), primary_key=True),
    Column("name", Text, nullable=False, default=""),
    Column("phone", Text, nullable=False, default=""),
    Column("email", Text, nullable=False, default=""),
    Column("updated_at", String(32), nullable=False),
)

# Every nonce a unit's link for a period was signed with; the one with revoked_at NULL is live.
link_nonces = Table(
    "link_nonces", metadata,
    Column("nonce", String(32), primary_key=True),
    Column("unit", String(200), nullable=False),
    Column("period", String(8), nullable=False),
    Column("issued_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
    Index("ix_link_nonces_unit_period", "unit", "period"),
    # at most one live nonce per unit and period, even when two processes issue at once
    Index("ux_link_nonces_live", "unit", "period", unique=True,
          sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
)

# Every file or form sent through a link (its sha256 is a ``received`` row): the unit's page lists
# them, and the rate limit counts them.
link_files = Table(
    "link_files", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nonce", String(32), nullable=False),
    Column("sha256", String(64)),
    Column("at", String(32), nullable=False),  # ISO timestamp (seconds)
    Column("kind", String(8), nullable=False, default="file"),  # file | form
    Index("ix_link_files_nonce_at", "nonce", "at"),
)

SCHEMA_VERSION_KEY = "schema_version"
WRITE_LOCK = 0x7472_6163  # "trac": the PostgreSQL advisory lock key of Store.begin


def _migration_1(conn) -> None:
    metadata.create_all(conn)


# Schema 2: indexes for the lookups collect, status and the report make for every file and quarter
# (a unit's current return for a period; a period's returns). Declared once, here; on a new store
# migration 1's create_all makes them already and migration 2 finds them there.
INDEXES_2 = (Index("ix_returns_unit_period", returns.c.unit, returns.c.period),
             Index("ix_returns_period", returns.c.period),
             Index("ix_received_unit_period", received.c.unit, received.c.period))


def _migration_2(conn) -> None:
    for ix in INDEXES_2:
        ix.create(conn, checkfirst=True)


def _migration_3(conn) -> None:
    """received.file_mtime (see the table). A new store has it from migration 1's create_all."""
    from sqlalchemy import inspect

    if "file_mtime" not in {c["name"] for c in inspect(conn).get_columns("received")}:
        conn.exec_driver_sql("ALTER TABLE received ADD COLUMN file_mtime VARCHAR(32)")


# Schema 4 (issue 11): items.label, items.subcategory_no, items.subcategory. On a new store
# migration 1's create_all made them already; on an older one they are added, empty.
ITEM_COLUMNS_4 = ("label", "subcategory_no", "subcategory")


def _migration_4(conn) -> None:
    from sqlalchemy import inspect, text

    have = {c["name"] for c in inspect(conn).get_columns("items")}
    for name in ITEM_COLUMNS_4:
        if name not in have:
            conn.execute(text(f"ALTER TABLE items ADD COLUMN {name} TEXT NOT NULL DEFAULT ''"))


# Schema 5 (issue 10): a return can be withdrawn (returns.withdrawn_at) and the history says who did it, when
# and why (return_events); received.date_source says whether the date was given or defaulted.
# On a new store migration 1's create_all made them already.
def _migration_5(conn) -> None:
    from sqlalchemy import inspect

    if "withdrawn_at" not in {c["name"] for c in inspect(conn).get_columns("returns")}:
        conn.exec_driver_sql("ALTER TABLE returns ADD COLUMN withdrawn_at VARCHAR(32)")
    if "date_source" not in {c["name"] for c in inspect(conn).get_columns("received")}:
        conn.exec_driver_sql("ALTER TABLE received ADD COLUMN date_source VARCHAR(8)")
    return_events.create(conn, checkfirst=True)


TABLES_6 = (contacts, link_nonces, link_files)


def _migration_6(conn) -> None:
    for table in TABLES_6:
        table.create(conn, checkfirst=True)


# Append, never edit: each function takes a connection inside a transaction.
MIGRATIONS = [_migration_1, _migration_2, _migration_3, _migration_4, _migration_5, _migration_6]
SCHEMA_VERSION = len(MIGRATIONS)


class SavedVersion(int):
    """The version :meth:`Store.save_plan` stored the plan as (an int, as before), telling also
    whether it ``added`` a version and which version was current before (``previous``, or None)."""

    added: bool
    previous: int | None

    def __new__(cls, version: int, added: bool = True, previous: int | None = None):
        self = super().__new__(cls, version)
        self.added, self.previous = added, previous
        return self


def plan_content(plan: Plan) -> list[dict]:
    """What decides whether a re-import is a new version: every item with its units (raw text and
    parsed), targets and other columns, in order. The plan's name, source file and date do not."""
    return [it.to_dict() for it in plan.items]


def now_iso() -> str:
    return datetime.now().isoformat(timespec="seconds")


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
        kwargs = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 60}
        self.engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
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

    def unit_names(self) -> set[str]:
        """Every unit named in a stored plan (any version)."""
        with self.read() as conn:
            return {u for (u,) in conn.execute(select(item_units.c.unit).distinct())}

    # -- plans -------------------------------------------------------------------------------------
    def save_plan(self, plan: Plan, conn=None) -> SavedVersion:
        """Store plan as the newest version for its year; returns the version number.

        A plan whose items, units and targets equal the current version of its year adds no
        version: the current version is returned, with ``added`` False (see :class:`SavedVersion`)."""
        if conn is None:
            with self.begin() as c:
                return self.save_plan(plan, c)
        latest = conn.execute(select(func.max(plans.c.version)).where(plans.c.year == plan.year)).scalar()
        if latest:
            current = self.load_plan(plan.year, latest, conn=conn)
            if plan_content(current) == plan_content(plan):
                plan.version = latest
                plan.db_id = current.db_id  # type: ignore[attr-defined]
                plan.imported_at = current.imported_at
                return SavedVersion(latest, added=False, previous=latest)
        version = (latest or 0) + 1
        plan.version = version
        plan.imported_at = plan.imported_at or now_iso()
        pid = conn.execute(plans.insert().values(
            year=plan.year, version=version, name=plan.name, source=plan.source, format=plan.format,
            source_sha256=plan.source_sha256, imported_at=plan.imported_at)).inserted_primary_key[0]
        item_rows, unit_rows, target_rows = [], [], []
        for pos, it in enumerate(plan.items):
            item_rows.append(dict(plan_id=pid, item_id=it.id, position=pos, number=it.number,
                                  category_no=it.category_no, category=it.category, content=it.content,
                                  lead_raw=it.lead_raw, participants_raw=it.participants_raw,
                                  mandatory=bool(it.mandatory),
                                  extra=jsonout.dumps(it.extra), label=it.label,
                                  subcategory_no=it.subcategory_no, subcategory=it.subcategory))
            for role, names in ((LEAD, it.lead), (PARTICIPANT, it.participants)):
                for i, n in enumerate(names):
                    unit_rows.append(dict(plan_id=pid, item_id=it.id, role=role, position=i, unit=n))
            for i, t in enumerate(it.targets):
                target_rows.append(dict(plan_id=pid, item_id=it.id, idx=i, text=t.text, metric=t.metric,
                                        op=t.op, value=t.value, value_max=t.value_max, unit=t.unit))
        for table, rows in ((items, item_rows), (item_units, unit_rows), (targets, target_rows)):
            if rows:
                conn.execute(table.insert(), rows)
        plan.db_id = pid  # type: ignore[attr-defined]
        return SavedVersion(version, added=True, previous=latest)

    def plan_id(self, year: int | None = None, version: int | None = None, conn=None) -> int | None:
        """The id of a stored plan: the newest version of the given (or newest) year."""
        q = select(plans.c.id).order_by(plans.c.year.desc(), plans.c.version.desc())
        if year is not None:
            q = q.where(plans.c.year == year)
        if version is not None:
            q = q.where(plans.c.version == version)
        if conn is None:
            with self.read() as c:
                return c.execute(q.limit(1)).scalar()
        return conn.execute(q.limit(1)).scalar()

    def load_plan(self, year: int | None = None, version: int | None = None, plan_id: int | None = None,
                  conn=None) -> Plan | None:
        if conn is None:
            with self.read() as c:
                return self.load_plan(year, version, plan_id, c)
        pid = plan_id if plan_id is not None else self.plan_id(year, version, conn)
        if pid is None:
            return None
        p = conn.execute(select(plans).where(plans.c.id == pid)).mappings().one()
        units_by_item: dict[str, dict[str, list[str]]] = {}
        for r in conn.execute(select(item_units).where(item_units.c.plan_id == pid)
                              .order_by(item_units.c.item_id, item_units.c.role, item_units.c.position)):
            units_by_item.setdefault(r.item_id, {LEAD: [], PARTICIPANT: []})[r.role].append(r.unit)
        targets_by_item: dict[str, list[Target]] = {}
        for r in conn.execute(select(targets).where(targets.c.plan_id == pid)
                              .order_by(targets.c.item_id, targets.c.idx)):
            targets_by_item.setdefault(r.item_id, []).append(
                Target(text=r.text, metric=r.metric, op=r.op, value=r.value, unit=r.unit,
                       value_max=r.value_max))
        its = []
        for r in conn.execute(select(items).where(items.c.plan_id == pid).order_by(items.c.position)):
            u = units_by_item.get(r.item_id, {LEAD: [], PARTICIPANT: []})
            its.append(Item(id=r.item_id, number=r.number, content=r.content, lead=u[LEAD],
                            participants=u[PARTICIPANT], lead_raw=r.lead_raw,
                            participants_raw=r.participants_raw, category_no=r.category_no,
                            category=r.category, mandatory=bool(r.mandatory),
                            targets=targets_by_item.get(r.item_id, []), extra=json.loads(r.extra),
                            label=r.label, subcategory_no=r.subcategory_no, subcategory=r.subcategory))
        plan = Plan(name=p["name"], year=p["year"], items=its, source=p["source"], version=p["version"],
                    format=p["format"], source_sha256=p["source_sha256"], imported_at=p["imported_at"])
        plan.db_id = pid  # type: ignore[attr-defined]
        return plan

    def list_plans(self) -> list[dict]:
        with self.read() as conn:
            counts = dict(conn.execute(select(items.c.plan_id, func.count()).group_by(items.c.plan_id)).all())
            newest = dict(conn.execute(select(plans.c.year, func.max(plans.c.version))
                                       .group_by(plans.c.year)).all())
            out = []
            for r in conn.execute(select(plans).order_by(plans.c.year, plans.c.version)).mappings():
                out.append({"year": r["year"], "version": r["version"], "name": r["name"],
                            "source": r["source"], "format": r["format"], "imported_at": r["imported_at"],
                            "items": counts.get(r["id"], 0), "current": newest[r["year"]] == r["version"]})
            return out

    def rename_unit(self, old: str, new: str, conn=None) -> int:
        """Apply an alias to every stored plan and return: old becomes new. Returns rows changed."""
        if conn is None:
            with self.begin() as c:
                return self.rename_unit(old, new, c)
        n = conn.execute(item_units.update().where(item_units.c.unit == old).values(unit=new)).rowcount
        n += conn.execute(returns.update().where(returns.c.unit == old).values(unit=new)).rowcount
        n += conn.execute(received.update().where(received.c.unit == old).values(unit=new)).rowcount
        # the contact book follows (unless NEW has a contact of its own); links keep the name they
        # were signed with, and tracker.links resolves it through the registry
        if conn.execute(select(contacts.c.unit).where(contacts.c.unit == new)).first() is None:
            n += conn.execute(contacts.update().where(contacts.c.unit == old).values(unit=new)).rowcount
        return n

    # -- for tests and diagnostics ---------------------------------------------------------------
    def dump(self) -> dict[str, list[tuple]]:
        """Every table's rows, sorted: two dumps are equal iff the stores hold the same data."""
        out = {}
        with self.read() as conn:
            for name, table in metadata.tables.items():
                rows = [tuple(r) for r in conn.execute(select(table))]
                out[name] = sorted(rows, key=lambda r: tuple("" if v is None else str(v) for v in r))
        return out


def sqlite_path(url: str):
    """The file of a SQLite URL (None for other stores, or an in-memory SQLite)."""
    from pathlib import Path

    if not url.startswith("sqlite"):
        return None
    from sqlalchemy.engine import make_url

    db = make_url(url).database
    return Path(db) if db and db != ":memory:" and not db.startswith("file:") else None


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def store_error(e: BaseException, url: str = "") -> WorkspaceError | None:
    """What a database error means for the office, as a WorkspaceError (None: not a store error).
    Damage, a full disk, a read-only file, a server that does not answer: each its own message."""
    from sqlalchemy.exc import SQLAlchemyError

    if not isinstance(e, SQLAlchemyError):
        return None
    text = str(getattr(e, "orig", None) or e).lower()
    where = display_url(url) if url else "数据库"
    path = sqlite_path(url) if url else None
    if path is not None:
        where = str(path)
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return WorkspaceError(f"数据库文件 {where} 已损坏 ({text[:80]})。请运行 tracker check 查看, 并从备份恢复")
    if "disk is full" in text or "no space" in text or "could not extend" in text:
        return WorkspaceError(f"磁盘空间已满, 无法写入数据库 {where}。请清理磁盘后重新运行; 本次未完成的操作未写入")
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        return WorkspaceError(f"数据库 {where} 是只读的, 无法写入 (文件或目录没有写权限, 或在只读的磁盘上)。"
                              "请检查权限后重新运行")
    if "unable to open" in text:
        return WorkspaceError(f"无法打开数据库文件 {where} (目录不存在或没有权限)。请运行 tracker check 查看")
    if "connect" in text or "could not translate host" in text or "does not exist" in text:
        return WorkspaceError(f"无法连接数据库 {where}: {text[:120]}。请确认数据库服务器在运行、地址和口令正确")
    return WorkspaceError(f"数据库 {where} 出错: {text[:160]}。请运行 tracker check 查看")


def insert_ignore(conn, table: Table, rows: list[dict]) -> None:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL (a plain insert elsewhere): rows
    whose key is there already are left as they are, never an error."""
    name = conn.dialect.name
    if name in ("sqlite", "postgresql"):
        from importlib import import_module

        stmt = import_module(f"sqlalchemy.dialects.{name}").insert(table).on_conflict_do_nothing()
    else:
        stmt = table.insert()
    conn.execute(stmt, rows)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
    # let BEGIN IMMEDIATE in Store.begin be the only transaction control
    dbapi_conn.isolation_level = None


def current_return_rows(conn, *, period: str | None = None, year: int | None = None,
                        unit: str | None = None) -> list[dict]:
    """Accepted, not superseded returns joined with their rows and target actuals.

    One dict per (return, item): return_id, unit, period, received_at, plan_id, item_id, role,
    status, progress, done, problems, next, targets=[{idx, actual, note}]. Filter by period
    ("2007Q1"), by year (every quarter of it) and/or by unit.
    """
    q = (select(returns.c.id.label("return_id"), returns.c.unit, returns.c.period, returns.c.received_at,
                returns.c.plan_id, return_rows.c.item_id, return_rows.c.role, return_rows.c.status,
                return_rows.c.progress, return_rows.c.done, return_rows.c.problems, return_rows.c.next)
         .join(return_rows, return_rows.c.return_id == returns.c.id)
         .where(returns.c.superseded_by.is_(None), returns.c.withdrawn_at.is_(None)))
    if period is not None:
        q = q.where(returns.c.period == str(period))
    if year is not None:
        q = q.where(returns.c.period.like(f"{int(year)}Q%"))
    if unit is not None:
        q = q.where(returns.c.unit == unit)
    result = conn.execute(q.order_by(returns.c.period, returns.c.unit, return_rows.c.item_id))
    keys = list(result.keys())
    rows = [dict(zip(keys, r, strict=True)) for r in result]  # tuples: a third faster than .mappings()
    if not rows:
        return rows
    ids = {r["return_id"] for r in rows}
    tq = select(return_targets.c.return_id, return_targets.c.item_id, return_targets.c.idx,
                return_targets.c.actual, return_targets.c.note).where(
        return_targets.c.return_id.in_(ids)).order_by(
        return_targets.c.return_id, return_targets.c.item_id, return_targets.c.idx)
    by_key: dict[tuple, list[dict]] = {}
    for rid, iid, idx, actual, note in conn.execute(tq):
        by_key.setdefault((rid, iid), []).append({"idx": idx, "actual": actual, "note": note})
    for r in rows:
        r["targets"] = by_key.get((r["return_id"], r["item_id"]), [])
    return rows
