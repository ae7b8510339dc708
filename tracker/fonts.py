"""A CJK font for matplotlib, so charts show Chinese instead of tofu boxes.

Search order (the first that exists wins):

1. the file configured in tracker.toml: ``[fonts] cjk = "C:/Windows/Fonts/msyh.ttc"``;
2. system fonts: Microsoft YaHei / SimHei / SimSun on Windows, PingFang / Heiti on macOS,
   Noto Sans CJK / Source Han Sans / WenQuanYi / Droid Sans Fallback on Linux — first among the
   fonts matplotlib already knows, then by file name in the usual font folders;
3. the optional extra ``pip install 'tracker[fonts]'``: the ``noto_cjk_sans_otc`` package ships
   NotoSansCJK-Regular.ttc (SIL Open Font License) inside its package folder.

:func:`setup_matplotlib` registers the font with matplotlib's font manager and returns the choice;
it prints nothing and changes no global setting. :func:`rc_params` gives the settings to draw with
(``with matplotlib.rc_context(rc_params(choice)):``): the font first in ``font.sans-serif`` and
``axes.unicode_minus`` off (the Unicode minus sign is missing from some CJK fonts). When nothing is
found, ``choice.message`` is one line in Chinese and English for the caller to show (the CLI does)
and matplotlib keeps its default font.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Family names matplotlib may already know, best first.
SYSTEM_FAMILIES = (
    "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Noto Sans CJK SC", "Noto Sans SC",
    "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
    "Noto Sans CJK JP", "Noto Sans CJK TC", "Droid Sans Fallback", "SimSun", "Noto Serif CJK SC",
)

#: File names (lower case, prefix match) searched in the font folders, best first.
SYSTEM_FILES = (
    "msyh", "simhei", "pingfang", "notosanscjksc", "notosanscjk-", "notosanscjk", "notosanssc",
    "sourcehansanssc", "sourcehansans", "wqy-microhei", "wqy-zenhei", "droidsansfallback", "simsun",
    "notoserifcjk",
)

NOT_FOUND_MESSAGE = ("未找到中文字体, 图中汉字可能显示为方框; 请运行 pip install 'tracker[fonts]' 或在 tracker.toml "
                     "的 [fonts] cjk 中指定字体文件。 (No CJK font found: install 'tracker[fonts]' or set "
                     "[fonts] cjk in tracker.toml.)")


@dataclass
class FontChoice:
    path: Path | None
    family: str | None
    source: str  # config | system | package | none
    message: str = ""


def font_dirs() -> list[Path]:
    dirs = []
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    if os.environ.get("LOCALAPPDATA"):
        dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    home = Path.home()
    dirs += [Path("C:/Windows/Fonts"), Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
             home / ".fonts", home / ".local" / "share" / "fonts", Path("/System/Library/Fonts"),
             Path("/Library/Fonts"), home / "Library" / "Fonts"]
    return dirs


def _configured(config: dict | None) -> str:
    return str(((config or {}).get("fonts") or {}).get("cjk") or "").strip()


def find_system_font(dirs: list[Path] | None = None) -> Path | None:
    """A CJK font file among the system fonts, or None."""
    from matplotlib import font_manager

    own = package_font()
    known = {f.name: f.fname for f in font_manager.fontManager.ttflist
             if own is None or Path(f.fname) != own}  # the optional package is not a system font
    for fam in SYSTEM_FAMILIES:
        if fam in known and Path(known[fam]).exists():
            return Path(known[fam])
    found: list[tuple[int, str, Path]] = []
    for d in dirs if dirs is not None else font_dirs():
        if not d.is_dir():
            continue
        for p in d.rglob("*"):
            if p.suffix.lower() not in (".ttf", ".ttc", ".otf", ".otc"):
                continue
            low = p.name.lower()
            for rank, prefix in enumerate(SYSTEM_FILES):
                if low.startswith(prefix):
                    found.append((rank, str(p), p))
                    break
    return min(found)[2] if found else None


def package_font() -> Path | None:
    """NotoSansCJK-Regular.ttc from the optional ``noto_cjk_sans_otc`` package, if installed."""
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    p = Path(noto_cjk_sans_otc.__file__).parent / getattr(noto_cjk_sans_otc, "FONT_FILE",
                                                         "NotoSansCJK-Regular.ttc")
    return p if p.exists() else None


def find_cjk_font(config: dict | None = None, *, system: bool = True, package: bool = True) -> FontChoice:
    """Where the CJK font comes from, without touching matplotlib's settings."""
    message = ""
    configured = _configured(config)
    if configured:
        p = Path(configured).expanduser()
        if p.is_file():
            return FontChoice(p, None, "config")
        message = f"tracker.toml [fonts] cjk 指定的字体文件不存在: {configured}; 改为自动查找。"
    if system:
        p = find_system_font()
        if p is not None:
            return FontChoice(p, None, "system", message)
    if package:
        p = package_font()
        if p is not None:
            return FontChoice(p, None, "package", message)
    return FontChoice(None, None, "none", (message + " " if message else "") + NOT_FOUND_MESSAGE)


_done: dict[str, FontChoice] = {}


def setup_matplotlib(config: dict | None = None, **search) -> FontChoice:
    """Register the CJK font with matplotlib's font manager; returns the choice (its ``message``,
    when not empty, is the line to show). Prints nothing, changes no rcParams: draw inside
    ``matplotlib.rc_context(rc_params(choice))``. Safe to call often (the search runs once per
    configuration).
    """
    from matplotlib import font_manager

    key = _configured(config) + repr(sorted(search.items()))
    choice = _done.get(key)
    if choice is None:
        choice = find_cjk_font(config, **search)
        if choice.path is not None:
            font_manager.fontManager.addfont(str(choice.path))
            choice.family = font_manager.FontProperties(fname=str(choice.path)).get_name()
        _done[key] = choice
    return choice


def rc_params(choice: FontChoice) -> dict:
    """The matplotlib settings that draw with ``choice`` (for ``matplotlib.rc_context``)."""
    import matplotlib

    params: dict = {"axes.unicode_minus": False}
    if choice.family:
        rest = [f for f in matplotlib.rcParams["font.sans-serif"] if f != choice.family]
        params.update({"font.sans-serif": [choice.family, *rest], "font.family": "sans-serif"})
    return params


class quiet_matplotlib:
    """A context in which matplotlib's font look-up says nothing on the terminal: its "findfont:
    Font family … not found" lines are logging warnings (printed to stderr when the program has
    configured no logging) and its missing-glyph notes are Python warnings; the one-line note of
    :func:`setup_matplotlib` (``message``) is what a person needs to know."""

    def __enter__(self):
        import logging
        import warnings

        self._log = logging.getLogger("matplotlib.font_manager")
        self._level = self._log.level
        self._log.setLevel(logging.ERROR)
        self._warn = warnings.catch_warnings()
        self._warn.__enter__()
        warnings.filterwarnings("ignore", module=r"matplotlib\..*")
        warnings.filterwarnings("ignore", message=r"(Glyph \d+ .*missing from|findfont)")
        return self

    def __exit__(self, *exc):
        self._warn.__exit__(*exc)
        self._log.setLevel(self._level)
        return False

