"""CJK font discovery for matplotlib: the search order, the one-line message, and charts that render
Chinese with no missing-glyph warnings."""

from __future__ import annotations

import warnings

import matplotlib
import pytest

matplotlib.use("Agg")

from tracker import fonts  # noqa: E402


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    """Each test starts with no cached choice and restores matplotlib's settings afterwards."""
    monkeypatch.setattr(fonts, "_done", {})
    with matplotlib.rc_context():
        yield


def need_package_font():
    p = fonts.package_font()
    if p is None:
        pytest.skip("noto_cjk_sans_otc not installed (pip install 'tracker[fonts]')")
    return p


def draw_chinese(path):
    """A small chart with Chinese title, labels and ticks, and a negative value; returns warnings."""
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.bar(["市知识产权局", "各区、县级市政府"], [80, -5])
        ax.set_title("2007年第一季度完成度(%)")
        ax.set_ylabel("完成进度")
        fig.savefig(path)
        plt.close(fig)
    return [str(w.message) for w in caught]


def test_configured_font_comes_first(tmp_path):
    p = need_package_font()
    choice = fonts.find_cjk_font({"fonts": {"cjk": str(p)}})
    assert (choice.source, choice.path) == ("config", p)


def test_configured_font_missing_falls_back_with_message(monkeypatch):
    p = need_package_font()
    monkeypatch.setattr(fonts, "find_system_font", lambda dirs=None: None)
    choice = fonts.find_cjk_font({"fonts": {"cjk": "/nowhere/msyh.ttc"}})
    assert (choice.source, choice.path) == ("package", p)
    assert "/nowhere/msyh.ttc" in choice.message


def test_system_font_before_package(monkeypatch, tmp_path):
    from matplotlib import font_manager

    need_package_font()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])  # only the folder given counts
    (tmp_path / "wqy-microhei.ttc").write_bytes(b"")
    found = fonts.find_system_font([tmp_path])
    assert found == tmp_path / "wqy-microhei.ttc"
    monkeypatch.setattr(fonts, "find_system_font", lambda dirs=None: tmp_path / "wqy-microhei.ttc")
    assert fonts.find_cjk_font({}).source == "system"


def test_system_search_prefers_yahei_then_noto_then_wenquanyi(monkeypatch, tmp_path):
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    sub = tmp_path / "truetype" / "wqy"
    sub.mkdir(parents=True)
    (sub / "wqy-zenhei.ttc").write_bytes(b"")
    (tmp_path / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"")
    assert fonts.find_system_font([tmp_path]).name == "NotoSansCJK-Regular.ttc"
    (tmp_path / "msyh.ttc").write_bytes(b"")
    assert fonts.find_system_font([tmp_path]).name == "msyh.ttc"
    assert fonts.find_system_font([tmp_path / "none"]) is None


def test_package_font_when_no_system_font(monkeypatch):
    p = need_package_font()
    monkeypatch.setattr(fonts, "find_system_font", lambda dirs=None: None)
    before = matplotlib.rcParams.copy()
    choice = fonts.setup_matplotlib({})
    assert choice.source == "package" and choice.path == p
    assert matplotlib.rcParams == before  # no global setting changed: the charts use rc_params
    rc = fonts.rc_params(choice)
    assert rc["font.sans-serif"][0] == choice.family
    assert rc["axes.unicode_minus"] is False


def test_no_font_found_says_so_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr(fonts, "find_system_font", lambda dirs=None: None)
    monkeypatch.setattr(fonts, "package_font", lambda: None)
    choice = fonts.setup_matplotlib({})
    assert choice.source == "none" and choice.family is None
    assert capsys.readouterr().err == ""  # the library says nothing: the message is the caller's
    msg = choice.message
    assert len(msg.splitlines()) == 1
    assert "未找到中文字体" in msg and "No CJK font found" in msg and "tracker[fonts]" in msg


def test_chinese_renders_without_missing_glyph_warnings(tmp_path):
    need_package_font()
    rc = fonts.rc_params(fonts.setup_matplotlib({}))
    for suffix in ("png", "svg"):
        with matplotlib.rc_context(rc):
            caught = draw_chinese(tmp_path / f"c.{suffix}")
        assert not [m for m in caught if "Glyph" in m or "missing" in m], caught


def test_the_warning_check_would_catch_tofu(tmp_path):
    """Control: with a Latin-only font the same chart does warn, so the test above can fail."""
    matplotlib.rcParams["font.family"] = "DejaVu Sans"
    caught = draw_chinese(tmp_path / "tofu.png")
    assert any("Glyph" in m and "missing" in m for m in caught)
