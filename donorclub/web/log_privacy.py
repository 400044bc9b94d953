"""Addresses as the logs may keep them: the secret parts of a path (the token of a status,
calendar, invitation or reset link, a certificate serial) replaced by a placeholder."""
from __future__ import annotations

import logging

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

from .security_headers import SECRET_ARGUMENTS

PLACEHOLDER = "[redacted]"


def redacted_path(path: str, view_args: dict | None) -> str:
    """`path` with the value of every secret route argument replaced."""
    for name in SECRET_ARGUMENTS & set(view_args or ()):
        value = str(view_args[name])
        if value:
            path = path.replace(value, PLACEHOLDER)
    return path


class RedactedRequestLines(logging.Filter):
    """For the development server's request log ('"GET /s/TOKEN HTTP/1.1" 200 -'): every
    word that is a path of this app's routes loses its secret arguments."""

    def __init__(self, url_map: Map):
        super().__init__()
        self.url_map = url_map

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(self._redact_line(arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        return True

    def _redact_line(self, line: str) -> str:
        return " ".join(self._redact_word(word) for word in line.split(" "))

    def _redact_word(self, word: str) -> str:
        start = word.find("/")
        if start < 0:
            return word
        path = word[start:].partition("?")[0]
        try:
            _endpoint, view_args = self.url_map.bind("localhost").match(path)
        except HTTPException:
            return word
        return word.replace(path, redacted_path(path, view_args))


def init_log_privacy(app: Flask) -> None:
    """Redact the request lines the development server (werkzeug) logs. One filter per
    process, for the app built last (the server runs one)."""
    werkzeug_log = logging.getLogger("werkzeug")
    for old in [f for f in werkzeug_log.filters if isinstance(f, RedactedRequestLines)]:
        werkzeug_log.removeFilter(old)
    werkzeug_log.addFilter(RedactedRequestLines(app.url_map))
