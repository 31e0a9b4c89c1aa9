"""Logging filters that keep seekers' answers out of the logs."""

import logging
import re

# A request line ("GET /programs/?near=10001&condition=depression HTTP/1.1"), quoted or not.
_QUERY = re.compile(r"((?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) [^\s?\"]*)\?[^\s\"]*")
# A shortlist share link ("/s/<token>/"): the token alone opens a patient's list.
_SHARE_TOKEN = re.compile(r"(/s/)[A-Za-z0-9_\-]+")


def _strip(value: object) -> object:
    if not isinstance(value, str):
        return value
    return _SHARE_TOKEN.sub(r"\1…", _QUERY.sub(r"\1?…", value))


class StripQueryStringFilter(logging.Filter):
    """Drop query strings and share tokens from log lines.

    Directory searches name conditions and places; a share token opens a patient's shortlist.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_strip(arg) for arg in record.args)
        record.msg = _strip(record.msg)
        return True
