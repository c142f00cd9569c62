"""What a parser yields besides records: located skips and located errors."""

from dataclasses import dataclass

from tiegraph.domain import InteractionRecord


@dataclass(frozen=True)
class Skipped:
    """A well-formed item deliberately not ingested (bulk mail, a cancelled event...)."""

    location: str  # "file:line" or "file#message-3"
    reason: str  # a short, stable key such as "mailing-list" or "cancelled"


@dataclass(frozen=True)
class ParseIssue:
    """An item that could not be read; the message names the field."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


ParsedItem = InteractionRecord | Skipped | ParseIssue
