"""What a parser yields besides records: located skips and located errors."""

from collections.abc import Iterable
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


def owned_by(items: Iterable[ParsedItem], member: str) -> list[ParsedItem]:
    """`items` as read from `member`'s own mailbox or calendar: each record names them as its
    `owner`, which the capture controls go by (tiegraph/firm.py)."""
    return [i.model_copy(update={"owner": member}) if isinstance(i, InteractionRecord) else i
            for i in items]  # fmt: skip
