import json
import logging

from app.observability import JsonFormatter, Redact, request_id


def _formatted(level: int, message: str, *args: object) -> dict[str, object]:
    record = logging.LogRecord("tiegraph.test", level, __file__, 1, message, args, None)
    assert Redact().filter(record)
    entry: dict[str, object] = json.loads(JsonFormatter().format(record))
    return entry


def test_info_logs_carry_the_request_id_and_no_emails_or_tokens() -> None:
    token = request_id.set("req-42")
    try:
        entry = _formatted(logging.INFO, "asked about %s with %s", "joe@acme.com",
                           "Bearer tg_abcdefghijklmnopqrstuvwxyz")  # fmt: skip
    finally:
        request_id.reset(token)
    assert entry["request_id"] == "req-42"
    assert entry["level"] == "info"
    assert entry["message"] == "asked about [email] with Bearer [token]"


def test_debug_logs_keep_emails_but_never_tokens() -> None:
    entry = _formatted(logging.DEBUG, "joe@acme.com sent tg_abcdefghijklmnopqrstuvwxyz")
    assert entry["message"] == "joe@acme.com sent [token]"
