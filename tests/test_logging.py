"""Searches and answers never reach the logs."""

import logging

from iopfinder.logging import StripQueryStringFilter


def record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("django.server", logging.INFO, __file__, 1, msg, args, None)


def test_request_lines_lose_their_query_string():
    entry = record(
        '"%s" %s %s', "GET /programs/?near=10001&condition=depression HTTP/1.1", "200", "345"
    )
    StripQueryStringFilter().filter(entry)
    message = entry.getMessage()
    assert "10001" not in message and "depression" not in message
    assert message == '"GET /programs/?… HTTP/1.1" 200 345'


def test_messages_with_the_url_inline_are_stripped_too():
    entry = record("Not Found: GET /programs/x/?q=ocd HTTP/1.1")
    StripQueryStringFilter().filter(entry)
    assert "ocd" not in entry.getMessage()


def test_the_server_logger_uses_the_filter(settings):
    assert "strip_query" in settings.LOGGING["handlers"]["console"]["filters"]
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]


def test_share_link_tokens_never_reach_the_logs():
    token = "Zq3vR8k2Xw_7yT-pL0mN4bC6dF1gH5jK9sA2eU8iO3"
    entry = record('"%s" %s %s', f"GET /s/{token}/pdf/ HTTP/1.1", "200", "5120")
    StripQueryStringFilter().filter(entry)
    assert token not in entry.getMessage()
    assert entry.getMessage() == '"GET /s/…/pdf/ HTTP/1.1" 200 5120'
    not_found = record("Not Found: %s", f"/s/{token}/")
    StripQueryStringFilter().filter(not_found)
    assert token not in not_found.getMessage()
