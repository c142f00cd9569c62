import json
import logging
import time

from app.observability import JsonFormatter, Redact, redact, request_id


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


def test_redaction_takes_linear_time_on_hostile_text() -> None:
    # A query of address characters with no address: the old pattern rescanned the run from
    # each character (a 40,000-character run took 7 s); a 300,000-character run must not.
    hostile = ["a" * 300_000, "a@" * 150_000, "x@" + "a." * 150_000, ("a" * 50 + "@") * 6000]
    started = time.perf_counter()
    for text in hostile:
        redact(text)
    assert time.perf_counter() - started < 1.0
    assert redact("to ann.lee+x@acme.com, <bob@b.co> and x@y") == ("to [email], <[email]> and x@y")
