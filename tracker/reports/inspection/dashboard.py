"""``YEAR-dashboard.html``: one self-contained page with the inspection's figures and charts.

Rendered with Jinja2 from ``dashboard.html.j2``. Where the template is looked up, first hit wins:

1. ``templates/dashboard.html.j2`` in the workspace (an office may copy and edit it);
2. ``tracker/data/dashboard.html.j2``, shipped inside the package (so it loads when installed).

Self-contained means: inline CSS, the charts inlined as SVG (text drawn as paths, ``xmlns``
attributes, comments and metadata removed, ids prefixed per chart so they cannot clash), and no
``http://``/``https://``/protocol-relative reference at all, so the page reads the same offline.
So that Chinese shows even on a machine with no CJK font, a subset of the CJK font the charts use
(only the characters on the page) is embedded as a ``data:`` URL @font-face, after the usual
system fonts (Microsoft YaHei, PingFang SC, Noto Sans CJK SC …) in the font stack; a font whose
licence forbids embedding (OS/2 fsType bit 1) is not embedded. Subsetting a CJK font takes seconds, so the subset is
kept in the user's cache (:mod:`tracker.cache`), named by a hash of the font file, the face and
the characters: a report run again over the same figures reads it back.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from tracker.i18n import ZH, quarter_label, tr
from tracker.reports.inspection.text import RETURN_LABEL, behind, report_title, rule_message

TEMPLATE = "dashboard.html.j2"


def template_dirs(workspace_root: Path | None = None) -> list[Path]:
    dirs = []
    if workspace_root is not None:
        dirs.append(Path(workspace_root) / "templates")
    dirs.append(Path(__file__).resolve().parents[2] / "data")
    return dirs


def inline_svg(svg_text: str, prefix: str) -> str:
    """A matplotlib SVG made fit to sit inside HTML: no XML prolog, DOCTYPE, comments, metadata,
    namespace URLs; ids prefixed; scales with the page."""
    s = svg_text
    s = re.sub(r"<\?xml[^>]*\?>", "", s)
    s = re.sub(r"<!DOCTYPE[^>]*>", "", s, flags=re.S)
    s = re.sub(r"<!--.*?-->", "", s, flags=re.S)
    s = re.sub(r"<metadata>.*?</metadata>", "", s, flags=re.S)
    s = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", s)
    s = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', s)
    s = re.sub(r'(xlink:href|href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', s)
    s = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", s)
    # width/height in pt -> responsive
    s = re.sub(r'<svg([^>]*?)\swidth="[^"]*"\s+height="[^"]*"', r'<svg\1 class="chart" role="img"', s, count=1)
    return s.strip()


def font_face_css(font, text: str) -> str:
    """@font-face with a subset of the chart font holding the characters of ``text`` (or "").

    Subsetting a CJK font takes seconds; the result depends only on the font file and the
    characters, so it is kept in the user's cache (:mod:`tracker.cache`) under a hash of the font
    file's bytes, the face and the character set: a report run again costs nothing here."""
    path = getattr(font, "path", None)
    if not path:
        return ""
    import hashlib

    from tracker import cache

    chars = {ord(c) for c in text if ord(c) > 0x7F} | set(range(0x20, 0x7F))
    try:
        key = hashlib.sha256(f"{cache.file_hash(Path(path))}|{font.family}|"
                             f"{','.join(map(str, sorted(chars)))}".encode()).hexdigest() + ".css"
    except OSError:
        return ""
    hit = cache.read("font-subset", key)
    if hit is not None:
        return hit
    css = _subset_css(font, path, chars)
    if css:
        cache.write("font-subset", key, css)
    return css


def _subset_css(font, path, chars: set[int]) -> str:
    try:
        from fontTools import subset
        from fontTools.ttLib import TTCollection, TTFont

        if str(path).lower().endswith((".ttc", ".otc")):
            coll = TTCollection(str(path), lazy=True)
            idx = 0
            for i, f in enumerate(coll.fonts):
                name = f["name"].getDebugName(1) or ""
                if name == font.family:
                    idx = i
                    break
            tt = TTFont(str(path), fontNumber=idx, lazy=False)
        else:
            tt = TTFont(str(path), lazy=False)
        if "OS/2" in tt and tt["OS/2"].fsType & 0x0002:
            return ""  # restricted licence: do not embed
        opts = subset.Options()
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        opts.drop_tables += ["DSIG"]
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=chars)
        sub.subset(tt)
        import io

        buf = io.BytesIO()
        tt.flavor = None
        tt.save(buf)
        kind = "opentype" if "CFF " in tt else "truetype"
        mime = "font/otf" if kind == "opentype" else "font/ttf"
        b64 = base64.b64encode(buf.getvalue()).decode("ascii")
        return (f"@font-face {{ font-family: 'TrackerCJK'; src: url(data:{mime};base64,{b64}) format('{kind}'); "
                "font-display: block; }")
    except Exception:  # noqa: BLE001 - the page is still fine with system fonts
        return ""


def render(data: dict, charts: dict | None = None, font=None, workspace_root: Path | None = None,
           lang: str = ZH) -> str:
    """The page as text; ``lang`` "zh" (default) or "en" (:mod:`tracker.i18n`)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(workspace_root)]),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["num"] = _num
    tpl = env.get_template(TEMPLATE)
    inlined = {}
    for name, files in (charts or {}).items():
        svg = Path(files["svg"]).read_text(encoding="utf-8")
        inlined[name] = {"svg": jinja2.utils.markupsafe.Markup(inline_svg(svg, f"c-{name}")),
                         "title": files.get("title", name)}
    def t(text, /, ctx="", **fields):
        return tr(text, lang, ctx=ctx, **fields)

    ctx = {"d": data, "charts": inlined, "return_label": RETURN_LABEL,
           "behind": lambda item: behind(item, lang),
           "quarters": [x["quarter"] for x in data["trend"]],
           "quarter_label": lambda i: quarter_label(i, lang),  # 第一季度 / Q1
           "lang": lang, "html_lang": "zh-CN" if lang == ZH else "en", "t": t,
           "title": report_title(data["year"], lang), "list_sep": "、" if lang == ZH else ", ",
           "rule_message": lambda rule: rule_message(rule, lang)}
    html = tpl.render(**ctx, font_css="")
    css = font_face_css(font, html) if font is not None else ""
    if css:
        html = tpl.render(**ctx, font_css=jinja2.utils.markupsafe.Markup(css))
    return html


def write_dashboard(data: dict, path: Path, charts: dict | None = None, font=None,
                    workspace_root: Path | None = None, lang: str = ZH) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(data, charts, font, workspace_root, lang), encoding="utf-8")
    return path


def _num(v, digits: int = 1) -> str:
    if v is None:
        return "—"
    r = round(float(v), digits)
    return str(int(r)) if r == int(r) else f"{r:.{digits}f}"
