"""The store's schema: every table, and the migrations that bring an older store to it.

Schema changes are migrations: append a function to ``MIGRATIONS``; never edit an applied one.
"""

from __future__ import annotations

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
    text,
)

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
