"""tracker installed from a wheel (not editable) runs the demo: everything it needs is package data.

The wheel is built from this checkout and installed into a fresh virtual environment. The
environment sees the already installed dependencies (``--system-site-packages``) so that the test
needs no network, but tracker itself comes only from the wheel: the test checks where it was
imported from.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)


def test_wheel_installs_and_runs_the_demo(tmp_path):
    dist = tmp_path / "dist"
    r = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
              "-w", str(dist), str(ROOT)])
    assert r.returncode == 0, r.stderr
    wheel = next(dist.glob("tracker-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    for sample in ("guangzhou-2007.xlsx", "guangzhou-2007.units.toml", "chenzhou-2009.txt"):
        assert f"tracker/data/samples/{sample}" in names
    assert "tracker/data/dashboard.html.j2" in names

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    py = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    r = _run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)])
    assert r.returncode == 0, r.stderr

    elsewhere = tmp_path / "office"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TRACKER_WORKSPACE")}
    where = _run([str(py), "-c", "import tracker; print(tracker.__file__)"], cwd=elsewhere, env=env)
    assert str(env_dir) in where.stdout, where.stdout + where.stderr

    tracker = env_dir / ("Scripts" if os.name == "nt" else "bin") / "tracker"
    r = _run([str(tracker), "demo", "-o", "d"], cwd=elsewhere, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert (elsewhere / "d" / "reports" / "2007" / "2007-dashboard.html").exists()
    assert (elsewhere / "d" / "reports" / "2007" / "2007-检查验收报告.docx").exists()
