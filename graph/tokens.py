"""API tokens: issue, authenticate, list and revoke. Only a token's hash reaches the graph."""

from collections.abc import Iterable
from datetime import UTC, datetime

from graph.repository import GraphRepository
from tiegraph.access import ApiToken, Role, Viewer, new_token, token_hash, token_id
from tiegraph.domain import PersonKind
from tiegraph.errors import BadInput, NotFound, Unauthenticated
from tiegraph.identity import lookup_address, person_kind


async def issue_token(
    repo: GraphRepository, member_email: str, role: Role, firm_domains: Iterable[str]
) -> tuple[str, ApiToken]:
    """A new token for `member_email` with `role`: the token (show it once) and what is stored.
    BadInput unless the address is a team member's (on one of `firm_domains`): a token for a
    customer's address would let a customer in."""
    member = lookup_address(member_email, "member", tuple(firm_domains))
    if person_kind(member, frozenset(firm_domains)) is not PersonKind.TEAM_MEMBER:
        raise BadInput(
            f"{member} is not on a firm domain (TIEGRAPH_FIRM_DOMAINS); tokens are for team "
            "members",
            location="member",
        )
    token = new_token()
    hashed = token_hash(token)
    stored = ApiToken(
        id=token_id(hashed), role=role, member_email=member, created_at=datetime.now(UTC)
    )
    await repo.create_token(stored, hashed)
    return token, stored


async def authenticate(repo: GraphRepository, token: str | None) -> Viewer:
    """The caller a bearer token stands for; Unauthenticated for none, unknown or revoked."""
    if not token:
        raise Unauthenticated("send a bearer token: Authorization: Bearer <token>")
    found = await repo.token_by_hash(token_hash(token))
    if found is None or found[0].revoked_at is not None:
        raise Unauthenticated("the bearer token is unknown or revoked")
    stored, opted_out, firm_domains = found
    return Viewer(token_id=stored.id, role=stored.role, member_email=stored.member_email,
                  opted_out=opted_out, firm_domains=firm_domains)  # fmt: skip


async def revoke_token(repo: GraphRepository, ident: str) -> ApiToken:
    """Revoke the token with public id `ident`; NotFound when there is none."""
    revoked = await repo.revoke_token(ident.strip(), datetime.now(UTC))
    if revoked is None:
        raise NotFound(f"no token with the id {ident.strip()}")
    return revoked
