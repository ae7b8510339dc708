"""The store keeps plans versioned and reads back exactly what it was given, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tracker.model import Item, Plan, Target
from tracker.store import SCHEMA_VERSION, Store


def small_plan(year=2007, content_suffix=""):
    return Plan(name="测试计划", year=year, source="t.xlsx", format="xlsx", items=[
        Item(id=f"{year}-001", number=1, content="建立工作站10家以上" + content_suffix, lead=["市知识产权局"],
             participants=["市经贸委", "各有关单位"], lead_raw="市知识产权局", participants_raw="市经贸委、各有关单位",
             category_no="一", category="建立体系", mandatory=True,
             targets=[Target("建立工作站10家以上", "建立工作站", ">=", 10, "家")],
             extra={"完成时限": "2007年底"}),
        Item(id=f"{year}-002", number=2, content="引导支持5—10家企业", lead=["市科技局", "市财政局"],
             lead_raw="市科技局、市财政局", category_no="一", category="建立体系",
             targets=[Target("引导支持5—10家企业", "引导支持企业", "range", 5, "家", value_max=10)]),
    ])


def test_round_trip_and_versions(db_url):
    s = Store(db_url)
    assert s.schema_version() == SCHEMA_VERSION
    p = small_plan()
    assert s.save_plan(p) == 1
    back = s.load_plan(2007)
    assert back.to_dict() == p.to_dict()
    assert back.items[1].targets[0].value_max == 10
    # a second import of the same year adds a version; the newest is current, the older stays readable
    p2 = small_plan(content_suffix="(调整)")
    assert s.save_plan(p2) == 2
    assert s.load_plan(2007).items[0].content.endswith("(调整)")
    assert not s.load_plan(2007, version=1).items[0].content.endswith("(调整)")
    listing = s.list_plans()
    assert [(r["version"], r["current"], r["items"]) for r in listing] == [(1, False, 2), (2, True, 2)]
    s.close()


def test_migrate_is_idempotent_and_dump_detects_change(db_url):
    s = Store(db_url)
    before = s.dump()
    Store(db_url).close()  # opening again migrates nothing
    assert s.dump() == before
    s.save_plan(small_plan())
    assert s.dump() != before
    s.close()


def test_rename_unit_rewrites_stored_plans(db_url):
    s = Store(db_url)
    s.save_plan(small_plan())
    n = s.rename_unit("市科技局", "市科学技术局")
    assert n == 1
    assert s.load_plan(2007).items[1].lead == ["市科学技术局", "市财政局"]
    assert s.load_plan(2007).items[1].lead_raw == "市科技局、市财政局"  # raw text is kept
    s.close()


def test_failed_transaction_leaves_store_unchanged(db_url):
    import pytest

    s = Store(db_url)
    s.save_plan(small_plan())
    before = s.dump()
    with pytest.raises(RuntimeError):
        with s.begin() as conn:
            s.save_plan(small_plan(2008), conn)
            raise RuntimeError("boom")
    assert s.dump() == before
    s.close()


def test_a_version_1_store_is_migrated_to_the_current_schema(db_url):
    """A store made by schema 1 (before the indexes) is brought up to date, data kept."""
    from sqlalchemy import create_engine, inspect

    from tracker.store import schema as st

    eng = create_engine(db_url)
    with eng.begin() as conn:  # schema 1 exactly as migration 1 made it, without later indexes
        st.metadata.create_all(conn)
        for ix in st.INDEXES_2:
            ix.drop(conn, checkfirst=True)
        conn.exec_driver_sql("ALTER TABLE received DROP COLUMN file_mtime")  # added by migration 3
        conn.execute(st.meta.insert().values(key=st.SCHEMA_VERSION_KEY, value="1"))
    eng.dispose()
    s = Store(db_url)
    assert s.schema_version() == SCHEMA_VERSION
    assert "file_mtime" in {c["name"] for c in inspect(s.engine).get_columns("received")}
    assert {"label", "subcategory"} <= {c["name"] for c in inspect(s.engine).get_columns("items")}
    names = {ix["name"] for ix in inspect(s.engine).get_indexes("returns")}
    assert {"ix_returns_unit_period", "ix_returns_period"} <= names
    s.save_plan(small_plan())
    assert s.load_plan(2007).items[0].number == 1
    s.close()


def test_a_version_2_store_gets_the_contact_and_link_tables(db_url):
    """Schema 6 (issue 13) adds contacts, link_nonces and link_files to a store of schema 2, data kept;
    the migration creates exactly its own tables, so it runs after any other one."""
    from sqlalchemy import create_engine, inspect

    from tracker.store import schema as st

    s = Store(db_url)
    s.save_plan(small_plan())
    s.close()
    eng = create_engine(db_url)
    with eng.begin() as conn:  # back to schema 2: without the tables of migration 3
        for table in reversed(st.TABLES_6):
            table.drop(conn)
        conn.execute(st.meta.update().where(st.meta.c.key == st.SCHEMA_VERSION_KEY).values(value="2"))
    assert not {"contacts", "link_nonces", "link_files"} & set(inspect(eng).get_table_names())
    eng.dispose()
    s = Store(db_url)
    assert s.schema_version() == SCHEMA_VERSION >= 3
    assert {"contacts", "link_nonces", "link_files"} <= set(inspect(s.engine).get_table_names())
    assert "ix_link_nonces_unit_period" in {ix["name"] for ix in inspect(s.engine).get_indexes("link_nonces")}
    with s.begin() as conn:
        conn.execute(st.contacts.insert().values(unit="市财政局", name="李四", phone="1", email="", updated_at="x"))
    assert s.dump()["contacts"] == [("市财政局", "李四", "1", "", "x")]
    from sqlalchemy.exc import IntegrityError

    row = {"unit": "市财政局", "period": "2007Q1", "issued_at": "x"}
    with s.begin() as conn:
        conn.execute(st.link_nonces.insert().values(nonce="a" * 16, revoked_at="y", **row))
        conn.execute(st.link_nonces.insert().values(nonce="b" * 16, **row))
    with pytest.raises(IntegrityError), s.begin() as conn:  # one live link per unit and period
        conn.execute(st.link_nonces.insert().values(nonce="c" * 16, **row))
    assert len(s.dump()["link_nonces"]) == 2
    assert s.load_plan(2007).items[0].number == 1
    s.close()


def test_a_version_2_store_gets_withdrawals_and_keeps_its_returns(db_url):
    """Schema 5 (issue 10) adds returns.withdrawn_at and return_events to a schema-2 store, data kept."""
    from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, inspect, text

    from tracker.store import schema as st

    eng = create_engine(db_url)
    with eng.begin() as conn:  # schema 2 as it was: returns without withdrawn_at, no return_events
        old = MetaData()
        for t in st.metadata.sorted_tables:
            if t.name == "return_events":
                continue
            cols = [Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
                    for c in t.columns if c.name not in ("withdrawn_at", "date_source")]
            Table(t.name, old, *cols)
        old.create_all(conn)
        conn.execute(st.meta.insert().values(key=st.SCHEMA_VERSION_KEY, value="2"))
        conn.execute(text("INSERT INTO plans (id, year, version, name, source, format, source_sha256, imported_at)"
                          " VALUES (1, 2007, 1, 'p', '', '', '', '2007-01-01')"))
        conn.execute(text("INSERT INTO received (sha256, file_name, size, received_at, archived_as, outcome, problems)"
                          " VALUES ('ab', 'a.xlsx', 1, '2007-04-08', 'archive/ab.xlsx', 'accepted', '[]')"))
        conn.execute(text("INSERT INTO returns (id, sha256, plan_id, unit, period, received_at, accepted_at)"
                          " VALUES (1, 'ab', 1, '市财政局', '2007Q1', '2007-04-08', '2007-04-08T10:00:00')"))
    eng.dispose()
    assert "withdrawn_at" not in {c["name"] for c in inspect(create_engine(db_url)).get_columns("returns")}
    s = Store(db_url)
    assert s.schema_version() == SCHEMA_VERSION
    insp = inspect(s.engine)
    assert "withdrawn_at" in {c["name"] for c in insp.get_columns("returns")}
    assert "date_source" in {c["name"] for c in insp.get_columns("received")}
    assert "return_events" in insp.get_table_names()
    [row] = s.dump()["returns"]
    assert row == (1, "ab", 1, "市财政局", "2007Q1", "2007-04-08", "2007-04-08T10:00:00", None, None)
    _ = Integer, String  # (types used above through the copied columns)
    s.close()


def test_the_same_plan_again_adds_no_version(db_url):
    s = Store(db_url)
    first = s.save_plan(small_plan())
    assert (first, first.added, first.previous) == (1, True, None)
    before = s.dump()
    again = small_plan()
    again.name, again.source = "另一个名称", "again.xlsx"  # name and file do not make a version
    v = s.save_plan(again)
    assert (v, v.added, v.previous, again.version) == (1, False, 1, 1)
    assert s.dump() == before
    changed = s.save_plan(small_plan(content_suffix="(调整)"))
    assert (changed, changed.added, changed.previous) == (2, True, 1)
    s.close()


def test_a_version_2_store_gets_the_label_and_subcategory_columns(db_url):
    """Schema 4 (issue 11): items.label/subcategory_no/subcategory are added to an older store,
    old rows read back with empty values, new plans keep them."""
    from dataclasses import replace

    from sqlalchemy import create_engine, inspect, text

    from tracker.store import schema as st

    eng = create_engine(db_url)
    with eng.begin() as conn:
        st.metadata.create_all(conn)
        for name in st.ITEM_COLUMNS_4:
            conn.execute(text(f"ALTER TABLE items DROP COLUMN {name}"))
        conn.execute(st.meta.insert().values(key=st.SCHEMA_VERSION_KEY, value="2"))
    eng.dispose()
    s = Store(db_url)
    assert s.schema_version() == SCHEMA_VERSION
    assert set(st.ITEM_COLUMNS_4) <= {c["name"] for c in inspect(s.engine).get_columns("items")}
    p = small_plan()
    p.items[0] = replace(p.items[0], label="1.1", subcategory_no="一", subcategory="建立机制")
    s.save_plan(p)
    back = s.load_plan(2007).items
    assert (back[0].label, back[0].subcategory_no, back[0].subcategory) == ("1.1", "一", "建立机制")
    assert back[1].label == "" and back[1].shown_number == str(back[1].number)
    s.close()
