"""Documents the office sends and prints: the 催报 list (:mod:`.remind`), the quarterly bulletin
(:mod:`.bulletin`), with the shared print-ready xlsx layout in :mod:`.xlsx_style`.

Each writer takes the dict of :func:`tracker.status.period_status` (so the figures printed are the
figures ``tracker status --json`` shows) and imports its heavy libraries inside the function.
"""


def rfonts(element):
    """The ``w:rFonts`` of a run's or a style's properties, made if missing: where Word, WPS and
    LibreOffice read the East Asian font (``w:eastAsia``) that python-docx's ``font.name`` does not set."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    found = rpr.find(qn("w:rFonts"))
    if found is None:
        found = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, found)
    return found
