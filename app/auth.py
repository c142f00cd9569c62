"""The one place that decides who may do what.

Every GraphQL root field and every REST route has a minimum role in a table below; a field or
route missing from its table is denied to everyone (a test fails until it gets an entry). Reps
see any colleague's tie as it stands now: score, label, colour, trend and counts (lifetime, and
in the 90 days before now, when scanned: the coarse recency they get). What dates an interaction,
or lets a date be worked out, they see only on ties they hold: those fields are listed in
INTERACTION_DETAIL and come back null, and HOLDER_ARGUMENTS refuses a colleague's tie at another
moment (bisecting `asOf` on a count finds an interaction's time). A member who opted out has
their ties left out of every read of anyone else's request (`hidden_from`).
"""

from collections.abc import Awaitable, Callable, Iterable, Sequence
from inspect import isawaitable
from typing import Annotated, Any

from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from graphql import GraphQLResolveInfo
from strawberry.extensions import SchemaExtension

from app.graphql.context import Context
from graph.tokens import authenticate
from tiegraph.access import Role, Viewer
from tiegraph.errors import BadInput, Forbidden
from tiegraph.firm import hidden_members
from tiegraph.identity import lookup_address

Info = GraphQLResolveInfo  # graphql-core's, as extensions receive it (not strawberry's Info)

# Minimum role per GraphQL root field ("Type.field" as in the schema).
GRAPHQL_ROLES: dict[str, Role] = {
    "Query.me": Role.REP,
    "Query.whoKnows": Role.REP,
    "Query.tie": Role.REP,
    "Query.account": Role.REP,
    "Query.accounts": Role.REP,
    "Query.scoringProfile": Role.REP,
    # Names and addresses only, which whoKnows and account show every rep anyway.
    "Query.search": Role.REP,
    "Query.accountHealth": Role.MANAGER,
    "Query.contactHealth": Role.MANAGER,
    # Finding a way in through a colleague is what reps come for; hops show labels and counts,
    # and their dates follow INTERACTION_DETAIL like every other tie.
    "Query.warmIntroRoutes": Role.REP,
    "Query.influenceMap": Role.REP,
    "Query.influencePath": Role.REP,
    # A rep's own feed (see SELF_SCOPED); the team's or a colleague's is a manager's view.
    "Query.attentionFeed": Role.REP,
    # When interactions happened, as every tie's timeline: a rep sees their own only
    # (SELF_SCOPED); the team's dates a colleague's interactions.
    "Query.contactTimeline": Role.REP,
    "Query.accountTimeline": Role.REP,
    # Book-wide risk and "what if this person left" are management questions.
    "Query.singleThreadedAccounts": Role.MANAGER,
    "Query.departureImpact": Role.MANAGER,
    "Query.ingestJob": Role.ADMIN,
    # Who ingested what and when, and what failed: the admin who runs ingestion.
    "Query.jobs": Role.ADMIN,
    "Query.apiTokens": Role.ADMIN,
    "Mutation.ingestInteractions": Role.ADMIN,
    "Mutation.updateScoringProfile": Role.ADMIN,
    "Mutation.runBacktest": Role.ADMIN,
    "Mutation.createToken": Role.ADMIN,
    "Mutation.revokeToken": Role.ADMIN,
    "Mutation.eraseContact": Role.ADMIN,
    "Mutation.restoreErasedAddress": Role.ADMIN,
    "Query.firmSettings": Role.ADMIN,
    "Mutation.excludeFromCapture": Role.ADMIN,
    "Mutation.includeInCapture": Role.ADMIN,
    "Mutation.setStoreSubjects": Role.ADMIN,
    # Each member's own choice, about themselves only (the mutation takes no member).
    "Mutation.setOptOut": Role.REP,
    # Live sources name the team's mailboxes and how to reach them: an admin's business.
    "Query.sources": Role.ADMIN,
    "Mutation.addImapSource": Role.ADMIN,
    "Mutation.addCaldavSource": Role.ADMIN,
    "Mutation.pauseSource": Role.ADMIN,
    "Mutation.resumeSource": Role.ADMIN,
    "Mutation.removeSource": Role.ADMIN,
    "Mutation.syncSource": Role.ADMIN,
}

# Minimum role per non-root field: the same rule inside an answer. The field is nullable, so a
# caller below the role gets null there and a FORBIDDEN error for it, and the rest of the answer.
FIELD_ROLES: dict[str, Role] = {
    # An account's health is accountHealth's answer: a manager's view.
    "Account.health": Role.MANAGER,
}

# Minimum role per REST route (method, path template). /healthz and /readyz are public, and so
# are the API's descriptions (/openapi.json, /docs, and the GraphiQL page at GET /graphql):
# they hold no data. GraphQL operations are checked field by field with GRAPHQL_ROLES.
REST_ROLES: dict[tuple[str, str], Role] = {
    ("POST", "/ingest"): Role.ADMIN,
    ("GET", "/jobs/{job_id}"): Role.ADMIN,
    ("GET", "/jobs"): Role.ADMIN,
    ("GET", "/metrics"): Role.REP,
}
# Root fields a role below manager may call only about themselves: (the argument naming a member,
# the flag asking for the whole team). The member must be the caller (left out, it means the
# caller); the team flag is refused.
SELF_SCOPED: dict[str, tuple[str, str]] = {
    "Query.attentionFeed": ("memberEmail", "team"),
    "Query.contactTimeline": ("memberEmail", "team"),
    "Query.accountTimeline": ("memberEmail", "team"),
}
# Root fields whose second argument a role below manager may give only on their own tie (the
# first argument names its holder): a colleague's tie is shown as it stands now, never at a
# moment of the caller's choosing.
HOLDER_ARGUMENTS: dict[str, tuple[str, str]] = {"Query.tie": ("memberEmail", "asOf")}

PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/openapi.json", "/docs", "/docs/oauth2-redirect",
                          "/redoc"})  # fmt: skip
GRAPHQL_PATH = "/graphql"

# Fields that date individual interactions or let a date be computed: component values (the
# freshness factor inverts to the last two-way exchange, history's to the first-to-last span),
# sentences that name dates, a route's stalest moment. A rep gets them only when every one of
# the object's `holders` is the rep; anyone else's, or an object without holders, gives null.
INTERACTION_DETAIL: frozenset[tuple[str, str]] = frozenset({
    ("Evidence", "firstAt"), ("Evidence", "lastAt"), ("Evidence", "lastTwoWayAt"),
    ("TeamTie", "lastInteractionAt"), ("TeamTie", "lastTwoWayAt"),
    ("InfluenceEdge", "lastInteractionAt"),
    ("Component", "value"), ("Component", "explanation"),
    ("RouteHop", "explanation"), ("IntroRoute", "stalestAt"), ("Tie", "timeline"),
})  # fmt: skip


def required_role(type_name: str, field_name: str) -> Role | None:
    """The minimum role for a root field, or None when it has no entry (denied)."""
    return GRAPHQL_ROLES.get(f"{type_name}.{field_name}")


def check(viewer: Viewer, needed: Role | None, what: str) -> None:
    """Raise Forbidden unless `viewer` holds `needed` (None: nobody may)."""
    if needed is None:
        raise Forbidden(f"{what} is not open to any role")
    if not viewer.at_least(needed):
        raise Forbidden(f"{what} needs the {needed.label} role; this token is {viewer.role.label}")


def names_viewer(viewer: Viewer, asked: object, firm_domains: Sequence[str]) -> bool:
    """Whether the address argument `asked` is the viewer's own, read as every lookup reads it
    (`lookup_address`): what is checked here is what the resolver will look up."""
    if not isinstance(asked, str):
        return False
    try:
        return lookup_address(asked, "email", firm_domains) == viewer.member_email
    except BadInput:
        return False


def check_scope(
    viewer: Viewer, field: str, arguments: dict[str, Any], firm_domains: Sequence[str]
) -> None:
    """Raise Forbidden when a rep asks a self-scoped field about someone else."""
    names = SELF_SCOPED.get(field)
    if names is None or viewer.at_least(Role.MANAGER):
        return
    argument, team = names
    if arguments.get(team):
        raise Forbidden(f"{field} for the whole team ({team}) needs the manager role")
    asked = arguments.get(argument)
    if asked is not None and not names_viewer(viewer, asked, firm_domains):
        raise Forbidden(f"{field} for anyone but yourself ({argument}) needs the manager role")


def check_holder_arguments(
    viewer: Viewer, field: str, arguments: dict[str, Any], firm_domains: Sequence[str]
) -> None:
    """Raise Forbidden when a rep gives a holder-only argument on someone else's tie."""
    names = HOLDER_ARGUMENTS.get(field)
    if names is None or viewer.at_least(Role.MANAGER) or arguments.get(names[1]) is None:
        return
    if not names_viewer(viewer, arguments.get(names[0]), firm_domains):
        raise Forbidden(
            f"{field} with {names[1]} on a colleague's tie needs the manager role; leave "
            f"{names[1]} out for the tie as it stands now"
        )


def sees_detail(viewer: Viewer | None, holders: Iterable[str]) -> bool:
    """Whether `viewer` may see the interaction detail of ties held by `holders`: managers
    always, a rep when they hold every one of them (none: nobody below manager)."""
    if viewer is None:
        return False
    if viewer.at_least(Role.MANAGER):
        return True
    held = tuple(holders)
    return bool(held) and all(h == viewer.member_email for h in held)


def hidden_from(viewer: Viewer) -> frozenset[str]:
    """The one opt-out rule: the members whose ties every answer to `viewer` leaves out (every
    read of the request gets them as `$hidden`): whoever opted out, except the viewer. Managers
    and admins included: an opt-out is the member's, not a role's, to lift."""
    return hidden_members(viewer.opted_out, viewer.member_email)


def redacted(viewer: Viewer | None, type_name: str, field_name: str, root: Any) -> bool:
    """The one redaction rule: whether this field of this object is hidden from `viewer`.
    Every type carrying a tie keeps its holders in a private `holders` tuple."""
    if (type_name, field_name) not in INTERACTION_DETAIL:
        return False
    return not sees_detail(viewer, getattr(root, "holders", ()))


async def _field_guarded(
    next_: Callable[..., Any], root: Any, info: Info, needed: Role, *args: Any, **kwargs: Any
) -> Any:
    context: Context = info.context
    field = f"{info.parent_type.name}.{info.field_name}"
    check(await context.authenticated(), needed, field)
    result = next_(root, info, *args, **kwargs)
    return await result if isawaitable(result) else result


async def _guarded(
    next_: Callable[..., Any],
    root: Any,
    info: "GraphQLResolveInfo[Context]",
    *args: Any,
    **kwargs: Any,
) -> Any:
    context: Context = info.context
    viewer = await context.authenticated()
    context.hide(hidden_from(viewer))
    name = info.field_name
    if not name.startswith("__"):  # introspection: any valid token
        field = f"{info.parent_type.name}.{name}"
        check(viewer, required_role(info.parent_type.name, name), field)
        # The firm's domains only where an address argument is checked against the caller:
        # every other field must not depend on them being set up.
        if not viewer.at_least(Role.MANAGER) and (
            field in SELF_SCOPED or field in HOLDER_ARGUMENTS
        ):
            firm = await context.firm_domains()
            check_scope(viewer, field, kwargs, firm)
            check_holder_arguments(viewer, field, kwargs, firm)
    result = next_(root, info, *args, **kwargs)
    return await result if isawaitable(result) else result


# The types with a field that FIELD_ROLES or INTERACTION_DETAIL name: this check runs on every
# field of every answer, and the fields of any other type pass as they are.
_CHECKED_TYPES = frozenset(
    [type_name for type_name, _ in INTERACTION_DETAIL]
    + [field.split(".")[0] for field in FIELD_ROLES]
)


class Authorization(SchemaExtension):
    """Applies the tables above to every GraphQL operation: root fields by role, interaction
    detail by holder."""

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: Info, *args: Any,
        **kwargs: Any,
    ) -> Any | Awaitable[Any]:  # fmt: skip
        """Check root fields and FIELD_ROLES; null interaction detail the caller may not see."""
        if info.path.prev is None:
            return _guarded(_next, root, info, *args, **kwargs)
        if info.parent_type.name not in _CHECKED_TYPES:  # most fields of an answer
            return _next(root, info, *args, **kwargs)
        needed = FIELD_ROLES.get(f"{info.parent_type.name}.{info.field_name}")
        if needed is not None:
            return _field_guarded(_next, root, info, needed, *args, **kwargs)
        context: Context = info.context
        if redacted(context.viewer, info.parent_type.name, info.field_name, root):
            return None
        return _next(root, info, *args, **kwargs)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


# Declared as a FastAPI security scheme so OpenAPI describes it; the token is checked below.
BEARER = HTTPBearer(
    auto_error=False, scheme_name="bearer",
    description="An API token (`tiegraph token create`): `Authorization: Bearer tg_...`",
)  # fmt: skip


async def authorize_rest(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]
) -> Viewer:
    """The REST dependency: a valid token whose role the route's table entry allows."""
    viewer: Viewer | None = getattr(request.state, "viewer", None)  # app.gate's, on a POST
    if viewer is None:
        token = credentials.credentials if credentials else None
        viewer = await authenticate(request.app.state.repo, token)
    path = getattr(request.scope.get("route"), "path", request.url.path)
    check(viewer, REST_ROLES.get((request.method, path)), f"{request.method} {path}")
    return viewer
