"""Taking back interactions a source no longer vouches for: a calendar event rescheduled,
answered differently or cancelled after it was ingested, or what a member's own mailbox
delivered once that mailbox is excluded from capture (ingest/capture.py).

Ingestion only adds, so a changed event is retracted first (its stored occurrences deleted and
every tie they fed rebuilt from the interactions that remain, with the one fold, as an erasure
does) and its new form is then ingested like any other. Both steps are idempotent: a sync that
stops between them does them again.
"""

from collections.abc import Sequence

from graph.records import reach_rule
from graph.repository import GraphRepository
from ingest.erasure import rebuilt_ties, touched_ties
from scoring.policy import IngestPolicy
from tiegraph.domain import InteractionRecord


async def retract(
    repo: GraphRepository, records: Sequence[InteractionRecord], firm_domains: tuple[str, ...]
) -> int:
    """Delete the stored `records` and rebuild the ties they touched; returns how many."""
    if not records:
        return 0
    policy = IngestPolicy(firm_domains=firm_domains, profile=await repo.scoring_profile())
    keys = touched_ties(records, policy)
    ids = [r.external_id for r in records]
    ties = await rebuilt_ties(repo, keys, [], ids, set(), policy)
    pairs = sorted({(a, b) for _, a, b in keys})
    await repo.retract_interactions(ids, pairs, ties, reach_rule(policy.profile))
    return len(ids)
