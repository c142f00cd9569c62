"""The admin's GraphQL for live sources: the `sources` query and the mutations that register,
pause, resume, remove and sync them (merged into Query and Mutation by app/graphql/schema.py)."""

import strawberry
from strawberry.types import Info

from app.graphql.context import Context
from app.graphql.types.sources import CaldavSourceInput, ImapSourceInput, Source
from graph import sources
from ingest.jobs import enqueue_sync
from tiegraph.errors import BadInput
from tiegraph.sources import caldav_spec, imap_spec


@strawberry.type
class SourceQuery:
    @strawberry.field(description="Every registered mailbox and calendar with its sync status.")
    async def sources(self, info: Info[Context, None]) -> list[Source]:
        return [Source.from_domain(s) for s in await sources.list_sources(info.context.repo)]


@strawberry.type
class SourceMutation:
    @strawberry.mutation(description="Register an IMAP mailbox; it is synced on the schedule.")
    async def add_imap_source(self, info: Info[Context, None], input: ImapSourceInput) -> Source:
        spec = imap_spec(
            input.name, input.host, input.user, input.member, port=input.port,
            security=input.security, folders=input.folders, password=input.password,
            oauth2_token=input.oauth2_token,
        )  # fmt: skip
        firm = await info.context.firm_domains()
        return Source.from_domain(await sources.add_source(info.context.repo, spec, firm))

    @strawberry.mutation(description="Register a CalDAV calendar (or an account's calendars).")
    async def add_caldav_source(
        self, info: Info[Context, None], input: CaldavSourceInput
    ) -> Source:
        spec = caldav_spec(input.name, input.url, input.user, input.member, input.password)
        firm = await info.context.firm_domains()
        return Source.from_domain(await sources.add_source(info.context.repo, spec, firm))

    @strawberry.mutation(description="Stop syncing a source on the schedule (until resumed).")
    async def pause_source(self, info: Info[Context, None], id: str) -> Source:
        return Source.from_domain(await sources.set_paused(info.context.repo, id, True))

    @strawberry.mutation(description="Sync a paused source on the schedule again, at once.")
    async def resume_source(self, info: Info[Context, None], id: str) -> Source:
        return Source.from_domain(await sources.set_paused(info.context.repo, id, False))

    @strawberry.mutation(description="Forget a source and its checkpoints; what it brought stays.")
    async def remove_source(self, info: Info[Context, None], id: str) -> bool:
        await sources.remove_source(info.context.repo, id)
        return True

    @strawberry.mutation(
        description="Sync a source now on the worker; returns the job's id "
        "(ingestJob shows its counts)."
    )
    async def sync_source(self, info: Info[Context, None], id: str) -> str:
        await sources.get_source(info.context.repo, id)  # NOT_FOUND for an unknown id
        job_id = await enqueue_sync(info.context.queue, id)
        if job_id is None:
            raise BadInput("a sync of this source is queued already", location="id")
        return job_id
