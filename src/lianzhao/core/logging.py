"""Log records that say which request they belong to, and no traceback for a refused request.

``RequestLogMiddleware`` (core/middleware.py) gives each request an id, kept here in a context
variable for the request's duration; :class:`RequestIdFilter` puts it on every record logged
meanwhile, so a 500's traceback and the request's own log line share the id (also sent back in
the ``X-Request-ID`` header, for a user to quote).
"""

from __future__ import annotations

import contextvars
import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("lianzhao_request_id", default="-")

#: Exceptions that are a refusal of the client's request, not a fault of ours.
CLIENT_ERRORS = (PermissionDenied, SuspiciousOperation, Http404)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class NoClientErrorTraceback(logging.Filter):
    """Keep the message of a 4xx record but drop its traceback: a 403 is an answer, not a crash."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        exc = record.exc_info[1] if record.exc_info else None
        if (isinstance(status, int) and status < 500) or isinstance(exc, CLIENT_ERRORS):
            record.exc_info = None
            record.exc_text = None
        return True
