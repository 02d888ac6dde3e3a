"""Logging filters. A refusal (403, 404) is an expected answer, not a fault: Django logs it with the
exception's traceback, which buries real errors in the server log. Keep the one-line warning with
path and status and drop the traceback; 5xx keep theirs."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
