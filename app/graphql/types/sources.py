"""Live sources (mailboxes, calendars) and how their syncing goes. Never a secret: only
where it comes from (`secret`: an environment variable's name, a file's path, or "command")."""

from datetime import UTC, datetime
from typing import Self

import strawberry

from tiegraph import sources

strawberry.enum(sources.SourceKind, description="What a source reads.")
strawberry.enum(sources.Security, description="How an IMAP connection is protected.")
strawberry.enum(sources.AuthMethod, description="How a source signs in.")
strawberry.enum(sources.SourceState, description="How a source stands.")


@strawberry.type(description="A registered mailbox or calendar and its sync status.")
class Source:
    id: str
    kind: sources.SourceKind
    name: str
    member: str = strawberry.field(description="The team member whose mailbox or calendar it is.")
    user: str
    auth: sources.AuthMethod
    secret: str = strawberry.field(description="Where the secret comes from, never the secret.")
    host: str | None
    port: int | None
    security: sources.Security | None
    folders: list[str] | None = strawberry.field(description="Null: all but trash, junk, drafts.")
    url: str | None
    state: sources.SourceState
    paused: bool
    created_at: datetime
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    lag_seconds: float | None = strawberry.field(description="Seconds since the last success.")
    next_attempt_at: datetime | None = strawberry.field(description="Set while backing off.")
    last_error: str | None
    last_error_at: datetime | None
    failures: int = strawberry.field(description="Failed attempts in a row.")
    error_count: int
    items_read: int
    items_written: int

    @classmethod
    def from_domain(cls, s: sources.Source) -> Self:
        imap = s.kind is sources.SourceKind.IMAP
        return cls(
            id=s.id, kind=s.kind, name=s.name, member=s.member, user=s.user, auth=s.auth,
            secret=s.secret.shown, host=s.host, port=s.imap_port if imap else None,
            security=s.security if imap else None,
            folders=list(s.folders) if s.folders is not None else None, url=s.url,
            state=s.state, paused=s.paused, created_at=s.created_at,
            last_attempt_at=s.last_attempt_at, last_success_at=s.last_success_at,
            lag_seconds=s.lag_seconds(datetime.now(UTC)), next_attempt_at=s.next_attempt_at,
            last_error=s.last_error, last_error_at=s.last_error_at, failures=s.failures,
            error_count=s.error_count, items_read=s.items_read, items_written=s.items_written,
        )  # fmt: skip


@strawberry.input(
    description="An IMAP mailbox to sync. Give `password` or `oauth2Token`, each "
    "as env:NAME, file:PATH or command:COMMAND LINE (run at each connection)."
)
class ImapSourceInput:
    name: str
    host: str
    user: str
    member: str
    port: int | None = None
    security: sources.Security = sources.Security.TLS
    folders: list[str] | None = None
    password: str | None = None
    oauth2_token: str | None = None


@strawberry.input(
    description="A CalDAV calendar, or every calendar of an account, to sync. "
    "`password` as env:NAME, file:PATH or command:COMMAND LINE."
)
class CaldavSourceInput:
    name: str
    url: str
    user: str
    member: str
    password: str
