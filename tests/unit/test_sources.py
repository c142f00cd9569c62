"""Live sources without a server: what an admin may type, when a source is due, its backoff,
which folders are read, and how secrets are fetched and kept out of errors."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest.imap import folders_wanted
from ingest.secrets import SourceFailure, resolve_secret, scrub
from ingest.sync import MAX_BACKOFF, backoff, is_due
from tiegraph.errors import BadInput
from tiegraph.sources import AuthMethod, SecretRef, Source, SourceState, caldav_spec, imap_spec

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
MINUTES_5 = timedelta(minutes=5)


def source(**fields: object) -> Source:
    spec = imap_spec("m", "imap.example", "ann", "ann@firm.test", password="env:X")
    return Source.model_validate({**spec.model_dump(), "id": "src_1", "created_at": NOW,
                                  **fields})  # fmt: skip


def test_a_secret_reference_is_kind_and_value_and_shows_no_command() -> None:
    assert SecretRef.parse("env:IMAP_PASSWORD").shown == "env:IMAP_PASSWORD"
    assert SecretRef.parse("file:/run/secrets/x").shown == "file:/run/secrets/x"
    command = SecretRef.parse("command:oauth2l fetch --credentials /etc/a.json")
    assert (command.shown, command.stored) == ("command", "command:oauth2l fetch --credentials "
                                               "/etc/a.json")  # fmt: skip
    for bad in ("hunter2", "pass:hunter2", "env:"):
        with pytest.raises(BadInput, match="expected env:NAME, file:PATH or command:"):
            SecretRef.parse(bad)


def test_an_imap_source_takes_a_password_or_a_token_reference_not_both() -> None:
    token = imap_spec("m", "imap.gmail.com", "a", "a@firm.test", oauth2_token="command:x")
    assert (token.auth, token.imap_port) == (AuthMethod.XOAUTH2, 993)
    with pytest.raises(BadInput, match=r"^password: give either"):
        imap_spec("m", "h", "a", "a@firm.test", password="env:A", oauth2_token="env:B")
    with pytest.raises(BadInput, match=r"^password: give either"):
        imap_spec("m", "h", "a", "a@firm.test")
    with pytest.raises(BadInput, match=r"^port: "):
        imap_spec("m", "h", "a", "a@firm.test", port=70000, password="env:A")
    with pytest.raises(BadInput, match=r"^url: Value error, must start with http"):
        caldav_spec("c", "ftp://dav.example/", "a", "a@firm.test", "env:A")


def test_a_source_is_due_after_its_interval_unless_paused_or_backing_off() -> None:
    assert is_due(source(), NOW, MINUTES_5)  # never tried
    assert not is_due(source(last_attempt_at=NOW - timedelta(minutes=2)), NOW, MINUTES_5)
    assert is_due(source(last_attempt_at=NOW - MINUTES_5), NOW, MINUTES_5)
    assert not is_due(source(paused=True), NOW, MINUTES_5)
    assert not is_due(source(next_attempt_at=NOW + timedelta(seconds=1)), NOW, MINUTES_5)
    assert source(paused=True).state is SourceState.PAUSED
    assert source(failures=2).state is SourceState.FAILING
    assert source().state is SourceState.NEW
    assert source(last_success_at=NOW).state is SourceState.OK


def test_backoff_doubles_per_failure_up_to_an_hour() -> None:
    assert [backoff(n, MINUTES_5) for n in (1, 2, 3)] == [MINUTES_5, 2 * MINUTES_5, 4 * MINUTES_5]
    assert backoff(30, MINUTES_5) == MAX_BACKOFF


def test_folders_skip_trash_junk_drafts_and_spam_by_flag_or_name() -> None:
    listed = [((b"\\HasNoChildren",), b"/", "INBOX"), ((b"\\Sent",), b"/", "Sent"),
              ((b"\\Trash",), b"/", "Papierkorb"), ((), b"/", "Spam"), ((), b".", "Work.Junk"),
              ((b"\\Noselect",), b"/", "[Gmail]"), ((b"\\Drafts",), b"/", "[Gmail]/Drafts"),
              ((), b"/", "Deleted Items"), ((), b"/", "Clients")]  # fmt: skip
    assert folders_wanted(listed) == ["Clients", "INBOX", "Sent"]


def test_secrets_come_from_env_files_and_commands(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("IMAP_PASSWORD", " s3cret \n")
    assert resolve_secret(SecretRef.parse("env:IMAP_PASSWORD")) == "s3cret"
    (tmp_path / "p").write_text("from-file\n")
    assert resolve_secret(SecretRef.parse(f"file:{tmp_path / 'p'}")) == "from-file"
    assert resolve_secret(SecretRef.parse("command:printf tok")) == "tok"
    with pytest.raises(SourceFailure, match=r"^secret: the command exited with status 3$"):
        resolve_secret(SecretRef.parse("command:sh -c 'echo leaked; exit 3'"))
    with pytest.raises(SourceFailure, match=r"^secret: cannot read /nonexistent/p \("):
        resolve_secret(SecretRef.parse("file:/nonexistent/p"))
    with pytest.raises(SourceFailure, match=r"^secret: env:UNSET_VARIABLE_X gave nothing$"):
        resolve_secret(SecretRef.parse("env:UNSET_VARIABLE_X"))
    assert scrub("LOGIN ann s3cret failed", "s3cret") == "LOGIN ann [secret] failed"
