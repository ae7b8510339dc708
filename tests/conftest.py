"""Shared fixtures. The seeds are copied into tests/fixtures/seeds/ (from ../shared/seeds)."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from support.paths import ROOT, SAMPLES, SEEDS, seed  # noqa: F401


@pytest.fixture
def seed004() -> Path:
    return seed("004")


@pytest.fixture
def seed002() -> Path:
    return seed("002")


def _pg_admin_url() -> str | None:
    url = os.environ.get("TRACKER_TEST_PG")
    if url:
        return url
    if shutil.which("pg_lsclusters") is None:
        return None
    try:
        from sqlalchemy import create_engine, text

        url = "postgresql://tracker:tracker@127.0.0.1:5432/postgres"
        e = create_engine(url)
        with e.connect() as c:
            c.execute(text("select 1"))
        e.dispose()
        return url
    except Exception:
        return None


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database: SQLite always; PostgreSQL where a server answers (CI starts one
    with .ci/postgres.sh), else that parameter skips with one clear line."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    admin = _pg_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL not available (run .ci/postgres.sh, or set TRACKER_TEST_PG)")
    from sqlalchemy import create_engine, text

    name = f"t_{uuid.uuid4().hex[:12]}"
    eng = create_engine(admin, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with eng.connect() as c:
            c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        eng.dispose()


@pytest.fixture
def workspace(tmp_path):
    """An initialised workspace (SQLite) in a temporary folder."""
    from tracker.workspace import init_workspace

    return init_workspace(tmp_path / "ws")


def pytest_collection_modifyitems(config, items):
    """What needs another program is slow too: LibreOffice re-saves and prints (``libreoffice``), a
    PostgreSQL server (``postgres`` and the ``db_url[postgresql]`` cases). ``-m "not slow"`` is the
    quick run a newcomer makes after each change (README); the full run is CI's."""
    for item in items:
        if item.get_closest_marker("libreoffice") or item.get_closest_marker("postgres") \
                or "[postgresql" in item.nodeid:
            item.add_marker(pytest.mark.slow)
