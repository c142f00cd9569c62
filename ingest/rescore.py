"""Rebuild every tie from the stored interactions under the active scoring profile.

Stored tie sums carry the channel weights and half-lives that wrote them, so a profile change
needs this. Ties are dropped and re-added page by page; until the job ends, scores are partial
(the job's progress says how far it is).
"""

from collections.abc import Awaitable, Callable

from graph.repository import GraphRepository
from ingest.batch import PreparedBatch
from ingest.policy import IngestPolicy
from ingest.ties import fold_ties
from tiegraph.domain import InteractionRecord
from tiegraph.identity import person_kind

PAGE_SIZE = 20_000

Progress = Callable[[int], Awaitable[None]]


def _with_admin_patterns(
    records: list[InteractionRecord], policy: IngestPolicy
) -> list[InteractionRecord]:
    """Re-apply the profile's admin-subject patterns (they may have changed)."""
    return [
        r.model_copy(update={"is_admin": True})
        if not r.is_admin and policy.profile.is_admin_subject(r.subject)
        else r
        for r in records
    ]


async def _rebuild_page(
    repo: GraphRepository, records: list[InteractionRecord], policy: IngestPolicy
) -> None:
    records = _with_admin_patterns(records, policy)
    here = {r.external_id: r for r in records}
    wanted = {r.in_reply_to for r in records if r.in_reply_to} - here.keys()
    parents = {**(await repo.stored_interactions(sorted(wanted)) if wanted else {}), **here}
    emails = {p.email for r in records for p in r.participants}
    kinds = {e: person_kind(e, policy.firm_domain_set) for e in emails}
    ties = fold_ties(records, kinds, policy, parents=parents)
    await repo.write_batch(PreparedBatch(ties={t: rows for t, rows in ties.items() if rows}))


async def rescore_all(
    repo: GraphRepository, firm_domains: tuple[str, ...], progress: Progress
) -> int:
    """Drop and rebuild every tie; returns how many interactions were replayed."""
    policy = IngestPolicy(firm_domains=firm_domains, profile=await repo.scoring_profile())
    await repo.delete_all_ties()
    after, done = "", 0
    while page := await repo.interaction_page(after, PAGE_SIZE):
        await _rebuild_page(repo, page, policy)
        after, done = page[-1].external_id, done + len(page)
        await progress(done)
    return done
