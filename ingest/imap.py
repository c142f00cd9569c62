"""A blocking IMAP session (imapclient) that reads headers only and changes nothing.

Folders are opened read-only (EXAMINE) and headers fetched with BODY.PEEK, so no message is
marked read; bodies never leave the server. Every failure becomes a `SourceFailure` whose
message names what went wrong without quoting the secret. The sync runs these calls in a
thread (`ingest/imap_sync.py`).
"""

import imaplib
import socket
import ssl
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from ingest.parsers.email import HEADER_FIELDS
from ingest.secrets import SourceFailure, scrub
from tiegraph.sources import (
    SKIPPED_FOLDER_NAMES,
    SKIPPED_SPECIAL_USE,
    AuthMethod,
    Security,
    SourceSpec,
)

TIMEOUT_SECONDS = 30
_NOT_A_FOLDER = frozenset({b"\\Noselect", b"\\NonExistent"})
HEADERS_ITEM = f"BODY.PEEK[HEADER.FIELDS ({' '.join(HEADER_FIELDS).upper()})]".encode()
_NETWORK = (OSError, imaplib.IMAP4.abort, socket.timeout, ssl.SSLError)
T = TypeVar("T")


@dataclass(frozen=True)
class FolderState:
    """What EXAMINE says of a folder: its UIDVALIDITY and the UID the next message gets."""

    uidvalidity: int
    uidnext: int | None


def _failure(exc: BaseException, secret: str | None, what: str) -> SourceFailure:
    # imapclient words a server's answer as the repr of its bytes: b'[AUTHENTICATIONFAILED] ...'
    detail = str(exc).removeprefix("b'").removesuffix("'") or type(exc).__name__
    return SourceFailure(scrub(f"imap: {what} ({detail})", secret))


def guarded(secret: str | None, what: str, call: Callable[[], T]) -> T:
    """`call()`, its IMAP and network errors turned into a SourceFailure about `what`."""
    try:
        return call()
    except LoginError as exc:
        raise _failure(exc, secret, "sign-in refused") from None
    except _NETWORK as exc:
        raise _failure(exc, secret, f"{what}: connection failed") from None
    except (IMAPClientError, imaplib.IMAP4.error) as exc:
        raise _failure(exc, secret, f"{what}: server error") from None


def _sign_in(client: IMAPClient, spec: SourceSpec, secret: str) -> None:
    if spec.auth is AuthMethod.XOAUTH2:
        client.oauth2_login(spec.user, secret)
    else:
        client.login(spec.user, secret)


def _open(spec: SourceSpec, secret: str) -> IMAPClient:
    host, port = spec.host or "", spec.imap_port
    context = ssl.create_default_context()
    secure = spec.security is Security.TLS
    client = IMAPClient(host, port, ssl=secure, ssl_context=context, timeout=TIMEOUT_SECONDS)
    try:
        if spec.security is Security.STARTTLS:
            client.starttls(context)
        _sign_in(client, spec, secret)
    except BaseException:
        client.shutdown()
        raise
    return client


def connect(spec: SourceSpec, secret: str) -> IMAPClient:
    """A signed-in connection (close it with `close`)."""
    where = f"{spec.host}:{spec.imap_port}"
    return guarded(secret, f"connect to {where}", lambda: _open(spec, secret))


def close(client: IMAPClient) -> None:
    """Log out, or just close: the connection may be gone already (a server that stopped),
    and nothing is lost then."""
    try:
        client.logout()
    except Exception:
        with suppress(Exception):
            client.shutdown()


def _wanted(flags: tuple[bytes, ...], delimiter: bytes | None, name: str) -> bool:
    if _NOT_A_FOLDER & set(flags) or SKIPPED_SPECIAL_USE & set(flags):
        return False
    leaf = name.rsplit(delimiter.decode(), 1)[-1] if delimiter else name
    return leaf.strip().lower() not in SKIPPED_FOLDER_NAMES


Listed = list[tuple[tuple[bytes, ...], bytes | None, str]]


def folders_wanted(listed: Listed) -> list[str]:
    """Of the folders a LIST gave (flags, delimiter, name), all but trash, junk, drafts and
    spam (by SPECIAL-USE flag or by name) and those that hold no messages, sorted."""
    return sorted(str(name) for flags, delimiter, name in listed
                  if _wanted(tuple(flags), delimiter, str(name)))  # fmt: skip


def folders(client: IMAPClient, spec: SourceSpec) -> list[str]:
    """The folders to read: those the source names, else `folders_wanted`."""
    if spec.folders is not None:
        return list(spec.folders)
    return folders_wanted(client.list_folders())


def examine(client: IMAPClient, folder: str) -> FolderState:
    """Open `folder` read-only; its UIDVALIDITY and UIDNEXT."""
    info = client.select_folder(folder, readonly=True)
    uidnext = info.get(b"UIDNEXT")
    return FolderState(uidvalidity=int(info[b"UIDVALIDITY"]),
                       uidnext=int(uidnext) if uidnext is not None else None)  # fmt: skip


def uids_after(client: IMAPClient, last_uid: int) -> list[int]:
    """The UIDs above `last_uid` in the open folder, ascending. (`UID n:*` always matches the
    last message, even below n: it is filtered out here.)"""
    found = client.search(["UID", f"{last_uid + 1}:*"])
    return sorted(uid for uid in found if uid > last_uid)


def fetch_headers(client: IMAPClient, uids: list[int]) -> list[tuple[int, bytes]]:
    """The header fields ingestion reads of each message, by UID, in UID order (a message
    deleted meanwhile is simply missing)."""
    answer = client.fetch(uids, [HEADERS_ITEM])
    out = []
    for uid in sorted(answer):
        data = answer[uid]
        block = next((v for k, v in data.items() if k.startswith(b"BODY[")), None)
        if isinstance(block, bytes):
            out.append((uid, block))
    return out
