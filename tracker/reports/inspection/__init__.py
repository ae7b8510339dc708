"""The year-end inspection (年终检查验收): the year's figures, then the report files.

* :mod:`.data` — :func:`~.data.gather` reads a workspace, :func:`~.data.build_inspection` turns the
  plan and the returns into one JSON-ready dict (the rules are in its docstring);
* :mod:`.text` — the words: titles, return labels, failed-rule messages, the conclusion, the
  summary ``tracker report`` prints;
* writers, each from the same dict: :mod:`.docx` (the Word report), :mod:`.xlsx` (the workbook),
  :mod:`.dashboard` (the offline HTML page), :mod:`.charts` (PNG and SVG), and :mod:`.write`,
  which writes them all into one folder.

Every output reads the same dict, so the JSON, the workbook, the Word report and the dashboard
cannot disagree. The files are Chinese by default, English with ``lang="en"`` (docs/i18n.md); the
dict and the JSON are the same in both. The order of dependence is text <- data <- writers: no
module here imports one to its right, and this ``__init__`` imports none of them.
"""
