"""Live sources: the mailboxes and calendars an admin registers for continuous capture.

A source never holds a secret, only where to get one (`SecretRef`): an environment variable,
a file, or a command whose output is the secret (an XOAUTH2 access token, typically, minted
afresh at each connection). Only that reference is stored, and only its kind and name are
shown back (a command line may carry arguments an admin would rather not display).
"""

from collections.abc import Sequence
from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tiegraph.errors import BadInput


class SourceKind(Enum):
    """What a source reads."""

    IMAP = "imap"
    CALDAV = "caldav"


class Security(Enum):
    """How an IMAP connection is protected: TLS from the start, STARTTLS, or not at all."""

    TLS = "tls"
    STARTTLS = "starttls"
    NONE = "none"


class AuthMethod(Enum):
    """How a source signs in: a password, or an OAuth2 access token (XOAUTH2)."""

    PASSWORD = "password"  # noqa: S105 - a method's name, not a secret
    XOAUTH2 = "xoauth2"


class SecretKind(Enum):
    """Where a secret comes from."""

    ENV = "env"
    FILE = "file"
    COMMAND = "command"


class SecretRef(BaseModel):
    """Where the worker finds a source's secret at each connection, e.g. `env:IMAP_PASSWORD`,
    `file:/run/secrets/imap`, `command:gcloud auth print-access-token`."""

    model_config = ConfigDict(frozen=True)

    kind: SecretKind
    value: str = Field(min_length=1, max_length=4096)

    @classmethod
    def parse(cls, text: str, field: str = "secret") -> "SecretRef":
        """`kind:value`; BadInput naming `field` for anything else."""
        kind, _, value = text.partition(":")
        try:
            return cls(kind=SecretKind(kind.strip().lower()), value=value.strip())
        except ValueError:
            raise BadInput("expected env:NAME, file:PATH or command:COMMAND LINE",
                           location=field) from None  # fmt: skip

    @property
    def shown(self) -> str:
        """What may be displayed: the variable's name or the file's path, never a command."""
        return "command" if self.kind is SecretKind.COMMAND else f"{self.kind.value}:{self.value}"

    @property
    def stored(self) -> str:
        """The form kept in the graph and read back by `parse`."""
        return f"{self.kind.value}:{self.value}"


# Folders nobody's relationships live in. Servers flag them (RFC 6154 SPECIAL-USE) and the
# names catch the servers that do not.
SKIPPED_SPECIAL_USE = frozenset({b"\\Trash", b"\\Junk", b"\\Drafts"})
SKIPPED_FOLDER_NAMES = frozenset(
    {"trash", "junk", "drafts", "spam", "deleted items", "deleted messages", "junk e-mail",
     "junk email", "bulk mail"}
)  # fmt: skip


class SourceSpec(BaseModel):
    """What an admin gives to register a source."""

    model_config = ConfigDict(frozen=True)

    kind: SourceKind
    name: str = Field(min_length=1, max_length=200)
    member: str
    user: str = Field(min_length=1, max_length=500)
    secret: SecretRef
    auth: AuthMethod = AuthMethod.PASSWORD
    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Security = Security.TLS
    folders: tuple[str, ...] | None = None  # None: every folder but the skipped ones
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    def checked(self) -> "SourceSpec":
        """The spec, or BadInput naming the field a source of its kind cannot do without."""
        if self.kind is SourceKind.IMAP and not self.host:
            raise BadInput("an IMAP source needs a host", location="host")
        if self.kind is SourceKind.CALDAV and not self.url:
            raise BadInput("a CalDAV source needs a URL", location="url")
        if self.kind is SourceKind.CALDAV and self.auth is not AuthMethod.PASSWORD:
            raise BadInput("CalDAV sources sign in with a password", location="auth")
        return self

    @property
    def imap_port(self) -> int:
        """The port given, or the usual one for the security chosen."""
        return self.port or (993 if self.security is Security.TLS else 143)


class SourceState(Enum):
    """How a source stands: paused, not synced yet, its last sync failed, or fine."""

    PAUSED = "paused"
    NEW = "new"
    FAILING = "failing"
    OK = "ok"


class Source(SourceSpec):
    """A registered source and how its syncing goes."""

    id: str
    paused: bool = False
    created_at: datetime
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    failures: int = 0  # in a row; reset by a success
    error_count: int = 0  # ever
    next_attempt_at: datetime | None = None
    items_read: int = 0
    items_written: int = 0

    def lag_seconds(self, now: datetime) -> float | None:
        """Seconds since the last successful sync (None before the first)."""
        return (
            None if self.last_success_at is None else (now - self.last_success_at).total_seconds()
        )

    @property
    def state(self) -> SourceState:
        """Paused, new (never attempted), failing (the last attempt failed) or ok."""
        if self.paused:
            return SourceState.PAUSED
        if self.failures:
            return SourceState.FAILING
        return SourceState.OK if self.last_success_at is not None else SourceState.NEW


def _spec(fields: dict[str, object]) -> SourceSpec:
    try:
        return SourceSpec.model_validate(fields).checked()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "source"
        raise BadInput(first["msg"], location=where) from None


def imap_spec(
    name: str, host: str, user: str, member: str, *, port: int | None = None,
    security: Security = Security.TLS, folders: Sequence[str] | None = None,
    password: str | None = None, oauth2_token: str | None = None,
) -> SourceSpec:  # fmt: skip
    """An IMAP source from what an admin typed; BadInput names the field that is wrong."""
    if (password is None) == (oauth2_token is None):
        raise BadInput("give either a password or an OAuth2 token reference", location="password")
    auth, ref = (AuthMethod.PASSWORD, password) if password else (AuthMethod.XOAUTH2, oauth2_token)
    secret = SecretRef.parse(ref or "", "password" if password else "oauth2Token")
    return _spec({"kind": SourceKind.IMAP, "name": name, "host": host, "user": user,
                  "member": member, "port": port, "security": security, "auth": auth,
                  "secret": secret, "folders": tuple(folders) if folders else None})  # fmt: skip


def caldav_spec(name: str, url: str, user: str, member: str, password: str) -> SourceSpec:
    """A CalDAV source from what an admin typed; BadInput names the field that is wrong."""
    secret = SecretRef.parse(password, "password")
    return _spec({"kind": SourceKind.CALDAV, "name": name, "url": url, "user": user,
                  "member": member, "secret": secret})  # fmt: skip
