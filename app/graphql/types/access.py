"""Tokens, the caller, and erasure."""

from datetime import datetime
from typing import Self

import strawberry

from ingest.erasure import ErasureReport
from tiegraph import access

strawberry.enum(access.Role, description="What a token may do: rep < manager < admin.")


@strawberry.type(description="An API token as stored: never the token itself.")
class ApiToken:
    id: str = strawberry.field(description="Public id: revoke by it.")
    role: access.Role
    member_email: str
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def from_domain(cls, token: access.ApiToken) -> Self:
        return cls(id=token.id, role=token.role, member_email=token.member_email,
                   created_at=token.created_at, revoked_at=token.revoked_at)  # fmt: skip


@strawberry.type(description="A new token: `token` is shown this once and never stored.")
class CreatedToken:
    token: str
    info: ApiToken


@strawberry.type(description="Who the calling token belongs to.")
class Me:
    member_email: str
    role: access.Role
    token_id: str

    @classmethod
    def from_domain(cls, viewer: access.Viewer) -> Self:
        return cls(member_email=viewer.member_email, role=viewer.role, token_id=viewer.token_id)


@strawberry.type(description="What erasing a contact did.")
class Erasure:
    address: str
    person_found: bool
    interactions_rewritten: int = strawberry.field(description="Kept, without them.")
    interactions_deleted: int = strawberry.field(description="Left with nobody else to tie.")
    ties_rebuilt: int

    @classmethod
    def from_domain(cls, report: ErasureReport) -> Self:
        return cls(
            address=report.address, person_found=report.person_found,
            interactions_rewritten=report.interactions_rewritten,
            interactions_deleted=report.interactions_deleted, ties_rebuilt=report.ties_rebuilt,
        )  # fmt: skip
