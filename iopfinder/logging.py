"""Logging filters that keep seekers' answers out of the logs."""

import logging
import re

# A request line ("GET /programs/?near=10001&condition=depression HTTP/1.1"), quoted or not.
_QUERY = re.compile(r"((?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) [^\s?\"]*)\?[^\s\"]*")


def _strip(value: object) -> object:
    return _QUERY.sub(r"\1?…", value) if isinstance(value, str) else value


class StripQueryStringFilter(logging.Filter):
    """Drop query strings from request lines: directory searches name conditions and places."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_strip(arg) for arg in record.args)
        record.msg = _strip(record.msg)
        return True
