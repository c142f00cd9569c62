"""The GraphQL schema. Each resolver translates arguments, calls one function, wraps the result."""

from datetime import datetime
from functools import partial
from typing import Annotated

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions.max_aliases import create_validator as alias_limit
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit
from strawberry.scalars import JSON
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, Info

from app.auth import Authorization
from app.errors import ErrorCodes, log_graphql_errors
from app.graphql.context import Context
from app.graphql.parsing import MAX_DOCUMENTS, DocumentCache, KeptDocuments
from app.graphql.sources import SourceMutation, SourceQuery
from app.graphql.types.access import ApiToken, CreatedToken, Erasure, Me
from app.graphql.types.firm import CaptureTarget, FirmSettings
from app.graphql.types.health import AccountHealth, ContactHealth
from app.graphql.types.ingest import IngestJob, IngestResult, InteractionInput, JobHistoryEntry
from app.graphql.types.intelligence import (
    AttentionItem,
    DepartureImpact,
    InfluenceMap,
    InfluencePath,
    IntroRoute,
    ThreadedAccountConnection,
)
from app.graphql.types.pages import Connection, checked_first, connection, page_window
from app.graphql.types.profile import ProfileUpdate
from app.graphql.types.search import SearchHit
from app.graphql.types.tie import MonthCount, Tie
from app.graphql.types.ties import Account, TeamTie
from app.observability import GraphQLMetrics
from graph import (
    attention,
    departure,
    health,
    influence,
    insights,
    routes,
    search,
    threads,
    timelines,
    tokens,
)
from ingest import capture, erasure
from ingest.jobs import enqueue_backtest, job_history, job_report
from ingest.jsonl import records_from_wire
from ingest.pipeline import Ingestor, require_storable
from ingest.profiles import update_profile
from tiegraph.access import Role
from tiegraph.errors import BadInput, NotFound
from tiegraph.settings import Settings

MAX_INTERACTIONS_PER_CALL = 10_000


MEMBER_OR_ME = strawberry.argument(description="Whose; the signed-in member when omitted.")
TEAM = strawberry.argument(description="The whole team's instead of one member's (managers).")


async def _member_or_me(info: Info[Context, None], given: str | None) -> str:
    """The member an argument names, or the signed-in one when it is omitted."""
    return given if given is not None else (await info.context.authenticated()).member_email


async def _member_or_team(info: Info[Context, None], given: str | None, team: bool) -> str | None:
    """One member (as `_member_or_me`), or None for the whole team."""
    if team and given is not None:
        raise BadInput("give memberEmail or team: true, not both", location="team")
    return None if team else await _member_or_me(info, given)


@strawberry.type
class Query:
    @strawberry.field(description="The caller: whose token this is and its role.")
    async def me(self, info: Info[Context, None]) -> Me:
        return Me.from_domain(await info.context.authenticated())

    @strawberry.field(description="Team members who know this contact, strongest tie first.")
    async def who_knows(self, info: Info[Context, None], email: str) -> list[TeamTie]:
        ties = await insights.who_knows(info.context.repo, email, await info.context.firm_domains())
        return [TeamTie.from_domain(t) for t in ties]

    @strawberry.field(description="One tie scored as of a moment (now by default), with why.")
    async def tie(
        self,
        info: Info[Context, None],
        member_email: str,
        contact_email: str,
        as_of: datetime | None = None,
    ) -> Tie:
        firm = await info.context.firm_domains()
        view = await insights.tie_view(info.context.repo, member_email, contact_email, firm, as_of)
        return Tie.from_domain(view)

    @strawberry.field(description="An account's health: coverage, threads, cold signs, champions.")
    async def account_health(
        self, info: Info[Context, None], domain: str, as_of: datetime | None = None
    ) -> AccountHealth:
        view = await health.account_health(info.context.repo, domain, as_of)
        return AccountHealth.from_domain(view)

    @strawberry.field(description="One contact's ties, champion criteria, trend and moves.")
    async def contact_health(
        self, info: Info[Context, None], email: str, as_of: datetime | None = None
    ) -> ContactHealth:
        view = await health.contact_health(
            info.context.repo, email, await info.context.firm_domains(), as_of
        )
        return ContactHealth.from_domain(view)

    @strawberry.field(description="The active scoring profile (defaults until one is saved).")
    async def scoring_profile(self, info: Info[Context, None]) -> JSON:
        profile = await info.context.repo.scoring_profile()
        return JSON(profile.model_dump(mode="json"))

    @strawberry.field(description="An ingestion job's state and counts (see POST /ingest).")
    async def ingest_job(self, info: Info[Context, None], id: str) -> IngestJob:
        report = await job_report(info.context.queue, id)
        if report.status == "not_found":
            raise NotFound(f"no job {id}")
        return IngestJob.from_domain(report)

    @strawberry.field(
        description="Queued, running and finished jobs, newest first (finished ones are kept "
        "TIEGRAPH_JOB_HISTORY_DAYS); as GET /jobs."
    )
    async def jobs(self, info: Info[Context, None], first: int = 50) -> list[JobHistoryEntry]:
        size = checked_first(first, info.context.settings.max_page_size)
        return [JobHistoryEntry.from_domain(j) for j in await job_history(info.context.queue, size)]

    @strawberry.field(description="An account (by email domain) with its contacts and ties.")
    async def account(self, info: Info[Context, None], domain: str) -> Account:
        return Account.from_domain(await insights.account_view(info.context.repo, domain))

    @strawberry.field(
        description="Warm-intro routes to a person (targetEmail) or the best entry point per "
        "contact into an account (targetDomain), strongest first; empty when there is none."
    )
    async def warm_intro_routes(
        self,
        info: Info[Context, None],
        requester_email: Annotated[
            str | None,
            strawberry.argument(description="Whose routes; the signed-in member when omitted."),
        ] = None,
        target_email: str | None = None,
        target_domain: str | None = None,
        first: int = 5,
    ) -> list[IntroRoute]:
        size = checked_first(first, info.context.settings.max_page_size)
        requester = await _member_or_me(info, requester_email)
        found = await routes.warm_intro_routes(
            info.context.repo,
            requester,
            await info.context.firm_domains(),
            target_email,
            target_domain,
            size,
        )
        return [IntroRoute.from_domain(r) for r in found]

    @strawberry.field(
        description="Accounts whose active ties run through one member or one contact, "
        "highest value at risk first, with who could add a second thread."
    )
    async def single_threaded_accounts(
        self,
        info: Info[Context, None],
        min_annual_value: float | None = None,
        tier: str | None = None,
        first: int = 10,
        after: str | None = None,
    ) -> ThreadedAccountConnection:
        size = checked_first(first, info.context.settings.max_page_size)
        page = await threads.single_threaded_accounts(
            info.context.repo, min_annual_value, tier, size, after
        )
        return ThreadedAccountConnection.from_domain(page)

    @strawberry.field(description="An account's contacts and ties with PageRank and betweenness.")
    async def influence_map(self, info: Info[Context, None], domain: str) -> InfluenceMap:
        return InfluenceMap.from_domain(await influence.influence_map(info.context.repo, domain))

    @strawberry.field(description="The strongest path between two contacts of one account.")
    async def influence_path(
        self, info: Info[Context, None], from_email: str, to_email: str
    ) -> InfluencePath | None:
        found = await influence.influence_path(
            info.context.repo, from_email, to_email, await info.context.firm_domains()
        )
        return None if found is None else InfluencePath.from_domain(found)

    @strawberry.field(description="What a team member's departure would cost, with successors.")
    async def departure_impact(
        self, info: Info[Context, None], member_email: str
    ) -> DepartureImpact:
        found = await departure.departure_impact(
            info.context.repo, member_email, await info.context.firm_domains()
        )
        return DepartureImpact.from_domain(found)

    @strawberry.field(
        description="What needs attention first: one member's (the signed-in member when "
        "memberEmail is omitted), or the whole team's with team: true (managers)."
    )
    async def attention_feed(
        self,
        info: Info[Context, None],
        member_email: Annotated[str | None, MEMBER_OR_ME] = None,
        team: Annotated[bool, TEAM] = False,
        first: int = 20,
    ) -> list[AttentionItem]:
        size = checked_first(first, info.context.settings.max_page_size)
        member = await _member_or_team(info, member_email, team)
        firm = await info.context.firm_domains()
        items = await attention.attention_feed(info.context.repo, firm, member, size)
        return [AttentionItem.from_domain(i) for i in items]

    @strawberry.field(
        description="A contact's interactions per month and kind, from the first month to now's: "
        "those one member took part in (the signed-in member when memberEmail is omitted), or "
        "the whole team's with team: true (managers)."
    )
    async def contact_timeline(
        self,
        info: Info[Context, None],
        email: str,
        member_email: Annotated[str | None, MEMBER_OR_ME] = None,
        team: Annotated[bool, TEAM] = False,
    ) -> list[MonthCount]:
        member = await _member_or_team(info, member_email, team)
        firm = await info.context.firm_domains()
        found = await timelines.contact_timeline(info.context.repo, email, member, firm)
        return [MonthCount.from_domain(m) for m in found]

    @strawberry.field(
        description="The interactions with an account's contacts per month and kind (each "
        "counted once), from the first month to now's: one member's (the signed-in member when "
        "memberEmail is omitted), or the whole team's with team: true (managers)."
    )
    async def account_timeline(
        self,
        info: Info[Context, None],
        domain: str,
        member_email: Annotated[str | None, MEMBER_OR_ME] = None,
        team: Annotated[bool, TEAM] = False,
    ) -> list[MonthCount]:
        member = await _member_or_team(info, member_email, team)
        firm = await info.context.firm_domains()
        found = await timelines.account_timeline(info.context.repo, domain, member, firm)
        return [MonthCount.from_domain(m) for m in found]

    @strawberry.field(description="Accounts in domain order, a page at a time.")
    async def accounts(
        self, info: Info[Context, None], first: int = 20, after: str | None = None
    ) -> Connection[Account]:
        start, size = page_window(first, after, info.context.settings.max_page_size)
        views = await insights.accounts_page(info.context.repo, start, size + 1)
        return connection(views, size, lambda v: v.domain, Account.from_domain)

    @strawberry.field(
        description="People (members and contacts) and accounts whose name, address or domain "
        "has words starting with the typed ones, best first: for search as you type."
    )
    async def search(
        self, info: Info[Context, None], text: str, first: int = 10
    ) -> list[SearchHit]:
        size = checked_first(first, info.context.settings.max_page_size)
        hits = await search.search(info.context.repo, text, size)
        return [SearchHit.from_domain(h) for h in hits]

    @strawberry.field(description="The firm's domains and capture controls (tiegraph init).")
    async def firm_settings(self, info: Info[Context, None]) -> FirmSettings:
        return FirmSettings.from_domain(await info.context.repo.firm_settings())

    @strawberry.field(description="Every API token, newest first (never the tokens themselves).")
    async def api_tokens(self, info: Info[Context, None]) -> list[ApiToken]:
        return [ApiToken.from_domain(t) for t in await info.context.repo.tokens()]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Ingest interactions; all are validated before any is written, and "
        "re-sending an id changes nothing."
    )
    async def ingest_interactions(
        self, info: Info[Context, None], interactions: list[InteractionInput]
    ) -> IngestResult:
        if len(interactions) > MAX_INTERACTIONS_PER_CALL:
            raise BadInput(
                f"at most {MAX_INTERACTIONS_PER_CALL} per call; use POST /ingest for files",
                location="interactions",
            )
        records = records_from_wire([i.to_wire() for i in interactions], "interactions")
        require_storable(records, "interactions")
        ingestor = Ingestor.for_settings(info.context.repo, info.context.settings)
        report = await ingestor.run(records)
        return IngestResult.from_domain(report)

    @strawberry.mutation(
        description="Change the scoring profile (only the given fields); queues a rescore of "
        "every tie, whose progress ingestJob reports."
    )
    async def update_scoring_profile(
        self, info: Info[Context, None], changes: JSON
    ) -> ProfileUpdate:
        if not isinstance(changes, dict):
            raise BadInput("an object of profile fields", location="changes")
        profile, version, job = await update_profile(info.context.repo, info.context.queue, changes)
        return ProfileUpdate(
            version=version, rescore_job_id=job, profile=JSON(profile.model_dump(mode="json"))
        )

    @strawberry.mutation(
        description="Backtest the tie score on the stored history under the active profile "
        "(cut-offs every everyDays, labels looking horizonDays ahead, an evaluation period from "
        "split when given), as a worker job; returns its id. ingestJob reports cut-offs scored "
        "and, once complete, the figures as result."
    )
    async def run_backtest(
        self, info: Info[Context, None], every_days: float = 90.0, horizon_days: float = 90.0,
        split: datetime | None = None,
    ) -> str:  # fmt: skip
        for name, days in (("everyDays", every_days), ("horizonDays", horizon_days)):
            if not days > 0:
                raise BadInput("must be more than 0 days", location=name)
        if split is not None and split.tzinfo is None:
            raise BadInput("needs a time zone", location="split")
        return await enqueue_backtest(info.context.queue, every_days, horizon_days, split)

    @strawberry.mutation(description="A new API token for a team member; shown once.")
    async def create_token(
        self, info: Info[Context, None], member_email: str, role: Role
    ) -> CreatedToken:
        firm = await info.context.firm_domains()
        token, stored = await tokens.issue_token(info.context.repo, member_email, role, firm)
        return CreatedToken(token=token, info=ApiToken.from_domain(stored))

    @strawberry.mutation(description="Revoke a token by its id; it stops working at once.")
    async def revoke_token(self, info: Info[Context, None], id: str) -> ApiToken:
        return ApiToken.from_domain(await tokens.revoke_token(info.context.repo, id))

    @strawberry.mutation(
        description="Erase a contact: the person, their aliases and their place in every "
        "interaction; ties they shared interactions with are rebuilt without them, and the "
        "address is listed so later ingestion drops it (restoreErasedAddress undoes that)."
    )
    async def erase_contact(self, info: Info[Context, None], email: str) -> Erasure:
        firm = await info.context.firm_domains()
        return Erasure.from_domain(await erasure.erase_contact(info.context.repo, email, firm))

    @strawberry.mutation(
        description="Stop capturing a member's mailboxes and calendars, an address or a domain; "
        "an address's or domain's stored interactions are erased (see the README)."
    )
    async def exclude_from_capture(
        self, info: Info[Context, None], target: CaptureTarget, value: str
    ) -> FirmSettings:
        return await _capture_change(info, capture.exclude, target, value)

    @strawberry.mutation(description="Capture a member's sources, an address or a domain again.")
    async def include_in_capture(
        self, info: Info[Context, None], target: CaptureTarget, value: str
    ) -> FirmSettings:
        return await _capture_change(info, capture.include, target, value)

    @strawberry.mutation(description="Store subjects or not; off also removes the stored ones.")
    async def set_store_subjects(self, info: Info[Context, None], store: bool) -> FirmSettings:
        told = info.context.settings.firm_domains
        return FirmSettings.from_domain(
            await capture.store_subjects(info.context.repo, told, store)
        )

    @strawberry.mutation(
        description="The caller's own choice: leave my ties out of other people's answers "
        "(true) or show them again (false). Returns the new choice."
    )
    async def set_opt_out(self, info: Info[Context, None], opted_out: bool) -> bool:
        viewer = await info.context.authenticated()
        told = info.context.settings.firm_domains
        await capture.opt_out(info.context.repo, told, viewer.member_email, opted_out)
        return opted_out

    @strawberry.mutation(description="Take an address off the erasure list; true if it was on.")
    async def restore_erased_address(self, info: Info[Context, None], email: str) -> bool:
        return await erasure.restore_address(
            info.context.repo, email, await info.context.firm_domains()
        )


async def _capture_change(
    info: Info[Context, None], change: capture.Change, target: CaptureTarget, value: str
) -> FirmSettings:
    told = info.context.settings.firm_domains
    done = await change(info.context.repo, told, target.value, value)
    return FirmSettings.from_domain(done.settings)


class Schema(strawberry.Schema):
    """strawberry's schema, logging errors by their code (app.errors): a client's mistake is
    one info line, not an error with its traceback and the whole document."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log the operation's errors (before ErrorCodes rewrites them)."""
        log_graphql_errors(errors)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the limits of `settings`. Extensions are given as factories, so each
    operation gets fresh ones; ErrorCodes comes last so it sees (and codes) the errors of every
    other extension.

    Parsing and validating a document are a large share of a small query's time, and both
    depend only on its text and on what is fixed here, so KeptDocuments keeps the documents
    that parsed with their validation (app/graphql/parsing.py). The depth and alias limits are
    validation rules made here once; the token limit is set on every parse, kept or not.
    """
    limits: list[type[ASTValidationRule]] = [
        depth_limit(settings.max_query_depth, should_ignore=None),
        alias_limit(settings.max_aliases),
    ]
    documents = DocumentCache(MAX_DOCUMENTS)
    return Schema(
        query=merge_types("Query", (Query, SourceQuery)),
        mutation=merge_types("Mutation", (Mutation, SourceMutation)),
        extensions=[
            partial(KeptDocuments, documents, settings.max_query_tokens, limits),
            Authorization,
            GraphQLMetrics,
            ErrorCodes,
        ],
    )


def schema_sdl() -> str:
    """The schema in SDL, as committed in `schema.graphql` (`make schema` rewrites it)."""
    return str(build_schema(Settings())) + "\n"
