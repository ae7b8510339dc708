"""Documents the office sends and prints: the 催报 list (:mod:`.remind`), the quarterly bulletin
(:mod:`.bulletin`) and the year-end inspection (:mod:`.inspection`, a package), with the shared
layouts: print-ready xlsx in :mod:`.xlsx_style`, Word (GB/T 9704) in :mod:`.docx_style`.

Each writer takes the dict of :func:`tracker.status.period_status` (so the figures printed are the
figures ``tracker status --json`` shows) and imports its heavy libraries inside the function.
"""

