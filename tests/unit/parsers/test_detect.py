import json
import mailbox
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from ingest.parsers.detect import detect_source


def _message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Ann <ann@firm.com>"
    msg["To"] = "Joe <joe@acme.com>, Kim <kim@acme.com>"
    msg["Subject"] = "Hello, again"
    msg["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    msg.set_content("Hi Joe,\nsee you.\n")
    return msg


def test_zip_by_magic_even_when_named_ics(tmp_path: Path) -> None:
    path = tmp_path / "meetings.ics"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "x")
    assert detect_source(path) == "zip"


def test_ics_by_content_when_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"\xef\xbb\xbf\r\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    assert detect_source(path) == "ics"


def test_mbox_by_content_when_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "calendar.csv"
    box = mailbox.mbox(path)
    box.add(_message())
    box.close()
    assert detect_source(path) == "mbox"


def test_eml_with_commas_in_headers_is_not_csv(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(bytes(_message()))
    assert detect_source(path) == "eml"


def test_eml_whose_headers_overrun_the_sniff_window(tmp_path: Path) -> None:
    msg = _message()
    msg["References"] = " ".join(f"<id-{n}@mail.acme.com>" for n in range(400))
    path = tmp_path / "long.dat"
    path.write_bytes(bytes(msg))
    assert path.stat().st_size > 4096
    assert detect_source(path) == "eml"


def test_jsonl_by_first_non_blank_char(tmp_path: Path) -> None:
    path = tmp_path / "mail.mbox"
    path.write_text("\n\n" + json.dumps({"id": "m-1"}) + "\n")
    assert detect_source(path) == "jsonl"


def test_csv_by_header_line(tmp_path: Path) -> None:
    path = tmp_path / "roster.json"
    path.write_text("email,name,title,team,left_on\nann@firm.com,Ann,CEO,exec,\n")
    assert detect_source(path) == "csv"


def test_maildir_directory(tmp_path: Path) -> None:
    mailbox.Maildir(tmp_path / "Mail", create=True).close()
    assert detect_source(tmp_path / "Mail") == "maildir"


def test_other_directory_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(ValueError, match="plain: a directory but not a maildir"):
        detect_source(tmp_path / "plain")


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.csv", b""), ("blob.eml", b"\x00\x01\x02binary"), ("words.txt", b"just prose\n")],
)
def test_unknown_content_raises_naming_the_file(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=rf"{name}: cannot tell the source format"):
        detect_source(path)
