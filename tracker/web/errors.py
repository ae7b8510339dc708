"""Aborting a request with a message of our own: the error handlers of :func:`tracker.web.create_app`
show ``tracker_message`` on the Chinese error page (or in the JSON of /api/).

Its own module so that the blueprints need not import the package that registers them.
"""

from __future__ import annotations


def abort_with(status: int, message: str):
    """Abort with a Chinese message of our own (shown by the error handlers)."""
    from werkzeug.exceptions import default_exceptions

    exc = default_exceptions[status]()
    exc.tracker_message = message
    raise exc
