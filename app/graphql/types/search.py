"""Search results: a person or an account, whichever matched."""

from enum import Enum
from typing import Self

import strawberry

from app.graphql.types.ties import Account, Person
from graph.insights import AccountView
from graph.models import SearchHit as FoundHit


@strawberry.enum(description="What a search result is.")
class SearchKind(Enum):
    MEMBER = "member"
    CONTACT = "contact"
    ACCOUNT = "account"


@strawberry.type(description="One search result: `person` for members and contacts, `account` "
                 "for accounts.")  # fmt: skip
class SearchHit:
    kind: SearchKind
    score: float = strawberry.field(description="Full-text relevance; higher is better.")
    person: Person | None
    account: Account | None

    @classmethod
    def from_domain(cls, hit: FoundHit) -> Self:
        account = hit.account
        return cls(
            kind=SearchKind(hit.kind), score=hit.score,
            person=None if hit.person is None else Person.from_domain(hit.person),
            account=None if account is None else Account.from_domain(AccountView(
                domain=account.domain, name=account.name, tier=account.tier,
                annual_value=account.annual_value)),
        )  # fmt: skip
