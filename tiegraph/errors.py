"""Domain errors. Only `app/` maps them to GraphQL codes and HTTP statuses."""


class TiegraphError(Exception):
    """Root of every error tiegraph raises on purpose."""

    code = "INTERNAL"


class NotFound(TiegraphError):
    """The thing asked for does not exist in the graph."""

    code = "NOT_FOUND"


class BadInput(TiegraphError):
    """Input that cannot be used; the message names the file, line or field."""

    code = "BAD_INPUT"

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(f"{location}: {message}" if location else message)
        self.location = location


class Unavailable(TiegraphError):
    """A service tiegraph depends on (Neo4j, Redis) cannot be reached."""

    code = "UNAVAILABLE"


class Unauthenticated(TiegraphError):
    """No bearer token, or one that is unknown or revoked."""

    code = "UNAUTHENTICATED"


class Forbidden(TiegraphError):
    """The caller's role may not do this."""

    code = "FORBIDDEN"


class LimitExceeded(TiegraphError):
    """The request is too large or too slow: depth, aliases, tokens, page size or time."""

    code = "LIMIT"


class SetupRequired(TiegraphError):
    """The firm is not set up (no domains stored), or this process disagrees with what is."""

    code = "SETUP_REQUIRED"
