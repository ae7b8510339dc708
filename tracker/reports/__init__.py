"""Documents the office sends and prints: the 催报 list (:mod:`.remind`), the quarterly bulletin
(:mod:`.bulletin`), with the shared print-ready xlsx layout in :mod:`.xlsx_style`.

Each writer takes the dict of :func:`tracker.status.period_status` (so the figures printed are the
figures ``tracker status --json`` shows) and imports its heavy libraries inside the function.
"""
