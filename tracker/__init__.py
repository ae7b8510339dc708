"""tracker: run a multi-department decomposed work plan (工作分解表) through its quarterly cycle.

Library first: every command in :mod:`tracker.cli` is a thin layer over the modules here.
"""

__version__ = "0.1.0"
